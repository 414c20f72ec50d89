//! Popsell's contacts-import web service (seed 002, PROTOCOLS.md D3), both directions.
//!
//! As a client: a URL template agreed with the customer, containing `{customer_id}`,
//! `{token}` and optionally `{date}` (when it has no `{date}`, `date=` is added to the query
//! for an incremental sync); token = lowercase hex MD5(static key + customer id), computed
//! where the key lives (natively, or in the proxy: never in the browser). The answer is
//! `{"IsSuccessfull", "ErrorCode", "ErrorMessage", "Contacts": [...]}` (the double "l" is
//! Popsell's). [`PopsellSync`] keeps the last sync time and the known contacts by Id, so the
//! next run is incremental and applies soft deletes.
//!
//! As a server's building blocks: [`write_response`] writes contacts in Popsell's shape,
//! [`check_token`] checks a token in constant time, [`parse_date`] reads the `date` parameter.

use std::collections::BTreeMap;

use contacts::{Contact, ContactList, ContactStore};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::answer;
use crate::error::{Error, Result};
use crate::gather::{Gatherer, ImportedContacts};
use crate::job::{Imported, Job, Phase};
use crate::transport::{encode, with_query, Request, Transport};

/// The source name stamped on imported contacts.
pub const SOURCE: &str = "popsell";

/// The token for `customer_id`: lowercase hex MD5 of the static key followed by the id.
pub fn token(static_key: &str, customer_id: &str) -> String {
    format!("{:x}", md5::compute(format!("{static_key}{customer_id}")))
}

/// True when `given` is the token for `customer_id`. The comparison takes the same time
/// wherever the first difference is, so response times do not leak the expected token.
pub fn check_token(static_key: &str, customer_id: &str, given: &str) -> bool {
    let expected = token(static_key, customer_id);
    let given = given.trim().to_ascii_lowercase();
    if expected.len() != given.len() {
        return false;
    }
    expected
        .bytes()
        .zip(given.bytes())
        .fold(0u8, |diff, (a, b)| diff | (a ^ b))
        == 0
}

/// Reads a `date` parameter: `YYYY-MM-DD HH:MM:SS`, possibly wrapped in straight or curly
/// double quotes (as in Popsell's example URL), or with a `T` between date and time. Returns
/// the canonical form, or `None` when it is not a date-time.
pub fn parse_date(text: &str) -> Option<String> {
    let trimmed = text
        .trim()
        .trim_matches(|c| c == '"' || c == '\u{201c}' || c == '\u{201d}')
        .trim();
    let candidate: String = trimmed
        .trim_end_matches('Z')
        .chars()
        .map(|c| if c == 'T' { ' ' } else { c })
        .collect();
    let bytes = candidate.as_bytes();
    let shape_ok = bytes.len() == 19
        && bytes.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            10 => *b == b' ',
            13 | 16 => *b == b':',
            _ => b.is_ascii_digit(),
        });
    shape_ok.then_some(candidate)
}

/// The contacts-import URL for `customer_id`: the template with `{customer_id}`, `{token}` and
/// `{date}` filled (values percent-encoded); with no `{date}` in the template, `date=` is added
/// to the query when there is a date.
pub fn build_url(
    template: &str,
    customer_id: &str,
    token: Option<&str>,
    since: Option<&str>,
) -> Result<String> {
    if !template.contains("{customer_id}") {
        return Err(Error::Invalid(
            "the Popsell URL template has no {customer_id}".into(),
        ));
    }
    let mut url = template
        .replace("{customer_id}", &encode(customer_id))
        .replace("{token}", &encode(token.unwrap_or("")));
    if url.contains("{date}") {
        url = url.replace("{date}", &encode(since.unwrap_or("")));
    } else if let Some(since) = since {
        url = with_query(&url, &format!("date={}", encode(since)));
    }
    Ok(url)
}

