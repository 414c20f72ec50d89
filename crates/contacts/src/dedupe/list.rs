//! The list: contacts held compactly and grouped, each merged only when it is read.

use super::absorb::{merge_group, merged_alone};
use super::link::{Grouping, MAX_MERGED_RECORDS};
use crate::error::{Error, Problem};
use crate::model::Contact;
use crate::store::ContactStore;

/// Contacts held compactly ([`ContactStore`]) and, when merged, grouped: a contact is decoded,
/// and its group merged, only when it is read. An import of 100,000 contacts therefore never
/// holds 100,000 [`Contact`] values, and a picker can read just the rows it shows.
#[derive(Debug, Default)]
pub struct ContactList {
    pub(super) store: ContactStore,
    pub(super) grouping: Option<Grouping>,
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

    /// What merging left undone: one [`Error::TooMany`] for each contact that reached
    /// [`MAX_MERGED_RECORDS`], at the first record kept apart from it, saying how many records
    /// sharing its e-mails or phones were kept as contacts of their own.
    pub fn problems(&self) -> Vec<Problem> {
        let Some(grouping) = &self.grouping else {
            return Vec::new();
        };
        let place = |record: usize| {
            let contact = self.store.get(record);
            let line = contact.sources.first().and_then(|p| p.line).unwrap_or(0);
            (contact.source, line)
        };
        grouping
            .cut
            .iter()
            .map(|cut| {
                let (base_source, base_line) = place(cut.root);
                let (source, line) = place(cut.first);
                let error = Error::TooMany(format!(
                    "the contact of {base_source}:{base_line} merges {MAX_MERGED_RECORDS} records, \
                     the most one contact holds: {} more records sharing its e-mails or phones, \
                     from this one on, were kept as contacts of their own",
                    cut.count
                ));
                Problem::new(source, line, error)
            })
            .collect()
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

    pub(super) fn members(grouping: &Grouping, position: usize) -> &[usize] {
        let start = match position.checked_sub(1) {
            Some(previous) => grouping.ends.get(previous).copied().unwrap_or(usize::MAX),
            None => 0,
        };
        let end = grouping.ends.get(position).copied().unwrap_or(0);
        grouping.members.get(start..end).unwrap_or(&[])
    }

    pub(super) fn merge_group_at(&self, grouping: &Grouping, position: usize) -> Contact {
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
}
