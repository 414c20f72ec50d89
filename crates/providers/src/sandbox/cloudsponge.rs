//! CloudSponge under `/cloudsponge`: `begin_import/import`, `begin_import/user_consent`, the
//! consent page, `events/{id}` and `contacts/{id}`, each in JSON or XML by path suffix.
//!
//! An import's events advance one step per poll: INITIALIZING, then GATHERING for
//! `phase_polls` polls with a growing `value`, then COMPLETE. A consent import stays in
//! INITIALIZING until the visitor allows (or ends in ERROR "User denied consent"); a wrong visitor
//! password ends in ERROR "Invalid username or password". Contacts answer 404 until the events
//! have shown COMPLETE.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use super::book::{self, GeneratedContact};
use super::tree::Node;
use super::util::{basic_auth, esc, split_format, Format, Params};
use super::{html, lock, Shared};

/// Every import started, by id.
#[derive(Default)]
pub(crate) struct CsState {
    next_id: u64,
    imports: BTreeMap<u64, Import>,
}

struct Import {
    username: String,
    include_address: bool,
    user_id: Option<String>,
    echo: Option<String>,
    redirect_url: Option<String>,
    state: Phase,
    /// Polls since the import could start gathering.
    polls: u32,
    complete: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Consent import, the visitor has not decided yet.
    AwaitingConsent,
    Running,
    Failed(&'static str, i64),
}

/// The book every CloudSponge import returns.
pub(crate) fn book_seed(shared: &Shared) -> u64 {
    shared.config.seed ^ 0xC5
}

fn respond(format: Format, status: StatusCode, root: &str, tree: &Node) -> Response {
    match format {
        Format::Json => super::json_text(status, tree.json()),
        Format::Xml => super::xml(status, tree.rails_xml(root)),
    }
}

fn error(format: Format, status: StatusCode, message: &str) -> Response {
    match format {
        Format::Json => respond(
            format,
            status,
            "",
            &Node::Obj(vec![(
                "error",
                Node::Obj(vec![("message", Node::str(message))]),
            )]),
        ),
        Format::Xml => respond(
            format,
            status,
            "result",
            &Node::Obj(vec![
                ("status", Node::str("error")),
                ("error", Node::Obj(vec![("message", Node::str(message))])),
            ]),
        ),
    }
}

/// Domain credentials from HTTP Basic or from `domain_key` / `domain_password` parameters.
fn authorized(shared: &Shared, headers: &HeaderMap, params: &Params) -> bool {
    let config = &shared.config;
    let from_basic = basic_auth(headers);
    let (key, password) = match &from_basic {
        Some((k, p)) => (Some(k.as_str()), Some(p.as_str())),
        None => (params.get("domain_key"), params.get("domain_password")),
    };
    key == Some(config.domain_key.as_str()) && password == Some(config.domain_password.as_str())
}

/// `POST /cloudsponge/begin_import/{import|user_consent}[.fmt]`.
pub(crate) async fn begin_import(
    State(shared): State<Arc<Shared>>,
    Path(action): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (action, format) = split_format(&action);
    let params = Params::from_request(query.as_deref(), &headers, &body);
    if !matches!(action, "import" | "user_consent") {
        return error(format, StatusCode::NOT_FOUND, "Unknown endpoint");
    }
    shared.count(&format!("cloudsponge.begin_import.{action}"));
    if !authorized(&shared, &headers, &params) {
        return error(
            format,
            StatusCode::UNAUTHORIZED,
            "Invalid domain key or domain password",
        );
    }
    let Some(service) = params.non_empty("service") else {
        return error(format, StatusCode::BAD_REQUEST, "service is required");
    };
    let consent = action == "user_consent";
    let phase = if consent {
        Phase::AwaitingConsent
    } else {
        let (Some(_), Some(password)) = (params.non_empty("username"), params.get("password"))
        else {
            return error(
                format,
                StatusCode::BAD_REQUEST,
                "username and password are required",
            );
        };
        if password == shared.config.user_password {
            Phase::Running
        } else {
            Phase::Failed("Invalid username or password", 1)
        }
    };
    let user_id = params.get("user_id").map(str::to_string);
    let echo = params.get("echo").map(str::to_string);
    let import_id = {
        let mut state = lock(&shared.cloudsponge);
        state.next_id += 1;
        let id = 1125 + state.next_id;
        state.imports.insert(
            id,
            Import {
                username: params.get("username").unwrap_or(service).to_string(),
                include_address: params.get("include") == Some("mailing_address"),
                user_id: user_id.clone(),
                echo: echo.clone(),
                redirect_url: params.non_empty("redirect_url").map(str::to_string),
                state: phase,
                polls: 0,
                complete: false,
            },
        );
        id
    };
    let id = Node::Int(import_id as i64);
    let mut fields = vec![("status", Node::str("success"))];
    if consent {
        fields.push((
            "url",
            Node::str(format!(
                "{}/cloudsponge/consent/{import_id}",
                shared.base_url
            )),
        ));
        fields.push(("import_type", Node::str("OAUTH")));
    }
    fields.extend([
        ("import_id", id.clone()),
        ("user_id", Node::opt(user_id)),
        ("echo", Node::opt(echo)),
        ("id", id),
    ]);
    respond(format, StatusCode::OK, "result", &Node::Obj(fields))
}

/// `GET /cloudsponge/events/{import_id}[.fmt]`.
pub(crate) async fn events(
    State(shared): State<Arc<Shared>>,
    Path(segment): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let (id, format) = split_format(&segment);
    let params = Params::from_request(query.as_deref(), &headers, &[]);
    shared.count("cloudsponge.events");
    if !authorized(&shared, &headers, &params) {
        return error(
            format,
            StatusCode::UNAUTHORIZED,
            "Invalid domain key or domain password",
        );
    }
    let total = shared.config.book_size as i64;
    let gathering_polls = shared.config.phase_polls.max(1);
    let mut state = lock(&shared.cloudsponge);
    let Some((import_id, import)) = id
        .parse::<u64>()
        .ok()
        .and_then(|id| state.imports.get_mut(&id).map(|import| (id, import)))
    else {
        return error(format, StatusCode::NOT_FOUND, "Import not found");
    };
    // (event_type, status, value, description)
    let mut steps: Vec<(&str, &str, i64, Option<&str>)> = Vec::new();
    match import.state {
        Phase::Failed(description, code) => {
            steps.push(("INITIALIZING", "ERROR", code, Some(description)));
        }
        Phase::AwaitingConsent => steps.push(("INITIALIZING", "INPROGRESS", 0, None)),
        Phase::Running => {
            import.polls += 1;
            let p = import.polls;
            if p == 1 {
                steps.push(("INITIALIZING", "INPROGRESS", 0, None));
            } else {
                steps.push(("INITIALIZING", "COMPLETED", 0, None));
                if p <= gathering_polls + 1 {
                    let gathered = total * i64::from(p - 1) / i64::from(gathering_polls + 1);
                    steps.push(("GATHERING", "INPROGRESS", gathered, None));
                } else {
                    steps.push(("GATHERING", "COMPLETED", total, None));
                    steps.push(("COMPLETE", "COMPLETED", total, None));
                    import.complete = true;
                }
            }
        }
    }
    let events = steps
        .iter()
        .enumerate()
        .map(|(i, (event_type, status, value, description))| {
            Node::Obj(vec![
                (
                    "import_action_id",
                    Node::Int((import_id * 10 + i as u64) as i64),
                ),
                ("import_id", Node::Int(import_id as i64)),
                ("event_type", Node::str(*event_type)),
                ("value", Node::Int(*value)),
                ("description", Node::opt(*description)),
                ("status", Node::str(*status)),
                (
                    "created_at",
                    Node::str(format!("2016-04-12T15:29:{:02}.000-07:00", 50 + i)),
                ),
            ])
        })
        .collect();
    let tree = Node::Obj(vec![
        ("events", Node::List(events)),
        ("import_id", Node::Int(import_id as i64)),
        ("user_id", Node::opt(import.user_id.clone())),
        ("echo", Node::opt(import.echo.clone())),
        ("id", Node::Int(import_id as i64)),
    ]);
    respond(format, StatusCode::OK, "eventsResponse", &tree)
}

/// `GET /cloudsponge/contacts/{import_id}[.fmt]?start=&count=`.
pub(crate) async fn contacts(
    State(shared): State<Arc<Shared>>,
    Path(segment): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let (id, format) = split_format(&segment);
    let params = Params::from_request(query.as_deref(), &headers, &[]);
    shared.count("cloudsponge.contacts");
    if !authorized(&shared, &headers, &params) {
        return error(
            format,
            StatusCode::UNAUTHORIZED,
            "Invalid domain key or domain password",
        );
    }
    let parse = |name: &str| -> Result<usize, ()> {
        match params.non_empty(name) {
            None => Ok(0),
            Some(v) => v.trim().parse().map_err(|_| ()),
        }
    };
    let (Ok(start), Ok(count)) = (parse("start"), parse("count")) else {
        return error(
            format,
            StatusCode::BAD_REQUEST,
            "start and count must be integers",
        );
    };
    let (import_id, username, include_address, user_id, echo) = {
        let state = lock(&shared.cloudsponge);
        let Some((id, import)) = id
            .parse::<u64>()
            .ok()
            .and_then(|id| state.imports.get(&id).map(|import| (id, import)))
        else {
            return error(format, StatusCode::NOT_FOUND, "Import not found");
        };
        if !import.complete {
            // The Ruby library reads a 404 as "not ready yet".
            return error(format, StatusCode::NOT_FOUND, "Contacts are not ready");
        }
        (
            id,
            import.username.clone(),
            import.include_address,
            import.user_id.clone(),
            import.echo.clone(),
        )
    };
    let total = shared.config.book_size;
    let count = if count == 0 { total } else { count };
    let page = book::page(book_seed(&shared), total, start, count);
    let returned = page.len() as i64;
    let contacts = page
        .iter()
        .map(|c| contact(c, include_address))
        .collect::<Vec<_>>();
    let owner_email = if username.contains('@') {
        username.clone()
    } else {
        format!("{username}@example.com")
    };
    let owner = Node::Obj(vec![
        ("first_name", Node::str("Sandbox")),
        ("last_name", Node::str("Owner")),
        (
            "email",
            Node::List(vec![Node::Obj(vec![
                ("address", Node::str(owner_email)),
                ("type", Node::str("Email 1")),
                ("primary", Node::Bool(true)),
            ])]),
        ),
        ("phone", Node::List(Vec::new())),
        ("external_id", Node::str(format!("owner-{import_id}"))),
        ("owner", Node::Bool(true)),
    ]);
    let tree = Node::Obj(vec![
        ("contacts", Node::List(contacts)),
        ("contacts_owner", owner),
        ("start", Node::Int(start as i64)),
        ("count", Node::Int(returned)),
        ("total", Node::Int(total as i64)),
        ("import_id", Node::Int(import_id as i64)),
        ("user_id", Node::opt(user_id)),
        ("id", Node::Int(import_id as i64)),
        ("echo", Node::opt(echo)),
    ]);
    respond(format, StatusCode::OK, "contactsResponse", &tree)
}

/// One contact in CloudSponge's shape, with the quirks seen in real data on a few of them:
/// `companies:[null]`, the full name in `first_name`, a trailing tab on an e-mail.
fn contact(c: &GeneratedContact, include_address: bool) -> Node {
    let i = c.index;
    let (first_name, last_name) = if i % 89 == 40 {
        (
            Node::str(format!("{} {}", c.first_name, c.last_name)),
            Node::Null,
        )
    } else {
        (Node::str(&c.first_name), Node::str(&c.last_name))
    };
    let emails = c
        .emails
        .iter()
        .enumerate()
        .map(|(n, e)| {
            let mut address = e.address.clone();
            if n == 0 && i % 83 == 30 {
                address.push('\t');
            }
            let mut fields = vec![
                ("address", Node::str(address)),
                ("type", Node::str(e.label)),
            ];
            if n == 0 {
                fields.push(("primary", Node::Bool(true)));
            }
            Node::Obj(fields)
        })
        .collect();
    let phones = c
        .phones
        .iter()
        .map(|p| {
            Node::Obj(vec![
                ("number", Node::str(&p.number)),
                ("type", Node::str(p.label)),
            ])
        })
        .collect();
    let companies = if i % 97 == 50 {
        vec![Node::Null]
    } else {
        c.company.iter().map(Node::str).collect()
    };
    let mut fields = vec![
        ("first_name", first_name),
        ("last_name", last_name),
        ("email", Node::List(emails)),
        ("phone", Node::List(phones)),
    ];
    if include_address {
        let addresses = c
            .address
            .iter()
            .map(|a| {
                let street = match &a.street2 {
                    Some(line2) => format!("{}\n{line2}", a.street),
                    None => a.street.clone(),
                };
                let formatted = format!(
                    "{street}\n{} {}{}\n{}",
                    a.postal_code,
                    a.city,
                    a.region
                        .as_deref()
                        .map(|r| format!(", {r}"))
                        .unwrap_or_default(),
                    a.country
                );
                Node::Obj(vec![
                    ("type", Node::str(a.label)),
                    ("street", Node::str(street)),
                    ("city", Node::str(&a.city)),
                    ("region", Node::opt(a.region.clone())),
                    ("country", Node::str(&a.country)),
                    ("postal_code", Node::str(&a.postal_code)),
                    ("formatted", Node::str(formatted)),
                ])
            })
            .collect();
        fields.push(("address", Node::List(addresses)));
    }
    let (dob, birthday) = match &c.birthday {
        Some(date) if i & 1 == 0 => (Node::str(date), Node::opt(date.get(5..))),
        Some(date) => (Node::Null, Node::opt(date.get(5..))),
        None => (Node::Null, Node::Null),
    };
    fields.extend([
        ("groups", Node::List(c.tags.iter().map(Node::str).collect())),
        ("companies", Node::List(companies)),
        ("job_title", Node::opt(c.job_title.clone())),
        ("dob", dob),
        ("birthday", birthday),
        ("photos", Node::List(Vec::new())),
        ("locations", Node::List(Vec::new())),
    ]);
    Node::Obj(fields)
}

/// `GET /cloudsponge/consent/{import_id}`: the page the visitor sees in the popup.
pub(crate) async fn consent_page(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
) -> Response {
    shared.count("cloudsponge.consent_page");
    let known = id
        .parse::<u64>()
        .ok()
        .is_some_and(|id| lock(&shared.cloudsponge).imports.contains_key(&id));
    if !known {
        return (StatusCode::NOT_FOUND, "Unknown import").into_response();
    }
    let id = esc(&id);
    html(format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Sandbox consent</title></head>\
         <body><h1>Share your address book?</h1>\
         <p>The sandbox address-book provider asks whether import {id} may read your contacts.</p>\
         <form method=\"post\" action=\"/cloudsponge/consent/{id}\"><input type=\"hidden\" name=\"decision\" value=\"allow\">\
         <button type=\"submit\" id=\"allow\">Allow</button></form>\
         <form method=\"post\" action=\"/cloudsponge/consent/{id}\"><input type=\"hidden\" name=\"decision\" value=\"deny\">\
         <button type=\"submit\" id=\"deny\">Deny</button></form></body></html>\n"
    ))
}

