//! The engine natively, over corpus files: what the picker is given of each contact (the
//! entry mapping), several files merged exactly as the command line merges them, the chosen
//! e-mail in the JSON the host receives (validated against the schema), and the problems
//! summary.
#![cfg(not(target_arch = "wasm32"))]

use contact_picker_engine::Engine;
use contacts::{json, Contact, Importer, NormalizeOptions, Options};
use contacts::{ProblemExample, ProblemKind, ProblemSummary};
use picker::{Book, Duplicate, Entry, Reason};
use serde_json::Value;

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/corpus");
const SCHEMA: &str = include_str!("../../contacts/schema/contact.schema.json");

fn corpus(path: &str) -> Vec<u8> {
    std::fs::read(format!("{CORPUS}/{path}")).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// An import of `files` (name, bytes) pushed in chunks of `chunk` bytes, finished.
fn engine(files: &[(&str, &[u8])], region: Option<&str>, merge: bool, chunk: usize) -> Engine {
    let mut engine = Engine::with(region.map(str::to_string), merge);
    for (name, bytes) in files {
        engine.begin_file(name);
        bytes.chunks(chunk).for_each(|piece| engine.push(piece));
    }
    engine.finish();
    engine
}

fn packed(engine: &mut Engine) -> Book {
    Book::from_bytes(engine.pack(None)).expect("the packed bytes are a book")
}

#[test]
fn an_iphone_vcard_gives_its_name_organization_email_and_phones() {
    let bytes = corpus("vcard/ezvcard__John_Doe_IPHONE.vcf");
    let files = [("John_Doe_IPHONE.vcf", bytes.as_slice())];
    let mut plain = engine(&files, None, true, 64 * 1024);
    assert_eq!(plain.count(), 1);
    let entry = packed(&mut plain).entry(0);
    assert_eq!(entry.name, "Mr. John Richter James Doe Sr.");
    assert_eq!(entry.organization.as_deref(), Some("IBM"));
    assert_eq!(entry.emails, ["john.doe@ibm.com"]);
    // No region: the numbers are kept as cleaned digits.
    assert_eq!(entry.phones.first().map(String::as_str), Some("9055551234"));
    assert_eq!(entry.phones.len(), 7);
    assert!(entry.merges.is_empty() && entry.duplicates.is_empty());

    // With a region, E.164; the number as written is still searchable by its digits.
    let mut us = engine(&files, Some("US"), true, 1000);
    let book = packed(&mut us);
    let entry = book.entry(0);
    assert_eq!(
        entry.phones.first().map(String::as_str),
        Some("+19055551234")
    );
    let hay = String::from_utf8_lossy(book.haystack_of(0)).into_owned();
    assert!(
        hay.starts_with(
            "mr. john richter james doe sr.\u{1}ibm\u{1}john.doe@ibm.com\u{1}19055551234\u{1}"
        ),
        "{hay:?}"
    );
    assert!(hay.ends_with("\u{1}9052221234"), "{hay:?}");
    assert_eq!(us.format().as_deref(), Some("vcard"));
}

#[test]
fn a_gmail_csv_row_gives_its_emails_primary_first() {
    let bytes = corpus("csv/roundcube__gmail.csv");
    let mut engine = engine(&[("gmail.csv", &bytes)], Some("US"), true, 64 * 1024);
    assert_eq!(engine.count(), 1);
    assert_eq!(engine.format().as_deref(), Some("csv"));
    let entry = packed(&mut engine).entry(0);
    assert_eq!(
        entry,
        Entry {
            name: "Prefix Firstname Middle Lastname Suffix".into(),
            emails: vec![
                "home@aaa.pl".into(),
                "work@email.pl".into(),
                "unknown@email.com".into(),
                "other@email.com".into()
            ],
            phones: vec![],
            organization: Some("company".into()),
            merges: vec![],
            duplicates: vec![],
        }
    );
}

#[test]
fn a_contact_without_a_name_is_shown_by_its_organization_email_or_phone() {
    let bytes = corpus("vcard/ezvcard__John_Doe_ANDROID.vcf");
    let mut engine = engine(&[("android.vcf", &bytes)], None, false, 64 * 1024);
    let book = packed(&mut engine);
    // The first two cards have no name, only an e-mail.
    assert_eq!(book.entry(0).name, "john.doe@company.com");
    assert_eq!(book.entry(1).name, "jane.doe@company.com");
    assert_eq!(book.entry(2).name, "Ñ Ñ Ñ Ñ Ñ");

    let csv = b"Name,Company,E-mail Address,Mobile Phone\r\n,Acme,,\r\n,,,+41 44 668 18 00\r\n";
    let mut engine = engine_of(&[("a.csv", csv)]);
    let book = packed(&mut engine);
    assert_eq!(book.entry(0).name, "Acme");
    assert_eq!(book.entry(1).name, "+41446681800");
}

fn engine_of(files: &[(&str, &[u8])]) -> Engine {
    engine(files, None, true, 7)
}

/// The command line's path for several files (crates/server/src/normalize.rs): each file
/// alone with merging off, then one merge.
fn command_line(files: &[(&str, &[u8])], region: Option<&str>, merge: bool) -> Vec<Contact> {
    let mut all = Vec::new();
    for (name, bytes) in files {
        let mut importer = Importer::new(Options {
            source: name.to_string(),
            normalize: NormalizeOptions {
                region: region.map(str::to_string),
            },
            merge: false,
            ..Options::default()
        });
        bytes.chunks(64 * 1024).for_each(|c| importer.feed(c));
        all.extend(importer.finish().contacts);
    }
    if merge {
        all = contacts::merge(all);
    }
    all
}

/// The JSON the host would receive for every contact, without the `chosen_email` keys (each
/// checked to be the primary address, the default).
fn received_without_chosen(engine: &Engine) -> Value {
    let all: Vec<u32> = (0..engine.count() as u32).collect();
    let text = engine.contacts_json(&all, &[]);
    assert!(text.is_ascii());
    let mut value: Value = serde_json::from_str(&text).expect("contactsJson is JSON");
    for contact in value.as_array_mut().expect("an array") {
        let object = contact.as_object_mut().expect("an object");
        let chosen = object.remove("chosen_email");
        let first = object["emails"][0]["address"].as_str().map(str::to_string);
        assert_eq!(chosen.and_then(|c| c.as_str().map(str::to_string)), first);
    }
    value
}

#[test]
fn several_files_are_merged_as_the_command_line_merges_them() {
    let names = [
        "vcard/ezvcard__John_Doe_IPHONE.vcf",
        "vcard/ezvcard__John_Doe_GMAIL.vcf",
        "vcard/ezvcard__John_Doe_EVOLUTION.vcf",
        "vcard/ezvcard__gmail-list.vcf",
        "csv/roundcube__gmail.csv",
        "csv/synth__google_contacts_current_layout.csv",
        "vcard/ezvcard__John_Doe_LOTUS_NOTES.vcf",
    ];
    let bytes: Vec<Vec<u8>> = names.iter().map(|n| corpus(n)).collect();
    let files: Vec<(&str, &[u8])> = names
        .iter()
        .zip(&bytes)
        .map(|(n, b)| (*n, b.as_slice()))
        .collect();
    for (region, merge) in [(Some("US"), true), (None, false)] {
        let expected = command_line(&files, region, merge);
        for chunk in [64 * 1024, 333] {
            let mut engine = engine(&files, region, merge, chunk);
            assert_eq!(engine.count(), expected.len());
            let expected_json: Value = serde_json::from_str(&json::write(&expected)).expect("JSON");
            assert_eq!(received_without_chosen(&engine), expected_json);
            // The book has one entry per contact, with the merges of each.
            let book = packed(&mut engine);
            assert_eq!(book.len(), expected.len());
            for (index, contact) in expected.iter().enumerate() {
                let entry = book.entry(index as u32);
                assert_eq!(entry.merges.len(), contact.merges.len());
            }
        }
    }
    // Merged a few records at a time (the page without a worker), the same book and JSON,
    // progress kept meanwhile.
    let mut whole = engine(&files, Some("US"), true, 64 * 1024);
    let mut sliced = Engine::with(Some("US".to_string()), true);
    for (name, bytes) in &files {
        sliced.begin_file(name);
        sliced.push(bytes);
    }
    let mut slices = 1;
    assert!(!sliced.finish_some(3));
    // The last file read to its end: the figures stay while merging.
    let read = sliced.progress_of();
    assert_eq!(read.records, whole.progress_of().records);
    while !sliced.finish_some(3) {
        assert_eq!(sliced.progress_of(), read);
        assert_eq!(sliced.count(), 0, "no contacts before the merge is done");
        slices += 1;
    }
    assert!(slices as u64 > read.records / 3, "{slices} slices");
    assert_eq!(sliced.finish(), whole.count());
    assert_eq!(
        received_without_chosen(&sliced),
        received_without_chosen(&whole)
    );
    assert_eq!(sliced.pack(None), whole.pack(None));

    // John Doe is one contact from four files, and says where each record came from.
    let mut engine = engine(&files, Some("US"), true, 64 * 1024);
    let book = packed(&mut engine);
    let john = (0..book.len() as u32)
        .map(|i| book.entry(i))
        .find(|e| e.emails.first().map(String::as_str) == Some("john.doe@ibm.com"))
        .expect("John Doe");
    let merged_from: Vec<(&str, Option<u32>, Reason)> = john
        .merges
        .iter()
        .map(|m| (m.source.as_str(), m.line, m.reason))
        .collect();
    assert_eq!(
        merged_from,
        [
            ("vcard/ezvcard__John_Doe_GMAIL.vcf", Some(1), Reason::Email),
            (
                "vcard/ezvcard__John_Doe_EVOLUTION.vcf",
                Some(1),
                Reason::Email
            ),
            (
                "vcard/ezvcard__John_Doe_LOTUS_NOTES.vcf",
                Some(1),
                Reason::Email
            ),
        ]
    );
    assert!(john.merges.iter().all(|m| m.value == "john.doe@ibm.com"));
}

#[test]
fn possible_duplicates_point_at_the_other_entry() {
    let vcf =
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada Lovelace\r\nEMAIL:ada@one.example\r\nEND:VCARD\r\n";
    let csv = b"Name,E-mail Address\r\nGrace Hopper,grace@example.org\r\nAda Lovelace,ada@two.example\r\n";
    let files: [(&str, &[u8]); 2] = [("a.vcf", vcf), ("b.csv", csv)];
    let mut engine = engine_of(&files);
    assert_eq!(engine.count(), 3);
    let whole = engine.pack(None);
    let book = Book::from_bytes(whole.clone()).expect("a book");
    let duplicate = |entry: u32| Duplicate {
        entry,
        reason: Reason::Name,
        value: book
            .entry(0)
            .duplicates
            .first()
            .map(|d| d.value.clone())
            .unwrap_or_default(),
    };
    assert_eq!(book.entry(0).duplicates, [duplicate(2)]);
    assert_eq!(book.entry(1).duplicates, []);
    assert_eq!(book.entry(2).duplicates, [duplicate(0)]);
    assert!(!book.entry(0).duplicates[0].value.is_empty());

    // Packed a contact at a time (as on the page, in slices): the same bytes.
    let mut sliced = engine_of(&files);
    let mut slices = 0;
    while !sliced.pack_some(1) {
        slices += 1;
    }
    // One call for the table of ids, then one a contact.
    assert_eq!(slices, 3);
    assert_eq!(sliced.pack(None), whole);
}

#[test]
fn names_are_the_entries_names_and_the_order_given_is_kept() {
    let bytes = corpus("vcard/ezvcard__gmail-list.vcf");
    let mut engine = engine_of(&[("list.vcf", &bytes)]);
    let names = engine.names(None, None);
    assert_eq!(names, "Arnold Smith\nChris Beatle\nDoug White");
    assert_eq!(engine.names(Some(1), Some(1)), "Chris Beatle");
    assert_eq!(engine.names(Some(1), None), "Chris Beatle\nDoug White");
    assert_eq!(engine.names(Some(3), Some(5)), "");
    let book = Book::from_bytes(engine.pack(Some(vec![2, 0, 1]))).expect("a book");
    assert_eq!(book.by_name().collect::<Vec<_>>(), [2, 0, 1]);
    // Not a permutation: the book's own order by name.
    let book = Book::from_bytes(engine.pack(Some(vec![0, 0, 1]))).expect("a book");
    assert_eq!(book.by_name().collect::<Vec<_>>(), [0, 1, 2]);
    assert_eq!(book.name(1), "Chris Beatle");
}

fn validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(SCHEMA).expect("the schema is JSON");
    jsonschema::draft202012::new(&schema).expect("the schema compiles")
}

