//! A compact, append-only list of contacts: each contact encoded into shared blocks (its text in
//! one stream, the lengths and flags that say how to read it in another), decoded again one at
//! a time when it is read.
//!
//! Why: a [`Contact`] is a large struct before its twenty-odd heap strings, so contacts held as
//! values cost many times the size of the file they came from. Encoded here, a contact takes
//! about as many bytes as its text (lengths are one-byte varints, absent values one byte, the
//! source file name stored once for the whole store), so an import holds little more than its
//! input (the figures, before and after: BENCHMARKS.md, "What the second pass changed").
//!
//! The encoding is private and has no version: it lives only as long as the process. Reading
//! never panics: a truncated or foreign buffer decodes as empty values (it cannot happen, since
//! only [`ContactStore::push`] writes, but a panic would kill the whole widget).
//!
//! Field order is chosen so that the merge's first pass ([`ContactStore::head`]) reads only a
//! prefix: name, organization, deleted, id, e-mails, phones, then everything else.

use crate::model::{Contact, Label, MatchKind, Name};

/// The size of a block's text. Blocks of a fixed size, not one growing buffer: a buffer that
/// doubles holds up to twice what it needs and, while it grows, the old and the new copy at
/// once (BENCHMARKS.md, "Figures behind the code").
const TEXT_BLOCK: usize = 1 << 20;

/// The size of a block's control bytes (lengths, flags, labels: about a fifth of the text).
const CONTROL_BLOCK: usize = 1 << 18;

/// Contacts encoded one after another; see the module documentation.
#[derive(Debug, Default, Clone)]
pub struct ContactStore {
    /// Encodings, whole in one block each.
    blocks: Vec<Encoding>,
    /// Where each contact's encoding is.
    spans: Vec<Span>,
    /// Distinct `source` strings (file names, provider names): a contact stores an index.
    sources: Vec<String>,
    /// The encoding of the contact being pushed, reused.
    scratch: Encoding,
}

/// Encoded contacts in two streams: the text of their strings, and the control bytes (varint
/// lengths, flags, labels) that say how to read it. The text is kept as a `String`, so reading
/// it back is slicing at lengths, never checking UTF-8 again (that check was a measurable share
/// of a wasm import: BENCHMARKS.md, "Figures behind the code").
#[derive(Debug, Default, Clone)]
struct Encoding {
    control: Vec<u8>,
    text: String,
}

/// A contact's encoding: `blocks[block]`'s `control[control.0..control.1]` and
/// `text[text.0..text.1]`.
#[derive(Debug, Clone, Copy)]
struct Span {
    block: u32,
    control: (u32, u32),
    text: (u32, u32),
}

/// What [`crate::stamp`] sets on a freshly read record (its id, source, provenance, and source
/// index 0 on every e-mail, phone and address), applied while it is encoded instead: the
/// import's hot path then builds none of those strings and lists only to encode and drop them.
pub(crate) struct Stamp<'a> {
    pub source: &'a str,
    pub line: Option<u32>,
    pub id: &'a str,
}

/// The prefix of a stored contact that matching needs, borrowed from the store.
#[derive(Debug, Default)]
pub(crate) struct Head<'s> {
    pub name: [Option<&'s str>; 6],
    pub organization: Option<&'s str>,
    pub deleted: bool,
    pub id: &'s str,
    /// E-mail addresses, in order.
    pub emails: Vec<&'s str>,
    /// Phone numbers with their `e164` flag, in order.
    pub phones: Vec<(&'s str, bool)>,
}

impl Head<'_> {
    /// The name parts as an owned [`Name`] (for the key functions, which take one).
    pub fn name(&self) -> Name {
        let [display, given, middle, family, prefix, suffix] =
            self.name.map(|p| p.map(str::to_string));
        Name {
            display,
            given,
            middle,
            family,
            prefix,
            suffix,
        }
    }
}

