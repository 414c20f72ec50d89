//! Moves focus to an element when it appears, if the visitor's last action brought it.

use web_sys::HtmlElement;
use yew::prelude::*;

/// Focuses the element behind `node` once it is mounted, when `enabled` (false on an inline
/// widget's first render: loading a page must not move focus into it).
#[hook]
pub fn use_autofocus(node: NodeRef, enabled: bool) {
    use_effect_with((), move |()| {
        if enabled {
            if let Some(element) = node.cast::<HtmlElement>() {
                let _ = element.focus();
            }
        }
    });
}
