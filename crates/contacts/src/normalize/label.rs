//! Label mapping: the source's own label text ("_$!<Home>!$_", "INTERNET,WORK", "Handy",
//! "E-mail 1") to one of the four [`Label`]s. The source's text is kept beside it.

use crate::model::Label;

/// What a lower-case word of a label says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Meaning {
    Mobile,
    Work,
    Home,
    /// A fax or pager: "other", whatever else the label says.
    NoCall,
}

/// The words that mean each label, lower-case, in the languages address books commonly export.
/// One `match` (the compiler switches on the length, then compares): the three word lists it
/// replaces were searched one entry after another (~1 k instructions a contact; callgrind).
fn meaning(word: &[u8]) -> Option<Meaning> {
    Some(match word {
        b"mobile" | b"mobil" | b"cell" | b"cellular" | b"cellphone" | b"handy" | b"portable"
        | b"movil" | b"celular" | b"cellulare" | b"iphone" | b"mobiel" | b"gsm" => Meaning::Mobile,
        b"work" | b"business" | b"office" | b"company" | b"geschaeftlich" | b"buero"
        | b"arbeit" | b"firma" | b"dienstlich" | b"travail" | b"bureau" | b"professionnel"
        | b"trabajo" | b"oficina" | b"lavoro" | b"ufficio" | b"trabalho" | b"werk"
        | b"zakelijk" => Meaning::Work,
        b"home" | b"privat" | b"private" | b"personal" | b"prive" | b"maison" | b"domicile"
        | b"casa" | b"personnel" | b"zuhause" | b"thuis" | b"hogar" | b"particular" => {
            Meaning::Home
        }
        b"fax" | b"telefax" | b"pager" | b"beeper" => Meaning::NoCall,
        _ if word.is_ascii() => return None,
        _ => match std::str::from_utf8(word).ok()? {
            "móvil" | "komórkowy" => Meaning::Mobile,
            "geschäftlich" | "büro" => Meaning::Work,
            "privé" => Meaning::Home,
            _ => return None,
        },
    })
}

/// Maps a raw label to a [`Label`]. Case-insensitive; Apple's `_$!<Home>!$_` wrapper is
/// unwrapped; a vCard TYPE list ("INTERNET,WORK", "WORK;PREF") or a phrase ("Work Mobile",
/// "Home Fax") is read word by word. Mobile wins over work and home (a "Work Mobile" is
/// dialled as a mobile), work wins over home; a fax or pager is "other" even at home or work,
/// because it cannot take a call or a text.
pub fn map(raw: &str) -> Label {
    let inner = super::text::trim(raw);
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
        let word: &[u8] = match ascii.get_mut(..word.len()) {
            Some(buffer) if word.is_ascii() => {
                buffer.copy_from_slice(word.as_bytes());
                buffer.make_ascii_lowercase();
                buffer
            }
            _ => {
                lower = word.to_lowercase();
                lower.as_bytes()
            }
        };
        match meaning(word) {
            Some(Meaning::NoCall) => return Label::Other,
            Some(Meaning::Mobile) => found = Label::Mobile,
            Some(Meaning::Work) if found != Label::Mobile => found = Label::Work,
            Some(Meaning::Home) if found == Label::Other => found = Label::Home,
            _ => {}
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn every_word_of_every_label() {
        let words = [
            (
                Label::Mobile,
                &[
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
                ][..],
            ),
            (
                Label::Work,
                &[
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
                ][..],
            ),
            (
                Label::Home,
                &[
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
                ][..],
            ),
        ];
        for (label, list) in words {
            for word in list {
                assert_eq!(map(word), label, "{word}");
                assert_eq!(map(&word.to_uppercase()), label, "{word}");
                assert_eq!(map(&format!("x {word} y")), label, "{word}");
                assert_eq!(map(&format!("{word} fax")), Label::Other, "{word}");
                assert_eq!(map(&format!("{word}s")), Label::Other, "{word}");
            }
        }
    }

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
