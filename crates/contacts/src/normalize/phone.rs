//! Telephone numbers: raw text to E.164 as libphonenumber reads them (its Rust port
//! `rlibphonenumber`, with `regex-lite`), with a default region for numbers written without a
//! country code.
//!
//! What `Phone::e164 == true` means here: the number **parsed, and libphonenumber calls it
//! possible** (`is_possible_number_with_reason` is `IS_POSSIBLE`: its national number has a
//! possible length for its country; a length only dialled locally, without the area code, is
//! not enough), so `number` is a well-formed E.164 number and safe to match contacts on. It
//! does not mean "valid" in libphonenumber's stricter sense (the number range is assigned):
//! that test runs the patterns of every number type and costs more than the parse. So
//! `07700 900123` in GB (a range reserved for drama, `is_valid` false) gives `+447700900123`
//! with `e164 == true`. A number that parses but is not possible (`123` with region US gives
//! `+1123`) keeps libphonenumber's E.164 form in `number` but has `e164 == false` and is
//! reported as [`Error::InvalidPhone`]. A number that does not parse keeps its cleaned digits
//! (a leading `+` kept) with `e164 == false` and is reported too. A value with no digit at all
//! is dropped.
//!
//! Why this crate: `tests/phone_libphonenumber.rs` compares normalization with libphonenumber
//! itself (Python's `phonenumbers`) on numbers of every region in national, international,
//! `00`, E.164 and `+CC (0)` forms. The `phonenumber` crate (0.3.10) differed on 149 of those
//! 6,511 vectors (it applied the wrong region's national-prefix rule, and lost
//! digits: `+7 800 123-45-67` became `+7001234567`, `+57 (0)321 1234567` in CO
//! `+57211234567`); this crate differs on none that are not listed with their reason. And it
//! is smaller: the engine module went from 941 KB to 452 KB gzip, most of it the `regex`
//! crate's automata and Unicode tables, the rest the metadata trimmed (BENCHMARKS.md). The
//! price is `regex-lite`'s speed, 20–30 µs a parse: `shortcut` reads the common shapes
//! without the parser.
//!
//! Before the parser sees anything, the text is cleaned and bounded here: `tel:` URIs are
//! unwrapped, Unicode digits (Arabic-Indic, fullwidth, …) and the fullwidth plus are folded to
//! ASCII, other characters outside a small set become spaces, and inputs longer than 64
//! characters or with fewer than 3 digits are not parsed (patterns cost time on long junk; no
//! number has fewer than 3 digits). A region the metadata does not know is treated as none
//! ([`region`]).

use std::collections::HashMap;
use std::sync::LazyLock;

use prost::Message;
use rlibphonenumber::{
    NumberLengthType, ParseError, PhoneMetadataCollection, PhoneNumber, PhoneNumberFormat,
    PhoneNumberUtil, Region,
};

mod shortcut;

use super::{label, text};
use crate::error::Error;
use crate::model::Phone;

/// Longest cleaned input handed to the phone number parser, in characters.
pub const MAX_PARSE_CHARS: usize = 64;

/// Fewest digits a value must have to be parsed (`123` with region US parses, as in the
/// vectors).
const MIN_DIGITS: usize = 3;

/// One raw number, normalized.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NormalizedPhone {
    /// E.164 when it parsed, else the cleaned digits.
    pub number: String,
    /// True when the number parsed and is possible (see the module documentation).
    pub e164: bool,
    /// Why the number is not a valid E.164 number, when it is not.
    pub problem: Option<Error>,
}

/// libphonenumber's metadata (rlibphonenumber's build of it), trimmed to what parsing and the
/// possible-length test read: 23 KB instead of 229 KB (`tools/phone_metadata.py` writes it and
/// says what it keeps and why).
const METADATA: &[u8] = include_bytes!("phone/metadata.bin");

/// The parser over [`METADATA`] and the prefixes [`shortcut`] reads, by region.
struct Phones {
    util: PhoneNumberUtil,
    prefixes: HashMap<Region, shortcut::Prefixes>,
}

/// Built on first use (a few milliseconds). `None` only if [`METADATA`] did not decode, which a
/// test rules out: then no number parses, and none panics.
static PHONES: LazyLock<Option<Phones>> = LazyLock::new(|| {
    let collection = PhoneMetadataCollection::decode(METADATA).ok()?;
    let prefixes = collection
        .metadata
        .iter()
        .filter_map(shortcut::Prefixes::of)
        .collect();
    let util = PhoneNumberUtil::new_for_metadata(collection).ok()?;
    Some(Phones { util, prefixes })
});

