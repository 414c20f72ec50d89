//! Every expectation of `tests/corpus/MANIFEST.txt`, checked through the whole pipeline
//! (`contacts::import`: charset, detection, reader, normalization, merge) — what a user of the
//! picker would see. Reader-level details (raw values, line numbers, chunking) are tested beside
//! each reader in `vcard.rs`, `csv.rs`, `json.rs` and `xml.rs`.

use std::collections::BTreeSet;

use contacts::{Contact, Import, Options};

#[path = "support/corpus.rs"]
mod support;
use support::corpus;

fn import(path: &str, merge: bool) -> Import {
    let options = Options {
        source: path.to_string(),
        merge,
        ..Options::default()
    };
    contacts::import(&corpus(path), options)
}

/// What a file must yield. `names` are the display names in output order (None for a contact
/// without one); `emails` every surviving address, lower-cased, in output order.
struct Expect {
    file: &'static str,
    contacts: usize,
    names: &'static [Option<&'static str>],
    emails: &'static [&'static str],
    /// Addresses that must be rejected by validation (reported as `invalid_email`).
    rejected: usize,
}

fn names(contacts: &[Contact]) -> Vec<Option<&str>> {
    contacts.iter().map(|c| c.name.display.as_deref()).collect()
}

fn emails(contacts: &[Contact]) -> Vec<String> {
    contacts
        .iter()
        .flat_map(|c| c.emails.iter().map(|e| e.address.to_lowercase()))
        .collect()
}

fn check(expect: &Expect, merge: bool) {
    let result = import(expect.file, merge);
    let file = expect.file;
    let problems: Vec<String> = result.problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        result.contacts.len(),
        expect.contacts,
        "{file}: contact count; names {:?}; problems {problems:#?}",
        names(&result.contacts)
    );
    assert_eq!(
        names(&result.contacts),
        expect.names,
        "{file}: display names"
    );
    assert_eq!(emails(&result.contacts), expect.emails, "{file}: e-mails");
    let rejected = result
        .problems
        .iter()
        .filter(|p| p.code == "invalid_email")
        .count();
    assert_eq!(
        rejected, expect.rejected,
        "{file}: rejected e-mails; problems {problems:#?}"
    );
}

