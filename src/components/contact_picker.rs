//! The picker screen: search, the controls, the list, the focused contact's details, the
//! import's problems, and the button that hands the selection to the host. A polite live
//! region says how many contacts are shown and selected, once typing pauses.

use std::rc::Rc;

use web_sys::HtmlElement;
use yew::prelude::*;

use crate::bridge::Host;
use crate::components::contact_details::{contact_details, ContactDetailsProps};
use crate::components::contact_list::ContactList;
use crate::components::problems::Problems;
use crate::components::search_box::{search_box, SearchBoxProps};
use crate::components::toolbar::{toolbar, ToolbarProps};
use crate::hooks::use_debounced::use_debounced;
use crate::i18n::Strings;
use crate::options::Options;
use crate::state::{PickerState, Summary};

/// How long the live region waits for the counts to settle.
const ANNOUNCE_AFTER_MS: u32 = 800;

/// Properties of [`ContactPicker`].
#[derive(Properties, PartialEq)]
pub struct ContactPickerProps {
    /// The picker's state.
    pub picker: UseReducerHandle<PickerState>,
    /// The interface's words.
    pub strings: Rc<Strings>,
    /// The JS side (the problems list comes from it).
    pub host: Host,
    /// The import's problems.
    pub summary: Rc<Summary>,
    /// The host's configuration.
    pub options: Rc<Options>,
    /// Hand the selection over.
    pub on_submit: Callback<()>,
    /// Back to the menu, when there is one.
    pub on_back: Option<Callback<()>>,
    /// Attached to the search box, which takes focus when the screen appears.
    pub focus: NodeRef,
}

/// The picker.
#[component]
pub fn ContactPicker(props: &ContactPickerProps) -> Html {
    let state = &props.picker.0;
    let strings = &props.strings;
    let search = props.focus.clone();
    let list = use_node_ref();
    let dispatch = props.picker.dispatcher();

    let total = state.book.len() - state.hidden.as_ref().map_or(0, |hidden| hidden.count());
    let shown = state.view.len();
    let selected = state.selected_count();
    let counts = [
        strings.count("shown", total, &[("shown", &strings.number(shown))]),
        strings.count("selected", selected, &[]),
    ]
    .join(", ");
    let announced = use_debounced(counts, ANNOUNCE_AFTER_MS);

    let on_search = dispatch.to_callback().reform(picker::Action::Search);
    let on_down = {
        let list = list.clone();
        move |()| {
            if let Some(list) = list.cast::<HtmlElement>() {
                let _ = list.focus();
            }
        }
    };
    let on_sort = dispatch.to_callback().reform(|by_name: bool| {
        picker::Action::SetSort(if by_name {
            picker::Sort::ByName
        } else {
            picker::Sort::Source
        })
    });
    let notice = state.notice.as_ref().map(|notice| match notice {
        picker::Notice::LimitReached { limit } => {
            strings.get("limit", &[("limit", &strings.number(*limit))])
        }
    });
    let empty = if total == 0 {
        Some(strings.get("empty", &[]))
    } else if shown == 0 {
        Some(strings.get("no.results", &[("query", &state.query)]))
    } else {
        None
    };
    html! {
        <div class="picker">
            { search_box(&SearchBoxProps {
                query: state.query.clone().into(),
                label: strings.get("search.label", &[]).into(),
                placeholder: strings.get("search.placeholder", &[]).into(),
                controls: (shown > 0).then_some(AttrValue::from("cp-list")),
                input: search,
                on_search,
                on_down: Callback::from(on_down),
            }) }
            { toolbar(&ToolbarProps {
                strings: strings.clone(),
                select_buttons: props.options.display_select_all_none,
                by_name: state.sort == picker::Sort::ByName,
                selected,
                on_select_all: dispatch.to_callback().reform(|()| picker::Action::SelectAll),
                on_select_none: dispatch.to_callback().reform(|()| picker::Action::SelectNone),
                on_sort,
            }) }
            if let Some(notice) = notice {
                <p class="notice" part="notice" role="alert">{ notice }</p>
            }
            if let Some(empty) = empty {
                <p class="empty">{ empty }</p>
            }
            <ContactList picker={props.picker.clone()} strings={strings.clone()} {list} />
            { contact_details(&ContactDetailsProps { picker: props.picker.clone(), strings: strings.clone() }) }
            <Problems summary={props.summary.clone()} host={props.host.clone()} strings={strings.clone()} />
            <div class="actions" part="footer">
                if let Some(on_back) = props.on_back.clone() {
                    <button type="button" class="button" onclick={on_back.reform(|_: MouseEvent| ())}>
                        { strings.get("back", &[]) }
                    </button>
                }
                <button type="button" class="button button--primary" part="submit" disabled={selected == 0}
                    onclick={props.on_submit.reform(|_: MouseEvent| ())}>
                    { if selected == 0 { strings.get("submit.zero", &[]) } else { strings.count("submit", selected, &[]) } }
                </button>
            </div>
            <div class="visually-hidden" role="status">{ announced }</div>
        </div>
    }
}
