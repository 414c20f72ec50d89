//! Constant Contact v1 bulk activities (seed 003, PROTOCOLS.md D4): push picked contacts into
//! mailing lists.
//!
//! `POST {endpoint}/ws/customers/{username}/activities`, HTTP Basic, either
//! form-urlencoded (`activityType`, `data` = a header row and one CSV row per contact, `lists`
//! repeated once per list URI) or multipart (`activityType`, `lists`, a `dataFile` file). The
//! encoded `data` of one request may not exceed 1.9 MB, so the rows are split over several
//! requests: never inside a row, none lost, none sent twice. Success is `201 Created` with a
//! `Location` and an Atom entry holding the `<Activity>` (id, type, status, per-row errors with
//! line numbers, mapped back here to the contact).
//!
//! An activity is a write a second copy would repeat, so a POST is sent again only after 408
//! or 429 (the server did not process it). A request that failed after it may have reached the
//! server (no answer, a 5xx) leaves its rows in doubt, reported row by row, and the export goes
//! on with the next batch; any other failure (credentials, a refused request) stops it. A
//! `201 Created` whose body was cut short still created the activity.

use contacts::Contact;

use crate::answer;
use crate::error::{Error, Result};
use crate::job::{Effect, Job, Phase};
use crate::transport::{encode, form, join, BasicAuth, Request, Response, Transport};

/// The most encoded bytes the `data` value of one request may have (the documented 1.9 MB,
/// measured on the urlencoded value).
pub const MAX_ENCODED_DATA: usize = 1_900_000;

/// The activity types this client sends.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ActivityType {
    /// `SV_ADD`: add (or update) subscribers.
    #[default]
    SvAdd,
    /// `ADD_CONTACTS`.
    AddContacts,
    /// `ADD_CONTACT_DETAIL`.
    AddContactDetail,
    /// `REMOVE_CONTACTS_FROM_LISTS`.
    RemoveContactsFromLists,
}

impl ActivityType {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            ActivityType::SvAdd => "SV_ADD",
            ActivityType::AddContacts => "ADD_CONTACTS",
            ActivityType::AddContactDetail => "ADD_CONTACT_DETAIL",
            ActivityType::RemoveContactsFromLists => "REMOVE_CONTACTS_FROM_LISTS",
        }
    }

    /// Reads a wire name (case-insensitive).
    pub fn parse(text: &str) -> Option<ActivityType> {
        [
            ActivityType::SvAdd,
            ActivityType::AddContacts,
            ActivityType::AddContactDetail,
            ActivityType::RemoveContactsFromLists,
        ]
        .into_iter()
        .find(|t| t.as_str().eq_ignore_ascii_case(text.trim()))
    }
}

/// How the data is sent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Encoding {
    /// `application/x-www-form-urlencoded` with a `data` parameter.
    #[default]
    UrlEncoded,
    /// `multipart/form-data` with a `dataFile` file.
    Multipart,
}

/// A Constant Contact v1 client for one account.
#[derive(Debug, Clone)]
pub struct Client {
    /// The API root (`https://api.constantcontact.com`).
    pub endpoint: String,
    /// The account's user name (part of the URL).
    pub username: String,
    /// The account's credentials; `None` behind a proxy that adds them.
    pub credentials: Option<BasicAuth>,
}

/// One row error reported by Constant Contact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// The line in the request's data (the header is line 1).
    pub line: Option<u32>,
    /// The address Constant Contact quoted.
    pub email: Option<String>,
    /// Its message.
    pub message: String,
    /// The index, in the exported slice, of the contact the row came from.
    pub contact: Option<usize>,
}

/// An activity as Constant Contact reported it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Activity {
    /// The activity's id URI.
    pub id: Option<String>,
    /// The `Location` header.
    pub location: Option<String>,
    /// `<Type>`.
    pub activity_type: Option<String>,
    /// `<Status>` (PENDING, RUNNING, COMPLETE, ...).
    pub status: Option<String>,
    /// `<TransactionCount>`.
    pub transaction_count: Option<u64>,
    /// How many rows this request carried.
    pub rows: usize,
    /// Per-row errors.
    pub errors: Vec<RowError>,
    /// The activity was created but its answer could not be read (cut short): its status and
    /// per-row errors are unknown.
    pub unread: bool,
}

