//! The interface's words: English and French built in, every string overridable by the host
//! (`localeData`), plurals and numbers done by the browser's `Intl` (a language's plural rules
//! and digit grouping are data we would otherwise have to ship).
//!
//! A string is a template with `{name}` placeholders. A counted string has one template per
//! CLDR plural category, keyed `key.one`, `key.other` (and `key.few`, `key.many`... where a
//! language needs them); the category comes from `Intl.PluralRules`, and `key.other` is the
//! fallback. The host overrides any key: `configure({localeData: {"submit.other": "Invite {n}
//! friends"}})`. The README lists the keys.

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

/// French.
const FR: &[(&str, &str)] = &[
    ("title", "Importer vos contacts"),
    ("title.picker", "Choisir des contacts"),
    ("close", "Fermer"),
    ("menu.intro", "Où sont vos contacts ?"),
    ("source.file", "Un fichier de contacts"),
    ("source.file.hint", "CSV, vCard, JSON ou XML, lu sur cet appareil"),
    ("source.device", "Les contacts de ce téléphone"),
    ("source.device.hint", "Choisir dans le carnet d’adresses du téléphone"),
    ("source.account.hint", "Se connecter à {brand}"),
    ("file.title", "Importer un fichier de contacts"),
    ("file.drop", "Déposez vos fichiers de contacts ici"),
    ("file.or", "ou"),
    ("file.choose", "Choisir des fichiers"),
    ("file.formats", "CSV Google ou Outlook, vCard (.vcf), JSON ou XML. Plusieurs fichiers sont fusionnés."),
    ("file.privacy", "Vos fichiers sont lus dans ce navigateur et ne sont jamais envoyés."),
    ("back", "Retour"),
    ("importing", "Import des contacts…"),
    ("importing.file", "Lecture de {file} ({index} sur {count})"),
    ("importing.records.one", "{n} contact lu"),
    ("importing.records.other", "{n} contacts lus"),
    ("importing.problems.one", "{n} problème"),
    ("importing.problems.other", "{n} problèmes"),
    ("cancel", "Annuler"),
    ("search.label", "Rechercher des contacts"),
    ("search.placeholder", "Nom, e-mail, téléphone ou société"),
    ("select.all", "Tout sélectionner"),
    ("select.none", "Tout désélectionner"),
    ("sort.label", "Trier"),
    ("sort.name", "Par nom"),
    ("sort.source", "Ordre d’origine"),
    ("selected.one", "{n} sélectionné"),
    ("selected.other", "{n} sélectionnés"),
    ("list.label", "Contacts"),
    ("shown.one", "{shown} sur {n} contact"),
    ("shown.other", "{shown} sur {n} contacts"),
    ("no.results", "Aucun contact ne correspond à « {query} »."),
    ("empty", "Aucun contact n’a été trouvé dans ce carnet d’adresses."),
    ("limit", "Vous pouvez sélectionner jusqu’à {limit} contacts."),
    ("emails.label", "Adresse e-mail à utiliser pour {name}"),
    ("emails.count.other", "{n} e-mails"),
    ("emails.none", "pas d’e-mail"),
    ("merged", "fusionné"),
    ("merged.from.one", "Fusion de {n} fiche :"),
    ("merged.from.other", "Fusion de {n} fiches :"),
    ("merged.first", "{record}"),
    ("merged.note", "{record} : même {reason} {value}"),
    ("record", "{source}, ligne {line}"),
    ("reason.email", "e-mail"),
    ("reason.phone", "numéro de téléphone"),
    ("reason.name", "nom"),
    ("duplicate", "doublon possible"),
    ("duplicate.note", "Peut-être la même personne que {name} (même {reason})."),
    ("details.title", "Détails de {name}"),
    ("problems.skipped.one", "{n} fiche ignorée"),
    ("problems.skipped.other", "{n} fiches ignorées"),
    ("problems.fixed.one", "{n} valeur corrigée ou écartée"),
    ("problems.fixed.other", "{n} valeurs corrigées ou écartées"),
    ("problems.show", "Voir les lignes"),
    ("problems.hide", "Masquer les lignes"),
    ("problem.line", "{place} : {what}"),
    ("problem.invalid_email", "l’adresse e-mail « {value} » n’est pas valide et a été écartée"),
    ("problem.invalid_phone", "le numéro de téléphone « {value} » a été gardé tel quel"),
    ("problem.malformed_record", "cette fiche n’a pas pu être lue et a été ignorée"),
    ("problem.truncated", "le fichier se termine au milieu de cette fiche"),
    ("problem.charset", "des caractères illisibles ont été remplacés"),
    ("problem.too_long", "une valeur trop longue a été coupée"),
    ("problem.too_many", "plus d’éléments qu’un contact ne peut en contenir : le surplus a été écarté ou gardé en contacts séparés"),
    ("problem.json", "ce JSON n’a pas pu être lu"),
    ("problem.xml", "ce XML n’a pas pu être lu"),
    ("problem.source", "la source a signalé une erreur"),
    ("problem.unknown_format", "ce n’est pas un fichier de contacts (vCard, CSV, JSON ou XML)"),
    ("problem.empty", "aucun contact n’a été trouvé"),
    ("submit.one", "Ajouter {n} contact"),
    ("submit.other", "Ajouter {n} contacts"),
    ("submit.zero", "Ajouter des contacts"),
    ("done.one", "{n} contact ajouté."),
    ("done.other", "{n} contacts ajoutés."),
    ("done.again", "Choisir à nouveau"),
    ("done.another", "Importer un autre carnet d’adresses"),
    ("error.title", "L’import n’a pas abouti"),
    ("error.read", "Ce fichier n’a pas pu être lu."),
    ("error.empty", "Aucun contact n’a été trouvé."),
    ("error.engine", "Le moteur d’import n’a pas pu démarrer."),
    ("error.csp", "La politique de sécurité de cette page bloque WebAssembly, dont le sélecteur de contacts a besoin."),
    ("error.device", "Les contacts du téléphone n’ont pas pu être ouverts."),
    ("error.account", "L’import depuis {brand} passe par le serveur contact-picker de ce site, qui n’est pas installé sur cette page."),
    ("error.retry", "Réessayer"),
];

