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
//! * an E.164 phone number (`e164 == true`, at least 7 digits: "+123" links nothing) *and*
//!   names that can be one person's. A phone is the commonest thing different people share (a
//!   family's landline, an office number), so records that share only a phone are one person
//!   only when their given names agree: the same folded given name, a nickname form of it
//!   ("Bob" and "Robert", `dedupe/nicknames.rs`), an initial against a name ("J." and "John"),
//!   or one side without a given name; and their family names share a token, or one side has
//!   none. Otherwise they stay apart ("Hugo Klein" and "Max Klein" on one landline are two
//!   contacts) and each is flagged as a possible duplicate of the other with reason `phone`.
//!   Records with different e-mails and different given names are never merged by a phone.
//!   Names are folded as in `keys.rs`; a name known only as display text gives its first token
//!   as the given name and its last as the family name. A group is compared by the people its
//!   names say it holds: its first named record's, and, once two named groups join, every
//!   person of both (a name replacing one it agrees with when it says more, so that "J Smith"
//!   joined by "John Smith" is John's and "Jane Smith" cannot follow through the initial; at
//!   most 8). A group without a name never blocks, but once it has one it does: a nameless
//!   switchboard record cannot bridge two different people.
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
//! touched that record, naming the e-mail as the merged contact spells it or the number (a
//! `phone` note also means the names agreed, as above: the number alone never merges). That
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
//! the names a group has gathered so far, which can depend on order.
//!
//! **Speed and memory.** Linear apart from hashing and one sort of name-key hashes. The records
//! stay encoded in a [`ContactStore`]; linking reads each record's head (name, organization,
//! e-mails, phones) borrowed from it, and a group is merged only when its contact is read from
//! the [`ContactList`], so merging adds indexes and keys to the store, not values. Figures for
//! 100,000 contacts are in BENCHMARKS.md; the ignored test `hundred_thousand_contacts` times
//! this function alone. Keys are built only when needed (lower-cased e-mails only when the
//! address is not already lower-case; name keys only for contacts whose key hashes collide).

mod keys;
mod nicknames;
mod tier;

use std::borrow::Cow;
use std::collections::hash_map::Entry;
use std::collections::HashMap;

pub use tier::{classify, Book, Classification, Tier};

use crate::model::{
    Address, Contact, DuplicateNote, Email, Label, MatchKind, MergeNote, Phone, Provenance,
};
use crate::normalize::text::trim;
use crate::store::{ContactStore, Head};
use keys::{
    address_key, email_key, name_completeness, name_completeness_of, name_key, name_key_hash_of,
    phone_identity, phone_key, phone_key_of, Who,
};

/// How many records with mutually unrelated names one phone number can link to.
const MAX_PHONE_ANCHORS: usize = 16;

/// How many different people one group remembers for the phone rule (a group joined by shared
/// e-mails can hold several).
const MAX_PEOPLE: usize = 8;

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
struct Groups<'s> {
    store: &'s ContactStore,
    parent: Vec<usize>,
    /// Per root: the first record of the group that has a name.
    named: Vec<Option<usize>>,
    /// Per root of a group that joined two named groups: the people its names say it holds
    /// (see [`Groups::union`]). A group without an entry is its first named record's person.
    people: HashMap<usize, Vec<Who>>,
}

impl<'s> Groups<'s> {
    fn new(store: &'s ContactStore) -> Groups<'s> {
        Groups {
            store,
            parent: (0..store.len()).collect(),
            named: vec![None; store.len()],
            people: HashMap::new(),
        }
    }

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

    /// Joins the groups of `a` and `b`; false when they were already one. When both are named,
    /// the group keeps the people of both, a name that agrees with a kept one replacing it when
    /// it says more ("J Smith" then "John Smith" keeps John), so that a later record is compared
    /// with every person the group is known to hold, by their fullest name.
    fn union(&mut self, a: usize, b: usize) -> bool {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return false;
        }
        let (root, child) = if ra < rb { (ra, rb) } else { (rb, ra) };
        if let Some(slot) = self.parent.get_mut(child) {
            *slot = root;
        }
        let root_named = self.named.get(root).copied().flatten();
        let child_named = self.named.get(child).copied().flatten();
        let child_people = self.people.remove(&child);
        match (root_named, child_named) {
            (Some(_), Some(_)) => {
                let mut kept = self.people_of(root);
                let more = child_people.unwrap_or_else(|| self.people_of(child));
                for who in more {
                    match kept.iter().position(|kept| kept.agrees_with(&who)) {
                        Some(at) => {
                            if let Some(slot) = kept.get_mut(at) {
                                if who.detail() > slot.detail() {
                                    *slot = who;
                                }
                            }
                        }
                        None if kept.len() < MAX_PEOPLE => kept.push(who),
                        None => {}
                    }
                }
                self.people.insert(root, kept);
            }
            (None, Some(_)) => {
                if let Some(named) = self.named.get_mut(root) {
                    *named = child_named;
                }
                if let Some(people) = child_people {
                    self.people.insert(root, people);
                }
            }
            _ => {}
        }
        true
    }

    /// The people the group of root `root` holds by its names (empty when it has no name).
    fn people_of(&self, root: usize) -> Vec<Who> {
        if let Some(people) = self.people.get(&root) {
            return people.clone();
        }
        let Some(named) = self.named.get(root).copied().flatten() else {
            return Vec::new();
        };
        let mut head = Head::default();
        self.store.head(named, &mut head);
        Who::of(head.name).into_iter().collect()
    }

    /// True when a phone number may join the groups of `a` and `b`: one of them has no name, or
    /// a person of one agrees with a person of the other ([`Who::agrees_with`]).
    fn names_compatible(&mut self, a: usize, b: usize) -> bool {
        let (ra, rb) = (self.find(a), self.find(b));
        let (x, y) = (self.people_of(ra), self.people_of(rb));
        x.is_empty() || y.is_empty() || x.iter().any(|x| y.iter().any(|y| x.agrees_with(y)))
    }
}

/// Merges records of the same person; see the module documentation for the rules.
pub fn merge(contacts: Vec<Contact>) -> Vec<Contact> {
    ContactList::merged(ContactStore::from(contacts)).into_vec()
}

/// Contacts held compactly ([`ContactStore`]) and, when merged, grouped: a contact is decoded,
/// and its group merged, only when it is read. An import of 100,000 contacts therefore never
/// holds 100,000 [`Contact`] values, and a picker can read just the rows it shows.
#[derive(Debug, Default)]
pub struct ContactList {
    store: ContactStore,
    grouping: Option<Grouping>,
}

