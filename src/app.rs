//! The root component: which screen shows, the import under way, the dialog in modal mode,
//! and every event the host receives.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use yew::prelude::*;

use crate::bridge::{Detail, EngineEvent, Host, Job};
use crate::components::contact_picker::ContactPicker;
use crate::components::dialog::Dialog;
use crate::components::done::{done, DoneProps};
use crate::components::file_drop::FileDrop;
use crate::components::import_progress::{import_progress, ImportProgressProps};
use crate::components::message::{message, MessageProps};
use crate::components::source_menu::{source_menu, SourceMenuProps};
use crate::hooks::use_autofocus::use_autofocus;
use crate::i18n::Strings;
use crate::options::{Mode, Options};
use crate::source::{Flow as SourceFlow, SourceKind};
use crate::state::{Flow, FlowAction, PickerState, Screen};

/// What the element's JS class asks of a mounted widget.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Open at a source (`"file"`), or at the menu.
    Launch(Option<String>),
    /// Close the dialog.
    Close,
}

/// The way commands reach the mounted [`App`]: it connects on mount; commands sent before
/// that wait.
#[derive(Clone, Default)]
pub struct Commands(Rc<RefCell<CommandQueue>>);

#[derive(Default)]
struct CommandQueue {
    target: Option<Callback<Command>>,
    waiting: Vec<Command>,
}

impl Commands {
    /// Sends `command` to the app (or keeps it until the app connects).
    pub fn send(&self, command: Command) {
        let target = self.0.borrow().target.clone();
        match target {
            Some(target) => target.emit(command),
            None => self.0.borrow_mut().waiting.push(command),
        }
    }

    fn connect(&self, target: Callback<Command>) {
        let waiting = {
            let mut queue = self.0.borrow_mut();
            queue.target = Some(target.clone());
            std::mem::take(&mut queue.waiting)
        };
        waiting.into_iter().for_each(|command| target.emit(command));
    }

    fn disconnect(&self) {
        self.0.borrow_mut().target = None;
    }
}

/// An import to start: where from, how big, and how to ask the host for it (given the
/// callback the engine reports to).
struct ImportStart {
    source: SourceKind,
    total: f64,
    file_count: u32,
    start: Box<dyn FnOnce(Callback<EngineEvent>) -> Job>,
}

