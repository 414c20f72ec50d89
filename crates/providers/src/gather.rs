//! An import's contacts, gathered page by page and held compactly.
//!
//! A provider hands its address book over in pages (or in one answer). Each page is normalized
//! and stamped as it arrives and pushed into a [`ContactStore`], the encoding the file import
//! keeps its contacts in (about as many bytes as their text), so that a 100,000-contact import
//! never holds 100,000 [`Contact`] values: those cost many times the size of the address book
//! (BENCHMARKS.md, "The command line", for the figures).
//!
//! Soft-deleted contacts (`deleted: true`) are kept in a store of their own: they are never
//! merged with live ones (a deleted record must not fold into the person who is still there)
//! and are listed after them. The live store becomes a [`ContactList`] merged when the job's
//! options ask for it; a contact is then merged only when it is read, as on the file path.

use contacts::{Contact, ContactList, ContactStore, EachContact, NormalizeOptions, Problem};

use crate::job::JobOptions;

/// Normalizes, stamps and stores the raw contacts of one import as they arrive; see the module
/// documentation. A contact's position across all pages (1-based, dropped ones counted) stands
/// in for a line number in problems, since a provider's answer has no lines a person could
/// look up.
#[derive(Debug)]
pub(crate) struct Gatherer {
    source: &'static str,
    normalize: NormalizeOptions,
    merge: bool,
    live: ContactStore,
    deleted: ContactStore,
    /// Raw contacts seen so far, kept and dropped: the last one's position.
    seen: usize,
    problems: Vec<Problem>,
}

impl Gatherer {
    /// A gatherer for contacts from `source` (the name stamped on them), with the job's
    /// normalization and merge settings.
    pub(crate) fn new(options: &JobOptions, source: &'static str) -> Gatherer {
        Gatherer {
            source,
            normalize: options.normalize.clone(),
            merge: options.merge,
            live: ContactStore::new(),
            deleted: ContactStore::new(),
            seen: 0,
            problems: Vec::new(),
        }
    }

    /// Normalizes and stores the next raw contacts, in the order the provider gave them.
    /// Contacts with nothing usable are dropped with a problem (soft-deleted ones are kept:
    /// they say what to remove, whatever is left of them).
    pub(crate) fn add(&mut self, raw: impl IntoIterator<Item = Contact>) {
        for mut contact in raw {
            self.seen += 1;
            let position = u32::try_from(self.seen).unwrap_or(u32::MAX);
            for error in contacts::normalize::contact(&mut contact, &self.normalize) {
                self.problems
                    .push(Problem::new(self.source, position, error));
            }
            if contact.is_empty() && !contact.deleted {
                let error =
                    contacts::Error::MalformedRecord("no name, e-mail, phone or address".into());
                self.problems
                    .push(Problem::new(self.source, position, error));
                continue;
            }
            contacts::stamp(&mut contact, self.source, None);
            if contact.deleted {
                self.deleted.push(&contact);
            } else {
                self.live.push(&contact);
            }
        }
    }

    /// The contacts (live ones merged when the options asked for it, deleted ones after them)
    /// and the problems met on the way, with what merging could not fold
    /// ([`ContactList::problems`]: a person past [`contacts::MAX_MERGED_RECORDS`] records, the
    /// rest kept as contacts of their own). Provider contacts have no line: those problems
    /// name the records by id, on line 0.
    pub(crate) fn finish(mut self) -> (ImportedContacts, Vec<Problem>) {
        let live = if self.merge {
            ContactList::merged(self.live)
        } else {
            ContactList::plain(self.live)
        };
        self.problems.extend(live.problems());
        let contacts = ImportedContacts::new(live, ContactList::plain(self.deleted));
        (contacts, self.problems)
    }

    /// One contact on its own (CloudSponge's owner record) as it would come out of an import
    /// of it alone, or `None` when nothing of it is usable; its problems are not reported.
    pub(crate) fn one(options: &JobOptions, source: &'static str, raw: Contact) -> Option<Contact> {
        let mut gatherer = Gatherer::new(options, source);
        gatherer.add([raw]);
        gatherer.finish().0.into_vec().pop()
    }
}

