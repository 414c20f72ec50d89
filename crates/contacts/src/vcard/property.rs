//! One logical (unfolded) vCard line split into group, name, parameters and value, plus the
//! value decoders: quoted-printable, character set, and backslash unescaping.
//!
//! Written by hand rather than with a vCard crate: the crates we looked at (`vcard4`, `ical`)
//! decode the whole file as UTF-8 before unfolding, reject 2.1 quoted-printable soft breaks,
//! or panic on some inputs (see `security/regress__vcard4_*` in the corpus).

use std::borrow::Cow;

use crate::charset::decode_value;

/// The properties the reader maps (or must see, like BEGIN and END). Names are matched
/// without regard to ASCII case, which is what upper-casing them and comparing would do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Begin,
    End,
    N,
    Fn,
    Nickname,
    Email,
    Tel,
    Adr,
    Org,
    Title,
    Bday,
    Categories,
    Note,
    Uid,
    Rev,
    Url,
    /// `GENDER` or `X-GENDER`.
    Gender,
    Photo,
    XAbLabel,
    /// Any other name: not mapped.
    Other,
}

/// The kind of a property name, ASCII case ignored.
pub(super) fn kind_of(name: &str) -> Kind {
    kind_of_bytes(name.as_bytes())
}

/// [`kind_of`] on the name's bytes.
fn kind_of_bytes(bytes: &[u8]) -> Kind {
    // Names of up to 8 bytes are upper-cased into one `u64` and matched as numbers, where a
    // match on byte strings compared them one after another (callgrind, per vCard contact:
    // 1.4 k instructions before, 1.1 k now).
    if bytes.len() > 8 {
        return if bytes.eq_ignore_ascii_case(b"CATEGORIES") {
            Kind::Categories
        } else if bytes.eq_ignore_ascii_case(b"X-ABLABEL") {
            Kind::XAbLabel
        } else {
            Kind::Other
        };
    }
    let mut word = 0u64;
    for (at, &byte) in bytes.iter().enumerate() {
        if byte == 0 {
            // No name holds a NUL, and with one "N\0" would pack as "N".
            return Kind::Other;
        }
        word |= u64::from(byte.to_ascii_uppercase()) << (8 * at);
    }
    match word {
        BEGIN => Kind::Begin,
        END => Kind::End,
        N => Kind::N,
        FN => Kind::Fn,
        NICKNAME => Kind::Nickname,
        EMAIL => Kind::Email,
        TEL => Kind::Tel,
        ADR => Kind::Adr,
        ORG => Kind::Org,
        TITLE => Kind::Title,
        BDAY => Kind::Bday,
        NOTE => Kind::Note,
        UID => Kind::Uid,
        REV => Kind::Rev,
        URL => Kind::Url,
        GENDER | X_GENDER => Kind::Gender,
        PHOTO => Kind::Photo,
        _ => Kind::Other,
    }
}

/// A name of at most 8 bytes as the little-endian `u64` of its bytes, zero-padded.
const fn packed(name: &[u8]) -> u64 {
    let mut word = 0u64;
    let mut at = 0;
    while at < name.len() && at < 8 {
        word |= (name[at] as u64) << (8 * at);
        at += 1;
    }
    word
}

const BEGIN: u64 = packed(b"BEGIN");
const END: u64 = packed(b"END");
const N: u64 = packed(b"N");
const FN: u64 = packed(b"FN");
const NICKNAME: u64 = packed(b"NICKNAME");
const EMAIL: u64 = packed(b"EMAIL");
const TEL: u64 = packed(b"TEL");
const ADR: u64 = packed(b"ADR");
const ORG: u64 = packed(b"ORG");
const TITLE: u64 = packed(b"TITLE");
const BDAY: u64 = packed(b"BDAY");
const NOTE: u64 = packed(b"NOTE");
const UID: u64 = packed(b"UID");
const REV: u64 = packed(b"REV");
const URL: u64 = packed(b"URL");
const GENDER: u64 = packed(b"GENDER");
const X_GENDER: u64 = packed(b"X-GENDER");
const PHOTO: u64 = packed(b"PHOTO");

