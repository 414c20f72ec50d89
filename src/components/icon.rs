//! The sources' pictures: small inline SVGs, decorative (the label says what the source is).

use yew::prelude::*;

use crate::source::Icon as Kind;

/// Properties of [`Icon`].
#[derive(Properties, PartialEq)]
pub struct IconProps {
    /// Which picture.
    pub kind: Kind,
}

/// A source's picture.
#[component]
pub fn Icon(props: &IconProps) -> Html {
    let path = match props.kind {
        Kind::File => "M6 2h8l4 4v16H6zM14 2v4h4M9 12h6M9 16h6",
        Kind::Device => {
            "M8 2h8a1 1 0 0 1 1 1v18a1 1 0 0 1-1 1H8a1 1 0 0 1-1-1V3a1 1 0 0 1 1-1zM11 19h2"
        }
        Kind::Mail => "M3 5h18v14H3zM3 5l9 7 9-7",
    };
    html! {
        <svg class="icon" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
            <path d={path} fill="none" stroke="currentColor" stroke-width="1.6" stroke-linejoin="round" stroke-linecap="round" />
        </svg>
    }
}
