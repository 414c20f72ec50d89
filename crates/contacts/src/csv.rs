//! CSV: the reader (any delimited export with or without a header row) and the writers (our own
//! layout, and Constant Contact's upload layout).
//!
//! Reading goes in three steps:
//! 1. [`RowReader`] (in `csv/rows.rs`) splits UTF-8 input into rows with their physical line,
//!    sniffing the delimiter and recovering from an unterminated quote.
//! 2. The first row decides the layout (see [`Reader`]): a header row is mapped by name
//!    ([`columns`]), a file without one by the content of its first row.
//! 3. Each row becomes a [`RawRecord`]: raw values, trimmed, never validated (the normalizer
//!    does that).
//!
//! Decisions on Google's exports: " ::: " separates several values in one cell (e-mails,
//! phones, labels); a label `* Home` on an e-mail marks the primary address (the label is kept
//! raw, `* ` included, for the normalizer); in groups the `* ` system marker is removed and the
//! system group itself is kept (`* myContacts` → `myContacts`), as roundcube does.

mod columns;
mod rows;
mod write;

use std::collections::BTreeMap;

use crate::error::Error;
use crate::model::{Address, Contact, Email, Phone, Spare};
use crate::normalize::text::trim;
use crate::record::{Batch, RawRecord, RecordReader};

pub use columns::{header_key, looks_like_email, looks_like_phone, AddressPart, Columns, Field};
pub use rows::{Row, RowReader, MAX_CELLS};
pub use write::{
    constant_contact_header, constant_contact_row, write, write_constant_contact,
    write_constant_contact_to, write_to,
};

/// Reads CSV input incrementally (see the module documentation).
///
/// Header or not: the first row is a header when none of its cells looks like an e-mail address
/// or a phone number and its names are known (at least three, or at least half of its non-empty
/// cells), or when the second row has an e-mail-shaped cell under a first-row cell that is not
/// one. Otherwise the first row is data and the columns are mapped by its content, so a file
/// without a header loses no contact.
#[derive(Debug, Default)]
pub struct Reader {
    rows: RowReader,
    /// Rows split from the current chunk.
    pending: Vec<Row>,
    layout: Layout,
    /// Per-row working space, kept from row to row so that it is allocated once.
    scratch: Scratch,
}

#[derive(Debug, Default)]
enum Layout {
    /// No row with content seen yet.
    #[default]
    Waiting,
    /// The first row, held until the second one helps to decide.
    First(Row),
    /// Columns decided.
    Mapped(Columns),
}

impl Reader {
    /// A new reader.
    pub fn new() -> Reader {
        Reader::default()
    }

    /// The column mapping, once decided.
    pub fn columns(&self) -> Option<&Columns> {
        match &self.layout {
            Layout::Mapped(columns) => Some(columns),
            _ => None,
        }
    }

    fn take_rows(&mut self, out: &mut Batch) {
        let rows = std::mem::take(&mut self.pending);
        for row in rows {
            if row.cut > 0 {
                let error = Error::TooMany(format!(
                    "a row of {} cells: the {} after the first {MAX_CELLS} were left out",
                    row.cut + row.cells.len(),
                    row.cut
                ));
                out.problems.push((row.line, error));
            }
            self.row(row, out);
        }
    }

    fn row(&mut self, mut row: Row, out: &mut Batch) {
        if row.cells.iter().all(String::is_empty) {
            return;
        }
        match std::mem::take(&mut self.layout) {
            Layout::Waiting => self.layout = Layout::First(row),
            Layout::First(first) => {
                self.decide(first, Some(&row), out);
                self.row(row, out);
            }
            Layout::Mapped(columns) => {
                if let Some(contact) = record(&columns, &mut row.cells, &mut self.scratch, out) {
                    out.records.push(RawRecord {
                        line: row.line,
                        contact,
                    });
                }
                // The cells not moved into the record.
                for cell in row.cells {
                    out.spare.give(cell);
                }
                self.layout = Layout::Mapped(columns);
            }
        }
    }

