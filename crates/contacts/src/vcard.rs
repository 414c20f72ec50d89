//! vCard 2.1, 3.0 and 4.0: a streaming reader ([`Reader`]) and a writer ([`write`]).
//!
//! The reader is fed bytes a chunk at a time (chunks may end anywhere: mid-line, between `\r`
//! and `\n`, inside a UTF-8 sequence) and emits each card as soon as its `END:VCARD` arrives.
//! It works on BYTES until a value is complete: lines are unfolded on bytes (real exporters
//! fold inside UTF-8 sequences), quoted-printable soft breaks are joined on bytes, and only then
//! is each value decoded with its declared CHARSET. Memory: the current logical line and the
//! current card's values; inline binary values (base64 photos, keys, sounds) and properties we
//! do not map are dropped as they stream past, never buffered.
//!
//! Values are only trimmed and unescaped here. E-mail validation, phone parsing and name
//! completion are [`crate::normalize`]'s job.
//!
//! A card without `END:VCARD` (the input ends, or a new `BEGIN:VCARD` starts) is reported as
//! [`Error::Truncated`] at its `BEGIN` line and, when it holds anything usable, still emitted.

mod property;
mod write;

pub use write::{write, write_to, Version};

use std::borrow::Cow;
use std::collections::BTreeMap;

use crate::error::Error;
use crate::model::{Address, Contact, Email, Phone, Spare};
use crate::record::{Batch, RawRecord, RecordReader};
use property::{Kind, Property};

/// The most bytes kept of one logical line; the rest is dropped and reported as
/// [`Error::TooLong`]. Generous: real NOTEs are a few KB.
const MAX_LINE_BYTES: usize = 64 * 1024;
/// The most bytes looked at for a line's name and parameters before it is dropped as junk.
const MAX_HEAD_BYTES: usize = 4 * 1024;
/// PHOTO values longer than this are inline data (a URL is short): dropped unread.
const MAX_URI_BYTES: usize = 2 * 1024;

/// What to do with the bytes of the current logical line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum LineFate {
    /// The name and parameters are not complete yet.
    #[default]
    Undecided,
    /// A property we map: keep up to the limit.
    Keep,
    /// Not worth keeping (unknown property, inline binary, junk): bytes are dropped.
    Skip,
}

/// Which kind of entry an Apple `itemN.` group labels.
#[derive(Debug, Clone, Copy)]
enum Entry {
    Email(usize),
    Phone(usize),
    Address(usize),
}

/// The card being read.
#[derive(Debug, Default)]
struct Card {
    /// The 1-based line of its BEGIN.
    line: u32,
    contact: Contact,
    /// `itemN` → entries of that group, to which a later `itemN.X-ABLabel` applies.
    grouped: Vec<(String, Entry)>,
    /// `itemN` → label, from `X-ABLabel`.
    labels: BTreeMap<String, String>,
    /// A value's character set had to be guessed (reported once per card).
    charset_replaced: bool,
    /// A line was longer than [`MAX_LINE_BYTES`] (reported once per card).
    too_long: bool,
}

/// Reads vCard input incrementally. See the module documentation.
#[derive(Debug)]
pub struct Reader {
    /// The current logical line (unfolded, soft breaks joined), or the part of it we keep.
    logical: Vec<u8>,
    /// True while a logical line is open.
    open: bool,
    /// The physical line where the logical line began.
    logical_start: u32,
    keep: LineFate,
    /// How many bytes of the logical line we keep (depends on the property).
    limit: usize,
    /// The line is a PHOTO: a longer value than a URL is inline data, dropped.
    uri_only: bool,
    /// The name and parameters read so far end inside double quotes.
    head_in_quote: bool,
    /// The head as parsed when deciding on the line (lines with parameters), for its handling.
    head: Option<property::Head>,
    /// The logical line is quoted-printable: a line ending in '=' continues on the next one.
    quoted_printable: bool,
    /// The current physical line continues a quoted-printable value (previous ended with '=').
    qp_continuation: bool,
    /// That continuation line, held until it ends: it may turn out to be a new property.
    continuation: Vec<u8>,
    /// The last byte of the current physical line before its line break.
    physical_last: Option<u8>,
    /// The current physical line number (1-based).
    physical: u32,
    /// No byte of the current physical line has been seen yet.
    at_line_start: bool,
    /// A '\r' was seen; the next byte decides between CRLF, CR CR LF and a bare CR.
    cr_pending: bool,
    card: Option<Card>,
}

