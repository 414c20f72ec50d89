// A static file server over the repository root, for the demo: `node scripts/serve.mjs [PORT]`.
// The same server the end-to-end tests use (tests/e2e/support/server.mjs), on a fixed port.
import { serve } from "../tests/e2e/support/server.mjs";

const port = Number(process.argv[2] ?? 8080);
const server = await serve({ port });
console.log(`contact-picker demo: ${server.url}/  (Ctrl+C stops it)`);
