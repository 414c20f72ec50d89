//! The vCard writer: 3.0 (RFC 2426) or 4.0 (RFC 6350), CRLF line endings, lines folded at 75
//! octets without splitting a UTF-8 sequence, text escaped (`\\ \, \; \n`).

use crate::each::{collect, EachContact, Pieces};
use crate::model::{Contact, Label};

/// The vCard versions this crate writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// RFC 2426.
    V3,
    /// RFC 6350.
    V4,
}

/// The most octets on one line, not counting the CRLF (RFC 6350 §3.2, RFC 2426 §2.6).
const FOLD_OCTETS: usize = 75;

/// Writes contacts as vCards of `version`, CRLF line endings, folded at 75 octets.
pub fn write(contacts: &[Contact], version: Version) -> String {
    collect(|sink| write_to(contacts, version, sink))
}

/// The text of [`write`], handed to `sink` in pieces of about 64 KiB.
pub fn write_to(contacts: &(impl EachContact + ?Sized), version: Version, sink: impl FnMut(&str)) {
    let mut out = Pieces::new(sink);
    contacts.each_contact(&mut |contact| {
        write_card(out.buffer(), contact, version);
        out.flush_if_full();
    });
    out.finish();
}

fn write_card(out: &mut String, contact: &Contact, version: Version) {
    line(out, "BEGIN:VCARD");
    line(
        out,
        if version == Version::V3 {
            "VERSION:3.0"
        } else {
            "VERSION:4.0"
        },
    );
    line(out, &format!("FN:{}", escape(&display_name(contact))));
    let name = &contact.name;
    let parts = [
        &name.family,
        &name.given,
        &name.middle,
        &name.prefix,
        &name.suffix,
    ];
    // N is required in 3.0 and optional in 4.0.
    if version == Version::V3 || parts.iter().any(|p| p.is_some()) {
        line(
            out,
            &format!("N:{}", structured(parts.iter().map(|p| p.as_deref()))),
        );
    }
    if let Some(nickname) = &contact.nickname {
        line(out, &format!("NICKNAME:{}", escape(nickname)));
    }
    for email in &contact.emails {
        let params = type_params(email.label, false, email.primary, version);
        line(out, &format!("EMAIL{params}:{}", escape(&email.address)));
    }
    for phone in &contact.phones {
        let params = type_params(phone.label, true, false, version);
        let value = if phone.e164 || phone.raw.is_empty() {
            &phone.number
        } else {
            &phone.raw
        };
        if version == Version::V4 && phone.e164 {
            line(out, &format!("TEL;VALUE=uri{params}:tel:{value}"));
        } else {
            line(out, &format!("TEL{params}:{}", escape(value)));
        }
    }
    for address in &contact.addresses {
        let params = type_params(address.label, false, false, version);
        let street = address.street.join("\n");
        let parts = [
            None,
            None,
            Some(street.as_str()),
            address.locality.as_deref(),
            address.region.as_deref(),
            address.postal_code.as_deref(),
            address.country.as_deref(),
        ];
        line(
            out,
            &format!("ADR{params}:{}", structured(parts.into_iter())),
        );
    }
    if contact.organization.is_some() || contact.department.is_some() {
        let parts = [
            contact.organization.as_deref(),
            contact.department.as_deref(),
        ];
        let value = match contact.department {
            Some(_) => structured(parts.into_iter()),
            None => escape(contact.organization.as_deref().unwrap_or("")),
        };
        line(out, &format!("ORG:{value}"));
    }
    if let Some(title) = &contact.title {
        line(out, &format!("TITLE:{}", escape(title)));
    }
    if let Some(birthday) = &contact.birthday {
        line(out, &format!("BDAY:{}", escape(birthday)));
    }
    if !contact.groups.is_empty() {
        let groups: Vec<String> = contact.groups.iter().map(|g| escape(g)).collect();
        line(out, &format!("CATEGORIES:{}", groups.join(",")));
    }
    if let Some(notes) = &contact.notes {
        line(out, &format!("NOTE:{}", escape(notes)));
    }
    if let Some(url) = contact.extra.get("url").and_then(|u| u.as_str()) {
        line(out, &format!("URL:{}", uri(url)));
    }
    if let Some(photo) = &contact.photo_url {
        let params = if version == Version::V3 {
            ";VALUE=uri"
        } else {
            ""
        };
        line(out, &format!("PHOTO{params}:{}", uri(photo)));
    }
    if let Some(uid) = &contact.source_id {
        line(out, &format!("UID:{}", escape(uid)));
    }
    if let Some(rev) = &contact.updated_at {
        line(out, &format!("REV:{}", escape(rev)));
    }
    line(out, "END:VCARD");
}

