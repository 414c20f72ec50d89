//! The contacts a picker shows, packed in one buffer: a [`Book`].
//!
//! The import engine (a Web Worker) reads and merges contacts, packs what the picker needs of
//! each ([`Entry`]: the name, e-mails, phones, organization, and what was merged or may be a
//! duplicate) with [`BookBuilder`], and hands the bytes to the page in one transfer. The
//! picker keeps them as they are: an entry is decoded only when its row is drawn, and the
//! search runs over the folded text stored beside the entries. Nothing is decoded for the
//! 99,980 rows of a 100,000-contact book that are not on screen, so a book is ready to show as
//! soon as its bytes have been copied.
//!
//! The layout (integers are little-endian `u32`, `n` is the number of entries):
//!
//! ```text
//!   "CPB2"  n  entries_len  haystack_len
//!   entries          entries_len bytes: entry after entry, each encoded as below
//!   entry_ends       n integers: where each entry ends in `entries`
//!   haystack         haystack_len bytes: each entry's search text (see below)
//!   haystack_ends    n integers: where each entry's search text ends in `haystack`
//!   by_name          n integers: entry indexes in name order (the engine's collation)
//!   summaries        n × 17 bytes: each entry's search summary (see `search::Index`): the
//!                    bits of the bytes in its text (u64), of those starting a word (u64), and
//!                    its first byte
//! ```
//!
//! The summaries are made where the book is packed, in the worker, rather than when it is
//! shown: at 100,000 entries they take tens of milliseconds to make, and the page's first
//! paint of the list would wait for them.
//!
//! An entry is a sequence of fields, each string a varint length and UTF-8 bytes: name,
//! organization (length + 1; 0 for none), e-mails (a varint count, then strings), phones
//! (likewise), merges (a count, then source, line + 1 (0 for none), reason byte, value) and
//! possible duplicates (a count, then entry index, reason byte, value).
//!
//! An entry's search text is its fields' [folded](crate::fold) forms separated by
//! [`FIELD_SEPARATOR`]: the name first, then the organization, the e-mails, and the digits of
//! each phone number (and of the other forms the engine adds, such as the number as written).
//!
//! **Never panics on bad bytes:** [`Book::from_bytes`] checks the header and every offset
//! once; a damaged entry decodes as far as it can.

use std::ops::Range;

use crate::fold::fold_into;
use crate::Error;

/// The first four bytes of a packed book (and its version).
const MAGIC: &[u8; 4] = b"CPB2";

/// Bytes of one entry's search summary.
pub(crate) const SUMMARY_BYTES: usize = 17;

/// Separates the fields of an entry's search text. Not a character folding can produce from
/// normalized contact text (the core drops control characters), so no match spans two fields.
pub const FIELD_SEPARATOR: u8 = 0x01;

/// What made two records one contact, or two contacts possibly the same person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reason {
    /// The same e-mail address.
    Email,
    /// The same phone number.
    Phone,
    /// The same name.
    Name,
}

impl Reason {
    fn byte(self) -> u8 {
        match self {
            Reason::Email => 0,
            Reason::Phone => 1,
            Reason::Name => 2,
        }
    }

    fn from_byte(byte: u8) -> Reason {
        match byte {
            0 => Reason::Email,
            1 => Reason::Phone,
            _ => Reason::Name,
        }
    }
}

/// One contact as the picker shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Entry {
    /// The name to show: the display name, else the organization, else the first e-mail or
    /// phone (the engine chooses).
    pub name: String,
    /// E-mail addresses, the primary one first.
    pub emails: Vec<String>,
    /// Phone numbers as they are shown (E.164 when they parse).
    pub phones: Vec<String>,
    /// The organization.
    pub organization: Option<String>,
    /// One note for each record merged into this contact after the first.
    pub merges: Vec<Merge>,
    /// Other entries that may be the same person.
    pub duplicates: Vec<Duplicate>,
}

/// A record that was merged into an entry, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merge {
    /// The file or provider the record came from.
    pub source: String,
    /// The record's line in that file, when it has one.
    pub line: Option<u32>,
    /// What matched.
    pub reason: Reason,
    /// The value that matched (the address, the number, the name).
    pub value: String,
}

