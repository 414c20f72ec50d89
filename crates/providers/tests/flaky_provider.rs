//! A flaky provider loses nothing and still waits its turn: every protocol client against the
//! sandbox with random faults on 10 % and on 40 % of the requests (503, 500, 429 with
//! `Retry-After: 1`, a body cut short, a late answer), over real HTTP with the native transport.
//!
//! Checked each time: every import is exact (each contact once, none lost), no write is doubled
//! (the XML API's store, Constant Contact's received rows), no two status polls of one job
//! arrive under a second apart (the sandbox measures them on arrival, faulted ones included),
//! and faults did happen. The faults are drawn from a seed, so a run sees the same ones as the
//! last as long as the requests come in the same order; the delay fault is kept short so that
//! the tests stay quick, while the polling floor stays the real one second.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::{decide, options, transport};
use contacts::{Contact, Email, Name};
use providers::constant_contact::{self, ActivityType, Encoding};
use providers::sandbox::{
    BlockingSandbox, BookOf, Fault, FaultKind, RandomFaults, Sandbox, SandboxConfig,
};
use providers::transport::native::run;
use providers::{cloudsponge, convio, popsell, xmlapi};
use providers::{BasicAuth, Error, Imported, Job, JobOptions};

/// A sandbox whose protocol routes fail `percent` requests in a hundred (none at 0: the
/// tests that list their faults).
fn flaky(percent: u32, seed: u64, book_size: usize) -> BlockingSandbox {
    Sandbox::start_blocking(SandboxConfig {
        book_size,
        phase_polls: 2,
        random_faults: Some(RandomFaults::new(percent, seed).with_delay(40)),
        ..SandboxConfig::default()
    })
    .expect("sandbox starts")
}

/// No two status polls of a job came under a second apart, and faults were injected.
fn assert_polite_and_faulted(sandbox: &BlockingSandbox, what: &str) {
    let stats = sandbox.stats();
    assert_eq!(
        stats.too_fast_polls, 0,
        "{what}: polls under a second apart"
    );
    assert!(stats.faults_injected > 0, "{what}: no fault was injected");
}

fn lower_emails(contacts: &[Contact]) -> Vec<Option<String>> {
    contacts
        .iter()
        .map(|c| c.emails.first().map(|e| e.address.trim().to_lowercase()))
        .collect()
}

fn cloudsponge_import(sandbox: &BlockingSandbox, format: cloudsponge::Format) {
    let config = sandbox.config();
    let client = cloudsponge::Client::new(
        format!("{}/cloudsponge", sandbox.base_url()),
        Some(BasicAuth::new(&config.domain_key, &config.domain_password)),
        format,
    );
    let request = cloudsponge::ImportRequest {
        service: "yahoo".into(),
        access: cloudsponge::Access::Password {
            username: "visitor@example.com".into(),
            password: config.user_password.clone(),
        },
        mailing_address: false,
        user_id: None,
        echo: None,
    };
    let transport = transport();
    let options = JobOptions {
        page_size: 30,
        ..options()
    };
    let mut job = Job::new(&transport, options);
    let imported = run(client.import(&mut job, &request))
        .expect("runtime")
        .unwrap_or_else(|e| panic!("cloudsponge {format:?}: {e}"));
    let book = sandbox.book(BookOf::CloudSponge);
    let expected: Vec<Option<String>> = book
        .iter()
        .map(|c| c.emails.first().map(|e| e.address.trim().to_lowercase()))
        .collect();
    assert_eq!(
        lower_emails(&imported.contacts.iter().collect::<Vec<_>>()),
        expected,
        "cloudsponge {format:?}: every contact once, in order"
    );
}

fn convio_import(sandbox: &BlockingSandbox, format: convio::Format) -> Imported {
    let client = convio::Client {
        endpoint: format!("{}/convio/CRAddressBookAPI", sandbox.base_url()),
        api_key: Some(sandbox.config().api_key.clone()),
        auth: Some(convio::Auth::SsoAuthToken("session-token".into())),
        format,
    };
    let transport = transport();
    run(async {
        let mut allowed = false;
        let mut job = Job::new(&transport, options()).on_progress(|progress| {
            if let (Some(url), false) = (&progress.consent_url, allowed) {
                allowed = true;
                tokio::spawn(decide(url.clone(), "allow"));
            }
        });
        client.import(&mut job, "GOOGLE", None).await
    })
    .expect("runtime")
    .unwrap_or_else(|e| panic!("convio {format:?}: {e}"))
}

