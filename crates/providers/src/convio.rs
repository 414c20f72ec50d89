//! Convio / Blackbaud Luminate `CRAddressBookAPI` online address-book import (seed 001,
//! PROTOCOLS.md D2): `startOnlineAddressBookImport` (jobId, oauthUrl) → the visitor allows
//! access at oauthUrl, which ends in `addressBookImportOAuthCallback` → poll
//! `getAddressBookImportJobStatus` (PENDING with events, then SUCCESS or FAILURE) →
//! `getAddressBookImportContacts`.
//!
//! Every call carries the common parameters `api_key`, `v=1.0`, `response_format` and `auth` or
//! `sso_auth_token`. Errors come as `errorResponse {code, message}` (often with HTTP 403). In
//! JSON a one-element list collapses to the bare value: every list goes through
//! [`contacts::json::ensure_array`].

use contacts::xml::Element;
use serde_json::Value;

use crate::answer;
use crate::error::{Error, Result};
use crate::gather::Gatherer;
use crate::job::{Effect, Imported, Job, Phase};
use crate::transport::{form, with_query, Request, Response, Transport};

/// The source name stamped on imported contacts.
pub const SOURCE: &str = "convio";

/// The answer format (`response_format`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Format {
    /// `response_format=json`
    #[default]
    Json,
    /// `response_format=xml` (the API's default)
    Xml,
}

/// The visitor's Convio session.
#[derive(Clone, PartialEq, Eq)]
pub enum Auth {
    /// `auth`: a token from an `[[S86]]` session tag.
    Auth(String),
    /// `sso_auth_token`: from login, authenticateUser or getSingleSignOnToken.
    SsoAuthToken(String),
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Auth::Auth(_) => f.write_str("Auth(<hidden>)"),
            Auth::SsoAuthToken(_) => f.write_str("SsoAuthToken(<hidden>)"),
        }
    }
}

/// A `CRAddressBookAPI` client.
#[derive(Clone)]
pub struct Client {
    /// The servlet URL, ending in `/CRAddressBookAPI` (or the proxy's).
    pub endpoint: String,
    /// `api_key`; `None` behind the proxy, which adds it.
    pub api_key: Option<String>,
    /// The visitor's session token.
    pub auth: Option<Auth>,
    /// JSON or XML answers.
    pub format: Format,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("endpoint", &self.endpoint)
            .field("api_key", &self.api_key.as_ref().map(|_| "<hidden>"))
            .field("auth", &self.auth)
            .field("format", &self.format)
            .finish()
    }
}

/// What `startOnlineAddressBookImport` answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Started {
    /// The import job's id.
    pub job_id: String,
    /// Where the visitor allows access.
    pub oauth_url: String,
}

/// The job status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobStatus {
    /// PENDING, SUCCESS, FAILURE (or anything else the server says).
    pub status: String,
    /// The events so far ("Received authorization", "Importing Contacts").
    pub events: Vec<String>,
}

impl Client {
    /// The common parameters plus `method` and `extra`, form-encoded.
    fn params(&self, method: &str, extra: &[(&str, &str)], authenticated: bool) -> String {
        let format = match self.format {
            Format::Json => "json",
            Format::Xml => "xml",
        };
        let mut pairs: Vec<(&str, &str)> = vec![("method", method)];
        if let Some(key) = &self.api_key {
            pairs.push(("api_key", key));
        }
        pairs.push(("v", "1.0"));
        pairs.push(("response_format", format));
        if authenticated {
            match &self.auth {
                Some(Auth::Auth(token)) => pairs.push(("auth", token)),
                Some(Auth::SsoAuthToken(token)) => pairs.push(("sso_auth_token", token)),
                None => {}
            }
        }
        pairs.extend_from_slice(extra);
        form(pairs)
    }

