//! Rows: CSV bytes in, a chunk at a time → cells with the physical line each row starts on.
//!
//! The parsing itself is `csv-core` (RFC 4180 with the usual leniency: `\r`, `\n` and `\r\n`
//! all end a record, doubled quotes inside quoted fields, ragged rows). Around it this module
//! adds what csv-core leaves to its caller:
//! - the delimiter (`,` `;` or tab), sniffed from the first complete lines;
//! - physical line numbers (csv-core counts only `\n`, which is wrong for classic-Mac CR files);
//! - an unterminated quote at the end of input: csv-core silently ends the record there, which
//!   would swallow every later row into one cell. We report [`Error::Truncated`] at the row's
//!   line, keep the broken row up to the end of the line where its quote opened, and read the
//!   rest of the input again as rows (see [`RowReader::finish`]).
//!
//! Backslash-escaped quotes (`"five\"six"`, not RFC 4180) are read the RFC way: the backslash is
//! kept and the quote ends the quoted part, so `"five\"six"` gives the cell `five\six"`. Nothing
//! panics and no other row is affected.

use crate::charset::decode_value_cow;
use crate::error::Error;
use crate::model::Spare;

/// How many complete lines the delimiter is sniffed from.
const SNIFF_LINES: usize = 5;
/// Sniff from at most this many bytes, even if they hold fewer complete lines.
const SNIFF_BYTES: usize = 64 * 1024;
/// After this many unterminated quotes, the rest of the input is read with quotes as plain
/// text, so that a hostile input cannot make recovery quadratic.
const MAX_RECOVERIES: u32 = 8;

/// The most cells one row keeps; the rest are counted in [`Row::cut`] and left out, so that a
/// row of a million columns does not become a million strings. Real exports stay far below:
/// Outlook writes 92 columns, Google one group of columns per e-mail, phone and address slot.
pub const MAX_CELLS: usize = 1024;

/// The delimiters we sniff for, in order of preference on a tie.
const DELIMITERS: [u8; 3] = [b',', b';', b'\t'];

/// One CSV row: its cells (decoded, trimmed) and the 1-based physical line where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The 1-based physical line of the input where the row starts.
    pub line: u32,
    /// The cells, decoded (UTF-8, else windows-1252) and trimmed of surrounding whitespace;
    /// at most [`MAX_CELLS`].
    pub cells: Vec<String>,
    /// How many cells past [`MAX_CELLS`] the row had and were left out.
    pub cut: usize,
}

/// Splits CSV input into [`Row`]s incrementally; holds only the current row (and, before the
/// delimiter is known, the first few lines).
#[derive(Debug, Default)]
pub struct RowReader {
    /// Input held until the delimiter is sniffed.
    head: Vec<u8>,
    sniffer: Sniffer,
    parser: Option<Parser>,
}

impl RowReader {
    /// A new row reader.
    pub fn new() -> RowReader {
        RowReader::default()
    }

    /// The delimiter, once sniffed.
    pub fn delimiter(&self) -> Option<u8> {
        self.parser.as_ref().map(|p| p.delimiter)
    }

    /// Reads `chunk`, which continues the previous chunks; complete rows go to `rows`.
    pub fn feed(&mut self, chunk: &[u8], rows: &mut Vec<Row>) {
        self.feed_reusing(chunk, rows, &mut Spare::default());
    }

    /// [`RowReader::feed`], with the cells' strings taken from `spare`.
    pub fn feed_reusing(&mut self, chunk: &[u8], rows: &mut Vec<Row>, spare: &mut Spare) {
        match &mut self.parser {
            Some(parser) => parser.feed(chunk, rows, spare),
            None => {
                self.head.extend_from_slice(chunk);
                if let Some(delimiter) = self.sniffer.sniff(&self.head, false) {
                    self.start(delimiter, rows, spare);
                }
            }
        }
    }

