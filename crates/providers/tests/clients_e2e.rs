//! Every protocol client driven against the real sandbox over HTTP, with the native reqwest
//! transport: CloudSponge (JSON, XML, wrong password, consent allowed and denied), Convio
//! (JSON, XML, OAuth allowed), Popsell (full then incremental sync with a soft delete),
//! Constant Contact (an export large enough to be split), the XML `contact.*` API (list and
//! upsert) and injected faults (503 and 429 retried, malformed and truncated bodies refused).
//!
//! Each test starts its own sandbox, so the tests run in parallel and their one-second poll
//! waits overlap. Phases last one poll (`phase_polls = 1`) to keep the number of polls low.

mod common;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use common::{decide, options, transport};
use contacts::{Contact, Email, Name};
use providers::constant_contact::{self, ActivityType, Encoding};
use providers::sandbox::book::GeneratedContact;
use providers::sandbox::{
    BlockingSandbox, BookOf, Fault, FaultKind, PopsellEdit, Sandbox, SandboxConfig,
};
use providers::transport::native::run;
use providers::{cloudsponge, convio, popsell, xmlapi};
use providers::{BasicAuth, Error, Imported, Job, JobOptions, Phase};

fn start(book_size: usize) -> BlockingSandbox {
    Sandbox::start_blocking(SandboxConfig {
        book_size,
        phase_polls: 1,
        ..SandboxConfig::default()
    })
    .expect("sandbox starts")
}

/// Every contact has a source id and none is there twice.
fn assert_unique_source_ids(contacts: &[Contact]) {
    let ids: BTreeSet<&str> = contacts
        .iter()
        .map(|c| {
            c.source_id
                .as_deref()
                .expect("every contact has a source id")
        })
        .collect();
    assert_eq!(ids.len(), contacts.len(), "a source id arrives twice");
}

/// CloudSponge contacts carry no id: the book's first e-mail addresses, in order, identify
/// them (a page lost, fetched twice or out of order shows here).
fn assert_same_emails_in_order(book: &[GeneratedContact], contacts: &[Contact]) {
    let expected: Vec<Option<String>> = book
        .iter()
        .map(|c| c.emails.first().map(|e| e.address.trim().to_lowercase()))
        .collect();
    let received: Vec<Option<String>> = contacts
        .iter()
        .map(|c| c.emails.first().map(|e| e.address.trim().to_lowercase()))
        .collect();
    assert_eq!(received.len(), expected.len());
    for (index, (got, want)) in received.iter().zip(&expected).enumerate() {
        assert_eq!(got, want, "contact {index}");
    }
}

fn cloudsponge_client(
    sandbox: &BlockingSandbox,
    format: cloudsponge::Format,
) -> cloudsponge::Client {
    let config = sandbox.config();
    cloudsponge::Client::new(
        format!("{}/cloudsponge", sandbox.base_url()),
        Some(BasicAuth::new(&config.domain_key, &config.domain_password)),
        format,
    )
}

fn password_import(
    sandbox: &BlockingSandbox,
    format: cloudsponge::Format,
    password: &str,
) -> providers::Result<Imported> {
    let client = cloudsponge_client(sandbox, format);
    let request = cloudsponge::ImportRequest {
        service: "yahoo".into(),
        access: cloudsponge::Access::Password {
            username: "visitor@example.com".into(),
            password: password.into(),
        },
        mailing_address: true,
        user_id: Some("user-7".into()),
        echo: Some("echo-me".into()),
    };
    let transport = transport();
    let mut job = Job::new(&transport, options());
    run(client.import(&mut job, &request)).expect("runtime")
}

fn check_cloudsponge_book(sandbox: &BlockingSandbox, imported: &Imported) {
    let book = sandbox.book(BookOf::CloudSponge);
    assert_eq!(imported.contacts.len(), book.len(), "every contact, once");
    assert_same_emails_in_order(&book, &imported.contacts.iter().collect::<Vec<_>>());
    assert_eq!(imported.user_id.as_deref(), Some("user-7"));
    assert_eq!(imported.echo.as_deref(), Some("echo-me"));
    assert!(imported.owner.is_some(), "the owner record arrives");
    assert!(
        imported.contacts.iter().any(|c| !c.addresses.is_empty()),
        "include=mailing_address brings addresses"
    );
    assert_eq!(
        sandbox.stats().too_fast_polls,
        0,
        "polls at most once a second"
    );
}

