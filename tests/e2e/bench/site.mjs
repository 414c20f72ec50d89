// The demo site as the benchmark serves it: a copy of what index.html loads (index.html,
// www/demo.css, www/dist/) taken when the benchmark starts, served over loopback with the same
// headers as tests/e2e/support/server.mjs (no-store, the same content types). Other engineers
// rebuild www/dist in the same checkout; with a copy, a rebuild during a run can neither break
// the run nor mix two builds in its figures. (support/server.mjs serves the repository root
// only; with a `root` option this file would shrink to the copy.)
import { createHash } from "node:crypto";
import { createServer } from "node:http";
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, relative, resolve, sep } from "node:path";

import { root as repo } from "../support/server.mjs";

const types = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
};

/** Copies the site into `dir` (emptied first); returns the copied files with their sha256. */
export function snapshot(dir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "www"), { recursive: true });
  const keep = { preserveTimestamps: true };
  cpSync(join(repo, "index.html"), join(dir, "index.html"), keep);
  cpSync(join(repo, "www", "demo.css"), join(dir, "www", "demo.css"), keep);
  cpSync(join(repo, "www", "dist"), join(dir, "www", "dist"), { recursive: true, ...keep });
  const files = [];
  const walk = (at) => {
    for (const name of readdirSync(at)) {
      const path = join(at, name);
      if (statSync(path).isDirectory()) walk(path);
      else
        files.push({
          path: "/" + relative(dir, path).split(sep).join("/"),
          bytes: statSync(path).size,
          built: statSync(path).mtime.toISOString(),
          sha256: createHash("sha256").update(readFileSync(path)).digest("hex").slice(0, 16),
        });
    }
  };
  walk(dir);
  return files;
}

/**
 * Serves `dir` on a free loopback port; `pages`: path → HTML served instead of a file.
 * Returns `{ url, close() }`.
 */
export async function serveSite(dir, { pages = {} } = {}) {
  dir = resolve(dir);
  const server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url, "http://x").pathname);
    const headers = { "Cache-Control": "no-store" };
    if (path in pages) {
      response.writeHead(200, { "Content-Type": types[".html"], ...headers });
      response.end(pages[path]);
      return;
    }
    const file = normalize(join(dir, path.endsWith("/") ? path + "index.html" : path));
    if (!file.startsWith(dir + sep)) {
      response.writeHead(403).end();
      return;
    }
    try {
      const info = await stat(file);
      if (!info.isFile()) throw new Error("not a file");
      const body = await readFile(file);
      response.writeHead(200, {
        "Content-Type": types[extname(file)] ?? "application/octet-stream",
        "Content-Length": body.length,
        ...headers,
      });
      response.end(body);
    } catch {
      response.writeHead(404, { "Content-Type": "text/plain", ...headers }).end("not found");
    }
  });
  await new Promise((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((done) => server.close(done)),
  };
}