impl Default for Reader {
    fn default() -> Reader {
        Reader::new()
    }
}

impl Reader {
    /// A new reader.
    pub fn new() -> Reader {
        Reader {
            logical: Vec::new(),
            open: false,
            logical_start: 0,
            keep: LineFate::Undecided,
            limit: MAX_HEAD_BYTES,
            uri_only: false,
            head_in_quote: false,
            head: None,
            quoted_printable: false,
            qp_continuation: false,
            continuation: Vec::new(),
            physical_last: None,
            physical: 1,
            at_line_start: true,
            cr_pending: false,
            card: None,
        }
    }

    /// Appends bytes of the current physical line to the logical line, deciding as soon as the
    /// name and parameters are known whether the line is worth keeping.
    fn append(&mut self, mut bytes: &[u8]) {
        if bytes.is_empty() || !self.open {
            return;
        }
        if self.keep == LineFate::Undecided {
            // Copy only the name and parameters (up to the ':') before deciding, so that a
            // value we drop (a base64 photo) is never copied at all.
            let (head, complete) = match property::find_colon(bytes, 0, self.head_in_quote) {
                Ok(colon) => (bytes.get(..=colon).unwrap_or(bytes), true),
                Err(in_quote) => {
                    self.head_in_quote = in_quote;
                    (bytes, false)
                }
            };
            if self.logical.len() + head.len() > MAX_HEAD_BYTES {
                // No ':' within MAX_HEAD_BYTES: not a property line.
                return self.skip();
            }
            self.logical.extend_from_slice(head);
            if !complete {
                return;
            }
            bytes = bytes.get(head.len()..).unwrap_or(&[]);
            self.decide();
        }
        if self.keep == LineFate::Skip {
            return;
        }
        let room = self
            .limit
            .saturating_sub(self.logical.len())
            .min(bytes.len());
        let (taken, rest) = bytes.split_at(room);
        self.logical.extend_from_slice(taken);
        if !rest.is_empty() {
            self.over_limit();
        }
    }

    /// The line is longer than its limit.
    fn over_limit(&mut self) {
        match self.keep {
            LineFate::Undecided => self.skip(),
            // A PHOTO longer than a URL is inline data: drop it quietly.
            LineFate::Keep if self.uri_only => self.skip(),
            LineFate::Keep => {
                if let Some(card) = &mut self.card {
                    card.too_long = true;
                }
            }
            LineFate::Skip => {}
        }
    }

    fn skip(&mut self) {
        self.keep = LineFate::Skip;
        // Keep the allocation for the next line (a skipped VERSION or PRODID line in every card
        // was a malloc, a free and a regrowth of the next line; callgrind), unless it is big.
        if self.logical.capacity() > MAX_HEAD_BYTES * 4 {
            self.logical = Vec::new();
        } else {
            self.logical.clear();
        }
    }

    /// The name and parameters are complete: decides what to keep of the value.
    fn decide(&mut self) {
        // `logical` holds the name and parameters and ends with the ':'.
        let colon = self.logical.len().saturating_sub(1);
        let head = self.logical.get(..colon).unwrap_or(&[]);
        let (kind, has_params) = property::kind_of_head(head);
        // Only the head is parsed here, with an empty value.
        // Without a ';' there are no parameters: nothing to parse.
        let parsed = has_params
            .then(|| property::parse_head(head, &[]))
            .flatten();
        let params = parsed
            .as_ref()
            .map(|p| (p.is_quoted_printable(), p.is_inline_binary()));
        let (quoted_printable, inline_binary) = params.unwrap_or((false, false));
        self.head = parsed.and_then(|p| p.head_info(colon));
        self.quoted_printable = quoted_printable;
        match kind {
            Kind::Photo if inline_binary => self.skip(),
            Kind::Photo => {
                self.keep = LineFate::Keep;
                self.limit = colon + 1 + MAX_URI_BYTES;
                self.uri_only = true;
            }
            Kind::Other => self.skip(),
            // Every other kind is one we map (or BEGIN/END).
            _ => {
                self.keep = LineFate::Keep;
                self.limit = MAX_LINE_BYTES;
            }
        }
    }

