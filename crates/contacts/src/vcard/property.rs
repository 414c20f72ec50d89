//! One logical (unfolded) vCard line split into group, name, parameters and value, plus the
//! value decoders: quoted-printable, character set, and backslash unescaping.
//!
//! Written by hand rather than with a vCard crate: the crates we looked at (`vcard4`, `ical`)
//! decode the whole file as UTF-8 before unfolding, reject 2.1 quoted-printable soft breaks,
//! or panic on some inputs (see `security/regress__vcard4_*` in the corpus).

use crate::charset::decode_value;

/// A parameter: `NAME=v1,v2` (name upper-cased) or a bare 2.1 parameter (`WORK`, `PREF`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Param {
    /// The upper-cased name; `None` for a bare parameter, whose text is then `values[0]`.
    pub name: Option<String>,
    /// The values, quotes removed, split on commas.
    pub values: Vec<String>,
}

/// A property line: `group.NAME;param=value;bare:value`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Property<'a> {
    /// The group before the name (Apple's `item1`), as written.
    pub group: Option<String>,
    /// The property name, upper-cased.
    pub name: String,
    /// The parameters, in order.
    pub params: Vec<Param>,
    /// The raw value bytes after the first unquoted ':' (not yet decoded).
    pub value: &'a [u8],
}

/// Bare parameters that name an encoding, not a type: never part of a label.
const ENCODING_WORDS: [&str; 5] = ["QUOTED-PRINTABLE", "BASE64", "B", "8BIT", "7BIT"];

/// The index of the first ':' that is not inside double quotes, scanning from `from` with the
/// quote state `in_quote`; returns the index or the quote state at the end.
pub(super) fn find_colon(bytes: &[u8], from: usize, in_quote: bool) -> Result<usize, bool> {
    let mut quoted = in_quote;
    for (offset, byte) in bytes.iter().enumerate().skip(from) {
        match byte {
            b'"' => quoted = !quoted,
            b':' if !quoted => return Ok(offset),
            _ => {}
        }
    }
    Err(quoted)
}

/// Splits `text` on `separator` outside double quotes.
fn split_outside_quotes(text: &str, separator: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut quoted = false;
    let mut start = 0;
    for (offset, c) in text.char_indices() {
        if c == '"' {
            quoted = !quoted;
        } else if c == separator && !quoted {
            parts.push(&text[start..offset]);
            start = offset + c.len_utf8();
        }
    }
    parts.push(&text[start..]);
    parts
}

/// The property name and group from a head (`item1.EMAIL;TYPE=work`), without parsing the
/// parameters: enough to decide early whether the line is worth keeping.
pub(super) fn name_of(head: &[u8]) -> String {
    let end = head.iter().position(|&b| b == b';').unwrap_or(head.len());
    let group_and_name = head.get(..end).unwrap_or(head);
    let name = match group_and_name.iter().rposition(|&b| b == b'.') {
        Some(dot) => group_and_name.get(dot + 1..).unwrap_or(&[]),
        None => group_and_name,
    };
    // A UTF-8 BOM before the first BEGIN (when the reader is used without the stream decoder).
    let name = String::from_utf8_lossy(name);
    name.trim()
        .trim_start_matches('\u{feff}')
        .to_ascii_uppercase()
}

/// Parses a logical line. `None` when it has no ':' or no name (not a property: ignored).
pub(super) fn parse(line: &[u8]) -> Option<Property<'_>> {
    let colon = find_colon(line, 0, false).ok()?;
    let head = String::from_utf8_lossy(line.get(..colon)?);
    let value = line.get(colon + 1..)?;
    let head = head.trim().trim_start_matches('\u{feff}');
    let mut pieces = split_outside_quotes(head, ';').into_iter();
    let group_and_name = pieces.next()?.trim();
    let (group, name) = match group_and_name.rsplit_once('.') {
        Some((group, name)) => (Some(group.to_string()), name),
        None => (None, group_and_name),
    };
    if name.is_empty() {
        return None;
    }
    let params = pieces
        .filter(|p| !p.trim().is_empty())
        .map(parse_param)
        .collect();
    Some(Property {
        group,
        name: name.to_ascii_uppercase(),
        params,
        value,
    })
}

