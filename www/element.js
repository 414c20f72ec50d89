// <contact-picker>: the custom element a page embeds. A small class: it makes an open shadow
// root, loads the UI wasm module (Yew) and mounts it into a <div> there, forwards attribute
// changes, turns the widget's reports into bubbling, composed CustomEvents and host callbacks,
// and starts the import engine (a second wasm module, in a Web Worker) on the first import.
//
// Attributes (each also an option of `configure()`, camelCased):
//   sources="file device"      the sources offered, in menu order
//   mode="inline|modal"        inline in the page (default), or a modal dialog
//   locale="fr"                interface language and sort order (default: the page's lang)
//   region="FR"                default phone region (default: from the visitor's languages)
//   selection-limit="50"       at most this many contacts can be selected
//   sort="name|source"         sort by name (default) or keep the source's order
//   shape="cloudsponge"        hand over contacts in CloudSponge's shape instead of ours
//   fill-input="#invitees"     a textarea or input to fill with the chosen addresses
//   display-select-all-none, skip-source-menu, skip-contacts-display   ("true"/"false")

import styles from "./styles.js";
// Only the WebAssembly check loads with the page; what an import needs (./imports.js, the
// engine's client, the engine) loads on the first import.
import { wasmAllowed } from "./engine/csp.js";

const ATTRIBUTES = {
  sources: "sources",
  mode: "mode",
  locale: "locale",
  region: "region",
  "selection-limit": "selectionLimit",
  sort: "sort",
  shape: "shape",
  "fill-input": "fillInput",
  "display-select-all-none": "displaySelectAllNone",
  "skip-source-menu": "skipSourceMenu",
  "skip-contacts-display": "skipContactsDisplay",
};
const FLAGS = new Set(["displaySelectAllNone", "skipSourceMenu", "skipContactsDisplay"]);

/** Options every element on the page starts from (`ContactPicker.configure`). */
export const pageOptions = {};

let ui = null;
/** The UI module, loaded once per page. Rejects with `code: "csp"` when WebAssembly is blocked. */
function loadUi() {
  ui ??= (async () => {
    if (!(await wasmAllowed())) {
      throw Object.assign(new Error("the page's Content-Security-Policy blocks WebAssembly (add 'wasm-unsafe-eval' to script-src)"), { code: "csp" });
    }
    const module = await import("./ui/contact_picker.js");
    await module.default({ module_or_path: new URL("./ui/contact_picker_bg.wasm", import.meta.url) });
    return module;
  })();
  ui.catch(() => {
    ui = null; // a later attempt may work (a network error); a CSP refusal will fail again
  });
  return ui;
}

/** Runs `task` when the page is idle (after 200 ms where `requestIdleCallback` is missing). */
function whenIdle(task) {
  (globalThis.requestIdleCallback ?? ((f) => setTimeout(f, 200)))(task);
}

let intlWarmed = false;
/**
 * Makes the page's first `Intl.NumberFormat` while it is idle. The first one costs the page
 * about 25 ms (the browser loads its number data; later ones cost nothing); unwarmed, that
 * cost fell into the file input's change handler, as the import's progress wrote its first
 * counts, and made it a 42–57 ms task (`scripts/bench-widget`, PROFILE=1).
 */
function warmUpIntl(locale) {
  if (intlWarmed) return;
  intlWarmed = true;
  whenIdle(() => {
    try {
      new Intl.NumberFormat(locale).format(1);
      new Intl.PluralRules(locale).select(1);
    } catch {
      // A locale Intl refuses: nothing to warm up.
    }
  });
}

/** The region of the first of the visitor's languages that names one: `fr-FR` → `FR`. */
function regionFromLanguages(languages) {
  for (const tag of languages) {
    const part = tag.split(/[-_]/).slice(1).find((p) => /^[a-z]{2}$/i.test(p));
    if (part) return part.toUpperCase();
  }
  return "";
}

/**
 * The languages the widget ships besides English (which is in the UI module): each is a small
 * module of strings (`www/locales/*.json`, built to `locales/*.js`) that loads only on a page in
 * that language, in parallel with the UI module, and reaches the widget as strings under the
 * host's own (`localeData`). English pages do not carry French (src/i18n.rs says why).
 */
const LOCALES = { fr: () => import("./locales/fr.js") };
/** The tables loaded so far, by language. */
const localeTables = {};
const localeLoads = {};

/** `fr-CA` → `fr`. */
function languageOf(locale) {
  return String(locale ?? "").split(/[-_]/)[0].toLowerCase();
}

/**
 * Loads the strings of `locale`'s language if the widget ships them. Returns null when there
 * is nothing to wait for (English, another language, or already loaded), else a promise that
 * resolves once loaded or failed (then the widget speaks English rather than not at all).
 */