    /// Decides whether `first` is a header, and maps the columns.
    fn decide(&mut self, mut first: Row, second: Option<&Row>, out: &mut Batch) {
        let has_data_shape = first
            .cells
            .iter()
            .any(|c| c.contains('@') || looks_like_phone(c));
        let by_name = Columns::from_header(&first.cells);
        let non_empty = first.cells.iter().filter(|c| !c.is_empty()).count();
        let known = by_name.recognized();
        let named = known >= 3 || (known > 0 && known * 2 >= non_empty);
        let email_below = second.is_some_and(|second| {
            second.cells.iter().enumerate().any(|(i, cell)| {
                looks_like_email(cell) && first.cells.get(i).is_some_and(|c| !c.is_empty())
            })
        });
        if !has_data_shape && (named || email_below) {
            let mut by_name = by_name;
            if let Some(second) = second {
                by_name.adopt_email_columns(&second.cells);
            }
            self.layout = Layout::Mapped(by_name);
            return;
        }
        let columns = Columns::from_content(&first.cells);
        if let Some(contact) = record(&columns, &mut first.cells, &mut self.scratch, out) {
            out.records.push(RawRecord {
                line: first.line,
                contact,
            });
        }
        self.layout = Layout::Mapped(columns);
    }
}

impl RecordReader for Reader {
    fn feed(&mut self, chunk: &[u8], out: &mut Batch) {
        self.rows
            .feed_reusing(chunk, &mut self.pending, &mut out.spare);
        self.take_rows(out);
    }

    fn finish(&mut self, out: &mut Batch) {
        let mut problems: Vec<(u32, Error)> = Vec::new();
        self.rows
            .finish_reusing(&mut self.pending, &mut problems, &mut out.spare);
        out.problems.extend(problems);
        self.take_rows(out);
        if let Layout::First(first) = std::mem::take(&mut self.layout) {
            self.decide(first, None, out);
        }
    }
}

/// The working space of [`record`]: what a row says per slot, and the slots in the order their
/// first value appears. Kept from row to row: building and dropping it for every row of a
/// 30-column Google export was ~1.3 k instructions a row (callgrind).
#[derive(Debug, Default)]
struct Scratch {
    slots: Vec<SlotValues>,
    slot_order: Vec<usize>,
}

/// Per slot, what a row says about one e-mail, phone or address.
#[derive(Debug, Default)]
struct SlotValues {
    label: Option<String>,
    values: Vec<String>,
    address: Address,
    formatted: Option<String>,
    has_address: bool,
}