/// The first `byte` in `bytes`. Names, parameters and value parts are mostly shorter than
/// what memchr's set-up pays off for: below [`SHORT`] bytes a plain loop is cheaper (about 60
/// instructions a call saved, some 60 calls a vCard contact; callgrind).
fn find_byte(byte: u8, bytes: &[u8]) -> Option<usize> {
    if bytes.len() < SHORT {
        bytes.iter().position(|&b| b == byte)
    } else {
        memchr::memchr(byte, bytes)
    }
}

/// The first `one` or `two` in `bytes` (see [`find_byte`]).
fn find_byte2(one: u8, two: u8, bytes: &[u8]) -> Option<usize> {
    if bytes.len() < SHORT {
        bytes.iter().position(|&b| b == one || b == two)
    } else {
        memchr::memchr2(one, two, bytes)
    }
}

/// Where memchr starts to be the faster search (see [`find_byte`]).
const SHORT: usize = 16;

/// `String::from_utf8_lossy`, checking with `str::from_utf8` first (much faster on ASCII).
fn lossy(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

/// `text.trim_start_matches('\u{feff}')`.
fn strip_boms(mut text: &str) -> &str {
    while let Some(rest) = text.strip_prefix('\u{feff}') {
        text = rest;
    }
    text
}

/// Splits `text` on the ASCII byte `separator` (as `str::split` does, empty pieces included).
fn split_on(text: &str, separator: u8) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let current = rest?;
        match find_byte(separator, current.as_bytes()) {
            Some(at) => {
                rest = current.get(at + 1..);
                current.get(..at)
            }
            None => {
                rest = None;
                Some(current)
            }
        }
    })
}

/// `str::trim`, with a fast exit for the usual case of text that starts and ends with a
/// visible ASCII character (then there is nothing to trim; `str::trim` walks chars).
pub(super) fn trim(text: &str) -> &str {
    match (text.as_bytes().first(), text.as_bytes().last()) {
        (Some(first), Some(last)) if first.is_ascii_graphic() && last.is_ascii_graphic() => text,
        (None, _) | (_, None) => text,
        _ => text.trim(),
    }
}

/// `text.trim_matches('"')`, on bytes ('"' is ASCII, so the cuts are char boundaries).
fn trim_quotes(text: &str) -> &str {
    let bytes = text.as_bytes();
    let start = bytes.iter().position(|&b| b != b'"').unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|&b| b != b'"')
        .map_or(start, |e| e + 1);
    text.get(start..end).unwrap_or("")
}

/// A parameter: `NAME=v1,v2` or a bare 2.1 parameter (`WORK`, `PREF`). Borrowed from the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Param<'a> {
    /// `NAME=values`: the name trimmed (case as written), the values unsplit.
    Named(&'a str, &'a str),
    /// A bare parameter, trimmed and never empty.
    Bare(&'a str),
}

impl<'a> Param<'a> {
    /// The name as written, `None` for a bare parameter.
    pub fn name(&self) -> Option<&'a str> {
        match *self {
            Param::Named(name, _) => Some(name),
            Param::Bare(_) => None,
        }
    }

    /// True when the parameter's name is `name` (upper-case), ASCII case ignored.
    fn is(&self, name: &str) -> bool {
        self.name().is_some_and(|n| n.eq_ignore_ascii_case(name))
    }

    /// The values: quotes removed, split on commas (`TYPE="home,pref"` is a list too: the
    /// quotes do not protect the commas here), empty ones dropped. A bare parameter's text is
    /// its one value.
    pub fn values(&self) -> impl Iterator<Item = &'a str> {
        let (bare, list) = match *self {
            Param::Named(_, list) => (None, Some(list)),
            Param::Bare(text) => (Some(text), None),
        };
        let listed = list
            .into_iter()
            .flat_map(|list| split_on(list, b','))
            .map(|v| trim(trim_quotes(trim(v))))
            .filter(|v| !v.is_empty());
        bare.into_iter().chain(listed)
    }
}

/// A property line: `group.NAME;param=value;bare:value`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Property<'a> {
    /// The name and parameters as text (lossily decoded, trimmed, BOM removed).
    head: Cow<'a, str>,
    /// Where the group (Apple's `item1`) is in `head`, if there is one.
    group: Option<(usize, usize)>,
    /// Where the name is in `head`.
    name: (usize, usize),
    /// Where the parameters (after the first unquoted ';') are in `head`.
    params: Option<usize>,
    /// What the name says.
    pub kind: Kind,
    /// The value is quoted-printable.
    quoted_printable: bool,
    /// The value is inline binary data.
    inline_binary: bool,
    /// Where the first value of the first CHARSET parameter is in `head`.
    charset: Option<(usize, usize)>,
    /// The raw value bytes after the first unquoted ':' (not yet decoded).
    pub value: &'a [u8],
}