/// Another entry that may be the same person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    /// The other entry's index in the book.
    pub entry: u32,
    /// What matched.
    pub reason: Reason,
    /// The value that matched.
    pub value: String,
}

/// Packs entries into a book's bytes (the engine's side).
#[derive(Debug, Default)]
pub struct BookBuilder {
    entries: Vec<u8>,
    entry_ends: Vec<u32>,
    haystack: String,
    haystack_ends: Vec<u32>,
    /// Each entry's search summary ([`SUMMARY_BYTES`] bytes), as `finish` writes them.
    summaries: Vec<u8>,
    names: Vec<String>,
}

impl BookBuilder {
    /// An empty builder.
    pub fn new() -> BookBuilder {
        BookBuilder::default()
    }

    /// How many entries have been pushed.
    pub fn len(&self) -> usize {
        self.entry_ends.len()
    }

    /// True when none has.
    pub fn is_empty(&self) -> bool {
        self.entry_ends.is_empty()
    }

    /// The names pushed so far, in order: what the engine sorts to give [`BookBuilder::finish`]
    /// its order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Adds an entry. `also_digits` are more texts whose digits the search should find (a
    /// phone number as the source wrote it, say, beside its E.164 form).
    pub fn push(&mut self, entry: &Entry, also_digits: &[&str]) {
        let out = &mut self.entries;
        put_str(out, &entry.name);
        match &entry.organization {
            Some(organization) => {
                put_varint(out, organization.len() as u64 + 1);
                out.extend_from_slice(organization.as_bytes());
            }
            None => put_varint(out, 0),
        }
        put_varint(out, entry.emails.len() as u64);
        for email in &entry.emails {
            put_str(out, email);
        }
        put_varint(out, entry.phones.len() as u64);
        for phone in &entry.phones {
            put_str(out, phone);
        }
        put_varint(out, entry.merges.len() as u64);
        for merge in &entry.merges {
            put_str(out, &merge.source);
            put_varint(out, merge.line.map_or(0, |line| u64::from(line) + 1));
            out.push(merge.reason.byte());
            put_str(out, &merge.value);
        }
        put_varint(out, entry.duplicates.len() as u64);
        for duplicate in &entry.duplicates {
            put_varint(out, u64::from(duplicate.entry));
            out.push(duplicate.reason.byte());
            put_str(out, &duplicate.value);
        }
        self.entry_ends.push(offset(out.len()));

        let hay = &mut self.haystack;
        fold_into(&entry.name, hay);
        hay.push(char::from(FIELD_SEPARATOR));
        if let Some(organization) = &entry.organization {
            fold_into(organization, hay);
        }
        for email in &entry.emails {
            hay.push(char::from(FIELD_SEPARATOR));
            fold_into(email, hay);
        }
        for text in entry
            .phones
            .iter()
            .map(String::as_str)
            .chain(also_digits.iter().copied())
        {
            hay.push(char::from(FIELD_SEPARATOR));
            hay.extend(text.chars().filter(char::is_ascii_digit));
        }
        // The entry's search summary now rather than in `finish`: the engine pushes in slices
        // of a few milliseconds, and `finish` summarizing 100,000 entries was one task of
        // about 100 ms on a page without a worker.
        let start = self.haystack_ends.last().map_or(0, |&end| end as usize);
        let ([present, starts], first) =
            crate::search::summarize(hay.as_bytes().get(start..).unwrap_or(&[]));
        self.summaries.extend_from_slice(&present.to_le_bytes());
        self.summaries.extend_from_slice(&starts.to_le_bytes());
        self.summaries.push(first);
        self.haystack_ends.push(offset(hay.len()));
        self.names.push(entry.name.clone());
    }

