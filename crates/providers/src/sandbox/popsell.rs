//! Popsell's contacts-import web service under `/popsell`: `contactimport?id=&token=&date=` and
//! `api/{customer_id}/contacts?token=&date=`. Token = lowercase hex MD5(static key + customer id).
//! Each customer (sales rep) has their own generated book; `date` keeps only records modified after
//! it, soft-deleted ones included. [`touch`] changes a book so incremental sync can be tested.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Serialize;

use super::book::{self, GeneratedContact};
use super::util::{is_datetime, Params};
use super::{lock, Shared};

/// A change to one Popsell book, through
/// [`SandboxControls::popsell_touch`](super::SandboxControls::popsell_touch).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PopsellEdit {
    /// Changes the given fields of contact `id` (e.g. `P000012`); `None` leaves a field alone.
    Update {
        /// The contact's `Id`.
        id: String,
        /// New `FirstName`.
        first_name: Option<String>,
        /// New `LastName`.
        last_name: Option<String>,
        /// New `Email`.
        email: Option<String>,
    },
    /// Marks contact `id` as soft-deleted.
    SoftDelete {
        /// The contact's `Id`.
        id: String,
    },
    /// Adds a contact; its id is `N` + a 6-digit counter per customer (`N000001`, …).
    Add {
        /// `FirstName`.
        first_name: String,
        /// `LastName`.
        last_name: String,
        /// `Email`.
        email: String,
    },
}

/// What a touch did: the contact's id and its new `LastModificationDate`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PopsellTouched {
    /// The contact's `Id`.
    pub id: String,
    /// Its new `LastModificationDate` (`YYYY-MM-DD HH:MM:SS`).
    pub modified: String,
}

/// Edited and added records per customer, and the clock that stamps them.
#[derive(Default)]
pub(crate) struct PopsellState {
    /// Seconds after 2025-01-01 00:00:00 of the last change.
    clock: u64,
    customers: BTreeMap<String, Changes>,
}

#[derive(Default)]
struct Changes {
    edited: BTreeMap<u32, Record>,
    added: Vec<Record>,
}

/// A contact in the exact shape of the seed document (field names and spellings included).
#[derive(Debug, Clone, Serialize)]
struct Record {
    #[serde(rename = "Id")]
    id: String,
    #[serde(rename = "Gender")]
    gender: Option<String>,
    #[serde(rename = "FirstName")]
    first_name: String,
    #[serde(rename = "LastName")]
    last_name: String,
    #[serde(rename = "Email")]
    email: Option<String>,
    #[serde(rename = "Comment")]
    comment: Option<String>,
    #[serde(rename = "Street1")]
    street1: Option<String>,
    #[serde(rename = "Street2")]
    street2: Option<String>,
    #[serde(rename = "Postcode")]
    postcode: Option<String>,
    #[serde(rename = "City")]
    city: Option<String>,
    #[serde(rename = "Country")]
    country: Option<String>,
    #[serde(rename = "Phone1")]
    phone1: Option<String>,
    #[serde(rename = "Phone2")]
    phone2: Option<String>,
    #[serde(rename = "LanguageCode")]
    language_code: Option<String>,
    #[serde(rename = "Tags")]
    tags: Vec<String>,
    #[serde(rename = "Type")]
    kind: u8,
    #[serde(rename = "IsSoftDeleted")]
    is_soft_deleted: bool,
    #[serde(rename = "IsAcceptingEmailing")]
    is_accepting_emailing: bool,
    #[serde(rename = "IsAcceptingBrandEmailing")]
    is_accepting_brand_emailing: bool,
    #[serde(rename = "LastModificationDate")]
    last_modification_date: String,
    #[serde(rename = "Extra_data")]
    extra_data: serde_json::Map<String, serde_json::Value>,
}

