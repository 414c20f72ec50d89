//! The CSV writers: our own layout ([`write`]) and Constant Contact's upload layout
//! ([`write_constant_contact`], row by row with [`constant_contact_row`]).
//!
//! Both quote the RFC 4180 way (a cell with `,` `"` CR or LF, or with surrounding spaces, is
//! wrapped in double quotes and its quotes doubled) and neutralize cells a spreadsheet would run
//! as a formula: a cell whose first character is `=` `+` `-` `@` TAB or CR gets a leading `'`
//! (the OWASP CSV-injection rule).

use std::collections::BTreeSet;

use crate::csv::columns::looks_like_phone;
use crate::each::{collect, EachContact, Pieces};
use crate::model::{Contact, Label};

/// The columns of [`write`] before the numbered e-mail, phone and address groups.
const FIXED_COLUMNS: [&str; 14] = [
    "Name",
    "Given Name",
    "Middle Name",
    "Family Name",
    "Name Prefix",
    "Name Suffix",
    "Nickname",
    "Organization",
    "Job Title",
    "Department",
    "Birthday",
    "Groups",
    "Notes",
    "Photo",
];

/// The parts of an address group, after `Address N - `.
const ADDRESS_PARTS: [&str; 6] = [
    "Label",
    "Street",
    "City",
    "Region",
    "Postal Code",
    "Country",
];

/// Writes contacts as CSV: a header row, then one row per contact, CRLF line ends.
///
/// Layout: the fixed columns `Name, Given Name, Middle Name, Family Name, Name Prefix,
/// Name Suffix, Nickname, Organization, Job Title, Department, Birthday, Groups, Notes, Photo`;
/// then, as many as the contact with the most needs (at least one of each),
/// `E-mail N - Label, E-mail N - Value`, `Phone N - Label, Phone N - Value` and
/// `Address N - Label/Street/City/Region/Postal Code/Country`; then one column per `extra` key
/// (sorted). These are Google's names, so the file reads back with [`crate::csv::Reader`] and
/// imports into Google Contacts. Groups are joined with " ::: ", street lines with a line
/// break. A label is the mapped label (`Home`, `Work`, `Mobile`) or else the source's raw label;
/// the primary e-mail's label starts with `* ` (Google's marker).
pub fn write(contacts: &[Contact]) -> String {
    collect(|sink| write_to(contacts, sink))
}

/// The text of [`write`], handed to `sink` in pieces of about 64 KiB: for a
/// [`crate::ContactList`] too, whose contacts are read twice (the widest contact sets the
/// columns) and never all held as values.
pub fn write_to(contacts: &(impl EachContact + ?Sized), sink: impl FnMut(&str)) {
    let (mut emails, mut phones, mut addresses) = (1, 1, 1);
    let mut extra_keys: BTreeSet<String> = BTreeSet::new();
    contacts.each_contact(&mut |c| {
        emails = emails.max(c.emails.len());
        phones = phones.max(c.phones.len());
        addresses = addresses.max(c.addresses.len());
        for key in c.extra.keys() {
            if !extra_keys.contains(key) {
                extra_keys.insert(key.clone());
            }
        }
    });

    let mut header: Vec<String> = FIXED_COLUMNS.iter().map(|c| c.to_string()).collect();
    for n in 1..=emails {
        header.push(format!("E-mail {n} - Label"));
        header.push(format!("E-mail {n} - Value"));
    }
    for n in 1..=phones {
        header.push(format!("Phone {n} - Label"));
        header.push(format!("Phone {n} - Value"));
    }
    for n in 1..=addresses {
        header.extend(
            ADDRESS_PARTS
                .iter()
                .map(|part| format!("Address {n} - {part}")),
        );
    }
    header.extend(extra_keys.iter().cloned());

    let mut out = Pieces::new(sink);
    push_row(out.buffer(), header.iter().map(String::as_str), "\r\n");
    contacts.each_contact(&mut |contact| {
        let text = |value: &Option<String>| value.clone().unwrap_or_default();
        let name = &contact.name;
        let mut row: Vec<String> = vec![
            text(&name.display),
            text(&name.given),
            text(&name.middle),
            text(&name.family),
            text(&name.prefix),
            text(&name.suffix),
            text(&contact.nickname),
            text(&contact.organization),
            text(&contact.title),
            text(&contact.department),
            text(&contact.birthday),
            contact.groups.join(" ::: "),
            text(&contact.notes),
            text(&contact.photo_url),
        ];
        for n in 0..emails {
            match contact.emails.get(n) {
                Some(email) => {
                    let label = label_text(email.label, email.label_raw.as_deref());
                    row.push(match (email.primary, label.is_empty()) {
                        (true, true) => "*".to_string(),
                        (true, false) => format!("* {label}"),
                        (false, _) => label,
                    });
                    row.push(email.address.clone());
                }
                None => row.extend([String::new(), String::new()]),
            }
        }
        for n in 0..phones {
            match contact.phones.get(n) {
                Some(phone) => {
                    row.push(label_text(phone.label, phone.label_raw.as_deref()));
                    row.push(phone_text(&phone.number, &phone.raw).to_string());
                }
                None => row.extend([String::new(), String::new()]),
            }
        }
        for n in 0..addresses {
            match contact.addresses.get(n) {
                Some(address) => row.extend([
                    label_text(address.label, address.label_raw.as_deref()),
                    address.street.join("\n"),
                    text(&address.locality),
                    text(&address.region),
                    text(&address.postal_code),
                    text(&address.country),
                ]),
                None => row.extend(std::iter::repeat_n(String::new(), ADDRESS_PARTS.len())),
            }
        }
        for key in &extra_keys {
            row.push(match contact.extra.get(key) {
                Some(serde_json::Value::String(s)) => s.clone(),
                Some(serde_json::Value::Null) | None => String::new(),
                Some(other) => other.to_string(),
            });
        }
        push_row(out.buffer(), row.iter().map(String::as_str), "\r\n");
        out.flush_if_full();
    });
    out.finish();
}

