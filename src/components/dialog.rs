//! Modal mode: the WAI-ARIA Dialog (Modal) pattern. Focus moves in when it opens, Tab and
//! Shift+Tab wrap inside it, Escape closes it (the app gives focus back to what opened it).

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, ShadowRoot};
use yew::prelude::*;

/// What Tab can reach.
const FOCUSABLE: &str = "button:not([disabled]), input:not([disabled]):not([type=hidden]):not([hidden]), select:not([disabled]), textarea:not([disabled]), a[href], [tabindex]:not([tabindex='-1'])";

/// Properties of [`Dialog`].
#[derive(Properties, PartialEq)]
pub struct DialogProps {
    /// The id of the element that names the dialog (its visible title).
    pub labelled_by: AttrValue,
    /// Escape was pressed.
    pub on_escape: Callback<()>,
    /// The control that takes focus when the dialog opens (the screen's first control), if it
    /// is in the dialog; else the dialog's first control does.
    pub initial_focus: NodeRef,
    /// The content.
    pub children: Html,
}

/// A modal dialog over a backdrop.
#[component]
pub fn Dialog(props: &DialogProps) -> Html {
    let dialog = use_node_ref();
    {
        // After the content's own effects: if none of them took focus, the initial control
        // does, else the first one. Before the root's own effects (Yew runs a child's first),
        // so it is the initial control that focus first lands on, not the close button.
        let dialog = dialog.clone();
        let initial = props.initial_focus.clone();
        use_effect(move || {
            if let Some(element) = dialog.cast::<HtmlElement>() {
                if !element.contains(active_element(&element).as_ref().map(|e| e.unchecked_ref())) {
                    let initial = initial
                        .cast::<HtmlElement>()
                        .filter(|initial| element.contains(Some(initial)));
                    match initial.or_else(|| focusable(&element).into_iter().next()) {
                        Some(target) => {
                            let _ = target.focus();
                        }
                        None => {
                            let _ = element.focus();
                        }
                    }
                }
            }
        });
    }
    let onkeydown = {
        let dialog = dialog.clone();
        let on_escape = props.on_escape.clone();
        move |event: KeyboardEvent| {
            let Some(element) = dialog.cast::<HtmlElement>() else {
                return;
            };
            match event.key().as_str() {
                "Escape" => {
                    // A search box with text clears itself on Escape first.
                    let in_filled_search = event
                        .target()
                        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                        .is_some_and(|input| {
                            input.type_() == "search" && !input.value().is_empty()
                        });
                    if !in_filled_search {
                        event.prevent_default();
                        on_escape.emit(());
                    }
                }
                "Tab" => {
                    let items = focusable(&element);
                    let (Some(first), Some(last)) = (items.first(), items.last()) else {
                        event.prevent_default();
                        return;
                    };
                    let active = active_element(&element);
                    let at = |item: &HtmlElement| {
                        active
                            .as_ref()
                            .is_some_and(|a| a == item.unchecked_ref::<Element>())
                    };
                    if event.shift_key() && (at(first) || active.is_none()) {
                        event.prevent_default();
                        let _ = last.focus();
                    } else if !event.shift_key() && at(last) {
                        event.prevent_default();
                        let _ = first.focus();
                    }
                }
                _ => {}
            }
        }
    };
    html! {
        <div class="backdrop" part="backdrop">
            <div class="dialog" part="dialog" role="dialog" aria-modal="true"
                aria-labelledby={props.labelled_by.clone()} tabindex="-1" ref={dialog} {onkeydown}>
                { props.children.clone() }
            </div>
        </div>
    }
}

/// What has focus in the tree `element` belongs to (its shadow root, or the document).
fn active_element(element: &Element) -> Option<Element> {
    let root = element.get_root_node();
    match root.dyn_into::<ShadowRoot>() {
        Ok(shadow) => shadow.active_element(),
        Err(_) => web_sys::window()?.document()?.active_element(),
    }
}

/// The elements Tab reaches inside `element`, in document order.
fn focusable(element: &Element) -> Vec<HtmlElement> {
    let Ok(list) = element.query_selector_all(FOCUSABLE) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.get(i))
        .filter_map(|node| node.dyn_into::<HtmlElement>().ok())
        .collect()
}
