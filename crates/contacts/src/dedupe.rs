//! De-duplication and merge: records of the same person, from one file or several, become one
//! contact that keeps every distinct e-mail, phone and address and which record each came from.
//! Every merge says why ([`MergeNote`]); contacts that only share a name are flagged, not merged
//! ([`DuplicateNote`]). For checking contacts against an existing book, see [`Book`] (Luminate's
//! three tiers).
//!
//! # Rules
//!
//! **Same person.** Two records are merged when they share
//! * an e-mail address, compared wholly lower-cased; or
//! * an E.164 phone number (`e164 == true`, at least 7 digits: "+123" links nothing), *unless*
//!   the two sides both have a name and the names have no token in common (a shared family
//!   landline or office switchboard: "Mary Jones" and "John Smith" on the same number stay two
//!   contacts, each flagged as a possible duplicate of the other with reason `phone`). The
//!   "names" compared are the first name known in each side's merged group so far (given,
//!   middle and family tokens, folded as in `keys.rs`). A record without a name never blocks.
//!
//! Links are transitive (union-find): A~B by e-mail and B~C by phone make one contact. Records
//! are visited in input order, e-mails before phones, so the result does not depend on hash
//! order. A phone number remembers at most 16 "anchor" records with mutually unrelated names;
//! a number shared by more unrelated people than that is a switchboard and links nothing new.
//!
//! **The merged contact.** The first record of the group (input order) is the base: its `id`,
//! `source` and `source_id` are kept. `sources` is every record's provenance, in input order.
//! E-mails (by lower-cased address), phones (by `number`) and addresses (by a folded key) are
//! kept once each, in first-seen order, with the first spelling, and `sources` listing every
//! record that carried them; a later record's specific label replaces an `other` one. Exactly one
//! e-mail is primary — the first record's primary (else the first address) — and it comes first.
//! The name is the most complete one (most parts filled; ties: the earliest). Organization,
//! title, department, birthday, notes, photo URL and nickname: the first non-empty. `updated_at`:
//! the latest (RFC 3339 strings compare in time order). `extra`: union, the first value of a key
//! wins. Groups: union in first-seen order. `deleted` only when every record is deleted.
//! `merges` has one note per record after the first: the *first* link (in visiting order) that
//! touched that record, naming the e-mail as the merged contact spells it or the number. That
//! link may join it to another merged record rather than to the base: follow the notes to explain
//! the chain.
//!
//! **Possible duplicates** (Luminate's middle tier). After merging, contacts with the same name
//! key (given and family name tokens folded, in any order, middle names and honorifics ignored;
//! two tokens needed, or one plus the same organization) that share no e-mail or phone get a
//! [`DuplicateNote`] with reason `name` on both sides. Soft-deleted contacts are not flagged, and
//! a name carried by more than 16 contacts is too common to mean anything and flags none.
//!
//! **Idempotent.** Input may itself be merged contacts (several sources): indexes are shifted,
//! earlier merge notes kept, possible duplicates recomputed; `merge(merge(x)) == merge(x)`.
//! A contact with no `sources` at all (built by hand) counts as one record whose provenance is
//! its `source` and `source_id`.
//!
//! **Order.** Output is in order of each group's first record. Shuffling the input changes which
//! record is the base (and so the id, the spelling kept, the name on ties and the order of
//! `sources`), never which records end up together — except where the phone rule above compares
//! "the first name known" of a group, which can depend on order.
//!
//! **Speed.** Linear apart from hashing: 100,000 contacts with 10% duplicates merge in about
//! 0.1 s natively in release (see the ignored test `hundred_thousand_contacts`).

mod keys;
mod tier;

use std::collections::{HashMap, HashSet};

pub use tier::{classify, Book, Classification, Tier};

use crate::model::{Address, Contact, DuplicateNote, Email, Label, MatchKind, MergeNote, Phone, Provenance};
use keys::{address_key, email_key, name_completeness, name_key, name_tokens, phone_identity, phone_key, share_token};