    /// The input has ended: emits the last row. An unterminated quote is reported as
    /// [`Error::Truncated`] at the line of its row; the row is kept up to the end of the line
    /// where the quote opened and the input after that line is read again as rows.
    pub fn finish(&mut self, rows: &mut Vec<Row>, problems: &mut Vec<(u32, Error)>) {
        self.finish_reusing(rows, problems, &mut Spare::default());
    }

    /// [`RowReader::finish`], with the cells' strings taken from `spare`.
    pub fn finish_reusing(
        &mut self,
        rows: &mut Vec<Row>,
        problems: &mut Vec<(u32, Error)>,
        spare: &mut Spare,
    ) {
        if self.parser.is_none() {
            let delimiter = self.sniffer.sniff(&self.head, true).unwrap_or(b',');
            self.start(delimiter, rows, spare);
        }
        if let Some(parser) = &mut self.parser {
            parser.finish(rows, problems, spare);
        }
    }

    fn start(&mut self, delimiter: u8, rows: &mut Vec<Row>, spare: &mut Spare) {
        let mut parser = Parser::new(delimiter, true);
        let head = std::mem::take(&mut self.head);
        // The importer's stream decoder strips a UTF-8 BOM; a caller feeding us directly may not.
        let body = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&head);
        parser.feed(body, rows, spare);
        self.parser = Some(parser);
    }
}

/// csv-core plus line numbers and the raw bytes of the current record.
#[derive(Debug)]
struct Parser {
    core: csv_core::Reader,
    delimiter: u8,
    quoting: bool,
    /// Unescaped field bytes of the current record.
    output: Vec<u8>,
    output_len: usize,
    /// End offsets of the fields in `output`.
    ends: Vec<usize>,
    ends_len: usize,
    /// The input bytes of the current record, kept for recovery from an unterminated quote.
    raw: Vec<u8>,
    /// The physical line of the next input byte.
    line: u32,
    /// The previous byte was `\r` (so a following `\n` does not start another line).
    after_cr: bool,
    /// The line where the current record's first byte is.
    record_line: Option<u32>,
    recoveries: u32,
}

impl Parser {
    fn new(delimiter: u8, quoting: bool) -> Parser {
        let core = csv_core::ReaderBuilder::new()
            .delimiter(delimiter)
            .quoting(quoting)
            .double_quote(true)
            .build();
        Parser {
            core,
            delimiter,
            quoting,
            output: vec![0; 1024],
            output_len: 0,
            ends: vec![0; 64],
            ends_len: 0,
            raw: Vec::new(),
            line: 1,
            after_cr: false,
            record_line: None,
            recoveries: 0,
        }
    }

    fn feed(&mut self, mut input: &[u8], rows: &mut Vec<Row>, spare: &mut Spare) {
        loop {
            let (result, read, written, ended) = self.core.read_record(
                input,
                &mut self.output[self.output_len..],
                &mut self.ends[self.ends_len..],
            );
            let (consumed, rest) = input.split_at(read.min(input.len()));
            self.count_lines(consumed);
            self.raw.extend_from_slice(consumed);
            input = rest;
            self.output_len += written;
            self.ends_len += ended;
            match result {
                csv_core::ReadRecordResult::InputEmpty | csv_core::ReadRecordResult::End => return,
                csv_core::ReadRecordResult::OutputFull => {
                    let grown = self.output.len() * 2;
                    self.output.resize(grown, 0);
                }
                csv_core::ReadRecordResult::OutputEndsFull => {
                    let grown = self.ends.len() * 2;
                    self.ends.resize(grown, 0);
                }
                csv_core::ReadRecordResult::Record => self.emit(rows, spare),
            }
        }
    }

