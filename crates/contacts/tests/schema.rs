//! `schema/contact.schema.json` against what `json::write` really writes: contacts imported from
//! corpus files of every format, a fully populated contact (so a model field the schema lacks,
//! or the other way round, fails), mutated documents that must fail, and a write → read round
//! trip through `json::Reader`.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;

use contacts::json;
use contacts::{
    Address, Batch, Contact, DuplicateNote, Email, Label, MatchKind, MergeNote, Name, Phone,
    Provenance, RecordReader,
};
use serde_json::Value;

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/corpus");
const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data");
const SCHEMA: &str = include_str!("../schema/contact.schema.json");

fn validator() -> jsonschema::Validator {
    let schema: Value =
        serde_json::from_str(SCHEMA).unwrap_or_else(|e| panic!("schema is not JSON: {e}"));
    jsonschema::draft202012::meta::validate(&schema)
        .unwrap_or_else(|e| panic!("schema is not a 2020-12 schema: {e}"));
    jsonschema::draft202012::new(&schema).unwrap_or_else(|e| panic!("schema does not compile: {e}"))
}

/// The validation errors of `text`, as strings (empty when valid).
fn errors(validator: &jsonschema::Validator, text: &str) -> Vec<String> {
    let document: Value =
        serde_json::from_str(text).unwrap_or_else(|e| panic!("written JSON does not parse: {e}"));
    validator
        .iter_errors(&document)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect()
}

/// A contact with every optional field set and every list non-empty.
fn full_contact() -> Contact {
    let mut extra = BTreeMap::new();
    extra.insert("Gender".to_string(), Value::from("F"));
    extra.insert("Age".to_string(), Value::from(36));
    Contact {
        id: "0123456789abcdef".into(),
        source: "contacts.vcf".into(),
        source_id: Some("uid-1".into()),
        name: Name {
            display: Some("Dr. Ada King Lovelace Jr.".into()),
            given: Some("Ada".into()),
            middle: Some("King".into()),
            family: Some("Lovelace".into()),
            prefix: Some("Dr.".into()),
            suffix: Some("Jr.".into()),
        },
        nickname: Some("Ada".into()),
        emails: vec![Email {
            address: "ada@example.org".into(),
            label: Label::Work,
            label_raw: Some("INTERNET;WORK".into()),
            primary: true,
            sources: vec![0, 1],
        }],
        phones: vec![Phone {
            number: "+41446681800".into(),
            e164: true,
            raw: "044 668 18 00".into(),
            label: Label::Mobile,
            label_raw: Some("CELL".into()),
            sources: vec![0],
        }],
        addresses: vec![Address {
            street: vec!["1 Main St".into(), "Apt 2".into()],
            locality: Some("Zürich".into()),
            region: Some("ZH".into()),
            postal_code: Some("8000".into()),
            country: Some("Switzerland".into()),
            label: Label::Home,
            label_raw: Some("HOME".into()),
            sources: vec![1],
        }],
        organization: Some("Analytical Engines".into()),
        title: Some("Countess".into()),
        department: Some("Research".into()),
        birthday: Some("--12-10".into()),
        groups: vec!["Friends".into()],
        notes: Some("Notes\non two lines".into()),
        photo_url: Some("https://example.org/ada.jpg".into()),
        deleted: true,
        updated_at: Some("2015-12-05T10:12:54Z".into()),
        extra,
        sources: vec![
            Provenance {
                source: "contacts.vcf".into(),
                source_id: Some("uid-1".into()),
                line: Some(1),
            },
            Provenance {
                source: "google".into(),
                source_id: None,
                line: None,
            },
        ],
        merges: vec![MergeNote {
            source: 1,
            reason: MatchKind::Email,
            value: "ada@example.org".into(),
        }],
        possible_duplicates: vec![DuplicateNote {
            id: "fedcba9876543210".into(),
            reason: MatchKind::Name,
            value: "ada lovelace".into(),
        }],
    }
}

#[test]
fn imported_corpus_files_of_every_format_validate() {
    let validator = validator();
    let inputs = [
        format!("{CORPUS}/vcard/ezvcard__gmail-list.vcf"),
        format!("{CORPUS}/vcard/ezvcard__John_Doe_IPHONE.vcf"),
        format!("{CORPUS}/vcard/calcard__005.vcf"),
        format!("{CORPUS}/csv/thunderbird__basic_csv_addressbook.csv"),
        format!("{CORPUS}/csv/synth__google_contacts_current_layout.csv"),
        format!("{CORPUS}/csv/synth__outlook_unicode_utf16le_tab.txt"),
        format!("{CORPUS}/xml/synth__convio_single_vs_array.json"),
        format!("{DATA}/cloudsponge_contacts.json"),
        format!("{DATA}/popsell_contacts.json"),
        format!("{DATA}/convio_address_book.json"),
        format!("{DATA}/contact_picker.json"),
        format!("{DATA}/cloudsponge_contacts.xml"),
        format!("{DATA}/convio_import_contacts.xml"),
        format!("{DATA}/contact_api_list.xml"),
    ];
    let mut json_and_xml_contacts = 0;
    for path in &inputs {
        let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let name = path.rsplit('/').next().unwrap_or(path);
        let import = contacts::import(
            &bytes,
            contacts::Options {
                source: name.into(),
                ..Default::default()
            },
        );
        if name.ends_with(".json") || name.ends_with(".xml") {
            json_and_xml_contacts += import.contacts.len();
        }
        let written = json::write(&import.contacts);
        let problems = errors(&validator, &written);
        assert!(problems.is_empty(), "{name}: {problems:#?}\n{written}");
    }
    assert!(
        json_and_xml_contacts >= 15,
        "the JSON and XML fixtures yield contacts ({json_and_xml_contacts})"
    );
}