    /// The packed bytes. `by_name` is the entries' order by name; when it is not a
    /// permutation of the entries (or is not given), [`fallback_name_order`] is used.
    pub fn finish(self, by_name: Option<&[u32]>) -> Vec<u8> {
        let count = self.entry_ends.len();
        let order = match by_name {
            Some(order) if is_permutation(order, count) => order.to_vec(),
            _ => fallback_name_order(&self.names),
        };
        let mut out = Vec::with_capacity(
            16 + self.entries.len() + self.haystack.len() + (12 + SUMMARY_BYTES) * count,
        );
        out.extend_from_slice(MAGIC);
        put_u32(&mut out, offset(count));
        put_u32(&mut out, offset(self.entries.len()));
        put_u32(&mut out, offset(self.haystack.len()));
        out.extend_from_slice(&self.entries);
        self.entry_ends
            .iter()
            .for_each(|&end| put_u32(&mut out, end));
        out.extend_from_slice(self.haystack.as_bytes());
        self.haystack_ends
            .iter()
            .for_each(|&end| put_u32(&mut out, end));
        order.iter().for_each(|&index| put_u32(&mut out, index));
        out.extend_from_slice(&self.summaries);
        out
    }

    /// The book itself (for tests and native callers).
    pub fn into_book(self, by_name: Option<&[u32]>) -> Book {
        // The bytes were just written by `finish`: they always parse.
        Book::from_bytes(self.finish(by_name)).unwrap_or_default()
    }
}

/// The order by name used when the engine gives none (no `Intl.Collator`, native tests): by
/// folded name, then by name, then by position. Entries without a name sort last.
pub fn fallback_name_order(names: &[String]) -> Vec<u32> {
    let mut keyed: Vec<(bool, String, &str, u32)> = names
        .iter()
        .enumerate()
        .map(|(index, name)| {
            let mut key = String::with_capacity(name.len());
            fold_into(name, &mut key);
            (name.is_empty(), key, name.as_str(), offset(index))
        })
        .collect();
    keyed.sort_unstable();
    keyed.into_iter().map(|(_, _, _, index)| index).collect()
}

/// The packed contacts, ready to show and search. Cheap to share behind an `Rc`.
#[derive(Clone, Default)]
pub struct Book {
    bytes: Vec<u8>,
    count: usize,
    entries: Range<usize>,
    entry_ends: usize,
    haystack: Range<usize>,
    haystack_ends: usize,
    by_name: usize,
    summaries: usize,
}

/// The counts, not the bytes: a book is megabytes, and the widget's state (which holds one)
/// is printed with `{:?}` in test failures and debug logs.
impl std::fmt::Debug for Book {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Book")
            .field("entries", &self.count)
            .field("bytes", &self.bytes.len())
            .finish()
    }
}

