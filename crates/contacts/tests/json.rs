//! JSON reader and writers over the corpus (MANIFEST "XML/JSON") and over fixtures written from
//! the seed and PROTOCOLS examples (tests/data/).

use contacts::json::{self, ensure_array};
use contacts::{Batch, Contact, Error, Label, RecordReader};
use serde_json::Value;

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/corpus");
const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data");

fn corpus(name: &str) -> Vec<u8> {
    std::fs::read(format!("{CORPUS}/{name}")).unwrap_or_else(|e| panic!("corpus file {name}: {e}"))
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{DATA}/{name}"))
        .unwrap_or_else(|e| panic!("fixture {name}: {e}"))
}

/// Reads a whole document through `json::Reader`, in small chunks to exercise buffering.
fn read(text: &str) -> Batch {
    let mut batch = Batch::default();
    let mut reader = json::Reader::new();
    for chunk in text.as_bytes().chunks(7) {
        reader.feed(chunk, &mut batch);
    }
    reader.finish(&mut batch);
    batch
}

fn emails(contact: &Contact) -> Vec<&str> {
    contact.emails.iter().map(|e| e.address.as_str()).collect()
}

#[test]
fn convio_single_vs_array_lines_yield_1_2_1_2_0_items() {
    let text =
        String::from_utf8(corpus("xml/synth__convio_single_vs_array.json")).unwrap_or_default();
    let mut counts = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let document: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{line}: {e}"));
        let answer = document
            .as_object()
            .and_then(|o| o.values().next())
            .cloned()
            .unwrap_or_default();
        let list = answer
            .get("events")
            .and_then(|e| e.get("event"))
            .or_else(|| answer.get("contact"));
        counts.push(list.map(ensure_array).unwrap_or_default().len());
    }
    assert_eq!(counts, vec![1, 2, 1, 2, 0]);
}

#[test]
fn convio_single_vs_array_contacts_through_the_reader() {
    let text =
        String::from_utf8(corpus("xml/synth__convio_single_vs_array.json")).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    let one = read(lines[2]);
    assert_eq!(one.records.len(), 1);
    assert!(one.problems.is_empty(), "{:?}", one.problems);
    assert_eq!(one.records[0].contact.name.given.as_deref(), Some("Adam"));
    assert_eq!(emails(&one.records[0].contact), vec!["aadams@address.net"]);
    let two = read(lines[3]);
    assert_eq!(two.records.len(), 2);
    assert_eq!(
        two.records[1].contact.name.family.as_deref(),
        Some("Brians")
    );
    let none = read(lines[4]);
    assert!(
        none.records.is_empty() && none.problems.is_empty(),
        "{:?}",
        none.problems
    );
}

#[test]
fn cloudsponge_answer_skips_the_owner_and_keeps_raw_values() {
    let batch = read(&fixture("cloudsponge_contacts.json"));
    assert!(batch.problems.is_empty(), "{:?}", batch.problems);
    assert_eq!(
        batch.records.len(),
        3,
        "the contacts_owner is not a contact"
    );
    let lines: Vec<u32> = batch.records.iter().map(|r| r.line).collect();
    assert_eq!(lines, vec![3, 25, 35]);
    let joe = &batch.records[0].contact;
    assert_eq!(
        (joe.name.given.as_deref(), joe.name.family.as_deref()),
        (Some("Joe"), Some("Smith"))
    );
    assert_eq!(
        emails(joe),
        vec!["joe@example.com", "joe.smith@work.example"]
    );
    assert_eq!(joe.emails[0].label_raw.as_deref(), Some("Email 1"));
    assert!(joe.emails[0].primary && !joe.emails[1].primary);
    assert_eq!(joe.phones[0].raw, "+1 (555) 010-0199");
    assert_eq!(joe.phones[0].label_raw.as_deref(), Some("Work Mobile"));
    assert_eq!(joe.addresses[0].street, vec!["1 Main St", "Apt 2"]);
    assert_eq!(joe.addresses[0].locality.as_deref(), Some("Springfield"));
    assert_eq!(joe.addresses[0].postal_code.as_deref(), Some("62701"));
    assert_eq!(joe.groups, vec!["Friends", "Referrals"]);
    assert_eq!(joe.organization, None, "companies:[null] is no company");
    assert_eq!(joe.title.as_deref(), Some("Engineer"));
    assert_eq!(joe.birthday.as_deref(), Some("1980-04-16"));
    let jane = &batch.records[1].contact;
    assert_eq!(
        jane.name.display.as_deref(),
        Some("Jane Doe"),
        "full name in first_name"
    );
    assert_eq!(jane.organization.as_deref(), Some("Acme, Inc."));
    assert_eq!(jane.birthday.as_deref(), Some("--12-24"));
    assert_eq!(batch.records[2].contact.name, contacts::Name::default());
    assert!(batch
        .records
        .iter()
        .all(|r| !emails(&r.contact).contains(&"owner@example.com")));
}

