//! `contact-picker import <provider>`: imports an address book from a provider and prints the
//! normalized contacts as a JSON array on stdout; progress, the consent URL and problems go to
//! stderr (a progress bar when stderr is a terminal, plain lines otherwise).
//!
//! Secrets can come from environment variables (`CONTACT_PICKER_…`, listed in `--help`) so they
//! need not appear in a process list; they are never printed.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context};
use clap::{ArgGroup, Subcommand};
use providers::transport::native::{run, ReqwestTransport};
use providers::{BasicAuth, Imported, Job, JobOptions, Phase, Progress};

use crate::report;

/// Imports an address book from a provider.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    source: Source,
}

/// Options every import takes.
#[derive(Debug, clap::Args)]
struct Common {
    /// Default country (ISO 3166 two letters) for phone numbers written without a country code.
    #[arg(long, value_name = "CC")]
    region: Option<String>,
    /// Also write every problem to FILE, one JSON object a line.
    #[arg(long, value_name = "FILE")]
    problems: Option<PathBuf>,
    /// How many times a request that failed in a way that may pass (no answer, 408, 429, 5xx,
    /// an answer cut short) is sent again, with growing waits.
    #[arg(long, value_name = "N", default_value_t = JobOptions::default().max_retries)]
    retries: u32,
}

#[derive(Debug, Subcommand)]
enum Source {
    /// CloudSponge: by the visitor's username and password, or through a consent URL.
    #[command(group(ArgGroup::new("access").required(true).args(["username", "consent"])))]
    Cloudsponge {
        /// The API root (https://api.cloudsponge.com).
        #[arg(long, value_name = "URL")]
        endpoint: String,
        /// The domain key.
        #[arg(
            long,
            value_name = "K",
            env = "CONTACT_PICKER_CLOUDSPONGE_DOMAIN_KEY",
            hide_env_values = true
        )]
        domain_key: String,
        /// The domain password.
        #[arg(
            long,
            value_name = "P",
            env = "CONTACT_PICKER_CLOUDSPONGE_DOMAIN_PASSWORD",
            hide_env_values = true
        )]
        domain_password: String,
        /// The service code (icloud, gmail, yahoo, ...).
        #[arg(long, value_name = "S")]
        service: String,
        /// The visitor's username at the service.
        #[arg(long, value_name = "U", requires = "password")]
        username: Option<String>,
        /// The visitor's password at the service.
        #[arg(
            long,
            value_name = "W",
            env = "CONTACT_PICKER_CLOUDSPONGE_PASSWORD",
            hide_env_values = true
        )]
        password: Option<String>,
        /// Print a consent URL on stderr and wait for the import to finish.
        #[arg(long, conflicts_with = "username")]
        consent: bool,
        /// XML answers instead of JSON.
        #[arg(long)]
        xml: bool,
        /// Also fetch mailing addresses.
        #[arg(long)]
        mailing_address: bool,
        #[command(flatten)]
        common: Common,
    },
    /// Convio / Luminate CRAddressBookAPI: prints the OAuth URL on stderr, polls until the job
    /// ends.
    #[command(group(ArgGroup::new("session").required(true).args(["sso_auth_token", "auth"])))]
    Convio {
        /// The servlet URL, ending in /CRAddressBookAPI.
        #[arg(long, value_name = "URL")]
        endpoint: String,
        /// The API key.
        #[arg(
            long,
            value_name = "K",
            env = "CONTACT_PICKER_CONVIO_API_KEY",
            hide_env_values = true
        )]
        api_key: String,
        /// A session token from login, authenticateUser or getSingleSignOnToken.
        #[arg(
            long,
            value_name = "T",
            env = "CONTACT_PICKER_CONVIO_SSO_AUTH_TOKEN",
            hide_env_values = true
        )]
        sso_auth_token: Option<String>,
        /// An auth token from a [[S86]] session tag.
        #[arg(
            long,
            value_name = "T",
            env = "CONTACT_PICKER_CONVIO_AUTH",
            hide_env_values = true
        )]
        auth: Option<String>,
        /// The address book to import.
        #[arg(long, value_name = "GOOGLE|YAHOO", value_parser = ["GOOGLE", "YAHOO"])]
        source: String,
        /// XML answers instead of JSON.
        #[arg(long)]
        xml: bool,
        #[command(flatten)]
        common: Common,
    },
    /// Popsell contacts-import web service (incremental with --state).
    Popsell {
        /// The agreed URL template, with {customer_id}, {token} and optionally {date}.
        #[arg(long, value_name = "TEMPLATE")]
        endpoint: String,
        /// The customer (sales rep) id.
        #[arg(long, value_name = "ID")]
        customer_id: String,
        /// The static key the token is made from.
        #[arg(
            long,
            value_name = "KEY",
            env = "CONTACT_PICKER_POPSELL_STATIC_KEY",
            hide_env_values = true
        )]
        static_key: String,
        /// Only contacts modified after this time ('YYYY-MM-DD HH:MM:SS').
        #[arg(long, value_name = "'YYYY-MM-DD HH:MM:SS'")]
        since: Option<String>,
        /// A JSON file keeping the last sync time and the known contacts: the next run is
        /// incremental and applies soft deletes.
        #[arg(long, value_name = "FILE")]
        state: Option<PathBuf>,
        #[command(flatten)]
        common: Common,
    },
    /// The XML contact.* API: every page of contact.list.
    Xmlapi {
        /// The URL requests are POSTed to.
        #[arg(long, value_name = "URL")]
        endpoint: String,
        /// Only this client's contacts.
        #[arg(long, value_name = "N")]
        client_id: Option<String>,
        /// Only contacts with this e-mail address.
        #[arg(long, value_name = "E")]
        email: Option<String>,
        #[command(flatten)]
        common: Common,
    },
}

