// Shortens the names a wasm-bindgen module and its JS glue share: the glue's import names
// (`__wbg_addEventListener_8d3235978b9c69a8`), its module name (`./contact_picker_bg.js`) and
// the exports (`__wbindgen_export2`). Each is written twice, once in the wasm and once in
// the JS, and a 16-digit hash does not compress: 2.8 KB of the UI module's gzip and some of
// the glue's (BENCHMARKS.md, first-load bytes). wasm-bindgen has no option for it.
//
//   node scripts/shorten-wasm-names.mjs <module.wasm> <glue.js> [wasm-opt feature flags...]
//
// The feature flags are the caller's (`scripts/build-ui`): binaryen must be told what the
// module uses, and the caller already says it for its own wasm-opt run.
//
// binaryen's `--minify-imports-and-exports-and-modules` renames them in the wasm and prints
// the mapping; this script applies it to the glue, in place. It fails, leaving both files as
// they were, when a name it renames is not where the glue is known to write it (a new
// wasm-bindgen writing its glue differently), so a mismatch stops the build instead of
// shipping a module that cannot be instantiated.
import { execFileSync } from "node:child_process";
import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const [wasmPath, gluePath, ...features] = process.argv.slice(2);
if (!wasmPath || !gluePath) {
  console.error("usage: shorten-wasm-names.mjs <module.wasm> <glue.js> [wasm-opt feature flags...]");
  process.exit(2);
}

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const wasmOpt = join(root, "node_modules/.bin/wasm-opt");
const shortened = `${wasmPath}.short`;
const printed = execFileSync(
  wasmOpt,
  [...features, "--minify-imports-and-exports-and-modules", wasmPath, "-o", shortened],
  { encoding: "utf8", maxBuffer: 64 << 20 },
);
// The mapping is the JSON object binaryen prints; nothing else is on standard output.
const mapping = JSON.parse(printed.slice(printed.indexOf("{")));
const module = new WebAssembly.Module(readFileSync(shortened));
const modules = new Set(WebAssembly.Module.imports(module).map((entry) => entry.module));
if (modules.size !== 1) fail(`expected one import module, found ${[...modules].join(", ")}`);
const [newModule] = modules;

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
let glue = readFileSync(gluePath, "utf8");
// Replaces exactly one occurrence of `pattern` (or every one, for exports used many times).
function rename(pattern, replacement, what, { atLeastOnce = false } = {}) {
  const found = glue.match(pattern);
  const count = found ? found.length : 0;
  if (atLeastOnce ? count === 0 : count !== 1) {
    fail(`${what}: found ${count} times in ${gluePath}`);
  }
  glue = glue.replace(pattern, replacement);
}

const oldModules = new Set(mapping.imports.map(([moduleName]) => moduleName));
for (const oldModule of oldModules) {
  rename(new RegExp(`(["'])${escape(oldModule)}\\1:`, "g"), `"${newModule}":`, `module ${oldModule}`);
}
// An import is a key of the glue's import object: `name: function(...)`.
for (const [, oldName, newName] of mapping.imports) {
  rename(new RegExp(`\\b${escape(oldName)}(?=: *function\\b)`, "g"), newName, `import ${oldName}`);
}
// An export is read as `wasm.name`; exports the glue never reads are left to the module.
for (const [oldName, newName] of mapping.exports) {
  const pattern = new RegExp(`\\bwasm\\.${escape(oldName)}\\b`, "g");
  if (pattern.test(glue)) {
    rename(pattern, `wasm.${newName}`, `export ${oldName}`, { atLeastOnce: true });
  }
}

writeFileSync(gluePath, glue);
renameSync(shortened, wasmPath);

function fail(message) {
  console.error(`shorten-wasm-names: ${message}; nothing was changed`);
  rmSync(shortened, { force: true });
  process.exit(1);
}