fn check_convio(sandbox: &BlockingSandbox, imported: &Imported) {
    // The book has a few people sharing an address: compare the addresses with their repeats.
    let mut expected: Vec<String> = sandbox
        .book(BookOf::Convio)
        .iter()
        .filter_map(|c| c.emails.first().map(|e| e.address.trim().to_lowercase()))
        .collect();
    let mut received: Vec<String> = lower_emails(&imported.contacts.iter().collect::<Vec<_>>())
        .into_iter()
        .map(|e| e.expect("every Convio contact has an e-mail"))
        .collect();
    expected.sort();
    received.sort();
    assert_eq!(received, expected, "convio: every contact once");
}

fn popsell_import(sandbox: &BlockingSandbox) {
    let client = popsell::Client::with_key(
        &format!(
            "{}/popsell/api/{{customer_id}}/contacts?token={{token}}",
            sandbox.base_url()
        ),
        "42",
        &sandbox.config().popsell_static_key,
    );
    let transport = transport();
    let mut sync = popsell::PopsellSync::default();
    let mut job = Job::new(&transport, options());
    run(sync.sync(&client, &mut job, None))
        .expect("runtime")
        .unwrap_or_else(|e| panic!("popsell: {e}"));
    let live: BTreeSet<String> = sandbox
        .book(BookOf::Popsell("42".into()))
        .iter()
        .filter(|c| !c.soft_deleted)
        .map(|c| format!("P{:06}", c.index))
        .collect();
    let received: BTreeSet<String> = sync.contacts.keys().cloned().collect();
    assert_eq!(received, live, "popsell: every live contact");
}

fn xmlapi_import(sandbox: &BlockingSandbox) {
    let client = xmlapi::Client::new(format!("{}/xmlapi", sandbox.base_url()), None);
    let transport = transport();
    let options = JobOptions {
        page_size: 25,
        ..options()
    };
    let mut job = Job::new(&transport, options);
    let imported = run(client.import(&mut job, &xmlapi::Filter::default()))
        .expect("runtime")
        .unwrap_or_else(|e| panic!("xmlapi: {e}"));
    let ids: Vec<String> = imported
        .contacts
        .iter()
        .map(|c| c.source_id.clone().expect("a contact_id"))
        .collect();
    let expected: Vec<String> = sandbox
        .xmlapi_contacts()
        .keys()
        .map(u64::to_string)
        .collect();
    assert_eq!(ids, expected, "xmlapi: every contact once, in order");
}

fn person(given: &str, email: &str) -> Contact {
    Contact {
        name: Name {
            given: Some(given.into()),
            family: Some("Flaky".into()),
            display: Some(format!("{given} Flaky")),
            ..Name::default()
        },
        emails: vec![Email {
            address: email.into(),
            primary: true,
            ..Email::default()
        }],
        ..Contact::default()
    }
}

/// Upserts 12 stored contacts (renamed) and 18 new ones: nothing is created twice, every row is
/// accounted for, and a row in doubt is at most once in the store.
fn xmlapi_upsert(sandbox: &BlockingSandbox) {
    let before = sandbox.xmlapi_contacts();
    let client_id = before
        .values()
        .next()
        .and_then(|c| c.get("client_id").cloned())
        .expect("a client_id");
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for contact in before.values() {
        if let Some(email) = contact.get("email") {
            *seen.entry(email.to_lowercase()).or_default() += 1;
        }
    }
    // Addresses the store holds once (the generated store repeats a few on purpose).
    let stored: Vec<String> = before
        .values()
        .filter(|c| c.get("client_id") == Some(&client_id))
        .filter_map(|c| c.get("email").cloned())
        .filter(|email| seen.get(&email.to_lowercase()) == Some(&1))
        .take(12)
        .collect();
    assert_eq!(stored.len(), 12);
    let mut picked: Vec<Contact> = stored
        .iter()
        .map(|email| person("Renamed", email))
        .collect();
    picked.extend((0..18).map(|i| person(&format!("New{i}"), &format!("new{i}@flaky.example"))));

    let client = xmlapi::Client::new(format!("{}/xmlapi", sandbox.base_url()), None);
    let transport = transport();
    let mut job = Job::new(&transport, options());
    let report = run(client.upsert(&mut job, &picked, &client_id)).expect("runtime");
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    let accounted = report.created.len() + report.updated.len() + report.in_doubt.len();
    assert_eq!(accounted, picked.len(), "every row accounted for");

    let after = sandbox.xmlapi_contacts();
    let mut count: BTreeMap<String, usize> = BTreeMap::new();
    for contact in after.values() {
        if let Some(email) = contact.get("email") {
            *count.entry(email.to_lowercase()).or_default() += 1;
        }
    }
    for (index, contact) in picked.iter().enumerate() {
        let email = contact.emails[0].address.to_lowercase();
        let times = count.get(&email).copied().unwrap_or(0);
        if report.in_doubt.iter().any(|(row, _)| *row == index) {
            assert!(times <= 1, "{email} in doubt, yet stored {times} times");
        } else {
            assert_eq!(times, 1, "{email} stored {times} times");
        }
    }
    for (index, id) in report.created.iter().chain(&report.updated) {
        let stored = &after[&id.parse::<u64>().expect("numeric id")];
        assert_eq!(
            stored.get("email").map(|e| e.to_lowercase()),
            Some(picked[*index].emails[0].address.to_lowercase())
        );
        assert_eq!(
            stored.get("first_name").map(String::as_str),
            picked[*index].name.given.as_deref()
        );
    }
    let new = report.created.len()
        + report
            .in_doubt
            .iter()
            .filter(|(row, _)| count.contains_key(&picked[*row].emails[0].address.to_lowercase()))
            .count();
    assert_eq!(after.len(), before.len() + new, "no contact created twice");
}

