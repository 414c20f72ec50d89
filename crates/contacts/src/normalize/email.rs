//! E-mail addresses: extraction from the forms address books write (`Name <addr>`,
//! `"Name" <addr>`, `Name|addr`, `mailto:addr`), validation, and per-contact clean-up
//! (duplicates, exactly one primary).
//!
//! Validation is deliberately stricter than RFC 5322 and written here rather than taken from a
//! crate, because the policy is the point: the picked addresses go to mailing APIs, which
//! refuse quoted local parts, comments, IP literals and obsolete syntax. Accepted:
//! - local part: dot-atom (RFC 5322 `atext`, plus non-ASCII letters and digits as RFC 6532
//!   allows), no leading, trailing or doubled dot, at most 64 octets;
//! - domain: labels of letters, digits and hyphens (non-ASCII letters allowed: IDN), no label
//!   starting or ending with a hyphen, each label at most 63 octets in its ASCII (punycode)
//!   form, at most 253 octets in all, NFC and lower-cased, the top-level label not all digits;
//! - **a dot is required in the domain**: `test@io` is rejected. Dotless domains are not
//!   deliverable on the Internet (ICANN forbids dotless TLD records), so such an address in an
//!   address book is a typo or an intranet alias a referral cannot use.
//! - the whole address at most 254 octets (RFC 5321 path limit).
//!
//! Surrounding whitespace is removed when it is valid folding whitespace: spaces and tabs,
//! optionally with one CRLF that is followed by a space or tab. A bare CR or LF, a CRLF at
//! either end, or two folds are rejected (the isemail vectors mark them as errors).

use std::borrow::Cow;

use unicode_normalization::{is_nfc_quick, IsNormalized};

use super::canonical;

use super::{label, text};
use crate::error::Error;
use crate::model::Email;

/// Longest address accepted, in octets (RFC 5321 forward-path limit).
pub const MAX_ADDRESS_OCTETS: usize = 254;
/// Longest local part accepted, in octets.
pub const MAX_LOCAL_OCTETS: usize = 64;
/// Longest domain accepted, in octets.
pub const MAX_DOMAIN_OCTETS: usize = 253;
/// Longest domain label accepted, in octets of its ASCII form.
pub const MAX_LABEL_OCTETS: usize = 63;

/// RFC 5322 `atext` punctuation.
const ATEXT_PUNCTUATION: &str = "!#$%&'*+-/=?^_`{|}~";

/// Validates and normalizes one e-mail value as an address book gives it. Returns the address
/// (local part as given, domain NFC and lower-case) or [`Error::InvalidEmail`] with the rule
/// it broke.
pub fn email(raw: &str) -> Result<String, Error> {
    normalize(raw)
        .map(Cow::into_owned)
        .map_err(|reason| invalid(raw, reason))
}

fn invalid(raw: &str, reason: &str) -> Error {
    Error::InvalidEmail {
        address: raw.to_string(),
        reason: reason.into(),
    }
}

/// The normalized address; borrowed from `raw` when it is a part of it unchanged (the usual
/// case: `raw` is already a clean address), so that the caller can keep its own String.
fn normalize(raw: &str) -> Result<Cow<'_, str>, &'static str> {
    // A plain address (printable ASCII with none of the characters any rule below acts on: no
    // spaces or line breaks to trim, no `<>`, `|` or `mailto:` to take apart, no quotes,
    // comments or brackets to refuse) goes straight to the checks of its parts: every step
    // before them would give it back unchanged (~500 instructions an address; callgrind).
    if !raw.is_empty() && raw.bytes().all(is_plain) {
        return validate_parts(raw);
    }
    // Invisible spoofing characters are removed first: a U+202E inside an address is never
    // what the person typed. (All of them are non-ASCII: ASCII skips the scan.)
    if !raw.is_ascii() && raw.chars().any(|c| text::is_spoofing(c) || c == '\u{200D}') {
        let cleaned = raw
            .chars()
            .filter(|&c| !text::is_spoofing(c) && c != '\u{200D}')
            .collect::<String>();
        return normalize_clean(&cleaned).map(|a| Cow::Owned(a.into_owned()));
    }
    normalize_clean(raw)
}

