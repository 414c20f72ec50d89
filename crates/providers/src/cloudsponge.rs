//! CloudSponge's address-book import API, in JSON or XML (seed 000, PROTOCOLS.md D1).
//!
//! `POST begin_import/import` (username/password) or `begin_import/user_consent` (the visitor
//! opens a consent URL) → poll `GET events/{id}` at most once a second (INITIALIZING,
//! GATHERING with the running count, COMPLETE; each INPROGRESS, COMPLETED or ERROR) →
//! `GET contacts/{id}?start=&count=` page by page until `total`, where a 404 means "not ready
//! yet". HTTP Basic `domain_key:domain_password` when the credentials are here (natively);
//! behind the proxy they are absent and the proxy adds them. Request bodies are
//! form-urlencoded; the format is the `.json` / `.xml` suffix.

use contacts::xml::Element;
use serde_json::Value;

use crate::answer;
use crate::error::{Error, Result};
use crate::gather::Gatherer;
use crate::job::{Effect, Imported, Job, Phase};
use crate::transport::{form, join, with_query, BasicAuth, Request, Response, Transport};

/// The source name stamped on imported contacts.
pub const SOURCE: &str = "cloudsponge";

/// The answer format, chosen by the path suffix.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Format {
    /// `.json`
    #[default]
    Json,
    /// `.xml`
    Xml,
}

impl Format {
    fn suffix(self) -> &'static str {
        match self {
            Format::Json => ".json",
            Format::Xml => ".xml",
        }
    }
}

/// A CloudSponge API client.
#[derive(Debug, Clone)]
pub struct Client {
    /// The API root (`https://api.cloudsponge.com`, or the proxy's `/proxy/cloudsponge`).
    pub endpoint: String,
    /// `domain_key:domain_password`; `None` behind the proxy.
    pub credentials: Option<BasicAuth>,
    /// JSON or XML answers.
    pub format: Format,
}

/// How the visitor gives access to the address book.
#[derive(Clone, PartialEq, Eq)]
pub enum Access {
    /// The visitor's username and password for the service (`begin_import/import`).
    Password {
        /// The visitor's username.
        username: String,
        /// The visitor's password (never printed).
        password: String,
    },
    /// The visitor opens a consent URL (`begin_import/user_consent`).
    Consent {
        /// Where the provider sends the visitor afterwards (empty with `window.open`).
        redirect_url: Option<String>,
    },
}

impl std::fmt::Debug for Access {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Access::Password { username, .. } => f
                .debug_struct("Password")
                .field("username", username)
                .field("password", &"<hidden>")
                .finish(),
            Access::Consent { redirect_url } => f
                .debug_struct("Consent")
                .field("redirect_url", redirect_url)
                .finish(),
        }
    }
}

/// What to import.
#[derive(Debug, Clone)]
pub struct ImportRequest {
    /// The service code (`gmail`, `yahoo`, `icloud`, ...).
    pub service: String,
    /// Password or consent.
    pub access: Access,
    /// Ask for mailing addresses too (`include=mailing_address`).
    pub mailing_address: bool,
    /// The caller's identifier for the visitor, sent back in every answer.
    pub user_id: Option<String>,
    /// Any string, sent back in every answer.
    pub echo: Option<String>,
}

/// What `begin_import` answered.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Begun {
    /// The import's id, for events and contacts.
    pub import_id: String,
    /// The consent URL (consent imports).
    pub consent_url: Option<String>,
    /// `user_id` as sent back.
    pub user_id: Option<String>,
    /// `echo` as sent back.
    pub echo: Option<String>,
}

/// One import event.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Event {
    /// INITIALIZING, GATHERING, SUBMITTING, COMPLETE.
    pub event_type: String,
    /// INPROGRESS, COMPLETED, ERROR.
    pub status: String,
    /// GATHERING: contacts so far; ERROR: an error code.
    pub value: Option<u64>,
    /// A text, mostly for errors.
    pub description: Option<String>,
}

