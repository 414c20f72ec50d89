//! Search as you type: a [`Query`] parsed from what the visitor typed, and [`search`] over a
//! [`Book`]'s search text.
//!
//! The product asks for search over names, e-mails, phone digits and organization, insensitive
//! to case and accents ("aurelie" finds "Aurélie", "muller" finds "Müller", "weiss" finds
//! "Weiß"), prefix matches first, and for a list update within a frame (16 ms at the 95th
//! percentile, in wasm, at 100,000 entries). So:
//!
//! - The query is [folded](crate::fold) as the engine folded the entries, and split into
//!   tokens; an entry matches when every token occurs in one of its fields. The book keeps each
//!   entry's folded fields in one string, separated by [`FIELD_SEPARATOR`](crate::FIELD_SEPARATOR), which no token
//!   holds, so a token can never match across two fields and a whole entry is searched with one
//!   substring search a token, straight over the packed bytes: no decoding, no allocation per
//!   entry.
//! - Results are ranked in three tiers, each kept in the order of the candidates (the sort
//!   order): the whole query is a prefix of the name, then every token starts a word, then the
//!   rest. Prefix matches first without a score to sort by.
//! - Typing one more letter gives a query that [refines](Query::refines) the last one: its
//!   matches can only be fewer, so the caller searches the last matches instead of the book.
//!
//! The substring search is a first-byte scan eight bytes at a time (SWAR, in plain `u64`
//! arithmetic, which wasm has without SIMD), then a comparison of the rest: the `memchr`
//! crate would cost bytes in the first-load module for little over entries of a hundred bytes.

use crate::fold::fold;
use crate::Book;
use std::collections::BinaryHeap;

/// Characters kept inside a token besides letters and digits, so that e-mail fragments
/// ("ada@ex", "a.durand", "jean-pierre", "ada+news") are searched as typed.
const KEPT: &[char] = &['@', '.', '_', '-', '+'];

/// Characters a phone number is written with besides digits.
const PHONE_PUNCTUATION: &[char] = &[' ', '+', '-', '(', ')', '.', '/'];

/// A letter or digit, as the search reads folded text: ASCII letters and digits, and every
/// other character but the spaces and punctuation people type between words. Not
/// `char::is_alphanumeric`, whose Unicode tables would cost the first-load module more than
/// the whole search, and which would not agree with the haystack's rule (a byte of a
/// non-ASCII character counts as a letter when finding word starts).
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    !matches!(c,
        '\u{0080}'..='\u{00BF}'      // Latin-1 controls, NBSP, punctuation and signs
        | '\u{00D7}' | '\u{00F7}'    // × ÷
        | '\u{2000}'..='\u{206F}'    // general punctuation: spaces, dashes, quotes, bullets
        | '\u{3000}'..='\u{303F}'    // CJK spaces and punctuation
        | '\u{FE30}'..='\u{FE4F}'
        | '\u{FF01}'..='\u{FF0F}'    // fullwidth punctuation left by folding
        | '\u{FEFF}')
}

/// What the visitor typed, parsed for [`search`]: folded tokens.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    /// The tokens, longest first (the most selective is tried first), without repeats.
    tokens: Vec<String>,
    /// The tokens in the order typed, joined by one space: what a name must start with to rank
    /// first.
    whole: String,
}

impl Query {
    /// Parses a query: folded, then split on whitespace and on characters that are neither
    /// letters nor digits (except `@ . _ - +` inside a token); a token without a letter or a
    /// digit is dropped, and a `+` before digits only ("+33") is dropped, as phone numbers are
    /// searched by their digits. A query that looks like a phone number (only digits, spaces
    /// and `+ - ( ) . /`, at least three digits) is one token of its digits: "06 12 34" finds
    /// "06 12 34 56 78".
    pub fn parse(text: &str) -> Query {
        let folded = fold(text);
        let digits = folded.bytes().filter(u8::is_ascii_digit).count();
        if digits >= 3
            && folded
                .chars()
                .all(|c| c.is_ascii_digit() || PHONE_PUNCTUATION.contains(&c))
        {
            let token: String = folded.chars().filter(char::is_ascii_digit).collect();
            return Query {
                tokens: vec![token.clone()],
                whole: token,
            };
        }
        let typed: Vec<&str> = folded
            .split(|c: char| !(is_word_char(c) || KEPT.contains(&c)))
            .filter(|token| token.chars().any(is_word_char))
            .map(|token| match token.strip_prefix('+') {
                Some(rest) if rest.bytes().all(|b| b.is_ascii_digit()) => rest,
                _ => token,
            })
            .collect();
        let whole = typed.join(" ");
        // Longest first, then by text, without repeats. A heap rather than `sort_by`: a query
        // has a handful of tokens, and the slice sort's generic code cost 7.7 KB of the
        // first-load module (twiggy over the `ui` profile build), the heap's about a tenth.
        let tokens: BinaryHeap<LongestFirst> = typed
            .into_iter()
            .map(|t| LongestFirst(t.to_string()))
            .collect();
        let mut tokens: Vec<String> = tokens.into_sorted_vec().into_iter().map(|t| t.0).collect();
        tokens.dedup();
        Query { tokens, whole }
    }

    /// True when the query has no token: every entry matches.
    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    /// The tokens, longest first, without repeats.
    pub fn tokens(&self) -> &[String] {
        &self.tokens
    }

