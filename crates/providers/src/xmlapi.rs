//! The XML `contact.*` API (seed 004, PROTOCOLS.md D5): `contact.create`, `contact.update`
//! (partial: fields left out stay unchanged), `contact.get`, `contact.delete`, `contact.list`
//! (client_id and email filters, page, per_page), each a POST of `<request method="…">`.
//! Failures are `<response status="fail"><error>message</error><code>N</code></response>`.
//!
//! Reading follows every page (`<contacts page pages total>` when the server says them, else
//! until a short page). Writing is an upsert of picked contacts: a contact whose e-mail address
//! is already there (list with the email filter) is updated, else created.
//!
//! Every call is a POST, but the method says what it does ([`effect_of`]): `contact.list` and
//! `contact.get` are read again after a failure that may pass, like any read; `contact.update`
//! and `contact.delete` name the contact by id, so a second copy changes nothing more and they
//! are sent again too; `contact.create` is not, since a second copy makes a second contact.
//! When a create fails after it may have reached the server, the upsert looks the address up
//! again: found, the create happened; not found, it did not, and it is sent again. Only when
//! that look-up fails too is the contact reported in doubt.

use contacts::xml::Element;
use contacts::{Contact, Label};

use crate::answer;
use crate::error::{Error, Result};
use crate::gather::Gatherer;
use crate::job::{Effect, Imported, Job, Phase};
use crate::transport::{BasicAuth, Request, Response, Transport};

/// The source name stamped on imported contacts.
pub const SOURCE: &str = "xmlapi";

/// The most contacts one list page may hold.
pub const MAX_PER_PAGE: u32 = 100;

/// A `contact.*` API client.
#[derive(Debug, Clone)]
pub struct Client {
    /// The URL requests are POSTed to.
    pub endpoint: String,
    /// Optional HTTP Basic credentials (an API token as the user name).
    pub credentials: Option<BasicAuth>,
}

/// The fields of a contact as the API has them. `None` fields are left out of the request (in
/// an update: left unchanged).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fields {
    /// `client_id` (mandatory on create).
    pub client_id: Option<String>,
    /// `first_name` (mandatory on create).
    pub first_name: Option<String>,
    /// `last_name` (mandatory on create).
    pub last_name: Option<String>,
    /// `email` (mandatory on create).
    pub email: Option<String>,
    /// `phone`.
    pub phone: Option<String>,
    /// `mobile_phone`.
    pub mobile_phone: Option<String>,
}

impl Fields {
    /// The fields of a picked contact: primary e-mail, name parts (the display name as the
    /// first name when there are no parts), first non-mobile and first mobile number.
    pub fn of(contact: &Contact, client_id: Option<&str>) -> Fields {
        let name = &contact.name;
        let first_name = match (&name.given, &name.family) {
            (None, None) => name.display.clone(),
            _ => name.given.clone(),
        };
        let number = |p: &contacts::Phone| {
            if p.number.is_empty() {
                p.raw.clone()
            } else {
                p.number.clone()
            }
        };
        Fields {
            client_id: client_id.map(str::to_string),
            first_name,
            last_name: name.family.clone(),
            email: contact.primary_email().map(|e| e.address.clone()),
            phone: contact
                .phones
                .iter()
                .find(|p| p.label != Label::Mobile)
                .map(number),
            mobile_phone: contact
                .phones
                .iter()
                .find(|p| p.label == Label::Mobile)
                .map(number),
        }
    }

    fn write(&self, out: &mut String) {
        for (name, value) in [
            ("client_id", &self.client_id),
            ("first_name", &self.first_name),
            ("last_name", &self.last_name),
            ("email", &self.email),
            ("phone", &self.phone),
            ("mobile_phone", &self.mobile_phone),
        ] {
            if let Some(value) = value {
                element(out, name, value);
            }
        }
    }
}

/// Filters for `contact.list`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Only this client's contacts.
    pub client_id: Option<String>,
    /// Only contacts with this e-mail address.
    pub email: Option<String>,
}

/// One page of `contact.list`.
#[derive(Debug, Clone, Default)]
pub struct ListPage {
    /// The page's contacts (raw, not normalized).
    pub contacts: Vec<Contact>,
    /// `page`, when given.
    pub page: Option<u64>,
    /// `pages`, when given.
    pub pages: Option<u64>,
    /// `total`, when given.
    pub total: Option<u64>,
}