#[derive(Serialize)]
struct Answer<'a> {
    #[serde(rename = "IsSuccessfull")]
    is_successfull: bool,
    #[serde(rename = "ErrorCode")]
    error_code: Option<&'a str>,
    #[serde(rename = "ErrorMessage")]
    error_message: Option<&'a str>,
    #[serde(rename = "Contacts")]
    contacts: Vec<Record>,
}

/// Lowercase hex MD5(static key + customer id).
pub(crate) fn token(static_key: &str, customer_id: &str) -> String {
    format!("{:x}", md5::compute(format!("{static_key}{customer_id}")))
}

/// Each customer's book has its own seed (FNV-1a of the id), so two reps hold different people.
pub(crate) fn book_seed(shared: &Shared, customer_id: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in customer_id.bytes() {
        hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
    }
    shared.config.seed ^ hash ^ 0x9051
}

fn record(c: &GeneratedContact) -> Record {
    let home = c.phones.iter().find(|p| !p.mobile);
    let mobile = c.phones.iter().find(|p| p.mobile);
    let mut extra = serde_json::Map::new();
    if c.index % 4 == 1 {
        extra.insert("Number of children".into(), (c.index % 4).into());
        extra.insert("Club level".into(), "Coached Club Member".into());
    }
    if c.index % 7 == 3 {
        extra.insert("Hair color".into(), "Brown".into());
    }
    Record {
        id: format!("P{:06}", c.index),
        gender: c.gender.map(String::from),
        first_name: c.first_name.clone(),
        last_name: c.last_name.clone(),
        email: c.emails.first().map(|e| e.address.clone()),
        comment: c.job_title.clone(),
        street1: c.address.as_ref().map(|a| a.street.clone()),
        street2: c.address.as_ref().and_then(|a| a.street2.clone()),
        postcode: c.address.as_ref().map(|a| a.postal_code.clone()),
        city: c.address.as_ref().map(|a| a.city.clone()),
        country: c.address.as_ref().map(|a| a.country.clone()),
        phone1: home.map(|p| p.number.clone()),
        phone2: mobile.map(|p| p.number.clone()),
        language_code: c.language.clone(),
        tags: c.tags.clone(),
        kind: (c.index % 3 + 1) as u8,
        is_soft_deleted: c.soft_deleted,
        is_accepting_emailing: !c.index.is_multiple_of(3),
        is_accepting_brand_emailing: c.index & 3 == 0,
        last_modification_date: c.modified.clone(),
        extra_data: extra,
    }
}

/// `c` as the Popsell client reads it from an answer (raw, not normalized): for tests of what
/// the client does with a whole book, without a server.
#[cfg(test)]
pub(crate) fn raw_contact(c: &GeneratedContact) -> contacts::Contact {
    let value = serde_json::to_value(record(c)).unwrap_or_default();
    contacts::json::popsell_contact(&value)
}

/// Applies a change; see [`PopsellEdit`].
pub(crate) fn touch(
    shared: &Shared,
    customer_id: &str,
    edit: PopsellEdit,
) -> Option<PopsellTouched> {
    let size = shared.config.book_size;
    let seed = book_seed(shared, customer_id);
    let mut state = lock(&shared.popsell);
    let modified = book::datetime_from_seconds(state.clock + 1, 2025);
    let changes = state.customers.entry(customer_id.to_string()).or_default();
    let find_index = |id: &str| -> Option<u32> {
        let index: u32 = id.strip_prefix('P')?.parse().ok()?;
        ((index as usize) < size).then_some(index)
    };
    let touched = match edit {
        PopsellEdit::Add {
            first_name,
            last_name,
            email,
        } => {
            let id = format!("N{:06}", changes.added.len() + 1);
            let mut fresh = record(&book::contact(seed, 0));
            fresh = Record {
                id: id.clone(),
                first_name,
                last_name,
                email: Some(email),
                is_soft_deleted: false,
                last_modification_date: modified.clone(),
                ..fresh
            };
            changes.added.push(fresh);
            id
        }
        PopsellEdit::Update { ref id, .. } | PopsellEdit::SoftDelete { ref id } => {
            let existing = if let Some(added) = changes.added.iter_mut().find(|r| r.id == *id) {
                added
            } else {
                let index = find_index(id)?;
                changes
                    .edited
                    .entry(index)
                    .or_insert_with(|| record(&book::contact(seed, index)))
            };
            if let PopsellEdit::Update {
                first_name,
                last_name,
                email,
                ..
            } = &edit
            {
                if let Some(v) = first_name {
                    existing.first_name = v.clone();
                }
                if let Some(v) = last_name {
                    existing.last_name = v.clone();
                }
                if let Some(v) = email {
                    existing.email = Some(v.clone());
                }
            } else {
                existing.is_soft_deleted = true;
            }
            existing.last_modification_date = modified.clone();
            existing.id.clone()
        }
    };
    state.clock += 1;
    Some(PopsellTouched {
        id: touched,
        modified,
    })
}

