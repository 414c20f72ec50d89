//! The import pipeline: bytes in, a chunk at a time → character set → format → records →
//! normalized contacts, with progress, and a [`Problem`] for every record or value that could
//! not be used.
//!
//! ```text
//!   feed(chunk) ─► charset::StreamDecoder ─► detect::sniff (once) ─► RecordReader ─► normalize
//! ```
//!
//! Memory: the importer holds at most the current incomplete record (a vCard, a CSV row) of
//! the input, never the whole file, except for JSON and XML, which are buffered once and parsed
//! at the end (a provider answer is one document).
//!
//! Several inputs: [`Importer::next_input`] ends one input (as [`Importer::finish`] would) and
//! starts the next, into the same store, each with its own name, character set and format;
//! [`Importer::finish_list`] then merges across all of them. The result is exactly what reading
//! each input alone with merging off, then [`crate::merge`] of all their contacts, gives (the
//! command line's `normalize a.csv b.vcf`), without ever holding the contacts as values.

use crate::charset::StreamDecoder;
use crate::dedupe::{ContactList, Merging};
use crate::detect::{self, Format};
use crate::error::{Error, Problem};
use crate::model::{Contact, Provenance};
use crate::normalize::{self, NormalizeOptions};
use crate::record::{Batch, RecordReader};
use crate::store::{ContactStore, Stamp};

/// How many bytes to look at before deciding the character set and the format.
const SNIFF_BYTES: usize = 4096;

/// Import options. `Default` reads any format, with no default phone region, merging on.
#[derive(Debug, Clone)]
pub struct Options {
    /// Name of the input, used in `source`, ids and problem locations (`-` for stdin).
    pub source: String,
    /// Force a format instead of detecting it from the content.
    pub format: Option<Format>,
    /// Normalization settings (default phone region).
    pub normalize: NormalizeOptions,
    /// Merge records of the same person (on by default).
    pub merge: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            source: "-".into(),
            format: None,
            normalize: NormalizeOptions::default(),
            merge: true,
        }
    }
}

/// How far an import has come.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Progress {
    /// Bytes fed so far.
    pub bytes: u64,
    /// Records read so far.
    pub records: u64,
    /// Problems reported so far.
    pub problems: u64,
}

/// What an import produced.
#[derive(Debug, Default)]
pub struct Import {
    /// The format that was read, when one was recognized.
    pub format: Option<Format>,
    /// Normalized contacts (merged when the options asked for it).
    pub contacts: Vec<Contact>,
    /// Everything that could not be read or was rejected.
    pub problems: Vec<Problem>,
    /// Final progress figures.
    pub progress: Progress,
}

enum Stage {
    /// Collecting the first bytes to decide the character set and format.
    Sniffing(Vec<u8>),
    Reading {
        decoder: StreamDecoder,
        reader: Box<dyn RecordReader>,
        format: Format,
    },
    /// Nothing recognizable: the rest of the input is counted and dropped.
    Unknown,
}

/// What an import produced, with the contacts still compact: see [`ContactList`].
#[derive(Debug, Default)]
pub struct ImportList {
    /// The format that was read, when one was recognized.
    pub format: Option<Format>,
    /// Normalized contacts (merged when the options asked for it), decoded when read.
    pub contacts: ContactList,
    /// Everything that could not be read or was rejected.
    pub problems: Vec<Problem>,
    /// Final progress figures.
    pub progress: Progress,
}

impl ImportList {
    /// The same result with every contact decoded.
    pub fn into_import(self) -> Import {
        Import {
            format: self.format,
            contacts: self.contacts.into_vec(),
            problems: self.problems,
            progress: self.progress,
        }
    }
}

/// An import whose input has ended, its merge under way: see [`Importer::finish_in_steps`].
#[derive(Debug)]
pub struct Finishing {
    format: Option<Format>,
    /// The merge, or the plain list when merging is off.
    contacts: std::result::Result<Merging, ContactList>,
    problems: Vec<Problem>,
    progress: Progress,
}

impl Finishing {
    /// Does the merge's work of up to `records` more records ([`Merging::step`]); true once
    /// only [`Finishing::finish`] is left.
    pub fn step(&mut self, records: usize) -> bool {
        match &mut self.contacts {
            Ok(merging) => merging.step(records),
            Err(_) => true,
        }
    }