#[test]
fn a_fully_populated_contact_validates() {
    let written = json::write(&[full_contact(), Contact::default()]);
    let problems = errors(&validator(), &written);
    assert!(problems.is_empty(), "{problems:#?}");
}

/// What a picker submits: contacts written with the address the visitor chose.
fn submitted(contacts: &[(Contact, Option<&str>)]) -> String {
    let mut writer = json::JsonWriter::ascii();
    for (contact, chosen) in contacts {
        writer.push_with_chosen_email(contact, *chosen);
    }
    writer.end();
    writer.take()
}

#[test]
fn a_submitted_contact_with_its_chosen_email_validates() {
    let validator = validator();
    let mut second = full_contact();
    second.emails.push(Email {
        address: "ada.king@example.org".into(),
        ..Email::default()
    });
    let written = submitted(&[
        (full_contact(), Some("ada@example.org")),
        (second, Some("ada.king@example.org")),
        (Contact::default(), None),
    ]);
    assert!(written.contains(r#","chosen_email":"ada.king@example.org"}"#));
    let problems = errors(&validator, &written);
    assert!(problems.is_empty(), "{problems:#?}\n{written}");
    // Not a string: refused.
    let mut document: Value = serde_json::from_str(&written).unwrap_or_default();
    document[0]["chosen_email"] = Value::from(1);
    assert!(!validator.is_valid(&document));
    document[0]["chosen_email"] = Value::Null;
    assert!(!validator.is_valid(&document));
}

#[test]
fn mutated_documents_fail() {
    let validator = validator();
    let written = json::write(&[full_contact()]);
    let original: Value = serde_json::from_str(&written).unwrap_or_default();
    type Mutation = fn(&mut Value);
    let mutations: [(&str, Mutation); 9] = [
        ("a required key removed", |v| {
            v[0].as_object_mut().map(|o| o.remove("emails"));
        }),
        ("an unknown key added", |v| {
            v[0]["colour"] = Value::from("blue")
        }),
        ("a label outside the enum", |v| {
            v[0]["emails"][0]["label"] = Value::from("personal")
        }),
        ("a string where a bool belongs", |v| {
            v[0]["deleted"] = Value::from("false")
        }),
        ("a nested key removed", |v| {
            v[0]["phones"][0].as_object_mut().map(|o| o.remove("raw"));
        }),
        ("a negative source index", |v| {
            v[0]["emails"][0]["sources"][0] = Value::from(-1)
        }),
        ("a birthday in another format", |v| {
            v[0]["birthday"] = Value::from("10/12/1815")
        }),
        ("a line number 0", |v| {
            v[0]["sources"][0]["line"] = Value::from(0)
        }),
        ("an object instead of the array", |v| *v = v[0].clone()),
    ];
    assert!(validator.is_valid(&original));
    for (what, mutate) in mutations {
        let mut document = original.clone();
        mutate(&mut document);
        assert!(
            !validator.is_valid(&document),
            "{what} must fail validation"
        );
    }
}

/// Reads a document through `json::Reader`.
fn read(text: &str) -> Batch {
    let mut batch = Batch::default();
    let mut reader = json::Reader::new();
    reader.feed(text.as_bytes(), &mut batch);
    reader.finish(&mut batch);
    batch
}

#[test]
fn written_json_reads_back_as_the_same_contacts() {
    let mut contacts = vec![full_contact(), Contact::default()];
    for fixture in ["cloudsponge_contacts.json", "contact_api_list.xml"] {
        let bytes = std::fs::read(format!("{DATA}/{fixture}")).unwrap_or_default();
        contacts.extend(contacts::import(&bytes, contacts::Options::default()).contacts);
    }
    let written = json::write(&contacts);
    let batch = read(&written);
    assert!(batch.problems.is_empty(), "{:?}", batch.problems);
    let lines: Vec<u32> = batch.records.iter().map(|r| r.line).collect();
    assert_eq!(
        lines,
        (2..2 + contacts.len() as u32).collect::<Vec<_>>(),
        "one contact per line"
    );
    let read_back: Vec<Contact> = batch.records.into_iter().map(|r| r.contact).collect();
    assert_eq!(read_back, contacts);
}
