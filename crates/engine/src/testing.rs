//! Exports for tests and benchmarks only, behind the `testing` feature (never in the shipped
//! module): `normalizeJson` (the native command's JSON for one file, which the parity test
//! compares between native and wasm), `memoryBytes` (the benchmark's peak), and `FileImport`
//! (one file's JSON read back a piece at a time, as the benchmark measures the core).

use wasm_bindgen::prelude::*;

/// Reads a contact file incrementally in the browser: `push` each chunk of a `File` stream,
/// `finish`, then read the normalized contacts (the core's JSON schema) with `nextJson`, a piece
/// of the JSON text at a time, or all at once with `finishJson`. The contacts stay compact in
/// wasm memory until then (see `contacts::ContactList`): a 100,000-contact file never needs its
/// JSON text, several times its size, held whole.
///
/// The text is ASCII: every non-ASCII character is a `\uXXXX` escape (`JSON.parse` gives the
/// same values as from the native command's UTF-8 text). A JS engine keeps an ASCII string
/// at one byte a character and decodes it from wasm memory about twice as fast (measured in
/// BENCHMARKS.md); one "é" in UTF-8 text makes the whole piece a two-byte string.
#[wasm_bindgen]
pub struct FileImport {
    importer: Option<contacts::Importer>,
    /// The result, once `finish` has consumed the importer.
    result: Option<contacts::ImportList>,
    /// How far `nextJson` has come: the next contact, and the text written but not returned.
    json: Option<(usize, contacts::json::JsonWriter)>,
}

/// About how many bytes of JSON text one `nextJson` call returns.
const JSON_PIECE: usize = 256 * 1024;

#[wasm_bindgen]
impl FileImport {
    /// Starts reading a file called `name`; `region` is the default phone region (`"US"`).
    #[wasm_bindgen(constructor)]
    pub fn new(name: &str, region: Option<String>, merge: Option<bool>) -> FileImport {
        let options = contacts::Options {
            source: name.to_string(),
            normalize: contacts::NormalizeOptions { region },
            merge: merge.unwrap_or(true),
            ..contacts::Options::default()
        };
        FileImport {
            importer: Some(contacts::Importer::new(options)),
            result: None,
            json: None,
        }
    }

    /// Feeds the next chunk of the file (ignored after `finish`).
    pub fn push(&mut self, chunk: &[u8]) {
        if let Some(importer) = &mut self.importer {
            importer.feed(chunk);
        }
    }

    /// Bytes and records read so far: `{bytes, records, problems}`.
    pub fn progress(&self) -> JsValue {
        let progress = match (&self.importer, &self.result) {
            (Some(importer), _) => importer.progress(),
            (None, Some(result)) => result.progress,
            (None, None) => contacts::Progress::default(),
        };
        serde_wasm_bindgen::to_value(&progress).unwrap_or(JsValue::NULL)
    }

    /// Ends the input (merging, unless turned off) and returns how many contacts there are.
    pub fn finish(&mut self) -> usize {
        if let Some(importer) = self.importer.take() {
            self.result = Some(importer.finish_list());
            self.json = Some((0, contacts::json::JsonWriter::ascii()));
        }
        self.result.as_ref().map_or(0, |r| r.contacts.len())
    }

    /// The next piece (about 256 KiB) of the result's JSON text, `undefined` once all of it has
    /// been returned. The pieces, joined, are exactly the text `finishJson` returns.
    #[wasm_bindgen(js_name = nextJson)]
    pub fn next_json(&mut self) -> Option<String> {
        self.finish();
        let list = &self.result.as_ref()?.contacts;
        let (next, writer) = self.json.as_mut()?;
        if writer.is_empty() && *next > list.len() {
            return None;
        }
        while writer.len() < JSON_PIECE && *next < list.len() {
            // A few contacts at a time, decoded into one reused value.
            let end = (*next + 64).min(list.len());
            list.for_each_in(*next..end, |contact| writer.push(contact));
            *next = end;
        }
        if *next == list.len() {
            writer.end();
            // Past the end: the next call, with nothing left to take, returns `undefined`.
            *next += 1;
        }
        Some(writer.take())
    }

    /// Ends the input and returns the whole result: the JSON text the native command prints,
    /// in ASCII (see above). Once the text has been read (here or with `nextJson`), it returns
    /// `"[]\n"`.
    #[wasm_bindgen(js_name = finishJson)]
    pub fn finish_json(&mut self) -> String {
        let mut text = String::new();
        while let Some(piece) = self.next_json() {
            text.push_str(&piece);
        }
        if text.is_empty() {
            text.push_str("[]\n");
        }
        text
    }
}

/// Normalizes a whole file held in memory and returns the core's JSON: the same function the
/// native command runs, used by the parity test.
#[wasm_bindgen(js_name = normalizeJson)]
pub fn normalize_json(name: &str, bytes: &[u8], region: Option<String>, merge: bool) -> String {
    let options = contacts::Options {
        source: name.to_string(),
        normalize: contacts::NormalizeOptions { region },
        merge,
        ..contacts::Options::default()
    };
    contacts::json::write(&contacts::import(bytes, options).contacts)
}

/// The size of this module's linear memory in bytes. Wasm memory never shrinks, so this is the
/// peak the module has needed so far (the benchmark reports it).
#[wasm_bindgen(js_name = memoryBytes)]
pub fn memory_bytes() -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        (core::arch::wasm32::memory_size(0) * 65536) as f64
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        0.0
    }
}