/// An import's contacts, held compactly and decoded one at a time when read: the live ones
/// (merged when the job asked for it), then the ones soft-deleted at the source (`deleted:
/// true`). The writers of `contacts` take it as they take a `ContactList`
/// ([`EachContact`]), so the command line writes a large import a piece at a time.
#[derive(Debug, Default)]
pub struct ImportedContacts {
    live: ContactList,
    deleted: ContactList,
}

impl ImportedContacts {
    /// `live`, then `deleted`.
    pub fn new(live: ContactList, deleted: ContactList) -> ImportedContacts {
        ImportedContacts { live, deleted }
    }

    /// The contacts listed first: live ones, merged or not.
    pub fn live(&self) -> &ContactList {
        &self.live
    }

    /// The contacts listed last: those soft-deleted at the source. (A Popsell contact deleted
    /// without an Id cannot be taken out of the sync's book, and is listed with the others.)
    pub fn deleted(&self) -> &ContactList {
        &self.deleted
    }

    /// How many contacts.
    pub fn len(&self) -> usize {
        self.live.len() + self.deleted.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The contact at `position` (an empty one when out of range).
    pub fn get(&self, position: usize) -> Contact {
        match position.checked_sub(self.live.len()) {
            None => self.live.get(position),
            Some(after) => self.deleted.get(after),
        }
    }

    /// Every contact, in order, decoded (and merged) one at a time.
    pub fn iter(&self) -> impl Iterator<Item = Contact> + '_ {
        self.live.iter().chain(self.deleted.iter())
    }

    /// Calls `f` with every contact, in order, lending a value reused from one to the next
    /// (see [`ContactList::for_each_in`]): reading them all this way allocates little.
    pub fn for_each(&self, mut f: impl FnMut(&Contact)) {
        self.live.for_each(&mut f);
        self.deleted.for_each(&mut f);
    }

    /// Every contact as a value, for callers that need them all at once (a small book, a
    /// test); an import's own memory bound is gone once they are.
    pub fn into_vec(self) -> Vec<Contact> {
        let mut contacts = self.live.into_vec();
        contacts.extend(self.deleted.into_vec());
        contacts
    }
}

impl EachContact for ImportedContacts {
    fn contact_count(&self) -> usize {
        self.len()
    }