impl Book {
    /// Reads packed bytes (see the module documentation), checking every offset once.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Book, Error> {
        if bytes.get(..4) != Some(MAGIC.as_slice()) {
            return Err(Error::Malformed("not a packed book"));
        }
        let header = |at: usize| read_u32(&bytes, at).map(|value| value as usize);
        let (Some(count), Some(entries_len), Some(haystack_len)) =
            (header(4), header(8), header(12))
        else {
            return Err(Error::Malformed("header cut short"));
        };
        let entries = 16..16usize.saturating_add(entries_len);
        let entry_ends = entries.end;
        let haystack_start = entry_ends.saturating_add(count.saturating_mul(4));
        let haystack = haystack_start..haystack_start.saturating_add(haystack_len);
        let haystack_ends = haystack.end;
        let by_name = haystack_ends.saturating_add(count.saturating_mul(4));
        let summaries = by_name.saturating_add(count.saturating_mul(4));
        let end = summaries.saturating_add(count.saturating_mul(SUMMARY_BYTES));
        if end != bytes.len() {
            return Err(Error::Malformed("lengths do not add up"));
        }
        let book = Book {
            bytes,
            count,
            entries,
            entry_ends,
            haystack,
            haystack_ends,
            by_name,
            summaries,
        };
        book.check()?;
        Ok(book)
    }

    fn check(&self) -> Result<(), Error> {
        let ends_rise = |table: usize, limit: usize| {
            let mut previous = 0;
            (0..self.count).all(|i| {
                let end = read_u32(&self.bytes, table + 4 * i).map_or(usize::MAX, |e| e as usize);
                let fine = end >= previous && end <= limit;
                previous = end;
                fine
            })
        };
        if !ends_rise(self.entry_ends, self.entries.len()) {
            return Err(Error::Malformed("entry offsets out of order"));
        }
        if !ends_rise(self.haystack_ends, self.haystack.len()) {
            return Err(Error::Malformed("search text offsets out of order"));
        }
        let mut seen = vec![false; self.count];
        for position in 0..self.count {
            let index = self.by_name_at(position) as usize;
            match seen.get_mut(index) {
                Some(slot) if !*slot => *slot = true,
                _ => return Err(Error::Malformed("name order is not a permutation")),
            }
        }
        Ok(())
    }

    /// The packed bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// How many entries.
    pub fn len(&self) -> usize {
        self.count
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    fn span(&self, ends: usize, index: usize) -> Range<usize> {
        if index >= self.count {
            return 0..0;
        }
        let end = |i: usize| read_u32(&self.bytes, ends + 4 * i).map_or(0, |e| e as usize);
        let start = if index == 0 { 0 } else { end(index - 1) };
        start..end(index)
    }

    /// The entry at `index` (an empty one when out of range).
    pub fn entry(&self, index: u32) -> Entry {
        let span = self.span(self.entry_ends, index as usize);
        let bytes = self
            .bytes
            .get(self.entries.start + span.start..self.entries.start + span.end)
            .unwrap_or(&[]);
        decode_entry(bytes)
    }

    /// The entry's name (decodes only the name).
    pub fn name(&self, index: u32) -> String {
        let span = self.span(self.entry_ends, index as usize);
        let bytes = self
            .bytes
            .get(self.entries.start + span.start..self.entries.start + span.end)
            .unwrap_or(&[]);
        Cursor { bytes, at: 0 }.string().unwrap_or_default()
    }

    /// The search text of every entry, one after another.
    pub fn haystack(&self) -> &[u8] {
        self.bytes.get(self.haystack.clone()).unwrap_or(&[])
    }

    /// Where the search text of the entry at `index` lies in [`Book::haystack`].
    pub fn haystack_span(&self, index: u32) -> Range<usize> {
        self.span(self.haystack_ends, index as usize)
    }

    /// Where the search text of the entry at `index` ends in [`Book::haystack`] (0 out of
    /// range): the search walks the entries in order with it, one read an entry.
    pub(crate) fn haystack_end(&self, index: usize) -> usize {
        if index >= self.count {
            return 0;
        }
        read_u32(&self.bytes, self.haystack_ends + 4 * index).map_or(0, |end| end as usize)
    }

    /// The search text of the entry at `index`.
    pub fn haystack_of(&self, index: u32) -> &[u8] {
        self.haystack()
            .get(self.haystack_span(index))
            .unwrap_or(&[])
    }

    /// The search summary of the entry at `index`: the bits of the bytes in its text, of those
    /// that start a word, and its first byte (zeros when out of range).
    pub(crate) fn summary(&self, index: usize) -> ([u64; 2], u8) {
        let at = self.summaries + SUMMARY_BYTES * index;
        let Some(bytes) = self.bytes.get(at..at + SUMMARY_BYTES) else {
            return ([0, 0], 0);
        };
        let word = |range: Range<usize>| {
            let mut eight = [0u8; 8];
            eight.copy_from_slice(bytes.get(range).unwrap_or(&[0; 8]));
            u64::from_le_bytes(eight)
        };
        (
            [word(0..8), word(8..16)],
            bytes.get(16).copied().unwrap_or(0),
        )
    }

    /// The entry at `position` in name order.
    pub fn by_name_at(&self, position: usize) -> u32 {
        if position >= self.count {
            return 0;
        }
        read_u32(&self.bytes, self.by_name + 4 * position).unwrap_or(0)
    }

    /// Every entry index in name order.
    pub fn by_name(&self) -> impl Iterator<Item = u32> + '_ {
        (0..self.count).map(|position| self.by_name_at(position))
    }
}

