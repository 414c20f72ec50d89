//! JSON: the reader for every JSON shape the picker meets, the per-shape mappings (public, so
//! the providers crate maps provider answers the same way), and the writers.
//!
//! Shapes read (recognized from the content, see [`Shape`]):
//! - CloudSponge `GET /contacts` answers: `{"contacts":[{first_name, email:[{address,type}]…}],
//!   "contacts_owner":{…}}` — the owner (the person importing) is not a contact to pick;
//! - Popsell contacts-import answers: `{"IsSuccessfull":true,"Contacts":[{Id, FirstName…}]}`;
//! - Convio / Luminate `CRAddressBookAPI` answers (`getAddressBookImportContactsResponse.contact`,
//!   `getAddressBookContactsResponse.addressBookContact`, …), whose one-element lists collapse to
//!   a bare value (see [`ensure_array`]);
//! - the W3C Contact Picker's `ContactInfo[]` (every field an array);
//! - this crate's own schema, as written by [`write`] (`schema/contact.schema.json`).
//!
//! Mappings produce raw values: nothing is validated or normalized here (the normalizer runs
//! next), except that surrounding whitespace is trimmed and empty strings count as absent.
//!
//! JSON is buffered and parsed once at [`crate::RecordReader::finish`]: a provider answer is one
//! document. Every contact is reported at the 1-based line where its object starts.

mod cloudsponge;
mod native;
mod offsets;
mod read;
mod serialize;
mod shapes;
mod write;

pub use cloudsponge::{write_cloudsponge, write_cloudsponge_to};
pub use read::{Reader, Shape};
pub use shapes::{
    cloudsponge_contact, contact_picker_contact, convio_contact, ensure_array, popsell_contact,
};
pub use write::{escape_non_ascii, write, write_list, JsonWriter};

#[cfg(test)]
mod tests {
    use super::read::*;
    use super::shapes::*;
    use super::write::PIECE;
    use super::*;
    use crate::error::Error;
    use crate::model::{Contact, Email, Name};
    use crate::record::{Batch, RecordReader};
    use serde_json::{json, Value};
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn read(text: &str) -> Batch {
        let mut batch = Batch::default();
        let mut reader = Reader::new();
        reader.feed(text.as_bytes(), &mut batch);
        reader.finish(&mut batch);
        batch
    }

    #[test]
    fn write_list_gives_the_same_text_in_pieces() {
        let mut contact = crate::Contact::default();
        contact.name.display = Some("Zoë \"Z\" Ŝ".into());
        contact.notes = Some("x".repeat(1000));
        for count in [0, 1, 2, 70, 200] {
            let contacts = vec![contact.clone(); count];
            let mut pieces = Vec::new();
            let list = crate::ContactList::plain(crate::ContactStore::from(contacts.clone()));
            write_list(&list, |piece| pieces.push(piece.to_string()));
            let mut writer = JsonWriter::new();
            let mut taken = String::new();
            for contact in &contacts {
                writer.push(contact);
                taken.push_str(&writer.take());
            }
            writer.end();
            writer.end();
            writer.push(&contact);
            taken.push_str(&writer.take());
            assert_eq!(taken, write(&contacts), "{count} contacts");
            assert_eq!(pieces.concat(), write(&contacts), "{count} contacts");
            // Pieces of about PIECE bytes: every one but the last at least that long.
            let (last, full) = pieces.split_last().unwrap();
            assert!(full
                .iter()
                .all(|p| (PIECE..PIECE + 4096).contains(&p.len())));
            assert!(last.len() < PIECE + 4096);
            assert_eq!(pieces.len() > 1, count >= 70, "{count} contacts");
        }
    }

