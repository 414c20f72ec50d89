//! The interface's words: English built in, every other language (French ships with the
//! widget) and every string the host changes given as overrides, plurals and numbers done by
//! the browser's `Intl` (a language's plural rules and digit grouping are data we would
//! otherwise have to ship).
//!
//! A string is a template with `{name}` placeholders. A counted string has one template per
//! CLDR plural category, keyed `key.one`, `key.other` (and `key.few`, `key.many`... where a
//! language needs them); the category comes from `Intl.PluralRules`, and `key.other` is the
//! fallback. The host overrides any key: `configure({localeData: {"submit.other": "Invite {n}
//! friends"}})`. The README lists the keys.
//!
//! Why French is not in this module: every byte here is on every page's first load, and an
//! English page would carry French it never shows (1.6 KB gzip). French is
//! `www/locales/fr.json`; the element loads it (as `locales/fr.js`, in parallel with this
//! module) when the locale is French and passes it under the host's own overrides, so it
//! reaches [`Strings`] the way a host's language would.

use std::rc::Rc;

use crate::bridge;

/// English, the fallback for every key.
const EN: &[(&str, &str)] = &[
    ("title", "Import your contacts"),
    ("title.picker", "Choose contacts"),
    ("close", "Close"),
    ("menu.intro", "Where are your contacts?"),
    ("source.file", "A contact file"),
    ("source.file.hint", "CSV, vCard, JSON or XML, read on this device"),
    ("source.device", "This phone's contacts"),
    ("source.device.hint", "Pick people from your phone's address book"),
    ("source.account.hint", "Sign in to {brand}"),
    ("file.title", "Import a contact file"),
    ("file.drop", "Drop contact files here"),
    ("file.or", "or"),
    ("file.choose", "Choose files"),
    ("file.formats", "Google or Outlook CSV, vCard (.vcf), JSON or XML. Several files are merged."),
    ("file.privacy", "Your files are read in this browser and never uploaded."),
    ("back", "Back"),
    ("importing", "Importing contacts…"),
    ("importing.file", "Reading {file} ({index} of {count})"),
    ("importing.records.one", "{n} contact read"),
    ("importing.records.other", "{n} contacts read"),
    ("importing.problems.one", "{n} problem"),
    ("importing.problems.other", "{n} problems"),
    ("cancel", "Cancel"),
    ("search.label", "Search contacts"),
    ("search.placeholder", "Name, e-mail, phone or company"),
    ("select.all", "Select all"),
    ("select.none", "Select none"),
    ("sort.label", "Sort"),
    ("sort.name", "By name"),
    ("sort.source", "Original order"),
    ("selected.one", "{n} selected"),
    ("selected.other", "{n} selected"),
    ("list.label", "Contacts"),
    ("shown.one", "{shown} of {n} contact"),
    ("shown.other", "{shown} of {n} contacts"),
    ("no.results", "No contact matches “{query}”."),
    ("empty", "No contacts were found in this address book."),
    ("limit", "You can select up to {limit} contacts."),
    ("emails.label", "E-mail address to send to {name}"),
    ("emails.count.other", "{n} e-mails"),
    ("emails.none", "no e-mail"),
    ("merged", "merged"),
    ("merged.from.one", "Merged from {n} record:"),
    ("merged.from.other", "Merged from {n} records:"),
    ("merged.first", "{record}"),
    ("merged.note", "{record}: same {reason} {value}"),
    ("record", "{source}, line {line}"),
    ("reason.email", "e-mail"),
    ("reason.phone", "phone number"),
    ("reason.name", "name"),
    ("duplicate", "possible duplicate"),
    ("duplicate.note", "May be the same person as {name} (same {reason})."),
    ("details.title", "Details of {name}"),
    ("problems.skipped.one", "{n} record skipped"),
    ("problems.skipped.other", "{n} records skipped"),
    ("problems.fixed.one", "{n} value corrected or left out"),
    ("problems.fixed.other", "{n} values corrected or left out"),
    ("problems.show", "Show lines"),
    ("problems.hide", "Hide lines"),
    ("problem.line", "{place}: {what}"),
    ("problem.invalid_email", "the e-mail address “{value}” is not valid and was left out"),
    ("problem.invalid_phone", "the phone number “{value}” was kept as written"),
    ("problem.malformed_record", "this record could not be read and was skipped"),
    ("problem.truncated", "the file ends in the middle of this record"),
    ("problem.charset", "characters that could not be read were replaced"),
    ("problem.too_long", "a value was too long and was cut"),
    ("problem.too_many", "more items than one contact may hold: the rest were left out or kept as separate contacts"),
    ("problem.json", "this JSON could not be read"),
    ("problem.xml", "this XML could not be read"),
    ("problem.source", "the source reported an error"),
    ("problem.unknown_format", "this is not a contact file (vCard, CSV, JSON or XML)"),
    ("problem.empty", "no contact was found"),
    ("submit.one", "Add {n} contact"),
    ("submit.other", "Add {n} contacts"),
    ("submit.zero", "Add contacts"),
    ("done.one", "{n} contact added."),
    ("done.other", "{n} contacts added."),
    ("done.again", "Choose again"),
    ("done.another", "Import another address book"),
    ("error.title", "The import did not work"),
    ("error.read", "This file could not be read."),
    ("error.empty", "No contacts were found."),
    ("error.engine", "The import engine could not start."),
    ("error.csp", "This page's security policy blocks WebAssembly, which the contact picker needs."),
    ("error.device", "The phone's contacts could not be opened."),
    ("error.account", "Importing from {brand} goes through this site's contact-picker server, which is not set up on this page."),
    ("error.retry", "Try again"),
];