/// 4,000 contacts with long titles: two activities under the 1.9 MB limit.
fn cc_contacts() -> Vec<Contact> {
    (0..4_000)
        .map(|i| Contact {
            title: Some(format!("Title {i} {}", "x".repeat(400))),
            ..person(&format!("Given{i}"), &format!("person{i}@example.com"))
        })
        .collect()
}

/// Sends `contacts` to joe's list `list` (urlencoded, SV_ADD).
fn cc_export(
    sandbox: &BlockingSandbox,
    contacts: &[Contact],
    list: u64,
) -> constant_contact::ExportReport {
    let client = constant_contact::Client {
        endpoint: format!("{}/constantcontact", sandbox.base_url()),
        username: "joe".into(),
        credentials: Some(BasicAuth::new("joe", &sandbox.config().cc_password)),
    };
    let transport = transport();
    let mut job = Job::new(&transport, options());
    run(client.export(
        &mut job,
        contacts,
        ActivityType::SvAdd,
        &[list.to_string()],
        Encoding::UrlEncoded,
    ))
    .expect("runtime")
}

/// Exports [`cc_contacts`]: every row
/// that was sent arrived once, rows in doubt at most once, nothing else.
fn constant_contact_export(sandbox: &BlockingSandbox, list: u64) {
    let contacts = cc_contacts();
    let report = cc_export(sandbox, &contacts, list);
    assert_eq!(report.error, None);
    assert_eq!(report.rows_unsent, 0);
    assert_eq!(
        report.rows_sent + report.in_doubt.len(),
        contacts.len(),
        "every row sent or in doubt"
    );
    assert!(report
        .in_doubt
        .iter()
        .all(|(_, e)| matches!(e, Error::InDoubt { .. })));
    let mut received: BTreeMap<String, usize> = BTreeMap::new();
    for email in sandbox.cc_received("joe", list) {
        *received.entry(email).or_default() += 1;
    }
    let in_doubt: BTreeSet<usize> = report.in_doubt.iter().map(|(row, _)| *row).collect();
    for (index, contact) in contacts.iter().enumerate() {
        let email = &contact.emails[0].address;
        let times = received.get(email).copied().unwrap_or(0);
        if in_doubt.contains(&index) {
            assert!(times <= 1, "{email} in doubt, yet received {times} times");
        } else {
            assert_eq!(times, 1, "{email} received {times} times");
        }
    }
    let creates = sandbox
        .stats()
        .operations
        .get("cc.activities.create")
        .copied()
        .unwrap_or(0);
    assert_eq!(
        creates as usize,
        report.activities.len(),
        "one activity per batch that was created, none twice"
    );
}

/// Every import once, CloudSponge and Convio in JSON at 10 % and in XML at 40 % (each poll
/// costs the real second, so one format a run keeps the tests quick).
fn every_protocol(percent: u32, seed: u64) {
    let sandbox = flaky(percent, seed, 300);
    let (cloudsponge_format, convio_format) = if percent < 40 {
        (cloudsponge::Format::Json, convio::Format::Json)
    } else {
        (cloudsponge::Format::Xml, convio::Format::Xml)
    };
    cloudsponge_import(&sandbox, cloudsponge_format);
    let imported = convio_import(&sandbox, convio_format);
    check_convio(&sandbox, &imported);
    popsell_import(&sandbox);
    xmlapi_import(&sandbox);
    assert_polite_and_faulted(&sandbox, &format!("imports at {percent} %"));
}

#[test]
fn imports_are_exact_and_polls_polite_with_10_percent_of_requests_failing() {
    every_protocol(10, 7);
}

#[test]
fn imports_are_exact_and_polls_polite_with_40_percent_of_requests_failing() {
    every_protocol(40, 11);
}

fn every_write(percent: u32, seed: u64) {
    let sandbox = flaky(percent, seed, 200);
    xmlapi_upsert(&sandbox);
    constant_contact_export(&sandbox, 4);
    assert_polite_and_faulted(&sandbox, &format!("writes at {percent} %"));
}

