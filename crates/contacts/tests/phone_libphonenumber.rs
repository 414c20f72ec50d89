//! The differential test of phone normalization against libphonenumber: numbers of every region
//! and non-geographic calling code, in national, international, `00`, E.164 and `+CC (0)` forms,
//! with libphonenumber's answers (`data/phone_libphonenumber.tsv`, written by
//! `tools/phone_vectors.py` with Python's `phonenumbers`, its port).
//!
//! Where libphonenumber parses a number, ours must give its E.164 form, with `e164` true exactly
//! when libphonenumber calls it possible (`IS_POSSIBLE`: a local-only length is not enough to
//! match contacts on). Where it does not parse, ours must not claim an E.164 number. Every
//! difference is either listed, with its reason, in `data/phone_libphonenumber_differences.tsv`,
//! or fails the test; so does a listed difference that no longer occurs.
//!
//! The same test runs in wasm (Node), where the engine runs it: `cargo test -p contacts
//! --target wasm32-unknown-unknown --test phone_libphonenumber`.

use std::collections::BTreeMap;

use contacts::normalize::{phone, region};

const VECTORS: &str = include_str!("data/phone_libphonenumber.tsv");
const DIFFERENCES: &str = include_str!("data/phone_libphonenumber_differences.tsv");

/// What normalization gave for one vector, written as the differences file writes it:
/// the number, then `e164` or `not-e164`, or `dropped`.
fn ours(input: &str, region_code: Option<&str>) -> String {
    match phone(input, region(region_code)) {
        Ok(normalized) if normalized.e164 => format!("{} e164", normalized.number),
        Ok(normalized) => format!("{} not-e164", normalized.number),
        Err(_) => "dropped".to_string(),
    }
}

/// The lines of a TSV file after its `#` comments and its header.
fn rows(tsv: &str) -> impl Iterator<Item = Vec<&str>> {
    tsv.lines()
        .filter(|line| !line.starts_with('#') && !line.is_empty())
        .skip(1)
        .map(|line| line.split('\t').collect())
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn agrees_with_libphonenumber() {
    // (input, region) → (what ours gives, why it differs).
    let mut listed: BTreeMap<(String, String), (String, String)> = BTreeMap::new();
    for columns in rows(DIFFERENCES) {
        let [input, region, gives, reason] = columns[..] else {
            panic!("bad line of the differences: {columns:?}")
        };
        assert!(
            !reason.trim().is_empty(),
            "{input:?} is listed without a reason"
        );
        listed.insert(
            (input.to_string(), region.to_string()),
            (gives.to_string(), reason.to_string()),
        );
    }
    let (mut checked, mut parsed, mut known) = (0, 0, 0);
    let mut unlisted = Vec::new();
    let mut seen = Vec::new();
    for columns in rows(VECTORS) {
        let [input, region_code, form, e164, possible] = columns[..] else {
            panic!("bad vector: {columns:?}")
        };
        checked += 1;
        let given = (region_code != "-").then_some(region_code);
        let got = ours(input, given);
        let agrees = if e164 == "-" {
            !got.ends_with(" e164")
        } else {
            parsed += 1;
            let flag = if possible == "IS_POSSIBLE" {
                "e164"
            } else {
                "not-e164"
            };
            got == format!("{e164} {flag}")
        };
        if agrees {
            continue;
        }
        let key = (input.to_string(), region_code.to_string());
        match listed.get(&key) {
            Some((gives, _)) if *gives == got => {
                known += 1;
                seen.push(key);
            }
            _ => unlisted.push(format!(
                "{input}\t{region_code}\t{got}\t({form}: libphonenumber {e164} {possible})"
            )),
        }
    }
    let stale: Vec<_> = listed.keys().filter(|key| !seen.contains(key)).collect();
    println!(
        "phone differential: {checked} vectors ({parsed} parsed by libphonenumber), \
         {known} listed differences, {} unlisted",
        unlisted.len()
    );
    assert!(
        unlisted.is_empty(),
        "{} differences from libphonenumber not listed in the differences file:\n{}",
        unlisted.len(),
        unlisted.join("\n")
    );
    assert!(
        stale.is_empty(),
        "listed differences that no longer occur: {stale:?}"
    );
    assert!(checked > 6_000, "only {checked} vectors");
}
