// The import logic, shared by the module worker (worker.js) and the main-thread fallback
// (client.js, when no worker can start). Plain ES module, no dependencies.
//
// Messages in (from the client):
//   {type: "import", job, files: File[], options: {region?, merge?, locale?}}
//   {type: "cancel", job}
//   {type: "contacts", id, indexes: Uint32Array, chosen: Uint32Array, shape: "json"|"cloudsponge"}
//   {type: "problems", id, start, count}
// Messages out (to the client):
//   {type: "progress", job, phase, bytes, totalBytes, records, problems, file, fileIndex, fileCount}
//     phase: "reading", then "merging", "packing", "sorting" (one event each)
//   {type: "done", job, book: Uint8Array, count, summary, format}
//   {type: "error", job, code: "read"|"empty"|"engine", message, summary?}
//   {type: "reply", id, result} or {type: "reply", id, error}

/** Bytes pushed into the engine at a time (a file's stream may hand over bigger pieces). */
export const CHUNK_BYTES = 64 * 1024;

/** The packed book is copied out of the engine this many bytes a task, without a worker. */
const BOOK_PART_BYTES = 2 * 1024 * 1024;

/** Progress is posted at most this often (milliseconds), and once more when reading ends. */
export const PROGRESS_MS = 100;

/**
 * Yields to the event loop: `scheduler.yield()` where there is one (the continuation keeps
 * its priority), else a MessageChannel message (a new task, without setTimeout's 4 ms clamp).
 * @returns {Promise<void>}
 */
export function yieldToEventLoop() {
  const scheduler = globalThis.scheduler;
  if (scheduler && typeof scheduler.yield === "function") return scheduler.yield();
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/**
 * A clock that says when a slice of work has run long enough: `due()` is true once `budget`
 * milliseconds have passed since the last `pause()`, and `pause()` yields to the event loop.
 * @param {number} budget milliseconds of work between two yields
 */
export function slicer(budget) {
  let start = performance.now();
  return {
    budget,
    due: () => performance.now() - start >= budget,
    async pause() {
      await yieldToEventLoop();
      start = performance.now();
    },
    /** Yields only when the slice is over. */
    async maybePause() {
      if (performance.now() - start >= budget) await this.pause();
    },
  };
}

/**
 * Entry indexes `0..names.length` sorted by `names` with `collator` (ties: by index), by an
 * iterative, stable bottom-up merge sort that checks `slice.due()` every few hundred
 * comparisons and then yields, so that sorting 100,000 names never holds the thread for long.
 * @param {string[]} names
 * @param {Intl.Collator} collator
 * @param {{due: () => boolean, pause: () => Promise<void>}} slice
 * @param {() => boolean} [cancelled] stops early (the result is then meaningless)
 * @returns {Promise<Uint32Array>}
 */
export async function sortByName(names, collator, slice, cancelled = () => false) {
  const n = names.length;
  const compare = collator.compare;
  let from = new Uint32Array(n);
  let to = new Uint32Array(n);
  // Runs of RUN entries sorted by insertion (stable), then merged pairwise.
  const RUN = 16;
  for (let i = 0; i < n; i++) from[i] = i;
  for (let lo = 0; lo < n; lo += RUN) {
    const hi = Math.min(lo + RUN, n);
    for (let i = lo + 1; i < hi; i++) {
      const item = from[i];
      const name = names[item];
      let j = i - 1;
      while (j >= lo && compare(names[from[j]], name) > 0) {
        from[j + 1] = from[j];
        j--;
      }
      from[j + 1] = item;
    }
    if ((lo & 1023) === 0 && slice.due()) {
      await slice.pause();
      if (cancelled()) return from;
    }
  }
  let steps = 0;
  for (let width = RUN; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        // `<= 0`: the left run first on ties, so equal names stay in index order.
        if (compare(names[from[i]], names[from[j]]) <= 0) to[k++] = from[i++];
        else to[k++] = from[j++];
        if (++steps === 512) {
          steps = 0;
          if (slice.due()) {
            await slice.pause();
            if (cancelled()) return from;
          }
        }
      }
      while (i < mid) to[k++] = from[i++];
      while (j < hi) to[k++] = from[j++];
    }
    [from, to] = [to, from];
  }
  return from;
}

/**
 * Tiny imports that run, one task each, the code a first import runs: [name, text, merge].
 * The browser compiles a wasm function when it is first called, so without a worker the
 * first chunk of a real file paid for compiling the readers, the phone parser and the merge
 * in one task (66–110 ms); these spread that over tasks of 3–35 ms.
 */
