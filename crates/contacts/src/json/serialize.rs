//! A hand-written serializer for [`Contact`] into this crate's JSON schema, byte for byte what
//! `serde_json::to_string` writes for the model's derived `Serialize` (compact, keys in field
//! order, `null` for `None`), but faster (BENCHMARKS.md): serde's generic path costs a
//! formatter call per key and per string, and `to_string` allocates a `String` per contact.
//! The equality with serde_json is pinned by tests over generated and corpus contacts.
//!
//! `extra` values are arbitrary JSON and rare: they go through serde_json itself.

use crate::model::{Address, Contact, DuplicateNote, Email, Label, MatchKind, MergeNote, Name};
use crate::model::{Phone, Provenance};

/// Which bytes serde_json escapes inside a string: 0 = none, else the escape's second byte
/// (`u` for the `\u00XX` form). Same table as serde_json's `ESCAPE`.
const ESCAPE: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut byte = 0;
    while byte < 0x20 {
        table[byte] = b'u';
        byte += 1;
    }
    table[0x08] = b'b';
    table[0x09] = b't';
    table[0x0a] = b'n';
    table[0x0c] = b'f';
    table[0x0d] = b'r';
    table[b'"' as usize] = b'"';
    table[b'\\' as usize] = b'\\';
    table
};

/// [`ESCAPE`], and every byte of a non-ASCII character as [`NON_ASCII`].
const ESCAPE_ASCII: [u8; 256] = {
    let mut table = ESCAPE;
    let mut byte = 0x80;
    while byte < 0x100 {
        table[byte] = NON_ASCII;
        byte += 1;
    }
    table
};

/// The mark, in [`ESCAPE_ASCII`], of a byte that starts (or continues) a non-ASCII character.
const NON_ASCII: u8 = 0xff;

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Where the JSON text goes, and how strings are escaped in it. The text is a `String` from
/// the start, so that taking it needs no UTF-8 check (a pass over every byte written, ~700
/// instructions a contact; callgrind): it is only ever given `&str`s and ASCII bytes.
#[derive(Debug)]
pub(super) struct Out {
    text: String,
    escape: &'static [u8; 256],
}

impl Out {
    /// UTF-8 text, escaped as serde_json escapes it.
    pub(super) fn utf8(capacity: usize) -> Out {
        Out {
            text: String::with_capacity(capacity),
            escape: &ESCAPE,
        }
    }

    /// ASCII text: the same, and every non-ASCII character as `\uXXXX` (two of them, a
    /// surrogate pair, above U+FFFF), so that a JS engine can keep it as a one-byte string.
    pub(super) fn ascii(capacity: usize) -> Out {
        Out {
            text: String::with_capacity(capacity),
            escape: &ESCAPE_ASCII,
        }
    }

    /// Appends one ASCII character (every caller's byte is one).
    pub(super) fn push(&mut self, ascii: u8) {
        self.text.push(char::from(ascii));
    }

    /// Appends text as it is.
    pub(super) fn push_str(&mut self, text: &str) {
        self.text.push_str(text);
    }

    /// Bytes written and not yet taken.
    pub(super) fn len(&self) -> usize {
        self.text.len()
    }

    /// The text written so far, leaving the output empty with the same capacity and escaping.
    pub(super) fn take(&mut self) -> String {
        let capacity = self.text.capacity();
        std::mem::replace(&mut self.text, String::with_capacity(capacity))
    }
}

fn push_str(out: &mut Out, text: &str) {
    out.push_str(text);
}

