//! The crate's one error type: what went wrong, in terms the picker's UI can show.
//!
//! Each variant says who has to act: the visitor (wrong password, refused consent), the site
//! owner (the site's own keys refused), or nobody in particular (the provider failed, the network
//! timed out). A provider's own message is kept verbatim.

/// Everything that can go wrong talking to a provider.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The visitor's (or the CLI user's) username, password or session token was refused.
    #[error("wrong username or password{}", detail(.message))]
    WrongCredentials {
        /// The provider's own words, when it gave any.
        message: Option<String>,
    },
    /// The site's own credentials (CloudSponge domain key, Convio API key, Popsell static key)
    /// were refused: the site is misconfigured, the visitor can do nothing about it.
    #[error("the provider refused this site's credentials{}", detail(.message))]
    Unauthorized {
        /// The provider's own words, when it gave any.
        message: Option<String>,
    },
    /// The visitor did not allow access to the address book.
    #[error("access to the address book was refused{}", detail(.message))]
    ConsentRefused {
        /// The provider's own words, when it gave any.
        message: Option<String>,
    },
    /// The provider answered with an error of its own.
    #[error("the provider reported an error{}: {message}", .code.as_deref().map(|c| format!(" ({c})")).unwrap_or_default())]
    Provider {
        /// The provider's message.
        message: String,
        /// The provider's error code, when it gave one.
        code: Option<String>,
    },
    /// A request, or the whole job, took longer than allowed.
    #[error("timed out: {what}")]
    Timeout {
        /// What took too long ("request to …", "the import job").
        what: String,
    },
    /// The provider's answer could not be understood.
    #[error("malformed answer: {what}")]
    Malformed {
        /// What was wrong with it.
        what: String,
    },
    /// The provider answered with an HTTP status that means failure, and nothing more specific.
    /// The body is not kept: it is often an HTML error page, never meant for a person.
    #[error("the provider answered with HTTP status {status}{}", reason(*.status))]
    Http {
        /// The HTTP status code.
        status: u16,
    },
    /// A write failed after it may have reached the provider (no answer, a 5xx, an answer cut
    /// short), and sending it again could have doubled it: whether it took effect is unknown.
    #[error("it is not known whether the provider made this change, because {cause}")]
    InDoubt {
        /// What went wrong.
        cause: Box<Error>,
    },
    /// The job was cancelled; no request was sent after that.
    #[error("cancelled")]
    Cancelled,
    /// The request could not be sent or the answer not received (DNS, connection, TLS, CORS).
    #[error("network error: {0}")]
    Transport(String),
    /// The caller asked for something the protocol cannot do (a bad URL template, a missing
    /// mandatory field).
    #[error("invalid request: {0}")]
    Invalid(String),
}

/// " (Service Unavailable)": the standard reason phrase, when the status has one.
fn reason(status: u16) -> String {
    http::StatusCode::from_u16(status)
        .ok()
        .and_then(|code| code.canonical_reason())
        .map(|reason| format!(" ({reason})"))
        .unwrap_or_default()
}

fn detail(message: &Option<String>) -> String {
    match message {
        Some(m) if !m.is_empty() => format!(": {m}"),
        _ => String::new(),
    }
}

impl Error {
    /// A short stable code for the error kind, for machines (JSON output, UI message lookup).
    pub fn code(&self) -> &'static str {
        match self {
            Error::WrongCredentials { .. } => "wrong_credentials",
            Error::Unauthorized { .. } => "unauthorized",
            Error::ConsentRefused { .. } => "consent_refused",
            Error::Provider { .. } => "provider",
            Error::Timeout { .. } => "timeout",
            Error::Malformed { .. } => "malformed",
            Error::Http { .. } => "http",
            Error::InDoubt { .. } => "in_doubt",
            Error::Cancelled => "cancelled",
            Error::Transport(_) => "transport",
            Error::Invalid(_) => "invalid",
        }
    }

    /// True for failures that may go away when the same idempotent request is sent again (never
    /// [`Error::InDoubt`]: that one is for the caller to resolve).
    pub fn is_transient(&self) -> bool {
        match self {
            Error::Timeout { .. } | Error::Transport(_) | Error::Malformed { .. } => true,
            Error::Http { status, .. } => *status == 429 || *status == 408 || *status >= 500,
            _ => false,
        }
    }

    pub(crate) fn malformed(what: impl Into<String>) -> Error {
        Error::Malformed { what: what.into() }
    }
}

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
