//! The vCard reader and writer over the test corpus (`tests/corpus/MANIFEST.txt`, VCARD
//! section): card counts, FN values, raw e-mail addresses, truncation problems; chunking
//! invariance; no panics on truncated or mutated input; write → read round trips.

use contacts::vcard::{self, Version};
use contacts::{Address, Batch, Contact, Email, Label, Name, Phone};

#[path = "support/corpus.rs"]
mod support;
use support::{corpus, corpus_files, read_chunked};

/// Every vCard file of the corpus (the security regressions included), sorted.
fn corpus_vcards() -> Vec<(String, Vec<u8>)> {
    let files = corpus_files(&["vcard", "security"], ".vcf");
    assert!(
        files.len() >= 40,
        "corpus not found or incomplete: {} files",
        files.len()
    );
    files
}

/// Reads `bytes` through [`vcard::Reader`] in chunks of `chunk` bytes (0: all at once).
fn read(bytes: &[u8], chunk: usize) -> Batch {
    read_chunked(vcard::Reader::new(), bytes, chunk)
}

fn contacts(batch: &Batch) -> Vec<&Contact> {
    batch.records.iter().map(|r| &r.contact).collect()
}

/// What one corpus file must yield at the reader level.
struct Case {
    file: &'static str,
    /// Records emitted (complete cards, plus lenient truncated ones).
    cards: usize,
    /// FN of each record, in order (`None`: the card has no FN).
    names: &'static [Option<&'static str>],
    /// Every EMAIL value across the records, in order, raw (unvalidated).
    emails: &'static [&'static str],
    /// Lines of the cards reported as truncated.
    truncated: &'static [u32],
}