/// [`normalize`] after the spoofing characters are gone.
fn normalize_clean(value: &str) -> Result<Cow<'_, str>, &'static str> {
    // NFC before any rule looks at the text: a rule that sees "te\u{301}" on one pass and "té"
    // on the next would make normalizing twice differ (fuzz-found, with the pipe rule).
    if !(value.is_ascii() || is_nfc_quick(value.chars()) == IsNormalized::Yes) {
        let composed = canonical::nfc(value);
        return normalize_composed(&composed).map(|a| Cow::Owned(a.into_owned()));
    }
    normalize_composed(value)
}

/// [`normalize`] on NFC text without spoofing characters.
fn normalize_composed(value: &str) -> Result<Cow<'_, str>, &'static str> {
    let value = trim_folding_whitespace(value)?;
    let address = extract(value)?;
    validate(address)
}

/// Removes folding whitespace at both ends; see the module documentation.
fn trim_folding_whitespace(value: &str) -> Result<&str, &'static str> {
    let is_fws = |c: char| matches!(c, ' ' | '\t' | '\r' | '\n');
    let inner = value.trim_matches(is_fws);
    let leading = &value[..value.len() - value.trim_start_matches(is_fws).len()];
    let trailing = &value[value.trim_end_matches(is_fws).len()..];
    for run in [leading, trailing] {
        if !run.contains(['\r', '\n']) {
            continue;
        }
        // One fold: WSP* CRLF WSP+.
        let Some((before, after)) = run.split_once("\r\n") else {
            return Err("line break that is not CRLF around the address");
        };
        if before.contains(['\r', '\n']) || after.contains(['\r', '\n']) {
            return Err("more than one line break around the address");
        }
        if after.is_empty() {
            return Err("line break not followed by a space around the address");
        }
    }
    if inner.is_empty() {
        return Err("empty");
    }
    Ok(inner)
}

/// Takes the address out of `Name <addr>`, `"Name" <addr>`, `mailto:addr?subject=…` and
/// `Name|addr` (the pipe only when what precedes it looks like a name, since `|` is also a
/// legal local-part character).
fn extract(value: &str) -> Result<&str, &'static str> {
    if let Some(rest) = value.strip_suffix('>') {
        if let Some(open) = rest.rfind('<') {
            let inner = rest[open + 1..].trim_matches([' ', '\t']);
            let inner = strip_mailto(inner);
            return if inner.is_empty() {
                Err("empty angle brackets")
            } else {
                // The pipe rule applies inside brackets too, so that normalizing an address
                // twice gives the same address (found by fuzzing: `<a.b|c@d.org>`).
                Ok(split_pipe(inner))
            };
        }
    }
    Ok(split_pipe(strip_mailto(value)))
}

/// `Name|addr` → `addr`, when what precedes the last pipe looks like a name (a name never
/// holds a pipe, so a second pass finds nothing more to split).
fn split_pipe(value: &str) -> &str {
    if let Some((name, address)) = value.rsplit_once('|') {
        let name = name.trim();
        let looks_like_name = name
            .chars()
            .all(|c| c.is_alphabetic() || matches!(c, ' ' | '.' | ',' | '\'' | '-' | '"'));
        if looks_like_name && address.contains('@') {
            return address.trim_matches([' ', '\t']);
        }
    }
    value
}

fn strip_mailto(value: &str) -> &str {
    match value.get(..7) {
        Some(scheme) if scheme.eq_ignore_ascii_case("mailto:") => {
            let rest = &value[7..];
            rest.split_once('?')
                .map_or(rest, |(address, _query)| address)
        }
        _ => value,
    }
}