/// Bare parameters that name an encoding, not a type: never part of a label.
const ENCODING_WORDS: [&str; 5] = ["QUOTED-PRINTABLE", "BASE64", "B", "8BIT", "7BIT"];

/// The index of the first ':' that is not inside double quotes, scanning from `from` with the
/// quote state `in_quote`; returns the index or the quote state at the end.
pub(super) fn find_colon(bytes: &[u8], from: usize, in_quote: bool) -> Result<usize, bool> {
    let mut quoted = in_quote;
    let mut at = from;
    loop {
        let rest = bytes.get(at..).unwrap_or(&[]);
        let found = if quoted {
            find_byte(b'"', rest)
        } else {
            find_byte2(b'"', b':', rest)
        };
        let Some(offset) = found else {
            return Err(quoted);
        };
        at += offset;
        if bytes.get(at) == Some(&b':') {
            return Ok(at);
        }
        quoted = !quoted;
        at += 1;
    }
}

/// The index of the first `separator` (ASCII, not '"') outside double quotes in `text`.
fn find_outside_quotes(text: &str, separator: u8) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut at = 0;
    loop {
        let rest = bytes.get(at..)?;
        let offset = find_byte2(b'"', separator, rest)?;
        at += offset;
        if bytes.get(at) == Some(&b'"') {
            // Skip to the closing quote (an unclosed quote hides every later separator).
            let closing = bytes.get(at + 1..).and_then(|r| find_byte(b'"', r))?;
            at += closing + 2;
        } else {
            return Some(at);
        }
    }
}

/// The property kind from a head (`item1.EMAIL;TYPE=work`), without parsing the parameters:
/// enough to decide early whether the line is worth keeping.
/// Also says whether the head has a ';' (parameters to parse).
pub(super) fn kind_of_head(head: &[u8]) -> (Kind, bool) {
    // One pass to the first ';', noting the last '.' before it: a group and name are a few
    // bytes, shorter than what memchr (twice) pays to set up.
    let mut end = None;
    let mut dot = None;
    for (at, &byte) in head.iter().enumerate() {
        match byte {
            b';' => {
                end = Some(at);
                break;
            }
            b'.' => dot = Some(at),
            _ => {}
        }
    }
    let group_and_name = head.get(..end.unwrap_or(head.len())).unwrap_or(head);
    let name = match dot {
        Some(dot) => group_and_name.get(dot + 1..).unwrap_or(&[]),
        None => group_and_name,
    };
    (kind_of_name(name), end.is_some())
}

/// The kind of the name part of a head.
fn kind_of_name(name: &[u8]) -> Kind {
    // A plain name (letters, digits, '-': nearly every line) has nothing to decode, trim or
    // strip: its bytes are its text.
    if name.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'-') {
        return kind_of_bytes(name);
    }
    // A UTF-8 BOM before the first BEGIN (when the reader is used without the stream decoder).
    kind_of(strip_boms(trim(&lossy(name))))
}

/// Parses a logical line. `None` when it has no ':' or no name (not a property: ignored).
pub(super) fn parse(line: &[u8]) -> Option<Property<'_>> {
    let colon = find_colon(line, 0, false).ok()?;
    parse_head(line.get(..colon)?, line.get(colon + 1..)?)
}

/// What [`parse_head`] found in a head that is valid UTF-8, without borrowing it: the reader
/// parses a head with parameters once to decide on the line, and keeps this for when the
/// line is complete, instead of parsing the same bytes again (~1 k instructions a line with
/// parameters, three a typical card; callgrind).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Head {
    /// Where the ':' is: the head is the bytes before it.
    colon: usize,
    /// Where `Property::head` is cut.
    end: usize,
    group: Option<(usize, usize)>,
    name: (usize, usize),
    params: Option<usize>,
    kind: Kind,
    quoted_printable: bool,
    inline_binary: bool,
    charset: Option<(usize, usize)>,
}

