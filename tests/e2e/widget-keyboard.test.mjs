// The widget with the keyboard alone, on the demo page: from the page's first Tab to the host
// receiving the contacts; the listbox's keys (WAI-ARIA APG multi-select listbox) on a long,
// virtualized list; Escape in the dialog.
//
//   node --test tests/e2e/widget-keyboard.test.mjs
import { after, before, test } from "node:test";
import assert from "node:assert/strict";

import {
  corpus,
  expectedSubmission,
  focused,
  generatedCsv,
  normalizeWithCli,
  demoSession,
  options,
  submitted,
  upload,
} from "./support/widget.mjs";

const openDemo = demoSession();

/** Presses `key` until `done(focused)` holds; returns the stops passed. */
async function pressUntil(page, key, done, max = 12) {
  const stops = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(key);
    const focus = await focused(page);
    stops.push(focus ? `${focus.tag}${focus.id ? "#" + focus.id : ""}${focus.part ? "[part=" + focus.part + "]" : ""}:${focus.label ?? focus.text.slice(0, 24)}` : "none");
    if (focus && done(focus)) return stops;
  }
  assert.fail(`${key} ×${max} never reached the target; stops: ${stops.join(" → ")}`);
}

/** The count line and each option's name and state. */
async function state(widget) {
  return {
    count: await widget.locator("[part=count]").textContent(),
    options: (await options(widget)).map((o) => `${o.name}:${o.checked}`),
    active: await widget.locator("#cp-list").getAttribute("aria-activedescendant"),
  };
}

test("the whole flow with the keyboard alone: Tab, Space, Enter, the file chooser, search, arrows, Space, Shift+ArrowDown, Ctrl+A, Enter", async () => {
  const path = corpus("csv/synth__google_contacts_current_layout.csv");
  const cli = normalizeWithCli([path]);
  const { page, widget, messages } = await openDemo();
  // Waiting for the file chooser from the start turns Playwright's interception of it on well
  // before the Enter that opens it (started in the same breath as the key, it sometimes lost
  // the race and the chooser never reached the test).
  const chooserOpened = page.waitForEvent("filechooser");
  // Tab from the top of the page to the file source.
  const toSource = await pressUntil(page, "Tab", (f) => f.dataSource === "file");
  assert.ok(toSource.length <= 3, `the source is the page's second or third stop: ${toSource.join(" → ")}`);
  await page.keyboard.press("Space");
  // The file screen: focus on "Choose files".
  await widget.locator("[part=dropzone]").waitFor();
  let focus = await focused(page);
  assert.equal(focus?.part, "choose", `focus on the file screen: ${JSON.stringify(focus)}`);
  assert.equal(focus.text, "Choose files");
  await page.keyboard.press("Enter");
  const chooser = await chooserOpened;
  assert.equal(chooser.isMultiple(), true);
  await chooser.setFiles([path]);
  await widget.locator("#cp-list").waitFor();
  // The picker: focus in the search box.
  focus = await focused(page);
  assert.equal(focus?.id, "cp-search", `focus after the import: ${JSON.stringify(focus)}`);
  await page.keyboard.type("nunez");
  await page.waitForTimeout(50);
  assert.deepEqual((await state(widget)).options, ["José Núñez:false"]);
  // ArrowDown into the list: the first option is focused; Space selects it.
  await page.keyboard.press("ArrowDown");
  focus = await focused(page);
  assert.equal(focus?.id, "cp-list");
  const joseId = (await options(widget))[0].id;
  assert.equal(focus.active, joseId);
  await page.keyboard.press("Space");
  assert.deepEqual(await state(widget), { count: "1 selected", options: ["José Núñez:true"], active: joseId });
  // Back to the search box, emptied.
  await pressUntil(page, "Shift+Tab", (f) => f.id === "cp-search");
  await page.keyboard.press("Control+a");
  await page.keyboard.press("Backspace");
  await page.waitForTimeout(50);
  await page.keyboard.press("ArrowDown");
  let now = await state(widget);
  assert.deepEqual(now.options, ["Ada Lovelace:false", "Charles Babbage:false", "José Núñez:true"]);
  assert.equal(now.active, joseId, "focus stays on José in the full list");
  // Home, Space: Ada; Shift+ArrowDown extends to Charles.
  await page.keyboard.press("Home");
  await page.keyboard.press("Space");
  await page.keyboard.press("Shift+ArrowDown");
  now = await state(widget);
  assert.deepEqual(now.options, ["Ada Lovelace:true", "Charles Babbage:true", "José Núñez:true"]);
  assert.equal(now.count, "3 selected");
  assert.equal(now.active, (await options(widget))[1].id);
  // Ctrl+A: all were selected, so none; again: all.
  await page.keyboard.press("Control+a");
  assert.equal((await state(widget)).count, "0 selected");
  await page.keyboard.press("Control+a");
  now = await state(widget);
  assert.equal(now.count, "3 selected");
  assert.deepEqual(now.options, ["Ada Lovelace:true", "Charles Babbage:true", "José Núñez:true"]);
  // Tab to the submit button, Enter.
  const toSubmit = await pressUntil(page, "Tab", (f) => f.part === "submit");
  assert.equal((await focused(page)).text, "Add 3 contacts", toSubmit.join(" → "));
  await page.keyboard.press("Enter");
  const detail = await submitted(page);
  const names = ["Ada Lovelace", "Charles Babbage", "José Núñez"];
  assert.deepEqual(
    detail.contacts,
    expectedSubmission(names.map((n) => cli.find((c) => c.name.display === n))),
    messages.join("\n"),
  );
  // The done screen takes focus.
  await widget.locator(".message__text").waitFor();
  focus = await focused(page);
  assert.equal(focus?.text, "Choose again", `focus after submitting: ${JSON.stringify(focus)}`);
  await page.close();
});

