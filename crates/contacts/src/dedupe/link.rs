//! Linking: which records are the same person (union-find over e-mail and phone keys, the phone
//! rule's names), and the groups listed in order. See the rules in `dedupe.rs`.

use std::borrow::Cow;
use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::hash::Hasher;

use super::keys::{email_key, phone_key_of, Who};
use crate::model::{DuplicateNote, MatchKind};
use crate::normalize::text::trim;
use crate::store::{ContactStore, Head};

/// The most records one merged contact holds. Records past it that share an e-mail or phone
/// with the contact are kept as contacts of their own and reported ([`Cut`]): 200,000 rows of
/// one number otherwise became one contact listing 200,000 sources. Far above one person's
/// records across a visitor's files.
pub const MAX_MERGED_RECORDS: usize = 1000;

/// How many records refused a link by one phone number (names that differ) are flagged as
/// possible duplicates of the records they were refused by; past it a number is a switchboard
/// and flags no more (each would otherwise carry up to [`MAX_PHONE_ANCHORS`] notes).
const MAX_FLAGGED_PER_NUMBER: u32 = 64;

/// How many records with mutually unrelated names one phone number can link to.
const MAX_PHONE_ANCHORS: usize = 16;

/// How many different people one group remembers for the phone rule (a group joined by shared
/// e-mails can hold several).
const MAX_PEOPLE: usize = 8;

/// What joined a record to its group.
#[derive(Debug, Clone)]
pub(super) struct Link {
    pub(super) kind: MatchKind,
    /// The lower-cased e-mail address or the E.164 number.
    pub(super) key: String,
}

/// Union-find over record indexes. The root of a group is always its smallest index, so the
/// base of a merged contact is its first record in input order.
#[derive(Debug)]
struct Groups {
    parent: Vec<usize>,
    /// Per root: the first record of the group that has a name.
    named: Vec<Option<usize>>,
    /// Per root of a group that joined two named groups: the people its names say it holds
    /// (see [`Groups::union`]). A group without an entry is its first named record's person.
    people: HashMap<usize, Vec<Who>>,
    /// Per root: how many records the group holds.
    size: Vec<u32>,
}

/// What [`Groups::union`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Union {
    Joined,
    /// The two were one group already.
    Already,
    /// Joining would make a group of more than [`MAX_MERGED_RECORDS`]: not joined.
    Full,
}

/// Records kept apart from a full group ([`MAX_MERGED_RECORDS`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Cut {
    /// The first record of the full group.
    pub(super) root: usize,
    /// The first record kept apart.
    pub(super) first: usize,
    /// How many records were kept apart.
    pub(super) count: usize,
}

