// The widget against hostile input and hostile hosts: markup in contact fields renders as
// text; a page's CSS neither breaks the widget nor is touched by it; a strict
// Content-Security-Policy, with and without 'wasm-unsafe-eval'.
//
//   node --test tests/e2e/widget-security.test.mjs
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { launch } from "./support/browser.mjs";
import { root, serve } from "./support/server.mjs";
import {
  checkBuilt,
  corpus,
  events,
  expectedSubmission,
  normalizeWithCli,
  openPage,
  option,
  screenshot,
  search,
  submitted,
  upload,
  waitForEvents,
} from "./support/widget.mjs";

const PAGES = join(root, "tests", "e2e", "pages");
const STRICT = "/e2e/csp-strict.html";
const NO_WASM = "/e2e/csp-no-wasm.html";
const CSP_STRICT =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; worker-src 'self' blob:; img-src 'self' data:";
const CSP_NO_WASM = "default-src 'self'; script-src 'self'; style-src 'self'; worker-src 'self' blob:; img-src 'self' data:";

let server;
let context;

before(async () => {
  checkBuilt();
  const csp = readFileSync(join(PAGES, "csp.html"), "utf8");
  server = await serve({
    pages: { [STRICT]: csp, [NO_WASM]: csp },
    headers: (path) => {
      if (path === STRICT) return { "Content-Security-Policy": CSP_STRICT };
      if (path === NO_WASM) return { "Content-Security-Policy": CSP_NO_WASM };
      return {};
    },
  });
  context = await launch();
});

after(async () => {
  await context?.close();
  await server?.close();
});

/** Set before any script of the page: anything that runs an attacker's code flips it. */
function trap() {
  window.__pwned = false;
  window.alert = () => {
    window.__pwned = true;
  };
  window.confirm = window.prompt = window.alert;
}

/** Every option of the (virtualized) list, scrolled through: name, text, elements inside. */
async function everyOption(widget) {
  return widget.locator("#cp-list").evaluate(async (list) => {
    const seen = new Map();
    for (let top = 0; ; top += 200) {
      list.scrollTop = top;
      await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
      for (const option of list.querySelectorAll("[role=option]")) {
        const name = option.querySelector(".option__name");
        seen.set(option.id, {
          name: name?.textContent,
          nameChildren: name?.childElementCount,
          text: option.textContent,
          tags: [...new Set([...option.querySelectorAll("*")].map((e) => e.tagName.toLowerCase()))].sort(),
        });
      }
      if (top >= list.scrollHeight) break;
    }
    list.scrollTop = 0;
    return [...seen.values()];
  });
}

/** Elements that should never appear in the widget: what an injection would add. */
function injected(widget) {
  return widget.evaluate((host) =>
    [...host.shadowRoot.querySelectorAll("img, script, iframe, object, embed, a, b, textarea, svg[onload], [onerror], [onload], [onmouseover]")].map(
      (e) => e.outerHTML.slice(0, 120),
    ),
  );
}