/// Appends `text` as a JSON string literal, escaped exactly as serde_json escapes it (and, for
/// [`Out::ascii`], with every non-ASCII character escaped too).
pub(super) fn string(out: &mut Out, text: &str) {
    out.push(b'"');
    let bytes = text.as_bytes();
    let table = out.escape;
    let mut start = 0;
    let mut index = 0;
    // The next byte to escape: a tight search, the common case being none at all.
    while let Some(offset) = bytes
        .get(index..)
        .and_then(|rest| rest.iter().position(|&b| table[b as usize] != 0))
    {
        index += offset;
        let byte = bytes.get(index).copied().unwrap_or(0);
        let escape = table[byte as usize];
        out.push_str(text.get(start..index).unwrap_or_default());
        if escape == NON_ASCII {
            // `index` is where a character starts: every byte before it was ASCII or part of
            // a character skipped whole.
            let c = text
                .get(index..)
                .and_then(|rest| rest.chars().next())
                .unwrap_or('\u{FFFD}');
            let mut units = [0u16; 2];
            for &unit in c.encode_utf16(&mut units).iter() {
                unicode_escape(out, unit);
            }
            index += c.len_utf8().max(1);
        } else {
            out.push(b'\\');
            out.push(escape);
            if escape == b'u' {
                push_str(out, "00");
                out.push(HEX[(byte >> 4) as usize]);
                out.push(HEX[(byte & 0xf) as usize]);
            }
            index += 1;
        }
        start = index;
    }
    out.push_str(text.get(start..).unwrap_or_default());
    out.push(b'"');
}

/// Appends JSON text as it is, except that [`Out::ascii`] escapes its non-ASCII characters
/// (which can only be inside its strings).
fn json_text(out: &mut Out, json: &str) {
    if json.is_ascii() || out.escape[0x80] != NON_ASCII {
        return push_str(out, json);
    }
    for c in json.chars() {
        if c.is_ascii() {
            out.push(c as u8);
        } else {
            let mut units = [0u16; 2];
            for &unit in c.encode_utf16(&mut units).iter() {
                unicode_escape(out, unit);
            }
        }
    }
}

/// Appends `\uXXXX` (lower-case hex, as serde_json writes its own `\u` escapes).
fn unicode_escape(out: &mut Out, unit: u16) {
    out.push_str("\\u");
    for shift in [12, 8, 4, 0] {
        out.push(HEX[usize::from((unit >> shift) & 0xf)]);
    }
}

fn optional(out: &mut Out, text: &Option<String>) {
    match text {
        Some(text) => string(out, text),
        None => push_str(out, "null"),
    }
}

fn boolean(out: &mut Out, value: bool) {
    push_str(out, if value { "true" } else { "false" });
}

/// Appends an unsigned integer in decimal (as serde_json writes integers).
fn unsigned(out: &mut Out, value: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = value;
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    for &digit in digits.get(at..).unwrap_or(&[]) {
        out.push(digit);
    }
}

fn strings(out: &mut Out, items: &[String]) {
    out.push(b'[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        string(out, item);
    }
    out.push(b']');
}

fn indexes(out: &mut Out, items: &[usize]) {
    out.push(b'[');
    for (i, &item) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        unsigned(out, item as u64);
    }
    out.push(b']');
}

fn list<T>(out: &mut Out, items: &[T], mut each: impl FnMut(&mut Out, &T)) {
    out.push(b'[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        each(out, item);
    }
    out.push(b']');
}

fn label(out: &mut Out, label: Label) {
    push_str(
        out,
        match label {
            Label::Home => "\"home\"",
            Label::Work => "\"work\"",
            Label::Mobile => "\"mobile\"",
            Label::Other => "\"other\"",
        },
    );
}

fn match_kind(out: &mut Out, kind: MatchKind) {
    push_str(
        out,
        match kind {
            MatchKind::Email => "\"email\"",
            MatchKind::Phone => "\"phone\"",
            MatchKind::Name => "\"name\"",
        },
    );
}

fn name(out: &mut Out, name: &Name) {
    push_str(out, "{\"display\":");
    optional(out, &name.display);
    push_str(out, ",\"given\":");
    optional(out, &name.given);
    push_str(out, ",\"middle\":");
    optional(out, &name.middle);
    push_str(out, ",\"family\":");
    optional(out, &name.family);
    push_str(out, ",\"prefix\":");
    optional(out, &name.prefix);
    push_str(out, ",\"suffix\":");
    optional(out, &name.suffix);
    out.push(b'}');
}

