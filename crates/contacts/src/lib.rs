//! The contact core: one model, readers and writers for real-world contact files,
//! normalization, and de-duplication. Pure: no I/O, no HTTP, no browser; the same code and the
//! same output (byte for byte) natively and in wasm.
//!
//! ```
//! let vcf = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada Lovelace\r\nEMAIL:ada@example.org\r\nEND:VCARD\r\n";
//! let import = contacts::import(vcf, contacts::Options::default());
//! println!("{}", contacts::json::write(&import.contacts));
//! ```

mod charset;
pub mod csv;
mod dedupe;
mod detect;
mod each;
mod error;
mod fields;
mod import;
pub mod json;
mod model;
pub mod normalize;
mod record;
mod store;
mod summary;
pub mod vcard;
#[cfg(test)]
mod walk;
pub mod xml;

pub use dedupe::{
    classify, merge, Book, Classification, ContactList, Merging, Tier, MAX_MERGED_RECORDS,
};
pub use detect::{sniff, Format};
pub use each::{EachContact, Pieces, PIECE_BYTES};
pub use error::{Error, Problem, Result};
pub use import::{
    import, import_many, stamp, Finishing, Import, ImportList, Importer, Options, Progress,
};
pub use model::{
    Address, Contact, DuplicateNote, Email, Label, MatchKind, MergeNote, Name, Phone, Provenance,
    Spare,
};
pub use normalize::NormalizeOptions;
pub use record::{Batch, RawRecord, RecordReader};
pub use store::ContactStore;
pub use summary::{ProblemExample, ProblemKind, ProblemSummary, EXAMPLES_PER_KIND};
