//! `contact-picker export <destination>`: sends contacts from a JSON file (this project's
//! schema, or any file `contacts::import` reads) to a destination, and prints what it did.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};
use clap::Subcommand;
use contacts::Contact;
use providers::constant_contact::{self, ActivityType, Encoding};
use providers::transport::native::{run, ReqwestTransport};
use providers::{xmlapi, BasicAuth, Job, JobOptions};

use crate::import::ProgressPrinter;

/// Sends contacts to a destination.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    destination: Destination,
}

#[derive(Debug, Subcommand)]
enum Destination {
    /// Constant Contact v1 bulk activities, posted to URL/ws/customers/U/activities in batches
    /// under the 1.9 MB limit.
    ConstantContact {
        /// The API root (https://api.constantcontact.com).
        #[arg(long, value_name = "URL")]
        endpoint: String,
        /// The account's user name.
        #[arg(
            long,
            value_name = "U",
            env = "CONTACT_PICKER_CONSTANT_CONTACT_USERNAME",
            hide_env_values = true
        )]
        username: String,
        /// The account's password.
        #[arg(
            long,
            value_name = "P",
            env = "CONTACT_PICKER_CONSTANT_CONTACT_PASSWORD",
            hide_env_values = true
        )]
        password: String,
        /// A list URI (or a list number); repeat for several lists.
        #[arg(long = "list", value_name = "URI", required = true)]
        lists: Vec<String>,
        /// SV_ADD, ADD_CONTACTS, ADD_CONTACT_DETAIL or REMOVE_CONTACTS_FROM_LISTS.
        #[arg(long, value_name = "SV_ADD", default_value = "SV_ADD", value_parser = parse_activity)]
        activity: ActivityType,
        /// Send the data as a multipart dataFile instead of a urlencoded data parameter.
        #[arg(long)]
        multipart: bool,
        /// The contacts (JSON).
        #[arg(value_name = "FILE.json")]
        file: PathBuf,
    },
    /// The XML contact.* API: updates the contact with the same e-mail address, else creates.
    Xmlapi {
        /// The URL requests are POSTed to.
        #[arg(long, value_name = "URL")]
        endpoint: String,
        /// The client the contacts belong to.
        #[arg(long, value_name = "N")]
        client_id: String,
        /// The contacts (JSON).
        #[arg(value_name = "FILE.json")]
        file: PathBuf,
    },
}

fn parse_activity(text: &str) -> Result<ActivityType, String> {
    ActivityType::parse(text).ok_or_else(|| {
        "one of SV_ADD, ADD_CONTACTS, ADD_CONTACT_DETAIL, REMOVE_CONTACTS_FROM_LISTS".into()
    })
}

/// Reads the contacts to send: this project's JSON array, or else any file the contact core
/// reads (normalized on the way).
fn read_contacts(path: &Path) -> anyhow::Result<Vec<Contact>> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    if let Ok(contacts) = serde_json::from_slice::<Vec<Contact>>(&bytes) {
        return Ok(contacts);
    }
    let imported = contacts::import(
        &bytes,
        contacts::Options {
            source: path.display().to_string(),
            ..contacts::Options::default()
        },
    );
    for problem in &imported.problems {
        eprintln!("{problem}");
    }
    if imported.contacts.is_empty() {
        bail!("{} holds no contacts", path.display());
    }
    Ok(imported.contacts)
}

