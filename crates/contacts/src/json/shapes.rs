//! The per-shape mappings: one provider's contact object to a [`Contact`] of raw values
//! (public, so the providers crate maps provider answers exactly as files are read).

use serde_json::Value;

use crate::fields::{first_last, lines, partial_birthday, raw_phone};
use crate::model::{Address, Contact, Email, Name};

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
pub(super) fn is_http_url(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// The list at `key` (see [`ensure_array`]); no list when the key is missing.
pub(super) fn list<'a>(value: &'a Value, key: &str) -> Vec<&'a Value> {
    value.get(key).map(ensure_array).unwrap_or_default()
}

/// The text at `key` (see [`text`]).
pub(super) fn field(value: &Value, key: &str) -> Option<String> {
    value.get(key).and_then(text)
}

/// A scalar as trimmed text: strings, and numbers as written; `None` for empty, null,
/// booleans and containers.
pub(super) fn text(value: &Value) -> Option<String> {
    let text = match value {
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    (!text.is_empty()).then_some(text)
}

/// A flag given as `true`, `"true"`, `1` or `"1"`.
pub(super) fn truthy(value: &Value) -> bool {
    match value {
        Value::Bool(b) => *b,
        Value::String(s) => matches!(s.trim().to_ascii_lowercase().as_str(), "true" | "1" | "yes"),
        Value::Number(n) => n.as_i64() == Some(1),
        _ => false,
    }
}

/// A short name of a JSON value's kind, for messages.
pub(super) fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
