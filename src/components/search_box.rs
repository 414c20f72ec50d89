//! The labelled search box above the list.

use yew::prelude::*;

/// What [`search_box`] shows.
pub struct SearchBoxProps {
    /// What is in the box.
    pub query: AttrValue,
    /// Its visible label.
    pub label: AttrValue,
    /// Its placeholder.
    pub placeholder: AttrValue,
    /// The id of the list it filters (none while the list is empty, and hidden).
    pub controls: Option<AttrValue>,
    /// The box, for focus.
    pub input: NodeRef,
    /// The text changed.
    pub on_search: Callback<String>,
    /// Down arrow: go to the list.
    pub on_down: Callback<()>,
}

/// `<input type=search>` with its label; every keystroke searches.
pub fn search_box(props: &SearchBoxProps) -> Html {
    let oninput = props.on_search.reform(|event: InputEvent| {
        let input: web_sys::HtmlInputElement = event.target_unchecked_into();
        input.value()
    });
    let onkeydown = {
        let on_down = props.on_down.clone();
        move |event: KeyboardEvent| {
            if event.key() == "ArrowDown" {
                event.prevent_default();
                on_down.emit(());
            }
        }
    };
    html! {
        <div class="search" part="search">
            <label class="search__label" for="cp-search">{ props.label.clone() }</label>
            <input id="cp-search" class="search__input" type="search" ref={props.input.clone()}
                value={props.query.clone()} placeholder={props.placeholder.clone()}
                autocomplete="off" spellcheck="false" aria-controls={props.controls.clone()}
                {oninput} {onkeydown} />
        </div>
    }
}