/// How many records with mutually unrelated names one phone number can link to.
const MAX_PHONE_ANCHORS: usize = 16;

/// A name key shared by more contacts than this flags no possible duplicates.
const MAX_NAME_GROUP: usize = 16;

/// What joined a record to its group.
#[derive(Debug, Clone)]
struct Link {
    kind: MatchKind,
    /// The lower-cased e-mail address or the E.164 number.
    key: String,
}

/// Union-find over record indexes. The root of a group is always its smallest index, so the
/// base of a merged contact is its first record in input order.
struct Groups {
    parent: Vec<usize>,
    /// Per root: the name tokens of the first named record of the group.
    name: Vec<Option<Vec<String>>>,
}

impl Groups {
    fn find(&mut self, mut i: usize) -> usize {
        // Path halving: iterative, so a long chain cannot overflow the stack.
        while let Some(&parent) = self.parent.get(i) {
            if parent == i {
                break;
            }
            let grandparent = self.parent.get(parent).copied().unwrap_or(parent);
            if let Some(slot) = self.parent.get_mut(i) {
                *slot = grandparent;
            }
            i = grandparent;
        }
        i
    }

    /// Joins the groups of `a` and `b`; false when they were already one.
    fn union(&mut self, a: usize, b: usize) -> bool {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return false;
        }
        let (root, child) = if ra < rb { (ra, rb) } else { (rb, ra) };
        if let Some(slot) = self.parent.get_mut(child) {
            *slot = root;
        }
        let child_name = self.name.get_mut(child).and_then(Option::take);
        if let Some(root_name @ None) = self.name.get_mut(root) {
            *root_name = child_name;
        }
        true
    }

    /// False when the groups of `a` and `b` both have names with no token in common.
    fn names_compatible(&mut self, a: usize, b: usize) -> bool {
        let (ra, rb) = (self.find(a), self.find(b));
        match (self.name.get(ra), self.name.get(rb)) {
            (Some(Some(x)), Some(Some(y))) => share_token(x, y),
            _ => true,
        }
    }
}

