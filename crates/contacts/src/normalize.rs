//! Normalization of a whole contact: text (NFC, whitespace), names, e-mails, phones, labels.
//!
//! STUB: being written (see ARCHITECTURE.md).

use crate::error::Error;
use crate::model::Contact;

/// Normalization settings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NormalizeOptions {
    /// ISO 3166 two-letter region for phone numbers written without a country code.
    pub region: Option<String>,
}

/// Normalizes `contact` in place; returns what was rejected or could not be normalized.
pub fn contact(_contact: &mut Contact, _options: &NormalizeOptions) -> Vec<Error> {
    Vec::new()
}