#[test]
fn the_chosen_email_is_named_and_the_json_validates() {
    let bytes = corpus("csv/roundcube__gmail.csv");
    let android = corpus("vcard/ezvcard__John_Doe_ANDROID.vcf");
    let engine = engine(
        &[("gmail.csv", &bytes), ("android.vcf", &android)],
        Some("US"),
        true,
        4096,
    );
    let count = engine.count() as u32;
    assert!(count >= 7, "{count}");
    // Entry 0: the Gmail row, four addresses; choose the third. Entry 3 has no e-mail... any
    // index past its list falls back to the primary.
    let indexes: Vec<u32> = (0..count).collect();
    let mut chosen = vec![0u32; count as usize];
    chosen[0] = 2;
    chosen[1] = 99;
    let text = engine.contacts_json(&indexes, &chosen);
    let value: Value = serde_json::from_str(&text).expect("JSON");
    let contacts = value.as_array().expect("an array");
    assert_eq!(contacts.len(), count as usize);
    assert_eq!(contacts[0]["chosen_email"], "unknown@email.com");
    assert_eq!(contacts[0]["emails"].as_array().map(Vec::len), Some(4));
    assert_eq!(
        contacts[1]["chosen_email"],
        contacts[1]["emails"][0]["address"]
    );
    // A contact without e-mail has no chosen_email at all.
    let without: Vec<&Value> = contacts
        .iter()
        .filter(|c| c["emails"].as_array().is_some_and(Vec::is_empty))
        .collect();
    assert!(!without.is_empty());
    assert!(without.iter().all(|c| c.get("chosen_email").is_none()));
    // One contact a line, and the key last in its object.
    assert_eq!(text.lines().count(), count as usize + 2);
    let first = text.lines().nth(1).unwrap_or_default();
    assert!(
        first.ends_with(r#","chosen_email":"unknown@email.com"},"#),
        "{first}"
    );

    let validator = validator();
    let errors: Vec<String> = validator
        .iter_errors(&value)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // The check is real: a chosen_email that is not a string fails.
    let mut broken = value.clone();
    broken[0]["chosen_email"] = Value::from(2);
    assert!(!validator.is_valid(&broken));

    // Out of range indexes are skipped; a subset in the order asked.
    let text = engine.contacts_json(&[5, 0, 1000], &[0, 1]);
    let value: Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(value.as_array().map(Vec::len), Some(2));
    assert_eq!(value[1]["chosen_email"], "work@email.pl");

    // CloudSponge's shape: the chosen address first.
    let text = engine.cloudsponge_json(&[0], &[3]);
    let value: Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(value["count"], 1);
    assert_eq!(
        value["contacts"][0]["email"][0]["address"],
        "other@email.com"
    );
    assert_eq!(
        value["contacts"][0]["email"].as_array().map(Vec::len),
        Some(4)
    );
    assert_eq!(value["contacts"][0]["first_name"], "Firstname");
}

#[test]
fn problems_are_summarized_by_kind_with_their_lines() {
    let files = [
        "csv/horde__bug_6370.csv",
        "csv/horde__bug_6311.csv",
        "csv/horde__bug_6372.csv",
    ];
    let bytes: Vec<Vec<u8>> = files.iter().map(|f| corpus(f)).collect();
    let inputs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|f| f.rsplit('/').next().unwrap_or(f))
        .zip(bytes.iter().map(Vec::as_slice))
        .collect();
    let engine = engine(&inputs, None, true, 64 * 1024);
    assert_eq!(engine.count(), 1);
    let phone = |raw: &str| ProblemExample {
        source: "horde__bug_6311.csv".into(),
        line: 2,
        message: format!(
            "phone number \"{raw}\" kept as given: no country code and no default region"
        ),
    };
    let skipped = |file: &str| ProblemExample {
        source: file.into(),
        line: 2,
        message: "malformed record: no name, organization, e-mail or phone".into(),
    };
    assert_eq!(
        engine.summary_of(),
        ProblemSummary {
            total: 5,
            kinds: vec![
                ProblemKind {
                    code: "invalid_phone",
                    count: 3,
                    examples: vec![
                        phone("(123) 555-1111"),
                        phone("(123) 555-2222"),
                        phone("(123) 555-3333")
                    ],
                },
                ProblemKind {
                    code: "malformed_record",
                    count: 2,
                    examples: vec![
                        skipped("horde__bug_6370.csv"),
                        skipped("horde__bug_6372.csv")
                    ],
                },
            ],
        }
    );
    let progress = engine.progress_of();
    assert_eq!(progress.problems, 5);
    assert_eq!(progress.records, 3);
    let all: usize = bytes.iter().map(Vec::len).sum();
    assert_eq!(progress.bytes, all as u64);
    // The full list on demand, in the order found.
    let listed = engine.problem_list(0, 100);
    let places: Vec<(&str, u32, &str)> = listed
        .iter()
        .map(|p| (p.source.as_str(), p.line, p.code.as_str()))
        .collect();
    assert_eq!(
        places,
        [
            ("horde__bug_6370.csv", 2, "malformed_record"),
            ("horde__bug_6311.csv", 2, "invalid_phone"),
            ("horde__bug_6311.csv", 2, "invalid_phone"),
            ("horde__bug_6311.csv", 2, "invalid_phone"),
            ("horde__bug_6372.csv", 2, "malformed_record"),
        ]
    );
    assert_eq!(engine.problem_list(3, 10), listed[3..]);
    assert!(engine.problem_list(10, 10).is_empty());
}

