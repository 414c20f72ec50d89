//! The common shapes of phone numbers (`+44 20 7946 0000`, `(650) 253-0000` in US), read
//! without libphonenumber's parser, with exactly its result, or not at all.
//!
//! Why: `rlibphonenumber` with `regex-lite` spends 20–30 µs natively on every number (measured
//! on the benchmark's six shapes, BENCHMARKS.md), most of it in the big generic patterns every
//! parse runs (the viable-number and extension patterns, which `regex-lite` runs without the
//! `regex` crate's automata). That is most of an import's time. For a number written with
//! digits, separators and at most a leading `+`, none of those patterns can do anything but
//! accept it, and the one rule that can change the result, the national prefix, is tested
//! here with the region's own anchored pattern.
//!
//! [`parse`] follows libphonenumber's `parseHelper` (`maybeExtractCountryCode`,
//! `maybeStripInternationalPrefixAndNormalize`, `maybeStripNationalPrefixAndCarrierCode`) and
//! gives up, returning `None` so that the caller asks the parser, wherever a step could do more
//! than split off the country code:
//! * anything but a leading `+`, ASCII digits and the separators ` -.()` (letters, extensions,
//!   `/`, `#`, a second `+`), anything after the last digit, more than 15 digits;
//! * an international prefix (IDD) of the default region at the start (its own pattern);
//! * a number without `+` that starts with the region's country code (libphonenumber then
//!   tests whether the code is part of the number);
//! * a country code shared by no region (`+800`, …), whose metadata is not a region's;
//! * a national number that the region's national-prefix rule could strip (its
//!   `national_prefix_for_parsing` pattern matching at the start, or its national prefix as
//!   the first digits). The region is the default one for a number without `+`, else the main
//!   region of the country code, as in libphonenumber;
//! * a national number that starts with `0` (libphonenumber counts leading zeros apart) or is
//!   shorter than 4 digits.
//!
//! The test at the bottom compares [`parse`] with the parser on every country code and region
//! in many shapes and lengths.

use std::sync::OnceLock;

use regex_lite::Regex;
use rlibphonenumber::{PhoneMetadata, PhoneNumberUtil, Region};

/// The most digits a number may have here: E.164's 15.
const MAX_DIGITS: usize = 15;

/// The fewest digits a national number may have here (shorter ones are rare, and
/// libphonenumber's checks on them depend on the shape).
const MIN_NATIONAL: usize = 4;

/// What the shortcut reads of a region's metadata, its patterns compiled on first use.
pub(super) struct Prefixes {
    country_code: i32,
    international_prefix: Pattern,
    national_prefix_for_parsing: Pattern,
    national_prefix: Option<String>,
}

/// One of libphonenumber's patterns, as `lookingAt` uses it (anchored at the start only).
struct Pattern {
    /// As the metadata stores it: `^(?:…)$`.
    source: Option<String>,
    compiled: OnceLock<Option<Regex>>,
}

impl Pattern {
    fn new(source: Option<&str>) -> Self {
        Pattern {
            source: source.filter(|s| !s.is_empty()).map(str::to_string),
            compiled: OnceLock::new(),
        }
    }

    /// True when the pattern matches a prefix of `digits`. A pattern that does not compile
    /// counts as matching, so that the parser decides.
    fn looks_at(&self, digits: &str) -> bool {
        let Some(source) = &self.source else {
            return false;
        };
        let compiled = self.compiled.get_or_init(|| {
            // The metadata stores full-match patterns; `lookingAt` drops the end anchor.
            let anchored = source.strip_suffix('$').unwrap_or(source);
            let anchored = if anchored.starts_with('^') {
                anchored.to_string()
            } else {
                format!("^(?:{anchored})")
            };
            Regex::new(&anchored).ok()
        });
        compiled.as_ref().is_none_or(|regex| regex.is_match(digits))
    }
}

impl Prefixes {
    /// The prefixes of one region's metadata, or `None` for a non-geographic entity's (`001`,
    /// one per shared country code such as 800) or an entry without a country code.
    #[allow(deprecated)] // The fields are read here, before the parser's wrapper empties them.
    pub(super) fn of(metadata: &PhoneMetadata) -> Option<(Region, Prefixes)> {
        let region = Region::from_code(&metadata.id)
            .ok()
            .filter(|region| *region != Region::World)?;
        let prefixes = Prefixes {
            country_code: metadata.country_code?,
            international_prefix: Pattern::new(metadata.international_prefix.as_deref()),
            national_prefix_for_parsing: Pattern::new(
                metadata.national_prefix_for_parsing.as_deref(),
            ),
            national_prefix: metadata.national_prefix.clone().filter(|p| !p.is_empty()),
        };
        Some((region, prefixes))
    }

    /// True when this region's national-prefix rule could take something off `national`.
    fn may_strip(&self, national: &str) -> bool {
        self.national_prefix_for_parsing.looks_at(national)
            || self
                .national_prefix
                .as_deref()
                .is_some_and(|prefix| national.starts_with(prefix))
    }
}

