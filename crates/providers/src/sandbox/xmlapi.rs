//! The XML `contact.*` API at `POST /xmlapi`: `contact.create`, `contact.update` (partial),
//! `contact.get`, `contact.delete`, `contact.list` (client_id and email filters, page, per_page
//! default 25, at most 100). The store starts with the generated book and keeps every change in
//! memory, so an upsert can be checked through `get` / `list`.
//!
//! Failures are HTTP 200 `<response status="fail"><error>…</error><code>N</code></response>` with
//! code 1 = unknown method or unreadable request, 2 = missing or invalid field, 3 = no such
//! contact; a wrong token is HTTP 401 with code 4.

// Handlers here return `Result<_, Response>` so a failure can be answered as it is found; the
// large error type only ever travels one call up.
#![allow(clippy::result_large_err)]

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use contacts::xml::Element;

use super::book;
use super::util::{basic_auth, esc, plausible_email};
use super::{lock, Shared};

const FIELDS: &[&str] = &[
    "client_id",
    "first_name",
    "last_name",
    "email",
    "phone",
    "mobile_phone",
];
const MANDATORY: &[&str] = &["client_id", "first_name", "last_name", "email"];

/// The contacts, created on first use from the generated book.
#[derive(Default)]
pub(crate) struct XmlApiState {
    store: Option<Store>,
}

struct Store {
    next_id: u64,
    contacts: BTreeMap<u64, BTreeMap<String, String>>,
}

/// The seed of the initial store's book.
pub(crate) fn book_seed(shared: &Shared) -> u64 {
    shared.config.seed ^ 0x41
}

fn initial(shared: &Shared) -> Store {
    let mut contacts = BTreeMap::new();
    for c in book::generate(book_seed(shared), shared.config.book_size) {
        let mut fields = BTreeMap::new();
        let client = if c.index % 5 == 0 { "2" } else { "1" };
        fields.insert("client_id".to_string(), client.to_string());
        fields.insert("first_name".to_string(), c.first_name.clone());
        fields.insert("last_name".to_string(), c.last_name.clone());
        let email = c
            .emails
            .first()
            .map(|e| e.address.clone())
            .unwrap_or_else(|| format!("contact{}@example.com", c.index));
        fields.insert("email".to_string(), email);
        if let Some(p) = c.phones.iter().find(|p| !p.mobile) {
            fields.insert("phone".to_string(), p.number.clone());
        }
        if let Some(p) = c.phones.iter().find(|p| p.mobile) {
            fields.insert("mobile_phone".to_string(), p.number.clone());
        }
        contacts.insert(u64::from(c.index) + 1, fields);
    }
    Store {
        next_id: shared.config.book_size as u64 + 1,
        contacts,
    }
}

/// The store as it is now.
pub(crate) fn snapshot(shared: &Shared) -> BTreeMap<u64, BTreeMap<String, String>> {
    let mut state = lock(&shared.xmlapi);
    let store = state.store.get_or_insert_with(|| initial(shared));
    store.contacts.clone()
}

const DECL: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

fn ok(inner: &str) -> Response {
    let body = if inner.is_empty() {
        format!("{DECL}<response status=\"ok\"/>\n")
    } else {
        format!("{DECL}<response status=\"ok\">{inner}</response>\n")
    };
    super::xml(StatusCode::OK, body)
}

fn fail(status: StatusCode, code: u32, message: &str) -> Response {
    super::xml(
        status,
        format!(
            "{DECL}<response status=\"fail\"><error>{}</error><code>{code}</code></response>\n",
            esc(message)
        ),
    )
}

fn contact_xml(id: u64, fields: &BTreeMap<String, String>) -> String {
    let mut out = format!("<contact><contact_id>{id}</contact_id>");
    for name in FIELDS {
        if let Some(value) = fields.get(*name) {
            out.push_str(&format!("<{name}>{}</{name}>", esc(value)));
        }
    }
    out.push_str("</contact>");
    out
}

/// `POST /xmlapi`.
pub(crate) async fn api(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Some(token) = &shared.config.xmlapi_token {
        if basic_auth(&headers).map(|(user, _)| user) != Some(token.clone()) {
            shared.count("xmlapi.unauthorized");
            return fail(StatusCode::UNAUTHORIZED, 4, "Authentication failed");
        }
    }
    let text = String::from_utf8_lossy(&body);
    let request = match contacts::xml::parse(&text) {
        Ok(root) if root.name == "request" => root,
        Ok(root) => {
            shared.count("xmlapi.invalid");
            return fail(
                StatusCode::OK,
                1,
                &format!("Expected a <request> element, not <{}>", root.name),
            );
        }
        Err(error) => {
            shared.count("xmlapi.invalid");
            return fail(StatusCode::OK, 1, &format!("Invalid XML: {error}"));
        }
    };
    let method = request.attr("method").unwrap_or_default().to_string();
    shared.count(&format!("xmlapi.{method}"));
    let mut state = lock(&shared.xmlapi);
    let store = state.store.get_or_insert_with(|| initial(&shared));
    match method.as_str() {
        "contact.create" => create(store, &request),
        "contact.update" => update(store, &request),
        "contact.get" => match contact_id(&request) {
            Err(response) => response,
            Ok(id) => match store.contacts.get(&id) {
                Some(fields) => ok(&contact_xml(id, fields)),
                None => fail(StatusCode::OK, 3, &format!("Contact {id} not found")),
            },
        },
        "contact.delete" => match contact_id(&request) {
            Err(response) => response,
            Ok(id) => match store.contacts.remove(&id) {
                Some(_) => ok(""),
                None => fail(StatusCode::OK, 3, &format!("Contact {id} not found")),
            },
        },
        "contact.list" => list(store, &request),
        other => fail(StatusCode::OK, 1, &format!("Unknown method {other:?}")),
    }
}

