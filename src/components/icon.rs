//! The sources' pictures: small inline SVGs, decorative (the label says what the source is).
//!
//! A function rather than a component, and the markup as text: the pictures never change once
//! drawn, and a component with an `html!` body cost the first-load module 0.6 KB gzip more for
//! the three of them. The text is ours, never the visitor's or the host's.

use yew::prelude::*;

use crate::source::Icon as Kind;

/// A source's picture.
pub fn icon(kind: Kind) -> Html {
    Html::from_html_unchecked(AttrValue::Static(match kind {
        Kind::File => concat!(
            r#"<svg class="icon" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">"#,
            r#"<path d="M6 2h8l4 4v16H6zM14 2v4h4M9 12h6M9 16h6" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linejoin="round" stroke-linecap="round"/></svg>"#
        ),
        Kind::Device => concat!(
            r#"<svg class="icon" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">"#,
            r#"<path d="M8 2h8a1 1 0 0 1 1 1v18a1 1 0 0 1-1 1H8a1 1 0 0 1-1-1V3a1 1 0 0 1 1-1zM11 19h2" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linejoin="round" stroke-linecap="round"/></svg>"#
        ),
        Kind::Mail => concat!(
            r#"<svg class="icon" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">"#,
            r#"<path d="M3 5h18v14H3zM3 5l9 7 9-7" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linejoin="round" stroke-linecap="round"/></svg>"#
        ),
    }))
}