    /// How far the import came (the merge's own problems are added by [`Finishing::finish`]).
    pub fn progress(&self) -> Progress {
        self.progress
    }

    /// Does what is left and gives the result: what [`Importer::finish_list`] gives.
    pub fn finish(mut self) -> ImportList {
        let contacts = match self.contacts {
            Ok(merging) => merging.finish(),
            Err(plain) => plain,
        };
        self.problems.extend(contacts.problems());
        self.progress.problems = self.problems.len() as u64;
        ImportList {
            format: self.format,
            contacts,
            problems: self.problems,
            progress: self.progress,
        }
    }
}

/// Reads one input, or several one after another, incrementally. See the module
/// documentation.
pub struct Importer {
    options: Options,
    stage: Stage,
    decoded: Vec<u8>,
    batch: Batch,
    contacts: ContactStore,
    problems: Vec<Problem>,
    progress: Progress,
    /// The format of the first input that had a recognized one, once that input has ended.
    format: Option<Format>,
    /// Records and problems there were when the current input started.
    input_start: (u64, usize),
    /// The line of the last record stamped, and how many records before it started on that
    /// line: a JSON or XML document on one line holds every record on line 1.
    line_run: (u32, u32),
}

impl Importer {
    /// A new importer for one input.
    pub fn new(options: Options) -> Importer {
        Importer {
            options,
            stage: Stage::Sniffing(Vec::new()),
            decoded: Vec::new(),
            batch: Batch::default(),
            contacts: ContactStore::new(),
            problems: Vec::new(),
            progress: Progress::default(),
            format: None,
            input_start: (0, 0),
            line_run: (0, 0),
        }
    }

    /// Ends the current input and starts the next one, called `source` (its name in the
    /// contacts' `source`, ids and problem locations), into the same importer: the current
    /// input's reader is flushed (a record cut off at its end is reported as truncated, under
    /// its own name), and the next input's character set and format are detected anew from its
    /// own first bytes. Progress figures keep adding up over all inputs.
    pub fn next_input(&mut self, source: &str) {
        self.end_input();
        self.options.source = source.to_string();
        self.stage = Stage::Sniffing(Vec::new());
        self.input_start = (self.progress.records, self.problems.len());
        self.line_run = (0, 0);
    }

    /// Feeds the next chunk of the input.
    pub fn feed(&mut self, chunk: &[u8]) {
        self.progress.bytes += chunk.len() as u64;
        match &mut self.stage {
            Stage::Sniffing(head) => {
                head.extend_from_slice(chunk);
                if head.len() >= SNIFF_BYTES {
                    self.start_reading();
                }
            }
            Stage::Reading {
                decoder, reader, ..
            } => {
                self.decoded.clear();
                decoder.decode(chunk, &mut self.decoded);
                reader.feed(&self.decoded, &mut self.batch);
            }
            Stage::Unknown => {}
        }
        self.drain_batch();
    }

    /// How far the import has come.
    pub fn progress(&self) -> Progress {
        self.progress
    }

    /// The input has ended: returns the contacts (merged unless turned off) and problems.
    pub fn finish(self) -> Import {
        self.finish_list().into_import()
    }

    /// Like [`Importer::finish`], with the contacts left compact, to be read one at a time.
    pub fn finish_list(self) -> ImportList {
        self.finish_in_steps().finish()
    }

    /// Ends the input like [`Importer::finish_list`], leaving the merge to be done a slice at a
    /// time ([`Finishing::step`]).
    pub fn finish_in_steps(mut self) -> Finishing {
        self.end_input();
        let contacts = if self.options.merge {
            Ok(Merging::new(self.contacts))
        } else {
            Err(ContactList::plain(self.contacts))
        };
        Finishing {
            format: self.format,
            contacts,
            problems: self.problems,
            progress: self.progress,
        }
    }