/// What an export did.
#[derive(Debug, Clone, Default)]
pub struct ExportReport {
    /// One activity per request that succeeded, in order.
    pub activities: Vec<Activity>,
    /// Rows accepted in successful requests.
    pub rows_sent: usize,
    /// Contacts not sent at all, with the reason (no e-mail address, a row over the limit).
    pub skipped: Vec<(usize, String)>,
    /// Rows not sent because a failure stopped the export (they were never submitted).
    pub rows_unsent: usize,
    /// Contacts whose request failed after it may have reached the server: whether Constant
    /// Contact has them is unknown. Each error is an [`Error::InDoubt`].
    pub in_doubt: Vec<(usize, Error)>,
    /// The failure that stopped the export, if any.
    pub error: Option<Error>,
}

/// One CSV row of the upload, with the contact it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The contact's index in the exported slice.
    pub contact: usize,
    /// The row (no line end).
    pub text: String,
    /// The row's e-mail address.
    pub email: String,
}

/// The header row.
pub fn header() -> &'static str {
    contacts::csv::constant_contact_header()
}

/// The rows for `contacts`: one per contact with an e-mail address (values with commas or
/// quotes are quoted as the seed asks; line breaks inside a value become spaces, because a
/// line is a row). Contacts without an address are returned apart.
pub fn rows(contacts: &[Contact]) -> (Vec<Row>, Vec<(usize, String)>) {
    let mut rows = Vec::new();
    let mut skipped = Vec::new();
    for (index, contact) in contacts.iter().enumerate() {
        match contacts::csv::constant_contact_row(contact) {
            Some(text) => rows.push(Row {
                contact: index,
                text: text.replace(['\r', '\n'], " "),
                email: contact
                    .primary_email()
                    .map(|e| e.address.clone())
                    .unwrap_or_default(),
            }),
            None => skipped.push((index, "no e-mail address".to_string())),
        }
    }
    (rows, skipped)
}

/// The urlencoded length of `text`.
fn encoded_len(text: &str) -> usize {
    form_urlencoded::byte_serialize(text.as_bytes())
        .map(str::len)
        .sum()
}

/// Splits rows into batches whose `data` (header, LF, rows joined by LF), urlencoded, is at
/// most `limit` bytes. Rows keep their order; a row that cannot fit even alone is returned
/// apart (by index into `rows`).
pub fn batches(rows: &[Row], limit: usize) -> (Vec<Vec<usize>>, Vec<usize>) {
    const LF: usize = 3; // "%0A"
    let base = encoded_len(header());
    let mut batches: Vec<Vec<usize>> = Vec::new();
    let mut too_big = Vec::new();
    let mut current: Vec<usize> = Vec::new();
    let mut size = base;
    for (index, row) in rows.iter().enumerate() {
        let cost = LF + encoded_len(&row.text);
        if base + cost > limit {
            too_big.push(index);
            continue;
        }
        if size + cost > limit {
            batches.push(std::mem::take(&mut current));
            size = base;
        }
        current.push(index);
        size += cost;
    }
    if !current.is_empty() {
        batches.push(current);
    }
    (batches, too_big)
}

/// The `data` value of a batch.
pub fn data(rows: &[&Row]) -> String {
    let mut data = String::from(header());
    for row in rows {
        data.push('\n');
        data.push_str(&row.text);
    }
    data
}

/// The urlencoded body.
pub fn urlencoded_body(activity: ActivityType, data: &str, lists: &[String]) -> String {
    let mut pairs = vec![("activityType", activity.as_str()), ("data", data)];
    pairs.extend(lists.iter().map(|l| ("lists", l.as_str())));
    form(pairs)
}

