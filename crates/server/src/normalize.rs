//! `contact-picker normalize FILE... [--region CC] [--to FORMAT] [--no-merge]`.
//!
//! Each input is streamed through [`contacts::Importer`] in 64 KiB chunks (never held whole),
//! with merging off per file; the contacts of all inputs are then merged together (unless
//! `--no-merge`) and written to stdout. Every problem goes to stderr as `source:line: message`
//! (line 0 when the place is not known, e.g. an input that cannot be opened).
//!
//! Exit status: 0 when at least one contact was read (problems alone are not a failure: a
//! contact file with a few bad records is normal); 1 when no contact could be read from any
//! input and at least one input had a problem or could not be opened, or when stdout could not
//! be written; 2 on a usage error. The output is written in every case (`[]` when empty), so a
//! pipeline always receives valid JSON.

use std::fs::File;
use std::io::{self, ErrorKind, Read, Write};
use std::process::ExitCode;

use anyhow::Context;
use clap::ValueEnum;
use contacts::{Contact, Importer, NormalizeOptions, Options, Problem};

/// Bytes read from an input at a time.
const CHUNK_BYTES: usize = 64 * 1024;

/// Arguments of `normalize`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Contact files to read (vCard, CSV, JSON, XML; detected from the content). `-` reads stdin.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<String>,
    /// Default region (ISO 3166 two-letter code) for phone numbers written without a country code.
    #[arg(long, value_name = "CC")]
    region: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Json)]
    to: OutputFormat,
    /// Keep every record as read: do not merge records of the same person.
    #[arg(long)]
    no_merge: bool,
}

/// What `--to` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum OutputFormat {
    /// This project's JSON schema (crates/contacts/schema/contact.schema.json).
    Json,
    /// CSV with a header row.
    Csv,
    /// Constant Contact's CSV layout, one row per e-mail address.
    ConstantContact,
    /// vCard 4.0 (RFC 6350).
    Vcard,
    /// vCard 3.0 (RFC 2426).
    Vcard3,
    /// CloudSponge's contacts JSON shape.
    Cloudsponge,
}

/// Runs `normalize`; see the module documentation for the exit status.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let normalize = NormalizeOptions {
        region: args.region.clone(),
    };
    let mut all: Vec<Contact> = Vec::new();
    let mut problem_count = 0usize;
    let stderr = io::stderr();
    for file in &args.files {
        let outcome = read_one(file, &normalize);
        let mut err = stderr.lock();
        // A closed stderr must not stop the output; there is nowhere left to report it.
        for problem in &outcome.problems {
            let _ = writeln!(err, "{problem}");
        }
        if let Some(error) = &outcome.unreadable {
            let _ = writeln!(err, "{file}:0: cannot read: {error}");
        }
        problem_count += outcome.problems.len() + usize::from(outcome.unreadable.is_some());
        all.extend(outcome.contacts);
    }
    if !args.no_merge {
        all = contacts::merge(all);
    }
    let text = write(&all, args.to);
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .context("writing the output")?;
    if all.is_empty() && problem_count > 0 {
        Ok(ExitCode::FAILURE)
    } else {
        Ok(ExitCode::SUCCESS)
    }
}

/// What reading one input gave.
struct Outcome {
    contacts: Vec<Contact>,
    problems: Vec<Problem>,
    /// The input could not be opened, or reading it failed part-way (what was read is kept).
    unreadable: Option<io::Error>,
}

/// Streams one input (`-` is stdin) through an importer with merging off.
fn read_one(file: &str, normalize: &NormalizeOptions) -> Outcome {
    let options = Options {
        source: file.to_string(),
        normalize: normalize.clone(),
        merge: false,
        ..Options::default()
    };
    let opened: io::Result<Box<dyn Read>> = if file == "-" {
        Ok(Box::new(io::stdin().lock()))
    } else {
        File::open(file).map(|f| Box::new(f) as Box<dyn Read>)
    };
    let mut input = match opened {
        Ok(input) => input,
        Err(error) => {
            return Outcome {
                contacts: Vec::new(),
                problems: Vec::new(),
                unreadable: Some(error),
            }
        }
    };
    let mut importer = Importer::new(options);
    let unreadable = feed_all(&mut *input, &mut importer).err();
    // What was read before a read error is kept: the importer reports a cut-off record.
    let import = importer.finish();
    Outcome {
        contacts: import.contacts,
        problems: import.problems,
        unreadable,
    }
}

/// Feeds `input` to `importer` a chunk at a time.
fn feed_all(input: &mut dyn Read, importer: &mut Importer) -> io::Result<()> {
    let mut buffer = vec![0u8; CHUNK_BYTES];
    loop {
        match input.read(&mut buffer) {
            Ok(0) => return Ok(()),
            Ok(n) => importer.feed(buffer.get(..n).unwrap_or_default()),
            Err(error) if error.kind() == ErrorKind::Interrupted => continue,
            Err(error) => return Err(error),
        }
    }
}

/// Writes `contacts` in `format`.
fn write(contacts: &[Contact], format: OutputFormat) -> String {
    match format {
        OutputFormat::Json => contacts::json::write(contacts),
        OutputFormat::Csv => contacts::csv::write(contacts),
        OutputFormat::ConstantContact => contacts::csv::write_constant_contact(contacts),
        OutputFormat::Vcard => contacts::vcard::write(contacts, contacts::vcard::Version::V4),
        OutputFormat::Vcard3 => contacts::vcard::write(contacts, contacts::vcard::Version::V3),
        OutputFormat::Cloudsponge => contacts::json::write_cloudsponge(contacts),
    }
}
