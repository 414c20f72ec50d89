//! The widget's two reducers: [`Flow`] (which screen, the import under way) and
//! [`PickerState`], a newtype that lets Yew's `use_reducer` run `picker::reduce` (the picker's
//! state itself is pure and lives in `crates/picker`).

use std::rc::Rc;

use yew::Reducible;

use crate::source::SourceKind;

/// Which screen the widget shows.
#[derive(Debug, Clone, PartialEq)]
pub enum Screen {
    /// Modal mode, not open.
    Closed,
    /// The menu of sources.
    Menu,
    /// The file source: a drop zone and a chooser.
    Files,
    /// A provider account's flow.
    Account(SourceKind),
    /// An import under way.
    Importing(Importing),
    /// The contacts, to pick from.
    Picker,
    /// Something went wrong; `code` is the error event's code.
    Failed {
        /// The source that failed, to try again.
        source: Option<SourceKind>,
        /// The error code (`read`, `empty`, `engine`, `csp`, `device`, `account`).
        code: String,
        /// What the engine or browser said, for the host's console; not shown as is.
        message: String,
    },
    /// Contacts were handed to the host (inline mode stays on this screen).
    Done {
        /// How many.
        count: usize,
    },
}

/// An import under way, as the engine last reported it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Importing {
    /// The import's number: reports of an older (cancelled) import are ignored.
    pub job: u32,
    /// Bytes read, of `total`.
    pub bytes: f64,
    /// Bytes in all the files (0 when unknown, e.g. device contacts).
    pub total: f64,
    /// Records read so far.
    pub records: u64,
    /// Problems so far.
    pub problems: u64,
    /// The file being read.
    pub file: String,
    /// Its position among the files (1-based), and how many there are.
    pub file_index: u32,
    /// How many files.
    pub file_count: u32,
}

/// Problems of an import, by kind: what the widget summarizes ("3 records skipped").
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Summary {
    /// All problems.
    pub total: usize,
    /// Counts and a few examples per kind.
    pub kinds: Vec<ProblemKind>,
}

/// One kind of problem.
#[derive(Debug, Clone, PartialEq)]
pub struct ProblemKind {
    /// The core's error code (`malformed_record`, `invalid_email`, ...).
    pub code: String,
    /// How many.
    pub count: usize,
}

/// One problem, with its place.
#[derive(Debug, Clone, PartialEq)]
pub struct ProblemLine {
    /// The file (or `device`).
    pub source: String,
    /// The 1-based line (0 when not known).
    pub line: u32,
    /// The core's error code (`invalid_phone`, ...): what the line says, in the visitor's
    /// language.
    pub code: String,
    /// The core's message (English), for the value it names.
    pub message: String,
}

impl ProblemLine {
    /// The value the core's message quotes (`phone number "+31 00" kept as given` → `+31 00`).
    pub fn value(&self) -> &str {
        let Some(open) = self.message.find('"') else {
            return "";
        };
        let rest = &self.message[open + 1..];
        // The value was written with Rust's Debug quoting: the closing quote is the first one
        // that no backslash escapes.
        let mut escaped = false;
        for (at, c) in rest.char_indices() {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => return &rest[..at],
                _ => escaped = false,
            }
        }
        rest
    }
}

/// Error codes for which a whole record was not imported; the others are values corrected
/// or left out of a record that was imported.
const SKIPPED: &[&str] = &[
    "malformed_record",
    "truncated",
    "unknown_format",
    "empty",
    "json",
    "xml",
    "source",
];

impl Summary {
    /// Records not imported.
    pub fn skipped(&self) -> usize {
        self.kinds
            .iter()
            .filter(|kind| SKIPPED.contains(&kind.code.as_str()))
            .map(|kind| kind.count)
            .sum()
    }

    /// Values corrected or left out.
    pub fn fixed(&self) -> usize {
        self.total.saturating_sub(self.skipped())
    }
}

/// The screens' state.
#[derive(Debug, Clone, PartialEq)]
pub struct Flow {
    /// The screen shown.
    pub screen: Screen,
    /// Where the contacts on the picker screen came from.
    pub source: Option<SourceKind>,
    /// Problems of the import shown.
    pub summary: Rc<Summary>,
    /// The last import's number.
    pub job: u32,
    /// Counts every opening, so that focus moves in each time the dialog opens.
    pub openings: u32,
}

impl Flow {
    /// The state a widget starts in: closed in modal mode, else at `screen`.
    pub fn new(screen: Screen) -> Flow {
        Flow {
            screen,
            source: None,
            summary: Rc::default(),
            job: 0,
            openings: 0,
        }
    }
}

/// What changes the screens.
#[derive(Debug, Clone, PartialEq)]
pub enum FlowAction {
    /// Open (modal) or reset (inline) to `screen`.
    Open(Screen),
    /// Show another screen.
    Show(Screen),
    /// Close the dialog.
    Close,
    /// An import started.
    Start {
        /// Its number.
        job: u32,
        /// Where from.
        source: SourceKind,
        /// Bytes in all its files.
        total: f64,
        /// How many files.
        file_count: u32,
    },
    /// The engine reported progress.
    Progress(Importing),
    /// The import is done; its book went to the picker.
    Imported {
        /// Its number.
        job: u32,
        /// Where from.
        source: SourceKind,
        /// Its problems.
        summary: Rc<Summary>,
    },
    /// The import failed.
    Failed {
        /// Its number.
        job: u32,
        /// Where from.
        source: Option<SourceKind>,
        /// The error code.
        code: String,
        /// The message.
        message: String,
    },
    /// The contacts were handed over.
    Submitted {
        /// How many.
        count: usize,
    },
}

