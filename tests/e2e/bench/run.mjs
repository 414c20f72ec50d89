// The widget's browser benchmark: the built widget (www/dist) in headless Debian Chromium
// (playwright-core, never a downloaded browser), on the demo page and on a small modal page,
// with 100,000 generated contacts. Run it through scripts/bench-widget, which builds the widget
// and generates the files first:
//
//   node tests/e2e/bench/run.mjs --data DIR --out FILE [--rounds N] [--profile DIR]
//
// DIR holds google.csv and contacts.vcf (`contacts-bench generate DIR --count 100000`). Every
// measurement is printed as one JSON line and appended to FILE; a summary against the product's
// targets follows. Missed targets are printed as missed; the exit status is 0 unless the
// benchmark itself could not run.
//
// What is measured (times in ms on the page's performance.now() clock unless said otherwise):
//   first-load   the files the demo page fetches up to its first import, from the network log:
//                as sent (the server sends the build's .br or .gz copy, whichever the browser
//                accepts; loaded once as Chromium asks, once accepting gzip only), and each
//                file's gzip -9 and brotli 11
//   open         ContactPicker.open() → the dialog's first control focused → the next frame,
//                cold (called as soon as the entry script ran) and warm (module preloaded)
//   import       setInputFiles → contact-picker-import-done, with every long task in between
//   first-paint  contact-picker-import-done → first [role=option] in the DOM → the next frame
//   keystroke    keydown.timeStamp → the list's DOM change → the next frame; Event Timing
//   toggle, space, select-all, select-none   event.timeStamp → DOM change → next frame (clicks
//                pressed for 60 ms, as a person clicks)
//   fling        2 s of scrollTop += 4,500 px a frame: frame intervals (right after the import,
//                and after a click); then a fling that also looks up the rows at the visible
//                edges every frame (blank rows), whose forced layouts add to each frame
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg, cpus } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { gzipSync, brotliCompressSync, constants as zlib } from "node:zlib";

import { launch, recordConsole, executablePath } from "../support/browser.mjs";
import { serveSite, snapshot } from "./site.mjs";
import { probe } from "./probe.js";
import { summarize, verdict } from "./stats.mjs";
import { startProfile, stopProfile } from "./profile.mjs";
import { KEYSTROKES } from "./keys.mjs";

// ---------------------------------------------------------------------------------------------
// Arguments and output

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const DATA = arg("--data");
const OUT = arg("--out");
const ROUNDS = Math.max(1, Number(arg("--rounds", process.env.ROUNDS ?? 3)));
const PROFILE_DIR = arg("--profile", null);
const NAMES_DIR = arg("--names", null);
const OPEN_RUNS = Math.max(1, Number(process.env.OPEN_RUNS ?? 3));
const FILES = { csv: join(DATA, "google.csv"), vcf: join(DATA, "contacts.vcf") };
for (const file of Object.values(FILES)) {
  if (!existsSync(file)) {
    console.error(`bench-widget: ${file} is missing (contacts-bench generate DIR --count 100000)`);
    process.exit(2);
  }
}
mkdirSync(join(OUT, ".."), { recursive: true });
writeFileSync(OUT, "");

const results = [];
function record(kind, fields) {
  const line = { kind, time: new Date().toISOString(), load1: Math.round(loadavg()[0] * 100) / 100, ...fields };
  results.push(line);
  const text = JSON.stringify(line);
  appendFileSync(OUT, text + "\n");
  console.log(text);
  return line;
}
const uptime = () => {
  try {
    return execFileSync("uptime", { encoding: "utf8" }).trim();
  } catch {
    return `load average: ${loadavg().map((l) => l.toFixed(2)).join(", ")}`;
  }
};
const r1 = (v) => (v === null || v === undefined ? null : Math.round(v * 10) / 10);
const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

// ---------------------------------------------------------------------------------------------
// Pages