    /// Starts a logical line at the current physical line.
    fn open_logical(&mut self) {
        self.open = true;
        self.logical.clear();
        self.logical_start = self.physical;
        self.keep = LineFate::Undecided;
        self.limit = MAX_HEAD_BYTES;
        self.uri_only = false;
        self.head_in_quote = false;
        self.head = None;
        self.quoted_printable = false;
    }

    /// The logical line is complete: handle it.
    fn close_logical(&mut self, out: &mut Batch) {
        if !self.open {
            return;
        }
        self.open = false;
        self.qp_continuation = false;
        if self.keep != LineFate::Keep {
            return;
        }
        let line = std::mem::take(&mut self.logical);
        let property = match self.head.take() {
            Some(head) => property::parse_with_head(&line, &head),
            None => property::parse(&line),
        };
        if let Some(property) = property {
            self.handle(&property, out);
        }
        // Keep the allocation for the next line, unless a huge line made it big.
        if line.capacity() <= MAX_HEAD_BYTES * 4 {
            self.logical = line;
            self.logical.clear();
        }
    }

    /// The first byte of a physical line decides whether it continues the logical line.
    fn start_physical(&mut self, first: u8, out: &mut Batch) -> bool {
        self.physical_last = None;
        let continues_qp = std::mem::take(&mut self.qp_continuation);
        if first == b'\r' || first == b'\n' {
            // A blank line ends any value (and 2.1 base64 data).
            self.close_logical(out);
            return false;
        }
        if continues_qp && self.open {
            // Quoted-printable soft break: the whole line continues the value, verbatim.
            self.qp_continuation = true;
            self.continuation.clear();
            return false;
        }
        if (first == b' ' || first == b'\t') && self.open {
            return true; // folded: drop the one whitespace
        }
        self.close_logical(out);
        self.open_logical();
        false
    }

    /// A physical line ended.
    fn end_physical(&mut self, out: &mut Batch) {
        if std::mem::take(&mut self.qp_continuation) {
            let continuation = std::mem::take(&mut self.continuation);
            if looks_like_property(&continuation) {
                // A 2.1 exporter ended a value with '=' and went on with the next property:
                // read this line as its own property.
                self.close_logical(out);
                self.open_logical();
            }
            self.append(&continuation);
            self.continuation = continuation;
            self.continuation.clear();
        }
        self.qp_continuation = false;
        if self.open && self.quoted_printable && self.physical_last == Some(b'=') {
            if self.keep == LineFate::Keep && self.logical.last() == Some(&b'=') {
                self.logical.pop();
            }
            self.qp_continuation = true;
        }
        self.physical = self.physical.saturating_add(1);
        self.at_line_start = true;
    }

    /// Maps one property onto the current card.
    fn handle(&mut self, property: &Property<'_>, out: &mut Batch) {
        let is_vcard = || trim_ascii(property.value).eq_ignore_ascii_case(b"VCARD");
        if property.kind == Kind::Begin && is_vcard() {
            if let Some(card) = self.card.take() {
                emit_truncated(card, "a new BEGIN:VCARD started before END:VCARD", out);
            }
            self.card = Some(Card {
                line: self.logical_start,
                contact: out.spare.contact(),
                ..Card::default()
            });
            return;
        }
        if property.kind == Kind::End && is_vcard() {
            if let Some(card) = self.card.take() {
                emit(card, out);
            }
            return;
        }
        let Some(card) = &mut self.card else { return };
        let (mut text, replaced) = property.text();
        card.charset_replaced |= replaced;
        // Only a quoted-printable value can hold a CR: the reader ends a line at any raw one.
        if property.is_quoted_printable() && memchr::memchr(b'\r', text.as_bytes()).is_some() {
            // Quoted-printable values carry CRLF (=0D=0A) line breaks inside notes and streets.
            text = Cow::Owned(text.replace("\r\n", "\n"));
        }
        map_property(card, property, &text, &mut out.spare);
    }