const WARM_UP = [
  ["warm-up.csv", "Name,E-mail 1 - Value\nAda Lovelace,ada@example.org\n", false],
  ["warm-up.csv", "Name,Phone 1 - Value\nAda Lovelace,(415) 555-0100\n", false],
  ["warm-up.csv", "Name,Phone 1 - Value\nAda Lovelace,+44 20 7946 0000\n", false],
  ["warm-up.vcf", "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada Lovelace\r\nEMAIL:ada@example.org\r\nEND:VCARD\r\n", false],
  ["warm-up.csv", "Name,E-mail 1 - Value\nAda Lovelace,ada@example.org\nAda L,ada@example.org\n", true],
];

/** Why a job stopped early: not an error, nothing is posted. */
class Cancelled extends Error {}

/**
 * The import logic over a loaded wasm-bindgen module of the engine.
 * @param {object} wasm the engine's wasm-bindgen module (`Engine` is used), initialized
 * @param {object} options
 * @param {(message: object, transfer?: Transferable[]) => void} options.post where messages go
 * @param {boolean} [options.sliced] on the page's main thread: short slices (about 12 ms of
 *   work, then a yield), so that no task runs long; in a worker, longer ones
 * @returns {{handle: (message: object) => void}}
 */
export function createCore(wasm, { post, sliced = false }) {
  const budget = sliced ? 12 : 40;
  const chunkBytes = sliced ? 16 * 1024 : CHUNK_BYTES;
  /** The job being imported: {job, cancelled, engine}. */
  let running = null;
  /** The last finished import, kept for `contacts` and `problems` requests. */
  let finished = null;

  /** Whether the engine's code has been warmed up ([`WARM_UP`]); a worker needs none. */
  let warm = !sliced;

  async function warmUp(slice, check) {
    if (warm) return;
    warm = true;
    const encoder = new TextEncoder();
    for (const [name, text, merge] of WARM_UP) {
      await slice.pause();
      check();
      const engine = new wasm.Engine({ region: "US", merge });
      engine.beginFile(name);
      engine.push(encoder.encode(text));
      engine.finish();
      free(engine);
    }
  }

  function free(engine) {
    try {
      engine.free();
    } catch {
      // A module that trapped cannot free; it is dropped with the worker.
    }
  }

  function stop(token) {
    token.cancelled = true;
    if (token.engine) {
      free(token.engine);
      token.engine = null;
    }
  }

  async function runImport(token, files, options) {
    const slice = slicer(budget);
    const check = () => {
      if (token.cancelled) throw new Cancelled();
    };
    /**
     * Calls `step(size)` until it returns true, pausing between calls when the slice is due:
     * `size` starts at `first` and then follows the time the last call took (half the budget
     * on the page, the budget in a worker), within `[min, max]`.
     */
    const inSlices = async (step, first, [min, max]) => {
      const target = sliced ? budget / 2 : budget;
      let size = first;
      for (;;) {
        const start = performance.now();
        const done = step(size);
        const took = performance.now() - start;
        if (done) return;
        // At most four times the last size: a step whose work changes in kind (packing's id
        // table, then its entries) must not jump far past the budget.
        const next = Math.min(size * 4, Math.round((size * target) / Math.max(took, 0.5)));
        size = Math.max(min, Math.min(max, next));
        await slice.maybePause();
        check();
      }
    };
    await warmUp(slice, check);
    const engine = new wasm.Engine({ region: options.region ?? undefined, merge: options.merge ?? true });
    token.engine = engine;
    const totalBytes = files.reduce((sum, file) => sum + (file.size || 0), 0);
    let lastPost = -Infinity;
    let current = { file: "", fileIndex: 0 };
    const progress = (phase, force) => {
      const now = performance.now();
      if (!force && now - lastPost < PROGRESS_MS) return;
      lastPost = now;
      const figures = engine.progress();
      post({
        type: "progress",
        job: token.job,
        phase,
        bytes: figures.bytes,
        totalBytes,
        records: figures.records,
        problems: figures.problems,
        file: current.file,
        fileIndex: current.fileIndex,
        fileCount: files.length,
      });
    };

    for (let index = 0; index < files.length; index++) {
      const file = files[index];
      const name = file.name || `file-${index + 1}`;
      current = { file: name, fileIndex: index };
      engine.beginFile(name);
      progress("reading", true);
      let reader;
      try {
        reader = file.stream().getReader();
        for (;;) {
          const { done, value } = await reader.read();
          check();
          if (done) break;
          for (let at = 0; at < value.length; at += chunkBytes) {
            engine.push(value.subarray(at, at + chunkBytes));
            progress("reading", false);
            if (slice.due()) {
              await slice.pause();
              check();
            }
          }
        }
      } catch (error) {
        if (reader) reader.cancel().catch(() => {});
        if (error instanceof Cancelled) throw error;
        post({
          type: "error",
          job: token.job,
          code: "read",
          message: `${name} could not be read: ${error && error.message ? error.message : error}`,
        });
        return false;
      }
    }
    progress("merging", true);
    await slice.maybePause();
    check();
    // Merging in slices (a record costs a few microseconds; at once, 100,000 took 130–260 ms
    // on the page).
    await inSlices(engine.finishSome.bind(engine), sliced ? 2000 : 20000, [256, 1000000]);
    const count = engine.finish();
    if (count === 0) {
      post({
        type: "error",
        job: token.job,
        code: "empty",
        message: "no contacts were found in the file" + (files.length > 1 ? "s" : ""),
        summary: engine.summary(),
      });
      return false;
    }
    progress("packing", true);
    await slice.maybePause();
    check();
    await inSlices(engine.packSome.bind(engine), sliced ? 32 : 512, [16, 50000]);
    progress("sorting", true);
    // names() and pack() are steps of a few tens of milliseconds for 100,000 contacts: each
    // starts a task of its own, and on the page names come in parts and the book is copied
    // out in parts.
    await slice.pause();
    check();
    let names;
    if (sliced) {
      // In parts, each its own short task.
      names = [];
      for (let start = 0; start < count; start += 20000) {
        if (start > 0) {
          await slice.pause();
          check();
        }
        for (const name of engine.names(start, 20000).split("\n")) names.push(name);
      }
    } else {
      names = engine.names().split("\n");
    }
    let collator;
    try {
      collator = new Intl.Collator(options.locale || undefined);
    } catch {
      collator = new Intl.Collator();
    }
    const order = await sortByName(names, collator, slice, () => token.cancelled);
    check();
    await slice.pause();
    check();
    let book;
    if (sliced) {
      // Packed in one task, copied out in parts, each its own task: at once, packing and
      // copying 100,000 contacts' book took one task of 50–100 ms.
      book = new Uint8Array(engine.packKept(order));
      for (let at = 0; at < book.length; at += BOOK_PART_BYTES) {
        await slice.pause();
        check();
        book.set(engine.bookPart(at, BOOK_PART_BYTES), at);
      }
    } else {
      book = engine.pack(order);
    }
    const summary = engine.summary();
    const format = engine.format();
    check();
    token.engine = null;
    if (finished) free(finished.engine);
    finished = { job: token.job, engine };
    post({ type: "done", job: token.job, book, count, summary, format }, [book.buffer]);
    return true;
  }

  function startImport({ job, files, options = {} }) {
    if (running) stop(running);
    const token = { job, cancelled: false, engine: null };
    running = token;
    runImport(token, Array.from(files || []), options)
      .catch((error) => {
        if (error instanceof Cancelled) return;
        post({
          type: "error",
          job,
          code: "engine",
          message: `the import failed: ${error && error.message ? error.message : error}`,
        });
      })
      .finally(() => {
        if (token.engine && token.engine !== (finished && finished.engine)) {
          free(token.engine);
          token.engine = null;
        }
        if (running === token) running = null;
      });
  }

  function reply(id, compute) {
    try {
      if (!finished) throw new Error("no import has finished yet");
      post({ type: "reply", id, result: compute(finished.engine) });
    } catch (error) {
      post({ type: "reply", id, error: String(error && error.message ? error.message : error) });
    }
  }

  return {
    /** @param {object} message a message of the list at the top of this file */
    handle(message) {
      switch (message && message.type) {
        case "import":
          startImport(message);
          break;
        case "cancel":
          if (running && (message.job === undefined || running.job === message.job)) {
            stop(running);
            running = null;
          }
          break;
        case "contacts":
          reply(message.id, (engine) => {
            const indexes = Uint32Array.from(message.indexes || []);
            const chosen = Uint32Array.from(message.chosen || []);
            return message.shape === "cloudsponge"
              ? engine.cloudspongeJson(indexes, chosen)
              : engine.contactsJson(indexes, chosen);
          });
          break;
        case "problems":
          reply(message.id, (engine) => engine.problems(message.start >>> 0, message.count >>> 0));
          break;
        default:
          break;
      }
    },
  };
}