impl ContactStore {
    /// An empty store.
    pub fn new() -> ContactStore {
        ContactStore::default()
    }

    /// How many contacts it holds.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// True when it holds none.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Bytes held (the encodings, the offsets and the source table), for measurements.
    pub fn heap_bytes(&self) -> usize {
        self.blocks
            .iter()
            .map(|b| b.control.capacity() + b.text.capacity())
            .sum::<usize>()
            + self.spans.capacity() * std::mem::size_of::<Span>()
            + self.sources.iter().map(String::capacity).sum::<usize>()
            + self.scratch.control.capacity()
            + self.scratch.text.capacity()
    }

    /// Appends a contact.
    pub fn push(&mut self, contact: &Contact) {
        self.push_with(contact, None);
    }

    /// Appends a freshly read contact as [`crate::stamp`] would have stamped it.
    pub(crate) fn push_stamped(&mut self, contact: &Contact, stamp: &Stamp<'_>) {
        self.push_with(contact, Some(stamp));
    }

    fn push_with(&mut self, contact: &Contact, stamp: Option<&Stamp<'_>>) {
        let mut out = std::mem::take(&mut self.scratch);
        out.control.clear();
        out.text.clear();
        self.encode(&mut out, contact, stamp);
        let fits = self.blocks.last().is_some_and(|block| {
            block.control.len() + out.control.len() <= block.control.capacity()
                && block.text.len() + out.text.len() <= block.text.capacity()
        });
        if !fits {
            // The full block gives back what it will not use (one of its two streams fills
            // first); shrinking in place does not copy.
            if let Some(full) = self.blocks.last_mut() {
                full.control.shrink_to_fit();
                full.text.shrink_to_fit();
            }
            self.blocks.push(Encoding {
                control: Vec::with_capacity(CONTROL_BLOCK.max(out.control.len())),
                text: String::with_capacity(TEXT_BLOCK.max(out.text.len())),
            });
        }
        let block = self.blocks.len() - 1;
        if let Some(last) = self.blocks.last_mut() {
            // Offsets fit in u32 unless one contact's encoding alone passes 4 GiB; such a
            // contact would read back as empty rather than panic.
            let offset = |at: usize| u32::try_from(at).unwrap_or(u32::MAX);
            let control_start = offset(last.control.len());
            let text_start = offset(last.text.len());
            last.control.extend_from_slice(&out.control);
            last.text.push_str(&out.text);
            self.spans.push(Span {
                block: offset(block),
                control: (control_start, offset(last.control.len())),
                text: (text_start, offset(last.text.len())),
            });
        }
        self.scratch = out;
    }

    /// The contact at `index` (an empty one when out of range).
    pub fn get(&self, index: usize) -> Contact {
        let mut contact = Contact::default();
        self.get_into(index, &mut contact);
        contact
    }

    /// The contact at `index`, decoded into `out` reusing its allocations (an empty contact
    /// when out of range).
    pub fn get_into(&self, index: usize, out: &mut Contact) {
        let mut reader = self.reader(index);
        reader.contact_into(&self.sources, out);
    }

