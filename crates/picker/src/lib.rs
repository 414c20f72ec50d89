//! The contact picker's state, pure: what the widget shows and how it changes, tested natively.
//!
//! - [`Book`]: the imported contacts, packed by the engine and decoded a row at a time.
//! - [`fold`]: the search form of text (case and accents folded).

mod book;
mod error;
pub mod fold;

pub use book::{
    fallback_name_order, Book, BookBuilder, Duplicate, Entry, Merge, Reason, FIELD_SEPARATOR,
};
pub use error::Error;
