//! The crate's one error type.

/// What can go wrong in this crate: only reading a packed book handed over from the engine.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The bytes are not a packed book (wrong magic, lengths that do not add up, offsets out of
    /// order, a name order that is not a permutation). The text says which check failed.
    #[error("malformed book: {0}")]
    Malformed(&'static str),
}