const VCARDS: &[Expect] = &[
    Expect {
        file: "vcard/ezvcard__John_Doe_ANDROID.vcf",
        contacts: 6,
        names: &[
            None,
            None,
            Some("Ñ Ñ Ñ Ñ Ñ"),
            Some("Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ"),
            Some("Ñ Ñ Ñ Ñ"),
            Some("ÑÑÑÑ"),
        ],
        emails: &[
            "john.doe@company.com",
            "jane.doe@company.com",
            "bob@company.com",
            "henry@company.com",
        ],
        rejected: 1,
    },
    Expect {
        file: "vcard/ezvcard__John_Doe_MS_OUTLOOK.vcf",
        contacts: 1,
        names: &[Some("Mr. John Richter James Doe Sr.")],
        emails: &["john.doe@ibm.cm"],
        rejected: 0,
    },
    Expect {
        file: "vcard/ezvcard__outlook-2007.vcf",
        contacts: 1,
        names: &[Some("Mr. Michael Angstadt Jr.")],
        emails: &["mike.angstadt@gmail.com"],
        rejected: 0,
    },
    Expect {
        file: "vcard/ezvcard__outlook-2003.vcf",
        contacts: 1,
        names: &[Some("John Doe III")],
        emails: &["jdoe@hotmail.com"],
        rejected: 0,
    },
    Expect {
        file: "vcard/ezvcard__John_Doe_IPHONE.vcf",
        contacts: 1,
        names: &[Some("Mr. John Richter James Doe Sr.")],
        emails: &["john.doe@ibm.com"],
        rejected: 0,
    },
    Expect {
        file: "vcard/ezvcard__John_Doe_MAC_ADDRESS_BOOK.vcf",
        contacts: 1,
        names: &[Some("Mr. John Richter,James Doe Sr.")],
        emails: &["john.doe@ibm.com"],
        rejected: 0,
    },
    Expect {
        file: "vcard/ezvcard__John_Doe_GMAIL.vcf",
        contacts: 1,
        names: &[Some("Mr. John Richter, James Doe Sr.")],
        emails: &["john.doe@ibm.com"],
        rejected: 0,
    },
    Expect {
        file: "vcard/ezvcard__gmail-list.vcf",
        contacts: 3,
        names: &[
            Some("Arnold Smith"),
            Some("Chris Beatle"),
            Some("Doug White"),
        ],
        emails: &[
            "asmithk@gmail.com",
            "chrisy55d@yahoo.com",
            "dwhite@gmail.com",
        ],
        rejected: 0,
    },
    Expect {
        file: "vcard/ezvcard__John_Doe_EVOLUTION.vcf",
        contacts: 1,
        names: &[Some("Mr. John Richter, James Doe Sr.")],
        emails: &["john.doe@ibm.com"],
        rejected: 0,
    },
    Expect {
        file: "vcard/ezvcard__John_Doe_LOTUS_NOTES.vcf",
        contacts: 1,
        names: &[Some("Mr. Doe John I Johny")],
        emails: &["john.doe@ibm.com", "billy_bob@gmail.com"],
        rejected: 0,
    },
    Expect {
        file: "vcard/ezvcard__John_Doe_BLACK_BERRY.vcf",
        contacts: 1,
        names: &[Some("John Doe")],
        emails: &[],
        rejected: 0,
    },
    Expect {
        file: "vcard/ezvcard__rfc2426-example.vcf",
        contacts: 2,
        names: &[Some("Frank Dawson"), Some("Tim Howes")],
        emails: &[
            "frank_dawson@lotus.com",
            "fdawson@earthlink.net",
            "howes@netscape.com",
        ],
        rejected: 0,
    },
    Expect {
        file: "vcard/ezvcard__rfc6350-example.vcf",
        contacts: 1,
        names: &[Some("Simon Perreault")],
        emails: &["simon.perreault@viagenie.ca"],
        rejected: 0,
    },
    Expect {
        file: "vcard/ezvcard__thunderbird-MoreFunctionsForAddressBook-extension.vcf",
        contacts: 1,
        names: &[Some("John Doe")],
        emails: &[
            "doe.john@hotmail.com",
            "additional-email@company.com",
            "additional-email1@company.com",
            "additional-email2@company.com",
            "additional-email3@company.com",
        ],
        rejected: 0,
    },
    Expect {
        file: "vcard/ezvcard__fullcontact.vcf",
        contacts: 1,
        names: &[Some("Prefix FirstName MiddleName LastName Suffix")],
        emails: &[
            "home@example.com",
            "work@example.com",
            "school@example.com",
            "other@example.com",
            "custom@example.com",
        ],
        rejected: 0,
    },
    Expect {
        file: "vcard/roundcube__apple.vcf",
        contacts: 1,
        names: &[Some("Apple Computer AG")],
        emails: &[],
        rejected: 0,
    },
    Expect {
        file: "vcard/roundcube__johndoe.vcf",
        contacts: 1,
        names: &[Some("John Doë")],
        emails: &["roundcube@gmail.com", "inbox@roundcube.net"],
        rejected: 0,
    },
    Expect {
        file: "vcard/roundcube__utf-16_sample.vcf",
        contacts: 1,
        names: &[Some("Ǽgean ĽdaMonté")],
        emails: &[],
        rejected: 0,
    },
    Expect {
        file: "vcard/khard__korean-c.vcf",
        contacts: 1,
        names: &[Some("최유림")],
        emails: &[],
        rejected: 0,
    },
    Expect {
        file: "vcard/khard__altid.vcf",
        contacts: 1,
        names: &[Some("altid")],
        emails: &[],
        rejected: 0,
    },
    Expect {
        file: "vcard/calcard__001.vcf",
        contacts: 1,
        names: &[Some("Forrest Gump")],
        emails: &["forrestgump@example.com"],
        rejected: 0,
    },
    Expect {
        file: "vcard/calcard__005.vcf",
        contacts: 5,
        names: &[
            Some("Thies-Tillman Jacobsen"),
            Some("Lenn Biernoth"),
            Some("Ludwig-Götz Graßl"),
            Some("Marita Kreutzer"),
            Some("Kathi Hoelzl"),
        ],
        emails: &[
            "lenn@lbi.net",
            "ludwig-goetz@ludwig-goetz-grassl.org",
            "kathi.hoelzl@alhilal.net",
        ],
        rejected: 0,
    },
    Expect {
        file: "vcard/calcard__057.vcf",
        contacts: 1,
        names: &[Some("Bj=F8rn Jensen")],
        emails: &["bjorn@umich.edu"],
        rejected: 0,
    },
    Expect {
        file: "vcard/calcard__060.vcf",
        contacts: 1,
        names: &[Some("Ny_full Middle Family")],
        emails: &["email@email.com", "work@work.com"],
        rejected: 0,
    },
    Expect {
        file: "vcard/calcard__065.vcf",
        contacts: 1,
        names: &[Some("Stepcase TestUser")],
        emails: &["testuser@stepcase.com"],
        rejected: 0,
    },
    Expect {
        file: "vcard/calcard__067.vcf",
        contacts: 1,
        names: &[Some("Bj=F8rn Jensen")],
        emails: &["bjorn@umich.edu"],
        rejected: 0,
    },
    Expect {
        file: "vcard/vcard4android__strange-rev.vcf",
        contacts: 1,
        names: &[Some("Name Name")],
        emails: &[],
        rejected: 0,
    },
    Expect {
        file: "vcard/vcard4android__unknown-properties-with-labels.vcf",
        contacts: 1,
        names: &[Some("Unknown property with label")],
        emails: &[],
        rejected: 0,
    },
];