/** The modal page: the entry, one modal picker, and the open measured from the page itself. */
const OPEN_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>open() benchmark</title><link rel="icon" href="data:,">
<script type="module" src="/www/dist/contact-picker.js"></script>
<script type="module">
// Runs right after the entry module (module scripts run in document order).
const when = new URLSearchParams(location.search).get("when");
const host = document.getElementById("modal");
const wasm = new URL("/www/dist/ui/contact_picker_bg.wasm", location.href).href;
const result = (window.__open = { when, entryRan: performance.now() });
function open() {
  const root = host.shadowRoot;
  result.wasmFetchedBeforeOpen = performance.getEntriesByName(wasm).length > 0;
  const observer = new MutationObserver(() => {
    if (result.dialog == null && root.querySelector("[role=dialog]")) result.dialog = performance.now();
  });
  observer.observe(root, { subtree: true, childList: true });
  root.addEventListener("focusin", () => {
    if (result.focus != null) return;
    result.focus = performance.now();
    const active = root.activeElement;
    result.focused = active ? (active.tagName.toLowerCase() + (active.id ? "#" + active.id : "") + (active.getAttribute("part") ? "[part=" + active.getAttribute("part") + "]" : "") + " " + (active.textContent || "").trim().slice(0, 40)) : null;
    result.inDialog = !!active?.closest("[role=dialog]");
    requestAnimationFrame(() => {
      result.frame = performance.now();
      observer.disconnect();
    });
  });
  result.open = performance.now();
  ContactPicker.open();
}
if (when === "cold") {
  open();
} else {
  // Warm: the idle preload fetched the UI module; then a second more, for its compilation and
  // the mount.
  const wait = () => (performance.getEntriesByName(wasm).length ? setTimeout(open, 1000) : setTimeout(wait, 20));
  wait();
}
</script>
</head><body>
<main><h1>Modal picker</h1><button type="button" data-contact-picker-launch>Invite friends…</button>
<contact-picker id="modal" mode="modal" sources="file device"></contact-picker></main>
</body></html>`;

async function newPage(context, url, { names = false } = {}) {
  const page = await context.newPage();
  const messages = recordConsole(page);
  await page.addInitScript(probe);
  if (names && NAMES_DIR) {
    // PROFILE=1: the same UI module with its function names, so that profiles name them.
    await page.route("**/www/dist/ui/contact_picker_bg.wasm", (route) =>
      route.fulfill({ path: join(NAMES_DIR, "contact_picker_bg.wasm"), contentType: "application/wasm", headers: { "Cache-Control": "no-store" } }),
    );
    await page.route("**/www/dist/ui/contact_picker.js", (route) =>
      route.fulfill({ path: join(NAMES_DIR, "contact_picker.js"), contentType: "text/javascript", headers: { "Cache-Control": "no-store" } }),
    );
  }
  await page.goto(url);
  return { page, messages };
}

// ---------------------------------------------------------------------------------------------
// 1. First-load bytes

async function firstLoad(context, base) {
  // The demo page loaded twice: as the browser asks (brotli accepted), then accepting gzip only.
  // The server sends the build's precompressed copies (tests/e2e/support/server.mjs), so each
  // response's Content-Length is what such a server puts on the wire.
  const asked = await loadDemo(context, base);
  const gzipOnly = await loadDemo(context, base, { "accept-encoding": "gzip" });
  const files = [];
  for (const { path, type, status, contentType, body, sent, encoding } of asked) {
    const gzip = gzipSync(body, { level: 9 }).length;
    const brotli = brotliCompressSync(body, {
      params: {
        [zlib.BROTLI_PARAM_QUALITY]: 11,
        [zlib.BROTLI_PARAM_MODE]: contentType.includes("wasm") ? zlib.BROTLI_MODE_GENERIC : zlib.BROTLI_MODE_TEXT,
        [zlib.BROTLI_PARAM_SIZE_HINT]: body.length,
      },
    }).length;
    const asGzip = gzipOnly.find((f) => f.path === path);
    // What loads on the first import (imports.js, the engine) is not the first load's.
    const role = path.startsWith("/www/dist/")
      ? (path.startsWith("/www/dist/engine/") && path !== "/www/dist/engine/csp.js") || path === "/www/dist/imports.js"
        ? "engine"
        : "widget"
      : "demo page";
    files.push({
      path,
      role,
      type,
      status,
      raw: body.length,
      gzip,
      brotli,
      sent_encoding: encoding,
      sent: sent,
      sent_gzip_encoding: asGzip?.encoding ?? null,
      sent_gzip: asGzip?.sent ?? null,
    });
  }
  const widget = files.filter((f) => f.role === "widget");
  const total = (key) => widget.reduce((sum, f) => sum + (f[key] ?? 0), 0);
  return record("first-load", {
    files,
    widget_files: widget.length,
    raw: total("raw"),
    gzip: total("gzip"),
    brotli: total("brotli"),
    sent: total("sent"),
    sent_encodings: [...new Set(widget.map((f) => f.sent_encoding ?? "identity"))],
    sent_gzip: total("sent_gzip"),
    sent_gzip_encodings: [...new Set(widget.map((f) => f.sent_gzip_encoding ?? "identity"))],
    engine_files_before_import: files.filter((f) => f.role === "engine").map((f) => f.path),
  });
}

/** The demo page up to its picker and the modal's idle preload: every response, decoded and as sent. */
async function loadDemo(context, base, headers = null) {
  const page = await context.newPage();
  if (headers) await page.setExtraHTTPHeaders(headers);
  const fetched = [];
  page.on("requestfinished", (request) => fetched.push(request));
  await page.goto(`${base}/index.html`);
  await page.locator("#inline").locator(".panel").first().waitFor({ timeout: 30000 });
  await page.waitForLoadState("networkidle");
  await sleep(1500); // the modal picker's idle preload (the same module: nothing new expected)
  const files = [];
  for (const request of fetched) {
    const url = new URL(request.url());
    if (url.protocol === "data:") continue;
    const response = await request.response();
    const body = response ? await response.body().catch(() => Buffer.alloc(0)) : Buffer.alloc(0);
    const responseHeaders = response?.headers() ?? {};
    files.push({
      path: url.pathname,
      type: request.resourceType(),
      status: response?.status() ?? 0,
      contentType: responseHeaders["content-type"] ?? "",
      body,
      // The body's bytes on the wire (the server always sends Content-Length).
      sent: Number(responseHeaders["content-length"] ?? body.length),
      encoding: responseHeaders["content-encoding"] ?? null,
    });
  }
  await page.close();
  return files;
}

// ---------------------------------------------------------------------------------------------
// 2. open()

async function openRun(context, base, when, round, run) {
  const { page, messages } = await newPage(context, `${base}/bench/open.html?when=${when}`);
  try {
    await page.waitForFunction(() => window.__open?.frame != null, null, { timeout: 30000 });
  } catch (error) {
    const state = await page.evaluate(() => window.__open).catch(() => null);
    throw new Error(`open (${when}) did not finish: ${JSON.stringify(state)}\n${messages.join("\n")}\n${error.message}`);
  }
  const o = await page.evaluate(() => window.__open);
  const longtasks = await page.evaluate(
    (from) => window.__bench.longtasks.filter((t) => t.start + t.duration > from),
    o.open,
  );
  await page.close();
  return record("open", {
    round,
    run,
    when,
    wasm_fetched_before_open: o.wasmFetchedBeforeOpen,
    entry_ran: r1(o.entryRan),
    to_dialog: r1(o.dialog - o.open),
    to_focus: r1(o.focus - o.open),
    to_frame: r1(o.frame - o.open),
    focused: o.focused,
    focus_in_dialog: o.inDialog,
    longtasks: longtasks.map((t) => ({ start: r1(t.start - o.open), duration: r1(t.duration) })),
  });
}

// ---------------------------------------------------------------------------------------------
// 3 and 4. Import of 100,000 contacts, long tasks, first list paint

async function importRun(context, base, format, round, { keepPage = false, profile = null } = {}) {
  const { page, messages } = await newPage(context, `${base}/index.html`, { names: !!profile });
  const widget = page.locator("#inline");
  try {
    await widget.locator(".panel").first().waitFor({ timeout: 30000 });
  } catch (error) {
    const html = await page.evaluate(() => document.querySelector("#inline")?.shadowRoot?.innerHTML.slice(0, 400)).catch(() => null);
    await page.close();
    throw new Error(`the demo page's picker did not render: ${html}\n${messages.join("\n")}\n${error.message}`);
  }
  const source = widget.locator('button.source[data-source="file"]');
  if (await source.count()) await source.click();
  const input = widget.locator('input[type="file"]');
  await input.waitFor({ state: "attached", timeout: 10000 });
  await page.evaluate(() => {
    window.__bench.watchFirstOptions("#inline");
    // On the shadow root, capturing: before the widget's own (delegated) listener.
    const root = document.querySelector("#inline").shadowRoot;
    root.addEventListener("change", () => (window.__bench.changeAt ??= performance.now()), { capture: true });
  });
  const cdp = profile ? await startProfile(page) : null;
  const start = await page.evaluate(() => performance.now());
  await input.setInputFiles(FILES[format]);
  try {
    await page.waitForFunction(() => window.__bench.firstOptions?.afterFrame != null || window.__bench.pickerEvents.some((e) => e.name === "import-error"), null, {
      timeout: 300000,
      polling: 100,
    });
  } catch (error) {
    throw new Error(`the ${format} import did not finish: ${messages.join("\n")}\n${error.message}`);
  }
  // Long tasks that end within a second of the first paint are reported, then kept.
  await sleep(1000);
  if (cdp) await stopProfile(cdp, join(profile, `import-${format}-round${round}`));
  const b = await page.evaluate(() => ({
    first: (() => {
      const { promise, ...f } = window.__bench.firstOptions;
      return f;
    })(),
    changeAt: window.__bench.changeAt,
    events: window.__bench.pickerEvents.map((e) => ({ name: e.name, at: e.at, detail: e.detail })),
    longtasks: window.__bench.longtasks,
    loafs: window.__bench.loafs,
    supports: window.__bench.supports,
  }));
  const error = b.events.find((e) => e.name === "import-error");
  if (error) throw new Error(`the ${format} import failed: ${JSON.stringify(error.detail)}`);
  const done = b.events.find((e) => e.name === "import-done");
  const importStart = b.events.find((e) => e.name === "import-start");
  const progress = b.events.filter((e) => e.name === "import-progress");
  const lastRead = progress.at(-1);
  const during = b.longtasks.filter((t) => t.start + t.duration > start && t.start < done.at);
  const after = b.longtasks.filter((t) => t.start >= done.at - 0.001 || (t.start < done.at && t.start + t.duration > done.at));
  const afterOnly = after.filter((t) => !during.includes(t));
  const loafsAround = b.loafs
    .filter((l) => l.start + l.duration > start)
    .map((l) => ({
      at: r1(l.start - start),
      duration: r1(l.duration),
      blocking: r1(l.blocking),
      render: r1(l.renderStart ? l.start + l.duration - l.renderStart : 0),
      scripts: l.scripts
        .sort((a, b) => b.duration - a.duration)
        .slice(0, 3)
        .map((s) => ({ invoker: s.invoker, source: s.source.replace(base, ""), duration: r1(s.duration) })),
    }));
  const engineMain = messages.some((m) => m.includes("runs on the main thread"));
  const line = record("import", {
    round,
    format,
    contacts_in: 100000,
    contacts: done.detail?.count ?? null,
    engine: engineMain ? "main thread" : "worker",
    wall_ms: r1(done.at - (b.changeAt ?? start)),
    from_set_input_files_ms: r1(done.at - start),
    reading_ms: lastRead ? r1(lastRead.at - (b.changeAt ?? start)) : null,
    first_progress_ms: progress.length ? r1(progress[0].at - (b.changeAt ?? start)) : null,
    progress_events: progress.length,
    import_start_ms: importStart ? r1(importStart.at - (b.changeAt ?? start)) : null,
    longtasks_observed: b.supports.longtask,
    longtasks_during: during.length,
    longest_during: r1(Math.max(0, ...during.map((t) => t.duration))),
    longtasks_during_list: during.map((t) => ({ at: r1(t.start - start), duration: r1(t.duration) })),
    longtasks_after_done: afterOnly.length,
    longest_after_done: r1(Math.max(0, ...afterOnly.map((t) => t.duration))),
    long_animation_frames: loafsAround,
  });
  const f = b.first;
  record("first-paint", {
    round,
    format,
    to_dom: r1(f.dom - f.done),
    to_frame: r1(f.frame - f.done),
    to_after_frame: r1(f.afterFrame - f.done),
    options: f.options,
    longtasks: b.longtasks
      .filter((t) => t.start + t.duration > f.done && t.start < f.afterFrame)
      .map((t) => ({ at: r1(t.start - f.done), duration: r1(t.duration) })),
  });
  if (keepPage) return { page, messages, widget, importLine: line };
  await page.close();
  return null;
}

