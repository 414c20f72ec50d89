//! Convio / Luminate `CRAddressBookAPI` under `/convio`: `startOnlineAddressBookImport`, the OAuth
//! consent page, `addressBookImportOAuthCallback`, `getAddressBookImportJobStatus` and
//! `getAddressBookImportContacts`, in XML (namespace `http://convio.com/crm/v1.0`, the default) or
//! JSON. JSON collapses one-element lists to the bare value, as Convio does: on purpose.
//!
//! A job is PENDING until authorized; then PENDING for `phase_polls` more status polls with a
//! growing event list, then SUCCESS. Deny gives FAILURE. Errors are HTTP 403 with an
//! `errorResponse` (code 2 bad api_key, 3 auth failed, 6 unknown method, 10 missing field,
//! 1 anything else).

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::{json, Value};

use super::book;
use super::util::{esc, Params};
use super::{html, lock, Shared};

const NAMESPACE: &str = "http://convio.com/crm/v1.0";

/// Every import job, by id.
#[derive(Default)]
pub(crate) struct ConvioState {
    next_id: u64,
    jobs: BTreeMap<u64, Job>,
}

struct Job {
    callback_url: Option<String>,
    /// None until the visitor decides.
    authorized: Option<bool>,
    /// Status polls since authorization.
    polls: u32,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Xml,
}

