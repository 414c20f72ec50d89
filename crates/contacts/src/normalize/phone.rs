//! Telephone numbers: raw text to E.164 with the `phonenumber` crate (libphonenumber metadata),
//! with a default region for numbers written without a country code.
//!
//! What `Phone::e164 == true` means here: the number **parsed, and its national number has a
//! possible length for its country** (libphonenumber's "possible number"), so `number` is a
//! well-formed E.164 number and safe to match contacts on. It does not mean "valid" in
//! libphonenumber's stricter sense (the number range is assigned): that test runs a dozen
//! regular expressions per number and costs more than the parse (15–30 µs per number, against
//! a budget of 50 µs per contact for the whole import). So `07700 900123` in GB (a range
//! reserved for drama, `is_valid` false in the vectors) gives `+447700900123` with `e164 ==
//! true`. A number that parses but has an impossible length (`123` with region US gives
//! `+123`) keeps the crate's E.164 form in `number` but has `e164 == false` and is reported as
//! [`Error::InvalidPhone`]. A number that does not parse keeps its cleaned
//! digits (a leading `+` kept) with `e164 == false` and is reported too. A value with no digit
//! at all is dropped.
//!
//! Before the crate sees anything, the text is cleaned and bounded here. The crate's parser
//! has unchecked slices and `unwrap`s (a panic would abort the whole widget in wasm); 300,000
//! random short inputs found no panic in 0.3.10, but the one certain trap, an unknown default
//! region (its metadata lookup is unwrapped), is ruled out by [`region`], and the input is
//! reduced to what the parser expects: `tel:` URIs are unwrapped, Unicode digits
//! (Arabic-Indic, fullwidth, …) and the fullwidth plus are folded to ASCII (the crate itself
//! does not read Arabic-Indic digits), other characters outside a small set become spaces,
//! and inputs longer than 64 characters or with fewer than 3 digits are not parsed (the
//! regular expressions cost time on long junk; no number has fewer than 3 digits).

use std::cell::Cell;
use std::str::FromStr;
use std::sync::LazyLock;

use phonenumber::country::Id;
use phonenumber::metadata::{Metadata, DATABASE};
use phonenumber::{Mode, ParseError};

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
    /// True when the number parsed and has a possible length (see the module documentation).
    pub e164: bool,
    /// Why the number is not a valid E.164 number, when it is not.
    pub problem: Option<Error>,
}

/// Resolves an ISO 3166 two-letter region (any case) to one the metadata knows. Unknown
/// regions are treated as none: then only numbers with a country code parse.
pub fn region(code: Option<&str>) -> Option<Id> {
    let code = code?.trim();
    let mut key = [0u8; 8];
    let Some(slot) = key.get_mut(..code.len()) else {
        return resolve_region(code);
    };
    slot.copy_from_slice(code.as_bytes());
    let key = (key, code.len());
    if let Some((last, id)) = LAST_REGION.get() {
        if last == key {
            return id;
        }
    }
    let id = resolve_region(code);
    LAST_REGION.set(Some((key, id)));
    id
}

thread_local! {
    /// The last code [`region`] resolved (its bytes as given, trimmed) and the answer. Every
    /// contact resolves the import's one option, and `Id::from_str` compares the code with
    /// every region name in turn: ~1 k instructions a contact (callgrind). A pure function of
    /// the code (the metadata never changes), so remembering it changes no answer.
    static LAST_REGION: Cell<Option<(RegionKey, Option<Id>)>> = const { Cell::new(None) };
}

/// A region code's bytes (at most 8) and its length.
type RegionKey = ([u8; 8], usize);

/// The regions of each country code, as `DATABASE.by_code` gives them, looked up once for all
/// codes (1–999): `by_code` builds a new `Vec` on every call, two calls a number (~500
/// instructions with the allocations; callgrind). The metadata never changes, so the answers
/// are the same.
static REGIONS_BY_CODE: LazyLock<Vec<Option<Vec<&'static Metadata>>>> =
    LazyLock::new(|| (0..1000u16).map(|code| DATABASE.by_code(&code)).collect());

/// `DATABASE.by_code(&code)`, borrowed (see [`REGIONS_BY_CODE`]).
pub(super) fn regions_of(code: u16) -> Option<&'static [&'static Metadata]> {
    // Country codes have three digits at most: none above 999 (tested).
    REGIONS_BY_CODE
        .get(usize::from(code))
        .and_then(Option::as_deref)
}

fn resolve_region(code: &str) -> Option<Id> {
    let code = code.to_ascii_uppercase();
    let id = Id::from_str(&code).ok()?;
    // The crate unwraps the metadata lookup of the region it is given: check it first.
    DATABASE.by_id(id.as_ref()).map(|_| id)
}

