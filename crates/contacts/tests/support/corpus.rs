//! Test support shared by the corpus tests of this crate: where the shared corpus is, reading a
//! file of it, listing a folder of it, and feeding a reader in chunks. Included with
//! `#[path = "support/corpus.rs"] mod support;` (each file in `tests/` is its own crate, so
//! a test uses only part of this).
#![allow(dead_code)]

use contacts::{Batch, RecordReader};

/// The test corpus, `tests/corpus/` in the repository.
pub const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/corpus");

/// The bytes of `path`, relative to the corpus (`"vcard/calcard__001.vcf"`).
pub fn corpus(path: &str) -> Vec<u8> {
    let full = format!("{CORPUS}/{path}");
    std::fs::read(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

/// Every file of the corpus folders `dirs` whose name ends with `extension`, as
/// (`dir/name`, bytes), sorted by path.
pub fn corpus_files(dirs: &[&str], extension: &str) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    for dir in dirs {
        let entries = std::fs::read_dir(format!("{CORPUS}/{dir}")).expect("corpus directory");
        for entry in entries {
            let name = entry
                .expect("directory entry")
                .file_name()
                .to_string_lossy()
                .into_owned();
            if name.ends_with(extension) {
                let path = format!("{dir}/{name}");
                files.push((path.clone(), corpus(&path)));
            }
        }
    }
    files.sort();
    files
}

/// Reads `bytes` through `reader` in chunks of `chunk` bytes (0: all at once).
pub fn read_chunked(mut reader: impl RecordReader, bytes: &[u8], chunk: usize) -> Batch {
    let mut batch = Batch::default();
    if chunk == 0 {
        reader.feed(bytes, &mut batch);
    } else {
        for piece in bytes.chunks(chunk) {
            reader.feed(piece, &mut batch);
        }
    }
    reader.finish(&mut batch);
    batch
}