#[test]
fn cloudsponge_json_password_import_pages_through_the_whole_book() {
    let sandbox = start(2_500);
    let imported = password_import(&sandbox, cloudsponge::Format::Json, "sandbox").expect("import");
    check_cloudsponge_book(&sandbox, &imported);
    let pages = sandbox
        .stats()
        .operations
        .get("cloudsponge.contacts")
        .copied();
    assert_eq!(pages, Some(5), "2,500 contacts in pages of 500");
}

#[test]
fn cloudsponge_xml_password_import_pages_through_the_whole_book() {
    let sandbox = start(1_200);
    let imported = password_import(&sandbox, cloudsponge::Format::Xml, "sandbox").expect("import");
    check_cloudsponge_book(&sandbox, &imported);
}

#[test]
fn cloudsponge_wrong_password_is_wrong_credentials() {
    let sandbox = start(20);
    for format in [cloudsponge::Format::Json, cloudsponge::Format::Xml] {
        let outcome = password_import(&sandbox, format, "not-the-password");
        assert!(
            matches!(outcome, Err(Error::WrongCredentials { .. })),
            "{outcome:?}"
        );
    }
    assert_eq!(sandbox.stats().too_fast_polls, 0);
}

#[test]
fn cloudsponge_wrong_domain_password_is_unauthorized() {
    let sandbox = start(20);
    let client = cloudsponge::Client::new(
        format!("{}/cloudsponge", sandbox.base_url()),
        Some(BasicAuth::new("sandbox-domain-key", "wrong")),
        cloudsponge::Format::Json,
    );
    let request = cloudsponge::ImportRequest {
        service: "yahoo".into(),
        access: cloudsponge::Access::Password {
            username: "u".into(),
            password: "sandbox".into(),
        },
        mailing_address: false,
        user_id: None,
        echo: None,
    };
    let transport = transport();
    let mut job = Job::new(&transport, options());
    let outcome = run(client.import(&mut job, &request)).expect("runtime");
    assert!(
        matches!(outcome, Err(Error::Unauthorized { .. })),
        "{outcome:?}"
    );
}

/// Runs a consent import; when the consent URL is reported, a task posts `decision` to it.
fn consent_import(
    sandbox: &BlockingSandbox,
    decision: &'static str,
) -> providers::Result<Imported> {
    let client = cloudsponge_client(sandbox, cloudsponge::Format::Json);
    let request = cloudsponge::ImportRequest {
        service: "gmail".into(),
        access: cloudsponge::Access::Consent { redirect_url: None },
        mailing_address: false,
        user_id: None,
        echo: None,
    };
    let transport = transport();
    let mut consent_urls = Vec::new();
    let outcome = run(async {
        let mut job = Job::new(&transport, options()).on_progress(|progress| {
            if progress.phase == Phase::Consent {
                if let Some(url) = &progress.consent_url {
                    if !consent_urls.contains(url) {
                        consent_urls.push(url.clone());
                        tokio::spawn(decide(url.clone(), decision));
                    }
                }
            }
        });
        client.import(&mut job, &request).await
    })
    .expect("runtime");
    assert_eq!(consent_urls.len(), 1, "one consent URL is reported");
    assert!(consent_urls[0].starts_with(&format!("{}/cloudsponge/consent/", sandbox.base_url())));
    outcome
}

#[test]
fn cloudsponge_consent_allowed_imports_the_book() {
    let sandbox = start(300);
    let imported = consent_import(&sandbox, "allow").expect("import");
    let book = sandbox.book(BookOf::CloudSponge);
    assert_eq!(imported.contacts.len(), book.len());
    assert_same_emails_in_order(&book, &imported.contacts.iter().collect::<Vec<_>>());
    assert_eq!(sandbox.stats().too_fast_polls, 0);
}

#[test]
fn cloudsponge_consent_denied_is_consent_refused() {
    let sandbox = start(20);
    let outcome = consent_import(&sandbox, "deny");
    assert!(
        matches!(outcome, Err(Error::ConsentRefused { .. })),
        "{outcome:?}"
    );
    assert_eq!(sandbox.stats().too_fast_polls, 0);
}