#[test]
fn more_than_a_handful_of_problems_keep_only_the_first_examples() {
    let mut csv = String::from("Name,E-mail Address\r\n");
    for row in 0..10 {
        csv.push_str(&format!("Person {row},not-an-address-{row}\r\n"));
    }
    let engine = engine_of(&[("bad.csv", csv.as_bytes())]);
    let summary = engine.summary_of();
    assert_eq!(summary.total, 10);
    let kind = &summary.kinds[0];
    assert_eq!((kind.code, kind.count), ("invalid_email", 10));
    let lines: Vec<u32> = kind.examples.iter().map(|e| e.line).collect();
    assert_eq!(lines, [2, 3, 4]);
}

#[test]
fn an_empty_or_unknown_file_gives_no_contacts_and_says_why() {
    let engine = engine_of(&[("empty.csv", b""), ("blank.vcf", b"\r\n  \r\n")]);
    assert_eq!(engine.count(), 0);
    let summary = engine.summary_of();
    assert_eq!(summary.total, 2);
    let codes: Vec<&str> = summary.kinds.into_iter().map(|k| k.code).collect();
    assert_eq!(codes, ["empty", "unknown_format"]);
    assert_eq!(engine.format(), None);
}

#[test]
fn a_new_file_after_finish_starts_a_new_import() {
    let vcf =
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada Lovelace\r\nEMAIL:ada@one.example\r\nEND:VCARD\r\n";
    let mut engine = engine_of(&[("a.vcf", vcf), ("b.vcf", vcf)]);
    assert_eq!(engine.count(), 1);
    engine.begin_file("c.vcf");
    engine.push(vcf);
    assert_eq!(engine.count(), 0);
    assert_eq!(engine.finish(), 1);
    assert_eq!(engine.finish(), 1);
    let json: Value = serde_json::from_str(&engine.contacts_json(&[0], &[])).expect("JSON");
    assert_eq!(json[0]["source"], "c.vcf");
    assert_eq!(json[0]["sources"].as_array().map(Vec::len), Some(1));
}

#[test]
fn device_contacts_from_the_contact_picker_api_are_read_as_json() {
    // What `navigator.contacts.select(["name", "email", "tel", "address"], {multiple: true})`
    // resolves to, as the UI hands it over: JSON in a Blob named device.json.
    let device = br#"[
        {"name": ["Ada Lovelace"], "email": ["ada@example.org", "ada@work.example"], "tel": ["+41 44 668 18 00"], "address": []},
        {"name": [], "email": [], "tel": ["+1 650 253 0000"], "address": []}
    ]"#;
    let mut engine = engine_of(&[("device.json", device)]);
    assert_eq!(engine.count(), 2);
    assert_eq!(engine.format().as_deref(), Some("json"));
    let book = packed(&mut engine);
    let ada = book.entry(0);
    assert_eq!(ada.name, "Ada Lovelace");
    assert_eq!(ada.emails, ["ada@example.org", "ada@work.example"]);
    assert_eq!(ada.phones, ["+41446681800"]);
    assert_eq!(book.entry(1).name, "+16502530000");
}
