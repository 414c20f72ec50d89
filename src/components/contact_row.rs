//! One option of the list: a contact's name, the e-mail that will be sent, the organization,
//! and marks for several e-mails, a merge, a possible duplicate. No interactive children (the
//! listbox pattern forbids them): choosing an e-mail happens in the details below the list.

use std::rc::Rc;

use yew::prelude::*;

use crate::i18n::Strings;

/// Properties of [`ContactRow`].
#[derive(Properties, PartialEq)]
pub struct ContactRowProps {
    /// The entry's index in the book (its id in the page: `cp-opt-<index>`).
    pub index: u32,
    /// The entry.
    pub entry: Rc<picker::Entry>,
    /// Its position in the list (0-based).
    pub position: usize,
    /// The list's length.
    pub set_size: usize,
    /// Selected.
    pub selected: bool,
    /// Focused (`aria-activedescendant`).
    pub active: bool,
    /// The e-mail chosen (index into the entry's e-mails).
    pub chosen: u32,
    /// The interface's words.
    pub strings: Rc<Strings>,
    /// Clicked, with Shift held or not.
    pub on_click: Callback<(usize, bool)>,
}

/// The id of the option for `index`.
pub fn option_id(index: u32) -> String {
    ["cp-opt-", &index.to_string()].concat()
}

/// A contact in the list.
#[component]
pub fn ContactRow(props: &ContactRowProps) -> Html {
    let entry = &props.entry;
    let strings = &props.strings;
    let address = entry
        .emails
        .get(props.chosen as usize)
        .or(entry.emails.first())
        .cloned();
    let reach = address
        .or_else(|| entry.phones.first().cloned())
        .unwrap_or_else(|| strings.get("emails.none", &[]));
    let meta = match &entry.organization {
        Some(organization) if *organization != entry.name => [&reach, " · ", organization].concat(),
        _ => reach,
    };
    let onclick = {
        let on_click = props.on_click.clone();
        let position = props.position;
        move |event: MouseEvent| on_click.emit((position, event.shift_key()))
    };
    // The states are attributes (`aria-checked`, `data-active`), not classes: a class that is
    // not a literal goes through Yew's `Classes`, which links an `IndexSet` and its hashing
    // into the module.
    html! {
        <div role="option" id={option_id(props.index)} class="option" part="option"
            aria-checked={if props.selected { "true" } else { "false" }}
            data-active={props.active.then_some("")}
            aria-setsize={props.set_size.to_string()} aria-posinset={(props.position + 1).to_string()}
            {onclick}>
            <span class="option__box" aria-hidden="true">
                <svg viewBox="0 0 16 16" width="14" height="14" focusable="false">
                    <path d="M3 8.5l3 3 7-7" fill="none" stroke="currentColor" stroke-width="2" />
                </svg>
            </span>
            <span class="option__body">
                <span class="option__name">{ entry.name.clone() }</span>
                <span class="option__meta">{ meta }</span>
            </span>
            <span class="option__badges">
                if entry.emails.len() > 1 {
                    <span class="badge">{ strings.count("emails.count", entry.emails.len(), &[]) }</span>
                }
                if !entry.merges.is_empty() {
                    <span class="badge badge--merged">{ strings.get("merged", &[]) }</span>
                }
                if !entry.duplicates.is_empty() {
                    <span class="badge badge--duplicate">{ strings.get("duplicate", &[]) }</span>
                }
            </span>
        </div>
    }
}