test("markup and script in contact fields render as text, never as elements (CSV, vCard, problems, details, the demo's output)", async () => {
  const files = [corpus("security/synth__hostile_fields.csv"), join(PAGES, "hostile.vcf")];
  const cli = normalizeWithCli(files);
  const { page, widget, messages } = await openPage(context, `${server.url}/index.html`, { init: trap });
  let dialogs = 0;
  page.on("dialog", (dialog) => {
    dialogs++;
    dialog.dismiss().catch(() => {});
  });
  await upload(widget, files);
  const shown = await everyOption(widget);
  assert.equal(shown.length, cli.length, "every contact is listed");
  assert.deepEqual(
    shown.map((o) => o.name).sort(),
    cli.map((c) => c.name.display).sort(),
    "each name exactly as the command line reads it, as text",
  );
  for (const option of shown) {
    assert.equal(option.nameChildren, 0, `no element inside the name ${JSON.stringify(option.name)}`);
    assert.deepEqual(option.tags, ["path", "span", "svg"].filter((t) => option.tags.includes(t)), `elements in ${JSON.stringify(option.name)}: ${option.tags}`);
  }
  const texts = shown.map((o) => o.text).join("\n");
  for (const literal of [
    "<img src=x onerror=alert(1)>",
    "</textarea><svg onload=alert(1)>",
    "Eve <script>window.__pwned=true</script>",
    '<img src=x onerror="window.__pwned=true">',
    '<b onmouseover="window.__pwned=true">Bold</b>',
  ]) {
    assert.ok(texts.includes(literal), `the literal text ${literal} is shown`);
  }
  assert.deepEqual(await injected(widget), []);

  // The details of the hostile vCard contact (two e-mails, so the details show).
  await search(widget, "eve");
  await option(widget, "Eve <script>window.__pwned=true</script>").click();
  const details = widget.locator("[part=details]");
  await details.waitFor();
  assert.equal((await details.locator("h3").textContent()).trim(), "Details of Eve <script>window.__pwned=true</script>");
  assert.equal(await details.locator("h3").evaluate((h) => h.childElementCount), 0);
  // The problems, one of which quotes the hostile e-mail.
  await search(widget, "");
  await widget.getByRole("button", { name: "Show lines" }).click();
  const problems = widget.locator(".problems__list");
  await problems.waitFor();
  const lines = await problems.locator("li").allTextContents();
  assert.ok(
    lines.some((line) => line.includes("the e-mail address “<img src=x onerror=window.__pwned=true>” is not valid")),
    `problem lines: ${lines.join("\n")}`,
  );
  assert.equal(await problems.evaluate((list) => list.querySelectorAll("li *").length), 0, "problem lines are text");
  assert.deepEqual(await injected(widget), []);

  // Everyone handed to the demo, which prints them.
  await widget.locator("[part=select-all]").click();
  await widget.locator("[part=submit]").click();
  const detail = await submitted(page);
  assert.equal(detail.contacts.length, cli.length);
  for (const contact of detail.contacts) {
    const same = cli.find((c) => c.id === contact.id);
    assert.ok(same, `submitted ${contact.id} is a contact of the CLI`);
    assert.deepEqual(contact, expectedSubmission([same])[0]);
  }
  await page.waitForTimeout(300);
  assert.equal(await page.locator("#received").evaluate((pre) => pre.childElementCount), 0);
  assert.equal(await page.evaluate(() => window.__pwned), false, "no script of the files ran");
  assert.equal(dialogs, 0, "no alert() opened");
  assert.ok(!messages.some((m) => /pageerror/.test(m)), messages.join("\n"));
  await page.close();
});

test("a hostile page's CSS neither hides nor breaks the widget, and the widget's CSS never reaches the page", async () => {
  const path = corpus("csv/synth__google_contacts_current_layout.csv");
  const cli = normalizeWithCli([path]);
  const { page, widget, messages } = await openPage(context, `${server.url}/tests/e2e/pages/hostile-css.html`);
  const style = (locator, properties) =>
    locator.evaluate((element, properties) => {
      const computed = getComputedStyle(element);
      const r = element.getBoundingClientRect();
      return { ...Object.fromEntries(properties.map((p) => [p, computed.getPropertyValue(p)])), width: r.width, height: r.height };
    }, properties);

  assert.ok(await page.locator("#inline").isVisible(), "the element is displayed");
  const title = await style(widget.locator("#cp-title"), ["font-size", "color", "visibility", "letter-spacing", "text-transform"]);
  assert.ok(parseFloat(title["font-size"]) > 10, `title font-size ${title["font-size"]}`);
  assert.ok(title.width > 0 && title.height > 0, JSON.stringify(title));
  assert.equal(title.visibility, "visible");
  assert.notEqual(title.color, "rgba(0, 0, 0, 0)");
  assert.equal(title["text-transform"], "none");
  assert.equal(title["letter-spacing"], "normal");
  await screenshot(page, "hostile-css-menu-desktop-en");

  // It works: upload, search, pick, submit.
  await upload(widget, [path]);
  assert.ok(await widget.locator("#cp-list").isVisible(), "the listbox is visible");
  const list = await style(widget.locator("#cp-list"), ["display"]);
  assert.ok(list.width > 200 && list.height > 80, `the listbox's box: ${JSON.stringify(list)}`);
  const name = await style(widget.locator(".option__name").first(), ["font-size", "color", "line-height", "visibility", "white-space"]);
  assert.ok(parseFloat(name["font-size"]) > 10, `an option's name: font-size ${name["font-size"]}`);
  assert.ok(name.width > 0 && name.height > 10, `an option's name box: ${JSON.stringify(name)}`);
  assert.notEqual(name.color, "rgba(0, 0, 0, 0)");
  assert.equal(name.visibility, "visible");
  assert.ok(parseFloat(name["line-height"]) > 10 || name["line-height"] === "normal", `line-height ${name["line-height"]}`);
  await search(widget, "nunez");
  await option(widget, "José Núñez").click();
  await screenshot(page, "hostile-css-picker-desktop-en");
  await widget.locator("[part=submit]").click();
  const detail = await submitted(page);
  assert.deepEqual(detail.contacts, expectedSubmission(cli.filter((c) => c.name.display === "José Núñez")), messages.join("\n"));

  // The page's own .option and .button keep the page's styles.
  const pageOption = await style(page.locator("#page-option"), ["display", "padding-top", "color", "font-size", "cursor", "border-bottom-width", "user-select"]);
  const optionBox = { width: pageOption.width, height: pageOption.height };
  delete pageOption.width;
  delete pageOption.height;
  assert.deepEqual(pageOption, {
    display: "block",
    "padding-top": "3px",
    color: "rgb(200, 0, 0)",
    "font-size": "13px",
    cursor: "auto",
    "border-bottom-width": "0px",
    "user-select": "auto",
  });
  assert.equal(optionBox.height, 16, "the page's .option is 10px + 2 × 3px high, not the widget's 56px");
  const pageButton = await style(page.locator("#page-button"), ["background-color", "color", "min-height", "border-radius", "font-weight", "cursor", "padding-left"]);
  delete pageButton.width;
  delete pageButton.height;
  assert.deepEqual(pageButton, {
    "background-color": "rgb(0, 128, 0)",
    color: "rgb(255, 255, 255)",
    "min-height": "0px",
    "border-radius": "0px",
    "font-weight": "400",
    cursor: "default",
    "padding-left": "2px",
  });
  // Nothing was added to the page's own style sheets.
  const sheets = await page.evaluate(() => ({ sheets: document.styleSheets.length, adopted: document.adoptedStyleSheets.length, styles: document.querySelectorAll("style").length }));
  assert.deepEqual(sheets, { sheets: 1, adopted: 0, styles: 1 });
  await page.close();
});

