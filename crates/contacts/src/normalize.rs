//! Normalization of a whole contact as a reader produced it: text (NFC, whitespace, control
//! and spoofing characters, length caps), names, e-mails, phones, labels, dates, groups and
//! addresses. The same code runs natively and in wasm32 and gives byte-identical output: all
//! Unicode work uses compiled-in tables (`unicode-normalization`, `std`), never the browser's.
//!
//! Rules, field by field:
//! - single-line fields (name parts, nickname, organization, title, department, groups, labels,
//!   address lines): see [`text`]; at most [`MAX_LINE_CHARS`] characters, longer values are
//!   cut and reported as [`Error::TooLong`] naming the field; empty values become None.
//! - notes: line breaks kept (CRLF and CR become LF), at most [`text::MAX_NOTE_CHARS`].
//! - names: see [`name`](mod@name). E-mails: see [`email`](mod@email) (invalid ones are removed and
//!   reported). Phones: see [`phone`](mod@phone) (what `e164` means is documented there).
//!   Labels: see [`label`](mod@label). Dates: see [`date`].
//! - lists: at most [`MAX_ITEMS`] e-mails, phones, postal addresses, groups and street lines
//!   per address, and [`MAX_EXTRA`] `extra` entries; the rest are left out (before any other
//!   rule, so that a hostile record costs no more than a full one) and reported as
//!   [`Error::TooMany`] naming the field.

pub(crate) mod canonical;
pub mod date;
pub mod email;
pub mod label;
pub mod name;
pub mod phone;
mod region;
pub mod text;

pub use date::{birthday, timestamp};
pub use email::email;
pub use phone::{phone, region, NormalizedPhone};
pub use region::{locale_from_environment, region_from_locale};
pub use text::MAX_LINE_CHARS;

use crate::error::Error;
use crate::model::{Address, Contact};

/// The most e-mails, phones, postal addresses, groups (and street lines of one address) one
/// record keeps. Far above a real person's (address books cap e-mails and phones at a few
/// dozen); what it bounds is a hostile record's cost downstream: every item is validated,
/// merged and written.
pub const MAX_ITEMS: usize = 100;

/// The most `extra` entries one record keeps (a CSV row's unknown columns, a JSON record's
/// unknown keys). As many as a CSV row may have cells (`csv::MAX_CELLS`).
pub const MAX_EXTRA: usize = 1024;

/// Normalization settings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NormalizeOptions {
    /// ISO 3166 two-letter region for phone numbers written without a country code. None (or
    /// a region the phone metadata does not know) means only numbers with a country code
    /// (`+41…`, `0041…` is national) become E.164.
    pub region: Option<String>,
}

/// Normalizes `contact` in place; returns what was rejected or could not be normalized
/// (invalid e-mails, which are removed; phones that are not valid E.164, which are kept as
/// digits; values cut to the length cap).
pub fn contact(contact: &mut Contact, options: &NormalizeOptions) -> Vec<Error> {
    let mut errors = Vec::new();
    let Contact {
        source_id,
        name: person,
        nickname,
        emails,
        phones,
        addresses,
        organization,
        title,
        department,
        birthday,
        groups,
        notes,
        photo_url,
        updated_at,
        extra,
        ..
    } = contact;

    limit(emails, "emails", &mut errors);
    limit(phones, "phones", &mut errors);
    limit(addresses, "addresses", &mut errors);
    limit(groups, "groups", &mut errors);
    for address in addresses.iter_mut() {
        limit(&mut address.street, "address.street", &mut errors);
    }
    if extra.len() > MAX_EXTRA {
        errors.push(too_many("extra", extra.len(), MAX_EXTRA));
        // The map is ordered by key: the entries kept are the first by key, not by position.
        while extra.len() > MAX_EXTRA {
            extra.pop_last();
        }
    }

    text::line(&mut person.display, "name.display", &mut errors);
    text::line(&mut person.given, "name.given", &mut errors);
    text::line(&mut person.middle, "name.middle", &mut errors);
    text::line(&mut person.family, "name.family", &mut errors);
    text::line(&mut person.prefix, "name.prefix", &mut errors);
    text::line(&mut person.suffix, "name.suffix", &mut errors);
    text::line(nickname, "nickname", &mut errors);
    text::line(organization, "organization", &mut errors);
    text::line(title, "title", &mut errors);
    text::line(department, "department", &mut errors);
    text::line_max(source_id, "source_id", text::MAX_URL_CHARS, &mut errors);
    text::line_max(photo_url, "photo_url", text::MAX_URL_CHARS, &mut errors);
    text::note(notes, "notes", &mut errors);
    name::name(person, organization.as_deref());

    email::emails(emails, &mut errors);
    if !phones.is_empty() {
        phone::phones(
            phones,
            phone::region(options.region.as_deref()),
            &mut errors,
        );
    }
    normalize_addresses(addresses, &mut errors);
    normalize_groups(groups, &mut errors);

    *birthday = birthday.as_deref().and_then(date::birthday);
    *updated_at = updated_at.as_deref().and_then(date::timestamp);
    errors
}

