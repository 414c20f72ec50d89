//! Convio's CRAddressBookAPI in the sandbox over raw HTTP: start, OAuth allow/deny, PENDING to
//! SUCCESS, contacts in XML (namespace) and JSON (the one-element collapse), and errorResponses.

use providers::sandbox::{BookOf, Sandbox, SandboxConfig};
use serde_json::Value;

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

async fn call(base: &str, query: &str) -> (u16, String) {
    let response = client()
        .get(format!("{base}/convio/CRAddressBookAPI?{query}"))
        .send()
        .await
        .expect("send");
    (
        response.status().as_u16(),
        response.text().await.expect("body"),
    )
}

const COMMON: &str = "api_key=sandbox-api-key&v=1.0&auth=session-token";

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

async fn start_job(base: &str) -> (String, String) {
    let (status, body) = call(
        base,
        &format!("method=startOnlineAddressBookImport&{COMMON}&import_source=GOOGLE&response_format=json"),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let answer = json(&body);
    let started = &answer["startOnlineAddressBookImportResponse"];
    (
        started["jobId"].as_str().expect("jobId").to_string(),
        started["oauthUrl"].as_str().expect("oauthUrl").to_string(),
    )
}

async fn decide(url: &str, decision: &str) -> String {
    let response = client()
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("decision={decision}"))
        .send()
        .await
        .expect("decide");
    assert_eq!(response.status().as_u16(), 303);
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

async fn status_json(base: &str, job: &str) -> Value {
    let (status, body) = call(
        base,
        &format!("method=getAddressBookImportJobStatus&{COMMON}&import_job_id={job}&response_format=json"),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    json(&body)["getAddressBookImportJobStatusResponse"].clone()
}

#[tokio::test]
async fn pending_until_authorized_then_success_with_collapsed_lists() {
    let sandbox = Sandbox::start(SandboxConfig {
        book_size: 30,
        ..SandboxConfig::default()
    })
    .await
    .expect("start");
    let base = sandbox.base_url().to_string();
    let (job, oauth_url) = start_job(&base).await;
    assert_eq!(oauth_url, format!("{base}/convio/oauth/{job}"));

    let pending = status_json(&base, &job).await;
    assert_eq!(pending["jobStatus"], "PENDING");
    // One event: the collapse quirk gives a bare string, not a list.
    assert_eq!(pending["events"]["event"], "Waiting for authorization");
    let (status, body) = call(
        &base,
        &format!(
            "method=getAddressBookImportContacts&{COMMON}&import_job_id={job}&response_format=json"
        ),
    )
    .await;
    assert_eq!(status, 403, "contacts before SUCCESS: {body}");
    assert!(json(&body)["errorResponse"]["code"].is_string());

    let page = client().get(&oauth_url).send().await.expect("page");
    assert!(page.text().await.expect("html").contains("value=\"allow\""));
    let location = decide(&oauth_url, "allow").await;
    assert_eq!(location, format!("/convio/oauth/{job}/done"));

    let first = status_json(&base, &job).await;
    assert_eq!(first["jobStatus"], "PENDING");
    assert_eq!(first["events"]["event"], "Received authorization");
    let second = status_json(&base, &job).await;
    assert_eq!(
        second["events"]["event"],
        serde_json::json!(["Received authorization", "Importing Contacts"])
    );
    status_json(&base, &job).await;
    let done = status_json(&base, &job).await;
    assert_eq!(done["jobStatus"], "SUCCESS");

    let (status, body) = call(
        &base,
        &format!(
            "method=getAddressBookImportContacts&{COMMON}&import_job_id={job}&response_format=json"
        ),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let list = json(&body)["getAddressBookImportContactsResponse"]["contact"].clone();
    let expected: Vec<_> = sandbox
        .book(BookOf::Convio)
        .into_iter()
        .filter(|c| !c.emails.is_empty())
        .collect();
    let list = list.as_array().expect("several contacts are a list");
    assert_eq!(list.len(), expected.len());
    assert_eq!(list[0]["email"], expected[0].emails[0].address.as_str());
    assert_eq!(list[0]["firstName"], expected[0].first_name.as_str());

    // XML: the namespace, and a plain repeated element.
    let (status, body) = call(
        &base,
        &format!("method=getAddressBookImportContacts&{COMMON}&import_job_id={job}"),
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        body.contains("xmlns=\"http://convio.com/crm/v1.0\""),
        "{body}"
    );
    let root = contacts::xml::parse(&body).expect("xml");
    assert_eq!(root.name, "getAddressBookImportContactsResponse");
    assert_eq!(root.children_named("contact").count(), expected.len());
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_single_contact_collapses_to_an_object() {
    // Find a book of one contact that has an e-mail.
    let sandbox = Sandbox::start(SandboxConfig {
        book_size: 1,
        phase_polls: 1,
        ..SandboxConfig::default()
    })
    .await
    .expect("start");
    assert!(!sandbox.book(BookOf::Convio)[0].emails.is_empty());
    let base = sandbox.base_url().to_string();
    let (job, _) = start_job(&base).await;
    // The callback method itself, as an app would call it with the code.
    let (status, body) = call(
        &base,
        &format!("method=addressBookImportOAuthCallback&api_key=sandbox-api-key&v=1.0&import_job_id={job}&code=abc&response_format=json"),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        json(&body)["addressBookImportOAuthCallbackResponse"]["content"],
        "OK"
    );
    status_json(&base, &job).await;
    assert_eq!(status_json(&base, &job).await["jobStatus"], "SUCCESS");
    let (_, body) = call(
        &base,
        &format!(
            "method=getAddressBookImportContacts&{COMMON}&import_job_id={job}&response_format=json"
        ),
    )
    .await;
    let contact = &json(&body)["getAddressBookImportContactsResponse"]["contact"];
    assert!(
        contact.is_object(),
        "one contact is a bare object: {contact}"
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn deny_fails_the_job_and_redirects_to_the_callback() {
    let sandbox = Sandbox::start(SandboxConfig::default())
        .await
        .expect("start");
    let base = sandbox.base_url().to_string();
    let (status, body) = call(
        &base,
        &format!("method=startOnlineAddressBookImport&{COMMON}&import_source=YAHOO&callback_url=https%3A%2F%2Fapp.example%2Fcb&response_format=json"),
    )
    .await;
    assert_eq!(status, 200);
    let started = json(&body)["startOnlineAddressBookImportResponse"].clone();
    let job = started["jobId"].as_str().expect("job").to_string();
    let location = decide(started["oauthUrl"].as_str().expect("url"), "deny").await;
    assert_eq!(
        location,
        format!("https://app.example/cb?import_job_id={job}&error=access_denied")
    );
    assert_eq!(status_json(&base, &job).await["jobStatus"], "FAILURE");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn errors_are_403_error_responses() {
    let sandbox = Sandbox::start(SandboxConfig::default())
        .await
        .expect("start");
    let base = sandbox.base_url().to_string();
    let cases = [
        ("method=getAddressBookImportJobStatus&api_key=wrong&v=1.0&auth=x&import_job_id=1", "2"),
        ("method=getAddressBookImportJobStatus&api_key=sandbox-api-key&v=1.0&auth=expired&import_job_id=1", "3"),
        ("method=getAddressBookImportJobStatus&api_key=sandbox-api-key&v=1.0&import_job_id=1", "3"),
        ("method=getAddressBookImportJobStatus&api_key=sandbox-api-key&v=1.0&auth=x", "10"),
        ("method=noSuchMethod&api_key=sandbox-api-key&v=1.0&auth=x", "6"),
        ("method=startOnlineAddressBookImport&api_key=sandbox-api-key&v=1.0&auth=x", "10"),
    ];
    for (query, code) in cases {
        let (status, body) = call(&base, &format!("{query}&response_format=json")).await;
        assert_eq!(status, 403, "{query}");
        assert_eq!(
            json(&body)["errorResponse"]["code"],
            code,
            "{query}: {body}"
        );
        let (status, body) = call(&base, query).await;
        assert_eq!(status, 403);
        let root = contacts::xml::parse(&body).expect("xml");
        assert_eq!(root.name, "errorResponse");
        assert_eq!(root.child("code").map(|c| c.text()), Some(code));
    }
    // POST form works like GET.
    let response = client()
        .post(format!("{base}/convio/CRAddressBookAPI"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "method=startOnlineAddressBookImport&{COMMON}&import_source=GOOGLE"
        ))
        .send()
        .await
        .expect("post");
    assert_eq!(response.status().as_u16(), 200);
    sandbox.shutdown().await;
}