/// Merges records of the same person; see the module documentation for the rules.
pub fn merge(contacts: Vec<Contact>) -> Vec<Contact> {
    let count = contacts.len();
    let mut groups =
        Groups { parent: (0..count).collect(), name: contacts.iter().map(|c| name_tokens(&c.name)).collect() };
    let mut first_link: Vec<Option<Link>> = vec![None; count];
    // Phone links refused because the names differ: (record, other record, number).
    let mut refused: Vec<(usize, usize, String)> = Vec::new();
    let mut by_email: HashMap<String, usize> = HashMap::new();
    let mut by_phone: HashMap<&str, Vec<usize>> = HashMap::new();

    let note_link = |first_link: &mut Vec<Option<Link>>, a: usize, b: usize, kind: MatchKind, key: &str| {
        for record in [a, b] {
            if let Some(slot @ None) = first_link.get_mut(record) {
                *slot = Some(Link { kind, key: key.to_string() });
            }
        }
    };

    for (record, contact) in contacts.iter().enumerate() {
        for email in &contact.emails {
            let Some(key) = email_key(&email.address) else { continue };
            match by_email.get(&key) {
                None => {
                    by_email.insert(key, record);
                }
                Some(&other) => {
                    if groups.union(record, other) {
                        note_link(&mut first_link, record, other, MatchKind::Email, &key);
                    }
                }
            }
        }
        for phone in &contact.phones {
            let Some(key) = phone_key(phone) else { continue };
            let anchors = by_phone.entry(key).or_default();
            let mut linked = false;
            let mut refused_here = Vec::new();
            for &other in anchors.iter() {
                if groups.find(other) == groups.find(record) {
                    linked = true;
                    break;
                }
                if groups.names_compatible(record, other) {
                    groups.union(record, other);
                    note_link(&mut first_link, record, other, MatchKind::Phone, key);
                    linked = true;
                    break;
                }
                refused_here.push(other);
            }
            if !linked {
                refused.extend(refused_here.into_iter().map(|other| (record, other, key.to_string())));
                if anchors.len() < MAX_PHONE_ANCHORS {
                    anchors.push(record);
                }
            }
        }
    }
    drop(by_phone);

    // Gather the groups in order of their first record.
    let mut position_of_root: Vec<Option<usize>> = vec![None; count];
    let mut members: Vec<Vec<usize>> = Vec::new();
    let mut position_of_record = Vec::with_capacity(count);
    for record in 0..count {
        let root = groups.find(record);
        let position = match position_of_root.get(root).copied().flatten() {
            Some(position) => position,
            None => {
                if let Some(slot) = position_of_root.get_mut(root) {
                    *slot = Some(members.len());
                }
                members.push(Vec::new());
                members.len() - 1
            }
        };
        if let Some(group) = members.get_mut(position) {
            group.push(record);
        }
        position_of_record.push(position);
    }

    let mut slots: Vec<Option<Contact>> = contacts.into_iter().map(Some).collect();
    let mut merged: Vec<Contact> = members
        .iter()
        .map(|group| {
            let records = group
                .iter()
                .filter_map(|&record| {
                    let contact = slots.get_mut(record).and_then(Option::take)?;
                    Some((contact, first_link.get_mut(record).and_then(Option::take)))
                })
                .collect();
            merge_group(records)
        })
        .collect();

    let refused_pairs = refused.into_iter().filter_map(|(a, b, number)| {
        let (pa, pb) = (*position_of_record.get(a)?, *position_of_record.get(b)?);
        (pa != pb).then_some((pa, pb, MatchKind::Phone, number))
    });
    flag_possible_duplicates(&mut merged, refused_pairs.collect());
    merged
}

/// Running state while records are folded into one contact.
#[derive(Default)]
struct Accumulator {
    emails: HashMap<String, usize>,
    phones: HashMap<String, usize>,
    addresses: HashMap<String, usize>,
    groups: HashSet<String>,
    name_completeness: Option<usize>,
    all_deleted: bool,
    primary: Option<String>,
}

/// Merges one group of records (input order; each with the link that joined it).
fn merge_group(records: Vec<(Contact, Option<Link>)>) -> Contact {
    let mut out = Contact::default();
    let mut acc = Accumulator { all_deleted: true, ..Accumulator::default() };
    let mut notes: Vec<(usize, Link)> = Vec::new();
    for (index, (mut contact, link)) in records.into_iter().enumerate() {
        if index == 0 {
            out.id = std::mem::take(&mut contact.id);
            out.source = std::mem::take(&mut contact.source);
            out.source_id = contact.source_id.take();
        }
        let offset = out.sources.len();
        if index > 0 {
            if let Some(link) = link {
                notes.push((out.merges.len(), link));
                // A placeholder, filled in below once every spelling is known.
                out.merges.push(MergeNote { source: offset, ..MergeNote::default() });
            }
        }
        absorb(&mut out, &mut acc, contact, offset);
    }
    for (at, link) in notes {
        let value = match link.kind {
            MatchKind::Email => acc.emails.get(&link.key).and_then(|&i| out.emails.get(i)).map(|e| e.address.clone()),
            _ => None,
        };
        if let Some(note) = out.merges.get_mut(at) {
            note.reason = link.kind;
            note.value = value.unwrap_or(link.key);
        }
    }
    for email in &mut out.emails {
        email.sources.sort_unstable();
        email.sources.dedup();
    }
    for phone in &mut out.phones {
        phone.sources.sort_unstable();
        phone.sources.dedup();
    }
    for address in &mut out.addresses {
        address.sources.sort_unstable();
        address.sources.dedup();
    }
    let primary = acc.primary.as_ref().and_then(|key| acc.emails.get(key).copied()).unwrap_or(0);
    if primary < out.emails.len() {
        let email = out.emails.remove(primary);
        out.emails.insert(0, email);
    }
    if let Some(first) = out.emails.first_mut() {
        first.primary = true;
    }
    out.deleted = acc.all_deleted;
    out
}

