//! Several inputs through one [`Importer`] ([`Importer::next_input`], what the command line and
//! the widget's engine do) against each file through its own importer with merging off, in
//! 64 KiB chunks, then `contacts::merge` of all their contacts (the command line's path until
//! issue 9): the same JSON, byte for byte, and the same problems in the same order, over the
//! corpus.
#![cfg(not(target_arch = "wasm32"))]

use contacts::{json, Contact, Importer, NormalizeOptions, Options, Problem};

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/corpus");

/// Bytes fed at a time, as the command line reads.
const CHUNK: usize = 64 * 1024;

/// The corpus files of `folder`, sorted, as (name, bytes).
fn folder(folder: &str) -> Vec<(String, Vec<u8>)> {
    let dir = format!("{CORPUS}/{folder}");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .map(|entry| entry.expect("a corpus entry").file_name())
        .map(|name| name.to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let bytes = std::fs::read(format!("{dir}/{name}")).expect("a corpus file");
            (format!("{folder}/{name}"), bytes)
        })
        .collect()
}

fn options(source: &str, region: Option<&str>, merge: bool) -> Options {
    Options {
        source: source.to_string(),
        normalize: NormalizeOptions {
            region: region.map(str::to_string),
        },
        merge,
        ..Options::default()
    }
}

/// The command line's way: one importer per file, merging off, then one merge of everything.
fn command_line(
    inputs: &[(String, Vec<u8>)],
    region: Option<&str>,
    merge: bool,
) -> (String, Vec<Problem>) {
    let mut all: Vec<Contact> = Vec::new();
    let mut problems = Vec::new();
    for (name, bytes) in inputs {
        let mut importer = Importer::new(options(name, region, false));
        bytes.chunks(CHUNK).for_each(|chunk| importer.feed(chunk));
        let import = importer.finish();
        all.extend(import.contacts);
        problems.extend(import.problems);
    }
    if merge {
        all = contacts::merge(all);
    }
    (json::write(&all), problems)
}

/// One importer for every file, `chunk` bytes at a time.
fn one_importer(
    inputs: &[(String, Vec<u8>)],
    region: Option<&str>,
    merge: bool,
    chunk: usize,
) -> (String, Vec<Problem>, contacts::Progress) {
    let mut importer: Option<Importer> = None;
    for (name, bytes) in inputs {
        match &mut importer {
            None => importer = Some(Importer::new(options(name, region, merge))),
            Some(importer) => importer.next_input(name),
        }
        if let Some(importer) = &mut importer {
            bytes.chunks(chunk).for_each(|piece| importer.feed(piece));
        }
    }
    let result = importer
        .unwrap_or_else(|| Importer::new(options("-", region, merge)))
        .finish_list();
    let mut text = String::new();
    json::write_list(&result.contacts, |piece| text.push_str(piece));
    (text, result.problems, result.progress)
}

fn assert_same(inputs: &[(String, Vec<u8>)], what: &str) {
    for (region, merge) in [(None, false), (Some("US"), true), (None, true)] {
        let (expected, expected_problems) = command_line(inputs, region, merge);
        for chunk in [CHUNK, 777] {
            let (json, problems, progress) = one_importer(inputs, region, merge, chunk);
            assert!(
                json == expected,
                "{what} ({region:?}, merge {merge}, chunks of {chunk}): the JSON differs from the command line's"
            );
            assert_eq!(
                problems, expected_problems,
                "{what} ({region:?}, merge {merge})"
            );
            assert_eq!(progress.problems, problems.len() as u64);
            let bytes: usize = inputs.iter().map(|(_, b)| b.len()).sum();
            assert_eq!(progress.bytes, bytes as u64);
        }
    }
}

#[test]
fn every_folder_of_the_corpus_as_one_import_equals_the_command_line() {
    let mut compared = 0;
    for name in ["vcard", "csv", "xml", "security"] {
        let inputs = folder(name);
        assert!(!inputs.is_empty(), "corpus folder {name}");
        compared += inputs.len();
        assert_same(&inputs, name);
    }
    assert!(compared >= 70, "only {compared} corpus files");
}

#[test]
fn the_whole_corpus_as_one_import_equals_the_command_line() {
    let mut inputs = Vec::new();
    for name in ["csv", "vcard", "xml"] {
        inputs.extend(folder(name));
    }
    let (json, _, _) = one_importer(&inputs, Some("US"), true, CHUNK);
    let (plain, _, _) = one_importer(&inputs, Some("US"), false, CHUNK);
    // Something is merged across files, or the comparison would not be about merging.
    assert!(json.lines().count() < plain.lines().count());
    assert_same(&inputs, "csv + vcard + xml");
}

#[test]
fn a_record_cut_off_at_the_end_of_one_input_is_reported_under_its_name() {
    let vcard = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada Lovelace\r\nEMAIL:ada@example.org\r\nEND:VCARD\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nFN:Cut Off\r\n";
    let csv =
        b"Name,E-mail Address\r\nGrace Hopper,grace@example.org\r\nAda L.,ADA@example.org\r\n";
    let inputs = vec![
        ("first.vcf".to_string(), vcard.to_vec()),
        ("empty.csv".to_string(), Vec::new()),
        ("second.csv".to_string(), csv.to_vec()),
        // A format, but neither a record nor a problem: empty too, after inputs that had some.
        (
            "header.csv".to_string(),
            b"Name,E-mail Address\r\n".to_vec(),
        ),
        ("again.vcf".to_string(), vcard.to_vec()),
    ];
    assert_same(&inputs, "cut-off vCard, empty inputs, CSV");
    let (json, problems, progress) = one_importer(&inputs, None, true, 5);
    let places: Vec<(String, u32, &str)> = problems
        .iter()
        .map(|p| (p.source.clone(), p.line, p.code))
        .collect();
    assert_eq!(
        places,
        vec![
            ("first.vcf".to_string(), 6, "truncated"),
            ("empty.csv".to_string(), 0, "empty"),
            ("header.csv".to_string(), 0, "empty"),
            ("again.vcf".to_string(), 6, "truncated"),
        ]
    );
    // The cut-off card is still read (with its problem), once from each vCard input.
    assert_eq!(progress.records, 6);
    // Ada's two vCards and her CSV row (upper-cased address) are one contact, from three
    // inputs; Grace and the two cut-off cards (no e-mail or phone to merge on) are three more.
    let value: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let contacts = value.as_array().expect("an array");
    let names: Vec<&str> = contacts
        .iter()
        .filter_map(|c| c["name"]["display"].as_str())
        .collect();
    assert_eq!(
        names,
        ["Ada Lovelace", "Cut Off", "Grace Hopper", "Cut Off"]
    );
    let sources: Vec<&str> = contacts[0]["sources"]
        .as_array()
        .expect("sources")
        .iter()
        .filter_map(|s| s["source"].as_str())
        .collect();
    assert_eq!(sources, ["first.vcf", "second.csv", "again.vcf"]);
}