impl Groups {
    fn new(count: usize) -> Groups {
        Groups {
            parent: (0..count).collect(),
            size: vec![1; count],
            named: vec![None; count],
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

    /// Joins the groups of `a` and `b`, unless they are one already or would together hold more
    /// than [`MAX_MERGED_RECORDS`]. When both are named,
    /// the group keeps the people of both, a name that agrees with a kept one replacing it when
    /// it says more ("J Smith" then "John Smith" keeps John), so that a later record is compared
    /// with every person the group is known to hold, by their fullest name.
    fn union(&mut self, store: &ContactStore, a: usize, b: usize) -> Union {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return Union::Already;
        }
        let size = |root: usize| self.size.get(root).copied().unwrap_or(1);
        let joined = size(ra).saturating_add(size(rb));
        if joined as usize > MAX_MERGED_RECORDS {
            return Union::Full;
        }
        let (root, child) = if ra < rb { (ra, rb) } else { (rb, ra) };
        if let Some(slot) = self.parent.get_mut(child) {
            *slot = root;
        }
        if let Some(slot) = self.size.get_mut(root) {
            *slot = joined;
        }
        let root_named = self.named.get(root).copied().flatten();
        let child_named = self.named.get(child).copied().flatten();
        let child_people = self.people.remove(&child);
        match (root_named, child_named) {
            (Some(_), Some(_)) => {
                let mut kept = self.people_of(store, root);
                let more = child_people.unwrap_or_else(|| self.people_of(store, child));
                // Most joins are one person's records: nothing new to remember, and no entry
                // (a group without one is its first named record's person).
                let mut changed = self.people.contains_key(&root);
                for who in more {
                    match kept.iter().position(|kept| kept.agrees_with(&who)) {
                        Some(at) => {
                            if let Some(slot) = kept.get_mut(at) {
                                if who.detail() > slot.detail() {
                                    *slot = who;
                                    changed = true;
                                }
                            }
                        }
                        None if kept.len() < MAX_PEOPLE => {
                            kept.push(who);
                            changed = true;
                        }
                        None => {}
                    }
                }
                if changed {
                    self.people.insert(root, kept);
                }
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
        Union::Joined
    }

    /// The people the group of root `root` holds by its names (empty when it has no name).
    fn people_of(&self, store: &ContactStore, root: usize) -> Vec<Who> {
        if let Some(people) = self.people.get(&root) {
            return people.clone();
        }
        let Some(named) = self.named.get(root).copied().flatten() else {
            return Vec::new();
        };
        let mut head = Head::default();
        store.head(named, &mut head);
        Who::of(head.name).into_iter().collect()
    }

    /// True when a phone number may join a group of `people` (see [`Groups::people_of`]) and
    /// the group of `other`: one of them has no name, or a person of one agrees with a person of
    /// the other ([`Who::agrees_with`]). A group that refuses keeps its people in `people`: it is
    /// an anchor of a number shared by different people, compared again with every later record
    /// of that number (a switchboard's records were otherwise each read and folded 16 times).
    fn names_compatible(&mut self, store: &ContactStore, people: &[Who], other: usize) -> bool {
        let agree = |theirs: &[Who]| {
            people.is_empty()
                || theirs.is_empty()
                || people
                    .iter()
                    .any(|x| theirs.iter().any(|y| x.agrees_with(y)))
        };
        let root = self.find(other);
        if let Some(theirs) = self.people.get(&root) {
            return agree(theirs);
        }
        let theirs = self.people_of(store, root);
        let compatible = agree(&theirs);
        if !compatible {
            self.people.insert(root, theirs);
        }
        compatible
    }
}

/// Which records make each merged contact, and what the merge found out about them.
#[derive(Debug, Default)]
pub(super) struct Grouping {
    /// Record indexes, group after group, each group in input order.
    pub(super) members: Vec<usize>,
    /// Where each group's records end in `members`.
    pub(super) ends: Vec<usize>,
    /// Per record: the first link that joined it to its group (one record in ten has one, in
    /// a typical book: a map, not a list with a slot for every record).
    pub(super) links: HashMap<usize, Link>,
    /// Pairs of positions refused a phone link because the names differ, with the number.
    pub(super) refused: Vec<(usize, usize, String)>,
    /// Records kept apart from full groups, by root (record indexes).
    pub(super) cut: Vec<Cut>,
    /// Possible-duplicate notes, by position in the list (few contacts have any).
    pub(super) duplicates: HashMap<usize, Vec<DuplicateNote>>,
}

/// Linking in progress: the records of a store linked one after another, in input order, a
/// slice at a time ([`Linker::link_some`]), then listed group by group
/// ([`Linker::into_grouping`]). It holds no borrow of the store between slices (its keys are
/// hashes, see [`KeyIndex`]), so the store and the linking can live side by side until the end:
/// what lets a page without a worker merge 100,000 contacts in tasks of a few milliseconds.
#[derive(Debug)]
pub(super) struct Linker {
    groups: Groups,
    /// The next record to link.
    next: usize,
    links: HashMap<usize, Link>,
    /// Phone links refused because the names differ: (record, other record, number).
    refused: Vec<(usize, usize, String)>,
    by_email: KeyIndex,
    /// The records a phone number can link to: the first (here), and (rarely: only records
    /// with names unrelated to the first's) more, kept apart so that the common entry is small.
    by_phone: KeyIndex,
    more_anchors: HashMap<u32, Vec<u32>>,
    /// Per number (its first record): how many records it refused and flagged.
    refusals: HashMap<u32, u32>,
    /// Per full group's root: what was kept apart, and the last record counted.
    cut: HashMap<usize, (Cut, usize)>,
}

impl Linker {
    /// A linking of the `count` records of a store, none linked yet.
    pub(super) fn new(count: usize) -> Linker {
        Linker {
            groups: Groups::new(count),
            next: 0,
            links: HashMap::new(),
            refused: Vec::new(),
            by_email: KeyIndex::with_capacity(count),
            by_phone: KeyIndex::with_capacity(count),
            more_anchors: HashMap::new(),
            refusals: HashMap::new(),
            cut: HashMap::new(),
        }
    }

    /// Links up to `max` more records of `store` (the store this linking was made for); true
    /// once every record is linked.
    pub(super) fn link_some(&mut self, store: &ContactStore, max: usize) -> bool {
        let end = self.next.saturating_add(max).min(store.len());
        let mut head = Head::default();
        // The head of an earlier record, read again to check a key found by its hash.
        let mut other = Head::default();
        for record in self.next..end {
            store.head(record, &mut head);
            self.link(store, record, &head, &mut other);
        }
        self.next = end;
        end >= store.len()
    }

    fn link<'s>(
        &mut self,
        store: &'s ContactStore,
        record: usize,
        head: &Head<'_>,
        other_head: &mut Head<'s>,
    ) {
        let groups = &mut self.groups;
        let links = &mut self.links;
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
            let has_key = |other: u32| {
                store.head(other as usize, other_head);
                other_head
                    .emails
                    .iter()
                    .any(|address| email_key_borrowed(address).as_deref() == Some(&*key))
            };
            let Some(first) = self
                .by_email
                .first_or_insert(&key, index32(record), has_key)
            else {
                continue;
            };
            let first = first as usize;
            match groups.union(store, record, first) {
                Union::Joined => note_link(links, record, first, MatchKind::Email, &key),
                Union::Full => note_cut(groups, &mut self.cut, record, first),
                Union::Already => {}
            }
        }
        for &(number, e164) in &head.phones {
            let Some(key) = phone_key_of(number, e164) else {
                continue;
            };
            let has_key = |other: u32| {
                store.head(other as usize, other_head);
                other_head
                    .phones
                    .iter()
                    .any(|&(number, e164)| phone_key_of(number, e164) == Some(key))
            };
            let Some(first) = self.by_phone.first_or_insert(key, index32(record), has_key) else {
                continue;
            };
            let more = self.more_anchors.get(&first).map_or(&[][..], Vec::as_slice);
            let mut linked = false;
            let mut refused_here = Vec::new();
            let mut mine: Option<Vec<Who>> = None;
            for other in std::iter::once(first).chain(more.iter().copied()) {
                let other = other as usize;
                let root = groups.find(record);
                if groups.find(other) == root {
                    linked = true;
                    break;
                }
                let mine = mine.get_or_insert_with(|| groups.people_of(store, root));
                if groups.names_compatible(store, mine, other) {
                    match groups.union(store, record, other) {
                        Union::Joined => note_link(links, record, other, MatchKind::Phone, key),
                        Union::Full => note_cut(groups, &mut self.cut, record, other),
                        Union::Already => {}
                    }
                    linked = true;
                    break;
                }
                refused_here.push(other);
            }
            if !linked {
                let flagged = self.refusals.entry(first).or_insert(0);
                if *flagged < MAX_FLAGGED_PER_NUMBER {
                    *flagged += 1;
                    self.refused.extend(
                        refused_here
                            .into_iter()
                            .map(|other| (record, other, key.to_string())),
                    );
                }
                let more = self.more_anchors.entry(first).or_default();
                if more.len() + 1 < MAX_PHONE_ANCHORS {
                    more.push(index32(record));
                }
            }
        }
    }

    /// Links what is left, then lists the records group by group.
    pub(super) fn into_grouping(mut self, store: &ContactStore) -> Grouping {
        while !self.link_some(store, usize::MAX) {}
        let Linker {
            mut groups,
            links,
            refused,
            cut,
            ..
        } = self;
        let count = store.len();
        let mut cut: Vec<Cut> = cut.into_values().map(|(cut, _)| cut).collect();
        cut.sort_unstable_by_key(|cut| cut.root);

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
            cut,
            duplicates: HashMap::new(),
        }
    }
}