/// Folds one record (or already merged contact) into `out`; its source indexes start at `offset`.
fn absorb(out: &mut Contact, acc: &mut Accumulator, mut contact: Contact, offset: usize) {
    if contact.sources.is_empty() {
        contact.sources.push(Provenance {
            source: contact.source.clone(),
            source_id: contact.source_id.clone(),
            line: None,
        });
    }
    let remap = |sources: Vec<usize>| -> Vec<usize> {
        if sources.is_empty() {
            vec![offset]
        } else {
            sources.into_iter().map(|s| s.saturating_add(offset)).collect()
        }
    };

    let completeness = name_completeness(&contact.name);
    if acc.name_completeness.is_none_or(|best| completeness > best) {
        acc.name_completeness = Some(completeness);
        out.name = std::mem::take(&mut contact.name);
    }
    first_non_empty(&mut out.nickname, contact.nickname);
    first_non_empty(&mut out.organization, contact.organization);
    first_non_empty(&mut out.title, contact.title);
    first_non_empty(&mut out.department, contact.department);
    first_non_empty(&mut out.birthday, contact.birthday);
    first_non_empty(&mut out.notes, contact.notes);
    first_non_empty(&mut out.photo_url, contact.photo_url);
    if let Some(updated) = contact.updated_at.filter(|u| !u.trim().is_empty()) {
        if out.updated_at.as_ref().is_none_or(|current| updated > *current) {
            out.updated_at = Some(updated);
        }
    }
    acc.all_deleted &= contact.deleted;
    for (key, value) in contact.extra {
        out.extra.entry(key).or_insert(value);
    }
    for group in contact.groups {
        if acc.groups.insert(group.clone()) {
            out.groups.push(group);
        }
    }

    for email in contact.emails {
        let key = email_key(&email.address).unwrap_or_default();
        if email.primary && acc.primary.is_none() {
            acc.primary = Some(key.clone());
        }
        let sources = remap(email.sources);
        match acc.emails.get(&key).and_then(|&i| out.emails.get_mut(i)) {
            Some(kept) => {
                kept.sources.extend(sources);
                upgrade_label(&mut kept.label, &mut kept.label_raw, email.label, email.label_raw);
            }
            None => {
                acc.emails.insert(key, out.emails.len());
                out.emails.push(Email { sources, primary: false, ..email });
            }
        }
    }
    for mut phone in contact.phones {
        let key = phone_identity(&phone).to_string();
        let sources = remap(std::mem::take(&mut phone.sources));
        match acc.phones.get(&key).and_then(|&i| out.phones.get_mut(i)) {
            Some(kept) => {
                kept.sources.extend(sources);
                upgrade_label(&mut kept.label, &mut kept.label_raw, phone.label, phone.label_raw);
            }
            None => {
                acc.phones.insert(key, out.phones.len());
                out.phones.push(Phone { sources, ..phone });
            }
        }
    }
    for mut address in contact.addresses {
        let key = address_key(&address);
        let sources = remap(std::mem::take(&mut address.sources));
        match acc.addresses.get(&key).and_then(|&i| out.addresses.get_mut(i)) {
            Some(kept) => {
                kept.sources.extend(sources);
                upgrade_label(&mut kept.label, &mut kept.label_raw, address.label, address.label_raw);
            }
            None => {
                acc.addresses.insert(key, out.addresses.len());
                out.addresses.push(Address { sources, ..address });
            }
        }
    }

    out.sources.extend(contact.sources);
    out.merges.extend(contact.merges.into_iter().map(|note| MergeNote { source: note.source.saturating_add(offset), ..note }));
}

