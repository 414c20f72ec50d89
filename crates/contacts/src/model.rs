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
    /// Contacts that may be the same person but were not merged: the same name only (reason
    /// `name`), or a shared phone number with names that are not one person's (reason `phone`).
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
    /// The same E.164 phone number; a merge by phone also needs names that agree (else the
    /// two are only possible duplicates: a family's landline, an office number).
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

/// Allocations kept for reuse from one record to the next: emptied strings, and emptied
/// contacts whose lists keep their capacity. A reader builds each record from them and the
/// importer gives them back once the record is encoded, so that a 100,000-record file does not
/// allocate and free the same few dozen strings and lists 100,000 times (measured: 28.6 mallocs
/// a Google CSV contact before, none after, each with its free ~250 instructions in glibc; see
/// BENCHMARKS.md).
#[derive(Debug, Default)]
pub struct Spare {
    strings: Vec<String>,
    contacts: Vec<Contact>,
}

/// How many emptied strings [`Spare`] keeps. A reader builds every record of a chunk before
/// the importer normalizes any (a 64 KiB chunk of a Google CSV is ~400 rows of ~15 strings), so
/// the pool must hold a chunk's worth for the next chunk to draw from it: with 256, most strings
/// were still allocated anew (28.6 → 27 mallocs a contact; with 8,192, none; callgrind).
const SPARE_STRINGS: usize = 8192;
/// How many emptied contacts [`Spare`] keeps (a chunk's records, as above).
const SPARE_CONTACTS: usize = 1024;
/// The least capacity of a string [`Spare`] allocates: a name, a phone, an e-mail address.
const SPARE_MIN_CAPACITY: usize = 32;
/// Strings and lists longer than this are not kept: one huge note must not stay allocated.
const SPARE_MAX_CAPACITY: usize = 4096;

impl Spare {
    /// A string holding `text`, in a kept allocation when there is one.
    pub fn string(&mut self, text: &str) -> String {
        match self.strings.pop() {
            Some(mut kept) => {
                kept.push_str(text);
                kept
            }
            None => {
                // Room for most values, so that a kept string seldom has to grow for the next.
                let mut fresh = String::with_capacity(text.len().max(SPARE_MIN_CAPACITY));
                fresh.push_str(text);
                fresh
            }
        }
    }

    /// An empty contact, equal to `Contact::default()`, with kept lists when there is one.
    pub fn contact(&mut self) -> Contact {
        self.contacts.pop().unwrap_or_default()
    }

    /// Keeps the allocation of a string that is no longer needed.
    pub fn give(&mut self, mut text: String) {
        if text.capacity() > 0
            && text.capacity() <= SPARE_MAX_CAPACITY
            && self.strings.len() < SPARE_STRINGS
        {
            text.clear();
            self.strings.push(text);
        }
    }

    fn give_opt(&mut self, text: &mut Option<String>) {
        if let Some(text) = text.take() {
            self.give(text);
        }
    }

    /// Keeps what `contact`, no longer needed, has allocated: its strings, and itself with its
    /// lists emptied (their capacity kept).
    pub fn recycle(&mut self, mut contact: Contact) {
        let Contact {
            id,
            source,
            source_id,
            name,
            nickname,
            emails,
            phones,
            addresses,
            organization,
            title,
            department,
            birthday,
            groups,
            notes,
            photo_url,
            deleted,
            updated_at,
            extra,
            sources,
            merges,
            possible_duplicates,
        } = &mut contact;
        self.give(std::mem::take(id));
        self.give(std::mem::take(source));
        for text in [
            source_id,
            nickname,
            organization,
            title,
            department,
            birthday,
        ] {
            self.give_opt(text);
        }
        for text in [notes, photo_url, updated_at] {
            self.give_opt(text);
        }
        let Name {
            display,
            given,
            middle,
            family,
            prefix,
            suffix,
        } = name;
        for text in [display, given, middle, family, prefix, suffix] {
            self.give_opt(text);
        }
        for mut email in emails.drain(..) {
            self.give(std::mem::take(&mut email.address));
            self.give_opt(&mut email.label_raw);
        }
        for mut phone in phones.drain(..) {
            self.give(std::mem::take(&mut phone.number));
            self.give(std::mem::take(&mut phone.raw));
            self.give_opt(&mut phone.label_raw);
        }
        for mut address in addresses.drain(..) {
            for line in address.street.drain(..) {
                self.give(line);
            }
            for text in [
                &mut address.locality,
                &mut address.region,
                &mut address.postal_code,
                &mut address.country,
                &mut address.label_raw,
            ] {
                self.give_opt(text);
            }
        }
        for group in groups.drain(..) {
            self.give(group);
        }
        *deleted = false;
        extra.clear();
        sources.clear();
        merges.clear();
        possible_duplicates.clear();
        let oversized = [
            emails.capacity(),
            phones.capacity(),
            addresses.capacity(),
            groups.capacity(),
            sources.capacity(),
        ]
        .iter()
        .any(|&capacity| capacity > SPARE_MAX_CAPACITY / 64);
        if !oversized && self.contacts.len() < SPARE_CONTACTS {
            self.contacts.push(contact);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn a_recycled_contact_comes_back_empty_and_its_strings_too() {
        let mut spare = Spare::default();
        let full: Contact = serde_json::from_value(serde_json::json!({
            "id": "a1", "source": "f.vcf", "source_id": "u1",
            "name": {"display": "D", "given": "G", "middle": "M", "family": "F",
                     "prefix": "P", "suffix": "S"},
            "nickname": "N",
            "emails": [{"address": "a@example.org", "label_raw": "home"}],
            "phones": [{"number": "+1", "raw": "1", "label_raw": "cell"}],
            "addresses": [{"street": ["1 Main St"], "locality": "L", "region": "R",
                           "postal_code": "1", "country": "C", "label_raw": "work"}],
            "organization": "O", "title": "T", "department": "Dp", "birthday": "2000-01-01",
            "groups": ["g"], "notes": "n", "photo_url": "u", "deleted": true,
            "updated_at": "2024-01-01", "extra": {"k": "v"},
            "sources": [{"source": "f.vcf", "line": 1}],
            "merges": [{"source": 0, "reason": "email", "value": "v"}],
            "possible_duplicates": [{"id": "b", "reason": "name", "value": "v"}]
        }))
        .unwrap();
        spare.recycle(full);
        // Every string of it (29), emptied.
        assert_eq!(spare.strings.len(), 29);
        assert!(spare.strings.iter().all(String::is_empty));
        let contact = spare.contact();
        assert_eq!(contact, Contact::default());
        assert!(contact.emails.capacity() > 0 && contact.addresses.capacity() > 0);
        assert_eq!(spare.contact(), Contact::default());
        assert_eq!(spare.string("abc"), "abc");
        // Bounded: huge strings are not kept.
        spare.give("x".repeat(SPARE_MAX_CAPACITY + 1));
        assert_eq!(spare.strings.len(), 28);
    }
}
