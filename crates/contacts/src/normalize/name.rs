//! Names: parts from a display name (or from a given-name field that holds the whole name),
//! a display name from parts, and ALL-CAPS names put in title case.
//!
//! The source's display name is kept as written (after the text rules); only parts are
//! derived from it, and only when the split is safe: a display name with digits, `@`, `&`,
//! brackets or more than six words, or one equal to the organization (an organization card),
//! is not split. A name is never made up from an e-mail address.

use crate::model::Name;

/// Honorific prefixes recognized at the start of a display name (compared without the dot,
/// case-insensitively).
const PREFIXES: &[&str] = &[
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "rev", "herr", "frau", "mme",
    "mlle", "m", "sr", "sra", "srta", "dott", "ing", "mag",
];

/// Honorific or generational suffixes recognized at the end (without dots, case-insensitive).
const SUFFIXES: &[&str] = &[
    "jr", "sr", "ii", "iii", "iv", "v", "phd", "md", "esq", "dds", "mba", "jun", "sen",
];

/// Lower-case words that begin a family name ("van der Berg", "de la Cruz", "von Neumann").
const PARTICLES: &[&str] = &[
    "van", "von", "der", "den", "de", "du", "da", "di", "del", "della", "des", "la", "le", "dos",
    "das", "do", "ter", "ten", "zu", "y",
];

/// Roman numerals kept upper-case when a name is put in title case.
const NUMERALS: &[&str] = &["II", "III", "IV", "VI", "VII", "VIII"];

/// The parts a full name was split into.
#[derive(Debug, Default, PartialEq, Eq)]
struct Parts {
    prefix: Option<String>,
    given: Option<String>,
    middle: Option<String>,
    family: Option<String>,
    suffix: Option<String>,
}

fn bare(word: &str) -> String {
    word.trim_end_matches('.').to_lowercase()
}

fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{1100}'..='\u{11FF}' | '\u{3040}'..='\u{30FF}' | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}' | '\u{AC00}'..='\u{D7AF}' | '\u{F900}'..='\u{FAFF}')
}

/// Splits a full name into parts, or None when the split would be a guess.
fn split(full: &str) -> Option<Parts> {
    let allowed = |c: char| {
        c.is_alphabetic() || matches!(c, ' ' | '.' | '-' | '\'' | '\u{2019}' | ',') || is_mark(c)
    };
    if !full.chars().all(allowed) {
        return None;
    }
    // A dot inside a word followed by more letters ("gnp.exe", "example.com") is not an
    // initial ("J.R.") or an abbreviation ("Dr."): not a person's name.
    let dotted_word = |w: &str| {
        w.split('.')
            .skip(1)
            .any(|after| after.chars().filter(|c| c.is_alphabetic()).count() > 1)
    };
    if full.split([' ', ',']).any(dotted_word) {
        return None;
    }
    if let Some((left, right)) = full.split_once(',') {
        let (left, right) = (left.trim(), right.trim());
        if left.is_empty() || right.is_empty() || right.contains(',') {
            return None;
        }
        if SUFFIXES.contains(&bare(right).as_str()) {
            // "John Doe, Jr."
            let mut parts = split_words(left)?;
            parts.suffix = Some(right.to_string());
            return Some(parts);
        }
        // "Durand, Aurélie" / "van der Berg, Jan Peter"
        let mut given_words = right.split(' ');
        let given = given_words.next().map(str::to_string);
        let middle = join(given_words.collect());
        return Some(Parts {
            given,
            middle,
            family: Some(left.to_string()),
            ..Parts::default()
        });
    }
    split_words(full)
}

fn is_mark(c: char) -> bool {
    unicode_normalization::char::is_combining_mark(c)
}

fn join(words: Vec<&str>) -> Option<String> {
    (!words.is_empty()).then(|| words.join(" "))
}

