// The demo site as the benchmark serves it: a copy of what index.html loads (index.html,
// www/demo.css, www/dist/) taken when the benchmark starts, served over loopback with the same
// headers as tests/e2e/support/server.mjs (no-store, the same content types). Other engineers
// rebuild www/dist in the same checkout; with a copy, a rebuild during a run can neither break
// the run nor mix two builds in its figures.
import { createHash } from "node:crypto";
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";

import { root as repo, serve } from "../support/server.mjs";

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
export function serveSite(dir, { pages = {} } = {}) {
  return serve({ root: dir, pages });
}
