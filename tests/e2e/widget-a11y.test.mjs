// Every screen of the widget, inline and in the dialog, in English and French, at desktop
// size (1280×800) and phone width (360×740): axe-core's WCAG 2 A/AA rules with no violation,
// nothing wider than a phone, focus rings, and a screenshot of each under target/e2e-artifacts/.
//
//   node --test tests/e2e/widget-a11y.test.mjs
//
// The screens: menu, file, importing (held by delaying the engine's wasm), the picker with a
// selection and a contact's details, its problems expanded, done (inline: the dialog closes
// on submit), and an import error.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";

import {
  DESKTOP,
  PHONE,
  assertAccessible,
  assertFitsWidth,
  corpus,
  focused,
  demoSession,
  option,
  screenshot,
} from "./support/widget.mjs";

const openDemo = demoSession();

const WORDS = {
  en: { title: "Import your contacts", picker: "Choose contacts", error: "The import did not work", showLines: "Show lines", again: "Import another address book", retry: "Try again" },
  fr: { title: "Importer vos contacts", picker: "Choisir des contacts", error: "L’import n’a pas abouti", showLines: "Voir les lignes", again: "Importer un autre carnet d’adresses", retry: "Réessayer" },
};

/** A Google CSV (Ada has three e-mails) and an Android vCard with a problem and possible duplicates. */
// The last file's one card is empty: the problems screen has a line to show whatever the
// phone rules accept.
const FILES = ["csv/synth__google_contacts_current_layout.csv", "vcard/calcard__009.vcf", "vcard/calcard__068.vcf"];
/** A vCard with one empty card: no contact, an import error. */
const EMPTY = "vcard/calcard__068.vcf";

/**
 * Walks through every screen of the widget (`mode`: "inline" or "modal") on the demo page, in
 * `lang`, at `viewport`, calling `check(screen, page)` on each.
 */
async function walk({ mode, lang, viewport, colorScheme = "light" }, check) {
  const selector = mode === "modal" ? "#modal" : "#inline";
  const { page, messages } = await openDemo({ viewport, selector, ready: mode === "modal" ? null : ".panel" });
  await page.emulateMedia({ colorScheme });
  const widget = page.locator(selector);
  const words = WORDS[lang];
  try {
    if (lang !== "en") {
      await page.locator("#language").selectOption(lang);
      if (mode === "inline") await widget.locator("#cp-title", { hasText: words.title }).waitFor();
    }
    // Hold the engine's wasm until the importing screen has been checked.
    let release;
    const gate = new Promise((resolve) => (release = resolve));
    await page.route(/engine\/contact_picker_engine_bg\.wasm$/, async (route) => {
      await gate;
      await route.continue();
    });

    if (mode === "modal") {
      await page.locator("button[data-contact-picker-launch]").first().click();
      await widget.locator("[role=dialog]").waitFor();
    }
    await widget.locator('button.source[data-source="file"]').waitFor();
    assert.equal((await widget.locator("#cp-title").textContent()).trim(), words.title);
    await check("menu", page);

    await widget.locator('button.source[data-source="file"]').click();
    await widget.locator("[part=dropzone]").waitFor();
    await check("file", page);

    await widget.locator('input[type="file"]').setInputFiles(FILES.map(corpus));
    await widget.locator("progress.progress__bar").waitFor();
    await check("importing", page);
    assert.equal(await widget.locator("progress.progress__bar").count(), 1, "still importing after the check");
    release();

    await widget.locator("#cp-list").waitFor({ timeout: 30000 });
    assert.equal((await widget.locator("#cp-title").textContent()).trim(), words.picker);
    await option(widget, "José Núñez").click();
    await option(widget, "Ada Lovelace").click();
    await widget.locator("[part=details]").waitFor();
    await check("picker", page);

    await widget.getByRole("button", { name: words.showLines }).click();
    await widget.locator(".problems__list li").first().waitFor();
    await check("problems", page);

    await widget.locator("[part=submit]").click();
    if (mode === "inline") {
      await widget.locator(".message__text").waitFor();
      await check("done", page);
      await widget.getByRole("button", { name: words.again }).click();
      await widget.locator('button.source[data-source="file"]').click();
    } else {
      await widget.locator("[role=dialog]").waitFor({ state: "detached" });
      await page.locator('button[data-contact-picker-launch="file"]').click();
    }
    await widget.locator("[part=dropzone]").waitFor();
    await widget.locator('input[type="file"]').setInputFiles([corpus(EMPTY)]);
    await widget.locator(".message[role=alert]").waitFor({ timeout: 30000 });
    assert.equal((await widget.locator(".message__title").textContent()).trim(), words.error);
    assert.equal((await focused(page))?.text, words.retry, "the error's first button, Try again, has focus");
    await check("error", page);
  } catch (error) {
    error.message += `\n(console: ${messages.join(" | ")})`;
    throw error;
  } finally {
    await page.close();
  }
}