    /// True when every entry this query matches is matched by `earlier` too, because each of
    /// `earlier`'s tokens is part of one of this query's tokens (a letter typed at the end,
    /// another word added). The matches of `earlier` can then stand for the book as the
    /// candidates of this one. An empty `earlier` is refined by any query.
    pub fn refines(&self, earlier: &Query) -> bool {
        earlier
            .tokens
            .iter()
            .all(|old| self.tokens.iter().any(|new| new.contains(old.as_str())))
    }
}

/// The entries a query matched, in the order of the candidates, each with its tier.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Matches {
    entries: Vec<u32>,
    tiers: Vec<u8>,
    per_tier: [usize; 3],
}

impl Matches {
    /// The matched entries, in the order of the candidates.
    pub fn entries(&self) -> &[u32] {
        &self.entries
    }

    /// Each matched entry's tier, beside [`Matches::entries`]: 0 when the whole query is a
    /// prefix of the name, 1 when every token starts a word, 2 otherwise.
    pub fn tiers(&self) -> &[u8] {
        &self.tiers
    }

    /// How many entries matched.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when none did.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The matched entries, in the order of the candidates, without a copy.
    pub fn into_entries(self) -> Vec<u32> {
        self.entries
    }

    /// The entries as shown: tier 0, then 1, then 2, each in the order of the candidates.
    pub fn ranked(&self) -> Vec<u32> {
        if self.per_tier[0] == self.entries.len() {
            return self.entries.clone();
        }
        let mut next = [0, self.per_tier[0], self.per_tier[0] + self.per_tier[1]];
        let mut out = vec![0; self.entries.len()];
        for (&entry, &tier) in self.entries.iter().zip(&self.tiers) {
            let at = &mut next[usize::from(tier)];
            out[*at] = entry;
            *at += 1;
        }
        out
    }
}

/// The entries among `candidates` that match `query`, ranked: tier 0 (the whole query is a
/// prefix of the name), then tier 1 (every token starts a word), then the rest, each tier in
/// the order of the candidates. An empty query returns the candidates as they are.
pub fn search(book: &Book, query: &Query, candidates: impl Iterator<Item = u32>) -> Vec<u32> {
    find(book, query, candidates).ranked()
}

/// The entries among `candidates` that match `query`, in the candidates' order, with their
/// tiers: [`search`] before ranking, for a caller that keeps the match set to search a
/// refined query in (see [`Query::refines`]). Candidates out of the book's range never match.
pub fn find(book: &Book, query: &Query, candidates: impl Iterator<Item = u32>) -> Matches {
    find_with(book, None, query, candidates)
}

/// A summary of each entry's search text, made once for a book, that lets a search skip
/// reading most entries: which bytes occur in it, which bytes start a word, and its first
/// byte (16 and 1 bytes an entry).
///
/// Why: a one- or two-letter query (every first keystroke) matches most of a book, and ranking
/// the matches means looking for a word start in each, through all of its text when there is
/// none. With the summary a one-letter query reads no text at all (each letter and digit has a
/// bit of its own, so the answer is exact), and a longer one reads only the entries that have
/// every byte of it, and looks for a word start only where its first byte starts one. Made in
/// one pass over the text at load, about a millisecond per 10,000 entries natively.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Index {
    /// Per entry: the bits of the bytes that occur, then the bits of the bytes that start a word.
    masks: Vec<[u64; 2]>,
    /// Per entry: the first byte of its text (0 when empty).
    first: Vec<u8>,
}

/// The summary of one entry's search text `hay`: the bits of the bytes that occur in it, of
/// those that start a word, and its first byte (0 when empty). What [`Index`] keeps per entry;
/// made when a book is packed.
pub(crate) fn summarize(hay: &[u8]) -> ([u64; 2], u8) {
    let (mut present, mut starts) = (0u64, 0u64);
    // All bits after a separator (and at the start), none after a letter or a digit.
    let mut word_start = u64::MAX;
    for &byte in hay {
        let bit = BITS[usize::from(byte)];
        present |= bit;
        starts |= bit & word_start;
        word_start = AFTER[usize::from(byte)];
    }
    ([present, starts], hay.first().copied().unwrap_or(0))
}

impl std::fmt::Debug for Index {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Index")
            .field("entries", &self.first.len())
            .finish()
    }
}

impl Index {
    /// The summaries of every entry of `book`, which the book carries (the engine made them
    /// when it packed the book: [`summarize`]).
    pub fn new(book: &Book) -> Index {
        let mut masks = Vec::with_capacity(book.len());
        let mut first = Vec::with_capacity(book.len());
        for entry in 0..book.len() {
            let (mask, byte) = book.summary(entry);
            masks.push(mask);
            first.push(byte);
        }
        Index { masks, first }
    }

    /// How many entries it summarizes.
    pub fn len(&self) -> usize {
        self.first.len()
    }

    /// True when none.
    pub fn is_empty(&self) -> bool {
        self.first.is_empty()
    }

    /// [`search`], with the summary of `book` (made by [`Index::new`] from the same book: a
    /// summary of another book gives wrong results, never a panic).
    pub fn search(
        &self,
        book: &Book,
        query: &Query,
        candidates: impl Iterator<Item = u32>,
    ) -> Vec<u32> {
        self.find(book, query, candidates).ranked()
    }

    /// [`find`], with the summary of `book`.
    pub fn find(
        &self,
        book: &Book,
        query: &Query,
        candidates: impl Iterator<Item = u32>,
    ) -> Matches {
        find_with(book, Some(self), query, candidates)
    }
}