    /// The current input has ended: flushes its reader, and reports it as empty when a format
    /// was recognized but it gave neither a record nor a problem. Further bytes (none are fed
    /// before [`Importer::next_input`]) would be counted and dropped.
    fn end_input(&mut self) {
        if let Stage::Sniffing(_) = self.stage {
            self.start_reading();
        }
        let mut format = None;
        if let Stage::Reading {
            decoder,
            reader,
            format: f,
        } = &mut self.stage
        {
            format = Some(*f);
            self.decoded.clear();
            decoder.finish(&mut self.decoded);
            reader.feed(&self.decoded, &mut self.batch);
            reader.finish(&mut self.batch);
        }
        self.stage = Stage::Unknown;
        self.drain_batch();
        let (records, problems) = self.input_start;
        if format.is_some() && self.progress.records == records && self.problems.len() == problems {
            self.problems
                .push(Problem::new(&self.options.source, 0, Error::Empty));
            self.progress.problems = self.problems.len() as u64;
        }
        self.format = self.format.or(format);
    }

    fn start_reading(&mut self) {
        let Stage::Sniffing(head) = std::mem::replace(&mut self.stage, Stage::Unknown) else {
            return;
        };
        if head.is_empty() {
            self.problems
                .push(Problem::new(&self.options.source, 0, Error::Empty));
            return;
        }
        let mut decoder = StreamDecoder::sniff(&head);
        let mut decoded = Vec::with_capacity(head.len());
        decoder.decode(&head, &mut decoded);
        let format = self
            .options
            .format
            .or_else(|| detect::sniff(&decoded, Some(&self.options.source)));
        let Some(format) = format else {
            let error = Error::UnknownFormat("not a vCard, CSV, JSON or XML contact file".into());
            self.problems
                .push(Problem::new(&self.options.source, 1, error));
            return;
        };
        let mut reader = reader_for(format);
        reader.feed(&decoded, &mut self.batch);
        self.stage = Stage::Reading {
            decoder,
            reader,
            format,
        };
    }

    fn drain_batch(&mut self) {
        let source = &self.options.source;
        let Batch {
            records,
            problems,
            spare,
        } = &mut self.batch;
        for (line, error) in problems.drain(..) {
            self.problems.push(Problem::new(source, line, error));
        }
        for record in records.drain(..) {
            self.progress.records += 1;
            let mut contact = record.contact;
            for error in normalize::contact(&mut contact, &self.options.normalize) {
                self.problems.push(Problem::new(source, record.line, error));
            }
            if contact.is_empty() {
                let error = Error::MalformedRecord("no name, organization, e-mail or phone".into());
                self.problems.push(Problem::new(source, record.line, error));
                spare.recycle(contact);
                continue;
            }
            let line = (record.line > 0).then_some(record.line);
            // The first record on a line keeps the id of its line; the next ones on the same
            // line (a one-line JSON array) are numbered, so that no two records share an id.
            let nth = if record.line > 0 && self.line_run.0 == record.line {
                self.line_run.1 + 1
            } else {
                0
            };
            self.line_run = (record.line, nth);
            let id = stamp_id_nth(&contact, source, line, nth);
            let stamp = Stamp {
                source,
                line,
                id: &id,
            };
            self.contacts.push_stamped(&contact, &stamp);
            spare.recycle(contact);
        }
        self.progress.problems = self.problems.len() as u64;
    }
}

/// A fresh reader for `format`.
fn reader_for(format: Format) -> Box<dyn RecordReader> {
    match format {
        Format::VCard => Box::new(crate::vcard::Reader::new()),
        Format::Csv => Box::new(crate::csv::Reader::new()),
        Format::Json => Box::new(crate::json::Reader::new()),
        Format::Xml => Box::new(crate::xml::Reader::new()),
    }
}

/// Gives a freshly read contact its source, provenance and stable id.
pub fn stamp(contact: &mut Contact, source: &str, line: Option<u32>) {
    contact.source = source.to_string();
    contact.sources = vec![Provenance {
        source: source.to_string(),
        source_id: contact.source_id.clone(),
        line,
    }];
    for email in &mut contact.emails {
        email.sources = vec![0];
    }
    for phone in &mut contact.phones {
        phone.sources = vec![0];
    }
    for address in &mut contact.addresses {
        address.sources = vec![0];
    }
    contact.id = stamp_id(contact, source, line);
}