/// A Popsell contacts-import client for one customer (sales rep).
#[derive(Clone)]
pub struct Client {
    /// The agreed URL template.
    pub template: String,
    /// The customer (sales rep) id.
    pub customer_id: String,
    /// The token; `None` behind the proxy, which computes it from the key it holds.
    pub token: Option<String>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("template", &self.template)
            .field("customer_id", &self.customer_id)
            .field("token", &self.token.as_ref().map(|_| "<hidden>"))
            .finish()
    }
}

impl Client {
    /// A client that computes the token from the static key (where the key lives).
    pub fn with_key(template: &str, customer_id: &str, static_key: &str) -> Client {
        Client {
            template: template.into(),
            customer_id: customer_id.into(),
            token: Some(token(static_key, customer_id)),
        }
    }

    /// Fetches the contacts modified after `since` (all when `None`), raw (not normalized).
    pub async fn fetch<T: Transport>(
        &self,
        job: &mut Job<'_, T>,
        since: Option<&str>,
    ) -> Result<Vec<Contact>> {
        self.fetch_each(job, since, Vec::new, |contacts, record| {
            contacts.push(contacts::json::popsell_contact(&record));
        })
        .await
    }

    /// Fetches the records modified after `since` and hands each of the answer's JSON objects
    /// to `add`, into what `start` makes (afresh for every attempt: an answer cut short is
    /// asked for again, and what was read of it is dropped). The whole book is one answer: it
    /// is read a record at a time ([`read_answer`]), so its JSON tree is never built whole.
    async fn fetch_each<T: Transport, R>(
        &self,
        job: &mut Job<'_, T>,
        since: Option<&str>,
        start: impl Fn() -> R,
        mut add: impl FnMut(&mut R, Value),
    ) -> Result<R> {
        let url = build_url(
            &self.template,
            &self.customer_id,
            self.token.as_deref(),
            since,
        )?;
        job.get(Request::get(url), |answer| {
            let mut gathered = start();
            let head = match read_answer(&answer.text(), &mut |record| add(&mut gathered, record)) {
                Ok(head) => head,
                Err(_) if !answer.is_success() => return Err(crate::job::status_error(answer)),
                Err(e) => return Err(Error::malformed(format!("Popsell answer: not JSON ({e})"))),
            };
            if head.succeeded == Some(false) {
                let code = answer::text(head.code.as_ref());
                let message = answer::text(head.message.as_ref());
                return Err(match code.as_deref() {
                    Some("401") | Some("403") => Error::Unauthorized { message },
                    _ => Error::Provider {
                        message: message.unwrap_or_else(|| "IsSuccessfull is false".into()),
                        code,
                    },
                });
            }
            if !answer.is_success() {
                return Err(crate::job::status_error(answer));
            }
            if !head.has_contacts {
                return Err(Error::malformed("Popsell answer has no Contacts"));
            }
            Ok(gathered)
        })
        .await
    }
}

/// What Popsell's answer says besides its records.
#[derive(Debug, Default)]
struct AnswerHead {
    /// `IsSuccessfull`, when it is a boolean.
    succeeded: Option<bool>,
    code: Option<Value>,
    message: Option<Value>,
    /// Whether there was a `Contacts` member at all.
    has_contacts: bool,
}

