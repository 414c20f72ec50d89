// How fast Node turns UTF-8 bytes from wasm memory into a JS string, for the same JSON-like
// text in ASCII and with one accented letter a line: the reason the widget's `nextJson` writes
// ASCII JSON (BENCHMARKS.md). Usage: node decode.mjs
// The decoder is made as wasm-bindgen's glue makes it (`fatal: true`).
const decoder = new TextDecoder('utf-8', { ignoreBOM: true, fatal: true });
const PIECE = 256 * 1024;

function piece(accented) {
  const street = accented ? "171 Rue de l'\u00c9glise" : "171 Rue de l'\\u00c9glise";
  let text = '';
  while (text.length < PIECE) {
    text += `{"id":"70e33a4a8948b0fb","source":"google.csv","street":["${street}"],"locality":"Paris"},\n`;
  }
  return new TextEncoder().encode(text);
}

for (const [name, bytes] of [['ascii (\\u00c9)', piece(false)], ['utf-8 (\u00c9)', piece(true)]]) {
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const start = performance.now();
    let length = 0;
    for (let i = 0; i < 200; i++) length += decoder.decode(bytes).length;
    best = Math.min(best, (performance.now() - start) / 1000);
    if (length === 0) throw new Error('nothing decoded');
  }
  console.log(`${name}: ${Math.round((bytes.length * 200) / 1e6 / best)} MB/s`);
}