/// Remembers the first record of each key (an e-mail key, a phone key) by the key's 64-bit
/// hash rather than by its text: the text would borrow the store (or be copied, an allocation a
/// record), and a linking that stops between slices cannot hold a borrow. A hash found again is
/// checked against the first record's own keys, read again from the store (so a key links only
/// to a record that has it, whatever the hashes); a different key with the same hash, which
/// takes about 2^32 keys to meet by chance, is remembered by its text in `spill`.
#[derive(Debug, Default)]
struct KeyIndex {
    by_hash: HashMap<u64, u32>,
    spill: HashMap<String, u32>,
}

impl KeyIndex {
    fn with_capacity(count: usize) -> KeyIndex {
        KeyIndex {
            by_hash: HashMap::with_capacity(count),
            spill: HashMap::new(),
        }
    }

    /// The first record with `key`, when an earlier one had it (`has_key` says whether a
    /// record has it); otherwise `record` becomes its first and the answer is `None`.
    fn first_or_insert(
        &mut self,
        key: &str,
        record: u32,
        has_key: impl FnOnce(u32) -> bool,
    ) -> Option<u32> {
        // Fixed keys (`DefaultHasher::new`): a hash is only ever compared within one linking.
        let mut hasher = std::hash::DefaultHasher::new();
        hasher.write(key.as_bytes());
        self.first_or_insert_hashed(hasher.finish(), key, record, has_key)
    }