/// Reads Popsell's answer, handing each record of `Contacts` to `each` as soon as it is read
/// and keeping only the rest ([`AnswerHead`]): the book's JSON tree, about ten times its text,
/// was the largest thing a Popsell import held (100,000 contacts: 570 MB of 780 before the
/// compact store, BENCHMARKS.md). `Contacts` is read as `ensure_array` reads a list: null is
/// none, one object is one record. The same JSON as `serde_json::from_str` accepts, or its
/// error; when a member is given twice, each `Contacts` is read (a tree keeps the last).
fn read_answer(text: &str, each: &mut dyn FnMut(Value)) -> serde_json::Result<AnswerHead> {
    use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
    use std::fmt;

    struct Answer<'e> {
        each: &'e mut dyn FnMut(Value),
    }

    impl<'de> DeserializeSeed<'de> for Answer<'_> {
        type Value = AnswerHead;

        fn deserialize<D: Deserializer<'de>>(
            self,
            deserializer: D,
        ) -> Result<AnswerHead, D::Error> {
            deserializer.deserialize_any(self)
        }
    }

    impl<'de> Visitor<'de> for Answer<'_> {
        type Value = AnswerHead;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("Popsell's answer, an object")
        }

        // JSON that is not an object has no `Contacts` (what a tree's `get` found).
        fn visit_unit<E>(self) -> Result<AnswerHead, E> {
            Ok(AnswerHead::default())
        }

        fn visit_bool<E>(self, _: bool) -> Result<AnswerHead, E> {
            Ok(AnswerHead::default())
        }

        fn visit_i64<E>(self, _: i64) -> Result<AnswerHead, E> {
            Ok(AnswerHead::default())
        }

        fn visit_u64<E>(self, _: u64) -> Result<AnswerHead, E> {
            Ok(AnswerHead::default())
        }

        fn visit_f64<E>(self, _: f64) -> Result<AnswerHead, E> {
            Ok(AnswerHead::default())
        }

        fn visit_str<E>(self, _: &str) -> Result<AnswerHead, E> {
            Ok(AnswerHead::default())
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<AnswerHead, A::Error> {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            Ok(AnswerHead::default())
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<AnswerHead, A::Error> {
            let mut head = AnswerHead::default();
            while let Some(key) = map.next_key::<String>()? {
                match key.as_str() {
                    "IsSuccessfull" => head.succeeded = map.next_value::<Value>()?.as_bool(),
                    "ErrorCode" => head.code = Some(map.next_value()?),
                    "ErrorMessage" => head.message = Some(map.next_value()?),
                    "Contacts" => {
                        head.has_contacts = true;
                        map.next_value_seed(Records {
                            each: &mut *self.each,
                        })?;
                    }
                    _ => {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
            }
            Ok(head)
        }
    }

    /// `Contacts`: null, an array of records, or one record.
    struct Records<'e> {
        each: &'e mut dyn FnMut(Value),
    }

    impl<'de> DeserializeSeed<'de> for Records<'_> {
        type Value = ();

        fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
            deserializer.deserialize_any(self)
        }
    }

    impl<'de> Visitor<'de> for Records<'_> {
        type Value = ();

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("the contacts: an array, an object or null")
        }

        fn visit_unit<E>(self) -> Result<(), E> {
            Ok(())
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            while let Some(record) = seq.next_element::<Value>()? {
                (self.each)(record);
            }
            Ok(())
        }

        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
            let record = Value::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
            (self.each)(record);
            Ok(())
        }

        // Any other scalar is one record, as a tree's `ensure_array` made it one.
        fn visit_bool<E>(self, v: bool) -> Result<(), E> {
            (self.each)(Value::Bool(v));
            Ok(())
        }

        fn visit_i64<E>(self, v: i64) -> Result<(), E> {
            (self.each)(Value::from(v));
            Ok(())
        }

        fn visit_u64<E>(self, v: u64) -> Result<(), E> {
            (self.each)(Value::from(v));
            Ok(())
        }

        fn visit_f64<E>(self, v: f64) -> Result<(), E> {
            (self.each)(Value::from(v));
            Ok(())
        }

        fn visit_str<E>(self, v: &str) -> Result<(), E> {
            (self.each)(Value::from(v));
            Ok(())
        }
    }

    let mut deserializer = serde_json::Deserializer::from_str(text);
    let head = Answer { each }.deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(head)
}

/// What the picker holds of one customer's Popsell book between runs: the last sync time and
/// the live contacts by Popsell Id. Serializable to a JSON state file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PopsellSync {
    /// The newest `LastModificationDate` seen (`YYYY-MM-DD HH:MM:SS`), for the next `date`.
    pub last_sync: Option<String>,
    /// The live contacts, by Popsell Id.
    pub contacts: BTreeMap<String, Contact>,
}