    /// Runs a whole import: start, report the consent URL, poll until SUCCESS, fetch.
    pub async fn import<T: Transport>(
        &self,
        job: &mut Job<'_, T>,
        source: &str,
        callback_url: Option<&str>,
    ) -> Result<Imported> {
        job.report(Phase::Starting, None, None);
        let started = self.start(job, source, callback_url).await?;
        job.report_consent(&started.oauth_url);
        loop {
            let status = self.status(job, &started.job_id).await?;
            job.set_message(status.events.last().cloned());
            match status.status.to_ascii_uppercase().as_str() {
                "SUCCESS" => break,
                "FAILURE" | "FAILED" | "ERROR" => {
                    let events = status.events.join("; ");
                    let lower = events.to_lowercase();
                    return Err(if lower.contains("denied") || lower.contains("refused") {
                        Error::ConsentRefused {
                            message: Some(events),
                        }
                    } else {
                        Error::Provider {
                            message: if events.is_empty() {
                                "the import job failed".into()
                            } else {
                                events
                            },
                            code: Some(status.status),
                        }
                    });
                }
                _ if status.events.is_empty() => {}
                _ => job.report(Phase::Gathering, None, None),
            }
        }
        job.set_message(None);
        job.report(Phase::Fetching, None, None);
        // One answer holds the whole book: its raw contacts are stored compactly as soon as it
        // is read.
        let raw = self.contacts(job, &started.job_id).await?;
        let mut gatherer = Gatherer::new(job.options(), SOURCE);
        gatherer.add(raw);
        let (contacts, problems) = gatherer.finish();
        let imported = Imported {
            contacts,
            problems,
            ..Imported::default()
        };
        let count = imported.contacts.len() as u64;
        job.report(Phase::Done, Some(count), Some(count));
        Ok(imported)
    }

    /// `startOnlineAddressBookImport`: sent again after a failure that may pass (the job a lost
    /// answer started is never polled, and an abandoned job harms nothing).
    pub async fn start<T: Transport>(
        &self,
        job: &mut Job<'_, T>,
        source: &str,
        callback_url: Option<&str>,
    ) -> Result<Started> {
        let mut extra = vec![("import_source", source)];
        if let Some(url) = callback_url {
            extra.push(("callback_url", url));
        }
        let body = self.params("startOnlineAddressBookImport", &extra, true);
        let request = Request::post(
            self.endpoint.clone(),
            "application/x-www-form-urlencoded",
            body.into_bytes(),
        );
        job.send(request, Effect::Start, |answer| {
            let tree = self.parse(answer)?;
            let job_id = tree.text("jobId");
            let oauth_url = tree.text("oauthUrl");
            match (job_id, oauth_url) {
                (Some(job_id), Some(oauth_url)) => Ok(Started { job_id, oauth_url }),
                _ => Err(Error::malformed(
                    "startOnlineAddressBookImport answer lacks jobId or oauthUrl",
                )),
            }
        })
        .await
    }

    /// `addressBookImportOAuthCallback` (no authentication): what the OAuth redirect page calls
    /// with the provider's `code` (or OAuth 1 token and verifier).
    pub async fn oauth_callback<T: Transport>(
        &self,
        job: &mut Job<'_, T>,
        job_id: &str,
        code: Option<&str>,
        oauth_token: Option<&str>,
        oauth_verifier: Option<&str>,
    ) -> Result<()> {
        let mut extra = vec![("import_job_id", job_id)];
        for (name, value) in [
            ("code", code),
            ("oauth_token", oauth_token),
            ("oauth_verifier", oauth_verifier),
        ] {
            if let Some(value) = value {
                extra.push((name, value));
            }
        }
        let body = self.params("addressBookImportOAuthCallback", &extra, false);
        let request = Request::post(
            self.endpoint.clone(),
            "application/x-www-form-urlencoded",
            body.into_bytes(),
        );
        // The provider's code is good for one exchange: a second copy could fail a callback
        // that worked, so this is a write that is never repeated blindly.
        job.send(request, Effect::Write, |answer| {
            self.parse(answer).map(|_| ())
        })
        .await
    }

    /// `getAddressBookImportJobStatus`: a poll (GET, retried when it fails in a passing way,
    /// never under the poll interval after the previous poll).
    pub async fn status<T: Transport>(
        &self,
        job: &mut Job<'_, T>,
        job_id: &str,
    ) -> Result<JobStatus> {
        let query = self.params(
            "getAddressBookImportJobStatus",
            &[("import_job_id", job_id)],
            true,
        );
        let request = Request::get(with_query(&self.endpoint, &query));
        job.send(request, Effect::Poll, |answer| {
            let tree = self.parse(answer)?;
            let status = tree
                .text("jobStatus")
                .ok_or_else(|| Error::malformed("job status answer has no jobStatus"))?;
            Ok(JobStatus {
                status,
                events: tree.events(),
            })
        })
        .await
    }

    /// `getAddressBookImportContacts`: the raw (not normalized) contacts.
    pub async fn contacts<T: Transport>(
        &self,
        job: &mut Job<'_, T>,
        job_id: &str,
    ) -> Result<Vec<contacts::Contact>> {
        let query = self.params(
            "getAddressBookImportContacts",
            &[("import_job_id", job_id)],
            true,
        );
        let request = Request::get(with_query(&self.endpoint, &query));
        job.get(request, |answer| Ok(self.parse(answer)?.contacts()))
            .await
    }

