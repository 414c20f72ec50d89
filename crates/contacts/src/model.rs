//! The contact model. Its JSON form (serde, below) is the public contract,
//! described by `schema/contact.schema.json` and checked against it in tests.
//!
//! Every key is always present in the JSON (null, `[]` or `{}` when empty), so a consumer never
//! has to tell "absent" from "empty".

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One person (or organization) in an address book.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Contact {
    /// Stable identifier: a hash of `source` and `source_id` (or the record's line), so the same
    /// input gives the same id on every run and every target.
    pub id: String,
    /// Where the record came from: a file name, `-` for stdin, or a provider name.
    pub source: String,
    /// The identifier the source gave the record (vCard UID, provider id), if any.
    pub source_id: Option<String>,
    /// The name in parts, plus the name to display.
    pub name: Name,
    /// A nickname.
    pub nickname: Option<String>,
    /// E-mail addresses, the primary one first.
    pub emails: Vec<Email>,
    /// Telephone numbers.
    pub phones: Vec<Phone>,
    /// Postal addresses.
    pub addresses: Vec<Address>,
    /// Company or organization name.
    pub organization: Option<String>,
    /// Job title.
    pub title: Option<String>,
    /// Department within the organization.
    pub department: Option<String>,
    /// Birthday as `YYYY-MM-DD`, or `--MM-DD` when the year is unknown.
    pub birthday: Option<String>,
    /// Groups, categories, labels or tags, in source order, without duplicates.
    pub groups: Vec<String>,
    /// Free-text notes.
    pub notes: Option<String>,
    /// A photo URL (inline photos are not kept: they are skipped while reading).
    pub photo_url: Option<String>,
    /// True when the source says the record was deleted (a soft delete).
    pub deleted: bool,
    /// Last modification time as given by the source, normalized to RFC 3339 when it parses
    /// (`YYYY-MM-DDTHH:MM:SSZ`, or without `Z` when the source gave no zone).
    pub updated_at: Option<String>,
    /// Everything else worth keeping as key/value pairs (Popsell `Extra_data`, custom fields,
    /// Gender, language, consent flags). Keys are sorted.
    pub extra: BTreeMap<String, serde_json::Value>,
    /// Every input record that went into this contact (more than one after a merge).
    pub sources: Vec<Provenance>,
    /// Why each record after the first was merged into this contact.
    pub merges: Vec<MergeNote>,
    /// Contacts that may be the same person but were not merged (only the name matches).
    pub possible_duplicates: Vec<DuplicateNote>,
}

/// A name in parts. `display` is always filled when any part is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Name {
    /// The full name to show ("Dr. Aurélie Durand").
    pub display: Option<String>,
    /// Given (first) name.
    pub given: Option<String>,
    /// Middle name(s).
    pub middle: Option<String>,
    /// Family (last) name.
    pub family: Option<String>,
    /// Honorific prefix ("Dr.", "Mr.").
    pub prefix: Option<String>,
    /// Honorific suffix ("Jr.", "III").
    pub suffix: Option<String>,
}

/// The four kinds of label every consumer can rely on; the source's own text is kept beside it.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Label {
    /// Home, personal, private.
    Home,
    /// Work, business, office.
    Work,
    /// Mobile, cell.
    Mobile,
    /// Anything else, or no label.
    #[default]
    Other,
}

/// An e-mail address.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Email {
    /// The address: local part as given, domain lower-cased, NFC.
    pub address: String,
    /// The mapped label.
    pub label: Label,
    /// The label as the source wrote it ("Email 1", "INTERNET;WORK", "_$!<Other>!$_").
    pub label_raw: Option<String>,
    /// True for the preferred address; at most one per contact.
    pub primary: bool,
    /// Indexes into the contact's `sources`: which records carried this address.
    pub sources: Vec<usize>,
}

/// A telephone number.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Phone {
    /// E.164 (`+41446681800`) when the number parses, else the cleaned raw digits.
    pub number: String,
    /// True when `number` is E.164.
    pub e164: bool,
    /// The number exactly as the source gave it.
    pub raw: String,
    /// The mapped label.
    pub label: Label,
    /// The label as the source wrote it.
    pub label_raw: Option<String>,
    /// Indexes into the contact's `sources`: which records carried this number.
    pub sources: Vec<usize>,
}

/// A postal address.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Address {
    /// Street lines, in order (extended address and PO box included as lines).
    pub street: Vec<String>,
    /// City or town.
    pub locality: Option<String>,
    /// State, province or region.
    pub region: Option<String>,
    /// Postal or ZIP code.
    pub postal_code: Option<String>,
    /// Country, as given.
    pub country: Option<String>,
    /// The mapped label.
    pub label: Label,
    /// The label as the source wrote it.
    pub label_raw: Option<String>,
    /// Indexes into the contact's `sources`: which records carried this address.
    pub sources: Vec<usize>,
}

/// One input record that went into a contact.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Provenance {
    /// File name or provider, as in [`Contact::source`].
    pub source: String,
    /// The record's own identifier at the source, if any.
    pub source_id: Option<String>,
    /// The 1-based line where the record starts, for files.
    pub line: Option<u32>,
}

/// What made two records one contact.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MatchKind {
    /// The same normalized e-mail address.
    #[default]
    Email,
    /// The same E.164 phone number.
    Phone,
    /// The same normalized name (alone this is only a possible duplicate).
    Name,
}

/// Why a record was merged into a contact.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MergeNote {
    /// Index into the contact's `sources` of the record that was merged in.
    pub source: usize,
    /// What matched.
    pub reason: MatchKind,
    /// The value that matched (the address, the number, the name key).
    pub value: String,
}

/// A contact that is possibly the same person (Luminate's "possible duplicate" tier).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DuplicateNote {
    /// The other contact's id.
    pub id: String,
    /// What matched.
    pub reason: MatchKind,
    /// The value that matched.
    pub value: String,
}

impl Contact {
    /// True when the record carries nothing a picker could show or use: no name, no
    /// organization, no nickname, no e-mail, no phone. (An address alone does not make a
    /// contact one can invite: Outlook exports rows that hold only a business address.)
    pub fn is_empty(&self) -> bool {
        self.name.display.is_none()
            && self.name.given.is_none()
            && self.name.family.is_none()
            && self.organization.is_none()
            && self.emails.is_empty()
            && self.phones.is_empty()
            && self.nickname.is_none()
    }

    /// The primary e-mail address, or the first one.
    pub fn primary_email(&self) -> Option<&Email> {
        self.emails
            .iter()
            .find(|e| e.primary)
            .or_else(|| self.emails.first())
    }
}
