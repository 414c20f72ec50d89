// Helpers shared by the widget's end-to-end tests (tests/e2e/widget*.test.mjs): the built
// widget checked, the native command line as the oracle, the demo page driven through the
// element's shadow root (Playwright's CSS locators pierce open shadow roots), the host's
// events recorded, axe-core, screenshots.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { after, before } from "node:test";

import { launch, recordConsole } from "./browser.mjs";
import { root, serve } from "./server.mjs";

export const CORPUS = join(root, "tests", "corpus");
export const ARTIFACTS = join(root, "target", "e2e-artifacts");
export const AXE = join(root, "node_modules", "axe-core", "axe.min.js");
export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 360, height: 740 };

/** Every event the element emits (contact-picker-<name>). */
export const EVENT_NAMES = [
  "open",
  "import-start",
  "import-progress",
  "import-done",
  "import-error",
  "select",
  "submit",
  "close",
  "error",
];

/** A corpus file's absolute path. */
export function corpus(path) {
  const file = join(CORPUS, path);
  assert.ok(existsSync(file), `the shared corpus file ${file} is missing`);
  return file;
}

/** The newest modification time under `path` (a file or a folder). */
function newest(path) {
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}

/**
 * Fails when the built widget is missing; warns (stderr) when it is older than its sources,
 * since then the tests run against yesterday's widget.
 */
export function checkBuilt() {
  const dist = join(root, "www", "dist");
  for (const file of ["contact-picker.js", "styles.js", "imports.js", "ui/contact_picker_bg.wasm", "engine/client.js", "engine/contact_picker_engine_bg.wasm"]) {
    assert.ok(
      existsSync(join(dist, file)),
      `www/dist/${file} is missing: run \`scripts/build-widget\` first`,
    );
  }
  const built = statSync(join(dist, "ui", "contact_picker_bg.wasm")).mtimeMs;
  const sources = Math.max(
    newest(join(root, "src")),
    ...["element.js", "api.js", "imports.js", "contact-picker.js", "styles.css"].map((f) => newest(join(root, "www", f))),
  );
  if (sources > built + 1000) {
    process.stderr.write(
      "warning: www/dist is older than src/ or www/*.js: the tests run against an old build " +
        "(rebuild with `scripts/build-widget`)\n",
    );
  }
}

const cliCache = new Map();

/**
 * What `contact-picker normalize FILES --region REGION --to TO` prints, parsed: the oracle the widget
 * is compared with. Each file is copied into a scratch folder under the name the browser
 * gives it (File.name, its base name), so that `source` and the ids match.
 * `files`: paths, or `{name, buffer}` for generated files.
 */
