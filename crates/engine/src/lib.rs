//! The import engine: the widget's second wasm module. It is loaded on the first import, in a
//! module Web Worker (or, when no worker can start, on the page in slices: `www/engine/`), and
//! does all the work of an import with the `contacts` core: files read a chunk at a time,
//! several files merged together exactly as `contact-picker normalize a.csv b.vcf` merges them,
//! problems counted and summarized, and the result packed into a [`picker::Book`] that the UI
//! module shows as it is.
//!
//! One [`Engine`] is one import. From JS:
//!
//! ```js
//! const engine = new Engine({ region: "US", merge: true });
//! engine.beginFile("google.csv");            // then push(chunk) for each chunk of it
//! engine.beginFile("phone.vcf");             // the next file of the same import
//! while (!engine.finishSome(20000)) { /* yield */ }  // merging, a slice at a time
//! const count = engine.finish();             // or all at once
//! while (!engine.packSome(2000)) { /* yield */ }
//! const names = engine.names().split("\n");  // sorted with Intl.Collator by the caller
//! const book = engine.pack(order);           // a picker::Book's bytes
//! engine.contactsJson(indexes, chosen);      // what the host receives
//! ```
//!
//! Everything here is plain Rust under thin wasm-bindgen wrappers: the native tests call the
//! same methods (those that take or give a `JsValue` have a Rust twin: [`Engine::with`],
//! [`Engine::summary_of`], [`Engine::problem_list`]).

use std::hash::{Hash, Hasher};

use contacts::{
    json::JsonWriter, Contact, Finishing, ImportList, Importer, MatchKind, Options, Problem,
    ProblemSummary, EXAMPLES_PER_KIND,
};
use picker::{BookBuilder, Duplicate, Entry, Merge, Reason};
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[cfg(feature = "testing")]
mod testing;
#[cfg(feature = "testing")]
pub use testing::{memory_bytes, normalize_json, FileImport};

/// How many ids [`Engine::pack_some`] hashes in the time of one entry, about (in Node, 100,000
/// contacts: 0.13 µs an id, 5–10 µs an entry; at 8 a call that finished the ids carried a size
/// fit for ids into the entries, 155 ms).
const IDS_PER_ENTRY: usize = 64;

/// The options of [`Engine::new`]: `{region?, merge?}`.
#[derive(Debug, Default)]
struct EngineOptions {
    /// Default phone region (ISO 3166, `"US"`).
    region: Option<String>,
    /// Merge records of the same person (default true).
    merge: Option<bool>,
}

impl EngineOptions {
    /// The options in `options`, read as `serde_wasm_bindgen::from_value` read them into a
    /// `#[serde(default)]` struct: `null` or `undefined` (or a missing key) for none, and
    /// `None` when `options` is not an object or a key holds a value of another type (the
    /// caller then takes the defaults for both). By hand because serde's error path for a JS
    /// number links core's float formatting, about 20 KB of the module (BENCHMARKS.md).
    fn of(options: &JsValue) -> Option<EngineOptions> {
        if options.is_undefined() || options.is_null() {
            return Some(EngineOptions::default());
        }
        if !options.is_object() {
            return None;
        }
        let get = |key: &str| js_sys::Reflect::get(options, &JsValue::from_str(key)).ok();
        let nullish = |value: &JsValue| value.is_undefined() || value.is_null();
        let region = get("region")?;
        let region = if nullish(&region) {
            None
        } else {
            Some(region.as_string()?)
        };
        let merge = get("merge")?;
        let merge = if nullish(&merge) {
            None
        } else {
            Some(merge.as_bool()?)
        };
        Some(EngineOptions { region, merge })
    }
}

/// One import: files in, a packed book and the chosen contacts' JSON out. See the crate
/// documentation for the order of calls.
#[wasm_bindgen]
pub struct Engine {
    region: Option<String>,
    merge: bool,
    /// While files are read.
    importer: Option<Importer>,
    /// While the contacts are merged, a slice at a time ([`Engine::finish_some`]).
    finishing: Option<Finishing>,
    /// Once [`Engine::finish`] has run.
    result: Option<ImportList>,
    /// The book being packed, and how many contacts are in it so far.
    builder: BookBuilder,
    packed: usize,
    /// Contact ids by hash (hash, position), to turn a possible duplicate's id into a
    /// position: built by the first calls of [`Engine::pack_some`], then sorted.
    ids: Vec<(u64, u32)>,
    ids_sorted: bool,
    /// The book packed by [`Engine::pack_kept`], until [`Engine::book_part`] has copied it.
    kept_book: Vec<u8>,
}