/// The bit of a byte in the summary's masks: one each for the letters, the digits and the
/// punctuation kept in tokens, the bytes of other characters sharing 21 bits, and the rest one.
const fn bit(byte: u8) -> u64 {
    let at = match byte {
        b'a'..=b'z' => byte - b'a',
        b'0'..=b'9' => 26 + byte - b'0',
        b'@' => 36,
        b'.' => 37,
        b'-' => 38,
        b'_' => 39,
        b'+' => 40,
        b' ' => 41,
        0x80.. => 42 + byte % 21,
        _ => 63,
    };
    1 << at
}

/// [`bit`] of every byte.
const BITS: [u64; 256] = {
    let mut table = [0; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] = bit(byte as u8);
        byte += 1;
    }
    table
};

/// For every byte, all bits when a word starts after it, else none.
const AFTER: [u64; 256] = {
    let mut table = [0; 256];
    let mut byte = 0;
    while byte < 128 {
        if !(byte as u8).is_ascii_alphanumeric() {
            table[byte] = u64::MAX;
        }
        byte += 1;
    }
    table
};

/// True when a byte's bit is its own (no other byte shares it).
fn has_own_bit(byte: u8) -> bool {
    byte.is_ascii_lowercase() || byte.is_ascii_digit() || b"@.-_+ ".contains(&byte)
}

/// True for the bytes after which a word starts: ASCII that is not a letter or a digit (the
/// field separator among them). Bytes of other characters count as letters.
fn is_separator(byte: u8) -> bool {
    byte < 0x80 && !byte.is_ascii_alphanumeric()
}

/// With at least a book's length divided by this many candidates, a search goes through the
/// whole book in stored order rather than from candidate to candidate.
const SCAN_ALL_FROM: usize = 16;

/// The tier of an entry that does not match.
const NO_MATCH: u8 = u8::MAX;

fn find_with(
    book: &Book,
    index: Option<&Index>,
    query: &Query,
    candidates: impl Iterator<Item = u32>,
) -> Matches {
    let upper = candidates.size_hint().1.unwrap_or(usize::MAX);
    find_by(
        book,
        index,
        query,
        candidates,
        upper >= book.len() / SCAN_ALL_FROM,
    )
}

/// [`find`], through the whole book or candidate by candidate.
fn find_by(
    book: &Book,
    index: Option<&Index>,
    query: &Query,
    candidates: impl Iterator<Item = u32>,
    whole_book: bool,
) -> Matches {
    let count = book.len();
    let mut matches = Matches::default();
    if let (_, Some(upper)) = candidates.size_hint() {
        matches.entries.reserve(upper.min(count));
        matches.tiers.reserve(upper.min(count));
    }
    let mut push = |entry: u32, tier: u8| {
        matches.entries.push(entry);
        matches.tiers.push(tier);
        matches.per_tier[usize::from(tier)] += 1;
    };
    let candidates = candidates.filter(|&entry| (entry as usize) < count);
    if query.is_empty() {
        candidates.for_each(|entry| push(entry, 0));
        return matches;
    }
    let matcher = Matcher::new(query);
    if whole_book {
        // Many candidates: the tiers of every entry, in the order the text is stored, then
        // looked up for the candidates. Far cheaper than jumping through 10 MB of text from
        // entry to entry in name order.
        let tiers = match index {
            Some(index) if matcher.is_one_byte() => scan_summaries(book, index, &matcher),
            _ => scan(book, index, &matcher),
        };
        for entry in candidates {
            if let Some(&tier) = tiers.get(entry as usize) {
                if tier != NO_MATCH {
                    push(entry, tier);
                }
            }
        }
    } else {
        let haystack = book.haystack();
        for entry in candidates {
            let hay = || haystack.get(book.haystack_span(entry)).unwrap_or(&[]);
            let tier = match index {
                Some(index) => matcher.tier_summarized(index, entry as usize, hay, 0),
                None => matcher.tier(hay(), u64::MAX, 0),
            };
            if let Some(tier) = tier {
                push(entry, tier);
            }
        }
    }
    matches
}

/// Every entry's tier (or [`NO_MATCH`]), from its summary alone for a one-byte query.
fn scan_summaries(book: &Book, index: &Index, matcher: &Matcher<'_>) -> Vec<u8> {
    let haystack = book.haystack();
    let mut start = 0;
    (0..book.len())
        .map(|entry| {
            let end = book.haystack_end(entry).max(start);
            let span = start..end;
            start = end;
            let hay = || haystack.get(span).unwrap_or(&[]);
            matcher
                .tier_summarized(index, entry, hay, 0)
                .unwrap_or(NO_MATCH)
        })
        .collect()
}

