//! What the host page configured: attributes of `<contact-picker>` and `configure(options)`,
//! merged by the element's JS class into one plain object, read here once per change.
//!
//! Options mean what CloudSponge's options of the same purpose mean (README has the mapping).

use std::rc::Rc;

use crate::i18n::Overrides;
use crate::source::SourceKind;

/// Inline in the page, or a modal dialog opened by `launch()` / `open()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Part of the page: always visible, starting at the source menu.
    #[default]
    Inline,
    /// A modal dialog (WAI-ARIA Dialog (Modal) pattern), closed until opened.
    Modal,
}

/// The shape the host receives contacts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Shape {
    /// Our JSON schema (crates/contacts/schema/contact.schema.json).
    #[default]
    ContactPicker,
    /// CloudSponge's contact objects, for pages written against CloudSponge's callbacks.
    CloudSponge,
}

/// The widget's configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// The sources offered, in menu order (`sources="file device"`).
    pub sources: Vec<SourceKind>,
    /// Inline or modal.
    pub mode: Mode,
    /// The language of the interface and of sorting, a BCP 47 tag (`fr`, `en-GB`).
    pub locale: String,
    /// At most this many contacts can be selected.
    pub selection_limit: Option<usize>,
    /// Show the Select all / Select none buttons.
    pub display_select_all_none: bool,
    /// With one source, go straight to it.
    pub skip_source_menu: bool,
    /// Hand every imported contact to the host without showing the list.
    pub skip_contacts_display: bool,
    /// Sort by name (locale collation) rather than keep the source's order.
    pub sort_by_name: bool,
    /// The shape submitted contacts are handed over in.
    pub shape: Shape,
    /// The host's overrides of the interface's strings, by key (see `i18n`).
    pub strings: Rc<Overrides>,
    /// Whether `navigator.contacts.select` exists on this page (the device source).
    pub device_supported: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            sources: vec![SourceKind::File, SourceKind::Device],
            mode: Mode::Inline,
            locale: "en".into(),
            selection_limit: None,
            display_select_all_none: true,
            skip_source_menu: false,
            skip_contacts_display: false,
            sort_by_name: true,
            shape: Shape::ContactPicker,
            strings: Rc::default(),
            device_supported: false,
        }
    }
}

impl Options {
    /// The sources the menu shows: those configured, less the device source where the browser
    /// has no contact picker, without repeats.
    pub fn available_sources(&self) -> Vec<SourceKind> {
        let mut out: Vec<SourceKind> = Vec::new();
        for source in &self.sources {
            let usable = *source != SourceKind::Device || self.device_supported;
            if usable && !out.contains(source) {
                out.push(source.clone());
            }
        }
        out
    }
}

/// Reads `sources="file device gmail"` (spaces or commas).
pub fn parse_sources(text: &str) -> Vec<SourceKind> {
    text.split(|c: char| c.is_whitespace() || c == ',')
        .filter(|word| !word.is_empty())
        .map(SourceKind::parse)
        .collect()
}

/// Reads `mode`; anything but `modal` is inline.
pub fn parse_mode(text: &str) -> Mode {
    if text.trim().eq_ignore_ascii_case("modal") {
        Mode::Modal
    } else {
        Mode::Inline
    }
}

/// Reads `shape`; anything but `cloudsponge` is ours.
pub fn parse_shape(text: &str) -> Shape {
    if text.trim().eq_ignore_ascii_case("cloudsponge") {
        Shape::CloudSponge
    } else {
        Shape::ContactPicker
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_are_read_from_words_and_filtered_by_support() {
        let mut options = Options {
            sources: parse_sources("file, device  gmail file"),
            ..Options::default()
        };
        assert_eq!(
            options.available_sources(),
            vec![SourceKind::File, SourceKind::Account("gmail".into())]
        );
        options.device_supported = true;
        assert_eq!(options.available_sources().len(), 3);
    }

    #[test]
    fn mode_and_shape_default_to_inline_and_ours() {
        assert_eq!(parse_mode("Modal"), Mode::Modal);
        assert_eq!(parse_mode("dialog"), Mode::Inline);
        assert_eq!(parse_shape("CloudSponge"), Shape::CloudSponge);
        assert_eq!(parse_shape(""), Shape::ContactPicker);
    }
}
