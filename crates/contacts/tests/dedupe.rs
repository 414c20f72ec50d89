//! De-duplication through the whole pipeline: inline vCard/CSV text and the shared corpus,
//! imported with `contacts::import_many`, merged unless `merge` is off.

use contacts::{import, import_many, Book, Contact, MatchKind, Options, Tier};

#[path = "support/corpus.rs"]
mod support;
use support::corpus;

fn options(merge: bool) -> Options {
    Options {
        merge,
        ..Options::default()
    }
}

fn addresses(contact: &Contact) -> Vec<(String, Vec<usize>)> {
    contact
        .emails
        .iter()
        .map(|e| (e.address.clone(), e.sources.clone()))
        .collect()
}

const ADA_VCF: &str = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Lovelace;Ada;;;\r\nFN:Ada Lovelace\r\n\
EMAIL;TYPE=HOME:ada@example.org\r\nEMAIL;TYPE=WORK:ada@analytical.example\r\nEND:VCARD\r\n\
BEGIN:VCARD\r\nVERSION:3.0\r\nN:Babbage;Charles;;;\r\nFN:Charles Babbage\r\nEMAIL:charles@example.org\r\nEND:VCARD\r\n";

const ADA_AGAIN_VCF: &str = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Lovelace;Ada;;Countess;\r\nFN:Countess Ada Lovelace\r\n\
EMAIL:ADA@example.org\r\nEMAIL:countess@lovelace.example\r\nORG:Analytical Engines\r\nEND:VCARD\r\n\
BEGIN:VCARD\r\nVERSION:3.0\r\nN:Lovelace;Ada;;;\r\nFN:Ada Lovelace\r\nEMAIL:someone.else@example.net\r\nEND:VCARD\r\n";

#[test]
fn the_same_person_in_two_files_is_one_contact_with_both_sources() {
    let result = import_many(
        [
            ("a.vcf", ADA_VCF.as_bytes()),
            ("b.vcf", ADA_AGAIN_VCF.as_bytes()),
        ],
        &options(true),
    );
    assert!(result.problems.is_empty(), "{:?}", result.problems);
    assert_eq!(result.contacts.len(), 3, "{:#?}", result.contacts);
    let ada = &result.contacts[0];
    let origin: Vec<(&str, Option<u32>)> = ada
        .sources
        .iter()
        .map(|s| (s.source.as_str(), s.line))
        .collect();
    assert_eq!(origin, vec![("a.vcf", Some(1)), ("b.vcf", Some(1))]);
    assert_eq!(
        addresses(ada),
        vec![
            ("ada@example.org".to_string(), vec![0, 1]),
            ("ada@analytical.example".to_string(), vec![0]),
            ("countess@lovelace.example".to_string(), vec![1]),
        ]
    );
    assert_eq!(ada.merges.len(), 1);
    assert_eq!(
        (ada.merges[0].source, ada.merges[0].reason),
        (1, MatchKind::Email)
    );
    assert_eq!(ada.merges[0].value, "ada@example.org");
    assert_eq!(
        ada.name.prefix.as_deref(),
        Some("Countess"),
        "the more complete name wins"
    );
    assert_eq!(ada.organization.as_deref(), Some("Analytical Engines"));
    assert_eq!(ada.source, "a.vcf");

    // The other "Ada Lovelace" shares no address: flagged on both sides, not merged.
    let other = &result.contacts[2];
    assert_eq!(other.source, "b.vcf");
    assert_eq!(ada.possible_duplicates.len(), 1);
    assert_eq!(ada.possible_duplicates[0].id, other.id);
    assert_eq!(ada.possible_duplicates[0].reason, MatchKind::Name);
    assert_eq!(other.possible_duplicates.len(), 1);
    assert_eq!(other.possible_duplicates[0].id, ada.id);
    assert!(result.contacts[1].possible_duplicates.is_empty());
}

