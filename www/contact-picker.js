// The entry a page loads: <script type="module" src=".../contact-picker.js"></script>.
// Registers <contact-picker>, sets `window.ContactPicker`, and makes every element with
// `data-contact-picker-launch` open the picker on click. Everything else loads on demand: the
// UI's wasm when a picker is shown (or, in modal mode, when the page is idle), the import
// engine on the first import.

import { ContactPickerElement } from "./element.js";
import { ContactPicker, listenForLaunchers } from "./api.js";

ContactPickerElement.define();
if (!globalThis.ContactPicker) {
  globalThis.ContactPicker = ContactPicker;
  listenForLaunchers();
}

export { ContactPicker, ContactPickerElement };