test("Home, End, PageDown and PageUp move aria-activedescendant over 20,000 rows, and the active option stays rendered and visible", async () => {
  const { page, widget } = await openDemo();
  await upload(widget, [generatedCsv(20000)]);
  await widget.locator("#cp-search").focus();
  await page.keyboard.press("ArrowDown");

  /** The active option: its id, whether it is in the DOM and on screen, its position. */
  const active = () =>
    widget.locator("#cp-list").evaluate((list) => {
      const id = list.getAttribute("aria-activedescendant");
      const option = id ? list.getRootNode().getElementById(id) : null;
      const box = list.getBoundingClientRect();
      const r = option?.getBoundingClientRect();
      return {
        id,
        rendered: !!option,
        posinset: option ? Number(option.getAttribute("aria-posinset")) : null,
        name: option?.querySelector(".option__name")?.textContent ?? null,
        visible: !!r && r.top >= box.top - 1 && r.bottom <= box.bottom + 1,
        options: list.querySelectorAll("[role=option]").length,
      };
    });
  const check = async (label, posinset) => {
    // The window follows the focus a frame later: wait (up to 3 s) for it to settle.
    let now = await active();
    for (let waited = 0; waited < 3000; waited += 25) {
      if (now.rendered && now.visible && (posinset === undefined || now.posinset === posinset)) break;
      await page.waitForTimeout(25);
      now = await active();
    }
    assert.ok(now.rendered, `${label}: the active option ${now.id} is not in the DOM`);
    assert.ok(now.visible, `${label}: the active option is not scrolled into view ${JSON.stringify(now)}`);
    assert.ok(now.options < 100, `${label}: ${now.options} options rendered`);
    if (posinset !== undefined) assert.equal(now.posinset, posinset, label);
    const n = String(now.posinset - 1).padStart(6, "0");
    assert.equal(now.name, `Person${n} Family${n}`, `${label}: the option at ${now.posinset}`);
    return now;
  };

  await check("ArrowDown into the list", 1);
  await page.keyboard.press("End");
  await check("End", 20000);
  await page.keyboard.press("Home");
  await check("Home", 1);
  await page.keyboard.press("PageDown");
  const page1 = await check("PageDown");
  assert.ok(page1.posinset > 2 && page1.posinset < 20, `PageDown moved a page: ${page1.posinset}`);
  const step = page1.posinset - 1;
  for (let i = 0; i < 30; i++) await page.keyboard.press("PageDown");
  await check("PageDown ×31", 1 + 31 * step);
  await page.keyboard.press("PageUp");
  await check("PageUp", 1 + 30 * step);
  await page.keyboard.press("ArrowDown");
  await check("ArrowDown", 2 + 30 * step);
  await page.keyboard.press("Space");
  const selected = await widget.locator(`[role=option][aria-posinset="${2 + 30 * step}"]`).getAttribute("aria-checked");
  assert.equal(selected, "true");
  await page.keyboard.press("End");
  await page.keyboard.press("ArrowUp");
  await check("End, ArrowUp", 19999);
  await page.close();
});