#[test]
fn vcards_yield_the_manifests_contacts() {
    for expect in VCARDS {
        check(expect, false);
    }
}

#[test]
fn vcards_with_particular_expectations() {
    // Outlook 2007 and Android QP: the e-mail that is not an address is rejected with a reason.
    let android = import("vcard/ezvcard__John_Doe_ANDROID.vcf", false);
    let rejected = android
        .problems
        .iter()
        .find(|p| p.code == "invalid_email")
        .expect("a rejected address");
    assert!(rejected.line > 0, "{rejected}");

    // KDE: folds that split UTF-8 sequences are unfolded on bytes.
    let greek = import("vcard/kcontacts__vcard9.vcf", false);
    assert_eq!(greek.contacts.len(), 1);
    let display = greek.contacts[0]
        .name
        .display
        .as_deref()
        .unwrap_or_default();
    assert_eq!(display, "βγδεαβγδ1".repeat(11).trim());
    assert!(!display.contains('\u{fffd}'));

    // KDE vcard10: five cards, the URL after a broken ADR survives, no e-mails.
    let kde = import("vcard/kcontacts__vcard10.vcf", false);
    assert_eq!(kde.contacts.len(), 5, "{:?}", names(&kde.contacts));
    assert!(emails(&kde.contacts).is_empty());
    assert_eq!(
        kde.contacts[1].name.display.as_deref(),
        Some("Field after Address broken")
    );
    assert_eq!(
        kde.contacts[1].extra.get("url").and_then(|v| v.as_str()),
        Some("http://some-webseite.com")
    );

    // KDE vcard4: no VERSION, bare FN line; the organization is kept.
    let ximian = import("vcard/kcontacts__vcard4.vcf", false);
    assert_eq!(emails(&ximian.contacts), ["hello@ximian.com"]);
    assert_eq!(
        ximian.contacts[0].organization.as_deref(),
        Some("Ximian, Inc.")
    );

    // calcard 009: ten Android cards with split QP sequences; e-mails de-duplicate to two.
    let android2 = import("vcard/calcard__009.vcf", false);
    assert_eq!(
        android2.contacts.len(),
        10,
        "{:?}",
        names(&android2.contacts)
    );
    assert_eq!(
        android2.contacts[3].name.display.as_deref(),
        Some("гор ЗаорсЁкі xyz і")
    );
    let unique: BTreeSet<String> = emails(&android2.contacts).into_iter().collect();
    assert_eq!(
        unique.into_iter().collect::<Vec<_>>(),
        ["max@mustermann.de", "test-x@email.com"]
    );
    let merged = import("vcard/calcard__009.vcf", true);
    assert_eq!(
        emails(&merged.contacts)
            .iter()
            .filter(|e| *e == "test-x@email.com")
            .count(),
        1
    );

    // Cards that carry nothing usable yield no contact, and no panic.
    for empty in [
        "vcard/calcard__063.vcf",
        "vcard/calcard__068.vcf",
        "vcard/kcontacts__vcard7.vcf",
    ] {
        assert!(import(empty, false).contacts.is_empty(), "{empty}");
    }
    // Odd but readable cards: one card, no panic.
    for odd in [
        "vcard/calcard__072.vcf",
        "vcard/calcard__073.vcf",
        "vcard/khard__tel-value-uri.vcf",
    ] {
        assert!(import(odd, false).contacts.len() <= 1, "{odd}");
    }
    // The Bat!: QP without CHARSET is decoded as windows-1252 (a documented guess), valid UTF-8.
    let bat = import("vcard/roundcube__thebat.vcf", false);
    assert_eq!(emails(&bat.contacts), ["piotr.iksinski@somedomain.com"]);
    assert_eq!(
        bat.contacts[0].name.display.as_deref(),
        Some("Piotr Iksiñski")
    );
    // calcard 074: home is the preferred address, so it comes out primary.
    let pref = import("vcard/calcard__074.vcf", false);
    let primary = pref.contacts[0].primary_email().map(|e| e.address.as_str());
    assert_eq!(primary, Some("home@example.com"));
    // roundcube johndoe: the TYPE=pref address is primary.
    let john = import("vcard/roundcube__johndoe.vcf", false);
    assert_eq!(
        john.contacts[0].primary_email().map(|e| e.address.as_str()),
        Some("roundcube@gmail.com")
    );
    // A truncated file is reported, never a panic.
    let truncated = import("vcard/khard__unparsable.vcf", false);
    assert!(truncated.problems.iter().any(|p| p.code == "truncated"));
    // The vcard4 crate's panics are typed results here.
    for file in [
        "security/regress__vcard4_0.7.3_uriparse_panic_uid.vcf",
        "security/regress__vcard4_0.7.3_uriparse_panic_url.vcf",
    ] {
        let _ = import(file, false);
    }
}