/// `GET /popsell/contactimport?id=&token=&date=`.
pub(crate) async fn contactimport(
    State(shared): State<Arc<Shared>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let params = Params::from_request(query.as_deref(), &headers, &body);
    let customer = params.get("id").unwrap_or_default().to_string();
    serve(&shared, &customer, &params)
}

/// `GET /popsell/api/{customer_id}/contacts?token=&date=`.
pub(crate) async fn api_contacts(
    State(shared): State<Arc<Shared>>,
    Path(customer): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let params = Params::from_request(query.as_deref(), &headers, &body);
    serve(&shared, &customer, &params)
}

fn failure(code: &str, message: &str) -> Response {
    let answer = Answer {
        is_successfull: false,
        error_code: Some(code),
        error_message: Some(message),
        contacts: Vec::new(),
    };
    super::json_text(
        StatusCode::OK,
        serde_json::to_string(&answer).unwrap_or_default(),
    )
}

fn serve(shared: &Shared, customer: &str, params: &Params) -> Response {
    shared.count("popsell.contacts");
    if customer.trim().is_empty() {
        return failure("400", "Missing customer id");
    }
    let expected = token(&shared.config.popsell_static_key, customer);
    if params.get("token") != Some(expected.as_str()) {
        return failure("401", "Invalid token");
    }
    // The document's own example wraps the date in quotes (typographic ones, even).
    let since = match params.non_empty("date") {
        None => None,
        Some(raw) => {
            let date = raw
                .trim()
                .trim_matches(|c| matches!(c, '"' | '\u{201c}' | '\u{201d}'));
            if !is_datetime(date) {
                return failure("400", "Invalid date: expected YYYY-MM-DD HH:MM:SS");
            }
            Some(date.to_string())
        }
    };
    let seed = book_seed(shared, customer);
    let state = lock(&shared.popsell);
    let changes = state.customers.get(customer);
    let newer = |r: &Record| {
        since
            .as_deref()
            .is_none_or(|since| r.last_modification_date.as_str() > since)
    };
    let mut contacts: Vec<Record> = Vec::new();
    for index in 0..shared.config.book_size as u32 {
        let edited = changes.and_then(|c| c.edited.get(&index));
        let record = match edited {
            Some(edited) => edited.clone(),
            None => record(&book::contact(seed, index)),
        };
        if newer(&record) {
            contacts.push(record);
        }
    }
    if let Some(changes) = changes {
        contacts.extend(changes.added.iter().filter(|r| newer(r)).cloned());
    }
    drop(state);
    let answer = Answer {
        is_successfull: true,
        error_code: None,
        error_message: None,
        contacts,
    };
    super::json_text(
        StatusCode::OK,
        serde_json::to_string(&answer).unwrap_or_default(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_is_md5_of_key_then_id() {
        assert_eq!(token("", ""), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(token("key", "42"), format!("{:x}", md5::compute("key42")));
    }
}
