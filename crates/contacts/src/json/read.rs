//! The reader: a JSON document of any shape the module documentation lists, buffered and
//! parsed once at the end, each contact reported at the line where its object starts.

use serde_json::Value;

use super::offsets;
use super::shapes::{
    cloudsponge_contact, contact_picker_contact, convio_contact, ensure_array, kind_of,
    popsell_contact, text, truthy,
};
use crate::error::Error;
use crate::model::Contact;
use crate::record::{Batch, RawRecord, RecordReader};

/// Reads a JSON document of any shape listed in the module documentation.
#[derive(Debug, Default)]
pub struct Reader {
    /// The whole document so far (JSON cannot be mapped before it is complete).
    buffer: Vec<u8>,
}

impl Reader {
    /// A new reader.
    pub fn new() -> Reader {
        Reader::default()
    }
}

impl RecordReader for Reader {
    fn feed(&mut self, chunk: &[u8], _out: &mut Batch) {
        self.buffer.extend_from_slice(chunk);
    }

    fn finish(&mut self, out: &mut Batch) {
        let bytes = std::mem::take(&mut self.buffer);
        let text = match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(error) => {
                // RFC 8259 JSON is UTF-8; anything else is decoded leniently and reported.
                let (text, _) = crate::charset::decode_value(error.as_bytes(), None);
                out.problems.push((
                    0,
                    Error::Charset("JSON is not valid UTF-8; decoded leniently".into()),
                ));
                text
            }
        };
        read_document(text.trim_start_matches('\u{feff}'), out);
    }
}

/// The JSON shapes the reader recognizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A CloudSponge contacts answer, or an array of CloudSponge contact objects.
    CloudSponge,
    /// A Popsell contacts-import answer, or an array of Popsell contact objects.
    Popsell,
    /// A Convio / Luminate address book answer, or an array of Convio contact objects.
    Convio,
    /// The W3C Contact Picker's `ContactInfo[]`.
    ContactPicker,
    /// This crate's own schema (an array of [`Contact`]).
    Native,
}

/// Parses `text` and sends every contact (or problem) to `out`.
pub(super) fn read_document(text: &str, out: &mut Batch) {
    let document: Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(error) => {
            let line = u32::try_from(error.line()).unwrap_or(0);
            let message = format!("line {} column {}: {error}", error.line(), error.column());
            out.problems.push((line, Error::Json(message)));
            return;
        }
    };
    let located = match locate_contacts(&document) {
        Ok(located) => located,
        Err(error) => {
            out.problems.push((1, error));
            return;
        }
    };
    let items = ensure_array(located.value);
    let offsets = offsets::item_offsets(text, &located.path);
    let lines = if offsets.len() == items.len() {
        offsets::lines_of(text, &offsets)
    } else {
        vec![0; items.len()]
    };
    for (item, line) in items.into_iter().zip(lines) {
        match map_item(item, located.shape) {
            Ok(contact) => out.records.push(RawRecord { line, contact }),
            Err(error) => out.problems.push((line, error)),
        }
    }
}

/// Where a document keeps its contacts.
pub(super) struct Located<'a> {
    /// The keys leading from the root to the contacts (empty for a top-level array).
    path: Vec<&'static str>,
    /// The contacts: an array, or a bare object (a collapsed one-element list), or null.
    value: &'a Value,
    /// `None` when each item must be recognized on its own (a top-level array).
    shape: Option<Shape>,
}

