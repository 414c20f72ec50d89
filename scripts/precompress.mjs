// Writes FILE.gz and FILE.br next to every .js and .wasm file under DIR (www/dist), for static
// servers that send precompressed files instead of compressing each response themselves (nginx
// `gzip_static` and `brotli_static`, Caddy's `file_server { precompressed }`, tower-http's
// `ServeDir::precompressed_gzip()`):
//   .gz   gzip made by Zopfli (@gfx/zopfli, Google's zopfli in WebAssembly): a standard gzip
//         stream that every browser reads, about 4.5% smaller than gzip -9 on the widget's
//         files; too slow to make per response, which is why it is made here, once
//   .br   brotli at quality 11 (node:zlib), where a server compressing per response would use 4-6
//
//   node scripts/precompress.mjs DIR
//
// Prints nothing; scripts/build-widget prints the sizes.

import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, brotliDecompressSync, constants, gunzipSync } from "node:zlib";
import { gzipAsync } from "@gfx/zopfli";

const dir = process.argv[2];
if (!dir) {
  console.error("usage: node scripts/precompress.mjs DIR");
  process.exit(2);
}

const files = readdirSync(dir, { recursive: true })
  .map((name) => join(dir, String(name)))
  .filter((path) => /\.(js|wasm)$/.test(path));
for (const path of files) {
  const body = readFileSync(path);
  const gzip = Buffer.from(await gzipAsync(body, { numiterations: 15 }));
  const mode = path.endsWith(".wasm") ? constants.BROTLI_MODE_GENERIC : constants.BROTLI_MODE_TEXT;
  const brotli = brotliCompressSync(body, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 11,
      [constants.BROTLI_PARAM_MODE]: mode,
      [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
    },
  });
  // A server sends these in place of the file: they must be the file.
  if (!gunzipSync(gzip).equals(body) || !brotliDecompressSync(brotli).equals(body)) {
    console.error(`precompress: ${path} does not decompress to itself`);
    process.exit(1);
  }
  writeFileSync(`${path}.gz`, gzip);
  writeFileSync(`${path}.br`, brotli);
}