impl PartialEq for Commands {
    fn eq(&self, other: &Commands) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// The root component's properties.
#[derive(Properties, PartialEq)]
pub struct AppProps {
    /// The host's configuration.
    pub options: Rc<Options>,
    /// The JS side: events, callbacks, the import engine.
    pub host: Host,
    /// Commands from the element (`launch`, `close`).
    pub commands: Commands,
}

/// The screen a source opens on (the device source opens the browser's picker instead).
fn screen_for(source: Option<&SourceKind>, options: &Options) -> Screen {
    let available = options.available_sources();
    let source = match source {
        Some(source) => Some(source.clone()),
        None if options.skip_source_menu && available.len() == 1 => available.first().cloned(),
        None => None,
    };
    match source.as_ref().map(SourceKind::flow) {
        Some(SourceFlow::Files) => Screen::Files,
        Some(SourceFlow::Account) => Screen::Account(source.unwrap_or(SourceKind::File)),
        Some(SourceFlow::DevicePicker) | None => Screen::Menu,
    }
}

/// The widget.
#[component]
pub fn App(props: &AppProps) -> Html {
    let options = props.options.clone();
    let host = props.host.clone();
    let strings = use_memo(
        (options.locale.clone(), options.strings.clone()),
        |(locale, overrides)| Strings::new(locale, overrides.clone()),
    );
    let flow = use_reducer(|| {
        Flow::new(match options.mode {
            Mode::Modal => Screen::Closed,
            Mode::Inline => screen_for(None, &options),
        })
    });
    let picker = use_reducer(PickerState::default);
    let job = use_mut_ref(|| None::<Job>);
    // Numbers imports, so that reports of a cancelled one are told apart.
    let jobs_started = use_mut_ref(|| 0u32);
    // The screen as of the last render, for commands (whose callback outlives renders).
    let screen_now = use_mut_ref(|| Screen::Closed);
    screen_now.borrow_mut().clone_from(&flow.screen);

    // Every report of an import goes through here (stale jobs are dropped by the reducer).
    let on_engine_event = {
        let flow = flow.dispatcher();
        let picker = picker.dispatcher();
        let host = host.clone();
        let options = options.clone();
        Callback::from(
            move |(job_id, source, event): (u32, SourceKind, EngineEvent)| match event {
                EngineEvent::Progress(mut importing) => {
                    importing.job = job_id;
                    host.emit(
                        "import-progress",
                        &[
                            ("source", Detail::Text(source.id())),
                            ("bytes", Detail::Number(importing.bytes)),
                            ("totalBytes", Detail::Number(importing.total)),
                            ("records", Detail::Number(importing.records as f64)),
                            ("problems", Detail::Number(importing.problems as f64)),
                        ],
                    );
                    flow.dispatch(FlowAction::Progress(importing));
                }
                EngineEvent::Done {
                    book,
                    hidden,
                    summary,
                } => {
                    let count = book.len() - hidden.as_ref().map_or(0, picker::Selection::count);
                    host.emit(
                        "import-done",
                        &[
                            ("source", Detail::Text(source.id())),
                            ("count", Detail::Number(count as f64)),
                            ("problems", Detail::Number(summary.total as f64)),
                        ],
                    );
                    let sort = if options.sort_by_name {
                        picker::Sort::ByName
                    } else {
                        picker::Sort::Source
                    };
                    let limit = options.selection_limit;
                    let (picker, flow) = (picker.clone(), flow.clone());
                    // The book was copied out of the engine's message in this task; the list is
                    // drawn in the next one, so that neither task nears 50 ms at 100,000
                    // contacts (a long task delays the visitor's clicks and keys).
                    Timeout::new(0, move || {
                        picker.dispatch(picker::Action::SetSort(sort));
                        picker.dispatch(picker::Action::SetLimit(limit));
                        picker.dispatch(picker::Action::Load {
                            book: Rc::new(book),
                            hidden: hidden.map(Rc::new),
                        });
                        flow.dispatch(FlowAction::Imported {
                            job: job_id,
                            source,
                            summary: Rc::new(summary),
                        });
                    })
                    .forget();
                }
                EngineEvent::Error { code, message } => {
                    host.emit(
                        "import-error",
                        &[
                            ("source", Detail::Text(source.id())),
                            ("code", Detail::Text(&code)),
                            ("message", Detail::Text(&message)),
                        ],
                    );
                    flow.dispatch(FlowAction::Failed {
                        job: job_id,
                        source: Some(source),
                        code,
                        message,
                    });
                }
            },
        )
    };

    // Starts an import; `start` calls the host with the callback the engine reports to.
    let begin_import = {
        let flow = flow.dispatcher();
        let job = job.clone();
        let jobs_started = jobs_started.clone();
        let host = host.clone();
        let on_engine_event = on_engine_event.clone();
        Callback::from(
            move |ImportStart {
                      source,
                      total,
                      file_count,
                      start,
                  }| {
                if let Some(previous) = job.borrow_mut().take() {
                    previous.cancel();
                }
                let job_id = {
                    let mut started = jobs_started.borrow_mut();
                    *started += 1;
                    *started
                };
                flow.dispatch(FlowAction::Start {
                    job: job_id,
                    source: source.clone(),
                    total,
                    file_count,
                });
                host.emit(
                    "import-start",
                    &[
                        ("source", Detail::Text(source.id())),
                        ("files", Detail::Number(f64::from(file_count))),
                        ("totalBytes", Detail::Number(total)),
                    ],
                );
                let report = on_engine_event.reform(move |event| (job_id, source.clone(), event));
                *job.borrow_mut() = Some(start(report));
            },
        )
    };

    let start_device_import = {
        let begin_import = begin_import.clone();
        let host = host.clone();
        Callback::from(move |()| {
            let host = host.clone();
            begin_import.emit(ImportStart {
                source: SourceKind::Device,
                total: 0.0,
                file_count: 0,
                start: Box::new(move |report| host.import_device(report)),
            });
        })
    };

    let on_files = {
        let begin_import = begin_import.clone();
        let host = host.clone();
        Callback::from(move |files: web_sys::FileList| {
            let total: f64 = (0..files.length())
                .filter_map(|i| files.get(i))
                .map(|file| file.size())
                .sum();
            let count = files.length();
            let host = host.clone();
            begin_import.emit(ImportStart {
                source: SourceKind::File,
                total,
                file_count: count,
                start: Box::new(move |report| host.import_files(files, report)),
            });
        })
    };

    // Choosing a source in the menu (or `launch(source)`).
    let on_choose = {
        let flow = flow.dispatcher();
        let options = options.clone();
        let start_device_import = start_device_import.clone();
        Callback::from(move |source: SourceKind| {
            if source == SourceKind::Device {
                // Within the click: the browser's picker needs the user's gesture.
                start_device_import.emit(());
            } else {
                flow.dispatch(FlowAction::Show(screen_for(Some(&source), &options)));
            }
        })
    };

    let close = {
        let flow = flow.dispatcher();
        let job = job.clone();
        let host = host.clone();
        let mode = options.mode;
        Callback::from(move |force: bool| {
            if mode != Mode::Modal || (!force && !host.allows("beforeClosing")) {
                return;
            }
            if let Some(previous) = job.borrow_mut().take() {
                previous.cancel();
            }
            flow.dispatch(FlowAction::Close);
            host.emit("close", &[]);
            host.restore_focus();
        })
    };

    // Commands from the element.
    {
        let commands = props.commands.clone();
        let flow = flow.dispatcher();
        let screen_now = screen_now.clone();
        let options = options.clone();
        let host = host.clone();
        let on_choose = on_choose.clone();
        let close = close.clone();
        use_effect_with((commands, options.clone()), move |(commands, _)| {
            commands.connect(Callback::from(move |command: Command| match command {
                Command::Launch(source) => {
                    let source = source.as_deref().map(SourceKind::parse);
                    if options.mode == Mode::Modal && *screen_now.borrow() == Screen::Closed {
                        host.remember_focus();
                    }
                    host.emit(
                        "open",
                        &[(
                            "source",
                            Detail::Text(source.as_ref().map_or("", SourceKind::id)),
                        )],
                    );
                    flow.dispatch(FlowAction::Open(screen_for(source.as_ref(), &options)));
                    if source == Some(SourceKind::Device) {
                        on_choose.emit(SourceKind::Device);
                    }
                }
                Command::Close => close.emit(false),
            }));
            let commands = commands.clone();
            move || commands.disconnect()
        });
    }

    // The host hears about every change of the selected count (not the first render's 0).
    {
        let host = host.clone();
        let count = picker.0.selected_count();
        let reported = use_mut_ref(|| 0usize);
        use_effect_with(count, move |count| {
            if *reported.borrow() != *count {
                *reported.borrow_mut() = *count;
                host.emit("select", &[("count", Detail::Number(*count as f64))]);
            }
        });
    }

    // Hands `entries` (in order) to the host, each with the e-mail chosen for it.
    let deliver = {
        let picker = picker.clone();
        let flow = flow.clone();
        let host = host.clone();
        let close = close.clone();
        Callback::from(move |entries: Vec<u32>| {
            let chosen: Vec<u32> = entries.iter().map(|&e| picker.0.chosen_email(e)).collect();
            let source = flow.source.clone().unwrap_or(SourceKind::File);
            let host = host.clone();
            let flow = flow.dispatcher();
            let close = close.clone();
            let count = entries.len();
            host.submit(source.id(), &entries, &chosen, move |done| {
                if done {
                    flow.dispatch(FlowAction::Submitted { count });
                    close.emit(true);
                }
            });
        })
    };
    let submit = {
        let picker = picker.clone();
        let deliver = deliver.clone();
        Callback::from(move |()| deliver.emit(picker.0.selected_in_order()))
    };

    // skipContactsDisplay: every contact imported (and not hidden by the host's filter) goes
    // to the host, in the list's order, without the list being shown.
    {
        let picker = picker.clone();
        let skip = options.skip_contacts_display;
        let imported = flow.screen == Screen::Picker;
        use_effect_with((imported, flow.job), move |(imported, _)| {
            if *imported && skip {
                deliver.emit(picker.0.view.to_vec());
            }
        });
    }

    let to_menu = {
        let flow = flow.dispatcher();
        Callback::from(move |()| flow.dispatch(FlowAction::Show(Screen::Menu)))
    };
    let to_picker = {
        let flow = flow.dispatcher();
        Callback::from(move |()| flow.dispatch(FlowAction::Show(Screen::Picker)))
    };
    let cancel_import = {
        let source = flow.source.clone();
        let flow = flow.dispatcher();
        let job = job.clone();
        let host = host.clone();
        Callback::from(move |()| {
            if let Some(previous) = job.borrow_mut().take() {
                previous.cancel();
            }
            let source = source.clone().unwrap_or(SourceKind::File);
            host.emit(
                "import-error",
                &[
                    ("source", Detail::Text(source.id())),
                    ("code", Detail::Text("cancelled")),
                    ("message", Detail::Text("the visitor cancelled the import")),
                ],
            );
            let back = if source == SourceKind::File {
                Screen::Files
            } else {
                Screen::Menu
            };
            flow.dispatch(FlowAction::Show(back));
        })
    };

    // Each screen's first control takes focus when the screen appears, if the visitor's last
    // action brought it (not on an inline widget's first render); an import's Cancel always.
    let focus = use_node_ref();
    let autofocus = flow.openings > 0 || flow.job > 0 || flow.screen != screen_for(None, &options);
    use_autofocus(
        focus.clone(),
        std::mem::discriminant(&flow.screen),
        autofocus || matches!(flow.screen, Screen::Importing(_)),
    );
    let sources = options.available_sources();
    let has_menu = sources.len() > 1 || !options.skip_source_menu;
    let back: Option<Callback<()>> = has_menu.then(|| to_menu.clone());

    let (title_key, body) = match &flow.screen {
        Screen::Closed => return html! {},
        Screen::Menu => (
            "title",
            source_menu(&SourceMenuProps {
                sources,
                strings: strings.clone(),
                on_choose: on_choose.clone(),
                focus: focus.clone(),
            }),
        ),
        Screen::Files => (
            "file.title",
            html! { <FileDrop strings={strings.clone()} {on_files} on_back={back.clone()} focus={focus.clone()} /> },
        ),
        Screen::Account(source) => {
            let brand = source.brand().unwrap_or_default();
            (
                "title",
                message(&MessageProps {
                    strings: strings.clone(),
                    title: strings.get("error.title", &[]).into(),
                    text: strings.get("error.account", &[("brand", brand)]).into(),
                    on_back: back.clone(),
                    on_retry: None,
                    focus: focus.clone(),
                }),
            )
        }
        Screen::Importing(importing) => (
            "importing",
            import_progress(&ImportProgressProps {
                importing: importing.clone(),
                strings: strings.clone(),
                on_cancel: cancel_import,
                focus: focus.clone(),
            }),
        ),
        // skipContactsDisplay: the contacts are on their way to the host; no list to show.
        Screen::Picker if options.skip_contacts_display => (
            "importing",
            html! { <p class="progress__counts" role="status">{ strings.get("importing", &[]) }</p> },
        ),
        Screen::Picker => (
            "title.picker",
            html! {
                <ContactPicker picker={picker.clone()} strings={strings.clone()} host={host.clone()}
                    summary={flow.summary.clone()} options={options.clone()}
                    on_submit={submit.clone()} on_back={back.clone()} focus={focus.clone()} />
            },
        ),
        Screen::Failed { source, code, .. } => {
            let key = match code.as_str() {
                "empty" => "error.empty",
                "csp" => "error.csp",
                "engine" => "error.engine",
                "device" => "error.device",
                _ => "error.read",
            };
            let retry = source
                .clone()
                .map(|source| on_choose.reform(move |()| source.clone()));
            (
                "title",
                message(&MessageProps {
                    strings: strings.clone(),
                    title: strings.get("error.title", &[]).into(),
                    text: strings.get(key, &[]).into(),
                    on_back: back.clone(),
                    on_retry: retry,
                    focus: focus.clone(),
                }),
            )
        }
        Screen::Done { count } => (
            "title",
            done(&DoneProps {
                count: *count,
                strings: strings.clone(),
                on_again: to_picker,
                on_another: to_menu,
                focus: focus.clone(),
            }),
        ),
    };

    let modal = options.mode == Mode::Modal;
    let close_button = modal.then(|| {
        let close = close.clone();
        html! {
            <button type="button" class="close" part="close" aria-label={strings.get("close", &[])}
                onclick={move |_| close.emit(false)}>
                // Fixed markup as text, like the sources' icons (components/icon.rs says why).
                { Html::from_html_unchecked(AttrValue::Static(concat!(
                    r#"<svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">"#,
                    r#"<path d="M6 6l12 12M18 6L6 18" stroke="currentColor" stroke-width="2" stroke-linecap="round"/></svg>"#
                ))) }
            </button>
        }
    });
    let panel = html! {
        <section class="panel" data-modal={modal.then_some("")} part="panel"
            lang={strings.locale().to_string()} aria-labelledby="cp-title">
            <header class="panel__header" part="header">
                <h2 id="cp-title" class="panel__title" part="title">{ strings.get(title_key, &[]) }</h2>
                { close_button }
            </header>
            { body }
        </section>
    };
    if modal {
        let close = close.clone();
        html! {
            <Dialog labelled_by="cp-title" on_escape={close.reform(|()| false)} initial_focus={focus.clone()}>
                { panel }
            </Dialog>
        }
    } else {
        panel
    }
}