/// Where an import stands, from its events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Standing {
    /// Still running; contacts gathered so far, when said.
    Running(Option<u64>),
    /// COMPLETE with COMPLETED.
    Complete(Option<u64>),
}

/// One page of contacts.
#[derive(Debug, Clone, Default)]
pub struct Page {
    /// The page's contacts (raw, not normalized).
    pub contacts: Vec<contacts::Contact>,
    /// The owner record, when present.
    pub owner: Option<contacts::Contact>,
    /// The total number of contacts, when said.
    pub total: Option<u64>,
    /// `user_id` as sent back.
    pub user_id: Option<String>,
    /// `echo` as sent back.
    pub echo: Option<String>,
}

impl Client {
    /// A client for `endpoint` with optional domain credentials.
    pub fn new(
        endpoint: impl Into<String>,
        credentials: Option<BasicAuth>,
        format: Format,
    ) -> Self {
        Client {
            endpoint: endpoint.into(),
            credentials,
            format,
        }
    }

    fn url(&self, path: &str) -> String {
        join(&self.endpoint, &format!("{path}{}", self.format.suffix()))
    }

    /// Runs a whole import: begin, (consent), wait for COMPLETE, fetch every page, normalize.
    pub async fn import<T: Transport>(
        &self,
        job: &mut Job<'_, T>,
        request: &ImportRequest,
    ) -> Result<Imported> {
        job.report(Phase::Starting, None, None);
        let begun = self.begin(job, request).await?;
        if let Some(url) = &begun.consent_url {
            job.report_consent(url);
        }
        let by_password = matches!(request.access, Access::Password { .. });
        self.wait_until_complete(job, &begun.import_id, by_password)
            .await?;
        let mut gatherer = Gatherer::new(job.options(), SOURCE);
        let page = self
            .fetch_each(job, &begun.import_id, |contacts| gatherer.add(contacts))
            .await?;
        let (contacts, problems) = gatherer.finish();
        let owner = page
            .owner
            .and_then(|owner| Gatherer::one(job.options(), SOURCE, owner));
        let imported = Imported {
            contacts,
            problems,
            owner,
            user_id: page.user_id.or(begun.user_id),
            echo: page.echo.or(begun.echo),
        };
        let count = imported.contacts.len() as u64;
        job.report(Phase::Done, Some(count), Some(count));
        Ok(imported)
    }

    /// `POST begin_import/import` or `begin_import/user_consent`.
    pub async fn begin<T: Transport>(
        &self,
        job: &mut Job<'_, T>,
        request: &ImportRequest,
    ) -> Result<Begun> {
        let mut pairs: Vec<(&str, &str)> = vec![("service", request.service.as_str())];
        let path = match &request.access {
            Access::Password { username, password } => {
                pairs.push(("username", username));
                pairs.push(("password", password));
                "begin_import/import"
            }
            Access::Consent { redirect_url } => {
                if let Some(url) = redirect_url {
                    pairs.push(("redirect_url", url));
                }
                "begin_import/user_consent"
            }
        };
        if request.mailing_address {
            pairs.push(("include", "mailing_address"));
        }
        if let Some(user_id) = &request.user_id {
            pairs.push(("user_id", user_id));
        }
        if let Some(echo) = &request.echo {
            pairs.push(("echo", echo));
        }
        let body = form(pairs).into_bytes();
        let http = Request::post(self.url(path), "application/x-www-form-urlencoded", body)
            .basic_auth(self.credentials.as_ref());
        let format = self.format;
        let consent = matches!(request.access, Access::Consent { .. });
        job.send(http, Effect::Start, |answer| {
            parse_begun(answer, format, consent)
        })
        .await
    }