    /// Ends the input: drives csv-core with empty input until it says `End`.
    fn drain(&mut self, rows: &mut Vec<Row>, spare: &mut Spare) {
        loop {
            let (result, _, written, ended) = self.core.read_record(
                &[],
                &mut self.output[self.output_len..],
                &mut self.ends[self.ends_len..],
            );
            self.output_len += written;
            self.ends_len += ended;
            match result {
                csv_core::ReadRecordResult::Record => self.emit(rows, spare),
                csv_core::ReadRecordResult::OutputFull => {
                    let grown = self.output.len() * 2;
                    self.output.resize(grown, 0);
                }
                csv_core::ReadRecordResult::OutputEndsFull => {
                    let grown = self.ends.len() * 2;
                    self.ends.resize(grown, 0);
                }
                csv_core::ReadRecordResult::InputEmpty | csv_core::ReadRecordResult::End => return,
            }
        }
    }

    fn finish(&mut self, rows: &mut Vec<Row>, problems: &mut Vec<(u32, Error)>, spare: &mut Spare) {
        loop {
            let open_quote = if self.quoting {
                unterminated_quote(&self.raw, self.delimiter)
            } else {
                None
            };
            let Some(open_at) = open_quote else {
                self.drain(rows, spare);
                return;
            };
            // The broken row: from its start to the end of the line where the quote opened.
            let record_line = self.record_line.unwrap_or(self.line);
            problems.push((
                record_line,
                Error::Truncated(format!(
                    "unterminated quote in the row starting on line {record_line}"
                )),
            ));
            let raw = std::mem::take(&mut self.raw);
            let eol = raw
                .iter()
                .skip(open_at)
                .position(|&b| b == b'\r' || b == b'\n')
                .map_or(raw.len(), |offset| open_at + offset);
            let (broken, rest) = raw.split_at(eol);
            let mut salvage = Parser::new(self.delimiter, true);
            let mut salvaged = Vec::new();
            salvage.feed(broken, &mut salvaged, spare);
            salvage.drain(&mut salvaged, spare);
            rows.extend(salvaged.into_iter().map(|mut row| {
                row.line = record_line;
                row
            }));
            // Read the rest again, starting at the line where it starts.
            self.recoveries += 1;
            let quoting = self.recoveries < MAX_RECOVERIES;
            let line = self.line.saturating_sub(line_breaks(rest));
            let recoveries = self.recoveries;
            *self = Parser::new(self.delimiter, quoting);
            self.line = line;
            self.recoveries = recoveries;
            self.feed(rest, rows, spare);
        }
    }

    fn emit(&mut self, rows: &mut Vec<Row>, spare: &mut Spare) {
        let ends = self.ends.get(..self.ends_len).unwrap_or(&[]);
        let output = self.output.get(..self.output_len).unwrap_or(&[]);
        // The row's text checked as UTF-8 once rather than cell by cell (~100 instructions a
        // cell, most of a row's decoding; callgrind). A cell is then a slice of it, unless the
        // row is not UTF-8 or a cell boundary splits a character: that cell is decoded alone.
        let row_text = std::str::from_utf8(output).ok();
        let cut = ends.len().saturating_sub(MAX_CELLS);
        let ends = ends.get(..MAX_CELLS).unwrap_or(ends);
        let mut cells = Vec::with_capacity(ends.len());
        let mut start = 0;
        for &end in ends {
            match row_text.and_then(|text| text.get(start..end)) {
                Some(text) => cells.push(cell_text(text, spare)),
                None => cells.push(cell(output.get(start..end).unwrap_or(&[]), spare)),
            }
            start = end;
        }
        let line = self.record_line.unwrap_or(self.line);
        rows.push(Row { line, cells, cut });
        self.output_len = 0;
        self.ends_len = 0;
        self.raw.clear();
        self.record_line = None;
    }