/// Bytes, records and problems so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Progress {
    /// Bytes pushed, over every file.
    pub bytes: u64,
    /// Records read.
    pub records: u64,
    /// Problems found.
    pub problems: u64,
}

/// One problem of [`Engine::problem_list`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProblemItem {
    /// The file's name.
    pub source: String,
    /// The 1-based line (0 when not known).
    pub line: u32,
    /// The kind's code.
    pub code: String,
    /// The message.
    pub message: String,
}

impl From<&Problem> for ProblemItem {
    fn from(problem: &Problem) -> ProblemItem {
        ProblemItem {
            source: problem.source.clone(),
            line: problem.line,
            code: problem.code.to_string(),
            message: problem.message.clone(),
        }
    }
}

#[wasm_bindgen]
impl Engine {
    /// `new Engine({region?, merge?})`: `region` is the default phone region for numbers
    /// written without a country code (ISO 3166, e.g. `"US"`); `merge` (default true) merges
    /// records of the same person, within and across files. Anything else is ignored.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Engine {
        let options = EngineOptions::of(&options).unwrap_or_default();
        Engine::with(options.region, options.merge.unwrap_or(true))
    }

    /// Starts the next file of this import, called `name` (its name in the contacts' sources,
    /// ids and problems). The previous file, if any, ends here: its last record is read, or
    /// reported as cut off. After [`Engine::finish`], this starts a new import.
    #[wasm_bindgen(js_name = beginFile)]
    pub fn begin_file(&mut self, name: &str) {
        if self.result.is_some() {
            *self = Engine::with(self.region.take(), self.merge);
        }
        match &mut self.importer {
            Some(importer) => importer.next_input(name),
            None => {
                self.importer = Some(Importer::new(Options {
                    source: name.to_string(),
                    normalize: contacts::NormalizeOptions {
                        region: self.region.clone(),
                    },
                    merge: self.merge,
                    ..Options::default()
                }))
            }
        }
    }

    /// Reads the next chunk of the current file (any size; 64 KiB is a good one). Ignored
    /// before [`Engine::begin_file`] and after [`Engine::finish`].
    pub fn push(&mut self, chunk: &[u8]) {
        if let Some(importer) = &mut self.importer {
            importer.feed(chunk);
        }
    }

    /// Ends the import: merges (unless turned off) and returns how many contacts there are.
    /// Again, it returns the same number.
    pub fn finish(&mut self) -> usize {
        while !self.finish_some(usize::MAX) {}
        self.count()
    }

    /// Ends the import a slice at a time: the merge's work of up to `records` more records
    /// (a record costs a few microseconds; size `records` from the time the last call took).
    /// True once the import is finished, as [`Engine::finish`] finishes it. For the page when
    /// there is no worker, where merging 100,000 contacts at once was one task of 130–260 ms.
    #[wasm_bindgen(js_name = finishSome)]
    pub fn finish_some(&mut self, records: usize) -> bool {
        if let Some(importer) = self.importer.take() {
            self.finishing = Some(importer.finish_in_steps());
        }
        let Some(finishing) = &mut self.finishing else {
            return true;
        };
        if !finishing.step(records) {
            return false;
        }
        if let Some(finishing) = self.finishing.take() {
            self.result = Some(finishing.finish());
            self.builder = BookBuilder::new();
            self.packed = 0;
            self.ids = Vec::new();
            self.ids_sorted = false;
        }
        true
    }

    /// How many contacts (0 before [`Engine::finish`]).
    pub fn count(&self) -> usize {
        self.result
            .as_ref()
            .map_or(0, |result| result.contacts.len())
    }

    /// The format of the first file whose format was recognized: `"vcard"`, `"csv"`, `"json"`,
    /// `"xml"`, or `undefined` (before [`Engine::finish`], or when none was).
    pub fn format(&self) -> Option<String> {
        let format = self.result.as_ref()?.format?;
        Some(
            match format {
                contacts::Format::VCard => "vcard",
                contacts::Format::Csv => "csv",
                contacts::Format::Json => "json",
                contacts::Format::Xml => "xml",
            }
            .to_string(),
        )
    }

    /// Packs up to `max` more contacts into the book (after [`Engine::finish`]); true once
    /// every contact is in. The first calls build the table that turns possible duplicates'
    /// ids into entry indexes (`64 × max` contacts a call). A slice of work for the page when
    /// there is no worker: size `max` from the time the last call took (a contact takes a few
    /// microseconds).
    #[wasm_bindgen(js_name = packSome)]
    pub fn pack_some(&mut self, max: usize) -> bool {
        let Engine {
            result,
            builder,
            packed,
            ids,
            ids_sorted,
            ..
        } = self;
        let Some(result) = result.as_ref() else {
            return true;
        };
        let list = &result.contacts;
        if !*ids_sorted {
            // First the table of ids, in slices too (an id costs a fraction of an entry).
            let from = ids.len();
            let to = from
                .saturating_add(max.saturating_mul(IDS_PER_ENTRY))
                .min(list.len());
            ids.extend((from..to).map(|position| (hash_of(list.id(position)), position as u32)));
            if to < list.len() {
                return false;
            }
            ids.sort_unstable();
            *ids_sorted = true;
            return list.is_empty();
        }
        let end = packed.saturating_add(max).min(list.len());
        list.for_each_in(*packed..end, |contact| {
            let index = builder.len() as u32;
            let entry = entry_of(contact, |id| {
                position_of(ids, list, id).filter(|&position| position != index)
            });
            let digits: Vec<&str> = contact.phones.iter().map(|p| p.raw.as_str()).collect();
            builder.push(&entry, &digits);
        });
        *packed = end;
        end >= list.len()
    }

    /// The entries' names, in entry order, one a line (`"\n"`-separated; a line break inside
    /// a name, which normalized text never has, would be a space): what the caller sorts with
    /// `Intl.Collator` to give [`Engine::pack`] its order. `start` and `count` (default: all)
    /// take a part, so that the page can fetch 100,000 names in slices. Packs what is left
    /// first.
    pub fn names(&mut self, start: Option<usize>, count: Option<usize>) -> String {
        while !self.pack_some(usize::MAX) {}
        let names = self.builder.names();
        let start = start.unwrap_or(0).min(names.len());
        let end = start
            .saturating_add(count.unwrap_or(usize::MAX))
            .min(names.len());
        let names = names.get(start..end).unwrap_or_default();
        let mut text = String::with_capacity(names.iter().map(|n| n.len() + 1).sum());
        for (index, name) in names.iter().enumerate() {
            if index > 0 {
                text.push('\n');
            }
            if name.contains(['\n', '\r']) {
                text.push_str(&name.replace(['\n', '\r'], " "));
            } else {
                text.push_str(name);
            }
        }
        text
    }

    /// The packed book (`picker::Book`'s bytes): packs what is left first. `order` is the
    /// entries' order by name (entry indexes, e.g. from sorting [`Engine::names`]); when it is
    /// missing or not a permutation of the entries, the book's own fallback order is used.
    /// The builder is spent: a second call packs again from the start.
    pub fn pack(&mut self, order: Option<Vec<u32>>) -> Vec<u8> {
        while !self.pack_some(usize::MAX) {}
        let builder = std::mem::take(&mut self.builder);
        self.packed = 0;
        builder.finish(order.as_deref())
    }

    /// [`Engine::pack`] in steps, for the page without a worker (where packing and copying
    /// 100,000 contacts' book out of the module at once was one task of about 50–100 ms):
    /// packs the book and keeps it here, returning its length; [`Engine::book_part`] then
    /// copies it out a part at a time.
    #[wasm_bindgen(js_name = packKept)]
    pub fn pack_kept(&mut self, order: Option<Vec<u32>>) -> usize {
        self.kept_book = self.pack(order);
        self.kept_book.len()
    }

    /// Up to `count` bytes of the book kept by [`Engine::pack_kept`], from `start` (empty past
    /// its end). The last part frees the book.
    #[wasm_bindgen(js_name = bookPart)]
    pub fn book_part(&mut self, start: usize, count: usize) -> Vec<u8> {
        let length = self.kept_book.len();
        let start = start.min(length);
        let end = start.saturating_add(count).min(length);
        let part = self.kept_book.get(start..end).unwrap_or_default().to_vec();
        if end >= length {
            self.kept_book = Vec::new();
        }
        part
    }

    /// Bytes, records and problems so far: `{bytes, records, problems}`.
    pub fn progress(&self) -> JsValue {
        to_js(&self.progress_of())
    }

    /// The problems by kind: `{total, kinds: [{code, count, examples: [{source, line,
    /// message}]}]}`, the most frequent kind first, with the first few problems of each.
    pub fn summary(&self) -> JsValue {
        to_js(&self.summary_of())
    }

    /// `count` problems from the `start`th, in the order they were found: `[{source, line,
    /// code, message}]` (fewer, or none, past the end).
    pub fn problems(&self, start: usize, count: usize) -> JsValue {
        to_js(&self.problem_list(start, count))
    }

    /// The contacts at `indexes` (entry indexes in the book) as JSON text in this project's
    /// schema (ASCII: non-ASCII characters as `\uXXXX`; one contact a line), each with
    /// `chosen_email` last: the address at `chosen[i]` in the entry's e-mails (primary first;
    /// missing or out of range: the first). Contacts without e-mail have no `chosen_email`.
    /// Indexes out of range are skipped.
    #[wasm_bindgen(js_name = contactsJson)]
    pub fn contacts_json(&self, indexes: &[u32], chosen: &[u32]) -> String {
        let mut writer = JsonWriter::ascii();
        self.each_chosen(indexes, chosen, |contact, address| {
            writer.push_with_chosen_email(contact, address);
        });
        writer.end();
        writer.take()
    }

    /// The same contacts in CloudSponge's contacts JSON (`{"contacts": [...], "start",
    /// "count", "total"}`), for pages written against CloudSponge's callback; the chosen
    /// address is moved first in each contact's `email`.
    #[wasm_bindgen(js_name = cloudspongeJson)]
    pub fn cloudsponge_json(&self, indexes: &[u32], chosen: &[u32]) -> String {
        let mut picked = Vec::with_capacity(indexes.len());
        self.each_chosen(indexes, chosen, |contact, address| {
            let mut contact = contact.clone();
            if let Some(at) =
                address.and_then(|a| contact.emails.iter().position(|e| e.address == a))
            {
                let email = contact.emails.remove(at);
                contact.emails.insert(0, email);
            }
            picked.push(contact);
        });
        contacts::json::write_cloudsponge(&picked)
    }
}