impl Reducible for Flow {
    type Action = FlowAction;

    fn reduce(self: Rc<Self>, action: FlowAction) -> Rc<Self> {
        let mut next = (*self).clone();
        let current_job = match &self.screen {
            Screen::Importing(importing) => Some(importing.job),
            _ => None,
        };
        match action {
            FlowAction::Open(screen) => {
                next.screen = screen;
                next.openings += 1;
            }
            FlowAction::Show(screen) => next.screen = screen,
            FlowAction::Close => next.screen = Screen::Closed,
            FlowAction::Start {
                job,
                source,
                total,
                file_count,
            } => {
                next.job = job;
                next.source = Some(source);
                next.screen = Screen::Importing(Importing {
                    job,
                    total,
                    file_count,
                    ..Importing::default()
                });
            }
            FlowAction::Progress(importing) => {
                if current_job != Some(importing.job) {
                    return self;
                }
                let Screen::Importing(previous) = &self.screen else {
                    return self;
                };
                next.screen = Screen::Importing(Importing {
                    // The file count and total come from the start when the engine omits them.
                    total: if importing.total > 0.0 {
                        importing.total
                    } else {
                        previous.total
                    },
                    file_count: importing.file_count.max(previous.file_count),
                    ..importing
                });
            }
            FlowAction::Imported {
                job,
                source,
                summary,
            } => {
                if current_job != Some(job) {
                    return self;
                }
                next.source = Some(source);
                next.summary = summary;
                next.screen = Screen::Picker;
            }
            FlowAction::Failed {
                job,
                source,
                code,
                message,
            } => {
                if current_job.is_some() && current_job != Some(job) {
                    return self;
                }
                next.screen = Screen::Failed {
                    source,
                    code,
                    message,
                };
            }
            FlowAction::Submitted { count } => next.screen = Screen::Done { count },
        }
        if next == *self {
            return self;
        }
        Rc::new(next)
    }
}

/// `picker::State` as a Yew reducer.
#[derive(Debug, Clone, Default)]
pub struct PickerState(pub picker::State);

impl PartialEq for PickerState {
    fn eq(&self, _other: &Self) -> bool {
        // Compared by identity through `Rc` by Yew; two states are never "equal" by value
        // here (comparing bitsets of 100,000 entries on every render would cost more than
        // rendering).
        false
    }
}

impl Reducible for PickerState {
    type Action = picker::Action;

    fn reduce(self: Rc<Self>, action: picker::Action) -> Rc<Self> {
        Rc::new(PickerState(picker::reduce(&self.0, action)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reduce(flow: Flow, action: FlowAction) -> Flow {
        (*Rc::new(flow).reduce(action)).clone()
    }

    #[test]
    fn reports_of_a_cancelled_import_are_ignored() {
        let start = |job| FlowAction::Start {
            job,
            source: SourceKind::File,
            total: 100.0,
            file_count: 1,
        };
        let flow = reduce(Flow::new(Screen::Menu), start(1));
        let flow = reduce(flow, FlowAction::Show(Screen::Files));
        let flow = reduce(flow, start(2));
        let stale = reduce(
            flow.clone(),
            FlowAction::Imported {
                job: 1,
                source: SourceKind::File,
                summary: Rc::default(),
            },
        );
        assert_eq!(stale, flow);
        let progress = reduce(
            flow,
            FlowAction::Progress(Importing {
                job: 2,
                bytes: 50.0,
                records: 7,
                ..Importing::default()
            }),
        );
        let Screen::Importing(importing) = &progress.screen else {
            panic!("still importing");
        };
        assert_eq!(
            (importing.bytes, importing.total, importing.records),
            (50.0, 100.0, 7)
        );
        let done = reduce(
            progress,
            FlowAction::Imported {
                job: 2,
                source: SourceKind::File,
                summary: Rc::default(),
            },
        );
        assert_eq!(done.screen, Screen::Picker);
    }

    #[test]
    fn a_problem_names_the_value_its_message_quotes() {
        let line = |message: &str| ProblemLine {
            source: "a.csv".into(),
            line: 3,
            code: "invalid_phone".into(),
            message: message.into(),
        };
        assert_eq!(
            line(r#"phone number "+31 00 0000000" kept as given: malformed number"#).value(),
            "+31 00 0000000"
        );
        assert_eq!(
            line(r#"invalid e-mail address "a\"b@c": no @"#).value(),
            r#"a\"b@c"#
        );
        assert_eq!(line("malformed record: no name").value(), "");
    }

    #[test]
    fn problems_split_into_skipped_records_and_fixed_values() {
        let summary = Summary {
            total: 6,
            kinds: vec![
                ProblemKind {
                    code: "malformed_record".into(),
                    count: 3,
                },
                ProblemKind {
                    code: "invalid_email".into(),
                    count: 2,
                },
                ProblemKind {
                    code: "truncated".into(),
                    count: 1,
                },
            ],
        };
        assert_eq!((summary.skipped(), summary.fixed()), (4, 2));
    }
}
