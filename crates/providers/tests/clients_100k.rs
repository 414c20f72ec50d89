//! 100,000 contacts through every import and the Constant Contact export, against the sandbox
//! over HTTP. Ignored by default (it wants a release build):
//!
//! ```text
//! cargo test --release -p providers --test clients_100k -- --ignored --nocapture
//! ```
//!
//! Prints, per protocol, the requests the sandbox served, the seconds taken, and how many
//! contacts were dropped or duplicated on the way (both must be 0).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use contacts::Contact;
use providers::constant_contact::{self, ActivityType, Encoding};
use providers::sandbox::{BlockingSandbox, BookOf, Sandbox, SandboxConfig};
use providers::transport::native::{run, ReqwestTransport};
use providers::{cloudsponge, convio, popsell, xmlapi};
use providers::{BasicAuth, Job, JobOptions, Phase};

const SIZE: usize = 100_000;

fn options() -> JobOptions {
    JobOptions {
        deadline: Some(Duration::from_secs(30 * 60)),
        ..JobOptions::default()
    }
}

/// Contacts missing from `received` and contacts there once too often, comparing multisets.
fn dropped_and_duplicated(expected: Vec<String>, received: Vec<String>) -> (usize, usize) {
    let mut counts: BTreeMap<String, i64> = BTreeMap::new();
    for key in expected {
        *counts.entry(key).or_default() += 1;
    }
    for key in received {
        *counts.entry(key).or_default() -= 1;
    }
    let dropped = counts
        .values()
        .filter(|&&n| n > 0)
        .map(|&n| n as usize)
        .sum();
    let duplicated = counts
        .values()
        .filter(|&&n| n < 0)
        .map(|&n| (-n) as usize)
        .sum();
    (dropped, duplicated)
}

fn first_email(contact: &Contact) -> String {
    contact
        .emails
        .first()
        .map(|e| e.address.trim().to_lowercase())
        .unwrap_or_default()
}

/// Runs `work`, prints one line of figures, and checks nothing was lost or repeated.
fn measure(
    sandbox: &BlockingSandbox,
    name: &str,
    expected: Vec<String>,
    work: impl FnOnce() -> Vec<String>,
) {
    sandbox.reset_stats();
    let started = Instant::now();
    let received = work();
    let seconds = started.elapsed().as_secs_f64();
    let requests = sandbox.stats().total;
    let count = received.len();
    let (dropped, duplicated) = dropped_and_duplicated(expected, received);
    println!(
        "{name:<28} {count:>7} contacts  {requests:>6} requests  {seconds:>7.2} s  \
         dropped {dropped}  duplicated {duplicated}"
    );
    assert_eq!((dropped, duplicated), (0, 0), "{name}");
}

/// Runs one import on a fresh job: `import!(job => client.import(job, ...))`.
macro_rules! import {
    ($job:ident => $call:expr) => {{
        let transport = ReqwestTransport::new().expect("reqwest");
        let mut job = Job::new(&transport, options());
        let $job = &mut job;
        run($call).expect("runtime").expect("import")
    }};
}

