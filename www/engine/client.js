// The page's side of the import engine, for the widget's UI and custom element. Plain ES
// module, no dependencies, no build step.
//
//   import { EngineClient, wasmAllowed } from "<baseUrl>/client.js";
//   const engine = new EngineClient();                  // nothing loads yet
//   const job = engine.importFiles(files, { region: "US", locale: "fr" }, (event) => { ... });
//   job.cancel();                                       // at any moment: no "done" follows
//   const json = await engine.contactsJson(indexes, chosen);  // after "done"
//
// The engine (crates/engine, built by scripts/build-engine) starts on the first import, in a
// module Web Worker; from another origin than the page (a CDN), through a blob: trampoline;
// when no worker can start (a CSP worker-src, say), on the page's main thread in slices that
// yield, which the console says once.

import { createCore } from "./core.js";
import { isCspError, wasmCheck } from "./csp.js";

export { wasmAllowed, wasmCheck, isCspError } from "./csp.js";

/** How long a worker has to run its first line before the page gives up on workers. */
const WORKER_START_MS = 4000;

/** How long a started worker has to fetch and compile the engine. */
const WORKER_READY_MS = 60000;

/** The console says once per page that the engine runs on the main thread. */
let toldMainThread = false;

/**
 * @typedef {object} ImportOptions
 * @property {string} [region] default phone region (ISO 3166, e.g. "US") for numbers written
 *   without a country code
 * @property {boolean} [merge] merge records of the same person, within and across files
 *   (default true)
 * @property {string} [locale] the locale the names are sorted in (Intl.Collator); default the
 *   browser's
 */

/**
 * @typedef {object} ProgressEvent
 * @property {"progress"} type
 * @property {"reading"|"merging"|"packing"|"sorting"} phase what the engine is doing: reading
 *   the files (events at most every 100 ms), then one event as each later step starts
 * @property {number} bytes bytes read so far, over all files
 * @property {number} totalBytes the files' total size
 * @property {number} records records read so far
 * @property {number} problems problems found so far
 * @property {string} file the file being read
 * @property {number} fileIndex its index in the files given (0-based)
 * @property {number} fileCount how many files
 */

/**
 * @typedef {object} DoneEvent
 * @property {"done"} type
 * @property {Uint8Array} book the packed book (picker::Book's bytes, "CPB2" ...)
 * @property {number} count how many contacts (entries)
 * @property {{total: number, kinds: {code: string, count: number,
 *   examples: {source: string, line: number, message: string}[]}[]}} summary the problems
 * @property {"vcard"|"csv"|"json"|"xml"|undefined} format the first file's format
 */

/**
 * @typedef {object} ErrorEvent
 * @property {"error"} type
 * @property {"csp"|"engine"|"read"|"empty"} code csp: the page's Content Security Policy
 *   blocks WebAssembly; engine: the engine could not load or failed; read: a file could not be
 *   read; empty: no contact was found (`summary` says why)
 * @property {string} message for the console, in English
 * @property {object} [summary] with "empty": the problems, as in DoneEvent
 */

/** Talks to the import engine; see the top of this file. */
export class EngineClient {
  /**
   * @param {object} [options]
   * @param {string|URL} [options.baseUrl] the folder of the built engine files (client.js,
   *   worker.js, core.js, csp.js, contact_picker_engine.js and its _bg.wasm); default the
   *   folder this module was loaded from
   */
  constructor({ baseUrl } = {}) {
    const base = new URL(baseUrl ?? ".", import.meta.url);
    if (!base.pathname.endsWith("/")) base.pathname += "/";
    /** @private */ this.base = base;
    /** @private @type {Promise<{post: Function, mode: string}>|null} */ this.started = null;
    /** @private */ this.worker = null;
    /** @private */ this.core = null;
    /** @private */ this.job = 0;
    /** @private */ this.onEvent = null;
    /** @private */ this.nextRequest = 0;
    /** @private @type {Map<number, {resolve: Function, reject: Function}>} */
    this.pending = new Map();
    /** Where the engine runs once started: "worker", "main", or null before the first use. */
    this.mode = null;
  }