fn email(out: &mut Out, email: &Email) {
    push_str(out, "{\"address\":");
    string(out, &email.address);
    push_str(out, ",\"label\":");
    label(out, email.label);
    push_str(out, ",\"label_raw\":");
    optional(out, &email.label_raw);
    push_str(out, ",\"primary\":");
    boolean(out, email.primary);
    push_str(out, ",\"sources\":");
    indexes(out, &email.sources);
    out.push(b'}');
}

fn phone(out: &mut Out, phone: &Phone) {
    push_str(out, "{\"number\":");
    string(out, &phone.number);
    push_str(out, ",\"e164\":");
    boolean(out, phone.e164);
    push_str(out, ",\"raw\":");
    string(out, &phone.raw);
    push_str(out, ",\"label\":");
    label(out, phone.label);
    push_str(out, ",\"label_raw\":");
    optional(out, &phone.label_raw);
    push_str(out, ",\"sources\":");
    indexes(out, &phone.sources);
    out.push(b'}');
}

fn address(out: &mut Out, address: &Address) {
    push_str(out, "{\"street\":");
    strings(out, &address.street);
    push_str(out, ",\"locality\":");
    optional(out, &address.locality);
    push_str(out, ",\"region\":");
    optional(out, &address.region);
    push_str(out, ",\"postal_code\":");
    optional(out, &address.postal_code);
    push_str(out, ",\"country\":");
    optional(out, &address.country);
    push_str(out, ",\"label\":");
    label(out, address.label);
    push_str(out, ",\"label_raw\":");
    optional(out, &address.label_raw);
    push_str(out, ",\"sources\":");
    indexes(out, &address.sources);
    out.push(b'}');
}

fn provenance(out: &mut Out, provenance: &Provenance) {
    push_str(out, "{\"source\":");
    string(out, &provenance.source);
    push_str(out, ",\"source_id\":");
    optional(out, &provenance.source_id);
    push_str(out, ",\"line\":");
    match provenance.line {
        Some(line) => unsigned(out, u64::from(line)),
        None => push_str(out, "null"),
    }
    out.push(b'}');
}

fn merge_note(out: &mut Out, note: &MergeNote) {
    push_str(out, "{\"source\":");
    unsigned(out, note.source as u64);
    push_str(out, ",\"reason\":");
    match_kind(out, note.reason);
    push_str(out, ",\"value\":");
    string(out, &note.value);
    out.push(b'}');
}

fn duplicate_note(out: &mut Out, note: &DuplicateNote) {
    push_str(out, "{\"id\":");
    string(out, &note.id);
    push_str(out, ",\"reason\":");
    match_kind(out, note.reason);
    push_str(out, ",\"value\":");
    string(out, &note.value);
    out.push(b'}');
}

/// Appends one contact, exactly as `serde_json::to_string(contact)` writes it.
pub(super) fn contact(out: &mut Out, contact: &Contact) {
    fields(out, contact);
    out.push(b'}');
}

/// Appends one contact as [`contact`] does, with one more key last, `chosen_email`, when
/// `chosen` is given: the address a picker's visitor chose (the schema's optional property).
pub(super) fn contact_with_chosen_email(out: &mut Out, contact: &Contact, chosen: Option<&str>) {
    fields(out, contact);
    if let Some(chosen) = chosen {
        push_str(out, ",\"chosen_email\":");
        string(out, chosen);
    }
    out.push(b'}');
}