fn split_words(full: &str) -> Option<Parts> {
    let mut words: Vec<&str> = full.split(' ').filter(|w| !w.is_empty()).collect();
    if words.is_empty() || words.len() > 6 {
        return None;
    }
    if words.iter().any(|w| w.chars().any(is_cjk)) {
        // Chinese, Japanese, Korean: family name first; one word is not split.
        return match words[..] {
            [family, given] => Some(Parts {
                given: Some(given.into()),
                family: Some(family.into()),
                ..Parts::default()
            }),
            _ => None,
        };
    }
    let mut parts = Parts::default();
    if words.len() >= 2
        && words
            .first()
            .is_some_and(|w| PREFIXES.contains(&bare(w).as_str()))
    {
        parts.prefix = Some(words.remove(0).to_string());
    }
    if words.len() >= 3
        && words
            .last()
            .is_some_and(|w| SUFFIXES.contains(&bare(w).as_str()))
    {
        parts.suffix = words.pop().map(str::to_string);
    }
    match words[..] {
        [] => return None,
        [only] if parts.prefix.is_some() => parts.family = Some(only.into()),
        [only] => parts.given = Some(only.into()),
        _ => {
            // The family name is the last word plus the particles right before it.
            let mut family_start = words.len() - 1;
            while family_start > 1
                && PARTICLES.contains(&words[family_start - 1].to_lowercase().as_str())
            {
                family_start -= 1;
            }
            parts.given = Some(words[0].to_string());
            parts.middle = join(words[1..family_start].to_vec());
            parts.family = join(words[family_start..].to_vec());
        }
    }
    Some(parts)
}

/// Fills the empty fields of `name` from `parts`.
fn fill(name: &mut Name, parts: Parts) {
    let Parts {
        prefix,
        given,
        middle,
        family,
        suffix,
    } = parts;
    name.prefix = name.prefix.take().or(prefix);
    name.given = given; // the field being split is replaced
    name.middle = name.middle.take().or(middle);
    name.family = name.family.take().or(family);
    name.suffix = name.suffix.take().or(suffix);
}

/// Completes a name whose fields have been through the text rules. `organization` is the
/// contact's organization: a display name equal to it is a company, not a person, and is not
/// split.
pub fn name(name: &mut Name, organization: Option<&str>) {
    // A given-name field holding the whole name ("Aurélie Durand", no family name).
    if name.family.is_none() && name.middle.is_none() {
        if let Some(given) = name.given.as_deref().filter(|g| g.contains([' ', ','])) {
            if let Some(parts) = split(given) {
                fill(name, parts);
            }
        }
    }
    let no_parts = name.given.is_none()
        && name.middle.is_none()
        && name.family.is_none()
        && name.prefix.is_none()
        && name.suffix.is_none();
    if no_parts {
        if let Some(display) = name.display.as_deref() {
            let is_organization =
                organization.is_some_and(|o| o.to_lowercase() == display.to_lowercase());
            if !is_organization {
                if let Some(parts) = split(display) {
                    fill(name, parts);
                }
            }
        }
    }
    let is_organization = name.given.is_none()
        && name.family.is_none()
        && organization
            .zip(name.display.as_deref())
            .is_some_and(|(o, d)| o.to_lowercase() == d.to_lowercase());
    if !is_organization && is_all_caps(name) {
        for field in [
            &mut name.display,
            &mut name.given,
            &mut name.middle,
            &mut name.family,
        ] {
            if let Some(value) = field.as_mut() {
                *value = title_case(value);
            }
        }
        // A family name alone starts with its particle lower-case only after a given name.
        if let Some(family) = name.family.as_mut() {
            *family = lower_particles(family);
        }
    }
    if name.display.is_none() {
        name.display = display_from_parts(name);
    }
}

/// "prefix given middle family suffix", in every script. Not family-first for CJK names:
/// exports put whatever the person typed under "First Name" (Outlook's corpus sample has the
/// surname 李 there), and Google and Outlook both display "First Last"; reordering would guess.
fn display_from_parts(name: &Name) -> Option<String> {
    // A salutation (Outlook's "Title", German "Anrede") stays in `prefix` but is not part of
    // the name a person is shown by; an academic or professional title ("Dr.") is.
    let prefix = name.prefix.as_ref().filter(|p| !is_salutation(p));
    let fields = [
        prefix,
        name.given.as_ref(),
        name.middle.as_ref(),
        name.family.as_ref(),
        name.suffix.as_ref(),
    ];
    let words: Vec<&str> = fields
        .iter()
        .filter_map(|f| f.map(String::as_str))
        .collect();
    join(words)
}