function loadLocale(locale) {
  const language = languageOf(locale);
  if (!LOCALES[language] || localeTables[language]) return null;
  localeLoads[language] ??= LOCALES[language]().then(
    (module) => {
      localeTables[language] = module.default;
    },
    () => {
      delete localeLoads[language]; // a later attempt may work (a network error)
    },
  );
  return localeLoads[language];
}

const CSP_MESSAGE = {
  en: "The contact picker cannot run on this page: its security policy blocks WebAssembly.",
  fr: "Le sélecteur de contacts ne peut pas fonctionner sur cette page : sa politique de sécurité bloque WebAssembly.",
};

export class ContactPickerElement extends HTMLElement {
  static observedAttributes = Object.keys(ATTRIBUTES);

  /** Registers the element (under another tag, or in a scoped registry, if asked). */
  static define(tag = "contact-picker", registry = globalThis.customElements) {
    if (registry && !registry.get(tag)) registry.define(tag, this);
    return this;
  }

  #options = {};
  #mount = null;
  #widget = null;
  #mounting = null;
  #imports = null;
  #focusBefore = null;

  connectedCallback() {
    if (!this.shadowRoot) {
      const root = this.attachShadow({ mode: "open" });
      adoptStyles(root);
      this.#mount = document.createElement("div");
      this.#mount.className = "root";
      this.#mount.setAttribute("part", "root");
      root.append(this.#mount);
    }
    if (this.options.mode === "modal") {
      // Closed until opened: load when the page is idle, so that open() is instant.
      whenIdle(() => this.isConnected && this.#ready().catch(() => {}));
    } else {
      this.#ready().catch(() => {});
    }
  }

  disconnectedCallback() {
    // Moved within the page: connectedCallback comes right after; only a real removal unmounts.
    queueMicrotask(() => {
      if (this.isConnected) return;
      this.#widget?.destroy();
      this.#widget = null;
      this.#mounting = null;
      this.#imports?.then((session) => session.terminate(), () => {});
      this.#imports = null;
    });
  }

  attributeChangedCallback() {
    this.#update();
  }

  /** Sets options (CloudSponge-style names; see the README's table). */
  configure(options = {}) {
    Object.assign(this.#options, options);
    this.#update();
    return this;
  }

  /** Hands the options to the widget, once their language's strings are there. */
  #update() {
    if (!this.#widget) return;
    const loading = loadLocale(this.options.locale);
    if (loading) loading.then(() => this.#widget?.update(this.options));
    else this.#widget.update(this.options);
  }

  /** The options in effect: defaults < ContactPicker.configure < configure() < attributes. */
  get options() {
    const merged = { ...pageOptions, ...this.#options };
    for (const [attribute, key] of Object.entries(ATTRIBUTES)) {
      const value = this.getAttribute(attribute);
      if (value === null) continue;
      merged[key] = FLAGS.has(key) ? value !== "false" : key === "selectionLimit" ? Number(value) : value;
    }
    if (Array.isArray(merged.sources)) merged.sources = merged.sources.join(" ");
    if (typeof merged.selectionLimit === "function") merged.selectionLimit = Number(merged.selectionLimit());
    merged.locale ||= this.closest("[lang]")?.lang || document.documentElement.lang || navigator.language || "en";
    merged.region ||= regionFromLanguages(navigator.languages ?? [navigator.language ?? ""]);
    merged.strings = {
      ...localeTables[languageOf(merged.locale)],
      ...(merged.localeData ?? {}),
      ...(merged.strings ?? {}),
    };
    merged.deviceSupported = "contacts" in navigator && "select" in navigator.contacts && window.top === window.self;
    merged.mode = merged.mode === "modal" ? "modal" : "inline";
    return merged;
  }

  /** Opens the widget at a source ("file", "device", a provider), or at the menu. */
  async launch(source) {
    if (this.options.beforeLaunch?.() === false) return;
    (await this.#ready()).launch(source ?? undefined);
  }

  /** Opens the widget at the menu. */
  open() {
    return this.launch();
  }

  /** Closes the dialog (modal mode). */
  async close() {
    this.#widget?.close();
  }

  #ready() {
    if (this.#widget) return Promise.resolve(this.#widget);
    this.#mounting ??= Promise.all([loadUi(), loadLocale(this.options.locale)]).then(
      ([module]) => {
        this.#widget = module.mount(this.#mount, this.#host(), this.options);
        warmUpIntl(this.options.locale);
        return this.#widget;
      },
      (error) => {
        this.#mounting = null;
        if (error.code === "csp") this.#showCspMessage(error);
        else this.#emit("error", { code: "load", message: String(error?.message ?? error) });
        throw error;
      },
    );
    return this.#mounting;
  }

  #showCspMessage(error) {
    const message = document.createElement("p");
    message.className = "csp-message";
    message.setAttribute("part", "message");
    message.setAttribute("role", "alert");
    message.textContent = this.options.strings?.["error.csp.page"] ?? CSP_MESSAGE[languageOf(this.options.locale)] ?? CSP_MESSAGE.en;
    this.#mount.replaceChildren(message);
    this.#emit("error", { code: "csp", message: error.message });
  }

  /** The object the wasm calls back (see src/bridge.rs). */
  #host() {
    return {
      emit: (name, detail) => this.#emit(name, detail),
      allows: (hook) => this.options[hook]?.() !== false,
      importFiles: (files, onEvent) => this.#import(Array.from(files), "file", onEvent),
      importDevice: (onEvent) => this.#importDevice(onEvent),
      // These two answer through a callback, called once, rather than a promise (src/bridge.rs
      // says why).
      problems: (start, count, answer) =>
        this.#session()
          .then((session) => session.problems(start, count))
          .then(answer, () => answer([])),
      submit: (source, entries, chosen, answer) =>
        this.#session()
          .then((session) => session.submit(source, entries, chosen))
          .then(
            () => answer(true),
            () => answer(false),
          ),
      rememberFocus: () => {
        this.#focusBefore = document.activeElement;
      },
      restoreFocus: () => {
        const target = this.#focusBefore;
        this.#focusBefore = null;
        if (target?.isConnected && typeof target.focus === "function") target.focus();
      },
    };
  }

  /** The element's import session (www/imports.js: the engine's client and the host's hooks), loaded on first use. */
  #session() {
    this.#imports ??= import("./imports.js").then(
      ({ ImportSession }) =>
        new ImportSession({
          options: () => this.options,
          emit: (name, detail) => this.#emit(name, detail),
          close: () => this.close(),
        }),
      (error) => {
        this.#imports = null;
        throw error;
      },
    );
    return this.#imports;
  }

  #import(files, source, onEvent) {
    let cancelled = false;
    let job = null;
    this.#session().then(
      (session) => {
        if (cancelled) return;
        try {
          job = session.importFiles(files, source, onEvent);
        } catch (error) {
          onEvent({ type: "error", code: "engine", message: String(error?.message ?? error) });
        }
      },
      (error) => {
        if (!cancelled) onEvent({ type: "error", code: "engine", message: String(error?.message ?? error) });
      },
    );
    return {
      cancel() {
        cancelled = true;
        job?.cancel();
      },
    };
  }

  #importDevice(onEvent) {
    const properties = ["name", "email", "tel", "address"];
    let inner = null;
    let cancelled = false;
    (async () => {
      try {
        const supported = (await navigator.contacts.getProperties?.()) ?? properties;
        const picked = await navigator.contacts.select(properties.filter((p) => supported.includes(p)), { multiple: true });
        if (cancelled) return;
        // One contact a line, so that a problem names the contact's line.
        const text = "[\n" + picked.map((contact) => JSON.stringify(contact)).join(",\n") + "\n]\n";
        const file = new File([text], "device.json", { type: "application/json" });
        inner = this.#import([file], "device", onEvent);
      } catch (error) {
        if (!cancelled) onEvent({ type: "error", code: "device", message: String(error?.message ?? error) });
      }
    })();
    return {
      cancel() {
        cancelled = true;
        inner?.cancel();
      },
    };
  }

  #emit(name, detail = {}) {
    this.dispatchEvent(new CustomEvent(`contact-picker-${name}`, { detail, bubbles: true, composed: true }));
    const options = this.options;
    try {
      if (name === "submit") options.afterSubmitContacts?.(detail.contacts, detail.source, null);
      if (name === "close") options.afterClosing?.();
      if (name === "open") options.afterLaunch?.(detail.source || undefined);
    } catch (error) {
      console.error(`contact-picker: the host's callback for ${name} failed`, error);
    }
  }
}

let sheet = null;
function adoptStyles(root) {
  // A constructed stylesheet needs no 'unsafe-inline' in a strict CSP's style-src.
  if ("adoptedStyleSheets" in root && typeof CSSStyleSheet === "function" && "replaceSync" in CSSStyleSheet.prototype) {
    if (!sheet) {
      sheet = new CSSStyleSheet();
      sheet.replaceSync(styles);
    }
    root.adoptedStyleSheets = [sheet];
  } else {
    const style = document.createElement("style");
    style.textContent = styles;
    root.append(style);
  }
}
