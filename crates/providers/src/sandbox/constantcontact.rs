//! Constant Contact v1 Activities under `/constantcontact/ws/customers/{username}`: `POST
//! activities` (form-urlencoded `data` or multipart `dataFile`), `GET activities[/{id}]`, `GET
//! lists`. Strict as the document: a known `activityType`, at least one list URI, a header row of
//! known column names with EMAIL ADDRESS, and at most 1.9 MB (1,900,000 bytes) of encoded `data`
//! (413 over it). Success is 201 + Location + an Atom entry holding the Activity, with one
//! `<Error>` per row whose e-mail is invalid. Rows received are kept per list for tests.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::util::{basic_auth, content_type, esc, plausible_email};
use super::{lock, text, Shared};

/// The documented limit on the encoded `data` value.
pub(crate) const DATA_LIMIT: usize = 1_900_000;

const ACTIVITY_TYPES: &[&str] = &[
    "ADD_CONTACTS",
    "SV_ADD",
    "ADD_CONTACT_DETAIL",
    "REMOVE_CONTACTS_FROM_LISTS",
    "CLEAR_CONTACTS_FROM_LISTS",
];

const COLUMNS: &[&str] = &[
    "EMAIL ADDRESS",
    "FIRST NAME",
    "MIDDLE NAME",
    "LAST NAME",
    "JOB TITLE",
    "COMPANY NAME",
    "WORK PHONE",
    "HOME PHONE",
    "ADDRESS LINE 1",
    "ADDRESS LINE 2",
    "ADDRESS LINE 3",
    "CITY",
    "STATE",
    "STATE/PROVINCE (US/CANADA)",
    "COUNTRY",
    "POSTAL CODE",
    "SUB POSTAL CODE",
    "CUSTOM FIELD 1",
    "CUSTOM FIELD 2",
    "CUSTOM FIELD 3",
    "CUSTOM FIELD 4",
    "CUSTOM FIELD 5",
    "CUSTOM FIELD 6",
    "CUSTOM FIELD 7",
    "CUSTOM FIELD 8",
    "CUSTOM FIELD 9",
    "CUSTOM FIELD 10",
    "CUSTOM FIELD 11",
    "CUSTOM FIELD 12",
    "CUSTOM FIELD 13",
    "CUSTOM FIELD 14",
    "CUSTOM FIELD 15",
];

/// Activities and received rows.
#[derive(Default)]
pub(crate) struct CcState {
    next_id: u64,
    activities: BTreeMap<String, Activity>,
    /// (username, list number) → rows (upper-cased column → value), in arrival order.
    received: BTreeMap<(String, u64), Vec<BTreeMap<String, String>>>,
}

struct Activity {
    username: String,
    kind: String,
    transaction_count: usize,
    errors: Vec<(usize, String, String)>,
    file_name: Option<String>,
    polls: u32,
    sequence: u64,
}

/// The rows received for one list.
pub(crate) fn received(
    shared: &Shared,
    username: &str,
    list: u64,
) -> Vec<BTreeMap<String, String>> {
    lock(&shared.cc)
        .received
        .get(&(username.to_string(), list))
        .cloned()
        .unwrap_or_default()
}

/// `GET /sandbox/constantcontact/{username}/lists/{n}`: the e-mails received, in order.
pub(crate) async fn inspect_route(
    State(shared): State<Arc<Shared>>,
    Path((username, list)): Path<(String, u64)>,
) -> Json<Vec<String>> {
    Json(
        received(&shared, &username, list)
            .into_iter()
            .map(|row| row.get("EMAIL ADDRESS").cloned().unwrap_or_default())
            .collect(),
    )
}

fn unauthorized() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        [(header::WWW_AUTHENTICATE, "Basic realm=\"sandbox\"")],
        "401 Unauthorized\n",
    )
        .into_response()
}

fn authorized(shared: &Shared, headers: &axum::http::HeaderMap) -> bool {
    basic_auth(headers).is_some_and(|(_, password)| password == shared.config.cc_password)
}

/// The fields of an activity request, whichever encoding it came in.
struct Submission {
    activity_type: Option<String>,
    lists: Vec<String>,
    data: Option<String>,
    /// Length of `data` as sent (encoded for urlencoded bodies, raw for a file).
    data_len: usize,
    file_name: Option<String>,
}

