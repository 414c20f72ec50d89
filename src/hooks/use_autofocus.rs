//! Moves focus to a screen's first control when the screen appears, if the visitor's last
//! action brought it.

use web_sys::HtmlElement;
use yew::prelude::*;

/// Focuses the element behind `node` each time `screen` changes (and on mount), when
/// `enabled` (false on an inline widget's first render: loading a page must not move focus
/// into it). The root component calls it once for every screen: each screen attaches `node`
/// to its first control, and the effect runs after the screen's own components rendered
/// (Yew runs children's effects and renders before a parent's effects).
#[hook]
pub fn use_autofocus<T: PartialEq + 'static>(node: NodeRef, screen: T, enabled: bool) {
    use_effect_with(screen, move |_| {
        if enabled {
            if let Some(element) = node.cast::<HtmlElement>() {
                let _ = element.focus();
            }
        }
    });
}