// ---------------------------------------------------------------------------------------------
// 5, 6, 7 on a page with the CSV's contacts

/** Measures the next `type` event that `act()` causes. */
async function measure(page, type, act, { timeout = 3000 } = {}) {
  await page.evaluate(({ type, timeout }) => window.__bench.arm(type, { timeout }), { type, timeout });
  await act();
  const m = await page.evaluate(() => window.__bench.result());
  return {
    key: m.key,
    changed: m.changed,
    timeStamp: m.timeStamp,
    to_dom: m.changed ? r1(m.dom - m.timeStamp) : null,
    to_frame: r1(m.frame - m.timeStamp),
    handler_start: r1(m.eventAt - m.timeStamp),
  };
}

async function keystrokes(page, widget, round, cdpProfile) {
  const search = widget.locator("#cp-search");
  await search.click();
  await search.fill("");
  await sleep(300);
  const cdp = cdpProfile ? await startProfile(page) : null;
  const eventsBefore = await page.evaluate(() => window.__bench.events.length);
  const keys = [];
  let query = "";
  // A typing rhythm of 60–140 ms between keys (pseudo-random, the same every run).
  let seed = 7 + round;
  const gap = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return 60 + (seed % 81);
  };
  for (const key of KEYSTROKES) {
    const m = await measure(page, "keydown", () => page.keyboard.press(key), { timeout: 150 });
    if (key === "Backspace") query = query.slice(0, -1);
    else if (key === "Escape") query = "";
    else query += key;
    keys.push({ ...m, query });
    await sleep(gap());
  }
  if (cdp) await stopProfile(cdp, join(cdpProfile, `keystrokes-round${round}`));
  await sleep(200);
  const events = await page.evaluate((from) => window.__bench.events.slice(from), eventsBefore);
  // Event Timing: each entry belongs to the keystroke whose keydown came last before it.
  const slow = new Map();
  for (const e of events) {
    if (!["keydown", "keypress", "keyup", "beforeinput", "input"].includes(e.name)) continue;
    let owner = -1;
    for (let i = 0; i < keys.length; i++) if (keys[i].timeStamp <= e.start + 0.5) owner = i;
    if (owner < 0) continue;
    slow.set(owner, Math.max(slow.get(owner) ?? 0, e.duration));
  }
  keys.forEach((k, i) => (k.event_timing = slow.get(i) ?? null));
  const dom = summarize(keys.filter((k) => k.changed).map((k) => k.to_dom));
  const frame = summarize(keys.map((k) => k.to_frame));
  const worst = [...keys].sort((a, b) => b.to_frame - a.to_frame).slice(0, 8).map((k) => ({ key: k.key, query: k.query, to_dom: k.to_dom, to_frame: k.to_frame }));
  record("keystrokes", {
    round,
    keystrokes: keys.length,
    changed: keys.filter((k) => k.changed).length,
    to_dom: dom,
    to_frame: frame,
    event_timing_ge16: keys.filter((k) => (k.event_timing ?? 0) >= 16).length,
    event_timing_max: Math.max(0, ...keys.map((k) => k.event_timing ?? 0)),
    worst,
    by_kind: kinds(keys),
    keys: keys.map((k) => [k.key, k.changed ? k.to_dom : null, k.to_frame, k.event_timing]),
  });
  // Back to the whole list.
  await search.fill("");
  await page.waitForFunction(
    () => document.querySelector("#inline").shadowRoot.querySelectorAll("[role=option]").length > 0,
  );
  await sleep(300);
}

