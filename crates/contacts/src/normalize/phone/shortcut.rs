//! The common shapes of phone numbers (`+44 20 7946 0000`, `(650) 253-0000`), read without the
//! `phonenumber` crate's parser, with exactly the crate's result, or not at all.
//!
//! Why: the crate's `parse` runs a nom parser over the text and, for a `+` number read without a
//! default region, `source_for`, which tries the number against the patterns of every region of
//! its country code (all four of `+44`'s, say) only to learn which region's national-prefix rule
//! applies. That was most of the cost of a contact (about 35 k instructions a number natively,
//! callgrind, more in wasm), while for nearly every number the answer cannot depend on it: no
//! candidate region's rule matches the number's first digits, so nothing is stripped.
//!
//! [`parse`] walks the same steps as `phonenumber::parse` (0.3.10: `parser/mod.rs` and
//! `parser/helper.rs`) and gives up, returning `None` so that the caller asks the crate,
//! wherever a step could do more than split off the country code:
//! * anything but a leading `+`, ASCII digits and the separators ` -.()` (letters, extensions,
//!   `/`, `#`, a second `+`), anything after the last digit, more than 15 digits;
//! * an international prefix (IDD) of the default region at the start (checked with the
//!   region's own pattern, as the crate does);
//! * a number without `+` that starts with the region's country code (the crate then tests
//!   whether the code is part of the number);
//! * a national number that a candidate region's national-prefix rule could strip (its
//!   `national_prefix_for_parsing` pattern matching at the start, checked with that pattern, or
//!   its national prefix as the first digits). The candidates are the default region when one
//!   is given, else every region of the country code: whichever `source_for` would pick, or none,
//!   the number is left as it is;
//! * a national number that starts with `0` (the crate counts leading zeros apart) or is shorter
//!   than 4 digits.
//!
//! The test at the bottom compares [`parse`] with the crate on every country code and region in
//! many shapes and lengths.

use phonenumber::country::Id;
use phonenumber::metadata::{Metadata, DATABASE};

/// The most digits a number may have here: E.164's 15 (the crate's own limits are looser and
/// depend on the shape).
const MAX_DIGITS: usize = 15;

/// The fewest digits a national number may have here (shorter ones are rare and the crate's
/// checks on them depend on the shape).
const MIN_NATIONAL: usize = 4;

/// The country code and national number the crate's `parse(country, cleaned)` would give, or
/// `None` when that is not certain without asking it (see the module documentation).
pub(super) fn parse(cleaned: &str, country: Option<Id>) -> Option<(u16, String)> {
    let text = cleaned.trim_matches(' ');
    // The crate trims what cannot end a number before reading it: leave such text to it.
    if !text.ends_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let (plus, rest) = match text.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let mut digits = String::with_capacity(rest.len());
    for byte in rest.bytes() {
        match byte {
            b'0'..=b'9' => digits.push(char::from(byte)),
            b' ' | b'-' | b'.' | b'(' | b')' => {}
            _ => return None,
        }
    }
    if digits.len() < 3 || digits.len() > MAX_DIGITS {
        return None;
    }
    let country = match country {
        Some(id) => Some(DATABASE.by_id(id.as_ref())?),
        None => None,
    };
    let idd_first = |meta: &Metadata| {
        meta.international_prefix()
            .and_then(|idd| idd.find(&digits))
            .is_some_and(|found| found.start() == 0)
    };
    if country.is_some_and(idd_first) {
        return None;
    }
    let (code, national) = if plus {
        // The crate's `country_code`: the shortest leading digits that are a country code.
        if digits.starts_with('0') {
            return None;
        }
        let (code, length) = (1..=3).find_map(|length| {
            let code: u16 = digits.get(..length)?.parse().ok()?;
            super::regions_of(code).map(|_| (code, length))
        })?;
        digits.drain(..length);
        (code, digits)
    } else {
        let code = country?.country_code();
        if digits.starts_with(&code.to_string()) {
            return None;
        }
        (code, digits)
    };
    let one: [&Metadata; 1];
    let candidates: &[&Metadata] = match country {
        Some(meta) => {
            one = [meta];
            &one
        }
        None => super::regions_of(code)?,
    };
    if candidates.iter().any(|meta| may_strip(meta, &national)) {
        return None;
    }
    if national.len() < MIN_NATIONAL || national.starts_with('0') {
        return None;
    }
    Some((code, national))
}