describe("axe-core, WCAG 2 A and AA, every screen (desktop)", () => {
  for (const mode of ["inline", "modal"]) {
    for (const lang of ["en", "fr"]) {
      test(`${mode}, ${lang}: no violation on any screen`, async () => {
        const checked = [];
        await walk({ mode, lang, viewport: DESKTOP }, async (screen, page) => {
          await screenshot(page, `${mode}-${screen}-desktop-${lang}`, { fullPage: mode === "inline" });
          await assertAccessible(page, `${mode} ${screen} (${lang})`);
          checked.push(screen);
        });
        const expected = ["menu", "file", "importing", "picker", "problems", ...(mode === "inline" ? ["done"] : []), "error"];
        assert.deepEqual(checked, expected);
      });
    }
  }
});

describe("200% zoom and the dark colour scheme", () => {
  // A 1280×800 window at 200% zoom lays out as 640×400 CSS pixels.
  const ZOOMED = { width: 640, height: 400 };
  for (const mode of ["inline", "modal"]) {
    test(`${mode}: at 200% zoom every screen fits and passes axe`, async () => {
      const checked = [];
      await walk({ mode, lang: "en", viewport: ZOOMED }, async (screen, page) => {
        await screenshot(page, `${mode}-${screen}-zoom200-en`, { fullPage: mode === "inline" });
        await assertFitsWidth(page, `#${mode}`, `${mode} ${screen} at 200% zoom`, ZOOMED.width);
        await assertAccessible(page, `${mode} ${screen} at 200% zoom`);
        checked.push(screen);
      });
      assert.ok(checked.length >= 6, checked.join(", "));
    });
    test(`${mode}: in the dark colour scheme every screen passes axe (contrast included)`, async () => {
      const checked = [];
      await walk({ mode, lang: "en", viewport: DESKTOP, colorScheme: "dark" }, async (screen, page) => {
        await screenshot(page, `${mode}-${screen}-desktop-dark-en`, { fullPage: mode === "inline" });
        await assertAccessible(page, `${mode} ${screen} (dark)`);
        checked.push(screen);
      });
      assert.ok(checked.length >= 6, checked.join(", "));
    });
  }
});

describe("360 px wide: nothing overflows", () => {
  for (const [mode, lang] of [["inline", "en"], ["modal", "en"], ["inline", "fr"], ["modal", "fr"]]) {
    test(`${mode}, ${lang}: every screen fits 360 px`, async () => {
      const checked = [];
      await walk({ mode, lang, viewport: PHONE }, async (screen, page) => {
        await screenshot(page, `${mode}-${screen}-360-${lang}`, { fullPage: mode === "inline" });
        await assertFitsWidth(page, `#${mode}`, `${mode} ${screen} (${lang}) at 360 px`);
        checked.push(screen);
      });
      assert.ok(checked.length >= 6, checked.join(", "));
    });
  }
});

test("keyboard focus is visible: the source, the Choose files button, the list and its active option", async () => {
  const { page, widget } = await openDemo();
  /** The focused element's outline (through the shadow root). */
  const ring = () =>
    page.evaluate(() => {
      let element = document.activeElement;
      while (element?.shadowRoot?.activeElement) element = element.shadowRoot.activeElement;
      const style = getComputedStyle(element);
      return { id: element.id, cls: element.className, style: style.outlineStyle, width: parseFloat(style.outlineWidth), color: style.outlineColor };
    });
  const visible = (r, label) =>
    assert.ok(r.style !== "none" && r.width >= 2 && !/rgba\(\d+, \d+, \d+, 0\)/.test(r.color), `${label}: no visible focus ring ${JSON.stringify(r)}`);
  for (let i = 0; i < 5 && (await focused(page))?.dataSource !== "file"; i++) await page.keyboard.press("Tab");
  visible(await ring(), "the file source");
  await screenshot(page, "focus-source-desktop-en");
  await page.keyboard.press("Enter");
  await widget.locator("[part=dropzone]").waitFor();
  visible(await ring(), "Choose files (focused when the screen opened)");
  await screenshot(page, "focus-choose-desktop-en");
  await widget.locator('input[type="file"]').setInputFiles([corpus(FILES[0])]);
  await widget.locator("#cp-list").waitFor();
  visible(await ring(), "the search box");
  await page.keyboard.press("ArrowDown");
  visible(await ring(), "the list");
  const active = await widget.locator(".option[data-active]").evaluate((o) => {
    const style = getComputedStyle(o);
    return { style: style.outlineStyle, width: parseFloat(style.outlineWidth), color: style.outlineColor };
  });
  visible(active, "the active option");
  await screenshot(page, "focus-list-desktop-en");
  await page.close();
});