/** Keystroke figures by kind: letters, digits and punctuation, Backspace, Escape. */
/** A selection measurement's record: per-run figures and their summaries. */
function selectionRecord(kind, round, runs, extra = {}) {
  return record(kind, {
    round,
    runs: runs.length,
    to_dom: summarize(runs.map((m) => m.to_dom)),
    to_frame: summarize(runs.map((m) => m.to_frame)),
    unchanged: runs.filter((m) => !m.changed).length,
    // From the event's timestamp to the page's first listener (a capturing one on window): the
    // browser's part, before any of ours (for a click, it dispatches the mouseup first).
    to_handler: summarize(runs.map((m) => m.handler_start)),
    values: runs.map((m) => [m.to_dom, m.to_frame, m.handler_start]),
    ...extra,
  });
}

function kinds(keys) {
  const kind = (k) => (k.key === "Backspace" ? "backspace" : k.key === "Escape" ? "escape" : /^[0-9 +]$/.test(k.key) && /^[0-9 +]*$/.test(k.query) ? "digits" : "letters");
  const by = {};
  for (const k of keys) (by[kind(k)] ??= []).push(k.to_frame);
  return Object.fromEntries(Object.entries(by).map(([name, values]) => [name, summarize(values)]));
}

/**
 * A click as a person makes one: the pointer moved onto the element's centre, pressed, and
 * released PRESS_MS later. Playwright's own click releases 0.2 ms after pressing, so that the
 * release waited for the press's handling (the page's mousedown listeners, focus, `:active`)
 * and the click, whose timestamp is the release's, counted it: 1.4 / 2.6 ms from the timestamp
 * to the click's first listener, against 0.9 / 1.2 ms with a 60 ms press (30 clicks on an
 * option each way, 100,000 contacts, 2026-12-06).
 */
