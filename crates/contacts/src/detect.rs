//! Format detection from content (the file name only breaks ties).

/// The file formats this crate reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// vCard 2.1, 3.0 or 4.0.
    VCard,
    /// Comma-, semicolon- or tab-separated values, with or without a header row.
    Csv,
    /// JSON: CloudSponge, Popsell, Convio, W3C Contact Picker, or this crate's own schema.
    Json,
    /// XML: CloudSponge, Convio, or the `contact.*` API.
    Xml,
}

/// Decides the format from the first (already UTF-8) bytes of the input. `name` (a file
/// name) is consulted only when the content alone is ambiguous.
pub fn sniff(head: &[u8], name: Option<&str>) -> Option<Format> {
    let text = String::from_utf8_lossy(&head[..head.len().min(4096)]);
    let trimmed = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    if trimmed.is_empty() {
        return None;
    }
    // `get` and not indexing: the 11th byte may fall inside a multibyte character.
    if trimmed
        .get(..11)
        .is_some_and(|head| head.eq_ignore_ascii_case("begin:vcard"))
    {
        return Some(Format::VCard);
    }
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        return Some(Format::Json);
    }
    if trimmed.starts_with('<') {
        return Some(Format::Xml);
    }
    // A vCard may start with blank or junk lines; look for BEGIN:VCARD at a line start.
    let lower = trimmed.to_ascii_lowercase();
    if lower.contains("\nbegin:vcard") {
        return Some(Format::VCard);
    }
    let extension = name
        .and_then(|n| n.rsplit_once('.'))
        .map(|(_, e)| e.to_ascii_lowercase());
    match extension.as_deref() {
        Some("vcf" | "vcard") => Some(Format::VCard),
        Some("json") => Some(Format::Json),
        Some("xml") => Some(Format::Xml),
        // Anything else with text is treated as delimited values; the CSV reader copes with
        // a missing header row.
        _ => Some(Format::Csv),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn detects_by_content_not_name() {
        assert_eq!(
            sniff(b"BEGIN:VCARD\r\nVERSION:3.0", Some("x.csv")),
            Some(Format::VCard)
        );
        assert_eq!(
            sniff(b"  [{\"name\":1}]", Some("x.vcf")),
            Some(Format::Json)
        );
        assert_eq!(
            sniff(b"<?xml version=\"1.0\"?><a/>", None),
            Some(Format::Xml)
        );
        assert_eq!(sniff(b"First Name,Last Name\n", None), Some(Format::Csv));
        assert_eq!(
            sniff(b"\r\n\r\nbegin:vCard\nfn:x", None),
            Some(Format::VCard)
        );
        assert_eq!(sniff(b"", None), None);
        // The 11th byte inside a multibyte character must not panic.
        assert_eq!(sniff("ééééééé,x".as_bytes(), None), Some(Format::Csv));
        assert_eq!(sniff("N;CHARSET=é:x".as_bytes(), None), Some(Format::Csv));
        assert_eq!(sniff("BEGIN:VCARé".as_bytes(), None), Some(Format::Csv));
    }
}
