//! The list: a multi-select listbox, virtualized. Only the rows on screen (plus an overscan)
//! exist in the page, at a fixed height; the list's full height and the rows' offset are set
//! through the CSSOM, never a `style` attribute (a strict CSP's `style-src` would block those).
//!
//! Keyboard (WAI-ARIA APG, multi-select listbox): arrows, Home, End, Page Up/Down move the
//! focused option; Space toggles it; Shift+arrows move and toggle; Shift+Space selects from the
//! last toggled option; Ctrl+A selects all shown (again: none). Focus stays on the listbox and
//! `aria-activedescendant` names the focused option (both inside one shadow root: ID
//! references do not cross it).

use std::rc::Rc;

use web_sys::HtmlElement;
use yew::prelude::*;

use crate::components::contact_row::{option_id, ContactRow};
use crate::hooks::use_list_metrics::{scroll_to_show, use_list_metrics, window_of};
use crate::i18n::Strings;
use crate::state::PickerState;

/// A row's height in CSS pixels (the stylesheet's `.option` height).
const ROW_PX: u32 = 56;
const ROW_HEIGHT: f64 = ROW_PX as f64;

/// Rows rendered above and below the visible ones, so a fling shows no blank rows.
const OVERSCAN: usize = 4;

/// Row keys repeat every this many positions: more than a window ever holds (a tall list at
/// 25% zoom), so no two rendered rows share a key.
const ROW_SLOTS: usize = 512;

/// Properties of [`ContactList`].
#[derive(Properties, PartialEq)]
pub struct ContactListProps {
    /// The picker's state.
    pub picker: UseReducerHandle<PickerState>,
    /// The interface's words.
    pub strings: Rc<Strings>,
    /// The listbox element, for focus from the search box.
    pub list: NodeRef,
}