const PRESS_MS = 60;
async function press(page, locator) {
  await locator.scrollIntoViewIfNeeded();
  const box = await locator.boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await sleep(PRESS_MS);
  await page.mouse.up();
}

async function selection(page, widget, round, cdpProfile) {
  const list = widget.locator("#cp-list");
  const option = (n) => widget.locator("[role=option]").nth(n);
  const toggle = [];
  for (let i = 0; i < 10; i++) {
    const target = option(2 + (i % 5));
    toggle.push(await measure(page, "click", () => press(page, target)));
    await sleep(60);
  }
  selectionRecord("toggle-click", round, toggle);

  await list.evaluate((element) => element.focus());
  await sleep(100);
  const space = [];
  for (let i = 0; i < 10; i++) {
    space.push(await measure(page, "keydown", () => page.keyboard.press(" ")));
    await sleep(60);
  }
  selectionRecord("toggle-space", round, space);

  const all = [];
  const none = [];
  const cdp = cdpProfile ? await startProfile(page) : null;
  for (let i = 0; i < 5; i++) {
    all.push(await measure(page, "click", () => press(page, widget.locator("[part=select-all]"))));
    await sleep(100);
    none.push(await measure(page, "click", () => press(page, widget.locator("[part=select-none]"))));
    await sleep(100);
  }
  if (cdp) await stopProfile(cdp, join(cdpProfile, `select-all-round${round}`));
  const count = await widget.locator("[part=count]").textContent();
  selectionRecord("select-all", round, all);
  selectionRecord("select-none", round, none, { count_after: count });
}

