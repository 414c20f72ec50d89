//! Fuzzes the vcard reader through the whole import pipeline (charset, reader, normalize, merge).
//! The first byte chooses a chunk size, so record boundaries split anywhere.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&split, input)) = data.split_first() else { return };
    let options = contacts::Options {
        source: "fuzz".into(),
        format: Some(contacts::Format::VCard),
        normalize: contacts::NormalizeOptions { region: Some("US".into()) },
        ..contacts::Options::default()
    };
    let mut importer = contacts::Importer::new(options);
    for chunk in input.chunks(usize::from(split).max(1)) {
        importer.feed(chunk);
    }
    let import = importer.finish();
    let _ = contacts::json::write(&import.contacts);
});