/// The contacts shown, as a listbox.
#[component]
pub fn ContactList(props: &ContactListProps) -> Html {
    let state = &props.picker.0;
    let view = state.view.clone();
    let count = view.len();
    let metrics = use_list_metrics(props.list.clone(), count > 0);
    // When the focused option moves (keys, a search), the list scrolls to show it: the window
    // is computed for that scroll position at once (so the option is rendered), and the effect
    // below makes the scroll real. The wish holds until the list reports a scroll (ours or the
    // visitor's); otherwise the window follows the list's own scroll position, so that
    // scrolling away from the focused option with the wheel shows the rows scrolled to.
    let last_active = use_mut_ref(|| None::<usize>);
    // (where to scroll, the scroll position when that was decided)
    let scroll_wish = use_mut_ref(|| None::<(f64, f64)>);
    {
        let mut wish = scroll_wish.borrow_mut();
        if wish.is_some_and(|(_, seen)| seen != metrics.scroll_top) {
            *wish = None;
        }
        if *last_active.borrow() != state.active {
            *last_active.borrow_mut() = state.active;
            if let Some(active) = state.active.filter(|&active| active < count) {
                let target = scroll_to_show(active, ROW_HEIGHT, metrics);
                *wish = (target != metrics.scroll_top).then_some((target, metrics.scroll_top));
            }
        }
    }
    let wished = scroll_wish.borrow().map(|(target, _)| target);
    let scroll_top = wished.unwrap_or(metrics.scroll_top);
    let window = window_of(count, ROW_HEIGHT, OVERSCAN, scroll_top, metrics.height);

    // Decoded entries of the rows on screen, kept while the book is the same (a short list:
    // a few dozen rows, searched linearly, costs less module than a hash map).
    let decoded = use_mut_ref(|| (0usize, Vec::<(u32, Rc<picker::Entry>)>::new()));

    let sizer = use_node_ref();
    let rows = use_node_ref();
    {
        let sizer = sizer.clone();
        let rows = rows.clone();
        let list = props.list.clone();
        // Writes only: reading the scroll position here, after the writes, would make the
        // browser lay the page out again on every render (the metrics hook reads it once a
        // frame instead).
        use_effect_with(
            (count, window.first, wished.map(f64::to_bits)),
            move |(count, first, wished)| {
                // Integers: formatting a float would cost the module its float printer.
                let height = [&(*count as u64 * u64::from(ROW_PX)).to_string(), "px"].concat();
                if let Some(sizer) = sizer.cast::<HtmlElement>() {
                    let _ = sizer.style().set_property("height", &height);
                }
                if let Some(rows) = rows.cast::<HtmlElement>() {
                    let offset = [
                        "translateY(",
                        &(*first as u64 * u64::from(ROW_PX)).to_string(),
                        "px)",
                    ]
                    .concat();
                    let _ = rows.style().set_property("transform", &offset);
                }
                if let (Some(list), Some(wished)) = (list.cast::<HtmlElement>(), wished) {
                    list.set_scroll_top(f64::from_bits(*wished).round() as i32);
                }
            },
        );
    }

    let dispatch = props.picker.dispatcher();
    let onkeydown = {
        let dispatch = dispatch.clone();
        let page = window.page;
        move |event: KeyboardEvent| {
            let ctrl = event.ctrl_key() || event.meta_key();
            let key = match event.key().as_str() {
                "ArrowUp" => picker::Key::Up,
                "ArrowDown" => picker::Key::Down,
                "Home" => picker::Key::Home,
                "End" => picker::Key::End,
                "PageUp" => picker::Key::PageUp,
                "PageDown" => picker::Key::PageDown,
                " " | "Spacebar" => picker::Key::Space,
                "a" | "A" if ctrl => picker::Key::A,
                _ => return,
            };
            event.prevent_default();
            dispatch.dispatch(picker::Action::Key {
                key,
                shift: event.shift_key(),
                ctrl,
                page,
            });
        }
    };
    // Focus from the keyboard (Tab) puts the focus on the first option, as the listbox pattern
    // asks; focus from a pointer does not: the click that follows chooses the option, and
    // showing the first option's details in between would move the list under the pointer.
    let pointer_down = use_mut_ref(|| false);
    let onmousedown = {
        let pointer_down = pointer_down.clone();
        move |_: MouseEvent| *pointer_down.borrow_mut() = true
    };
    let onfocus = {
        let dispatch = dispatch.clone();
        let needs_active = state.active.is_none() && count > 0;
        let pointer_down = pointer_down.clone();
        move |_: FocusEvent| {
            let by_pointer = std::mem::take(&mut *pointer_down.borrow_mut());
            if needs_active && !by_pointer {
                dispatch.dispatch(picker::Action::Activate(0));
            }
        }
    };
    // One callback for the list's life: a new one each render would differ from the rows'
    // and make every row render again on every change (a toggle re-renders one row).
    let on_click = (*use_memo((), {
        let dispatch = dispatch.clone();
        move |()| {
            dispatch
                .to_callback()
                .reform(|(position, shift): (usize, bool)| picker::Action::Click {
                    position,
                    shift,
                })
        }
    }))
    .clone();

    let book = state.book.clone();
    let book_id = Rc::as_ptr(&book) as usize;
    let rows_html: Html = {
        let mut cache = decoded.borrow_mut();
        if cache.0 != book_id {
            *cache = (book_id, Vec::new());
        }
        let wanted = view.get(window.first..window.last).unwrap_or(&[]);
        let mut kept = Vec::with_capacity(wanted.len());
        let rows: Html = wanted
            .iter()
            .enumerate()
            .map(|(offset, &index)| {
                let entry = match cache.1.iter().find(|(i, _)| *i == index) {
                    Some((_, entry)) => entry.clone(),
                    None => Rc::new(book.entry(index)),
                };
                kept.push((index, entry.clone()));
                let position = window.first + offset;
                // Keyed by slot, not by entry: a fling replaces every row each frame, and a
                // slot's row is updated in place rather than removed and created again.
                html! {
                    <ContactRow key={position % ROW_SLOTS} {index} {entry} {position} set_size={count}
                        selected={state.selection.contains(index)}
                        active={state.active == Some(position)}
                        chosen={state.chosen_email(index)}
                        strings={props.strings.clone()} on_click={on_click.clone()} />
                }
            })
            .collect();
        // Only the rows on screen stay decoded, so the cache never grows with scrolling.
        cache.1 = kept;
        rows
    };
    let active_id = state
        .active
        .and_then(|position| view.get(position))
        .map(|&index| option_id(index));
    html! {
        <div class="list" part="list" id="cp-list" role="listbox" tabindex="0" hidden={count == 0}
            aria-multiselectable="true" aria-label={props.strings.get("list.label", &[])}
            aria-activedescendant={active_id} ref={props.list.clone()} {onkeydown} {onfocus} {onmousedown}>
            <div class="list__sizer" role="presentation" ref={sizer}>
                <div class="list__rows" role="presentation" ref={rows}>{ rows_html }</div>
            </div>
        </div>
    }
}