    /// Every contact, in order, decoded one at a time.
    pub fn iter(&self) -> impl Iterator<Item = Contact> + '_ {
        (0..self.len()).map(|index| self.get(index))
    }

    /// The id of the contact at `index` (`""` when out of range), read without decoding the
    /// rest of it.
    pub(crate) fn id(&self, index: usize) -> &str {
        let mut reader = self.reader(index);
        for _ in 0..6 {
            reader.opt_str();
        }
        reader.opt_str();
        reader.flag();
        reader.str()
    }

    /// The matching prefix of the contact at `index`, into `head` (whose lists are reused).
    pub(crate) fn head<'s>(&'s self, index: usize, head: &mut Head<'s>) {
        let mut reader = self.reader(index);
        for part in &mut head.name {
            *part = reader.opt_str();
        }
        head.organization = reader.opt_str();
        head.deleted = reader.flag();
        head.id = reader.str();
        head.emails.clear();
        for _ in 0..reader.count() {
            head.emails.push(reader.str());
            reader.skip_email_rest();
        }
        head.phones.clear();
        for _ in 0..reader.count() {
            let number = reader.str();
            let e164 = reader.flag();
            head.phones.push((number, e164));
            reader.skip_phone_rest();
        }
    }

    fn reader(&self, index: usize) -> Reader<'_> {
        let found = self.spans.get(index).and_then(|span| {
            let block = self.blocks.get(span.block as usize)?;
            let control = block
                .control
                .get(span.control.0 as usize..span.control.1 as usize)?;
            let text = block.text.get(span.text.0 as usize..span.text.1 as usize)?;
            Some((control, text))
        });
        let (bytes, text) = found.unwrap_or_default();
        Reader { bytes, text }
    }

    fn intern(&mut self, source: &str) -> usize {
        // Few distinct sources per store (one per file or provider): the last ones are checked
        // first, so the common case is one comparison.
        match self.sources.iter().rposition(|s| s == source) {
            Some(at) => at,
            None => {
                self.sources.push(source.to_string());
                self.sources.len() - 1
            }
        }
    }

    fn encode(&mut self, out: &mut Encoding, c: &Contact, stamp: Option<&Stamp<'_>>) {
        // A stamped record's items all come from its one provenance, index 0.
        let stamped = stamp.is_some();
        fn item_sources(stamped: bool, sources: &[usize]) -> &[usize] {
            if stamped {
                &[0]
            } else {
                sources
            }
        }
        let name = &c.name;
        for part in [
            &name.display,
            &name.given,
            &name.middle,
            &name.family,
            &name.prefix,
            &name.suffix,
        ] {
            opt_str(out, part);
        }
        opt_str(out, &c.organization);
        flag(&mut out.control, c.deleted);
        str(out, stamp.map_or(c.id.as_str(), |s| s.id));
        varint(&mut out.control, c.emails.len() as u64);
        for email in &c.emails {
            str(out, &email.address);
            label(&mut out.control, email.label);
            opt_str(out, &email.label_raw);
            flag(&mut out.control, email.primary);
            indexes(&mut out.control, item_sources(stamped, &email.sources));
        }
        varint(&mut out.control, c.phones.len() as u64);
        for phone in &c.phones {
            str(out, &phone.number);
            flag(&mut out.control, phone.e164);
            str(out, &phone.raw);
            label(&mut out.control, phone.label);
            opt_str(out, &phone.label_raw);
            indexes(&mut out.control, item_sources(stamped, &phone.sources));
        }
        let source = self.intern(stamp.map_or(c.source.as_str(), |s| s.source));
        varint(&mut out.control, source as u64 + 1);
        opt_str(out, &c.source_id);
        opt_str(out, &c.nickname);
        varint(&mut out.control, c.addresses.len() as u64);
        for address in &c.addresses {
            varint(&mut out.control, address.street.len() as u64);
            for line in &address.street {
                str(out, line);
            }
            opt_str(out, &address.locality);
            opt_str(out, &address.region);
            opt_str(out, &address.postal_code);
            opt_str(out, &address.country);
            label(&mut out.control, address.label);
            opt_str(out, &address.label_raw);
            indexes(&mut out.control, item_sources(stamped, &address.sources));
        }
        for field in [&c.title, &c.department, &c.birthday] {
            opt_str(out, field);
        }
        varint(&mut out.control, c.groups.len() as u64);
        for group in &c.groups {
            str(out, group);
        }
        for field in [&c.notes, &c.photo_url, &c.updated_at] {
            opt_str(out, field);
        }
        varint(&mut out.control, c.extra.len() as u64);
        for (key, value) in &c.extra {
            str(out, key);
            // Extra values are rare and of any JSON shape: kept as JSON text.
            str(out, &value.to_string());
        }
        let line = |line: Option<u32>| line.map_or(0, |line| u64::from(line) + 1);
        match stamp {
            Some(stamp) => {
                varint(&mut out.control, 1);
                let source = self.intern(stamp.source);
                varint(&mut out.control, source as u64 + 1);
                opt_str(out, &c.source_id);
                varint(&mut out.control, line(stamp.line));
            }
            None => {
                varint(&mut out.control, c.sources.len() as u64);
                for provenance in &c.sources {
                    let source = self.intern(&provenance.source);
                    varint(&mut out.control, source as u64 + 1);
                    opt_str(out, &provenance.source_id);
                    varint(&mut out.control, line(provenance.line));
                }
            }
        }
        varint(&mut out.control, c.merges.len() as u64);
        for note in &c.merges {
            varint(&mut out.control, note.source as u64);
            match_kind(&mut out.control, note.reason);
            str(out, &note.value);
        }
        varint(&mut out.control, c.possible_duplicates.len() as u64);
        for note in &c.possible_duplicates {
            str(out, &note.id);
            match_kind(&mut out.control, note.reason);
            str(out, &note.value);
        }
    }
}

