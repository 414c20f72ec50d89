// What runs once a visitor imports, for one <contact-picker>: the engine's client (a Web
// Worker), the host's `filter` and `beforeDisplayContacts` over the imported contacts, and the
// handing over of the chosen ones (the `submit` event, `afterSubmitContacts`, `fillInput`).
// Loaded on the first import, with the engine's client, rather than with the page: a first load
// fetches only what shows the picker.

import { EngineClient } from "./engine/client.js";

export class ImportSession {
  #engine = null;
  #options;
  #emit;
  #close;

  /**
   * `options()`: the element's options in effect; `emit(name, detail)`: an event to the host;
   * `close()`: closes the element's dialog.
   */
  constructor({ options, emit, close }) {
    this.#options = options;
    this.#emit = emit;
    this.#close = close;
  }

  /** The engine's client, started on first use. */
  #engineClient() {
    this.#engine ??= new EngineClient({ baseUrl: new URL("./engine/", import.meta.url).href });
    return this.#engine;
  }

  /** Stops the engine's worker, if it was started. */
  terminate() {
    this.#engine?.terminate();
    this.#engine = null;
  }

  /**
   * Reads `files` in the engine and reports to `onEvent` (progress, then done or error), with
   * the host's hooks on the contacts read. Returns the job: `{cancel()}`.
   */
  importFiles(files, source, onEvent) {
    const options = this.#options();
    let cancelled = false;
    const report = async (event) => {
      if (cancelled) return;
      if (event.type === "done") {
        try {
          await this.#beforeDisplay(event, source, options);
        } catch (error) {
          console.error("contact-picker: the host's filter or beforeDisplayContacts failed", error);
        }
        if (cancelled) return;
        options.afterImport?.(source, true);
      } else if (event.type === "error") {
        options.afterImport?.(source, false);
      }
      onEvent(event);
      if (event.type === "done" && event.display === false) this.#close();
    };
    const job = this.#engineClient().importFiles(files, { region: options.region, merge: true, locale: options.locale }, report);
    return {
      cancel() {
        cancelled = true;
        job.cancel();
      },
    };
  }

  /** The problems of the last import, `count` of them from `start`. */
  problems(start, count) {
    return this.#engineClient().problems(start, count);
  }

  /** The host's `filter` hides contacts; `beforeDisplayContacts` may see them all, or refuse. */
  async #beforeDisplay(event, source, options) {
    if (typeof options.filter !== "function" && typeof options.beforeDisplayContacts !== "function") return;
    const shape = shapeOf(options);
    const engine = this.#engineClient();
    const hidden = new Uint8Array(event.count);
    const all = [];
    const batch = 2000;
    for (let start = 0; start < event.count; start += batch) {
      const indexes = Uint32Array.from({ length: Math.min(batch, event.count - start) }, (_, i) => start + i);
      const contacts = parseContacts(await engine.contactsJson(indexes, new Uint32Array(indexes.length), shape), shape);
      contacts.forEach((contact, i) => {
        if (typeof options.filter === "function" && !options.filter(contact)) hidden[start + i] = 1;
        else all.push(contact);
      });
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    if (typeof options.filter === "function") event.hidden = hidden;
    if (typeof options.beforeDisplayContacts === "function" && options.beforeDisplayContacts(all, source, null) === false) {
      event.display = false;
    }
  }

  /**
   * Hands the chosen contacts (book `entries`, each with the index of its `chosen` e-mail) to
   * the host. Resolves to how many; rejects when the engine cannot give them.
   */
  async submit(source, entries, chosen) {
    const options = this.#options();
    const shape = shapeOf(options);
    try {
      const contacts = parseContacts(await this.#engineClient().contactsJson(entries, chosen, shape), shape);
      if (options.fillInput) fillInput(options.fillInput, contacts, shape);
      this.#emit("submit", { contacts, source });
      return contacts.length;
    } catch (error) {
      console.error("contact-picker: the chosen contacts could not be handed over", error);
      throw error;
    }
  }
}

/** The JSON shape the host asked for. */
function shapeOf(options) {
  return options.shape === "cloudsponge" ? "cloudsponge" : "contact-picker";
}

/** Parses the engine's JSON; CloudSponge's contacts get CloudSponge's methods. */
function parseContacts(text, shape) {
  // Ours is an array; CloudSponge's is its API answer, `{contacts: [...], start, count, total}`.
  const parsed = JSON.parse(text);
  const contacts = Array.isArray(parsed) ? parsed : parsed?.contacts ?? [];
  if (shape === "cloudsponge") {
    for (const contact of contacts) {
      Object.defineProperties(contact, {
        selectedEmail: { value: () => contact.email?.[0]?.address ?? "", enumerable: false },
        primaryEmail: { value: () => contact.email?.[0]?.address ?? "", enumerable: false },
        fullName: { value: () => [contact.first_name, contact.last_name].filter(Boolean).join(" "), enumerable: false },
      });
    }
  }
  return contacts;
}

/** Writes the chosen addresses, comma-separated, into the host's field, as typing would. */
function fillInput(selector, contacts, shape) {
  const field = typeof selector === "string" ? document.querySelector(selector) : selector;
  if (!field || !("value" in field)) return;
  const addresses = contacts
    .map((c) => (shape === "cloudsponge" ? c.selectedEmail() : c.chosen_email ?? c.emails?.[0]?.address))
    .filter(Boolean);
  field.value = addresses.join(", ");
  field.dispatchEvent(new Event("input", { bubbles: true }));
  field.dispatchEvent(new Event("change", { bubbles: true }));
}
