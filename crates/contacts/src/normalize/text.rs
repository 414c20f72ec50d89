//! Text rules shared by every field: Unicode NFC, control and spoofing characters removed,
//! whitespace collapsed (single-line fields) or line endings unified (notes), length capped.
//!
//! NFC comes from the `unicode-normalization` crate (not the browser's `String.normalize`), so
//! native and wasm32 builds produce the same bytes. The common case (short ASCII without
//! doubled spaces) is checked first and leaves the string untouched, without allocating.

use unicode_normalization::{is_nfc_quick, IsNormalized};

use super::canonical;

use crate::error::Error;

/// Longest single-line value kept (names, organization, title, labels, groups, address lines),
/// in characters (Unicode scalar values). Longer values are cut on a character boundary and
/// reported as [`Error::TooLong`].
pub const MAX_LINE_CHARS: usize = 256;

/// Longest note kept, in characters.
pub const MAX_NOTE_CHARS: usize = 32_768;

/// Longest URL or identifier kept (`photo_url`, `source_id`), in characters.
pub const MAX_URL_CHARS: usize = 2_048;

/// True for characters that are invisible and can make a name or address look like something
/// else: bidi embeddings/overrides (U+202A–U+202E), bidi isolates (U+2066–U+2069), zero-width
/// space (U+200B), word joiner (U+2060) and the zero-width no-break space / BOM (U+FEFF).
/// ZWJ (U+200D) is handled separately (kept inside emoji sequences). ZWNJ (U+200C) and the
/// LRM/RLM marks are kept: Persian and Hebrew/Arabic text uses them legitimately.
pub fn is_spoofing(c: char) -> bool {
    matches!(c, '\u{200B}' | '\u{202A}'..='\u{202E}' | '\u{2060}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// `s.trim()`, answered at once for the usual value that starts and ends with a printable
/// ASCII character: `str::trim` decodes and tests both ends for Unicode whitespace (~50
/// instructions a call, a dozen calls a contact; callgrind).
pub fn trim(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(first), Some(last)) if first.is_ascii_graphic() && last.is_ascii_graphic() => s,
        _ => s.trim(),
    }
}

/// C0 and C1 control characters and DEL.
fn is_control(c: char) -> bool {
    c <= '\u{1F}' || ('\u{7F}'..='\u{9F}').contains(&c)
}

/// True when `c` may sit next to a ZWJ in an emoji sequence (pictographs, symbols, the
/// variation selector, skin tones) or in the Indic scripts, where ZWJ selects conjunct forms.
fn joins_with_zwj(c: char) -> bool {
    matches!(c,
        '\u{0900}'..='\u{0DFF}'          // Indic scripts (Devanagari … Sinhala)
        | '\u{2190}'..='\u{2BFF}'        // arrows, technical, dingbats, misc symbols
        | '\u{FE0F}'                     // emoji presentation selector
        | '\u{1F000}'..='\u{1FAFF}') // emoji, including skin-tone modifiers
}

/// The fast path: printable ASCII, no leading/trailing/doubled spaces. Such a value is
/// already normalized.
fn is_clean_ascii_line(s: &str) -> bool {
    let bytes = s.as_bytes();
    if bytes.first() == Some(&b' ') || bytes.last() == Some(&b' ') {
        return false;
    }
    let mut previous_space = false;
    for &b in bytes {
        if !(0x20..0x7F).contains(&b) {
            return false;
        }
        let space = b == b' ';
        if space && previous_space {
            return false;
        }
        previous_space = space;
    }
    true
}

/// True when `s` is already a normalized single-line value: one pass, no allocation. Catches
/// the common non-ASCII case ("Aurélie", "Rue de l'Église") that [`is_clean_ascii_line`]
/// cannot.
fn is_clean_line(s: &str) -> bool {
    // One pass over the bytes for ASCII and the Latin letters U+00C0–U+02FF (two-byte
    // characters led by C3–CB: "Müller", "Église", "Łukasz"), which are never whitespace,
    // controls or spoofing and are NFC on their own (`below_combining_marks_is_nfc`); any
    // other character sends the whole value to the character loop below. Was an `is_ascii`
    // pass then a second one, or a character decode per character (~1.5 k instructions a
    // contact; callgrind).
    let bytes = s.as_bytes();
    if bytes.is_empty() {
        return true;
    }
    let mut previous_space = true; // a leading space is not clean
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        match byte {
            b' ' if previous_space => return false,
            b' ' => previous_space = true,
            0x21..=0x7E => previous_space = false,
            0xC3..=0xCB => {
                previous_space = false;
                at += 1; // and its one continuation byte
            }
            0x80.. => return is_clean_line_chars(s),
            _ => return false, // a C0 control or DEL
        }
        at += 1;
    }
    !previous_space
}