/// The header row of Constant Contact's upload layout (no line end).
pub fn constant_contact_header() -> &'static str {
    "EMAIL ADDRESS,FIRST NAME,MIDDLE NAME,LAST NAME,JOB TITLE,COMPANY NAME,WORK PHONE,HOME PHONE,\
     ADDRESS LINE 1,ADDRESS LINE 2,ADDRESS LINE 3,CITY,STATE,COUNTRY,POSTAL CODE"
}

/// One contact as a row of Constant Contact's upload layout (no line end), or `None` when it
/// has no e-mail address (Constant Contact keys contacts by address). The address is the
/// primary one; FIRST NAME falls back to the display name when the name has no parts; WORK
/// PHONE is the first work number, HOME PHONE the first home number (else the first number
/// that is not a work number); the address is the first one, street lines after the third
/// joined into ADDRESS LINE 3. Phone-shaped numbers (`+41 44 668 18 00`) are not prefixed with
/// `'`: made of digits and `+-()./` only, they cannot run as a formula, and the prefix would
/// corrupt them for Constant Contact.
pub fn constant_contact_row(contact: &Contact) -> Option<String> {
    let email = contact.primary_email()?;
    if email.address.trim().is_empty() {
        return None;
    }
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    let name = &contact.name;
    let first = match (&name.given, &name.family) {
        (None, None) => text(&name.display),
        _ => text(&name.given),
    };
    let phone_with = |label: Label| {
        contact
            .phones
            .iter()
            .find(|p| p.label == label)
            .map(|p| phone_text(&p.number, &p.raw).to_string())
    };
    let work = phone_with(Label::Work).unwrap_or_default();
    let home = phone_with(Label::Home)
        .or_else(|| {
            contact
                .phones
                .iter()
                .find(|p| p.label != Label::Work)
                .map(|p| phone_text(&p.number, &p.raw).to_string())
        })
        .unwrap_or_default();
    let address = contact.addresses.first();
    let street = |n: usize| -> String {
        let lines = address.map(|a| a.street.as_slice()).unwrap_or(&[]);
        match n {
            0 | 1 => lines.get(n).cloned().unwrap_or_default(),
            _ => lines
                .get(2..)
                .map(|rest| rest.join(", "))
                .unwrap_or_default(),
        }
    };
    let part = |get: fn(&crate::model::Address) -> &Option<String>| {
        address.and_then(|a| get(a).clone()).unwrap_or_default()
    };
    let cells: [(String, bool); 15] = [
        (email.address.clone(), false),
        (first, false),
        (text(&name.middle), false),
        (text(&name.family), false),
        (text(&contact.title), false),
        (text(&contact.organization), false),
        (work, true),
        (home, true),
        (street(0), false),
        (street(1), false),
        (street(2), false),
        (part(|a| &a.locality), false),
        (part(|a| &a.region), false),
        (part(|a| &a.country), false),
        (part(|a| &a.postal_code), false),
    ];
    let mut row = String::new();
    for (i, (value, is_phone)) in cells.iter().enumerate() {
        if i > 0 {
            row.push(',');
        }
        let neutralize = !(*is_phone && looks_like_phone(value));
        push_cell(&mut row, value, neutralize);
    }
    Some(row)
}

