//! Below the list, for the focused contact: which of its e-mails to send to, what was merged
//! into it and why, and who it may be a duplicate of. Shown only when there is something to
//! choose or explain.

use std::rc::Rc;

use yew::prelude::*;

use crate::i18n::Strings;
use crate::state::PickerState;

/// What [`contact_details`] shows.
pub struct ContactDetailsProps {
    /// The picker's state.
    pub picker: UseReducerHandle<PickerState>,
    /// The interface's words.
    pub strings: Rc<Strings>,
}

fn reason_key(reason: picker::Reason) -> &'static str {
    match reason {
        picker::Reason::Email => "reason.email",
        picker::Reason::Phone => "reason.phone",
        picker::Reason::Name => "reason.name",
    }
}

/// The focused contact's details.
pub fn contact_details(props: &ContactDetailsProps) -> Html {
    let state = &props.picker.0;
    let strings = &props.strings;
    let Some(index) = state
        .active
        .and_then(|position| state.view.get(position).copied())
    else {
        return html! {};
    };
    let entry = state.book.entry(index);
    if entry.emails.len() < 2 && entry.merges.is_empty() && entry.duplicates.is_empty() {
        return html! {};
    }
    let chosen = state.chosen_email(index);
    let dispatch = props.picker.dispatcher();
    let emails: Html = entry
        .emails
        .iter()
        .enumerate()
        .map(|(position, address)| {
            let onchange = {
                let dispatch = dispatch.clone();
                move |_: Event| {
                    dispatch.dispatch(picker::Action::ChooseEmail {
                        entry: index,
                        email: position as u32,
                    })
                }
            };
            html! {
                <label class="choice" key={position}>
                    <input type="radio" name="cp-email" checked={position as u32 == chosen} {onchange} />
                    <span>{ address.clone() }</span>
                </label>
            }
        })
        .collect();
    let record = |source: &str, line: Option<u32>| match line {
        Some(line) => strings.get("record", &[("source", source), ("line", &line.to_string())]),
        None => source.to_string(),
    };
    let merges: Html = entry
        .merges
        .iter()
        .map(|merge| {
            let reason = strings.get(reason_key(merge.reason), &[]);
            html! {
                <li>{ strings.get("merged.note", &[
                    ("record", &record(&merge.source, merge.line)),
                    ("reason", &reason),
                    ("value", &merge.value),
                ]) }</li>
            }
        })
        .collect();
    let duplicates: Html = entry
        .duplicates
        .iter()
        .map(|duplicate| {
            let reason = strings.get(reason_key(duplicate.reason), &[]);
            let name = state.book.name(duplicate.entry);
            html! { <li>{ strings.get("duplicate.note", &[("name", &name), ("reason", &reason)]) }</li> }
        })
        .collect();
    html! {
        <section class="details" part="details" aria-labelledby="cp-details-title">
            <h3 class="details__title" id="cp-details-title">
                { strings.get("details.title", &[("name", &entry.name)]) }
            </h3>
            if entry.emails.len() > 1 {
                <fieldset class="details__emails">
                    <legend>{ strings.get("emails.label", &[("name", &entry.name)]) }</legend>
                    { emails }
                </fieldset>
            }
            if !entry.merges.is_empty() {
                <p class="details__line">{ strings.count("merged.from", entry.merges.len() + 1, &[]) }</p>
                <ul class="details__list">{ merges }</ul>
            }
            if !entry.duplicates.is_empty() {
                <ul class="details__list">{ duplicates }</ul>
            }
        </section>
    }
}
