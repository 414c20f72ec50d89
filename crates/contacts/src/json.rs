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
//! JSON is buffered and parsed once at [`RecordReader::finish`]: a provider answer is one
//! document. Every contact is reported at the 1-based line where its object starts.

mod offsets;
mod writer;

use serde::Serialize;
use serde_json::Value;

use crate::each::{collect, EachContact, Pieces};
use crate::error::Error;
use crate::import::{Batch, RawRecord, RecordReader};
use crate::model::{Address, Contact, Email, Label, Name, Phone};

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
fn read_document(text: &str, out: &mut Batch) {
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
struct Located<'a> {
    /// The keys leading from the root to the contacts (empty for a top-level array).
    path: Vec<&'static str>,
    /// The contacts: an array, or a bare object (a collapsed one-element list), or null.
    value: &'a Value,
    /// `None` when each item must be recognized on its own (a top-level array).
    shape: Option<Shape>,
}

/// Recognizes the document's shape and finds its list of contacts, or the error the document
/// reports instead.
fn locate_contacts(document: &Value) -> Result<Located<'_>, Error> {
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
const CONVIO_LISTS: &[&str] = &["contact", "addressBookContact"];

/// Convio answers that carry contacts (when the list is empty the key is absent).
const CONVIO_CONTACT_ANSWERS: &[&str] = &[
    "getAddressBookImportContactsResponse",
    "getAddressBookContactsResponse",
    "addAddressBookContactResponse",
    "addAddressBookContactsResponse",
    "getTeamraiserAddressBookContactsResponse",
];

/// The path scanner needs `&'static str` keys; a Convio answer name that is not one of the
/// known ones gets a key that matches nothing, so its contacts are reported at line 0.
fn convio_key(key: &str) -> &'static str {
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
fn map_item(item: &Value, shape: Option<Shape>) -> Result<Contact, Error> {
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
        Some(Shape::Native) => serde_json::from_value::<Contact>(item.clone()).map_err(|e| {
            Error::MalformedRecord(format!("not a contact of this crate's schema: {e}"))
        }),
        None => Err(Error::MalformedRecord(
            "an object with no known contact fields".into(),
        )),
    }
}

