//! The writers' front: this crate's JSON schema for a slice ([`write`]), a piece at a time for
//! any contacts ([`write_list`]), or incrementally ([`JsonWriter`]). The per-contact
//! serializer under them is `serialize.rs`.

use super::serialize;
use crate::each::EachContact;

/// Writes contacts as this crate's JSON schema: an array, one contact per line, keys in a fixed
/// order, so that output is byte-identical on every target.
pub fn write(contacts: &[crate::Contact]) -> String {
    // One pass to size the output, so that it is allocated once (no copies while growing,
    // and no doubled buffer at the peak); the per-contact serializer is hand-written, see
    // `writer`.
    let estimate = contacts.iter().map(serialize::estimate).sum::<usize>() + 4;
    let mut out = serialize::Out::utf8(estimate);
    out.push(b'[');
    for (i, contact) in contacts.iter().enumerate() {
        out.push_str(if i == 0 { "\n" } else { ",\n" });
        serialize::contact(&mut out, contact);
    }
    out.push_str(if contacts.is_empty() { "]\n" } else { "\n]\n" });
    out.take()
}

/// How many bytes [`write_list`] collects before handing them to its sink.
pub(super) const PIECE: usize = crate::each::PIECE_BYTES;

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
    out: serialize::Out,
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
        JsonWriter::with(serialize::Out::utf8(PIECE + 4096))
    }

    /// A writer of the same JSON in ASCII: every non-ASCII character is written as a `\uXXXX`
    /// escape (a surrogate pair above U+FFFF), which any JSON parser reads back as the same
    /// value ([`escape_non_ascii`] of the text of [`write`]). For text handed to a JS engine:
    /// an ASCII string is kept with one byte a character and decoded from wasm memory about
    /// twice as fast, where the same text with a single "é" takes two bytes a character.
    pub fn ascii() -> JsonWriter {
        JsonWriter::with(serialize::Out::ascii(PIECE + 4096))
    }

    fn with(mut out: serialize::Out) -> JsonWriter {
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
        serialize::contact(&mut self.out, contact);
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
        serialize::contact_with_chosen_email(&mut self.out, contact, chosen);
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