export function normalizeWithCli(files, { region = "US", to = "json" } = {}) {
  const key = JSON.stringify([files.map((f) => (typeof f === "string" ? f : f.name)), region, to]);
  if (cliCache.has(key)) return cliCache.get(key);
  const scratch = mkdtempSync(join(tmpdir(), "contact-picker-cli-"));
  const names = [];
  for (const file of files) {
    if (typeof file === "string") {
      names.push(basename(file));
      copyFileSync(file, join(scratch, basename(file)));
    } else {
      names.push(file.name);
      writeFileSync(join(scratch, file.name), file.buffer);
    }
  }
  try {
    const stdout = execFileSync(
      "cargo",
      ["run", "-q", "--manifest-path", join(root, "Cargo.toml"), "-p", "contact-picker-server", "--bin", "contact-picker", "--",
        "normalize", ...names, "--region", region, "--to", to],
      {
        cwd: scratch,
        // The build directory the test command used: the command line is already built there.
        env: { ...process.env, CARGO_TARGET_DIR: process.env.CARGO_TARGET_DIR ?? join(root, "target") },
        encoding: "utf8",
        maxBuffer: 1 << 28,
        stdio: ["ignore", "pipe", "ignore"],
        timeout: 15 * 60 * 1000,
      },
    );
    const contacts = JSON.parse(stdout);
    cliCache.set(key, contacts);
    return contacts;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * What the host should receive for `cliContacts` (the CLI's contacts of the same ids, in the
 * order given) with the chosen e-mail (`chosen[i]`: an index into its e-mails, 0 by
 * default); contacts without an e-mail carry no `chosen_email`.
 */
export function expectedSubmission(cliContacts, chosen = []) {
  return cliContacts.map((contact, i) =>
    contact.emails.length > 0 ? { ...contact, chosen_email: contact.emails[chosen[i] ?? 0].address } : { ...contact },
  );
}

/** A CSV of `count` generated people with distinct names and e-mails, as a setInputFiles payload. */
export function generatedCsv(count, name = `generated-${count}.csv`) {
  const lines = ["First Name,Last Name,E-mail Address"];
  for (let i = 0; i < count; i++) {
    const n = String(i).padStart(6, "0");
    lines.push(`Person${n},Family${n},person.${n}@example.org`);
  }
  return { name, mimeType: "text/csv", buffer: Buffer.from(lines.join("\r\n") + "\r\n") };
}

/** Installs, before any script of the page, a recorder of every contact-picker event. */
export async function recordEvents(page) {
  await page.addInitScript((names) => {
    window.__events = [];
    for (const name of names) {
      document.addEventListener(`contact-picker-${name}`, (event) => {
        let detail;
        try {
          detail = JSON.parse(JSON.stringify(event.detail ?? null));
        } catch {
          detail = String(event.detail);
        }
        window.__events.push({ name, target: event.target?.id ?? "", detail, composed: event.composed, bubbles: event.bubbles });
      });
    }
  }, EVENT_NAMES);
}

/** The events recorded so far (optionally of one name). */
export function events(page, name) {
  return page.evaluate((name) => window.__events.filter((e) => !name || e.name === name), name);
}

/** Waits until `count` events `name` were recorded; returns them. */
export async function waitForEvents(page, name, count = 1, timeout = 15000) {
  try {
    await page.waitForFunction(
      ({ name, count }) => window.__events.filter((e) => e.name === name).length >= count,
      { name, count },
      { timeout },
    );
  } catch (error) {
    const seen = await page.evaluate(() => window.__events.map((e) => `${e.name} ${JSON.stringify(e.detail).slice(0, 200)}`));
    throw new Error(`no contact-picker-${name} event (${count} wanted); events seen:\n${seen.join("\n")}\n${error.message}`);
  }
  return events(page, name);
}

/**
 * For a test file that works on the demo page: starts (before its tests) a static server and
 * a browser, after checking the build, and stops them after. Returns `openDemo(options)`: a new
 * tab on the demo page, as `openPage` gives it.
 */
export function demoSession() {
  let server;
  let context;
  before(async () => {
    checkBuilt();
    server = await serve();
    context = await launch();
  });
  after(async () => {
    await context?.close();
    await server?.close();
  });
  return (options) => openPage(context, `${server.url}/index.html`, options);
}

/**
 * A new tab on `url` with the event recorder and the console kept; waits until the widget
 * `selector` has rendered into its shadow root (`ready`: a selector inside it, or null not to
 * wait).
 */
export async function openPage(context, url, { viewport = DESKTOP, selector = "#inline", ready = ".panel", init } = {}) {
  const page = await context.newPage();
  await page.setViewportSize(viewport);
  const messages = recordConsole(page);
  await recordEvents(page);
  if (init) await page.addInitScript(init);
  await page.goto(url);
  if (ready) {
    try {
      await page.locator(selector).locator(ready).first().waitFor({ timeout: 15000 });
    } catch (error) {
      throw new Error(`the widget ${selector} did not render ${ready}: ${error.message}\n${messages.join("\n")}`);
    }
  }
  return { page, messages, widget: page.locator(selector) };
}

/** Chooses the file source in the menu and gives it `files` (paths or payloads); waits for the list. */
export async function upload(widget, files, { wait = "list" } = {}) {
  const file = widget.locator('button.source[data-source="file"]');
  if (await file.count()) await file.click();
  await widget.locator('input[type="file"]').setInputFiles(files);
  if (wait === "list") await widget.locator("#cp-list").waitFor({ timeout: 30000 });
}

/** The rendered options: what a test needs of each. */
export function options(widget) {
  return widget.locator('[role="option"]').evaluateAll((nodes) =>
    nodes.map((node) => ({
      id: node.id,
      index: Number(node.id.replace("cp-opt-", "")),
      name: node.querySelector(".option__name")?.textContent ?? "",
      text: node.textContent,
      checked: node.getAttribute("aria-checked"),
      setsize: Number(node.getAttribute("aria-setsize")),
      posinset: Number(node.getAttribute("aria-posinset")),
    })),
  );
}

/** The option whose name is exactly `name`. */
export function option(widget, name) {
  return widget.locator('[role="option"]').filter({ has: widget.page().locator(".option__name", { hasText: new RegExp(`^${escapeRegExp(name)}$`) }) });
}

export function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Types `text` in the search box (replacing what is there) and waits for the list to settle. */
export async function search(widget, text) {
  await widget.locator("#cp-search").fill(text);
  await widget.page().waitForTimeout(50);
}

/** The submitted contacts, as the `-submit` event and the demo's #received show them. */
export async function submitted(page, count = 1) {
  const all = await waitForEvents(page, "submit", count);
  return all[count - 1].detail;
}

/**
 * axe-core's WCAG 2 A/AA rules over the whole page (it reaches into open shadow roots);
 * fails with every violation listed.
 */
export async function assertAccessible(page, label, { exclude = [] } = {}) {
  if (!(await page.evaluate(() => typeof window.axe === "object"))) await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async (exclude) => {
    const context = exclude.length ? { include: [document], exclude } : document;
    const result = await window.axe.run(context, { runOnly: ["wcag2a", "wcag2aa"], resultTypes: ["violations"] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => `${JSON.stringify(n.target)}: ${n.failureSummary?.replace(/\s+/g, " ")} ${n.html.slice(0, 160)}`),
    }));
  }, exclude);
  assert.deepEqual(
    violations.map((v) => v.id),
    [],
    `${label}: ${violations.length} axe violation(s):\n` +
      violations.map((v) => `- ${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.join("\n    ")}`).join("\n"),
  );
}

