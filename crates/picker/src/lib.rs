//! The contact picker's state, pure: what the widget shows and how it changes, tested natively.
//!
//! - [`Book`]: the imported contacts, packed by the engine and decoded a row at a time.
//! - [`fold`]: the search form of text (case and accents folded).
//! - [`Selection`]: the entries picked, one bit each, kept over searching and sorting.
//! - [`search`](mod@search): search as you type over a book ([`Query`], [`search()`]), prefix
//!   matches first; [`Index`], a summary of each entry made at load, so that one-letter queries
//!   read no text.
//! - [`State`], [`Action`], [`reduce`]: the widget's state and its reducer (yew's
//!   `use_reducer` shape, pure), with the APG multi-select listbox keyboard model.

mod book;
mod error;
pub mod fold;
pub mod search;
mod selection;
mod state;

pub use book::{
    fallback_name_order, Book, BookBuilder, Duplicate, Entry, Merge, Reason, FIELD_SEPARATOR,
};
pub use error::Error;
pub use search::{search, Index, Matches, Query};
pub use selection::{Iter, Selection};
pub use state::{reduce, Action, Key, Notice, Sort, State};