  /**
   * Imports `files` (several are merged together, as the command line merges them) and
   * reports on `onEvent`: progress events while reading, then one "done" or one "error". A
   * new import cancels the one before.
   * @param {ArrayLike<File|Blob>} files W3C Contact Picker results can be given as a Blob of
   *   their JSON named "device.json"
   * @param {ImportOptions} [options]
   * @param {(event: ProgressEvent|DoneEvent|ErrorEvent) => void} [onEvent]
   * @returns {{cancel: () => void}} cancel stops the work; nothing half-read is delivered
   */
  importFiles(files, options = {}, onEvent = () => {}) {
    this.cancelCurrent();
    const job = ++this.job;
    this.onEvent = onEvent;
    const list = Array.from(files || []);
    const emit = (event) => {
      if (this.job === job) onEvent(event);
    };
    this.start().then(
      (engine) => {
        if (this.job !== job) return;
        try {
          engine.post({
            type: "import",
            job,
            files: list,
            options: { region: options.region, merge: options.merge, locale: options.locale },
          });
        } catch (error) {
          // Not a File or Blob (a worker cannot be sent it).
          emit({ type: "error", code: "read", message: `the files could not be read: ${error && error.message ? error.message : error}` });
          if (this.job === job) this.onEvent = null;
        }
      },
      (error) => {
        emit({ type: "error", code: error.code || "engine", message: error.message || String(error) });
        if (this.job === job) this.onEvent = null;
      },
    );
    return {
      cancel: () => {
        if (this.job === job) this.cancelCurrent();
      },
    };
  }

  /**
   * The chosen contacts of the last finished import, as the host receives them.
   * @param {ArrayLike<number>} indexes entry indexes in the book
   * @param {ArrayLike<number>} [chosen] per contact, the index of the chosen e-mail among
   *   the entry's e-mails (primary first); missing or out of range: the primary
   * @param {"json"|"cloudsponge"} [shape] "json": our schema's JSON array (ASCII text, one
   *   contact a line, each with `chosen_email`); "cloudsponge": CloudSponge's contacts JSON
   * @returns {Promise<string>} the JSON text
   */
  contactsJson(indexes, chosen = [], shape = "json") {
    return this.request({
      type: "contacts",
      indexes: Uint32Array.from(indexes),
      chosen: Uint32Array.from(chosen),
      shape,
    });
  }

  /**
   * Problems of the last finished import, in the order found, from the `start`th.
   * @param {number} start
   * @param {number} count
   * @returns {Promise<{source: string, line: number, code: string, message: string}[]>}
   */
  problems(start, count) {
    return this.request({ type: "problems", start, count });
  }

  /** Stops the engine (the worker is terminated); the next import starts it again. */
  terminate() {
    this.cancelCurrent();
    if (this.worker) this.worker.terminate();
    this.worker = null;
    this.core = null;
    this.started = null;
    this.mode = null;
    this.failPending(new Error("the engine was stopped"));
  }

  /** @private */
  cancelCurrent() {
    const job = this.job;
    this.job++;
    this.onEvent = null;
    if (this.started) this.started.then((engine) => engine.post({ type: "cancel", job }), () => {});
  }

  /** @private */
  request(message) {
    if (!this.started) return Promise.reject(new Error("no import has been made"));
    const id = ++this.nextRequest;
    return this.started.then(
      (engine) =>
        new Promise((resolve, reject) => {
          this.pending.set(id, { resolve, reject });
          engine.post({ ...message, id });
        }),
    );
  }

  /** @private */
  failPending(error) {
    for (const { reject } of this.pending.values()) reject(error);
    this.pending.clear();
  }

  /** @private A message from the engine (worker or main thread). */
  receive(message) {
    if (!message || typeof message !== "object") return;
    if (message.type === "reply") {
      const waiting = this.pending.get(message.id);
      if (!waiting) return;
      this.pending.delete(message.id);
      if ("error" in message) waiting.reject(new Error(message.error));
      else waiting.resolve(message.result);
      return;
    }
    // Events of a cancelled or replaced job are dropped here: nothing half-read arrives.
    if (message.job !== this.job || !this.onEvent) return;
    const { job, ...event } = message;
    const onEvent = this.onEvent;
    if (event.type === "done" || event.type === "error") this.onEvent = null;
    onEvent(event);
  }

  /** @private Starts the engine once: a worker if one can start, else the main thread. */
  start() {
    if (!this.started) {
      this.started = this.startEngine();
      // A failed start is retried on the next import.
      this.started.catch(() => {
        this.started = null;
      });
    }
    return this.started;
  }