test("a strict CSP (script-src 'self' 'wasm-unsafe-eval', style-src 'self', no inline script): import and submit work, no violation", async () => {
  const path = corpus("csv/synth__google_contacts_current_layout.csv");
  const cli = normalizeWithCli([path]);
  const { page, widget, messages } = await openPage(context, server.url + STRICT);
  await upload(widget, [path]);
  await search(widget, "nunez");
  await option(widget, "José Núñez").click();
  await search(widget, "");
  await option(widget, "Ada Lovelace").click();
  await widget.locator("[part=details] input[name=cp-email]").nth(1).check();
  // The problems toggle and the list's windowing set styles through the CSSOM only.
  await widget.locator("#cp-list").evaluate((list) => {
    list.scrollTop = 40;
  });
  await page.waitForTimeout(100);
  await widget.locator("[part=submit]").click();
  const detail = await submitted(page);
  const [ada, jose] = ["Ada Lovelace", "José Núñez"].map((n) => cli.find((c) => c.name.display === n));
  assert.deepEqual(detail.contacts, expectedSubmission([ada, jose], [1, 0]));
  await page.waitForTimeout(300);
  const violations = await page.evaluate(() => window.__violations);
  assert.deepEqual(violations, [], `CSP violations: ${JSON.stringify(violations)}`);
  assert.deepEqual(
    messages.filter((m) => /Content Security Policy|Refused to/i.test(m)),
    [],
    "no CSP message in the console",
  );
  assert.ok(!messages.some((m) => m.includes("no Web Worker could start")), `the engine ran in a worker:\n${messages.join("\n")}`);
  assert.deepEqual(await events(page, "error"), []);
  await page.close();
});

test("a CSP without 'wasm-unsafe-eval': the plain CSP message (role=alert) and contact-picker-error with code csp", async () => {
  const { page, widget } = await openPage(context, server.url + NO_WASM, { ready: ".csp-message" });
  const message = widget.locator(".csp-message");
  assert.equal(await message.getAttribute("role"), "alert");
  assert.equal(
    (await message.textContent()).trim(),
    "The contact picker cannot run on this page: its security policy blocks WebAssembly.",
  );
  assert.ok(await message.isVisible());
  const [error] = await waitForEvents(page, "error");
  assert.equal(error.target, "inline");
  assert.equal(error.detail.code, "csp");
  assert.match(error.detail.message, /wasm-unsafe-eval/);
  assert.equal(error.bubbles && error.composed, true);
  assert.equal(await widget.locator(".panel").count(), 0);
  await screenshot(page, "csp-blocked-desktop-en");
  await page.close();
});