/// Which records make each merged contact, and what the merge found out about them.
#[derive(Debug, Default)]
struct Grouping {
    /// Record indexes, group after group, each group in input order.
    members: Vec<usize>,
    /// Where each group's records end in `members`.
    ends: Vec<usize>,
    /// Per record: the first link that joined it to its group (one record in ten has one, in
    /// a typical book: a map, not a list with a slot for every record).
    links: HashMap<usize, Link>,
    /// Pairs of positions refused a phone link because the names differ, with the number.
    refused: Vec<(usize, usize, String)>,
    /// Possible-duplicate notes, by position in the list (few contacts have any).
    duplicates: HashMap<usize, Vec<DuplicateNote>>,
}

impl ContactList {
    /// The records as they are, one contact each (merging off).
    pub fn plain(store: ContactStore) -> ContactList {
        ContactList {
            store,
            grouping: None,
        }
    }

    /// The records merged; see the module documentation for the rules.
    pub fn merged(store: ContactStore) -> ContactList {
        let grouping = Grouping::new(&store);
        let mut list = ContactList {
            store,
            grouping: Some(grouping),
        };
        list.flag_possible_duplicates();
        list
    }

    /// How many contacts.
    pub fn len(&self) -> usize {
        match &self.grouping {
            Some(grouping) => grouping.ends.len(),
            None => self.store.len(),
        }
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The contact at `position` (an empty one when out of range).
    pub fn get(&self, position: usize) -> Contact {
        let Some(grouping) = &self.grouping else {
            return self.store.get(position);
        };
        let mut contact = self.merge_group_at(grouping, position);
        contact.possible_duplicates = grouping
            .duplicates
            .get(&position)
            .cloned()
            .unwrap_or_default();
        contact
    }

    /// The id of the contact at `position` (`""` when out of range): what [`ContactList::get`]
    /// gives as `id`, read from the store without decoding or merging the contact. A merged
    /// contact keeps the id of its first record. For callers that resolve the ids named by
    /// [`DuplicateNote`]s to positions.
    pub fn id(&self, position: usize) -> &str {
        let record = match &self.grouping {
            Some(grouping) => match Self::members(grouping, position).first() {
                Some(&record) => record,
                None => return "",
            },
            None => position,
        };
        self.store.id(record)
    }

    /// Every contact, in order, decoded (and merged) one at a time.
    pub fn iter(&self) -> impl Iterator<Item = Contact> + '_ {
        (0..self.len()).map(|position| self.get(position))
    }

    /// Calls `f` with each contact in `positions` (clamped to the list), in order: what
    /// [`ContactList::get`] gives, without building a new value each time. The contact lent to
    /// `f` is reused for the next one, so reading a whole list this way allocates little
    /// (writing its JSON, say).
    pub fn for_each_in(&self, positions: std::ops::Range<usize>, mut f: impl FnMut(&Contact)) {
        let end = positions.end.min(self.len());
        let mut reused = Contact::default();
        for position in positions.start.min(end)..end {
            let Some(grouping) = &self.grouping else {
                self.store.get_into(position, &mut reused);
                f(&reused);
                continue;
            };
            if let [record] = Self::members(grouping, position) {
                self.store.get_into(*record, &mut reused);
                if merged_alone(&reused) {
                    match grouping.duplicates.get(&position) {
                        Some(notes) => reused.possible_duplicates.clone_from(notes),
                        None => reused.possible_duplicates.clear(),
                    }
                    f(&reused);
                    continue;
                }
            }
            f(&self.get(position));
        }
    }

    /// Calls `f` with every contact, in order; see [`ContactList::for_each_in`].
    pub fn for_each(&self, f: impl FnMut(&Contact)) {
        self.for_each_in(0..self.len(), f);
    }

    /// Every contact as a value.
    pub fn into_vec(self) -> Vec<Contact> {
        self.iter().collect()
    }

    fn members(grouping: &Grouping, position: usize) -> &[usize] {
        let start = match position.checked_sub(1) {
            Some(previous) => grouping.ends.get(previous).copied().unwrap_or(usize::MAX),
            None => 0,
        };
        let end = grouping.ends.get(position).copied().unwrap_or(0);
        grouping.members.get(start..end).unwrap_or(&[])
    }

    fn merge_group_at(&self, grouping: &Grouping, position: usize) -> Contact {
        let members = Self::members(grouping, position);
        if let [record] = members {
            // Nine contacts in ten are one record; most of those are already what merging one
            // record gives, and are passed through instead of rebuilt.
            let contact = self.store.get(*record);
            if merged_alone(&contact) {
                return Contact {
                    possible_duplicates: Vec::new(),
                    ..contact
                };
            }
            let link = grouping.links.get(record).cloned();
            return merge_group(std::iter::once((contact, link)));
        }
        let records = members.iter().map(|&record| {
            let link = grouping.links.get(&record).cloned();
            (self.store.get(record), link)
        });
        merge_group(records)
    }