    /// Flushes the bytes still held as if the input ended here.
    fn flush(&mut self, out: &mut Batch) {
        if self.cr_pending {
            self.cr_pending = false;
            self.end_physical(out);
        }
        if !self.at_line_start {
            self.end_physical(out);
        }
        self.close_logical(out);
    }
}

impl RecordReader for Reader {
    fn feed(&mut self, chunk: &[u8], out: &mut Batch) {
        let mut position = 0;
        while let Some(&byte) = chunk.get(position) {
            if self.cr_pending {
                match byte {
                    b'\r' => position += 1, // "\r\r\n" is one line break (iOS)
                    b'\n' => {
                        position += 1;
                        self.cr_pending = false;
                        self.end_physical(out);
                    }
                    _ => {
                        // A bare CR (classic Mac) ends the line; the byte starts the next one.
                        self.cr_pending = false;
                        self.end_physical(out);
                    }
                }
                continue;
            }
            if self.at_line_start {
                self.at_line_start = false;
                if self.start_physical(byte, out) {
                    position += 1;
                }
                continue;
            }
            let rest = chunk.get(position..).unwrap_or(&[]);
            let end = memchr::memchr2(b'\r', b'\n', rest).unwrap_or(rest.len());
            let segment = rest.get(..end).unwrap_or(rest);
            if let Some(&last) = segment.last() {
                self.physical_last = Some(last);
            }
            if self.qp_continuation {
                let room = MAX_LINE_BYTES.saturating_sub(self.continuation.len());
                self.continuation
                    .extend_from_slice(segment.get(..room.min(segment.len())).unwrap_or(segment));
            } else {
                self.append(segment);
            }
            position += end;
            match chunk.get(position) {
                Some(b'\n') => {
                    position += 1;
                    self.end_physical(out);
                }
                Some(_) => {
                    position += 1;
                    self.cr_pending = true;
                }
                None => {}
            }
        }
    }

    fn finish(&mut self, out: &mut Batch) {
        self.flush(out);
        if let Some(card) = self.card.take() {
            emit_truncated(card, "the input ended before END:VCARD", out);
        }
    }
}

/// True when a physical line that follows a quoted-printable soft break is in fact a new
/// property: `BEGIN:`/`END:` or a well-known name followed by ';' or ':'.
fn looks_like_property(head: &[u8]) -> bool {
    const NAMES: [&str; 16] = [
        "BEGIN",
        "END",
        "VERSION",
        "N",
        "FN",
        "EMAIL",
        "TEL",
        "ADR",
        "ORG",
        "TITLE",
        "NOTE",
        "UID",
        "URL",
        "LABEL",
        "PHOTO",
        "CATEGORIES",
    ];
    let end = head.iter().position(|&b| b == b':' || b == b';');
    let Some(name) = end.and_then(|end| head.get(..end)) else {
        return false;
    };
    NAMES
        .iter()
        .any(|known| known.as_bytes().eq_ignore_ascii_case(name))
}

fn trim_ascii(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(start, |e| e + 1);
    bytes.get(start..end).unwrap_or(&[])
}

/// A trimmed, non-empty text, else `None`.
fn non_empty(text: &str, spare: &mut Spare) -> Option<String> {
    let trimmed = property::trim(text);
    (!trimmed.is_empty()).then(|| spare.string(trimmed))
}

/// Sets `slot` unless it already holds a value (the first occurrence wins).
fn set_first(slot: &mut Option<String>, value: Option<String>) {
    if slot.is_none() {
        *slot = value;
    }
}

/// Apple writes its built-in labels as `_$!<Home>!$_`; the inner text is the label.
fn apple_label(label: &str) -> String {
    let trimmed = label.trim();
    trimmed
        .strip_prefix("_$!<")
        .and_then(|l| l.strip_suffix(">!$_"))
        .unwrap_or(trimmed)
        .to_string()
}

/// The first `N` components of a structured value split on unescaped ';' (still escaped).
fn first_parts<const N: usize>(text: &str) -> [Option<&str>; N] {
    let mut parts = [None; N];
    for (slot, part) in parts.iter_mut().zip(property::split_escaped(text, b';')) {
        *slot = Some(part);
    }
    parts
}

/// A value unescaped and trimmed, if not empty.
fn unescaped(text: &str, spare: &mut Spare) -> Option<String> {
    non_empty(&property::unescape(text), spare)
}

