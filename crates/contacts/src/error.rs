//! The crate's one error type, and [`Problem`]: an error tied to a place in the input.
//!
//! Reading never fails as a whole because of one bad record: readers return the records they
//! could read plus a `Problem` for each one they could not (or for each value they rejected).

use serde::Serialize;

/// Everything that can go wrong in this crate. Each variant documents when it is produced.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An e-mail address was rejected by validation. `reason` says which rule it broke.
    #[error("invalid e-mail address {address:?}: {reason}")]
    InvalidEmail {
        /// The address as given.
        address: String,
        /// Which rule it broke ("no @", "domain has no dot", ...).
        reason: String,
    },
    /// A phone number could not be turned into E.164; it is kept as cleaned digits.
    #[error("phone number {raw:?} kept as given: {reason}")]
    InvalidPhone {
        /// The number as given.
        raw: String,
        /// Why it did not parse.
        reason: String,
    },
    /// A record (vCard, CSV row, JSON or XML element) could not be read; the others are kept.
    #[error("malformed record: {0}")]
    MalformedRecord(String),
    /// The input ended inside a record (a vCard without END:VCARD, an unterminated quote).
    #[error("input ended inside a record: {0}")]
    Truncated(String),
    /// Bytes that are not valid in the declared or detected character set were replaced.
    #[error("character set: {0}")]
    Charset(String),
    /// A value was longer than the documented maximum and was cut.
    #[error("value too long: {0}")]
    TooLong(String),
    /// A row, a record or a merged contact held more than its documented maximum: the cells
    /// or items past it were left out (`csv::MAX_CELLS`, `normalize::MAX_ITEMS`), or the
    /// records past it kept as contacts of their own (`MAX_MERGED_RECORDS`). The
    /// message says how many and what.
    #[error("too many: {0}")]
    TooMany(String),
    /// The JSON could not be parsed at all.
    #[error("JSON: {0}")]
    Json(String),
    /// The XML could not be parsed at all (also: DOCTYPE, entity, or depth limit refused).
    #[error("XML: {0}")]
    Xml(String),
    /// The source answered with an error of its own (CloudSponge `error`, Convio
    /// `errorResponse`, Popsell `IsSuccessfull: false`, `<response status="fail">`).
    #[error("the source reported an error{}: {message}", code.as_deref().map(|c| format!(" ({c})")).unwrap_or_default())]
    Source {
        /// The source's error code, when it gave one.
        code: Option<String>,
        /// The source's message.
        message: String,
    },
    /// The content is not any format this crate reads.
    #[error("unrecognized format: {0}")]
    UnknownFormat(String),
    /// The input was empty.
    #[error("empty input")]
    Empty,
}

impl Error {
    /// A short stable code for the error kind, for machines (JSON output, UI messages).
    pub fn code(&self) -> &'static str {
        match self {
            Error::InvalidEmail { .. } => "invalid_email",
            Error::InvalidPhone { .. } => "invalid_phone",
            Error::MalformedRecord(_) => "malformed_record",
            Error::Truncated(_) => "truncated",
            Error::Charset(_) => "charset",
            Error::TooLong(_) => "too_long",
            Error::TooMany(_) => "too_many",
            Error::Json(_) => "json",
            Error::Xml(_) => "xml",
            Error::Source { .. } => "source",
            Error::UnknownFormat(_) => "unknown_format",
            Error::Empty => "empty",
        }
    }
}

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An [`Error`] found at a place in the input. Printed as `source:line: message`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The file name or provider the input came from.
    pub source: String,
    /// The 1-based line where the record (or value) starts; 0 when not known.
    pub line: u32,
    /// The error's [`Error::code`].
    pub code: &'static str,
    /// The error's message.
    pub message: String,
    #[serde(skip)]
    /// The error itself.
    pub error: Error,
}

impl Problem {
    /// A problem at `line` of `source`.
    pub fn new(source: impl Into<String>, line: u32, error: Error) -> Problem {
        Problem {
            source: source.into(),
            line,
            code: error.code(),
            message: error.to_string(),
            error,
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.source, self.line, self.message)
    }
}