impl From<Vec<Contact>> for ContactStore {
    fn from(contacts: Vec<Contact>) -> ContactStore {
        contacts.into_iter().collect()
    }
}

impl FromIterator<Contact> for ContactStore {
    fn from_iter<I: IntoIterator<Item = Contact>>(contacts: I) -> ContactStore {
        let mut store = ContactStore::new();
        for contact in contacts {
            store.push(&contact);
        }
        store
    }
}

fn varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// The length in the control bytes, the text in the text.
fn str(out: &mut Encoding, text: &str) {
    varint(&mut out.control, text.len() as u64);
    out.text.push_str(text);
}

/// `None` is a length of 0; `Some(text)` is its length plus one, and the text.
fn opt_str(out: &mut Encoding, text: &Option<String>) {
    match text {
        None => out.control.push(0),
        Some(text) => {
            varint(&mut out.control, text.len() as u64 + 1);
            out.text.push_str(text);
        }
    }
}

fn flag(out: &mut Vec<u8>, value: bool) {
    out.push(u8::from(value));
}

fn label(out: &mut Vec<u8>, label: Label) {
    out.push(match label {
        Label::Home => 0,
        Label::Work => 1,
        Label::Mobile => 2,
        Label::Other => 3,
    });
}

fn match_kind(out: &mut Vec<u8>, kind: MatchKind) {
    out.push(match kind {
        MatchKind::Email => 0,
        MatchKind::Phone => 1,
        MatchKind::Name => 2,
    });
}

fn indexes(out: &mut Vec<u8>, items: &[usize]) {
    varint(out, items.len() as u64);
    for &item in items {
        varint(out, item as u64);
    }
}

/// Reads one contact's encoding; past the end every read gives an empty value.
struct Reader<'s> {
    /// The control bytes left.
    bytes: &'s [u8],
    /// The text left.
    text: &'s str,
}

impl<'s> Reader<'s> {
    fn byte(&mut self) -> u8 {
        match self.bytes.split_first() {
            Some((&first, rest)) => {
                self.bytes = rest;
                first
            }
            None => 0,
        }
    }