/// True when `meta`'s national-prefix rule could take something off the start of `national`:
/// its pattern's leftmost match starts there (the crate's test), or its prefix does.
fn may_strip(meta: &Metadata, national: &str) -> bool {
    meta.national_prefix_for_parsing()
        .and_then(|pattern| pattern.find(national))
        .is_some_and(|found| found.start() == 0)
        || meta
            .national_prefix()
            .is_some_and(|prefix| national.starts_with(prefix))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    /// What the crate says, in the same terms.
    fn crate_parse(cleaned: &str, country: Option<Id>) -> Option<(u16, String)> {
        let parsed = phonenumber::parse(country, cleaned).ok()?;
        if parsed.extension().is_some() || parsed.carrier().is_some() {
            return Some((0, String::new()));
        }
        Some((parsed.code().value(), parsed.national().to_string()))
    }

    /// A small deterministic generator (xorshift), so that a failure can be replayed.
    struct Digits(u64);

    impl Digits {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn string(&mut self, length: usize) -> String {
            (0..length)
                .map(|_| char::from(b'0' + (self.next() % 10) as u8))
                .collect()
        }
    }

    /// The shapes a number is written in, around its country code and national digits.
    fn shapes(code: u16, national: &str) -> Vec<String> {
        let (head, tail) = national.split_at(national.len().min(3));
        vec![
            format!("+{code} {national}"),
            format!("+{code}{national}"),
            format!("+{code} ({head}) {tail}"),
            format!("+{code}-{head}-{tail}"),
            format!("+{code}.{head}.{tail}"),
            format!("+ {code} {head} {tail}"),
            format!("+({code}) {head} {tail}"),
            format!("+{code} 0{national}"),
            format!("+{code} (0){head} {tail}"),
            national.to_string(),
            format!("0{national}"),
            format!("({head}) {tail}"),
            format!("{head}-{tail}"),
            format!("{code}{national}"),
            format!("00{code} {national}"),
            format!("011 {code} {national}"),
            format!("1 {head} {tail}"),
            format!(" {head}.{tail} "),
        ]
    }

    fn compare(cases: usize, seed: u64) -> (usize, usize) {
        let mut random = Digits(seed);
        let codes: Vec<u16> = {
            let mut codes: Vec<u16> = DATABASE.iter().map(Metadata::country_code).collect();
            codes.sort_unstable();
            codes.dedup();
            codes
        };
        let mut regions: Vec<Option<Id>> = vec![None];
        regions.extend(
            DATABASE
                .iter()
                .filter_map(|meta| Id::from_str(meta.id()).ok())
                .map(Some),
        );
        let (mut checked, mut taken) = (0, 0);
        while checked < cases {
            let code = codes[(random.next() % codes.len() as u64) as usize];
            let length = 2 + (random.next() % 13) as usize;
            let national = random.string(length);
            // Half the time a common region, else any.
            let region = if random.next().is_multiple_of(2) {
                [
                    None,
                    Id::from_str("US").ok(),
                    Id::from_str("GB").ok(),
                    Id::from_str("DE").ok(),
                ][(random.next() % 4) as usize]
            } else {
                regions[(random.next() % regions.len() as u64) as usize]
            };
            for shape in shapes(code, &national) {
                checked += 1;
                if let Some(fast) = parse(&shape, region) {
                    taken += 1;
                    assert_eq!(
                        Some(&fast),
                        crate_parse(&shape, region).as_ref(),
                        "{shape:?} with region {region:?}"
                    );
                }
            }
        }
        (checked, taken)
    }

    #[test]
    fn agrees_with_the_crate() {
        let (checked, taken) = compare(20_000, 0x9e37_79b9_7f4a_7c15);
        // It must also be a shortcut: most well-formed numbers take it.
        assert!(taken * 4 > checked, "{taken} of {checked} taken");
    }

    /// The long run, reported in BENCHMARKS.md: `cargo test --release -p contacts
    /// shortcut -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn agrees_with_the_crate_on_a_million_numbers() {
        let (checked, taken) = compare(1_000_000, 42);
        println!("shortcut: {taken} of {checked} numbers taken, all equal to the crate's parse");
    }

    #[test]
    fn takes_the_common_shapes_and_leaves_the_rest() {
        let us = Id::from_str("US").ok();
        assert_eq!(parse("(650) 253-0000", us), Some((1, "6502530000".into())));
        assert_eq!(
            parse("+44 20 7946 0000", us),
            Some((44, "2079460000".into()))
        );
        assert_eq!(parse("+1 415 223 4805", us), Some((1, "4152234805".into())));
        // The crate's to decide: a national prefix, an IDD, an extension, letters.
        assert_eq!(parse("+44 (0)20 7946 0000", None), None);
        assert_eq!(parse("011 44 20 7946 0000", us), None);
        assert_eq!(parse("1 650 253 0000", us), None);
        assert_eq!(parse("+1 650 253 0000 x12", us), None);
        assert_eq!(parse("1-800-FLOWERS", us), None);
        assert_eq!(parse("650 253 0000", None), None);
    }
}
