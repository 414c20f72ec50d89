//! The native half of the parity test (see `support/parity.rs`): runs every case natively,
//! writes its JSON under `<target>/tmp/parity/native/` with a manifest, for
//! `tests/parity_wasm.rs` to compare against byte for byte. `scripts/test` runs this first.
//!
//! It also checks that the comparison is about something: every input gives an output, and
//! inputs known to hold contacts give a non-empty array.

#![cfg(not(target_arch = "wasm32"))]

#[path = "support/parity.rs"]
mod parity;

use std::fs;
use std::path::Path;

use parity::{Case, MANIFEST, MIN_CORPUS_INPUTS};

/// Names of the regular files in `dir`; an unreadable folder is a failure, not an empty list.
fn list_files(dir: &str) -> Vec<String> {
    let entries = fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot list {dir}: {e}"));
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.unwrap_or_else(|e| panic!("cannot list {dir}: {e}"));
        if entry.file_type().is_ok_and(|t| t.is_file()) {
            names.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    names
}

fn run_case(case: &Case) -> String {
    let bytes = fs::read(&case.path).unwrap_or_else(|e| panic!("cannot read {}: {e}", case.path));
    case.run(&bytes)
}

#[test]
fn native_outputs_are_written_for_every_case() {
    let cases = parity::cases(list_files);
    let corpus_inputs = cases
        .iter()
        .filter(|c| !c.label.starts_with("parity/"))
        .count()
        / parity::CONFIGS.len();
    assert!(
        corpus_inputs >= MIN_CORPUS_INPUTS,
        "only {corpus_inputs} corpus inputs found under {}: is tests/corpus there?",
        parity::CORPUS_ROOT
    );

    // Start from an empty folder, so no output of an earlier run can stand in for a missing one.
    let out_dir = parity::native_output_dir();
    let out = Path::new(&out_dir);
    if out.exists() {
        fs::remove_dir_all(out).expect("old native outputs can be removed");
    }
    let mut manifest = String::new();
    for case in &cases {
        let json = run_case(case);
        let file = out.join(case.output_name());
        if let Some(parent) = file.parent() {
            fs::create_dir_all(parent).expect("output folder can be created");
        }
        fs::write(&file, json).expect("native output can be written");
        manifest.push_str(&case.manifest_line());
        manifest.push('\n');
    }
    fs::write(out.join(MANIFEST), manifest).expect("manifest can be written");

    // One output per case, nothing else.
    let mut written = 0;
    for folder in fs::read_dir(out).expect("output folder lists") {
        let folder = folder.expect("output folder lists").path();
        if folder.is_dir() {
            written += fs::read_dir(&folder).expect("output folder lists").count();
        }
    }
    assert_eq!(
        written,
        cases.len(),
        "one native output per case in {out_dir}"
    );
}

/// Inputs that hold contacts (MANIFEST.txt of the corpus; our own fixtures) must not come out
/// as `[]`: if they did, native and wasm would agree on nothing and the parity test would pass
/// without comparing anything. One test per format, so a reader that has not landed yet shows
/// up by name.
fn assert_yield_contacts(labels: &[&str]) {
    let cases = parity::cases(list_files);
    for label in labels {
        let matching: Vec<&Case> = cases.iter().filter(|c| c.label == *label).collect();
        assert!(!matching.is_empty(), "{label} is not a parity input");
        for case in matching {
            let json = run_case(case);
            let contacts: serde_json::Value =
                serde_json::from_str(&json).expect("normalize_json returns JSON");
            let count = contacts.as_array().map_or(0, Vec::len);
            assert!(
                count > 0,
                "{label} ({}) gave no contacts: {json}",
                case.config.name
            );
        }
    }
}

#[test]
fn vcard_inputs_known_to_hold_contacts_yield_contacts() {
    assert_yield_contacts(&[
        "vcard/ezvcard__gmail-list.vcf",
        "vcard/ezvcard__John_Doe_ANDROID.vcf",
        "vcard/ezvcard__John_Doe_IPHONE.vcf",
        "vcard/calcard__005.vcf",
        "vcard/khard__korean-c.vcf",
        "vcard/roundcube__utf-16_sample.vcf",
        "parity/nfd_accents_phones_merge.vcf",
    ]);
}

#[test]
fn json_inputs_known_to_hold_contacts_yield_contacts() {
    // The corpus's one JSON file (xml/synth__convio_single_vs_array.json) is five JSON
    // documents on five lines, not one document: it is not a contact file as a whole.
    assert_yield_contacts(&["parity/contact_picker_nfd.json"]);
}

#[test]
fn csv_inputs_known_to_hold_contacts_yield_contacts() {
    assert_yield_contacts(&[
        "csv/roundcube__gmail.csv",
        "csv/thunderbird__basic_csv_addressbook.csv",
        "csv/synth__google_contacts_current_layout.csv",
        "csv/synth__outlook_de_semicolon_cp1252.csv",
        "csv/synth__outlook_unicode_utf16le_tab.txt",
        "parity/google_nfd_merge.csv",
    ]);
}