/** Saves a PNG of the page under target/e2e-artifacts/. */
export async function screenshot(page, name, options = {}) {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, animations: "disabled", ...options });
  return path;
}

/**
 * Nothing wider than the viewport: the document does not scroll sideways and the widget's
 * panel (or dialog) fits.
 */
export async function assertFitsWidth(page, selector, label, width = PHONE.width) {
  const sizes = await page.evaluate((selector) => {
    const host = document.querySelector(selector);
    const shadow = host?.shadowRoot;
    const panel = shadow?.querySelector(".dialog") ?? shadow?.querySelector(".panel");
    const rect = panel?.getBoundingClientRect();
    // The widest element inside the shadow root that sticks out on the right.
    let widest = null;
    for (const element of shadow?.querySelectorAll("*") ?? []) {
      const r = element.getBoundingClientRect();
      if (r.width > 0 && (!widest || r.right > widest.right)) widest = { right: r.right, tag: element.tagName, cls: element.className?.baseVal ?? element.className };
    }
    return {
      scrollWidth: document.scrollingElement.scrollWidth,
      panel: rect ? { left: rect.left, right: rect.right, width: rect.width } : null,
      widest,
    };
  }, selector);
  assert.ok(sizes.scrollWidth <= width, `${label}: the page scrolls sideways (scrollWidth ${sizes.scrollWidth} > ${width}); widest ${JSON.stringify(sizes.widest)}`);
  assert.ok(sizes.panel, `${label}: no panel rendered`);
  assert.ok(sizes.panel.left >= 0 && sizes.panel.right <= width + 0.5, `${label}: the panel does not fit: ${JSON.stringify(sizes)}`);
  assert.ok(sizes.widest.right <= width + 0.5, `${label}: an element overflows: ${JSON.stringify(sizes.widest)}`);
}

/** The text of the focused element, looking through shadow roots: `{tag, id, text, part, cls}`. */
export function focused(page) {
  return page.evaluate(() => {
    let element = document.activeElement;
    while (element?.shadowRoot?.activeElement) element = element.shadowRoot.activeElement;
    return element
      ? {
          tag: element.tagName.toLowerCase(),
          id: element.id,
          text: (element.textContent ?? "").trim().slice(0, 80),
          part: element.getAttribute("part"),
          cls: typeof element.className === "string" ? element.className : "",
          label: element.getAttribute("aria-label"),
          dataSource: element.getAttribute("data-source"),
          type: element.getAttribute("type"),
          active: element.getAttribute("aria-activedescendant"),
        }
      : null;
  });
}
