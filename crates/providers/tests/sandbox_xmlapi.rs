//! The XML `contact.*` API in the sandbox over raw HTTP: create, partial update, get, delete, list
//! with filters and paging, fail responses, and the optional token.

use providers::sandbox::{Sandbox, SandboxConfig};

async fn call(base: &str, request: &str) -> (u16, contacts::xml::Element) {
    call_as(base, request, None).await
}

async fn call_as(base: &str, request: &str, token: Option<&str>) -> (u16, contacts::xml::Element) {
    let mut builder = reqwest::Client::new()
        .post(format!("{base}/xmlapi"))
        .header("content-type", "application/xml")
        .body(format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{request}"
        ));
    if let Some(token) = token {
        builder = builder.basic_auth(token, Some("X"));
    }
    let response = builder.send().await.expect("send");
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    (
        status,
        contacts::xml::parse(&text).unwrap_or_else(|e| panic!("{e}: {text}")),
    )
}

fn status_of(response: &contacts::xml::Element) -> &str {
    response.attr("status").unwrap_or_default()
}

fn field<'a>(contact: &'a contacts::xml::Element, name: &str) -> &'a str {
    contact.child(name).map(|e| e.text()).unwrap_or_default()
}

#[tokio::test]
async fn create_update_get_delete() {
    let sandbox = Sandbox::start(SandboxConfig {
        book_size: 10,
        ..SandboxConfig::default()
    })
    .await
    .expect("start");
    let base = sandbox.base_url().to_string();
    let (status, created) = call(
        &base,
        "<request method=\"contact.create\"><contact><client_id>1</client_id>\
         <first_name>Jane</first_name><last_name>Doe</last_name><email>janedoe@janedoe.com</email>\
         <phone>(123) 456-7890</phone></contact></request>",
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(status_of(&created), "ok");
    let id = field(&created, "contact_id").to_string();
    assert_eq!(id, "11", "after the 10 generated contacts");

    let (_, updated) = call(
        &base,
        &format!("<request method=\"contact.update\"><contact><contact_id>{id}</contact_id><first_name>Janet</first_name></contact></request>"),
    )
    .await;
    assert_eq!(status_of(&updated), "ok");
    assert!(updated.children.is_empty());

    let (_, got) = call(
        &base,
        &format!("<request method=\"contact.get\"><contact_id>{id}</contact_id></request>"),
    )
    .await;
    let contact = got.child("contact").expect("contact");
    assert_eq!(field(contact, "first_name"), "Janet");
    assert_eq!(
        field(contact, "last_name"),
        "Doe",
        "partial update keeps the rest"
    );
    assert_eq!(field(contact, "phone"), "(123) 456-7890");
    assert_eq!(sandbox.xmlapi_contacts().len(), 11);

    let (_, deleted) = call(
        &base,
        &format!("<request method=\"contact.delete\"><contact_id>{id}</contact_id></request>"),
    )
    .await;
    assert_eq!(status_of(&deleted), "ok");
    let (status, gone) = call(
        &base,
        &format!("<request method=\"contact.get\"><contact_id>{id}</contact_id></request>"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(status_of(&gone), "fail");
    assert_eq!(field(&gone, "code"), "3");
    assert!(!field(&gone, "error").is_empty());
    sandbox.shutdown().await;
}

#[tokio::test]
async fn failures() {
    let sandbox = Sandbox::start(SandboxConfig::default())
        .await
        .expect("start");
    let base = sandbox.base_url().to_string();
    let cases = [
        ("<request method=\"contact.create\"><contact><client_id>1</client_id><first_name>J</first_name><last_name>D</last_name></contact></request>", "2"),
        ("<request method=\"contact.create\"><contact><client_id>x</client_id><first_name>J</first_name><last_name>D</last_name><email>j@d.co</email></contact></request>", "2"),
        ("<request method=\"contact.create\"><contact><client_id>1</client_id><first_name>J</first_name><last_name>D</last_name><email>nope</email></contact></request>", "2"),
        ("<request method=\"contact.update\"><contact><contact_id>99999</contact_id><first_name>J</first_name></contact></request>", "3"),
        ("<request method=\"contact.update\"><contact><first_name>J</first_name></contact></request>", "2"),
        ("<request method=\"contact.delete\"><contact_id>99999</contact_id></request>", "3"),
        ("<request method=\"contact.explode\"/>", "1"),
        ("<request method=\"contact.list\"><page>0</page></request>", "2"),
        ("<request method=\"contact.get\"><contact_id>1</contact_id>", "1"),
    ];
    for (request, code) in cases {
        let (status, response) = call(&base, request).await;
        assert_eq!(status, 200, "{request}");
        assert_eq!(status_of(&response), "fail", "{request}");
        assert_eq!(field(&response, "code"), code, "{request}");
    }
    sandbox.shutdown().await;
}

#[tokio::test]
async fn list_pages_and_filters() {
    let sandbox = Sandbox::start(SandboxConfig {
        book_size: 260,
        ..SandboxConfig::default()
    })
    .await
    .expect("start");
    let base = sandbox.base_url().to_string();
    // Default per_page 25: 11 pages, every id exactly once.
    let mut ids = Vec::new();
    let mut page = 1;
    loop {
        let (_, response) = call(
            &base,
            &format!("<request method=\"contact.list\"><page>{page}</page></request>"),
        )
        .await;
        let contacts = response.child("contacts").expect("contacts");
        assert_eq!(contacts.attr("per_page"), Some("25"));
        assert_eq!(contacts.attr("total"), Some("260"));
        assert_eq!(contacts.attr("pages"), Some("11"));
        assert_eq!(contacts.attr("page"), Some(page.to_string().as_str()));
        ids.extend(
            contacts
                .children_named("contact")
                .map(|c| field(c, "contact_id").to_string()),
        );
        if page >= 11 {
            break;
        }
        page += 1;
    }
    let expected: Vec<String> = (1..=260).map(|n| n.to_string()).collect();
    assert_eq!(ids, expected);
    // per_page is capped at 100.
    let (_, response) = call(
        &base,
        "<request method=\"contact.list\"><per_page>500</per_page></request>",
    )
    .await;
    let contacts = response.child("contacts").expect("contacts");
    assert_eq!(contacts.attr("per_page"), Some("100"));
    assert_eq!(contacts.children_named("contact").count(), 100);
    // Filters.
    let store = sandbox.xmlapi_contacts();
    let client2 = store
        .values()
        .filter(|c| c.get("client_id").map(String::as_str) == Some("2"))
        .count();
    let (_, response) = call(&base, "<request method=\"contact.list\"><client_id>2</client_id><per_page>100</per_page></request>").await;
    assert_eq!(
        response.child("contacts").and_then(|c| c.attr("total")),
        Some(client2.to_string().as_str())
    );
    let email = store
        .get(&7)
        .and_then(|c| c.get("email"))
        .expect("email")
        .to_uppercase();
    let (_, response) = call(
        &base,
        &format!("<request method=\"contact.list\"><email>{email}</email></request>"),
    )
    .await;
    let contacts = response.child("contacts").expect("contacts");
    assert_eq!(contacts.children_named("contact").count(), 1);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn token_when_configured() {
    let sandbox = Sandbox::start(SandboxConfig {
        xmlapi_token: Some("tok".into()),
        ..SandboxConfig::default()
    })
    .await
    .expect("start");
    let base = sandbox.base_url().to_string();
    let request = "<request method=\"contact.get\"><contact_id>1</contact_id></request>";
    let (status, response) = call(&base, request).await;
    assert_eq!(status, 401);
    assert_eq!(field(&response, "code"), "4");
    let (status, response) = call_as(&base, request, Some("tok")).await;
    assert_eq!(status, 200);
    assert_eq!(status_of(&response), "ok");
    sandbox.shutdown().await;
}