#[test]
fn no_merge_keeps_every_record() {
    let inputs = [
        ("a.vcf", ADA_VCF.as_bytes()),
        ("b.vcf", ADA_AGAIN_VCF.as_bytes()),
    ];
    let result = import_many(inputs, &options(false));
    assert_eq!(result.contacts.len(), 4);
    assert!(result
        .contacts
        .iter()
        .all(|c| c.sources.len() == 1 && c.merges.is_empty()));
    assert!(result
        .contacts
        .iter()
        .all(|c| c.possible_duplicates.is_empty()));
    let twice = format!("{ADA_VCF}{ADA_VCF}");
    assert_eq!(import(twice.as_bytes(), options(false)).contacts.len(), 4);
    assert_eq!(import(twice.as_bytes(), options(true)).contacts.len(), 2);
}

#[test]
fn merging_an_import_again_changes_nothing() {
    let result = import_many(
        [
            ("a.vcf", ADA_VCF.as_bytes()),
            ("b.vcf", ADA_AGAIN_VCF.as_bytes()),
        ],
        &options(true),
    );
    assert_eq!(contacts::merge(result.contacts.clone()), result.contacts);
}

/// Every John Doe export in the corpus carries john.doe@ibm.com: imported together they are one
/// person with one source per file, and the address lists every file.
#[test]
fn corpus_john_doe_exports_merge_into_one_contact() {
    let files = [
        "vcard/ezvcard__John_Doe_GMAIL.vcf",
        "vcard/ezvcard__John_Doe_EVOLUTION.vcf",
        "vcard/ezvcard__John_Doe_MAC_ADDRESS_BOOK.vcf",
        "vcard/ezvcard__John_Doe_LOTUS_NOTES.vcf",
    ];
    let bytes: Vec<Vec<u8>> = files.iter().map(|f| corpus(f)).collect();
    let inputs = files
        .iter()
        .zip(&bytes)
        .map(|(name, bytes)| (*name, bytes.as_slice()));
    let result = import_many(inputs, &options(true));
    let does: Vec<&Contact> = result
        .contacts
        .iter()
        .filter(|c| {
            c.emails
                .iter()
                .any(|e| e.address.eq_ignore_ascii_case("john.doe@ibm.com"))
        })
        .collect();
    assert_eq!(does.len(), 1, "{:#?}", result.contacts);
    let doe = does[0];
    let sources: Vec<&str> = doe.sources.iter().map(|s| s.source.as_str()).collect();
    assert_eq!(sources, files.to_vec());
    let ibm = doe
        .emails
        .iter()
        .find(|e| e.address.eq_ignore_ascii_case("john.doe@ibm.com"));
    assert_eq!(ibm.map(|e| e.sources.clone()), Some(vec![0, 1, 2, 3]));
    assert!(doe
        .emails
        .iter()
        .any(|e| e.address == "billy_bob@gmail.com" && e.sources == vec![3]));
    assert_eq!(doe.merges.len(), 3);
    assert!(doe.merges.iter().all(|m| m.reason == MatchKind::Email));
    assert_eq!(doe.emails.iter().filter(|e| e.primary).count(), 1);
}

/// The pushed contacts are checked against the book they came from: everything is a duplicate.
#[test]
fn an_imported_book_classifies_its_own_contacts_as_duplicates() {
    let book = import(
        corpus("vcard/ezvcard__gmail-list.vcf").as_slice(),
        options(true),
    )
    .contacts;
    assert_eq!(book.len(), 3);
    let index = Book::new(&book);
    for contact in &book {
        let found = index.classify(contact);
        assert_eq!(found.tier, Tier::Duplicate, "{contact:?}");
        assert_eq!(found.of.as_deref(), Some(contact.id.as_str()));
    }
    let stranger = import(ADA_VCF.as_bytes(), options(true)).contacts;
    assert!(stranger.iter().all(|c| index.classify(c).tier == Tier::New));
}