fn validate(address: &str) -> Result<Cow<'_, str>, &'static str> {
    // NFC first, so that what is checked is what is returned: composition can turn one
    // accepted character into a letter plus a combining mark (fuzz-found: U+0B5D).
    if !(address.is_ascii() || is_nfc_quick(address.chars()) == IsNormalized::Yes) {
        let composed = canonical::nfc(address);
        return validate_nfc(&composed).map(|a| Cow::Owned(a.into_owned()));
    }
    validate_nfc(address)
}

/// [`validate`] on NFC text.
fn validate_nfc(address: &str) -> Result<Cow<'_, str>, &'static str> {
    if address.is_ascii() {
        // One pass over bytes. ASCII controls are C0 and DEL (`char::is_control`), and every
        // ASCII whitespace but the space is a control, so the same reason comes first.
        if address.bytes().any(|b| b.is_ascii_control()) {
            return Err("control character");
        }
        if address.as_bytes().contains(&b' ') {
            return Err("whitespace inside the address");
        }
    } else {
        if address.chars().any(|c| c.is_control()) {
            return Err("control character");
        }
        if address.chars().any(char::is_whitespace) {
            return Err("whitespace inside the address");
        }
    }
    let (local, domain) = split_at_last_at(address)?;
    if local.contains('"') {
        return Err("quoted local part not accepted");
    }
    if address.contains(['(', ')']) {
        return Err("comments not accepted");
    }
    if domain.starts_with('[') || domain.contains(['[', ']']) {
        return Err("address literal (IP address) not accepted");
    }
    check_parts(address, local, domain)
}

/// The local part and the domain, both non-empty.
fn split_at_last_at(address: &str) -> Result<(&str, &str), &'static str> {
    let Some((local, domain)) = address.rsplit_once('@') else {
        return Err("no @");
    };
    if local.is_empty() {
        return Err("no local part");
    }
    if domain.is_empty() {
        return Err("no domain");
    }
    Ok((local, domain))
}

/// A byte of a plain address (see [`normalize`]): printable ASCII but `<>|:"()[]`.
fn is_plain(byte: u8) -> bool {
    byte.is_ascii_graphic()
        && !matches!(
            byte,
            b'<' | b'>' | b'|' | b':' | b'"' | b'(' | b')' | b'[' | b']'
        )
}

/// The checks of [`validate_nfc`] on the local part and the domain, for an address that has
/// passed the ones before (or cannot fail them: a plain address).
fn validate_parts(address: &str) -> Result<Cow<'_, str>, &'static str> {
    let (local, domain) = split_at_last_at(address)?;
    check_parts(address, local, domain)
}

/// The last checks of an address: its local part, its domain (lower-cased), its length.
fn check_parts<'a>(
    address: &'a str,
    local: &str,
    domain: &str,
) -> Result<Cow<'a, str>, &'static str> {
    check_local(local)?;
    let domain = normalize_domain(domain);
    check_domain(&domain)?;
    if let Cow::Borrowed(_) = domain {
        // The domain was already normalized: the address is `local@domain` as given.
        if address.len() > MAX_ADDRESS_OCTETS {
            return Err("address longer than 254 octets");
        }
        return Ok(Cow::Borrowed(address));
    }
    let mut out = String::with_capacity(local.len() + 1 + domain.len());
    out.push_str(local);
    out.push('@');
    out.push_str(&domain);
    if out.len() > MAX_ADDRESS_OCTETS {
        return Err("address longer than 254 octets");
    }
    Ok(Cow::Owned(out))
}

