// Runs the picker's search benchmark compiled to wasm32-unknown-unknown under Node (V8).
// node crates/picker/tools/search_bench.mjs path/to/search_bench.wasm [entries] [runs]
// See crates/picker/examples/search_bench.rs.
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";

const [path, ...rest] = process.argv.slice(2);
if (!path) {
  console.error("usage: node search_bench.mjs search_bench.wasm [entries] [runs]");
  process.exit(2);
}
const args = rest.map(Number);
let memory;
const { instance } = await WebAssembly.instantiate(readFileSync(path), {
  bench: {
    now: () => performance.now(),
    log: (ptr, len) => console.log(Buffer.from(memory.buffer, ptr, len).toString("utf8")),
    arg: (index) => args[index] || 0,
  },
});
memory = instance.exports.memory;
instance.exports.main(0, 0);
