//! The file source: drop files on the zone or choose them. Files are handed to the engine,
//! read in this browser, never uploaded.

use std::rc::Rc;

use web_sys::{FileList, HtmlInputElement};
use yew::prelude::*;

use crate::components::icon::icon;
use crate::i18n::Strings;
use crate::source::Icon as IconKind;

/// What the chooser offers: every format the engine reads (it recognizes a file by its content,
/// so this only narrows the chooser's list; "All files" still works).
const ACCEPT: &str = ".csv,.tsv,.txt,.vcf,.vcard,.json,.xml,text/csv,text/vcard,text/x-vcard,application/json,text/xml,application/xml";

/// Properties of [`FileDrop`].
#[derive(Properties, PartialEq)]
pub struct FileDropProps {
    /// The interface's words.
    pub strings: Rc<Strings>,
    /// Files were chosen or dropped.
    pub on_files: Callback<FileList>,
    /// Back to the menu, when there is one.
    pub on_back: Option<Callback<()>>,
    /// Attached to the chooser's button, which takes focus when the screen appears.
    pub focus: NodeRef,
}

/// A drop zone with a "Choose files" button.
#[component]
pub fn FileDrop(props: &FileDropProps) -> Html {
    let input = use_node_ref();
    let button = props.focus.clone();
    let over = use_state_eq(|| false);
    let strings = &props.strings;

    let choose = {
        let input = input.clone();
        move |_: MouseEvent| {
            if let Some(input) = input.cast::<HtmlInputElement>() {
                // Emptied first, so that choosing the same file again is a change.
                input.set_value("");
                input.click();
            }
        }
    };
    let onchange = {
        let on_files = props.on_files.clone();
        move |event: Event| {
            let input: HtmlInputElement = event.target_unchecked_into();
            if let Some(files) = input.files().filter(|files| files.length() > 0) {
                on_files.emit(files);
            }
        }
    };
    let ondragover = {
        let over = over.clone();
        move |event: DragEvent| {
            event.prevent_default();
            over.set(true);
        }
    };
    let ondragleave = {
        let over = over.clone();
        move |_: DragEvent| over.set(false)
    };
    let ondrop = {
        let over = over.clone();
        let on_files = props.on_files.clone();
        move |event: DragEvent| {
            event.prevent_default();
            over.set(false);
            let files = event.data_transfer().and_then(|data| data.files());
            if let Some(files) = files.filter(|files| files.length() > 0) {
                on_files.emit(files);
            }
        }
    };
    let back = props.on_back.clone().map(|on_back| {
        html! {
            <div class="actions" part="footer">
                <button type="button" class="button" onclick={on_back.reform(|_: MouseEvent| ())}>
                    { strings.get("back", &[]) }
                </button>
            </div>
        }
    });
    html! {
        <div class="files">
            <div class="dropzone" data-over={(*over).then_some("")} part="dropzone"
                ondragover={ondragover.clone()} ondragenter={ondragover} {ondragleave} {ondrop}>
                { icon(IconKind::File) }
                <p class="dropzone__text">{ strings.get("file.drop", &[]) }</p>
                <p class="dropzone__or">{ strings.get("file.or", &[]) }</p>
                <button type="button" class="button button--primary" part="choose" ref={button} onclick={choose}>
                    { strings.get("file.choose", &[]) }
                </button>
                <input type="file" multiple=true accept={ACCEPT} hidden=true ref={input} {onchange} />
            </div>
            <p class="hint">{ strings.get("file.formats", &[]) }</p>
            <p class="hint">{ strings.get("file.privacy", &[]) }</p>
            { back }
        </div>
    }
}