    fn each_contact(&self, f: &mut dyn FnMut(&Contact)) {
        self.for_each(f);
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::sandbox::{book, popsell_raw_contact};

    /// What the clients did before contacts were gathered page by page: every page's raw
    /// contacts collected, then normalized, stamped and merged at once, as values.
    fn as_values(options: &JobOptions, raw: Vec<Contact>) -> (Vec<Contact>, Vec<Problem>) {
        let mut problems = Vec::new();
        let mut live = Vec::new();
        let mut deleted = Vec::new();
        for (index, mut contact) in raw.into_iter().enumerate() {
            let position = u32::try_from(index + 1).unwrap_or(u32::MAX);
            for error in contacts::normalize::contact(&mut contact, &options.normalize) {
                problems.push(Problem::new("popsell", position, error));
            }
            if contact.is_empty() && !contact.deleted {
                let error =
                    contacts::Error::MalformedRecord("no name, e-mail, phone or address".into());
                problems.push(Problem::new("popsell", position, error));
                continue;
            }
            contacts::stamp(&mut contact, "popsell", None);
            if contact.deleted {
                deleted.push(contact);
            } else {
                live.push(contact);
            }
        }
        if options.merge {
            live = contacts::merge(live);
        }
        live.extend(deleted);
        (live, problems)
    }

    /// A generated book as the Popsell client reads it (duplicates, soft-deleted contacts,
    /// extra fields), with a few contacts that hold nothing usable among them.
    fn raw_book() -> Vec<Contact> {
        let mut raw: Vec<Contact> = book::generate(11, 1200)
            .iter()
            .map(popsell_raw_contact)
            .collect();
        for at in [0, 7, 500, 1100] {
            raw.insert(at, Contact::default());
        }
        raw
    }

    fn written(contacts: &dyn EachContact) -> String {
        let mut out = String::new();
        contacts::json::write_list(contacts, |piece| out.push_str(piece));
        out
    }

    #[test]
    fn pages_gathered_compactly_give_what_the_values_gave() {
        let raw = raw_book();
        assert!(
            raw.iter().any(|c| c.deleted),
            "the book has deleted contacts"
        );
        for merge in [false, true] {
            let options = JobOptions {
                merge,
                normalize: NormalizeOptions {
                    region: Some("FR".into()),
                },
                ..JobOptions::default()
            };
            let (expected, expected_problems) = as_values(&options, raw.clone());
            let mut gatherer = Gatherer::new(&options, "popsell");
            let mut rest = raw.clone();
            // Pages of uneven sizes, an empty one among them.
            for size in [1, 0, 499, 500, 37] {
                let tail = rest.split_off(size.min(rest.len()));
                gatherer.add(std::mem::replace(&mut rest, tail));
            }
            gatherer.add(rest);
            let (gathered, problems) = gatherer.finish();

            assert_eq!(problems, expected_problems, "merge {merge}");
            assert!(
                problems.iter().any(|p| p.line == 501),
                "positions count across pages"
            );
            assert_eq!(gathered.len(), expected.len(), "merge {merge}");
            if merge {
                assert!(gathered.len() + 50 < raw.len(), "duplicates were merged");
            }
            assert_eq!(written(&gathered), written(&expected), "merge {merge}");
            let read: Vec<Contact> = (0..gathered.len()).map(|i| gathered.get(i)).collect();
            assert_eq!(read, expected, "get, merge {merge}");
            assert_eq!(gathered.iter().collect::<Vec<_>>(), expected, "iter");
            let deleted = expected.iter().filter(|c| c.deleted).count();
            assert_eq!(gathered.deleted().len(), deleted);
            assert!(gathered.deleted().iter().all(|c| c.deleted));
            assert_eq!(
                gathered.get(gathered.len()),
                Contact::default(),
                "out of range"
            );
            assert_eq!(gathered.into_vec(), expected, "into_vec, merge {merge}");
        }
    }

    #[test]
    fn a_person_past_the_merge_limit_is_reported_by_id_not_lost() {
        let options = JobOptions {
            merge: true,
            ..JobOptions::default()
        };
        let total = contacts::MAX_MERGED_RECORDS + 3;
        let mut gatherer = Gatherer::new(&options, "cloudsponge");
        gatherer.add((0..total).map(|n| Contact {
            source_id: Some(format!("c{n}")),
            emails: vec![contacts::Email {
                address: "max@power.example".into(),
                ..contacts::Email::default()
            }],
            ..Contact::default()
        }));
        let (gathered, problems) = gatherer.finish();
        assert_eq!(gathered.len(), 4, "one full contact, three kept apart");
        let [problem] = problems.as_slice() else {
            panic!("{problems:?}");
        };
        assert_eq!((problem.code, problem.line), ("too_many", 0));
        assert!(
            problem.message.contains("the contact of cloudsponge (id ")
                && problem.message.contains("3 more records"),
            "{}",
            problem.message
        );
    }

    #[test]
    fn one_contact_is_what_an_import_of_it_alone_gives() {
        let options = JobOptions {
            merge: true,
            ..JobOptions::default()
        };
        let raw = raw_book().swap_remove(1);
        let (mut expected, _) = as_values(&options, vec![raw.clone()]);
        assert_eq!(Gatherer::one(&options, "popsell", raw), expected.pop());
        assert_eq!(Gatherer::one(&options, "popsell", Contact::default()), None);
    }
}
