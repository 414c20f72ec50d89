//! The list: contacts held compactly and grouped, each merged only when it is read.

use super::absorb::{merge_group, merged_alone};
use super::duplicates::Flagger;
use super::link::{Grouping, Linker, MAX_MERGED_RECORDS};
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
        Merging::new(store).finish()
    }

    /// What merging left undone: one [`Error::TooMany`] for each contact that reached
    /// [`MAX_MERGED_RECORDS`], at the first record kept apart from it, saying how many records
    /// sharing its e-mails or phones were kept as contacts of their own.
    pub fn problems(&self) -> Vec<Problem> {
        let Some(grouping) = &self.grouping else {
            return Vec::new();
        };
        // A record by its file and line; one without a line (a provider's) by its source and
        // id, its problem on line 0 ("not known").
        let place = |record: usize| {
            let contact = self.store.get(record);
            match contact.sources.first().and_then(|p| p.line) {
                Some(line) => (format!("{}:{line}", contact.source), contact.source, line),
                None => (
                    format!("{} (id {})", contact.source, contact.id),
                    contact.source,
                    0,
                ),
            }
        };
        grouping
            .cut
            .iter()
            .map(|cut| {
                let (base, _, _) = place(cut.root);
                let (this, source, line) = place(cut.first);
                let this = if line == 0 {
                    format!(" ({this})")
                } else {
                    String::new()
                };
                let error = Error::TooMany(format!(
                    "the contact of {base} merges {MAX_MERGED_RECORDS} records, the most one \
                     contact holds: {} more records sharing its e-mails or phones, from this \
                     one{this} on, were kept as contacts of their own",
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

/// A merge done a slice at a time, for a caller that must not hold the thread for long (a page
/// without a worker: 100,000 contacts took one task of 130–260 ms there). [`Merging::step`]
/// does the work of up to so many records and returns; [`Merging::finish`] does what is left
/// and gives the list, exactly [`ContactList::merged`]'s.
#[derive(Debug)]
pub struct Merging {
    store: ContactStore,
    stage: Stage,
}

#[derive(Debug)]
enum Stage {
    /// Linking records (union-find over e-mail and phone keys). Boxed: one merge holds one.
    Linking(Box<Linker>),
    /// Scanning the merged contacts' name keys for possible duplicates.
    Flagging(Grouping, Flagger),
    /// Done: only [`Merging::finish`] is left.
    Done(Grouping),
}

impl Merging {
    /// A merge of the records of `store`, nothing done yet.
    pub fn new(store: ContactStore) -> Merging {
        let linker = Linker::new(store.len());
        Merging {
            store,
            stage: Stage::Linking(Box::new(linker)),
        }
    }

    /// Does the work of up to `records` more records (at least one); true once only
    /// [`Merging::finish`] is left. A record costs a few microseconds; listing the groups at the
    /// end of the linking, and the last step of flagging (sorting one hash a contact), cost
    /// about as much as a few thousand records, in one step each.
    pub fn step(&mut self, records: usize) -> bool {
        let records = records.max(1);
        let stage = std::mem::replace(&mut self.stage, Stage::Done(Grouping::default()));
        self.stage = match stage {
            Stage::Linking(mut linker) => {
                if linker.link_some(&self.store, records) {
                    Stage::Flagging((*linker).into_grouping(&self.store), Flagger::default())
                } else {
                    Stage::Linking(linker)
                }
            }
            Stage::Flagging(mut grouping, mut flagger) => {
                if flagger.scan_some(&self.store, &grouping, records) {
                    grouping.duplicates = flagger.finish(&self.store, &grouping);
                    Stage::Done(grouping)
                } else {
                    Stage::Flagging(grouping, flagger)
                }
            }
            done @ Stage::Done(_) => done,
        };
        matches!(self.stage, Stage::Done(_))
    }

    /// Does what is left of the merge and returns the merged list.
    pub fn finish(mut self) -> ContactList {
        let grouping = loop {
            match std::mem::replace(&mut self.stage, Stage::Done(Grouping::default())) {
                Stage::Done(grouping) => break grouping,
                stage => {
                    self.stage = stage;
                    self.step(usize::MAX);
                }
            }
        };
        ContactList {
            store: self.store,
            grouping: Some(grouping),
        }
    }
}
