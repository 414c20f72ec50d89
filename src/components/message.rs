//! A message in place of the list: an error, or a source that cannot run here.

use std::rc::Rc;

use yew::prelude::*;

use crate::hooks::use_autofocus::use_autofocus;
use crate::i18n::Strings;

/// Properties of [`Message`].
#[derive(Properties, PartialEq)]
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
    /// Move focus to the first button.
    pub autofocus: bool,
}

/// A short message with its ways out.
#[component]
pub fn Message(props: &MessageProps) -> Html {
    let first = use_node_ref();
    use_autofocus(first.clone(), props.autofocus);
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