impl Engine {
    /// A new import (the Rust side of [`Engine::new`]).
    pub fn with(region: Option<String>, merge: bool) -> Engine {
        Engine {
            region,
            merge,
            importer: None,
            finishing: None,
            result: None,
            builder: BookBuilder::new(),
            packed: 0,
            ids: Vec::new(),
            ids_sorted: false,
            kept_book: Vec::new(),
        }
    }

    /// Bytes, records and problems so far.
    pub fn progress_of(&self) -> Progress {
        let progress = match (&self.importer, &self.finishing, &self.result) {
            (Some(importer), _, _) => importer.progress(),
            (None, Some(finishing), _) => finishing.progress(),
            (None, None, Some(result)) => result.progress,
            (None, None, None) => contacts::Progress::default(),
        };
        Progress {
            bytes: progress.bytes,
            records: progress.records,
            problems: progress.problems,
        }
    }

    /// The problems by kind (see [`Engine::summary`]): the same summary the command line
    /// prints on a terminal.
    pub fn summary_of(&self) -> ProblemSummary {
        ProblemSummary::of(self.all_problems(), EXAMPLES_PER_KIND)
    }

    /// Problems `start..start + count` (see [`Engine::problems`]).
    pub fn problem_list(&self, start: usize, count: usize) -> Vec<ProblemItem> {
        self.all_problems()
            .iter()
            .skip(start)
            .take(count)
            .map(ProblemItem::from)
            .collect()
    }