fn check_local(local: &str) -> Result<(), &'static str> {
    if local.len() > MAX_LOCAL_OCTETS {
        return Err("local part longer than 64 octets");
    }
    if local.starts_with('.') {
        return Err("local part starts with a dot");
    }
    if local.ends_with('.') {
        return Err("local part ends with a dot");
    }
    if has_two_dots(local) {
        return Err("two dots in a row in the local part");
    }
    let allowed = |c: char| {
        c.is_ascii_alphanumeric()
            || c == '.'
            || ATEXT_PUNCTUATION.contains(c)
            || (!c.is_ascii() && c.is_alphanumeric())
    };
    if local.chars().all(allowed) {
        Ok(())
    } else {
        Err("character not allowed in the local part")
    }
}

/// NFC and lower case; the common all-lower-case ASCII domain is returned as it is.
fn normalize_domain(domain: &str) -> Cow<'_, str> {
    if domain.is_ascii() {
        return if domain.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(domain.to_ascii_lowercase())
        } else {
            Cow::Borrowed(domain)
        };
    }
    let composed: String = if is_nfc_quick(domain.chars()) == IsNormalized::Yes {
        domain.to_string()
    } else {
        canonical::nfc(domain)
    };
    Cow::Owned(composed.to_lowercase())
}

fn check_domain(domain: &str) -> Result<(), &'static str> {
    if domain.starts_with('.') {
        return Err("domain starts with a dot");
    }
    if domain.ends_with('.') {
        return Err("domain ends with a dot");
    }
    if has_two_dots(domain) {
        return Err("two dots in a row in the domain");
    }
    let mut octets = 0usize;
    let mut labels = 0usize;
    let mut last = "";
    for label in domain.split('.') {
        // ASCII (nearly every label) on bytes: for ASCII, `is_alphanumeric` is ASCII's.
        let allowed = if label.is_ascii() {
            label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        } else {
            label.chars().all(|c| c.is_alphanumeric() || c == '-')
        };
        if !allowed {
            return Err("character not allowed in the domain");
        }
        if label.starts_with('-') {
            return Err("domain label starts with a hyphen");
        }
        if label.ends_with('-') {
            return Err("domain label ends with a hyphen");
        }
        let ascii_len = if label.is_ascii() {
            label.len()
        } else {
            punycode_label_len(label)
        };
        if ascii_len > MAX_LABEL_OCTETS {
            return Err("domain label longer than 63 octets");
        }
        octets += ascii_len + usize::from(labels > 0);
        labels += 1;
        last = label;
    }
    if octets > MAX_DOMAIN_OCTETS {
        return Err("domain longer than 253 octets");
    }
    if labels < 2 {
        return Err("domain has no dot");
    }
    if last.chars().all(|c| c.is_ascii_digit()) {
        return Err("top-level domain is all digits");
    }
    Ok(())
}

/// `text.contains("..")` on bytes: `str::contains` with a `&str` sets up a two-way searcher
/// on every call (~450 instructions, twice an address; callgrind).
fn has_two_dots(text: &str) -> bool {
    text.as_bytes().windows(2).any(|pair| pair == b"..")
}