/// Every entry's tier (or [`NO_MATCH`]), by one pass over the book's search text: the first
/// token is searched through the whole text, and each entry it is found in is checked whole
/// (with its summary when there is one: the other tokens' bytes must all be in it, and a word
/// start is looked for only where the token's first byte starts one).
fn scan(book: &Book, index: Option<&Index>, matcher: &Matcher<'_>) -> Vec<u8> {
    let count = book.len();
    let mut tiers = vec![NO_MATCH; count];
    let (Some(first), Some(last_entry)) = (matcher.tokens.first(), count.checked_sub(1)) else {
        return tiers;
    };
    let haystack = book.haystack();
    // The search text past the last entry's end (none, in a book the builder wrote) is no
    // entry's.
    let haystack = haystack
        .get(..book.haystack_end(last_entry))
        .unwrap_or(haystack);
    let (mut entry, mut start, mut end) = (0, 0, book.haystack_end(0));
    let mut from = 0;
    while let Some(at) = first.find(haystack, from) {
        while end <= at {
            entry += 1;
            start = end;
            end = book.haystack_end(entry);
        }
        if at + first.bytes.len() > end {
            // Across the end of this entry's text and the start of the next one's.
            from = at + 1;
            continue;
        }
        if let (Some(hay), Some(slot)) = (haystack.get(start..end), tiers.get_mut(entry)) {
            // The first token was just found, and nowhere before in this entry.
            let first_at = at - start;
            let tier = match index {
                Some(index) => matcher.tier_summarized(index, entry, || hay, first_at),
                None => matcher.tier(hay, u64::MAX, first_at),
            };
            *slot = tier.unwrap_or(NO_MATCH);
        }
        from = end;
    }
    tiers
}

/// A parsed query, ready to test entries against.
struct Matcher<'a> {
    /// The whole query: a name that starts with it ranks first.
    whole: &'a [u8],
    /// The tokens, longest first.
    tokens: Vec<Needle<'a>>,
    /// The bits of every byte of every token: an entry without one of them cannot match.
    bits: u64,
}

impl<'a> Matcher<'a> {
    fn new(query: &'a Query) -> Matcher<'a> {
        let tokens: Vec<Needle<'a>> = query.tokens.iter().map(|t| Needle::new(t)).collect();
        let bits = query
            .tokens
            .iter()
            .flat_map(|t| t.bytes())
            .fold(0, |bits, byte| bits | bit(byte));
        Matcher {
            whole: query.whole.as_bytes(),
            tokens,
            bits,
        }
    }

    /// True for a query of one byte with a bit of its own, which summaries answer exactly.
    fn is_one_byte(&self) -> bool {
        matches!(self.whole, &[only] if has_own_bit(only))
    }

    /// The tier of one entry's text, or `None` when a token is missing from it. `starts`:
    /// the bits of the bytes that start a word in it (all bits when not known); `first_at`:
    /// where to look for the first token from (it is not before).
    fn tier(&self, hay: &[u8], starts: u64, first_at: usize) -> Option<u8> {
        // The whole query holds every token, and no separator: a prefix of the text is a
        // prefix of the name, and a match. (A loop: `starts_with` calls `memcmp`.)
        if hay.len() >= self.whole.len() && hay.iter().zip(self.whole).all(|(a, b)| a == b) {
            return Some(0);
        }
        let mut words = true;
        for (position, token) in self.tokens.iter().enumerate() {
            let mut at = token.find(hay, if position == 0 { first_at } else { 0 })?;
            if words && starts & bit(token.bytes[0]) == 0 {
                words = false;
            }
            if words {
                while !is_word_start(hay, at) {
                    match token.find(hay, at + 1) {
                        Some(next) => at = next,
                        None => {
                            words = false;
                            break;
                        }
                    }
                }
            }
        }
        Some(if words { 1 } else { 2 })
    }

    /// The tier of the entry at `entry`, from its summary, reading its text (`hay`) only when
    /// the summary cannot tell.
    fn tier_summarized<'h>(
        &self,
        index: &Index,
        entry: usize,
        hay: impl FnOnce() -> &'h [u8],
        first_at: usize,
    ) -> Option<u8> {
        let (Some(&[present, starts]), Some(&first)) =
            (index.masks.get(entry), index.first.get(entry))
        else {
            return self.tier(hay(), u64::MAX, first_at);
        };
        if present & self.bits != self.bits {
            return None;
        }
        if let (true, &[only]) = (self.is_one_byte(), self.whole) {
            // One byte, with a bit of its own: the summary is exact.
            let tier = if first == only {
                0
            } else if starts & bit(only) != 0 {
                1
            } else {
                2
            };
            return Some(tier);
        }
        self.tier(hay(), starts, first_at)
    }
}

/// True when a match at `at` starts a word: the start of a field, or after ASCII that is not a
/// letter or a digit (a space, a dot, an `@`). Bytes of other characters count as letters.
fn is_word_start(hay: &[u8], at: usize) -> bool {
    match at.checked_sub(1).and_then(|before| hay.get(before)) {
        None => true,
        Some(&byte) => is_separator(byte),
    }
}

/// A token to search for, with the two bytes of it that are scanned for: the rarest in
/// contact text, so that fewer places are compared. Eight places are tested at once for both
/// bytes ("muller" is compared in full only where an "m" is followed by a "u" four bytes on),
/// which also saves restarting a scan at each occurrence of a frequent byte.
#[derive(Debug, Clone, Copy)]
struct Needle<'a> {
    bytes: &'a [u8],
    /// The rarest byte's position in the token.
    rare: usize,
    /// The second rarest's (the same as `rare` in a token of one byte).
    other: usize,
    /// The rarest byte in each byte of a word, and the second rarest.
    patterns: [u64; 2],
    /// True when both bytes are tested: a rare byte alone is tested faster than two, but a
    /// frequent one would stop the scan too often.
    pair: bool,
}