/// The multipart body and its content type.
pub fn multipart_body(
    activity: ActivityType,
    data: &str,
    lists: &[String],
    boundary: &str,
) -> (String, Vec<u8>) {
    let mut body = String::new();
    let mut field = |name: &str, value: &str| {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    };
    field("activityType", activity.as_str());
    for list in lists {
        field("lists", list);
    }
    body.push_str(&format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"dataFile\"; filename=\"contacts.csv\"\r\nContent-Type: text/csv; charset=utf-8\r\n\r\n{data}\r\n--{boundary}--\r\n"
    ));
    (
        format!("multipart/form-data; boundary={boundary}"),
        body.into_bytes(),
    )
}

impl Client {
    /// The activities collection URL.
    pub fn activities_url(&self) -> String {
        join(
            &self.endpoint,
            &format!("ws/customers/{}/activities", encode(&self.username)),
        )
    }

    /// A list's full URI from its number (`2` → `{endpoint}/ws/customers/{user}/lists/2`);
    /// anything else is taken as a URI already.
    pub fn list_uri(&self, list: &str) -> String {
        if !list.is_empty() && list.bytes().all(|b| b.is_ascii_digit()) {
            join(
                &self.endpoint,
                &format!("ws/customers/{}/lists/{list}", encode(&self.username)),
            )
        } else {
            list.to_string()
        }
    }

    /// Sends `contacts` to `lists` in as many activities as the size limit needs. Stops at the
    /// first failed request (no POST is re-sent) and says so in the report.
    pub async fn export<T: Transport>(
        &self,
        job: &mut Job<'_, T>,
        contacts: &[Contact],
        activity: ActivityType,
        lists: &[String],
        encoding: Encoding,
    ) -> ExportReport {
        let mut report = ExportReport::default();
        if lists.is_empty() {
            report.error = Some(Error::Invalid("at least one list is needed".into()));
            return report;
        }
        let lists: Vec<String> = lists.iter().map(|l| self.list_uri(l)).collect();
        let (rows, skipped) = rows(contacts);
        report.skipped = skipped;
        let (plan, too_big) = batches(&rows, MAX_ENCODED_DATA);
        for index in too_big {
            if let Some(row) = rows.get(index) {
                report
                    .skipped
                    .push((row.contact, "row larger than the 1.9 MB limit".to_string()));
            }
        }
        let total = plan.iter().map(Vec::len).sum::<usize>() as u64;
        job.report(Phase::Sending, Some(0), Some(total));
        for (number, batch) in plan.iter().enumerate() {
            let batch_rows: Vec<&Row> = batch.iter().filter_map(|&i| rows.get(i)).collect();
            match self
                .send_batch(job, &batch_rows, activity, &lists, encoding, number)
                .await
            {
                Ok(activity) => {
                    report.rows_sent += batch_rows.len();
                    report.activities.push(activity);
                    job.report(Phase::Sending, Some(report.rows_sent as u64), Some(total));
                }
                Err(error @ Error::InDoubt { .. }) => {
                    report
                        .in_doubt
                        .extend(batch_rows.iter().map(|row| (row.contact, error.clone())));
                }
                Err(error) => {
                    report.rows_unsent = plan.iter().skip(number).map(Vec::len).sum();
                    report.error = Some(error);
                    return report;
                }
            }
        }
        job.report(Phase::Done, Some(report.rows_sent as u64), Some(total));
        report
    }

