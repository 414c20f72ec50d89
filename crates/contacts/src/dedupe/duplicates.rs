//! Possible duplicates: contacts refused a phone link, and contacts with the same name key that
//! were not merged (Luminate's middle tier). See the rules in `dedupe.rs`.

use std::collections::HashMap;

use super::keys::{name_completeness_of, name_key, name_key_hash_of};
use super::link::Grouping;
use super::list::ContactList;
use crate::model::{DuplicateNote, MatchKind};
use crate::normalize::text::trim;
use crate::store::{ContactStore, Head};

/// A name key shared by more contacts than this flags no possible duplicates.
const MAX_NAME_GROUP: usize = 16;

/// Finding possible duplicates, a slice of contacts at a time ([`Flagger::scan_some`]: each
/// contact's name key, from its records' heads), then all at once ([`Flagger::finish`]: the
/// contacts that share a key, and the pairs refused a phone link). Like the linking, it holds no
/// borrow of the store between slices.
#[derive(Debug, Default)]
pub(super) struct Flagger {
    /// The next contact (position) to scan.
    next: usize,
    /// Per position scanned: deleted (such a contact flags nothing and is flagged by nothing).
    deleted: Vec<bool>,
    /// The hash of each live contact's name key, with its position.
    hashed: Vec<(u64, usize)>,
}

impl Flagger {
    /// Scans up to `max` more contacts of `grouping` (over `store`); true once all are.
    pub(super) fn scan_some(
        &mut self,
        store: &ContactStore,
        grouping: &Grouping,
        max: usize,
    ) -> bool {
        let count = grouping.ends.len();
        let end = self.next.saturating_add(max).min(count);
        let mut head = Head::default();
        for position in self.next..end {
            let members = ContactList::members(grouping, position);
            let summary = Summary::of(store, members, &mut head);
            self.deleted.push(summary.deleted);
            if summary.deleted {
                continue;
            }
            if let Some(hash) = summary.name_key_hash() {
                self.hashed.push((hash, position));
            }
        }
        self.next = end;
        end >= count
    }

    /// Scans what is left, then returns the notes of every contact that has any, by position.
    /// Each contact's notes are ordered by the other contact's position, then reason.
    pub(super) fn finish(
        mut self,
        store: &ContactStore,
        grouping: &Grouping,
    ) -> HashMap<usize, Vec<DuplicateNote>> {
        while !self.scan_some(store, grouping, usize::MAX) {}
        let Flagger {
            deleted,
            mut hashed,
            ..
        } = self;
        let mut head = Head::default();
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
            // The keys come from the same summaries: no contact is merged to flag it.
            let mut keyed: Vec<(String, usize)> = run
                .iter()
                .filter_map(|&(_, position)| {
                    let members = ContactList::members(grouping, position);
                    let summary = Summary::of(store, members, &mut head);
                    Some((summary.name_key()?, position))
                })
                .collect();
            keyed.sort_unstable();
            for group in keyed.chunk_by(|a, b| a.0 == b.0) {
                if group.len() < 2 || group.len() > MAX_NAME_GROUP {
                    continue;
                }
                for (key, position) in group {
                    for (_, other) in group {
                        if other != position {
                            found.entry(*position).or_default().push((
                                *other,
                                MatchKind::Name,
                                key.clone(),
                            ));
                        }
                    }
                }
            }
        }

        // A merged contact's id is its first record's.
        let id_of = |position: usize| {
            let first = *ContactList::members(grouping, position).first()?;
            Some(store.id(first).to_string())
        };
        found
            .into_iter()
            .map(|(position, mut list)| {
                list.sort_by_key(|(other, kind, _)| (*other, kind_order(*kind)));
                list.dedup_by_key(|(other, kind, _)| (*other, kind_order(*kind)));
                let notes = list
                    .into_iter()
                    .filter_map(|(other, reason, value)| {
                        Some(DuplicateNote {
                            id: id_of(other)?,
                            reason,
                            value,
                        })
                    })
                    .collect();
                (position, notes)
            })
            .collect()
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

fn kind_order(kind: MatchKind) -> u8 {
    match kind {
        MatchKind::Email => 0,
        MatchKind::Phone => 1,
        MatchKind::Name => 2,
    }
}
