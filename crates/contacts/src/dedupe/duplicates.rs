//! Possible duplicates: contacts refused a phone link, and contacts with the same name key that
//! were not merged (Luminate's middle tier). See the rules in `dedupe.rs`.

use std::collections::HashMap;

use super::keys::{name_completeness_of, name_key, name_key_hash_of};
use super::list::ContactList;
use crate::model::{DuplicateNote, MatchKind};
use crate::normalize::text::trim;
use crate::store::{ContactStore, Head};

/// A name key shared by more contacts than this flags no possible duplicates.
const MAX_NAME_GROUP: usize = 16;

impl ContactList {
    /// Adds possible-duplicate notes: pairs of contacts refused a phone link, and contacts with
    /// the same name key that were not merged. Notes already on the input are
    /// replaced. Each contact's notes are ordered by the other contact's position, then reason.
    pub(super) fn flag_possible_duplicates(&mut self) {
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
            // The keys come from the same summaries: no contact is merged to flag it.
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

fn kind_order(kind: MatchKind) -> u8 {
    match kind {
        MatchKind::Email => 0,
        MatchKind::Phone => 1,
        MatchKind::Name => 2,
    }
}
