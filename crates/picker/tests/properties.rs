//! Properties of the picker's state over generated books and action sequences: what no
//! sequence of searching, sorting and clicking may break.
//!
//! - A selected entry stays selected until it is unselected: searching and sorting never lose
//!   the selection.
//! - Toggling every entry of a view gives the complement within the view; select-all and
//!   select-none touch nothing outside the view.
//! - The view holds only entries the host does not hide, each once, and with no query it is
//!   the sort order.
//! - Search finds exactly what a slow reference finds (each field folded, each token looked for
//!   with `str::contains`).

#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeSet;
use std::rc::Rc;

use picker::fold::fold;
use picker::{
    reduce, search, Action, Book, BookBuilder, Entry, Index, Key, Query, Selection, Sort, State,
};
use proptest::prelude::*;

/// A generated entry, and the extra texts whose digits the search finds.
#[derive(Debug, Clone)]
struct Generated {
    entry: Entry,
    also_digits: Vec<String>,
}

/// Text from a small alphabet, so that queries find something: letters with and without
/// accents and case, the punctuation tokens keep, digits and spaces.
fn text(max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop::sample::select(vec![
            'a', 'b', 'c', 'A', 'B', 'é', 'É', 'ü', 'ß', 'ø', 'Ł', ' ', '-', '.', '@', '\'', '1',
            '2', '0', '+', '_', 'ς', 'Σ',
        ]),
        0..=max,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

fn generated() -> impl Strategy<Value = Generated> {
    (
        text(10),
        proptest::option::of(text(8)),
        proptest::collection::vec(text(8), 0..3),
        proptest::collection::vec("[0-9 +()]{0,8}", 0..3),
        proptest::collection::vec("[0-9 ]{0,8}", 0..2),
    )
        .prop_map(
            |(name, organization, emails, phones, also_digits)| Generated {
                entry: Entry {
                    name,
                    organization,
                    emails,
                    phones,
                    ..Entry::default()
                },
                also_digits,
            },
        )
}

fn book_of(entries: &[Generated]) -> Book {
    let mut builder = BookBuilder::new();
    for g in entries {
        let also: Vec<&str> = g.also_digits.iter().map(String::as_str).collect();
        builder.push(&g.entry, &also);
    }
    builder.into_book(None)
}

/// The slow reference: every token is in one of the entry's fields, each folded on its own.
fn reference_matches(g: &Generated, query: &Query) -> bool {
    let digits = |s: &String| -> String { s.chars().filter(char::is_ascii_digit).collect() };
    let mut fields = vec![fold(&g.entry.name)];
    fields.push(
        g.entry
            .organization
            .as_deref()
            .map(fold)
            .unwrap_or_default(),
    );
    fields.extend(g.entry.emails.iter().map(|e| fold(e)));
    fields.extend(g.entry.phones.iter().map(digits));
    fields.extend(g.also_digits.iter().map(digits));
    query
        .tokens()
        .iter()
        .all(|token| fields.iter().any(|field| field.contains(token.as_str())))
}

#[derive(Debug, Clone)]
enum Step {
    Search(String),
    Sort(bool),
    Click(usize),
    Space(usize),
    Move(bool),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        text(4).prop_map(Step::Search),
        any::<bool>().prop_map(Step::Sort),
        (0usize..40).prop_map(Step::Click),
        (0usize..40).prop_map(Step::Space),
        any::<bool>().prop_map(Step::Move),
    ]
}

fn hidden_of(len: usize, hidden: &[usize]) -> Option<Rc<Selection>> {
    (!hidden.is_empty()).then(|| {
        Rc::new(Selection::from_indexes(
            len,
            hidden.iter().map(|&h| (h % len.max(1)) as u32),
        ))
    })
}

fn loaded(entries: &[Generated], hidden: &[usize]) -> State {
    let book = Rc::new(book_of(entries));
    let hidden = hidden_of(book.len(), hidden);
    reduce(&State::default(), Action::Load { book, hidden })
}

fn key(key: Key) -> Action {
    Action::Key {
        key,
        shift: false,
        ctrl: false,
        page: 5,
    }
}

/// Applies a step; returns the entry it toggled, if any.
fn apply(state: &State, step: &Step) -> (State, Option<u32>) {
    match step {
        Step::Search(query) => (reduce(state, Action::Search(query.clone())), None),
        Step::Sort(by_name) => {
            let sort = if *by_name { Sort::ByName } else { Sort::Source };
            (reduce(state, Action::SetSort(sort)), None)
        }
        Step::Click(position) => {
            let toggled = state.view.get(*position).copied();
            let next = reduce(
                state,
                Action::Click {
                    position: *position,
                    shift: false,
                },
            );
            (next, toggled)
        }
        Step::Space(position) => {
            // Out of the view, the focus stays where it was, and Space toggles that.
            let focused = reduce(state, Action::Activate(*position));
            let toggled = focused.active_entry();
            (reduce(&focused, key(Key::Space)), toggled)
        }
        Step::Move(down) => (
            reduce(state, key(if *down { Key::Down } else { Key::Up })),
            None,
        ),
    }
}

fn sort_order(state: &State) -> Vec<u32> {
    let shown = |e: &u32| !state.hidden.as_ref().is_some_and(|h| h.contains(*e));
    match state.sort {
        Sort::ByName => state.book.by_name().filter(shown).collect(),
        Sort::Source => (0..state.book.len() as u32).filter(shown).collect(),
    }
}

