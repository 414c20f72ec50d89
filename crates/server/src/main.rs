//! `contact-picker`: the command line over the contact core.
//!
//! One subcommand per file: `normalize.rs` reads contact files and prints them normalized.
//! Adding a subcommand is a new file with an `Args` struct and a `run` function, plus one
//! variant in [`Command`] and one arm in [`main`].

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod normalize;

/// Reads address books (vCard, CSV, JSON, XML) and writes normalized contacts.
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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Normalize(args) => normalize::run(args),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("contact-picker: {error:#}");
            ExitCode::FAILURE
        }
    }
}