fn parse_param(text: &str) -> Param {
    let values_of = |raw: &str| -> Vec<String> {
        // `TYPE="home,pref"` is a list too: the quotes do not protect the commas here.
        raw.split(',')
            .map(|v| v.trim().trim_matches('"').trim().to_string())
            .filter(|v| !v.is_empty())
            .collect()
    };
    match text.split_once('=') {
        Some((name, values)) => Param {
            name: Some(name.trim().to_ascii_uppercase()),
            values: values_of(values),
        },
        None => Param {
            name: None,
            values: vec![text.trim().to_string()],
        },
    }
}

impl Property<'_> {
    /// The first value of parameter `name` (upper-case).
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|p| p.name.as_deref() == Some(name))
            .and_then(|p| p.values.first())
            .map(String::as_str)
    }

    fn bare(&self) -> impl Iterator<Item = &str> {
        self.params
            .iter()
            .filter(|p| p.name.is_none())
            .filter_map(|p| p.values.first())
            .map(String::as_str)
    }

    /// True when the value is quoted-printable (`ENCODING=QUOTED-PRINTABLE` or bare 2.1 style).
    pub fn is_quoted_printable(&self) -> bool {
        self.param("ENCODING")
            .is_some_and(|e| e.eq_ignore_ascii_case("QUOTED-PRINTABLE"))
            || self
                .bare()
                .any(|b| b.eq_ignore_ascii_case("QUOTED-PRINTABLE"))
    }

    /// True when the value is inline binary data (`ENCODING=b`, `ENCODING=BASE64`, bare `BASE64`).
    pub fn is_inline_binary(&self) -> bool {
        let binary = |e: &str| e.eq_ignore_ascii_case("B") || e.eq_ignore_ascii_case("BASE64");
        self.param("ENCODING").is_some_and(binary) || self.bare().any(binary)
    }

    /// True when the parameters mark the value as preferred: bare `PREF`, `TYPE=pref`, `PREF=1`.
    pub fn is_preferred(&self) -> bool {
        self.params.iter().any(|p| match p.name.as_deref() {
            None | Some("TYPE") => p.values.iter().any(|v| v.eq_ignore_ascii_case("PREF")),
            Some("PREF") => p.values.first().is_none_or(|v| v.trim() == "1"),
            _ => false,
        })
    }

    /// The type words as written, without `pref` and encodings, joined with ',' ("INTERNET,WORK").
    pub fn label_raw(&self) -> Option<String> {
        let words: Vec<&str> = self
            .params
            .iter()
            .filter(|p| matches!(p.name.as_deref(), None | Some("TYPE")))
            .flat_map(|p| p.values.iter().map(String::as_str))
            .filter(|v| !v.eq_ignore_ascii_case("PREF"))
            .filter(|v| !ENCODING_WORDS.iter().any(|e| v.eq_ignore_ascii_case(e)))
            .filter(|v| !v.to_ascii_uppercase().starts_with("CHARSET"))
            .collect();
        (!words.is_empty()).then(|| words.join(","))
    }

    /// The value as text: quoted-printable decoded when declared, then decoded from the declared
    /// CHARSET (or UTF-8, else windows-1252). Backslash escapes are left for the caller, because
    /// structured values must be split before they are unescaped. The flag says whether bytes
    /// were replaced.
    pub fn text(&self) -> (String, bool) {
        let charset = self.param("CHARSET");
        if self.is_quoted_printable() {
            decode_value(&decode_quoted_printable(self.value), charset)
        } else {
            decode_value(self.value, charset)
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
/// that Apple and others write. Any other backslash is kept as text.
pub(super) fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(escaped @ ('\\' | ',' | ';' | ':' | '"')) => out.push(escaped),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// Splits a structured value on unescaped `separator`, unescaping each component.
pub(super) fn split_unescaped(text: &str, separator: char) -> Vec<String> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut escaped = false;
    for (offset, c) in text.char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == separator {
            parts.push(unescape(&text[start..offset]));
            start = offset + c.len_utf8();
        }
    }
    parts.push(unescape(&text[start..]));
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_group_name_params_and_value() {
        let p = parse(b"item1.EMAIL;type=INTERNET;TYPE=\"home,pref\";PREF:a@b.c").unwrap();
        assert_eq!(p.group.as_deref(), Some("item1"));
        assert_eq!(p.name, "EMAIL");
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
            split_unescaped(r"Doe;John\;Jr;a\\;", ';'),
            vec!["Doe", "John;Jr", "a\\", ""]
        );
    }
}