    /// Advances the line counter over consumed bytes, noting where the record starts (its first
    /// byte that is not a line break: csv-core skips blank lines between records).
    fn count_lines(&mut self, consumed: &[u8]) {
        // Jumps from line break to line break with memchr instead of looking at every byte
        // (~6 instructions a byte, ~1 k a Google CSV row; callgrind). Same states: the bytes
        // skipped are neither CR nor LF, which is the `_` arm of the byte loop this replaces.
        let mut rest = consumed;
        loop {
            let at = memchr::memchr2(b'\r', b'\n', rest);
            let plain = at.unwrap_or(rest.len());
            if plain > 0 {
                if self.record_line.is_none() {
                    self.record_line = Some(self.line);
                }
                self.after_cr = false;
            }
            let Some(at) = at else {
                return;
            };
            match rest.get(at) {
                Some(b'\n') if self.after_cr => self.after_cr = false,
                Some(b'\n') => self.line = self.line.saturating_add(1),
                _ => {
                    self.line = self.line.saturating_add(1);
                    self.after_cr = true;
                }
            }
            rest = rest.get(at + 1..).unwrap_or(&[]);
        }
    }
}

/// Decodes and trims one cell (see [`cell_text`]).
fn cell(bytes: &[u8], spare: &mut Spare) -> String {
    cell_text(&decode_value_cow(bytes, None).0, spare)
}

/// Trims one decoded cell. A cell like ` "Field 1-2"` (a space before the opening quote, which
/// csv-core rightly takes literally) is unquoted after trimming.
fn cell_text(text: &str, spare: &mut Spare) -> String {
    let bytes = text.as_bytes();
    match (bytes.first(), bytes.last()) {
        // Most cells of a wide export: empty.
        (None, _) | (_, None) => return String::new(),
        // Nothing to trim and nothing to unquote (a quote first is csv-core's own, kept as
        // text): saves `trim`, ~30 instructions a cell.
        (Some(first), Some(last)) if first.is_ascii_graphic() && last.is_ascii_graphic() => {
            return spare.string(text);
        }
        _ => {}
    }
    let trimmed = text.trim();
    let unquoted = trimmed
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .filter(|inner| !inner.is_empty() && bytes.first() != Some(&b'"'));
    match unquoted {
        Some(inner) => inner.replace("\"\"", "\"").trim().to_string(),
        None => spare.string(trimmed),
    }
}

/// Line breaks in `bytes` (`\r\n`, `\r` and `\n` each count once).
fn line_breaks(bytes: &[u8]) -> u32 {
    let mut count = 0u32;
    let mut after_cr = false;
    for &byte in bytes {
        match byte {
            b'\n' if after_cr => after_cr = false,
            b'\n' => count = count.saturating_add(1),
            b'\r' => {
                count = count.saturating_add(1);
                after_cr = true;
            }
            _ => after_cr = false,
        }
    }
    count
}

/// Where the quoting state of one record stands, as csv-core sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum QuoteState {
    FieldStart,
    Unquoted,
    Quoted,
    QuoteInQuoted,
}

/// What [`QuoteScanner::step`] reports.
#[derive(Debug, Clone, Copy)]
enum Scanned {
    /// A delimiter outside quotes.
    Delimiter(u8),
    /// A line break outside quotes, at this offset.
    LineEnd(usize),
}

/// Follows the quoting state byte by byte, reporting delimiters and line breaks outside quotes.
#[derive(Debug, Clone)]
struct QuoteScanner {
    state: QuoteState,
    /// The offset of the quote that opened the last quoted field.
    opened_at: usize,
}

impl QuoteScanner {
    fn new() -> QuoteScanner {
        QuoteScanner {
            state: QuoteState::FieldStart,
            opened_at: 0,
        }
    }

    /// Takes the byte at offset `at`; `delimiters` end fields.
    fn step(&mut self, at: usize, byte: u8, delimiters: &[u8]) -> Option<Scanned> {
        let is_break = byte == b'\r' || byte == b'\n';
        let mut report = None;
        self.state = match self.state {
            QuoteState::Quoted if byte == b'"' => QuoteState::QuoteInQuoted,
            QuoteState::Quoted => QuoteState::Quoted,
            QuoteState::QuoteInQuoted if byte == b'"' => QuoteState::Quoted,
            QuoteState::FieldStart if byte == b'"' => {
                self.opened_at = at;
                QuoteState::Quoted
            }
            _ if is_break => {
                report = Some(Scanned::LineEnd(at));
                QuoteState::FieldStart
            }
            _ if delimiters.contains(&byte) => {
                report = Some(Scanned::Delimiter(byte));
                QuoteState::FieldStart
            }
            QuoteState::FieldStart | QuoteState::Unquoted | QuoteState::QuoteInQuoted => {
                QuoteState::Unquoted
            }
        };
        report
    }
}