#[test]
fn no_write_is_doubled_with_10_percent_of_requests_failing() {
    every_write(10, 3);
}

#[test]
fn no_write_is_doubled_with_40_percent_of_requests_failing() {
    every_write(40, 5);
}

/// The doubt paths, each forced once with listed faults (the random ones may miss them): a
/// create whose answer was cut short is found by the look-up and not sent again; a create
/// refused with a 503 is not found and sent again; a create whose look-ups keep failing is
/// reported in doubt, and was not made twice.
#[test]
fn a_create_in_doubt_is_looked_up_before_it_is_sent_again() {
    let sandbox = flaky(0, 0, 10);
    let client = xmlapi::Client::new(format!("{}/xmlapi", sandbox.base_url()), None);
    let transport = transport();
    // The first request of each upsert is the look-up (served as it is), the second the create.
    let look_up_then = |kind: FaultKind| {
        vec![
            Fault::once("/xmlapi", FaultKind::Delay(0)),
            Fault::once("/xmlapi", kind),
        ]
    };
    let upsert = |email: &str| {
        let mut job = Job::new(&transport, options());
        run(client.upsert(&mut job, &[person("Doubt", email)], "1")).expect("runtime")
    };
    let stored = |email: &str| {
        sandbox
            .xmlapi_contacts()
            .values()
            .filter(|c| c.get("email").map(String::as_str) == Some(email))
            .count()
    };
    let creates = || {
        sandbox
            .stats()
            .operations
            .get("xmlapi.contact.create")
            .copied()
            .unwrap_or(0)
    };

    sandbox.set_faults(look_up_then(FaultKind::Truncated));
    let report = upsert("cut@flaky.example");
    assert_eq!(report.created.len(), 1, "{report:?}");
    assert_eq!(stored("cut@flaky.example"), 1);
    assert_eq!(creates(), 1, "the cut create was found, not sent again");

    sandbox.set_faults(look_up_then(FaultKind::Status(503)));
    let report = upsert("refused@flaky.example");
    assert_eq!(report.created.len(), 1, "{report:?}");
    assert_eq!(stored("refused@flaky.example"), 1);
    assert_eq!(creates(), 2, "the refused create was sent again once");

    let mut faults = look_up_then(FaultKind::Truncated);
    faults.push(Fault::always("/xmlapi", FaultKind::Status(503)));
    sandbox.set_faults(faults);
    let report = upsert("unknown@flaky.example");
    sandbox.set_faults(Vec::new());
    assert!(report.created.is_empty() && report.failed.is_empty());
    assert_eq!(report.in_doubt.len(), 1, "{report:?}");
    let message = report.in_doubt[0].1.to_string();
    assert!(
        message.starts_with("it is not known whether the provider made this change"),
        "{message}"
    );
    assert!(!message.contains("sandbox"), "no raw body: {message}");
    assert_eq!(stored("unknown@flaky.example"), 1, "it did happen, once");
    assert_eq!(creates(), 3);
}

/// A Constant Contact batch that got a 503 is in doubt row by row and the export goes on; a
/// batch whose `201 Created` was cut short counts as sent; neither is sent twice.
#[test]
fn a_constant_contact_batch_in_doubt_is_reported_row_by_row_and_the_export_goes_on() {
    let sandbox = flaky(0, 0, 10);
    let contacts = cc_contacts();
    sandbox.set_faults(vec![
        Fault::once("/constantcontact", FaultKind::Status(503)),
        Fault::once("/constantcontact", FaultKind::Truncated),
    ]);
    let report = cc_export(&sandbox, &contacts, 9);
    assert_eq!(report.error, None);
    assert_eq!(report.activities.len(), 1, "the second batch");
    assert!(report.activities[0].unread, "its answer was cut short");
    assert!(!report.in_doubt.is_empty());
    assert_eq!(report.rows_sent + report.in_doubt.len(), contacts.len());
    let first_batch: Vec<usize> = (0..report.in_doubt.len()).collect();
    let in_doubt: Vec<usize> = report.in_doubt.iter().map(|(row, _)| *row).collect();
    assert_eq!(in_doubt, first_batch, "the first batch's rows, in order");
    let received = sandbox.cc_received("joe", 9);
    let expected: Vec<String> = contacts[report.in_doubt.len()..]
        .iter()
        .map(|c| c.emails[0].address.clone())
        .collect();
    assert_eq!(
        received, expected,
        "the second batch once, the first not at all"
    );
    assert_eq!(
        sandbox
            .stats()
            .operations
            .get("cc.activities.create")
            .copied(),
        Some(1)
    );
}