/// Runs the import and prints its result.
pub fn run_import(args: Args) -> anyhow::Result<ExitCode> {
    let transport = ReqwestTransport::new()?;
    let (name, common) = match &args.source {
        Source::Cloudsponge { common, .. } => ("cloudsponge", common),
        Source::Convio { common, .. } => ("convio", common),
        Source::Popsell { common, .. } => ("popsell", common),
        Source::Xmlapi { common, .. } => ("xmlapi", common),
    };
    let mut options = JobOptions {
        max_retries: common.retries,
        ..JobOptions::default()
    };
    options.normalize.region =
        report::default_region(common.region.clone(), &mut std::io::stderr().lock());
    let mut printer = ProgressPrinter::new(name);
    let imported = {
        let mut job = Job::new(&transport, options).on_progress(|p| printer.show(p));
        run(import(&args.source, &mut job))?
    };
    printer.finish();
    let imported = imported.with_context(|| format!("import from {name} failed"))?;
    let stderr = std::io::stderr();
    report::report_problems(
        &imported.problems,
        common.problems.as_deref(),
        stderr.is_terminal(),
        &mut stderr.lock(),
    )?;
    // Counted over every contact, not as the length of the deleted list: a Popsell contact
    // deleted without an Id stays among the live ones. Each is lent in turn, not kept.
    let mut deleted = 0usize;
    imported
        .contacts
        .for_each(|c| deleted += usize::from(c.deleted));
    eprintln!(
        "{name}: {} contacts ({deleted} deleted at the source), {} problems",
        imported.contacts.len(),
        imported.problems.len()
    );
    // Written a piece at a time, as `normalize` does: the text (several times the size of the
    // contacts' own) is never held whole beside them.
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    let mut failed: Option<std::io::Error> = None;
    contacts::json::write_list(&imported.contacts, |piece| {
        if failed.is_none() {
            failed = stdout.write_all(piece.as_bytes()).err();
        }
    });
    if let Some(error) = failed {
        return Err(error).context("writing the output");
    }
    stdout.flush().context("writing the output")?;
    Ok(ExitCode::SUCCESS)
}

