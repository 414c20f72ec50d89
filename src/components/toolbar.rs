//! Select all / Select none, the sort, and the selected count (always visible).

use std::rc::Rc;

use yew::prelude::*;

use crate::i18n::Strings;

/// What [`toolbar`] shows.
pub struct ToolbarProps {
    /// The interface's words.
    pub strings: Rc<Strings>,
    /// Show the Select all / Select none buttons.
    pub select_buttons: bool,
    /// Sorted by name (else in the source's order).
    pub by_name: bool,
    /// How many are selected.
    pub selected: usize,
    /// Select every contact shown.
    pub on_select_all: Callback<()>,
    /// Unselect every contact shown.
    pub on_select_none: Callback<()>,
    /// Sort by name (true) or keep the source's order.
    pub on_sort: Callback<bool>,
}

/// The row of controls above the list.
pub fn toolbar(props: &ToolbarProps) -> Html {
    let strings = &props.strings;
    let onchange = props.on_sort.reform(|event: Event| {
        let select: web_sys::HtmlSelectElement = event.target_unchecked_into();
        select.value() != "source"
    });
    html! {
        <div class="toolbar" part="toolbar">
            if props.select_buttons {
                <button type="button" class="button button--small" part="select-all"
                    onclick={props.on_select_all.reform(|_: MouseEvent| ())}>{ strings.get("select.all", &[]) }</button>
                <button type="button" class="button button--small" part="select-none"
                    onclick={props.on_select_none.reform(|_: MouseEvent| ())}>{ strings.get("select.none", &[]) }</button>
            }
            <label class="sort">
                <span class="sort__label">{ strings.get("sort.label", &[]) }</span>
                <select class="sort__select" {onchange}>
                    <option value="name" selected={props.by_name}>{ strings.get("sort.name", &[]) }</option>
                    <option value="source" selected={!props.by_name}>{ strings.get("sort.source", &[]) }</option>
                </select>
            </label>
            <span class="count" part="count">{ strings.count("selected", props.selected, &[]) }</span>
        </div>
    }
}