    fn all_problems(&self) -> &[Problem] {
        self.result
            .as_ref()
            .map_or(&[], |result| result.problems.as_slice())
    }

    /// Calls `f` with each contact at `indexes` and its chosen address.
    fn each_chosen(
        &self,
        indexes: &[u32],
        chosen: &[u32],
        mut f: impl FnMut(&Contact, Option<&str>),
    ) {
        let Some(result) = &self.result else {
            return;
        };
        let list = &result.contacts;
        for (i, &index) in indexes.iter().enumerate() {
            let index = index as usize;
            if index >= list.len() {
                continue;
            }
            let contact = list.get(index);
            let emails = emails_in_entry_order(&contact);
            let at = chosen.get(i).map_or(0, |&at| at as usize);
            let address = emails.get(at).or(emails.first()).map(|e| e.to_string());
            f(&contact, address.as_deref());
        }
    }
}

fn to_js<T: Serialize>(value: &T) -> JsValue {
    // Maps as plain objects, never `Map`s, so the worker can post them as they are.
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    value.serialize(&serializer).unwrap_or(JsValue::NULL)
}

/// A contact's e-mail addresses as the picker lists them: the primary one first, then the
/// others in order.
pub fn emails_in_entry_order(contact: &Contact) -> Vec<&str> {
    let primary = contact.emails.iter().filter(|e| e.primary);
    let others = contact.emails.iter().filter(|e| !e.primary);
    primary.chain(others).map(|e| e.address.as_str()).collect()
}