/**
 * A 2-second fling. `check`: after each frame, look up the options at the list's visible top
 * and bottom (elementFromPoint: a forced layout and two hit tests a frame, work a visitor's
 * browser does not do); without it, only the frame intervals are recorded.
 */
async function fling(page, round, cdpProfile, variant, { check = false } = {}) {
  await page.evaluate(() => document.querySelector("#inline").shadowRoot.querySelector("#cp-list").scrollIntoView({ block: "center" }));
  await sleep(300);
  const idle = await page.evaluate(() => window.__bench.idleFrames(1000));
  const loafsBefore = await page.evaluate(() => window.__bench.loafs.length);
  const longBefore = await page.evaluate(() => window.__bench.longtasks.length);
  const cdp = cdpProfile ? await startProfile(page) : null;
  const f = await page.evaluate((check) => window.__bench.fling({ step: 4500, ms: 2000, check }), check);
  if (cdp) await stopProfile(cdp, join(cdpProfile, `fling-${variant}-round${round}`));
  await sleep(200);
  const loafs = await page.evaluate((from) => window.__bench.loafs.slice(from), loafsBefore);
  const longtasks = await page.evaluate((from) => window.__bench.longtasks.slice(from), longBefore);
  const intervals = f.frames.map((x) => x.interval);
  const idleMedian = summarize(idle).median;
  const blank = f.checks.filter((c) => !c.top || !c.bottom);
  record("fling", {
    round,
    variant,
    checked: check,
    step_px: 4500,
    frames: intervals.length,
    idle_frame_interval: summarize(idle),
    interval: summarize(intervals),
    over_18_7ms: intervals.filter((v) => v > 18.7).length,
    over_2x_idle: intervals.filter((v) => v > 2 * idleMedian - 1).length,
    checks: f.checks.length,
    blank_frames: blank.length,
    blank_top: blank.filter((c) => !c.top).length,
    blank_bottom: blank.filter((c) => !c.bottom).length,
    blank_examples: blank.slice(0, 3).map((c) => ({ scrollTop: c.scrollTop, rows: c.rows })),
    scroll_height: f.scrollHeight,
    list_height: f.clientHeight,
    long_animation_frames: loafs.map((l) => ({
      at: r1(l.start - f.start),
      duration: r1(l.duration),
      scripts: l.scripts.slice(0, 3).map((s) => ({ invoker: s.invoker, duration: r1(s.duration) })),
    })),
    longtasks: longtasks.map((t) => ({ at: r1(t.start - f.start), duration: r1(t.duration) })),
  });
}

// ---------------------------------------------------------------------------------------------
// Summary