    /// `GET events/{import_id}`: a poll, never under a second after the previous one.
    pub async fn events<T: Transport>(
        &self,
        job: &mut Job<'_, T>,
        import_id: &str,
    ) -> Result<Vec<Event>> {
        let url = self.url(&format!("events/{}", crate::transport::encode(import_id)));
        let http = Request::get(url).basic_auth(self.credentials.as_ref());
        let format = self.format;
        job.send(http, Effect::Poll, |answer| {
            check_status(answer, format)?;
            parse_events(answer, format)
        })
        .await
    }

    /// Polls the events (at most once a second) until COMPLETE, reporting the running count.
    async fn wait_until_complete<T: Transport>(
        &self,
        job: &mut Job<'_, T>,
        import_id: &str,
        by_password: bool,
    ) -> Result<()> {
        loop {
            let events = self.events(job, import_id).await?;
            match standing(&events, by_password)? {
                Standing::Complete(count) => {
                    job.report(Phase::Fetching, count, count);
                    return Ok(());
                }
                Standing::Running(count) => {
                    if count.is_some() || job.progress().phase != Phase::Consent {
                        job.report(Phase::Gathering, count, None);
                    }
                }
            }
        }
    }

    /// `GET contacts/{import_id}?start=&count=`: one page, or `None` while not ready (404).
    pub async fn page<T: Transport>(
        &self,
        job: &mut Job<'_, T>,
        import_id: &str,
        start: u64,
        count: u32,
    ) -> Result<Option<Page>> {
        let url = self.url(&format!("contacts/{}", crate::transport::encode(import_id)));
        let url = with_query(&url, &format!("start={start}&count={count}"));
        let http = Request::get(url).basic_auth(self.credentials.as_ref());
        let format = self.format;
        job.get(http, |answer| {
            if answer.status == 404 {
                return Ok(None);
            }
            check_status(answer, format)?;
            parse_page(answer, format).map(Some)
        })
        .await
    }

    /// Fetches every page, handing each page's contacts to `each` as it arrives rather than
    /// keeping them: an import normalizes and stores them compactly at once, so the raw values
    /// of a whole address book are never held together. Returns the rest of what the pages
    /// said (owner, total, `user_id`, `echo`), with no contacts. A 404 (not ready) is polled
    /// again, at most once a second, until the job's deadline.
    pub async fn fetch_each<T: Transport>(
        &self,
        job: &mut Job<'_, T>,
        import_id: &str,
        mut each: impl FnMut(Vec<contacts::Contact>),
    ) -> Result<Page> {
        let page_size = job.options().page_size.max(1);
        let mut all = Page::default();
        let mut start = 0u64;
        loop {
            let Some(page) = self.page(job, import_id, start, page_size).await? else {
                job.wait_for_poll().await?;
                continue;
            };
            let received = page.contacts.len() as u64;
            all.total = page.total.or(all.total);
            all.owner = page.owner.or(all.owner.take());
            all.user_id = page.user_id.or(all.user_id.take());
            all.echo = page.echo.or(all.echo.take());
            each(page.contacts);
            start += received;
            job.report(Phase::Fetching, Some(start), all.total);
            let more = match all.total {
                Some(total) => start < total,
                None => received == u64::from(page_size),
            };
            // A server that ignores `count` sends everything at once: stop rather than loop.
            if received == 0 || received > u64::from(page_size) || !more {
                return Ok(all);
            }
        }
    }
}

/// Reads `begin_import`'s answer (the import id, and the consent URL of a consent import).
fn parse_begun(answer: &Response, format: Format, consent: bool) -> Result<Begun> {
    check_status(answer, format)?;
    let begun = match format {
        Format::Json => {
            let value = answer::json(answer, "begin_import")?;
            json_error(&value)?;
            Begun {
                import_id: answer::text(value.get("import_id").or(value.get("id")))
                    .unwrap_or_default(),
                consent_url: answer::text(value.get("url")),
                user_id: answer::text(value.get("user_id")),
                echo: answer::text(value.get("echo")),
            }
        }
        Format::Xml => {
            let root = answer::xml(answer, "begin_import")?;
            xml_error(&root)?;
            Begun {
                import_id: answer::child(&root, "import-id")
                    .or_else(|| answer::child(&root, "id"))
                    .unwrap_or_default(),
                consent_url: answer::child(&root, "url"),
                user_id: answer::child(&root, "user-id"),
                echo: answer::child(&root, "echo"),
            }
        }
    };
    if begun.import_id.is_empty() {
        return Err(Error::malformed("begin_import answer has no import_id"));
    }
    if consent && begun.consent_url.is_none() {
        return Err(Error::malformed("user_consent answer has no url"));
    }
    Ok(begun)
}

