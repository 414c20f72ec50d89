//! Matching keys: how e-mails, phones, names and postal addresses are compared.
//!
//! Names are compared after *folding*: canonical decomposition (NFD), combining marks dropped
//! (accents folded: "Zoë" == "Zoe"), lower-cased, a few letters that do not decompose spelled
//! out ("ß" → "ss", "Ł" → "l", "ø" → "o"), apostrophes dropped ("O'Brien" == "OBrien"), then
//! split into tokens at anything that is not a letter or digit ("Jean-Luc" → "jean", "luc").
//! Folding is ours, not a library's: the crates that do full transliteration (`deunicode`,
//! `any_ascii`) also turn CJK names into Latin guesses, which would make unrelated names equal.

use unicode_normalization::char::is_combining_mark;

use super::nicknames::same_given;
use crate::model::{Address, Name, Phone};
use crate::normalize::text::trim;

/// Phone numbers with fewer digits than this never link records: junk like "+123" or a short
/// extension would otherwise merge strangers. The shortest real E.164 numbers (small island
/// states) have 7 digits including the country code.
pub(crate) const MIN_PHONE_DIGITS: usize = 7;

/// Honorifics and generational suffixes dropped when a name is only known as display text.
const HONORIFICS: &[&str] = &[
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "rev", "herr", "frau", "mme",
    "mlle", "jr", "sr", "ii", "iii", "iv", "phd", "md", "esq",
];

/// The key two e-mail addresses match on: the whole address lower-cased (local part too: no
/// real provider treats `Ada@` and `ada@` as different mailboxes).
pub(crate) fn email_key(address: &str) -> Option<String> {
    // Char by char (not `str::to_lowercase`, which special-cases a final sigma) so that
    // comparing without building keys gives the same answer.
    let key: String = address
        .trim()
        .chars()
        .flat_map(char::to_lowercase)
        .collect();
    (!key.is_empty()).then_some(key)
}

/// The key two phone numbers match on, from a number and its `e164` flag: the E.164 number,
/// when it is E.164 and long enough.
pub(crate) fn phone_key_of(number: &str, e164: bool) -> Option<&str> {
    let digits = number.bytes().filter(u8::is_ascii_digit).count();
    (e164 && digits >= MIN_PHONE_DIGITS).then_some(number)
}

/// The key a number is kept once by within a contact: the number, or the raw text if empty.
pub(crate) fn phone_identity(phone: &Phone) -> &str {
    if phone.number.is_empty() {
        phone.raw.trim()
    } else {
        &phone.number
    }
}

/// Folds `text` for comparison (see the module documentation).
pub(crate) fn fold(text: &str) -> String {
    if text.is_ascii() {
        // The common case, without decomposition: most names and every e-mail are ASCII.
        return text
            .bytes()
            .filter(|&b| b != b'\'')
            .map(|b| char::from(b.to_ascii_lowercase()))
            .collect();
    }
    let mut out = String::with_capacity(text.len());
    if text.chars().all(is_latin_or_mark) {
        // Latin letters and combining diacritics (half the generated names, most European
        // ones): each character decomposed alone, without the NFD iterator's buffering and
        // reordering (what it saves: BENCHMARKS.md, "merge keys"). The same output: NFD
        // reorders only the marks among themselves, and every mark is dropped
        // (`latin_fold_is_exact`).
        for c in text.chars() {
            unicode_normalization::char::decompose_canonical(c, |d| fold_char(d, &mut out));
        }
        return out;
    }
    crate::normalize::canonical::nfd(text, |c| fold_char(c, &mut out));
    out
}

/// ASCII, the Latin letters U+00C0–U+024F and the combining diacritics U+0300–U+036F.
fn is_latin_or_mark(c: char) -> bool {
    c.is_ascii() || ('\u{C0}'..='\u{24F}').contains(&c) || ('\u{300}'..='\u{36F}').contains(&c)
}