    fn varint(&mut self) -> u64 {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.byte();
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                break;
            }
        }
        value
    }

    fn count(&mut self) -> usize {
        // Never more items than bytes left: a foreign buffer cannot make a reader loop long.
        usize::try_from(self.varint())
            .unwrap_or(usize::MAX)
            .min(self.bytes.len())
    }

    fn text(&mut self, len: usize) -> &'s str {
        // Only a foreign encoding can cut inside a character or run past the end: then the
        // rest of the text reads as empty.
        match self.text.split_at_checked(len) {
            Some((text, rest)) => {
                self.text = rest;
                text
            }
            None => {
                self.text = "";
                ""
            }
        }
    }

    fn str(&mut self) -> &'s str {
        let len = usize::try_from(self.varint()).unwrap_or(usize::MAX);
        self.text(len)
    }

    fn opt_str(&mut self) -> Option<&'s str> {
        match usize::try_from(self.varint()).unwrap_or(usize::MAX) {
            0 => None,
            len => Some(self.text(len - 1)),
        }
    }

    fn string(&mut self) -> String {
        self.str().to_string()
    }

    fn flag(&mut self) -> bool {
        self.byte() != 0
    }

    fn label(&mut self) -> Label {
        match self.byte() {
            0 => Label::Home,
            1 => Label::Work,
            2 => Label::Mobile,
            _ => Label::Other,
        }
    }

    fn match_kind(&mut self) -> MatchKind {
        match self.byte() {
            1 => MatchKind::Phone,
            2 => MatchKind::Name,
            _ => MatchKind::Email,
        }
    }

    /// A source, stored as its index in the table plus one (0, as in an empty buffer, is "").
    fn source<'t>(&mut self, sources: &'t [String]) -> &'t str {
        let at = usize::try_from(self.varint()).unwrap_or(0);
        at.checked_sub(1)
            .and_then(|at| sources.get(at))
            .map_or("", String::as_str)
    }

    /// Skips an e-mail after its address.
    fn skip_email_rest(&mut self) {
        self.byte();
        self.opt_str();
        self.byte();
        self.indexes_skip();
    }

    /// Skips a phone after its number and `e164` flag.
    fn skip_phone_rest(&mut self) {
        self.str();
        self.byte();
        self.opt_str();
        self.indexes_skip();
    }

    fn indexes_skip(&mut self) {
        for _ in 0..self.count() {
            self.varint();
        }
    }

    /// Decodes a contact into `c`, reusing the strings and lists it already has: decoding
    /// one contact after another into the same value allocates almost nothing.
    fn contact_into(&mut self, sources: &[String], c: &mut Contact) {
        let name = &mut c.name;
        for part in [
            &mut name.display,
            &mut name.given,
            &mut name.middle,
            &mut name.family,
            &mut name.prefix,
            &mut name.suffix,
        ] {
            self.opt_into(part);
        }
        self.opt_into(&mut c.organization);
        c.deleted = self.flag();
        self.string_into(&mut c.id);
        self.list_into(&mut c.emails, |r, email| {
            r.string_into(&mut email.address);
            email.label = r.label();
            r.opt_into(&mut email.label_raw);
            email.primary = r.flag();
            r.indexes_into(&mut email.sources);
        });
        self.list_into(&mut c.phones, |r, phone| {
            r.string_into(&mut phone.number);
            phone.e164 = r.flag();
            r.string_into(&mut phone.raw);
            phone.label = r.label();
            r.opt_into(&mut phone.label_raw);
            r.indexes_into(&mut phone.sources);
        });
        let source = self.source(sources);
        replace(&mut c.source, source);
        self.opt_into(&mut c.source_id);
        self.opt_into(&mut c.nickname);
        self.list_into(&mut c.addresses, |r, address| {
            r.list_into(&mut address.street, |r, line| r.string_into(line));
            r.opt_into(&mut address.locality);
            r.opt_into(&mut address.region);
            r.opt_into(&mut address.postal_code);
            r.opt_into(&mut address.country);
            address.label = r.label();
            r.opt_into(&mut address.label_raw);
            r.indexes_into(&mut address.sources);
        });
        for field in [&mut c.title, &mut c.department, &mut c.birthday] {
            self.opt_into(field);
        }
        self.list_into(&mut c.groups, |r, group| r.string_into(group));
        for field in [&mut c.notes, &mut c.photo_url, &mut c.updated_at] {
            self.opt_into(field);
        }
        c.extra.clear();
        for _ in 0..self.count() {
            let key = self.string();
            let value = serde_json::from_str(self.str()).unwrap_or(serde_json::Value::Null);
            c.extra.insert(key, value);
        }
        self.list_into(&mut c.sources, |r, provenance| {
            let source = r.source(sources);
            replace(&mut provenance.source, source);
            r.opt_into(&mut provenance.source_id);
            provenance.line = match r.varint() {
                0 => None,
                line => u32::try_from(line - 1).ok(),
            };
        });
        self.list_into(&mut c.merges, |r, note| {
            note.source = usize::try_from(r.varint()).unwrap_or(usize::MAX);
            note.reason = r.match_kind();
            r.string_into(&mut note.value);
        });
        self.list_into(&mut c.possible_duplicates, |r, note| {
            r.string_into(&mut note.id);
            note.reason = r.match_kind();
            r.string_into(&mut note.value);
        });
    }

    fn string_into(&mut self, out: &mut String) {
        let text = self.str();
        replace(out, text);
    }

    fn opt_into(&mut self, out: &mut Option<String>) {
        match (self.opt_str(), out.as_mut()) {
            (None, _) => *out = None,
            (Some(text), Some(kept)) => replace(kept, text),
            (Some(text), None) => *out = Some(text.to_string()),
        }
    }

    fn indexes_into(&mut self, out: &mut Vec<usize>) {
        out.clear();
        for _ in 0..self.count() {
            out.push(usize::try_from(self.varint()).unwrap_or(usize::MAX));
        }
    }

    /// Decodes a list into `out`, reusing its items.
    fn list_into<T: Default>(&mut self, out: &mut Vec<T>, mut each: impl FnMut(&mut Self, &mut T)) {
        let count = self.count();
        out.truncate(count);
        out.resize_with(count, T::default);
        for item in out.iter_mut() {
            each(self, item);
        }
    }
}