/// Recognizes the document's shape and finds its list of contacts, or the error the document
/// reports instead.
pub(super) fn locate_contacts(document: &Value) -> Result<Located<'_>, Error> {
    const NULL: &Value = &Value::Null;
    let Some(object) = document.as_object() else {
        if document.is_array() {
            return Ok(Located {
                path: Vec::new(),
                value: document,
                shape: None,
            });
        }
        return Err(Error::UnknownFormat(
            "a JSON scalar is not a contact list".into(),
        ));
    };
    // Error answers first: they may carry an empty contact list as well.
    if let Some(error) = object.get("error").filter(|e| !e.is_null()) {
        let message = error
            .get("message")
            .and_then(text)
            .or_else(|| text(error))
            .unwrap_or_default();
        return Err(Error::Source {
            code: None,
            message,
        });
    }
    if let Some(error) = object.get("errorResponse") {
        let code = error.get("code").and_then(text).unwrap_or_default();
        let message = error.get("message").and_then(text).unwrap_or_default();
        return Err(Error::Source {
            code: Some(code).filter(|c| !c.is_empty()),
            message,
        });
    }
    if let Some(success) = object.get("IsSuccessfull") {
        if !truthy(success) {
            let code = object.get("ErrorCode").and_then(text).unwrap_or_default();
            let message = object
                .get("ErrorMessage")
                .and_then(text)
                .unwrap_or_default();
            return Err(Error::Source {
                code: Some(code).filter(|c| !c.is_empty()),
                message,
            });
        }
    }
    if object.contains_key("Contacts") || object.contains_key("IsSuccessfull") {
        let value = object.get("Contacts").unwrap_or(NULL);
        return Ok(Located {
            path: vec!["Contacts"],
            value,
            shape: Some(Shape::Popsell),
        });
    }
    if let Some(value) = object.get("contacts") {
        return Ok(Located {
            path: vec!["contacts"],
            value,
            shape: Some(Shape::CloudSponge),
        });
    }
    // Convio: `{"<method>Response":{"contact":…}}` or `{…:{"addressBookContact":…}}`.
    for (key, inner) in object {
        if !key.ends_with("Response") {
            continue;
        }
        let Some(inner_object) = inner.as_object() else {
            continue;
        };
        for list in CONVIO_LISTS {
            if let Some(value) = inner_object.get(*list) {
                return Ok(Located {
                    path: vec![convio_key(key), *list],
                    value,
                    shape: Some(Shape::Convio),
                });
            }
        }
        if CONVIO_CONTACT_ANSWERS.contains(&key.as_str()) {
            // An empty list is absent altogether: no contacts, and that is not an error.
            return Ok(Located {
                path: vec![convio_key(key)],
                value: NULL,
                shape: Some(Shape::Convio),
            });
        }
    }
    Err(Error::UnknownFormat(
        "a JSON object with no known contact list".into(),
    ))
}

/// The keys under which Convio answers list contacts.
pub(super) const CONVIO_LISTS: &[&str] = &["contact", "addressBookContact"];

/// Convio answers that carry contacts (when the list is empty the key is absent).
pub(super) const CONVIO_CONTACT_ANSWERS: &[&str] = &[
    "getAddressBookImportContactsResponse",
    "getAddressBookContactsResponse",
    "addAddressBookContactResponse",
    "addAddressBookContactsResponse",
    "getTeamraiserAddressBookContactsResponse",
];

/// The path scanner needs `&'static str` keys; a Convio answer name that is not one of the
/// known ones gets a key that matches nothing, so its contacts are reported at line 0.
pub(super) fn convio_key(key: &str) -> &'static str {
    const KNOWN: &[&str] = &[
        "getAddressBookImportContactsResponse",
        "getAddressBookContactsResponse",
        "addAddressBookContactResponse",
        "addAddressBookContactsResponse",
        "getTeamraiserAddressBookContactsResponse",
        "importAddressBookContactsResponse",
    ];
    KNOWN
        .iter()
        .copied()
        .find(|known| *known == key)
        .unwrap_or("\u{0}unknown")
}

/// Maps one item of the contact list, recognizing its shape when the document did not say.
pub(super) fn map_item(item: &Value, shape: Option<Shape>) -> Result<Contact, Error> {
    if !item.is_object() {
        return Err(Error::MalformedRecord(format!(
            "expected a contact object, found {}",
            kind_of(item)
        )));
    }
    match shape.or_else(|| guess_item_shape(item)) {
        Some(Shape::CloudSponge) => Ok(cloudsponge_contact(item)),
        Some(Shape::Popsell) => Ok(popsell_contact(item)),
        Some(Shape::Convio) => Ok(convio_contact(item)),
        Some(Shape::ContactPicker) => Ok(contact_picker_contact(item)),
        Some(Shape::Native) => super::native::contact(item).map_err(|e| {
            Error::MalformedRecord(format!("not a contact of this crate's schema: {e}"))
        }),
        None => Err(Error::MalformedRecord(
            "an object with no known contact fields".into(),
        )),
    }
}

/// Recognizes one contact object by its keys.
pub(super) fn guess_item_shape(item: &Value) -> Option<Shape> {
    let has = |key: &str| item.get(key).is_some();
    if has("emails")
        || has("phones")
        || has("addresses")
        || item.get("name").is_some_and(Value::is_object)
    {
        Some(Shape::Native)
    } else if has("first_name") || has("last_name") || has("job_title") || has("companies") {
        Some(Shape::CloudSponge)
    } else if has("Id") || has("FirstName") || has("LastName") || has("Email") {
        Some(Shape::Popsell)
    } else if has("firstName") || has("lastName") {
        Some(Shape::Convio)
    } else if ["name", "email", "tel", "address", "icon"]
        .iter()
        .any(|key| item.get(key).is_some_and(Value::is_array))
    {
        Some(Shape::ContactPicker)
    } else if has("email") {
        Some(Shape::Convio)
    } else {
        None
    }
}