/// Appends one character of decomposed text, folded: marks dropped, a few letters spelled
/// out, apostrophes dropped, lower case.
fn fold_char(c: char, out: &mut String) {
    if is_combining_mark(c) {
        return;
    }
    match c {
        'ß' | 'ẞ' => out.push_str("ss"),
        'æ' | 'Æ' => out.push_str("ae"),
        'œ' | 'Œ' => out.push_str("oe"),
        'þ' | 'Þ' => out.push_str("th"),
        'ø' | 'Ø' => out.push('o'),
        'ł' | 'Ł' => out.push('l'),
        'đ' | 'Đ' => out.push('d'),
        'ı' => out.push('i'),
        '\'' | '\u{2019}' | '\u{02BC}' => {}
        _ => out.extend(c.to_lowercase()),
    }
}

/// Splits folded text into tokens.
fn split_tokens(folded: &str) -> impl Iterator<Item = &str> {
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
}

/// A fixed hash of a token (FNV-1a, 64 bits): the same on every run and target, unlike std's.
fn token_hash(token: &str) -> u64 {
    token.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Appends the folded tokens of `text` to `out`.
pub(crate) fn push_tokens(text: &str, out: &mut Vec<String>) {
    let folded = fold(text);
    out.extend(split_tokens(&folded).map(str::to_string));
}

/// The folded tokens of the display name, without honorifics (used only when there are no parts).
fn display_tokens(name: &Name) -> Vec<String> {
    display_tokens_of(name.display.as_deref())
}

/// [`display_tokens`] of a display name.
fn display_tokens_of(display: Option<&str>) -> Vec<String> {
    let mut tokens = Vec::new();
    if let Some(display) = display {
        push_tokens(display, &mut tokens);
    }
    tokens.retain(|t| !HONORIFICS.contains(&t.as_str()));
    tokens
}

/// Who a record's name says it is, for the phone rule: the folded tokens of the given name and
/// of the family name. A name with neither part is read from its display text (honorifics
/// dropped): the first token as the given name, the last (when there are two or more) as the
/// family name. Built only for records a phone number links, so strings are fine here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Who {
    given: Vec<String>,
    family: Vec<String>,
}

impl Who {
    /// The [`Who`] of a name's six parts (in the order of `store::Head::name`); `None` when it
    /// names nobody.
    pub(crate) fn of(parts: [Option<&str>; 6]) -> Option<Who> {
        let [display, given, _, family, _, _] = parts;
        let mut who = Who {
            given: Vec::new(),
            family: Vec::new(),
        };
        push_tokens(given.unwrap_or(""), &mut who.given);
        push_tokens(family.unwrap_or(""), &mut who.family);
        if who.given.is_empty() && who.family.is_empty() {
            let mut tokens = display_tokens_of(display);
            if tokens.len() > 1 {
                who.family.extend(tokens.pop());
            }
            tokens.truncate(1);
            who.given = tokens;
        }
        (!who.given.is_empty() || !who.family.is_empty()).then_some(who)
    }

    /// True when the two names can be one person's: the given names agree token by token as far
    /// as both go (the same name, a nickname form of it, or an initial against a name), or one
    /// side has none; and the family names share a token (or an initial), or one side has none.
    pub(crate) fn agrees_with(&self, other: &Who) -> bool {
        let given = self
            .given
            .iter()
            .zip(&other.given)
            .all(|(a, b)| same_given(a, b) || initial_of(a, b));
        let family = self.family.is_empty()
            || other.family.is_empty()
            || self
                .family
                .iter()
                .any(|a| other.family.iter().any(|b| a == b || initial_of(a, b)));
        given && family
    }

    /// How much the name says: tokens that are more than an initial, then all tokens. Of two
    /// names that agree, a group keeps the one that says more ("John Smith" over "J Smith"), so
    /// that "Jane Smith" cannot join through the initial.
    pub(crate) fn detail(&self) -> (usize, usize) {
        let tokens = || self.given.iter().chain(&self.family);
        let full = tokens().filter(|t| t.chars().nth(1).is_some()).count();
        (full, tokens().count())
    }
}

/// True when one token is a single letter and the other starts with it.
fn initial_of(a: &str, b: &str) -> bool {
    let single = |t: &str| {
        let mut chars = t.chars();
        chars.next().filter(|_| chars.next().is_none())
    };
    match (single(a), single(b)) {
        (Some(x), _) => b.starts_with(x),
        (_, Some(y)) => a.starts_with(y),
        _ => false,
    }
}

