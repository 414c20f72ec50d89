// The import engine's module worker: loads the engine's wasm (resolved next to this file's
// real URL, also when it was started through a blob: trampoline from another origin) and runs
// core.js on the messages of client.js.
//
// Messages out besides core.js's: {type: "alive"} as soon as this module runs, then
// {type: "ready"} once the wasm is compiled, or {type: "failed", code: "csp"|"engine", message}.
import init, * as engine from "./contact_picker_engine.js";
import { createCore } from "./core.js";
import { isCspError } from "./csp.js";

self.postMessage({ type: "alive" });

/** @type {Promise<{handle: (message: object) => void} | null>} */
const core = init({ module_or_path: new URL("./contact_picker_engine_bg.wasm", import.meta.url) }).then(
  () => {
    self.postMessage({ type: "ready" });
    return createCore(engine, {
      post: (message, transfer) => self.postMessage(message, transfer || []),
      sliced: false,
    });
  },
  (error) => {
    self.postMessage({
      type: "failed",
      code: isCspError(error) ? "csp" : "engine",
      message: String(error && error.message ? error.message : error),
    });
    return null;
  },
);

self.onmessage = (event) => {
  core.then((ready) => ready && ready.handle(event.data));
};