/// A contact's object without its closing brace.
fn fields(out: &mut Out, contact: &Contact) {
    push_str(out, "{\"id\":");
    string(out, &contact.id);
    push_str(out, ",\"source\":");
    string(out, &contact.source);
    push_str(out, ",\"source_id\":");
    optional(out, &contact.source_id);
    push_str(out, ",\"name\":");
    name(out, &contact.name);
    push_str(out, ",\"nickname\":");
    optional(out, &contact.nickname);
    push_str(out, ",\"emails\":");
    list(out, &contact.emails, email);
    push_str(out, ",\"phones\":");
    list(out, &contact.phones, phone);
    push_str(out, ",\"addresses\":");
    list(out, &contact.addresses, address);
    push_str(out, ",\"organization\":");
    optional(out, &contact.organization);
    push_str(out, ",\"title\":");
    optional(out, &contact.title);
    push_str(out, ",\"department\":");
    optional(out, &contact.department);
    push_str(out, ",\"birthday\":");
    optional(out, &contact.birthday);
    push_str(out, ",\"groups\":");
    strings(out, &contact.groups);
    push_str(out, ",\"notes\":");
    optional(out, &contact.notes);
    push_str(out, ",\"photo_url\":");
    optional(out, &contact.photo_url);
    push_str(out, ",\"deleted\":");
    boolean(out, contact.deleted);
    push_str(out, ",\"updated_at\":");
    optional(out, &contact.updated_at);
    push_str(out, ",\"extra\":{");
    for (i, (key, value)) in contact.extra.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        string(out, key);
        out.push(b':');
        // Arbitrary JSON: serde_json's own output. A `Value` always serializes (its map keys
        // are strings); the fallback keeps the output valid JSON should that ever change.
        match serde_json::to_string(value) {
            Ok(json) => json_text(out, &json),
            Err(_) => push_str(out, "null"),
        }
    }
    push_str(out, "},\"sources\":");
    list(out, &contact.sources, provenance);
    push_str(out, ",\"merges\":");
    list(out, &contact.merges, merge_note);
    push_str(out, ",\"possible_duplicates\":");
    list(out, &contact.possible_duplicates, duplicate_note);
}

