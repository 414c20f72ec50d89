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
//! **Bounds.** A merged contact holds at most [`MAX_MERGED_RECORDS`] (1,000) records: a record
//! that would join a full group is kept as a contact of its own (it is never dropped), and
//! [`ContactList::problems`] reports, per full contact, how many were kept apart (the importer
//! adds that to its problems). A phone number flags at most 64 of the records it refused (names
//! that differ) as possible duplicates; past that it is a switchboard and flags no more.
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
//! two tokens needed, or one plus the same organization) get a [`DuplicateNote`] with reason
//! `name` on both sides: they share no e-mail, or a phone only with a number that met too many
//! people to remember them (see above), or a full contact kept them apart. Soft-deleted contacts are not flagged, and
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

mod absorb;
mod duplicates;
mod keys;
mod link;
mod list;
mod nicknames;
mod tier;

pub use link::MAX_MERGED_RECORDS;
pub use list::{ContactList, Merging};
pub use tier::{classify, Book, Classification, Tier};

use crate::model::Contact;
use crate::store::ContactStore;

/// Merges records of the same person; see the module documentation for the rules. Records
/// kept apart from a contact that reached [`MAX_MERGED_RECORDS`] are reported only by
/// [`ContactList::problems`]: merge through [`ContactList::merged`] to have the report.
pub fn merge(contacts: Vec<Contact>) -> Vec<Contact> {
    ContactList::merged(ContactStore::from(contacts)).into_vec()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::stamp;
    use crate::model::{Address, DuplicateNote, Email, Label, MatchKind, MergeNote};
    use crate::model::{Name, Phone};
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use crate::import::tests::corpus_contacts;

    #[cfg_attr(
        target_arch = "wasm32",
        ignore = "reads tests/corpus from disk, which wasm32-unknown-unknown cannot: the engine's parity test reads the same files in wasm"
    )]
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
        // people than it remembers (MAX_PHONE_ANCHORS): then they stay apart, flagged `name`.
        assert!(merged.len() >= distinct.len() && merged.len() < names.len());
        let name_of =
            |contact: &Contact| names[lines(contact)[0].unwrap_or(1) as usize - 1].clone();
        for contact in &merged {
            let name = name_of(contact);
            assert!(lines(contact)
                .iter()
                .all(|line| names[line.unwrap_or(1) as usize - 1] == name));
            for other in merged.iter().filter(|o| o.id != contact.id) {
                let note = contact
                    .possible_duplicates
                    .iter()
                    .find(|d| d.id == other.id);
                let expected = if name_of(other) == name {
                    Some(MatchKind::Name)
                } else {
                    note.map(|_| MatchKind::Phone)
                };
                assert_eq!(note.map(|d| d.reason), expected, "{name}");
            }
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
    fn a_merged_contact_holds_at_most_max_merged_records_and_the_rest_are_kept_and_reported() {
        let total = MAX_MERGED_RECORDS + 1500;
        let records: Vec<Contact> = (0..total as u32)
            .map(|n| match n % 3 {
                // One person, over and over: by the number, and now and then by the e-mail.
                0 => person(
                    n + 1,
                    "Max Klein",
                    &["max@klein.example"],
                    &["+49301234567"],
                ),
                _ => person(n + 1, "Max Klein", &[], &["+49301234567"]),
            })
            .collect();
        let list = ContactList::merged(ContactStore::from(records));
        assert_eq!(list.len(), 1 + total - MAX_MERGED_RECORDS);
        let contacts: Vec<Contact> = list.iter().collect();
        assert_eq!(contacts[0].sources.len(), MAX_MERGED_RECORDS);
        assert_eq!(
            contacts.iter().map(|c| c.sources.len()).sum::<usize>(),
            total
        );
        // Too common a name to flag, and the number flags only names that differ.
        assert!(contacts.iter().all(|c| c.possible_duplicates.is_empty()));
        let problems = list.problems();
        assert_eq!(problems.len(), 1);
        assert_eq!(
            (problems[0].code, problems[0].line),
            ("too_many", MAX_MERGED_RECORDS as u32 + 1)
        );
        assert!(
            problems[0].message.contains("1500 more records"),
            "{}",
            problems[0].message
        );
    }

    #[test]
    fn a_merge_in_steps_gives_what_one_merge_gives() {
        let mut records = vec![
            person(1, "Ada Lovelace", &["ADA@example.org"], &["+442079460000"]),
            person(2, "Ada King", &["ada@example.org"], &[]),
            person(3, "A. Lovelace", &[], &["+442079460000"]),
            person(4, "Hugo Klein", &["hugo@klein.example"], &["+49301234567"]),
            person(5, "Max Klein", &["max@klein.example"], &["+49301234567"]),
            person(6, "Tina Klein", &[], &["+49301234567"]),
            person(7, "Charles Babbage", &["cb@example.org"], &[]),
            person(8, "Charles Babbage", &["charles@example.net"], &[]),
            person(9, "", &["ada@example.org"], &["+15551234567"]),
        ];
        let mut gone = person(10, "Charles Babbage", &["old@example.net"], &[]);
        gone.deleted = true;
        records.push(gone);
        // A group past MAX_MERGED_RECORDS, so that the cut is reported too.
        records.extend(
            (0..MAX_MERGED_RECORDS as u32 + 5)
                .map(|n| person(11 + n, "Max Power", &["max@power.example"], &[])),
        );
        let whole = ContactList::merged(ContactStore::from(records.clone()));
        let expected: Vec<Contact> = whole.iter().collect();
        assert!(expected.iter().any(|c| !c.possible_duplicates.is_empty()));
        for records_a_step in [1, 2, 7, 1000] {
            let mut merging = Merging::new(ContactStore::from(records.clone()));
            let mut steps = 1;
            while !merging.step(records_a_step) {
                steps += 1;
            }
            assert!(steps > records.len() / records_a_step, "{records_a_step}");
            let list = merging.finish();
            assert_eq!(
                list.iter().collect::<Vec<_>>(),
                expected,
                "{records_a_step}"
            );
            assert_eq!(list.problems(), whole.problems());
        }
    }

    #[test]
    fn a_switchboard_flags_a_bounded_number_of_records() {
        let records: Vec<Contact> = (0..2000u32)
            .map(|n| {
                person(
                    n + 1,
                    &format!("Given{n} Family{n}"),
                    &[],
                    &["+441632960000"],
                )
            })
            .collect();
        let merged = merge(records);
        assert_eq!(merged.len(), 2000);
        let notes: usize = merged.iter().map(|c| c.possible_duplicates.len()).sum();
        let flagged = merged
            .iter()
            .filter(|c| !c.possible_duplicates.is_empty())
            .count();
        // 64 refused records, each flagged with the anchors it was refused by (at most 16).
        assert!(notes <= 2 * 64 * 16, "{notes} notes");
        assert!(flagged > 16 && flagged <= 64 + 16, "{flagged} flagged");
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