/// The offset of the quote that opened a field still open at the end of `raw`, if any.
fn unterminated_quote(raw: &[u8], delimiter: u8) -> Option<usize> {
    let mut scanner = QuoteScanner::new();
    for (at, &byte) in raw.iter().enumerate() {
        scanner.step(at, byte, &[delimiter]);
    }
    (scanner.state == QuoteState::Quoted).then_some(scanner.opened_at)
}

/// Delimiter counts per line over the first lines of the input, gathered as it arrives (so
/// that sniffing stays linear however small the chunks).
#[derive(Debug, Clone)]
struct Sniffer {
    scanner: QuoteScanner,
    /// How far into the input the scan has come.
    scanned: usize,
    /// Counts of each of [`DELIMITERS`] on each complete, non-blank line.
    lines: Vec<[u32; 3]>,
    /// Counts on the line being scanned.
    current: [u32; 3],
    /// Where the line being scanned starts.
    line_start: usize,
}

impl Default for Sniffer {
    fn default() -> Sniffer {
        Sniffer {
            scanner: QuoteScanner::new(),
            scanned: 0,
            lines: Vec::new(),
            current: [0; 3],
            line_start: 0,
        }
    }
}

impl Sniffer {
    /// Sniffs the delimiter from the first complete lines of `head` (all of the input so far):
    /// the candidate whose count (outside quotes) is the same and non-zero on every line wins
    /// (the higher count on a tie of consistent ones); else the one most frequent on the first
    /// line; else `,`. Returns `None` when more input is needed (fewer than [`SNIFF_LINES`]
    /// complete lines in fewer than [`SNIFF_BYTES`] bytes, and not `at_eof`). Only a fixed
    /// prefix is looked at, so the result does not depend on how the input was chunked.
    fn sniff(&mut self, head: &[u8], at_eof: bool) -> Option<u8> {
        let window = head.get(..SNIFF_BYTES).unwrap_or(head);
        let new = window.get(self.scanned..).unwrap_or(&[]);
        for (offset, &byte) in new.iter().enumerate() {
            if self.lines.len() >= SNIFF_LINES {
                break;
            }
            let at = self.scanned + offset;
            match self.scanner.step(at, byte, &DELIMITERS) {
                Some(Scanned::Delimiter(delimiter)) => {
                    if let Some(i) = DELIMITERS.iter().position(|&d| d == delimiter) {
                        self.current[i] += 1;
                    }
                }
                Some(Scanned::LineEnd(at)) => {
                    // Blank lines (`\r\n` is two breaks) don't count.
                    if at > self.line_start {
                        self.lines.push(self.current);
                    }
                    self.current = [0; 3];
                    self.line_start = at + 1;
                }
                None => {}
            }
        }
        self.scanned = window.len();
        let mut lines = self.lines.clone();
        let complete = lines.len();
        if complete < SNIFF_LINES && !at_eof && head.len() < SNIFF_BYTES {
            return None;
        }
        // The last, unterminated line counts too (at the end of input, or when the window
        // holds no complete line at all).
        if complete < SNIFF_LINES && window.len() > self.line_start && (at_eof || complete == 0) {
            lines.push(self.current);
        }
        Some(choose_delimiter(&lines))
    }
}

/// Sniffs a whole head at once (see [`Sniffer::sniff`]).
#[cfg(test)]
fn sniff_delimiter(head: &[u8], at_eof: bool) -> Option<u8> {
    Sniffer::default().sniff(head, at_eof)
}