fn convio_import(
    sandbox: &BlockingSandbox,
    format: convio::Format,
    decision: &'static str,
) -> providers::Result<Imported> {
    let client = convio::Client {
        endpoint: format!("{}/convio/CRAddressBookAPI", sandbox.base_url()),
        api_key: Some(sandbox.config().api_key.clone()),
        auth: Some(convio::Auth::SsoAuthToken("session-token".into())),
        format,
    };
    let transport = transport();
    let mut oauth_urls = Vec::new();
    let outcome = run(async {
        let mut job = Job::new(&transport, options()).on_progress(|progress| {
            if let Some(url) = &progress.consent_url {
                if !oauth_urls.contains(url) {
                    oauth_urls.push(url.clone());
                    tokio::spawn(decide(url.clone(), decision));
                }
            }
        });
        client.import(&mut job, "GOOGLE", None).await
    })
    .expect("runtime");
    assert_eq!(oauth_urls.len(), 1, "one OAuth URL is reported");
    assert!(oauth_urls[0].starts_with(&format!("{}/convio/oauth/", sandbox.base_url())));
    outcome
}

fn check_convio_book(sandbox: &BlockingSandbox, imported: &Imported) {
    let with_email = sandbox
        .book(BookOf::Convio)
        .iter()
        .filter(|c| !c.emails.is_empty())
        .count();
    assert_eq!(
        imported.contacts.len(),
        with_email,
        "every contact with an e-mail, once"
    );
    let addresses: BTreeSet<String> = imported
        .contacts
        .iter()
        .filter_map(|c| c.primary_email().map(|e| e.address.to_lowercase()))
        .collect();
    assert!(
        addresses.len() * 10 >= with_email * 8,
        "e-mails arrive: {}",
        addresses.len()
    );
}

#[test]
fn convio_json_through_oauth() {
    let sandbox = start(150);
    let imported = convio_import(&sandbox, convio::Format::Json, "allow").expect("import");
    check_convio_book(&sandbox, &imported);
}

#[test]
fn convio_xml_through_oauth() {
    let sandbox = start(150);
    let imported = convio_import(&sandbox, convio::Format::Xml, "allow").expect("import");
    check_convio_book(&sandbox, &imported);
}

#[test]
fn convio_oauth_denied_is_consent_refused() {
    let sandbox = start(20);
    let outcome = convio_import(&sandbox, convio::Format::Json, "deny");
    assert!(
        matches!(outcome, Err(Error::ConsentRefused { .. })),
        "{outcome:?}"
    );
}

fn popsell_template(sandbox: &BlockingSandbox) -> String {
    format!(
        "{}/popsell/api/{{customer_id}}/contacts?token={{token}}",
        sandbox.base_url()
    )
}

#[test]
fn popsell_full_then_incremental_sync_applies_updates_and_soft_deletes() {
    let sandbox = start(400);
    let client = popsell::Client::with_key(
        &popsell_template(&sandbox),
        "42",
        &sandbox.config().popsell_static_key,
    );
    let book = sandbox.book(BookOf::Popsell("42".into()));
    let live: Vec<_> = book.iter().filter(|c| !c.soft_deleted).collect();
    let transport = transport();
    let mut sync = popsell::PopsellSync::default();

    let first = {
        let mut job = Job::new(&transport, options());
        run(sync.sync(&client, &mut job, None))
            .expect("runtime")
            .expect("full sync")
    };
    assert_eq!(sync.contacts.len(), live.len(), "every live contact, once");
    assert_unique_source_ids(&first.contacts.iter().collect::<Vec<_>>());
    assert!(sync.last_sync.is_some());

    // Popsell ids are `P` + the 6-digit book index.
    let updated_id = format!("P{:06}", live[3].index);
    let deleted_id = format!("P{:06}", live[5].index);
    sandbox
        .popsell_touch(
            "42",
            PopsellEdit::Update {
                id: updated_id.clone(),
                first_name: Some("Renamed".into()),
                last_name: None,
                email: None,
            },
        )
        .expect("known id");
    sandbox
        .popsell_touch(
            "42",
            PopsellEdit::SoftDelete {
                id: deleted_id.clone(),
            },
        )
        .expect("known id");
    let added = sandbox
        .popsell_touch(
            "42",
            PopsellEdit::Add {
                first_name: "New".into(),
                last_name: "Person".into(),
                email: "new.person@example.com".into(),
            },
        )
        .expect("added");

    let second = {
        let mut job = Job::new(&transport, options());
        run(sync.sync(&client, &mut job, None))
            .expect("runtime")
            .expect("incremental sync")
    };
    assert_eq!(sync.contacts.len(), live.len(), "one deleted, one added");
    assert!(!sync.contacts.contains_key(&deleted_id));
    assert!(sync.contacts.contains_key(&added.id));
    let renamed = &sync.contacts[&updated_id];
    assert_eq!(renamed.name.given.as_deref(), Some("Renamed"));
    let deleted: Vec<_> = second.contacts.iter().filter(|c| c.deleted).collect();
    assert_eq!(deleted.len(), 1);
    assert_eq!(deleted[0].source_id.as_deref(), Some(deleted_id.as_str()));
    assert_eq!(
        second.contacts.len(),
        live.len() + 1,
        "the live book and the deleted one"
    );
    assert_eq!(sync.last_sync.as_deref(), Some(added.modified.as_str()));

    // The incremental request asked only for what changed: three records came back.
    let mut job = Job::new(&transport, options());
    let changed = run(client.fetch(&mut job, sync.last_sync.as_deref()))
        .expect("runtime")
        .expect("fetch");
    assert!(changed.is_empty(), "nothing changed after the last sync");
}