/// A cheap upper-bound guess of one contact's JSON length, to size the output once.
pub(super) fn estimate(contact: &Contact) -> usize {
    let text = |t: &Option<String>| t.as_ref().map_or(4, |t| t.len() + 2);
    // Keys and punctuation of an empty contact, then each part's keys plus its values.
    let mut length = 420 + contact.id.len() + contact.source.len();
    length += [
        &contact.source_id,
        &contact.nickname,
        &contact.organization,
        &contact.title,
        &contact.department,
        &contact.birthday,
        &contact.notes,
        &contact.photo_url,
        &contact.updated_at,
        &contact.name.display,
        &contact.name.given,
        &contact.name.middle,
        &contact.name.family,
        &contact.name.prefix,
        &contact.name.suffix,
    ]
    .into_iter()
    .map(text)
    .sum::<usize>();
    for e in &contact.emails {
        length += 90 + e.address.len() + text(&e.label_raw) + 4 * e.sources.len();
    }
    for p in &contact.phones {
        length += 100 + p.number.len() + p.raw.len() + text(&p.label_raw) + 4 * p.sources.len();
    }
    for a in &contact.addresses {
        length += 140 + text(&a.label_raw) + 4 * a.sources.len();
        length += a.street.iter().map(|s| s.len() + 3).sum::<usize>();
        length += [&a.locality, &a.region, &a.postal_code, &a.country]
            .into_iter()
            .map(text)
            .sum::<usize>();
    }
    length += contact.groups.iter().map(|g| g.len() + 3).sum::<usize>();
    for p in &contact.sources {
        length += 50 + p.source.len() + text(&p.source_id);
    }
    length += 64 * (contact.extra.len() + contact.merges.len() + contact.possible_duplicates.len());
    length
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DuplicateNote, MergeNote};
    use serde_json::json;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// The reference: what serde_json writes for the derived `Serialize`.
    fn serde(contact: &Contact) -> String {
        serde_json::to_string(contact).unwrap()
    }

    fn ours(contact: &Contact) -> String {
        let mut out = Out::utf8(0);
        super::contact(&mut out, contact);
        let utf8 = out.take();
        // The ASCII form of the same contact: the UTF-8 form with its non-ASCII characters
        // escaped, which parses to the same value.
        let mut out = Out::ascii(0);
        super::contact(&mut out, contact);
        let ascii = out.take();
        assert!(ascii.is_ascii(), "{ascii}");
        assert_eq!(ascii, crate::json::escape_non_ascii(&utf8));
        let value = |text: &str| serde_json::from_str::<serde_json::Value>(text).unwrap();
        assert_eq!(value(&ascii), value(&utf8));
        utf8
    }

    /// Every field set, every label and match kind, and strings that need escaping.
    fn full_contact(text: &str) -> Contact {
        let s = |suffix: &str| format!("{text}{suffix}");
        Contact {
            id: s("id"),
            source: s("source"),
            source_id: Some(s("uid")),
            name: Name {
                display: Some(s("display")),
                given: Some(s("given")),
                middle: Some(s("middle")),
                family: Some(s("family")),
                prefix: Some(s("prefix")),
                suffix: Some(s("suffix")),
            },
            nickname: Some(s("nick")),
            emails: vec![
                Email {
                    address: s("@example.org"),
                    label: Label::Home,
                    label_raw: Some(s("label")),
                    primary: true,
                    sources: vec![0, 1],
                },
                Email {
                    address: s("2@example.org"),
                    label: Label::Work,
                    ..Email::default()
                },
            ],
            phones: vec![Phone {
                number: "+41446681800".into(),
                e164: true,
                raw: s("raw"),
                label: Label::Mobile,
                label_raw: Some(s("cell")),
                sources: vec![1, 18_446_744],
            }],
            addresses: vec![Address {
                street: vec![s("street 1"), s("street 2")],
                locality: Some(s("town")),
                region: Some(s("region")),
                postal_code: Some(s("12345")),
                country: Some(s("country")),
                label: Label::Other,
                label_raw: Some(s("work")),
                sources: vec![0],
            }],
            organization: Some(s("org")),
            title: Some(s("title")),
            department: Some(s("dept")),
            birthday: Some("1815-12-10".into()),
            groups: vec![s("a"), s("b")],
            notes: Some(s("note\r\nline 2")),
            photo_url: Some(s("https://example.org/a.jpg")),
            deleted: true,
            updated_at: Some("2024-01-02T03:04:05Z".into()),
            extra: [
                (s("url"), json!(s("https://example.org"))),
                (
                    "n".to_string(),
                    json!({"b": [1, -2, 3.5, null, true], "a": "x\u{1}"}),
                ),
            ]
            .into_iter()
            .collect(),
            sources: vec![
                Provenance {
                    source: s("file.vcf"),
                    source_id: Some(s("uid")),
                    line: Some(4_000_000_000),
                },
                Provenance::default(),
            ],
            merges: vec![
                MergeNote {
                    source: 1,
                    reason: MatchKind::Email,
                    value: s("@example.org"),
                },
                MergeNote {
                    source: 2,
                    reason: MatchKind::Phone,
                    value: "+41446681800".into(),
                },
            ],
            possible_duplicates: vec![DuplicateNote {
                id: s("other"),
                reason: MatchKind::Name,
                value: s("name key"),
            }],
        }
    }

    #[test]
    fn same_bytes_as_serde_json() {
        let every_control: String = (0u8..0x20).map(char::from).collect();
        for text in [
            "",
            "plain",
            "Aurélie Núñez 日本語 😀",
            "quote \" backslash \\ slash / del \u{7f}",
            "line\u{2028}para\u{2029}end",
            every_control.as_str(),
            "\\\"\\\"",
        ] {
            let contact = full_contact(text);
            assert_eq!(ours(&contact), serde(&contact), "{text:?}");
        }
        let empty = Contact::default();
        assert_eq!(ours(&empty), serde(&empty));
    }

    #[test]
    fn same_bytes_as_serde_json_for_generated_strings() {
        // A deterministic walk over a palette of awkward characters.
        let palette: Vec<char> =
            "a Z0\"\\/\u{0}\u{1}\u{8}\t\n\u{b}\u{c}\r\u{1f}\u{7f}\u{80}é\u{2028}\u{fffd}😀"
                .chars()
                .collect();
        let mut walk = crate::walk::Walk(0x9e37_79b9_7f4a_7c15);
        for _ in 0..200 {
            let text = walk.text(&palette, 0, 12);
            let contact = full_contact(&text);
            assert_eq!(ours(&contact), serde(&contact), "{text:?}");
        }
    }

    #[test]
    fn pinned_output_for_a_full_contact() {
        let mut contact = full_contact("x");
        contact.extra.clear();
        contact.extra.insert("gender".into(), json!("f"));
        contact.sources.truncate(1);
        let expected = concat!(
            r#"{"id":"xid","source":"xsource","source_id":"xuid","#,
            r#""name":{"display":"xdisplay","given":"xgiven","middle":"xmiddle","family":"xfamily","prefix":"xprefix","suffix":"xsuffix"},"#,
            r#""nickname":"xnick","#,
            r#""emails":[{"address":"x@example.org","label":"home","label_raw":"xlabel","primary":true,"sources":[0,1]},"#,
            r#"{"address":"x2@example.org","label":"work","label_raw":null,"primary":false,"sources":[]}],"#,
            r#""phones":[{"number":"+41446681800","e164":true,"raw":"xraw","label":"mobile","label_raw":"xcell","sources":[1,18446744]}],"#,
            r#""addresses":[{"street":["xstreet 1","xstreet 2"],"locality":"xtown","region":"xregion","postal_code":"x12345","country":"xcountry","label":"other","label_raw":"xwork","sources":[0]}],"#,
            r#""organization":"xorg","title":"xtitle","department":"xdept","birthday":"1815-12-10","groups":["xa","xb"],"#,
            r#""notes":"xnote\r\nline 2","photo_url":"xhttps://example.org/a.jpg","deleted":true,"updated_at":"2024-01-02T03:04:05Z","#,
            r#""extra":{"gender":"f"},"sources":[{"source":"xfile.vcf","source_id":"xuid","line":4000000000}],"#,
            r#""merges":[{"source":1,"reason":"email","value":"x@example.org"},{"source":2,"reason":"phone","value":"+41446681800"}],"#,
            r#""possible_duplicates":[{"id":"xother","reason":"name","value":"xname key"}]}"#,
        );
        assert_eq!(ours(&contact), expected);
        assert_eq!(serde(&contact), expected);
    }

    #[test]
    fn write_frames_contacts_like_before() {
        let contacts = [
            full_contact("a\u{1}"),
            Contact::default(),
            full_contact("é"),
        ];
        let mut expected = String::from("[");
        for (i, contact) in contacts.iter().enumerate() {
            expected.push_str(if i == 0 { "\n" } else { ",\n" });
            expected.push_str(&serde(contact));
        }
        expected.push_str("\n]\n");
        let written = crate::json::write(&contacts);
        assert_eq!(written, expected);
        assert!(written.capacity() >= written.len());
        assert_eq!(crate::json::write(&[]), "[]\n");
    }

    #[test]
    fn estimate_covers_plain_contacts() {
        // Without escapes the estimate is an upper bound, so `write` allocates once.
        for contact in [full_contact("plain"), Contact::default()] {
            assert!(estimate(&contact) >= ours(&contact).len());
        }
    }

    #[cfg_attr(
        target_arch = "wasm32",
        ignore = "reads tests/corpus from disk, which wasm32-unknown-unknown cannot: the engine's parity test reads the same files in wasm"
    )]
    #[test]
    fn same_bytes_as_serde_json_over_the_corpus() {
        let corpus = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/corpus");
        let mut compared = 0;
        for folder in ["vcard", "csv", "xml", "expected", "security"] {
            let Ok(entries) = std::fs::read_dir(format!("{corpus}/{folder}")) else {
                continue;
            };
            for entry in entries.flatten() {
                let Ok(bytes) = std::fs::read(entry.path()) else {
                    continue;
                };
                let options = crate::import::Options {
                    source: entry.file_name().to_string_lossy().into_owned(),
                    ..crate::import::Options::default()
                };
                for contact in crate::import::import(&bytes, options).contacts {
                    assert_eq!(ours(&contact), serde(&contact), "{:?}", entry.path());
                    compared += 1;
                }
            }
        }
        assert!(compared > 50, "only {compared} corpus contacts");
    }
}