    /// Adds possible-duplicate notes: pairs of contacts refused a phone link, and contacts with
    /// the same name key that share no e-mail or phone. Notes already on the input are
    /// replaced. Each contact's notes are ordered by the other contact's position, then reason.
    fn flag_possible_duplicates(&mut self) {
        let Some(grouping) = &self.grouping else {
            return;
        };
        let store = &self.store;
        let mut head = Head::default();
        let mut ids: Vec<&str> = Vec::with_capacity(grouping.ends.len());
        let mut deleted: Vec<bool> = Vec::with_capacity(grouping.ends.len());
        let mut hashed: Vec<(u64, usize)> = Vec::new();
        for position in 0..grouping.ends.len() {
            let summary = Summary::of(store, Self::members(grouping, position), &mut head);
            ids.push(summary.id);
            deleted.push(summary.deleted);
            if summary.deleted {
                continue;
            }
            if let Some(hash) = summary.name_key_hash() {
                hashed.push((hash, position));
            }
        }

        let mut found: HashMap<usize, Vec<(usize, MatchKind, String)>> = HashMap::new();
        let live = |position: usize| deleted.get(position).is_some_and(|d| !d);
        for (a, b, value) in grouping.refused.iter() {
            let (a, b) = (*a, *b);
            if live(a) && live(b) {
                found
                    .entry(a)
                    .or_default()
                    .push((b, MatchKind::Phone, value.clone()));
                found
                    .entry(b)
                    .or_default()
                    .push((a, MatchKind::Phone, value.clone()));
            }
        }

        // Group by the hash of the name key first (sorted by hash, then position: no hash-map
        // order), then spell out the key, from the merged contacts, only where hashes collide.
        hashed.sort_unstable();
        // A run longer than a name group may be is taken as one too-common name without
        // spelling its keys: that is what it is unless two different keys share a 64-bit hash
        // (odds of about 1 in 10^9 for a 100,000-contact book), which could only hide a hint.
        for run in hashed
            .chunk_by(|a, b| a.0 == b.0)
            .filter(|run| (2..=MAX_NAME_GROUP).contains(&run.len()))
        {
            // The keys come from the same summaries; only contacts whose keys are equal, in a
            // group small enough to flag, are merged in full to compare e-mails and phones.
            let mut keyed: Vec<(String, usize)> = run
                .iter()
                .filter_map(|&(_, position)| {
                    let members = Self::members(grouping, position);
                    let summary = Summary::of(store, members, &mut head);
                    Some((summary.name_key()?, position))
                })
                .collect();
            keyed.sort_unstable();
            for group in keyed.chunk_by(|a, b| a.0 == b.0) {
                if group.len() < 2 || group.len() > MAX_NAME_GROUP {
                    continue;
                }
                let merged: Vec<Contact> = group
                    .iter()
                    .map(|&(_, position)| self.merge_group_at(grouping, position))
                    .collect();
                for ((key, position), contact) in group.iter().zip(&merged) {
                    for ((_, other), other_contact) in group.iter().zip(&merged) {
                        if other == position || share_email_or_phone(contact, other_contact) {
                            continue;
                        }
                        found.entry(*position).or_default().push((
                            *other,
                            MatchKind::Name,
                            key.clone(),
                        ));
                    }
                }
            }
        }

        let duplicates = found
            .into_iter()
            .map(|(position, mut list)| {
                list.sort_by_key(|(other, kind, _)| (*other, kind_order(*kind)));
                list.dedup_by_key(|(other, kind, _)| (*other, kind_order(*kind)));
                let notes = list
                    .into_iter()
                    .filter_map(|(other, reason, value)| {
                        Some(DuplicateNote {
                            id: ids.get(other)?.to_string(),
                            reason,
                            value,
                        })
                    })
                    .collect();
                (position, notes)
            })
            .collect();
        if let Some(grouping) = &mut self.grouping {
            grouping.duplicates = duplicates;
        }
    }
}

/// What a merged contact will have that flagging needs, from its records' heads, without
/// merging them: the id of the first record, the most complete name (ties: the earliest), the
/// first non-blank organization, deleted only when every record is (as [`merge_group`] does).
/// Borrowed from the store: nothing is allocated.
struct Summary<'s> {
    id: &'s str,
    deleted: bool,
    /// The name's parts in the order of [`Head::name`].
    name: [Option<&'s str>; 6],
    organization: Option<&'s str>,
}

impl<'s> Summary<'s> {
    fn of(store: &'s ContactStore, members: &[usize], head: &mut Head<'s>) -> Summary<'s> {
        let mut summary = Summary {
            id: "",
            deleted: true,
            name: [None; 6],
            organization: None,
        };
        let mut best: Option<usize> = None;
        for (index, &record) in members.iter().enumerate() {
            store.head(record, head);
            if index == 0 {
                summary.id = head.id;
            }
            summary.deleted &= head.deleted;
            let completeness = name_completeness_of(head.name);
            if best.is_none_or(|most| completeness > most) {
                best = Some(completeness);
                summary.name = head.name;
            }
            if summary.organization.is_none() {
                summary.organization = head.organization.filter(|o| !trim(o).is_empty());
            }
        }
        summary
    }

    fn name_key_hash(&self) -> Option<u64> {
        let [display, given, _, family, _, _] = self.name;
        name_key_hash_of([display, given, family], self.organization)
    }

    fn name_key(&self) -> Option<String> {
        let head = Head {
            name: self.name,
            ..Head::default()
        };
        name_key(&head.name(), self.organization)
    }
}

impl Grouping {
    /// Links the records of `store` (union-find over e-mail and phone keys) and lists them
    /// group by group.
    fn new(store: &ContactStore) -> Grouping {
        let count = store.len();
        let mut groups = Groups::new(store);
        let mut links: HashMap<usize, Link> = HashMap::new();
        // Phone links refused because the names differ: (record, other record, number).
        let mut refused: Vec<(usize, usize, String)> = Vec::new();
        let mut by_email: HashMap<Cow<'_, str>, usize> = HashMap::with_capacity(count);
        // The records a phone number can link to: the first, and (rarely: only records with
        // names unrelated to the first's) more, kept apart so that the common entry is small.
        let mut by_phone: HashMap<&str, u32> = HashMap::with_capacity(count);
        let mut more_anchors: HashMap<u32, Vec<u32>> = HashMap::new();

        let note_link =
            |links: &mut HashMap<usize, Link>, a: usize, b: usize, kind: MatchKind, key: &str| {
                for record in [a, b] {
                    links.entry(record).or_insert_with(|| Link {
                        kind,
                        key: key.to_string(),
                    });
                }
            };

        let mut head = Head::default();
        for record in 0..count {
            store.head(record, &mut head);
            let has_name = head.name[..4]
                .iter()
                .any(|part| part.is_some_and(|p| !trim(p).is_empty()));
            if has_name {
                if let Some(slot) = groups.named.get_mut(record) {
                    *slot = Some(record);
                }
            }
            for address in &head.emails {
                let Some(key) = email_key_borrowed(address) else {
                    continue;
                };
                match by_email.entry(key) {
                    Entry::Vacant(vacant) => {
                        vacant.insert(record);
                    }
                    Entry::Occupied(occupied) => {
                        if groups.union(record, *occupied.get()) {
                            note_link(
                                &mut links,
                                record,
                                *occupied.get(),
                                MatchKind::Email,
                                occupied.key(),
                            );
                        }
                    }
                }
            }
            for &(number, e164) in &head.phones {
                let Some(key) = phone_key_of(number, e164) else {
                    continue;
                };
                let first = match by_phone.entry(key) {
                    Entry::Vacant(vacant) => {
                        vacant.insert(index32(record));
                        continue;
                    }
                    Entry::Occupied(occupied) => *occupied.get(),
                };
                let more = more_anchors.get(&first).map_or(&[][..], Vec::as_slice);
                let mut linked = false;
                let mut refused_here = Vec::new();
                for other in std::iter::once(first).chain(more.iter().copied()) {
                    let other = other as usize;
                    if groups.find(other) == groups.find(record) {
                        linked = true;
                        break;
                    }
                    if groups.names_compatible(record, other) {
                        groups.union(record, other);
                        note_link(&mut links, record, other, MatchKind::Phone, key);
                        linked = true;
                        break;
                    }
                    refused_here.push(other);
                }
                if !linked {
                    refused.extend(
                        refused_here
                            .into_iter()
                            .map(|other| (record, other, key.to_string())),
                    );
                    let more = more_anchors.entry(first).or_default();
                    if more.len() + 1 < MAX_PHONE_ANCHORS {
                        more.push(index32(record));
                    }
                }
            }
        }
        drop(by_phone);
        drop(more_anchors);
        drop(by_email);

        // Number the groups in order of their first record, then list the records group by
        // group (a counting sort: no list per group).
        let mut position_of_root: Vec<Option<usize>> = vec![None; count];
        let mut position_of_record = Vec::with_capacity(count);
        let mut sizes: Vec<usize> = Vec::new();
        for record in 0..count {
            let root = groups.find(record);
            let position = match position_of_root.get(root).copied().flatten() {
                Some(position) => position,
                None => {
                    if let Some(slot) = position_of_root.get_mut(root) {
                        *slot = Some(sizes.len());
                    }
                    sizes.push(0);
                    sizes.len() - 1
                }
            };
            if let Some(size) = sizes.get_mut(position) {
                *size += 1;
            }
            position_of_record.push(position);
        }
        drop(position_of_root);
        drop(groups);
        let ends: Vec<usize> = sizes
            .iter()
            .scan(0, |end, &size| {
                *end += size;
                Some(*end)
            })
            .collect();
        let mut next_slot: Vec<usize> = ends
            .iter()
            .zip(&sizes)
            .map(|(end, size)| end - size)
            .collect();
        drop(sizes);
        let mut members: Vec<usize> = vec![0; count];
        for (record, &position) in position_of_record.iter().enumerate() {
            if let Some(slot) = next_slot.get_mut(position) {
                if let Some(entry) = members.get_mut(*slot) {
                    *entry = record;
                }
                *slot += 1;
            }
        }
        let refused = refused
            .into_iter()
            .filter_map(|(a, b, number)| {
                let (pa, pb) = (*position_of_record.get(a)?, *position_of_record.get(b)?);
                (pa != pb).then_some((pa, pb, number))
            })
            .collect();
        Grouping {
            members,
            ends,
            links,
            refused,
            duplicates: HashMap::new(),
        }
    }
}

