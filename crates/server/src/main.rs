//! `contact-picker`: the command line over the contact core and the provider clients.
//!
//! One subcommand per file (`normalize.rs`, `import.rs`, `export.rs`), each with an `Args`
//! struct and a run function. Adding a subcommand is a new file, one variant in [`Command`]
//! and one arm in [`main`].

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod export;
mod import;
mod normalize;
mod report;
mod sandbox;

/// Reads address books (files in vCard, CSV, JSON, XML; provider accounts), normalizes them,
/// and sends picked contacts on.
#[derive(Debug, Parser)]
#[command(name = "contact-picker", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Reads contact files, normalizes and merges their contacts, and writes them to stdout.
    Normalize(normalize::Args),
    /// Imports an address book from a provider; prints the normalized contacts as JSON.
    Import(import::Args),
    /// Sends contacts from a JSON file to a destination; prints what it did.
    Export(export::Args),
    /// Runs the provider sandbox on loopback until Ctrl-C (prints its URL and credentials).
    Sandbox(sandbox::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Normalize(args) => normalize::run(args),
        Command::Import(args) => import::run_import(args),
        Command::Export(args) => export::run_export(args),
        Command::Sandbox(args) => sandbox::run_sandbox(args),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("contact-picker: {error:#}");
            ExitCode::FAILURE
        }
    }
}