/// What an upsert did, contact by contact (indexes into the slice given).
#[derive(Debug, Clone, Default)]
pub struct UpsertReport {
    /// Contacts created, with their new `contact_id`.
    pub created: Vec<(usize, String)>,
    /// Contacts updated, with the `contact_id` they matched.
    pub updated: Vec<(usize, String)>,
    /// Contacts that could not be written, and why.
    pub failed: Vec<(usize, Error)>,
    /// Contacts whose create may or may not have happened (it failed after it may have reached
    /// the server, and the look-up that would have told failed too): check them before sending
    /// them again. Each error is an [`Error::InDoubt`].
    pub in_doubt: Vec<(usize, Error)>,
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 cannot carry at all are dropped rather than sent broken.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

fn element(out: &mut String, name: &str, value: &str) {
    out.push_str(&format!("<{name}>{}</{name}>", escape(value)));
}

fn request_xml(method: &str, inner: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<request method=\"{method}\">{inner}</request>\n"
    )
}

/// What a `contact.*` method does to the store: `list` and `get` read it; `update` (by id,
/// the fields given) and `delete` (by id) leave it as one copy would; `create` (and any method
/// this client does not know) would make a second contact if repeated.
pub fn effect_of(method: &str) -> Effect {
    match method {
        "contact.list" | "contact.get" => Effect::Read,
        "contact.update" | "contact.delete" => Effect::Idempotent,
        _ => Effect::Write,
    }
}

/// Reads an answer: the `<response status="ok">` root, or the failure it says.
fn parse_answer(answer: &Response, method: &str) -> Result<Element> {
    let parsed = answer::xml(answer, method);
    if let Ok(root) = &parsed {
        if root.attr("status").is_some_and(|s| s.trim() != "ok") {
            let message = answer::child(root, "error").unwrap_or_else(|| "failed".into());
            let code = answer::child(root, "code");
            return Err(match answer.status {
                401 | 403 => Error::Unauthorized {
                    message: Some(message),
                },
                _ => Error::Provider { message, code },
            });
        }
    }
    match answer.status {
        401 | 403 => Err(Error::Unauthorized { message: None }),
        status if !(200..300).contains(&status) => Err(crate::job::status_error(answer)),
        _ => parsed,
    }
}

impl Client {
    /// A client for `endpoint`.
    pub fn new(endpoint: impl Into<String>, credentials: Option<BasicAuth>) -> Client {
        Client {
            endpoint: endpoint.into(),
            credentials,
        }
    }

    /// Sends one request; returns the `<response status="ok">` root. What `method` does to the
    /// store decides whether it may be sent again (see [`effect_of`]).
    pub async fn call<T: Transport>(
        &self,
        job: &mut Job<'_, T>,
        method: &str,
        inner: &str,
    ) -> Result<Element> {
        let body = request_xml(method, inner).into_bytes();
        let request = Request::post(
            self.endpoint.clone(),
            "application/xml; charset=utf-8",
            body,
        )
        .basic_auth(self.credentials.as_ref());
        job.send(request, effect_of(method), |answer| {
            parse_answer(answer, method)
        })
        .await
    }

    /// `contact.create`: returns the new `contact_id`.
    pub async fn create<T: Transport>(
        &self,
        job: &mut Job<'_, T>,
        fields: &Fields,
    ) -> Result<String> {
        let mut inner = String::from("<contact>");
        fields.write(&mut inner);
        inner.push_str("</contact>");
        let root = self.call(job, "contact.create", &inner).await?;
        answer::child(&root, "contact_id")
            .ok_or_else(|| Error::malformed("contact.create answer has no contact_id"))
    }

    /// `contact.update`: only the fields given change.
    pub async fn update<T: Transport>(
        &self,
        job: &mut Job<'_, T>,
        contact_id: &str,
        fields: &Fields,
    ) -> Result<()> {
        let mut inner = String::from("<contact>");
        element(&mut inner, "contact_id", contact_id);
        fields.write(&mut inner);
        inner.push_str("</contact>");
        self.call(job, "contact.update", &inner).await.map(|_| ())
    }