/// The id of the `nth` record (0: the first) that starts on `line`: [`stamp_id`] for the first,
/// the line and the record's rank on it for the others.
fn stamp_id_nth(contact: &Contact, source: &str, line: Option<u32>, nth: u32) -> String {
    if nth == 0 || contact.source_id.is_some() {
        return stamp_id(contact, source, line);
    }
    let mut key = md5::Context::new();
    key.consume(source.as_bytes());
    key.consume(b"\0line\0");
    consume_decimal(&mut key, line.unwrap_or(0));
    key.consume(b"\0nth\0");
    consume_decimal(&mut key, nth);
    short_hex(&key.compute().0)
}

/// Feeds `value`'s decimal digits to `key`, without formatting a string.
fn consume_decimal(key: &mut md5::Context, value: u32) {
    let mut digits = [0u8; 10];
    let mut at = digits.len();
    let mut rest = value;
    loop {
        at -= 1;
        if let Some(digit) = digits.get_mut(at) {
            *digit = b'0' + (rest % 10) as u8;
        }
        rest /= 10;
        if rest == 0 || at == 0 {
            break;
        }
    }
    key.consume(digits.get(at..).unwrap_or(&[]));
}

/// The id [`stamp`] gives a record: a hash of its source and its source id, else its line,
/// else its content.
fn stamp_id(contact: &Contact, source: &str, line: Option<u32>) -> String {
    // The key is hashed in pieces rather than formatted first: the same bytes, no temporary
    // strings (this runs once per record).
    let mut key = md5::Context::new();
    key.consume(source.as_bytes());
    match (&contact.source_id, line) {
        (Some(id), _) => {
            key.consume(b"\0id\0");
            key.consume(id.as_bytes());
        }
        (None, Some(line)) => {
            key.consume(b"\0line\0");
            consume_decimal(&mut key, line);
        }
        (None, None) => {
            key.consume(b"\0content\0");
            key.consume(content_key(contact).as_bytes());
        }
    }
    short_hex(&key.compute().0)
}

/// The first 8 bytes of a digest as 16 lower-case hex digits.
fn short_hex(digest: &[u8; 16]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut id = String::with_capacity(16);
    for &byte in digest.iter().take(8) {
        id.push(char::from(HEX[usize::from(byte >> 4)]));
        id.push(char::from(HEX[usize::from(byte & 0xf)]));
    }
    id
}

/// A key for a record that has neither an id nor a line: its name and first e-mail and phone.
fn content_key(contact: &Contact) -> String {
    let name = contact.name.display.as_deref().unwrap_or("");
    let email = contact
        .emails
        .first()
        .map(|e| e.address.as_str())
        .unwrap_or("");
    let phone = contact
        .phones
        .first()
        .map(|p| p.number.as_str())
        .unwrap_or("");
    format!("{name}\u{0}{email}\u{0}{phone}")
}

/// Reads a whole input held in memory (a convenience over [`Importer`]).
pub fn import(bytes: &[u8], options: Options) -> Import {
    let mut importer = Importer::new(options);
    importer.feed(bytes);
    importer.finish()
}