/// Writes contacts in Constant Contact's upload layout: the header, then one row per contact
/// that has an e-mail address (see [`constant_contact_row`]), LF line ends.
pub fn write_constant_contact(contacts: &[Contact]) -> String {
    collect(|sink| write_constant_contact_to(contacts, sink))
}

/// The text of [`write_constant_contact`], handed to `sink` in pieces of about 64 KiB.
pub fn write_constant_contact_to(contacts: &(impl EachContact + ?Sized), sink: impl FnMut(&str)) {
    let mut out = Pieces::new(sink);
    out.buffer().push_str(constant_contact_header());
    out.buffer().push('\n');
    contacts.each_contact(&mut |contact| {
        if let Some(row) = constant_contact_row(contact) {
            out.buffer().push_str(&row);
            out.buffer().push('\n');
            out.flush_if_full();
        }
    });
    out.finish();
}

/// The E.164 number when there is one, else the raw text.
fn phone_text<'a>(number: &'a str, raw: &'a str) -> &'a str {
    if number.is_empty() {
        raw
    } else {
        number
    }
}

/// `Home`, `Work`, `Mobile`; for `Other` the raw label (without Google's `* `), if any.
fn label_text(label: Label, raw: Option<&str>) -> String {
    match label {
        Label::Home => "Home".into(),
        Label::Work => "Work".into(),
        Label::Mobile => "Mobile".into(),
        Label::Other => raw
            .map(|r| r.trim().trim_start_matches('*').trim().to_string())
            .unwrap_or_default(),
    }
}

fn push_row<'a>(out: &mut String, cells: impl Iterator<Item = &'a str>, line_end: &str) {
    for (i, cell) in cells.enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_cell(out, cell, true);
    }
    out.push_str(line_end);
}

/// Appends one cell, neutralized (if asked) and quoted as needed.
fn push_cell(out: &mut String, value: &str, neutralize: bool) {
    let formula = neutralize && value.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let needs_quotes = value.contains([',', '"', '\r', '\n'])
        || value.starts_with(char::is_whitespace)
        || value.ends_with(char::is_whitespace);
    if needs_quotes {
        out.push('"');
    }
    if formula {
        out.push('\'');
    }
    for c in value.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    if needs_quotes {
        out.push('"');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Email, Name, Phone};
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn cell(value: &str) -> String {
        let mut out = String::new();
        push_cell(&mut out, value, true);
        out
    }

    #[test]
    fn quoting_and_formula_neutralization() {
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("=1+1"), "'=1+1");
        assert_eq!(cell("@SUM(1)"), "'@SUM(1)");
        assert_eq!(cell("\tx"), "\"'\tx\"");
        assert_eq!(cell("\rx"), "\"'\rx\"");
        assert_eq!(cell("-2,3"), "\"'-2,3\"");
    }

    #[test]
    fn constant_contact_skips_contacts_without_email() {
        let ada = Contact {
            name: Name {
                given: Some("Ada".into()),
                family: Some("Lovelace, Countess".into()),
                ..Name::default()
            },
            emails: vec![Email {
                address: "ada@example.org".into(),
                ..Email::default()
            }],
            phones: vec![Phone {
                number: "+441234567890".into(),
                label: Label::Work,
                ..Phone::default()
            }],
            ..Contact::default()
        };
        let nobody = Contact::default();
        assert_eq!(
            write_constant_contact(&[ada, nobody]),
            format!(
                "{}\nada@example.org,Ada,,\"Lovelace, Countess\",,,+441234567890,,,,,,,,\n",
                constant_contact_header()
            )
        );
    }
}