/// Sets `out` to `text`, in the allocation it has.
fn replace(out: &mut String, text: &str) {
    out.clear();
    out.push_str(text);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Address, DuplicateNote, Email, MergeNote, Phone, Provenance};
    use std::collections::BTreeMap;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn full() -> Contact {
        let mut extra = BTreeMap::new();
        extra.insert("n".to_string(), serde_json::json!(1.5));
        extra.insert("s".to_string(), serde_json::json!({"a": [true, null, "é"]}));
        Contact {
            id: "0123456789abcdef".into(),
            source: "a.vcf".into(),
            source_id: Some("uid".into()),
            name: Name {
                display: Some("Dr. Aurélie Durand".into()),
                given: Some("Aurélie".into()),
                middle: Some(String::new()),
                family: Some("Durand".into()),
                prefix: Some("Dr.".into()),
                suffix: None,
            },
            nickname: Some("Lili".into()),
            emails: vec![Email {
                address: "a@example.org".into(),
                label: Label::Work,
                label_raw: Some("WORK".into()),
                primary: true,
                sources: vec![0, 1],
            }],
            phones: vec![Phone {
                number: "+41446681800".into(),
                e164: true,
                raw: "044 668 18 00".into(),
                label: Label::Mobile,
                label_raw: None,
                sources: vec![1],
            }],
            addresses: vec![Address {
                street: vec!["1 Rue".into(), "Bât. B".into()],
                locality: Some("Paris".into()),
                region: None,
                postal_code: Some("75002".into()),
                country: Some("France".into()),
                label: Label::Home,
                label_raw: Some("home".into()),
                sources: vec![300],
            }],
            organization: Some("ACME".into()),
            title: Some("CEO".into()),
            department: None,
            birthday: Some("--02-29".into()),
            groups: vec!["Family".into(), "x".repeat(200)],
            notes: Some("line\nline".into()),
            photo_url: None,
            deleted: true,
            updated_at: Some("2024-01-01T00:00:00Z".into()),
            extra,
            sources: vec![
                Provenance {
                    source: "a.vcf".into(),
                    source_id: Some("uid".into()),
                    line: Some(0),
                },
                Provenance {
                    source: "b.csv".into(),
                    source_id: None,
                    line: Some(u32::MAX),
                },
            ],
            merges: vec![MergeNote {
                source: 1,
                reason: MatchKind::Phone,
                value: "+41446681800".into(),
            }],
            possible_duplicates: vec![DuplicateNote {
                id: "fedcba9876543210".into(),
                reason: MatchKind::Name,
                value: "aurelie durand".into(),
            }],
        }
    }

    #[test]
    fn round_trips_every_field() {
        let contacts = vec![full(), Contact::default(), full()];
        let store = ContactStore::from(contacts.clone());
        assert_eq!(store.len(), 3);
        assert_eq!(store.iter().collect::<Vec<_>>(), contacts);
        // The source table holds each distinct source once.
        assert_eq!(store.sources, ["a.vcf", "b.csv", ""]);
    }

    #[test]
    fn decoding_into_a_used_contact_gives_the_same_contact() {
        let mut other = full();
        other.emails.push(Email::default());
        other.name.suffix = Some("Jr.".into());
        other.organization = None;
        other.addresses.clear();
        let contacts = vec![full(), other, Contact::default(), full()];
        let store = ContactStore::from(contacts.clone());
        let mut reused = full();
        for (index, contact) in contacts.iter().enumerate().rev() {
            store.get_into(index, &mut reused);
            assert_eq!(&reused, contact);
        }
    }

    #[test]
    fn head_reads_the_matching_prefix() {
        let store = ContactStore::from(vec![Contact::default(), full()]);
        let mut head = Head::default();
        store.head(1, &mut head);
        assert_eq!(head.organization, Some("ACME"));
        assert!(head.deleted);
        assert_eq!(head.id, "0123456789abcdef");
        assert_eq!(head.emails, ["a@example.org"]);
        assert_eq!(head.phones, [("+41446681800", true)]);
        assert_eq!(head.name(), full().name);
        store.head(0, &mut head);
        assert!(head.emails.is_empty() && head.phones.is_empty() && head.id.is_empty());
    }

    #[test]
    fn fills_blocks_and_gives_a_large_contact_its_own() {
        let mut large = full();
        large.notes = Some("n".repeat(TEXT_BLOCK + 10));
        let mut contacts = vec![full(); 3000];
        contacts.insert(1500, large);
        let store = ContactStore::from(contacts.clone());
        assert!(store.blocks.len() >= 3, "{} blocks", store.blocks.len());
        assert!(store.iter().eq(contacts));
    }

    #[test]
    fn out_of_range_and_foreign_bytes_decode_as_empty() {
        let store = ContactStore::from(vec![full()]);
        assert_eq!(store.get(5), Contact::default());
        let foreign = ContactStore {
            blocks: vec![Encoding {
                control: vec![0xff; 40],
                text: "é".repeat(10),
            }],
            spans: vec![Span {
                block: 0,
                control: (0, 40),
                text: (0, 20),
            }],
            ..ContactStore::default()
        };
        let _ = foreign.get(0);
        let mut head = Head::default();
        foreign.head(0, &mut head);
    }

    #[cfg_attr(
        target_arch = "wasm32",
        ignore = "compares with the struct's size on a 64-bit host; wasm32's pointers are half as wide"
    )]
    #[test]
    fn is_smaller_than_the_values() {
        let store = ContactStore::from(vec![full(); 100]);
        // Smaller than the struct alone, before any of its ~40 heap allocations.
        let per_contact = store
            .blocks
            .iter()
            .map(|b| b.control.len() + b.text.len())
            .sum::<usize>()
            / 100;
        assert!(
            per_contact < std::mem::size_of::<Contact>(),
            "{per_contact} bytes a contact"
        );
    }
}