    /// Parses an answer, turning `errorResponse` (whatever the HTTP status) into an error.
    fn parse(&self, answer: &Response) -> Result<Tree> {
        let tree = match self.format {
            Format::Json => answer::json(answer, "Convio answer").map(Tree::Json),
            Format::Xml => answer::xml(answer, "Convio answer").map(Tree::Xml),
        };
        let tree = match tree {
            Ok(tree) => tree,
            // A body that is not the format asked for: an HTTP error page, or garbage.
            Err(error) if answer.is_success() => return Err(error),
            Err(_) => return Err(crate::job::status_error(answer)),
        };
        if let Some((code, message)) = tree.error() {
            return Err(error_for(code, message));
        }
        if !answer.is_success() {
            return Err(crate::job::status_error(answer));
        }
        Ok(tree)
    }
}

/// Maps Convio's generic error codes: 2 (bad API key), 4 (IP not allowed) and 5 (not from a
/// trusted source) are the site's configuration; 3 (authentication failed) is the visitor's
/// session; anything else is the provider's own message.
fn error_for(code: Option<String>, message: Option<String>) -> Error {
    match code.as_deref().map(str::trim) {
        Some("2") | Some("4") | Some("5") => Error::Unauthorized { message },
        Some("3") => Error::WrongCredentials { message },
        _ => Error::Provider {
            message: message.unwrap_or_else(|| "error".into()),
            code,
        },
    }
}

/// A parsed answer.
enum Tree {
    Json(Value),
    Xml(Element),
}

impl Tree {
    /// The response object (`{"xxxResponse": {...}}` → the inner object; XML: the root).
    fn body(value: &Value) -> &Value {
        match value.as_object() {
            Some(object) if object.len() == 1 => object.values().next().unwrap_or(value),
            _ => value,
        }
    }

    fn error(&self) -> Option<(Option<String>, Option<String>)> {
        match self {
            Tree::Json(value) => {
                let error = value.get("errorResponse")?;
                Some((
                    answer::text(error.get("code")),
                    answer::text(error.get("message")),
                ))
            }
            Tree::Xml(root) => {
                let error = answer::find(root, "errorResponse")?;
                Some((
                    answer::child(error, "code"),
                    answer::child(error, "message"),
                ))
            }
        }
    }

    fn text(&self, name: &str) -> Option<String> {
        match self {
            Tree::Json(value) => answer::text(Tree::body(value).get(name)),
            Tree::Xml(root) => answer::find(root, name).and_then(|e| {
                let text = e.text();
                (!text.is_empty()).then(|| text.to_string())
            }),
        }
    }