impl PopsellSync {
    /// Runs one sync: fetches what changed since the last one (everything the first time, or
    /// since `since` when given), applies it, and returns the whole live book followed by the
    /// contacts soft-deleted in this run (`deleted: true`).
    pub async fn sync<T: Transport>(
        &mut self,
        client: &Client,
        job: &mut Job<'_, T>,
        since: Option<&str>,
    ) -> Result<Imported> {
        job.report(Phase::Fetching, None, None);
        let since = since.map(str::to_string).or_else(|| self.last_sync.clone());
        let options = job.options().clone();
        // Each record is stored as soon as it is read, and its tree freed.
        let start = || (Gatherer::new(&options, SOURCE), None);
        let add = |(gatherer, newest): &mut (Gatherer, Option<String>), record: Value| {
            let raw = contacts::json::popsell_contact(&record);
            drop(record);
            *newest = newest
                .take()
                .max(raw.updated_at.as_deref().and_then(parse_date));
            gatherer.add([raw]);
        };
        let (gatherer, newest) = client.fetch_each(job, since.as_deref(), start, add).await?;
        let (fetched, problems) = gatherer.finish();
        // The sync state keeps the live contacts as values, by Id (it is written to a file
        // between runs); what this run returns is held compactly, as every import's contacts.
        let mut deleted = ContactStore::new();
        let mut without_id = ContactStore::new();
        for contact in fetched.iter() {
            match contact.source_id.clone() {
                Some(id) if contact.deleted => {
                    self.contacts.remove(&id);
                    deleted.push(&contact);
                }
                Some(id) => {
                    self.contacts.insert(id, contact);
                }
                None => without_id.push(&contact),
            }
        }
        drop(fetched);
        if let Some(newest) = newest {
            if self.last_sync.as_ref().is_none_or(|last| &newest > last) {
                self.last_sync = Some(newest);
            }
        } else if self.last_sync.is_none() {
            self.last_sync = since;
        }
        let mut live = ContactStore::new();
        for contact in self.contacts.values() {
            live.push(contact);
        }
        for contact in without_id.iter() {
            live.push(&contact);
        }
        let imported = Imported {
            contacts: ImportedContacts::new(ContactList::plain(live), ContactList::plain(deleted)),
            problems,
            ..Imported::default()
        };
        let count = imported.contacts.len() as u64;
        job.report(Phase::Done, Some(count), Some(count));
        Ok(imported)
    }
}

/// One contact in Popsell's answer shape; field order is the output's key order.
#[derive(Serialize)]
#[allow(non_snake_case)]
struct PopsellContact {
    Id: String,
    Gender: Value,
    FirstName: Option<String>,
    LastName: Option<String>,
    Email: Option<String>,
    Comment: Option<String>,
    Street1: Option<String>,
    Street2: Option<String>,
    Postcode: Option<String>,
    City: Option<String>,
    Country: Option<String>,
    Phone1: Option<String>,
    Phone2: Option<String>,
    LanguageCode: Value,
    Tags: Vec<String>,
    Type: Value,
    IsSoftDeleted: bool,
    IsAcceptingEmailing: bool,
    // The seed's field table writes `isAcceptingBrandEmailing`, its example
    // `IsAcceptingBrandEmailing`; the example is what a consumer's parser was written against.
    IsAcceptingBrandEmailing: bool,
    LastModificationDate: Option<String>,
    Extra_data: BTreeMap<String, Value>,
}

/// The fields written at the top level of a Popsell contact; other `extra` keys go to
/// `Extra_data`.
const TOP_LEVEL: &[&str] = &[
    "Gender",
    "LanguageCode",
    "Type",
    "IsAcceptingEmailing",
    "IsAcceptingBrandEmailing",
    "isAcceptingBrandEmailing",
];

/// A model time (`2015-12-05T10:12:54Z`) in Popsell's `YYYY-MM-DD HH:MM:SS`.
fn popsell_date(time: &str) -> Option<String> {
    parse_date(time.get(..19).unwrap_or(time))
}

