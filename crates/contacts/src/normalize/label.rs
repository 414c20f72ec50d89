//! Label mapping: the source's own label text ("_$!<Home>!$_", "INTERNET,WORK", "Handy",
//! "E-mail 1") to one of the four [`Label`]s. The source's text is kept beside it.

use crate::model::Label;

/// Words that mean each label, lower-case, in the languages address books commonly export.
const MOBILE: &[&str] = &[
    "mobile",
    "mobil",
    "cell",
    "cellular",
    "cellphone",
    "handy",
    "portable",
    "móvil",
    "movil",
    "celular",
    "cellulare",
    "iphone",
    "mobiel",
    "komórkowy",
    "gsm",
];
const WORK: &[&str] = &[
    "work",
    "business",
    "office",
    "company",
    "geschäftlich",
    "geschaeftlich",
    "büro",
    "buero",
    "arbeit",
    "firma",
    "dienstlich",
    "travail",
    "bureau",
    "professionnel",
    "trabajo",
    "oficina",
    "lavoro",
    "ufficio",
    "trabalho",
    "werk",
    "zakelijk",
];
const HOME: &[&str] = &[
    "home",
    "privat",
    "private",
    "personal",
    "privé",
    "prive",
    "maison",
    "domicile",
    "casa",
    "personnel",
    "zuhause",
    "thuis",
    "hogar",
    "particular",
];

/// Maps a raw label to a [`Label`]. Case-insensitive; Apple's `_$!<Home>!$_` wrapper is
/// unwrapped; a vCard TYPE list ("INTERNET,WORK", "WORK;PREF") or a phrase ("Work Mobile",
/// "Home Fax") is read word by word. Mobile wins over work and home (a "Work Mobile" is
/// dialled as a mobile), work wins over home; a fax or pager is "other" even at home or work,
/// because it cannot take a call or a text.
pub fn map(raw: &str) -> Label {
    let inner = raw.trim();
    let inner = inner
        .strip_prefix("_$!<")
        .and_then(|s| s.strip_suffix(">!$_"))
        .unwrap_or(inner);
    let mut found = Label::Other;
    for word in inner
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        // ASCII words (nearly all) are lower-cased on the stack, others allocate.
        let mut ascii = [0u8; 16];
        let lower;
        let word = if word.is_ascii() && word.len() <= ascii.len() {
            let buffer = &mut ascii[..word.len()];
            buffer.copy_from_slice(word.as_bytes());
            buffer.make_ascii_lowercase();
            std::str::from_utf8(buffer).unwrap_or_default()
        } else {
            lower = word.to_lowercase();
            lower.as_str()
        };
        if matches!(word, "fax" | "telefax" | "pager" | "beeper") {
            return Label::Other;
        }
        if MOBILE.contains(&word) {
            found = Label::Mobile;
        } else if WORK.contains(&word) && found != Label::Mobile {
            found = Label::Work;
        } else if HOME.contains(&word) && found == Label::Other {
            found = Label::Home;
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages() {
        for raw in [
            "home",
            "HOME",
            "Privat",
            "personal",
            "maison",
            "casa",
            "_$!<Home>!$_",
        ] {
            assert_eq!(map(raw), Label::Home, "{raw}");
        }
        for raw in [
            "work",
            "Business",
            "office",
            "Geschäftlich",
            "GESCHÄFTLICH",
            "travail",
            "trabajo",
            "INTERNET,WORK",
        ] {
            assert_eq!(map(raw), Label::Work, "{raw}");
        }
        for raw in [
            "mobile",
            "CELL",
            "cellular",
            "Handy",
            "portable",
            "Móvil",
            "iPhone",
            "_$!<Mobile>!$_",
        ] {
            assert_eq!(map(raw), Label::Mobile, "{raw}");
        }
        for raw in [
            "",
            "fax",
            "pager",
            "main",
            "other",
            "Email 1",
            "INTERNET",
            "_$!<Other>!$_",
            "custom",
        ] {
            assert_eq!(map(raw), Label::Other, "{raw}");
        }
    }

    #[test]
    fn lists_and_phrases() {
        assert_eq!(map("WORK,PREF"), Label::Work);
        assert_eq!(map("INTERNET;HOME;PREF"), Label::Home);
        assert_eq!(map("Work Mobile"), Label::Mobile);
        assert_eq!(map("CELL,VOICE"), Label::Mobile);
        assert_eq!(map("WORK,FAX"), Label::Other);
        assert_eq!(map("Home Fax"), Label::Other);
        assert_eq!(map("* myContacts"), Label::Other);
    }
}