    async fn send_batch<T: Transport>(
        &self,
        job: &mut Job<'_, T>,
        rows: &[&Row],
        activity: ActivityType,
        lists: &[String],
        encoding: Encoding,
        number: usize,
    ) -> Result<Activity> {
        let data = data(rows);
        let request = match encoding {
            Encoding::UrlEncoded => Request::post(
                self.activities_url(),
                "application/x-www-form-urlencoded",
                urlencoded_body(activity, &data, lists).into_bytes(),
            ),
            Encoding::Multipart => {
                let boundary = format!("contact-picker-{number}-{:x}", md5::compute(&data));
                let (content_type, body) = multipart_body(activity, &data, lists, &boundary);
                Request::post(self.activities_url(), &content_type, body)
            }
        };
        let request = request
            .header("Accept", "application/atom+xml")
            .basic_auth(self.credentials.as_ref());
        job.send(request, Effect::Write, |answer| match answer.status {
            200 | 201 => {
                let mut activity = match parse_activity(answer) {
                    Ok(activity) => activity,
                    // The status line says the activity exists; only its details were lost.
                    Err(Error::Malformed { .. }) => Activity {
                        id: answer.header_value("Location").map(str::to_string),
                        location: answer.header_value("Location").map(str::to_string),
                        unread: true,
                        ..Activity::default()
                    },
                    Err(error) => return Err(error),
                };
                activity.rows = rows.len();
                for error in &mut activity.errors {
                    error.contact = row_of(error, rows).map(|row| row.contact);
                }
                Ok(activity)
            }
            401 => Err(Error::WrongCredentials { message: None }),
            403 => Err(Error::Unauthorized { message: None }),
            _ => Err(crate::job::status_error(answer)),
        })
        .await
    }
}

/// The row an error is about: by its e-mail address when given (it survives any difference in
/// how lines are counted), else by line number, the header being line 1.
fn row_of<'a>(error: &RowError, rows: &[&'a Row]) -> Option<&'a Row> {
    if let Some(email) = error.email.as_deref().filter(|e| !e.is_empty()) {
        if let Some(row) = rows.iter().find(|r| r.email.eq_ignore_ascii_case(email)) {
            return Some(row);
        }
    }
    let line = usize::try_from(error.line?).ok()?;
    rows.get(line.checked_sub(2)?).copied()
}

