//! Character sets.
//!
//! Two jobs, at two levels:
//! - [`StreamDecoder`] turns a UTF-16 stream (LE or BE, with or without BOM: Outlook's
//!   "Unicode text", roundcube's UTF-16BE vCard) into UTF-8 as chunks arrive, and strips a UTF-8
//!   BOM. Other streams pass through untouched, because an 8-bit file's charset is a property of
//!   each value: a vCard may declare `CHARSET=` per property, and a CSV cell that is not UTF-8 is
//!   windows-1252 in practice.
//! - [`decode_value`] decodes one value from its declared (or guessed) charset.
//!
//! Why our own and not `encoding_rs`: we need UTF-16 and five 8-bit code pages, which fit in
//! 1 KB of tables here, while `encoding_rs` brings every WHATWG encoding (CJK tables included,
//! on the order of 100 KB of wasm) into the widget; and the per-value fallback rule (valid UTF-8
//! wins, else windows-1252) is ours either way.

mod tables;

use std::borrow::Cow;

/// The encoding of the whole stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StreamEncoding {
    /// UTF-8 or an 8-bit charset: bytes pass through (a leading UTF-8 BOM is removed).
    Bytes,
    Utf16Le,
    Utf16Be,
}

/// Decodes the input stream to UTF-8 where the stream's encoding demands it (UTF-16).
#[derive(Debug)]
pub struct StreamDecoder {
    encoding: StreamEncoding,
    /// Bytes still to skip at the very start (a BOM).
    skip: usize,
    /// An odd byte left over from the previous chunk (UTF-16).
    pending_byte: Option<u8>,
    /// A high surrogate waiting for its low half (UTF-16).
    pending_high: Option<u16>,
}

impl StreamDecoder {
    /// Decides the stream encoding from its first bytes: a BOM, or else the pattern of NUL
    /// bytes (UTF-16 text of Latin script has a NUL in every other byte).
    pub fn sniff(head: &[u8]) -> StreamDecoder {
        let (encoding, skip) = match head {
            [0xEF, 0xBB, 0xBF, ..] => (StreamEncoding::Bytes, 3),
            [0xFF, 0xFE, ..] => (StreamEncoding::Utf16Le, 2),
            [0xFE, 0xFF, ..] => (StreamEncoding::Utf16Be, 2),
            _ => (sniff_bomless(head), 0),
        };
        StreamDecoder {
            encoding,
            skip,
            pending_byte: None,
            pending_high: None,
        }
    }

    /// Decodes `chunk` (which continues the previous ones) and appends UTF-8 to `out`.
    pub fn decode(&mut self, mut chunk: &[u8], out: &mut Vec<u8>) {
        let skipped = self.skip.min(chunk.len());
        self.skip -= skipped;
        chunk = &chunk[skipped..];
        if self.encoding == StreamEncoding::Bytes {
            out.extend_from_slice(chunk);
            return;
        }
        let mut rest = chunk;
        if let Some(first) = self.pending_byte.take() {
            match rest.split_first() {
                Some((&second, tail)) => {
                    self.push_unit(self.unit(first, second), out);
                    rest = tail;
                }
                None => {
                    self.pending_byte = Some(first);
                    return;
                }
            }
        }
        let mut pairs = rest.chunks_exact(2);
        for pair in &mut pairs {
            self.push_unit(self.unit(pair[0], pair[1]), out);
        }
        self.pending_byte = pairs.remainder().first().copied();
    }

    /// The stream has ended: an incomplete sequence becomes U+FFFD.
    pub fn finish(&mut self, out: &mut Vec<u8>) {
        if self.pending_byte.take().is_some() || self.pending_high.take().is_some() {
            push_char(char::REPLACEMENT_CHARACTER, out);
        }
    }

    fn unit(&self, a: u8, b: u8) -> u16 {
        match self.encoding {
            StreamEncoding::Utf16Be => u16::from_be_bytes([a, b]),
            _ => u16::from_le_bytes([a, b]),
        }
    }

    fn push_unit(&mut self, unit: u16, out: &mut Vec<u8>) {
        match (self.pending_high.take(), unit) {
            (Some(high), 0xDC00..=0xDFFF) => {
                let code = 0x10000 + (((high as u32) - 0xD800) << 10) + ((unit as u32) - 0xDC00);
                push_char(
                    char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER),
                    out,
                );
            }
            (high, _) => {
                if high.is_some() {
                    push_char(char::REPLACEMENT_CHARACTER, out);
                }
                match unit {
                    0xD800..=0xDBFF => self.pending_high = Some(unit),
                    0xDC00..=0xDFFF => push_char(char::REPLACEMENT_CHARACTER, out),
                    _ => push_char(
                        char::from_u32(unit as u32).unwrap_or(char::REPLACEMENT_CHARACTER),
                        out,
                    ),
                }
            }
        }
    }
}