/// Maps a failed HTTP status (other than 404 on contacts, handled by the caller) to an error:
/// 401/403 are the site's domain credentials; a provider message in the body is kept.
fn check_status(answer: &Response, format: Format) -> Result<()> {
    if answer.is_success() {
        return Ok(());
    }
    let message = match format {
        Format::Json => answer::json(answer, "error")
            .ok()
            .and_then(|v| error_message(&v)),
        Format::Xml => answer::xml(answer, "error")
            .ok()
            .and_then(|root| xml_error(&root).err())
            .map(|e| match e {
                Error::Provider { message, .. } => message,
                other => other.to_string(),
            }),
    };
    match answer.status {
        401 | 403 => Err(Error::Unauthorized { message }),
        status => match message {
            Some(message) => Err(Error::Provider {
                message,
                code: Some(status.to_string()),
            }),
            None => Err(crate::job::status_error(answer)),
        },
    }
}

fn error_message(value: &Value) -> Option<String> {
    let error = value.get("error").filter(|e| !e.is_null())?;
    answer::text(error.get("message"))
        .or_else(|| answer::text(Some(error)))
        .or_else(|| Some("error".into()))
}

/// `{"error":{"message":…}}` or `"status":"failure"`.
fn json_error(value: &Value) -> Result<()> {
    if let Some(message) = error_message(value) {
        return Err(Error::Provider {
            message,
            code: None,
        });
    }
    match answer::text(value.get("status")) {
        Some(status) if status != "success" => Err(Error::Provider {
            message: format!("status {status}"),
            code: None,
        }),
        _ => Ok(()),
    }
}

/// `<result><status>error</status><error><message>…</message></error>…</result>`.
fn xml_error(root: &Element) -> Result<()> {
    let status = answer::child(root, "status");
    let error = root.child("error");
    if error.is_none() && status.as_deref().is_none_or(|s| s == "success") {
        return Ok(());
    }
    let message = error
        .and_then(|e| e.child_text("message").or_else(|| non_empty(e.text())))
        .or_else(|| status.map(|s| format!("status {s}")))
        .unwrap_or_else(|| "error".into());
    Err(Error::Provider {
        message,
        code: None,
    })
}

fn non_empty(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_string())
}

fn parse_events(answer: &Response, format: Format) -> Result<Vec<Event>> {
    match format {
        Format::Json => {
            let value = answer::json(answer, "events")?;
            json_error(&value)?;
            let Some(events) = value.get("events") else {
                return Err(Error::malformed("events answer has no events"));
            };
            Ok(contacts::json::ensure_array(events)
                .into_iter()
                .map(|event| Event {
                    event_type: answer::text(event.get("event_type")).unwrap_or_default(),
                    status: answer::text(event.get("status")).unwrap_or_default(),
                    value: answer::count(event.get("value")),
                    description: answer::text(event.get("description")),
                })
                .collect())
        }
        Format::Xml => {
            let root = answer::xml(answer, "events")?;
            xml_error(&root)?;
            let Some(list) = answer::find(&root, "events") else {
                return Err(Error::malformed("events answer has no <events>"));
            };
            Ok(list
                .children_named("event")
                .map(|event| Event {
                    event_type: answer::child(event, "event-type")
                        .or_else(|| answer::child(event, "event_type"))
                        .unwrap_or_default(),
                    status: answer::child(event, "status").unwrap_or_default(),
                    value: answer::child_count(event, "value"),
                    description: answer::child(event, "description"),
                })
                .collect())
        }
    }
}