/// [`parse`] of a line whose head was parsed before, as `parse_head(&line[..colon], &[])`
/// whose result gave `head` (see [`Property::head_info`]). The head's fields depend only on
/// the head's bytes, which the reader never changes once the ':' is seen; the colon is
/// checked to be the one `parse` finds. Anything unexpected parses the line in full.
pub(super) fn parse_with_head<'a>(line: &'a [u8], head: &Head) -> Option<Property<'a>> {
    if find_colon(line, 0, false) != Ok(head.colon) {
        return parse(line);
    }
    let Some(text) = line
        .get(..head.colon)
        .and_then(|bytes| std::str::from_utf8(bytes).ok())
        .and_then(|text| text.get(..head.end))
    else {
        return parse(line);
    };
    Some(Property {
        head: Cow::Borrowed(text),
        group: head.group,
        name: head.name,
        params: head.params,
        kind: head.kind,
        quoted_printable: head.quoted_printable,
        inline_binary: head.inline_binary,
        charset: head.charset,
        value: line.get(head.colon + 1..)?,
    })
}

/// Parses the name and parameters `head` of a property whose value is `value`.
pub(super) fn parse_head<'a>(head: &'a [u8], value: &'a [u8]) -> Option<Property<'a>> {
    let text = lossy(head);
    let trimmed = strip_boms(trim(&text));
    // Offsets into `text`, which `trimmed` is a part of.
    let base = trimmed.as_ptr() as usize - text.as_ptr() as usize;
    let semicolon = find_outside_quotes(trimmed, b';');
    let first = trimmed.get(..semicolon.unwrap_or(trimmed.len()))?;
    let group_and_name = trim(first);
    let at = base + (group_and_name.as_ptr() as usize - trimmed.as_ptr() as usize);
    let (group, name) = match memchr::memrchr(b'.', group_and_name.as_bytes()) {
        Some(dot) => (
            Some((at, at + dot)),
            (at + dot + 1, at + group_and_name.len()),
        ),
        None => (None, (at, at + group_and_name.len())),
    };
    let name_text = text.get(name.0..name.1)?;
    if name_text.is_empty() {
        return None;
    }
    let kind = kind_of(name_text);
    let end = base + trimmed.len();
    let params = semicolon.map(|s| base + s + 1);
    // One pass over the parameters for what every caller asks: the first ENCODING and
    // CHARSET parameters' first values, and the bare encoding words.
    let (mut encoding, mut charset) = (None, None);
    let (mut bare_qp, mut bare_binary) = (false, false);
    let is_binary = |e: &str| e.eq_ignore_ascii_case("B") || e.eq_ignore_ascii_case("BASE64");
    let params_text = params.and_then(|start| text.get(start..end)).unwrap_or("");
    for param in params_of(params_text) {
        match param {
            Param::Bare(word) => {
                bare_qp |= word.eq_ignore_ascii_case("QUOTED-PRINTABLE");
                bare_binary |= is_binary(word);
            }
            _ if encoding.is_none() && param.is("ENCODING") => {
                encoding = Some(param.values().next());
            }
            _ if charset.is_none() && param.is("CHARSET") => {
                let offset = |v: &str| v.as_ptr() as usize - text.as_ptr() as usize;
                charset = Some(
                    param
                        .values()
                        .next()
                        .map(|v| (offset(v), offset(v) + v.len())),
                );
            }
            _ => {}
        }
    }
    let encoding = encoding.flatten();
    Some(Property {
        quoted_printable: bare_qp
            || encoding.is_some_and(|e| e.eq_ignore_ascii_case("QUOTED-PRINTABLE")),
        inline_binary: bare_binary || encoding.is_some_and(is_binary),
        charset: charset.flatten(),
        params,
        group,
        name,
        kind,
        value,
        // Cut at the trimmed end: the last parameter ends there.
        head: cut(text, end),
    })
}