    /// `contact.get`: the raw (not normalized) contact.
    pub async fn get<T: Transport>(
        &self,
        job: &mut Job<'_, T>,
        contact_id: &str,
    ) -> Result<Contact> {
        let mut inner = String::new();
        element(&mut inner, "contact_id", contact_id);
        let root = self.call(job, "contact.get", &inner).await?;
        let contact = root
            .child("contact")
            .ok_or_else(|| Error::malformed("contact.get answer has no contact"))?;
        Ok(contacts::xml::contact_api_contact(contact))
    }

    /// `contact.delete`.
    pub async fn delete<T: Transport>(&self, job: &mut Job<'_, T>, contact_id: &str) -> Result<()> {
        let mut inner = String::new();
        element(&mut inner, "contact_id", contact_id);
        self.call(job, "contact.delete", &inner).await.map(|_| ())
    }

    /// `contact.list`: one page.
    pub async fn list_page<T: Transport>(
        &self,
        job: &mut Job<'_, T>,
        filter: &Filter,
        page: u64,
        per_page: u32,
    ) -> Result<ListPage> {
        let mut inner = String::new();
        if let Some(client_id) = &filter.client_id {
            element(&mut inner, "client_id", client_id);
        }
        if let Some(email) = &filter.email {
            element(&mut inner, "email", email);
        }
        element(&mut inner, "page", &page.to_string());
        element(&mut inner, "per_page", &per_page.to_string());
        let root = self.call(job, "contact.list", &inner).await?;
        let attrs = root.child("contacts");
        let number = |name: &str| {
            attrs
                .and_then(|c| c.attr(name))
                .and_then(|v| v.trim().parse().ok())
        };
        Ok(ListPage {
            contacts: contacts::xml::contact_elements(&root)
                .into_iter()
                .map(contacts::xml::contact_api_contact)
                .collect(),
            page: number("page"),
            pages: number("pages"),
            total: number("total"),
        })
    }

    /// `contact.list`, every page.
    pub async fn list_all<T: Transport>(
        &self,
        job: &mut Job<'_, T>,
        filter: &Filter,
    ) -> Result<Vec<Contact>> {
        self.list_pages(job, filter, true).await
    }

    /// Every page of `contact.list`, collected; `report` says whether each page is a progress
    /// report (an import) or not (an upsert's look-up, whose progress is the contacts sent).
    async fn list_pages<T: Transport>(
        &self,
        job: &mut Job<'_, T>,
        filter: &Filter,
        report: bool,
    ) -> Result<Vec<Contact>> {
        let mut all = Vec::new();
        self.list_each(job, filter, report, |page| all.extend(page))
            .await?;
        Ok(all)
    }

    /// Every page of `contact.list`, each page's contacts handed to `each` as it arrives rather
    /// than kept: an import normalizes and stores them compactly at once, so the raw values of
    /// a whole book are never held together.
    async fn list_each<T: Transport>(
        &self,
        job: &mut Job<'_, T>,
        filter: &Filter,
        report: bool,
        mut each: impl FnMut(Vec<Contact>),
    ) -> Result<()> {
        let per_page = job.options().page_size.clamp(1, MAX_PER_PAGE);
        let mut seen = 0u64;
        let mut page = 1u64;
        loop {
            let answer = self.list_page(job, filter, page, per_page).await?;
            let received = answer.contacts.len();
            seen += received as u64;
            each(answer.contacts);
            if report {
                job.report(Phase::Fetching, Some(seen), answer.total);
            }
            let more = match answer.pages {
                Some(pages) => page < pages,
                None => received == per_page as usize,
            };
            if received == 0 || !more {
                return Ok(());
            }
            page += 1;
        }
    }

