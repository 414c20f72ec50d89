//! The wasm half of the parity test (see `support/parity.rs`), run in Node by
//! wasm-bindgen-test-runner: lists the inputs with Node's `fs`, checks that the native half's
//! manifest names exactly the same cases, recomputes every case in wasm and asserts that its
//! JSON is byte-identical to the native output. A missing native output is a failure: run
//! `cargo test -p contact-picker-engine --test parity_native` first (`scripts/test` does).

#![cfg(target_arch = "wasm32")]

#[path = "support/parity.rs"]
mod parity;

use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

use parity::MANIFEST;

// Node's file system module; wasm-bindgen-test-runner loads the test as a CommonJS module, so
// this becomes `require("fs")`.
#[wasm_bindgen(module = "fs")]
extern "C" {
    type Stats;

    #[wasm_bindgen(catch, js_name = readFileSync)]
    fn read_file_sync(path: &str) -> Result<Vec<u8>, JsValue>;

    #[wasm_bindgen(catch, js_name = readdirSync)]
    fn readdir_sync(path: &str) -> Result<js_sys::Array, JsValue>;

    #[wasm_bindgen(catch, js_name = statSync)]
    fn stat_sync(path: &str) -> Result<Stats, JsValue>;

    #[wasm_bindgen(method, js_name = isFile)]
    fn is_file(this: &Stats) -> bool;
}

fn read(path: &str) -> Vec<u8> {
    read_file_sync(path).unwrap_or_else(|e| panic!("cannot read {path}: {e:?}"))
}

fn list_files(dir: &str) -> Vec<String> {
    let entries = readdir_sync(dir).unwrap_or_else(|e| panic!("cannot list {dir}: {e:?}"));
    entries
        .iter()
        .filter_map(|name| name.as_string())
        .filter(|name| stat_sync(&format!("{dir}/{name}")).is_ok_and(|s| s.is_file()))
        .collect()
}

#[wasm_bindgen_test]
fn wasm_output_is_byte_identical_to_native_output_for_every_case() {
    let cases = parity::cases(list_files);
    let out_dir = parity::native_output_dir();
    let manifest_path = format!("{out_dir}/{MANIFEST}");
    let manifest = read_file_sync(&manifest_path).unwrap_or_else(|_| {
        panic!(
            "no native outputs at {manifest_path}: run the native half first \
             (cargo test -p contact-picker-engine --test parity_native)"
        )
    });
    let manifest = String::from_utf8(manifest).expect("the manifest is UTF-8");
    let expected: Vec<String> = cases.iter().map(|c| c.manifest_line()).collect();
    let listed: Vec<&str> = manifest.lines().collect();
    assert_eq!(
        listed, expected,
        "the native half ran other cases than wasm sees: re-run the native half"
    );
    assert!(
        cases.len() >= parity::MIN_CORPUS_INPUTS * parity::CONFIGS.len(),
        "only {} cases",
        cases.len()
    );

    let mut failures = Vec::new();
    let mut non_empty = 0;
    for case in &cases {
        let native = read(&format!("{out_dir}/{}", case.output_name()));
        let wasm = case.run(&read(&case.path));
        if wasm != "[]\n" {
            non_empty += 1;
        }
        if let Some(difference) = parity::first_difference(&native, wasm.as_bytes()) {
            failures.push(format!(
                "{} ({}): {difference}",
                case.label, case.config.name
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ between native and wasm; the first:\n{}",
        failures.len(),
        cases.len(),
        failures.first().map(String::as_str).unwrap_or_default()
    );
    // The native half asserts which inputs must give contacts; this only guards against both
    // halves agreeing on nothing at all.
    assert!(non_empty > 0, "every case gave `[]`: nothing was compared");
}