async fn read_submission(request: Request) -> Result<Submission, Response> {
    let kind = content_type(request.headers());
    if kind == "multipart/form-data" {
        let mut multipart = Multipart::from_request(request, &()).await.map_err(|e| {
            text(
                StatusCode::BAD_REQUEST,
                format!("bad multipart body: {e}\n"),
            )
        })?;
        let mut submission = Submission {
            activity_type: None,
            lists: Vec::new(),
            data: None,
            data_len: 0,
            file_name: None,
        };
        while let Some(field) = multipart.next_field().await.map_err(|e| {
            text(
                StatusCode::BAD_REQUEST,
                format!("bad multipart body: {e}\n"),
            )
        })? {
            let name = field.name().unwrap_or_default().to_string();
            let file_name = field.file_name().map(str::to_string);
            let bytes = field.bytes().await.map_err(|e| {
                text(
                    StatusCode::BAD_REQUEST,
                    format!("bad multipart body: {e}\n"),
                )
            })?;
            let value = String::from_utf8_lossy(&bytes).into_owned();
            match name.as_str() {
                "activityType" => submission.activity_type = Some(value),
                "lists" => submission.lists.push(value),
                "dataFile" | "data" => {
                    submission.data_len = bytes.len();
                    submission.data = Some(value);
                    submission.file_name = file_name;
                }
                _ => {}
            }
        }
        Ok(submission)
    } else if kind == "application/x-www-form-urlencoded" {
        let body: Bytes = axum::body::to_bytes(request.into_body(), usize::MAX)
            .await
            .map_err(|e| text(StatusCode::BAD_REQUEST, format!("unreadable body: {e}\n")))?;
        // The limit is on the encoded value, so measure it before decoding.
        let data_len = body
            .split(|b| *b == b'&')
            .filter_map(|pair| pair.strip_prefix(b"data="))
            .map(<[u8]>::len)
            .sum();
        let mut submission = Submission {
            activity_type: None,
            lists: Vec::new(),
            data: None,
            data_len,
            file_name: None,
        };
        for (name, value) in form_urlencoded::parse(&body).into_owned() {
            match name.as_str() {
                "activityType" => submission.activity_type = Some(value),
                "lists" => submission.lists.push(value),
                "data" => submission.data = Some(value),
                _ => {}
            }
        }
        Ok(submission)
    } else {
        Err(text(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Activities take application/x-www-form-urlencoded or multipart/form-data\n",
        ))
    }
}

/// The list number at the end of a list URI (`…/lists/2`).
fn list_number(uri: &str) -> Option<u64> {
    let (_, number) = uri.trim().trim_end_matches('/').rsplit_once("/lists/")?;
    number.parse().ok()
}

/// A CSV reader for the `data` value: quoted fields with `""`, CRLF or LF. Returns
/// (1-based line where the record starts, fields).
fn csv_records(data: &str) -> Vec<(usize, Vec<String>)> {
    let mut records = Vec::new();
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut line = 1;
    let mut start_line = 1;
    let mut chars = data.chars().peekable();
    let mut any = false;
    while let Some(c) = chars.next() {
        any = true;
        match c {
            '"' if quoted => {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    field.push('"');
                } else {
                    quoted = false;
                }
            }
            '"' if field.trim().is_empty() => {
                field.clear();
                quoted = true;
            }
            '\n' if quoted => {
                line += 1;
                field.push(c);
            }
            ',' if !quoted => fields.push(std::mem::take(&mut field)),
            '\r' if !quoted && chars.peek() == Some(&'\n') => {}
            '\n' => {
                fields.push(std::mem::take(&mut field));
                records.push((start_line, std::mem::take(&mut fields)));
                line += 1;
                start_line = line;
                any = false;
            }
            c => field.push(c),
        }
    }
    if any {
        fields.push(field);
        records.push((start_line, fields));
    }
    records
        .into_iter()
        .filter(|(_, f)| f.iter().any(|v| !v.trim().is_empty()))
        .collect()
}

fn activity_uri(shared: &Shared, username: &str, id: &str) -> String {
    format!(
        "{}/constantcontact/ws/customers/{username}/activities/{id}",
        shared.base_url
    )
}

fn stamp(sequence: u64, offset: u64) -> String {
    format!(
        "{}.{:03}Z",
        super::book::datetime_from_seconds(sequence * 60 + offset, 2025).replace(' ', "T"),
        sequence % 1000
    )
}

