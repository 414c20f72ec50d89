//! The widget's UI: the first-load wasm module (Yew), mounted by the `<contact-picker>`
//! element (`www/element.js`) into a `<div>` of its shadow root. It shows the sources, the
//! import's progress and the picker, and tells the host what happened; the contacts
//! themselves are read and merged by the import engine (`crates/engine`, a second module in a
//! Web Worker) and arrive packed (`picker::Book`). The picker's state is pure and lives in
//! `crates/picker`.
//!
//! Modules: `app` (the root component), `components` (one a file), `hooks` (`use_*`),
//! `state` (the reducers), `options` (what the host configured), `source` (the sources),
//! `i18n` (English, French, the host's overrides), and `bridge`, the only module that touches
//! `JsValue`.
//!
//! Text is joined with `concat`/`join` rather than `format!`, and errors are not formatted
//! with `Display`: `format!` links std's formatting (arguments, padding, the integer printer)
//! into this module, which is all a first load fetches (0.6 KB gzip for five `format!`s and one
//! `to_string` of an error). What formatting remains is Yew's panic hook's.

mod app;
mod bridge;
mod components;
mod hooks;
mod i18n;
mod options;
mod source;
mod state;

pub use bridge::{mount, Widget};

/// The allocator of the UI module: Talc instead of Rust's default for wasm (dlmalloc). The
/// module is all a first load fetches and dlmalloc was 2.9 KB gzip of it; Talc is 2.4 KB gzip
/// less, and the picker is no slower with it (A/B over 100,000 contacts in headless Chromium:
/// keystroke, toggle and select-all times on par, no long task: BENCHMARKS.md).
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