/// A structured value's component, unescaped and trimmed, if not empty.
fn component(part: Option<&str>, spare: &mut Spare) -> Option<String> {
    part.and_then(|p| unescaped(p, spare))
}

fn map_property(card: &mut Card, property: &Property<'_>, text: &str, spare: &mut Spare) {
    let contact = &mut card.contact;
    match property.kind {
        Kind::Fn => set_first(&mut contact.name.display, unescaped(text, spare)),
        Kind::N => {
            let name = &mut contact.name;
            if name.family.is_some() || name.given.is_some() || name.middle.is_some() {
                return; // a second N (ALTID alternative): the first wins
            }
            let [family, given, middle, prefix, suffix] = first_parts(text);
            name.family = component(family, spare);
            name.given = component(given, spare);
            name.middle = component(middle, spare);
            name.prefix = component(prefix, spare);
            name.suffix = component(suffix, spare);
        }
        Kind::Nickname => set_first(&mut contact.nickname, unescaped(text, spare)),
        Kind::Email => {
            let Some(address) = unescaped(text, spare) else {
                return;
            };
            let primary = property.is_preferred() && !contact.emails.iter().any(|e| e.primary);
            contact.emails.push(Email {
                address,
                label_raw: property.label_raw(),
                primary,
                ..Email::default()
            });
            if let Some(group) = property.group() {
                card.grouped
                    .push((group.to_string(), Entry::Email(contact.emails.len() - 1)));
            }
        }
        Kind::Tel => {
            let Some(raw) = unescaped(text, spare) else {
                return;
            };
            contact.phones.push(Phone {
                number: spare.string(&raw),
                raw,
                label_raw: property.label_raw(),
                ..Phone::default()
            });
            if let Some(group) = property.group() {
                card.grouped
                    .push((group.to_string(), Entry::Phone(contact.phones.len() - 1)));
            }
        }
        Kind::Adr => {
            let [pobox, extended, street_part, locality, region, postal_code, country] =
                first_parts(text);
            // Street lines first, then the extended address and the PO box (vCard order
            // is pobox;ext;street, but a reader of the address expects the street first).
            let mut street = Vec::new();
            for part in [street_part, extended, pobox].into_iter().flatten() {
                street.extend(
                    property::unescape(part)
                        .split('\n')
                        .filter_map(|line| non_empty(line, spare)),
                );
            }
            let address = Address {
                street,
                locality: component(locality, spare),
                region: component(region, spare),
                postal_code: component(postal_code, spare),
                country: component(country, spare),
                label_raw: property.label_raw(),
                ..Address::default()
            };
            if address.street.is_empty()
                && address.locality.is_none()
                && address.region.is_none()
                && address.postal_code.is_none()
                && address.country.is_none()
            {
                return;
            }
            contact.addresses.push(address);
            if let Some(group) = property.group() {
                card.grouped.push((
                    group.to_string(),
                    Entry::Address(contact.addresses.len() - 1),
                ));
            }
        }
        Kind::Org => {
            if contact.organization.is_some() {
                return;
            }
            let [organization, department] = first_parts(text);
            contact.organization = component(organization, spare);
            if contact.organization.is_some() {
                contact.department = component(department, spare);
            }
        }
        Kind::Title => set_first(&mut contact.title, unescaped(text, spare)),
        Kind::Bday => set_first(&mut contact.birthday, unescaped(text, spare)),
        Kind::Categories => {
            for group in property::split_escaped(text, b',').filter_map(|g| unescaped(g, spare)) {
                if !contact.groups.contains(&group) {
                    contact.groups.push(group);
                }
            }
        }
        Kind::Note => {
            let Some(note) = unescaped(text, spare) else {
                return;
            };
            contact.notes = Some(match contact.notes.take() {
                Some(before) => format!("{before}\n{note}"),
                None => note,
            });
        }
        Kind::Uid => set_first(&mut contact.source_id, unescaped(text, spare)),
        Kind::Rev => set_first(&mut contact.updated_at, unescaped(text, spare)),
        Kind::Url => {
            if let Some(url) = unescaped(text, spare) {
                contact
                    .extra
                    .entry("url".to_string())
                    .or_insert(serde_json::Value::String(url));
            }
        }
        Kind::Gender => {
            if let Some(gender) = unescaped(text, spare) {
                contact
                    .extra
                    .entry("gender".to_string())
                    .or_insert(serde_json::Value::String(gender));
            }
        }
        Kind::Photo => {
            let url = property::unescape(text);
            let url = url.trim();
            let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
            if lower.starts_with("http://") || lower.starts_with("https://") {
                set_first(&mut contact.photo_url, Some(url.to_string()));
            }
        }
        Kind::XAbLabel => {
            if let (Some(group), Some(label)) =
                (property.group(), non_empty(&apple_label(text), spare))
            {
                card.labels.insert(group.to_string(), label);
            }
        }
        _ => {}
    }
}