/// The host's strings, by key, as given (a few at most: a list, which costs the module less
/// than a map).
pub type Overrides = Vec<(String, String)>;

/// The strings of one language: the overrides (the language's table and the host's own,
/// merged by the element), then English.
#[derive(Debug, Clone, PartialEq)]
pub struct Strings {
    locale: String,
    overrides: Rc<Overrides>,
}

impl Strings {
    /// The strings for `locale` (a BCP 47 tag, for `Intl`), `overrides` first.
    pub fn new(locale: &str, overrides: Rc<Overrides>) -> Strings {
        Strings {
            locale: locale.to_string(),
            overrides,
        }
    }

    /// The locale, for `Intl` and the `lang` attribute.
    pub fn locale(&self) -> &str {
        &self.locale
    }

    fn template(&self, key: &str) -> Option<&str> {
        if let Some((_, text)) = self.overrides.iter().rev().find(|(k, _)| k == key) {
            return Some(text);
        }
        EN.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
    }

    /// True when `key` has a text (the host's, this language's or English).
    pub fn has(&self, key: &str) -> bool {
        self.template(key).is_some()
    }

    /// The string `key`, its placeholders filled from `args`.
    pub fn get(&self, key: &str, args: &[(&str, &str)]) -> String {
        fill(self.template(key).unwrap_or(key), args)
    }

    /// The string `key` counted `n` times: the template of `n`'s plural category (`{n}` is the
    /// number, formatted for the locale).
    pub fn count(&self, key: &str, n: usize, args: &[(&str, &str)]) -> String {
        let category = plural_category(&self.locale, n);
        let chosen = [category.as_str(), "other"]
            .into_iter()
            .find_map(|category| self.template(&[key, ".", category].concat()))
            .map(str::to_string);
        let number = self.number(n);
        let mut all = vec![("n", number.as_str())];
        all.extend_from_slice(args);
        fill(chosen.as_deref().unwrap_or(key), &all)
    }

    /// `n` written for the locale ("3,402" in English, "3 402" in French).
    pub fn number(&self, n: usize) -> String {
        format_number(&self.locale, n)
    }
}

/// Replaces each `{name}` of `template` by its value in `args` (unknown names stay as they
/// are: a host's typo shows rather than vanishes).
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match args.iter().find(|(k, _)| *k == name) {
                    Some((_, value)) => out.push_str(value),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

fn plural_category(locale: &str, n: usize) -> String {
    bridge::plural_category(locale, n)
}

fn format_number(locale: &str, n: usize) -> String {
    bridge::format_number(locale, n)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The French table as the element passes it (`www/locales/fr.json`).
    fn french() -> Rc<Overrides> {
        let table: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(include_str!("../www/locales/fr.json")).unwrap();
        Rc::new(
            table
                .into_iter()
                .map(|(key, text)| (key, text.as_str().unwrap().to_string()))
                .collect(),
        )
    }

    #[test]
    fn templates_are_filled_and_unknown_names_kept() {
        assert_eq!(fill("{a} and {b}", &[("a", "x"), ("b", "y")]), "x and y");
        assert_eq!(fill("{a} {missing} {", &[("a", "x")]), "x {missing} {");
        assert_eq!(fill("no braces", &[]), "no braces");
    }

    #[test]
    fn french_and_english_plurals() {
        let en = Strings::new("en-US", Rc::default());
        let fr = Strings::new("fr-FR", french());
        assert_eq!(en.count("selected", 1, &[]), "1 selected");
        assert_eq!(en.count("submit", 2, &[]), "Add 2 contacts");
        assert_eq!(fr.count("submit", 0, &[]), "Ajouter 0 contact");
        assert_eq!(fr.count("selected", 3, &[]), "3 sélectionnés");
    }

    #[test]
    fn the_host_overrides_any_key_and_missing_french_falls_back_to_english() {
        let overrides = vec![("submit.other".to_string(), "Invite {n} friends".to_string())];
        let en = Strings::new("en", Rc::new(overrides));
        assert_eq!(en.count("submit", 5, &[]), "Invite 5 friends");
        assert_eq!(en.count("submit", 1, &[]), "Add 1 contact");
        let mut french_and_host = (*french()).clone();
        french_and_host.retain(|(key, _)| key != "emails.count.other");
        french_and_host.push(("submit.other".to_string(), "Inviter {n} amis".to_string()));
        let fr = Strings::new("fr", Rc::new(french_and_host));
        assert_eq!(fr.count("emails.count", 2, &[]), "2 e-mails");
        assert_eq!(fr.count("submit", 5, &[]), "Inviter 5 amis");
        assert_eq!(fr.get("close", &[]), "Fermer");
    }

    #[test]
    fn every_french_key_exists_in_english_and_every_english_text_in_french() {
        let french = french();
        for (key, text) in french.iter() {
            assert!(
                EN.iter().any(|(k, _)| k == key),
                "{key} has no English text"
            );
            assert!(!text.is_empty(), "{key} is empty in French");
        }
        for (key, _) in EN {
            let counted = key.ends_with(".one") || key.ends_with(".zero");
            if !counted {
                assert!(
                    french.iter().any(|(k, _)| k == key),
                    "{key} has no French text"
                );
            }
        }
    }
}
