//! CloudSponge's contacts JSON, written for pages built against CloudSponge's callback.

use serde::Serialize;

use crate::each::{collect, EachContact, Pieces};
use crate::model::{Address, Contact, Label};

#[derive(Serialize)]
pub(super) struct CloudSpongeContact<'a> {
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
pub(super) struct CloudSpongeEmail<'a> {
    address: &'a str,
    #[serde(rename = "type")]
    kind: &'a str,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    primary: bool,
}

#[derive(Serialize)]
pub(super) struct CloudSpongePhone<'a> {
    number: &'a str,
    #[serde(rename = "type")]
    kind: &'a str,
}

#[derive(Serialize)]
pub(super) struct CloudSpongeAddress<'a> {
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
pub(super) fn type_text(label_raw: &Option<String>, label: Label) -> &str {
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
pub(super) fn cloudsponge_shape(contact: &Contact) -> CloudSpongeContact<'_> {
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
pub(super) fn formatted_address(address: &Address) -> String {
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