fn choose_delimiter(lines: &[[u32; 3]]) -> u8 {
    let mut best: Option<(u8, u32, u32)> = None; // (delimiter, tier, count)
    for (i, &delimiter) in DELIMITERS.iter().enumerate() {
        let counts: Vec<u32> = lines.iter().map(|line| line[i]).collect();
        let first = counts.first().copied().unwrap_or(0);
        let consistent = first > 0 && counts.iter().all(|&c| c == first);
        let (tier, count) = if consistent { (2, first) } else { (1, first) };
        if count == 0 {
            continue;
        }
        if best.is_none_or(|(_, t, c)| (tier, count) > (t, c)) {
            best = Some((delimiter, tier, count));
        }
    }
    best.map_or(b',', |(delimiter, _, _)| delimiter)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn read_all(input: &[u8], chunk: usize) -> (Vec<Row>, Vec<(u32, Error)>) {
        let mut reader = RowReader::new();
        let mut rows = Vec::new();
        let mut problems = Vec::new();
        for piece in input.chunks(chunk.max(1)) {
            reader.feed(piece, &mut rows);
        }
        reader.finish(&mut rows, &mut problems);
        (rows, problems)
    }

    fn cells(rows: &[Row]) -> Vec<Vec<&str>> {
        rows.iter()
            .map(|r| r.cells.iter().map(String::as_str).collect())
            .collect()
    }

    #[test]
    fn sniffs_delimiters() {
        assert_eq!(sniff_delimiter(b"a;b;c\n1;2;3\n", true), Some(b';'));
        assert_eq!(
            sniff_delimiter(b"a\tb\tc,d\n1\t2\t3,4\n", true),
            Some(b'\t')
        );
        assert_eq!(sniff_delimiter(b"a,b\n", false), None);
        assert_eq!(sniff_delimiter(b"email\nx@y.z\n", true), Some(b','));
        // Quoted delimiters do not count.
        assert_eq!(sniff_delimiter(b"\"a;b\",c\n\"d;e\",f\n", true), Some(b','));
    }

    #[test]
    fn counts_physical_lines_for_every_line_ending() {
        let (rows, _) = read_all(b"a,b\r\n\"x\ny\",z\n\nc,d\re,f", 3);
        let lines: Vec<u32> = rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![1, 2, 5, 6]);
        assert_eq!(cells(&rows)[1], vec!["x\ny", "z"]);
    }

    #[test]
    fn unterminated_quote_keeps_the_other_rows() {
        let input = b"name,email\n\"Ada,ada@example.org\nBob,bob@example.org\n";
        let (rows, problems) = read_all(input, 1);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].0, 2);
        assert!(matches!(problems[0].1, Error::Truncated(_)));
        assert_eq!(
            cells(&rows),
            vec![
                vec!["name", "email"],
                vec!["Ada,ada@example.org"],
                vec!["Bob", "bob@example.org"]
            ]
        );
        assert_eq!(rows[2].line, 3);
    }

    #[test]
    fn windows_1252_cells_are_decoded() {
        let (rows, _) = read_all(b"J\xfcrgen,M\xfcller\n", 1);
        assert_eq!(cells(&rows), vec![vec!["Jürgen", "Müller"]]);
    }

    #[test]
    fn cells_are_decoded_alone_when_the_row_is_not_utf8_or_a_boundary_splits_a_character() {
        // "é" is C3 A9: here a delimiter splits it, so the row is valid UTF-8 but neither cell
        // is, and each is read as windows-1252 by itself, as a cell of a row that is not UTF-8.
        let (rows, _) = read_all(b"a\xc3,\xa9b,\xc3\xa9\n\xfc,\xc3\xa9 \n", 1);
        assert_eq!(cells(&rows), vec![vec!["aÃ", "©b", "é"], vec!["ü", "é"]]);
    }
}