/// `text` cut to `end` bytes (a char boundary).
fn cut(text: Cow<'_, str>, end: usize) -> Cow<'_, str> {
    match text {
        Cow::Borrowed(text) => Cow::Borrowed(text.get(..end).unwrap_or(text)),
        Cow::Owned(mut text) => {
            text.truncate(end);
            Cow::Owned(text)
        }
    }
}

/// Splits parameter text on ';' outside double quotes, dropping blank pieces.
fn params_of(text: &str) -> impl Iterator<Item = Param<'_>> {
    let mut rest = Some(text);
    std::iter::from_fn(move || loop {
        let current = rest?;
        let piece = match find_outside_quotes(current, b';') {
            Some(at) => {
                rest = current.get(at + 1..);
                current.get(..at).unwrap_or("")
            }
            None => {
                rest = None;
                current
            }
        };
        if trim(piece).is_empty() {
            continue;
        }
        return Some(match find_byte(b'=', piece.as_bytes()) {
            Some(at) => Param::Named(
                trim(piece.get(..at).unwrap_or("")),
                piece.get(at + 1..).unwrap_or(""),
            ),
            None => Param::Bare(trim(piece)),
        });
    })
}

impl<'a> Property<'a> {
    /// The parsed head, for [`parse_with_head`], when its text borrows the head's bytes (valid
    /// UTF-8) and `colon` (the head's length) is where the value starts.
    pub fn head_info(&self, colon: usize) -> Option<Head> {
        match self.head {
            Cow::Borrowed(text) => Some(Head {
                colon,
                end: text.len(),
                group: self.group,
                name: self.name,
                params: self.params,
                kind: self.kind,
                quoted_printable: self.quoted_printable,
                inline_binary: self.inline_binary,
                charset: self.charset,
            }),
            Cow::Owned(_) => None,
        }
    }

    /// The group before the name (Apple's `item1`), as written.
    pub fn group(&self) -> Option<&str> {
        self.group
            .and_then(|(start, end)| self.head.get(start..end))
    }

    /// The property name as written.
    #[cfg(test)]
    pub fn name(&self) -> &str {
        self.head.get(self.name.0..self.name.1).unwrap_or("")
    }

    /// The parameters, in order.
    pub fn params(&self) -> impl Iterator<Item = Param<'_>> {
        let text = self
            .params
            .and_then(|start| self.head.get(start..))
            .unwrap_or("");
        params_of(text)
    }

    /// The first value of parameter `name` (upper-case), from its first occurrence.
    #[cfg(test)]
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params()
            .find(|p| p.is(name))
            .and_then(|p| p.values().next())
    }

    /// The first value of the first CHARSET parameter.
    fn charset(&self) -> Option<&str> {
        self.charset
            .and_then(|(start, end)| self.head.get(start..end))
    }

    /// True when the value is quoted-printable (`ENCODING=QUOTED-PRINTABLE` or bare 2.1 style).
    pub fn is_quoted_printable(&self) -> bool {
        self.quoted_printable
    }

    /// True when the value is inline binary data (`ENCODING=b`, `ENCODING=BASE64`, bare `BASE64`).
    pub fn is_inline_binary(&self) -> bool {
        self.inline_binary
    }

    /// True when the parameters mark the value as preferred: bare `PREF`, `TYPE=pref`, `PREF=1`.
    pub fn is_preferred(&self) -> bool {
        self.params().any(|p| match p {
            Param::Bare(_) => p.values().any(|v| v.eq_ignore_ascii_case("PREF")),
            _ if p.is("TYPE") => p.values().any(|v| v.eq_ignore_ascii_case("PREF")),
            _ if p.is("PREF") => p.values().next().is_none_or(|v| trim(v) == "1"),
            _ => false,
        })
    }

    /// The type words as written, without `pref` and encodings, joined with ',' ("INTERNET,WORK").
    pub fn label_raw(&self) -> Option<String> {
        let mut label: Option<String> = None;
        let words = self
            .params()
            .filter(|p| matches!(p, Param::Bare(_)) || p.is("TYPE"))
            .flat_map(|p| p.values())
            .filter(|v| !v.eq_ignore_ascii_case("PREF"))
            .filter(|v| !ENCODING_WORDS.iter().any(|e| v.eq_ignore_ascii_case(e)))
            .filter(|v| {
                !v.as_bytes()
                    .get(..7)
                    .is_some_and(|start| start.eq_ignore_ascii_case(b"CHARSET"))
            });
        for word in words {
            match &mut label {
                Some(label) => {
                    label.push(',');
                    label.push_str(word);
                }
                None => label = Some(word.to_string()),
            }
        }
        label
    }

    /// The value as text: quoted-printable decoded when declared, then decoded from the declared
    /// CHARSET (or UTF-8, else windows-1252). Backslash escapes are left for the caller, because
    /// structured values must be split before they are unescaped. The flag says whether bytes
    /// were replaced.
    pub fn text(&self) -> (Cow<'a, str>, bool) {
        let charset = self.charset();
        if self.is_quoted_printable() {
            let (text, replaced) = decode_value(&decode_quoted_printable(self.value), charset);
            return (Cow::Owned(text), replaced);
        }
        // What `decode_value` returns without copying: ASCII is the same in every charset it
        // knows, and valid UTF-8 without a declared charset is taken as it is.
        match std::str::from_utf8(self.value) {
            Ok(text) if charset.is_none() || text.is_ascii() => (Cow::Borrowed(text), false),
            _ => {
                let (text, replaced) = decode_value(self.value, charset);
                (Cow::Owned(text), replaced)
            }
        }
    }
}

