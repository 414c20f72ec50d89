//! `contact-picker sandbox`: runs the provider sandbox (every protocol on loopback, see
//! `providers::sandbox`) until Ctrl-C, after printing its base URL and credentials, so the
//! CLI, the widget and out-of-process tests can be tried without real provider accounts.
//! `--fault-percent` makes it a flaky provider (503, 500, 429 with `Retry-After`, bodies cut
//! short, late answers, drawn from `--fault-seed`).

use std::process::ExitCode;

use anyhow::Context;
use providers::sandbox::{run_until_ctrl_c, RandomFaults, SandboxConfig};

/// Runs the sandbox until Ctrl-C.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, value_name = "N", default_value_t = 0)]
    port: u16,
    /// Contacts per generated address book, per provider (up to 100000).
    #[arg(long, value_name = "N", default_value_t = 250,
          value_parser = clap::value_parser!(u32).range(0..=100_000))]
    book_size: u32,
    /// Seed of the generated address books.
    #[arg(long, value_name = "N", default_value_t = 1)]
    seed: u64,
    /// Fail this many API requests in a hundred, with 503, 500, 429 (Retry-After: 1), a body cut
    /// short or a late answer, drawn at random (the visitor's consent pages never fail).
    #[arg(long, value_name = "N", default_value_t = 0,
          value_parser = clap::value_parser!(u32).range(0..=100))]
    fault_percent: u32,
    /// Seed of the fault draw: the same seed and the same requests give the same faults.
    #[arg(long, value_name = "N", default_value_t = 1)]
    fault_seed: u64,
    /// How late a late answer is, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 3000)]
    fault_delay_ms: u32,
}

/// Runs the sandbox until Ctrl-C.
pub fn run_sandbox(args: Args) -> anyhow::Result<ExitCode> {
    let config = SandboxConfig {
        port: args.port,
        seed: args.seed,
        book_size: args.book_size as usize,
        random_faults: (args.fault_percent > 0).then(|| {
            RandomFaults::new(args.fault_percent, args.fault_seed).with_delay(args.fault_delay_ms)
        }),
        ..SandboxConfig::default()
    };
    run_until_ctrl_c(config).context("the sandbox failed")?;
    Ok(ExitCode::SUCCESS)
}