const CASES: &[Case] = &[
    Case {
        file: "ezvcard__John_Doe_ANDROID.vcf",
        cards: 6,
        names: &[
            None,
            None,
            Some("Ñ Ñ Ñ Ñ Ñ"),
            Some("Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ"),
            Some("Ñ Ñ Ñ Ñ"),
            Some("ÑÑÑÑ"),
        ],
        // The fourth is QP-decoded text, not an address: the normalizer rejects it.
        emails: &[
            "john.doe@company.com",
            "jane.doe@company.com",
            "bob@company.com",
            "ÑÑÑÑÑÑÑÑÑÑÑÑÑÑ",
            "henry@company.com",
        ],
        truncated: &[],
    },
    Case {
        file: "ezvcard__John_Doe_MS_OUTLOOK.vcf",
        cards: 1,
        names: &[Some("Mr. John Richter James Doe Sr.")],
        emails: &["john.doe@ibm.cm"],
        truncated: &[],
    },
    Case {
        file: "ezvcard__outlook-2007.vcf",
        cards: 1,
        names: &[Some("Mr. Michael Angstadt Jr.")],
        emails: &["mike.angstadt@gmail.com"],
        truncated: &[],
    },
    Case {
        file: "ezvcard__outlook-2003.vcf",
        cards: 1,
        names: &[Some("John Doe III")],
        emails: &["jdoe@hotmail.com"],
        truncated: &[],
    },
    Case {
        file: "ezvcard__John_Doe_IPHONE.vcf",
        cards: 1,
        names: &[Some("Mr. John Richter James Doe Sr.")],
        emails: &["john.doe@ibm.com"],
        truncated: &[],
    },
    Case {
        file: "ezvcard__John_Doe_MAC_ADDRESS_BOOK.vcf",
        cards: 1,
        names: &[Some("Mr. John Richter,James Doe Sr.")],
        emails: &["john.doe@ibm.com"],
        truncated: &[],
    },
    Case {
        file: "ezvcard__John_Doe_GMAIL.vcf",
        cards: 1,
        names: &[Some("Mr. John Richter, James Doe Sr.")],
        emails: &["john.doe@ibm.com"],
        truncated: &[],
    },
    Case {
        file: "ezvcard__gmail-list.vcf",
        cards: 3,
        names: &[Some("Arnold Smith"), Some("Chris Beatle"), Some("Doug White")],
        emails: &["asmithk@gmail.com", "chrisy55d@yahoo.com", "dwhite@gmail.com"],
        truncated: &[],
    },
    Case {
        file: "ezvcard__John_Doe_EVOLUTION.vcf",
        cards: 1,
        names: &[Some("Mr. John Richter, James Doe Sr.")],
        emails: &["john.doe@ibm.com"],
        truncated: &[],
    },
    Case {
        file: "ezvcard__John_Doe_LOTUS_NOTES.vcf",
        cards: 1,
        names: &[Some("Mr. Doe John I Johny")],
        emails: &["john.doe@ibm.com", "billy_bob@gmail.com"],
        truncated: &[],
    },
    Case {
        file: "ezvcard__John_Doe_BLACK_BERRY.vcf",
        cards: 1,
        names: &[Some("John Doe")],
        emails: &[],
        truncated: &[],
    },
    Case {
        file: "ezvcard__rfc2426-example.vcf",
        cards: 2,
        names: &[Some("Frank Dawson"), Some("Tim Howes")],
        emails: &["Frank_Dawson@Lotus.com", "fdawson@earthlink.net", "howes@netscape.com"],
        truncated: &[],
    },
    Case {
        file: "ezvcard__rfc6350-example.vcf",
        cards: 1,
        names: &[Some("Simon Perreault")],
        emails: &["simon.perreault@viagenie.ca"],
        truncated: &[],
    },
    Case {
        file: "ezvcard__thunderbird-MoreFunctionsForAddressBook-extension.vcf",
        cards: 1,
        names: &[Some("John Doe")],
        emails: &[
            "doe.john@hotmail.com",
            "additional-email@company.com",
            "additional-email1@company.com",
            "additional-email2@company.com",
            "additional-email3@company.com",
        ],
        truncated: &[],
    },
    Case {
        file: "ezvcard__fullcontact.vcf",
        cards: 1,
        names: &[Some("Prefix FirstName MiddleName LastName Suffix")],
        emails: &["home@example.com", "work@example.com", "school@example.com", "other@example.com", "custom@example.com"],
        truncated: &[],
    },
    Case { file: "roundcube__apple.vcf", cards: 1, names: &[Some("Apple Computer AG")], emails: &[], truncated: &[] },
    Case {
        file: "roundcube__johndoe.vcf",
        cards: 1,
        names: &[Some("John Doë")],
        emails: &["inbox@roundcube.net", "roundcube@gmail.com"],
        truncated: &[],
    },
    Case {
        file: "kcontacts__vcard9.vcf",
        cards: 1,
        names: &[Some(
            "βγδεαβγδ1βγδεαβγδ1βγδεαβγδ1βγδεαβγδ1βγδεαβγδ1βγδεαβγδ1βγδεαβγδ1βγδεαβγδ1βγδεαβγδ1βγδεαβγδ1βγδεαβγδ1",
        )],
        emails: &[],
        truncated: &[],
    },
    Case {
        file: "kcontacts__vcard10.vcf",
        cards: 5,
        names: &[
            None,
            Some("Field after Address broken"),
            Some("Field after Address not broken"),
            Some("Dr. med. Surname Name"),
            Some("Second Doctor"),
        ],
        emails: &[],
        truncated: &[],
    },
    Case { file: "kcontacts__vcard4.vcf", cards: 1, names: &[None], emails: &["hello@ximian.com"], truncated: &[] },
    Case { file: "kcontacts__vcard7.vcf", cards: 1, names: &[None], emails: &[], truncated: &[] },
    Case { file: "khard__korean-c.vcf", cards: 1, names: &[Some("최유림")], emails: &[], truncated: &[] },
    Case { file: "khard__tel-value-uri.vcf", cards: 1, names: &[Some("bug 195")], emails: &[], truncated: &[] },
    // Truncated: reported, and emitted leniently because it holds a name.
    Case {
        file: "khard__unparsable.vcf",
        cards: 1,
        names: &[Some("second contact with minimal Vcard")],
        emails: &[],
        truncated: &[1],
    },
    Case { file: "khard__altid.vcf", cards: 1, names: &[Some("altid")], emails: &[], truncated: &[] },
    Case {
        file: "calcard__001.vcf",
        cards: 1,
        names: &[Some("Forrest Gump")],
        emails: &["forrestgump@example.com"],
        truncated: &[],
    },
    Case {
        file: "calcard__005.vcf",
        cards: 5,
        names: &[
            Some("Thies-Tillman Jacobsen"),
            Some("Lenn Biernoth"),
            Some("Ludwig-Götz Graßl"),
            Some("Marita Kreutzer"),
            Some("Kathi Hoelzl"),
        ],
        emails: &["lenn@lbi.net", "ludwig-goetz@ludwig-goetz-grassl.org", "kathi.hoelzl@alhilal.net"],
        truncated: &[],
    },
    Case {
        file: "calcard__009.vcf",
        cards: 10,
        names: &[
            Some("Mäx Mustermann"),
            Some("Test X-Mobil"),
            Some("John Doe얁"),
            Some("гор ЗаорсЁкі xyz і"),
            Some("XXXXXXXXXX"),
            Some("Max Mustermann"),
            None,
            Some("Only FN"),
            Some("The Dollar$"),
            Some("Hola Test"),
        ],
        emails: &["max@mustermann.de", "test-x@email.com", "test-x@email.com", "test-x@email.com"],
        truncated: &[],
    },
    Case { file: "calcard__010.vcf", cards: 1, names: &[Some("Firstnamer Test")], emails: &[], truncated: &[] },
    // Truncated LDIF-like card: reported, emitted leniently (it has an e-mail).
    Case { file: "calcard__056.vcf", cards: 1, names: &[None], emails: &["babs@umich.edu"], truncated: &[1] },
    Case { file: "calcard__057.vcf", cards: 1, names: &[Some("Bj=F8rn Jensen")], emails: &["bjorn@umich.edu"], truncated: &[] },
    Case {
        file: "calcard__060.vcf",
        cards: 1,
        names: &[None],
        emails: &["email@email.com", "work@work.com"],
        truncated: &[],
    },
    Case { file: "calcard__063.vcf", cards: 3, names: &[None, None, None], emails: &[], truncated: &[] },
    Case {
        file: "calcard__065.vcf",
        cards: 1,
        names: &[Some("Stepcase TestUser")],
        emails: &["testuser@stepcase.com"],
        truncated: &[],
    },
    Case { file: "calcard__067.vcf", cards: 1, names: &[Some("Bj=F8rn Jensen")], emails: &["bjorn@umich.edu"], truncated: &[] },
    Case { file: "calcard__068.vcf", cards: 1, names: &[None], emails: &[], truncated: &[] },
    Case { file: "calcard__072.vcf", cards: 1, names: &[None], emails: &[], truncated: &[] },
    Case { file: "calcard__073.vcf", cards: 1, names: &[None], emails: &[], truncated: &[] },
    Case {
        file: "calcard__074.vcf",
        cards: 1,
        names: &[None],
        emails: &["work@example.com", "home@example.com"],
        truncated: &[],
    },
    Case { file: "vcard4android__strange-rev.vcf", cards: 1, names: &[Some("Name Name")], emails: &[], truncated: &[] },
    Case {
        file: "vcard4android__unknown-properties-with-labels.vcf",
        cards: 1,
        names: &[Some("Unknown property with label")],
        emails: &[],
        truncated: &[],
    },
];