impl<'a> Needle<'a> {
    fn new(token: &'a str) -> Needle<'a> {
        let bytes = token.as_bytes();
        let rarest = |skip: Option<usize>| {
            (0..bytes.len())
                .filter(|&at| Some(at) != skip)
                .min_by_key(|&at| frequency(bytes[at]))
        };
        let rare = rarest(None).unwrap_or(0);
        let other = rarest(Some(rare)).unwrap_or(rare);
        let pattern = |at: usize| ONES * u64::from(bytes.get(at).copied().unwrap_or(0));
        Needle {
            bytes,
            rare,
            other,
            patterns: [pattern(rare), pattern(other)],
            pair: other != rare && bytes.get(rare).is_some_and(|&b| frequency(b) > 5),
        }
    }

    /// Where the token first occurs in `hay` at or after `from`.
    fn find(&self, hay: &[u8], from: usize) -> Option<usize> {
        if self.pair {
            self.find_by::<true>(hay, from)
        } else {
            self.find_by::<false>(hay, from)
        }
    }

    /// [`Needle::find`], testing the rarest byte, or both (`PAIR`).
    fn find_by<const PAIR: bool>(&self, hay: &[u8], from: usize) -> Option<usize> {
        let last_start = hay.len().checked_sub(self.bytes.len())?;
        let starts = (last_start + 1).checked_sub(from)?;
        // Sixteen starts at a time, as two words: block `b` of `at_rare` holds the bytes at
        // `start + rare` for the sixteen starts from `from + 16 * b`, and likewise for
        // `at_other`. Whole blocks stay in `hay`: the last start of the last block is at most
        // `last_start`. Then eight at a time, then one.
        let [rare, other] = self.patterns;
        let found_in = |rare_word: &[u8], other_word: &[u8]| {
            let found = zero_bytes(word(rare_word) ^ rare);
            if PAIR {
                found & zero_bytes(word(other_word) ^ other)
            } else {
                found
            }
        };
        let first_at = |mut found: u64, base: usize| {
            while found != 0 {
                let at = base + (found.trailing_zeros() / 8) as usize;
                if self.is_at(hay, at) {
                    return Some(at);
                }
                found &= found - 1;
            }
            None
        };
        let blocks = starts / 16;
        let at_rare = hay.get(from + self.rare..)?.chunks_exact(16);
        let at_other = hay.get(from + self.other..)?.chunks_exact(16);
        for (b, (rare_block, other_block)) in at_rare.zip(at_other).take(blocks).enumerate() {
            let (rare_low, rare_high) = rare_block.split_at(8);
            let (other_low, other_high) = other_block.split_at(8);
            let low = found_in(rare_low, other_low);
            let high = found_in(rare_high, other_high);
            if low | high != 0 {
                let base = from + 16 * b;
                if let Some(at) = first_at(low, base).or_else(|| first_at(high, base + 8)) {
                    return Some(at);
                }
            }
        }
        let mut start = from + 16 * blocks;
        if start + 7 <= last_start {
            let low = found_in(
                hay.get(start + self.rare..start + self.rare + 8)?,
                hay.get(start + self.other..start + self.other + 8)?,
            );
            if let Some(at) = first_at(low, start) {
                return Some(at);
            }
            start += 8;
        }
        (start..=last_start).find(|&at| self.is_at(hay, at))
    }

    /// True when the token is at `at` in `hay`. A loop rather than a slice comparison, which
    /// calls `memcmp`: tokens are a few bytes.
    fn is_at(&self, hay: &[u8], at: usize) -> bool {
        match hay.get(at..at + self.bytes.len()) {
            Some(there) => there.iter().zip(self.bytes).all(|(a, b)| a == b),
            None => false,
        }
    }
}

/// A byte repeated in each byte of a word.
const ONES: u64 = 0x0101_0101_0101_0101;

/// Eight bytes as a word, little-endian (the first byte lowest).
fn word(eight: &[u8]) -> u64 {
    let mut bytes = [0; 8];
    bytes.copy_from_slice(eight);
    u64::from_le_bytes(bytes)
}

/// The high bit of each byte of `word` that is zero, and no other bit: exact, unlike the
/// shorter `(x - ONES) & !x & HIGHS`, whose borrow marks bytes above a zero one, so two masks
/// can be combined.
fn zero_bytes(word: u64) -> u64 {
    const LOW_SEVEN: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    !(((word & LOW_SEVEN).wrapping_add(LOW_SEVEN)) | word | LOW_SEVEN)
}

/// How often a byte is met in folded contact text, roughly, per thousand (from letter counts
/// of European names and e-mail addresses; phone digits are frequent; bytes of non-Latin
/// letters are taken as rare). Only the order matters.
fn frequency(byte: u8) -> u8 {
    match byte {
        b'e' => 100,
        b'a' => 90,
        b'i' | b'n' => 70,
        b'r' => 65,
        b'o' => 60,
        b'l' => 55,
        b's' | b't' => 50,
        b'u' => 40,
        b'm' => 35,
        b'c' | b'd' => 30,
        b'0'..=b'9' => 25,
        b'h' => 25,
        b'g' | b' ' | b'.' => 20,
        b'b' | b'k' | b'p' | b'@' => 15,
        b'v' => 12,
        b'f' => 10,
        b'y' => 8,
        b'w' => 6,
        b'z' | 0x80.. => 5,
        b'j' => 4,
        b'-' => 3,
        _ => 2,
    }
}

/// A query token ordered longest first, then by text: the order [`Query::tokens`] gives.
#[derive(PartialEq, Eq)]
struct LongestFirst(String);

impl Ord for LongestFirst {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        other
            .0
            .len()
            .cmp(&self.0.len())
            .then_with(|| self.0.cmp(&other.0))
    }
}

