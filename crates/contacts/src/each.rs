//! What the writers read from: contacts in order, lent one at a time.
//!
//! A slice holds every contact as a value; a [`ContactList`] decodes them from its compact
//! store one at a time into a reused value. The writers take either through [`EachContact`],
//! and hand their text to a sink in [`Pieces`] of about 64 KiB, so that writing the merged
//! contacts of a large import never holds the whole text (several times the input) at once:
//! what the command line does on its fast path.

use crate::model::Contact;
use crate::ContactList;

/// Contacts that can be read in order, each lent for the time of a call.
pub trait EachContact {
    /// How many contacts there are.
    fn contact_count(&self) -> usize;
    /// Calls `f` with each contact, in order.
    fn each_contact(&self, f: &mut dyn FnMut(&Contact));
}

impl EachContact for [Contact] {
    fn contact_count(&self) -> usize {
        self.len()
    }

    fn each_contact(&self, f: &mut dyn FnMut(&Contact)) {
        self.iter().for_each(f);
    }
}

impl EachContact for Vec<Contact> {
    fn contact_count(&self) -> usize {
        self.len()
    }

    fn each_contact(&self, f: &mut dyn FnMut(&Contact)) {
        self.iter().for_each(f);
    }
}

impl EachContact for ContactList {
    fn contact_count(&self) -> usize {
        self.len()
    }

    fn each_contact(&self, f: &mut dyn FnMut(&Contact)) {
        self.for_each(f);
    }
}

/// How many bytes [`Pieces`] collects before handing them on.
pub const PIECE_BYTES: usize = 64 * 1024;

/// Text collected and handed to a sink about [`PIECE_BYTES`] at a time.
pub struct Pieces<F: FnMut(&str)> {
    buffer: String,
    sink: F,
}

impl<F: FnMut(&str)> Pieces<F> {
    /// Pieces handed to `sink`.
    pub fn new(sink: F) -> Pieces<F> {
        Pieces {
            buffer: String::with_capacity(PIECE_BYTES + 4096),
            sink,
        }
    }

    /// The buffer to append to; call [`Pieces::flush_if_full`] after each record.
    pub fn buffer(&mut self) -> &mut String {
        &mut self.buffer
    }

    /// Hands the buffer on once it holds a piece.
    pub fn flush_if_full(&mut self) {
        if self.buffer.len() >= PIECE_BYTES {
            (self.sink)(&self.buffer);
            self.buffer.clear();
        }
    }

    /// Hands on what is left.
    pub fn finish(mut self) {
        if !self.buffer.is_empty() {
            (self.sink)(&self.buffer);
        }
    }
}

/// Collects what a writer hands on into one string (the writers' `write` forms).
pub fn collect(write: impl FnOnce(&mut dyn FnMut(&str))) -> String {
    let mut out = String::new();
    write(&mut |piece| out.push_str(piece));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn pieces_hand_on_everything_in_order_and_nothing_empty() {
        let mut got: Vec<String> = Vec::new();
        let mut pieces = Pieces::new(|piece: &str| got.push(piece.to_string()));
        let line = "x".repeat(1000);
        for _ in 0..200 {
            pieces.buffer().push_str(&line);
            pieces.flush_if_full();
        }
        pieces.finish();
        assert!(got.len() >= 3, "handed on in pieces: {}", got.len());
        assert!(got.iter().all(|piece| !piece.is_empty()));
        assert!(got[..got.len() - 1].iter().all(|p| p.len() >= PIECE_BYTES));
        assert_eq!(got.concat(), line.repeat(200));
    }

    #[test]
    fn a_slice_and_a_list_lend_the_same_contacts() {
        let vcf = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada\r\nEMAIL:ada@example.org\r\nEND:VCARD\r\n\
BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bob\r\nEND:VCARD\r\n";
        let mut importer = crate::Importer::new(crate::Options::default());
        importer.feed(vcf);
        let list = importer.finish_list().contacts;
        let values = list.iter().collect::<Vec<_>>();
        let names = |contacts: &dyn EachContact| {
            let mut names = Vec::new();
            contacts.each_contact(&mut |c| names.push(c.name.display.clone()));
            (contacts.contact_count(), names)
        };
        assert_eq!(names(&list), names(&values));
        assert_eq!(names(&list).0, 2);
    }
}