/// Recognizes one contact object by its keys.
fn guess_item_shape(item: &Value) -> Option<Shape> {
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

/// A value as a list: an array's items, a bare value as a one-item list, null as no items.
///
/// Convio (and other XML-to-JSON bridges) collapse a one-element list to the element itself
/// and leave an empty list out altogether; Convio's own client wraps such values the same way
/// (`ensureArray`). Use it on every list-valued field of a Convio answer.
pub fn ensure_array(value: &Value) -> Vec<&Value> {
    match value {
        Value::Array(items) => items.iter().collect(),
        Value::Null => Vec::new(),
        other => vec![other],
    }
}

/// Maps one CloudSponge contact object (`{first_name, last_name, email:[{address,type,primary}],
/// phone:[…], address:[…], groups, companies, job_title, dob, birthday, photos}`).
///
/// Tolerates the quirks of real CloudSponge data: `companies:[null]`, a full name in
/// `first_name` (kept as the display name when there is no `last_name`), whitespace around
/// values, provider-specific `type` texts (kept in `label_raw`), and a bare string where an
/// array of objects is documented.
pub fn cloudsponge_contact(value: &Value) -> Contact {
    let mut contact = Contact {
        source_id: field(value, "id").or_else(|| field(value, "external_id")),
        name: first_last(field(value, "first_name"), field(value, "last_name")),
        title: field(value, "job_title"),
        ..Contact::default()
    };
    for item in list(value, "email") {
        let address = text(item).or_else(|| field(item, "address"));
        if let Some(address) = address {
            let primary = item.get("primary").is_some_and(truthy);
            contact.emails.push(Email {
                address,
                label_raw: field(item, "type"),
                primary,
                ..Email::default()
            });
        }
    }
    for item in list(value, "phone") {
        if let Some(number) = text(item).or_else(|| field(item, "number")) {
            contact.phones.push(raw_phone(number, field(item, "type")));
        }
    }
    for item in list(value, "address") {
        let mut address = Address {
            street: lines(field(item, "street")),
            locality: field(item, "city"),
            region: field(item, "region").or_else(|| field(item, "state")),
            postal_code: field(item, "postal_code"),
            country: field(item, "country"),
            label_raw: field(item, "type"),
            ..Address::default()
        };
        let structured = !address.street.is_empty()
            || address.locality.is_some()
            || address.region.is_some()
            || address.postal_code.is_some()
            || address.country.is_some();
        if !structured {
            // Only the one-line `formatted` form: keep it as street lines rather than lose it.
            address.street = lines(text(item).or_else(|| field(item, "formatted")));
        }
        if !address.street.is_empty() || structured {
            contact.addresses.push(address);
        }
    }
    contact.groups = list(value, "groups").into_iter().filter_map(text).collect();
    contact.organization = list(value, "companies").into_iter().find_map(text);
    contact.birthday =
        field(value, "dob").or_else(|| field(value, "birthday").map(|md| partial_birthday(&md)));
    contact.photo_url = list(value, "photos")
        .into_iter()
        .find_map(|photo| text(photo).or_else(|| field(photo, "url")));
    contact
}

/// Maps one Popsell contact object (`{Id, Email, FirstName, LastName, Gender, Comment, Street1,
/// Street2, Postcode, City, Country, Phone1, Phone2, IsSoftDeleted, Tags, LastModificationDate,
/// Extra_data, …}`).
///
/// `Phone1` is the home phone and `Phone2` the mobile (as Popsell documents them); `Tags` become
/// groups, `IsSoftDeleted` the deleted flag, `LastModificationDate` the update time (as given).
/// Every other non-null field (Gender, LanguageCode, Type, the consent flags, unknown keys) goes
/// to `extra` under its own name with its JSON value, and so do the entries of `Extra_data`
/// unless they would overwrite one of those.
pub fn popsell_contact(value: &Value) -> Contact {
    let mut contact = Contact {
        source_id: field(value, "Id"),
        name: first_last(field(value, "FirstName"), field(value, "LastName")),
        notes: field(value, "Comment"),
        deleted: value.get("IsSoftDeleted").is_some_and(truthy),
        updated_at: field(value, "LastModificationDate"),
        ..Contact::default()
    };
    if let Some(address) = field(value, "Email") {
        contact.emails.push(Email {
            address,
            ..Email::default()
        });
    }
    for (key, label) in [("Phone1", "home"), ("Phone2", "mobile")] {
        if let Some(number) = field(value, key) {
            contact
                .phones
                .push(raw_phone(number, Some(label.to_string())));
        }
    }
    let street: Vec<String> = ["Street1", "Street2"]
        .iter()
        .filter_map(|key| field(value, key))
        .collect();
    let address = Address {
        street,
        locality: field(value, "City"),
        postal_code: field(value, "Postcode"),
        country: field(value, "Country"),
        ..Address::default()
    };
    if address != Address::default() {
        contact.addresses.push(address);
    }
    contact.groups = list(value, "Tags").into_iter().filter_map(text).collect();
    const MAPPED: &[&str] = &[
        "Id",
        "FirstName",
        "LastName",
        "Comment",
        "IsSoftDeleted",
        "LastModificationDate",
        "Email",
        "Phone1",
        "Phone2",
        "Street1",
        "Street2",
        "City",
        "Postcode",
        "Country",
        "Tags",
        "Extra_data",
    ];
    if let Some(object) = value.as_object() {
        for (key, field_value) in object {
            if !MAPPED.contains(&key.as_str()) && !field_value.is_null() {
                contact.extra.insert(key.clone(), field_value.clone());
            }
        }
    }
    if let Some(extra) = value.get("Extra_data").and_then(Value::as_object) {
        for (key, field_value) in extra {
            contact
                .extra
                .entry(key.clone())
                .or_insert_with(|| field_value.clone());
        }
    }
    contact
}

/// Maps one Convio / Luminate contact (`{firstName, lastName, email}` from an import job, or
/// `{id, firstName, lastName, email, group:[{id,name}]}` from the address book). Lists may be
/// collapsed or absent (see [`ensure_array`]); group names become groups.
pub fn convio_contact(value: &Value) -> Contact {
    let mut contact = Contact {
        source_id: field(value, "id"),
        name: first_last(field(value, "firstName"), field(value, "lastName")),
        ..Contact::default()
    };
    for email in list(value, "email") {
        if let Some(address) = text(email).or_else(|| field(email, "address")) {
            contact.emails.push(Email {
                address,
                ..Email::default()
            });
        }
    }
    let groups = value
        .get("group")
        .or_else(|| value.get("groups").and_then(|g| g.get("group")));
    for group in groups.map(ensure_array).unwrap_or_default() {
        if let Some(name) = field(group, "name").or_else(|| text(group)) {
            if !contact.groups.contains(&name) {
                contact.groups.push(name);
            }
        }
    }
    contact
}

/// Maps one W3C Contact Picker `ContactInfo` (`{name:[…], email:[…], tel:[…], address:[…],
/// icon:[…]}`, every field an array). The first name is the display name, further ones become
/// the nickname; address `organization` fills the organization, an address `phone` is added
/// to the phones, and `dependentLocality` is kept as a last street line. Icons are blobs, which
/// serialize to nothing useful in JSON; only a URL string is kept.
pub fn contact_picker_contact(value: &Value) -> Contact {
    let names: Vec<String> = list(value, "name").into_iter().filter_map(text).collect();
    let mut contact = Contact {
        name: Name {
            display: names.first().cloned(),
            ..Name::default()
        },
        nickname: names.get(1).cloned(),
        ..Contact::default()
    };
    for address in list(value, "email").into_iter().filter_map(text) {
        contact.emails.push(Email {
            address,
            ..Email::default()
        });
    }
    for number in list(value, "tel").into_iter().filter_map(text) {
        contact.phones.push(raw_phone(number, None));
    }
    for item in list(value, "address") {
        let mut street: Vec<String> = list(item, "addressLine")
            .into_iter()
            .filter_map(text)
            .collect();
        street.extend(field(item, "dependentLocality"));
        let address = Address {
            street,
            locality: field(item, "city"),
            region: field(item, "region"),
            postal_code: field(item, "postalCode"),
            country: field(item, "country"),
            ..Address::default()
        };
        if contact.organization.is_none() {
            contact.organization = field(item, "organization");
        }
        if contact.name.display.is_none() {
            contact.name.display = field(item, "recipient");
        }
        if let Some(number) = field(item, "phone") {
            if !contact.phones.iter().any(|phone| phone.raw == number) {
                contact.phones.push(raw_phone(number, None));
            }
        }
        if address != Address::default() {
            contact.addresses.push(address);
        }
    }
    contact.photo_url = list(value, "icon")
        .into_iter()
        .filter_map(text)
        .find(|url| is_http_url(url));
    contact
}

/// True for an `http:` or `https:` URL (a `data:` or `blob:` URL is not a photo URL to keep).
fn is_http_url(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// A phone as read: the raw text in both `raw` and `number` (the normalizer rewrites `number`).
pub(crate) fn raw_phone(number: String, label_raw: Option<String>) -> Phone {
    let label = match label_raw.as_deref() {
        Some("home") => Label::Home,
        Some("mobile") => Label::Mobile,
        _ => Label::Other,
    };
    Phone {
        number: number.clone(),
        raw: number,
        label,
        label_raw,
        ..Phone::default()
    }
}

/// A name from first and last name. A full name in the first-name field with no last name
/// (a CloudSponge quirk) is kept as the display name, for the normalizer to split.
pub(crate) fn first_last(first: Option<String>, last: Option<String>) -> Name {
    match (first, last) {
        (Some(first), None) if first.contains(char::is_whitespace) => Name {
            display: Some(first),
            ..Name::default()
        },
        (given, family) => Name {
            given,
            family,
            ..Name::default()
        },
    }
}

/// CloudSponge `birthday` is `MM-DD`; the model writes a year-less birthday as `--MM-DD`.
pub(crate) fn partial_birthday(month_day: &str) -> String {
    let bytes = month_day.as_bytes();
    if bytes.len() == 5
        && bytes[2] == b'-'
        && month_day.bytes().filter(u8::is_ascii_digit).count() == 4
    {
        format!("--{month_day}")
    } else {
        month_day.to_string()
    }
}

/// Street lines from one text (a newline separates lines).
pub(crate) fn lines(street: Option<String>) -> Vec<String> {
    street
        .map(|s| {
            s.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// The list at `key` (see [`ensure_array`]); no list when the key is missing.
fn list<'a>(value: &'a Value, key: &str) -> Vec<&'a Value> {
    value.get(key).map(ensure_array).unwrap_or_default()
}

/// The text at `key` (see [`text`]).
fn field(value: &Value, key: &str) -> Option<String> {
    value.get(key).and_then(text)
}

/// A scalar as trimmed text: strings, and numbers as written; `None` for empty, null,
/// booleans and containers.
fn text(value: &Value) -> Option<String> {
    let text = match value {
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    (!text.is_empty()).then_some(text)
}

/// A flag given as `true`, `"true"`, `1` or `"1"`.
fn truthy(value: &Value) -> bool {
    match value {
        Value::Bool(b) => *b,
        Value::String(s) => matches!(s.trim().to_ascii_lowercase().as_str(), "true" | "1" | "yes"),
        Value::Number(n) => n.as_i64() == Some(1),
        _ => false,
    }
}

/// A short name of a JSON value's kind, for messages.
fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Writes contacts as this crate's JSON schema: an array, one contact per line, keys in a fixed
/// order, so that output is byte-identical on every target.
pub fn write(contacts: &[crate::Contact]) -> String {
    // One pass to size the output, so that it is allocated once (no copies while growing,
    // and no doubled buffer at the peak); the per-contact serializer is hand-written, see
    // `writer`.
    let estimate = contacts.iter().map(writer::estimate).sum::<usize>() + 4;
    let mut out = writer::Out::utf8(estimate);
    out.push(b'[');
    for (i, contact) in contacts.iter().enumerate() {
        out.push_str(if i == 0 { "\n" } else { ",\n" });
        writer::contact(&mut out, contact);
    }
    out.push_str(if contacts.is_empty() { "]\n" } else { "\n]\n" });
    out.take()
}

/// How many bytes [`write_list`] collects before handing them to its sink.
const PIECE: usize = 64 * 1024;

/// Writes the same text as [`write`] for a [`crate::ContactList`], a piece at a time: `sink`
/// receives it in pieces of about 64 KiB, so the whole text, several times the size of the
/// input, is never held. Contacts are decoded into one reused value
/// ([`crate::ContactList::for_each`]), so this allocates little.
pub fn write_list(list: &(impl EachContact + ?Sized), mut sink: impl FnMut(&str)) {
    let mut writer = JsonWriter::new();
    list.each_contact(&mut |contact| {
        writer.push(contact);
        if writer.len() >= PIECE {
            sink(&writer.take());
        }
    });
    writer.end();
    sink(&writer.take());
}

/// The text of [`write`], built incrementally: [`push`](JsonWriter::push) contacts,
/// [`take`](JsonWriter::take) what is written so far whenever convenient, then
/// [`end`](JsonWriter::end) and take the rest. For callers that hand the text on in pieces (a
/// server's response body, the widget's `nextJson`).
#[derive(Debug)]
pub struct JsonWriter {
    out: writer::Out,
    empty: bool,
    ended: bool,
}

impl Default for JsonWriter {
    fn default() -> JsonWriter {
        JsonWriter::new()
    }
}

impl JsonWriter {
    /// A writer of the text of [`write`]; it has written the opening bracket.
    pub fn new() -> JsonWriter {
        JsonWriter::with(writer::Out::utf8(PIECE + 4096))
    }

    /// A writer of the same JSON in ASCII: every non-ASCII character is written as a `\uXXXX`
    /// escape (a surrogate pair above U+FFFF), which any JSON parser reads back as the same
    /// value ([`escape_non_ascii`] of the text of [`write`]). For text handed to a JS engine:
    /// an ASCII string is kept with one byte a character and decoded from wasm memory about
    /// twice as fast, where the same text with a single "é" takes two bytes a character.
    pub fn ascii() -> JsonWriter {
        JsonWriter::with(writer::Out::ascii(PIECE + 4096))
    }

    fn with(mut out: writer::Out) -> JsonWriter {
        out.push(b'[');
        JsonWriter {
            out,
            empty: true,
            ended: false,
        }
    }

    /// Appends a contact (ignored once ended).
    pub fn push(&mut self, contact: &crate::Contact) {
        if self.ended {
            return;
        }
        self.out.push_str(if self.empty { "\n" } else { ",\n" });
        self.empty = false;
        writer::contact(&mut self.out, contact);
    }

    /// Appends a contact as [`push`](JsonWriter::push) does, with, when `chosen` is given, one
    /// more key last in its object: `chosen_email`, the address a picker's visitor chose among
    /// the contact's `emails` (the schema's optional property, present only on contacts a
    /// picker submitted). With `None` the text is exactly what `push` writes.
    pub fn push_with_chosen_email(&mut self, contact: &crate::Contact, chosen: Option<&str>) {
        if self.ended {
            return;
        }
        self.out.push_str(if self.empty { "\n" } else { ",\n" });
        self.empty = false;
        writer::contact_with_chosen_email(&mut self.out, contact, chosen);
    }

    /// Writes the closing bracket (once).
    pub fn end(&mut self) {
        if !self.ended {
            self.ended = true;
            self.out.push_str(if self.empty { "]\n" } else { "\n]\n" });
        }
    }

    /// Bytes written and not yet taken.
    pub fn len(&self) -> usize {
        self.out.len()
    }

    /// True when nothing is waiting to be taken.
    pub fn is_empty(&self) -> bool {
        self.out.len() == 0
    }

    /// The text written since the last call.
    pub fn take(&mut self) -> String {
        self.out.take()
    }
}

/// `text` with every non-ASCII character written as a JSON `\uXXXX` escape (lower-case hex, a
/// surrogate pair above U+FFFF). Applied to JSON text, which has non-ASCII characters only
/// inside its strings, it gives the same JSON value in ASCII: what [`JsonWriter::ascii`]
/// writes, done here the simple way, a character at a time.
pub fn escape_non_ascii(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units).iter() {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    out
}

#[derive(Serialize)]
struct CloudSpongeContact<'a> {
    first_name: &'a str,
    last_name: &'a str,
    email: Vec<CloudSpongeEmail<'a>>,
    phone: Vec<CloudSpongePhone<'a>>,
    address: Vec<CloudSpongeAddress<'a>>,
    groups: &'a [String],
    companies: Vec<&'a str>,
    job_title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    dob: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    birthday: Option<&'a str>,
}

#[derive(Serialize)]
struct CloudSpongeEmail<'a> {
    address: &'a str,
    #[serde(rename = "type")]
    kind: &'a str,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    primary: bool,
}

#[derive(Serialize)]
struct CloudSpongePhone<'a> {
    number: &'a str,
    #[serde(rename = "type")]
    kind: &'a str,
}

#[derive(Serialize)]
struct CloudSpongeAddress<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    street: String,
    city: Option<&'a str>,
    region: Option<&'a str>,
    postal_code: Option<&'a str>,
    country: Option<&'a str>,
    formatted: String,
}