fn parser() -> Option<&'static Phones> {
    PHONES.as_ref()
}

/// Resolves an ISO 3166 two-letter region (any case) to one the metadata knows. Unknown
/// regions are treated as none: then only numbers with a country code parse.
pub fn region(code: Option<&str>) -> Option<Region> {
    let region = Region::from_code(code?.trim()).ok()?;
    // Every pair of letters is a `Region`; only those with metadata are regions to parse in.
    parser()?.prefixes.contains_key(&region).then_some(region)
}

/// Normalizes one raw number with an already resolved region (see [`region`]). `Err` means
/// the value holds no digit and should be dropped.
pub fn phone(raw: &str, region: Option<Region>) -> Result<NormalizedPhone, Error> {
    let invalid = |reason: &str| Error::InvalidPhone {
        raw: raw.to_string(),
        reason: reason.to_string(),
    };
    let cleaned = clean(raw);
    let digits = cleaned.bytes().filter(u8::is_ascii_digit).count();
    if digits == 0 {
        return Err(invalid(if raw.trim().is_empty() {
            "empty"
        } else {
            "no digits"
        }));
    }
    let fallback = |reason: &str| NormalizedPhone {
        number: fallback_digits(&cleaned),
        e164: false,
        problem: Some(invalid(reason)),
    };
    if cleaned.chars().count() > MAX_PARSE_CHARS {
        return Ok(fallback("too long to be a phone number"));
    }
    if digits < MIN_DIGITS {
        return Ok(fallback("too short"));
    }
    let Some(phones) = parser() else {
        return Ok(fallback("no phone metadata"));
    };
    let shortcut = shortcut::parse(&cleaned, region, &phones.util, |region| {
        phones.prefixes.get(&region)
    });
    let parsed = match shortcut {
        Some((country_code, national)) => PhoneNumber {
            country_code,
            // At most 15 digits, without a leading zero: it fits, and the E.164 form is
            // `+`, the code and these digits.
            national_number: national.parse().unwrap_or_default(),
            ..PhoneNumber::default()
        },
        None => match phones.util.parse(&cleaned, region) {
            Ok(parsed) => parsed,
            Err(error) => {
                let reason = match error {
                    ParseError::NotANumber(_) => "no phone number found",
                    ParseError::InvalidCountryCode
                        if region.is_none() && !is_explicit(&cleaned) =>
                    {
                        "no country code and no default region"
                    }
                    ParseError::InvalidCountryCode => "unknown country code",
                    ParseError::TooShortAfterIdd | ParseError::TooShortNsn => "too short",
                    ParseError::TooLongNsn => "too long",
                };
                return Ok(fallback(reason));
            }
        },
    };
    let number = phones
        .util
        .format(&parsed, PhoneNumberFormat::E164)
        .into_owned();
    let possible = phones.util.is_possible_number_with_reason(&parsed);
    if possible == Ok(NumberLengthType::IsPossible) {
        Ok(NormalizedPhone {
            number,
            e164: true,
            problem: None,
        })
    } else {
        let problem = Some(invalid("wrong number of digits for its country"));
        Ok(NormalizedPhone {
            number,
            e164: false,
            problem,
        })
    }
}

/// True when the number is written with its country code (a leading `+`).
fn is_explicit(cleaned: &str) -> bool {
    cleaned.trim_start().starts_with('+')
}

/// The value the parser sees: `tel:` and URI parameters removed, digits and plus folded to
/// ASCII, dashes and brackets made ASCII, anything unexpected made a space.
fn clean(raw: &str) -> String {
    let mut value = raw.trim();
    if value
        .get(..4)
        .is_some_and(|scheme| scheme.eq_ignore_ascii_case("tel:"))
    {
        value = &value[4..];
        // RFC 3966 parameters (";ext=", ";phone-context=") are not part of the number.
        value = value.split_once(';').map_or(value, |(number, _)| number);
    }
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        let c = if let Some(digit) = unicode_digit(c) {
            digit
        } else {
            match c {
                '\u{FF0B}' => '+',
                '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FF0D}' => '-',
                '\u{FF08}' => '(',
                '\u{FF09}' => ')',
                c if c.is_ascii_alphanumeric() => c,
                '+' | '-' | '(' | ')' | '.' | '/' | ',' | '#' | '*' | ';' | ':' | ' ' => c,
                _ => ' ',
            }
        };
        out.push(c);
    }
    out
}

