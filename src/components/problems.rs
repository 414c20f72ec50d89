//! What could not be imported, summarized ("3 records skipped"), with the lines on demand.

use std::rc::Rc;

use yew::prelude::*;

use crate::bridge::Host;
use crate::i18n::Strings;
use crate::state::{ProblemLine, Summary};

/// At most this many problem lines are listed (the host's console has them all).
const SHOWN: usize = 500;

/// Properties of [`Problems`].
#[derive(Properties, PartialEq)]
pub struct ProblemsProps {
    /// The import's problems by kind.
    pub summary: Rc<Summary>,
    /// Where the full list comes from.
    pub host: Host,
    /// The interface's words.
    pub strings: Rc<Strings>,
}

/// The summary line and, when asked, every problem with its file and line.
#[component]
pub fn Problems(props: &ProblemsProps) -> Html {
    let lines = use_state(|| None::<Rc<Vec<ProblemLine>>>);
    let strings = &props.strings;
    let summary = &props.summary;
    if summary.total == 0 {
        return html! {};
    }
    let mut parts = Vec::new();
    if summary.skipped() > 0 {
        parts.push(strings.count("problems.skipped", summary.skipped(), &[]));
    }
    if summary.fixed() > 0 {
        parts.push(strings.count("problems.fixed", summary.fixed(), &[]));
    }
    let expanded = lines.is_some();
    let toggle = {
        let lines = lines.clone();
        let host = props.host.clone();
        move |_: MouseEvent| {
            if lines.is_some() {
                lines.set(None);
                return;
            }
            let lines = lines.clone();
            let host = host.clone();
            host.problems(0, SHOWN, move |found| lines.set(Some(Rc::new(found))));
        }
    };
    let list: Html = lines
        .as_ref()
        .map(|lines| {
            lines
                .iter()
                .map(|problem| {
                    let place = if problem.line > 0 {
                        strings.get(
                            "record",
                            &[
                                ("source", &problem.source),
                                ("line", &problem.line.to_string()),
                            ],
                        )
                    } else {
                        problem.source.clone()
                    };
                    // In the visitor's language, by kind; an unknown kind keeps the core's text.
                    let key = ["problem.", problem.code.as_str()].concat();
                    let what = if strings.has(&key) {
                        strings.get(&key, &[("value", problem.value())])
                    } else {
                        problem.message.clone()
                    };
                    html! {
                        <li>{ strings.get("problem.line", &[("place", &place), ("what", &what)]) }</li>
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    html! {
        <div class="problems" part="problems">
            <span class="problems__summary">{ parts.join(" · ") }</span>
            <button type="button" class="link" aria-expanded={expanded.to_string()}
                aria-controls={expanded.then_some("cp-problems")} onclick={toggle}>
                { strings.get(if expanded { "problems.hide" } else { "problems.show" }, &[]) }
            </button>
            if expanded {
                <ul class="problems__list" id="cp-problems">{ list }</ul>
            }
        </div>
    }
}
