//! Character sets: the stream decoder that turns UTF-16 (with or without BOM) into UTF-8 and
//! strips a UTF-8 BOM, and per-value decoding for declared or guessed 8-bit charsets.
//!
//! STUB: being written (see the module plan in ARCHITECTURE.md).

/// Decodes the whole input stream to UTF-8 where the stream's encoding demands it (UTF-16).
/// 8-bit inputs pass through unchanged: their values are decoded one at a time, because a
/// vCard may declare a different CHARSET on each property.
#[derive(Debug)]
pub struct StreamDecoder {
    _private: (),
}

impl StreamDecoder {
    /// Decides the stream encoding from its first bytes (BOM, or the pattern of NUL bytes).
    pub fn sniff(_head: &[u8]) -> StreamDecoder {
        StreamDecoder { _private: () }
    }
    /// Decodes `chunk` (which continues the previous ones) and appends UTF-8 to `out`.
    pub fn decode(&mut self, chunk: &[u8], out: &mut Vec<u8>) {
        out.extend_from_slice(chunk);
    }
    /// The stream has ended: flush any incomplete sequence (as U+FFFD).
    pub fn finish(&mut self, _out: &mut Vec<u8>) {}
}

/// Decodes one value: as UTF-8 when it is valid UTF-8 (or `charset` says so), else as the
/// declared `charset`, else as windows-1252. Returns the text and whether anything was replaced.
pub fn decode_value(bytes: &[u8], _charset: Option<&str>) -> (String, bool) {
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_string(), false),
        Err(_) => (String::from_utf8_lossy(bytes).into_owned(), true),
    }
}