/// The `type` text of a value: the source's own label when it had one, else the mapped label.
fn type_text(label_raw: &Option<String>, label: Label) -> &str {
    label_raw.as_deref().unwrap_or(match label {
        Label::Home => "home",
        Label::Work => "work",
        Label::Mobile => "mobile",
        Label::Other => "other",
    })
}

/// Writes contacts in CloudSponge's contacts JSON shape (`{"contacts":[{first_name, email:[...]}],
/// "start":0,"count":N,"total":N}`), so a page written against CloudSponge's callback can switch
/// without rewriting it: names are always strings (`""` when unknown), `email`/`phone`/`address`
/// always arrays. Keys come in a fixed order; one contact per line.
pub fn write_cloudsponge(contacts: &[crate::Contact]) -> String {
    collect(|sink| write_cloudsponge_to(contacts, sink))
}

/// The text of [`write_cloudsponge`], handed to `sink` in pieces of about 64 KiB.
pub fn write_cloudsponge_to(contacts: &(impl EachContact + ?Sized), sink: impl FnMut(&str)) {
    let count = contacts.contact_count();
    let mut out = Pieces::new(sink);
    out.buffer().push_str("{\"contacts\":[");
    let mut first = true;
    // One contact per line: each is serialized on its own.
    contacts.each_contact(&mut |contact| {
        let buffer = out.buffer();
        buffer.push_str(if first { "\n" } else { ",\n" });
        first = false;
        buffer.push_str(
            &serde_json::to_string(&cloudsponge_shape(contact))
                .expect("plain strings and arrays always serialize"),
        );
        out.flush_if_full();
    });
    if count > 0 {
        out.buffer().push('\n');
    }
    out.buffer().push_str(&format!(
        "],\"start\":0,\"count\":{count},\"total\":{count}}}\n"
    ));
    out.finish();
}