fn decode_entry(bytes: &[u8]) -> Entry {
    let mut cursor = Cursor { bytes, at: 0 };
    let mut entry = Entry::default();
    // Field by field; a damaged entry keeps what came before the damage.
    let _ = (|| -> Option<()> {
        entry.name = cursor.string()?;
        entry.organization = match cursor.varint()? {
            0 => None,
            // Through `try_from`: `length as usize` truncates on wasm32, where a damaged
            // length of 2^32 became 0, and 0 - 1 a panic in a debug build.
            length => Some(cursor.str_of(usize::try_from(length - 1).ok()?)?),
        };
        for _ in 0..cursor.count()? {
            entry.emails.push(cursor.string()?);
        }
        for _ in 0..cursor.count()? {
            entry.phones.push(cursor.string()?);
        }
        for _ in 0..cursor.count()? {
            let source = cursor.string()?;
            let line = cursor.varint()?.checked_sub(1).map(|l| l as u32);
            let reason = Reason::from_byte(cursor.byte()?);
            let value = cursor.string()?;
            entry.merges.push(Merge {
                source,
                line,
                reason,
                value,
            });
        }
        for _ in 0..cursor.count()? {
            let other = cursor.varint()? as u32;
            let reason = Reason::from_byte(cursor.byte()?);
            let value = cursor.string()?;
            entry.duplicates.push(Duplicate {
                entry: other,
                reason,
                value,
            });
        }
        Some(())
    })();
    entry
}

struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Cursor<'_> {
    fn byte(&mut self) -> Option<u8> {
        let byte = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(byte)
    }

    fn varint(&mut self) -> Option<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.byte()?;
            value |= u64::from(byte & 0x7f) << shift;
            if byte < 0x80 {
                return Some(value);
            }
        }
        None
    }

    /// A count of items that take at least a byte each: never more than the bytes left, so a
    /// damaged count cannot make the decoder loop long.
    fn count(&mut self) -> Option<usize> {
        let count = self.varint()?;
        let left = self.bytes.len().saturating_sub(self.at) as u64;
        (count <= left).then_some(count as usize)
    }

    fn str_of(&mut self, length: usize) -> Option<String> {
        let end = self.at.checked_add(length)?;
        let text = std::str::from_utf8(self.bytes.get(self.at..end)?).ok()?;
        self.at = end;
        Some(text.to_string())
    }

    fn string(&mut self) -> Option<String> {
        let length = self.varint()?;
        self.str_of(usize::try_from(length).ok()?)
    }
}

fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn put_str(out: &mut Vec<u8>, text: &str) {
    put_varint(out, text.len() as u64);
    out.extend_from_slice(text.as_bytes());
}

fn put_u32(out: &mut Vec<u8>, value: u32) {
    out.extend_from_slice(&value.to_le_bytes());
}

fn read_u32(bytes: &[u8], at: usize) -> Option<u32> {
    let four = bytes.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([four[0], four[1], four[2], four[3]]))
}

