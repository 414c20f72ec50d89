//! Field builders shared by the readers of provider answers (JSON and XML): the same raw
//! values whichever syntax a provider answered in.

use crate::model::{Label, Name, Phone};

/// A phone as read: the raw text in both `raw` and `number` (the normalizer rewrites `number`).
pub(crate) fn raw_phone(number: String, label_raw: Option<String>) -> Phone {
    let label = match label_raw.as_deref() {
        Some("home") => Label::Home,
        Some("mobile") => Label::Mobile,
        _ => Label::Other,
    };
    Phone {
        number: number.clone(),
        raw: number,
        label,
        label_raw,
        ..Phone::default()
    }
}

/// A name from first and last name. A full name in the first-name field with no last name
/// (a CloudSponge quirk) is kept as the display name, for the normalizer to split.
pub(crate) fn first_last(first: Option<String>, last: Option<String>) -> Name {
    match (first, last) {
        (Some(first), None) if first.contains(char::is_whitespace) => Name {
            display: Some(first),
            ..Name::default()
        },
        (given, family) => Name {
            given,
            family,
            ..Name::default()
        },
    }
}

/// CloudSponge `birthday` is `MM-DD`; the model writes a year-less birthday as `--MM-DD`.
pub(crate) fn partial_birthday(month_day: &str) -> String {
    let bytes = month_day.as_bytes();
    if bytes.len() == 5
        && bytes[2] == b'-'
        && month_day.bytes().filter(u8::is_ascii_digit).count() == 4
    {
        format!("--{month_day}")
    } else {
        month_day.to_string()
    }
}

/// Street lines from one text (a newline separates lines).
pub(crate) fn lines(street: Option<String>) -> Vec<String> {
    street
        .map(|s| {
            s.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}
