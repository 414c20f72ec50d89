//! NFC and NFD: the canonical decomposition, ordering and composition of Unicode Annex #15,
//! over `unicode-normalization`'s per-character functions (`decompose_canonical`,
//! `canonical_combining_class`, `compose`).
//!
//! Ours rather than the crate's `nfc()` / `nfd()` iterators because those iterators serve the
//! compatibility forms too and choose between the two kinds at run time: whoever uses them
//! links the compatibility decomposition tables (62 KB raw, 28 KB gzip of the engine's wasm
//! module, BENCHMARKS.md) although nothing here ever asks for NFKC or NFKD. The algorithm is
//! the crate's own, step for step (its `decompose.rs` and `recompose.rs`); the tests compare
//! both with the crate's iterators on every character and on generated text.

use unicode_normalization::char::{canonical_combining_class, compose, decompose_canonical};

/// The canonical decomposition of `text`, in canonical order: each character fully
/// decomposed, then every run of non-starters (combining class > 0) sorted by class, stably.
/// Each character with its combining class.
fn decomposed(text: &str) -> Vec<(u8, char)> {
    let mut out: Vec<(u8, char)> = Vec::with_capacity(text.len());
    // Where the run of non-starters that is still open begins.
    let mut run = 0;
    for c in text.chars() {
        decompose_canonical(c, |d| {
            let class = canonical_combining_class(d);
            if class == 0 {
                order_marks(&mut out[run..]);
                out.push((0, d));
                run = out.len();
            } else {
                out.push((class, d));
            }
        });
    }
    order_marks(&mut out[run..]);
    out
}

/// Sorts a run of non-starters by class, stably (in one function: two closures would be two
/// copies of the sort's code).
fn order_marks(run: &mut [(u8, char)]) {
    run.sort_by_key(|&(class, _)| class);
}

/// `text` in NFD, a character at a time (as `text.nfd()` gives them).
pub(crate) fn nfd(text: &str, mut each: impl FnMut(char)) {
    for (_, c) in decomposed(text) {
        each(c);
    }
}

/// `text` in NFC (what `text.nfc().collect::<String>()` gives).
pub(crate) fn nfc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // The starter that following characters may compose with.
    let mut composee: Option<char> = None;
    // The class of the last character kept after `composee` without composing, if any.
    let mut last_class: Option<u8> = None;
    // The characters kept after `composee`, written after it.
    let mut kept: Vec<char> = Vec::new();
    for (class, c) in decomposed(text) {
        let Some(starter) = composee else {
            if class == 0 {
                composee = Some(c);
            } else {
                out.push(c);
            }
            continue;
        };
        match last_class {
            // Blocked from the starter by a kept character of the same or a higher class.
            Some(last) if last >= class => {
                if class == 0 {
                    out.push(starter);
                    out.extend(kept.drain(..));
                    composee = Some(c);
                    last_class = None;
                } else {
                    kept.push(c);
                    last_class = Some(class);
                }
            }
            _ => match compose(starter, c) {
                Some(composed) => composee = Some(composed),
                None if class == 0 && last_class.is_none() => {
                    out.push(starter);
                    composee = Some(c);
                }
                None => {
                    kept.push(c);
                    last_class = Some(class);
                }
            },
        }
    }
    if let Some(starter) = composee {
        out.push(starter);
    }
    out.extend(kept);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::walk::Walk;
    use unicode_normalization::UnicodeNormalization;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn check(text: &str) {
        assert_eq!(nfc(text), text.nfc().collect::<String>(), "nfc {text:?}");
        let mut ours = String::new();
        nfd(text, |c| ours.push(c));
        assert_eq!(ours, text.nfd().collect::<String>(), "nfd {text:?}");
    }

    #[test]
    fn every_character_alone_and_after_a_letter() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            check(c.encode_utf8(&mut [0; 4]));
            if canonical_combining_class(c) != 0 || compose('a', c).is_some() {
                check(&format!("a{c}"));
                check(&format!("a\u{323}{c}\u{301}b"));
            }
        }
    }

    #[test]
    fn generated_text_with_marks_and_hangul() {
        // Starters that compose and that do not, marks of several classes (220, 230, 202,
        // 216, 1, 9, and U+0344, which decomposes to two), Hangul jamo and syllables, a
        // compatibility character (left alone by NFC and NFD) and the characters that
        // decompose to several.
        const POOL: &[char] = &[
            'a',
            'e',
            'A',
            'o',
            'u',
            'x',
            ' ',
            'ǅ',
            'Å',
            '\u{212B}',
            'ḕ',
            'ω',
            'ᾳ',
            'ﬁ',
            '\u{300}',
            '\u{301}',
            '\u{302}',
            '\u{303}',
            '\u{308}',
            '\u{30A}',
            '\u{323}',
            '\u{327}',
            '\u{328}',
            '\u{31B}',
            '\u{334}',
            '\u{344}',
            '\u{345}',
            '\u{340}',
            '\u{94D}',
            '\u{93C}',
            '\u{5B0}',
            '\u{1100}',
            '\u{1161}',
            '\u{11A8}',
            '\u{AC00}',
            '\u{AC01}',
            '\u{1B05}',
            '\u{1B35}',
            'ु',
            'क',
            '\u{0B47}',
            '\u{0B3E}',
            '\u{0B57}',
            '\u{115B9}',
            '\u{115AF}',
            '\u{1D15E}',
            '\u{1D165}',
            '\u{1D16E}',
            'ニ',
            '\u{3099}',
        ];
        let mut walk = Walk(0x6e66_6301);
        for _ in 0..200_000 {
            check(&walk.text(POOL, 1, 8));
        }
    }
}