/// The name key of the possible-duplicate tier: the folded tokens of the given and family names
/// (the display name when neither is known), sorted so that "Durand Aurélie" == "Aurélie
/// Durand"; middle names, prefixes and suffixes are ignored. At least two tokens are needed —
/// one token alone ("Mom", "Ada") says too little — unless the organization is known, in which
/// case the key is `token @ organization` (folded).
pub(crate) fn name_key(name: &Name, organization: Option<&str>) -> Option<String> {
    let mut tokens = Vec::new();
    for part in [&name.given, &name.family].into_iter().flatten() {
        push_tokens(part, &mut tokens);
    }
    if tokens.is_empty() {
        tokens = display_tokens(name);
    }
    // Unstable: equal strings are indistinguishable, so the result is the same, and the
    // engine's code for an unstable sort is about half that of a stable one.
    tokens.sort_unstable();
    tokens.dedup();
    match tokens.len() {
        0 => None,
        1 => {
            let mut org = Vec::new();
            push_tokens(organization.unwrap_or(""), &mut org);
            (!org.is_empty()).then(|| format!("{} @ {}", tokens.join(" "), org.join(" ")))
        }
        _ => Some(tokens.join(" ")),
    }
}

/// Calls `f` with the hash of each folded token of `text`, as `push_tokens` would find them
/// (without building the folded text when it is ASCII).
fn for_each_token_hash(text: &str, mut f: impl FnMut(u64)) {
    if !text.is_ascii() {
        split_tokens(&fold(text)).map(token_hash).for_each(f);
        return;
    }
    let mut hash = None;
    for byte in text.bytes().filter(|&b| b != b'\'') {
        if byte.is_ascii_alphanumeric() {
            let h = hash.unwrap_or(0xcbf2_9ce4_8422_2325u64);
            hash = Some((h ^ u64::from(byte.to_ascii_lowercase())).wrapping_mul(0x0100_0000_01b3));
        } else if let Some(h) = hash.take() {
            f(h);
        }
    }
    if let Some(h) = hash {
        f(h);
    }
}

/// A hash of [`name_key`]: equal keys give equal hashes. Cheap (no strings built for ASCII
/// names), so that only contacts whose hashes collide need their key spelled out.
///
/// Takes the name's display, given and family parts, borrowed (no [`Name`] built).
pub(crate) fn name_key_hash_of(
    [display, given, family]: [Option<&str>; 3],
    organization: Option<&str>,
) -> Option<u64> {
    let mut hashes = Vec::with_capacity(4);
    for part in [given, family].into_iter().flatten() {
        for_each_token_hash(part, |h| hashes.push(h));
    }
    if hashes.is_empty() {
        hashes.extend(display_tokens_of(display).iter().map(|t| token_hash(t)));
    }
    hashes.sort_unstable();
    hashes.dedup();
    let combine = |acc: u64, h: u64| (acc ^ h).wrapping_mul(0x0100_0000_01b3).rotate_left(29);
    match hashes.len() {
        0 => None,
        1 => {
            let mut org = Vec::new();
            for_each_token_hash(organization.unwrap_or(""), |h| org.push(h));
            (!org.is_empty()).then(|| {
                org.into_iter().fold(
                    combine(hashes.iter().fold(1, |a, &h| combine(a, h)), 0x40),
                    combine,
                )
            })
        }
        _ => Some(hashes.into_iter().fold(2, combine)),
    }
}

/// First and last name folded, for Luminate's "same first and last name". The parts when
/// known, else the first and last token of the display name. `None` when both are empty.
pub(crate) fn first_last(name: &Name) -> Option<(String, String)> {
    let joined = |part: &Option<String>| {
        let mut tokens = Vec::new();
        push_tokens(part.as_deref().unwrap_or(""), &mut tokens);
        tokens.join(" ")
    };
    let (mut first, mut last) = (joined(&name.given), joined(&name.family));
    if first.is_empty() && last.is_empty() {
        let tokens = display_tokens(name);
        if let Some((head, rest)) = tokens.split_first() {
            first = head.clone();
            last = rest.last().cloned().unwrap_or_default();
        }
    }
    (!first.is_empty() || !last.is_empty()).then_some((first, last))
}

