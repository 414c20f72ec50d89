//! What every format reader implements and produces: [`RecordReader`] fed a chunk at a time,
//! [`Batch`]es of [`RawRecord`]s with their lines. Its own module, below both the readers and
//! the import pipeline that drives them (`import.rs`), so neither depends on the other's
//! internals.

use crate::error::Error;
use crate::model::{Contact, Spare};

/// What a format reader produces: records with the line each starts on, and problems.
#[derive(Debug, Default)]
pub struct Batch {
    /// Complete records, not yet normalized.
    pub records: Vec<RawRecord>,
    /// Records or values that could not be read, with their 1-based line.
    pub problems: Vec<(u32, Error)>,
    /// Allocations to build records from, given back once a record has been used.
    pub spare: Spare,
}

/// A record as the reader found it, before normalization.
#[derive(Debug)]
pub struct RawRecord {
    /// The 1-based line of the input where the record starts (0 when the format has none).
    pub line: u32,
    /// The record's values, as given (names unsplit, e-mails unvalidated, phones raw).
    pub contact: Contact,
}

/// A format reader. It is fed UTF-8 (or, for vCard, bytes whose per-value character set is
/// declared in the data), a chunk at a time, and emits records as soon as they are complete.
pub trait RecordReader {
    /// Reads `chunk`, which continues the previous chunks; complete records go to `out`.
    fn feed(&mut self, chunk: &[u8], out: &mut Batch);
    /// The input has ended: emit what is left, or report it as truncated.
    fn finish(&mut self, out: &mut Batch);
}