impl PartialOrd for LongestFirst {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::book::tests::entry;
    use crate::{BookBuilder, Entry};

    fn book(entries: &[Entry]) -> Book {
        let mut builder = BookBuilder::new();
        for e in entries {
            builder.push(e, &[]);
        }
        builder.into_book(None)
    }

    fn all(book: &Book, text: &str) -> Vec<u32> {
        search(book, &Query::parse(text), 0..book.len() as u32)
    }

    fn tokens(text: &str) -> Vec<String> {
        Query::parse(text).tokens().to_vec()
    }

    #[test]
    fn queries_are_folded_and_split_into_tokens() {
        assert_eq!(tokens("  Aurélie   DURAND "), ["aurelie", "durand"]);
        assert_eq!(tokens("Ada@Ex"), ["ada@ex"]);
        assert_eq!(tokens("jean-pierre, o'brien"), ["jean-pierre", "obrien"]);
        assert_eq!(tokens("a, b; a"), ["a", "b"]);
        assert_eq!(tokens("ada - lovelace"), ["lovelace", "ada"]);
        assert_eq!(tokens("weiß +33"), ["weiss", "33"]);
        assert_eq!(tokens("ada+news@x"), ["ada+news@x"]);
        assert!(Query::parse("").is_empty());
        assert!(Query::parse(" ,;- ").is_empty());
        assert_eq!(Query::parse("Ada  Love").whole, "ada love");
    }

    #[test]
    fn a_query_like_a_phone_number_is_its_digits() {
        assert_eq!(tokens("06 12 34"), ["061234"]);
        assert_eq!(tokens("+33 (6) 12-34.56/78"), ["33612345678"]);
        assert_eq!(tokens("12"), ["12"]);
        assert_eq!(tokens("1 2"), ["1", "2"]);
        assert_eq!(tokens("1 2 3"), ["123"]);
        assert_eq!(tokens("06 12 ab"), ["06", "12", "ab"]);
    }

    #[test]
    fn accents_and_case_are_ignored() {
        let b = book(&[
            entry("Aurélie Durand", &[]),
            entry("Jürgen Müller", &[]),
            entry("Claudia Weiß", &[]),
            entry("Bob", &[]),
            entry("ΟΔΥΣΣΕΥΣ", &[]),
        ]);
        assert_eq!(all(&b, "aurelie"), [0]);
        assert_eq!(all(&b, "Οδυσσευς"), [4]);
        assert_eq!(all(&b, "AURÉLIE"), [0]);
        assert_eq!(all(&b, "muller"), [1]);
        assert_eq!(all(&b, "Müller"), [1]);
        assert_eq!(all(&b, "weiss"), [2]);
        assert_eq!(all(&b, "WEISS"), [2]);
        assert_eq!(all(&b, "weiß"), [2]);
        assert_eq!(all(&b, "zzz"), Vec::<u32>::new());
    }

    #[test]
    fn every_token_must_match_in_some_field() {
        let mut ada = entry(
            "Ada Lovelace",
            &["ada@analytical.example", "countess@lovelace.uk"],
        );
        ada.organization = Some("Analytical Engines Ltd".into());
        let b = book(&[ada, entry("Ada Byron", &["byron@example.org"])]);
        assert_eq!(all(&b, "ada engines"), [0]);
        assert_eq!(all(&b, "countess ada"), [0]);
        assert_eq!(all(&b, "ada"), [0, 1]);
        // "lovelace" and "ada" are both there, "lovelaceada" spans no field.
        assert_eq!(all(&b, "lovelaceada"), Vec::<u32>::new());
        // A token never spans two fields: "ltd" ends the organization, "ada" starts an e-mail.
        assert_eq!(all(&b, "ltdada"), Vec::<u32>::new());
        assert_eq!(all(&b, "ltd ada"), [0]);
    }

    #[test]
    fn e_mail_fragments_match_as_typed() {
        let b = book(&[
            entry("Ada", &["ada@example.org"]),
            entry("Adam", &["adam@example.org"]),
            entry("Eve", &["eve@ex.com", "e.v.e@work.example"]),
        ]);
        assert_eq!(all(&b, "ada@ex"), [0]);
        assert_eq!(all(&b, "@ex"), [0, 1, 2]);
        assert_eq!(all(&b, "e.v.e@"), [2]);
        assert_eq!(all(&b, "example.org"), [0, 1]);
    }

    #[test]
    fn phone_digits_match_however_the_query_is_written() {
        let mut raw = Entry {
            name: "Marie".into(),
            phones: vec!["+33612345678".into()],
            ..Entry::default()
        };
        let mut builder = BookBuilder::new();
        builder.push(&raw, &["06 12 34 56 78"]);
        raw.name = "Paul".into();
        raw.phones = vec!["+4915112345678".into()];
        builder.push(&raw, &[]);
        let b = builder.into_book(None);
        assert_eq!(all(&b, "06 12 34"), [0]);
        assert_eq!(all(&b, "+33 6 12"), [0]);
        assert_eq!(all(&b, "0612345678"), [0]);
        assert_eq!(all(&b, "(+49) 151"), [1]);
        assert_eq!(all(&b, "12345678"), [0, 1]);
        assert_eq!(all(&b, "0049"), Vec::<u32>::new());
    }