    fn first_or_insert_hashed(
        &mut self,
        hash: u64,
        key: &str,
        record: u32,
        has_key: impl FnOnce(u32) -> bool,
    ) -> Option<u32> {
        match self.by_hash.entry(hash) {
            Entry::Vacant(vacant) => {
                vacant.insert(record);
                None
            }
            Entry::Occupied(occupied) if has_key(*occupied.get()) => Some(*occupied.get()),
            Entry::Occupied(_) => match self.spill.entry(key.to_string()) {
                Entry::Vacant(vacant) => {
                    vacant.insert(record);
                    None
                }
                Entry::Occupied(occupied) => Some(*occupied.get()),
            },
        }
    }
}

/// Remembers, for each of two records, the first link that joined it to its group.
fn note_link(links: &mut HashMap<usize, Link>, a: usize, b: usize, kind: MatchKind, key: &str) {
    for record in [a, b] {
        links.entry(record).or_insert_with(|| Link {
            kind,
            key: key.to_string(),
        });
    }
}

/// Counts `record` as kept apart from the full group of `other` (once, however many of its
/// e-mails and phones lead there).
fn note_cut(
    groups: &mut Groups,
    cut: &mut HashMap<usize, (Cut, usize)>,
    record: usize,
    other: usize,
) {
    let root = groups.find(other);
    let (kept_apart, last) = cut.entry(root).or_insert((
        Cut {
            root,
            first: record,
            count: 0,
        },
        usize::MAX,
    ));
    if *last != record {
        *last = record;
        kept_apart.count += 1;
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

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn a_key_index_links_only_records_that_have_the_key_even_when_hashes_collide() {
        let mut index = KeyIndex::default();
        // Records 1 and 3 have "a@x"; 2 and 4 have "b@x", whose hash is made the same as a's.
        let has = |record: u32, key: &str| match key {
            "a@x" => record == 1 || record == 3,
            _ => record == 2 || record == 4,
        };
        let mut find = |key: &str, record: u32| {
            index.first_or_insert_hashed(7, key, record, |first| has(first, key))
        };
        assert_eq!(find("a@x", 1), None);
        assert_eq!(find("b@x", 2), None, "a collision is not a match");
        assert_eq!(find("a@x", 3), Some(1));
        assert_eq!(find("b@x", 4), Some(2));
        assert_eq!(index.spill.len(), 1);
    }
}