/// Reads several inputs and, unless `merge` is off, merges the same person across them.
pub fn import_many<'a>(
    inputs: impl IntoIterator<Item = (&'a str, &'a [u8])>,
    options: &Options,
) -> Import {
    let mut all = Import::default();
    for (source, bytes) in inputs {
        let one = import(
            bytes,
            Options {
                source: source.to_string(),
                merge: false,
                ..options.clone()
            },
        );
        all.format = all.format.or(one.format);
        all.contacts.extend(one.contacts);
        all.problems.extend(one.problems);
        all.progress.bytes += one.progress.bytes;
        all.progress.records += one.progress.records;
        all.progress.problems += one.progress.problems;
    }
    if options.merge {
        all.contacts = crate::dedupe::merge(all.contacts);
    }
    all
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// Every contact of the test corpus, read with merging off.
    pub(crate) fn corpus_contacts() -> Vec<Contact> {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/corpus");
        let mut contacts = Vec::new();
        let mut dirs = vec![std::path::PathBuf::from(root)];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).expect("the test corpus, tests/corpus") {
                let path = entry.expect("a corpus entry").path();
                if path.is_dir() {
                    dirs.push(path);
                    continue;
                }
                let bytes = std::fs::read(&path).expect("a corpus file");
                let options = crate::Options {
                    source: path.display().to_string(),
                    merge: false,
                    ..crate::Options::default()
                };
                contacts.extend(crate::import(&bytes, options).contacts);
            }
        }
        contacts
    }

    #[cfg_attr(
        target_arch = "wasm32",
        ignore = "reads tests/corpus from disk, which wasm32-unknown-unknown cannot: the engine's parity test reads the same files in wasm"
    )]
    #[test]
    fn a_record_pushed_stamped_reads_back_as_stamped() {
        let mut contacts = corpus_contacts();
        assert!(contacts.len() > 300);
        // Items without provenance yet, and a record without a source id, as readers give them.
        for contact in contacts.iter_mut().step_by(3) {
            contact.sources.clear();
            contact.emails.iter_mut().for_each(|e| e.sources.clear());
            contact.source_id = None;
        }
        let mut store = ContactStore::new();
        let mut expected = Vec::new();
        for (index, contact) in contacts.iter().enumerate() {
            let line = (index % 4 != 0).then_some(index as u32 + 2);
            let source = if index % 2 == 0 { "a.csv" } else { "b.vcf" };
            let id = stamp_id(contact, source, line);
            store.push_stamped(
                contact,
                &Stamp {
                    source,
                    line,
                    id: &id,
                },
            );
            let mut stamped = contact.clone();
            stamp(&mut stamped, source, line);
            expected.push(stamped);
        }
        assert!(store.iter().eq(expected));
    }

    /// The id as it was first defined: md5 of a formatted key, first 16 hex digits.
    fn reference_id(
        source: &str,
        source_id: Option<&str>,
        line: Option<u32>,
        content: &str,
    ) -> String {
        let key = match (source_id, line) {
            (Some(id), _) => format!("{source}\u{0}id\u{0}{id}"),
            (None, Some(line)) => format!("{source}\u{0}line\u{0}{line}"),
            (None, None) => format!("{source}\u{0}content\u{0}{content}"),
        };
        format!("{:x}", md5::compute(key.as_bytes()))[..16].to_string()
    }

    #[test]
    fn records_on_one_line_get_distinct_ids_and_the_first_keeps_its_line_id() {
        let json = br#"[{"name":["Ada"],"email":["ada@example.org"]},{"name":["Bob"],"email":["bob@example.org"]},{"name":["Cy"],"tel":["+14155550134"]}]"#;
        let options = crate::Options {
            source: "device.json".into(),
            merge: false,
            ..crate::Options::default()
        };
        let contacts = crate::import(json, options).contacts;
        assert_eq!(contacts.len(), 3);
        let ids: std::collections::BTreeSet<&str> =
            contacts.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids.len(), 3, "{contacts:?}");
        assert_eq!(
            contacts[0].id,
            reference_id("device.json", None, Some(1), "")
        );
        let second = format!(
            "{:x}",
            md5::compute(b"device.json\x00line\x001\x00nth\x001")
        );
        assert_eq!(contacts[1].id, second[..16]);
    }

    #[test]
    fn ids_are_unchanged() {
        for line in [
            Some(0),
            Some(1),
            Some(9),
            Some(10),
            Some(4_294_967_295),
            Some(123_456),
            None,
        ] {
            for source_id in [None, Some("uid-1"), Some("é\u{0}")] {
                for source in ["-", "contacts.vcf", "名前.csv"] {
                    let mut contact = Contact {
                        source_id: source_id.map(str::to_string),
                        ..Contact::default()
                    };
                    contact.name.display = Some("Ada".into());
                    stamp(&mut contact, source, line);
                    let content = "Ada\u{0}\u{0}";
                    assert_eq!(contact.id, reference_id(source, source_id, line, content));
                }
            }
        }
        // Pinned, so that a change in both formulas is noticed too.
        let mut contact = Contact::default();
        stamp(&mut contact, "contacts.vcf", Some(3));
        assert_eq!(contact.id, "6347da3c9986484b");
        assert_eq!(contact.id.len(), 16);
    }
}
