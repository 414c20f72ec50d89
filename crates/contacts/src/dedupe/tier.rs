//! Luminate's three tiers, for checking contacts against an existing address book (a CRM)
//! before they are pushed to it.
//!
//! Blackbaud Luminate Online's `importAddressBookContacts` answers with new contacts, *potential
//! duplicates* (same e-mail OR same first and last name) and *full duplicates* (same e-mail AND
//! same first AND last name). [`Book::classify`] follows that rule exactly:
//!
//! * [`Tier::Duplicate`]: an existing contact has one of the incoming e-mail addresses *and* the
//!   same first and last name;
//! * [`Tier::PossibleDuplicate`]: an existing contact has one of the incoming e-mail addresses, or
//!   the same first and last name;
//! * [`Tier::New`] otherwise.
//!
//! E-mails compare lower-cased; names compare folded (case, accents, punctuation; see
//! `keys.rs`), the first and the last name each as a whole. A name matches only when the first
//! or the last name is non-empty (two nameless contacts are not "the same name"); for a full
//! duplicate an empty part must be empty on both sides. When the parts are unknown the first and
//! last token of the display name stand in. Phones play no part (Luminate does not use them).
//! Soft-deleted contacts of the book are not in it.

use std::collections::HashMap;

use serde::Serialize;

use super::keys::{email_key, first_last};
use crate::model::{Contact, MatchKind};

/// Luminate's three tiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    /// Nothing in the book matches.
    New,
    /// The same e-mail, or the same first and last name.
    PossibleDuplicate,
    /// The same e-mail and the same first and last name.
    Duplicate,
}

/// The tier of one incoming contact, and what it matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Classification {
    /// The tier.
    pub tier: Tier,
    /// The id of the existing contact it matched (the first one in book order), if any.
    pub of: Option<String>,
    /// What matched: `Email` for a duplicate (the name matched too) or an e-mail match, `Name`
    /// for a name-only match.
    pub reason: Option<MatchKind>,
    /// The incoming e-mail address that matched, or the folded "first last" name.
    pub value: Option<String>,
}

impl Classification {
    fn new() -> Classification {
        Classification {
            tier: Tier::New,
            of: None,
            reason: None,
            value: None,
        }
    }
}

/// An address book indexed for classification: building it is O(n), each
/// [`Book::classify`] is O(number of the incoming contact's e-mails).
#[derive(Debug, Clone, Default)]
pub struct Book {
    ids: Vec<String>,
    /// Lower-cased e-mail → first contact with it.
    by_email: HashMap<String, usize>,
    /// Lower-cased e-mail, folded first and last name → first contact with all three.
    by_email_and_name: HashMap<(String, String, String), usize>,
    /// Folded first and last name → first contact with it.
    by_name: HashMap<(String, String), usize>,
}

impl Book {
    /// Indexes `existing` (soft-deleted contacts are left out).
    pub fn new(existing: &[Contact]) -> Book {
        let mut book = Book::default();
        for contact in existing.iter().filter(|c| !c.deleted) {
            let index = book.ids.len();
            book.ids.push(contact.id.clone());
            let name = first_last(&contact.name);
            for email in &contact.emails {
                let Some(key) = email_key(&email.address) else {
                    continue;
                };
                if let Some((first, last)) = &name {
                    book.by_email_and_name
                        .entry((key.clone(), first.clone(), last.clone()))
                        .or_insert(index);
                }
                book.by_email.entry(key).or_insert(index);
            }
            if let Some(name) = name {
                book.by_name.entry(name).or_insert(index);
            }
        }
        book
    }

    /// The number of contacts indexed.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// True when the book holds no contacts.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The tier of `incoming` against this book (see the module documentation). A full duplicate
    /// wins over a possible one; among e-mail matches the incoming contact's first matching
    /// address wins.
    pub fn classify(&self, incoming: &Contact) -> Classification {
        let name = first_last(&incoming.name);
        let id = |index: usize| self.ids.get(index).cloned();
        let mut possible: Option<Classification> = None;
        for email in &incoming.emails {
            let Some(key) = email_key(&email.address) else {
                continue;
            };
            if let Some((first, last)) = &name {
                let full = (key.clone(), first.clone(), last.clone());
                if let Some(&index) = self.by_email_and_name.get(&full) {
                    return Classification {
                        tier: Tier::Duplicate,
                        of: id(index),
                        reason: Some(MatchKind::Email),
                        value: Some(email.address.clone()),
                    };
                }
            }
            if possible.is_none() {
                possible = self.possible_by_email(&key, &email.address);
            }
        }
        if let Some(possible) = possible {
            return possible;
        }
        if let Some(name) = name {
            if let Some(&index) = self.by_name.get(&name) {
                let (first, last) = name;
                return Classification {
                    tier: Tier::PossibleDuplicate,
                    of: id(index),
                    reason: Some(MatchKind::Name),
                    value: Some(format!("{first} {last}").trim().to_string()),
                };
            }
        }
        Classification::new()
    }

    fn possible_by_email(&self, key: &str, address: &str) -> Option<Classification> {
        let index = *self.by_email.get(key)?;
        Some(Classification {
            tier: Tier::PossibleDuplicate,
            of: self.ids.get(index).cloned(),
            reason: Some(MatchKind::Email),
            value: Some(address.to_string()),
        })
    }
}

/// The tier of `incoming` against `existing`. Indexes the book on every call: to check many
/// contacts, build a [`Book`] once.
pub fn classify(existing: &[Contact], incoming: &Contact) -> Classification {
    Book::new(existing).classify(incoming)
}
