//! The widget's state and how it changes: [`State`], [`Action`] and [`reduce`].
//!
//! The shape is yew's `use_reducer` (as in its function_todomvc example), kept pure so that
//! every rule of the list is tested natively: the UI sends an [`Action`] for each event and
//! draws the [`State`] it gets back. A reduction clones the state, which copies the selection's
//! bits (12.5 KB at 100,000 entries) and `Rc` pointers, never the book or the view.
//!
//! What the rules are, and why:
//!
//! - The selection is over entry indexes, so searching and sorting never lose it: an entry
//!   stays selected until the visitor unselects it, shown or not.
//! - The view is the base order (the book's name order or the source's order, without the
//!   entries the host hides) filtered by the query. A query that refines the last one is
//!   searched in the last one's matches only, which the state keeps beside the view: typing a
//!   letter searches fewer entries each time.
//! - The keyboard follows the WAI-ARIA APG multi-select listbox, in its recommended model where
//!   focus moves without selecting: arrows, Home, End and the page keys move focus; Space
//!   toggles; Shift+arrows move and toggle; Shift+Space, Ctrl+Shift+Home and Ctrl+Shift+End
//!   select ranges; Ctrl+A selects the whole view, or unselects it when all of it is selected.
//!   Focus is a position in the view (for `aria-activedescendant`); the anchor of a range is an
//!   entry, so it outlives a new query.
//! - A selection limit is never exceeded by the visitor: a toggle past it does nothing but say
//!   so ([`Notice::LimitReached`]); select-all selects in view order up to it.

use std::rc::Rc;

use crate::search::{Index, Query};
use crate::{Book, Selection};

/// The order of the list when no query ranks it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Sort {
    /// The book's name order (the engine's collation).
    #[default]
    ByName,
    /// The order of the source (the file, the provider).
    Source,
}

/// A message for the visitor, shown until the next change of the selection or until dismissed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Notice {
    /// A selection was refused or cut short: at most `limit` entries can be selected.
    LimitReached {
        /// The selection limit.
        limit: usize,
    },
}

/// A key the list handles (the UI maps `KeyboardEvent.key` to it, and ignores the others).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Key {
    /// Arrow up.
    Up,
    /// Arrow down.
    Down,
    /// Home.
    Home,
    /// End.
    End,
    /// Page up.
    PageUp,
    /// Page down.
    PageDown,
    /// The space bar.
    Space,
    /// The letter A (with Ctrl or Cmd: select all).
    A,
}

/// What happened, as the UI reports it.
#[derive(Debug, Clone)]
pub enum Action {
    /// A new book (and the entries the host's filter hides). Everything but the sort and the
    /// limit starts over.
    Load {
        /// The book.
        book: Rc<Book>,
        /// Entries never shown and never selectable.
        hidden: Option<Rc<Selection>>,
    },
    /// The query changed.
    Search(String),
    /// The order changed.
    SetSort(Sort),
    /// The selection limit changed (a selection already over it is kept, with the notice).
    SetLimit(Option<usize>),
    /// Focus moves to a position of the view, selecting nothing (pointer hover, the UI's own
    /// focus handling). Ignored out of the view.
    Activate(usize),
    /// A click on the row at `position`: toggles it and makes it the focus and the anchor.
    /// With Shift, selects from the anchor to it instead (toggles it, as a plain click, when
    /// the anchor is not in the view).
    Click {
        /// The row's position in the view.
        position: usize,
        /// Shift was held.
        shift: bool,
    },
    /// A key pressed while the list has focus.
    Key {
        /// The key.
        key: Key,
        /// Shift was held.
        shift: bool,
        /// Ctrl (or Cmd) was held.
        ctrl: bool,
        /// How many rows a page key moves (the rows the list shows; at least one is moved).
        page: usize,
    },
    /// Selects every entry of the view (up to the limit, in view order).
    SelectAll,
    /// Unselects every entry of the view; the selection outside it stays.
    SelectNone,
    /// The visitor chose the e-mail at position `email` of `entry` (0, the primary, unless
    /// chosen). Ignored when either is out of range.
    ChooseEmail {
        /// The entry.
        entry: u32,
        /// The position of the e-mail in the entry's e-mails.
        email: u32,
    },
    /// The visitor closed the notice.
    DismissNotice,
}