#[test]
#[ignore = "100,000 contacts per protocol: run in release with --ignored --nocapture"]
fn one_hundred_thousand_contacts_through_every_protocol() {
    let sandbox = Sandbox::start_blocking(SandboxConfig {
        book_size: SIZE,
        ..SandboxConfig::default()
    })
    .expect("sandbox");
    let base = sandbox.base_url().to_string();
    let config = sandbox.config().clone();

    let book_emails = |book: Vec<providers::sandbox::book::GeneratedContact>| -> Vec<String> {
        book.iter()
            .map(|c| {
                c.emails
                    .first()
                    .map(|e| e.address.trim().to_lowercase())
                    .unwrap_or_default()
            })
            .collect()
    };

    let mut exported = Vec::new();
    let mut too_fast_polls = 0;
    for format in [cloudsponge::Format::Json, cloudsponge::Format::Xml] {
        let client = cloudsponge::Client::new(
            format!("{base}/cloudsponge"),
            Some(BasicAuth::new(&config.domain_key, &config.domain_password)),
            format,
        );
        let request = cloudsponge::ImportRequest {
            service: "yahoo".into(),
            access: cloudsponge::Access::Password {
                username: "visitor".into(),
                password: config.user_password.clone(),
            },
            mailing_address: true,
            user_id: None,
            echo: None,
        };
        measure(
            &sandbox,
            &format!("cloudsponge {format:?}"),
            book_emails(sandbox.book(BookOf::CloudSponge)),
            || {
                let imported = import!(job => client.import(job, &request));
                let emails = imported.contacts.iter().map(|c| first_email(&c)).collect();
                exported = imported.contacts.into_vec();
                emails
            },
        );
        let too_fast = sandbox.stats().too_fast_polls;
        println!("cloudsponge {format:?}: {too_fast} events polls closer than 1 s");
        too_fast_polls += too_fast;
    }

    for format in [convio::Format::Json, convio::Format::Xml] {
        let client = convio::Client {
            endpoint: format!("{base}/convio/CRAddressBookAPI"),
            api_key: Some(config.api_key.clone()),
            auth: Some(convio::Auth::SsoAuthToken("session".into())),
            format,
        };
        let expected: Vec<String> = book_emails(sandbox.book(BookOf::Convio))
            .into_iter()
            .filter(|e| !e.is_empty())
            .collect();
        measure(&sandbox, &format!("convio {format:?}"), expected, || {
            let transport = ReqwestTransport::new().expect("reqwest");
            let imported = run(async {
                let mut job = Job::new(&transport, options()).on_progress(|progress| {
                    if progress.phase == Phase::Consent {
                        if let Some(url) = progress.consent_url.clone() {
                            tokio::spawn(async move {
                                let _ = reqwest::Client::new()
                                    .post(url)
                                    .header("content-type", "application/x-www-form-urlencoded")
                                    .body("decision=allow")
                                    .send()
                                    .await;
                            });
                        }
                    }
                });
                client.import(&mut job, "GOOGLE", None).await
            })
            .expect("runtime")
            .expect("import");
            imported.contacts.iter().map(|c| first_email(&c)).collect()
        });
    }

    let popsell_book = sandbox.book(BookOf::Popsell("42".into()));
    let expected = popsell_book
        .iter()
        .map(|c| format!("P{:06}", c.index))
        .collect();
    let client = popsell::Client::with_key(
        &format!("{base}/popsell/api/{{customer_id}}/contacts?token={{token}}"),
        "42",
        &config.popsell_static_key,
    );
    measure(&sandbox, "popsell full sync", expected, || {
        let mut sync = popsell::PopsellSync::default();
        let imported = import!(job => sync.sync(&client, job, None));
        imported
            .contacts
            .iter()
            .map(|c| c.source_id.clone().unwrap_or_default())
            .collect()
    });

    let client = xmlapi::Client::new(format!("{base}/xmlapi"), None);
    let expected = (1..=SIZE).map(|id| id.to_string()).collect();
    measure(&sandbox, "xmlapi contact.list", expected, || {
        let filter = xmlapi::Filter::default();
        let imported = import!(job => client.import(job, &filter));
        imported
            .contacts
            .iter()
            .map(|c| c.source_id.clone().unwrap_or_default())
            .collect()
    });

    let client = constant_contact::Client {
        endpoint: format!("{base}/constantcontact"),
        username: "joe".into(),
        credentials: Some(BasicAuth::new("joe", &config.cc_password)),
    };
    let expected: Vec<String> = exported
        .iter()
        .filter_map(|c| c.primary_email().map(|e| e.address.clone()))
        .collect();
    let mut activities = 0;
    measure(&sandbox, "constant contact export", expected, || {
        let transport = ReqwestTransport::new().expect("reqwest");
        let mut job = Job::new(&transport, options());
        let report = run(client.export(
            &mut job,
            &exported,
            ActivityType::SvAdd,
            &["1".to_string()],
            Encoding::UrlEncoded,
        ))
        .expect("runtime");
        assert_eq!(report.error, None);
        assert_eq!(report.rows_unsent, 0);
        activities = report.activities.len();
        sandbox.cc_received("joe", 1)
    });
    println!("constant contact: {activities} activities under the 1.9 MB limit");
    assert_eq!(
        too_fast_polls, 0,
        "CloudSponge events polled closer than 1 s"
    );
}
