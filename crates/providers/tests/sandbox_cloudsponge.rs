//! CloudSponge in the sandbox, driven with raw HTTP: JSON and XML, events to COMPLETE, 404 before
//! it, consent allow/deny, wrong credentials, and paging through 100k contacts.

use std::time::Duration;

use providers::sandbox::{BookOf, Sandbox, SandboxConfig};
use serde_json::Value;

const KEY: &str = "sandbox-domain-key";
const SECRET: &str = "sandbox-domain-password";

fn fast(book_size: usize) -> SandboxConfig {
    SandboxConfig {
        book_size,
        min_poll_interval: Duration::ZERO,
        ..SandboxConfig::default()
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

async fn post_form(url: &str, form: &[(&str, &str)]) -> (u16, String) {
    let body: String = form_encode(form);
    let response = client()
        .post(url)
        .basic_auth(KEY, Some(SECRET))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .expect("send");
    (
        response.status().as_u16(),
        response.text().await.expect("body"),
    )
}

fn form_encode(form: &[(&str, &str)]) -> String {
    form.iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn get(url: &str) -> (u16, String) {
    let response = client()
        .get(url)
        .basic_auth(KEY, Some(SECRET))
        .send()
        .await
        .expect("send");
    (
        response.status().as_u16(),
        response.text().await.expect("body"),
    )
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// Polls the events until COMPLETE or ERROR; returns every answer.
async fn poll_events(base: &str, id: i64) -> Vec<Value> {
    let mut answers = Vec::new();
    for _ in 0..20 {
        let (status, body) = get(&format!("{base}/cloudsponge/events/{id}.json")).await;
        assert_eq!(status, 200, "{body}");
        let answer = json(&body);
        let done = answer["events"].as_array().is_some_and(|events| {
            events.iter().any(|e| {
                e["status"] == "ERROR"
                    || (e["event_type"] == "COMPLETE" && e["status"] == "COMPLETED")
            })
        });
        answers.push(answer);
        if done {
            return answers;
        }
    }
    panic!("import {id} never finished: {answers:?}");
}

#[tokio::test]
async fn password_import_json_happy_path() {
    let sandbox = Sandbox::start(fast(40)).await.expect("start");
    let base = sandbox.base_url().to_string();
    let (status, body) = post_form(
        &format!("{base}/cloudsponge/begin_import/import.json"),
        &[
            ("service", "icloud"),
            ("username", "visitor@example.com"),
            ("password", "sandbox"),
            ("user_id", "u-7"),
            ("echo", "round trip"),
            ("include", "mailing_address"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let begun = json(&body);
    assert_eq!(begun["status"], "success");
    assert_eq!(begun["user_id"], "u-7");
    assert_eq!(begun["echo"], "round trip");
    let id = begun["import_id"].as_i64().expect("import_id");
    assert_eq!(begun["id"], id);

    // Not ready before COMPLETE.
    let (status, _) = get(&format!("{base}/cloudsponge/contacts/{id}.json")).await;
    assert_eq!(status, 404);

    let answers = poll_events(&base, id).await;
    assert_eq!(answers.len(), 5, "INITIALIZING, 3 x GATHERING, COMPLETE");
    let gathered: Vec<i64> = answers
        .iter()
        .filter_map(|a| {
            a["events"]
                .as_array()?
                .iter()
                .find(|e| e["event_type"] == "GATHERING")?["value"]
                .as_i64()
        })
        .collect();
    assert!(gathered.windows(2).all(|w| w[0] <= w[1]), "{gathered:?}");
    assert_eq!(gathered.last(), Some(&40));
    assert_eq!(answers[0]["echo"], "round trip");

    let (status, body) = get(&format!("{base}/cloudsponge/contacts/{id}.json")).await;
    assert_eq!(status, 200, "{body}");
    let page = json(&body);
    assert_eq!(page["total"], 40);
    assert_eq!(page["count"], 40);
    assert_eq!(page["user_id"], "u-7");
    assert_eq!(page["contacts_owner"]["owner"], true);
    let contacts = page["contacts"].as_array().expect("contacts");
    assert_eq!(contacts.len(), 40);
    let book = sandbox.book(BookOf::CloudSponge);
    for (contact, expected) in contacts.iter().zip(&book) {
        let address = contact["email"][0]["address"].as_str().map(str::trim_end);
        assert_eq!(
            address,
            expected.emails.first().map(|e| e.address.as_str()),
            "{contact}"
        );
        assert!(contact["address"].is_array(), "include=mailing_address");
        assert!(contact["photos"].is_array());
    }
    // Paging with start/count.
    let (_, body) = get(&format!(
        "{base}/cloudsponge/contacts/{id}.json?start=35&count=10"
    ))
    .await;
    let tail = json(&body);
    assert_eq!(tail["count"], 5);
    assert_eq!(tail["start"], 35);
    assert_eq!(tail["contacts"][0], contacts[35]);

    let stats = sandbox.stats();
    assert_eq!(stats.operations.get("cloudsponge.events"), Some(&5));
    assert_eq!(
        stats.routes.get("GET /cloudsponge/contacts/{import_id}"),
        Some(&3)
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn xml_shapes_follow_rails() {
    let sandbox = Sandbox::start(SandboxConfig {
        phase_polls: 1,
        ..fast(3)
    })
    .await
    .expect("start");
    let base = sandbox.base_url().to_string();
    let (status, body) = post_form(
        &format!("{base}/cloudsponge/begin_import/import.xml"),
        &[
            ("service", "icloud"),
            ("username", "v"),
            ("password", "sandbox"),
        ],
    )
    .await;
    assert_eq!(status, 200);
    let result = contacts::xml::parse(&body).expect("xml");
    assert_eq!(result.name, "result");
    assert_eq!(result.child("status").map(|e| e.text()), Some("success"));
    let id = result
        .child("import-id")
        .map(|e| e.text().to_string())
        .expect("import-id");
    assert_eq!(
        result.child("user-id").and_then(|e| e.attr("nil")),
        Some("true")
    );
    let mut last = None;
    for _ in 0..4 {
        let (status, body) = get(&format!("{base}/cloudsponge/events/{id}.xml")).await;
        assert_eq!(status, 200);
        last = Some(contacts::xml::parse(&body).expect("events xml"));
    }
    let events = last.expect("events");
    assert_eq!(events.name, "eventsResponse");
    let list = events.child("events").expect("events");
    assert_eq!(list.attr("type"), Some("array"));
    let types: Vec<&str> = list
        .children_named("event")
        .filter_map(|e| e.child("event-type").map(|t| t.text()))
        .collect();
    assert_eq!(types, vec!["INITIALIZING", "GATHERING", "COMPLETE"]);
    assert_eq!(
        list.children
            .first()
            .and_then(|e| e.child("value"))
            .and_then(|v| v.attr("type")),
        Some("integer")
    );
    let (status, body) = get(&format!("{base}/cloudsponge/contacts/{id}.xml")).await;
    assert_eq!(status, 200);
    let response = contacts::xml::parse(&body).expect("contacts xml");
    assert_eq!(response.name, "contactsResponse");
    assert!(response.child("contacts-owner").is_some());
    let contacts = response.child("contacts").expect("contacts");
    assert_eq!(contacts.attr("type"), Some("array"));
    assert_eq!(contacts.children_named("contact").count(), 3);
    let first = contacts.children.first().expect("a contact");
    assert!(first.child("first-name").is_some());
    assert_eq!(
        first.child("email").and_then(|e| e.attr("type")),
        Some("array")
    );
    // The quirks of real data are served as they come, e.g. companies [null].
    sandbox.shutdown().await;
}

#[tokio::test]
async fn credentials_are_checked() {
    let sandbox = Sandbox::start(fast(5)).await.expect("start");
    let base = sandbox.base_url().to_string();
    // Wrong domain password: 401 + error message.
    let response = client()
        .post(format!("{base}/cloudsponge/begin_import/import.json"))
        .basic_auth(KEY, Some("nope"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("service=icloud&username=a&password=sandbox")
        .send()
        .await
        .expect("send");
    assert_eq!(response.status().as_u16(), 401);
    let body = json(&response.text().await.expect("body"));
    assert!(body["error"]["message"].is_string());
    // Domain credentials as form parameters work too.
    let response = client()
        .post(format!("{base}/cloudsponge/begin_import/import.json"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "domain_key={KEY}&domain_password={SECRET}&service=icloud&username=a&password=wrong"
        ))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status().as_u16(), 200);
    let id = json(&response.text().await.expect("body"))["import_id"]
        .as_i64()
        .expect("id");
    // Wrong visitor password: ERROR in INITIALIZING.
    let answers = poll_events(&base, id).await;
    let event = &answers[answers.len() - 1]["events"][0];
    assert_eq!(event["event_type"], "INITIALIZING");
    assert_eq!(event["status"], "ERROR");
    assert_eq!(event["description"], "Invalid username or password");
    let (status, _) = get(&format!("{base}/cloudsponge/contacts/{id}.json")).await;
    assert_eq!(status, 404);
    // Missing parameters.
    let (status, _) = post_form(
        &format!("{base}/cloudsponge/begin_import/import.json"),
        &[("service", "icloud")],
    )
    .await;
    assert_eq!(status, 400);
    sandbox.shutdown().await;
}

async fn consent_import(base: &str) -> (i64, String) {
    let (status, body) = post_form(
        &format!("{base}/cloudsponge/begin_import/user_consent.json"),
        &[("service", "gmail"), ("echo", "e")],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let begun = json(&body);
    assert_eq!(begun["import_type"], "OAUTH");
    (
        begun["import_id"].as_i64().expect("id"),
        begun["url"].as_str().expect("url").to_string(),
    )
}

#[tokio::test]
async fn consent_allow_and_deny() {
    let sandbox = Sandbox::start(fast(12)).await.expect("start");
    let base = sandbox.base_url().to_string();

    let (id, url) = consent_import(&base).await;
    assert_eq!(url, format!("{base}/cloudsponge/consent/{id}"));
    // Waiting for the visitor: INITIALIZING in progress, no matter how often we poll.
    for _ in 0..4 {
        let (_, body) = get(&format!("{base}/cloudsponge/events/{id}.json")).await;
        let answer = json(&body);
        assert_eq!(answer["events"][0]["status"], "INPROGRESS");
        assert_eq!(answer["events"].as_array().map(Vec::len), Some(1));
    }
    let page = client().get(&url).send().await.expect("page");
    let html = page.text().await.expect("html");
    assert!(html.contains("value=\"allow\"") && html.contains("value=\"deny\""));
    let decided = client()
        .post(&url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("decision=allow")
        .send()
        .await
        .expect("allow");
    assert_eq!(decided.status().as_u16(), 200);
    let answers = poll_events(&base, id).await;
    assert_eq!(answers.len(), 5);
    let (status, body) = get(&format!("{base}/cloudsponge/contacts/{id}.json")).await;
    assert_eq!(status, 200);
    assert_eq!(json(&body)["contacts"].as_array().map(Vec::len), Some(12));

    let (id, url) = consent_import(&base).await;
    client()
        .post(&url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("decision=deny")
        .send()
        .await
        .expect("deny");
    let answers = poll_events(&base, id).await;
    let event = &answers[0]["events"][0];
    assert_eq!(event["status"], "ERROR");
    assert_eq!(event["description"], "User denied consent");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn polls_closer_than_a_second_are_counted() {
    let sandbox = Sandbox::start(SandboxConfig {
        min_poll_interval: Duration::from_millis(300),
        ..SandboxConfig::default()
    })
    .await
    .expect("start");
    let base = sandbox.base_url().to_string();
    let (_, body) = post_form(
        &format!("{base}/cloudsponge/begin_import/import.json"),
        &[
            ("service", "icloud"),
            ("username", "a"),
            ("password", "sandbox"),
        ],
    )
    .await;
    let id = json(&body)["import_id"].as_i64().expect("id");
    get(&format!("{base}/cloudsponge/events/{id}.json")).await;
    tokio::time::sleep(Duration::from_millis(350)).await;
    get(&format!("{base}/cloudsponge/events/{id}.json")).await;
    assert_eq!(sandbox.stats().too_fast_polls, 0);
    get(&format!("{base}/cloudsponge/events/{id}.json")).await;
    assert_eq!(sandbox.stats().too_fast_polls, 1);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn pages_through_100k_contacts_without_loss_or_repeats() {
    let size = 100_000;
    let sandbox = Sandbox::start(SandboxConfig {
        phase_polls: 1,
        ..fast(size)
    })
    .await
    .expect("start");
    let base = sandbox.base_url().to_string();
    let (_, body) = post_form(
        &format!("{base}/cloudsponge/begin_import/import.json"),
        &[
            ("service", "icloud"),
            ("username", "big"),
            ("password", "sandbox"),
        ],
    )
    .await;
    let id = json(&body)["import_id"].as_i64().expect("id");
    poll_events(&base, id).await;
    let book = sandbox.book(BookOf::CloudSponge);
    let page_size = 10_000;
    let mut seen = 0usize;
    let mut start = 0usize;
    loop {
        let (status, body) = get(&format!(
            "{base}/cloudsponge/contacts/{id}.json?start={start}&count={page_size}"
        ))
        .await;
        assert_eq!(status, 200);
        let page = json(&body);
        assert_eq!(page["total"], size);
        let contacts = page["contacts"].as_array().expect("contacts");
        if contacts.is_empty() {
            break;
        }
        for (offset, contact) in contacts.iter().enumerate() {
            let expected = &book[start + offset];
            let first = contact["first_name"].as_str().unwrap_or_default();
            assert!(
                first.starts_with(expected.first_name.as_str()),
                "at {}",
                start + offset
            );
            let address = contact["email"][0]["address"].as_str().map(str::trim_end);
            assert_eq!(address, expected.emails.first().map(|e| e.address.as_str()));
        }
        seen += contacts.len();
        start += contacts.len();
    }
    assert_eq!(seen, size);
    // The book's own repeats are ~10%, never an exact copy returned twice by paging.
    let duplicates = book.iter().filter(|c| c.duplicate_of.is_some()).count();
    assert!((8_000..12_000).contains(&duplicates), "{duplicates}");
    sandbox.shutdown().await;
}