function summary(startUptime, endUptime) {
  const of = (kind) => results.filter((r) => r.kind === kind);
  const all = (kind, key) => of(kind).map((r) => r[key]);
  const pooled = (kind, key) => of(kind).flatMap((r) => r.keys?.map(key) ?? []);
  const lines = [];
  const row = (target, figure, result) => lines.push({ target, figure, result });
  const kb = (n) => `${(n / 1000).toFixed(1)} KB`;

  const load = of("first-load")[0];
  if (load) {
    // Judged on the gzip the server sends (the build's Zopfli .gz, as a server configured for
    // precompressed files sends it); a server that gzips each response itself at level 9 sends
    // the gzip -9 figure instead, shown beside it.
    const judged = (n) => (n <= 120000 ? "met" : `MISSED by ${kb(n - 120000)}`);
    row(
      "1. first-load bytes ≤ 120 KB gzip",
      `${load.widget_files} files: ${kb(load.raw)} raw; sent as ${load.sent_gzip_encodings.join("/")} ${kb(load.sent_gzip)}, ` +
        `as ${load.sent_encodings.join("/")} ${kb(load.sent)} (what Chromium asks for); gzip -9 of each ${kb(load.gzip)}, brotli 11 ${kb(load.brotli)}`,
      `${judged(load.sent_gzip)} as sent; gzip -9 per response: ${judged(load.gzip)}`,
    );
    for (const f of load.files) {
      lines.push({
        detail:
          `   ${f.role.padEnd(9)} ${f.path.padEnd(40)} ${String(f.raw).padStart(9)} raw ` +
          `${String(f.sent_gzip).padStart(8)} ${f.sent_gzip_encoding ?? "identity"} ${String(f.sent).padStart(8)} ${f.sent_encoding ?? "identity"} ` +
          `${String(f.gzip).padStart(8)} gzip -9`,
      });
    }
  }
  for (const when of ["cold", "warm"]) {
    const runs = of("open").filter((r) => r.when === when);
    if (!runs.length) continue;
    const focus = summarize(runs.map((r) => r.to_focus));
    const frame = summarize(runs.map((r) => r.to_frame));
    row(
      `2. open() → interactive ≤ 300 ms (${when})`,
      `to focus ${fmt(focus)}; to next frame ${fmt(frame)}; focused: ${runs[0].focused}${when === "cold" ? `; wasm fetched before open in ${runs.filter((r) => r.wasm_fetched_before_open).length}/${runs.length}` : ""}`,
      verdict(frame, 300),
    );
  }
  for (const format of ["csv", "vcf"]) {
    const runs = of("import").filter((r) => r.format === format);
    if (!runs.length) continue;
    const name = format === "csv" ? "Google CSV" : "vCard";
    const longest = Math.max(...runs.map((r) => r.longest_during));
    const count = runs.reduce((s, r) => s + r.longtasks_during, 0);
    row(
      `3. no long task during import (${name})`,
      `${count} long task(s) over ${runs.length} imports (per import: ${runs.map((r) => r.longtasks_during).join(", ")}), longest ${longest} ms; after import-done until first paint + 1 s: ${runs.map((r) => r.longtasks_after_done).join(", ")} (longest ${Math.max(...runs.map((r) => r.longest_after_done))} ms); wall ${fmt(summarize(runs.map((r) => r.wall_ms)))}; ${runs[0].contacts} contacts; engine in a ${runs[0].engine}`,
      count === 0 ? "met" : "MISSED",
    );
  }
  for (const format of ["csv", "vcf"]) {
    const runs = of("first-paint").filter((r) => r.format === format);
    if (!runs.length) continue;
    const frame = summarize(runs.map((r) => r.to_frame));
    row(
      `4. import-done → first list paint ≤ 50 ms (${format})`,
      `to DOM ${fmt(summarize(runs.map((r) => r.to_dom)))}; to frame ${fmt(frame)}; to after the frame ${fmt(summarize(runs.map((r) => r.to_after_frame)))}`,
      verdict(frame, 50),
    );
  }
  const keyRuns = of("keystrokes");
  if (keyRuns.length) {
    const dom = summarize(pooled("keystrokes", (k) => k[1]));
    const frame = summarize(pooled("keystrokes", (k) => k[2]));
    const et = keyRuns.reduce((s, r) => s + r.event_timing_ge16, 0);
    const n = keyRuns.reduce((s, r) => s + r.keystrokes, 0);
    row("5a. keystroke → list DOM update p95 ≤ 16 ms (aim 8)", `${fmt(dom)} over ${dom.n} keystrokes that changed the list`, verdict(dom, 16) + (dom.p95 !== null && dom.p95 <= 8 ? " (aim met)" : ""));
    row("5b. keystroke → next frame p95 ≤ 16 ms (aim 8)", `${fmt(frame)} over ${n} keystrokes; Event Timing ≥ 16 ms to next paint: ${et}/${n}`, verdict(frame, 16) + (frame.p95 !== null && frame.p95 <= 8 ? " (aim met)" : ""));
  }
  for (const [kind, label, target] of [
    ["toggle-click", "6a. toggle one (click) ≤ 5 ms", 5],
    ["toggle-space", "6b. toggle one (Space) ≤ 5 ms", 5],
    ["select-all", "6c. select all ≤ 50 ms", 50],
    ["select-none", "    select none (no target; for comparison)", 50],
  ]) {
    const runs = of(kind);
    if (!runs.length) continue;
    const dom = summarize(runs.flatMap((r) => r.values.map((v) => v[0])));
    const frame = summarize(runs.flatMap((r) => r.values.map((v) => v[1])));
    // What the widget's own work takes: from the page's first listener to the DOM change.
    const own = summarize(runs.flatMap((r) => r.values.filter((v) => v[0] !== null && v[2] != null).map((v) => r1(v[0] - v[2]))));
    const before = summarize(runs.flatMap((r) => r.values.filter((v) => v[2] != null).map((v) => v[2])));
    row(
      label,
      `to DOM ${fmt(dom)} (before the first listener ${fmt(before)}; from it to the DOM ${fmt(own)}); to next frame ${fmt(frame)}`,
      kind === "select-none"
        ? "-"
        : // A target under one tick of the frame clock is judged on the DOM figure alone: the
          // next frame waits for the tick, half a frame on average, whatever the widget does.
          target < 16.7
          ? `${verdict(dom, target)} (judged to the DOM; the next frame waits for the clock's tick)`
          : `DOM: ${verdict(dom, target)}; frame: ${verdict(frame, target)}`,
    );
  }
  const flingLabels = {
    fresh: "right after the import",
    "after-click": "after clicking an option",
    checked: "with the rows at the visible edges looked up every frame",
  };
  for (const [variant, label] of Object.entries(flingLabels)) {
    const flings = of("fling").filter((r) => r.variant === variant);
    if (!flings.length) continue;
    const over = flings.reduce((s, r) => s + r.over_18_7ms, 0);
    const frames = flings.reduce((s, r) => s + r.frames, 0);
    const blank = flings.reduce((s, r) => s + r.blank_frames, 0);
    const checks = flings.reduce((s, r) => s + r.checks, 0);
    const checked = variant === "checked";
    row(
      `7. fling: ${checked ? "no blank rows" : "no frame over 16.7 ms"} (${label})`,
      `${frames} frames over ${flings.length} × 2 s at 4,500 px/frame: interval median ${medianOf(flings.map((r) => r.interval.median))} ms, max ${Math.max(...flings.map((r) => r.interval.max))} ms, ${over} over 18.7 ms; idle frame interval ${medianOf(flings.map((r) => r.idle_frame_interval.median))} ms; long animation frames ${flings.reduce((s, r) => s + r.long_animation_frames.length, 0)}` +
        (checked ? `; blank at the visible top or bottom in ${blank}/${checks} frames` : ""),
      checked
        ? blank === 0
          ? `met (frames over 18.7 ms with the lookups' forced layouts: ${over})`
          : `MISSED (${blank} blank)`
        : over === 0
          ? "met"
          : `MISSED (${over} slow frames)`,
    );
  }
  console.log("");
  console.log(`bench-widget summary (${ROUNDS} round(s); ${cpus().length} CPUs; Chromium ${executablePath})`);
  console.log(`  load at start: ${startUptime}`);
  console.log(`  load at end:   ${endUptime}`);
  console.log(`  load average (1 min) at each round's start: ${of("round").map((r) => r.load1).join(", ")}`);
  console.log(`  times: median / p95 / max in ms; "frame" = the requestAnimationFrame callback after the change (the paint follows it);`);
  console.log(`  the frame clock ticks every ${medianOf(of("fling").map((r) => r.idle_frame_interval.median)) ?? "?"} ms here, so "to next frame" includes waiting for the tick (half a frame on average)`);
  console.log(`  Event Timing durations run to the next paint's presentation, rounded to 8 ms: a change made within the frame can still count ≥ 16 ms`);
  console.log("");
  for (const line of lines) {
    if (line.detail) console.log(line.detail);
    else {
      const label = line.result === "-" ? "         " : /MISSED|NOT MEASURED/.test(line.result) ? "  MISSED " : "  met    ";
      console.log(`${label} ${line.target}\n           ${line.figure}\n           → ${line.result}`);
    }
  }
  console.log("");
  console.log(`raw results: ${OUT}`);
}