/// [`is_clean_line`] a character at a time, for any text.
fn is_clean_line_chars(s: &str) -> bool {
    let mut previous_space = true; // a leading space is not clean
    let mut highest = '\0';
    for c in s.chars() {
        if c == ' ' {
            if previous_space {
                return false;
            }
            previous_space = true;
            continue;
        }
        if c.is_whitespace() || is_control(c) || is_spoofing(c) || c == '\u{200D}' {
            return false;
        }
        highest = highest.max(c);
        previous_space = false;
    }
    // Below U+0300 (Latin-1, Latin Extended-A/B, IPA: "Müller", "Église", "Łukasz") every
    // character is NFC quick-check Yes with combining class 0, so the text is NFC without
    // the table lookups (~1.3 k instructions a vCard contact; `below_combining_marks_is_nfc`
    // checks every such character).
    !previous_space && (highest < FIRST_COMBINING || is_nfc_quick(s.chars()) == IsNormalized::Yes)
}

/// U+0300, the first combining diacritic: no character before it changes under NFC.
const FIRST_COMBINING: char = '\u{300}';

/// NFC, unless the string is already NFC (checked cheaply first).
fn nfc(s: String) -> String {
    if s.is_ascii() || is_nfc_quick(s.chars()) == IsNormalized::Yes {
        s
    } else if let Some(composed) = nfc_simple(&s) {
        composed
    } else {
        canonical::nfc(&s)
    }
}

/// A combining diacritic (U+0300–U+036F) that is its own canonical decomposition (U+0340,
/// U+0341, U+0343 and U+0344 decompose to others).
fn is_simple_mark(c: char) -> bool {
    ('\u{300}'..='\u{36F}').contains(&c)
        && !matches!(c, '\u{340}' | '\u{341}' | '\u{343}' | '\u{344}')
}

/// NFC of the commonest decomposed text, "Aure\u{301}lie" as macOS writes it: ASCII in which
/// a combining diacritic may follow an ASCII character, one at a time. Each such pair is
/// composed with the crate's own composition table (`compose`, which the full algorithm
/// uses too); `None` for anything else, which takes the full algorithm. Why that is exact: the
/// decomposition of these characters is themselves (the marks that decompose are excluded),
/// one mark per base needs no reordering, and no composition has an ASCII second character,
/// so each pair composes on its own; `nfc_simple_is_exact` checks every ASCII + mark + ASCII
/// triple against `nfc()`. It saves the decompose/reorder/recompose iterators, ~2.5 k
/// instructions a name written in NFD (callgrind).
fn nfc_simple(s: &str) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if !c.is_ascii() {
            return None;
        }
        match chars.peek().copied() {
            Some(mark) if is_simple_mark(mark) => {
                chars.next();
                if chars.peek().is_some_and(|next| !next.is_ascii()) {
                    return None; // two marks in a row, or other non-ASCII text
                }
                match unicode_normalization::char::compose(c, mark) {
                    Some(composed) => out.push(composed),
                    None => {
                        out.push(c);
                        out.push(mark);
                    }
                }
            }
            Some(next) if !next.is_ascii() => return None,
            _ => out.push(c),
        }
    }
    Some(out)
}

/// Cuts `s` to at most `max` characters (on a character boundary); true when it cut.
fn cap(s: &mut String, max: usize) -> bool {
    if s.len() <= max {
        return false; // fewer bytes than `max` means fewer characters too
    }
    match s.char_indices().nth(max) {
        Some((cut, _)) => {
            s.truncate(cut);
            let trimmed = s.trim_end().len();
            s.truncate(trimmed);
            true
        }
        None => false,
    }
}

