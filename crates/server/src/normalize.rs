//! `contact-picker normalize FILE... [--region CC] [--to FORMAT] [--no-merge]`.
//!
//! Every input is streamed through one [`contacts::Importer`] in 64 KiB chunks (never held
//! whole), where the contacts wait compactly; those of all inputs are then merged together
//! (unless `--no-merge`) and written to stdout, JSON a piece at a time. Every problem goes to stderr as `source:line: message`
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
use contacts::{Contact, ContactList, Importer, NormalizeOptions, Options, Problem};

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
    // One importer for every input, as the widget's engine does: the contacts wait compactly
    // in its store (never as one `Contact` value each) and are merged across files at the end.
    let mut importer: Option<Importer> = None;
    // Inputs that could not be read, with how many problems came before, so that stderr keeps
    // the order in which things happened.
    let mut unreadable: Vec<(u64, String)> = Vec::new();
    for file in &args.files {
        let opened: io::Result<Box<dyn Read>> = if file == "-" {
            Ok(Box::new(io::stdin().lock()))
        } else {
            File::open(file).map(|f| Box::new(f) as Box<dyn Read>)
        };
        let mut input = match opened {
            Ok(input) => input,
            Err(error) => {
                let before = importer.as_ref().map_or(0, |i| i.progress().problems);
                unreadable.push((before, format!("{file}:0: cannot read: {error}")));
                continue;
            }
        };
        let importer = match &mut importer {
            Some(importer) => {
                importer.next_input(file);
                importer
            }
            None => importer.insert(Importer::new(Options {
                source: file.to_string(),
                normalize: normalize.clone(),
                merge: !args.no_merge,
                ..Options::default()
            })),
        };
        // What was read before a read error is kept: the importer reports a cut-off record.
        if let Err(error) = feed_all(&mut *input, importer) {
            let before = importer.progress().problems;
            unreadable.push((before, format!("{file}:0: cannot read: {error}")));
        }
    }
    let (contacts, problems) = match importer.map(Importer::finish_list) {
        Some(import) => (import.contacts, import.problems),
        None => (ContactList::default(), Vec::new()),
    };
    report(&problems, &unreadable);
    let mut out = io::stdout().lock();
    write(&contacts, args.to, &mut out)
        .and_then(|()| out.flush())
        .context("writing the output")?;
    if contacts.is_empty() && problems.len() + unreadable.len() > 0 {
        Ok(ExitCode::FAILURE)
    } else {
        Ok(ExitCode::SUCCESS)
    }
}

/// Writes every problem to stderr as `source:line: message`, the inputs that could not be read
/// among them where they happened.
fn report(problems: &[Problem], unreadable: &[(u64, String)]) {
    let mut err = io::stderr().lock();
    let mut unreadable = unreadable.iter().peekable();
    // A closed stderr must not stop the output; there is nowhere left to report it.
    for (at, problem) in problems.iter().enumerate() {
        while let Some((_, line)) = unreadable.next_if(|(before, _)| *before <= at as u64) {
            let _ = writeln!(err, "{line}");
        }
        let _ = writeln!(err, "{problem}");
    }
    for (_, line) in unreadable {
        let _ = writeln!(err, "{line}");
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

/// Writes `contacts` in `format` to `out`: JSON a piece at a time (the whole text, several
/// times the input, is never held); the other formats from the contacts as values.
fn write(contacts: &ContactList, format: OutputFormat, out: &mut impl Write) -> io::Result<()> {
    if format == OutputFormat::Json {
        let mut result = Ok(());
        contacts::json::write_list(contacts, |piece| {
            if result.is_ok() {
                result = out.write_all(piece.as_bytes());
            }
        });
        return result;
    }
    let contacts: Vec<Contact> = contacts.iter().collect();
    let text = match format {
        OutputFormat::Json => contacts::json::write(&contacts),
        OutputFormat::Csv => contacts::csv::write(&contacts),
        OutputFormat::ConstantContact => contacts::csv::write_constant_contact(&contacts),
        OutputFormat::Vcard => contacts::vcard::write(&contacts, contacts::vcard::Version::V4),
        OutputFormat::Vcard3 => contacts::vcard::write(&contacts, contacts::vcard::Version::V3),
        OutputFormat::Cloudsponge => contacts::json::write_cloudsponge(&contacts),
    };
    out.write_all(text.as_bytes())
}
