//! A message in place of the list: an error, or a source that cannot run here.

use std::rc::Rc;

use yew::prelude::*;

use crate::i18n::Strings;

/// What [`message`] shows.
pub struct MessageProps {
    /// The interface's words.
    pub strings: Rc<Strings>,
    /// The heading.
    pub title: AttrValue,
    /// What happened.
    pub text: AttrValue,
    /// Back to the menu, when there is one.
    pub on_back: Option<Callback<()>>,
    /// Try the same source again.
    pub on_retry: Option<Callback<()>>,
    /// Attached to Try again, or to Back where there is nothing to retry: the button that
    /// takes focus when the screen appears.
    pub focus: NodeRef,
}

/// A short message with its ways out.
pub fn message(props: &MessageProps) -> Html {
    let first = &props.focus;
    let strings = &props.strings;
    let retry_first = props.on_retry.is_some();
    html! {
        <div class="message" part="message" role="alert">
            <h3 class="message__title">{ props.title.clone() }</h3>
            <p class="message__text">{ props.text.clone() }</p>
            <div class="actions" part="footer">
                if let Some(on_back) = props.on_back.clone() {
                    <button type="button" class="button" ref={if retry_first { NodeRef::default() } else { first.clone() }}
                        onclick={on_back.reform(|_: MouseEvent| ())}>{ strings.get("back", &[]) }</button>
                }
                if let Some(on_retry) = props.on_retry.clone() {
                    <button type="button" class="button button--primary" ref={first.clone()}
                        onclick={on_retry.reform(|_: MouseEvent| ())}>{ strings.get("error.retry", &[]) }</button>
                }
            </div>
        </div>
    }
}