/// Builds the raw contact of one row, from `out.spare`; `None` when the row carries nothing at
/// all. The cells are moved into the contact rather than copied (the caller gives what is left
/// of the row back to the spare): one malloc + memcpy + free fewer per non-empty cell.
fn record(
    columns: &Columns,
    cells: &mut [String],
    scratch: &mut Scratch,
    out: &mut Batch,
) -> Option<Contact> {
    let spare = &mut out.spare;
    let mut contact = spare.contact();
    let Scratch { slots, slot_order } = scratch;
    // Every slot as new: the previous row's values cleared, their lists' capacity kept.
    slot_order.clear();
    slots.truncate(columns.slots.len());
    slots.resize_with(columns.slots.len(), SlotValues::default);
    for values in slots.iter_mut() {
        values.label = None;
        values.values.clear();
        values.address = Address::default();
        values.formatted = None;
        values.has_address = false;
    }
    let mut birth = (None, None, None);
    let mut extra: BTreeMap<String, serde_json::Value> = BTreeMap::new();
    for (index, cell) in cells.iter_mut().enumerate() {
        if cell.is_empty() || is_zero_date(cell) {
            continue;
        }
        let field = columns.field(index);
        // Only the fields that keep the cell as it is take it; the others read it.
        let value = if keeps_cell(field) {
            Some(std::mem::take(cell))
        } else {
            None
        };
        let name = &mut contact.name;
        match field {
            Field::Display => set_first(&mut name.display, value),
            Field::Given => set_first(&mut name.given, value),
            Field::Middle => set_first(&mut name.middle, value),
            Field::Family => set_first(&mut name.family, value),
            Field::Prefix => set_first(&mut name.prefix, value),
            Field::Suffix => set_first(&mut name.suffix, value),
            Field::Nickname => set_first(&mut contact.nickname, value),
            Field::Organization => set_first(&mut contact.organization, value),
            Field::JobTitle => set_first(&mut contact.title, value),
            Field::Department => set_first(&mut contact.department, value),
            Field::Birthday => set_first(&mut contact.birthday, value),
            Field::BirthYear => birth.0 = value,
            Field::BirthMonth => birth.1 = value,
            Field::BirthDay => birth.2 = value,
            Field::Notes => set_first(&mut contact.notes, value),
            Field::Photo => set_first(&mut contact.photo_url, value),
            Field::Groups => {
                for group in groups_of(cell) {
                    if !contact.groups.iter().any(|g| g == group) {
                        contact.groups.push(spare.string(group));
                    }
                }
            }
            Field::Email(slot) | Field::Phone(slot) => {
                if let Some(values) = slots.get_mut(slot) {
                    if !has_google_separator(cell) && trim(cell).len() == cell.len() {
                        // One value, already trimmed and not empty (checked above): moved.
                        values.values.push(std::mem::take(cell));
                    } else {
                        values.values.extend(
                            split_google(cell)
                                .map(str::trim)
                                .filter(|v| !v.is_empty())
                                .map(String::from),
                        );
                    }
                    note_slot(slot_order, slot);
                }
            }
            Field::EmailLabel(slot) | Field::PhoneLabel(slot) => {
                if let Some(values) = slots.get_mut(slot) {
                    values.label = value;
                }
            }
            Field::Address(slot, part) => {
                if let Some(values) = slots.get_mut(slot) {
                    add_address_part(values, part, std::mem::take(cell), spare);
                    if part != AddressPart::Label {
                        note_slot(slot_order, slot);
                    }
                }
            }
            Field::Ignore => {}
            Field::Extra => {
                let mut key = columns.name(index);
                if extra.contains_key(&key) {
                    key = format!("{key} (column {})", index + 1);
                }
                extra.insert(key, serde_json::Value::String(std::mem::take(cell)));
            }
        }
    }
    if contact.birthday.is_none() {
        contact.birthday = birthday_from_parts(birth);
    }
    contact.extra = extra;
    for &slot in slot_order.iter() {
        let (Some(info), Some(values)) = (columns.slots.get(slot), slots.get_mut(slot)) else {
            continue;
        };
        // Taken, not cloned (the slot is not read again), and moved into the last value.
        let mut label_raw = values.label.take().or_else(|| info.default_label.clone());
        let count = values.values.len();
        let is_email = info.key.starts_with("email:");
        let is_phone = info.key.starts_with("phone:");
        if is_email {
            // Google marks the primary address's label with "* ".
            let starred = label_raw.as_deref().is_some_and(|l| l.starts_with('*'));
            for (i, address) in values.values.drain(..).enumerate() {
                let primary = i == 0
                    && (info.primary || starred)
                    && !contact.emails.iter().any(|e| e.primary);
                contact.emails.push(Email {
                    address,
                    label_raw: if i + 1 == count {
                        label_raw.take()
                    } else {
                        label_raw.clone()
                    },
                    primary,
                    ..Email::default()
                });
            }
        } else if is_phone {
            for (i, raw) in values.values.drain(..).enumerate() {
                contact.phones.push(Phone {
                    number: spare.string(&raw),
                    raw,
                    label_raw: if i + 1 == count {
                        label_raw.take()
                    } else {
                        label_raw.clone()
                    },
                    ..Phone::default()
                });
            }
        } else if values.has_address {
            let mut address = std::mem::take(&mut values.address);
            let structured = !address.street.is_empty()
                || address.locality.is_some()
                || address.region.is_some()
                || address.postal_code.is_some()
                || address.country.is_some();
            if !structured {
                if let Some(formatted) = values.formatted.take() {
                    lines(formatted, &mut address.street, spare);
                }
            }
            if !address.street.is_empty() || structured {
                address.label_raw = label_raw;
                contact.addresses.push(address);
            }
        }
    }
    let has_content = !contact.is_empty()
        || contact.notes.is_some()
        || !contact.groups.is_empty()
        || !contact.extra.is_empty()
        || contact.birthday.is_some()
        || contact.title.is_some()
        || contact.department.is_some()
        || contact.photo_url.is_some();
    has_content.then_some(contact)
}

fn note_slot(order: &mut Vec<usize>, slot: usize) {
    if !order.contains(&slot) {
        order.push(slot);
    }
}

/// True for the fields whose value is the whole cell, moved into the contact as it is.
fn keeps_cell(field: Field) -> bool {
    matches!(
        field,
        Field::Display
            | Field::Given
            | Field::Middle
            | Field::Family
            | Field::Prefix
            | Field::Suffix
            | Field::Nickname
            | Field::Organization
            | Field::JobTitle
            | Field::Department
            | Field::Birthday
            | Field::BirthYear
            | Field::BirthMonth
            | Field::BirthDay
            | Field::Notes
            | Field::Photo
            | Field::EmailLabel(_)
            | Field::PhoneLabel(_)
    )
}