/// The country code and national number libphonenumber's `parse(cleaned, region)` would give,
/// or `None` when that is not certain without asking it (see the module documentation).
/// `prefixes` looks up a region's [`Prefixes`].
pub(super) fn parse<'p>(
    cleaned: &str,
    region: Option<Region>,
    util: &PhoneNumberUtil,
    prefixes: impl Fn(Region) -> Option<&'p Prefixes>,
) -> Option<(i32, String)> {
    let text = cleaned.trim_matches(' ');
    // libphonenumber trims what cannot end a number before reading it: leave such text to it.
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
    let default = match region {
        Some(region) => Some(prefixes(region)?),
        None => None,
    };
    let (code, national, rules) = if plus {
        // `extractCountryCode`: the shortest leading digits that are a country code.
        if digits.starts_with('0') {
            return None;
        }
        let (code, length, main) = (1..=3).find_map(|length| {
            let code: i32 = digits.get(..length)?.parse().ok()?;
            util.get_region_for_country_code(code)
                .map(|main| (code, length, main))
        })?;
        // A region's metadata, not a non-geographic entity's (`World`, which has none here).
        let rules = prefixes(main)?;
        digits.drain(..length);
        (code, digits, rules)
    } else {
        let default = default?;
        if default.international_prefix.looks_at(&digits) {
            return None;
        }
        let code = default.country_code;
        if digits.starts_with(&code.to_string()) {
            return None;
        }
        (code, digits, default)
    };
    if rules.may_strip(&national) {
        return None;
    }
    if national.len() < MIN_NATIONAL || national.starts_with('0') {
        return None;
    }
    Some((code, national))
}

#[cfg(test)]
mod tests {
    use super::super::{parser, Phones};
    use super::*;
    use crate::walk::Walk;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// What the parser says, in the same terms (an extension marks a different result).
    fn parser_parse(cleaned: &str, region: Option<Region>) -> Option<(i32, String)> {
        let parsed = parser()?.util.parse(cleaned, region).ok()?;
        if parsed.extension.is_some() {
            return Some((0, String::new()));
        }
        let national = rlibphonenumber::get_national_significant_number_owned(&parsed);
        Some((parsed.country_code, national))
    }

    fn fast(phones: &Phones, cleaned: &str, region: Option<Region>) -> Option<(i32, String)> {
        parse(cleaned, region, &phones.util, |region| {
            phones.prefixes.get(&region)
        })
    }

    /// The shapes a number is written in, around its country code and national digits.
    fn shapes(code: i32, national: &str) -> Vec<String> {
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
        let phones = parser().expect("the phone metadata decodes");
        let mut codes: Vec<i32> = phones.prefixes.values().map(|p| p.country_code).collect();
        codes.sort_unstable();
        codes.dedup();
        let mut regions: Vec<Option<Region>> = vec![None];
        let mut known: Vec<Region> = phones.prefixes.keys().copied().collect();
        known.sort_unstable_by_key(|region| region.to_string());
        regions.extend(known.into_iter().map(Some));
        let common = [None, Some(Region::US), Some(Region::GB), Some(Region::DE)];
        let mut walk = Walk(seed);
        let (mut checked, mut taken) = (0, 0);
        while checked < cases {
            let code = walk.pick(&codes);
            let length = 2 + walk.next() % 13;
            let national: String = (0..length)
                .map(|_| char::from(b'0' + (walk.next() % 10) as u8))
                .collect();
            // Half the time a common region, else any.
            let region = if walk.next().is_multiple_of(2) {
                walk.pick(&common)
            } else {
                walk.pick(&regions)
            };
            for shape in shapes(code, &national) {
                checked += 1;
                if let Some(found) = fast(phones, &shape, region) {
                    taken += 1;
                    assert_eq!(
                        Some(&found),
                        parser_parse(&shape, region).as_ref(),
                        "{shape:?} with region {region:?}"
                    );
                }
            }
        }
        (checked, taken)
    }

    #[test]
    fn agrees_with_the_parser() {
        let (checked, taken) = compare(20_000, 0x9e37_79b9_7f4a_7c15);
        // It must also be a shortcut: most well-formed numbers take it.
        assert!(taken * 4 > checked, "{taken} of {checked} taken");
    }

    /// The long run, reported in BENCHMARKS.md: `cargo test --release -p contacts
    /// shortcut -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn agrees_with_the_parser_on_a_million_numbers() {
        let (checked, taken) = compare(1_000_000, 42);
        println!("shortcut: {taken} of {checked} numbers taken, all equal to the parser's");
    }

    #[test]
    fn takes_the_common_shapes_and_leaves_the_rest() {
        let phones = parser().expect("the phone metadata decodes");
        let us = Some(Region::US);
        let parse = |text: &str, region| fast(phones, text, region);
        assert_eq!(parse("(650) 253-0000", us), Some((1, "6502530000".into())));
        assert_eq!(
            parse("+44 20 7946 0000", us),
            Some((44, "2079460000".into()))
        );
        assert_eq!(parse("+1 415 223 4805", us), Some((1, "4152234805".into())));
        // The parser's to decide: a national prefix, an IDD, an extension, letters, a
        // non-geographic code.
        assert_eq!(parse("+44 (0)20 7946 0000", None), None);
        assert_eq!(parse("011 44 20 7946 0000", us), None);
        assert_eq!(parse("1 650 253 0000", us), None);
        assert_eq!(parse("+1 650 253 0000 x12", us), None);
        assert_eq!(parse("1-800-FLOWERS", us), None);
        assert_eq!(parse("650 253 0000", None), None);
        assert_eq!(parse("+800 1234 5678", None), None);
        assert_eq!(parse("+7 800 123-45-67", None), None);
    }
}
