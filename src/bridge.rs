//! The one module that touches `JsValue`: the exports the element's JS class calls (`mount`,
//! [`Widget`]), the [`Host`] object it hands in (events, callbacks, the import engine), and
//! `Intl`. Everything past this module is Rust types.
//!
//! The host object (built by `www/element.js`) has these methods:
//!
//! | method | what it does |
//! |---|---|
//! | `emit(name, detail)` | dispatches `contact-picker-<name>` (bubbling, composed) and calls the matching callback |
//! | `allows(hook)` | calls a host callback that can veto (`beforeClosing`); false only when it returned `false` |
//! | `importFiles(files, onEvent)` | starts an import in the engine; returns `{cancel()}` |
//! | `importDevice(onEvent)` | opens `navigator.contacts.select` (within the click) and imports what it gives |
//! | `problems(start, count, answer)` | calls `answer` once with the import's problems `[{source, line, code, message}]` (`[]` if they could not be had) |
//! | `submit(source, entries, chosen, answer)` | hands the chosen contacts to the host; calls `answer` once, with `true` when the host has them, else `false` |
//! | `rememberFocus()`, `restoreFocus()` | where focus returns when the dialog closes |

use std::rc::Rc;

use js_sys::{Array, Function, Object, Reflect, Uint32Array, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::{AppHandle, Callback};

use crate::app::{App, AppProps, Command, Commands};
use crate::options::{self, Options};
use crate::state::{Importing, ProblemKind, ProblemLine, Summary};

/// Mounts the widget into `root` (a `<div>` inside the element's shadow root).
#[wasm_bindgen]
pub fn mount(root: web_sys::Element, host: JsValue, options: JsValue) -> Widget {
    let host = Host { object: host };
    let commands = Commands::default();
    let props = AppProps {
        options: Rc::new(read_options(&options)),
        host: host.clone(),
        commands: commands.clone(),
    };
    let handle = yew::Renderer::<App>::with_root_and_props(root, props).render();
    Widget {
        handle: Some(handle),
        host,
        commands,
    }
}

/// A mounted widget, as the element's JS class holds it.
#[wasm_bindgen]
pub struct Widget {
    handle: Option<AppHandle<App>>,
    host: Host,
    commands: Commands,
}

#[wasm_bindgen]
impl Widget {
    /// New options (an attribute changed, or `configure()` was called).
    pub fn update(&mut self, options: JsValue) {
        if let Some(handle) = &mut self.handle {
            handle.update(AppProps {
                options: Rc::new(read_options(&options)),
                host: self.host.clone(),
                commands: self.commands.clone(),
            });
        }
    }

    /// Opens the widget at a source (`"file"`), or at the menu.
    pub fn launch(&self, source: Option<String>) {
        self.commands.send(Command::Launch(source));
    }

    /// Opens the widget at the menu.
    pub fn open(&self) {
        self.commands.send(Command::Launch(None));
    }

    /// Closes the dialog (modal mode).
    pub fn close(&self) {
        self.commands.send(Command::Close);
    }

    /// Unmounts the widget (the element left the page).
    pub fn destroy(&mut self) {
        if let Some(handle) = self.handle.take() {
            handle.destroy();
        }
    }
}

/// The host object (see the module documentation). Compared by identity.
#[derive(Clone, Debug)]
pub struct Host {
    object: JsValue,
}

impl PartialEq for Host {
    fn eq(&self, other: &Host) -> bool {
        self.object == other.object
    }
}

/// A value of an event's detail.
pub enum Detail<'a> {
    /// A string.
    Text(&'a str),
    /// A number.
    Number(f64),
}

impl Host {
    fn call(&self, method: &str, args: &[JsValue]) -> Option<JsValue> {
        let function = Reflect::get(&self.object, &JsValue::from_str(method))
            .ok()?
            .dyn_into::<Function>()
            .ok()?;
        let args: Array = args.iter().collect();
        match function.apply(&self.object, &args) {
            Ok(value) => Some(value),
            Err(error) => {
                web_sys_log(&error);
                None
            }
        }
    }

    /// Emits `contact-picker-<name>` with `detail`.
    pub fn emit(&self, name: &str, detail: &[(&str, Detail)]) {
        let object = Object::new();
        for (key, value) in detail {
            let value = match value {
                Detail::Text(text) => JsValue::from_str(text),
                Detail::Number(number) => JsValue::from_f64(*number),
            };
            let _ = Reflect::set(&object, &JsValue::from_str(key), &value);
        }
        self.call("emit", &[JsValue::from_str(name), object.into()]);
    }

    /// False only when the host's `hook` callback returned `false`.
    pub fn allows(&self, hook: &str) -> bool {
        self.call("allows", &[JsValue::from_str(hook)])
            .is_none_or(|value| value.as_bool() != Some(false))
    }

    /// Starts importing `files` (a `FileList`); reports go to `on_event`.
    pub fn import_files(&self, files: web_sys::FileList, on_event: Callback<EngineEvent>) -> Job {
        let closure = event_closure(on_event);
        let job = self.call("importFiles", &[files.into(), closure.as_ref().clone()]);
        Job {
            object: job.unwrap_or(JsValue::NULL),
            _closure: Some(closure),
        }
    }

    /// Opens the device's contact picker (call it within the click) and imports its answer.
    pub fn import_device(&self, on_event: Callback<EngineEvent>) -> Job {
        let closure = event_closure(on_event);
        let job = self.call("importDevice", &[closure.as_ref().clone()]);
        Job {
            object: job.unwrap_or(JsValue::NULL),
            _closure: Some(closure),
        }
    }

    /// Calls `then` with the import's problems from `start`, at most `count` (none if they
    /// could not be had).
    pub fn problems(
        &self,
        start: usize,
        count: usize,
        then: impl FnOnce(Vec<ProblemLine>) + 'static,
    ) {
        let read = |list: JsValue| {
            Array::from(&list)
                .iter()
                .map(|item| ProblemLine {
                    source: text(&item, "source"),
                    line: number(&item, "line") as u32,
                    code: text(&item, "code"),
                    message: text(&item, "message"),
                })
                .collect()
        };
        let arguments = [
            JsValue::from_f64(start as f64),
            JsValue::from_f64(count as f64),
        ];
        self.call_back("problems", &arguments, move |list| then(read(list)));
    }

    /// Hands the chosen contacts to the host: `entries` in order, `chosen[i]` the e-mail
    /// chosen for `entries[i]`. Calls `then` once the host has them (with false if that
    /// failed).
    pub fn submit(
        &self,
        source: &str,
        entries: &[u32],
        chosen: &[u32],
        then: impl FnOnce(bool) + 'static,
    ) {
        let arguments = [
            JsValue::from_str(source),
            Uint32Array::from(entries).into(),
            Uint32Array::from(chosen).into(),
        ];
        self.call_back("submit", &arguments, move |done| {
            then(done.as_bool().unwrap_or(false))
        });
    }

    /// Calls the host's `name` with `arguments` and a last one, a function it calls once with
    /// the answer (`then` gets `undefined` if the host has no `name` or it threw). A callback
    /// rather than a promise: awaiting one links `JsFuture` and its promise plumbing into the
    /// module (Yew's scheduler has the task queue anyway), 0.5 KB gzip of every first load for
    /// two calls.
    fn call_back(&self, name: &str, arguments: &[JsValue], then: impl FnOnce(JsValue) + 'static) {
        let answer = Closure::once_into_js(then);
        let mut with_answer = arguments.to_vec();
        with_answer.push(answer.clone());
        if self.call(name, &with_answer).is_none() {
            let _ = answer
                .unchecked_ref::<Function>()
                .call1(&JsValue::NULL, &JsValue::UNDEFINED);
        }
    }

    /// Remembers what has focus, to give it back when the dialog closes.
    pub fn remember_focus(&self) {
        self.call("rememberFocus", &[]);
    }

    /// Gives focus back to what had it when the dialog opened.
    pub fn restore_focus(&self) {
        self.call("restoreFocus", &[]);
    }
}

/// An import under way. Dropping it does not cancel it: call [`Job::cancel`].
pub struct Job {
    object: JsValue,
    /// The callback the engine reports to: alive as long as the job.
    _closure: Option<Closure<dyn FnMut(JsValue)>>,
}

impl Job {
    /// Stops the import; nothing more is reported.
    pub fn cancel(&self) {
        if let Ok(cancel) = Reflect::get(&self.object, &JsValue::from_str("cancel")) {
            if let Ok(cancel) = cancel.dyn_into::<Function>() {
                let _ = cancel.call0(&self.object);
            }
        }
    }
}

/// What the engine reports about an import.
pub enum EngineEvent {
    /// How far it has come.
    Progress(Importing),
    /// The contacts, ready to show.
    Done {
        /// The packed contacts.
        book: picker::Book,
        /// Entries the host's `filter` hides.
        hidden: Option<picker::Selection>,
        /// Problems by kind.
        summary: Summary,
    },
    /// It failed.
    Error {
        /// `read`, `empty`, `engine`, `csp`, `device`, `cancelled`.
        code: String,
        /// The engine's or browser's message.
        message: String,
    },
}

fn event_closure(on_event: Callback<EngineEvent>) -> Closure<dyn FnMut(JsValue)> {
    Closure::new(move |event: JsValue| {
        if let Some(event) = read_event(&event) {
            on_event.emit(event);
        }
    })
}

fn read_event(event: &JsValue) -> Option<EngineEvent> {
    match text(event, "type").as_str() {
        "progress" => Some(EngineEvent::Progress(Importing {
            job: 0,
            bytes: number(event, "bytes"),
            total: number(event, "totalBytes"),
            records: number(event, "records") as u64,
            problems: number(event, "problems") as u64,
            file: text(event, "file"),
            file_index: number(event, "fileIndex") as u32 + 1,
            file_count: number(event, "fileCount") as u32,
        })),
        "done" => {
            let bytes = get(event, "book").dyn_into::<Uint8Array>().ok()?.to_vec();
            let book = match picker::Book::from_bytes(bytes) {
                Ok(book) => book,
                Err(error) => {
                    // The check that failed, without `Display`: `error.to_string()` would link
                    // std's text formatting into the first-load module for this one message.
                    let what = match error {
                        picker::Error::Malformed(what) => what,
                        _ => "unreadable",
                    };
                    return Some(EngineEvent::Error {
                        code: "engine".into(),
                        message: ["malformed book: ", what].concat(),
                    });
                }
            };
            let hidden = get(event, "hidden")
                .dyn_into::<Uint8Array>()
                .ok()
                .map(|mask| {
                    let mut hidden = picker::Selection::new(book.len());
                    for (index, flag) in mask.to_vec().into_iter().enumerate() {
                        if flag != 0 {
                            hidden.insert(index as u32);
                        }
                    }
                    hidden
                });
            let summary = get(event, "summary");
            let kinds = Array::from(&get(&summary, "kinds"))
                .iter()
                .map(|kind| ProblemKind {
                    code: text(&kind, "code"),
                    count: number(&kind, "count") as usize,
                })
                .collect();
            Some(EngineEvent::Done {
                book,
                hidden,
                summary: Summary {
                    total: number(&summary, "total") as usize,
                    kinds,
                },
            })
        }
        "error" => Some(EngineEvent::Error {
            code: text(event, "code"),
            message: text(event, "message"),
        }),
        _ => None,
    }
}

/// Reads the element's merged options object.
fn read_options(value: &JsValue) -> Options {
    let defaults = Options::default();
    let flag = |key: &str, default: bool| get(value, key).as_bool().unwrap_or(default);
    let limit = number(value, "selectionLimit");
    let mut strings = Vec::new();
    let overrides = get(value, "strings");
    if overrides.is_object() {
        for pair in Object::entries(overrides.unchecked_ref()).iter() {
            let pair = Array::from(&pair);
            if let (Some(key), Some(text)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
                strings.push((key, text));
            }
        }
    }
    let locale = text(value, "locale");
    Options {
        sources: match get(value, "sources").as_string() {
            Some(sources) => options::parse_sources(&sources),
            None => defaults.sources,
        },
        mode: options::parse_mode(&text(value, "mode")),
        locale: if locale.is_empty() {
            defaults.locale
        } else {
            locale
        },
        selection_limit: (limit >= 1.0).then_some(limit as usize),
        display_select_all_none: flag("displaySelectAllNone", true),
        skip_source_menu: flag("skipSourceMenu", false),
        skip_contacts_display: flag("skipContactsDisplay", false),
        sort_by_name: text(value, "sort") != "source",
        shape: options::parse_shape(&text(value, "shape")),
        strings: Rc::new(strings),
        device_supported: flag("deviceSupported", false),
    }
}

fn get(object: &JsValue, key: &str) -> JsValue {
    if !object.is_object() {
        return JsValue::UNDEFINED;
    }
    Reflect::get(object, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn text(object: &JsValue, key: &str) -> String {
    get(object, key).as_string().unwrap_or_default()
}

fn number(object: &JsValue, key: &str) -> f64 {
    get(object, key)
        .as_f64()
        .filter(|n| n.is_finite())
        .unwrap_or(0.0)
}

fn web_sys_log(error: &JsValue) {
    web_sys::console::error_2(&JsValue::from_str("contact-picker:"), error);
}

// One `Intl` object per locale, made on first use: constructing one costs more than using it.
#[cfg(target_arch = "wasm32")]
thread_local! {
    static PLURALS: std::cell::RefCell<Option<(String, js_sys::Intl::PluralRules)>> = const { std::cell::RefCell::new(None) };
    static NUMBERS: std::cell::RefCell<Option<(String, Function)>> = const { std::cell::RefCell::new(None) };
}

/// The CLDR plural category of `n` in `locale` (`one`, `other`, ...), by `Intl.PluralRules`.
#[cfg(target_arch = "wasm32")]
pub fn plural_category(locale: &str, n: usize) -> String {
    PLURALS.with(|cell| {
        let mut cell = cell.borrow_mut();
        if cell.as_ref().map(|(l, _)| l.as_str()) != Some(locale) {
            let locales = Array::of1(&JsValue::from_str(locale));
            *cell = Some((
                locale.to_string(),
                js_sys::Intl::PluralRules::new(&locales, &Object::new()),
            ));
        }
        cell.as_ref()
            .and_then(|(_, rules)| rules.select(n as f64).as_string())
            .unwrap_or_else(|| "other".into())
    })
}

/// `n` written for `locale`, by `Intl.NumberFormat`.
#[cfg(target_arch = "wasm32")]
pub fn format_number(locale: &str, n: usize) -> String {
    NUMBERS.with(|cell| {
        let mut cell = cell.borrow_mut();
        if cell.as_ref().map(|(l, _)| l.as_str()) != Some(locale) {
            let locales = Array::of1(&JsValue::from_str(locale));
            let format = js_sys::Intl::NumberFormat::new(&locales, &Object::new()).format();
            *cell = Some((locale.to_string(), format));
        }
        cell.as_ref()
            .and_then(|(_, format)| {
                format
                    .call1(&JsValue::NULL, &JsValue::from_f64(n as f64))
                    .ok()
            })
            .and_then(|text| text.as_string())
            .unwrap_or_else(|| n.to_string())
    })
}

/// Natively (tests), the English and French plural rules: all the built-in languages need.
#[cfg(not(target_arch = "wasm32"))]
pub fn plural_category(locale: &str, n: usize) -> String {
    let one = n == 1 || (locale.starts_with("fr") && n == 0);
    if one { "one" } else { "other" }.to_string()
}

/// Natively (tests), digits without grouping.
#[cfg(not(target_arch = "wasm32"))]
pub fn format_number(_locale: &str, n: usize) -> String {
    n.to_string()
}