fn entry(shared: &Shared, id: &str, activity: &Activity, status: &str) -> String {
    let uri = activity_uri(shared, &activity.username, id);
    let mut errors = String::new();
    for (line, email, message) in &activity.errors {
        errors.push_str(&format!(
            "<Error><LineNumber>{line}</LineNumber><EmailAddress>{}</EmailAddress><Message>{}</Message></Error>",
            esc(email),
            esc(message)
        ));
    }
    let times = if status == "COMPLETE" {
        format!(
            "<RunStartTime>{}</RunStartTime><RunFinishTime>{}</RunFinishTime>",
            stamp(activity.sequence, 5),
            stamp(activity.sequence, 9)
        )
    } else {
        String::new()
    };
    let file_name = activity
        .file_name
        .as_ref()
        .map(|f| format!("<FileName>{}</FileName>", esc(f)))
        .unwrap_or_default();
    format!(
        "<entry xmlns=\"http://www.w3.org/2005/Atom\">\
         <link href=\"/constantcontact/ws/customers/{user}/activities/{id}\" rel=\"edit\"/>\
         <id>{uri}</id><title type=\"text\"></title><updated>{updated}</updated>\
         <author><name>Constant Contact</name></author>\
         <content type=\"application/vnd.ctct+xml\">\
         <Activity xmlns=\"http://ws.constantcontact.com/ns/1.0/\" id=\"{uri}\">\
         <Type>{kind}</Type><Status>{status}</Status><TransactionCount>{count}</TransactionCount>\
         <Errors>{errors}</Errors>{times}<InsertTime>{updated}</InsertTime>{file_name}</Activity>\
         </content></entry>",
        user = esc(&activity.username),
        uri = esc(&uri),
        updated = stamp(activity.sequence, 0),
        kind = esc(&activity.kind),
        count = activity.transaction_count,
    )
}

fn atom(status: StatusCode, body: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
        format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{body}\n"),
    )
        .into_response()
}

