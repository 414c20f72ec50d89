//! A deterministic generated address book: the same seed gives the same bytes on every machine.
//!
//! What it contains, because that is what makes the work realistic: names with accents written
//! both precomposed (NFC) and decomposed (NFD), e-mails in mixed case, phones in several
//! countries' national and international formats, postal addresses, groups, and 10% duplicates
//! (the same person again, with the e-mail in other case or the phone in another format).

use std::fmt::Write;

const GIVEN: &[&str] = &[
    "Aurélie",
    "José",
    "Zoë",
    "Jürgen",
    "Łukasz",
    "Søren",
    "François",
    "Chloé",
    "Noël",
    "Inès",
    "Björn",
    "Ada",
    "Charles",
    "Grace",
    "Mei",
    "Hiro",
    "Ana",
    "Olga",
    "Pierre",
    "Marta",
    "Åsa",
    "Çağan",
    "Dvořák",
    "Siobhán",
];
const FAMILY: &[&str] = &[
    "Durand",
    "García",
    "Müller",
    "Żółć",
    "Ångström",
    "Lovelace",
    "Babbage",
    "Hopper",
    "Nguyễn",
    "Tanaka",
    "Silva",
    "Ivanova",
    "Dubois",
    "Rossi",
    "Kowalski",
    "O'Brien",
    "van der Berg",
    "Núñez",
    "Weiß",
    "Lefèvre",
];
const DOMAINS: &[&str] = &[
    "example.org",
    "mail.example.com",
    "example.de",
    "exemple.fr",
    "example.co.uk",
    "example.jp",
];
const CITIES: &[(&str, &str, &str)] = &[
    ("Zürich", "8001", "Switzerland"),
    ("München", "80331", "Germany"),
    ("Paris", "75002", "France"),
    ("London", "EC1A 1BB", "United Kingdom"),
    ("Mountain View", "94043", "United States"),
    ("São Paulo", "01310-100", "Brazil"),
];

/// One generated person.
pub struct Person {
    given: String,
    family: String,
    email: String,
    phone: String,
    street: String,
    city: usize,
    group: &'static str,
}

/// A small xorshift generator: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Decomposes the accented letters used above (a small NFD table: enough for the generator, so
/// that the benchmark does not depend on the normalization code it measures).
fn nfd(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        let (base, mark) = match c {
            'é' => ('e', '\u{301}'),
            'è' => ('e', '\u{300}'),
            'ë' => ('e', '\u{308}'),
            'ü' => ('u', '\u{308}'),
            'ö' => ('o', '\u{308}'),
            'ç' => ('c', '\u{327}'),
            'ñ' => ('n', '\u{303}'),
            'Å' => ('A', '\u{30a}'),
            'ú' => ('u', '\u{301}'),
            'ã' => ('a', '\u{303}'),
            _ => {
                out.push(c);
                continue;
            }
        };
        out.push(base);
        out.push(mark);
    }
    out
}

fn phone(rng: &mut Rng, n: usize) -> String {
    let a = 100 + rng.below(800);
    let b = 1000 + rng.below(9000);
    match n % 6 {
        0 => format!("(650) {a}-{b}"),
        1 => format!("+1 415 {a} {b}"),
        2 => format!("+44 20 7{a} {b}"),
        3 => format!("+49 30 {a}{b}"),
        4 => format!(
            "+33 1 {:02} {:02} {:02} {:02}",
            10 + a % 90,
            a % 100,
            b % 100,
            b / 100
        ),
        _ => format!("+41 44 {a} {:02} {:02}", b % 100, b / 100),
    }
}

