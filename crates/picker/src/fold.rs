//! Folding: the form text is searched in, so that "aurelie" finds "Aurélie", "muller" finds
//! "Müller" and "weiss" finds "Weiß".
//!
//! A character folds to its canonical decomposition without combining marks, lower-cased, with
//! a few letters that do not decompose spelled out ("ß" → "ss", "ø" → "o", "ł" → "l") and
//! fullwidth letters and digits made ASCII. The table of every character whose form is not
//! itself, in the scripts with case or accents (Latin, Greek, Cyrillic, Armenian, Georgian,
//! Cherokee, Glagolitic, Coptic), is generated (`fold/table.rs`, by `tools/fold_table.py`)
//! rather than taken from `unicode-normalization` and `char::to_lowercase`: the picker ships in
//! the first-load module, where those tables would cost about 60 KB and 16 KB, and a search
//! form needs only these scripts (the others have no case: a character is its own form).
//!
//! Both sides fold the same way: the engine folds the contacts' text when it packs a
//! [`Book`](crate::Book), and the picker folds what the visitor types.

mod table;

use std::sync::OnceLock;

use table::{FROM_STEPS, MULTI, MULTI_BASE, TO_STEPS};

/// The table: its characters, sorted, and each one's form (`to[i]` is the form of `from[i]`).
struct Table {
    from: Box<[u16]>,
    to: Box<[u16]>,
}

/// The table, worked out from its steps on first use. Why steps: the table is in the
/// first-load module, and as steps it is 1.1 KB of the module's gzip against 4.3 KB as the
/// values themselves (characters: 2.7 → 0.3 KB; forms: 1.6 → 0.8 KB).
fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| Table {
        from: sum_steps(&FROM_STEPS),
        to: sum_steps(&TO_STEPS),
    })
}

/// The values whose steps (wrapping differences, the first from 0) are `steps`.
fn sum_steps(steps: &[u16]) -> Box<[u16]> {
    steps
        .iter()
        .scan(0u16, |at, &step| {
            *at = at.wrapping_add(step);
            Some(*at)
        })
        .collect()
}

/// Appends the search form of `text` to `out`.
pub fn fold_into(text: &str, out: &mut String) {
    for c in text.chars() {
        fold_char(c, out);
    }
}

/// The search form of `text`.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    fold_into(text, &mut out);
    out
}

/// Appends the search form of one character.
pub fn fold_char(c: char, out: &mut String) {
    if c.is_ascii() {
        // Apostrophes are dropped, as the table drops the typographic ones: "O'Brien",
        // "O’Brien" and "obrien" are one search form.
        if c != '\'' {
            out.push(c.to_ascii_lowercase());
        }
        return;
    }
    if is_combining_mark(c) {
        return;
    }
    let Ok(code) = u16::try_from(u32::from(c)) else {
        out.push(c);
        return;
    };
    let table = table();
    match table
        .from
        .binary_search(&code)
        .ok()
        .and_then(|at| table.to.get(at))
    {
        Some(&to) if to >= MULTI_BASE => {
            out.push_str(
                MULTI
                    .get(usize::from(to - MULTI_BASE))
                    .copied()
                    .unwrap_or(""),
            );
        }
        Some(&to) => out.push(char::from_u32(u32::from(to)).unwrap_or(c)),
        None => out.push(c),
    }
}

/// True for the combining marks that decomposition leaves after a letter (the blocks of
/// combining diacritical marks): a search form drops them, so text typed or stored decomposed
/// (NFD, as macOS file names are) folds like composed text.
fn is_combining_mark(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}'
        | '\u{1AB0}'..='\u{1AFF}'
        | '\u{1DC0}'..='\u{1DFF}'
        | '\u{20D0}'..='\u{20FF}'
        | '\u{FE20}'..='\u{FE2F}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accents_case_and_special_letters_fold() {
        assert_eq!(fold("Aurélie"), "aurelie");
        assert_eq!(fold("Müller"), "muller");
        assert_eq!(fold("Weiß"), "weiss");
        assert_eq!(fold("WEISS"), "weiss");
        assert_eq!(fold("Łukasz Żółć"), "lukasz zolc");
        assert_eq!(fold("Søren Ærø"), "soren aero");
        assert_eq!(fold("Nguyễn Thị Ánh"), "nguyen thi anh");
        assert_eq!(fold("Ελένη"), "ελενη");
        // Final sigma is sigma: capitals lower-case a character at a time, to "σ" everywhere.
        assert_eq!(fold("ΟΔΥΣΣΕΥΣ"), "οδυσσευσ");
        assert_eq!(fold("Οδυσσευς"), "οδυσσευσ");
        assert_eq!(fold("Ёлка Йошкар"), "елка иошкар");
        assert_eq!(fold("O’Brien"), "obrien");
        assert_eq!(fold("O'Brien"), "obrien");
        assert_eq!(fold("田中 太郎"), "田中 太郎");
    }

    #[test]
    fn decomposed_text_folds_like_composed_text() {
        assert_eq!(fold("Aure\u{301}lie"), fold("Aurélie"));
        assert_eq!(fold("Mu\u{308}ller"), "muller");
    }

    #[test]
    fn the_table_is_sorted_and_its_forms_are_already_folded() {
        let table = table();
        assert!(table.from.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(table.from.len(), table.to.len());
        assert_eq!(table.from[0], 0x00c0, "the first step is from 0");
        assert_eq!(table.to[0], u16::from(b'a'), "À folds to a");
        for &from in &table.from {
            let from = char::from_u32(u32::from(from)).expect("a character");
            let form = fold(&from.to_string());
            assert_eq!(
                fold(&form),
                form,
                "{from:?} folds to a form that folds again"
            );
        }
    }

    #[test]
    fn every_form_is_lower_case_where_the_standard_library_says_so() {
        // The table replaces char::to_lowercase for its scripts: nothing it covers may fold to
        // a form that still has an upper-case letter.
        for &from in &table().from {
            let from = char::from_u32(u32::from(from)).expect("a character");
            let form = fold(&from.to_string());
            assert_eq!(form.to_lowercase(), form, "{from:?} folds to {form:?}");
        }
        assert_eq!(fold("ＡＢＣ１２３＠ｅｘ"), "abc123@ex");
        assert_eq!(fold("ԱՐԱՄ"), "արամ");
    }

    #[test]
    fn folding_ascii_is_lower_casing() {
        for byte in (0u8..128).filter(|&b| b != b'\'') {
            let c = char::from(byte);
            assert_eq!(fold(&c.to_string()), c.to_ascii_lowercase().to_string());
        }
    }
}