    #[test]
    fn organizations_are_searched() {
        let mut e = entry("Jo", &[]);
        e.organization = Some("Société Générale".into());
        let b = book(&[e, entry("Generali", &[])]);
        assert_eq!(all(&b, "societe"), [0]);
        assert_eq!(all(&b, "genera"), [1, 0]);
    }

    #[test]
    fn name_prefixes_rank_first_then_word_starts_then_the_rest() {
        let b = book(&[
            entry("Marie Anne", &[]),        // "ann" starts a word: tier 1
            entry("Joanna", &[]),            // inside a word: tier 2
            entry("Anne Marie", &[]),        // the name starts with it: tier 0
            entry("Zed", &["anna@x.org"]),   // starts an e-mail field: tier 1
            entry("Hannah", &["h@ann.org"]), // after '@': tier 1
            entry("Annabel", &[]),           // tier 0
        ]);
        assert_eq!(all(&b, "ann"), [2, 5, 0, 3, 4, 1]);
        // The whole query, across tokens, is what must prefix the name.
        assert_eq!(all(&b, "anne mar"), [2, 0]);
        assert_eq!(all(&b, "mar anne"), [0, 2]);
        // Tier 1 asks every token to start a word; one inside a word is tier 2.
        assert_eq!(all(&b, "marie nne"), [0, 2]);
        let ranked = find(&b, &Query::parse("ann"), [1, 0, 2].into_iter());
        assert_eq!(ranked.entries(), [1, 0, 2]);
        assert_eq!(ranked.tiers(), [2, 1, 0]);
        assert_eq!(ranked.ranked(), [2, 0, 1]);
    }

    #[test]
    fn a_word_start_is_found_after_an_earlier_match_inside_a_word() {
        // "an" first occurs inside "joanna", then starts "anders".
        let b = book(&[entry("Joanna Anders", &[]), entry("Joanna", &[])]);
        let found = find(&b, &Query::parse("an"), 0..2);
        assert_eq!(found.tiers(), [1, 2]);
    }

    #[test]
    fn bytes_of_accented_letters_are_letters_for_word_starts() {
        // Greek letters are two bytes each, both >= 0x80: "σα" follows "α" inside the word.
        let b = book(&[entry("Αλέξανδρος Κασα", &[])]);
        assert_eq!(find(&b, &Query::parse("σα"), 0..1).tiers(), [2]);
        assert_eq!(find(&b, &Query::parse("κασ"), 0..1).tiers(), [1]);
    }

    #[test]
    fn an_empty_query_returns_the_candidates_in_order() {
        let b = book(&[entry("b", &[]), entry("a", &[]), entry("c", &[])]);
        assert_eq!(
            search(&b, &Query::parse("  "), [2, 0, 1].into_iter()),
            [2, 0, 1]
        );
        // Out-of-range candidates never come back.
        assert_eq!(search(&b, &Query::parse(""), [2, 9, 0].into_iter()), [2, 0]);
    }

    #[test]
    fn refinement_is_a_token_growing_or_a_token_added() {
        let q = Query::parse;
        assert!(q("ad").refines(&q("a")));
        assert!(q("ada").refines(&q("ad")));
        assert!(q("ada l").refines(&q("ada")));
        assert!(q("xada").refines(&q("ada")));
        assert!(q("l ada").refines(&q("ada")));
        assert!(q("ada").refines(&q("")));
        assert!(q("06 12").refines(&q("06")));
        assert!(!q("ad").refines(&q("ada")));
        assert!(!q("").refines(&q("a")));
        assert!(!q("ada").refines(&q("adb")));
        assert!(!q("ada").refines(&q("ada l")));
    }

    fn find_from(hay: &[u8], needle: &str, from: usize) -> Option<usize> {
        Needle::new(needle).find(hay, from)
    }

    #[test]
    fn needles_find_every_occurrence_at_every_alignment() {
        for length in 0..40 {
            for at in 0..length {
                let mut hay = vec![b'x'; length];
                hay[at] = b'y';
                assert_eq!(find_from(&hay, "y", 0), Some(at));
                assert_eq!(find_from(&hay, "y", at), Some(at));
                assert_eq!(find_from(&hay, "y", at + 1), None);
                assert_eq!(find_from(&hay, "xy", 0), at.checked_sub(1));
                assert_eq!(find_from(&hay, "yx", 0), (at + 1 < length).then_some(at));
                assert_eq!(
                    find_from(&hay, "xxy", 0),
                    (at >= 2).then(|| at - 2),
                    "{length} {at}"
                );
                assert_eq!(find_from(&hay, "xq", 0), None);
                // Two occurrences: the first one, then the second one.
                if at + 3 < length {
                    hay[at + 3] = b'y';
                    assert_eq!(find_from(&hay, "y", 0), Some(at));
                    assert_eq!(find_from(&hay, "y", at + 1), Some(at + 3));
                    assert_eq!(find_from(&hay, "yxxy", 0), Some(at));
                }
            }
        }
        assert_eq!(find_from(b"abcabd", "abd", 0), Some(3));
        assert_eq!(find_from(b"eeezeez", "eez", 0), Some(1));
        assert_eq!(find_from(b"eeezeez", "eez", 2), Some(4));
        assert_eq!(find_from(b"zeeez", "eez", 0), Some(2));
        assert_eq!(find_from(b"ab", "abc", 0), None);
        assert_eq!(find_from(b"abc", "", 1), Some(1));
        assert_eq!(find_from(b"abc", "c", 9), None);
        // Bytes with the high bit set, and the byte values next to the searched ones.
        let hay = b"\x80\xff\xc3\xa9\x01\x00\xc3\xa8\xc3\xa9t\xc3\xa9";
        assert_eq!(find_from(hay, "\u{e9}", 0), Some(2));
        assert_eq!(find_from(hay, "\u{e9}", 3), Some(8));
        assert_eq!(find_from(hay, "\u{e9}t", 0), Some(8));
        assert_eq!(Needle::new("muller").rare, 0);
        assert_eq!(Needle::new("muller").other, 1);
        assert_eq!(Needle::new("ada@ex").rare, 5);
    }