/// `POST …/customers/{username}/activities`.
pub(crate) async fn create_activity(
    State(shared): State<Arc<Shared>>,
    Path(username): Path<String>,
    request: Request,
) -> Response {
    shared.count("cc.activities.create");
    if !authorized(&shared, request.headers()) {
        return unauthorized();
    }
    let submission = match read_submission(request).await {
        Ok(s) => s,
        Err(response) => return response,
    };
    let kind = submission.activity_type.unwrap_or_default();
    if !ACTIVITY_TYPES.contains(&kind.as_str()) {
        return text(
            StatusCode::BAD_REQUEST,
            format!(
                "activityType {kind:?} is not one of {}\n",
                ACTIVITY_TYPES.join(", ")
            ),
        );
    }
    if submission.lists.is_empty() {
        return text(
            StatusCode::BAD_REQUEST,
            "At least one lists URI is required\n",
        );
    }
    let mut lists = Vec::new();
    for uri in &submission.lists {
        match list_number(uri) {
            Some(n) => lists.push(n),
            None => {
                return text(
                    StatusCode::BAD_REQUEST,
                    format!("{uri:?} is not a contact list URI\n"),
                )
            }
        }
    }
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    if kind != "CLEAR_CONTACTS_FROM_LISTS" {
        let Some(data) = submission.data else {
            return text(StatusCode::BAD_REQUEST, "data (or dataFile) is required\n");
        };
        if submission.data_len > DATA_LIMIT {
            return text(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!(
                    "data is {} bytes encoded; the limit is 1.9MB ({DATA_LIMIT} bytes): send smaller batches\n",
                    submission.data_len
                ),
            );
        }
        let mut records = csv_records(&data).into_iter();
        let header: Vec<String> = match records.next() {
            Some((_, fields)) => fields
                .iter()
                .map(|f| f.trim().to_ascii_uppercase())
                .collect(),
            None => Vec::new(),
        };
        let unknown: Vec<&String> = header
            .iter()
            .filter(|h| !COLUMNS.contains(&h.as_str()))
            .collect();
        if header.is_empty() || !unknown.is_empty() || !header.iter().any(|h| h == "EMAIL ADDRESS")
        {
            return text(
                StatusCode::BAD_REQUEST,
                format!(
                    "The first line of data must be a header row of column names including EMAIL ADDRESS (unknown: {unknown:?})\n"
                ),
            );
        }
        for (line, fields) in records {
            if fields.len() > header.len() {
                errors.push((line, String::new(), "Too many fields".to_string()));
                continue;
            }
            let row: BTreeMap<String, String> = header
                .iter()
                .cloned()
                .zip(fields.iter().map(|f| f.trim().to_string()))
                .collect();
            let email = row.get("EMAIL ADDRESS").cloned().unwrap_or_default();
            if !plausible_email(&email) {
                errors.push((line, email, "Invalid email address".to_string()));
                continue;
            }
            rows.push(row);
        }
    }
    let transaction_count = rows.len() + errors.len();
    let mut state = lock(&shared.cc);
    if matches!(
        kind.as_str(),
        "ADD_CONTACTS" | "SV_ADD" | "ADD_CONTACT_DETAIL"
    ) {
        for list in &lists {
            state
                .received
                .entry((username.clone(), *list))
                .or_default()
                .extend(rows.iter().cloned());
        }
    }
    state.next_id += 1;
    let sequence = state.next_id;
    let id = format!("a07e1ffax{sequence:010}");
    let activity = Activity {
        username: username.clone(),
        kind,
        transaction_count,
        errors,
        file_name: submission.file_name,
        polls: 0,
        sequence,
    };
    let body = entry(&shared, &id, &activity, "PENDING");
    state.activities.insert(id.clone(), activity);
    drop(state);
    let mut response = atom(StatusCode::CREATED, body);
    if let Ok(location) = activity_uri(&shared, &username, &id).parse() {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

/// `GET …/activities/{id}`: RUNNING for `phase_polls` reads, then COMPLETE.
pub(crate) async fn get_activity(
    State(shared): State<Arc<Shared>>,
    Path((username, id)): Path<(String, String)>,
    headers: axum::http::HeaderMap,
) -> Response {
    shared.count("cc.activities.get");
    if !authorized(&shared, &headers) {
        return unauthorized();
    }
    let mut state = lock(&shared.cc);
    let Some(activity) = state
        .activities
        .get_mut(&id)
        .filter(|a| a.username == username)
    else {
        return text(StatusCode::NOT_FOUND, "No such activity\n");
    };
    activity.polls += 1;
    let status = if activity.polls > shared.config.phase_polls {
        "COMPLETE"
    } else {
        "RUNNING"
    };
    let body = entry(&shared, &id, activity, status);
    atom(StatusCode::OK, body)
}

/// `GET …/activities`: an Atom feed of the user's activities.
pub(crate) async fn list_activities(
    State(shared): State<Arc<Shared>>,
    Path(username): Path<String>,
    headers: axum::http::HeaderMap,
) -> Response {
    shared.count("cc.activities.list");
    if !authorized(&shared, &headers) {
        return unauthorized();
    }
    let state = lock(&shared.cc);
    let entries: String = state
        .activities
        .iter()
        .filter(|(_, a)| a.username == username)
        .map(|(id, a)| {
            let status = if a.polls > shared.config.phase_polls {
                "COMPLETE"
            } else {
                "PENDING"
            };
            entry(&shared, id, a, status)
        })
        .collect();
    atom(
        StatusCode::OK,
        format!(
            "<feed xmlns=\"http://www.w3.org/2005/Atom\"><id>{}/constantcontact/ws/customers/{}/activities</id>\
             <title type=\"text\">Activities</title>{entries}</feed>",
            shared.base_url,
            esc(&username)
        ),
    )
}

/// `GET …/lists`: three lists, so a client can find list URIs.
pub(crate) async fn lists(
    State(shared): State<Arc<Shared>>,
    Path(username): Path<String>,
    headers: axum::http::HeaderMap,
) -> Response {
    shared.count("cc.lists");
    if !authorized(&shared, &headers) {
        return unauthorized();
    }
    let user = esc(&username);
    let entries: String = ["General Interest", "Customers", "Referrals"]
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let uri = format!(
                "{}/constantcontact/ws/customers/{user}/lists/{}",
                shared.base_url,
                i + 1
            );
            format!(
                "<entry><link href=\"/constantcontact/ws/customers/{user}/lists/{n}\" rel=\"edit\"/>\
                 <id>{uri}</id><title type=\"text\">{name}</title>\
                 <content type=\"application/vnd.ctct+xml\"><ContactList xmlns=\"http://ws.constantcontact.com/ns/1.0/\" id=\"{uri}\">\
                 <Name>{name}</Name></ContactList></content></entry>",
                n = i + 1
            )
        })
        .collect();
    atom(
        StatusCode::OK,
        format!(
            "<feed xmlns=\"http://www.w3.org/2005/Atom\"><id>{}/constantcontact/ws/customers/{user}/lists</id>\
             <title type=\"text\">Contact Lists</title>{entries}</feed>",
            shared.base_url
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_records_quotes_crlf_and_lines() {
        let records = csv_records(
            "EMAIL ADDRESS,CITY\r\na@b.co,\"Boston, MA\"\n\nc@d.co,\"two\nlines\"\ne@f.co,x",
        );
        let lines: Vec<usize> = records.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, vec![1, 2, 4, 6]);
        assert_eq!(records[1].1, vec!["a@b.co", "Boston, MA"]);
        assert_eq!(records[2].1, vec!["c@d.co", "two\nlines"]);
    }

    #[test]
    fn list_numbers() {
        assert_eq!(
            list_number("http://api.constantcontact.com/ws/customers/joe/lists/2"),
            Some(2)
        );
        assert_eq!(list_number("lists/x"), None);
        assert_eq!(list_number("/lists/7/"), Some(7));
    }
}
