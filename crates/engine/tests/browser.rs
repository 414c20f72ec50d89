//! The engine's file import in a real browser (headless Chromium through
//! wasm-bindgen-test-runner and this crate's `webdriver.json`): a file pushed in chunks of any
//! size, including chunks that split a UTF-8 or UTF-16 character, gives exactly the JSON of the
//! whole file at once, in ASCII: the text of `normalizeJson` (the native command's) with its
//! non-ASCII characters escaped; and the [`Engine`] gives the same book and the same chosen
//! contacts whatever the chunks. The same test runs natively in `cargo test`.

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use contact_picker_engine::{normalize_json, Engine, FileImport};
use contacts::json::escape_non_ascii;

/// Inputs embedded at compile time: a browser test cannot read files.
const INPUTS: [(&str, &[u8]); 4] = [
    (
        "nfd_accents_phones_merge.vcf",
        include_bytes!("parity/nfd_accents_phones_merge.vcf"),
    ),
    (
        "contact_picker_nfd.json",
        include_bytes!("parity/contact_picker_nfd.json"),
    ),
    (
        "utf-16_sample.vcf",
        include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/corpus/vcard/roundcube__utf-16_sample.vcf"
        )),
    ),
    (
        "John_Doe_ANDROID.vcf",
        include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/corpus/vcard/ezvcard__John_Doe_ANDROID.vcf"
        )),
    ),
];

fn import_in_chunks(name: &str, bytes: &[u8], chunk: usize) -> String {
    let mut import = FileImport::new(name, Some("US".to_string()), Some(true));
    for part in bytes.chunks(chunk) {
        import.push(part);
    }
    import.finish_json()
}

#[test]
fn a_file_pushed_in_chunks_gives_the_json_of_the_whole_file() {
    for (name, bytes) in INPUTS {
        let utf8 = normalize_json(name, bytes, Some("US".to_string()), true);
        assert_ne!(utf8, "[]\n", "{name} holds contacts");
        assert!(!utf8.is_ascii(), "{name} has accents to escape");
        let whole = escape_non_ascii(&utf8);
        for chunk in [1, 2, 3, 7, 64, 4096, 65536] {
            assert_eq!(
                import_in_chunks(name, bytes, chunk),
                whole,
                "{name} in chunks of {chunk} bytes"
            );
        }
    }
}

#[test]
fn finishing_twice_gives_an_empty_array_rather_than_a_panic() {
    let (name, bytes) = INPUTS[0];
    let mut import = FileImport::new(name, None, None);
    import.push(bytes);
    assert_ne!(import.finish_json(), "[]\n");
    import.push(bytes);
    assert_eq!(import.finish_json(), "[]\n");
}

#[test]
fn next_json_pieces_join_to_the_whole_text() {
    // Enough contacts for several 256 KiB pieces: the same file under many names, merged off.
    let (name, bytes) = INPUTS[0];
    let mut many = Vec::new();
    for _ in 0..400 {
        many.extend_from_slice(bytes);
        many.extend_from_slice(b"\r\n");
    }
    let whole = escape_non_ascii(&normalize_json(name, &many, None, false));
    let mut import = FileImport::new(name, None, Some(false));
    import.push(&many);
    let count = import.finish();
    assert!(count >= 400, "{count} contacts");
    let mut pieces = Vec::new();
    while let Some(piece) = import.next_json() {
        pieces.push(piece);
    }
    assert!(pieces.len() > 1, "{} pieces", pieces.len());
    assert_eq!(pieces.concat(), whole);
    assert_eq!(import.next_json(), None);
}

#[test]
fn the_engine_gives_the_same_book_and_json_whatever_the_chunks() {
    let whole = |chunk: usize| {
        let mut engine = Engine::with(Some("US".to_string()), true);
        for (name, bytes) in INPUTS {
            engine.begin_file(name);
            for part in bytes.chunks(chunk) {
                engine.push(part);
            }
        }
        let count = engine.finish();
        let all: Vec<u32> = (0..count as u32).collect();
        let json = engine.contacts_json(&all, &[]);
        (count, engine.pack(None), json)
    };
    let (count, book, json) = whole(1 << 20);
    assert!(count >= 8, "{count} contacts");
    assert_eq!(&book[..4], b"CPB2");
    assert!(json.is_ascii());
    for chunk in [1, 3, 64, 65536] {
        assert!(
            whole(chunk) == (count, book.clone(), json.clone()),
            "in chunks of {chunk} bytes"
        );
    }
}