    fn events(&self) -> Vec<String> {
        match self {
            Tree::Json(value) => {
                let events = Tree::body(value).get("events");
                // {"events":{"event":[...]}} or collapsed {"events":{"event":"x"}}; tolerate a
                // bare list too.
                let list = events.map(|e| e.get("event").unwrap_or(e));
                list.map(contacts::json::ensure_array)
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|e| answer::text(Some(e)))
                    .collect()
            }
            Tree::Xml(root) => answer::find(root, "events")
                .map(|events| {
                    events
                        .children_named("event")
                        .map(|e| e.text().to_string())
                        .filter(|e| !e.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
        }
    }

    fn contacts(&self) -> Vec<contacts::Contact> {
        match self {
            Tree::Json(value) => {
                let body = Tree::body(value);
                let list = body
                    .get("contact")
                    .or_else(|| body.get("addressBookContact"))
                    .or_else(|| body.get("contacts").map(|c| c.get("contact").unwrap_or(c)));
                list.map(contacts::json::ensure_array)
                    .unwrap_or_default()
                    .into_iter()
                    .map(contacts::json::convio_contact)
                    .collect()
            }
            Tree::Xml(root) => contacts::xml::contact_elements(root)
                .into_iter()
                .map(contacts::xml::convio_contact)
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::job::JobOptions;
    use crate::transport::memory::{block_on, MemoryTransport};
    use crate::transport::Method;

    fn client(format: Format) -> Client {
        Client {
            endpoint: "http://c/site/CRAddressBookAPI".into(),
            api_key: Some("k".into()),
            auth: Some(Auth::SsoAuthToken("tok".into())),
            format,
        }
    }

    #[test]
    fn json_import_with_collapsed_lists() {
        let mut polls = 0;
        let transport = MemoryTransport::new(move |request, _| {
            let text = format!("{} {}", request.url, request.body_text());
            assert!(text.contains("api_key=k") && text.contains("v=1.0"));
            assert!(text.contains("response_format=json"));
            assert!(text.contains("sso_auth_token=tok"));
            let body = if text.contains("method=startOnlineAddressBookImport") {
                assert_eq!(request.method, Method::Post);
                assert!(text.contains("import_source=GOOGLE"));
                r#"{"startOnlineAddressBookImportResponse":{"jobId":"42","oauthUrl":"https://oauth/42"}}"#.to_string()
            } else if text.contains("method=getAddressBookImportJobStatus") {
                assert_eq!(request.method, Method::Get);
                polls += 1;
                match polls {
                    1 => r#"{"getAddressBookImportJobStatusResponse":{"jobStatus":"PENDING"}}"#.into(),
                    2 => r#"{"getAddressBookImportJobStatusResponse":{"jobStatus":"PENDING","events":{"event":"Received authorization"}}}"#.into(),
                    _ => r#"{"getAddressBookImportJobStatusResponse":{"jobStatus":"SUCCESS","events":{"event":["Received authorization","Importing Contacts"]}}}"#.into(),
                }
            } else if text.contains("method=getAddressBookImportContacts") {
                // One contact: collapsed to a bare object.
                r#"{"getAddressBookImportContactsResponse":{"contact":{"firstName":"Bob","lastName":"Smith","email":"bob@example.com"}}}"#.into()
            } else {
                return Ok(Response::new(500, ""));
            };
            Ok(Response::new(200, body))
        });
        let mut consent = None;
        let imported = {
            let mut job = Job::new(&transport, JobOptions::default())
                .on_progress(|p| consent = consent.take().or(p.consent_url.clone()));
            block_on(client(Format::Json).import(&mut job, "GOOGLE", None))
        }
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(consent.as_deref(), Some("https://oauth/42"));
        assert_eq!(imported.contacts.len(), 1);
        assert_eq!(
            imported
                .contacts
                .get(0)
                .emails
                .first()
                .map(|e| e.address.as_str()),
            Some("bob@example.com")
        );
        assert_eq!(transport.request_count(), 5);
    }

    #[test]
    fn xml_import_and_failure() {
        let transport = MemoryTransport::new(|request, _| {
            let text = format!("{} {}", request.url, request.body_text());
            let body = if text.contains("startOnline") {
                "<startOnlineAddressBookImportResponse xmlns=\"http://convio.com/crm/v1.0\"><jobId>9</jobId><oauthUrl>https://o/9</oauthUrl></startOnlineAddressBookImportResponse>"
            } else if text.contains("JobStatus") {
                "<getAddressBookImportJobStatusResponse xmlns=\"http://convio.com/crm/v1.0\"><jobStatus>FAILURE</jobStatus><events><event>User denied access</event></events></getAddressBookImportJobStatusResponse>"
            } else {
                return Ok(Response::new(500, ""));
            };
            Ok(Response::new(200, body))
        });
        let mut job = Job::new(&transport, JobOptions::default());
        let outcome = block_on(client(Format::Xml).import(&mut job, "YAHOO", None));
        assert!(matches!(outcome, Err(Error::ConsentRefused { .. })));
    }

    #[test]
    fn error_responses_are_typed() {
        for (code, expected) in [
            ("2", "unauthorized"),
            ("3", "wrong_credentials"),
            ("10", "provider"),
        ] {
            let body = format!(r#"{{"errorResponse":{{"code":"{code}","message":"nope"}}}}"#);
            let transport = MemoryTransport::new(move |_, _| Ok(Response::new(403, body.clone())));
            let mut job = Job::new(&transport, JobOptions::default());
            let outcome = block_on(client(Format::Json).import(&mut job, "GOOGLE", None));
            assert_eq!(outcome.map(|_| ()).map_err(|e| e.code()), Err(expected));
        }
        let transport = MemoryTransport::new(|_, _| {
            Ok(Response::new(
                403,
                "<errorResponse><code>2</code><message>Bad key</message></errorResponse>",
            ))
        });
        let mut job = Job::new(&transport, JobOptions::default());
        let outcome = block_on(client(Format::Xml).import(&mut job, "GOOGLE", None));
        assert_eq!(
            outcome.map(|_| ()),
            Err(Error::Unauthorized {
                message: Some("Bad key".into())
            })
        );
    }
}
