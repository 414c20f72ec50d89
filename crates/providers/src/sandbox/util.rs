//! Small pieces every protocol module of the sandbox uses: request parameters (query plus form
//! body), HTTP Basic credentials, XML escaping and the response format chosen by a path suffix.

use axum::http::{header, HeaderMap};
use base64::Engine;

/// Request parameters in arrival order: the query string first, then a urlencoded body.
#[derive(Debug, Default, Clone)]
pub(crate) struct Params(pub(crate) Vec<(String, String)>);

impl Params {
    /// Parameters from the query string and, when the body is a form, from the body.
    pub(crate) fn from_request(query: Option<&str>, headers: &HeaderMap, body: &[u8]) -> Self {
        let mut pairs: Vec<(String, String)> = query
            .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
            .unwrap_or_default();
        if is_form(headers) || (content_type(headers).is_empty() && !body.is_empty()) {
            pairs.extend(form_urlencoded::parse(body).into_owned());
        }
        Params(pairs)
    }

    /// The first value of `name`.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The first value of `name` when it is not blank.
    pub(crate) fn non_empty(&self, name: &str) -> Option<&str> {
        self.get(name).filter(|v| !v.trim().is_empty())
    }
}

/// The media type of the request, lower-cased, without parameters.
pub(crate) fn content_type(headers: &HeaderMap) -> String {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default()
}

pub(crate) fn is_form(headers: &HeaderMap) -> bool {
    content_type(headers) == "application/x-www-form-urlencoded"
}

/// `(user, password)` from an `Authorization: Basic` header.
pub(crate) fn basic_auth(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (user, password) = text.split_once(':')?;
    Some((user.to_string(), password.to_string()))
}

/// Escapes text for an XML element or a double-quoted attribute.
pub(crate) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 cannot carry at all; the generated books never contain them.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// Response format, from a `.json` / `.xml` suffix on the last path segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Json,
    Xml,
}

/// Splits `1126.json` into `("1126", Json)`; no suffix means JSON.
pub(crate) fn split_format(segment: &str) -> (&str, Format) {
    if let Some(stem) = segment.strip_suffix(".xml") {
        (stem, Format::Xml)
    } else if let Some(stem) = segment.strip_suffix(".json") {
        (stem, Format::Json)
    } else {
        (segment, Format::Json)
    }
}

/// True for `YYYY-MM-DD HH:MM:SS` with plausible field ranges.
pub(crate) fn is_datetime(text: &str) -> bool {
    let b = text.as_bytes();
    if b.len() != 19 {
        return false;
    }
    let shape_ok = b.iter().enumerate().all(|(i, c)| match i {
        4 | 7 => *c == b'-',
        10 => *c == b' ',
        13 | 16 => *c == b':',
        _ => c.is_ascii_digit(),
    });
    let field = |from: usize, to: usize| text.get(from..to).and_then(|s| s.parse::<u32>().ok());
    shape_ok
        && matches!(field(5, 7), Some(1..=12))
        && matches!(field(8, 10), Some(1..=31))
        && matches!(field(11, 13), Some(0..=23))
        && matches!(field(14, 16), Some(0..=59))
        && matches!(field(17, 19), Some(0..=60))
}

/// A loose e-mail check in the spirit of a list server's: one `@`, something on each side, a dot in
/// the domain, no spaces.
pub(crate) fn plausible_email(address: &str) -> bool {
    match address.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
                && !address.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datetime_shape() {
        assert!(is_datetime("2015-12-05 10:12:54"));
        assert!(!is_datetime("2015-12-05T10:12:54"));
        assert!(!is_datetime("2015-13-05 10:12:54"));
        assert!(!is_datetime("2015-12-05"));
    }

    #[test]
    fn emails_and_escaping() {
        assert!(plausible_email("a@b.co"));
        assert!(!plausible_email("a@b"));
        assert!(!plausible_email("a b@c.de"));
        assert_eq!(esc("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&apos;");
        assert_eq!(split_format("12.xml"), ("12", Format::Xml));
        assert_eq!(split_format("12"), ("12", Format::Json));
    }
}
