//! A value that follows another once it has stopped changing for a while: what the live
//! region announces, so that a screen reader hears the count after typing, not every keystroke.

use gloo_timers::callback::Timeout;
use yew::prelude::*;

/// `value`, `delay_ms` after it last changed.
#[hook]
pub fn use_debounced(value: String, delay_ms: u32) -> String {
    let settled = use_state(String::new);
    {
        let settled = settled.clone();
        use_effect_with(value, move |value| {
            let value = value.clone();
            let timeout = Timeout::new(delay_ms, move || settled.set(value));
            move || drop(timeout)
        });
    }
    (*settled).clone()
}