#[test]
fn popsell_wrong_key_is_unauthorized() {
    let sandbox = start(10);
    let client = popsell::Client::with_key(&popsell_template(&sandbox), "42", "wrong-key");
    let transport = transport();
    let mut job = Job::new(&transport, options());
    let outcome = run(client.fetch(&mut job, None)).expect("runtime");
    assert!(
        matches!(outcome, Err(Error::Unauthorized { .. })),
        "{outcome:?}"
    );
}

/// Contacts with long job titles, so that a few thousand of them exceed the 1.9 MB limit.
fn export_contacts(count: usize) -> Vec<Contact> {
    (0..count)
        .map(|i| Contact {
            name: Name {
                given: Some(format!("Given{i}")),
                family: Some(format!("Family{i}")),
                ..Name::default()
            },
            emails: vec![Email {
                address: format!("person{i}@example.com"),
                primary: true,
                ..Email::default()
            }],
            title: Some(format!("Title {i} {}", "x".repeat(400))),
            ..Contact::default()
        })
        .collect()
}

fn cc_export(contacts: &[Contact], encoding: Encoding, list: &str) {
    let sandbox = start(10);
    let client = constant_contact::Client {
        endpoint: format!("{}/constantcontact", sandbox.base_url()),
        username: "joe".into(),
        credentials: Some(BasicAuth::new("joe", &sandbox.config().cc_password)),
    };
    let transport = transport();
    let mut job = Job::new(&transport, options());
    let report = run(client.export(
        &mut job,
        contacts,
        ActivityType::SvAdd,
        &[list.to_string()],
        encoding,
    ))
    .expect("runtime");
    assert_eq!(report.error, None);
    assert_eq!(report.rows_sent, contacts.len());
    assert_eq!(report.rows_unsent, 0);
    assert!(report.skipped.is_empty());
    assert!(
        report.activities.len() >= 2,
        "split into {} activities",
        report.activities.len()
    );
    assert!(report.activities.iter().all(|a| a.errors.is_empty()));
    let expected: Vec<String> = contacts
        .iter()
        .filter_map(|c| c.primary_email().map(|e| e.address.clone()))
        .collect();
    let number: u64 = list
        .rsplit('/')
        .next()
        .and_then(|n| n.parse().ok())
        .expect("list number");
    let received = sandbox.cc_received("joe", number);
    assert_eq!(received.len(), expected.len(), "no row lost or sent twice");
    assert_eq!(received, expected, "every row, in order");
    let creates = sandbox
        .stats()
        .operations
        .get("cc.activities.create")
        .copied();
    assert_eq!(creates, Some(report.activities.len() as u64));
}

#[test]
fn constant_contact_export_is_split_under_the_limit_urlencoded() {
    cc_export(&export_contacts(5_000), Encoding::UrlEncoded, "3");
}

#[test]
fn constant_contact_export_is_split_under_the_limit_multipart() {
    cc_export(&export_contacts(5_000), Encoding::Multipart, "7");
}