/// What the widget shows, and what it will hand to the host.
#[derive(Debug, Clone)]
pub struct State {
    /// The contacts.
    pub book: Rc<Book>,
    /// The query as typed.
    pub query: String,
    /// The entries shown, filtered and ordered.
    pub view: Rc<Vec<u32>>,
    /// The selected entries (over the whole book, shown or not).
    pub selection: Selection,
    /// The position in `view` of the focused option.
    pub active: Option<usize>,
    /// The entry where a range selection starts (the last one toggled).
    pub anchor: Option<u32>,
    /// The order when there is no query.
    pub sort: Sort,
    /// At most this many entries can be selected.
    pub limit: Option<usize>,
    /// For each entry whose e-mail the visitor chose, the position of that e-mail (absent: 0,
    /// the primary), sorted by entry. Shared, as a reduction copies it only when it changes. A
    /// sorted list rather than a map: the visitor chooses a handful, and a `BTreeMap` would
    /// cost the first-load module about 10 KB.
    pub chosen: Rc<Vec<(u32, u32)>>,
    /// A message for the visitor.
    pub notice: Option<Notice>,
    /// The entries the host's filter hides: never in the view, never selectable.
    pub hidden: Option<Rc<Selection>>,
    /// The summary of the book's search text, made at load.
    index: Rc<Index>,
    /// The sort order without the hidden entries: the view of an empty query.
    base: Rc<Vec<u32>>,
    /// The searches that led to the query, each refining the one before (the last is the
    /// current query's): a letter typed searches the last one's matches, a letter erased finds
    /// its view here.
    history: Vec<Rc<Searched>>,
}

/// A search kept in the history: the query, the entries it matched in base order, and the
/// view it gave.
#[derive(Debug)]
struct Searched {
    query: Query,
    matches: Vec<u32>,
    view: Rc<Vec<u32>>,
}

/// How many searches the history keeps (the oldest goes first).
const HISTORY: usize = 16;

impl Default for State {
    fn default() -> State {
        State::new(Rc::new(Book::default()), Sort::default(), None)
    }
}

/// The state after `action`. Pure: `state` is left as it was.
pub fn reduce(state: &State, action: Action) -> State {
    let mut next = state.clone();
    next.apply(action);
    next
}

impl State {
    /// The state of a freshly loaded book: no query, nothing selected.
    pub fn new(book: Rc<Book>, sort: Sort, limit: Option<usize>) -> State {
        let mut state = State {
            selection: Selection::new(book.len()),
            book,
            query: String::new(),
            view: Rc::default(),
            active: None,
            anchor: None,
            sort,
            limit,
            chosen: Rc::default(),
            notice: None,
            hidden: None,
            index: Rc::default(),
            base: Rc::default(),
            history: Vec::new(),
        };
        state.index = Rc::new(Index::new(&state.book));
        state.rebuild_base();
        state.view = Rc::clone(&state.base);
        state
    }

    /// The selected entries in the sort order, whatever the query: what is handed to the host.
    pub fn selected_in_order(&self) -> Vec<u32> {
        match self.sort {
            Sort::ByName => self
                .book
                .by_name()
                .filter(|&entry| self.selection.contains(entry))
                .collect(),
            Sort::Source => self.selection.iter().collect(),
        }
    }

    /// True when `entry` is selected.
    pub fn is_selected(&self, entry: u32) -> bool {
        self.selection.contains(entry)
    }

    /// How many entries are selected.
    pub fn selected_count(&self) -> usize {
        self.selection.count()
    }

    /// True when the view has entries and all are selected (the "select all" box is checked).
    pub fn all_in_view_selected(&self) -> bool {
        !self.view.is_empty()
            && self.selection.count() >= self.view.len()
            && self.selection.contains_all(&self.view)
    }

    /// The position of the e-mail chosen for `entry` (0, the primary, unless chosen).
    pub fn chosen_email(&self, entry: u32) -> u32 {
        match self.chosen.binary_search_by_key(&entry, |&(e, _)| e) {
            Ok(at) => self.chosen.get(at).map_or(0, |&(_, email)| email),
            Err(_) => 0,
        }
    }

    /// The focused entry.
    pub fn active_entry(&self) -> Option<u32> {
        self.active
            .and_then(|position| self.view.get(position).copied())
    }

    fn is_hidden(&self, entry: u32) -> bool {
        self.hidden.as_ref().is_some_and(|h| h.contains(entry))
    }