/// The key an address is kept once by: every part folded, whitespace collapsed, postal code
/// without spaces; the label is not part of it.
pub(crate) fn address_key(address: &Address) -> String {
    let part = |text: &str| {
        let mut tokens = Vec::new();
        push_tokens(text, &mut tokens);
        tokens.join(" ")
    };
    let mut key = String::new();
    for line in &address.street {
        key.push_str(&part(line));
        key.push('\n');
    }
    for field in [
        &address.locality,
        &address.region,
        &address.postal_code,
        &address.country,
    ] {
        key.push('\u{1f}');
        key.push_str(&part(field.as_deref().unwrap_or("")).replace(' ', ""));
    }
    key
}

/// How complete a name is: the number of parts filled. The most complete name wins a merge.
pub(crate) fn name_completeness(name: &Name) -> usize {
    name_completeness_of([
        name.display.as_deref(),
        name.given.as_deref(),
        name.middle.as_deref(),
        name.family.as_deref(),
        name.prefix.as_deref(),
        name.suffix.as_deref(),
    ])
}

/// [`name_completeness`] of a name's six parts, borrowed.
pub(crate) fn name_completeness_of(parts: [Option<&str>; 6]) -> usize {
    parts
        .into_iter()
        .filter(|part| part.is_some_and(|p| !trim(p).is_empty()))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_normalization::UnicodeNormalization;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// `fold` without the Latin shortcut: the whole text through NFD.
    fn fold_by_nfd(text: &str) -> String {
        let mut out = String::new();
        for c in text.nfd() {
            fold_char(c, &mut out);
        }
        out
    }

    #[test]
    fn latin_fold_is_exact() {
        // Every character the shortcut takes, alone, after a letter, before a mark and between
        // two marks in either order: the same as NFD of the whole text.
        let taken: Vec<char> = ('\u{80}'..='\u{36F}')
            .filter(|&c| is_latin_or_mark(c))
            .collect();
        assert_eq!(taken.len(), 0x24F - 0xC0 + 1 + 0x36F - 0x300 + 1);
        for &c in &taken {
            for text in [
                format!("{c}"),
                format!("x{c}"),
                format!("{c}\u{301}"),
                format!("{c}\u{323}\u{301}"),
                format!("{c}\u{301}\u{323}"),
                format!("O'{c} Ab"),
            ] {
                assert!(text.chars().all(is_latin_or_mark));
                assert_eq!(fold(&text), fold_by_nfd(&text), "{text:?}");
            }
        }
        assert_eq!(fold("Ǖrsula Łódź"), "ursula lodz");
    }

    fn name(given: &str, family: &str) -> Name {
        let some = |s: &str| (!s.is_empty()).then(|| s.to_string());
        Name {
            given: some(given),
            family: some(family),
            ..Name::default()
        }
    }

    #[test]
    fn folding_drops_accents_case_and_apostrophes() {
        assert_eq!(fold("Zoë Ångström"), "zoe angstrom");
        assert_eq!(fold("Łukasz Żółć"), "lukasz zolc");
        assert_eq!(fold("Weiß"), "weiss");
        assert_eq!(fold("O'Brien"), "obrien");
        assert_eq!(fold("李 小龙"), "李 小龙");
    }

    #[test]
    fn name_key_is_order_insensitive_and_needs_two_tokens_or_an_organization() {
        assert_eq!(
            name_key(&name("Aurélie", "Durand"), None),
            Some("aurelie durand".into())
        );
        assert_eq!(
            name_key(&name("Durand", "Aurelie"), None),
            Some("aurelie durand".into())
        );
        assert_eq!(name_key(&name("Ada", ""), None), None);
        assert_eq!(
            name_key(&name("Ada", ""), Some("Analytical Engines")),
            Some("ada @ analytical engines".into())
        );
        let display_only = Name {
            display: Some("Dr. Aurélie Durand".into()),
            ..Name::default()
        };
        assert_eq!(name_key(&display_only, None), Some("aurelie durand".into()));
        let middle = Name {
            middle: Some("Maria".into()),
            ..name("Aurélie", "Durand")
        };
        let hash = |n: &Name, org: Option<&str>| {
            name_key_hash_of(
                [
                    n.display.as_deref(),
                    n.given.as_deref(),
                    n.family.as_deref(),
                ],
                org,
            )
        };
        assert_eq!(
            hash(&name("Aurélie", "Durand"), None),
            hash(&name("DURAND", "Aurelie"), None)
        );
        assert_eq!(
            hash(&name("O'Brien", "Sean"), None),
            hash(&name("Seán", "OBRIEN"), None)
        );
        assert_ne!(
            hash(&name("Aurélie", "Durand"), None),
            hash(&name("Aurélie", "Dupont"), None)
        );
        assert_eq!(hash(&name("Ada", ""), None), None);
        assert_eq!(
            hash(&name("Ada", ""), Some("ACME Inc")),
            hash(&name("ada", ""), Some("acme inc."))
        );
        assert_eq!(
            hash(&display_only, None),
            hash(&name("Aurélie", "Durand"), None)
        );
        assert_eq!(name_key(&middle, None), Some("aurelie durand".into()));
    }

    #[test]
    fn phone_keys_need_e164_and_seven_digits() {
        assert_eq!(phone_key_of("+41446681800", true), Some("+41446681800"));
        assert_eq!(phone_key_of("+123", true), None);
        assert_eq!(phone_key_of("0446681800", false), None);
    }

    fn who(display: &str, given: &str, family: &str) -> Option<Who> {
        fn some(s: &str) -> Option<&str> {
            (!s.is_empty()).then_some(s)
        }
        Who::of([some(display), some(given), None, some(family), None, None])
    }

    #[test]
    fn given_names_must_agree_and_family_names_must_not_differ() {
        let agree = |a: &Option<Who>, b: &Option<Who>| match (a, b) {
            (Some(a), Some(b)) => a.agrees_with(b) && b.agrees_with(a),
            _ => panic!("nameless"),
        };
        let hugo = who("", "Hugo", "Klein");
        assert!(!agree(&hugo, &who("", "Max", "Klein")));
        assert!(!agree(&hugo, &who("", "Hugo", "Weber")));
        assert!(agree(&hugo, &who("", "HUGO", "Klein-Weber")));
        assert!(agree(&hugo, &who("", "H.", "Klein")));
        assert!(agree(&hugo, &who("", "", "Klein")));
        assert!(agree(&hugo, &who("", "Hugo", "")));
        assert!(agree(&who("", "Bob", "Smith"), &who("", "Robert", "Smith")));
        assert!(agree(&who("", "Zoë", "Weiß"), &who("Zoe Weiss", "", "")));
        assert!(!agree(
            &who("", "Jean-Luc", "Picard"),
            &who("", "Jean-Pierre", "Picard")
        ));
        assert!(agree(
            &who("", "Jean-Luc", "Picard"),
            &who("", "Jean", "Picard")
        ));
        assert!(!agree(
            &who("Dr. Mary Jones", "", ""),
            &who("", "John", "Jones")
        ));
        assert_eq!(who("Dr.", "", ""), None);
        let detail = |w: Option<Who>| w.map(|w| w.detail());
        assert!(detail(who("", "John", "Smith")) > detail(who("", "J", "Smith")));
    }

    #[test]
    fn first_last_falls_back_to_display() {
        assert_eq!(
            first_last(&name("Bob", "Smith")),
            Some(("bob".into(), "smith".into()))
        );
        let display = Name {
            display: Some("Mr. Bob  Smith".into()),
            ..Name::default()
        };
        assert_eq!(first_last(&display), Some(("bob".into(), "smith".into())));
        assert_eq!(first_last(&Name::default()), None);
    }

    #[test]
    fn address_key_ignores_case_accents_spacing_and_label() {
        let a = Address {
            street: vec!["Bahnhofstraße 1".into()],
            locality: Some("Zürich".into()),
            postal_code: Some("80 01".into()),
            ..Address::default()
        };
        let b = Address {
            street: vec!["BAHNHOFSTRASSE  1".into()],
            locality: Some("zurich".into()),
            postal_code: Some("8001".into()),
            label: crate::model::Label::Work,
            ..Address::default()
        };
        assert_eq!(address_key(&a), address_key(&b));
    }
}
