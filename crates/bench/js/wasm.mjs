// contact-picker's core compiled to wasm (the import engine's `FileImport`, behind its `testing`
// feature, built with `wasm-bindgen --target nodejs` into PKG), fed the file in 64 KiB chunks as a browser File
// stream delivers it, then reading the result's JSON text a piece at a time (`nextJson`), as a
// page would hand it on. Usage: node wasm.mjs PKG FILE... [--region CC] [--repeat N].
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const region = flag('--region', 'US');
const repeat = Number(flag('--repeat', '3'));
const [pkg, ...files] = args.filter((a, i) => !a.startsWith('--') && !(i > 0 && args[i - 1].startsWith('--')));
const picker = createRequire(import.meta.url)(path.resolve(pkg, 'contact_picker_engine.js'));
const CHUNK = 64 * 1024;

for (const file of files) {
  const bytes = fs.readFileSync(file);
  let best = Infinity;
  let records = 0;
  let out = 0;
  for (let i = 0; i < repeat; i++) {
    const start = performance.now();
    const job = new picker.FileImport(file, region, true);
    for (let at = 0; at < bytes.length; at += CHUNK) job.push(bytes.subarray(at, at + CHUNK));
    out = job.finish();
    let jsonBytes = 0;
    for (let piece = job.nextJson(); piece !== undefined; piece = job.nextJson()) jsonBytes += piece.length;
    records = job.progress().records;
    const seconds = (performance.now() - start) / 1000;
    job.free();
    best = Math.min(best, seconds);
    if (jsonBytes <= out) throw new Error('no JSON written');
  }
  // Wasm memory only grows, so its size now is the peak of all runs.
  const memory = picker.memoryBytes();
  console.log(JSON.stringify({
    runner: 'wasm',
    file,
    input_bytes: bytes.length,
    records,
    contacts_out: out,
    seconds: best,
    contacts_per_s: Math.round(records / best),
    mb_per_s: Math.round((bytes.length / 1e6 / best) * 100) / 100,
    wasm_memory_bytes: memory,
  }));
}
