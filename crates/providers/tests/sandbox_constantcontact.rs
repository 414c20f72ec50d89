//! Constant Contact v1 activities in the sandbox over raw HTTP: 201 + Location + Atom entry,
//! per-row errors, rows received per list, the 1.9 MB limit, header row and list checks,
//! multipart, and status polling.

use providers::sandbox::{Sandbox, SandboxConfig};

fn client() -> reqwest::Client {
    reqwest::Client::new()
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            b' ' => "+".to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn post(base: &str, body: String, password: &str) -> (u16, Option<String>, String) {
    let response = client()
        .post(format!(
            "{base}/constantcontact/ws/customers/joesflowers/activities"
        ))
        .basic_auth("joesflowers", Some(password))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .expect("send");
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    (
        response.status().as_u16(),
        location,
        response.text().await.expect("body"),
    )
}

fn body(activity: &str, data: &str, lists: &[String]) -> String {
    let mut out = format!("activityType={activity}&data={}", enc(data));
    for list in lists {
        out.push_str(&format!("&lists={}", enc(list)));
    }
    out
}

#[tokio::test]
async fn creates_an_activity_and_keeps_rows() {
    let sandbox = Sandbox::start(SandboxConfig::default())
        .await
        .expect("start");
    let base = sandbox.base_url().to_string();
    let lists = vec![
        format!("{base}/constantcontact/ws/customers/joesflowers/lists/2"),
        "http://api.constantcontact.com/ws/customers/joesflowers/lists/5".to_string(),
    ];
    let data = "EMAIL ADDRESS,FIRST NAME,LAST NAME,CITY\r\n\
                wstest3@example.com, Fred, Test,\"Boston, MA\"\r\n\
                not-an-email, Joan, Test,\r\n\
                wstest5@example.com, Ann, Test,";
    let (status, location, entry) = post(&base, body("SV_ADD", data, &lists), "sandbox").await;
    assert_eq!(status, 201, "{entry}");
    let location = location.expect("Location");
    assert!(location.starts_with(&format!(
        "{base}/constantcontact/ws/customers/joesflowers/activities/"
    )));
    let root = contacts::xml::parse(&entry).expect("atom");
    assert_eq!(root.name, "entry");
    assert_eq!(root.child("id").map(|e| e.text()), Some(location.as_str()));
    let activity = root
        .child("content")
        .and_then(|c| c.child("Activity"))
        .expect("Activity");
    assert_eq!(activity.attr("id"), Some(location.as_str()));
    assert!(entry.contains("<Activity xmlns=\"http://ws.constantcontact.com/ns/1.0/\""));
    assert_eq!(activity.child("Type").map(|e| e.text()), Some("SV_ADD"));
    assert_eq!(activity.child("Status").map(|e| e.text()), Some("PENDING"));
    assert_eq!(
        activity.child("TransactionCount").map(|e| e.text()),
        Some("3")
    );
    let errors: Vec<_> = activity
        .child("Errors")
        .expect("Errors")
        .children_named("Error")
        .collect();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].child("LineNumber").map(|e| e.text()), Some("3"));
    assert_eq!(
        errors[0].child("EmailAddress").map(|e| e.text()),
        Some("not-an-email")
    );

    assert_eq!(
        sandbox.cc_received("joesflowers", 2),
        vec!["wstest3@example.com", "wstest5@example.com"]
    );
    assert_eq!(sandbox.cc_received("joesflowers", 5).len(), 2);
    let rows = sandbox.cc_received_rows("joesflowers", 2);
    assert_eq!(rows[0].get("CITY").map(String::as_str), Some("Boston, MA"));
    assert_eq!(rows[0].get("FIRST NAME").map(String::as_str), Some("Fred"));
    // The same through HTTP, for out-of-process tests.
    let inspected: Vec<String> = serde_json::from_str(
        &reqwest::get(format!(
            "{base}/sandbox/constantcontact/joesflowers/lists/5"
        ))
        .await
        .expect("inspect")
        .text()
        .await
        .expect("body"),
    )
    .expect("json");
    assert_eq!(
        inspected,
        vec!["wstest3@example.com", "wstest5@example.com"]
    );

    // Status: RUNNING, then COMPLETE after phase_polls reads.
    let mut statuses = Vec::new();
    for _ in 0..4 {
        let text = client()
            .get(&location)
            .basic_auth("joesflowers", Some("sandbox"))
            .send()
            .await
            .expect("get")
            .text()
            .await
            .expect("body");
        let root = contacts::xml::parse(&text).expect("atom");
        statuses.push(
            root.child("content")
                .and_then(|c| c.child("Activity"))
                .and_then(|a| a.child("Status"))
                .map(|s| s.text().to_string())
                .unwrap_or_default(),
        );
    }
    assert_eq!(statuses, vec!["RUNNING", "RUNNING", "RUNNING", "COMPLETE"]);
    // A second send of the same rows is visible as repeats.
    post(&base, body("ADD_CONTACTS", data, &lists[..1]), "sandbox").await;
    assert_eq!(sandbox.cc_received("joesflowers", 2).len(), 4);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn enforces_the_documented_rules() {
    let sandbox = Sandbox::start(SandboxConfig::default())
        .await
        .expect("start");
    let base = sandbox.base_url().to_string();
    let list = vec![format!(
        "{base}/constantcontact/ws/customers/joesflowers/lists/1"
    )];
    let good = "EMAIL ADDRESS\na@example.com";

    let (status, _, _) = post(&base, body("SV_ADD", good, &list), "wrong").await;
    assert_eq!(status, 401);
    let (status, _, _) = post(&base, body("SV_ADD", good, &[]), "sandbox").await;
    assert_eq!(status, 400, "no lists");
    let (status, _, _) = post(&base, body("SV_ADD", good, &["nonsense".into()]), "sandbox").await;
    assert_eq!(status, 400, "not a list URI");
    let (status, _, _) = post(&base, body("EXPLODE", good, &list), "sandbox").await;
    assert_eq!(status, 400, "unknown activityType");
    let (status, _, _) = post(
        &base,
        body("SV_ADD", "a@example.com\nb@example.com", &list),
        "sandbox",
    )
    .await;
    assert_eq!(status, 400, "missing header row");
    let (status, _, _) = post(
        &base,
        body("SV_ADD", "EMAIL ADDRESS,SHOE SIZE\na@example.com,9", &list),
        "sandbox",
    )
    .await;
    assert_eq!(status, 400, "unknown column");
    assert!(sandbox.cc_received("joesflowers", 1).is_empty());

    // 1.9 MB of encoded data: exactly at the limit passes, one byte over is refused.
    let header = "EMAIL ADDRESS\n";
    let row = "someone@example.com\n"; // encodes to 22 bytes ('@' and '\n' as %XX)
    let mut data = header.to_string();
    let mut encoded_len = enc(header).len();
    while encoded_len + enc(row).len() <= 1_900_000 {
        data.push_str(row);
        encoded_len += enc(row).len();
    }
    let pad = 1_900_000 - encoded_len;
    let mut exact = data.clone();
    exact.push_str(&"x".repeat(pad));
    assert_eq!(enc(&exact).len(), 1_900_000);
    let (status, _, body_text) = post(&base, body("SV_ADD", &exact, &list), "sandbox").await;
    assert_eq!(status, 201, "{}", &body_text[..body_text.len().min(200)]);
    let over = format!("{exact}y");
    let (status, _, _) = post(&base, body("SV_ADD", &over, &list), "sandbox").await;
    assert_eq!(status, 413);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn multipart_data_file() {
    let sandbox = Sandbox::start(SandboxConfig::default())
        .await
        .expect("start");
    let base = sandbox.base_url().to_string();
    let form = reqwest::multipart::Form::new()
        .text("activityType", "SV_ADD")
        .text(
            "lists",
            format!("{base}/constantcontact/ws/customers/u/lists/3"),
        )
        .part(
            "dataFile",
            reqwest::multipart::Part::bytes(
                b"Email Address,First Name\nm@example.com,M\n".to_vec(),
            )
            .file_name("contacts.csv"),
        );
    let response = client()
        .post(format!("{base}/constantcontact/ws/customers/u/activities"))
        .basic_auth("u", Some("sandbox"))
        .multipart(form)
        .send()
        .await
        .expect("send");
    assert_eq!(response.status().as_u16(), 201);
    assert!(response
        .text()
        .await
        .expect("body")
        .contains("<FileName>contacts.csv</FileName>"));
    assert_eq!(sandbox.cc_received("u", 3), vec!["m@example.com"]);
    sandbox.shutdown().await;
}