/// Reads the Atom entry (or a bare `<Activity>`) of a created activity.
pub fn parse_activity(answer: &Response) -> Result<Activity> {
    let location = answer.header_value("Location").map(str::to_string);
    let text = answer.text();
    if text.trim().is_empty() {
        return Ok(Activity {
            id: location.clone(),
            location,
            ..Activity::default()
        });
    }
    let root = answer::xml(answer, "activity entry")?;
    let Some(element) = answer::find(&root, "Activity") else {
        // The seed's minimal entry: only an id and an edit link.
        let id = answer::find(&root, "id")
            .map(|e| e.text().to_string())
            .filter(|s| !s.is_empty())
            .or_else(|| location.clone());
        return Ok(Activity {
            id,
            location,
            ..Activity::default()
        });
    };
    let errors = answer::find(element, "Errors")
        .map(|errors| {
            errors
                .children_named("Error")
                .map(|e| RowError {
                    line: answer::child(e, "LineNumber").and_then(|l| l.parse().ok()),
                    email: answer::child(e, "EmailAddress"),
                    message: answer::child(e, "Message").unwrap_or_default(),
                    contact: None,
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(Activity {
        id: element.attr("id").map(str::to_string).or(location.clone()),
        location,
        activity_type: answer::child(element, "Type"),
        status: answer::child(element, "Status"),
        transaction_count: answer::child_count(element, "TransactionCount"),
        rows: 0,
        unread: false,
        errors,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::job::JobOptions;
    use crate::transport::memory::{block_on, MemoryTransport};

    fn person(i: usize, first: &str) -> Contact {
        Contact {
            name: contacts::Name {
                given: Some(first.into()),
                family: Some("Test".into()),
                ..Default::default()
            },
            emails: vec![contacts::Email {
                address: format!("wstest{i}@example.com"),
                ..Default::default()
            }],
            ..Default::default()
        }
    }

    const ENTRY: &str = r#"<entry xmlns="http://www.w3.org/2005/Atom"><id>x</id><content type="application/vnd.ctct+xml"><Activity xmlns="http://ws.constantcontact.com/ns/1.0/" id="http://cc/ws/customers/joe/activities/a1"><Type>SV_ADD</Type><Status>PENDING</Status><TransactionCount>3</TransactionCount><Errors><Error><LineNumber>3</LineNumber><EmailAddress></EmailAddress><Message>Invalid email address</Message></Error></Errors></Activity></content></entry>"#;

    #[test]
    fn urlencoded_request_and_activity() {
        let transport = MemoryTransport::new(|_, _| {
            Ok(Response::new(201, ENTRY).with_header("Location", "http://cc/a1"))
        });
        let client = Client {
            endpoint: "http://cc".into(),
            username: "joe".into(),
            credentials: Some(BasicAuth::new("joe", "pw")),
        };
        let contacts = vec![
            person(3, "Fred"),
            Contact::default(),
            person(4, "Boston, MA"),
        ];
        let mut job = Job::new(&transport, JobOptions::default());
        let report = block_on(client.export(
            &mut job,
            &contacts,
            ActivityType::SvAdd,
            &["2".into(), "http://cc/ws/customers/joe/lists/5".into()],
            Encoding::UrlEncoded,
        ));
        assert!(report.error.is_none(), "{:?}", report.error);
        assert_eq!(report.rows_sent, 2);
        assert_eq!(report.skipped, vec![(1, "no e-mail address".to_string())]);
        let activity = &report.activities[0];
        assert_eq!(activity.status.as_deref(), Some("PENDING"));
        assert_eq!(
            activity.id.as_deref(),
            Some("http://cc/ws/customers/joe/activities/a1")
        );
        // Line 3 = the second row = contact index 2.
        assert_eq!(activity.errors[0].contact, Some(2));
        let requests = transport.requests();
        let (_, request) = &requests[0];
        assert_eq!(request.url, "http://cc/ws/customers/joe/activities");
        let body = request.body_text();
        assert!(body.starts_with("activityType=SV_ADD&data=EMAIL+ADDRESS%2CFIRST+NAME"));
        assert!(body.contains("%0Awstest3%40example.com%2CFred%2C"));
        assert!(body.contains("%22Boston%2C+MA%22"));
        assert!(body.ends_with("&lists=http%3A%2F%2Fcc%2Fws%2Fcustomers%2Fjoe%2Flists%2F2&lists=http%3A%2F%2Fcc%2Fws%2Fcustomers%2Fjoe%2Flists%2F5"));
        assert!(request.header_value("Authorization").is_some());
    }

    #[test]
    fn multipart_request() {
        let transport = MemoryTransport::new(|_, _| Ok(Response::new(201, ENTRY)));
        let client = Client {
            endpoint: "http://cc".into(),
            username: "joe".into(),
            credentials: None,
        };
        let mut job = Job::new(&transport, JobOptions::default());
        let report = block_on(client.export(
            &mut job,
            &[person(1, "Ann")],
            ActivityType::AddContacts,
            &["7".into()],
            Encoding::Multipart,
        ));
        assert!(report.error.is_none());
        let (_, request) = &transport.requests()[0];
        let content_type = request.header_value("Content-Type").unwrap_or("");
        assert!(content_type.starts_with("multipart/form-data; boundary="));
        let body = request.body_text();
        assert!(body.contains("name=\"dataFile\"; filename=\"contacts.csv\""));
        assert!(body.contains("EMAIL ADDRESS,FIRST NAME"));
        assert!(body.contains("wstest1@example.com,Ann,"));
        assert!(body.contains("ADD_CONTACTS"));
    }

    fn export_to(transport: &MemoryTransport) -> ExportReport {
        let client = Client {
            endpoint: "http://cc".into(),
            username: "joe".into(),
            credentials: None,
        };
        let mut job = Job::new(transport, JobOptions::default());
        block_on(client.export(
            &mut job,
            &[person(1, "A"), person(2, "B")],
            ActivityType::SvAdd,
            &["1".into()],
            Encoding::UrlEncoded,
        ))
    }

    #[test]
    fn a_post_that_may_have_arrived_is_not_resent_and_its_rows_are_in_doubt() {
        let transport = MemoryTransport::new(|_, _| Ok(Response::new(500, "boom")));
        let report = export_to(&transport);
        assert_eq!(transport.request_count(), 1);
        assert!(report.error.is_none(), "{:?}", report.error);
        assert_eq!(report.rows_sent, 0);
        let rows: Vec<usize> = report.in_doubt.iter().map(|(row, _)| *row).collect();
        assert_eq!(rows, vec![0, 1]);
        assert!(report
            .in_doubt
            .iter()
            .all(|(_, e)| matches!(e, Error::InDoubt { .. })));
    }

    #[test]
    fn a_refused_post_stops_and_reports_the_rest_unsent() {
        let transport = MemoryTransport::new(|_, _| Ok(Response::new(400, "<html>no</html>")));
        let report = export_to(&transport);
        assert_eq!(report.error, Some(Error::Http { status: 400 }));
        assert_eq!(report.rows_unsent, 2);
        assert!(report.in_doubt.is_empty());
        assert_eq!(transport.request_count(), 1);
    }

    #[test]
    fn a_created_activity_whose_answer_was_cut_short_counts_as_sent() {
        let transport = MemoryTransport::new(|_, _| {
            Ok(Response::new(
                201,
                "<entry xmlns=\"http://www.w3.org/2005/Atom\"><content><Activ",
            )
            .with_header("Location", "http://cc/ws/customers/joe/activities/a1"))
        });
        let report = export_to(&transport);
        assert!(report.error.is_none() && report.in_doubt.is_empty());
        assert_eq!(report.rows_sent, 2);
        let activity = &report.activities[0];
        assert!(activity.unread);
        assert_eq!(
            activity.id.as_deref(),
            Some("http://cc/ws/customers/joe/activities/a1")
        );
        assert_eq!(transport.request_count(), 1);
    }

    fn row(i: usize, len: usize) -> Row {
        Row {
            contact: i,
            text: format!("r{i}@x.org,{}", "é".repeat(len)),
            email: format!("r{i}@x.org"),
        }
    }

    #[test]
    fn batch_boundaries_are_exact() {
        let rows: Vec<Row> = (0..3).map(|i| row(i, 10)).collect();
        let one = 3 + encoded_len(&rows[0].text);
        let base = encoded_len(header());
        // Exactly two rows fit.
        let (plan, too_big) = batches(&rows, base + 2 * one);
        assert_eq!(plan, vec![vec![0, 1], vec![2]]);
        assert!(too_big.is_empty());
        // One byte less: one per batch.
        let (plan, _) = batches(&rows, base + 2 * one - 1);
        assert_eq!(plan, vec![vec![0], vec![1], vec![2]]);
        // A row that cannot fit alone is set apart, not split.
        let (plan, too_big) = batches(&rows, base + one - 1);
        assert!(plan.is_empty());
        assert_eq!(too_big, vec![0, 1, 2]);
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Over random row sizes and limits: every row is in exactly one batch or set apart,
        /// in order, and every batch's encoded data is within the limit.
        #[test]
        fn no_row_split_lost_or_sent_twice(
            sizes in proptest::collection::vec(0usize..400, 0..200),
            limit in 200usize..4000,
        ) {
            let rows: Vec<Row> = sizes
                .iter()
                .enumerate()
                .map(|(i, n)| Row {
                    contact: i,
                    text: format!("p{i}@x.org,\"{}, é&+\"", "a".repeat(*n)),
                    email: format!("p{i}@x.org"),
                })
                .collect();
            let (plan, too_big) = batches(&rows, limit);
            let mut seen: Vec<usize> = plan.iter().flatten().copied().collect();
            prop_assert!(seen.windows(2).all(|w| w[0] < w[1]));
            seen.extend(too_big.iter().copied());
            seen.sort_unstable();
            prop_assert_eq!(seen, (0..rows.len()).collect::<Vec<_>>());
            for batch in &plan {
                prop_assert!(!batch.is_empty());
                let selected: Vec<&Row> = batch.iter().map(|&i| &rows[i]).collect();
                let data = data(&selected);
                prop_assert!(encoded_len(&data) <= limit);
                // The data holds each row whole, on its own line.
                prop_assert_eq!(data.lines().count(), batch.len() + 1);
            }
            for &index in &too_big {
                let alone = data(&[&rows[index]]);
                prop_assert!(encoded_len(&alone) > limit);
            }
        }
    }
}