/// Applies the Apple group labels and hands the card out.
fn emit(card: Card, out: &mut Batch) {
    let Card {
        line,
        mut contact,
        grouped,
        labels,
        charset_replaced,
        too_long,
    } = card;
    for (group, entry) in grouped {
        let Some(label) = labels.get(&group) else {
            continue;
        };
        let slot = match entry {
            Entry::Email(i) => contact.emails.get_mut(i).map(|e| &mut e.label_raw),
            Entry::Phone(i) => contact.phones.get_mut(i).map(|p| &mut p.label_raw),
            Entry::Address(i) => contact.addresses.get_mut(i).map(|a| &mut a.label_raw),
        };
        if let Some(slot) = slot {
            *slot = Some(label.clone());
        }
    }
    if charset_replaced {
        out.problems.push((
            line,
            Error::Charset(
                "a value was not UTF-8 and declared no known CHARSET: read as windows-1252".into(),
            ),
        ));
    }
    if too_long {
        let message = format!("a line was longer than {MAX_LINE_BYTES} bytes and was cut");
        out.problems.push((line, Error::TooLong(message)));
    }
    out.records.push(RawRecord { line, contact });
}

/// Reports a card without END:VCARD and, when it holds anything usable, emits it anyway.
fn emit_truncated(card: Card, why: &str, out: &mut Batch) {
    out.problems.push((
        card.line,
        Error::Truncated(format!("vCard starting at line {}: {why}", card.line)),
    ));
    if !card.contact.is_empty() {
        emit(card, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn read(input: &[u8]) -> Batch {
        let mut reader = Reader::new();
        let mut batch = Batch::default();
        reader.feed(input, &mut batch);
        reader.finish(&mut batch);
        batch
    }

    fn read_in_chunks(input: &[u8], size: usize) -> Batch {
        let mut reader = Reader::new();
        let mut batch = Batch::default();
        for chunk in input.chunks(size) {
            reader.feed(chunk, &mut batch);
        }
        reader.finish(&mut batch);
        batch
    }

    fn only(batch: &Batch) -> &Contact {
        assert_eq!(batch.records.len(), 1, "{batch:?}");
        &batch.records[0].contact
    }

    #[test]
    fn minimal_card() {
        let batch = read(b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada Lovelace\r\nEMAIL:ada@example.org\r\nEND:VCARD\r\n");
        let contact = only(&batch);
        assert_eq!(contact.name.display.as_deref(), Some("Ada Lovelace"));
        assert_eq!(contact.emails[0].address, "ada@example.org");
        assert_eq!(batch.records[0].line, 1);
        assert!(batch.problems.is_empty());
    }

    #[test]
    fn folding_on_bytes_inside_utf8() {
        // "é" is C3 A9: the fold splits it.
        let batch = read(b"BEGIN:VCARD\nFN:Ren\xC3\r\n \xA9e\nEND:VCARD\n");
        assert_eq!(only(&batch).name.display.as_deref(), Some("Renée"));
    }

    #[test]
    fn quoted_printable_soft_breaks_and_literal_equals() {
        let input = b"BEGIN:VCARD\r\nVERSION:2.1\r\nFN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=C3=91=\r\n=20x=\r\n xyz =\r\n=C3=91\r\nNOTE:a=F8b\r\nEND:VCARD\r\n";
        let contact = only(&read(input)).clone();
        assert_eq!(contact.name.display.as_deref(), Some("Ñ x xyz Ñ"));
        assert_eq!(contact.notes.as_deref(), Some("a=F8b"));
        let input = b"BEGIN:VCARD\nNOTE;ENCODING=QUOTED-PRINTABLE:one=0D=0Atwo\nEND:VCARD\n";
        assert_eq!(only(&read(input)).notes.as_deref(), Some("one\ntwo"));
    }

    #[test]
    fn qp_value_ending_in_soft_break_before_end() {
        let input =
            b"BEGIN:VCARD\nNOTE;QUOTED-PRINTABLE:abc=\nEND:VCARD\nBEGIN:VCARD\nFN:B\nEND:VCARD\n";
        let batch = read(input);
        assert_eq!(batch.records.len(), 2, "{batch:?}");
        assert_eq!(batch.records[0].contact.notes.as_deref(), Some("abc"));
        assert_eq!(batch.records[1].line, 4);
        // The same when the QP property is one we skip.
        let input = b"BEGIN:VCARD\nFN:A\nLABEL;QUOTED-PRINTABLE:abc=\nEMAIL;TYPE=INTERNET:a.long.address@example.org\nEND:VCARD\n";
        let batch = read(input);
        assert_eq!(only(&batch).emails[0].address, "a.long.address@example.org");
        assert_eq!(read_in_chunks(input, 1).records.len(), 1);
    }

    #[test]
    fn line_endings_cr_cr_lf_bare_cr_and_mixed() {
        for input in [
            &b"BEGIN:VCARD\r\r\nFN:A\r\r\nEND:VCARD\r\r\n"[..],
            b"BEGIN:VCARD\rFN:A\rEND:VCARD\r",
            b"BEGIN:VCARD\r\nFN:A\nEND:VCARD",
        ] {
            let batch = read(input);
            assert_eq!(only(&batch).name.display.as_deref(), Some("A"), "{input:?}");
            assert!(batch.problems.is_empty());
        }
    }

    #[test]
    fn line_numbers_count_physical_lines() {
        let input = b"\r\r\nBEGIN:VCARD\r\r\nNOTE:a\r\r\n b\r\r\nEND:VCARD\r\r\n\r\r\nbegin:vcard\nfn:x\nend:vcard\n";
        let batch = read(input);
        let lines: Vec<u32> = batch.records.iter().map(|r| r.line).collect();
        assert_eq!(lines, [2, 7]);
    }

    #[test]
    fn apple_groups_and_labels() {
        let input = b"BEGIN:VCARD\nFN:A\nitem1.EMAIL;type=INTERNET:a@b.c\nitem1.X-ABLabel:_$!<Home>!$_\nitem2.TEL:123\nitem2.X-ABLabel:Boat\nTEL;CELL:456\nEND:VCARD\n";
        let batch = read(input);
        let contact = only(&batch);
        assert_eq!(contact.emails[0].label_raw.as_deref(), Some("Home"));
        assert_eq!(contact.phones[0].label_raw.as_deref(), Some("Boat"));
        assert_eq!(contact.phones[1].label_raw.as_deref(), Some("CELL"));
        assert_eq!(contact.phones[1].raw, "456");
        assert_eq!(contact.phones[1].number, "456");
    }

    #[test]
    fn structured_values() {
        let input = b"BEGIN:VCARD\nN:Doe;John;Richter,James;Mr.;Sr.\nADR;TYPE=work:;Suite 1;Street4\\nBuilding 6;Town;;12345;USA\nORG:IBM;Accounting\nCATEGORIES:a,b\\,c,a\nEND:VCARD\n";
        let batch = read(input);
        let contact = only(&batch);
        assert_eq!(contact.name.middle.as_deref(), Some("Richter,James"));
        assert_eq!(contact.name.suffix.as_deref(), Some("Sr."));
        let address = &contact.addresses[0];
        assert_eq!(address.street, ["Street4", "Building 6", "Suite 1"]);
        assert_eq!(address.locality.as_deref(), Some("Town"));
        assert_eq!(address.region, None);
        assert_eq!(address.label_raw.as_deref(), Some("work"));
        assert_eq!(contact.organization.as_deref(), Some("IBM"));
        assert_eq!(contact.department.as_deref(), Some("Accounting"));
        assert_eq!(contact.groups, ["a", "b,c"]);
    }

    #[test]
    fn photos_inline_skipped_url_kept() {
        let mut input = b"BEGIN:VCARD\nFN:A\nPHOTO;ENCODING=b;TYPE=JPEG:".to_vec();
        input.extend(std::iter::repeat_n(b'A', 100_000));
        input.extend_from_slice(b"\nPHOTO:");
        input.extend(std::iter::repeat_n(b'B', 10_000));
        input.extend_from_slice(b"\nPHOTO;VALUE=uri:https://example.org/a.jpg\nEND:VCARD\n");
        let batch = read_in_chunks(&input, 4096);
        assert_eq!(
            only(&batch).photo_url.as_deref(),
            Some("https://example.org/a.jpg")
        );
        assert!(batch.problems.is_empty(), "{:?}", batch.problems);
    }

    #[test]
    fn truncated_card_is_reported_and_others_kept() {
        let batch = read(b"BEGIN:VCARD\nFN:A\nBEGIN:VCARD\nFN:B\nEND:VCARD\nBEGIN:VCARD\nFN:C\n");
        let names: Vec<_> = batch
            .records
            .iter()
            .map(|r| r.contact.name.display.clone().unwrap())
            .collect();
        assert_eq!(names, ["A", "B", "C"]);
        let problems: Vec<_> = batch
            .problems
            .iter()
            .map(|(line, e)| (*line, e.code()))
            .collect();
        assert_eq!(problems, [(1, "truncated"), (6, "truncated")]);
    }

    #[test]
    fn overlong_line_is_cut_and_reported() {
        let mut input = b"BEGIN:VCARD\nFN:A\nNOTE:".to_vec();
        input.extend(std::iter::repeat_n(b'x', MAX_LINE_BYTES + 10));
        input.extend_from_slice(b"\nEND:VCARD\n");
        let batch = read(&input);
        assert!(only(&batch).notes.as_ref().unwrap().len() < MAX_LINE_BYTES);
        assert_eq!(batch.problems[0].1.code(), "too_long");
    }

    #[cfg_attr(
        target_arch = "wasm32",
        ignore = "reads tests/corpus from disk, which wasm32-unknown-unknown cannot: the engine's parity test reads the same files in wasm"
    )]
    #[test]
    fn inline_photo_is_never_buffered() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/corpus/vcard/ezvcard__John_Doe_IPHONE.vcf"
        );
        let bytes = std::fs::read(path).unwrap();
        assert!(bytes.len() > 40_000);
        let mut reader = Reader::new();
        let mut batch = Batch::default();
        let mut most_held = 0;
        for chunk in bytes.chunks(4096) {
            reader.feed(chunk, &mut batch);
            most_held = most_held.max(reader.logical.capacity() + reader.continuation.capacity());
        }
        reader.finish(&mut batch);
        assert_eq!(batch.records.len(), 1);
        // The longest kept line of that file is under 256 bytes; the photo is 46 KB.
        assert!(most_held <= 256, "held {most_held} bytes");
    }

    #[test]
    fn utf8_bom_before_begin() {
        let batch = read("\u{feff}BEGIN:VCARD\nFN:A\nEND:VCARD\n".as_bytes());
        assert_eq!(only(&batch).name.display.as_deref(), Some("A"));
    }

    #[cfg_attr(
        target_arch = "wasm32",
        ignore = "reads tests/corpus from disk, which wasm32-unknown-unknown cannot: the engine's parity test reads the same files in wasm"
    )]
    #[test]
    fn utf16_without_bom_through_stream_decoder() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/corpus/vcard/roundcube__utf-16_sample.vcf"
        );
        let bytes = std::fs::read(path).unwrap();
        let mut decoder = crate::charset::StreamDecoder::sniff(&bytes);
        let mut reader = Reader::new();
        let mut batch = Batch::default();
        for chunk in bytes.chunks(7) {
            let mut decoded = Vec::new();
            decoder.decode(chunk, &mut decoded);
            reader.feed(&decoded, &mut batch);
        }
        let mut decoded = Vec::new();
        decoder.finish(&mut decoded);
        reader.feed(&decoded, &mut batch);
        reader.finish(&mut batch);
        assert_eq!(only(&batch).name.display.as_deref(), Some("Ǽgean ĽdaMonté"));
    }
}