  /** @private */
  async startEngine() {
    const check = await wasmCheck();
    if (!check.allowed) {
      throw Object.assign(
        new Error(
          check.code === "csp"
            ? `the page's Content Security Policy does not allow WebAssembly ('wasm-unsafe-eval'): ${check.message}`
            : check.message,
        ),
        { code: check.code === "csp" ? "csp" : "engine" },
      );
    }
    let reason;
    try {
      return await this.startWorker();
    } catch (error) {
      reason = error && error.message ? error.message : String(error);
    }
    if (!toldMainThread) {
      toldMainThread = true;
      console.info(
        `contact-picker: no Web Worker could start (${reason}); the import engine runs on the main thread in slices`,
      );
    }
    return this.startMainThread();
  }

  /** @private Resolves once the worker has compiled the engine; rejects with the reason. */
  startWorker() {
    const url = new URL("worker.js", this.base);
    return new Promise((resolve, reject) => {
      let worker;
      let blobUrl = null;
      try {
        if (typeof Worker !== "function") throw new Error("Worker is not available");
        let scriptUrl = url.href;
        if (url.origin !== self.location.origin) {
          // A worker's URL must be same-origin: a blob: module that imports the real one,
          // whose own URL (import.meta.url) then locates the wasm.
          const source = `import ${JSON.stringify(url.href)};\n`;
          blobUrl = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
          scriptUrl = blobUrl;
        }
        worker = new Worker(scriptUrl, { type: "module", name: "contact-picker-engine" });
      } catch (error) {
        if (blobUrl) URL.revokeObjectURL(blobUrl);
        reject(new Error(`${error && error.name ? error.name + ": " : ""}${error && error.message ? error.message : error}`));
        return;
      }
      let settled = false;
      const finish = (error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (blobUrl) URL.revokeObjectURL(blobUrl);
        if (error) {
          worker.terminate();
          reject(error);
        }
      };
      let timer = setTimeout(
        () => finish(new Error(`the worker did not start within ${WORKER_START_MS} ms`)),
        WORKER_START_MS,
      );
      worker.onerror = (event) => {
        event.preventDefault();
        if (!settled) {
          finish(new Error(`the worker failed to start${event.message ? ": " + event.message : ""}`));
          return;
        }
        // A worker that dies later (out of memory, say): the current job fails, and the next
        // import starts a new one.
        this.workerLost(worker, event.message || "the engine's worker stopped");
      };
      worker.onmessageerror = () => this.workerLost(worker, "a message from the engine could not be read");
      worker.onmessage = (event) => {
        const message = event.data;
        if (settled) {
          this.receive(message);
          return;
        }
        if (message && message.type === "alive") {
          clearTimeout(timer);
          timer = setTimeout(
            () => finish(new Error(`the engine did not load within ${WORKER_READY_MS} ms`)),
            WORKER_READY_MS,
          );
        } else if (message && message.type === "ready") {
          finish(null);
          this.worker = worker;
          this.mode = "worker";
          resolve({ mode: "worker", post: (m) => worker.postMessage(m) });
        } else if (message && message.type === "failed") {
          finish(new Error(`the worker could not load the engine (${message.code}): ${message.message}`));
        }
      };
    });
  }

  /** @private */
  workerLost(worker, why) {
    if (this.worker !== worker) return;
    worker.terminate();
    this.worker = null;
    this.started = null;
    this.mode = null;
    this.failPending(new Error(why));
    const onEvent = this.onEvent;
    this.onEvent = null;
    if (onEvent) onEvent({ type: "error", code: "engine", message: why });
  }

  /** @private The engine on this thread, in slices. */
  async startMainThread() {
    let wasm;
    try {
      wasm = await import(new URL("contact_picker_engine.js", this.base).href);
      await wasm.default({ module_or_path: new URL("contact_picker_engine_bg.wasm", this.base) });
    } catch (error) {
      const csp = isCspError(error);
      throw Object.assign(
        new Error(`the import engine could not load: ${error && error.message ? error.message : error}`),
        { code: csp ? "csp" : "engine" },
      );
    }
    // Messages go through a microtask, as they would arrive from a worker: never inside the
    // caller's own call.
    this.core = createCore(wasm, {
      post: (message) => queueMicrotask(() => this.receive(message)),
      sliced: true,
    });
    this.mode = "main";
    return { mode: "main", post: (message) => this.core.handle(message) };
  }
}