fn check_case(case: &Case) -> Result<(), String> {
    let batch = read(&corpus(&format!("vcard/{}", case.file)), 0);
    let found = contacts(&batch);
    let names: Vec<Option<&str>> = found.iter().map(|c| c.name.display.as_deref()).collect();
    let emails: Vec<&str> = found
        .iter()
        .flat_map(|c| c.emails.iter().map(|e| e.address.as_str()))
        .collect();
    let truncated: Vec<u32> = batch
        .problems
        .iter()
        .filter(|(_, e)| e.code() == "truncated")
        .map(|(line, _)| *line)
        .collect();
    let mut errors = Vec::new();
    if found.len() != case.cards {
        errors.push(format!("cards: {} != {}", found.len(), case.cards));
    }
    if names != case.names {
        errors.push(format!("names: {names:?} != {:?}", case.names));
    }
    if emails != case.emails {
        errors.push(format!("emails: {emails:?} != {:?}", case.emails));
    }
    if truncated != case.truncated {
        errors.push(format!("truncated: {truncated:?} != {:?}", case.truncated));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(format!("{}: {}", case.file, errors.join("; ")))
    }
}

#[test]
fn manifest_expectations() {
    let failures: Vec<String> = CASES.iter().filter_map(|c| check_case(c).err()).collect();
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn every_corpus_vcard_is_covered_by_a_case() {
    let covered: Vec<String> = CASES.iter().map(|c| format!("vcard/{}", c.file)).collect();
    let missing: Vec<String> = corpus_vcards()
        .into_iter()
        .map(|(path, _)| path)
        .filter(|path| path.starts_with("vcard/") && !covered.contains(path))
        // Covered by the UTF-16 unit test in src/vcard.rs (it needs the stream decoder) and
        // the thebat test below.
        .filter(|path| !path.ends_with("utf-16_sample.vcf") && !path.ends_with("thebat.vcf"))
        .collect();
    assert!(missing.is_empty(), "{missing:?}");
}

/// Field-level details the MANIFEST calls out beyond counts, names and e-mails.
#[test]
fn manifest_details() {
    let one = |file: &str| -> Contact {
        let batch = read(&corpus(&format!("vcard/{file}")), 0);
        assert_eq!(batch.records.len(), 1, "{file}");
        batch
            .records
            .into_iter()
            .next()
            .map(|r| r.contact)
            .unwrap_or_default()
    };
    // Apple business card: no person name, labels from X-ABLabel, "http\://" unescaped.
    let apple = one("roundcube__apple.vcf");
    assert_eq!(apple.name.given, None);
    assert_eq!(apple.organization.as_deref(), Some("Apple Computer AG"));
    assert_eq!(
        apple.addresses[0].locality.as_deref(),
        Some("Wallisellen-Zürich")
    );
    assert_eq!(apple.extra["url"], "http://www.apple.ch");
    // iPhone: \r\r\n endings, item groups, unescaped ',' in N kept, photo skipped.
    let iphone = one("ezvcard__John_Doe_IPHONE.vcf");
    assert_eq!(iphone.name.middle.as_deref(), Some("Richter,James"));
    assert_eq!(
        iphone.phones.last().map(|p| p.label_raw.as_deref()),
        Some(Some("AssistantPhone"))
    );
    assert_eq!(
        iphone.addresses[1].street,
        ["Street4", "Building 6", "Floor 8"]
    );
    assert!(iphone.emails[0].primary);
    assert_eq!(iphone.photo_url, None);
    for value in [&iphone.name.display, &iphone.title, &iphone.organization] {
        assert!(!value.as_deref().unwrap_or("").contains('\r'));
    }
    // Mac: mixed line endings, \" and \, escapes.
    let mac = one("ezvcard__John_Doe_MAC_ADDRESS_BOOK.vcf");
    assert!(mac
        .notes
        .as_deref()
        .unwrap_or("")
        .contains("\"AS IS\" AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING"));
    assert_eq!(mac.addresses[0].street, ["Silicon Alley 5,"]);
    // Roundcube johndoe: TYPE=pref marks the second address primary.
    let johndoe = one("roundcube__johndoe.vcf");
    assert_eq!(
        johndoe.emails.iter().map(|e| e.primary).collect::<Vec<_>>(),
        [false, true]
    );
    assert_eq!(
        johndoe.emails[0].label_raw.as_deref(),
        Some("INTERNET,WORK")
    );
    assert_eq!(johndoe.organization.as_deref(), Some("roundcube.net"));
    assert_eq!(johndoe.department, None);
    // vCard 4.0: tel: URIs kept as text.
    let rfc6350 = one("ezvcard__rfc6350-example.vcf");
    assert_eq!(rfc6350.phones[1].raw, "tel:+1-418-262-6501");
    assert_eq!(rfc6350.phones[1].number, "tel:+1-418-262-6501");
    // khard: TEL;VALUE=URI with a non-URI value is kept raw.
    assert_eq!(one("khard__tel-value-uri.vcf").phones[0].raw, "67545678");
    // calcard 060: no FN, the name is in N.
    let n_only = one("calcard__060.vcf");
    assert_eq!(
        (n_only.name.given.as_deref(), n_only.name.family.as_deref()),
        (Some("Ny_full"), Some("Middle Family"))
    );
    // calcard 074: the "pref" inside a TYPE list marks home@ primary.
    let prefs = one("calcard__074.vcf");
    assert_eq!(
        prefs.emails.iter().map(|e| e.primary).collect::<Vec<_>>(),
        [false, true]
    );
    // strange-rev: REV with milliseconds kept as given; the phone raw.
    let rev = one("vcard4android__strange-rev.vcf");
    assert_eq!(rev.updated_at.as_deref(), Some("2016-11-19T17:44:22.057Z"));
    assert_eq!(rev.phones[0].raw, "+49000000");
    // KDE bug regression: the URL after a QP soft-broken ADR is whole.
    let batch = read(&corpus("vcard/kcontacts__vcard10.vcf"), 0);
    assert_eq!(
        batch.records[1].contact.extra["url"],
        "http://some-webseite.com"
    );
    assert_eq!(
        batch.records[0].contact.organization.as_deref(),
        Some("Bike Shop")
    );
    // calcard 009: the N-only card.
    let batch = read(&corpus("vcard/calcard__009.vcf"), 0);
    let n_only = &batch.records[6].contact.name;
    assert_eq!(
        (n_only.family.as_deref(), n_only.given.as_deref()),
        (Some("Only"), Some("N"))
    );
    // calcard 010: a QP NOTE with 0x92 and no CHARSET: the windows-1252 quote.
    let note = one("calcard__010.vcf").notes.unwrap_or_default();
    assert!(note.contains("Reid’s place :\n364 3rd St."), "{note:?}");
    // The Bat!: QP =F1 without CHARSET is not UTF-8, so windows-1252 is guessed: "ñ", not the
    // cp1250 "ń" the author meant. The guess is reported as a charset problem at the card.
    let batch = read(&corpus("vcard/roundcube__thebat.vcf"), 0);
    let thebat = &batch.records[0].contact;
    assert_eq!(thebat.name.display.as_deref(), Some("Piotr Iksiñski"));
    assert_eq!(thebat.emails[0].address, "piotr.iksinski@somedomain.com");
    let problems: Vec<_> = batch
        .problems
        .iter()
        .map(|(line, e)| (*line, e.code()))
        .collect();
    assert_eq!(problems, [(1, "charset")]);
    // Roundcube johndoe: the declared windows-1252 is honoured, no problem.
    assert!(read(&corpus("vcard/roundcube__johndoe.vcf"), 0)
        .problems
        .is_empty());
}

#[test]
fn security_regressions_give_typed_results() {
    for (file, uid, url) in [
        (
            "security/regress__vcard4_0.7.3_uriparse_panic_uid.vcf",
            Some("a=b:c"),
            None,
        ),
        (
            "security/regress__vcard4_0.7.3_uriparse_panic_url.vcf",
            None,
            Some("a=b:c"),
        ),
    ] {
        let batch = read(&corpus(file), 0);
        assert!(batch.problems.is_empty(), "{file}: {:?}", batch.problems);
        let contact = &batch.records[0].contact;
        assert_eq!(contact.name.display.as_deref(), Some("x"));
        assert_eq!(contact.source_id.as_deref(), uid);
        assert_eq!(contact.extra.get("url").and_then(|u| u.as_str()), url);
    }
}

#[test]
fn lines_point_at_each_begin() {
    let batch = read(&corpus("vcard/calcard__005.vcf"), 0);
    assert_eq!(
        batch.records.iter().map(|r| r.line).collect::<Vec<_>>(),
        [1, 11, 25, 39, 52]
    );
    let batch = read(&corpus("vcard/ezvcard__John_Doe_ANDROID.vcf"), 0);
    assert_eq!(
        batch.records.iter().map(|r| r.line).collect::<Vec<_>>(),
        [1, 6, 11, 18, 36, 71]
    );
}

#[test]
fn chunk_boundaries_do_not_change_the_result() {
    for (path, bytes) in corpus_vcards() {
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

/// A deterministic xorshift64 generator: the tests must not depend on a `rand` crate or on
/// the run.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound.max(1) as u64) as usize
    }
}

#[test]
fn truncated_prefixes_never_panic() {
    for (path, bytes) in corpus_vcards() {
        // Every length for small files, a few hundred spread over the big ones.
        let step = (bytes.len() / 400).max(1);
        for length in (0..=bytes.len()).step_by(step) {
            let batch = read(&bytes[..length], 0);
            // A prefix never yields more cards than the whole file (plus one lenient card).
            assert!(
                batch.records.len() <= read(&bytes, 0).records.len() + 1,
                "{path} cut at {length}"
            );
        }
    }
}

#[test]
fn mutated_input_never_panics() {
    let mut random = XorShift(0x9E37_79B9_7F4A_7C15);
    // Bytes that matter to the reader, so mutations hit its edge cases.
    const INTERESTING: &[u8] = b"\r\n:;=,\\\" \t.\x80\xC3\xFF\x00";
    for (path, bytes) in corpus_vcards() {
        for round in 0..40 {
            let mut mutated = bytes.clone();
            for _ in 0..1 + random.below(8) {
                let at = random.below(mutated.len());
                match random.below(4) {
                    0 => mutated[at] = INTERESTING[random.below(INTERESTING.len())],
                    1 => mutated[at] = random.next() as u8,
                    2 => {
                        mutated.remove(at);
                    }
                    _ => {
                        let end = (at + random.below(64)).min(mutated.len());
                        let copy = mutated[at..end].to_vec();
                        let to = random.below(mutated.len());
                        mutated.splice(to..to, copy);
                    }
                }
                if mutated.is_empty() {
                    mutated.push(b'\n');
                }
            }
            let chunk = [0, 1, 7, 4096][round % 4];
            let batch = read(&mutated, chunk);
            for record in &batch.records {
                assert!(record.line >= 1, "{path} round {round}: line 0");
            }
        }
    }
}

fn sample_contacts() -> Vec<Contact> {
    let full = Contact {
        source_id: Some("urn:uuid:1234;5".into()),
        name: Name {
            display: Some("Dr. Zoë Ångström-Łukasz, Jr.".into()),
            given: Some("Zoë".into()),
            middle: Some("Anna,Maria".into()),
            family: Some("Ångström\\Łukasz".into()),
            prefix: Some("Dr.".into()),
            suffix: Some("Jr.".into()),
        },
        nickname: Some("Zo; the great".into()),
        emails: vec![
            Email {
                address: "zoe@example.com".into(),
                label: Label::Work,
                primary: true,
                ..Email::default()
            },
            Email {
                address: "zoe@home.example".into(),
                label: Label::Home,
                ..Email::default()
            },
        ],
        phones: vec![
            Phone {
                number: "+41446681800".into(),
                e164: true,
                raw: "+41446681800".into(),
                label: Label::Mobile,
                ..Phone::default()
            },
            Phone {
                number: "5551234".into(),
                raw: "555-1234 ext. 5".into(),
                ..Phone::default()
            },
        ],
        addresses: vec![Address {
            street: vec!["Bahnhofstrasse 1".into(), "c/o Müller; 3rd floor".into()],
            locality: Some("Zürich".into()),
            region: None,
            postal_code: Some("8001".into()),
            country: Some("Switzerland".into()),
            label: Label::Home,
            ..Address::default()
        }],
        organization: Some("ACME, Inc.".into()),
        title: Some("Chief Σ Officer".into()),
        department: Some("R&D".into()),
        birthday: Some("1990-04-16".into()),
        groups: vec!["Friends".into(), "Work, old".into()],
        notes: Some(format!(
            "Line one\nLine two with a long tail: {}",
            "日本語テキスト ".repeat(20).trim_end()
        )),
        photo_url: Some("https://example.org/p/zoe.jpg?size=200,200".into()),
        updated_at: Some("2024-01-02T03:04:05Z".into()),
        ..Contact::default()
    };
    let minimal = Contact {
        name: Name {
            display: Some("Only a name".into()),
            ..Name::default()
        },
        ..Contact::default()
    };
    vec![full, minimal]
}

/// What survives a write → read round trip: everything the writer writes, with the labels
/// left to the normalizer (the reader keeps only `label_raw`).
fn comparable(contact: &Contact, version: Version) -> Contact {
    let mut contact = contact.clone();
    contact.extra.clear();
    for email in &mut contact.emails {
        email.label = Label::Other;
        email.label_raw = None;
    }
    for phone in &mut contact.phones {
        phone.label = Label::Other;
        phone.label_raw = None;
        phone.e164 = false;
        if version == Version::V4 {
            // 4.0 writes E.164 numbers as tel: URIs; the reader keeps the URI text.
            phone.raw = phone.raw.trim_start_matches("tel:").to_string();
        }
        phone.number = phone.raw.clone();
    }
    for address in &mut contact.addresses {
        address.label = Label::Other;
        address.label_raw = None;
    }
    contact
}

#[test]
fn write_then_read_round_trips() {
    let contacts = sample_contacts();
    for version in [Version::V3, Version::V4] {
        let text = vcard::write(&contacts, version);
        for line in text.split("\r\n") {
            assert!(line.len() <= 75, "{version:?}: {line:?}");
            assert!(!line.contains('\n') && !line.contains('\r'));
        }
        assert!(text.ends_with("END:VCARD\r\n"));
        let batch = read(text.as_bytes(), 7);
        assert!(
            batch.problems.is_empty(),
            "{version:?}: {:?}",
            batch.problems
        );
        let read_back: Vec<Contact> = batch
            .records
            .iter()
            .map(|r| comparable(&r.contact, version))
            .collect();
        let expected: Vec<Contact> = contacts.iter().map(|c| comparable(c, version)).collect();
        assert_eq!(read_back, expected, "{version:?}:\n{text}");
        // The labels travel as TYPE parameters.
        let first = &batch.records[0].contact;
        assert_eq!(first.emails[0].label_raw.as_deref(), Some("work"));
        assert_eq!(first.phones[0].label_raw.as_deref(), Some("cell"));
        assert_eq!(first.addresses[0].label_raw.as_deref(), Some("home"));
    }
}

#[test]
fn version_specific_output() {
    let contacts = sample_contacts();
    // Compared unfolded: folding is checked by the round trip.
    let v3 = vcard::write(&contacts, Version::V3).replace("\r\n ", "");
    let v4 = vcard::write(&contacts, Version::V4).replace("\r\n ", "");
    assert!(v3.contains("VERSION:3.0\r\n") && v4.contains("VERSION:4.0\r\n"));
    assert!(
        v3.contains("EMAIL;TYPE=work,pref:zoe@example.com\r\n"),
        "{v3}"
    );
    assert!(
        v4.contains("EMAIL;TYPE=work;PREF=1:zoe@example.com\r\n"),
        "{v4}"
    );
    assert!(v3.contains("TEL;TYPE=cell:+41446681800\r\n"));
    assert!(v4.contains("TEL;VALUE=uri;TYPE=cell:tel:+41446681800\r\n"));
    assert!(v3.contains("ORG:ACME\\, Inc.;R&D\r\n"));
    assert!(v3.contains("N:Ångström\\\\Łukasz;Zoë;Anna\\,Maria;Dr.;Jr.\r\n"));
    assert!(v3.contains(
        "ADR;TYPE=home:;;Bahnhofstrasse 1\\nc/o Müller\\; 3rd floor;Zürich;;8001;Switzerland\r\n"
    ));
    assert!(v3.contains("CATEGORIES:Friends,Work\\, old\r\n"));
    // The minimal card: N is required in 3.0 only.
    assert!(v3.contains("FN:Only a name\r\nN:;;;;\r\nEND:VCARD"));
    assert!(v4.contains("FN:Only a name\r\nEND:VCARD"));
}