    fn apply(&mut self, action: Action) {
        match action {
            Action::Load { book, hidden } => {
                self.selection = Selection::new(book.len());
                self.book = book;
                self.hidden = hidden;
                self.query.clear();
                self.active = None;
                self.anchor = None;
                self.chosen = Rc::default();
                self.notice = None;
                self.history.clear();
                self.index = Rc::new(Index::new(&self.book));
                self.rebuild_base();
                self.view = Rc::clone(&self.base);
            }
            Action::Search(text) => {
                if text != self.query {
                    self.query = text;
                    self.refresh();
                }
            }
            Action::SetSort(sort) => {
                if sort != self.sort {
                    self.sort = sort;
                    self.rebuild_base();
                    self.history.clear();
                    self.refresh();
                }
            }
            Action::SetLimit(limit) => {
                self.limit = limit;
                self.notice = match limit {
                    Some(limit) if self.selection.count() > limit => {
                        Some(Notice::LimitReached { limit })
                    }
                    _ => None,
                };
            }
            Action::Activate(position) => {
                if position < self.view.len() {
                    self.active = Some(position);
                }
            }
            Action::Click { position, shift } => self.click(position, shift),
            Action::Key {
                key,
                shift,
                ctrl,
                page,
            } => self.key(key, shift, ctrl, page.max(1)),
            Action::SelectAll => self.select_positions(0, self.view.len()),
            Action::SelectNone => {
                let view = Rc::clone(&self.view);
                let removed = self.selection.remove_all(&view);
                self.changed(removed > 0, false);
            }
            Action::ChooseEmail { entry, email } => {
                if (entry as usize) < self.book.len()
                    && !self.is_hidden(entry)
                    && (email as usize) < self.book.entry(entry).emails.len()
                {
                    let chosen = Rc::make_mut(&mut self.chosen);
                    match chosen.binary_search_by_key(&entry, |&(e, _)| e) {
                        Ok(at) if email == 0 => {
                            chosen.remove(at);
                        }
                        Ok(at) => {
                            if let Some(slot) = chosen.get_mut(at) {
                                slot.1 = email;
                            }
                        }
                        Err(at) if email != 0 => chosen.insert(at, (entry, email)),
                        Err(_) => {}
                    }
                }
            }
            Action::DismissNotice => self.notice = None,
        }
    }

    /// The sort order without the hidden entries.
    fn rebuild_base(&mut self) {
        let hidden = self.hidden.clone();
        let shown = |entry: &u32| !hidden.as_ref().is_some_and(|h| h.contains(*entry));
        let base: Vec<u32> = match self.sort {
            Sort::ByName => self.book.by_name().filter(shown).collect(),
            Sort::Source => (0..self.book.len() as u32).filter(shown).collect(),
        };
        self.base = Rc::new(base);
    }

    /// The view for the query and the base order; focus stays on its entry when it is still
    /// shown.
    fn refresh(&mut self) {
        let focused = self.active_entry();
        let query = Query::parse(&self.query);
        // Keep the searches the new query refines: their matches hold all of its matches.
        while self
            .history
            .last()
            .is_some_and(|searched| !query.refines(&searched.query))
        {
            self.history.pop();
        }
        if query.is_empty() {
            self.view = Rc::clone(&self.base);
        } else if let Some(searched) = self.history.last().filter(|s| s.query == query) {
            // A letter erased (or only spaces and punctuation changed): searched already.
            self.view = Rc::clone(&searched.view);
        } else {
            let candidates = match self.history.last() {
                Some(searched) => &searched.matches,
                None => &*self.base,
            };
            let found = self
                .index
                .find(&self.book, &query, candidates.iter().copied());
            self.view = Rc::new(found.ranked());
            if self.history.len() == HISTORY {
                self.history.remove(0);
            }
            self.history.push(Rc::new(Searched {
                query,
                matches: found.into_entries(),
                view: Rc::clone(&self.view),
            }));
        }
        self.active = focused.and_then(|entry| self.view.iter().position(|&shown| shown == entry));
    }

    /// Records a change of the selection: a limit hit shows the notice; any other change
    /// clears it.
    fn changed(&mut self, changed: bool, limited: bool) {
        if limited {
            self.notice = self.limit.map(|limit| Notice::LimitReached { limit });
        } else if changed {
            self.notice = None;
        }
    }

    /// Toggles `entry` unless the limit forbids it, and makes it the anchor.
    fn toggle(&mut self, entry: u32) {
        if self.is_hidden(entry) {
            return;
        }
        self.anchor = Some(entry);
        if self.selection.remove(entry) {
            self.changed(true, false);
        } else if self
            .limit
            .is_some_and(|limit| self.selection.count() >= limit)
        {
            self.changed(false, true);
        } else {
            let inserted = self.selection.insert(entry);
            self.changed(inserted, false);
        }
    }

