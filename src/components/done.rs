//! After the contacts were handed over (inline mode).

use std::rc::Rc;

use yew::prelude::*;

use crate::i18n::Strings;

/// What [`done`] shows.
pub struct DoneProps {
    /// How many contacts were handed over.
    pub count: usize,
    /// The interface's words.
    pub strings: Rc<Strings>,
    /// Back to the same list.
    pub on_again: Callback<()>,
    /// Back to the menu.
    pub on_another: Callback<()>,
    /// Attached to the first button, which takes focus when the screen appears.
    pub focus: NodeRef,
}

/// "3 contacts added", and what to do next.
pub fn done(props: &DoneProps) -> Html {
    let strings = &props.strings;
    html! {
        <div class="message" part="message">
            <p class="message__text" role="status">{ strings.count("done", props.count, &[]) }</p>
            <div class="actions" part="footer">
                <button type="button" class="button" ref={props.focus.clone()}
                    onclick={props.on_again.reform(|_: MouseEvent| ())}>{ strings.get("done.again", &[]) }</button>
                <button type="button" class="button"
                    onclick={props.on_another.reform(|_: MouseEvent| ())}>{ strings.get("done.another", &[]) }</button>
            </div>
        </div>
    }
}