/// FN is required: the display name, else the name parts, else the organization, else the
/// first e-mail address.
fn display_name(contact: &Contact) -> String {
    if let Some(display) = &contact.name.display {
        return display.clone();
    }
    let name = &contact.name;
    let parts: Vec<&str> = [
        &name.prefix,
        &name.given,
        &name.middle,
        &name.family,
        &name.suffix,
    ]
    .into_iter()
    .flatten()
    .map(String::as_str)
    .collect();
    if !parts.is_empty() {
        return parts.join(" ");
    }
    contact
        .organization
        .clone()
        .or_else(|| contact.primary_email().map(|e| e.address.clone()))
        .unwrap_or_default()
}

/// `;TYPE=...` for a label (and preference), in the version's spelling.
fn type_params(label: Label, phone: bool, primary: bool, version: Version) -> String {
    let mut types: Vec<&str> = Vec::new();
    match label {
        Label::Home => types.push("home"),
        Label::Work => types.push("work"),
        Label::Mobile if phone => types.push("cell"),
        Label::Mobile | Label::Other => {}
    }
    let mut params = String::new();
    if primary && version == Version::V3 {
        types.push("pref");
    }
    if !types.is_empty() {
        params.push_str(";TYPE=");
        params.push_str(&types.join(","));
    }
    if primary && version == Version::V4 {
        params.push_str(";PREF=1");
    }
    params
}

/// Components joined with ';', each escaped.
fn structured<'a>(parts: impl Iterator<Item = Option<&'a str>>) -> String {
    parts
        .map(|p| escape(p.unwrap_or("")))
        .collect::<Vec<_>>()
        .join(";")
}

/// Escapes a text value. Control characters other than the line break are dropped: they are
/// not allowed in vCard text, and a bare CR would end the line for some readers.
fn escape(text: &str) -> String {
    let text = text.replace("\r\n", "\n");
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ',' => out.push_str("\\,"),
            ';' => out.push_str("\\;"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A URI value is not escaped, but must not break the line.
fn uri(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).collect()
}

/// Writes one content line, folded at [`FOLD_OCTETS`] octets on character boundaries.
fn line(out: &mut String, content: &str) {
    let mut rest = content;
    let mut limit = FOLD_OCTETS;
    loop {
        if rest.len() <= limit {
            out.push_str(rest);
            out.push_str("\r\n");
            return;
        }
        let mut split = limit;
        while !rest.is_char_boundary(split) {
            split -= 1;
        }
        let (head, tail) = rest.split_at(split);
        out.push_str(head);
        out.push_str("\r\n ");
        rest = tail;
        // A continuation line starts with the folding space, which counts.
        limit = FOLD_OCTETS - 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Email, Phone};
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn folds_at_75_octets_on_char_boundaries() {
        let mut out = String::new();
        let value = "é".repeat(100);
        line(&mut out, &format!("NOTE:{value}"));
        for physical in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(physical.len() <= 75, "{physical:?}");
        }
        let unfolded = out.replace("\r\n ", "");
        assert_eq!(unfolded, format!("NOTE:{value}\r\n"));
    }

    #[test]
    fn escapes_text() {
        assert_eq!(escape("a\\b,c;d\r\ne\u{7}"), "a\\\\b\\,c\\;d\\ne");
    }

    #[test]
    fn writes_both_versions() {
        let contact = Contact {
            emails: vec![Email {
                address: "a@b.ch".into(),
                label: Label::Work,
                primary: true,
                ..Email::default()
            }],
            phones: vec![Phone {
                number: "+41446681800".into(),
                e164: true,
                raw: "044 668 18 00".into(),
                label: Label::Mobile,
                ..Phone::default()
            }],
            ..Contact::default()
        };
        let v3 = write(std::slice::from_ref(&contact), Version::V3);
        assert_eq!(
            v3,
            "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:a@b.ch\r\nN:;;;;\r\nEMAIL;TYPE=work,pref:a@b.ch\r\n\
             TEL;TYPE=cell:+41446681800\r\nEND:VCARD\r\n"
        );
        let v4 = write(&[contact], Version::V4);
        assert_eq!(
            v4,
            "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:a@b.ch\r\nEMAIL;TYPE=work;PREF=1:a@b.ch\r\n\
             TEL;VALUE=uri;TYPE=cell:tel:+41446681800\r\nEND:VCARD\r\n"
        );
    }
}