/// `count` people, of whom every tenth repeats an earlier one.
pub fn people(count: usize, seed: u64) -> Vec<Person> {
    let mut rng = Rng(seed | 1);
    let mut out: Vec<Person> = Vec::with_capacity(count);
    for n in 0..count {
        if n % 10 == 9 {
            // A duplicate: an earlier person with the e-mail upper-cased and, for every other
            // one, the name decomposed (NFD) — one person, written differently.
            let earlier = &out[rng.below(n - n / 10)];
            let nfd_name = n % 20 == 19;
            out.push(Person {
                given: if nfd_name {
                    nfd(&earlier.given)
                } else {
                    earlier.given.clone()
                },
                family: earlier.family.clone(),
                email: earlier.email.to_uppercase(),
                phone: earlier.phone.clone(),
                street: earlier.street.clone(),
                city: earlier.city,
                group: "Friends",
            });
            continue;
        }
        let given = GIVEN[rng.below(GIVEN.len())];
        let family = FAMILY[rng.below(FAMILY.len())];
        let local: String = given
            .chars()
            .filter(char::is_ascii_alphabetic)
            .collect::<String>()
            .to_lowercase();
        let email = format!("{local}.{n}@{}", DOMAINS[rng.below(DOMAINS.len())]);
        let written_given = if n % 2 == 0 {
            nfd(given)
        } else {
            given.to_string()
        };
        out.push(Person {
            given: written_given,
            family: family.to_string(),
            email,
            phone: phone(&mut rng, n),
            street: format!("{} Rue de l'Église", 1 + rng.below(200)),
            city: rng.below(CITIES.len()),
            group: if n % 3 == 0 { "Family" } else { "Work" },
        });
    }
    out
}

fn csv_cell(out: &mut String, value: &str) {
    if value.contains([',', '"', '\n']) {
        out.push('"');
        out.push_str(&value.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(value);
    }
}

/// The address book in Google Contacts' current CSV export layout.
pub fn google_csv(people: &[Person]) -> String {
    let mut out = String::from(
        "First Name,Middle Name,Last Name,Phonetic First Name,Phonetic Middle Name,Phonetic Last Name,Name Prefix,Name Suffix,Nickname,File As,Organization Name,Organization Title,Organization Department,Birthday,Notes,Photo,Labels,E-mail 1 - Label,E-mail 1 - Value,Phone 1 - Label,Phone 1 - Value,Address 1 - Label,Address 1 - Formatted,Address 1 - Street,Address 1 - City,Address 1 - PO Box,Address 1 - Region,Address 1 - Postal Code,Address 1 - Country,Address 1 - Extended Address\n",
    );
    for p in people {
        let (city, postal, country) = CITIES[p.city];
        csv_cell(&mut out, &p.given);
        out.push_str(",,");
        csv_cell(&mut out, &p.family);
        out.push_str(",,,,,,,,,,,,,,");
        let _ = write!(out, "* myContacts ::: {},* Home,", p.group);
        csv_cell(&mut out, &p.email);
        out.push_str(",Mobile,");
        csv_cell(&mut out, &p.phone);
        out.push_str(",Home,,");
        csv_cell(&mut out, &p.street);
        let _ = writeln!(out, ",{city},,,{postal},{country},");
    }
    out
}

fn vcard_text(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace(',', "\\,")
        .replace(';', "\\;")
}

/// The address book as vCard 3.0, as iCloud or Gmail export it.
pub fn vcard3(people: &[Person]) -> String {
    let mut out = String::new();
    for p in people {
        let (city, postal, country) = CITIES[p.city];
        let _ = write!(
            out,
            "BEGIN:VCARD\r\nVERSION:3.0\r\nN:{family};{given};;;\r\nFN:{given} {family}\r\nEMAIL;TYPE=INTERNET;TYPE=HOME:{email}\r\nTEL;TYPE=CELL:{phone}\r\nADR;TYPE=HOME:;;{street};{city};;{postal};{country}\r\nCATEGORIES:{group}\r\nEND:VCARD\r\n",
            family = vcard_text(&p.family),
            given = vcard_text(&p.given),
            email = p.email,
            phone = p.phone,
            street = vcard_text(&p.street),
            group = p.group,
        );
    }
    out
}