/// A length or index as stored: books are far below 4 GiB (the engine refuses larger input
/// long before), so this saturates rather than wraps if that ever changes.
fn offset(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

fn is_permutation(order: &[u32], count: usize) -> bool {
    if order.len() != count {
        return false;
    }
    let mut seen = vec![false; count];
    order
        .iter()
        .all(|&index| match seen.get_mut(index as usize) {
            Some(slot) if !*slot => {
                *slot = true;
                true
            }
            _ => false,
        })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn entry(name: &str, emails: &[&str]) -> Entry {
        Entry {
            name: name.to_string(),
            emails: emails.iter().map(|e| e.to_string()).collect(),
            ..Entry::default()
        }
    }

    fn full_entry() -> Entry {
        Entry {
            name: "Aurélie Durand".into(),
            emails: vec!["aurelie@example.fr".into(), "a.durand@work.example".into()],
            phones: vec!["+33612345678".into()],
            organization: Some("Société Générale".into()),
            merges: vec![Merge {
                source: "google.csv".into(),
                line: Some(12),
                reason: Reason::Email,
                value: "aurelie@example.fr".into(),
            }],
            duplicates: vec![Duplicate {
                entry: 0,
                reason: Reason::Name,
                value: "aurelie durand".into(),
            }],
        }
    }

    #[test]
    fn entries_read_back_as_pushed() {
        let entries = vec![
            entry("Zoë", &["zoe@example.org"]),
            full_entry(),
            Entry::default(),
            entry("", &["only@example.org"]),
        ];
        let mut builder = BookBuilder::new();
        for e in &entries {
            builder.push(e, &["06 12 34 56 78"]);
        }
        let book = Book::from_bytes(builder.finish(None)).expect("parses");
        assert_eq!(book.len(), 4);
        for (index, e) in entries.iter().enumerate() {
            assert_eq!(&book.entry(index as u32), e);
            assert_eq!(book.name(index as u32), e.name);
        }
        assert_eq!(book.entry(99), Entry::default());
    }

    #[test]
    fn the_search_text_is_folded_fields_and_digits() {
        let mut builder = BookBuilder::new();
        builder.push(&full_entry(), &["06 12 34 56 78"]);
        let book = builder.into_book(None);
        let hay = String::from_utf8(book.haystack_of(0).to_vec()).expect("UTF-8");
        assert_eq!(
            hay,
            "aurelie durand\u{1}societe generale\u{1}aurelie@example.fr\u{1}a.durand@work.example\u{1}33612345678\u{1}0612345678"
        );
    }

    #[test]
    fn the_fallback_order_is_by_folded_name_with_empty_names_last() {
        let names: Vec<String> = ["", "émile", "Zoe", "adam", "Emile"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(fallback_name_order(&names), vec![3, 4, 1, 2, 0]);
    }

    #[test]
    fn a_given_order_is_used_only_when_it_is_a_permutation() {
        let mut builder = BookBuilder::new();
        builder.push(&entry("b", &[]), &[]);
        builder.push(&entry("a", &[]), &[]);
        let names = builder.names().to_vec();
        assert_eq!(names, ["b", "a"]);
        let book = builder.into_book(Some(&[0, 0]));
        assert_eq!(book.by_name().collect::<Vec<_>>(), vec![1, 0]);
        let mut builder = BookBuilder::new();
        builder.push(&entry("b", &[]), &[]);
        builder.push(&entry("a", &[]), &[]);
        let book = builder.into_book(Some(&[0, 1]));
        assert_eq!(book.by_name().collect::<Vec<_>>(), vec![0, 1]);
    }

    #[test]
    fn a_damaged_length_is_refused_on_every_word_size() {
        // An organization length of 2^32 + 1 (stored plus one): the entry keeps its name.
        let mut bytes = Vec::new();
        put_str(&mut bytes, "Ada");
        put_varint(&mut bytes, (1u64 << 32) + 1);
        bytes.extend_from_slice(b"Org");
        let entry = decode_entry(&bytes);
        assert_eq!((entry.name.as_str(), entry.organization), ("Ada", None));
    }

    #[test]
    fn debug_shows_counts_not_bytes() {
        let mut builder = BookBuilder::new();
        builder.push(&full_entry(), &[]);
        let book = builder.into_book(None);
        let shown = format!("{book:?}");
        assert_eq!(
            shown,
            format!("Book {{ entries: 1, bytes: {} }}", book.as_bytes().len())
        );
    }

    #[test]
    fn damaged_bytes_are_refused_or_decoded_partly_never_a_panic() {
        let mut builder = BookBuilder::new();
        builder.push(&full_entry(), &[]);
        builder.push(&entry("Bob", &["bob@example.org"]), &[]);
        let good = builder.finish(None);
        assert!(Book::from_bytes(good.clone()).is_ok());
        assert!(Book::from_bytes(Vec::new()).is_err());
        assert!(Book::from_bytes(good[..good.len() - 1].to_vec()).is_err());
        // Every single-byte change and every cut: refused, or read without a panic.
        for at in 0..good.len() {
            for value in [0u8, 1, 0x7f, 0x80, 0xff] {
                let mut bad = good.clone();
                bad[at] = value;
                if let Ok(book) = Book::from_bytes(bad) {
                    for index in 0..book.len() as u32 + 1 {
                        let _ = book.entry(index);
                        let _ = book.haystack_of(index);
                    }
                }
            }
            let _ = Book::from_bytes(good[..at].to_vec());
        }
    }
}