/// Mr, Mrs, Ms, Herr, Frau, Madame... in the languages Outlook exports in.
fn is_salutation(prefix: &str) -> bool {
    const SALUTATIONS: &[&str] = &[
        "mr",
        "mrs",
        "ms",
        "miss",
        "mx",
        "herr",
        "frau",
        "fräulein",
        "m",
        "mme",
        "mlle",
        "monsieur",
        "madame",
        "mademoiselle",
        "sr",
        "sra",
        "srta",
        "señor",
        "señora",
        "sig",
        "sig.ra",
        "signor",
        "signora",
        "dhr",
        "mevr",
    ];
    let key = prefix.trim().trim_end_matches('.').to_lowercase();
    SALUTATIONS.contains(&key.as_str())
}

/// True when every letter of the name is upper-case, the name has at least two words, and
/// every word has more than one letter (initials like "J." aside): "JOHN SMITH", but not
/// "IBM", "McDONALD" (has lower-case) or "J R".
fn is_all_caps(name: &Name) -> bool {
    let fields = [&name.display, &name.given, &name.middle, &name.family];
    let mut words = 0;
    for (index, field) in fields.iter().enumerate() {
        let Some(field) = field.as_deref() else {
            continue;
        };
        for word in field.split(' ') {
            let letters = word.chars().filter(|c| c.is_alphabetic()).count();
            if word.chars().any(char::is_lowercase)
                || !word.chars().any(char::is_uppercase) && letters > 0
            {
                return false;
            }
            let initial = letters == 1 && word.ends_with('.');
            if letters == 1 && !initial {
                return false;
            }
            // Words are counted in the display name when there is one (the parts repeat it).
            if index == 0 || name.display.is_none() {
                words += usize::from(letters > 0);
            }
        }
    }
    words >= 2
}

/// Title case for an all-caps name: "O'BRIEN" → "O'Brien", "MCDONALD" → "McDonald",
/// "JAN VAN DER BERG" → "Jan van der Berg", "SMITH-JONES" → "Smith-Jones", "JOHN III" keeps
/// the numeral.
fn title_case(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for (index, word) in value.split(' ').enumerate() {
        if index > 0 {
            out.push(' ');
        }
        if NUMERALS.contains(&word) {
            out.push_str(word);
            continue;
        }
        if index > 0 && PARTICLES.contains(&word.to_lowercase().as_str()) {
            out.push_str(&word.to_lowercase());
            continue;
        }
        let mut segment = String::new();
        for c in word.chars() {
            if matches!(c, '-' | '\'' | '\u{2019}') {
                out.push_str(&capitalize(&segment));
                out.push(c);
                segment.clear();
            } else {
                segment.push(c);
            }
        }
        out.push_str(&capitalize(&segment));
    }
    out
}

/// "BRIEN" → "Brien", "MCDONALD" → "McDonald".
fn capitalize(segment: &str) -> String {
    let lower = segment.to_lowercase();
    let mut chars = lower.chars();
    let Some(first) = chars.next() else {
        return String::new();
    };
    let rest = chars.as_str();
    let mut out: String = first.to_uppercase().collect();
    if first == 'm' && rest.len() > 2 && rest.starts_with('c') {
        out.push('c');
        let mut after = rest[1..].chars();
        if let Some(third) = after.next() {
            out.extend(third.to_uppercase());
        }
        out.push_str(after.as_str());
    } else {
        out.push_str(rest);
    }
    out
}

