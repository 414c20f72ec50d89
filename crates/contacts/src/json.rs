//! STUB: the json reader and writers are being written (see ARCHITECTURE.md).

use crate::import::{Batch, RecordReader};

/// Reads json input incrementally.
#[derive(Debug, Default)]
pub struct Reader {}

impl Reader {
    /// A new reader.
    pub fn new() -> Reader {
        Reader::default()
    }
}

impl RecordReader for Reader {
    fn feed(&mut self, _chunk: &[u8], _out: &mut Batch) {}
    fn finish(&mut self, _out: &mut Batch) {}
}

/// Writes contacts as this crate's JSON schema: an array, one contact per line, keys in a fixed
/// order, so that output is byte-identical on every target.
pub fn write(contacts: &[crate::Contact]) -> String {
    let mut out = String::from("[");
    for (i, contact) in contacts.iter().enumerate() {
        out.push_str(if i == 0 { "\n" } else { ",\n" });
        out.push_str(&serde_json::to_string(contact).expect("a Contact always serializes"));
    }
    out.push_str(if contacts.is_empty() { "]\n" } else { "\n]\n" });
    out
}

/// Writes contacts in CloudSponge's contacts JSON shape (`{"contacts":[{first_name, email:[...]}]}`),
/// so a page written against CloudSponge's callback can switch without rewriting it. STUB.
pub fn write_cloudsponge(_contacts: &[crate::Contact]) -> String {
    String::new()
}