fn add_address_part(values: &mut SlotValues, part: AddressPart, cell: String, spare: &mut Spare) {
    let address = &mut values.address;
    match part {
        AddressPart::Label => {
            values.label = Some(cell);
            return;
        }
        AddressPart::Formatted => set_first(&mut values.formatted, Some(cell)),
        AddressPart::Street => lines(cell, &mut address.street, spare),
        AddressPart::Locality => set_first(&mut address.locality, Some(cell)),
        AddressPart::Region => set_first(&mut address.region, Some(cell)),
        AddressPart::PostalCode => set_first(&mut address.postal_code, Some(cell)),
        AddressPart::Country => set_first(&mut address.country, Some(cell)),
    }
    values.has_address = true;
}

/// Appends the non-empty trimmed lines of a multi-line cell to `out`.
fn lines(cell: String, out: &mut Vec<String>, spare: &mut Spare) {
    if !cell.contains(['\n', '\r']) && trim(&cell).len() == cell.len() {
        // One line, already trimmed (nearly every street): moved as it is.
        if !cell.is_empty() {
            out.push(cell);
        }
        return;
    }
    for line in cell.lines().map(str::trim).filter(|l| !l.is_empty()) {
        out.push(spare.string(line));
    }
    spare.give(cell);
}

fn set_first(slot: &mut Option<String>, value: Option<String>) {
    if slot.is_none() {
        *slot = value;
    }
}

/// `cell.contains(" ::: ")`, see [`find_google_separator`].
fn has_google_separator(cell: &str) -> bool {
    find_google_separator(cell).is_some()
}

/// `cell.find(" ::: ")` by looking for ':' with memchr: `str::find` and `str::split` set up
/// a two-way searcher for every call, ~450 instructions a cell (callgrind). The first ':'
/// whose surroundings are " ::: " is the leftmost match (a match starts one byte before its
/// first ':').
fn find_google_separator(cell: &str) -> Option<usize> {
    let bytes = cell.as_bytes();
    memchr::memchr_iter(b':', bytes)
        .find(|&at| {
            at > 0
                && bytes
                    .get(at - 1..at + 4)
                    .is_some_and(|window| window == b" ::: ")
        })
        .map(|at| at - 1)
}

/// `cell.split(" ::: ")` over [`find_google_separator`].
fn split_google(cell: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(cell);
    std::iter::from_fn(move || {
        let current = rest?;
        match find_google_separator(current) {
            Some(at) => {
                rest = current.get(at + 5..);
                current.get(..at)
            }
            None => {
                rest = None;
                Some(current)
            }
        }
    })
}

/// The groups of one cell, collected (tests).
#[cfg(test)]
fn split_groups(cell: &str) -> Vec<String> {
    groups_of(cell).map(str::to_string).collect()
}

/// Groups of one cell: " ::: " (Google) or ";" (Outlook) separated, without Google's `* `
/// system marker. Borrowed: the caller copies only the groups it keeps.
fn groups_of(cell: &str) -> impl Iterator<Item = &str> {
    split_google(cell)
        .flat_map(|part| part.split(';'))
        .map(|group| trim(trim(group).trim_start_matches('*')))
        .filter(|group| !group.is_empty())
}

/// Outlook writes an unset date as `0/0/00` (German: `0.0.00`).
fn is_zero_date(cell: &str) -> bool {
    // Cheap test first (both are pure, so the order changes nothing): a zero date is at most
    // 14 bytes of zeros and separators. This ran `looks_like_date`, which collects a Vec, on
    // every non-empty cell: ~5 k instructions a Google CSV row (callgrind).
    cell.len() <= 14
        && cell.bytes().all(|b| matches!(b, b'0' | b'.' | b'/' | b'-'))
        && columns::looks_like_date(cell)
        && cell.chars().all(|c| !c.is_ascii_digit() || c == '0')
}

