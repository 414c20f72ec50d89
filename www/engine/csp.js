// Whether the page (or worker) may compile WebAssembly: a Content-Security-Policy without
// 'wasm-unsafe-eval' (or 'unsafe-eval') in script-src blocks it.

/** The smallest valid module: the magic number and version 1, no sections. */
const EMPTY_MODULE = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

/**
 * True when `error` (from compiling or instantiating WebAssembly) says a Content Security
 * Policy refused it: Chromium throws a CompileError naming 'unsafe-eval' or
 * 'wasm-unsafe-eval' and the policy, Firefox and Safari an EvalError or a CSP message.
 * @param {unknown} error
 * @returns {boolean}
 */
export function isCspError(error) {
  if (typeof EvalError === "function" && error instanceof EvalError) return true;
  const text = String(error && error.message ? error.message : error);
  return /Content Security Policy|wasm-unsafe-eval|wasm-eval|unsafe-eval|\bCSP\b/i.test(text);
}

/**
 * Whether WebAssembly may run here: compiles the 8-byte empty module. False when there is no
 * WebAssembly at all or a Content Security Policy blocks it. The UI's loader can call this
 * before loading its own module, to show a plain message instead of failing.
 * @returns {Promise<boolean>}
 */
export async function wasmAllowed() {
  return (await wasmCheck()).allowed;
}

/**
 * Like {@link wasmAllowed}, with the reason: `{allowed: true}`, or `{allowed: false, code:
 * "csp" | "unsupported", message}`.
 * @returns {Promise<{allowed: boolean, code?: string, message?: string}>}
 */
export async function wasmCheck() {
  if (typeof WebAssembly !== "object" || typeof WebAssembly.compile !== "function") {
    return { allowed: false, code: "unsupported", message: "this browser has no WebAssembly" };
  }
  try {
    await WebAssembly.compile(EMPTY_MODULE);
    return { allowed: true };
  } catch (error) {
    const message = String(error && error.message ? error.message : error);
    if (isCspError(error)) return { allowed: false, code: "csp", message };
    // Not a policy: the check itself says nothing, let the real load report its own error.
    return { allowed: true };
  }
}
