//! What the native and the wasm halves of the parity test share: the list of cases, where the
//! native outputs go, and the function both run.
//!
//! A case is one input file under one [`Config`]. Inputs are every file in the shared
//! corpus's `vcard/`, `csv/`, `xml/` and `security/` folders (`expected/` holds reference
//! outputs, not inputs) plus this crate's `tests/parity/` files, written for this test: NFD
//! and NFC spellings of accented names, national and international phone numbers that need a
//! default region, and records of the same person that must merge (vCard, W3C Contact Picker
//! JSON, Google CSV).
//!
//! The native half (`tests/parity_native.rs`) writes each case's JSON to
//! [`native_output_dir`] and a manifest of the cases; the wasm half (`tests/parity_wasm.rs`,
//! in Node) lists the inputs itself, checks the manifest names the same cases, recomputes each
//! one in wasm and compares bytes.

#![allow(dead_code)] // Each half uses its own part of this module.

/// The corpus folders whose files are inputs.
pub const CORPUS_FOLDERS: [&str; 4] = ["vcard", "csv", "xml", "security"];

/// The test corpus, `tests/corpus/` in the repository.
pub const CORPUS_ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/corpus");

/// This crate's own parity inputs.
pub const FIXTURES_ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/parity");

/// Where the native half writes its outputs: `<target>/tmp/parity/native`.
///
/// Cargo gives integration tests `CARGO_TARGET_TMPDIR`, which is `<target>/tmp` natively and
/// `<target>/wasm32-unknown-unknown/tmp` for wasm; the wasm half (run in Node on the same
/// machine) strips the target triple to find the native outputs.
pub fn native_output_dir() -> String {
    let tmp = env!("CARGO_TARGET_TMPDIR");
    let native_tmp = match tmp.strip_suffix("/wasm32-unknown-unknown/tmp") {
        Some(target) => format!("{target}/tmp"),
        None => tmp.to_string(),
    };
    format!("{native_tmp}/parity/native")
}

/// The manifest the native half writes: one case a line, `label<TAB>config<TAB>output`.
pub const MANIFEST: &str = "cases.tsv";

/// Fewer corpus inputs than this means the corpus was not found whole: fail, don't pass on
/// nothing.
pub const MIN_CORPUS_INPUTS: usize = 70;

/// Import settings a case runs under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    /// Short name, used in output file names.
    pub name: &'static str,
    /// Default phone region.
    pub region: Option<&'static str>,
    /// Merge records of the same person.
    pub merge: bool,
}

/// Every input runs under each of these: as read, and as the widget runs by default (a
/// region for national numbers, merging on).
pub const CONFIGS: [Config; 2] = [
    Config {
        name: "plain",
        region: None,
        merge: false,
    },
    Config {
        name: "us-merge",
        region: Some("US"),
        merge: true,
    },
];

/// One input under one configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    /// `folder/file`, relative to the corpus (or `parity/file` for this crate's inputs). It is
    /// also the source name given to the importer, so ids do not depend on where the
    /// checkout is.
    pub label: String,
    /// The file's full path.
    pub path: String,
    /// The settings.
    pub config: Config,
}

impl Case {
    /// The output's path relative to [`native_output_dir`].
    pub fn output_name(&self) -> String {
        format!("{}.{}.json", self.label, self.config.name)
    }

    /// The manifest line of this case.
    pub fn manifest_line(&self) -> String {
        format!(
            "{}\t{}\t{}",
            self.label,
            self.config.name,
            self.output_name()
        )
    }

    /// Runs the case: the same exported function natively and in wasm.
    pub fn run(&self, bytes: &[u8]) -> String {
        contact_picker_engine::normalize_json(
            &self.label,
            bytes,
            self.config.region.map(str::to_string),
            self.config.merge,
        )
    }
}

/// Every case, in a fixed order. `list_files(dir)` returns the names of the regular files in
/// `dir` (each half lists with its own file system API).
pub fn cases(list_files: impl Fn(&str) -> Vec<String>) -> Vec<Case> {
    let mut inputs = Vec::new();
    for folder in CORPUS_FOLDERS {
        let dir = format!("{CORPUS_ROOT}/{folder}");
        for name in list_files(&dir) {
            inputs.push((format!("{folder}/{name}"), format!("{dir}/{name}")));
        }
    }
    for name in list_files(FIXTURES_ROOT) {
        inputs.push((format!("parity/{name}"), format!("{FIXTURES_ROOT}/{name}")));
    }
    inputs.sort();
    let mut cases = Vec::new();
    for (label, path) in inputs {
        for config in CONFIGS {
            cases.push(Case {
                label: label.clone(),
                path: path.clone(),
                config,
            });
        }
    }
    cases
}

/// Where two outputs first differ, for a failure message that says where to look.
pub fn first_difference(native: &[u8], wasm: &[u8]) -> Option<String> {
    if native == wasm {
        return None;
    }
    let offset = native
        .iter()
        .zip(wasm)
        .position(|(a, b)| a != b)
        .unwrap_or(native.len().min(wasm.len()));
    let line = native.iter().take(offset).filter(|&&b| b == b'\n').count() + 1;
    let around = |bytes: &[u8]| {
        let start = offset.saturating_sub(60);
        let end = (offset + 60).min(bytes.len());
        String::from_utf8_lossy(bytes.get(start..end).unwrap_or_default()).into_owned()
    };
    Some(format!(
        "first difference at byte {offset} (line {line}); native {} bytes, wasm {} bytes\n  native: …{}…\n  wasm:   …{}…",
        native.len(),
        wasm.len(),
        around(native),
        around(wasm)
    ))
}
