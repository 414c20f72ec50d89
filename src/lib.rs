//! The browser shell: wasm-bindgen exports over the pure `contacts` crate. Business rules live
//! in `crates/`; this crate only moves bytes and values across the JS boundary.

use wasm_bindgen::prelude::*;

/// Reads a contact file incrementally in the browser: `push` each chunk of a `File` stream,
/// then `finish` for the normalized contacts (the core's JSON schema) and the problems.
#[wasm_bindgen]
pub struct FileImport {
    importer: Option<contacts::Importer>,
    /// The final figures, kept once `finishJson` has consumed the importer.
    finished: Option<contacts::Progress>,
}

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
            finished: None,
        }
    }

    /// Feeds the next chunk of the file.
    pub fn push(&mut self, chunk: &[u8]) {
        if let Some(importer) = &mut self.importer {
            importer.feed(chunk);
        }
    }

    /// Bytes and records read so far: `{bytes, records, problems}`.
    pub fn progress(&self) -> JsValue {
        let progress = self
            .importer
            .as_ref()
            .map(|i| i.progress())
            .or(self.finished)
            .unwrap_or_default();
        serde_wasm_bindgen::to_value(&progress).unwrap_or(JsValue::NULL)
    }

    /// Ends the input and returns the result as the same JSON text the native command prints.
    #[wasm_bindgen(js_name = finishJson)]
    pub fn finish_json(&mut self) -> String {
        match self.importer.take() {
            Some(importer) => {
                let import = importer.finish();
                self.finished = Some(import.progress);
                contacts::json::write(&import.contacts)
            }
            None => "[]\n".to_string(),
        }
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