/// Leaves out the items of `list` past [`MAX_ITEMS`], reporting how many.
fn limit<T>(list: &mut Vec<T>, field: &str, errors: &mut Vec<Error>) {
    if list.len() > MAX_ITEMS {
        errors.push(too_many(field, list.len(), MAX_ITEMS));
        list.truncate(MAX_ITEMS);
    }
}

/// The [`Error::TooMany`] for `count` items of `field` cut to `max`.
fn too_many(field: &str, count: usize, max: usize) -> Error {
    Error::TooMany(format!(
        "{field}: {count} in one record, the {} after the first {max} left out",
        count - max
    ))
}

/// Trims and deduplicates groups, keeping source order.
fn normalize_groups(groups: &mut Vec<String>, errors: &mut Vec<Error>) {
    if groups.is_empty() {
        return;
    }
    let mut kept: Vec<String> = Vec::with_capacity(groups.len());
    for group in std::mem::take(groups) {
        let mut value = Some(group);
        text::line(&mut value, "groups", errors);
        if let Some(value) = value {
            if !kept.contains(&value) {
                kept.push(value);
            }
        }
    }
    *groups = kept;
}

/// Text rules on every line, empty lines and empty addresses dropped, labels mapped.
fn normalize_addresses(addresses: &mut Vec<Address>, errors: &mut Vec<Error>) {
    for address in addresses.iter_mut() {
        let street = std::mem::take(&mut address.street);
        for line in street {
            let mut value = Some(line);
            text::line(&mut value, "address.street", errors);
            address.street.extend(value);
        }
        text::line(&mut address.locality, "address.locality", errors);
        text::line(&mut address.region, "address.region", errors);
        text::line(&mut address.postal_code, "address.postal_code", errors);
        text::line(&mut address.country, "address.country", errors);
        text::line(&mut address.label_raw, "address.label", errors);
        if let Some(label_raw) = address.label_raw.as_deref() {
            address.label = label::map(label_raw);
        }
    }
    addresses.retain(|a| {
        !(a.street.is_empty()
            && a.locality.is_none()
            && a.region.is_none()
            && a.postal_code.is_none()
            && a.country.is_none())
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Email, Label, Name, Phone};
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn a_record_keeps_at_most_max_items_of_each_list_and_reports_the_rest() {
        let mut c = Contact {
            emails: (0..MAX_ITEMS + 50)
                .map(|i| Email {
                    address: format!("person{i}@example.com"),
                    ..Email::default()
                })
                .collect(),
            phones: (0..MAX_ITEMS + 1)
                .map(|i| Phone {
                    raw: format!("+41 44 668 {:04}", 1000 + i),
                    ..Phone::default()
                })
                .collect(),
            groups: (0..MAX_ITEMS * 3).map(|i| format!("group {i}")).collect(),
            addresses: vec![Address {
                street: vec!["line".into(); MAX_ITEMS + 2],
                ..Address::default()
            }],
            extra: (0..MAX_EXTRA + 7)
                .map(|i| (format!("key{i:05}"), serde_json::Value::from(i)))
                .collect(),
            ..Contact::default()
        };
        let errors = contact(&mut c, &NormalizeOptions::default());
        assert_eq!(c.emails.len(), MAX_ITEMS);
        assert_eq!(c.phones.len(), MAX_ITEMS);
        assert_eq!(c.groups.len(), MAX_ITEMS);
        assert_eq!(c.addresses[0].street.len(), MAX_ITEMS);
        assert_eq!(c.extra.len(), MAX_EXTRA);
        assert!(c.extra.contains_key("key00000"));
        let cut: Vec<String> = errors
            .iter()
            .filter(|e| e.code() == "too_many")
            .map(ToString::to_string)
            .collect();
        assert_eq!(cut.len(), 5, "{cut:?}");
        assert!(cut[0].contains("emails: 150 in one record, the 50 after the first 100"));
    }

    #[test]
    fn whole_contact() {
        let mut c = Contact {
            name: Name {
                display: Some("  JOHN   SMITH ".into()),
                ..Name::default()
            },
            nickname: Some(" ".into()),
            emails: vec![
                Email {
                    address: "John Smith <John@EXAMPLE.com>".into(),
                    label_raw: Some("INTERNET,WORK".into()),
                    ..Email::default()
                },
                Email {
                    address: "john@example".into(),
                    ..Email::default()
                },
            ],
            phones: vec![Phone {
                raw: "044 668 18 00".into(),
                label_raw: Some("_$!<Mobile>!$_".into()),
                ..Phone::default()
            }],
            addresses: vec![
                Address {
                    street: vec![" 1 Main St ".into(), "".into()],
                    label_raw: Some("HOME".into()),
                    ..Address::default()
                },
                Address {
                    street: vec![" ".into()],
                    ..Address::default()
                },
            ],
            groups: vec![
                " Friends ".into(),
                "".into(),
                "Friends".into(),
                "Family".into(),
            ],
            notes: Some("line 1\r\nline 2\r\n".into()),
            birthday: Some("0/0/00".into()),
            updated_at: Some("20121212T121212Z".into()),
            ..Contact::default()
        };
        let errors = contact(
            &mut c,
            &NormalizeOptions {
                region: Some("ch".into()),
            },
        );
        assert_eq!(c.name.display.as_deref(), Some("John Smith"));
        assert_eq!(c.name.family.as_deref(), Some("Smith"));
        assert_eq!(c.nickname, None);
        assert_eq!(c.emails.len(), 1);
        assert_eq!(c.emails[0].address, "John@example.com");
        assert_eq!(c.emails[0].label, Label::Work);
        assert!(c.emails[0].primary);
        assert_eq!(c.phones[0].number, "+41446681800");
        assert!(c.phones[0].e164);
        assert_eq!(c.phones[0].label, Label::Mobile);
        assert_eq!(c.addresses.len(), 1);
        assert_eq!(c.addresses[0].street, ["1 Main St"]);
        assert_eq!(c.addresses[0].label, Label::Home);
        assert_eq!(c.groups, ["Friends", "Family"]);
        assert_eq!(c.notes.as_deref(), Some("line 1\nline 2"));
        assert_eq!(c.birthday, None);
        assert_eq!(c.updated_at.as_deref(), Some("2012-12-12T12:12:12Z"));
        assert!(
            matches!(&errors[..], [Error::InvalidEmail { reason, .. }] if reason == "domain has no dot"),
            "{errors:?}"
        );
    }

    #[test]
    fn normalizing_twice_changes_nothing() {
        let mut c = Contact {
            name: Name {
                display: Some("Durand, Aurélie".into()),
                ..Name::default()
            },
            emails: vec![Email {
                address: "a@b.example".into(),
                ..Email::default()
            }],
            phones: vec![Phone {
                raw: "+41 44 668 18 00".into(),
                ..Phone::default()
            }],
            ..Contact::default()
        };
        let options = NormalizeOptions::default();
        contact(&mut c, &options);
        let once = c.clone();
        assert!(contact(&mut c, &options).is_empty());
        assert_eq!(c, once);
    }
}