/// Length of the A-label (`xn--` + RFC 3492 punycode) of a non-ASCII label, computed without
/// building it. Written here because only the length is needed and the `idna` crate would add
/// its Unicode tables to the wasm bundle for that. Lengths beyond `MAX_LABEL_OCTETS` stop early.
fn punycode_label_len(label: &str) -> usize {
    const BASE: u32 = 36;
    const T_MIN: u32 = 1;
    const T_MAX: u32 = 26;
    let code_points: Vec<u32> = label.chars().map(u32::from).collect();
    let basic = code_points.iter().filter(|&&c| c < 0x80).count();
    let mut length = 4 + basic + usize::from(basic > 0); // "xn--", basics, delimiter
    let total = code_points.len();
    let mut handled = basic;
    let (mut n, mut delta, mut bias) = (0x80u32, 0u64, 72u32);
    let adapt = |mut delta: u64, points: u64, first: bool| -> u32 {
        delta /= if first { 700 } else { 2 };
        delta += delta / points;
        let mut k = 0u32;
        while delta > u64::from(((BASE - T_MIN) * T_MAX) / 2) {
            delta /= u64::from(BASE - T_MIN);
            k += BASE;
        }
        k + ((BASE - T_MIN + 1) * delta as u32) / (delta as u32 + 38)
    };
    while handled < total {
        let Some(&m) = code_points.iter().filter(|&&c| c >= n).min() else {
            break;
        };
        delta += u64::from(m - n) * (handled as u64 + 1);
        n = m;
        for &c in &code_points {
            if c < n {
                delta += 1;
            }
            if c == n {
                // One variable-length integer for `delta`.
                let mut q = delta;
                let mut k = BASE;
                loop {
                    let t = if k <= bias {
                        T_MIN
                    } else if k >= bias + T_MAX {
                        T_MAX
                    } else {
                        k - bias
                    };
                    length += 1;
                    if q < u64::from(t) {
                        break;
                    }
                    q = (q - u64::from(t)) / u64::from(BASE - t);
                    k += BASE;
                }
                bias = adapt(delta, handled as u64 + 1, handled == basic);
                delta = 0;
                handled += 1;
            }
        }
        if length > MAX_LABEL_OCTETS {
            return length;
        }
        delta += 1;
        n += 1;
    }
    length
}

/// Validates a contact's addresses in place: invalid ones are removed and reported; the same
/// address twice (compared fully lower-cased) is kept once, in its first spelling; exactly one
/// address is primary (the first marked one, else the first) and it is moved to the front.
pub fn emails(list: &mut Vec<Email>, errors: &mut Vec<Error>) {
    if list.is_empty() {
        return;
    }
    if let [email] = list.as_mut_slice() {
        if !has_triple_colon(&email.address) {
            // One address (most records): what the loop below does with it, in place, without
            // its lists, keys and copies (~1 k instructions a contact; callgrind).
            text::line(&mut email.label_raw, "email.label", errors);
            if let Some(label_raw) = email.label_raw.as_deref() {
                email.label = label::map(label_raw);
            }
            email.primary = true; // the only one
            let checked = match text::trim(&email.address).is_empty() {
                true => None,
                false => match email_checked(std::mem::take(&mut email.address)) {
                    Ok(address) => Some(address),
                    Err(error) => {
                        errors.push(error);
                        None
                    }
                },
            };
            match checked {
                Some(address) => email.address = address,
                None => list.clear(),
            }
            return;
        }
    }
    let mut kept: Vec<Email> = Vec::with_capacity(list.len());
    let mut keys: Vec<String> = Vec::with_capacity(list.len());
    for mut email in std::mem::take(list) {
        // Some exports (Google Contacts CSV) put several addresses in one cell. One address
        // (nearly always) is moved, without a Vec.
        let (single, several): (Option<String>, Vec<String>) = if has_triple_colon(&email.address) {
            (
                None,
                email.address.split(":::").map(str::to_string).collect(),
            )
        } else {
            (Some(std::mem::take(&mut email.address)), Vec::new())
        };
        let parts = single.into_iter().chain(several);
        let mut label_raw = email.label_raw.take();
        text::line(&mut label_raw, "email.label", errors);
        let mapped = label_raw.as_deref().map(label::map).unwrap_or(email.label);
        for part in parts {
            if part.trim().is_empty() {
                continue; // an empty value is not an address
            }
            let address = match email_checked(part) {
                Ok(address) => address,
                Err(error) => {
                    errors.push(error);
                    continue;
                }
            };
            let key = address.to_lowercase();
            if let Some(index) = keys.iter().position(|k| *k == key) {
                if let Some(first) = kept.get_mut(index) {
                    first.primary |= email.primary;
                    if first.label == crate::model::Label::Other {
                        first.label = mapped;
                    }
                    if first.label_raw.is_none() {
                        first.label_raw.clone_from(&label_raw);
                    }
                }
                continue;
            }
            keys.push(key);
            kept.push(Email {
                address,
                label: mapped,
                label_raw: label_raw.clone(),
                primary: email.primary,
                sources: email.sources.clone(),
            });
        }
    }
    let primary = kept.iter().position(|e| e.primary).unwrap_or(0);
    for (index, email) in kept.iter_mut().enumerate() {
        email.primary = index == primary;
    }
    if primary > 0 {
        let first = kept.remove(primary);
        kept.insert(0, first);
    }
    *list = kept;
}