function fmt(s) {
  if (!s || s.n === 0) return "n/a";
  return `${s.median} / ${s.p95} / ${s.max} ms (n=${s.n})`;
}
function medianOf(values) {
  return summarize(values).median;
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const startUptime = uptime();
  record("machine", { uptime: startUptime, cpus: cpus().length, cpu: cpus()[0]?.model, rounds: ROUNDS, chromium: executablePath });
  // The site as built now: a rebuild of www/dist by someone else during the run changes nothing.
  const site = join(OUT, "..", "site");
  const files = snapshot(site);
  const built = (path) => files.find((f) => f.path === path);
  record("build", {
    ui_wasm: built("/www/dist/ui/contact_picker_bg.wasm"),
    entry: built("/www/dist/contact-picker.js"),
    engine_wasm: built("/www/dist/engine/contact_picker_engine_bg.wasm"),
    files: files.length,
  });
  const server = await serveSite(site, { pages: { "/bench/open.html": OPEN_PAGE } });
  const context = await launch();
  const version = context.browser()?.version() ?? null;
  try {
    const page = await context.newPage();
    record("browser", {
      version,
      user_agent: await page.evaluate(() => navigator.userAgent),
    });
    await page.close();
    await firstLoad(context, server.url);
    for (let round = 1; round <= ROUNDS; round++) {
      record("round", { round, uptime: uptime() });
      for (let run = 1; run <= OPEN_RUNS; run++) {
        await openRun(context, server.url, "cold", round, run);
        await openRun(context, server.url, "warm", round, run);
      }
      const profile = round === 1 && PROFILE_DIR ? PROFILE_DIR : null;
      if (profile) mkdirSync(profile, { recursive: true });
      const csv = await importRun(context, server.url, "csv", round, { keepPage: true, profile });
      await fling(csv.page, round, profile, "fresh");
      await keystrokes(csv.page, csv.widget, round, profile);
      await selection(csv.page, csv.widget, round, profile);
      // Once an option has been clicked (it is then the focused option), as a visitor would.
      await csv.widget.locator("[role=option]").nth(3).click();
      await fling(csv.page, round, profile, "after-click");
      await fling(csv.page, round, profile, "checked", { check: true });
      await csv.page.close();
      await importRun(context, server.url, "vcf", round, { profile });
    }
  } finally {
    await context.close();
    await server.close();
  }
  summary(startUptime, uptime());
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