/// A record index as stored in the merge's phone index (a list of more than 4 billion records
/// cannot be held in memory to begin with).
fn index32(record: usize) -> u32 {
    u32::try_from(record).unwrap_or(u32::MAX)
}

/// [`email_key`] without an allocation when the address is already its own key (lower-case
/// ASCII, trimmed: nearly every address).
fn email_key_borrowed(address: &str) -> Option<Cow<'_, str>> {
    let trimmed = address.trim();
    if trimmed
        .bytes()
        .all(|b| b.is_ascii() && !b.is_ascii_uppercase())
    {
        (!trimmed.is_empty()).then_some(Cow::Borrowed(trimmed))
    } else {
        email_key(address).map(Cow::Owned)
    }
}

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

fn same_email(a: &Email, b: &Email) -> bool {
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
fn merge_group(records: impl Iterator<Item = (Contact, Option<Link>)>) -> Contact {
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
fn merged_alone(contact: &Contact) -> bool {
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

fn kind_order(kind: MatchKind) -> u8 {
    match kind {
        MatchKind::Email => 0,
        MatchKind::Phone => 1,
        MatchKind::Name => 2,
    }
}

/// True when two contacts share an e-mail address (any case) or a linking phone number.
fn share_email_or_phone(a: &Contact, b: &Contact) -> bool {
    a.emails
        .iter()
        .any(|x| b.emails.iter().any(|y| same_email(x, y)))
        || a.phones
            .iter()
            .filter_map(phone_key)
            .any(|x| b.phones.iter().filter_map(phone_key).any(|y| x == y))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::stamp;
    use crate::model::{Name, Phone};

    use crate::import::tests::corpus_contacts;

    #[test]
    fn for_each_lends_what_get_returns() {
        let mut contacts = corpus_contacts();
        // Merged groups and possible duplicates too: the corpus twice, the second time with
        // upper-cased e-mails, and a namesake.
        let again: Vec<Contact> = contacts
            .iter()
            .cloned()
            .map(|mut c| {
                c.emails
                    .iter_mut()
                    .for_each(|e| e.address.make_ascii_uppercase());
                c
            })
            .collect();
        contacts.extend(again);
        contacts.push(person(1, "Ada Lovelace", &["ada@one.example"], &[]));
        contacts.push(person(2, "Ada Lovelace", &["ada@two.example"], &[]));
        let merged = ContactList::merged(ContactStore::from(contacts.clone()));
        assert!(merged.len() < contacts.len());
        assert!(merged.iter().any(|c| !c.possible_duplicates.is_empty()));
        for list in [merged, ContactList::plain(ContactStore::from(contacts))] {
            let mut lent = Vec::new();
            list.for_each(|contact| lent.push(contact.clone()));
            assert_eq!(lent.len(), list.len());
            assert!(lent.iter().eq(list.iter().collect::<Vec<_>>().iter()));
            let mut middle = Vec::new();
            list.for_each_in(3..7, |contact| middle.push(contact.clone()));
            assert_eq!(middle, lent[3..7]);
            list.for_each_in(list.len()..list.len() + 5, |_| panic!("out of range"));
            // `id` reads what `get` gives, without merging.
            assert!(lent
                .iter()
                .enumerate()
                .all(|(position, contact)| list.id(position) == contact.id));
            assert_eq!(list.id(list.len()), "");
        }
    }

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

    /// A stamped record from `test.vcf` at `line`: "Given Family" (or one word), e-mails (the
    /// first primary), phones (E.164 when they start with '+').
    fn person(line: u32, name: &str, emails: &[&str], phones: &[&str]) -> Contact {
        let mut words = name.split_whitespace();
        let given = words.next().map(str::to_string);
        let family = words.last().map(str::to_string);
        let mut contact = Contact {
            name: Name {
                display: (!name.is_empty()).then(|| name.to_string()),
                given,
                family,
                ..Name::default()
            },
            emails: emails
                .iter()
                .enumerate()
                .map(|(i, a)| Email {
                    address: a.to_string(),
                    primary: i == 0,
                    ..Email::default()
                })
                .collect(),
            phones: phones
                .iter()
                .map(|p| Phone {
                    number: p.to_string(),
                    e164: p.starts_with('+'),
                    raw: p.to_string(),
                    ..Phone::default()
                })
                .collect(),
            ..Contact::default()
        };
        stamp(&mut contact, "test.vcf", Some(line));
        contact
    }

    fn lines(contact: &Contact) -> Vec<Option<u32>> {
        contact.sources.iter().map(|s| s.line).collect()
    }

    #[test]
    fn same_email_in_any_case_merges_and_keeps_provenance() {
        let a = person(
            1,
            "Ada Lovelace",
            &["Ada@Example.org", "ada@home.example"],
            &[],
        );
        let b = person(
            5,
            "Ada Lovelace",
            &["ada@example.ORG", "ada@work.example"],
            &[],
        );
        let base_id = a.id.clone();
        let merged = merge(vec![a, b]);
        assert_eq!(merged.len(), 1);
        let ada = &merged[0];
        assert_eq!(ada.id, base_id);
        assert_eq!(lines(ada), vec![Some(1), Some(5)]);
        let emails: Vec<(&str, &[usize])> = ada
            .emails
            .iter()
            .map(|e| (e.address.as_str(), &e.sources[..]))
            .collect();
        assert_eq!(
            emails,
            vec![
                ("Ada@Example.org", &[0, 1][..]),
                ("ada@home.example", &[0][..]),
                ("ada@work.example", &[1][..])
            ]
        );
        assert_eq!(
            ada.merges,
            vec![MergeNote {
                source: 1,
                reason: MatchKind::Email,
                value: "Ada@Example.org".into()
            }]
        );
        assert!(ada.possible_duplicates.is_empty());
    }

    #[test]
    fn chains_merge_transitively_and_each_merge_says_why() {
        let a = person(1, "Grace Hopper", &["grace@navy.mil"], &[]);
        let b = person(2, "Grace Hopper", &["grace@navy.mil"], &["+12025550143"]);
        let c = person(
            3,
            "G. Hopper",
            &["amazing.grace@example.com"],
            &["+12025550143"],
        );
        let d = person(4, "Someone Else", &["else@example.com"], &[]);
        let merged = merge(vec![a, b, c, d]);
        assert_eq!(merged.len(), 2);
        assert_eq!(lines(&merged[0]), vec![Some(1), Some(2), Some(3)]);
        assert_eq!(
            merged[0].merges,
            vec![
                MergeNote {
                    source: 1,
                    reason: MatchKind::Email,
                    value: "grace@navy.mil".into()
                },
                MergeNote {
                    source: 2,
                    reason: MatchKind::Phone,
                    value: "+12025550143".into()
                },
            ]
        );
        assert_eq!(merged[0].phones.len(), 1);
        assert_eq!(merged[0].phones[0].sources, vec![1, 2]);
        assert_eq!(lines(&merged[1]), vec![Some(4)]);
    }

    #[test]
    fn a_chain_through_a_later_record_joins_groups_seen_apart() {
        // A and C look unrelated until B (last) links both.
        let a = person(1, "Ada Lovelace", &["ada@example.org"], &[]);
        let c = person(2, "Ada King", &["countess@example.org"], &[]);
        let b = person(
            3,
            "Ada Lovelace",
            &["countess@example.org", "ada@example.org"],
            &[],
        );
        let merged = merge(vec![a, c, b]);
        assert_eq!(merged.len(), 1);
        assert_eq!(lines(&merged[0]), vec![Some(1), Some(2), Some(3)]);
        assert_eq!(merged[0].merges.len(), 2);
        assert_eq!(merged[0].merges[0].source, 1);
        assert_eq!(merged[0].merges[0].value, "countess@example.org");
        assert_eq!(merged[0].merges[1].source, 2);
    }

    #[test]
    fn phone_only_merges_when_names_agree_or_are_missing() {
        let a = person(1, "John Smith", &[], &["+41446681800"]);
        let b = person(2, "J Smith", &[], &["+41446681800"]);
        let c = person(3, "", &["nameless@example.com"], &["+41446681800"]);
        let merged = merge(vec![a, b, c]);
        assert_eq!(merged.len(), 1);
        assert_eq!(merged[0].phones[0].sources, vec![0, 1, 2]);
        assert!(merged[0]
            .merges
            .iter()
            .all(|m| m.reason == MatchKind::Phone));
    }

    #[test]
    fn a_shared_landline_does_not_merge_different_people() {
        let mary = person(1, "Mary Jones", &["mary@example.com"], &["+441632960961"]);
        let john = person(2, "John Smith", &["john@example.com"], &["+441632960961"]);
        let merged = merge(vec![mary, john]);
        assert_eq!(merged.len(), 2);
        assert_eq!(
            merged[0].possible_duplicates,
            vec![DuplicateNote {
                id: merged[1].id.clone(),
                reason: MatchKind::Phone,
                value: "+441632960961".into()
            }]
        );
        assert_eq!(
            merged[1].possible_duplicates,
            vec![DuplicateNote {
                id: merged[0].id.clone(),
                reason: MatchKind::Phone,
                value: "+441632960961".into()
            }]
        );
    }

    #[test]
    fn a_nameless_record_does_not_bridge_two_different_names() {
        let switchboard = person(1, "", &[], &["+441632960000"]);
        let mary = person(2, "Mary Jones", &[], &["+441632960000"]);
        let john = person(3, "John Smith", &[], &["+441632960000"]);
        let merged = merge(vec![switchboard, mary, john]);
        assert_eq!(merged.len(), 2);
        assert_eq!(lines(&merged[0]), vec![Some(1), Some(2)]);
        assert_eq!(merged[0].name.display.as_deref(), Some("Mary Jones"));
        assert_eq!(lines(&merged[1]), vec![Some(3)]);
    }

    #[test]
    fn a_family_landline_keeps_each_person_and_flags_the_others() {
        let family: Vec<Contact> = ["Hugo", "Max", "Ines", "Tina"]
            .iter()
            .zip(1..)
            .map(|(given, line)| {
                let email = format!("{}@klein.example", given.to_lowercase());
                person(
                    line,
                    &format!("{given} Klein"),
                    &[&email],
                    &["+49301234567"],
                )
            })
            .collect();
        let merged = merge(family);
        assert_eq!(merged.len(), 4);
        for (at, contact) in merged.iter().enumerate() {
            assert_eq!(contact.sources.len(), 1);
            assert!(contact.merges.is_empty());
            let others: Vec<DuplicateNote> = merged
                .iter()
                .enumerate()
                .filter(|(other, _)| *other != at)
                .map(|(_, other)| DuplicateNote {
                    id: other.id.clone(),
                    reason: MatchKind::Phone,
                    value: "+49301234567".into(),
                })
                .collect();
            assert_eq!(contact.possible_duplicates, others);
        }
    }

    #[test]
    fn an_office_number_merges_only_records_whose_names_agree() {
        // 50 colleagues at one number, each with their own e-mail, names from 20 given and 15
        // family names: only records of the very same name may come together.
        // Drawn as `contacts-bench hostile` draws them (its names in place of these): four
        // whole names come twice.
        let mut state: u64 = 3;
        let mut draw = |n: usize| {
            state = (state * 1_103_515_245 + 12_345) % (1 << 31);
            (state >> 16) as usize % n
        };
        let mut names = Vec::new();
        let colleagues: Vec<Contact> = (0..50u32)
            .map(|n| {
                let name = format!("Given{} Family{}", draw(20), draw(15));
                names.push(name.clone());
                let email = format!("colleague{n}@office.example");
                person(n + 1, &name, &[&email], &["+49301234567"])
            })
            .collect();
        let mut distinct = names.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), 46, "four whole names repeat");
        let merged = merge(colleagues);
        // Records of one name come together unless the number has already met more unrelated
        // people than it remembers (MAX_PHONE_ANCHORS): then they stay apart, flagged.
        assert!(merged.len() >= distinct.len() && merged.len() < names.len());
        for contact in &merged {
            let lines = lines(contact);
            let first = names[lines[0].unwrap_or(1) as usize - 1].clone();
            assert!(lines
                .iter()
                .all(|line| names[line.unwrap_or(1) as usize - 1] == first));
            assert!(contact
                .possible_duplicates
                .iter()
                .all(|d| d.reason == MatchKind::Phone));
        }
        assert!(merged.iter().all(|c| !c.possible_duplicates.is_empty()));
    }

    #[test]
    fn a_phone_merges_a_nickname_an_initial_or_a_missing_given_name() {
        let merged = merge(vec![
            person(
                1,
                "Robert Smith",
                &["robert@example.com"],
                &["+41446681800"],
            ),
            person(2, "Bob Smith", &["bob@example.org"], &["+41446681800"]),
            person(3, "R. Smith", &[], &["+41446681800"]),
            Contact {
                name: Name {
                    display: Some("Smith".into()),
                    family: Some("Smith".into()),
                    ..Name::default()
                },
                ..person(4, "", &["smith@example.net"], &["+41446681800"])
            },
        ]);
        assert_eq!(merged.len(), 1);
        assert_eq!(merged[0].merges.len(), 3);
        assert!(merged[0]
            .merges
            .iter()
            .all(|m| (m.reason, m.value.as_str()) == (MatchKind::Phone, "+41446681800")));
    }

    #[test]
    fn different_given_or_family_names_on_one_phone_stay_apart() {
        for other in ["Max Klein", "Hugo Weber", "Hugh Klein"] {
            let merged = merge(vec![
                person(1, "Hugo Klein", &["hugo@example.com"], &["+49301234567"]),
                person(2, other, &["other@example.com"], &["+49301234567"]),
            ]);
            assert_eq!(merged.len(), 2, "{other}");
            assert_eq!(merged[0].possible_duplicates[0].reason, MatchKind::Phone);
        }
    }

    #[test]
    fn an_initial_does_not_bridge_two_given_names() {
        let merged = merge(vec![
            person(1, "J Smith", &[], &["+441632960000"]),
            person(2, "John Smith", &[], &["+441632960000"]),
            person(3, "Jane Smith", &[], &["+441632960000"]),
        ]);
        assert_eq!(merged.len(), 2);
        assert_eq!(lines(&merged[0]), vec![Some(1), Some(2)]);
        assert_eq!(lines(&merged[1]), vec![Some(3)]);
        assert_eq!(merged[1].possible_duplicates[0].reason, MatchKind::Phone);
    }

    #[test]
    fn an_email_match_merges_even_when_names_differ() {
        let a = person(1, "Mary Jones", &["family@example.com"], &[]);
        let b = person(2, "John Smith", &["family@example.com"], &[]);
        assert_eq!(merge(vec![a, b]).len(), 1);
    }

    #[test]
    fn short_or_non_e164_numbers_link_nothing() {
        let a = person(1, "Ada Lovelace", &[], &["+123"]);
        let b = person(2, "Ada Lovelace", &[], &["+123"]);
        let c = person(3, "Ada Lovelace", &[], &["0446681800"]);
        let d = person(4, "Ada Lovelace", &[], &["0446681800"]);
        let merged = merge(vec![a, b, c, d]);
        assert_eq!(merged.len(), 4);
        // Same name, no shared key: each is a possible duplicate of the three others.
        for contact in &merged {
            assert_eq!(contact.possible_duplicates.len(), 3);
            assert!(contact
                .possible_duplicates
                .iter()
                .all(|d| d.reason == MatchKind::Name && d.value == "ada lovelace"));
        }
    }

    #[test]
    fn name_only_matches_are_possible_duplicates_on_both_sides() {
        let a = person(1, "Aurélie Durand", &["aurelie@example.fr"], &[]);
        let b = person(2, "DURAND Aurelie", &["a.durand@example.com"], &[]);
        let c = person(3, "Zoë Weiß", &["zoe@example.at"], &[]);
        let merged = merge(vec![a, b, c]);
        assert_eq!(merged.len(), 3);
        assert_eq!(
            merged[0].possible_duplicates,
            vec![DuplicateNote {
                id: merged[1].id.clone(),
                reason: MatchKind::Name,
                value: "aurelie durand".into()
            }]
        );
        assert_eq!(
            merged[1].possible_duplicates,
            vec![DuplicateNote {
                id: merged[0].id.clone(),
                reason: MatchKind::Name,
                value: "aurelie durand".into()
            }]
        );
        assert!(merged[2].possible_duplicates.is_empty());
    }

    #[test]
    fn one_name_token_needs_the_same_organization() {
        let mut a = person(1, "Mom", &["mom@example.com"], &[]);
        let mut b = person(2, "Mom", &["mother@example.com"], &[]);
        assert!(merge(vec![a.clone(), b.clone()])
            .iter()
            .all(|c| c.possible_duplicates.is_empty()));
        a.organization = Some("Acme".into());
        b.organization = Some("ACME".into());
        let merged = merge(vec![a, b]);
        assert_eq!(merged[0].possible_duplicates.len(), 1);
        assert_eq!(merged[0].possible_duplicates[0].value, "mom @ acme");
    }

    #[test]
    fn deleted_only_when_every_record_is_and_deleted_contacts_are_not_flagged() {
        let mut a = person(1, "Ada Lovelace", &["ada@example.org"], &[]);
        let b = person(2, "Ada Lovelace", &["ada@example.org"], &[]);
        a.deleted = true;
        let merged = merge(vec![a.clone(), b]);
        assert_eq!(merged.len(), 1);
        assert!(!merged[0].deleted);
        let mut c = person(3, "Ada Lovelace", &["ada@example.org"], &[]);
        c.deleted = true;
        let merged = merge(vec![a.clone(), c]);
        assert!(merged[0].deleted);
        let other = person(4, "Ada Lovelace", &["lovelace@example.net"], &[]);
        let merged = merge(vec![a, other]);
        assert_eq!(merged.len(), 2);
        assert!(merged.iter().all(|c| c.possible_duplicates.is_empty()));
    }

    #[test]
    fn merged_fields_follow_the_rules() {
        let mut a = person(
            1,
            "Ada",
            &["ada@example.org", "ada@home.example"],
            &["+442079460000"],
        );
        a.organization = Some(String::new());
        a.updated_at = Some("2020-01-01T00:00:00Z".into());
        a.groups = vec!["Friends".into()];
        a.extra.insert("gender".into(), "female".into());
        a.emails[0].primary = false;
        a.emails[1].primary = true;
        let mut b = person(2, "Ada Lovelace", &["ADA@example.org"], &["+442079460000"]);
        b.name.prefix = Some("Countess".into());
        b.organization = Some("Analytical Engines".into());
        b.updated_at = Some("2024-06-01T12:00:00Z".into());
        b.groups = vec!["Family".into(), "Friends".into()];
        b.extra.insert("gender".into(), "other".into());
        b.extra.insert("language".into(), "en".into());
        b.emails[0].label = Label::Work;
        b.emails[0].label_raw = Some("WORK".into());
        let mut c = person(3, "Ada Lovelace", &["ada@example.org"], &[]);
        c.updated_at = Some("2022-01-01T00:00:00Z".into());
        c.organization = Some("Babbage & Co".into());

        let merged = merge(vec![a, b, c]);
        assert_eq!(merged.len(), 1);
        let ada = &merged[0];
        assert_eq!(ada.name.prefix.as_deref(), Some("Countess"));
        assert_eq!(ada.organization.as_deref(), Some("Analytical Engines"));
        assert_eq!(ada.updated_at.as_deref(), Some("2024-06-01T12:00:00Z"));
        assert_eq!(
            ada.groups,
            vec!["Friends".to_string(), "Family".to_string()]
        );
        assert_eq!(
            ada.extra.get("gender"),
            Some(&serde_json::Value::from("female"))
        );
        assert_eq!(
            ada.extra.get("language"),
            Some(&serde_json::Value::from("en"))
        );
        // The base's primary comes first and is the only primary.
        assert_eq!(ada.emails[0].address, "ada@home.example");
        assert_eq!(ada.emails.iter().filter(|e| e.primary).count(), 1);
        assert!(ada.emails[0].primary);
        let main = ada.emails.iter().find(|e| e.address == "ada@example.org");
        assert_eq!(
            main.map(|e| (e.label, e.sources.clone())),
            Some((Label::Work, vec![0, 1, 2]))
        );
        assert_eq!(ada.phones.len(), 1);
        assert_eq!(ada.phones[0].sources, vec![0, 1]);
    }

    #[test]
    fn addresses_are_kept_once() {
        let mut a = person(1, "Ada Lovelace", &["ada@example.org"], &[]);
        let mut b = person(2, "Ada Lovelace", &["ada@example.org"], &[]);
        a.addresses = vec![Address {
            street: vec!["12 St James's Square".into()],
            locality: Some("London".into()),
            sources: vec![0],
            ..Address::default()
        }];
        b.addresses = vec![
            Address {
                street: vec!["12  ST JAMES'S SQUARE".into()],
                locality: Some("london".into()),
                label: Label::Home,
                sources: vec![0],
                ..Address::default()
            },
            Address {
                locality: Some("Paris".into()),
                sources: vec![0],
                ..Address::default()
            },
        ];
        let merged = merge(vec![a, b]);
        let addresses = &merged[0].addresses;
        assert_eq!(addresses.len(), 2);
        assert_eq!(
            addresses[0].street,
            vec!["12 St James's Square".to_string()]
        );
        assert_eq!(addresses[0].label, Label::Home);
        assert_eq!(addresses[0].sources, vec![0, 1]);
        assert_eq!(addresses[1].sources, vec![1]);
    }

    #[test]
    fn merging_twice_changes_nothing() {
        let input = vec![
            person(1, "Grace Hopper", &["grace@navy.mil"], &[]),
            person(2, "Aurélie Durand", &["aurelie@example.fr"], &[]),
            person(3, "Grace Hopper", &["GRACE@navy.mil"], &["+12025550143"]),
            person(4, "Durand Aurelie", &["a.durand@example.com"], &[]),
            person(
                5,
                "G Hopper",
                &["amazing.grace@example.com"],
                &["+12025550143"],
            ),
            person(6, "Mary Jones", &[], &["+441632960961"]),
            person(7, "John Smith", &[], &["+441632960961"]),
            person(8, "", &["amazing.grace@example.com"], &[]),
        ];
        let once = merge(input);
        assert_eq!(once.len(), 5);
        let twice = merge(once.clone());
        assert_eq!(twice, once);
    }

    #[test]
    fn contacts_without_sources_get_one() {
        let a = Contact {
            id: "a".into(),
            source: "crm".into(),
            emails: vec![Email {
                address: "x@example.com".into(),
                ..Email::default()
            }],
            ..Contact::default()
        };
        let b = Contact {
            id: "b".into(),
            source: "crm".into(),
            ..a.clone()
        };
        let merged = merge(vec![a, b]);
        assert_eq!(merged.len(), 1);
        assert_eq!(merged[0].sources.len(), 2);
        assert_eq!(merged[0].emails[0].sources, vec![0, 1]);
        assert!(merged[0].emails[0].primary);
        assert_eq!(merged[0].merges[0].source, 1);
    }

    #[test]
    fn the_same_input_gives_the_same_output_and_shuffling_keeps_the_groups() {
        let input = vec![
            person(1, "Grace Hopper", &["grace@navy.mil"], &[]),
            person(
                2,
                "Aurélie Durand",
                &["aurelie@example.fr"],
                &["+33142685300"],
            ),
            person(3, "Grace Hopper", &["GRACE@navy.mil"], &["+12025550143"]),
            person(4, "A Durand", &["a.durand@example.com"], &["+33142685300"]),
            person(
                5,
                "G Hopper",
                &["amazing.grace@example.com"],
                &["+12025550143"],
            ),
            person(6, "Alan Turing", &["alan@example.org"], &[]),
        ];
        let expected = merge(input.clone());
        assert_eq!(merge(input.clone()), expected);
        let groups = |contacts: &[Contact]| {
            let mut groups: Vec<Vec<Option<u32>>> = contacts
                .iter()
                .map(|c| {
                    let mut l = lines(c);
                    l.sort();
                    l
                })
                .collect();
            groups.sort();
            groups
        };
        // Every rotation and the reversal: the same groups, the same e-mails per group.
        let mut orders: Vec<Vec<Contact>> = (0..input.len())
            .map(|k| {
                let mut v = input.clone();
                v.rotate_left(k);
                v
            })
            .collect();
        orders.push(input.iter().rev().cloned().collect());
        for order in orders {
            let first_id = order[0].id.clone();
            let merged = merge(order);
            assert_eq!(groups(&merged), groups(&expected));
            assert_eq!(merged[0].id, first_id, "the first record is always a base");
            let emails = |c: &[Contact]| {
                let mut all: Vec<Vec<String>> = c
                    .iter()
                    .map(|c| {
                        let mut e: Vec<String> =
                            c.emails.iter().map(|e| e.address.to_lowercase()).collect();
                        e.sort();
                        e
                    })
                    .collect();
                all.sort();
                all
            };
            assert_eq!(emails(&merged), emails(&expected));
        }
    }

    #[test]
    fn classify_follows_luminates_three_tiers() {
        let book = vec![
            person(1, "Bob Smith", &["bob@example.com"], &[]),
            person(2, "Kelly Smith", &["kelly@example.com"], &[]),
        ];
        let index = Book::new(&book);
        assert_eq!(index.len(), 2);
        let full = index.classify(&person(9, "BOB SMITH", &["Bob@Example.com"], &[]));
        assert_eq!(full.tier, Tier::Duplicate);
        assert_eq!(full.of.as_deref(), Some(book[0].id.as_str()));
        assert_eq!(full.reason, Some(MatchKind::Email));
        assert_eq!(full.value.as_deref(), Some("Bob@Example.com"));

        let same_email = index.classify(&person(9, "Robert Smith", &["bob@example.com"], &[]));
        assert_eq!(
            (same_email.tier, same_email.reason),
            (Tier::PossibleDuplicate, Some(MatchKind::Email))
        );
        let same_name = index.classify(&person(9, "Kelly Smith", &["k.smith@example.org"], &[]));
        assert_eq!(
            (same_name.tier, same_name.reason),
            (Tier::PossibleDuplicate, Some(MatchKind::Name))
        );
        assert_eq!(same_name.of.as_deref(), Some(book[1].id.as_str()));
        assert_eq!(same_name.value.as_deref(), Some("kelly smith"));
        // A later full match wins over an earlier possible one.
        let both = index.classify(&person(
            9,
            "Kelly Smith",
            &["bob@example.com", "kelly@example.com"],
            &[],
        ));
        assert_eq!(
            (both.tier, both.value.as_deref()),
            (Tier::Duplicate, Some("kelly@example.com"))
        );

        let new = classify(&book, &person(9, "Alan Turing", &["alan@example.org"], &[]));
        assert_eq!(
            new,
            Classification {
                tier: Tier::New,
                of: None,
                reason: None,
                value: None
            }
        );
        // "Smith" alone is not "Kelly Smith"; two nameless contacts are not the same name.
        assert_eq!(
            classify(&book, &person(9, "Smith", &[], &[])).tier,
            Tier::New
        );
        let nameless = person(1, "", &["x@example.com"], &[]);
        assert_eq!(
            classify(&[nameless], &person(2, "", &["y@example.com"], &[])).tier,
            Tier::New
        );
    }

    #[test]
    fn classify_ignores_deleted_contacts_and_serializes_tiers_in_snake_case() {
        let mut gone = person(1, "Bob Smith", &["bob@example.com"], &[]);
        gone.deleted = true;
        assert_eq!(
            classify(&[gone], &person(2, "Bob Smith", &["bob@example.com"], &[])).tier,
            Tier::New
        );
        assert_eq!(
            serde_json::to_string(&Tier::PossibleDuplicate)
                .ok()
                .as_deref(),
            Some("\"possible_duplicate\"")
        );
    }

    /// Run with `cargo test --release -p contacts --lib hundred_thousand -- --ignored --nocapture`.
    #[test]
    #[ignore = "timing figure, not a check"]
    fn hundred_thousand_contacts() {
        let mut input = Vec::with_capacity(100_000);
        for i in 0..100_000u32 {
            // Every tenth record repeats an earlier person's address (in another case); one in a
            // hundred is a namesake of an earlier record, with its own address.
            let (n, namesake) = match i % 100 {
                50 => (i - 2, true),
                _ if i % 10 == 9 => (i - 5, false),
                _ => (i, false),
            };
            let email = match (i % 10 == 9, namesake) {
                (_, true) => format!("namesake{i}@example.net"),
                (true, _) => format!("Person{n}@Example.com"),
                _ => format!("person{n}@example.com"),
            };
            let phone = format!("+4144{i:07}");
            input.push(person(
                i + 1,
                &format!("Given{n} Family{n}"),
                &[&email],
                &[&phone],
            ));
        }
        // Thread CPU time where Linux tells it: a busy machine inflates the wall-clock figure.
        let cpu = || {
            std::fs::read_to_string("/proc/thread-self/schedstat")
                .ok()?
                .split(' ')
                .next()?
                .parse::<u64>()
                .ok()
        };
        let (start, cpu_start) = (std::time::Instant::now(), cpu());
        let merged = merge(input);
        let elapsed = start.elapsed();
        if let (Some(a), Some(b)) = (cpu_start, cpu()) {
            println!("CPU time: {} ms", (b - a) / 1_000_000);
        }
        assert_eq!(merged.len(), 90_000);
        assert_eq!(
            merged
                .iter()
                .filter(|c| !c.possible_duplicates.is_empty())
                .count(),
            2_000
        );
        println!(
            "merged 100000 records into {} contacts in {:?}",
            merged.len(),
            elapsed
        );
    }
}
