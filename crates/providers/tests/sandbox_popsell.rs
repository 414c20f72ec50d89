//! Popsell in the sandbox over raw HTTP: the token, the exact field names, the date filter (quoted
//! as in the document), soft deletes, and incremental sync through `popsell_touch`.

use providers::sandbox::{BookOf, PopsellEdit, Sandbox, SandboxConfig};
use serde_json::Value;

async fn get(url: &str) -> Value {
    let response = reqwest::get(url).await.expect("send");
    assert_eq!(response.status().as_u16(), 200);
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert_eq!(content_type, "application/json; charset=utf-8");
    serde_json::from_str(&response.text().await.expect("body")).expect("json")
}

fn enc(s: &str) -> String {
    s.replace(' ', "%20").replace('"', "%22")
}

#[tokio::test]
async fn token_fields_date_filter_and_soft_deletes() {
    let sandbox = Sandbox::start(SandboxConfig {
        book_size: 300,
        ..SandboxConfig::default()
    })
    .await
    .expect("start");
    let base = sandbox.base_url().to_string();
    let token = format!("{:x}", md5::compute("sandbox-static-key42"));
    assert_eq!(sandbox.popsell_token("42"), token);

    let wrong = get(&format!("{base}/popsell/contactimport?id=42&token=abc")).await;
    assert_eq!(wrong["IsSuccessfull"], false);
    assert_eq!(wrong["ErrorCode"], "401");
    assert_eq!(wrong["Contacts"], serde_json::json!([]));
    // Upper-case hex is not the agreed token.
    let upper = get(&format!(
        "{base}/popsell/contactimport?id=42&token={}",
        token.to_uppercase()
    ))
    .await;
    assert_eq!(upper["IsSuccessfull"], false);

    let all = get(&format!("{base}/popsell/contactimport?id=42&token={token}")).await;
    assert_eq!(all["IsSuccessfull"], true);
    assert_eq!(all["ErrorCode"], Value::Null);
    let contacts = all["Contacts"].as_array().expect("Contacts");
    assert_eq!(contacts.len(), 300);
    let first = &contacts[0];
    for field in [
        "Id",
        "Gender",
        "FirstName",
        "LastName",
        "Email",
        "Comment",
        "Street1",
        "Street2",
        "Postcode",
        "City",
        "Country",
        "Phone1",
        "Phone2",
        "LanguageCode",
        "Tags",
        "Type",
        "IsSoftDeleted",
        "IsAcceptingEmailing",
        "IsAcceptingBrandEmailing",
        "LastModificationDate",
        "Extra_data",
    ] {
        assert!(first.get(field).is_some(), "missing {field}: {first}");
    }
    let book = sandbox.book(BookOf::Popsell("42".into()));
    assert_eq!(first["FirstName"], book[0].first_name.as_str());
    let deleted = contacts
        .iter()
        .filter(|c| c["IsSoftDeleted"] == true)
        .count();
    assert!(deleted > 0, "some soft-deleted contacts");
    // The other URL shape gives the same book.
    let same = get(&format!("{base}/popsell/api/42/contacts?token={token}")).await;
    assert_eq!(same, all);
    // Another rep has other people.
    let other = get(&format!(
        "{base}/popsell/api/7/contacts?token={}",
        sandbox.popsell_token("7")
    ))
    .await;
    assert_ne!(other["Contacts"][0]["Id"], Value::Null);
    assert_ne!(other["Contacts"], all["Contacts"]);

    // The date filter: strictly after, with the document's quotes.
    let mut dates: Vec<&str> = contacts
        .iter()
        .filter_map(|c| c["LastModificationDate"].as_str())
        .collect();
    dates.sort_unstable();
    let median = dates[dates.len() / 2];
    let expected = dates.iter().filter(|d| **d > median).count();
    for quoted in [format!("\"{median}\""), median.to_string()] {
        let newer = get(&format!(
            "{base}/popsell/contactimport?id=42&token={token}&date={}",
            enc(&quoted)
        ))
        .await;
        assert_eq!(newer["Contacts"].as_array().map(Vec::len), Some(expected));
    }
    let bad = get(&format!(
        "{base}/popsell/contactimport?id=42&token={token}&date=2015-12-05T10:12:54"
    ))
    .await;
    assert_eq!(bad["IsSuccessfull"], false);
    assert_eq!(bad["ErrorCode"], "400");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn incremental_sync_sees_updates_deletes_and_additions() {
    let sandbox = Sandbox::start(SandboxConfig {
        book_size: 50,
        ..SandboxConfig::default()
    })
    .await
    .expect("start");
    let base = sandbox.base_url().to_string();
    let token = sandbox.popsell_token("rep-1");
    let url = |date: &str| {
        format!(
            "{base}/popsell/api/rep-1/contacts?token={token}&date={}",
            enc(&format!("\"{date}\""))
        )
    };
    let full = get(&format!("{base}/popsell/api/rep-1/contacts?token={token}")).await;
    let last_sync = full["Contacts"]
        .as_array()
        .expect("contacts")
        .iter()
        .filter_map(|c| c["LastModificationDate"].as_str())
        .max()
        .expect("dates")
        .to_string();
    assert_eq!(
        get(&url(&last_sync)).await["Contacts"],
        serde_json::json!([])
    );

    let renamed = sandbox
        .popsell_touch(
            "rep-1",
            PopsellEdit::Update {
                id: "P000003".into(),
                first_name: Some("Zoé".into()),
                last_name: None,
                email: None,
            },
        )
        .expect("known id");
    let deleted = sandbox
        .popsell_touch(
            "rep-1",
            PopsellEdit::SoftDelete {
                id: "P000004".into(),
            },
        )
        .expect("known id");
    let added = sandbox
        .popsell_touch(
            "rep-1",
            PopsellEdit::Add {
                first_name: "New".into(),
                last_name: "Person".into(),
                email: "new.person@example.com".into(),
            },
        )
        .expect("added");
    assert!(renamed.modified < deleted.modified && deleted.modified < added.modified);
    assert!(sandbox
        .popsell_touch(
            "rep-1",
            PopsellEdit::SoftDelete {
                id: "P999999".into()
            }
        )
        .is_none());

    let delta = get(&url(&last_sync)).await;
    let changed = delta["Contacts"].as_array().expect("contacts");
    let ids: Vec<&str> = changed.iter().filter_map(|c| c["Id"].as_str()).collect();
    assert_eq!(ids, vec!["P000003", "P000004", "N000001"]);
    assert_eq!(changed[0]["FirstName"], "Zoé");
    assert_eq!(changed[1]["IsSoftDeleted"], true);
    assert_eq!(changed[2]["Email"], "new.person@example.com");
    // Only what changed after the previous change.
    let after = get(&url(&deleted.modified)).await;
    assert_eq!(after["Contacts"].as_array().map(Vec::len), Some(1));
    sandbox.shutdown().await;
}