/// `value.contains(":::")` by looking for ':' with memchr: `str::contains` sets up a two-way
/// searcher for every call, ~250 instructions an address (callgrind).
fn has_triple_colon(value: &str) -> bool {
    let bytes = value.as_bytes();
    memchr::memchr_iter(b':', bytes)
        .any(|at| bytes.get(at..at + 3).is_some_and(|window| window == b":::"))
}

/// [`email`] with a cap on the input first, so a 70,000-character cell is not scanned twice
/// and the reported address stays readable. An address that is already normalized is
/// returned as the same String (no copy).
fn email_checked(raw: String) -> Result<String, Error> {
    const MAX_RAW_CHARS: usize = 1024;
    if raw.len() > MAX_RAW_CHARS {
        let shown: String = raw.chars().take(64).collect();
        return Err(Error::InvalidEmail {
            address: format!("{shown}…"),
            reason: "longer than 1024 octets".into(),
        });
    }
    match normalize(&raw) {
        // A part of `raw` as long as `raw` is `raw` itself.
        Ok(Cow::Borrowed(address)) if address.len() == raw.len() => Ok(raw),
        Ok(address) => Ok(address.into_owned()),
        Err(reason) => Err(invalid(&raw, reason)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn ok(raw: &str) -> String {
        match email(raw) {
            Ok(address) => address,
            Err(error) => panic!("{raw:?} rejected: {error}"),
        }
    }

    fn reason(raw: &str) -> String {
        match email(raw) {
            Ok(address) => panic!("{raw:?} accepted as {address:?}"),
            Err(Error::InvalidEmail { reason, .. }) => reason,
            Err(other) => panic!("unexpected error {other:?}"),
        }
    }

    #[test]
    fn two_dots() {
        for value in [
            "", ".", "..", "a..b", "a.b.c", "...", "a.", ".a", "é..", "a. .",
        ] {
            assert_eq!(has_two_dots(value), value.contains(".."), "{value:?}");
        }
    }

    #[test]
    fn triple_colon() {
        for value in [
            "", ":", "::", ":::", "a:::b", "a::b:c", "a ::: b", "::::", "é:::", "a:b",
        ] {
            assert_eq!(has_triple_colon(value), value.contains(":::"), "{value:?}");
        }
    }

    #[test]
    fn forms() {
        assert_eq!(ok("Ada Lovelace <ada@example.org>"), "ada@example.org");
        assert_eq!(ok("\"Lovelace, Ada\" <Ada@Example.ORG>"), "Ada@example.org");
        assert_eq!(ok("Ada Lovelace|ada@example.org"), "ada@example.org");
        assert_eq!(ok("Durand|a@example.fr"), "a@example.fr");
        assert_eq!(ok("mailto:ada@example.org?subject=hi"), "ada@example.org");
        assert_eq!(ok("MAILTO:ada@example.org"), "ada@example.org");
        assert_eq!(ok("\t ada@example.org \t"), "ada@example.org");
        assert_eq!(ok("<mailto:ada@example.org>"), "ada@example.org");
        // `|` is atext: a non-name prefix is part of the local part.
        assert_eq!(ok("{|}~@iana.org"), "{|}~@iana.org");
    }

    #[test]
    fn domain_is_lower_cased_only() {
        assert_eq!(ok("ZOE.WEISS@EXAMPLE.AT"), "ZOE.WEISS@example.at");
        assert_eq!(ok("jose@EJEMPLO.españa.ES"), "jose@ejemplo.españa.es");
        assert_eq!(ok("u@BÜCHER.example"), "u@bücher.example");
        assert_eq!(ok("u@bu\u{308}cher.example"), "u@bücher.example");
    }

    #[test]
    fn reasons_are_specific() {
        assert_eq!(reason("test@io"), "domain has no dot");
        assert_eq!(reason("test"), "no @");
        assert_eq!(reason("@iana.org"), "no local part");
        assert_eq!(
            reason("\"test\"@iana.org"),
            "quoted local part not accepted"
        );
        assert_eq!(
            reason("test@[1.2.3.4]"),
            "address literal (IP address) not accepted"
        );
        assert_eq!(reason("test@iana.123"), "top-level domain is all digits");
        assert_eq!(
            reason("a..b@iana.org"),
            "two dots in a row in the local part"
        );
        assert_eq!(
            reason("test@-iana.org"),
            "domain label starts with a hyphen"
        );
        assert_eq!(
            reason("test@iana.org\r\n"),
            "line break not followed by a space around the address"
        );
        assert_eq!(reason(""), "empty");
        assert_eq!(reason("Name <>"), "empty angle brackets");
    }

    #[test]
    fn spoofing_characters_are_removed() {
        assert_eq!(ok("bi\u{202E}di@example.com"), "bidi@example.com");
        assert_eq!(ok("zw\u{200B}@exa\u{200D}mple.com"), "zw@example.com");
    }

    #[test]
    fn punycode_lengths() {
        // "bücher" → "xn--bcher-kva" (13), "españa" → "xn--espaa-rta" (13),
        // "ελληνικά" → "xn--hxargifdar" (14), "例え" → "xn--r8jz45g" (11).
        assert_eq!(punycode_label_len("bücher"), 13);
        assert_eq!(punycode_label_len("españa"), 13);
        assert_eq!(punycode_label_len("ελληνικά"), 14);
        assert_eq!(punycode_label_len("例え"), 11);
        assert!(punycode_label_len(&"ü".repeat(60)) > MAX_LABEL_OCTETS);
    }

    #[test]
    fn contact_list() {
        let raw = |address: &str, primary: bool| Email {
            address: address.into(),
            primary,
            ..Email::default()
        };
        let mut list = vec![
            raw("ZOE.WEISS@EXAMPLE.AT", false),
            raw("not an address", false),
            raw("zoe.weiss@example.at", true),
            raw("", false),
            raw("b@example.at ::: c@example.at", false),
        ];
        let mut errors = Vec::new();
        emails(&mut list, &mut errors);
        let addresses: Vec<&str> = list.iter().map(|e| e.address.as_str()).collect();
        assert_eq!(
            addresses,
            ["ZOE.WEISS@example.at", "b@example.at", "c@example.at"]
        );
        assert_eq!(list.iter().filter(|e| e.primary).count(), 1);
        assert!(list[0].primary);
        assert_eq!(errors.len(), 1);

        let mut list = vec![raw("a@example.at", false), raw("b@example.at", true)];
        emails(&mut list, &mut Vec::new());
        assert_eq!(list[0].address, "b@example.at");
        assert!(list[0].primary && !list[1].primary);
    }

    #[test]
    fn normalizing_twice_changes_nothing() {
        // Fuzz-found: the pipe rule was applied outside angle brackets only, and the local
        // part was checked before NFC (U+0B5D composes to a letter and a combining mark).
        assert!(email("*&v.\u{b5d}a@a\u{45d}e.Bf").is_err());
        assert!(email("John Smith|john@example.com").is_ok());
        for raw in [
            "te\u{301}|t@ct.tetann.ogcsann.or",
            "*&v.\u{b5d}a@a\u{45d}e.Bf",
            "teco-.s.|qao-.s.|qa.oa.co@on.oog",
            "<qao-.s.|qa.oa.co@on.oog>",
            "John Smith|john@example.com",
            "x1|y@example.com",
            "<mailto:a@b.co>",
        ] {
            if let Ok(once) = email(raw) {
                assert_eq!(email(&once).as_deref(), Ok(once.as_str()), "{raw}");
            }
        }
    }

    #[test]
    fn one_address_in_place_is_what_the_loop_makes_of_it() {
        // The fast path for a list of one against the general loop, which a second, blank
        // entry (skipped without a word) sends the same address through.
        let addresses = [
            "Ada@Example.ORG",
            " ada@example.org\t",
            "Ada Lovelace <ada@example.org>",
            "ada",
            "   ",
            "",
            "jose\u{301}@example.org",
            "a@b@c",
        ];
        let long = "x".repeat(300);
        let labels = [None, Some("* Home"), Some("  Work  "), Some(long.as_str())];
        for address in addresses {
            for label in &labels {
                for primary in [false, true] {
                    let email = Email {
                        address: address.to_string(),
                        label_raw: label.map(str::to_string),
                        primary,
                        sources: vec![3],
                        ..Email::default()
                    };
                    let blank = Email {
                        address: " ".into(),
                        ..Email::default()
                    };
                    let (mut one, mut two) = (vec![email.clone()], vec![email, blank]);
                    let (mut one_errors, mut two_errors) = (Vec::new(), Vec::new());
                    emails(&mut one, &mut one_errors);
                    emails(&mut two, &mut two_errors);
                    assert_eq!(one, two, "{address:?} {label:?}");
                    assert_eq!(
                        format!("{one_errors:?}"),
                        format!("{two_errors:?}"),
                        "{address:?} {label:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn plain_addresses_skip_only_steps_that_would_change_nothing() {
        // `normalize_clean` is `normalize` without the plain-address shortcut for ASCII.
        let local: Vec<char> = "aZ09.-_+!#$%&'*/=?^`{}~\\;,@".chars().collect();
        let domain: Vec<char> = "aZ09.-_@".chars().collect();
        let mut walk = crate::walk::Walk(0x853c_49e6_748f_ea9b);
        let mut accepted = 0;
        for round in 0..50_000 {
            let tld = ["", ".org", ".CO", ".x"][round % 4];
            let raw = format!(
                "{}@{}{tld}",
                walk.text(&local, 1, 8),
                walk.text(&domain, 1, 6)
            );
            assert!(raw.bytes().all(is_plain), "{raw:?}");
            let ours = normalize(&raw).map(Cow::into_owned);
            let long_way = normalize_clean(&raw).map(Cow::into_owned);
            assert_eq!(ours, long_way, "{raw:?}");
            accepted += usize::from(ours.is_ok());
        }
        assert!(accepted > 100, "only {accepted} accepted");
        // Every ASCII character in the places a rule looks at: the shortcut must not take what
        // a rule would change.
        for byte in 0u8..0x80 {
            let c = char::from(byte);
            for raw in [
                format!("a{c}b@x.org"),
                format!("{c}a@x.org"),
                format!("a@x.org{c}"),
                format!("mailto{c}a@x.org"),
                format!("Ada{c}a@x.org"),
                format!("<a@x.org{c}"),
            ] {
                let long_way = normalize_clean(&raw).map(Cow::into_owned);
                assert_eq!(normalize(&raw).map(Cow::into_owned), long_way, "{raw:?}");
            }
        }
        for raw in [
            "Ada@Example.ORG",
            "a..b@x.org",
            ".a@x.org",
            "a@x..org",
            "a@-x.org",
            "@x.org",
            "a@",
        ] {
            let long_way = normalize_clean(raw).map(Cow::into_owned);
            assert_eq!(normalize(raw).map(Cow::into_owned), long_way, "{raw:?}");
        }
    }
}