/// The host's strings, by key, as given (a few at most: a list, which costs the module less
/// than a map).
pub type Overrides = Vec<(String, String)>;

/// The strings of one language, with the host's overrides.
#[derive(Debug, Clone, PartialEq)]
pub struct Strings {
    locale: String,
    table: &'static [(&'static str, &'static str)],
    overrides: Rc<Overrides>,
}

impl Strings {
    /// The strings for `locale` (a BCP 47 tag): French for `fr*`, English otherwise.
    pub fn new(locale: &str, overrides: Rc<Overrides>) -> Strings {
        let language = locale.split(['-', '_']).next().unwrap_or("");
        let table = if language.eq_ignore_ascii_case("fr") {
            FR
        } else {
            EN
        };
        Strings {
            locale: locale.to_string(),
            table,
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
        let find = |table: &'static [(&'static str, &'static str)]| {
            table.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
        };
        find(self.table).or_else(|| find(EN))
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
        let chosen = [format!("{key}.{category}"), format!("{key}.other")]
            .into_iter()
            .find_map(|k| self.template(&k).map(str::to_string));
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

    #[test]
    fn templates_are_filled_and_unknown_names_kept() {
        assert_eq!(fill("{a} and {b}", &[("a", "x"), ("b", "y")]), "x and y");
        assert_eq!(fill("{a} {missing} {", &[("a", "x")]), "x {missing} {");
        assert_eq!(fill("no braces", &[]), "no braces");
    }

    #[test]
    fn french_and_english_plurals() {
        let en = Strings::new("en-US", Rc::default());
        let fr = Strings::new("fr-FR", Rc::default());
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
        let fr = Strings::new("fr", Rc::default());
        assert_eq!(fr.count("emails.count", 2, &[]), "2 e-mails");
    }

    #[test]
    fn every_french_key_exists_in_english() {
        for (key, _) in FR {
            assert!(
                EN.iter().any(|(k, _)| k == key),
                "{key} has no English text"
            );
        }
        for (key, _) in EN {
            let counted = key.ends_with(".one") || key.ends_with(".zero");
            if !counted {
                assert!(FR.iter().any(|(k, _)| k == key), "{key} has no French text");
            }
        }
    }
}