test("in the dialog, Escape first empties a filled search box, then closes", async () => {
  const { page, widget } = await openDemo({ selector: "#modal", ready: null });
  const launcher = page.locator('button[data-contact-picker-launch="file"]');
  await launcher.focus();
  await page.keyboard.press("Enter");
  await widget.locator("[part=dropzone]").waitFor();
  await widget.locator('input[type="file"]').setInputFiles([corpus("csv/synth__google_contacts_current_layout.csv")]);
  await widget.locator("#cp-list").waitFor();
  assert.equal((await focused(page))?.id, "cp-search");
  await page.keyboard.type("ada");
  await page.keyboard.press("Escape");
  assert.equal(await widget.locator("#cp-search").inputValue(), "");
  assert.equal(await widget.locator("[role=dialog]").count(), 1, "the first Escape only emptied the search box");
  assert.equal((await options(widget)).length, 3, "the list shows everyone again");
  await page.keyboard.press("Escape");
  await widget.locator("[role=dialog]").waitFor({ state: "detached" });
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Import a contact file…");
  await page.close();
});

test("in the dialog, Tab and Shift+Tab wrap on the picker screen too (details and problems open)", async () => {
  const { page, widget } = await openDemo({ selector: "#modal", ready: null });
  await page.locator('button[data-contact-picker-launch="file"]').click();
  await widget.locator('input[type="file"]').setInputFiles([
    corpus("csv/synth__google_contacts_current_layout.csv"),
    corpus("vcard/calcard__009.vcf"),
    // One empty card: a problem line to open, whatever the phone rules accept.
    corpus("vcard/calcard__068.vcf"),
  ]);
  await widget.locator("#cp-list").waitFor();
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Space");
  await widget.locator("[part=details]").waitFor();
  await widget.getByRole("button", { name: "Show lines" }).click();
  /** Where focus is: a stop inside the dialog, or OUTSIDE. */
  const where = () =>
    page.evaluate(() => {
      const host = document.getElementById("modal");
      const inner = host.shadowRoot.activeElement;
      if (document.activeElement !== host || !inner || !host.shadowRoot.querySelector("[role=dialog]").contains(inner)) {
        return `OUTSIDE:${document.activeElement?.tagName}`;
      }
      return `${inner.tagName.toLowerCase()}${inner.id ? "#" + inner.id : ""}:${(inner.getAttribute("aria-label") ?? inner.textContent).trim().slice(0, 16)}`;
    });
  const forward = [];
  for (let i = 0; i < 24; i++) {
    await page.keyboard.press("Tab");
    forward.push(await where());
  }
  assert.ok(!forward.some((s) => s.startsWith("OUTSIDE")), forward.join(" → "));
  // One full cycle holds every stop once, from the close button to the submit button.
  const start = forward.indexOf("button:Close");
  const cycle = forward.slice(start, forward.indexOf("button:Close", start + 1));
  assert.ok(cycle.length >= 8, `a cycle: ${cycle.join(" → ")}`);
  assert.equal(new Set(cycle).size, cycle.length, `no stop twice in a cycle: ${cycle.join(" → ")}`);
  // The problems toggle reads "Hide lines" once expanded.
  for (const stop of ["input#cp-search:", "div#cp-list:Contacts", "button:Hide lines", "button:Add 1 contact"]) {
    assert.ok(cycle.includes(stop), `${stop} in ${cycle.join(" → ")}`);
  }
  assert.equal(cycle.at(-1), "button:Add 1 contact", "the submit button is the last stop");
  const backward = [];
  for (let i = 0; i < cycle.length; i++) {
    await page.keyboard.press("Shift+Tab");
    backward.push(await where());
  }
  assert.ok(!backward.some((s) => s.startsWith("OUTSIDE")), backward.join(" → "));
  assert.equal(new Set(backward).size, cycle.length, `Shift+Tab visits the same stops: ${backward.join(" → ")}`);
  await page.close();
});