/// The `contact_id` inside `holder` (the request, or its `<contact>` for update).
fn contact_id(holder: &Element) -> Result<u64, Response> {
    match holder.child("contact_id").map(|e| e.text().to_string()) {
        None => Err(fail(StatusCode::OK, 2, "contact_id is required")),
        Some(text) => text.parse().map_err(|_| {
            fail(
                StatusCode::OK,
                2,
                &format!("contact_id {text:?} is not a number"),
            )
        }),
    }
}

/// Checks the fields present in a `<contact>`: known names, an integer client_id, a plausible
/// e-mail, no blank mandatory field.
fn read_fields(contact: &Element) -> Result<BTreeMap<String, String>, Response> {
    let mut fields = BTreeMap::new();
    for child in &contact.children {
        if child.name == "contact_id" {
            continue;
        }
        if !FIELDS.contains(&child.name.as_str()) {
            return Err(fail(
                StatusCode::OK,
                2,
                &format!("Unknown field <{}>", child.name),
            ));
        }
        let value = child.text().to_string();
        if MANDATORY.contains(&child.name.as_str()) && value.is_empty() {
            return Err(fail(
                StatusCode::OK,
                2,
                &format!("{} must not be empty", child.name),
            ));
        }
        if child.name == "client_id" && value.parse::<u64>().is_err() {
            return Err(fail(StatusCode::OK, 2, "client_id must be a number"));
        }
        if child.name == "email" && !plausible_email(&value) {
            return Err(fail(StatusCode::OK, 2, &format!("Invalid email {value:?}")));
        }
        fields.insert(child.name.clone(), value);
    }
    Ok(fields)
}

fn create(store: &mut Store, request: &Element) -> Response {
    let Some(contact) = request.child("contact") else {
        return fail(StatusCode::OK, 2, "A <contact> element is required");
    };
    let fields = match read_fields(contact) {
        Ok(fields) => fields,
        Err(response) => return response,
    };
    if let Some(missing) = MANDATORY.iter().find(|m| !fields.contains_key(**m)) {
        return fail(
            StatusCode::OK,
            2,
            &format!("Missing mandatory field {missing}"),
        );
    }
    let id = store.next_id;
    store.next_id += 1;
    store.contacts.insert(id, fields);
    ok(&format!("<contact_id>{id}</contact_id>"))
}

fn update(store: &mut Store, request: &Element) -> Response {
    let Some(contact) = request.child("contact") else {
        return fail(StatusCode::OK, 2, "A <contact> element is required");
    };
    let id = match contact_id(contact) {
        Ok(id) => id,
        Err(response) => return response,
    };
    let fields = match read_fields(contact) {
        Ok(fields) => fields,
        Err(response) => return response,
    };
    match store.contacts.get_mut(&id) {
        Some(existing) => {
            existing.extend(fields);
            ok("")
        }
        None => fail(StatusCode::OK, 3, &format!("Contact {id} not found")),
    }
}

fn list(store: &Store, request: &Element) -> Response {
    let number =
        |name: &str, default: u64| -> Result<u64, Response> {
            match request.child(name).map(|e| e.text()) {
                None | Some("") => Ok(default),
                Some(text) => text.parse::<u64>().ok().filter(|n| *n >= 1).ok_or_else(|| {
                    fail(StatusCode::OK, 2, &format!("{name} must be a number ≥ 1"))
                }),
            }
        };
    let (page, per_page) = match (number("page", 1), number("per_page", 25)) {
        (Ok(page), Ok(per_page)) => (page, per_page.min(100)),
        (Err(response), _) | (_, Err(response)) => return response,
    };
    let client = request.child("client_id").map(|e| e.text().to_string());
    let email = request
        .child("email")
        .map(|e| e.text().to_lowercase())
        .filter(|e| !e.is_empty());
    let matching: Vec<(&u64, &BTreeMap<String, String>)> = store
        .contacts
        .iter()
        .filter(|(_, f)| {
            client
                .as_deref()
                .filter(|c| !c.is_empty())
                .is_none_or(|c| f.get("client_id").map(String::as_str) == Some(c))
        })
        .filter(|(_, f)| {
            email
                .as_deref()
                .is_none_or(|e| f.get("email").map(|v| v.to_lowercase()).as_deref() == Some(e))
        })
        .collect();
    let total = matching.len() as u64;
    let pages = total.div_ceil(per_page).max(1);
    let skip = (page - 1).saturating_mul(per_page);
    let items: String = matching
        .into_iter()
        .skip(usize::try_from(skip).unwrap_or(usize::MAX))
        .take(per_page as usize)
        .map(|(id, fields)| contact_xml(*id, fields))
        .collect();
    ok(&format!(
        "<contacts page=\"{page}\" per_page=\"{per_page}\" pages=\"{pages}\" total=\"{total}\">{items}</contacts>"
    ))
}