/// Normalizes one raw number with an already resolved region (see [`region`]). `Err` means
/// the value holds no digit and should be dropped.
pub fn phone(raw: &str, region: Option<Id>) -> Result<NormalizedPhone, Error> {
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
    let region_code = region
        .and_then(|id| DATABASE.by_id(id.as_ref()))
        .map(|meta| meta.country_code());
    let explicit = cleaned.trim_start().starts_with('+');
    // The crate applies the default region's national-prefix rule even to a number that names
    // another country ("+33 1 23 45 67 89" with region US loses its "1"), so the region is
    // only given when the number has no country code or has the region's own.
    let first_region = match region_code {
        Some(code) if explicit && !digits_start_with(&cleaned, code) => None,
        _ => region,
    };
    let (number, code) = match shortcut::parse(&cleaned, first_region) {
        Some((code, national)) => {
            let mut buffer = [0u8; 20];
            let mut number = String::with_capacity(1 + 3 + national.len());
            number.push('+');
            number.extend(
                decimal(u64::from(code), &mut buffer)
                    .iter()
                    .map(|&b| char::from(b)),
            );
            number.push_str(&national);
            (number, code)
        }
        None => match parse_with_the_crate(&cleaned, region, first_region, region_code, explicit) {
            Ok(found) => found,
            Err(reason) => return Ok(fallback(reason)),
        },
    };
    // One metadata lookup (it allocates a Vec).
    let main = regions_of(code).and_then(|m| m.first().copied());
    if has_possible_length(&number, code, main) {
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

/// The E.164 number and country code by the crate's parser, or why it could not parse.
fn parse_with_the_crate(
    cleaned: &str,
    region: Option<Id>,
    first_region: Option<Id>,
    region_code: Option<u16>,
    explicit: bool,
) -> Result<(String, u16), &'static str> {
    let mut parsed = match phonenumber::parse(first_region, cleaned) {
        Ok(parsed) => parsed,
        Err(error) => {
            let reason = match error {
                ParseError::NoNumber => "no phone number found",
                ParseError::InvalidCountryCode if region.is_none() && !explicit => {
                    "no country code and no default region"
                }
                ParseError::InvalidCountryCode => "unknown country code",
                ParseError::TooShortAfterIdd | ParseError::TooShortNsn => "too short",
                ParseError::TooLong => "too long",
                ParseError::MalformedInteger(_) => "malformed number",
            };
            return Err(reason);
        }
    };
    // The same trap with an international prefix ("0033 1 23 45 67 89" in CH): parse again
    // as "+33 …" without the region.
    let code = parsed.code().value();
    if !explicit && region_code.is_some_and(|region_code| region_code != code) {
        if let Some(reparsed) = without_international_prefix(cleaned, code)
            .and_then(|plus| phonenumber::parse(None, plus).ok())
        {
            parsed = reparsed;
        }
    }
    let code = parsed.code().value();
    let number = match regions_of(code) {
        Some(_) => e164(&parsed),
        // The crate's formatter fails without metadata (and `to_string` panics): unchanged.
        None => parsed.format().mode(Mode::E164).to_string(),
    };
    Ok((number, code))
}

/// True when the ASCII digits of `cleaned` (all of them, in order: the digits after the
/// leading `+`) start with the decimal digits of `code`. Compares in place: building both
/// strings cost two allocations a number.
fn digits_start_with(cleaned: &str, code: u16) -> bool {
    let mut buffer = [0u8; 20];
    let code = decimal(u64::from(code), &mut buffer);
    let mut digits = cleaned.bytes().filter(u8::is_ascii_digit);
    code.iter().all(|&c| digits.next() == Some(c))
}

/// The decimal digits of `n` (no leading zeros; "0" for zero), written into `buffer`: what
/// `u64`'s Display writes (the crate formats country codes and national numbers with it).
fn decimal(mut n: u64, buffer: &mut [u8; 20]) -> &[u8] {
    let mut start = buffer.len();
    while let Some(digit) = start.checked_sub(1).and_then(|at| buffer.get_mut(at)) {
        *digit = b'0' + (n % 10) as u8;
        start -= 1;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    buffer.get(start..).unwrap_or(&[])
}

/// The E.164 form of a parsed number, exactly as the crate's `format().mode(Mode::E164)`
/// writes it: `+`, the country code, the national number's leading zeros, its value. The
/// crate's formatter first picks a national format by running the format patterns' regular
/// expressions, which E.164 never uses (~7 k instructions a number, callgrind). Only for a
/// country code with metadata: without, the crate's formatter fails.
fn e164(parsed: &phonenumber::PhoneNumber) -> String {
    let code = parsed.code().value();
    let national = parsed.national();
    let mut buffer = [0u8; 20];
    let mut out = String::with_capacity(24);
    out.push('+');
    out.extend(
        decimal(u64::from(code), &mut buffer)
            .iter()
            .map(|&b| char::from(b)),
    );
    for _ in 0..national.zeros() {
        out.push('0');
    }
    // As the crate's `write!(f, "{}", self.value())`.
    out.extend(
        decimal(national.value(), &mut buffer)
            .iter()
            .map(|&b| char::from(b)),
    );
    out
}

/// "0033 1 23…" (country code 33) → "+33123…": the digits after the first occurrence of the
/// country code that follows at least one prefix digit.
fn without_international_prefix(cleaned: &str, code: u16) -> Option<String> {
    let digits = fallback_digits(cleaned);
    let code = code.to_string();
    let at = digits.get(1..)?.find(&code)? + 1;
    let rest = digits.get(at + code.len()..)?;
    Some(format!("+{code}{rest}"))
}

/// libphonenumber's "possible number" test: the national number has one of the lengths the
/// country's numbers can have. No regular expression, so it is cheap (the full validity test
/// costs more than the parse itself, about 15 µs for a North American number).
/// `main` is the first metadata of the country code.
fn has_possible_length(e164: &str, code: u16, main: Option<&Metadata>) -> bool {
    let national = e164
        .len()
        .saturating_sub(1 + decimal(u64::from(code), &mut [0u8; 20]).len());
    let Some(main) = main else {
        return false;
    };
    let Ok(national) = u16::try_from(national) else {
        return false;
    };
    // The crate's metadata leaves the general lengths empty: take the union of the types'.
    let descriptors = main.descriptors();
    let types = [
        descriptors.fixed_line(),
        descriptors.mobile(),
        descriptors.toll_free(),
        descriptors.premium_rate(),
        descriptors.shared_cost(),
        descriptors.personal_number(),
        descriptors.voip(),
        descriptors.pager(),
        descriptors.uan(),
        descriptors.voicemail(),
    ];
    types
        .into_iter()
        .flatten()
        .any(|d| d.possible_length().contains(&national))
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
    if cleaned.trim_start().starts_with('+') {
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
pub fn phones(list: &mut Vec<Phone>, region: Option<Id>, errors: &mut Vec<Error>) {
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

    fn number(raw: &str, region_code: Option<&str>) -> (String, bool) {
        match phone(raw, region(region_code)) {
            Ok(n) => (n.number, n.e164),
            Err(error) => panic!("{raw:?} dropped: {error}"),
        }
    }

    #[test]
    fn regions_of_a_code_are_the_databases() {
        let name = |m: &&Metadata| m.id().to_string();
        for code in 0..=u16::MAX {
            let ours = regions_of(code).map(|r| r.iter().map(name).collect::<Vec<_>>());
            let theirs = DATABASE
                .by_code(&code)
                .map(|r| r.iter().map(name).collect::<Vec<_>>());
            assert_eq!(ours, theirs, "{code}");
        }
        assert_eq!(regions_of(44).map(<[_]>::len), Some(4));
    }

    #[test]
    fn regions() {
        assert_eq!(region(Some("ch")), Some(Id::CH));
        assert_eq!(region(Some(" US ")), Some(Id::US));
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

    /// The crate applies the default region's national prefix to other countries' numbers.
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
        assert_eq!(number("+49000000", None), ("+49000000".into(), false));
        assert_eq!(number("+999 1234567", None), ("+9991234567".into(), false));
        assert_eq!(
            number("650-253-0000 x123", None),
            ("6502530000".into(), false)
        );
        assert_eq!(number("123", Some("US")), ("+123".into(), false));
        assert!(phone("abc", None).is_err());
        assert!(phone("", Some(Id::US)).is_err());
    }

    /// Short inputs around prefixes are where the crate slices unchecked; none may panic.
    /// (Random longer inputs: see `random_inputs_do_not_panic`.)
    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn short_inputs_do_not_panic() {
        let regions = [
            None,
            Some(Id::US),
            Some(Id::CH),
            Some(Id::BR),
            Some(Id::AU),
            Some(Id::GB),
            Some(Id::JP),
        ];
        let heads = [
            "", "+", "0", "00", "011", "0011", "001", "0015", "8", "810", "+0", "+00", "1",
        ];
        let tails = [
            "", "9", "99", "999", "1", "12", "123", "0", "00", "42", "990", "80", "800",
        ];
        for region in regions {
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
        let regions = [
            None,
            Some(Id::US),
            Some(Id::CH),
            Some(Id::BR),
            Some(Id::GB),
            Some(Id::DE),
            Some(Id::IN),
        ];
        let mut walk = crate::walk::Walk(0x1234_5678);
        for _ in 0..3_000 {
            let input = walk.text(&alphabet, 1, 16);
            let region = walk.pick(&regions);
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