fn popsell_shape(contact: &Contact) -> PopsellContact {
    let extra = |key: &str| contact.extra.get(key).cloned().unwrap_or(Value::Null);
    let flag = |keys: &[&str]| {
        keys.iter()
            .any(|k| contact.extra.get(*k).and_then(Value::as_bool) == Some(true))
    };
    let address = contact.addresses.first();
    let mobile = contact
        .phones
        .iter()
        .find(|p| p.label == contacts::Label::Mobile);
    let home = contact
        .phones
        .iter()
        .find(|p| p.label != contacts::Label::Mobile);
    PopsellContact {
        Id: contact
            .source_id
            .clone()
            .unwrap_or_else(|| contact.id.clone()),
        Gender: extra("Gender"),
        FirstName: contact.name.given.clone().or(contact.name.display.clone()),
        LastName: contact.name.family.clone(),
        Email: contact.primary_email().map(|e| e.address.clone()),
        Comment: contact.notes.clone(),
        Street1: address.and_then(|a| a.street.first().cloned()),
        Street2: address.and_then(|a| {
            let rest: Vec<&str> = a.street.iter().skip(1).map(String::as_str).collect();
            (!rest.is_empty()).then(|| rest.join(", "))
        }),
        Postcode: address.and_then(|a| a.postal_code.clone()),
        City: address.and_then(|a| a.locality.clone()),
        Country: address.and_then(|a| a.country.clone()),
        Phone1: home.map(|p| p.number.clone()),
        Phone2: mobile.map(|p| p.number.clone()),
        LanguageCode: extra("LanguageCode"),
        Tags: contact.groups.clone(),
        Type: extra("Type"),
        IsSoftDeleted: contact.deleted,
        IsAcceptingEmailing: flag(&["IsAcceptingEmailing"]),
        IsAcceptingBrandEmailing: flag(&["IsAcceptingBrandEmailing", "isAcceptingBrandEmailing"]),
        LastModificationDate: contact.updated_at.as_deref().and_then(popsell_date),
        Extra_data: contact
            .extra
            .iter()
            .filter(|(k, _)| !TOP_LEVEL.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    }
}

#[derive(Serialize)]
#[allow(non_snake_case)]
struct PopsellAnswer {
    IsSuccessfull: bool,
    ErrorCode: Option<String>,
    ErrorMessage: Option<String>,
    Contacts: Vec<PopsellContact>,
}

/// Writes `contacts` as a successful Popsell answer (soft-deleted ones with
/// `IsSoftDeleted: true`). Deterministic: fixed key order.
pub fn write_response(contacts: &[Contact]) -> String {
    let answer = PopsellAnswer {
        IsSuccessfull: true,
        ErrorCode: None,
        ErrorMessage: None,
        Contacts: contacts.iter().map(popsell_shape).collect(),
    };
    serde_json::to_string(&answer).unwrap_or_default()
}

/// Writes a failed Popsell answer with an empty contact list.
pub fn write_error(code: &str, message: &str) -> String {
    let answer = PopsellAnswer {
        IsSuccessfull: false,
        ErrorCode: Some(code.into()),
        ErrorMessage: Some(message.into()),
        Contacts: Vec::new(),
    };
    serde_json::to_string(&answer).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::job::JobOptions;
    use crate::transport::memory::{block_on, MemoryTransport};
    use crate::transport::Response;
    use std::cell::RefCell;
    use std::rc::Rc;

    #[test]
    fn token_is_md5_of_key_then_id() {
        assert_eq!(token("key", "42"), format!("{:x}", md5::compute("key42")));
        assert!(check_token("key", "42", &token("key", "42").to_uppercase()));
        assert!(!check_token("key", "42", &token("key", "43")));
        assert!(!check_token("key", "42", ""));
    }

    #[test]
    fn urls_from_templates() {
        let with_date = "https://h/contactimport?id={customer_id}&token={token}&date={date}";
        assert_eq!(
            build_url(with_date, "a b", Some("t"), Some("2015-12-05 10:12:54")).ok(),
            Some("https://h/contactimport?id=a+b&token=t&date=2015-12-05+10%3A12%3A54".into())
        );
        let without = "http://h/api/{customer_id}/contacts?token={token}";
        assert_eq!(
            build_url(without, "7", Some("t"), Some("2015-12-05 10:12:54")).ok(),
            Some("http://h/api/7/contacts?token=t&date=2015-12-05+10%3A12%3A54".into())
        );
        assert_eq!(
            build_url(without, "7", Some("t"), None).ok(),
            Some("http://h/api/7/contacts?token=t".into())
        );
        assert!(build_url("http://h/x", "7", None, None).is_err());
    }

    #[test]
    fn dates_with_quotes() {
        assert_eq!(
            parse_date("\"2015-12-05 10:12:54\"").as_deref(),
            Some("2015-12-05 10:12:54")
        );
        assert_eq!(
            parse_date("\u{201d}2015-12-05 10:12:54").as_deref(),
            Some("2015-12-05 10:12:54")
        );
        assert_eq!(parse_date("2015-12-05"), None);
    }

    fn person(id: &str, name: &str, date: &str, deleted: bool) -> String {
        format!(
            r#"{{"Id":"{id}","FirstName":"{name}","LastName":"Durand","Email":"{id}@example.fr","Tags":["vip"],"Type":1,"IsSoftDeleted":{deleted},"IsAcceptingEmailing":true,"LastModificationDate":"{date}","Extra_data":{{"Hair color":"Brown","Age":36}}}}"#
        )
    }

    #[test]
    fn incremental_sync_applies_soft_deletes() {
        let urls = Rc::new(RefCell::new(Vec::new()));
        let seen = urls.clone();
        let transport = MemoryTransport::new(move |request, _| {
            seen.borrow_mut().push(request.url.clone());
            let body = if request.url.contains("date=") {
                format!(
                    r#"{{"IsSuccessfull":true,"ErrorCode":null,"ErrorMessage":null,"Contacts":[{},{}]}}"#,
                    person("A1", "Aurélie", "2016-01-01 00:00:00", true),
                    person("C3", "Chloé", "2016-01-02 00:00:00", false)
                )
            } else {
                format!(
                    r#"{{"IsSuccessfull":true,"ErrorCode":null,"ErrorMessage":null,"Contacts":[{},{}]}}"#,
                    person("A1", "Aurélie", "2015-12-05 10:12:54", false),
                    person("B2", "Bruno", "2015-12-06 08:00:00", false)
                )
            };
            Ok(Response::new(200, body))
        });
        let client = Client::with_key(
            "http://h/api/{customer_id}/contacts?token={token}",
            "7",
            "k",
        );
        let mut state = PopsellSync::default();
        let mut job = Job::new(&transport, JobOptions::default());
        let first = block_on(state.sync(&client, &mut job, None)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(first.contacts.len(), 2);
        assert_eq!(state.last_sync.as_deref(), Some("2015-12-06 08:00:00"));
        // Through a JSON state file and back.
        let saved = serde_json::to_string(&state).unwrap_or_default();
        let mut state: PopsellSync = serde_json::from_str(&saved).unwrap_or_default();
        let second =
            block_on(state.sync(&client, &mut job, None)).unwrap_or_else(|e| panic!("{e}"));
        assert!(urls.borrow()[1].ends_with("&date=2015-12-06+08%3A00%3A00"));
        let second = second.contacts.into_vec();
        let ids: Vec<(Option<&str>, bool)> = second
            .iter()
            .map(|c| (c.source_id.as_deref(), c.deleted))
            .collect();
        assert_eq!(
            ids,
            [(Some("B2"), false), (Some("C3"), false), (Some("A1"), true)]
        );
        assert_eq!(state.contacts.len(), 2);
        assert_eq!(state.last_sync.as_deref(), Some("2016-01-02 00:00:00"));
        let token = token("k", "7");
        assert!(urls.borrow()[0].contains(&token));
    }

    /// What the answer's tree said: `IsSuccessfull`, `ErrorCode`, `ErrorMessage`, and the
    /// records (`None`: no `Contacts`), or `None` when the text is not JSON.
    type Reading = (
        Option<bool>,
        Option<Value>,
        Option<Value>,
        Option<Vec<Value>>,
    );

    fn read_as_tree(text: &str) -> Option<Reading> {
        let mut value: Value = serde_json::from_str(text).ok()?;
        let records = value.get_mut("Contacts").map(|list| match list.take() {
            Value::Array(records) => records,
            Value::Null => Vec::new(),
            record => vec![record],
        });
        Some((
            value.get("IsSuccessfull").and_then(Value::as_bool),
            value.get("ErrorCode").cloned(),
            value.get("ErrorMessage").cloned(),
            records,
        ))
    }

    fn read_streaming(text: &str) -> Option<Reading> {
        let mut records = Vec::new();
        let head = read_answer(text, &mut |record| records.push(record)).ok()?;
        Some((
            head.succeeded,
            head.code,
            head.message,
            head.has_contacts.then_some(records),
        ))
    }

    #[test]
    fn the_answer_read_a_record_at_a_time_says_what_its_tree_said() {
        let whole = format!(
            r#"{{"IsSuccessfull": true, "ErrorCode": null, "Extra": {{"a": [1, 2]}}, "Contacts": [{}, {}]}}"#,
            person("A1", "Aurélie", "2015-12-05 10:12:54", false),
            person("B2", "Bob", "2016-01-01 00:00:00", true)
        );
        let mut texts: Vec<String> = vec![
            whole.clone(),
            r#"{"IsSuccessfull": true, "Contacts": null}"#.into(),
            r#"{"Contacts": {"Id": "C3", "FirstName": "Chloé"}, "IsSuccessfull": true}"#.into(),
            r#"{"Contacts": "one", "IsSuccessfull": "yes"}"#.into(),
            r#"{"Contacts": [1, "two", null, [3]]}"#.into(),
            r#"{"IsSuccessfull": false, "ErrorCode": 401, "ErrorMessage": "bad token"}"#.into(),
            r#"{"IsSuccessfull": true}"#.into(),
            r#"[{"Contacts": []}]"#.into(),
            r#""Contacts""#.into(),
            "null".into(),
            "17".into(),
            "".into(),
            "<html>503</html>".into(),
            format!("{whole} trailing"),
            format!(" \n{whole}\n "),
        ];
        // Every cut of the whole answer, as a connection dropped mid-body gives.
        texts.extend(
            (0..whole.len())
                .filter_map(|at| whole.get(..at))
                .map(str::to_string),
        );
        for text in &texts {
            assert_eq!(read_streaming(text), read_as_tree(text), "{text}");
        }
    }

    #[test]
    fn unsuccessful_answers_are_errors() {
        let transport = MemoryTransport::new(|_, _| {
            Ok(Response::new(
                200,
                r#"{"IsSuccessfull":false,"ErrorCode":"401","ErrorMessage":"Invalid token","Contacts":[]}"#,
            ))
        });
        let client = Client::with_key("http://h/{customer_id}?t={token}", "7", "wrong");
        let mut job = Job::new(&transport, JobOptions::default());
        let outcome = block_on(client.fetch(&mut job, None));
        assert_eq!(
            outcome.map(|_| ()),
            Err(Error::Unauthorized {
                message: Some("Invalid token".into())
            })
        );
    }

    #[test]
    fn response_round_trips_through_the_reader() {
        let source: Value =
            serde_json::from_str(&person("A1", "Aurélie", "2015-12-05 10:12:54", true))
                .unwrap_or_default();
        let mut contact = contacts::json::popsell_contact(&source);
        contact.updated_at = Some("2015-12-05T10:12:54Z".into());
        let written = write_response(&[contact]);
        let value: Value = serde_json::from_str(&written).unwrap_or_default();
        assert_eq!(value["IsSuccessfull"], true);
        let back = &value["Contacts"][0];
        assert_eq!(back["Id"], "A1");
        assert_eq!(back["IsSoftDeleted"], true);
        assert_eq!(back["LastModificationDate"], "2015-12-05 10:12:54");
        assert_eq!(back["Type"], 1);
        assert_eq!(back["Tags"][0], "vip");
        assert_eq!(back["Extra_data"]["Hair color"], "Brown");
        assert_eq!(back["IsAcceptingEmailing"], true);
        assert!(write_error("401", "Invalid token").contains("\"IsSuccessfull\":false"));
    }
}