/// UTF-16 without a BOM: in the first 512 byte pairs, most even (BE) or odd (LE) bytes are NUL
/// while the other half mostly is not.
fn sniff_bomless(head: &[u8]) -> StreamEncoding {
    let pairs = head.chunks_exact(2).take(512);
    let (mut total, mut nul_even, mut nul_odd) = (0usize, 0usize, 0usize);
    for pair in pairs {
        total += 1;
        nul_even += usize::from(pair[0] == 0 && pair[1] != 0);
        nul_odd += usize::from(pair[1] == 0 && pair[0] != 0);
    }
    if total >= 2 && nul_odd * 10 >= total * 6 {
        StreamEncoding::Utf16Le
    } else if total >= 2 && nul_even * 10 >= total * 6 {
        StreamEncoding::Utf16Be
    } else {
        StreamEncoding::Bytes
    }
}

fn push_char(c: char, out: &mut Vec<u8>) {
    let mut buf = [0u8; 4];
    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
}

/// The 8-bit charsets [`decode_value`] knows by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CodePage {
    Windows1252,
    Windows1250,
    Iso8859_2,
    Iso8859_15,
}

fn code_page(label: &str) -> Option<CodePage> {
    let label = label
        .trim()
        .trim_matches('"')
        .to_ascii_lowercase()
        .replace('_', "-");
    match label.as_str() {
        "windows-1252" | "cp1252" | "iso-8859-1" | "iso8859-1" | "latin1" | "latin-1"
        | "us-ascii" | "ascii" | "x-mac-roman" => Some(CodePage::Windows1252),
        "windows-1250" | "cp1250" => Some(CodePage::Windows1250),
        "iso-8859-2" | "iso8859-2" | "latin2" | "latin-2" => Some(CodePage::Iso8859_2),
        "iso-8859-15" | "iso8859-15" | "latin9" | "latin-9" => Some(CodePage::Iso8859_15),
        _ => None,
    }
}

/// Decodes one value. Pure ASCII is taken as is. A declared 8-bit `charset` (windows-1252,
/// ISO-8859-1/-2/-15, windows-1250) is honoured. Otherwise (UTF-8 declared, none, or unknown)
/// valid UTF-8 is UTF-8, and anything else is read as windows-1252, the charset of real
/// mislabelled exports. Returns the text and whether it was a guess (bytes were not valid in the
/// declared or assumed charset).
pub fn decode_value(bytes: &[u8], charset: Option<&str>) -> (String, bool) {
    let (text, guessed) = decode_value_cow(bytes, charset);
    (text.into_owned(), guessed)
}

/// [`decode_value`] without copying when the bytes are already the text (ASCII, or valid
/// UTF-8 with no 8-bit charset declared): the CSV reader trims every cell after decoding, and
/// copying it twice was one malloc + memcpy + free per cell (~30 cells a Google CSV row).
pub fn decode_value_cow<'a>(bytes: &'a [u8], charset: Option<&str>) -> (Cow<'a, str>, bool) {
    if bytes.is_ascii() {
        // ASCII is UTF-8 (and the same in every 8-bit charset we decode).
        return match std::str::from_utf8(bytes) {
            Ok(text) => (Cow::Borrowed(text), false),
            Err(_) => (String::from_utf8_lossy(bytes), false),
        };
    }
    if let Some(page) = charset.and_then(code_page) {
        return (Cow::Owned(decode_8bit(bytes, page)), false);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => (Cow::Borrowed(text), false),
        Err(_) => (Cow::Owned(decode_8bit(bytes, CodePage::Windows1252)), true),
    }
}