    #[test]
    fn zero_bytes_marks_exactly_the_zero_bytes() {
        for byte in 0..=255u8 {
            for at in 0..8 {
                let word = (u64::from(byte) << (8 * at)) | (ONES & !(0xff << (8 * at)));
                let expected = if byte == 0 { 0x80 << (8 * at) } else { 0 };
                assert_eq!(zero_bytes(word), expected, "{byte:#x} at {at}");
            }
        }
        assert_eq!(zero_bytes(0), 0x8080_8080_8080_8080);
        assert_eq!(zero_bytes(0x0100), 0x8080_8080_8080_0080);
    }

    #[test]
    fn scanning_the_whole_book_and_each_candidate_agree() {
        // A token may occur across the end of one entry's text and the start of the next:
        // "ab" + "cd" holds "bc", which is neither's.
        let b = book(&[
            entry("Zed", &["z@y.ab"]),
            entry("cd", &["x@bc.org"]),
            entry("", &[]),
            entry("bc", &[]),
            entry("abc", &[]),
        ]);
        for text in [
            "bc", "b", "ab", "c d", "x@b", "cd bc", "zz", "abcd", "y.abc", "",
        ] {
            let query = Query::parse(text);
            let index = Index::new(&b);
            let many = find_by(&b, None, &query, 0..6, true);
            for (summary, whole_book) in
                [(None, false), (Some(&index), true), (Some(&index), false)]
            {
                let other = find_by(&b, summary, &query, 0..6, whole_book);
                assert_eq!(many, other, "{text:?}");
            }
        }
        assert_eq!(all(&b, "abcd"), Vec::<u32>::new());
        assert_eq!(all(&b, "ab"), [4, 0]);
        assert_eq!(all(&b, "bc"), [3, 1, 4]);
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn text(max: usize) -> impl Strategy<Value = String> {
            proptest::collection::vec(
                prop::sample::select(vec![
                    'a', 'b', 'A', 'é', 'ü', 'ß', ' ', '-', '.', '@', '1', '2', '+', 'ø', 'Σ',
                ]),
                0..=max,
            )
            .prop_map(|chars| chars.into_iter().collect())
        }

        fn entries() -> impl Strategy<Value = Vec<Entry>> {
            let entry = (
                text(8),
                proptest::option::of(text(6)),
                proptest::collection::vec(text(6), 0..3),
                proptest::collection::vec("[0-9 +]{0,6}", 0..2),
            )
                .prop_map(|(name, organization, emails, phones)| Entry {
                    name,
                    organization,
                    emails,
                    phones,
                    ..Entry::default()
                });
            proptest::collection::vec(entry, 0..40)
        }

        /// The tier of an entry by the definition, field by field, with `str` methods.
        fn reference_tier(entry: &Entry, query: &Query) -> Option<u8> {
            let digits =
                |s: &String| -> String { s.chars().filter(char::is_ascii_digit).collect() };
            let name = fold(&entry.name);
            let mut fields = vec![name.clone()];
            fields.push(entry.organization.as_deref().map(fold).unwrap_or_default());
            fields.extend(entry.emails.iter().map(|e| fold(e)));
            fields.extend(entry.phones.iter().map(digits));
            let at_word_start = |field: &String, token: &str| {
                field.match_indices(token).any(|(at, _)| {
                    at == 0 || {
                        let before = field.as_bytes()[at - 1];
                        before < 0x80 && !before.is_ascii_alphanumeric()
                    }
                })
            };
            let tokens = query.tokens();
            if !tokens
                .iter()
                .all(|t| fields.iter().any(|f| f.contains(t.as_str())))
            {
                return None;
            }
            if name.starts_with(&query.whole) {
                Some(0)
            } else if tokens
                .iter()
                .all(|t| fields.iter().any(|f| at_word_start(f, t)))
            {
                Some(1)
            } else {
                Some(2)
            }
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(512))]

            /// Every way through the book (the whole book or candidate by candidate, with or
            /// without the index) gives the ranking of the definition.
            #[test]
            fn search_ranks_as_the_definition_says(
                entries in entries(),
                text in text(5),
                order in proptest::collection::vec(0u32..45, 0..60),
            ) {
                let b = book(&entries);
                let index = Index::new(&b);
                let query = Query::parse(&text);
                let mut expected: Vec<(u8, u32)> = order
                    .iter()
                    .filter_map(|&e| {
                        let tier = reference_tier(entries.get(e as usize)?, &query)?;
                        Some((tier, e))
                    })
                    .collect();
                expected.sort_by_key(|&(tier, _)| tier);
                let expected: Vec<u32> = expected.into_iter().map(|(_, e)| e).collect();
                for summary in [None, Some(&index)] {
                    for whole_book in [true, false] {
                        let found = find_by(&b, summary, &query, order.iter().copied(), whole_book);
                        prop_assert_eq!(&found.ranked(), &expected);
                    }
                }
            }
        }
    }
}