/// Removes ZWJ unless both neighbours can join (emoji, Indic scripts).
fn keep_zwj(previous: Option<char>, next: Option<char>) -> bool {
    previous.is_some_and(joins_with_zwj) && next.is_some_and(joins_with_zwj)
}

/// Normalizes a single-line value: controls and spoofing characters removed, every
/// whitespace run (tabs and line breaks included) made one space, trimmed, NFC, capped at
/// `max` characters. Returns the value (None when nothing is left) and whether it was cut.
pub fn line_with_max(value: &str, max: usize) -> (Option<String>, bool) {
    let mut out = if is_clean_ascii_line(value) {
        value.to_string()
    } else {
        let mut out = String::with_capacity(value.len());
        let mut pending_space = false;
        let mut chars = value.chars().peekable();
        let mut previous: Option<char> = None;
        while let Some(c) = chars.next() {
            if c.is_whitespace() {
                pending_space = !out.is_empty();
                continue;
            }
            if is_control(c) || is_spoofing(c) {
                continue;
            }
            if c == '\u{200D}' && !keep_zwj(previous, chars.peek().copied()) {
                continue;
            }
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
            previous = Some(c);
        }
        nfc(out)
    };
    let cut = cap(&mut out, max);
    ((!out.is_empty()).then_some(out), cut)
}

/// Normalizes a single-line field in place with the [`MAX_LINE_CHARS`] cap; reports a cut
/// as [`Error::TooLong`] naming `field`.
pub fn line(field: &mut Option<String>, name: &str, errors: &mut Vec<Error>) {
    line_max(field, name, MAX_LINE_CHARS, errors);
}

/// [`line`] with another cap.
pub fn line_max(field: &mut Option<String>, name: &str, max: usize, errors: &mut Vec<Error>) {
    let Some(value) = field.as_deref() else {
        return;
    };
    if value.len() <= max && is_clean_line(value) {
        if value.is_empty() {
            *field = None;
        }
        return; // already normalized: no allocation
    }
    let (normalized, cut) = line_with_max(value, max);
    if cut {
        errors.push(too_long(name, value.chars().count(), max));
    }
    *field = normalized;
}

/// The [`Error::TooLong`] for `field`.
pub fn too_long(field: &str, chars: usize, max: usize) -> Error {
    Error::TooLong(format!("{field}: {chars} characters, cut to {max}"))
}