/// One contact in CloudSponge's shape.
fn cloudsponge_shape(contact: &Contact) -> CloudSpongeContact<'_> {
    let (first_name, last_name) = match (&contact.name.given, &contact.name.family) {
        (None, None) => (contact.name.display.as_deref().unwrap_or(""), ""),
        (given, family) => (
            given.as_deref().unwrap_or(""),
            family.as_deref().unwrap_or(""),
        ),
    };
    let email = contact
        .emails
        .iter()
        .map(|e| CloudSpongeEmail {
            address: &e.address,
            kind: type_text(&e.label_raw, e.label),
            primary: e.primary,
        })
        .collect();
    let phone = contact
        .phones
        .iter()
        .map(|p| CloudSpongePhone {
            number: &p.number,
            kind: type_text(&p.label_raw, p.label),
        })
        .collect();
    let address = contact
        .addresses
        .iter()
        .map(|a| CloudSpongeAddress {
            kind: type_text(&a.label_raw, a.label),
            street: a.street.join("\n"),
            city: a.locality.as_deref(),
            region: a.region.as_deref(),
            postal_code: a.postal_code.as_deref(),
            country: a.country.as_deref(),
            formatted: formatted_address(a),
        })
        .collect();
    let (dob, birthday) = match contact.birthday.as_deref() {
        Some(date) if date.starts_with("--") => (None, date.get(2..)),
        Some(date) if date.len() == 10 => (Some(date), date.get(5..)),
        Some(other) => (None, Some(other)),
        None => (None, None),
    };
    CloudSpongeContact {
        first_name,
        last_name,
        email,
        phone,
        address,
        groups: &contact.groups,
        companies: contact.organization.as_deref().into_iter().collect(),
        job_title: contact.title.as_deref().unwrap_or(""),
        dob,
        birthday,
    }
}

/// An address on lines: street lines, then "city region postal code", then the country.
fn formatted_address(address: &Address) -> String {
    let mut lines: Vec<String> = address.street.clone();
    let city_line: Vec<&str> = [&address.locality, &address.region, &address.postal_code]
        .iter()
        .filter_map(|part| part.as_deref())
        .collect();
    if !city_line.is_empty() {
        lines.push(city_line.join(" "));
    }
    lines.extend(address.country.clone());
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