fn lower_particles(family: &str) -> String {
    let mut words: Vec<String> = family.split(' ').map(str::to_string).collect();
    let last = words.len().saturating_sub(1);
    for word in words.iter_mut().take(last) {
        let lower = word.to_lowercase();
        if PARTICLES.contains(&lower.as_str()) {
            *word = lower;
        }
    }
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn from_display(display: &str) -> Name {
        let mut n = Name {
            display: Some(display.into()),
            ..Name::default()
        };
        name(&mut n, None);
        n
    }

    fn parts(n: &Name) -> [Option<&str>; 5] {
        [
            n.prefix.as_deref(),
            n.given.as_deref(),
            n.middle.as_deref(),
            n.family.as_deref(),
            n.suffix.as_deref(),
        ]
    }

    #[test]
    fn display_is_split() {
        let n = from_display("Durand, Aurélie");
        assert_eq!(
            parts(&n),
            [None, Some("Aurélie"), None, Some("Durand"), None]
        );
        assert_eq!(n.display.as_deref(), Some("Durand, Aurélie"));
        assert_eq!(
            parts(&from_display("Aurélie Durand")),
            [None, Some("Aurélie"), None, Some("Durand"), None]
        );
        let n = from_display("Mr. John Richter James Doe Sr.");
        assert_eq!(n.display.as_deref(), Some("Mr. John Richter James Doe Sr."));
        assert_eq!(
            parts(&n),
            [
                Some("Mr."),
                Some("John"),
                Some("Richter James"),
                Some("Doe"),
                Some("Sr.")
            ]
        );
        assert_eq!(
            parts(&from_display("Jan van der Berg")),
            [None, Some("Jan"), None, Some("van der Berg"), None]
        );
        assert_eq!(
            parts(&from_display("John Doe, Jr.")),
            [None, Some("John"), None, Some("Doe"), Some("Jr.")]
        );
        assert_eq!(
            parts(&from_display("Bob")),
            [None, Some("Bob"), None, None, None]
        );
        assert_eq!(
            parts(&from_display("김 철수")),
            [None, Some("철수"), None, Some("김"), None]
        );
    }

    #[test]
    fn unsafe_displays_are_not_split() {
        for display in [
            "ada@example.org",
            "gnp.exe",
            "John & Jane Doe",
            "Room 101",
            "(Work) Ada",
            "김철수",
            "a b c d e f g",
        ] {
            let n = from_display(display);
            assert_eq!(parts(&n), [None; 5], "{display}");
            assert_eq!(n.display.as_deref(), Some(display));
        }
        let mut organization = Name {
            display: Some("Apple Computer AG".into()),
            ..Name::default()
        };
        name(&mut organization, Some("Apple Computer AG"));
        assert_eq!(organization.given, None);
    }

    #[test]
    fn given_holding_the_full_name_is_split() {
        let mut n = Name {
            given: Some("Aurélie Durand".into()),
            ..Name::default()
        };
        name(&mut n, None);
        assert_eq!(
            parts(&n),
            [None, Some("Aurélie"), None, Some("Durand"), None]
        );
        assert_eq!(n.display.as_deref(), Some("Aurélie Durand"));
    }

    #[test]
    fn display_from_parts() {
        let mut n = Name {
            prefix: Some("Prefix".into()),
            given: Some("FirstName".into()),
            middle: Some("MiddleName".into()),
            family: Some("LastName".into()),
            suffix: Some("Suffix".into()),
            display: None,
        };
        name(&mut n, None);
        assert_eq!(
            n.display.as_deref(),
            Some("Prefix FirstName MiddleName LastName Suffix")
        );
        let mut cjk = Name {
            given: Some("철수".into()),
            family: Some("김".into()),
            ..Name::default()
        };
        name(&mut cjk, None);
        assert_eq!(cjk.display.as_deref(), Some("철수 김"));
    }

    #[test]
    fn all_caps_becomes_title_case() {
        assert_eq!(
            from_display("JOHN SMITH").display.as_deref(),
            Some("John Smith")
        );
        assert_eq!(from_display("JOHN SMITH").family.as_deref(), Some("Smith"));
        assert_eq!(
            from_display("SEAN O'BRIEN").display.as_deref(),
            Some("Sean O'Brien")
        );
        assert_eq!(
            from_display("RONALD MCDONALD").display.as_deref(),
            Some("Ronald McDonald")
        );
        assert_eq!(
            from_display("JAN VAN DER BERG").family.as_deref(),
            Some("van der Berg")
        );
        assert_eq!(
            from_display("ÉLODIE ÇAĞLAR-ÖZ").display.as_deref(),
            Some("Élodie Çağlar-Öz")
        );
        assert_eq!(
            from_display("ΣΩΚΡΑΤΗΣ ΠΑΠΑΣ").display.as_deref(),
            Some("Σωκρατης Παπας")
        );
        assert_eq!(
            from_display("J. SMITH").display.as_deref(),
            Some("J. Smith")
        );
        assert_eq!(
            from_display("JOHN SMITH III").display.as_deref(),
            Some("John Smith III")
        );
        // Not all caps, one word, or single letters: left alone.
        for display in ["Ronald McDONALD", "IBM", "J R", "John SMITH"] {
            assert_eq!(from_display(display).display.as_deref(), Some(display));
        }
    }
}
