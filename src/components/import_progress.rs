//! An import under way: a progress bar, what has been read, and Cancel.

use std::rc::Rc;

use yew::prelude::*;

use crate::i18n::Strings;
use crate::state::Importing;

/// What [`import_progress`] shows.
pub struct ImportProgressProps {
    /// The engine's last report.
    pub importing: Importing,
    /// The interface's words.
    pub strings: Rc<Strings>,
    /// The visitor cancelled.
    pub on_cancel: Callback<()>,
    /// Attached to Cancel, which takes focus when the screen appears.
    pub focus: NodeRef,
}

/// The progress of an import. Cancel takes focus: it is the only thing to do here.
pub fn import_progress(props: &ImportProgressProps) -> Html {
    let strings = &props.strings;
    let importing = &props.importing;
    let file_line = (importing.file_count > 1 && !importing.file.is_empty()).then(|| {
        strings.get(
            "importing.file",
            &[
                ("file", &importing.file),
                ("index", &strings.number(importing.file_index as usize)),
                ("count", &strings.number(importing.file_count as usize)),
            ],
        )
    });
    let counts = [
        strings.count("importing.records", importing.records as usize, &[]),
        strings.count("importing.problems", importing.problems as usize, &[]),
    ]
    .join(" · ");
    // Without a known size (the device's contacts) the bar is indeterminate.
    // Whole bytes: formatting an integer costs the module far less than formatting a float.
    let bar = if importing.total > 0.0 {
        let total = importing.total as u64;
        let value = (importing.bytes as u64).min(total);
        html! {
            <progress class="progress__bar" part="progress-bar" max={total.to_string()}
                value={value.to_string()} aria-labelledby="cp-title" />
        }
    } else {
        html! { <progress class="progress__bar" part="progress-bar" aria-labelledby="cp-title" /> }
    };
    html! {
        <div class="progress" part="progress">
            { bar }
            if let Some(line) = file_line {
                <p class="progress__file">{ line }</p>
            }
            <p class="progress__counts">{ counts }</p>
            <div class="actions" part="footer">
                <button type="button" class="button" ref={props.focus.clone()}
                    onclick={props.on_cancel.reform(|_: MouseEvent| ())}>
                    { strings.get("cancel", &[]) }
                </button>
            </div>
        </div>
    }
}