    /// Reads every contact matching `filter`, normalized.
    pub async fn import<T: Transport>(
        &self,
        job: &mut Job<'_, T>,
        filter: &Filter,
    ) -> Result<Imported> {
        job.report(Phase::Fetching, Some(0), None);
        let mut gatherer = Gatherer::new(job.options(), SOURCE);
        self.list_each(job, filter, true, |page| gatherer.add(page))
            .await?;
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

    /// Writes picked contacts: updates the one with the same e-mail address (and client), else
    /// creates one. A contact without an e-mail address cannot be matched and is not written.
    /// A cancel or deadline stops the upsert; contacts not reached are reported failed.
    pub async fn upsert<T: Transport>(
        &self,
        job: &mut Job<'_, T>,
        contacts: &[Contact],
        client_id: &str,
    ) -> UpsertReport {
        let mut report = UpsertReport::default();
        let total = contacts.len() as u64;
        for (index, contact) in contacts.iter().enumerate() {
            job.report(Phase::Sending, Some(index as u64), Some(total));
            let fields = Fields::of(contact, Some(client_id));
            let Some(email) = fields.email.clone() else {
                report.failed.push((
                    index,
                    Error::Invalid("no e-mail address to match on".into()),
                ));
                continue;
            };
            match self.upsert_one(job, &fields, &email, client_id).await {
                Ok((id, true)) => report.created.push((index, id)),
                Ok((id, false)) => report.updated.push((index, id)),
                Err(error @ Error::InDoubt { .. }) => report.in_doubt.push((index, error)),
                Err(error) => {
                    let stop = matches!(error, Error::Cancelled | Error::Timeout { .. });
                    report.failed.push((index, error.clone()));
                    if stop {
                        for rest in index + 1..contacts.len() {
                            report.failed.push((rest, error.clone()));
                        }
                        return report;
                    }
                }
            }
        }
        job.report(Phase::Done, Some(total), Some(total));
        report
    }

    /// Returns the contact id and whether it was created. A create that may have reached the
    /// server is never sent again blindly: the address is looked up again first, and the create
    /// is sent again only when it is not there.
    async fn upsert_one<T: Transport>(
        &self,
        job: &mut Job<'_, T>,
        fields: &Fields,
        email: &str,
        client_id: &str,
    ) -> Result<(String, bool)> {
        let filter = Filter {
            client_id: Some(client_id.to_string()),
            email: Some(email.to_string()),
        };
        // The last create that may have happened, and how many were sent.
        let mut in_doubt: Option<Error> = None;
        let mut creates = 0;
        loop {
            let found = match self.find_by_email(job, &filter, email).await {
                Ok(found) => found,
                Err(error) => return Err(in_doubt.unwrap_or(error)),
            };
            match (found, in_doubt.take()) {
                // Our create went through; its answer was lost.
                (Some(id), Some(_)) => return Ok((id, true)),
                (Some(id), None) => {
                    // The client_id already matches; send only what the contact carries.
                    let update = Fields {
                        client_id: None,
                        ..fields.clone()
                    };
                    self.update(job, &id, &update).await?;
                    return Ok((id, false));
                }
                (None, _) => match self.create(job, fields).await {
                    Ok(id) => return Ok((id, true)),
                    Err(error @ Error::InDoubt { .. }) if creates < job.options().max_retries => {
                        // A request that timed out may still be on its way: let it land
                        // before looking.
                        job.back_off(creates).await?;
                        creates += 1;
                        in_doubt = Some(error);
                    }
                    Err(error) => return Err(error),
                },
            }
        }
    }

    /// The id of the contact of `filter` whose address is `email` (case aside), if any.
    async fn find_by_email<T: Transport>(
        &self,
        job: &mut Job<'_, T>,
        filter: &Filter,
        email: &str,
    ) -> Result<Option<String>> {
        let found = self.list_pages(job, filter, false).await?;
        Ok(found
            .into_iter()
            .find(|c| {
                c.emails
                    .iter()
                    .any(|e| e.address.trim().eq_ignore_ascii_case(email.trim()))
            })
            .and_then(|c| c.source_id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::job::JobOptions;
    use crate::transport::memory::{block_on, MemoryTransport};
    use crate::transport::Response;

    fn contact_xml(i: usize) -> String {
        format!("<contact><contact_id>{i}</contact_id><client_id>1</client_id><first_name>Jane{i}</first_name><last_name>Doe</last_name><email>jane{i}@example.com</email><phone>(123) 456-7890</phone></contact>")
    }

    /// A list server with `total` contacts, `pages` attributes on or off.
    fn list_server(total: usize, with_attrs: bool) -> MemoryTransport {
        MemoryTransport::new(move |request, _| {
            let body = request.body_text();
            let number = |name: &str| {
                body.split(&format!("<{name}>"))
                    .nth(1)
                    .and_then(|s| s.split('<').next())
                    .and_then(|s| s.parse::<usize>().ok())
                    .unwrap_or(0)
            };
            let (page, per_page) = (number("page"), number("per_page"));
            let start = (page - 1) * per_page;
            let items: String = (start..(start + per_page).min(total))
                .map(contact_xml)
                .collect();
            let pages = total.div_ceil(per_page).max(1);
            let answer = if with_attrs {
                format!("<response status=\"ok\"><contacts page=\"{page}\" per_page=\"{per_page}\" pages=\"{pages}\" total=\"{total}\">{items}</contacts></response>")
            } else {
                format!("<response status=\"ok\">{items}</response>")
            };
            Ok(Response::new(200, answer))
        })
    }

    #[test]
    fn list_follows_every_page_with_and_without_attributes() {
        for with_attrs in [true, false] {
            let transport = list_server(250, with_attrs);
            let client = Client::new("http://x/xmlapi", None);
            let mut job = Job::new(&transport, JobOptions::default());
            let filter = Filter {
                client_id: Some("1".into()),
                email: None,
            };
            let imported =
                block_on(client.import(&mut job, &filter)).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(imported.contacts.len(), 250);
            assert_eq!(transport.request_count(), 3);
            let first = transport.requests()[0].1.body_text();
            assert!(first.contains("<request method=\"contact.list\"><client_id>1</client_id><page>1</page><per_page>100</per_page>"));
        }
        // Exactly one full page and no attributes: one more request finds the empty page.
        let transport = list_server(100, false);
        let client = Client::new("http://x/xmlapi", None);
        let mut job = Job::new(&transport, JobOptions::default());
        let found = block_on(client.list_all(&mut job, &Filter::default())).unwrap_or_default();
        assert_eq!((found.len(), transport.request_count()), (100, 2));
    }

    #[test]
    fn failures_are_typed_with_the_message() {
        let transport = MemoryTransport::new(|_, _| {
            Ok(Response::new(200, "<response status=\"fail\"><error>Contact 9 not found</error><code>3</code></response>"))
        });
        let client = Client::new("http://x/xmlapi", None);
        let mut job = Job::new(&transport, JobOptions::default());
        assert_eq!(
            block_on(client.get(&mut job, "9")).map(|_| ()),
            Err(Error::Provider {
                message: "Contact 9 not found".into(),
                code: Some("3".into())
            })
        );
    }

    #[test]
    fn upsert_updates_by_email_else_creates() {
        let transport = MemoryTransport::new(|request, _| {
            let body = request.body_text();
            let answer = if body.contains("contact.list") {
                // E-mail filters match regardless of case, as most servers do.
                if body
                    .to_lowercase()
                    .contains("<email>jane1@example.com</email>")
                {
                    format!("<response status=\"ok\"><contacts page=\"1\" per_page=\"100\" pages=\"1\" total=\"1\">{}</contacts></response>", contact_xml(1))
                } else {
                    "<response status=\"ok\"><contacts page=\"1\" per_page=\"100\" pages=\"1\" total=\"0\"></contacts></response>".into()
                }
            } else if body.contains("contact.update") {
                assert!(body.contains("<contact_id>1</contact_id><first_name>Jane &amp; Co</first_name><email>JANE1@example.com</email></contact>"), "{body}");
                "<response status=\"ok\"/>".into()
            } else if body.contains("contact.create") {
                assert!(body.contains("<client_id>1</client_id>"));
                "<response status=\"ok\"><contact_id>77</contact_id></response>".into()
            } else {
                "<response status=\"fail\"><error>?</error></response>".into()
            };
            Ok(Response::new(200, answer))
        });
        let client = Client::new("http://x/xmlapi", None);
        let mut job = Job::new(&transport, JobOptions::default());
        let person = |given: &str, email: &str| Contact {
            name: contacts::Name {
                display: Some(given.into()),
                ..Default::default()
            },
            emails: vec![contacts::Email {
                address: email.into(),
                ..Default::default()
            }],
            ..Default::default()
        };
        let picked = vec![
            person("Jane & Co", "JANE1@example.com"),
            person("New", "new@example.com"),
            Contact::default(),
        ];
        let report = block_on(client.upsert(&mut job, &picked, "1"));
        assert_eq!(report.updated, vec![(0, "1".to_string())]);
        assert_eq!(report.created, vec![(1, "77".to_string())]);
        assert_eq!(report.failed.len(), 1);
    }

    fn person(email: &str) -> Contact {
        Contact {
            name: contacts::Name {
                given: Some("Ann".into()),
                family: Some("Lee".into()),
                ..Default::default()
            },
            emails: vec![contacts::Email {
                address: email.into(),
                ..Default::default()
            }],
            ..Default::default()
        }
    }

    /// The e-mail address in a request body's `<email>` element.
    fn email_in(body: &str) -> String {
        body.split("<email>")
            .nth(1)
            .and_then(|rest| rest.split("</email>").next())
            .unwrap_or_default()
            .to_string()
    }

    #[test]
    fn a_create_in_doubt_is_looked_up_and_sent_again_only_when_it_did_not_happen() {
        // A store of e-mail addresses. The first create of a.org is served but its answer is
        // cut short; the first create of b.org is refused with a 503 before it is served; the
        // first update fails with a 500 after it was applied.
        let store = std::rc::Rc::new(std::cell::RefCell::new(vec!["old@c.org".to_string()]));
        let server_store = store.clone();
        let (mut cut_a, mut refused_b, mut failed_update) = (false, false, false);
        let transport = MemoryTransport::new(move |request, _| {
            let body = request.body_text();
            let email = email_in(&body);
            let mut store = server_store.borrow_mut();
            if body.contains("contact.list") {
                let found = store.iter().position(|e| *e == email).map(|id| {
                    format!(
                        "<contact><contact_id>{}</contact_id><email>{email}</email></contact>",
                        id + 1
                    )
                });
                return Ok(Response::new(
                    200,
                    format!("<response status=\"ok\"><contacts page=\"1\" pages=\"1\">{}</contacts></response>", found.unwrap_or_default()),
                ));
            }
            if body.contains("contact.update") {
                let status = if failed_update { 200 } else { 500 };
                failed_update = true;
                return Ok(Response::new(status, "<response status=\"ok\"/>"));
            }
            if email == "b@b.org" && !refused_b {
                refused_b = true;
                return Ok(Response::new(503, "<html>unavailable</html>"));
            }
            store.push(email.clone());
            let answer = format!(
                "<response status=\"ok\"><contact_id>{}</contact_id></response>",
                store.len()
            );
            if email == "a@a.org" && !cut_a {
                cut_a = true;
                return Ok(Response::new(200, answer[..answer.len() / 2].to_string()));
            }
            Ok(Response::new(200, answer))
        });
        let client = Client::new("http://x/xmlapi", None);
        let mut job = Job::new(&transport, JobOptions::default());
        let picked = [person("a@a.org"), person("b@b.org"), person("old@c.org")];
        let report = block_on(client.upsert(&mut job, &picked, "1"));
        assert_eq!(
            report.created,
            vec![(0, "2".to_string()), (1, "3".to_string())]
        );
        assert_eq!(report.updated, vec![(2, "1".to_string())]);
        assert!(report.failed.is_empty() && report.in_doubt.is_empty());
        assert_eq!(
            *store.borrow(),
            vec!["old@c.org", "a@a.org", "b@b.org"],
            "nothing created twice"
        );
        // a.org once; b.org refused then sent again; the update sent again.
        let sent = |method: &str| {
            transport
                .requests()
                .iter()
                .filter(|(_, r)| r.body_text().contains(method))
                .count()
        };
        assert_eq!(sent("contact.create"), 3);
        assert_eq!(sent("contact.update"), 2);
    }

    #[test]
    fn a_create_in_doubt_whose_look_up_fails_is_reported_in_doubt() {
        // The look-up before the create works; the create gets no answer; every look-up after
        // it fails.
        let mut looked = false;
        let transport = MemoryTransport::new(move |request, _| {
            let body = request.body_text();
            if body.contains("contact.create") {
                return Err(Error::Transport("connection reset".into()));
            }
            if !looked {
                looked = true;
                return Ok(Response::new(
                    200,
                    "<response status=\"ok\"><contacts pages=\"1\"/></response>",
                ));
            }
            Ok(Response::new(503, "<html>down</html>"))
        });
        let client = Client::new("http://x/xmlapi", None);
        let mut job = Job::new(&transport, JobOptions::default());
        let report = block_on(client.upsert(&mut job, &[person("a@a.org")], "1"));
        assert!(report.created.is_empty() && report.failed.is_empty());
        assert_eq!(report.in_doubt.len(), 1);
        let (row, error) = &report.in_doubt[0];
        assert_eq!(*row, 0);
        assert_eq!(
            error.to_string(),
            "it is not known whether the provider made this change, because network error: connection reset"
        );
        let creates = transport
            .requests()
            .iter()
            .filter(|(_, r)| r.body_text().contains("contact.create"))
            .count();
        assert_eq!(creates, 1, "never sent again without a look-up");
    }
}