const CSVS: &[Expect] = &[
    Expect {
        file: "csv/roundcube__gmail.csv",
        contacts: 1,
        names: &[Some("Prefix Firstname Middle Lastname Suffix")],
        emails: &[
            "home@aaa.pl",
            "work@email.pl",
            "unknown@email.com",
            "other@email.com",
        ],
        rejected: 0,
    },
    Expect {
        file: "csv/roundcube__outlook.csv",
        contacts: 1,
        names: &[None],
        emails: &["test1@domain.tld", "test2@domain.tld", "test3@domain.tld"],
        rejected: 0,
    },
    Expect {
        file: "csv/roundcube__tb_plain.csv",
        contacts: 1,
        names: &[Some("Displayname")],
        emails: &["test@domain.tld", "next@domain.tld"],
        rejected: 0,
    },
    Expect {
        file: "csv/roundcube__all.csv",
        contacts: 1,
        names: &[Some("Display Name")],
        emails: &["home@example.com", "work@example.com", "other@example.com"],
        rejected: 0,
    },
    Expect {
        file: "csv/roundcube__email.csv",
        contacts: 4,
        names: &[None, None, None, None],
        emails: &[
            "test1@domain.tld",
            "test2@domain.tld",
            "test3@domain.tld",
            "test4@domain.tld",
        ],
        rejected: 0,
    },
    Expect {
        file: "csv/horde__bug_6311.csv",
        contacts: 1,
        names: &[Some("John Smith")],
        emails: &["john@example.com"],
        rejected: 0,
    },
    Expect {
        file: "csv/thunderbird__csv_semicolon.csv",
        contacts: 2,
        names: &[Some("John Doe"), Some("Jane Doe")],
        emails: &["john@doe.invalid", "jane@doe.invalid"],
        rejected: 0,
    },
    Expect {
        file: "csv/thunderbird__basic_csv_addressbook.csv",
        contacts: 2,
        names: &[Some("John Doe"), Some("Jane Doe")],
        emails: &["john@doe.invalid", "jane@doe.invalid"],
        rejected: 0,
    },
    Expect {
        file: "csv/synth__outlook_unicode_utf16le_tab.txt",
        contacts: 3,
        names: &[Some("Zoë Ångström"), Some("Łukasz Żółć"), Some("李 小龙")],
        emails: &[
            "zoe@example.com",
            "lukasz@example.pl",
            "l.zolc@example.com",
            "bruce@example.cn",
        ],
        rejected: 0,
    },
    Expect {
        file: "csv/synth__outlook_de_semicolon_cp1252.csv",
        contacts: 2,
        names: &[Some("Jürgen Müller"), Some("Zoë Weiß")],
        emails: &["juergen.mueller@example.de", "zoe.weiss@example.at"],
        rejected: 0,
    },
];