/// `POST /cloudsponge/consent/{import_id}` with `decision=allow|deny`.
pub(crate) async fn consent_decision(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    shared.count("cloudsponge.consent_decision");
    let params = Params::from_request(None, &headers, &body);
    let decision = params.get("decision").unwrap_or_default().to_string();
    let redirect = {
        let mut state = lock(&shared.cloudsponge);
        let Some(import) = id
            .parse::<u64>()
            .ok()
            .and_then(|id| state.imports.get_mut(&id))
        else {
            return (StatusCode::NOT_FOUND, "Unknown import").into_response();
        };
        if import.state == Phase::AwaitingConsent {
            import.state = match decision.as_str() {
                "allow" => Phase::Running,
                "deny" => Phase::Failed("User denied consent", 2),
                _ => {
                    return (StatusCode::BAD_REQUEST, "decision must be allow or deny")
                        .into_response()
                }
            };
        }
        import.redirect_url.clone()
    };
    match redirect {
        Some(url) => Redirect::to(&url).into_response(),
        None => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            format!(
                "<!DOCTYPE html>\n<html><body><p id=\"done\">Consent {}. You can close this window.</p>\
                 <script>window.close()</script></body></html>\n",
                if decision == "allow" { "given" } else { "refused" }
            ),
        )
            .into_response(),
    }
}