/// Folds a decimal digit of any common script to ASCII. `char::to_digit` only reads ASCII.
fn unicode_digit(c: char) -> Option<char> {
    if c.is_ascii_digit() {
        return Some(c);
    }
    // The zero of each block of ten consecutive decimal digits commonly seen in phone numbers.
    const ZEROS: &[u32] = &[
        0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66, 0x0CE6,
        0x0D66, 0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x17E0, 0x1810, 0xFF10,
    ];
    let code = u32::from(c);
    ZEROS
        .iter()
        .find(|&&zero| (zero..zero + 10).contains(&code))
        .and_then(|&zero| char::from_digit(code - zero, 10))
}

/// The digits of a number that did not parse: a leading `+` kept, digits up to an extension
/// marker (a letter, `#`, `;` or `,` after the first digit), everything else dropped.
fn fallback_digits(cleaned: &str) -> String {
    let mut out = String::with_capacity(cleaned.len());
    if is_explicit(cleaned) {
        out.push('+');
    }
    for c in cleaned.chars() {
        if c.is_ascii_digit() {
            out.push(c);
        } else if out.len() > 1 && (c.is_ascii_alphabetic() || matches!(c, '#' | ';' | ',')) {
            break;
        }
    }
    out
}

/// Normalizes a contact's numbers in place: E.164 where possible, problems reported, empty
/// ones dropped, the same `number` kept once (the first, with a label taken from a later
/// copy when the first had none).
pub fn phones(list: &mut Vec<Phone>, region: Option<Region>, errors: &mut Vec<Error>) {
    if list.is_empty() {
        return;
    }
    // Compacted in place: the phones kept are moved to the front, in order, and the list is
    // cut after them (its allocation is kept; see `Spare`).
    let mut kept = 0;
    for read in 0..list.len() {
        let Some(slot) = list.get_mut(read) else {
            break;
        };
        let mut phone = std::mem::take(slot);
        if text::trim(&phone.raw).is_empty() {
            // Some readers only fill `number`.
            phone.raw = std::mem::take(&mut phone.number);
        }
        // In place: a clean value (nearly all) is kept without a copy. Same rules, cap and
        // error as `line_with_max` + `too_long` ("phone.raw", characters before the cut).
        let mut raw = Some(std::mem::take(&mut phone.raw));
        text::line(&mut raw, "phone.raw", errors);
        let Some(raw) = raw else { continue };
        let normalized = match self::phone(&raw, region) {
            Ok(normalized) => normalized,
            Err(error) => {
                errors.push(error);
                continue;
            }
        };
        errors.extend(normalized.problem);
        text::line(&mut phone.label_raw, "phone.label", errors);
        if let Some(label_raw) = phone.label_raw.as_deref() {
            phone.label = label::map(label_raw);
        }
        let earlier = list.get_mut(..kept).unwrap_or_default();
        if let Some(first) = earlier.iter_mut().find(|p| p.number == normalized.number) {
            if first.label_raw.is_none() {
                first.label = phone.label;
                first.label_raw = phone.label_raw;
            }
            continue;
        }
        phone.raw = raw;
        phone.number = normalized.number;
        phone.e164 = normalized.e164;
        if let Some(slot) = list.get_mut(kept) {
            *slot = phone;
        }
        kept += 1;
    }
    list.truncate(kept);
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn number(raw: &str, region_code: Option<&str>) -> (String, bool) {
        match phone(raw, region(region_code)) {
            Ok(n) => (n.number, n.e164),
            Err(error) => panic!("{raw:?} dropped: {error}"),
        }
    }

    #[test]
    fn regions() {
        assert_eq!(region(Some("ch")), Some(Region::CH));
        assert_eq!(region(Some(" US ")), Some(Region::US));
        assert_eq!(region(Some("ZZ")), None);
        assert_eq!(region(Some("")), None);
        assert_eq!(region(None), None);
    }

    #[test]
    fn e164() {
        assert_eq!(
            number("044 668 18 00", Some("CH")),
            ("+41446681800".into(), true)
        );
        assert_eq!(
            number("tel:+41-44-668-18-00;ext=12", None),
            ("+41446681800".into(), true)
        );
        assert_eq!(
            number("\u{FF0B}41 44 668 18 00", None),
            ("+41446681800".into(), true)
        );
        assert_eq!(
            number("٠٤٤ ٦٦٨ ١٨ ٠٠", Some("CH")),
            ("+41446681800".into(), true)
        );
        assert_eq!(
            number("+1 (650) 253\u{2013}0000", None),
            ("+16502530000".into(), true)
        );
        assert_eq!(
            number("07700 900123", Some("GB")),
            ("+447700900123".into(), true)
        );
    }

    /// A default region's national-prefix rule never applies to another country's number (the
    /// `phonenumber` crate applied it).
    #[test]
    fn other_countries_with_a_default_region() {
        assert_eq!(
            number("+33 1 23 45 67 89", Some("US")),
            ("+33123456789".into(), true)
        );
        assert_eq!(
            number("+1 650 253 0000", Some("US")),
            ("+16502530000".into(), true)
        );
        assert_eq!(
            number("0033 1 23 45 67 89", Some("CH")),
            ("+33123456789".into(), true)
        );
        assert_eq!(
            number("011 33 1 23 45 67 89", Some("US")),
            ("+33123456789".into(), true)
        );
        assert_eq!(
            number("0041 44 668 18 00", Some("CH")),
            ("+41446681800".into(), true)
        );
    }

    #[test]
    fn invalid_numbers_are_kept_as_digits() {
        assert_eq!(number("044 668 18 00", None), ("0446681800".into(), false));
        // libphonenumber reads the zeros as a national number of zeros (the `phonenumber`
        // crate failed on it): possible, by length.
        assert_eq!(number("+49000000", None), ("+4900000".into(), true));
        assert_eq!(number("+999 1234567", None), ("+9991234567".into(), false));
        assert_eq!(
            number("650-253-0000 x123", None),
            ("6502530000".into(), false)
        );
        assert_eq!(number("123", Some("US")), ("+1123".into(), false));
        assert!(phone("abc", None).is_err());
        assert!(phone("", Some(Region::US)).is_err());
    }

    /// The default regions the panic tests try: none, and regions with national prefixes and
    /// international prefixes of several shapes.
    #[cfg(not(target_arch = "wasm32"))]
    const PANIC_REGIONS: [Option<Region>; 9] = [
        None,
        Some(Region::US),
        Some(Region::CH),
        Some(Region::BR),
        Some(Region::AU),
        Some(Region::GB),
        Some(Region::JP),
        Some(Region::DE),
        Some(Region::IN),
    ];

    /// Short inputs around prefixes are where a parser slices; none may panic.
    /// (Random longer inputs: see `random_inputs_do_not_panic`.)
    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn short_inputs_do_not_panic() {
        let heads = [
            "", "+", "0", "00", "011", "0011", "001", "0015", "8", "810", "+0", "+00", "1",
        ];
        let tails = [
            "", "9", "99", "999", "1", "12", "123", "0", "00", "42", "990", "80", "800",
        ];
        for region in PANIC_REGIONS {
            for head in heads {
                for tail in tails {
                    for extra in ["", "0", "00", "999", "1234"] {
                        let input = format!("{head}{tail}{extra}");
                        let outcome = std::panic::catch_unwind(|| phone(&input, region));
                        assert!(outcome.is_ok(), "panic on {input:?} with {region:?}");
                    }
                }
            }
        }
    }

    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn random_inputs_do_not_panic() {
        let alphabet: Vec<char> = "+0123456789012345678900 -()x#*;.eEtTaA\u{FF0B}\u{661}:"
            .chars()
            .collect();
        let mut walk = crate::walk::Walk(0x1234_5678);
        for _ in 0..3_000 {
            let input = walk.text(&alphabet, 1, 16);
            let region = walk.pick(&PANIC_REGIONS);
            let copy = input.clone();
            assert!(
                std::panic::catch_unwind(move || phone(&copy, region)).is_ok(),
                "panic on {input:?} with {region:?}"
            );
        }
    }

    #[test]
    fn contact_phones() {
        let raw = |raw: &str, label: &str| Phone {
            raw: raw.into(),
            label_raw: (!label.is_empty()).then(|| label.to_string()),
            ..Phone::default()
        };
        let mut list = vec![
            raw("+41 44 668 18 00", ""),
            raw("  ", "home"),
            raw("0041 44 668 18 00", "Work Mobile"),
            raw("abc", "fax"),
            raw("555-1234", " CELL "),
        ];
        let mut errors = Vec::new();
        phones(&mut list, region(Some("CH")), &mut errors);
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].number, "+41446681800");
        assert_eq!(list[0].label, crate::model::Label::Mobile);
        assert_eq!(list[0].raw, "+41 44 668 18 00");
        assert_eq!(list[1].label_raw.as_deref(), Some("CELL"));
        assert_eq!(list[1].label, crate::model::Label::Mobile);
        assert!(!list[1].e164);
        assert_eq!(errors.len(), 2, "{errors:?}"); // "abc" dropped, "555-1234" not valid in CH
    }
}