#[test]
fn csvs_yield_the_manifests_contacts() {
    for expect in CSVS {
        check(expect, false);
    }
}

#[test]
fn csvs_with_particular_expectations() {
    // Outlook's "0/0/00" is no birthday.
    let outlook = import("csv/horde__bug_6311.csv", false);
    assert_eq!(outlook.contacts[0].birthday, None);
    let german = import("csv/synth__outlook_de_semicolon_cp1252.csv", false);
    assert_eq!(german.contacts[0].birthday, None);
    assert_eq!(german.contacts[1].birthday.as_deref(), Some("1980-12-24"));
    assert_eq!(
        german.contacts[0].organization.as_deref(),
        Some("Müller; Söhne GmbH")
    );

    // Rows with neither name nor e-mail are not contacts, and nothing shifts.
    for file in ["csv/horde__bug_6370.csv", "csv/horde__bug_6372.csv"] {
        assert!(import(file, false).contacts.is_empty(), "{file}");
    }

    // No header row: both rows become contacts, the first is not eaten as a header.
    let headless = import("csv/thunderbird__csv_no_header.csv", false);
    assert_eq!(
        emails(&headless.contacts),
        ["john@doe.invalid", "jane@doe.invalid"]
    );

    // Google's current layout: " ::: " cells, labels, the nameless row merges with Ada.
    let google = import("csv/synth__google_contacts_current_layout.csv", false);
    assert_eq!(google.contacts.len(), 4);
    assert_eq!(
        emails(&google.contacts),
        [
            "ada@example.org",
            "ada@home.example",
            "ada.lovelace@work.example",
            "ada@example.org",
            "jose@example.es"
        ]
    );
    let babbage = &google.contacts[1];
    assert_eq!(babbage.name.display.as_deref(), Some("Charles Babbage"));
    assert!(babbage.emails.is_empty());
    assert_eq!(
        babbage
            .phones
            .iter()
            .map(|p| p.number.as_str())
            .collect::<Vec<_>>(),
        ["+442079460001"]
    );
    assert_eq!(google.contacts[3].birthday.as_deref(), Some("--04-16"));
    assert!(google.contacts[0].groups.contains(&"Friends".to_string()));
    let merged = import("csv/synth__google_contacts_current_layout.csv", true);
    let unique: BTreeSet<String> = emails(&merged.contacts).into_iter().collect();
    assert_eq!(unique.len(), 4);
    assert_eq!(merged.contacts.len(), 3, "Ada's two records are one person");

    // Every other corpus CSV: no panic, whatever the shape.
    for file in [
        "csv/horde__001.csv",
        "csv/horde__005.csv",
        "csv/horde__simple_cr.csv",
        "csv/horde__multiline1.csv",
        "csv/horde__quote6.csv",
        "csv/horde__quote7.csv",
    ] {
        let _ = import(file, false);
    }
}

#[test]
fn hostile_fields_are_imported_as_inert_text() {
    let hostile = import("security/synth__hostile_fields.csv", false);
    assert_eq!(hostile.contacts.len(), 15, "{:#?}", hostile.problems);
    for contact in &hostile.contacts {
        let name = contact.name.display.as_deref().unwrap_or_default();
        assert!(name.chars().count() <= 256, "names are capped");
        assert!(
            !name.chars().any(|c| c.is_control()),
            "control characters are stripped: {name:?}"
        );
        assert!(
            !name.contains('\u{202e}'),
            "bidi overrides are stripped: {name:?}"
        );
    }
    // Exported, every cell a spreadsheet would run is neutralized.
    let csv = contacts::csv::write(&hostile.contacts);
    for line in csv.lines().skip(1) {
        for cell in line.split(',') {
            let cell = cell.trim_start_matches('"');
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "cell not neutralized: {cell:?}"
            );
        }
    }
}