/// Decodes quoted-printable: `=XX` → byte, `=` + line break → nothing (soft break), any other
/// `=` is kept literally (lenient, as mail readers are).
pub(super) fn decode_quoted_printable(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&byte) = bytes.get(i) {
        if byte != b'=' {
            out.push(byte);
            i += 1;
            continue;
        }
        let next = bytes.get(i + 1).copied();
        let after = bytes.get(i + 2).copied();
        match (next.and_then(hex_digit), after.and_then(hex_digit)) {
            (Some(high), Some(low)) => {
                out.push(high << 4 | low);
                i += 3;
            }
            _ => match (next, after) {
                (Some(b'\r'), Some(b'\n')) => i += 3,
                (Some(b'\r' | b'\n'), _) => i += 2,
                _ => {
                    out.push(b'=');
                    i += 1;
                }
            },
        }
    }
    out
}

fn hex_digit(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

/// Resolves backslash escapes: `\\ \, \; \n \N` per the RFCs, and the non-standard `\: \"`
/// that Apple and others write. Any other backslash is kept as text. Borrows when there is no
/// backslash (the usual case).
pub(super) fn unescape(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let Some(first) = find_byte(b'\\', bytes) else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut at = first;
    loop {
        // `at` is a backslash; everything before it from `copied` is plain text. All the
        // bytes looked at are ASCII, so every cut is on a char boundary.
        out.push_str(text.get(copied..at).unwrap_or(""));
        let (replacement, consumed) = match bytes.get(at + 1) {
            Some(b'n' | b'N') => ('\n', 2),
            Some(&escaped @ (b'\\' | b',' | b';' | b':' | b'"')) => (escaped as char, 2),
            // Any other character after it is copied as text with the next plain run.
            _ => ('\\', 1),
        };
        out.push(replacement);
        copied = at + consumed;
        match bytes.get(copied..).and_then(|rest| find_byte(b'\\', rest)) {
            Some(next) => at = copied + next,
            None => break,
        }
    }
    out.push_str(text.get(copied..).unwrap_or(""));
    Cow::Owned(out)
}

/// Splits a structured value on unescaped `separator` (ASCII); the parts are still escaped.
pub(super) fn split_escaped(text: &str, separator: u8) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let current = rest?;
        let bytes = current.as_bytes();
        let mut escaped = false;
        for (offset, &byte) in bytes.iter().enumerate() {
            // Bytes after a backslash are skipped one at a time: the continuation bytes of a
            // multi-byte character are never '\\' or an ASCII separator.
            if escaped {
                escaped = false;
            } else if byte == b'\\' {
                escaped = true;
            } else if byte == separator {
                rest = current.get(offset + 1..);
                return current.get(..offset);
            }
        }
        rest = None;
        Some(current)
    })
}