/// Runs the export and prints what it did.
pub fn run_export(args: Args) -> anyhow::Result<ExitCode> {
    let transport = ReqwestTransport::new()?;
    match args.destination {
        Destination::ConstantContact {
            endpoint,
            username,
            password,
            lists,
            activity,
            multipart,
            file,
        } => {
            let contacts = read_contacts(&file)?;
            let client = constant_contact::Client {
                endpoint,
                credentials: Some(BasicAuth::new(&username, password)),
                username,
            };
            let encoding = if multipart {
                Encoding::Multipart
            } else {
                Encoding::UrlEncoded
            };
            let mut printer = ProgressPrinter::new("constant-contact");
            let report = {
                let mut job =
                    Job::new(&transport, JobOptions::default()).on_progress(|p| printer.show(p));
                run(client.export(&mut job, &contacts, activity, &lists, encoding))?
            };
            printer.finish();
            for activity in &report.activities {
                if activity.unread {
                    println!(
                        "activity {}: created, {} rows; its answer was cut short, so its status and errors are unknown",
                        activity.id.as_deref().unwrap_or("(no id)"),
                        activity.rows
                    );
                    continue;
                }
                println!(
                    "activity {}: type {}, status {}, {} rows, {} errors",
                    activity.id.as_deref().unwrap_or("(no id)"),
                    activity.activity_type.as_deref().unwrap_or("?"),
                    activity.status.as_deref().unwrap_or("?"),
                    activity.rows,
                    activity.errors.len()
                );
                for error in &activity.errors {
                    let who = error
                        .contact
                        .and_then(|i| contacts.get(i))
                        .map(describe)
                        .unwrap_or_else(|| "unknown contact".into());
                    println!(
                        "  line {}: {} ({who})",
                        error
                            .line
                            .map(|l| l.to_string())
                            .unwrap_or_else(|| "?".into()),
                        error.message
                    );
                }
            }
            for (index, reason) in &report.skipped {
                let who = contacts.get(*index).map(describe).unwrap_or_default();
                println!("skipped {who}: {reason}");
            }
            print_in_doubt(&contacts, &report.in_doubt);
            println!(
                "sent {} rows in {} activities; {} skipped; {} not sent; {} in doubt",
                report.rows_sent,
                report.activities.len(),
                report.skipped.len(),
                report.rows_unsent,
                report.in_doubt.len()
            );
            if let Some(error) = report.error {
                return Err(anyhow::Error::new(error).context(format!(
                    "export stopped; {} rows were not sent",
                    report.rows_unsent
                )));
            }
            Ok(if report.in_doubt.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Destination::Xmlapi {
            endpoint,
            client_id,
            file,
        } => {
            let contacts = read_contacts(&file)?;
            let client = xmlapi::Client::new(endpoint, None);
            let mut printer = ProgressPrinter::new("xmlapi");
            let report = {
                let mut job =
                    Job::new(&transport, JobOptions::default()).on_progress(|p| printer.show(p));
                run(client.upsert(&mut job, &contacts, &client_id))?
            };
            printer.finish();
            for (index, id) in &report.created {
                let who = contacts.get(*index).map(describe).unwrap_or_default();
                println!("created contact {id}: {who}");
            }
            for (index, id) in &report.updated {
                let who = contacts.get(*index).map(describe).unwrap_or_default();
                println!("updated contact {id}: {who}");
            }
            for (index, error) in &report.failed {
                let who = contacts.get(*index).map(describe).unwrap_or_default();
                println!("failed {who}: {error}");
            }
            print_in_doubt(&contacts, &report.in_doubt);
            println!(
                "{} created, {} updated, {} failed, {} in doubt",
                report.created.len(),
                report.updated.len(),
                report.failed.len(),
                report.in_doubt.len()
            );
            Ok(if report.failed.is_empty() && report.in_doubt.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
    }
}

/// One line per contact whose write may or may not have happened: check it at the
/// destination before sending it again.
fn print_in_doubt(contacts: &[Contact], in_doubt: &[(usize, providers::Error)]) {
    for (index, error) in in_doubt {
        let who = contacts.get(*index).map(describe).unwrap_or_default();
        println!("in doubt {who}: {error}");
    }
}

/// A contact's name and address, for messages.
fn describe(contact: &Contact) -> String {
    let name = contact.name.display.as_deref().unwrap_or("");
    match contact.primary_email() {
        Some(email) if name.is_empty() => email.address.clone(),
        Some(email) => format!("{name} <{}>", email.address),
        None => name.to_string(),
    }
}