/// Where the import stands. An ERROR anywhere fails it: in INITIALIZING of a password import
/// it means the visitor's password was refused; a denied consent is [`Error::ConsentRefused`].
pub fn standing(events: &[Event], by_password: bool) -> Result<Standing> {
    let upper = |s: &str| s.trim().to_ascii_uppercase();
    if let Some(failed) = events.iter().find(|e| upper(&e.status) == "ERROR") {
        let description = failed.description.clone();
        let lower = description.as_deref().unwrap_or("").to_lowercase();
        if lower.contains("consent") || lower.contains("denied") || lower.contains("refused") {
            return Err(Error::ConsentRefused {
                message: description,
            });
        }
        if by_password && upper(&failed.event_type) == "INITIALIZING" {
            return Err(Error::WrongCredentials {
                message: description,
            });
        }
        return Err(Error::Provider {
            message: description
                .unwrap_or_else(|| format!("the import failed during {}", failed.event_type)),
            code: failed.value.map(|v| v.to_string()),
        });
    }
    let gathered = events
        .iter()
        .filter(|e| upper(&e.event_type) == "GATHERING")
        .filter_map(|e| e.value)
        .max();
    let complete = events
        .iter()
        .any(|e| upper(&e.event_type) == "COMPLETE" && upper(&e.status) == "COMPLETED");
    Ok(if complete {
        Standing::Complete(gathered)
    } else {
        Standing::Running(gathered)
    })
}

