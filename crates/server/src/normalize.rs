//! `contact-picker normalize FILE... [--region CC] [--to FORMAT] [--no-merge] [--problems FILE]`.
//!
//! The fast path the benchmark measures: every input is streamed through one
//! [`contacts::Importer`] in 64 KiB chunks (never held whole; [`Importer::next_input`] starts
//! each next file, which is detected on its own), into its compact store; the contacts of all
//! inputs are merged together (unless `--no-merge`) and written to stdout a piece at a time,
//! decoded one contact at a time, so the whole output is never held either.
//!
//! Problems are reported as [`crate::report`] says (a summary on a terminal, every one as
//! `source:line: message` elsewhere, all of them as JSON lines with `--problems FILE`); line 0
//! when the place is not known, e.g. an input that cannot be opened. Without `--region`, the
//! default phone region comes from the locale, and a note on stderr says which.
//!
//! Exit status: 0 when at least one contact was read (problems alone are not a failure: a
//! contact file with a few bad records is normal); 1 when no contact could be read from any
//! input and at least one input had a problem or could not be opened, or when stdout could not
//! be written; 2 on a usage error. The output is written in every case (`[]` when empty), so a
//! pipeline always receives valid JSON.

use std::fs::File;
use std::io::{self, BufWriter, ErrorKind, IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::ValueEnum;
use contacts::{ContactList, Error, Importer, NormalizeOptions, Options, Problem};

use crate::report;

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
    /// Also write every problem to FILE, one JSON object a line.
    #[arg(long, value_name = "FILE")]
    problems: Option<PathBuf>,
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
    let stderr = io::stderr();
    let region = report::default_region(args.region.clone(), &mut stderr.lock());
    let mut importer: Option<Importer> = None;
    let mut unreadable: Vec<Problem> = Vec::new();
    for file in &args.files {
        let mut input = match open(file) {
            Ok(input) => input,
            Err(error) => {
                unreadable.push(cannot_read(file, &error));
                continue;
            }
        };
        let importer = match &mut importer {
            Some(importer) => {
                importer.next_input(file);
                importer
            }
            None => importer.insert(Importer::new(Options {
                source: file.clone(),
                normalize: NormalizeOptions {
                    region: region.clone(),
                },
                merge: !args.no_merge,
                ..Options::default()
            })),
        };
        // What was read before a read error is kept: the importer reports a cut-off record.
        if let Err(error) = feed_all(&mut *input, importer) {
            unreadable.push(cannot_read(file, &error));
        }
    }
    let (contacts, mut problems) = match importer.map(Importer::finish_list) {
        Some(import) => (import.contacts, import.problems),
        None => (ContactList::default(), Vec::new()),
    };
    problems.extend(unreadable);
    report::report_problems(
        &problems,
        args.problems.as_deref(),
        stderr.is_terminal(),
        &mut stderr.lock(),
    )?;
    write(&contacts, args.to).context("writing the output")?;
    if contacts.is_empty() && !problems.is_empty() {
        Ok(ExitCode::FAILURE)
    } else {
        Ok(ExitCode::SUCCESS)
    }
}

/// Opens an input (`-` is stdin).
fn open(file: &str) -> io::Result<Box<dyn Read>> {
    if file == "-" {
        Ok(Box::new(io::stdin().lock()))
    } else {
        File::open(file).map(|f| Box::new(f) as Box<dyn Read>)
    }
}

/// The problem of an input that could not be opened or read to its end.
fn cannot_read(file: &str, error: &io::Error) -> Problem {
    let message = format!("cannot read: {error}");
    Problem {
        source: file.to_string(),
        line: 0,
        code: "source",
        message: message.clone(),
        error: Error::Source {
            code: None,
            message,
        },
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

/// Writes `contacts` in `format` to stdout, a piece at a time.
fn write(contacts: &ContactList, format: OutputFormat) -> io::Result<()> {
    let mut out = BufWriter::new(io::stdout().lock());
    let mut failed: Option<io::Error> = None;
    let sink = |piece: &str| {
        if failed.is_none() {
            failed = out.write_all(piece.as_bytes()).err();
        }
    };
    match format {
        OutputFormat::Json => contacts::json::write_list(contacts, sink),
        OutputFormat::Csv => contacts::csv::write_to(contacts, sink),
        OutputFormat::ConstantContact => contacts::csv::write_constant_contact_to(contacts, sink),
        OutputFormat::Vcard => {
            contacts::vcard::write_to(contacts, contacts::vcard::Version::V4, sink)
        }
        OutputFormat::Vcard3 => {
            contacts::vcard::write_to(contacts, contacts::vcard::Version::V3, sink)
        }
        OutputFormat::Cloudsponge => contacts::json::write_cloudsponge_to(contacts, sink),
    }
    match failed {
        Some(error) => Err(error),
        None => out.flush(),
    }
}