#[test]
fn cloudsponge_error_answer_is_a_problem() {
    let batch = read(r#"{"error":{"message":"Invalid import_id"}}"#);
    assert!(batch.records.is_empty());
    assert_eq!(batch.problems.len(), 1);
    assert!(batch.problems[0]
        .1
        .to_string()
        .contains("Invalid import_id"));
}

#[test]
fn popsell_answer_maps_every_documented_field() {
    let batch = read(&fixture("popsell_contacts.json"));
    assert!(batch.problems.is_empty(), "{:?}", batch.problems);
    assert_eq!(batch.records.len(), 2);
    assert_eq!(batch.records[0].line, 6);
    let aurelie = &batch.records[0].contact;
    assert_eq!(aurelie.source_id.as_deref(), Some("AB1234"));
    assert_eq!(aurelie.name.given.as_deref(), Some("Aurélie"));
    assert_eq!(emails(aurelie), vec!["adur123@hotmail.fr"]);
    assert_eq!(aurelie.notes.as_deref(), Some("Met at the spring party"));
    assert_eq!(
        aurelie.addresses[0].street,
        vec!["12 rue de la Paix", "Bâtiment B"]
    );
    assert_eq!(aurelie.addresses[0].postal_code.as_deref(), Some("75002"));
    assert_eq!(aurelie.phones.len(), 2);
    assert_eq!(
        (aurelie.phones[0].raw.as_str(), aurelie.phones[0].label),
        ("01 42 68 53 00", Label::Home)
    );
    assert_eq!(
        (aurelie.phones[1].raw.as_str(), aurelie.phones[1].label),
        ("06 12 34 56 78", Label::Mobile)
    );
    assert_eq!(aurelie.groups, vec!["tag1", "tag2"]);
    assert_eq!(aurelie.updated_at.as_deref(), Some("2015-12-05 10:12:54"));
    assert!(!aurelie.deleted);
    let extra = &aurelie.extra;
    assert_eq!(extra.get("Gender"), Some(&Value::from("F")));
    assert_eq!(extra.get("LanguageCode"), Some(&Value::from("fr_FR")));
    assert_eq!(extra.get("Type"), Some(&Value::from(1)));
    assert_eq!(extra.get("IsAcceptingEmailing"), Some(&Value::from(true)));
    assert_eq!(
        extra.get("isAcceptingBrandEmailing"),
        Some(&Value::from(false))
    );
    assert_eq!(extra.get("Hair color"), Some(&Value::from("Brown")));
    assert_eq!(extra.get("Age"), Some(&Value::from(36)));
    let marc = &batch.records[1].contact;
    assert_eq!(marc.source_id.as_deref(), Some("42"));
    assert!(marc.deleted);
    assert!(
        !marc.extra.contains_key("LanguageCode"),
        "null values are not kept"
    );
}

#[test]
fn popsell_failure_reports_code_and_message() {
    let batch = read(
        r#"{"IsSuccessfull":false,"ErrorCode":"403","ErrorMessage":"Invalid token","Contacts":[]}"#,
    );
    assert!(batch.records.is_empty());
    let message = batch.problems[0].1.to_string();
    assert!(
        message.contains("403") && message.contains("Invalid token"),
        "{message}"
    );
}

#[test]
fn convio_address_book_collapsed_groups() {
    let batch = read(&fixture("convio_address_book.json"));
    assert!(batch.problems.is_empty(), "{:?}", batch.problems);
    let lines: Vec<u32> = batch.records.iter().map(|r| r.line).collect();
    assert_eq!(lines, vec![2, 3, 4]);
    let groups: Vec<Vec<String>> = batch
        .records
        .iter()
        .map(|r| r.contact.groups.clone())
        .collect();
    assert_eq!(
        groups,
        vec![
            vec!["Walkers".to_string()],
            vec!["Walkers".into(), "Donors".into()],
            vec![]
        ]
    );
    assert_eq!(batch.records[2].contact.source_id.as_deref(), Some("1003"));
}

#[test]
fn convio_error_answer_is_a_problem() {
    let batch = read(r#"{"errorResponse":{"code":"2","message":"Incorrect API key"}}"#);
    assert!(batch.records.is_empty());
    assert!(batch.problems[0]
        .1
        .to_string()
        .contains("Incorrect API key"));
}

#[test]
fn contact_picker_contact_info() {
    let batch = read(&fixture("contact_picker.json"));
    assert!(batch.problems.is_empty(), "{:?}", batch.problems);
    assert_eq!(batch.records.len(), 2);
    assert_eq!(batch.records[1].line, 14);
    let ada = &batch.records[0].contact;
    assert_eq!(ada.name.display.as_deref(), Some("Ada Lovelace"));
    assert_eq!(ada.nickname.as_deref(), Some("Ada"));
    assert_eq!(emails(ada), vec!["ada@example.org", "ada@home.example"]);
    let phones: Vec<&str> = ada.phones.iter().map(|p| p.raw.as_str()).collect();
    assert_eq!(phones, vec!["+44 20 7946 0958", "+44 20 7946 0000"]);
    assert_eq!(
        ada.addresses[0].street,
        vec!["12 St James's Square", "St James's"]
    );
    assert_eq!(ada.addresses[0].postal_code.as_deref(), Some("SW1Y 4JH"));
    assert_eq!(ada.addresses[0].region, None);
    assert_eq!(ada.organization.as_deref(), Some("Analytical Engines Ltd"));
    assert_eq!(ada.photo_url, None);
    assert_eq!(batch.records[1].contact.phones[0].raw, "555-0123");
}

#[test]
fn native_schema_round_trips() {
    let imported = contacts::import(
        fixture("popsell_contacts.json").as_bytes(),
        contacts::Options::default(),
    );
    assert_eq!(imported.contacts.len(), 2);
    let written = json::write(&imported.contacts);
    let batch = read(&written);
    assert!(batch.problems.is_empty(), "{:?}", batch.problems);
    let read_back: Vec<Contact> = batch.records.into_iter().map(|r| r.contact).collect();
    assert_eq!(read_back, imported.contacts);
    assert_eq!(json::write(&read_back), written);
}

#[test]
fn bad_json_is_one_problem_with_position() {
    let batch = read("{\"contacts\": [\n  {\"first_name\": \"A\"\n  {\"first_name\": \"B\"}\n]}");
    assert!(batch.records.is_empty());
    assert_eq!(batch.problems.len(), 1);
    let (line, error) = &batch.problems[0];
    assert_eq!(*line, 3);
    assert!(
        matches!(error, Error::Json(m) if m.contains("line 3 column 3")),
        "{error:?}"
    );
}

#[test]
fn one_bad_item_keeps_the_others() {
    let batch =
        read("{\"contacts\":[\n{\"first_name\":\"A\"},\n\"junk\",\n{\"first_name\":\"C\"}\n]}");
    assert_eq!(batch.records.len(), 2);
    assert_eq!(batch.problems.len(), 1);
    assert_eq!(batch.problems[0].0, 3);
    assert!(matches!(batch.problems[0].1, Error::MalformedRecord(_)));
}

#[test]
fn unknown_objects_and_scalars_are_problems() {
    for text in ["{\"foo\":1}", "42", "\"x\"", "null", "[{\"foo\":1}]"] {
        let batch = read(text);
        assert!(batch.records.is_empty(), "{text}");
        assert_eq!(batch.problems.len(), 1, "{text}");
    }
}

#[test]
fn import_pipeline_detects_json_and_keeps_lines() {
    let import = contacts::import(
        fixture("cloudsponge_contacts.json").as_bytes(),
        contacts::Options::default(),
    );
    assert_eq!(import.format, Some(contacts::Format::Json));
    assert_eq!(import.contacts.len(), 3);
    let lines: Vec<Option<u32>> = import.contacts.iter().map(|c| c.sources[0].line).collect();
    assert_eq!(lines, vec![Some(3), Some(25), Some(35)]);
}

#[test]
fn cloudsponge_writer_is_read_back_and_deterministic() {
    let imported = contacts::import(
        fixture("cloudsponge_contacts.json").as_bytes(),
        contacts::Options::default(),
    );
    let written = json::write_cloudsponge(&imported.contacts);
    assert_eq!(written, json::write_cloudsponge(&imported.contacts));
    let value: Value = serde_json::from_str(&written).unwrap_or_else(|e| panic!("{e}: {written}"));
    assert_eq!(value["count"], 3);
    assert_eq!(value["total"], 3);
    assert_eq!(value["start"], 0);
    let first = &value["contacts"][0];
    let keys: Vec<&str> = first
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    for key in [
        "first_name",
        "last_name",
        "email",
        "phone",
        "address",
        "groups",
        "companies",
        "job_title",
    ] {
        assert!(keys.contains(&key), "missing {key} in {first}");
    }
    assert_eq!(first["email"][0]["address"], "joe@example.com");
    assert_eq!(first["email"][0]["type"], "Email 1");
    assert_eq!(first["address"][0]["street"], "1 Main St\nApt 2");
    assert_eq!(first["address"][0]["postal_code"], "62701");
    // A page that reads contact.first_name and contact.email[0].address never meets null.
    for contact in value["contacts"].as_array().into_iter().flatten() {
        assert!(contact["first_name"].is_string() && contact["last_name"].is_string());
        assert!(contact["email"].is_array());
    }
    let batch = read(&written);
    let read_back: Vec<Vec<&str>> = batch.records.iter().map(|r| emails(&r.contact)).collect();
    let original: Vec<Vec<&str>> = imported.contacts.iter().map(emails).collect();
    assert_eq!(read_back, original);
}