/// Thunderbird's Birth Year / Month / Day as `YYYY-MM-DD`, or `--MM-DD` without a year.
fn birthday_from_parts(parts: (Option<String>, Option<String>, Option<String>)) -> Option<String> {
    let number = |part: Option<String>| {
        part.and_then(|p| p.trim().parse::<u32>().ok())
            .filter(|n| *n > 0)
    };
    let (year, month, day) = (number(parts.0), number(parts.1), number(parts.2));
    match (year, month, day) {
        (Some(year), Some(month), Some(day)) => Some(format!("{year:04}-{month:02}-{day:02}")),
        (None, Some(month), Some(day)) => Some(format!("--{month:02}-{day:02}")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn read(input: &str) -> Batch {
        let mut reader = Reader::new();
        let mut batch = Batch::default();
        reader.feed(input.as_bytes(), &mut batch);
        reader.finish(&mut batch);
        batch
    }

    #[test]
    fn a_row_keeps_at_most_max_cells_and_says_how_many_it_left_out() {
        let columns = MAX_CELLS + 4000;
        let mut input = String::from("Name,E-mail");
        for column in 3..=columns {
            input.push_str(&format!(",c{column}"));
        }
        input.push_str("\nAda Lovelace,ada@example.org");
        input.push_str(&",x".repeat(columns - 2));
        input.push('\n');
        let batch = read(&input);
        assert_eq!(batch.records.len(), 1);
        let contact = &batch.records[0].contact;
        assert_eq!(contact.emails[0].address, "ada@example.org");
        assert_eq!(contact.extra.len(), MAX_CELLS - 2);
        let cut: Vec<(u32, &str)> = batch
            .problems
            .iter()
            .map(|(line, error)| (*line, error.code()))
            .collect();
        assert_eq!(cut, vec![(1, "too_many"), (2, "too_many")]);
        assert!(batch.problems[1].1.to_string().contains("the 4000 after"));
    }

    #[test]
    fn header_less_file_keeps_its_first_row() {
        let batch = read("Ada Lovelace,ada@example.org\nBob,bob@example.org\n");
        assert_eq!(batch.records.len(), 2);
        let first = &batch.records[0];
        assert_eq!(first.line, 1);
        assert_eq!(first.contact.name.display.as_deref(), Some("Ada Lovelace"));
        assert_eq!(first.contact.emails[0].address, "ada@example.org");
    }

    #[test]
    fn unknown_header_names_are_a_header_when_the_next_row_has_an_email() {
        let batch = read("Who,Where\nAda,ada@example.org\n");
        assert_eq!(batch.records.len(), 1);
        let contact = &batch.records[0].contact;
        assert_eq!(contact.extra.get("Who"), Some(&serde_json::json!("Ada")));
        assert_eq!(contact.emails[0].address, "ada@example.org");
        assert_eq!(contact.emails[0].label_raw.as_deref(), Some("Where"));
    }

    #[test]
    fn single_row_header_yields_nothing() {
        let batch = read("First Name,Last Name,E-mail Address\n");
        assert!(batch.records.is_empty());
        assert!(batch.problems.is_empty());
    }

    #[test]
    fn zero_dates_and_birth_parts() {
        assert!(is_zero_date("0/0/00"));
        assert!(is_zero_date("0.0.00"));
        assert!(!is_zero_date("1.1.00"));
        assert_eq!(
            birthday_from_parts((Some("1970".into()), Some("11".into()), Some("5".into()))),
            Some("1970-11-05".into())
        );
        assert_eq!(
            birthday_from_parts((None, Some("4".into()), Some("16".into()))),
            Some("--04-16".into())
        );
    }

    #[test]
    fn google_split() {
        for cell in [
            "",
            " ::: ",
            "a ::: b",
            "a ::: b ::: c",
            "a ::: ",
            " ::: a",
            "a :::: b",
            "a  :::  b",
            "a ::: ::: b",
            " :::  ::: ",
            "é ::: ü",
            "x: y ::: z",
            "a:::b",
            " ::: ::: ",
        ] {
            let ours: Vec<&str> = split_google(cell).collect();
            let std: Vec<&str> = cell.split(" ::: ").collect();
            assert_eq!(ours, std, "{cell:?}");
            assert_eq!(find_google_separator(cell), cell.find(" ::: "), "{cell:?}");
        }
    }

    #[test]
    fn google_separator() {
        for cell in [
            "",
            ":",
            " ::: ",
            "a ::: b",
            "a :::b",
            "a::: b",
            "a ::",
            ":::",
            " :::",
            "::: ",
            "a :::: b",
            "a  :::  b",
            "é ::: ü",
            "x: y ::: z",
            "http://x ::: y",
            "a ::; b",
        ] {
            assert_eq!(
                has_google_separator(cell),
                cell.contains(" ::: "),
                "{cell:?}"
            );
        }
    }

    #[test]
    fn google_groups_lose_the_system_marker() {
        assert_eq!(
            split_groups("* myContacts ::: Friends"),
            vec!["myContacts", "Friends"]
        );
    }
}