async fn import(source: &Source, job: &mut Job<'_, ReqwestTransport>) -> anyhow::Result<Imported> {
    use providers::{cloudsponge, convio, popsell, xmlapi};
    Ok(match source {
        Source::Cloudsponge {
            endpoint,
            domain_key,
            domain_password,
            service,
            username,
            password,
            consent,
            xml,
            mailing_address,
            common: _,
        } => {
            let format = if *xml {
                cloudsponge::Format::Xml
            } else {
                cloudsponge::Format::Json
            };
            let client = cloudsponge::Client::new(
                endpoint.clone(),
                Some(BasicAuth::new(domain_key, domain_password)),
                format,
            );
            let access = match (username, password, consent) {
                (_, _, true) => cloudsponge::Access::Consent { redirect_url: None },
                (Some(username), Some(password), false) => cloudsponge::Access::Password {
                    username: username.clone(),
                    password: password.clone(),
                },
                _ => bail!("give --username and --password, or --consent"),
            };
            let request = cloudsponge::ImportRequest {
                service: service.clone(),
                access,
                mailing_address: *mailing_address,
                user_id: None,
                echo: None,
            };
            client.import(job, &request).await?
        }
        Source::Convio {
            endpoint,
            api_key,
            sso_auth_token,
            auth,
            source,
            xml,
            common: _,
        } => {
            let auth = match (sso_auth_token, auth) {
                (Some(token), _) => convio::Auth::SsoAuthToken(token.clone()),
                (None, Some(token)) => convio::Auth::Auth(token.clone()),
                (None, None) => bail!("give --sso-auth-token or --auth"),
            };
            let client = convio::Client {
                endpoint: endpoint.clone(),
                api_key: Some(api_key.clone()),
                auth: Some(auth),
                format: if *xml {
                    convio::Format::Xml
                } else {
                    convio::Format::Json
                },
            };
            client.import(job, source, None).await?
        }
        Source::Popsell {
            endpoint,
            customer_id,
            static_key,
            since,
            state,
            common: _,
        } => {
            let since =
                match since {
                    Some(text) => Some(popsell::parse_date(text).with_context(|| {
                        format!("--since {text:?} is not 'YYYY-MM-DD HH:MM:SS'")
                    })?),
                    None => None,
                };
            let client = popsell::Client::with_key(endpoint, customer_id, static_key);
            let mut sync = match state {
                Some(path) if path.exists() => {
                    let text = std::fs::read_to_string(path)
                        .with_context(|| format!("cannot read {}", path.display()))?;
                    serde_json::from_str(&text).with_context(|| {
                        format!("{} is not a Popsell state file", path.display())
                    })?
                }
                _ => popsell::PopsellSync::default(),
            };
            let imported = sync.sync(&client, job, since.as_deref()).await?;
            if let Some(path) = state {
                save_state(path, &sync)?;
            }
            imported
        }
        Source::Xmlapi {
            endpoint,
            client_id,
            email,
            common: _,
        } => {
            let client = xmlapi::Client::new(endpoint.clone(), None);
            let filter = xmlapi::Filter {
                client_id: client_id.clone(),
                email: email.clone(),
            };
            client.import(job, &filter).await?
        }
    })
}

/// Writes the state next to its final place, then renames it, so an interrupted run never
/// leaves a half-written state file.
fn save_state(
    path: &std::path::Path,
    state: &providers::popsell::PopsellSync,
) -> anyhow::Result<()> {
    let text = serde_json::to_string_pretty(state)?;
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".tmp");
    std::fs::write(&temporary, text).with_context(|| format!("cannot write {}", path.display()))?;
    std::fs::rename(&temporary, path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// Shows progress on stderr: a one-line bar redrawn in place on a terminal, plain lines (one
/// per change of phase or count) otherwise.
pub struct ProgressPrinter {
    name: &'static str,
    terminal: bool,
    last: Option<(Phase, u64, Option<u64>)>,
    drawn: bool,
}

impl ProgressPrinter {
    /// A printer for the job named `name`.
    pub fn new(name: &'static str) -> ProgressPrinter {
        ProgressPrinter {
            name,
            terminal: std::io::stderr().is_terminal(),
            last: None,
            drawn: false,
        }
    }

    /// Shows one report.
    pub fn show(&mut self, progress: &Progress) {
        let key = (progress.phase, progress.gathered, progress.total);
        if self.last == Some(key) {
            return;
        }
        self.last = Some(key);
        if progress.phase == Phase::Consent {
            self.finish();
            if let Some(url) = &progress.consent_url {
                eprintln!(
                    "{}: open this URL to allow access, then wait here:\n{url}",
                    self.name
                );
            }
            return;
        }
        let phase = match progress.phase {
            Phase::Starting => "starting",
            Phase::Consent => "waiting for consent",
            Phase::Gathering => "gathering",
            Phase::Fetching => "fetching",
            Phase::Sending => "sending",
            Phase::Done => "done",
        };
        let counts = match progress.total {
            Some(total) => format!("{}/{total}", progress.gathered),
            None => progress.gathered.to_string(),
        };
        let message = progress
            .message
            .as_deref()
            .map(|m| format!(" ({m})"))
            .unwrap_or_default();
        if self.terminal {
            let bar = match progress.total {
                Some(total) if total > 0 => {
                    let filled = (progress.gathered.min(total) * 30 / total) as usize;
                    format!("[{}{}] ", "#".repeat(filled), " ".repeat(30 - filled))
                }
                _ => String::new(),
            };
            eprint!("\r\x1b[2K{}: {bar}{phase} {counts}{message}", self.name);
            self.drawn = true;
            if progress.phase == Phase::Done {
                self.finish();
            }
        } else {
            eprintln!("{}: {phase} {counts}{message}", self.name);
        }
    }

    /// Ends the bar's line, if one was drawn.
    pub fn finish(&mut self) {
        if self.drawn {
            eprintln!();
            self.drawn = false;
        }
    }
}