#[test]
fn xmlapi_lists_every_page_and_upserts() {
    let sandbox = start(230);
    let client = xmlapi::Client::new(format!("{}/xmlapi", sandbox.base_url()), None);
    let transport = transport();
    let imported = {
        let mut job = Job::new(&transport, options());
        run(client.import(&mut job, &xmlapi::Filter::default()))
            .expect("runtime")
            .expect("import")
    };
    assert_eq!(imported.contacts.len(), 230);
    assert_unique_source_ids(&imported.contacts.iter().collect::<Vec<_>>());
    let pages = sandbox
        .stats()
        .operations
        .get("xmlapi.contact.list")
        .copied();
    assert_eq!(pages, Some(3), "230 contacts in pages of 100");

    let store = sandbox.xmlapi_contacts();
    let (&existing_id, existing) = store.iter().next().expect("a stored contact");
    let client_id = existing.get("client_id").cloned().expect("client_id");
    let existing_email = existing.get("email").cloned().expect("email");
    let mut changed = Contact {
        name: Name {
            given: Some("Changed".into()),
            family: Some("Name".into()),
            ..Name::default()
        },
        emails: vec![Email {
            address: existing_email.clone(),
            primary: true,
            ..Email::default()
        }],
        ..Contact::default()
    };
    changed.name.display = Some("Changed Name".into());
    let new = Contact {
        name: Name {
            given: Some("Brand".into()),
            family: Some("New".into()),
            ..Name::default()
        },
        emails: vec![Email {
            address: "brand.new@example.com".into(),
            primary: true,
            ..Email::default()
        }],
        ..Contact::default()
    };
    let report = {
        let mut job = Job::new(&transport, options());
        run(client.upsert(&mut job, &[changed, new], &client_id)).expect("runtime")
    };
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    assert_eq!(report.updated, vec![(0, existing_id.to_string())]);
    assert_eq!(report.created.len(), 1);

    let after = sandbox.xmlapi_contacts();
    assert_eq!(after.len(), store.len() + 1);
    let updated = &after[&existing_id];
    assert_eq!(
        updated.get("first_name").map(String::as_str),
        Some("Changed")
    );
    assert_eq!(updated.get("email"), Some(&existing_email));
    let created_id: u64 = report.created[0].1.parse().expect("numeric id");
    let created = &after[&created_id];
    assert_eq!(
        created.get("email").map(String::as_str),
        Some("brand.new@example.com")
    );
    assert_eq!(created.get("client_id"), Some(&client_id));
}

fn popsell_fetch_with(
    sandbox: &BlockingSandbox,
    options: JobOptions,
) -> providers::Result<Vec<Contact>> {
    let client = popsell::Client::with_key(
        &popsell_template(sandbox),
        "1",
        &sandbox.config().popsell_static_key,
    );
    let transport = transport();
    let mut job = Job::new(&transport, options);
    run(client.fetch(&mut job, None)).expect("runtime")
}

#[test]
fn faults_503_once_is_retried_and_429_retry_after_is_honoured() {
    let sandbox = start(30);
    sandbox.set_faults(vec![Fault::once("/popsell", FaultKind::Status(503))]);
    let contacts = popsell_fetch_with(&sandbox, options()).expect("retried after the 503");
    assert_eq!(contacts.len(), 30);
    let stats = sandbox.stats();
    assert_eq!(stats.faults_injected, 1);
    assert_eq!(stats.operations.get("popsell.contacts").copied(), Some(1));

    sandbox.reset_stats();
    sandbox.set_faults(vec![Fault::once("/popsell", FaultKind::RateLimit(1))]);
    let started = Instant::now();
    let contacts = popsell_fetch_with(&sandbox, options()).expect("retried after the 429");
    let waited = started.elapsed();
    assert_eq!(contacts.len(), 30);
    assert!(
        waited >= Duration::from_secs(1),
        "Retry-After honoured: {waited:?}"
    );
    assert!(waited < Duration::from_secs(5), "{waited:?}");
    assert_eq!(sandbox.stats().faults_injected, 1);
}

#[test]
fn faults_malformed_and_truncated_bodies_are_malformed_errors() {
    let sandbox = start(30);
    let no_retries = JobOptions {
        max_retries: 0,
        ..options()
    };
    for kind in [FaultKind::Malformed, FaultKind::Truncated] {
        sandbox.set_faults(vec![Fault::always("/popsell", kind)]);
        let outcome = popsell_fetch_with(&sandbox, no_retries.clone());
        assert!(
            matches!(outcome, Err(Error::Malformed { .. })),
            "{kind:?}: {outcome:?}"
        );
        sandbox.set_faults(vec![Fault::always("/xmlapi", kind)]);
        let client = xmlapi::Client::new(format!("{}/xmlapi", sandbox.base_url()), None);
        let transport = transport();
        let mut job = Job::new(&transport, no_retries.clone());
        let outcome = run(client.import(&mut job, &xmlapi::Filter::default())).expect("runtime");
        assert!(
            matches!(outcome, Err(Error::Malformed { .. })),
            "xmlapi {kind:?}: {outcome:?}"
        );
    }
    // A malformed answer once, on a GET, is retried like any passing failure.
    sandbox.set_faults(vec![Fault::once("/popsell", FaultKind::Truncated)]);
    let contacts = popsell_fetch_with(&sandbox, options()).expect("retried");
    assert_eq!(contacts.len(), 30);
}
