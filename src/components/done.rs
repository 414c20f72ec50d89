//! After the contacts were handed over (inline mode).

use std::rc::Rc;

use yew::prelude::*;

use crate::hooks::use_autofocus::use_autofocus;
use crate::i18n::Strings;

/// Properties of [`Done`].
#[derive(Properties, PartialEq)]
pub struct DoneProps {
    /// How many contacts were handed over.
    pub count: usize,
    /// The interface's words.
    pub strings: Rc<Strings>,
    /// Back to the same list.
    pub on_again: Callback<()>,
    /// Back to the menu.
    pub on_another: Callback<()>,
    /// Move focus to the message's first button.
    pub autofocus: bool,
}

/// "3 contacts added", and what to do next.
#[component]
pub fn Done(props: &DoneProps) -> Html {
    let first = use_node_ref();
    use_autofocus(first.clone(), props.autofocus);
    let strings = &props.strings;
    html! {
        <div class="message" part="message">
            <p class="message__text" role="status">{ strings.count("done", props.count, &[]) }</p>
            <div class="actions" part="footer">
                <button type="button" class="button" ref={first}
                    onclick={props.on_again.reform(|_: MouseEvent| ())}>{ strings.get("done.again", &[]) }</button>
                <button type="button" class="button"
                    onclick={props.on_another.reform(|_: MouseEvent| ())}>{ strings.get("done.another", &[]) }</button>
            </div>
        </div>
    }
}
