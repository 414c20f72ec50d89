//! `contacts-bench`: the contact core's benchmark (see BENCHMARKS.md for figures and how to run
//! the whole comparison with `scripts/bench`).
//!
//! ```text
//! contacts-bench generate DIR [--count N] [--seed S]   # writes DIR/google.csv and DIR/contacts.vcf
//! contacts-bench run FILE... [--region CC] [--repeat N] # parse + normalize + merge, natively
//! contacts-bench hostile DIR                            # the hostile shapes of issue 9 (hostile.rs)
//! ```
//!
//! `run` prints one JSON line per file: contacts in, contacts out, seconds (best of `--repeat`),
//! contacts/s, MB/s, and peak heap bytes, measured with a counting global allocator in one more
//! run of the same job, untimed: counting costs three atomic read-modify-writes per allocation,
//! which the timed runs do not pay (the wasm and JS runners pay nothing to measure memory).

// The counting allocator, shared with the contact core's memory tests.
#[path = "../../contacts/tests/support/counting.rs"]
mod counting;
mod generate;
mod hostile;

use std::time::Instant;

use counting::peak_of;

/// The chunk size a browser `File` stream typically delivers.
const CHUNK: usize = 64 * 1024;

fn flag(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("generate") => {
            let Some(dir) = args.get(1) else {
                return usage();
            };
            let count = flag(&args, "--count")
                .and_then(|c| c.parse().ok())
                .unwrap_or(100_000);
            let seed = flag(&args, "--seed")
                .and_then(|c| c.parse().ok())
                .unwrap_or(42);
            let people = generate::people(count, seed);
            std::fs::create_dir_all(dir).expect("create the output directory");
            std::fs::write(format!("{dir}/google.csv"), generate::google_csv(&people))
                .expect("write google.csv");
            std::fs::write(format!("{dir}/contacts.vcf"), generate::vcard3(&people))
                .expect("write contacts.vcf");
            eprintln!("wrote {count} contacts to {dir}/google.csv and {dir}/contacts.vcf");
        }
        Some("hostile") => {
            let Some(dir) = args.get(1) else {
                return usage();
            };
            hostile::write_all(dir).expect("write the hostile files");
            eprintln!("wrote office.csv, family.csv, wide.csv, shared-phone.csv and switchboard.csv to {dir}");
        }
        Some("run") => {
            let region = flag(&args, "--region").or(Some("US".into()));
            let repeat: usize = flag(&args, "--repeat")
                .and_then(|c| c.parse().ok())
                .unwrap_or(3);
            let files: Vec<&String> = args[1..]
                .iter()
                .enumerate()
                .filter(|(i, a)| !a.starts_with("--") && (*i == 0 || !args[*i].starts_with("--")))
                .map(|(_, a)| a)
                .collect();
            let stages = args.iter().any(|a| a == "--stages");
            for file in files {
                if stages {
                    run_stages(file, region.clone());
                } else {
                    run(file, region.clone(), repeat);
                }
            }
        }
        _ => usage(),
    }
}

fn run(file: &str, region: Option<String>, repeat: usize) {
    let bytes = std::fs::read(file).expect("read the input file");
    // The phone metadata is parsed once per process, on first use, and then stays (as
    // libphonenumber-js's does in the JS runner, which loads it before measuring): load it
    // first, and report its size apart from the job's peak.
    let warm_up = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A\r\nTEL:+1 650 253 0000\r\nEND:VCARD\r\n";
    let (_, metadata_bytes, ()) =
        peak_of(|| drop(contacts::import(warm_up, contacts::Options::default())));
    let job = || {
        let options = contacts::Options {
            source: file.to_string(),
            normalize: contacts::NormalizeOptions {
                region: region.clone(),
            },
            ..contacts::Options::default()
        };
        let mut importer = contacts::Importer::new(options);
        for chunk in bytes.chunks(CHUNK) {
            importer.feed(chunk);
        }
        let import = importer.finish_list();
        // The JSON goes where a server would send it, a piece at a time: here, nowhere, but
        // every byte is produced (and counted, so that it cannot be optimized away).
        let mut json_bytes = 0usize;
        contacts::json::write_list(&import.contacts, |piece| json_bytes += piece.len());
        assert!(json_bytes > import.contacts.len(), "the JSON was written");
        (import.progress.records, import.contacts.len())
    };
    let mut best = f64::INFINITY;
    let (mut records, mut contacts) = (0u64, 0usize);
    for _ in 0..repeat.max(1) {
        let start = Instant::now();
        (records, contacts) = job();
        best = best.min(start.elapsed().as_secs_f64());
    }
    let (peak, _, _) = peak_of(job);
    let megabytes = bytes.len() as f64 / 1e6;
    println!(
        "{}",
        serde_json::json!({
            "runner": "native",
            "file": file,
            "input_bytes": bytes.len(),
            "records": records,
            "contacts_out": contacts,
            "seconds": best,
            "contacts_per_s": (records as f64 / best).round(),
            "mb_per_s": (megabytes / best * 100.0).round() / 100.0,
            "peak_heap_bytes": peak,
            "phone_metadata_bytes": metadata_bytes,
            "peak_over_input": (peak as f64 / bytes.len() as f64 * 100.0).round() / 100.0,
        })
    );
}

/// Times each stage once (after a warm-up run that pays the phone metadata load): read +
/// normalize without merging, grouping (the merge's links and possible duplicates), then
/// decoding, merging each group and writing JSON. Prints one JSON line per file, seconds per
/// stage.
fn run_stages(file: &str, region: Option<String>) {
    let bytes = std::fs::read(file).expect("read the input file");
    let options = contacts::Options {
        source: file.to_string(),
        normalize: contacts::NormalizeOptions { region },
        merge: false,
        ..contacts::Options::default()
    };
    drop(contacts::import(&bytes, options.clone()));
    let start = Instant::now();
    let mut importer = contacts::Importer::new(options);
    for chunk in bytes.chunks(CHUNK) {
        importer.feed(chunk);
    }
    let import = importer.finish_list();
    let read = start.elapsed().as_secs_f64();
    let store: contacts::ContactStore = import.contacts.iter().collect();
    // The same merge again, counted (untimed): its peak above the store it starts from.
    let counted: contacts::ContactStore = import.contacts.iter().collect();
    drop(import);
    let store_bytes = store.heap_bytes();
    let (merge_peak, _, _) = peak_of(|| contacts::ContactList::merged(counted));
    let start = Instant::now();
    let merged = contacts::ContactList::merged(store);
    let merge = start.elapsed().as_secs_f64();
    let start = Instant::now();
    let mut json_bytes = 0usize;
    contacts::json::write_list(&merged, |piece| json_bytes += piece.len());
    let write = start.elapsed().as_secs_f64();
    let start = Instant::now();
    drop(merged);
    let drop_all = start.elapsed().as_secs_f64();
    assert!(json_bytes > 0);
    println!(
        "{}",
        serde_json::json!({
            "file": file, "read_normalize_s": read, "merge_s": merge,
            "merge_and_json_s": write, "drop_s": drop_all,
            "store_bytes": store_bytes, "merge_extra_peak_bytes": merge_peak,
        })
    );
}

fn usage() {
    eprintln!("usage: contacts-bench generate DIR [--count N] [--seed S] | run FILE... [--region CC] [--repeat N] | hostile DIR");
    std::process::exit(2);
}
