//! Absorbing a group: the records of one person folded into one contact. See "The merged
//! contact" in `dedupe.rs`.

use std::collections::HashMap;

use super::keys::{address_key, email_key, name_completeness, phone_identity};
use super::link::Link;
use crate::model::{Address, Contact, Email, Label, MatchKind, MergeNote, Phone, Provenance};

/// Finds the kept item equal to a new one: a scan of the kept items while they are few (no key
/// built, nothing hashed: the common one- or two-record contact), a map from key to position
/// once they are many. `same(a, b)` must agree with `key(a) == key(b)`.
#[derive(Default)]
struct Lookup {
    map: Option<HashMap<String, usize>>,
}

impl Lookup {
    /// Up to this many kept items are scanned.
    const SCAN: usize = 16;

    fn find<T>(
        &mut self,
        kept: &[T],
        item: &T,
        same: impl Fn(&T, &T) -> bool,
        key: impl Fn(&T) -> String,
    ) -> Option<usize> {
        if self.map.is_none() {
            if kept.len() <= Self::SCAN {
                return kept.iter().position(|k| same(k, item));
            }
            let mut map = HashMap::with_capacity(kept.len() * 2);
            for (at, k) in kept.iter().enumerate() {
                map.entry(key(k)).or_insert(at);
            }
            self.map = Some(map);
        }
        self.map.as_ref()?.get(&key(item)).copied()
    }

    /// `kept` has a new last item.
    fn added<T>(&mut self, kept: &[T], key: impl Fn(&T) -> String) {
        if let (Some(map), Some(last)) = (&mut self.map, kept.last()) {
            map.entry(key(last)).or_insert(kept.len() - 1);
        }
    }
}

pub(super) fn same_email(a: &Email, b: &Email) -> bool {
    same_address(&a.address, &b.address)
}

/// Lower-cased equality, as [`email_key`] compares, without building the keys.
fn same_address(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim(), b.trim());
    a.chars()
        .flat_map(char::to_lowercase)
        .eq(b.chars().flat_map(char::to_lowercase))
}

fn email_lookup_key(email: &Email) -> String {
    email_key(&email.address).unwrap_or_default()
}

/// Running state while records are folded into one contact.
#[derive(Default)]
struct Accumulator {
    emails: Lookup,
    phones: Lookup,
    addresses: Lookup,
    groups: Lookup,
    name_completeness: Option<usize>,
    all_deleted: bool,
    /// Position in the merged e-mails of the first record's primary address.
    primary: Option<usize>,
}

/// Merges one group of records (input order; each with the link that joined it).
pub(super) fn merge_group(records: impl Iterator<Item = (Contact, Option<Link>)>) -> Contact {
    let mut out = Contact::default();
    let mut acc = Accumulator {
        all_deleted: true,
        ..Accumulator::default()
    };
    let mut notes: Vec<(usize, Link)> = Vec::new();
    for (index, (mut contact, link)) in records.enumerate() {
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
                out.merges.push(MergeNote {
                    source: offset,
                    ..MergeNote::default()
                });
            }
        }
        absorb(&mut out, &mut acc, contact, offset);
    }
    for (at, link) in notes {
        let value = match link.kind {
            MatchKind::Email => out
                .emails
                .iter()
                .find(|e| same_address(&e.address, &link.key))
                .map(|e| e.address.clone()),
            _ => None,
        };
        if let Some(note) = out.merges.get_mut(at) {
            note.reason = link.kind;
            note.value = value.unwrap_or(link.key);
        }
    }
    for email in &mut out.emails {
        sort_sources(&mut email.sources);
    }
    for phone in &mut out.phones {
        sort_sources(&mut phone.sources);
    }
    for address in &mut out.addresses {
        sort_sources(&mut address.sources);
    }
    let primary = acc.primary.unwrap_or(0);
    if primary > 0 && primary < out.emails.len() {
        let email = out.emails.remove(primary);
        out.emails.insert(0, email);
    }
    if let Some(first) = out.emails.first_mut() {
        first.primary = true;
    }
    out.deleted = acc.all_deleted;
    out
}