fn decode_8bit(bytes: &[u8], page: CodePage) -> String {
    let table = match page {
        CodePage::Windows1252 => &tables::WINDOWS_1252,
        CodePage::Windows1250 => &tables::WINDOWS_1250,
        CodePage::Iso8859_2 => &tables::ISO_8859_2,
        CodePage::Iso8859_15 => &tables::ISO_8859_15,
    };
    bytes
        .iter()
        .map(|&b| {
            if b < 0x80 {
                b as char
            } else {
                table[(b - 0x80) as usize]
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn decode_in_chunks(bytes: &[u8], size: usize) -> String {
        let mut decoder = StreamDecoder::sniff(bytes);
        let mut out = Vec::new();
        for chunk in bytes.chunks(size) {
            decoder.decode(chunk, &mut out);
        }
        decoder.finish(&mut out);
        String::from_utf8(out).expect("the decoder always writes UTF-8")
    }

    fn utf16(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
        let mut out = Vec::new();
        if bom {
            out.extend_from_slice(if big_endian {
                &[0xFE, 0xFF]
            } else {
                &[0xFF, 0xFE]
            });
        }
        for unit in text.encode_utf16() {
            out.extend_from_slice(&if big_endian {
                unit.to_be_bytes()
            } else {
                unit.to_le_bytes()
            });
        }
        out
    }

    #[test]
    fn utf16_with_and_without_bom_in_any_chunking() {
        let text = "BEGIN:VCARD\r\nFN:Ǽgean ĽdaMonté 😀\r\nEND:VCARD\r\n";
        for big_endian in [false, true] {
            for bom in [false, true] {
                let bytes = utf16(text, big_endian, bom);
                for size in [1, 2, 3, 7, 4096] {
                    assert_eq!(
                        decode_in_chunks(&bytes, size),
                        text,
                        "be={big_endian} bom={bom} size={size}"
                    );
                }
            }
        }
    }

    #[test]
    fn utf8_bom_is_stripped_and_bytes_pass_through() {
        let mut bytes = vec![0xEF, 0xBB, 0xBF];
        bytes.extend_from_slice("Zoë,".as_bytes());
        bytes.push(0xFF);
        let mut decoder = StreamDecoder::sniff(&bytes);
        let mut out = Vec::new();
        decoder.decode(&bytes[..2], &mut out);
        decoder.decode(&bytes[2..], &mut out);
        assert_eq!(decoder.encoding, StreamEncoding::Bytes);
        let mut expected = "Zoë,".as_bytes().to_vec();
        expected.push(0xFF);
        assert_eq!(out, expected);
    }

    #[test]
    fn broken_utf16_becomes_replacement_characters() {
        // A lone low surrogate, a high surrogate followed by a letter, and an odd final byte.
        let bytes = [0xFF, 0xFE, 0x00, 0xDC, 0x3D, 0xD8, 0x41, 0x00, 0x42];
        assert_eq!(decode_in_chunks(&bytes, 1), "\u{fffd}\u{fffd}A\u{fffd}");
    }

    #[test]
    fn values_in_declared_and_guessed_charsets() {
        assert_eq!(
            decode_value(b"Do\xeb", Some("windows-1252")),
            ("Doë".to_string(), false)
        );
        assert_eq!(
            decode_value(b"Iksi\xf1ski", Some("ISO-8859-2")),
            ("Iksiński".to_string(), false)
        );
        assert_eq!(
            decode_value(b"Iksi\xf1ski", Some("windows-1250")),
            ("Iksiński".to_string(), false)
        );
        assert_eq!(
            decode_value(b"Iksi\xf1ski", None),
            ("Iksiñski".to_string(), true)
        );
        assert_eq!(
            decode_value("Müller".as_bytes(), None),
            ("Müller".to_string(), false)
        );
        assert_eq!(
            decode_value(b"M\xfcller", Some("UTF-8")),
            ("Müller".to_string(), true)
        );
        assert_eq!(
            decode_value(b"Reid\x92s", None),
            ("Reid\u{2019}s".to_string(), true)
        );
        assert_eq!(
            decode_value(b"\x80 5", Some("iso-8859-15")),
            ("\u{80} 5".to_string(), false)
        );
        assert_eq!(
            decode_value(b"\xa4 5", Some("latin9")),
            ("€ 5".to_string(), false)
        );
    }

    #[cfg_attr(
        target_arch = "wasm32",
        ignore = "reads tests/corpus from disk, which wasm32-unknown-unknown cannot: the engine's parity test reads the same files in wasm"
    )]
    #[test]
    fn corpus_utf16_files_are_detected() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/corpus");
        let be = std::fs::read(format!("{dir}/vcard/roundcube__utf-16_sample.vcf"))
            .expect("corpus file");
        assert!(decode_in_chunks(&be, 5).contains("Ǽgean ĽdaMonté"));
        let le = std::fs::read(format!("{dir}/csv/synth__outlook_unicode_utf16le_tab.txt"))
            .expect("corpus file");
        let text = decode_in_chunks(&le, 3);
        assert!(text.contains("Łukasz") && text.contains("李") && !text.starts_with('\u{feff}'));
    }
}