fn parse_page(answer: &Response, format: Format) -> Result<Page> {
    match format {
        Format::Json => {
            let value = answer::json(answer, "contacts")?;
            json_error(&value)?;
            let Some(list) = value.get("contacts") else {
                return Err(Error::malformed("contacts answer has no contacts"));
            };
            Ok(Page {
                contacts: contacts::json::ensure_array(list)
                    .into_iter()
                    .map(contacts::json::cloudsponge_contact)
                    .collect(),
                owner: value
                    .get("contacts_owner")
                    .filter(|o| o.is_object())
                    .map(contacts::json::cloudsponge_contact),
                total: answer::count(value.get("total")),
                user_id: answer::text(value.get("user_id")),
                echo: answer::text(value.get("echo")),
            })
        }
        Format::Xml => {
            let root = answer::xml(answer, "contacts")?;
            xml_error(&root)?;
            if answer::find(&root, "contacts").is_none() {
                return Err(Error::malformed("contacts answer has no <contacts>"));
            }
            let owner = root
                .child("contacts-owner")
                .or_else(|| root.child("contacts_owner"))
                .filter(|o| !o.children.is_empty())
                .map(contacts::xml::cloudsponge_contact);
            Ok(Page {
                contacts: contacts::xml::contact_elements(&root)
                    .into_iter()
                    .map(contacts::xml::cloudsponge_contact)
                    .collect(),
                owner,
                total: answer::child_count(&root, "total"),
                user_id: answer::child(&root, "user-id"),
                echo: answer::child(&root, "echo"),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::job::{JobOptions, Progress};
    use crate::transport::memory::{block_on, MemoryTransport};
    use crate::transport::Method;
    use std::time::Duration;

    fn contact_json(i: usize) -> String {
        format!(
            r#"{{"first_name":"First{i}","last_name":"Last{i}","email":[{{"address":"p{i}@example.com\t","type":"Email 1"}}],"companies":[null]}}"#
        )
    }

    /// A CloudSponge imitation: events move on with each poll; contacts 404 once, then page.
    fn server(total: usize, password_ok: bool) -> MemoryTransport {
        let mut polls = 0;
        let mut contact_calls = 0;
        MemoryTransport::new(move |request, _| {
            let url = request.url.as_str();
            if url.contains("/begin_import/") {
                assert_eq!(request.method, Method::Post);
                let body = request.body_text();
                assert!(body.contains("service=icloud"), "{body}");
                let consent = url.contains("user_consent");
                let answer = if consent {
                    r#"{"status":"success","url":"https://consent/x","import_id":7,"user_id":"u1","echo":"e1"}"#
                } else {
                    r#"{"status":"success","import_id":7,"user_id":"u1","echo":"e1"}"#
                };
                return Ok(Response::new(200, answer));
            }
            if url.contains("/events/7.json") {
                polls += 1;
                let events = if !password_ok {
                    r#"[{"event_type":"INITIALIZING","status":"ERROR","value":1,"description":"Invalid username or password"}]"#.to_string()
                } else if polls < 3 {
                    format!(
                        r#"[{{"event_type":"INITIALIZING","status":"COMPLETED","value":0}},{{"event_type":"GATHERING","status":"INPROGRESS","value":{}}}]"#,
                        polls * 10
                    )
                } else {
                    format!(
                        r#"[{{"event_type":"GATHERING","status":"COMPLETED","value":{total}}},{{"event_type":"COMPLETE","status":"COMPLETED","value":0}}]"#
                    )
                };
                return Ok(Response::new(
                    200,
                    format!(r#"{{"events":{events},"import_id":7}}"#),
                ));
            }
            if url.contains("/contacts/7.json") {
                contact_calls += 1;
                if contact_calls == 1 {
                    return Ok(Response::new(404, ""));
                }
                let query = url.split('?').nth(1).unwrap_or("");
                let get = |k: &str| {
                    query
                        .split('&')
                        .find_map(|p| p.strip_prefix(&format!("{k}=")))
                        .and_then(|v| v.parse::<usize>().ok())
                        .unwrap_or(0)
                };
                let (start, count) = (get("start"), get("count"));
                let end = (start + count).min(total);
                let items: Vec<String> = (start..end).map(contact_json).collect();
                let body = format!(
                    r#"{{"contacts":[{}],"contacts_owner":{{"first_name":"Owner","email":[{{"address":"me@example.com"}}],"owner":true}},"start":{start},"count":{},"total":{total},"user_id":"u1","echo":"e1"}}"#,
                    items.join(","),
                    end - start
                );
                return Ok(Response::new(200, body));
            }
            Ok(Response::new(500, "unexpected"))
        })
    }

    fn request(access: Access) -> ImportRequest {
        ImportRequest {
            service: "icloud".into(),
            access,
            mailing_address: true,
            user_id: Some("u1".into()),
            echo: Some("e1".into()),
        }
    }

    fn password() -> Access {
        Access::Password {
            username: "foo".into(),
            password: "bar".into(),
        }
    }

    #[test]
    fn imports_every_page_after_waiting_for_complete() {
        let transport = server(23, true);
        let client = Client::new(
            "http://cs/",
            Some(BasicAuth::new("key", "secret")),
            Format::Json,
        );
        let mut reports: Vec<Progress> = Vec::new();
        let options = JobOptions {
            page_size: 10,
            ..JobOptions::default()
        };
        let imported = {
            let mut job = Job::new(&transport, options).on_progress(|p| reports.push(p.clone()));
            block_on(client.import(&mut job, &request(password())))
        };
        let imported = imported.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(imported.contacts.len(), 23);
        assert_eq!(imported.user_id.as_deref(), Some("u1"));
        assert_eq!(imported.echo.as_deref(), Some("e1"));
        assert!(imported.owner.is_some());
        assert!(imported
            .contacts
            .iter()
            .all(|c| c.source == SOURCE && !c.id.is_empty()));
        let requests = transport.requests();
        // Basic auth on every request, include and user_id on begin.
        assert!(requests
            .iter()
            .all(|(_, r)| r.header_value("Authorization") == Some("Basic a2V5OnNlY3JldA==")));
        let begin = requests[0].1.body_text();
        assert!(begin.contains("include=mailing_address") && begin.contains("user_id=u1"));
        // Polls at least a second apart.
        let polls: Vec<u64> = requests
            .iter()
            .filter(|(_, r)| r.url.contains("/events/"))
            .map(|(t, _)| *t)
            .collect();
        assert_eq!(polls.len(), 3);
        assert!(polls.windows(2).all(|w| w[1] - w[0] >= 1000));
        // One 404 then pages 0, 10, 20.
        let pages: Vec<&str> = requests
            .iter()
            .filter(|(_, r)| r.url.contains("/contacts/"))
            .map(|(_, r)| r.url.split('?').nth(1).unwrap_or(""))
            .collect();
        assert_eq!(
            pages,
            [
                "start=0&count=10",
                "start=0&count=10",
                "start=10&count=10",
                "start=20&count=10"
            ]
        );
        assert!(reports
            .iter()
            .any(|p| p.phase == Phase::Gathering && p.gathered == 20));
        assert_eq!(
            reports.last().map(|p| (p.phase, p.gathered)),
            Some((Phase::Done, 23))
        );
    }

    #[test]
    fn error_in_initializing_of_a_password_import_is_wrong_credentials() {
        let transport = server(3, false);
        let client = Client::new("http://cs", None, Format::Json);
        let mut job = Job::new(&transport, JobOptions::default());
        let outcome = block_on(client.import(&mut job, &request(password())));
        assert!(
            matches!(outcome, Err(Error::WrongCredentials { message: Some(m) }) if m.contains("Invalid"))
        );
        // No credentials: no Authorization header (the proxy adds it).
        assert!(transport
            .requests()
            .iter()
            .all(|(_, r)| r.header_value("Authorization").is_none()));
    }

    #[test]
    fn consent_url_is_reported() {
        let transport = server(2, true);
        let client = Client::new("http://cs", None, Format::Json);
        let mut urls = Vec::new();
        let outcome = {
            let mut job = Job::new(&transport, JobOptions::default())
                .on_progress(|p| urls.extend(p.consent_url.clone()));
            block_on(client.import(&mut job, &request(Access::Consent { redirect_url: None })))
        };
        assert_eq!(outcome.map(|i| i.contacts.len()), Ok(2));
        assert_eq!(urls.first().map(String::as_str), Some("https://consent/x"));
    }

    #[test]
    fn denied_consent_and_other_errors() {
        let event = |t: &str, s: &str, d: &str| Event {
            event_type: t.into(),
            status: s.into(),
            value: Some(3),
            description: Some(d.into()),
        };
        assert!(matches!(
            standing(
                &[event("INITIALIZING", "ERROR", "User denied consent")],
                false
            ),
            Err(Error::ConsentRefused { .. })
        ));
        assert!(matches!(
            standing(&[event("GATHERING", "ERROR", "Service down")], true),
            Err(Error::Provider { code: Some(c), .. }) if c == "3"
        ));
        assert_eq!(
            standing(&[event("GATHERING", "INPROGRESS", "")], true),
            Ok(Standing::Running(Some(3)))
        );
    }

    #[test]
    fn wrong_domain_credentials_are_unauthorized_and_a_failed_begin_is_started_again() {
        let transport = MemoryTransport::new(|_, _| {
            Ok(Response::new(
                401,
                r#"{"error":{"message":"Invalid domain key"}}"#,
            ))
        });
        let client = Client::new("http://cs", None, Format::Json);
        let mut job = Job::new(&transport, JobOptions::default());
        let outcome = block_on(client.import(&mut job, &request(password())));
        assert_eq!(
            outcome.map(|_| ()),
            Err(Error::Unauthorized {
                message: Some("Invalid domain key".into())
            })
        );
        // A begin that failed in a passing way is started again (the lost import is never
        // polled), as many times as the retries allow, and the error says the status only.
        let transport = MemoryTransport::new(|_, _| Ok(Response::new(502, "<html>bad</html>")));
        let mut job = Job::new(&transport, JobOptions::default());
        let outcome = block_on(client.import(&mut job, &request(password())));
        assert_eq!(outcome.map(|_| ()), Err(Error::Http { status: 502 }));
        assert_eq!(transport.request_count(), 9);
    }

    #[test]
    fn xml_answers() {
        let transport = MemoryTransport::new(|request, _| {
            let url = request.url.as_str();
            let body = if url.contains("begin_import/import.xml") {
                "<?xml version=\"1.0\"?><result><status>success</status><import-id>1131</import-id><user-id nil=\"true\"/><echo>hi</echo></result>"
            } else if url.contains("events/1131.xml") {
                "<eventsResponse><events type=\"array\"><event><event-type>COMPLETE</event-type><status>COMPLETED</status><value type=\"integer\">2</value></event></events><import-id>1131</import-id></eventsResponse>"
            } else if url.contains("contacts/1131.xml") {
                "<contactsResponse><echo>hi</echo><user-id nil=\"true\"/><import-id>1131</import-id><contacts-owner><first-name>Me</first-name><email type=\"array\"><email><address>me@x.org</address></email></email></contacts-owner><contacts type=\"array\"><contact><first-name>Ann</first-name><last-name>A</last-name><email type=\"array\"><email><address>ann@x.org</address><type>home</type></email></email></contact><contact><first-name>Bob B</first-name><phone type=\"array\"><phone><number>+41 44 668 18 00</number><type>Work Mobile</type></phone></phone></contact></contacts><total>2</total></contactsResponse>"
            } else {
                return Ok(Response::new(500, ""));
            };
            Ok(Response::new(200, body))
        });
        let client = Client::new("http://cs", None, Format::Xml);
        let mut job = Job::new(&transport, JobOptions::default());
        let imported = block_on(client.import(&mut job, &request(password())))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(imported.contacts.len(), 2);
        assert_eq!(imported.echo.as_deref(), Some("hi"));
        assert_eq!(imported.user_id, None);
        assert_eq!(
            imported
                .owner
                .and_then(|o| o.emails.first().map(|e| e.address.clone())),
            Some("me@x.org".into())
        );
    }

    #[test]
    fn deadline_while_gathering_and_cancel_stop_requests() {
        let transport = MemoryTransport::new(|request, _| {
            Ok(if request.url.contains("begin_import") {
                Response::new(200, r#"{"status":"success","import_id":1}"#)
            } else {
                Response::new(
                    200,
                    r#"{"events":[{"event_type":"GATHERING","status":"INPROGRESS","value":1}]}"#,
                )
            })
        });
        let client = Client::new("http://cs", None, Format::Json);
        let options = JobOptions {
            deadline: Some(Duration::from_secs(30)),
            ..JobOptions::default()
        };
        let mut job = Job::new(&transport, options);
        let outcome = block_on(client.import(&mut job, &request(password())));
        assert!(matches!(outcome, Err(Error::Timeout { .. })));
        assert!(transport.requests().iter().all(|(t, _)| *t < 30_000));

        let token = crate::CancelToken::new();
        let cancel_after = token.clone();
        let mut seen = 0;
        let transport = MemoryTransport::new(move |request, _| {
            seen += 1;
            if seen == 4 {
                cancel_after.cancel();
            }
            Ok(if request.url.contains("begin_import") {
                Response::new(200, r#"{"status":"success","import_id":1}"#)
            } else {
                Response::new(200, r#"{"events":[]}"#)
            })
        });
        let mut job = Job::new(&transport, JobOptions::default()).with_cancel(token);
        let outcome = block_on(client.import(&mut job, &request(password())));
        assert_eq!(outcome.map(|_| ()), Err(Error::Cancelled));
        assert_eq!(transport.request_count(), 4);
    }
}