/// True when merging `contact` alone ([`merge_group`] of one record) would change nothing but
/// its possible duplicates: it has its provenance, every optional text is absent or not blank,
/// its e-mails, phones, addresses and groups have no repeats, the first e-mail and only it is
/// primary, and every item's source indexes are present, sorted and distinct. Tested against
/// [`merge_group`] on every contact of the corpus.
pub(super) fn merged_alone(contact: &Contact) -> bool {
    let present = |field: &Option<String>| field.as_deref().is_none_or(|v| !v.trim().is_empty());
    let sources_ok =
        |sources: &[usize]| !sources.is_empty() && sources.windows(2).all(|pair| pair[0] < pair[1]);
    let emails = &contact.emails;
    let phones = &contact.phones;
    !contact.sources.is_empty()
        && [
            &contact.nickname,
            &contact.organization,
            &contact.title,
            &contact.department,
            &contact.birthday,
            &contact.notes,
            &contact.photo_url,
            &contact.updated_at,
        ]
        .into_iter()
        .all(present)
        // Long lists go the general way (its repeat checks switch to hashing).
        && emails.len() <= 8
        && phones.len() <= 8
        && contact.groups.len() <= 8
        && contact.addresses.len() <= 1
        && emails
            .iter()
            .enumerate()
            .all(|(i, email)| email.primary == (i == 0) && sources_ok(&email.sources))
        && phones.iter().all(|phone| sources_ok(&phone.sources))
        && contact.addresses.iter().all(|a| sources_ok(&a.sources))
        && distinct(emails, same_email)
        && distinct(phones, |a, b| phone_identity(a) == phone_identity(b))
        && distinct(&contact.groups, |a, b| a == b)
}

/// True when no two items are the same (quadratic: for short lists).
fn distinct<T>(items: &[T], same: impl Fn(&T, &T) -> bool) -> bool {
    items
        .iter()
        .enumerate()
        .all(|(i, item)| items.iter().take(i).all(|earlier| !same(item, earlier)))
}

fn sort_sources(sources: &mut Vec<usize>) {
    if !sources.is_sorted() {
        sources.sort_unstable();
    }
    sources.dedup();
}