    #[test]
    fn ascii_writer_escapes_every_non_ascii_character() {
        let mut contact = crate::Contact::default();
        contact.name.display = Some("Zoë 😀 \"Z\"\u{1}".into());
        contact.extra.insert("note".into(), json!(["Ŝ"]));
        let mut writer = JsonWriter::ascii();
        writer.push(&contact);
        writer.push(&contact);
        writer.end();
        let ascii = writer.take();
        assert!(
            ascii.contains(r#""display":"Zo\u00eb \ud83d\ude00 \"Z\"\u0001""#),
            "{ascii}"
        );
        assert!(ascii.contains(r#""extra":{"note":["\u015c"]}"#), "{ascii}");
        let utf8 = write(&[contact.clone(), contact]);
        assert_eq!(ascii, escape_non_ascii(&utf8));
        let value = |text: &str| serde_json::from_str::<Value>(text).unwrap();
        assert_eq!(value(&ascii), value(&utf8));
        assert_eq!(
            escape_non_ascii("a\u{7f}\u{80}\u{ffff}\u{10000}"),
            "a\u{7f}\\u0080\\uffff\\ud800\\udc00"
        );
    }

    #[test]
    fn the_chosen_email_is_the_last_key_and_only_when_given() {
        let mut contact = crate::Contact::default();
        contact.name.display = Some("Zoë".into());
        contact.emails = vec![
            crate::Email {
                address: "zoe@example.org".into(),
                primary: true,
                ..crate::Email::default()
            },
            crate::Email {
                address: "zoë@exemple.fr".into(),
                ..crate::Email::default()
            },
        ];
        let mut plain = JsonWriter::ascii();
        plain.push(&contact);
        plain.push(&contact);
        plain.end();
        let mut chosen = JsonWriter::ascii();
        chosen.push_with_chosen_email(&contact, None);
        chosen.push_with_chosen_email(&contact, Some("zoë@exemple.fr"));
        chosen.end();
        let (plain, chosen) = (plain.take(), chosen.take());
        let lines: Vec<&str> = chosen.lines().collect();
        assert_eq!(lines.get(1), plain.lines().nth(1).as_ref());
        let second = plain.lines().nth(2).unwrap_or_default();
        let expected = format!(
            "{},\"chosen_email\":\"zo\\u00eb@exemple.fr\"}}",
            second.trim_end_matches('}')
        );
        assert_eq!(lines.get(2).copied(), Some(expected.as_str()));
        let value: Value = serde_json::from_str(&chosen).unwrap_or_default();
        assert_eq!(value[1]["chosen_email"], json!("zoë@exemple.fr"));
        assert!(value[0].get("chosen_email").is_none());
        // The contact itself reads back the same: the key is not part of the model.
        let back: Vec<crate::Contact> = serde_json::from_value(value).unwrap_or_default();
        assert_eq!(back, vec![contact.clone(), contact]);
    }

    #[test]
    fn ensure_array_wraps_bare_values() {
        assert_eq!(ensure_array(&json!([1, 2])).len(), 2);
        assert_eq!(ensure_array(&json!({"a": 1})).len(), 1);
        assert_eq!(ensure_array(&json!("x")), vec![&json!("x")]);
        assert!(ensure_array(&Value::Null).is_empty());
    }

    #[test]
    fn cloudsponge_quirks() {
        let contact = cloudsponge_contact(&json!({
            "first_name": "Joe Smith", "last_name": null,
            "email": [{"address": "joe@example.com\t", "type": "Email 1", "primary": "true"}],
            "phone": [{"number": "+1 555 0100", "type": "Work Mobile"}],
            "companies": [null, "Acme"], "birthday": "04-16", "groups": ["Friends", null]
        }));
        assert_eq!(contact.name.display.as_deref(), Some("Joe Smith"));
        assert_eq!(contact.name.given, None);
        assert_eq!(contact.emails[0].address, "joe@example.com");
        assert_eq!(contact.emails[0].label_raw.as_deref(), Some("Email 1"));
        assert!(contact.emails[0].primary);
        assert_eq!(contact.phones[0].raw, "+1 555 0100");
        assert_eq!(contact.phones[0].number, "+1 555 0100");
        assert_eq!(contact.organization.as_deref(), Some("Acme"));
        assert_eq!(contact.birthday.as_deref(), Some("--04-16"));
        assert_eq!(contact.groups, vec!["Friends"]);
    }

    #[test]
    fn popsell_failure_is_a_problem() {
        let batch = read(
            r#"{"IsSuccessfull":false,"ErrorCode":42,"ErrorMessage":"bad token","Contacts":null}"#,
        );
        assert!(batch.records.is_empty());
        let (_, error) = &batch.problems[0];
        assert!(
            error.to_string().contains("bad token") && error.to_string().contains("42"),
            "{error}"
        );
    }

    #[test]
    fn syntax_error_has_line_and_column() {
        let batch = read("{\"contacts\": [\n{\"first_name\": \"A\",}\n]}");
        assert_eq!(batch.problems.len(), 1);
        let (line, error) = &batch.problems[0];
        assert_eq!(*line, 2);
        assert!(
            matches!(error, Error::Json(m) if m.contains("line 2 column")),
            "{error:?}"
        );
    }

    #[test]
    fn unmappable_item_is_a_problem_and_others_are_kept() {
        let batch = read("[\n{\"emails\":[{\"address\":\"a@example.com\"}]},\n42,\n{\"name\":{\"display\":\"B\"}}\n]");
        assert_eq!(batch.records.len(), 2);
        assert_eq!(batch.problems.len(), 1);
        assert_eq!(batch.problems[0].0, 3);
        assert_eq!(batch.records[1].line, 4);
    }

    #[test]
    fn cloudsponge_writer_shape() {
        let contact = Contact {
            name: Name {
                given: Some("Ada".into()),
                family: Some("Lovelace".into()),
                ..Name::default()
            },
            emails: vec![Email {
                address: "ada@example.org".into(),
                primary: true,
                ..Email::default()
            }],
            birthday: Some("1815-12-10".into()),
            ..Contact::default()
        };
        let out = write_cloudsponge(&[contact]);
        let value: Value = serde_json::from_str(&out).unwrap_or_default();
        assert_eq!(value["contacts"][0]["first_name"], "Ada");
        assert_eq!(
            value["contacts"][0]["email"][0]["address"],
            "ada@example.org"
        );
        assert_eq!(value["contacts"][0]["email"][0]["type"], "other");
        assert_eq!(value["contacts"][0]["email"][0]["primary"], true);
        assert_eq!(value["contacts"][0]["dob"], "1815-12-10");
        assert_eq!(value["contacts"][0]["birthday"], "12-10");
        assert_eq!(value["count"], 1);
        assert_eq!(value["total"], 1);
        assert!(
            out.starts_with(
                "{\"contacts\":[\n{\"first_name\":\"Ada\",\"last_name\":\"Lovelace\",\"email\""
            ),
            "{out}"
        );
        // Read back through our own reader: same names and address.
        let batch = read(&out);
        assert_eq!(
            batch.records[0].contact.emails[0].address,
            "ada@example.org"
        );
        assert_eq!(
            batch.records[0].contact.name.family.as_deref(),
            Some("Lovelace")
        );
        assert_eq!(
            write_cloudsponge(&[]),
            "{\"contacts\":[],\"start\":0,\"count\":0,\"total\":0}\n"
        );
    }
}