/// Normalizes a multi-line note in place: CRLF and CR become LF, tabs a space, controls and
/// spoofing characters removed, trailing spaces of each line and blank lines at both ends
/// removed, NFC, capped at [`MAX_NOTE_CHARS`]. Spaces inside a line are kept as written.
pub fn note(field: &mut Option<String>, name: &str, errors: &mut Vec<Error>) {
    let Some(value) = field.as_deref() else {
        return;
    };
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    let mut previous: Option<char> = None;
    while let Some(c) = chars.next() {
        let c = match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    continue; // the LF that follows ends the line
                }
                '\n'
            }
            '\t' => ' ',
            _ => c,
        };
        if c == '\n' {
            let trimmed = out.trim_end_matches([' ', '\u{A0}']).len();
            out.truncate(trimmed);
            out.push('\n');
            previous = Some(c);
            continue;
        }
        if is_control(c) || is_spoofing(c) {
            continue;
        }
        if c == '\u{200D}' && !keep_zwj(previous, chars.peek().copied()) {
            continue;
        }
        out.push(c);
        previous = Some(c);
    }
    let end = out.trim_end().len();
    out.truncate(end);
    let start = out.len() - out.trim_start().len();
    if start > 0 {
        // Leading blank lines and spaces; a leading indent on the first line goes with them.
        out.drain(..start);
    }
    let mut out = nfc(out);
    let chars = out.chars().count();
    if cap(&mut out, MAX_NOTE_CHARS) {
        errors.push(too_long(name, chars, MAX_NOTE_CHARS));
    }
    *field = (!out.is_empty()).then_some(out);
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_normalization::UnicodeNormalization;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn trim_is_str_trim() {
        for s in [
            "",
            " ",
            "a",
            " a",
            "a ",
            "\u{a0}a",
            "a\u{3000}",
            "\ta\n",
            "é",
            " é ",
            "a b",
            "~!",
        ] {
            assert_eq!(trim(s), s.trim(), "{s:?}");
        }
        for byte in 0u8..0x80 {
            let c = char::from(byte);
            for s in [
                format!("{c}x"),
                format!("x{c}"),
                format!("{c}"),
                format!("{c}x{c}"),
            ] {
                assert_eq!(trim(&s), s.trim(), "{s:?}");
            }
        }
    }

    fn one(s: &str) -> Option<String> {
        line_with_max(s, MAX_LINE_CHARS).0
    }

    #[test]
    fn clean_ascii_is_kept() {
        assert_eq!(one("Ada Lovelace").as_deref(), Some("Ada Lovelace"));
        assert_eq!(one("").as_deref(), None);
        assert_eq!(one(" \t\r\n ").as_deref(), None);
    }

    #[test]
    fn whitespace_is_collapsed_and_trimmed() {
        assert_eq!(
            one("  Ada \t\t Lovelace\r\n").as_deref(),
            Some("Ada Lovelace")
        );
        assert_eq!(
            one("Ada\u{A0}\u{3000}Lovelace").as_deref(),
            Some("Ada Lovelace")
        );
        assert_eq!(one("\tTAB-led").as_deref(), Some("TAB-led"));
    }

    #[test]
    fn nfc_composes() {
        assert_eq!(one("Aure\u{301}lie").as_deref(), Some("Aur\u{E9}lie"));
    }

    #[test]
    fn controls_and_spoofing_are_removed() {
        assert_eq!(
            one("ctrl\u{0}\u{7}\u{1B}chars\u{85}").as_deref(),
            Some("ctrlchars")
        );
        assert_eq!(one("\u{202E}gnp.exe").as_deref(), Some("gnp.exe"));
        assert_eq!(
            one("Zero\u{200B}Width\u{200D}Joiner").as_deref(),
            Some("ZeroWidthJoiner")
        );
        assert_eq!(one("a\u{2066}b\u{2069}c\u{FEFF}").as_deref(), Some("abc"));
    }

    #[test]
    fn zwj_is_kept_inside_emoji() {
        let family = "emoji \u{1F469}\u{200D}\u{1F469}\u{200D}\u{1F467}\u{200D}\u{1F466} family";
        assert_eq!(one(family).as_deref(), Some(family));
    }

    #[test]
    fn long_values_are_cut_on_a_char_boundary() {
        let long = "é".repeat(70_000);
        let (value, cut) = line_with_max(&long, MAX_LINE_CHARS);
        assert!(cut);
        assert_eq!(value.map(|v| v.chars().count()), Some(MAX_LINE_CHARS));
        let mut field = Some("A".repeat(70_000));
        let mut errors = Vec::new();
        line(&mut field, "name.display", &mut errors);
        assert_eq!(field.map(|v| v.len()), Some(MAX_LINE_CHARS));
        assert!(matches!(&errors[..], [Error::TooLong(m)] if m.starts_with("name.display")));
    }

    #[test]
    fn notes_keep_lines() {
        let mut field = Some("\r\n PHP \r\nPerl\rPython\t3\n\n".to_string());
        note(&mut field, "notes", &mut Vec::new());
        assert_eq!(field.as_deref(), Some("PHP\nPerl\nPython 3"));
        let mut empty = Some(" \n\r\n ".to_string());
        note(&mut empty, "notes", &mut Vec::new());
        assert_eq!(empty, None);
    }

    #[test]
    fn clean_values_are_recognized() {
        assert!(is_clean_line("Aurélie Durand"));
        assert!(is_clean_line("Ada"));
        assert!(!is_clean_line(" Aurélie"));
        assert!(!is_clean_line("Aurélie "));
        assert!(!is_clean_line("Aurélie  Durand"));
        assert!(!is_clean_line("Aure\u{301}lie"));
        assert!(!is_clean_line("Zoë\u{202E}"));
        assert!(!is_clean_line("Zoë\u{A0}Weiss"));
        assert!(is_clean_line(""));
        assert!(!is_clean_line(" "));
        assert!(!is_clean_line("a\tb"));
        assert!(!is_clean_line("a\u{7f}"));
        assert!(!is_clean_line("Łukasz\u{85}"));
        assert!(is_clean_line("Łukasz Ǆ ʯ Иван 日本"));
        assert!(!is_clean_line("Łukasz  Иван"));
        assert!(!is_clean_line("Иван "));
    }

    #[test]
    fn byte_scan_agrees_with_the_character_loop() {
        // Every character below U+0400 alone and between letters and spaces, then a walk
        // over a palette of the characters each rule is about.
        let mut texts: Vec<String> = Vec::new();
        for c in '\0'..'\u{400}' {
            for pattern in ["{}", "a{}", "{}b", "a {}", "{} b", "a{}{}b", "{} ", " {}"] {
                texts.push(pattern.replace("{}", &c.to_string()));
            }
        }
        let palette: Vec<char> =
            " a\t\u{7f}éŁʯ\u{2ff}\u{300}\u{85}\u{a0}ÀИ\u{200b}\u{200d}😀\u{c0}\u{ad}"
                .chars()
                .collect();
        let mut walk = crate::walk::Walk(0x2545_f491_4f6c_dd1d);
        for _ in 0..20_000 {
            texts.push(walk.text(&palette, 1, 7));
        }
        for text in &texts {
            assert_eq!(is_clean_line(text), is_clean_line_chars(text), "{text:?}");
        }
    }

    #[test]
    fn below_combining_marks_is_nfc() {
        for c in '\0'..FIRST_COMBINING {
            assert_eq!(is_nfc_quick(std::iter::once(c)), IsNormalized::Yes, "{c:?}");
            assert_eq!(unicode_normalization::char::canonical_combining_class(c), 0);
            assert_eq!(std::iter::once(c).nfc().collect::<String>(), c.to_string());
        }
        // Whole strings of them too (quick check Yes and class 0 for each: nothing to reorder
        // or compose).
        let all: String = ('\u{A0}'..FIRST_COMBINING).collect();
        assert_eq!(is_nfc_quick(all.chars()), IsNormalized::Yes);
        assert_eq!(all.nfc().collect::<String>(), all);
    }

    #[test]
    fn nfc_simple_is_exact() {
        // Every ASCII character, then every mark U+0300–U+036F, then every ASCII character or
        // the end: the fast path, where it answers, gives what the full algorithm gives.
        let mut answered = 0;
        for a in 0u8..0x80 {
            for mark in '\u{300}'..='\u{36F}' {
                for b in (0u8..0x80).map(|b| Some(char::from(b))).chain([None]) {
                    let mut s = String::new();
                    s.push(char::from(a));
                    s.push(mark);
                    s.extend(b);
                    if let Some(fast) = nfc_simple(&s) {
                        assert_eq!(fast, s.nfc().collect::<String>(), "{s:?}");
                        answered += 1;
                    }
                }
            }
        }
        assert_eq!(answered, 128 * 108 * 129);
        // Longer strings (the locality argument, tested): random ASCII and marks.
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut next = |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        for _ in 0..50_000 {
            let len = 1 + next(16);
            let s: String = (0..len)
                .map(|_| match next(3) {
                    0 => char::from_u32(0x300 + next(0x70) as u32).unwrap_or('x'),
                    _ => char::from(0x20 + next(0x5F) as u8),
                })
                .collect();
            if let Some(fast) = nfc_simple(&s) {
                assert_eq!(fast, s.nfc().collect::<String>(), "{s:?}");
            }
        }
        assert_eq!(
            nfc_simple("Aure\u{301}lie").as_deref(),
            Some("Aur\u{E9}lie")
        );
        assert_eq!(
            nfc_simple("A\u{30A}ngstro\u{308}m").as_deref(),
            Some("\u{C5}ngstr\u{F6}m")
        );
        assert_eq!(nfc_simple("e\u{301}\u{302}"), None);
        assert_eq!(nfc_simple("\u{301}e"), None);
        assert_eq!(nfc_simple("Zoë"), None);
    }

    #[test]
    fn empty_field_becomes_none() {
        let mut field = Some(String::new());
        line(&mut field, "title", &mut Vec::new());
        assert_eq!(field, None);
    }
}