/// Splits a structured value on unescaped `separator`, unescaping each component.
#[cfg(test)]
pub(super) fn split_unescaped(text: &str, separator: u8) -> Vec<Cow<'_, str>> {
    split_escaped(text, separator).map(unescape).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// The kind by upper-casing a copy and matching strings: the obvious way.
    fn kind_by_name(name: &str) -> Kind {
        match name.to_ascii_uppercase().as_str() {
            "BEGIN" => Kind::Begin,
            "END" => Kind::End,
            "N" => Kind::N,
            "FN" => Kind::Fn,
            "NICKNAME" => Kind::Nickname,
            "EMAIL" => Kind::Email,
            "TEL" => Kind::Tel,
            "ADR" => Kind::Adr,
            "ORG" => Kind::Org,
            "TITLE" => Kind::Title,
            "BDAY" => Kind::Bday,
            "CATEGORIES" => Kind::Categories,
            "NOTE" => Kind::Note,
            "UID" => Kind::Uid,
            "REV" => Kind::Rev,
            "URL" => Kind::Url,
            "GENDER" | "X-GENDER" => Kind::Gender,
            "PHOTO" => Kind::Photo,
            "X-ABLABEL" => Kind::XAbLabel,
            _ => Kind::Other,
        }
    }

    #[test]
    fn kind_of_matches_names_as_upper_cased_strings() {
        let names = [
            "BEGIN",
            "END",
            "N",
            "FN",
            "NICKNAME",
            "EMAIL",
            "TEL",
            "ADR",
            "ORG",
            "TITLE",
            "BDAY",
            "CATEGORIES",
            "NOTE",
            "UID",
            "REV",
            "URL",
            "GENDER",
            "X-GENDER",
            "PHOTO",
            "X-ABLABEL",
        ];
        let mut tried = Vec::new();
        for name in names {
            let lower = name.to_ascii_lowercase();
            let mixed: String = name
                .chars()
                .enumerate()
                .map(|(i, c)| {
                    if i % 2 == 0 {
                        c.to_ascii_lowercase()
                    } else {
                        c
                    }
                })
                .collect();
            for variant in [name.to_string(), lower, mixed] {
                tried.push(format!("{variant}\0"));
                tried.push(format!("\0{variant}"));
                tried.push(format!("{variant}S"));
                tried.push(variant.get(1..).unwrap_or("").to_string());
                tried.push(variant.replace('E', "\u{c9}"));
                tried.push(variant);
            }
        }
        tried.extend(["", "\0", "É", "ITEM1", "X-ABLABELS", "CATEGORIE", "Ñ"].map(String::from));
        for name in &tried {
            assert_eq!(kind_of(name), kind_by_name(name), "{name:?}");
        }
        assert_eq!(kind_of("x-AbLabel"), Kind::XAbLabel);
        assert_eq!(kind_of("N\0"), Kind::Other);
    }

    #[test]
    fn parses_group_name_params_and_value() {
        let p = parse(b"item1.EMAIL;type=INTERNET;TYPE=\"home,pref\";PREF:a@b.c").unwrap();
        assert_eq!(p.group(), Some("item1"));
        assert_eq!(p.name(), "EMAIL");
        assert_eq!(p.kind, Kind::Email);
        assert_eq!(p.value, b"a@b.c");
        assert!(p.is_preferred());
        assert_eq!(p.label_raw().as_deref(), Some("INTERNET,home"));
        assert!(parse(b"FN").is_none());
        assert!(parse(b":value").is_none());
    }

    #[test]
    fn colon_inside_quoted_param_is_not_the_separator() {
        let p = parse(b"X-A;LABEL=\"a:b\":value").unwrap();
        assert_eq!(p.param("LABEL"), Some("a:b"));
        assert_eq!(p.value, b"value");
    }

    #[test]
    fn preference_forms() {
        assert!(parse(b"EMAIL;PREF=1:x").unwrap().is_preferred());
        assert!(!parse(b"EMAIL;PREF=2:x").unwrap().is_preferred());
        assert!(parse(b"EMAIL;TYPE=work,pref:x").unwrap().is_preferred());
        assert!(!parse(b"EMAIL;TYPE=work:x").unwrap().is_preferred());
    }

    #[test]
    fn quoted_printable_is_lenient() {
        assert_eq!(decode_quoted_printable(b"a=3Db=\r\nc=ZZ="), b"a=bc=ZZ=");
        assert_eq!(decode_quoted_printable(b"=C3=91"), "Ñ".as_bytes());
        assert!(parse(b"FN;QUOTED-PRINTABLE:x")
            .unwrap()
            .is_quoted_printable());
        assert!(!parse(b"FN:Bj=F8rn").unwrap().is_quoted_printable());
    }

    #[test]
    fn unescapes_and_splits() {
        assert_eq!(
            unescape(r#"a\,b\;c\nd\\e\:f\"g\x\"#),
            "a,b;c\nd\\e:f\"g\\x\\"
        );
        assert_eq!(
            split_unescaped(r"Doe;John\;Jr;a\\;", b';'),
            vec!["Doe", "John;Jr", "a\\", ""]
        );
    }
}
