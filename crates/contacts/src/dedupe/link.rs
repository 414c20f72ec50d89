//! Linking: which records are the same person (union-find over e-mail and phone keys, the phone
//! rule's names), and the groups listed in order. See the rules in `dedupe.rs`.

use std::borrow::Cow;
use std::collections::hash_map::Entry;
use std::collections::HashMap;

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
struct Groups<'s> {
    store: &'s ContactStore,
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

impl<'s> Groups<'s> {
    fn new(store: &'s ContactStore) -> Groups<'s> {
        Groups {
            store,
            parent: (0..store.len()).collect(),
            size: vec![1; store.len()],
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

    /// Joins the groups of `a` and `b`, unless they are one already or would together hold more
    /// than [`MAX_MERGED_RECORDS`]. When both are named,
    /// the group keeps the people of both, a name that agrees with a kept one replacing it when
    /// it says more ("J Smith" then "John Smith" keeps John), so that a later record is compared
    /// with every person the group is known to hold, by their fullest name.
    fn union(&mut self, a: usize, b: usize) -> Union {
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
                let mut kept = self.people_of(root);
                let more = child_people.unwrap_or_else(|| self.people_of(child));
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

    /// True when a phone number may join a group of `people` (see [`Groups::people_of`]) and
    /// the group of `other`: one of them has no name, or a person of one agrees with a person of
    /// the other ([`Who::agrees_with`]). A group that refuses keeps its people in `people`: it is
    /// an anchor of a number shared by different people, compared again with every later record
    /// of that number (a switchboard's records were otherwise each read and folded 16 times).
    fn names_compatible(&mut self, people: &[Who], other: usize) -> bool {
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
        let theirs = self.people_of(root);
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

impl Grouping {
    /// Links the records of `store` (union-find over e-mail and phone keys) and lists them
    /// group by group.
    pub(super) fn new(store: &ContactStore) -> Grouping {
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
        // Per number (its first record): how many records it refused and flagged.
        let mut refusals: HashMap<u32, u32> = HashMap::new();
        // Per full group's root: what was kept apart, and the last record counted.
        let mut cut: HashMap<usize, (Cut, usize)> = HashMap::new();

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
                    Entry::Occupied(occupied) => match groups.union(record, *occupied.get()) {
                        Union::Joined => note_link(
                            &mut links,
                            record,
                            *occupied.get(),
                            MatchKind::Email,
                            occupied.key(),
                        ),
                        Union::Full => note_cut(&mut groups, &mut cut, record, *occupied.get()),
                        Union::Already => {}
                    },
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
                let mut mine: Option<Vec<Who>> = None;
                for other in std::iter::once(first).chain(more.iter().copied()) {
                    let other = other as usize;
                    let root = groups.find(record);
                    if groups.find(other) == root {
                        linked = true;
                        break;
                    }
                    let mine = mine.get_or_insert_with(|| groups.people_of(root));
                    if groups.names_compatible(mine, other) {
                        match groups.union(record, other) {
                            Union::Joined => {
                                note_link(&mut links, record, other, MatchKind::Phone, key);
                            }
                            Union::Full => note_cut(&mut groups, &mut cut, record, other),
                            Union::Already => {}
                        }
                        linked = true;
                        break;
                    }
                    refused_here.push(other);
                }
                if !linked {
                    let flagged = refusals.entry(first).or_insert(0);
                    if *flagged < MAX_FLAGGED_PER_NUMBER {
                        *flagged += 1;
                        refused.extend(
                            refused_here
                                .into_iter()
                                .map(|other| (record, other, key.to_string())),
                        );
                    }
                    let more = more_anchors.entry(first).or_default();
                    if more.len() + 1 < MAX_PHONE_ANCHORS {
                        more.push(index32(record));
                    }
                }
            }
        }
        drop(by_phone);
        drop(more_anchors);
        drop(refusals);
        let mut cut: Vec<Cut> = cut.into_values().map(|(cut, _)| cut).collect();
        cut.sort_unstable_by_key(|cut| cut.root);
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
            cut,
            duplicates: HashMap::new(),
        }
    }
}

/// Counts `record` as kept apart from the full group of `other` (once, however many of its
/// e-mails and phones lead there).
fn note_cut(
    groups: &mut Groups<'_>,
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
