//! Windowing for a long list with a fixed row height: which rows are on screen.
//! `use_list_metrics` reads the list's scroll position and height; `window_of` turns them into
//! the rows to render.
//!
//! Only the visible rows plus an overscan are rendered. The scroll position is read from a
//! passive scroll listener, at most once a frame (`requestAnimationFrame`), so scrolling never
//! waits for the page's script; the list's height is read again when the window resizes (zoom
//! included). No crate does this for Yew 0.23 (`yew-virtual` targets 0.21, `yew-virtualized`
//! 0.20 and debounces scrolling by 50 ms).

use std::cell::Cell;
use std::rc::Rc;

use gloo_events::EventListener;
use gloo_render::{request_animation_frame, AnimationFrame};
use web_sys::Element;
use yew::prelude::*;

/// The rows to render.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct VirtualWindow {
    /// The first row rendered (overscan included).
    pub first: usize,
    /// One past the last row rendered.
    pub last: usize,
    /// The first row fully visible.
    pub first_visible: usize,
    /// How many rows fit in the list's height (a page, for PageUp/PageDown).
    pub page: usize,
}

/// Computes the window of `count` rows of `row_height` pixels, scrolled to `scroll_top` in a
/// list `height` pixels high, with `overscan` more rows on each side.
pub fn window_of(
    count: usize,
    row_height: f64,
    overscan: usize,
    scroll_top: f64,
    height: f64,
) -> VirtualWindow {
    if count == 0 || row_height <= 0.0 {
        return VirtualWindow::default();
    }
    let first_visible = ((scroll_top.max(0.0) / row_height).ceil() as usize).min(count - 1);
    let first_partial = (scroll_top.max(0.0) / row_height).floor() as usize;
    let page = ((height / row_height).floor() as usize).max(1);
    let end = ((scroll_top.max(0.0) + height) / row_height).ceil() as usize;
    VirtualWindow {
        first: first_partial.saturating_sub(overscan).min(count),
        last: end.saturating_add(overscan).min(count),
        first_visible,
        page,
    }
}

/// The scroll position and height of a list, as last read.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Metrics {
    /// `scrollTop`, in pixels.
    pub scroll_top: f64,
    /// `clientHeight`, in pixels (before the first measure, a guess of twelve rows).
    pub height: f64,
}

/// Where a list must scroll so that row `position` is fully visible (the same place when
/// it already is).
pub fn scroll_to_show(position: usize, row_height: f64, metrics: Metrics) -> f64 {
    let top = position as f64 * row_height;
    if top < metrics.scroll_top {
        top
    } else if top + row_height > metrics.scroll_top + metrics.height {
        (top + row_height - metrics.height).max(0.0)
    } else {
        metrics.scroll_top
    }
}

/// Tracks the scroll position and height of the element behind `list` (measured again when
/// it is `shown` after being hidden, empty).
#[hook]
pub fn use_list_metrics(list: NodeRef, shown: bool) -> Metrics {
    // (scroll top, height), as last read.
    let metrics = use_state_eq(|| (0.0f64, 0.0f64));
    {
        let metrics = metrics.setter();
        let list = list.clone();
        use_effect_with(shown, move |_| {
            if let Some(element) = list.cast::<Element>() {
                metrics.set((
                    f64::from(element.scroll_top()),
                    f64::from(element.client_height()),
                ));
            }
        });
    }
    {
        let metrics = metrics.setter();
        use_effect_with(list, move |list| {
            let element = list.cast::<Element>();
            let frame: Rc<Cell<Option<AnimationFrame>>> = Rc::default();
            let measure = {
                let element = element.clone();
                move || {
                    if let Some(element) = &element {
                        metrics.set((
                            f64::from(element.scroll_top()),
                            f64::from(element.client_height()),
                        ));
                    }
                }
            };
            measure();
            let on_change = {
                let frame = frame.clone();
                move |_: &Event| {
                    let pending = frame.take();
                    if pending.is_some() {
                        frame.set(pending);
                        return;
                    }
                    let measure = measure.clone();
                    let done = frame.clone();
                    frame.set(Some(request_animation_frame(move |_| {
                        done.set(None);
                        measure();
                    })));
                }
            };
            // gloo's listeners are passive unless asked otherwise.
            let scroll = element
                .as_ref()
                .map(|e| EventListener::new(e, "scroll", on_change.clone()));
            let resize = web_sys::window().map(|w| EventListener::new(&w, "resize", on_change));
            move || {
                drop(scroll);
                drop(resize);
                drop(frame.take());
            }
        });
    }
    let (scroll_top, height) = *metrics;
    Metrics {
        scroll_top,
        // Before the list is measured (first render, or hidden), a first screenful.
        height: if height > 0.0 { height } else { 720.0 },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrolling_to_show_a_row_moves_the_least() {
        let metrics = Metrics {
            scroll_top: 560.0,
            height: 560.0,
        };
        assert_eq!(scroll_to_show(12, 56.0, metrics), 560.0);
        assert_eq!(scroll_to_show(5, 56.0, metrics), 280.0);
        assert_eq!(scroll_to_show(20, 56.0, metrics), 21.0 * 56.0 - 560.0);
    }

    #[test]
    fn the_window_covers_the_visible_rows_and_the_overscan() {
        let w = window_of(100_000, 56.0, 5, 56.0 * 1000.0 + 10.0, 560.0);
        assert_eq!(w.first, 995);
        assert_eq!(w.first_visible, 1001);
        assert_eq!(w.last, 1011 + 5);
        assert_eq!(w.page, 10);
        assert_eq!(
            window_of(3, 56.0, 5, 0.0, 560.0),
            VirtualWindow {
                first: 0,
                last: 3,
                first_visible: 0,
                page: 10
            }
        );
        assert_eq!(window_of(0, 56.0, 5, 0.0, 560.0), VirtualWindow::default());
    }
}
