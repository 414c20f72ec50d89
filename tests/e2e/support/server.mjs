// A static file server over the repository root, for the end-to-end tests and the browser
// benchmark: what "any static file server" does for the demo (sending the build's
// precompressed .br or .gz copy of a file when the browser accepts it), plus per-test headers
// (a CSP) and a second origin (another port) to play the CDN.
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

export const root = resolve(fileURLToPath(new URL("../../..", import.meta.url)));

const types = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".csv": "text/csv; charset=utf-8",
  ".vcf": "text/vcard",
  ".svg": "image/svg+xml",
  ".png": "image/png",
};

/**
 * The build's precompressed copy of `file` (FILE.br, else FILE.gz: scripts/precompress.mjs)
 * that `acceptEncoding` (the request's Accept-Encoding) allows, as `{ encoding, body }`, or
 * null. What a server configured for precompressed files sends (nginx's gzip_static and
 * brotli_static, tower-http's ServeDir), so that the demo and the tests load the widget as
 * such a server would ship it.
 */
async function precompressed(file, acceptEncoding = "") {
  const accepted = new Set(
    acceptEncoding
      .split(",")
      .map((part) => part.trim().split(";"))
      .filter(([, q]) => !/^\s*q\s*=\s*0(\.0*)?\s*$/.test(q ?? ""))
      .map(([name]) => name.trim().toLowerCase()),
  );
  for (const [encoding, suffix] of [
    ["br", ".br"],
    ["gzip", ".gz"],
  ]) {
    if (!accepted.has(encoding)) continue;
    const body = await readFile(file + suffix).catch(() => null);
    if (body) return { encoding, body };
  }
  return null;
}

/**
 * Starts a server on a free loopback port.
 * - `headers(path)`: extra response headers for a path (e.g. a Content-Security-Policy).
 * - `pages`: path → HTML text served instead of a file (test pages that are not in the tree).
 * - `cors`: send `Access-Control-Allow-Origin: *` (a CDN does).
 * - `port`: the port (default: a free one).
 * - `root`: the folder served (default: the repository root).
 * Returns `{ url, close() }`; `url` ends without a slash.
 */
export async function serve({ headers = () => ({}), pages = {}, cors = false, port = 0, root: dir = root } = {}) {
  dir = resolve(dir);
  const server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url, "http://x").pathname);
    const extra = { "Cache-Control": "no-store", ...headers(path) };
    if (cors) extra["Access-Control-Allow-Origin"] = "*";
    if (path in pages) {
      response.writeHead(200, { "Content-Type": types[".html"], ...extra });
      response.end(pages[path]);
      return;
    }
    const file = normalize(join(dir, path.endsWith("/") ? path + "index.html" : path));
    if (!file.startsWith(dir + sep) && file !== dir) {
      response.writeHead(403).end();
      return;
    }
    try {
      const info = await stat(file);
      if (!info.isFile()) throw new Error("not a file");
      const encoded = await precompressed(file, request.headers["accept-encoding"]);
      const body = encoded?.body ?? (await readFile(file));
      response.writeHead(200, {
        "Content-Type": types[extname(file)] ?? "application/octet-stream",
        "Content-Length": body.length,
        ...(encoded ? { "Content-Encoding": encoded.encoding } : {}),
        Vary: "Accept-Encoding",
        ...extra,
      });
      response.end(body);
    } catch {
      response.writeHead(404, { "Content-Type": "text/plain", ...extra }).end("not found");
    }
  });
  await new Promise((done) => server.listen(port, "127.0.0.1", done));
  const { port: bound } = server.address();
  return {
    url: `http://127.0.0.1:${bound}`,
    close: () => new Promise((done) => server.close(done)),
  };
}
