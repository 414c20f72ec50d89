// The page-wide API, `window.ContactPicker`, for pages written against CloudSponge's
// `cloudsponge.init()` / `cloudsponge.launch()`: it drives one modal <contact-picker> (the
// first on the page in modal mode, else one it adds to <body>).

import { ContactPickerElement, pageOptions } from "./element.js";

let created = null;

/** The element the page-wide API drives. */
function target() {
  const existing = document.querySelector("contact-picker[mode=modal]");
  if (existing) return existing;
  if (!created || !created.isConnected) {
    created = document.createElement("contact-picker");
    created.setAttribute("mode", "modal");
    document.body.append(created);
  }
  return created;
}

function elements() {
  return Array.from(document.querySelectorAll("contact-picker")).filter((e) => e instanceof ContactPickerElement);
}

export const ContactPicker = {
  /** Options for every picker on the page (CloudSponge's names; see the README). */
  configure(options = {}) {
    Object.assign(pageOptions, options);
    for (const element of elements()) element.configure({});
    return ContactPicker;
  },
  /** Opens the modal picker at a source ("file", "device", a provider) or at the menu. */
  launch(source) {
    return target().launch(source);
  },
  /** Opens the modal picker at the menu. */
  open() {
    return target().open();
  },
  /** Closes the modal picker. */
  close() {
    return target().close();
  },
  /**
   * Listens to an event of every picker on the page: `on("submit", ({contacts, source}) => …)`.
   * Returns a function that stops listening.
   */
  on(event, listener) {
    const type = event.startsWith("contact-picker-") ? event : `contact-picker-${event}`;
    const handler = (e) => listener(e.detail, e);
    document.addEventListener(type, handler);
    return () => document.removeEventListener(type, handler);
  },
  /** The element class, to register it under another name. */
  Element: ContactPickerElement,
};

/** `<button data-contact-picker-launch="file">` opens the modal picker at that source. */
export function listenForLaunchers(root = document) {
  root.addEventListener("click", (event) => {
    const launcher = event.target instanceof Element ? event.target.closest("[data-contact-picker-launch]") : null;
    if (!launcher) return;
    event.preventDefault();
    const source = launcher.getAttribute("data-contact-picker-launch") || undefined;
    const id = launcher.getAttribute("data-contact-picker-for");
    const element = id ? document.getElementById(id) : null;
    (element instanceof ContactPickerElement ? element : target()).launch(source);
  });
}