/// What the picker shows of a contact. `position_of` turns a possible duplicate's id into the
/// other entry's index (`None` drops the note).
pub fn entry_of(contact: &Contact, mut position_of: impl FnMut(&str) -> Option<u32>) -> Entry {
    let emails: Vec<String> = emails_in_entry_order(contact)
        .into_iter()
        .map(str::to_string)
        .collect();
    let phones: Vec<String> = contact.phones.iter().map(|p| p.number.clone()).collect();
    let name = [
        contact.name.display.as_deref(),
        contact.organization.as_deref(),
        emails.first().map(String::as_str),
        phones.first().map(String::as_str),
    ]
    .into_iter()
    .flatten()
    .find(|text| !text.is_empty())
    .unwrap_or_default()
    .to_string();
    let merges = contact
        .merges
        .iter()
        .map(|note| {
            let provenance = contact.sources.get(note.source);
            Merge {
                source: provenance.map(|p| p.source.clone()).unwrap_or_default(),
                line: provenance.and_then(|p| p.line),
                reason: reason_of(note.reason),
                value: note.value.clone(),
            }
        })
        .collect();
    let duplicates = contact
        .possible_duplicates
        .iter()
        .filter_map(|note| {
            Some(Duplicate {
                entry: position_of(&note.id)?,
                reason: reason_of(note.reason),
                value: note.value.clone(),
            })
        })
        .collect();
    Entry {
        name,
        emails,
        phones,
        organization: contact.organization.clone(),
        merges,
        duplicates,
    }
}

fn reason_of(kind: MatchKind) -> Reason {
    match kind {
        MatchKind::Email => Reason::Email,
        MatchKind::Phone => Reason::Phone,
        MatchKind::Name => Reason::Name,
    }
}

fn hash_of(id: &str) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    id.hash(&mut hasher);
    hasher.finish()
}

/// The position of the contact whose id is `id` (the first, should two share it).
fn position_of(table: &[(u64, u32)], list: &contacts::ContactList, id: &str) -> Option<u32> {
    let hash = hash_of(id);
    let from = table.partition_point(|&(h, _)| h < hash);
    table
        .get(from..)?
        .iter()
        .take_while(|&&(h, _)| h == hash)
        .map(|&(_, position)| position)
        .find(|&position| list.id(position as usize) == id)
}

#[cfg(all(test, target_arch = "wasm32"))]
mod tests {
    use super::*;
    use js_sys::{Array, Object, Reflect};
    use wasm_bindgen_test::wasm_bindgen_test as test;

    wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

    /// What the options were read with before: serde_wasm_bindgen into a derived struct.
    #[derive(Debug, Default, serde::Deserialize)]
    #[serde(default)]
    struct Derived {
        region: Option<String>,
        merge: Option<bool>,
    }

    fn object(pairs: &[(&str, JsValue)]) -> JsValue {
        let object = Object::new();
        for (key, value) in pairs {
            Reflect::set(&object, &JsValue::from_str(key), value).unwrap();
        }
        object.into()
    }

    #[test]
    fn options_read_as_serde_wasm_bindgen_read_them() {
        let values = [
            JsValue::from_str("CH"),
            JsValue::from_str(""),
            JsValue::TRUE,
            JsValue::FALSE,
            JsValue::NULL,
            JsValue::UNDEFINED,
            JsValue::from_f64(1.5),
            Array::new().into(),
            Object::new().into(),
        ];
        let mut cases = vec![
            JsValue::UNDEFINED,
            JsValue::NULL,
            JsValue::from_str("US"),
            JsValue::from_f64(3.0),
            JsValue::TRUE,
            Array::of1(&JsValue::from_str("US")).into(),
            Object::new().into(),
            object(&[("other", JsValue::from_str("x"))]),
        ];
        for region in &values {
            for merge in &values {
                cases.push(object(&[
                    ("region", region.clone()),
                    ("merge", merge.clone()),
                ]));
            }
            cases.push(object(&[("region", region.clone())]));
            cases.push(object(&[("merge", region.clone())]));
        }
        // A key inherited from the prototype counts, as it did.
        let proto: Object = object(&[("region", JsValue::from_str("FR"))]).unchecked_into();
        let heir: JsValue = Object::create(&proto).into();
        cases.push(heir);
        for case in cases {
            let ours = EngineOptions::of(&case).unwrap_or_default();
            let theirs: Derived = if case.is_undefined() || case.is_null() {
                Derived::default()
            } else {
                serde_wasm_bindgen::from_value(case.clone()).unwrap_or_default()
            };
            assert_eq!(
                (ours.region, ours.merge),
                (theirs.region, theirs.merge),
                "{case:?}"
            );
        }
    }
}