    /// Selects the view's entries from position `from` to `to`, both included, in view order
    /// and up to the limit.
    fn select_range(&mut self, from: usize, to: usize) {
        self.select_positions(from.min(to), from.max(to) + 1);
    }

    /// Selects the view's entries at positions `start..end`, in order, up to the limit.
    fn select_positions(&mut self, start: usize, end: usize) {
        let view = Rc::clone(&self.view);
        let Some(entries) = view.get(start..end.min(view.len())) else {
            return;
        };
        let before = self.selection.count();
        let left_out = match self.limit {
            Some(limit) => self.selection.insert_up_to(entries, limit),
            None => {
                self.selection.insert_all(entries);
                0
            }
        };
        self.changed(self.selection.count() != before, left_out > 0);
    }

    /// The anchor's position in the view, when it is shown.
    fn anchor_position(&self) -> Option<usize> {
        let anchor = self.anchor?;
        self.view.iter().position(|&entry| entry == anchor)
    }

    fn click(&mut self, position: usize, shift: bool) {
        let Some(&entry) = self.view.get(position) else {
            return;
        };
        self.active = Some(position);
        match self.anchor_position() {
            Some(from) if shift => self.select_range(from, position),
            _ => self.toggle(entry),
        }
    }

    fn key(&mut self, key: Key, shift: bool, ctrl: bool, page: usize) {
        let Some(last) = self.view.len().checked_sub(1) else {
            self.active = None;
            return;
        };
        let focused = self.active.filter(|&position| position <= last);
        let moved = match key {
            Key::Up => focused.map_or(0, |p| p.saturating_sub(1)),
            Key::Down => focused.map_or(0, |p| (p + 1).min(last)),
            Key::PageUp => focused.map_or(0, |p| p.saturating_sub(page)),
            Key::PageDown => focused.map_or(0, |p| p.saturating_add(page).min(last)),
            Key::Home | Key::End => {
                let to = if key == Key::Home { 0 } else { last };
                if ctrl && shift {
                    let from = focused.unwrap_or(to);
                    if self.anchor_position().is_none() {
                        self.anchor = self.view.get(from).copied();
                    }
                    self.select_range(from, to);
                }
                self.active = Some(to);
                return;
            }
            Key::Space => {
                if let Some(position) = focused {
                    match self.anchor_position() {
                        Some(from) if shift => self.select_range(from, position),
                        _ if shift => {
                            self.anchor = self.view.get(position).copied();
                            self.select_range(position, position);
                        }
                        _ => self.toggle(self.view[position]),
                    }
                }
                return;
            }
            Key::A => {
                if ctrl {
                    if self.all_in_view_selected() {
                        let view = Rc::clone(&self.view);
                        let removed = self.selection.remove_all(&view);
                        self.changed(removed > 0, false);
                    } else {
                        self.select_positions(0, self.view.len());
                    }
                }
                return;
            }
        };
        self.active = Some(moved);
        // Shift+Up and Shift+Down toggle the option they move to (not the one they leave, and
        // nothing when focus cannot move).
        if shift && matches!(key, Key::Up | Key::Down) && focused != Some(moved) {
            self.toggle(self.view[moved]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::book::tests::entry;
    use crate::BookBuilder;

    /// A book of the given names (with one e-mail each), in name order by the fallback.
    fn book(names: &[&str]) -> Rc<Book> {
        let mut builder = BookBuilder::new();
        for (i, name) in names.iter().enumerate() {
            let email = format!("user{i}@example.org");
            builder.push(&entry(name, &[&email]), &[]);
        }
        Rc::new(builder.into_book(None))
    }

    fn state(names: &[&str]) -> State {
        State::new(book(names), Sort::ByName, None)
    }

    fn run(state: &State, actions: impl IntoIterator<Item = Action>) -> State {
        actions
            .into_iter()
            .fold(state.clone(), |s, action| reduce(&s, action))
    }

    fn key(key: Key) -> Action {
        Action::Key {
            key,
            shift: false,
            ctrl: false,
            page: 3,
        }
    }

    fn shift(key: Key) -> Action {
        Action::Key {
            key,
            shift: true,
            ctrl: false,
            page: 3,
        }
    }

    fn ctrl(key: Key) -> Action {
        Action::Key {
            key,
            shift: false,
            ctrl: true,
            page: 3,
        }
    }

    fn ctrl_shift(key: Key) -> Action {
        Action::Key {
            key,
            shift: true,
            ctrl: true,
            page: 3,
        }
    }

    fn click(position: usize) -> Action {
        Action::Click {
            position,
            shift: false,
        }
    }

    fn selected(state: &State) -> Vec<u32> {
        state.selection.iter().collect()
    }

    const NAMES: &[&str] = &["Zoë", "Aurélie", "Müller", "Weiß", "Bob", "Anna"];

    #[test]
    fn an_empty_query_shows_the_base_order() {
        let s = state(NAMES);
        assert_eq!(*s.view, [5, 1, 4, 2, 3, 0]);
        let s = reduce(&s, Action::SetSort(Sort::Source));
        assert_eq!(*s.view, [0, 1, 2, 3, 4, 5]);
        let s = run(
            &s,
            [Action::Search("b".into()), Action::Search("  ".into())],
        );
        assert_eq!(*s.view, [0, 1, 2, 3, 4, 5]);
    }

    #[test]
    fn search_filters_and_ranks_the_view() {
        let s = state(NAMES);
        assert_eq!(*reduce(&s, Action::Search("aurelie".into())).view, [1]);
        assert_eq!(*reduce(&s, Action::Search("MULLER".into())).view, [2]);
        assert_eq!(*reduce(&s, Action::Search("weiss".into())).view, [3]);
        assert_eq!(*reduce(&s, Action::Search("an".into())).view, [5]);
        // Every e-mail is "user<i>@example.org": "user" starts a field in each.
        assert_eq!(*reduce(&s, Action::Search("user".into())).view, *s.view);
        assert_eq!(*reduce(&s, Action::Search("user3".into())).view, [3]);
    }

    #[test]
    fn typing_refines_the_last_matches_and_erasing_finds_earlier_searches() {
        let s = state(&["Ada", "Adam", "Adele", "Bob"]);
        let s = reduce(&s, Action::Search("ad".into()));
        assert_eq!(*s.view, [0, 1, 2]);
        let ada = reduce(&s, Action::Search("ada".into()));
        assert_eq!(*ada.view, [0, 1]);
        assert_eq!(ada.history.len(), 2);
        assert_eq!(ada.history[1].matches, [0, 1]);
        let s = reduce(&ada, Action::Search("adam".into()));
        assert_eq!(*s.view, [1]);
        let s = reduce(&s, Action::Search("ada ".into()));
        assert!(Rc::ptr_eq(&s.view, &ada.view));
        let s = reduce(&s, Action::Search("ad".into()));
        assert_eq!(*s.view, [0, 1, 2]);
        assert_eq!(s.history.len(), 1);
        let s = reduce(&s, Action::Search("ad bob".into()));
        assert_eq!(*s.view, Vec::<u32>::new());
        let s = reduce(&s, Action::Search("bo".into()));
        assert_eq!(*s.view, [3]);
    }

    #[test]
    fn the_history_keeps_the_latest_searches() {
        let long = "q".repeat(HISTORY + 4);
        let mut s = state(&[&long, "Bob"]);
        for end in 1..=long.len() {
            s = reduce(&s, Action::Search(long[..end].into()));
            assert_eq!(*s.view, [0]);
        }
        assert_eq!(s.history.len(), HISTORY);
        for end in (0..long.len()).rev() {
            s = reduce(&s, Action::Search(long[..end].into()));
            assert_eq!(*s.view, if end == 0 { vec![1, 0] } else { vec![0] });
        }
        assert!(s.history.is_empty());
    }

    #[test]
    fn sorting_by_source_or_name_reorders_results_within_tiers() {
        let s = state(&["Cara", "Abe", "Bea"]);
        let s = reduce(&s, Action::Search("a".into()));
        // Tier 0: "abe"; tier 2: "cara", "bea" in name order, then in source order.
        assert_eq!(*s.view, [1, 2, 0]);
        let s = reduce(&s, Action::SetSort(Sort::Source));
        assert_eq!(*s.view, [1, 0, 2]);
        assert_eq!(s.query, "a");
    }

    #[test]
    fn the_selection_survives_search_and_sort_and_is_submitted_in_sort_order() {
        let s = state(NAMES);
        let s = run(&s, [click(0), click(5)]); // Anna, Zoë
        assert_eq!(selected(&s), [0, 5]);
        let s = run(
            &s,
            [Action::Search("bob".into()), Action::SetSort(Sort::Source)],
        );
        assert_eq!(*s.view, [4]);
        assert!(s.is_selected(5) && s.is_selected(0) && !s.is_selected(4));
        assert_eq!(s.selected_count(), 2);
        assert_eq!(s.selected_in_order(), [0, 5]);
        let s = reduce(&s, Action::SetSort(Sort::ByName));
        assert_eq!(s.selected_in_order(), [5, 0]);
    }

    #[test]
    fn hidden_entries_are_never_shown_nor_selected() {
        let hidden = Rc::new(Selection::from_indexes(6, [1, 4]));
        let s = reduce(
            &state(NAMES),
            Action::Load {
                book: book(NAMES),
                hidden: Some(hidden),
            },
        );
        assert_eq!(*s.view, [5, 2, 3, 0]);
        let s = run(&s, [Action::SelectAll]);
        assert_eq!(selected(&s), [0, 2, 3, 5]);
        let s = run(&s, [Action::Search("aurelie".into())]);
        assert!(s.view.is_empty());
        let s = run(
            &s,
            [Action::SetSort(Sort::Source), Action::Search("".into())],
        );
        assert_eq!(*s.view, [0, 2, 3, 5]);
        // Even a stale click or a range cannot reach them.
        let s = run(&s, [Action::SelectNone, click(0), ctrl_shift(Key::End)]);
        assert_eq!(selected(&s), [0, 2, 3, 5]);
    }

    #[test]
    fn load_starts_over_but_keeps_sort_and_limit() {
        let s = State::new(book(NAMES), Sort::Source, Some(2));
        let s = run(
            &s,
            [
                Action::Search("a".into()),
                click(0),
                Action::ChooseEmail { entry: 1, email: 0 },
            ],
        );
        let s = reduce(
            &s,
            Action::Load {
                book: book(&["X", "Y"]),
                hidden: None,
            },
        );
        assert_eq!((s.sort, s.limit), (Sort::Source, Some(2)));
        assert_eq!(
            (s.query.as_str(), s.selected_count(), s.active, s.anchor),
            ("", 0, None, None)
        );
        assert_eq!(*s.view, [0, 1]);
        assert_eq!(s.selection.len(), 2);
    }

    #[test]
    fn a_toggle_past_the_limit_only_says_so() {
        let s = State::new(book(NAMES), Sort::Source, Some(2));
        let s = run(&s, [click(0), click(1), click(2)]);
        assert_eq!(selected(&s), [0, 1]);
        assert_eq!(s.notice, Some(Notice::LimitReached { limit: 2 }));
        assert_eq!(s.active, Some(2));
        // Unselecting is a change: the notice goes.
        let s = reduce(&s, click(0));
        assert_eq!(selected(&s), [1]);
        assert_eq!(s.notice, None);
        let s = run(&s, [click(3), click(4), Action::DismissNotice]);
        assert_eq!(s.notice, None);
        assert_eq!(selected(&s), [1, 3]);
        // A limit below the selection keeps it, and says so.
        let s = reduce(&s, Action::SetLimit(Some(1)));
        assert_eq!(selected(&s), [1, 3]);
        assert_eq!(s.notice, Some(Notice::LimitReached { limit: 1 }));
        let s = reduce(&s, Action::SetLimit(None));
        assert_eq!(s.notice, None);
    }

    #[test]
    fn select_all_under_a_limit_selects_in_view_order_until_it() {
        let s = State::new(book(NAMES), Sort::ByName, Some(3));
        let s = run(&s, [click(2), Action::SelectAll]);
        // View [5, 1, 4, 2, 3, 0]: Bob (4) was selected, then Anna and Aurélie.
        assert_eq!(selected(&s), [1, 4, 5]);
        assert_eq!(s.notice, Some(Notice::LimitReached { limit: 3 }));
        // Under the limit, nothing is left out: no notice.
        let s = State::new(book(NAMES), Sort::ByName, Some(6));
        let s = reduce(&s, Action::SelectAll);
        assert_eq!(s.selected_count(), 6);
        assert_eq!(s.notice, None);
        assert!(s.all_in_view_selected());
    }

    #[test]
    fn select_all_and_none_touch_only_the_view() {
        let s = state(NAMES);
        let s = run(&s, [click(0), Action::Search("ll".into())]);
        assert_eq!(*s.view, [2]);
        let s = reduce(&s, Action::SelectAll);
        assert_eq!(selected(&s), [2, 5]);
        assert!(s.all_in_view_selected());
        let s = reduce(&s, Action::SelectNone);
        assert_eq!(selected(&s), [5]);
        assert!(!s.all_in_view_selected());
        let s = reduce(&s, Action::Search("zzz".into()));
        assert!(!s.all_in_view_selected());
    }

    #[test]
    fn arrows_home_end_and_pages_move_focus_only() {
        let s = state(NAMES);
        let s = reduce(&s, key(Key::Down));
        assert_eq!(s.active, Some(0));
        let s = run(&s, [key(Key::Down), key(Key::Down)]);
        assert_eq!(s.active, Some(2));
        assert_eq!(s.active_entry(), Some(4));
        let s = reduce(&s, key(Key::Up));
        assert_eq!(s.active, Some(1));
        let s = reduce(&s, key(Key::PageDown));
        assert_eq!(s.active, Some(4));
        let s = reduce(&s, key(Key::PageDown));
        assert_eq!(s.active, Some(5));
        let s = reduce(&s, key(Key::Down));
        assert_eq!(s.active, Some(5));
        let s = reduce(&s, key(Key::PageUp));
        assert_eq!(s.active, Some(2));
        let s = run(&s, [key(Key::PageUp), key(Key::Up)]);
        assert_eq!(s.active, Some(0));
        let s = reduce(&s, key(Key::End));
        assert_eq!(s.active, Some(5));
        let s = reduce(&s, key(Key::Home));
        assert_eq!(s.active, Some(0));
        assert_eq!(s.selected_count(), 0);
        let empty = reduce(&s, Action::Search("zzz".into()));
        assert_eq!(reduce(&empty, key(Key::Down)).active, None);
        // A page of zero rows still moves one.
        let s = reduce(
            &s,
            Action::Key {
                key: Key::PageDown,
                shift: false,
                ctrl: false,
                page: 0,
            },
        );
        assert_eq!(s.active, Some(1));
    }

    #[test]
    fn space_toggles_the_focused_option() {
        let s = state(NAMES);
        assert_eq!(reduce(&s, key(Key::Space)).selected_count(), 0);
        let s = run(&s, [key(Key::Down), key(Key::Down), key(Key::Space)]);
        assert_eq!(selected(&s), [1]);
        assert_eq!(s.anchor, Some(1));
        let s = reduce(&s, key(Key::Space));
        assert_eq!(selected(&s), Vec::<u32>::new());
    }

    #[test]
    fn shift_arrows_move_and_toggle_the_newly_focused_option() {
        let s = state(NAMES);
        let s = run(&s, [key(Key::Down), shift(Key::Down), shift(Key::Down)]);
        assert_eq!(s.active, Some(2));
        // Positions 1 and 2 of [5, 1, 4, 2, 3, 0].
        assert_eq!(selected(&s), [1, 4]);
        let s = reduce(&s, shift(Key::Up));
        assert_eq!(s.active, Some(1));
        assert_eq!(selected(&s), [4]);
        let s = run(&s, [key(Key::Home), shift(Key::Up)]);
        assert_eq!(s.active, Some(0));
        assert_eq!(selected(&s), [4]);
    }

    #[test]
    fn shift_space_selects_from_the_anchor_to_the_focus() {
        let s = state(NAMES);
        let s = run(
            &s,
            [click(1), key(Key::Down), key(Key::Down), shift(Key::Space)],
        );
        assert_eq!(s.active, Some(3));
        // Positions 1 to 3 of [5, 1, 4, 2, 3, 0].
        assert_eq!(selected(&s), [1, 2, 4]);
        assert_eq!(s.anchor, Some(1));
        // Without an anchor, Shift+Space selects the focused option and anchors there.
        let s = run(&state(NAMES), [key(Key::End), shift(Key::Space)]);
        assert_eq!((selected(&s), s.anchor), (vec![0], Some(0)));
    }

    #[test]
    fn ctrl_shift_home_and_end_select_to_the_first_and_last() {
        let s = state(NAMES);
        let s = run(&s, [Action::Activate(2), ctrl_shift(Key::End)]);
        assert_eq!(s.active, Some(5));
        assert_eq!(selected(&s), [0, 2, 3, 4]);
        let s = run(&state(NAMES), [Action::Activate(2), ctrl_shift(Key::Home)]);
        assert_eq!(s.active, Some(0));
        assert_eq!(selected(&s), [1, 4, 5]);
        // Without Ctrl, Shift+Home only moves.
        let s = run(&state(NAMES), [key(Key::End), shift(Key::Home)]);
        assert_eq!((s.active, s.selected_count()), (Some(0), 0));
    }

    #[test]
    fn ctrl_a_selects_the_view_or_unselects_it_when_all_are_selected() {
        let s = state(NAMES);
        let s = run(&s, [click(5), Action::Search("u".into())]);
        let s = reduce(&s, ctrl(Key::A));
        assert_eq!(s.selected_count(), 6);
        let s = reduce(&s, Action::Search("muller".into()));
        let s = reduce(&s, ctrl(Key::A));
        assert_eq!(selected(&s), [0, 1, 3, 4, 5]);
        let s = reduce(&s, ctrl(Key::A));
        assert_eq!(s.selected_count(), 6);
        // A without Ctrl does nothing.
        let s = reduce(&s, key(Key::A));
        assert_eq!(s.selected_count(), 6);
    }

    #[test]
    fn click_toggles_and_shift_click_selects_a_range() {
        let s = state(NAMES);
        let s = reduce(&s, click(4));
        assert_eq!(
            (selected(&s), s.active, s.anchor),
            (vec![3], Some(4), Some(3))
        );
        let s = reduce(
            &s,
            Action::Click {
                position: 1,
                shift: true,
            },
        );
        // Positions 1 to 4 of [5, 1, 4, 2, 3, 0]; the anchor stays.
        assert_eq!(selected(&s), [1, 2, 3, 4]);
        assert_eq!((s.active, s.anchor), (Some(1), Some(3)));
        // The anchor is an entry: after a search it is found where it is now.
        let s = run(
            &s,
            [
                Action::SelectNone,
                Action::Search("e".into()),
                Action::Click {
                    position: 0,
                    shift: true,
                },
            ],
        );
        assert_eq!(*s.view, [5, 1, 4, 2, 3, 0]);
        assert_eq!(selected(&s), [1, 2, 3, 4, 5]);
        // Shift without an anchor in the view: a plain toggle.
        let s = run(
            &state(NAMES),
            [Action::Click {
                position: 2,
                shift: true,
            }],
        );
        assert_eq!(selected(&s), [4]);
        // Out of the view: nothing.
        let s = reduce(&s, click(6));
        assert_eq!((selected(&s), s.active), (vec![4], Some(2)));
    }

    #[test]
    fn focus_follows_its_entry_through_a_search_or_is_dropped() {
        let s = state(NAMES);
        let s = run(&s, [Action::Activate(3), Action::Activate(99)]);
        assert_eq!(s.active_entry(), Some(2));
        let s = reduce(&s, Action::Search("muller".into()));
        assert_eq!(s.active, Some(0));
        let s = reduce(&s, Action::Search("bob".into()));
        assert_eq!(s.active, None);
    }

    #[test]
    fn choose_email_keeps_positions_in_range() {
        let mut builder = BookBuilder::new();
        builder.push(&entry("Ada", &["a@x.org", "ada@work.org"]), &[]);
        builder.push(&entry("Bob", &[]), &[]);
        let s = State::new(Rc::new(builder.into_book(None)), Sort::Source, None);
        assert_eq!(s.chosen_email(0), 0);
        let s = reduce(&s, Action::ChooseEmail { entry: 0, email: 1 });
        assert_eq!(s.chosen_email(0), 1);
        for (entry, email) in [(0, 2), (1, 0), (1, 1), (7, 0)] {
            assert_eq!(
                reduce(&s, Action::ChooseEmail { entry, email }).chosen,
                s.chosen
            );
        }
        let s = reduce(&s, Action::ChooseEmail { entry: 0, email: 0 });
        assert!(s.chosen.is_empty());
        assert_eq!(s.chosen_email(0), 0);
        // A hidden entry's e-mail cannot be chosen.
        let hidden = reduce(
            &s,
            Action::Load {
                book: Rc::clone(&s.book),
                hidden: Some(Rc::new(Selection::from_indexes(2, [0]))),
            },
        );
        let hidden = reduce(&hidden, Action::ChooseEmail { entry: 0, email: 1 });
        assert!(hidden.chosen.is_empty());
    }

    #[test]
    fn reduce_leaves_the_old_state_as_it_was() {
        let s = state(NAMES);
        let next = run(&s, [click(0), Action::Search("bob".into())]);
        assert_eq!((s.selected_count(), s.query.as_str()), (0, ""));
        assert_eq!(next.selected_count(), 1);
        assert!(Rc::ptr_eq(&s.book, &next.book));
        let default = State::default();
        assert!(default.view.is_empty() && default.book.is_empty());
    }
}