fn check_view(state: &State) -> Result<(), TestCaseError> {
    let mut seen = BTreeSet::new();
    for &entry in state.view.iter() {
        prop_assert!((entry as usize) < state.book.len());
        prop_assert!(seen.insert(entry), "{entry} twice in the view");
        prop_assert!(!state.hidden.as_ref().is_some_and(|h| h.contains(entry)));
    }
    if Query::parse(&state.query).is_empty() {
        prop_assert_eq!(&*state.view, &sort_order(state));
    }
    if let Some(active) = state.active {
        prop_assert!(active < state.view.len());
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// (a) The selection is what the toggles made it, whatever searches and sorts came between.
    #[test]
    fn searching_and_sorting_never_lose_the_selection(
        entries in proptest::collection::vec(generated(), 0..30),
        hidden in proptest::collection::vec(any::<usize>(), 0..4),
        steps in proptest::collection::vec(step(), 0..40),
    ) {
        let mut state = loaded(&entries, &hidden);
        let mut model = BTreeSet::new();
        for step in &steps {
            let (next, toggled) = apply(&state, step);
            if let Some(entry) = toggled {
                if !model.remove(&entry) {
                    model.insert(entry);
                }
            }
            state = next;
            prop_assert_eq!(state.selection.iter().collect::<BTreeSet<_>>(), model.clone());
            prop_assert_eq!(state.selected_count(), model.len());
            check_view(&state)?;
        }
        // What is submitted: the selection in sort order.
        let order = sort_order(&state);
        let expected: Vec<u32> = order.iter().copied().filter(|e| model.contains(e)).collect();
        prop_assert_eq!(state.selected_in_order(), expected);
    }

    /// (b) Toggling every entry of a view complements the selection within it; select-all and
    /// select-none leave the selection outside the view as it was.
    #[test]
    fn toggling_a_whole_view_complements_it_and_bulk_actions_stay_inside_it(
        entries in proptest::collection::vec(generated(), 1..30),
        hidden in proptest::collection::vec(any::<usize>(), 0..4),
        before in proptest::collection::vec(step(), 0..20),
        query in text(3),
        by_space in any::<bool>(),
    ) {
        let mut state = loaded(&entries, &hidden);
        for step in &before {
            state = apply(&state, step).0;
        }
        let state = reduce(&state, Action::Search(query));
        let view: BTreeSet<u32> = state.view.iter().copied().collect();
        let initial = state.selection.clone();
        let toggle_all = |mut s: State| {
            for position in 0..s.view.len() {
                let step = if by_space { Step::Space(position) } else { Step::Click(position) };
                s = apply(&s, &step).0;
            }
            s
        };
        let complemented = toggle_all(state.clone());
        let all = reduce(&state, Action::SelectAll);
        prop_assert!(all.view.is_empty() || all.all_in_view_selected());
        let all_then_toggled = toggle_all(all.clone());
        let none = reduce(&all, Action::SelectNone);
        for entry in 0..state.book.len() as u32 {
            let inside = view.contains(&entry);
            let was = initial.contains(entry);
            prop_assert_eq!(complemented.is_selected(entry), if inside { !was } else { was });
            prop_assert_eq!(all.is_selected(entry), inside || was);
            prop_assert_eq!(all_then_toggled.is_selected(entry), !inside && was);
            prop_assert_eq!(none.is_selected(entry), !inside && was);
        }
    }

    /// (c) Whatever happens, the view is shown entries only, each once, and the sort order when
    /// there is no query.
    #[test]
    fn the_view_is_shown_entries_once_and_the_sort_order_without_a_query(
        entries in proptest::collection::vec(generated(), 0..30),
        hidden in proptest::collection::vec(any::<usize>(), 0..6),
        steps in proptest::collection::vec(step(), 0..30),
    ) {
        let mut state = loaded(&entries, &hidden);
        check_view(&state)?;
        for step in &steps {
            state = apply(&state, step).0;
            check_view(&state)?;
        }
        let cleared = reduce(&state, Action::Search(String::new()));
        check_view(&cleared)?;
        prop_assert_eq!(&*cleared.view, &sort_order(&cleared));
    }

    /// (d) Search finds what the slow reference finds; with or without the index, in any
    /// candidate order, and the reducer shows the same entries.
    #[test]
    fn search_finds_what_the_reference_finds(
        entries in proptest::collection::vec(generated(), 0..40),
        queries in proptest::collection::vec(text(5), 1..4),
    ) {
        let book = book_of(&entries);
        let index = Index::new(&book);
        let mut state = State::new(Rc::new(book_of(&entries)), Sort::Source, None);
        for text in &queries {
            let query = Query::parse(text);
            let expected: BTreeSet<u32> = (0..entries.len() as u32)
                .filter(|&e| reference_matches(&entries[e as usize], &query))
                .collect();
            let found = search(&book, &query, 0..book.len() as u32);
            prop_assert_eq!(found.iter().copied().collect::<BTreeSet<_>>(), expected.clone());
            prop_assert_eq!(found.len(), expected.len());
            prop_assert_eq!(&index.search(&book, &query, 0..book.len() as u32), &found);
            let by_name = search(&book, &query, book.by_name());
            prop_assert_eq!(by_name.iter().copied().collect::<BTreeSet<_>>(), expected.clone());
            // Typed one after the other: refinements search the last matches only.
            state = reduce(&state, Action::Search(text.clone()));
            prop_assert_eq!(&*state.view, &found);
        }
    }
}
