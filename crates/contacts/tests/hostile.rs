//! Hostile shapes stay bounded (issue 9 item 5): a row of a million columns, and many rows
//! sharing one phone number, keep what one row, one record and one merged contact may hold,
//! report what was cut, and hold at most a small multiple of their input at the peak (counted
//! by a global allocator, after the phone metadata's one-time load, as `contacts-bench run`
//! counts). The shapes are `contacts-bench hostile`'s, full size there (BENCHMARKS.md).
#![cfg(not(target_arch = "wasm32"))]

use std::fmt::Write;
use std::sync::Mutex;

use contacts::{csv, json, Importer, Options, MAX_MERGED_RECORDS};

#[path = "support/counting.rs"]
mod counting;
// The generator of `contacts-bench hostile`: the same shapes (std only, no dependency).
#[allow(dead_code)]
#[path = "../../bench/src/hostile.rs"]
mod hostile;

/// The tests of this file run one at a time: the counts are process-wide.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// What an import of `input` gave, and the most heap bytes it held at once above what was
/// live when it started (the input itself is not counted).
struct Measured {
    problems: Vec<contacts::Problem>,
    sources: Vec<usize>,
    json_bytes: usize,
    peak: usize,
}

fn import_measured(name: &str, input: &[u8]) -> Measured {
    // The phone metadata is parsed once per process, on first use: not the import's cost.
    drop(contacts::import(
        b"Name,Phone\nA,+41 44 668 1800\n",
        Options::default(),
    ));
    let (peak, _, (import, json_bytes)) = counting::peak_of(|| {
        let mut importer = Importer::new(Options {
            source: name.into(),
            ..Options::default()
        });
        for chunk in input.chunks(64 * 1024) {
            importer.feed(chunk);
        }
        let import = importer.finish_list();
        let mut json_bytes = 0;
        json::write_list(&import.contacts, |piece| json_bytes += piece.len());
        (import, json_bytes)
    });
    let mut sources = Vec::new();
    import
        .contacts
        .for_each(|contact| sources.push(contact.sources.len()));
    Measured {
        problems: import.problems,
        sources,
        json_bytes,
        peak,
    }
}

#[test]
fn a_million_columns_keep_max_cells_a_row_and_little_memory() {
    let _one = ONE_AT_A_TIME.lock();
    let columns = 1_000_000;
    let input = hostile::wide(columns);
    let measured = import_measured("wide.csv", input.as_bytes());
    assert_eq!(measured.sources, vec![1, 1]);
    let cut: Vec<(u32, &str)> = measured.problems.iter().map(|p| (p.line, p.code)).collect();
    assert_eq!(cut, vec![(1, "too_many"), (2, "too_many"), (3, "too_many")]);
    let left_out = columns - csv::MAX_CELLS;
    assert!(measured.problems[2]
        .message
        .contains(&format!("the {left_out} after the first")));
    // What a row keeps is written out: its extra columns, bounded.
    assert!(
        measured.json_bytes < 100_000,
        "{} bytes",
        measured.json_bytes
    );
    assert!(
        measured.peak < 3 * input.len(),
        "peak {} for {} bytes of input",
        measured.peak,
        input.len()
    );
}

#[test]
fn rows_sharing_one_phone_make_bounded_contacts_and_little_memory() {
    let _one = ONE_AT_A_TIME.lock();
    let rows = 20_000;
    let input = hostile::shared_phone(rows);
    let measured = import_measured("shared-phone.csv", input.as_bytes());
    assert_eq!(measured.sources.len(), 1 + rows - MAX_MERGED_RECORDS);
    assert_eq!(measured.sources[0], MAX_MERGED_RECORDS);
    assert_eq!(measured.sources.iter().sum::<usize>(), rows);
    let cut: Vec<(u32, &str)> = measured.problems.iter().map(|p| (p.line, p.code)).collect();
    // The first row kept apart: the header is line 1, record n is on line n + 2.
    assert_eq!(cut, vec![(MAX_MERGED_RECORDS as u32 + 2, "too_many")]);
    // No more than an ordinary book of as many rows and bytes: different people, numbers of
    // their own. (Before the bound, the one merged contact of every row took three times that.)
    let mut ordinary = String::from("Name,Phone,Notes\n");
    for n in 0..rows {
        let _ = writeln!(ordinary, "Max Klein{n:<5},+49 30 {n:07},row {n}");
    }
    assert!(ordinary.len() >= input.len());
    let baseline = import_measured("ordinary.csv", ordinary.as_bytes());
    assert_eq!(baseline.sources.len(), rows);
    assert!(
        measured.peak <= baseline.peak + baseline.peak / 4,
        "peak {} for {} bytes of input; an ordinary book of as many rows: {}",
        measured.peak,
        input.len(),
        baseline.peak
    );
}
