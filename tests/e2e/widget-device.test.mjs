// The device source (`navigator.contacts.select`, the W3C Contact Picker API) through the
// demo. Desktop Chromium has no contact picker, so each test installs one before the page's
// scripts: the same API, answering with what a phone's picker gives. What is checked is the
// widget's side: the source appears only where the API exists, the call asks for several
// contacts and only the properties the browser supports, within the visitor's click, and the
// answer is imported exactly as the command line reads the same JSON.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";

import {
  expectedSubmission,
  normalizeWithCli,
  demoSession,
  submitted,
  waitForEvents,
} from "./support/widget.mjs";

/** What a phone's contact picker answers: W3C Contact Picker results (ContactInfo). */
const PICKED = [
  {
    name: ["Aurélie Durand"],
    email: ["aurelie@example.fr", "a.durand@work.example"],
    tel: ["+33 6 12 34 56 78"],
    address: [],
  },
  { name: ["Hans Müller"], email: ["hans@example.de"], tel: [], address: [] },
  { name: [], email: [], tel: ["+1 415 555 0134"], address: [] },
];

/** Installs a contact picker that answers `answer` (or fails with `error`) and records calls. */
function stub({ answer = PICKED, error = null, properties = ["name", "email", "tel", "address"] } = {}) {
  return `
    window.__calls = [];
    Object.defineProperty(navigator, "contacts", {
      configurable: true,
      value: {
        getProperties: async () => ${JSON.stringify(properties)},
        select: async (props, options) => {
          window.__calls.push({ props, options, active: navigator.userActivation?.isActive ?? null });
          ${error ? `throw new DOMException(${JSON.stringify(error)}, "InvalidStateError");` : ""}
          return ${JSON.stringify(answer)};
        },
      },
    });`;
}

const openDemo = demoSession();

test("without navigator.contacts the device source is not offered", async () => {
  const { page, widget } = await openDemo();
  const sources = await widget.locator("button.source").evaluateAll((b) => b.map((x) => x.dataset.source));
  assert.deepEqual(sources, ["file"]);
  await page.close();
});

test("the phone's contacts: picked within the click, imported, chosen and handed over exactly", async () => {
  const { page, widget } = await openDemo({ init: stub({ properties: ["name", "email", "tel"] }) });
  const device = widget.locator('button.source[data-source="device"]');
  assert.match(await device.textContent(), /This phone's contacts/);
  await device.click();
  await widget.locator("#cp-list").waitFor();
  const calls = await page.evaluate(() => window.__calls);
  assert.equal(calls.length, 1);
  // Only what the browser supports is asked for, several contacts at once, during the click.
  assert.deepEqual(calls[0].props, ["name", "email", "tel"]);
  assert.deepEqual(calls[0].options, { multiple: true });
  assert.equal(calls[0].active, true, "called with the visitor's activation");

  const [start] = await waitForEvents(page, "import-start");
  assert.equal(start.detail.source, "device");
  const [done] = await waitForEvents(page, "import-done");
  // The element writes the picker's answer one contact a line.
  const json = "[\n" + PICKED.map((contact) => JSON.stringify(contact)).join(",\n") + "\n]\n";
  const cli = normalizeWithCli([{ name: "device.json", buffer: Buffer.from(json) }]);
  assert.equal(done.detail.count, cli.length);
  const names = await widget.locator(".option__name").allTextContents();
  assert.deepEqual(names, ["+14155550134", "Aurélie Durand", "Hans Müller"]);

  await widget.locator("[part=select-all]").click();
  await widget.locator("[part=submit]").click();
  const detail = await submitted(page);
  assert.equal(detail.source, "device");
  const byId = new Map(cli.map((c) => [c.id, c]));
  const expected = expectedSubmission(detail.contacts.map((c) => byId.get(c.id)));
  assert.deepEqual(detail.contacts, expected);
  await page.close();
});

test("a picker that fails gives the device error, and the menu comes back", async () => {
  const { page, widget } = await openDemo({ init: stub({ error: "no picker here" }) });
  await widget.locator('button.source[data-source="device"]').click();
  const [error] = await waitForEvents(page, "import-error");
  assert.equal(error.detail.code, "device");
  assert.equal(error.detail.source, "device");
  await widget.getByText("The phone's contacts could not be opened.").waitFor();
  await widget.getByRole("button", { name: "Back" }).click();
  await widget.locator('button.source[data-source="device"]').waitFor();
  await page.close();
});

test("a visitor who picks nobody gets a message, not an empty list", async () => {
  const { page, widget } = await openDemo({ init: stub({ answer: [] }) });
  await widget.locator('button.source[data-source="device"]').click();
  const [error] = await waitForEvents(page, "import-error");
  assert.equal(error.detail.code, "empty");
  await widget.getByText("No contacts were found.").waitFor();
  assert.equal(await widget.locator("#cp-list").count(), 0);
  await page.close();
});