/// Appends `more` to `list`, reusing `more`'s allocation when `list` is still empty.
fn append<T>(list: &mut Vec<T>, mut more: Vec<T>) {
    if list.is_empty() {
        *list = more;
    } else {
        list.append(&mut more);
    }
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
            sources
                .into_iter()
                .map(|s| s.saturating_add(offset))
                .collect()
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
        if out
            .updated_at
            .as_ref()
            .is_none_or(|current| updated > *current)
        {
            out.updated_at = Some(updated);
        }
    }
    acc.all_deleted &= contact.deleted;
    if out.extra.is_empty() {
        out.extra = contact.extra;
    } else {
        for (key, value) in contact.extra {
            out.extra.entry(key).or_insert(value);
        }
    }
    for group in contact.groups {
        if acc
            .groups
            .find(&out.groups, &group, |a, b| a == b, String::clone)
            .is_none()
        {
            out.groups.push(group);
            acc.groups.added(&out.groups, String::clone);
        }
    }

    for mut email in contact.emails {
        email.sources = remap(std::mem::take(&mut email.sources));
        match acc
            .emails
            .find(&out.emails, &email, same_email, email_lookup_key)
        {
            Some(at) => {
                if email.primary && acc.primary.is_none() {
                    acc.primary = Some(at);
                }
                if let Some(kept) = out.emails.get_mut(at) {
                    kept.sources.append(&mut email.sources);
                    upgrade_label(
                        &mut kept.label,
                        &mut kept.label_raw,
                        email.label,
                        email.label_raw,
                    );
                }
            }
            None => {
                if email.primary && acc.primary.is_none() {
                    acc.primary = Some(out.emails.len());
                }
                out.emails.push(Email {
                    primary: false,
                    ..email
                });
                acc.emails.added(&out.emails, email_lookup_key);
            }
        }
    }
    for mut phone in contact.phones {
        phone.sources = remap(std::mem::take(&mut phone.sources));
        let same = |a: &Phone, b: &Phone| phone_identity(a) == phone_identity(b);
        let key = |p: &Phone| phone_identity(p).to_string();
        match acc
            .phones
            .find(&out.phones, &phone, same, key)
            .and_then(|at| out.phones.get_mut(at))
        {
            Some(kept) => {
                kept.sources.append(&mut phone.sources);
                upgrade_label(
                    &mut kept.label,
                    &mut kept.label_raw,
                    phone.label,
                    phone.label_raw,
                );
            }
            None => {
                out.phones.push(phone);
                acc.phones.added(&out.phones, key);
            }
        }
    }
    for mut address in contact.addresses {
        address.sources = remap(std::mem::take(&mut address.sources));
        // The same text is the same key without building either (the common repeat).
        let same =
            |a: &Address, b: &Address| same_address_text(a, b) || address_key(a) == address_key(b);
        match acc
            .addresses
            .find(&out.addresses, &address, same, address_key)
            .and_then(|at| out.addresses.get_mut(at))
        {
            Some(kept) => {
                kept.sources.append(&mut address.sources);
                upgrade_label(
                    &mut kept.label,
                    &mut kept.label_raw,
                    address.label,
                    address.label_raw,
                );
            }
            None => {
                out.addresses.push(address);
                acc.addresses.added(&out.addresses, address_key);
            }
        }
    }

    append(&mut out.sources, contact.sources);
    let merges = contact.merges.into_iter().map(|note| MergeNote {
        source: note.source.saturating_add(offset),
        ..note
    });
    out.merges.extend(merges);
}

/// True when two addresses have the very same text in the fields [`address_key`] reads (and so
/// the same key).
fn same_address_text(a: &Address, b: &Address) -> bool {
    a.street == b.street
        && a.locality == b.locality
        && a.region == b.region
        && a.postal_code == b.postal_code
        && a.country == b.country
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::tests::corpus_contacts;
    use crate::model::DuplicateNote;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[cfg_attr(
        target_arch = "wasm32",
        ignore = "reads tests/corpus from disk, which wasm32-unknown-unknown cannot: the engine's parity test reads the same files in wasm"
    )]
    #[test]
    fn a_record_merged_alone_is_passed_through_only_when_merging_would_not_change_it() {
        let contacts = corpus_contacts();
        assert!(contacts.len() > 300, "{} corpus contacts", contacts.len());
        let mut passed = 0;
        for contact in contacts {
            // As read, and spoiled in each of the ways merging one record repairs.
            let mut variants = vec![contact.clone()];
            let mut blank = contact.clone();
            blank.organization = Some(" ".into());
            variants.push(blank);
            let mut unsorted = contact.clone();
            if let Some(email) = unsorted.emails.first_mut() {
                email.sources = vec![3, 1, 1];
            }
            variants.push(unsorted);
            let mut no_primary = contact.clone();
            no_primary.emails.iter_mut().for_each(|e| e.primary = false);
            variants.push(no_primary);
            let mut repeated = contact.clone();
            repeated.phones.extend(contact.phones.first().cloned());
            repeated.groups.extend(contact.groups.first().cloned());
            variants.push(repeated);
            let mut nameless_source = contact.clone();
            nameless_source.sources.clear();
            variants.push(nameless_source);
            for mut variant in variants {
                variant.possible_duplicates = vec![DuplicateNote::default()];
                let slow = merge_group(std::iter::once((variant.clone(), None)));
                if merged_alone(&variant) {
                    passed += 1;
                    variant.possible_duplicates.clear();
                    assert_eq!(variant, slow);
                }
            }
        }
        assert!(passed > 300, "{passed} passed through");
    }
}