/// Sets `slot` to `value` when `slot` is empty and `value` is not.
fn first_non_empty(slot: &mut Option<String>, value: Option<String>) {
    let slot_empty = slot.as_deref().is_none_or(|s| s.trim().is_empty());
    if slot_empty {
        if let Some(value) = value.filter(|v| !v.trim().is_empty()) {
            *slot = Some(value);
        }
    }
}

/// A specific label from a later record replaces `other`.
fn upgrade_label(label: &mut Label, raw: &mut Option<String>, new: Label, new_raw: Option<String>) {
    if *label == Label::Other && new != Label::Other {
        *label = new;
        *raw = new_raw;
    }
}

/// Adds possible-duplicate notes: `pairs` (positions in `contacts` refused a phone link) and
/// contacts with the same name key that share no e-mail or phone. Notes already on the input are
/// replaced. Each contact's notes are ordered by the other contact's position, then reason.
fn flag_possible_duplicates(contacts: &mut [Contact], pairs: Vec<(usize, usize, MatchKind, String)>) {
    let mut found: Vec<Vec<(usize, MatchKind, String)>> = vec![Vec::new(); contacts.len()];
    let live = |contacts: &[Contact], i: usize| contacts.get(i).is_some_and(|c| !c.deleted);
    for (a, b, kind, value) in pairs {
        if live(contacts, a) && live(contacts, b) {
            if let Some(list) = found.get_mut(a) {
                list.push((b, kind, value.clone()));
            }
            if let Some(list) = found.get_mut(b) {
                list.push((a, kind, value));
            }
        }
    }

    let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
    let mut keys: Vec<Option<String>> = Vec::with_capacity(contacts.len());
    for (position, contact) in contacts.iter().enumerate() {
        let key = (!contact.deleted).then(|| name_key(&contact.name, contact.organization.as_deref())).flatten();
        if let Some(key) = &key {
            by_name.entry(key.clone()).or_default().push(position);
        }
        keys.push(key);
    }
    for (position, key) in keys.iter().enumerate() {
        let Some(key) = key else { continue };
        let Some(group) = by_name.get(key) else { continue };
        if group.len() < 2 || group.len() > MAX_NAME_GROUP {
            continue;
        }
        for &other in group {
            if other == position || share_email_or_phone(contacts.get(position), contacts.get(other)) {
                continue;
            }
            if let Some(list) = found.get_mut(position) {
                list.push((other, MatchKind::Name, key.clone()));
            }
        }
    }

    let ids: Vec<String> = contacts.iter().map(|c| c.id.clone()).collect();
    for (contact, mut list) in contacts.iter_mut().zip(found) {
        list.sort_by_key(|(other, kind, _)| (*other, kind_order(*kind)));
        list.dedup_by_key(|(other, kind, _)| (*other, kind_order(*kind)));
        contact.possible_duplicates = list
            .into_iter()
            .filter_map(|(other, reason, value)| Some(DuplicateNote { id: ids.get(other)?.clone(), reason, value }))
            .collect();
    }
}

fn kind_order(kind: MatchKind) -> u8 {
    match kind {
        MatchKind::Email => 0,
        MatchKind::Phone => 1,
        MatchKind::Name => 2,
    }
}

fn share_email_or_phone(a: Option<&Contact>, b: Option<&Contact>) -> bool {
    let (Some(a), Some(b)) = (a, b) else { return false };
    let emails: HashSet<String> = a.emails.iter().filter_map(|e| email_key(&e.address)).collect();
    let phones: HashSet<&str> = a.phones.iter().filter_map(phone_key).collect();
    b.emails.iter().filter_map(|e| email_key(&e.address)).any(|k| emails.contains(&k))
        || b.phones.iter().filter_map(phone_key).any(|k| phones.contains(k))
}