/// A response body as a small tree, so one description serves both formats.
enum Item {
    Text(String),
    /// A repeated element: in JSON a list, or the bare value when it has one element.
    Repeated(&'static str, Vec<Item>),
    Fields(Vec<(&'static str, Item)>),
}

impl Item {
    fn text(s: impl Into<String>) -> Item {
        Item::Text(s.into())
    }

    fn to_json(&self) -> Value {
        match self {
            Item::Text(s) => Value::String(s.clone()),
            Item::Repeated(_, items) => repeated_json(items),
            Item::Fields(fields) => {
                let mut map = serde_json::Map::new();
                for (name, item) in fields {
                    match item {
                        // A repeated child is a key of its own holding the list (or the bare
                        // value); no elements means no key, as Convio's XML-to-JSON gives.
                        Item::Repeated(child, items) => {
                            if !items.is_empty() {
                                map.insert((*child).to_string(), repeated_json(items));
                            }
                        }
                        other => {
                            map.insert((*name).to_string(), other.to_json());
                        }
                    }
                }
                Value::Object(map)
            }
        }
    }

    fn write_xml(&self, out: &mut String) {
        match self {
            Item::Text(s) => out.push_str(&esc(s)),
            Item::Repeated(child, items) => {
                for item in items {
                    out.push_str(&format!("<{child}>"));
                    item.write_xml(out);
                    out.push_str(&format!("</{child}>"));
                }
            }
            Item::Fields(fields) => {
                for (name, item) in fields {
                    match item {
                        Item::Repeated(..) => item.write_xml(out),
                        _ => {
                            out.push_str(&format!("<{name}>"));
                            item.write_xml(out);
                            out.push_str(&format!("</{name}>"));
                        }
                    }
                }
            }
        }
    }
}

/// The documented quirk: one element collapses to the bare value.
fn repeated_json(items: &[Item]) -> Value {
    match items {
        [only] => only.to_json(),
        _ => Value::Array(items.iter().map(Item::to_json).collect()),
    }
}

fn respond(format: Format, status: StatusCode, root: &str, body: Item) -> Response {
    match format {
        Format::Json => {
            let tree = json!({ root: body.to_json() });
            super::json(status, &tree)
        }
        Format::Xml => {
            let mut out = format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<{root} \
                 xsi:schemaLocation=\"{NAMESPACE} http://service.convio.net/xmlschema/crm.public.v1.xsd\" \
                 xmlns=\"{NAMESPACE}\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
            );
            body.write_xml(&mut out);
            out.push_str(&format!("</{root}>\n"));
            super::xml(status, out)
        }
    }
}

fn error(format: Format, code: u32, message: &str) -> Response {
    respond(
        format,
        StatusCode::FORBIDDEN,
        "errorResponse",
        Item::Fields(vec![
            ("code", Item::text(code.to_string())),
            ("message", Item::text(message)),
        ]),
    )
}

/// `GET|POST /convio/CRAddressBookAPI?method=…`.
pub(crate) async fn api(
    State(shared): State<Arc<Shared>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let params = Params::from_request(query.as_deref(), &headers, &body);
    let format = match params.get("response_format") {
        Some("json") => Format::Json,
        _ => Format::Xml,
    };
    let method = params.get("method").unwrap_or_default().to_string();
    shared.count(&format!("convio.{method}"));
    if params.get("api_key") != Some(shared.config.api_key.as_str()) {
        return error(format, 2, "Incorrect API key.");
    }
    if params.get("v") != Some("1.0") {
        return error(format, 1, "Unsupported API version: v must be 1.0.");
    }
    let needs_auth = method != "addressBookImportOAuthCallback";
    let known = matches!(
        method.as_str(),
        "startOnlineAddressBookImport"
            | "addressBookImportOAuthCallback"
            | "getAddressBookImportJobStatus"
            | "getAddressBookImportContacts"
    );
    if !known {
        return error(format, 6, &format!("Unknown method: {method:?}."));
    }
    if needs_auth {
        let token = params
            .non_empty("auth")
            .or_else(|| params.non_empty("sso_auth_token"));
        match token {
            None => {
                return error(
                    format,
                    3,
                    "Authentication required: auth or sso_auth_token.",
                )
            }
            Some("expired") => return error(format, 3, "The authentication token has expired."),
            Some(_) => {}
        }
    }
    if method == "startOnlineAddressBookImport" {
        return start(&shared, &params, format);
    }
    let Some(job_id) = params.non_empty("import_job_id") else {
        return error(format, 10, "Required field missing: import_job_id.");
    };
    let Ok(job_id) = job_id.trim().parse::<u64>() else {
        return error(format, 1, "import_job_id must be an integer.");
    };
    match method.as_str() {
        "addressBookImportOAuthCallback" => {
            let has_grant =
                params.non_empty("code").is_some() || params.non_empty("oauth_verifier").is_some();
            if !has_grant {
                return error(format, 10, "Required field missing: code.");
            }
            if !decide(&shared, job_id, true) {
                return error(format, 1, "Unknown import job.");
            }
            respond(
                format,
                StatusCode::OK,
                "addressBookImportOAuthCallbackResponse",
                Item::Fields(vec![("content", Item::text("OK"))]),
            )
        }
        "getAddressBookImportJobStatus" => status(&shared, job_id, format),
        _ => contacts(&shared, job_id, format),
    }
}

fn start(shared: &Shared, params: &Params, format: Format) -> Response {
    match params.non_empty("import_source") {
        None => return error(format, 10, "Required field missing: import_source."),
        Some("GOOGLE" | "YAHOO") => {}
        Some(other) => {
            return error(
                format,
                1,
                &format!("Invalid import_source {other:?}: GOOGLE or YAHOO."),
            )
        }
    }
    let job_id = {
        let mut state = lock(&shared.convio);
        state.next_id += 1;
        let id = 5000 + state.next_id;
        state.jobs.insert(
            id,
            Job {
                callback_url: params.non_empty("callback_url").map(str::to_string),
                authorized: None,
                polls: 0,
            },
        );
        id
    };
    respond(
        format,
        StatusCode::OK,
        "startOnlineAddressBookImportResponse",
        Item::Fields(vec![
            ("jobId", Item::text(job_id.to_string())),
            (
                "oauthUrl",
                Item::text(format!("{}/convio/oauth/{job_id}", shared.base_url)),
            ),
        ]),
    )
}

/// Records the visitor's decision; false when the job does not exist. The first decision stands.
fn decide(shared: &Shared, job_id: u64, allow: bool) -> bool {
    let mut state = lock(&shared.convio);
    match state.jobs.get_mut(&job_id) {
        Some(job) => {
            if job.authorized.is_none() {
                job.authorized = Some(allow);
            }
            true
        }
        None => false,
    }
}

fn status(shared: &Shared, job_id: u64, format: Format) -> Response {
    let phase_polls = shared.config.phase_polls;
    let (job_status, events): (&str, Vec<&str>) = {
        let mut state = lock(&shared.convio);
        let Some(job) = state.jobs.get_mut(&job_id) else {
            return error(format, 1, "Unknown import job.");
        };
        match job.authorized {
            None => ("PENDING", vec!["Waiting for authorization"]),
            Some(false) => ("FAILURE", vec!["Authorization denied"]),
            Some(true) => {
                job.polls += 1;
                if job.polls > phase_polls {
                    (
                        "SUCCESS",
                        vec![
                            "Received authorization",
                            "Importing Contacts",
                            "Import complete",
                        ],
                    )
                } else if job.polls == 1 {
                    ("PENDING", vec!["Received authorization"])
                } else {
                    (
                        "PENDING",
                        vec!["Received authorization", "Importing Contacts"],
                    )
                }
            }
        }
    };
    respond(
        format,
        StatusCode::OK,
        "getAddressBookImportJobStatusResponse",
        Item::Fields(vec![
            ("jobStatus", Item::text(job_status)),
            (
                "events",
                Item::Fields(vec![(
                    "event",
                    Item::Repeated("event", events.into_iter().map(Item::text).collect()),
                )]),
            ),
        ]),
    )
}

/// The seed of the book Convio jobs return (only its contacts with an e-mail are served).
pub(crate) fn book_seed(shared: &Shared) -> u64 {
    shared.config.seed ^ 0xC0
}

fn contacts(shared: &Shared, job_id: u64, format: Format) -> Response {
    {
        let state = lock(&shared.convio);
        let Some(job) = state.jobs.get(&job_id) else {
            return error(format, 1, "Unknown import job.");
        };
        if job.authorized != Some(true) || job.polls <= shared.config.phase_polls {
            return error(format, 1, "The import job has not completed.");
        }
    }
    let list = book::generate(book_seed(shared), shared.config.book_size)
        .into_iter()
        .filter_map(|c| {
            let email = c.emails.first()?.address.clone();
            Some(Item::Fields(vec![
                ("firstName", Item::Text(c.first_name)),
                ("lastName", Item::Text(c.last_name)),
                ("email", Item::Text(email)),
            ]))
        })
        .collect();
    respond(
        format,
        StatusCode::OK,
        "getAddressBookImportContactsResponse",
        Item::Fields(vec![("contact", Item::Repeated("contact", list))]),
    )
}

/// `GET /convio/oauth/{job_id}`: the provider's consent page.
pub(crate) async fn oauth_page(
    State(shared): State<Arc<Shared>>,
    Path(job_id): Path<String>,
) -> Response {
    shared.count("convio.oauth_page");
    let known = job_id
        .parse::<u64>()
        .ok()
        .is_some_and(|id| lock(&shared.convio).jobs.contains_key(&id));
    if !known {
        return (StatusCode::NOT_FOUND, "Unknown import job").into_response();
    }
    let id = esc(&job_id);
    html(format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Sandbox OAuth</title></head>\
         <body><h1>Allow access to your contacts?</h1>\
         <form method=\"post\" action=\"/convio/oauth/{id}\"><input type=\"hidden\" name=\"decision\" value=\"allow\">\
         <button type=\"submit\" id=\"allow\">Allow</button></form>\
         <form method=\"post\" action=\"/convio/oauth/{id}\"><input type=\"hidden\" name=\"decision\" value=\"deny\">\
         <button type=\"submit\" id=\"deny\">Deny</button></form></body></html>\n"
    ))
}

/// `POST /convio/oauth/{job_id}` with `decision=allow|deny`: runs the callback logic, then
/// redirects to the job's `callback_url` (with `import_job_id` and `code`, or `error`) or to the
/// done page.
pub(crate) async fn oauth_decision(
    State(shared): State<Arc<Shared>>,
    Path(job_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    shared.count("convio.oauth_decision");
    let params = Params::from_request(None, &headers, &body);
    let allow = match params.get("decision") {
        Some("allow") => true,
        Some("deny") => false,
        _ => return (StatusCode::BAD_REQUEST, "decision must be allow or deny").into_response(),
    };
    let Ok(id) = job_id.parse::<u64>() else {
        return (StatusCode::NOT_FOUND, "Unknown import job").into_response();
    };
    if !decide(&shared, id, allow) {
        return (StatusCode::NOT_FOUND, "Unknown import job").into_response();
    }
    let callback = lock(&shared.convio)
        .jobs
        .get(&id)
        .and_then(|job| job.callback_url.clone());
    let target = match callback {
        Some(url) => {
            let separator = if url.contains('?') { '&' } else { '?' };
            if allow {
                format!("{url}{separator}import_job_id={id}&code=sandbox-code-{id}")
            } else {
                format!("{url}{separator}import_job_id={id}&error=access_denied")
            }
        }
        None => format!("/convio/oauth/{id}/done"),
    };
    Redirect::to(&target).into_response()
}

/// `GET /convio/oauth/{job_id}/done`.
pub(crate) async fn oauth_done(Path(job_id): Path<String>) -> Response {
    html(format!(
        "<!DOCTYPE html>\n<html><body><p id=\"done\">Import job {} authorized or refused. You can close this window.</p>\
         <script>window.close()</script></body></html>\n",
        esc(&job_id)
    ))
}
