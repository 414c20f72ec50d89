//! Deterministic generated address books.
//!
//! A book is a pure function of `(seed, size)`: contact `i` is computed from a hash of the seed and
//! `i` alone, so a page of a 100k book costs only that page ([`contact`]), and the whole book
//! ([`generate`]) is the same on every run and machine. About one contact in ten repeats an earlier
//! one (same person written differently: case of the e-mail, the phone in international form, the
//! name decomposed), a few are soft-deleted, and names carry accents, some in NFD.

use unicode_normalization::UnicodeNormalization;

/// One generated person, provider-neutral; each protocol renders it in its own shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedContact {
    /// Position in the book (0-based).
    pub index: u32,
    /// Stable identifier, `c` + the index in 6 digits.
    pub id: String,
    /// Given name (may be in NFD: `e` + U+0301 rather than `é`).
    pub first_name: String,
    /// Family name.
    pub last_name: String,
    /// E-mail addresses, the primary one first (may be empty).
    pub emails: Vec<GeneratedEmail>,
    /// Telephone numbers in their country's national format.
    pub phones: Vec<GeneratedPhone>,
    /// A postal address, for most contacts.
    pub address: Option<GeneratedAddress>,
    /// Company name.
    pub company: Option<String>,
    /// Job title.
    pub job_title: Option<String>,
    /// Birthday `YYYY-MM-DD`.
    pub birthday: Option<String>,
    /// Groups / tags / categories.
    pub tags: Vec<String>,
    /// `M` or `F` (Popsell's Gender), when known.
    pub gender: Option<char>,
    /// A locale such as `fr_FR` (Popsell's LanguageCode), when known.
    pub language: Option<String>,
    /// Index of the earlier contact this one repeats, for the ~10% duplicates.
    pub duplicate_of: Option<u32>,
    /// Soft-deleted at the source (Popsell `IsSoftDeleted`).
    pub soft_deleted: bool,
    /// Last modification, `YYYY-MM-DD HH:MM:SS`, between 2015 and 2024.
    pub modified: String,
}

/// An e-mail address with the source's label text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedEmail {
    /// The address.
    pub address: String,
    /// Label as a provider would write it ("Home", "Work", "Email 1").
    pub label: &'static str,
}

/// A phone number in a national format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedPhone {
    /// The number as a person would type it in that country ("06 12 34 56 78").
    pub number: String,
    /// ISO 3166 alpha-2 country of the number.
    pub country: &'static str,
    /// Label text ("Mobile", "Home", "Work Mobile").
    pub label: &'static str,
    /// True for a mobile number.
    pub mobile: bool,
}

/// A postal address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedAddress {
    /// First street line.
    pub street: String,
    /// Second street line, sometimes.
    pub street2: Option<String>,
    /// City.
    pub city: String,
    /// State / region, where the country uses one.
    pub region: Option<String>,
    /// Postal code.
    pub postal_code: String,
    /// Country name in English.
    pub country: String,
    /// ISO 3166 alpha-2.
    pub country_code: &'static str,
    /// Label text ("Home", "Work").
    pub label: &'static str,
}

const FIRST_NAMES: &[(&str, char)] = &[
    ("Aurélie", 'F'),
    ("Jérôme", 'M'),
    ("Zoë", 'F'),
    ("José", 'M'),
    ("Søren", 'M'),
    ("Chloé", 'F'),
    ("Björn", 'M'),
    ("Małgorzata", 'F'),
    ("François", 'M'),
    ("Inês", 'F'),
    ("Ðorđe", 'M'),
    ("Ana", 'F'),
    ("John", 'M'),
    ("Mary", 'F'),
    ("Hiroshi", 'M'),
    ("Yuki", 'F'),
    ("Oliver", 'M'),
    ("Amélie", 'F'),
    ("Nuño", 'M'),
    ("Sinéad", 'F'),
    ("Lukas", 'M'),
    ("Léa", 'F'),
    ("Thiago", 'M'),
    ("Émilie", 'F'),
    ("Noël", 'M'),
    ("Fatma", 'F'),
    ("Çağan", 'M'),
    ("Ewa", 'F'),
    ("Raphaël", 'M'),
    ("Maëlle", 'F'),
    ("David", 'M'),
    ("Sarah", 'F'),
];

const LAST_NAMES: &[&str] = &[
    "Durand",
    "Müller",
    "García",
    "Nuñez",
    "Østergaard",
    "Łukasiewicz",
    "Smith",
    "O'Brien",
    "Dubois",
    "Schäfer",
    "Sánchez",
    "Tanaka",
    "Yamamoto",
    "Kowalski",
    "Lefèvre",
    "Brontë",
    "Johnson",
    "Da Silva",
    "Gonçalves",
    "Öztürk",
    "Van der Berg",
    "Häkkinen",
    "Jones",
    "Martin",
    "Petrović",
    "Fernández",
    "Weiß",
    "Nguyễn",
    "Rossi",
    "Ferrari",
    "Mbappé",
    "Brown",
];

const DOMAINS: &[&str] = &[
    "example.com",
    "example.org",
    "example.net",
    "mail.example",
    "exemple.fr",
    "beispiel.de",
];

const COMPANIES: &[&str] = &[
    "Acme Corp",
    "Globex",
    "Initech",
    "Umbrella, Inc.",
    "Société Générale d'Exemple",
    "Müller & Söhne GmbH",
    "Hooli",
    "Stark Industries",
];

const TITLES: &[&str] = &[
    "Engineer",
    "Sales Manager",
    "Directrice commerciale",
    "CEO",
    "Designer",
    "Geschäftsführer",
];

const EMAIL_LABELS: &[&str] = &["Home", "Email 1", "Other"];
const MOBILE_LABELS: &[&str] = &["Mobile", "Work Mobile", "Cell"];
const PLACE_LABELS: &[&str] = &["Home", "Work"];

const TAGS: &[&str] = &[
    "Friends",
    "Family",
    "Coworkers",
    "VIP",
    "Clients",
    "Newsletter",
    "Soirée 2024",
];

/// A country: code, name, phone formatter, a few cities with region and postal code pattern.
struct Country {
    code: &'static str,
    name: &'static str,
    cities: &'static [(&'static str, Option<&'static str>, &'static str)],
    streets: &'static [&'static str],
}

const COUNTRIES: &[Country] = &[
    Country {
        code: "US",
        name: "United States",
        cities: &[
            ("San Francisco", Some("CA"), "941"),
            ("New York", Some("NY"), "100"),
            ("Boston", Some("MA"), "021"),
        ],
        streets: &["Main Street", "Market St", "Elm Avenue"],
    },
    Country {
        code: "FR",
        name: "France",
        cities: &[
            ("Paris", None, "750"),
            ("Lyon", None, "690"),
            ("Besançon", None, "250"),
        ],
        streets: &[
            "rue de la Paix",
            "avenue des Champs-Élysées",
            "boulevard Haussmann",
        ],
    },
    Country {
        code: "DE",
        name: "Germany",
        cities: &[
            ("Berlin", None, "101"),
            ("München", Some("Bayern"), "803"),
            ("Köln", None, "506"),
        ],
        streets: &["Hauptstraße", "Königsallee", "Bahnhofstraße"],
    },
    Country {
        code: "GB",
        name: "United Kingdom",
        cities: &[
            ("London", None, "SW1A"),
            ("Manchester", None, "M1"),
            ("Edinburgh", None, "EH1"),
        ],
        streets: &["High Street", "Baker Street", "Station Road"],
    },
    Country {
        code: "CH",
        name: "Switzerland",
        cities: &[
            ("Zürich", Some("ZH"), "80"),
            ("Genève", Some("GE"), "12"),
            ("Bern", Some("BE"), "30"),
        ],
        streets: &["Bahnhofstrasse", "Rue du Rhône", "Marktgasse"],
    },
    Country {
        code: "JP",
        name: "Japan",
        cities: &[
            ("Tokyo", Some("Tokyo"), "100"),
            ("Osaka", Some("Osaka"), "530"),
            ("Kyoto", Some("Kyoto"), "600"),
        ],
        streets: &["1-1 Marunouchi", "2-3 Umeda", "4-5 Gion"],
    },
    Country {
        code: "BR",
        name: "Brazil",
        cities: &[
            ("São Paulo", Some("SP"), "01310"),
            ("Rio de Janeiro", Some("RJ"), "20040"),
            ("Belo Horizonte", Some("MG"), "30130"),
        ],
        streets: &["Avenida Paulista", "Rua das Flores", "Avenida Atlântica"],
    },
];

/// SplitMix64: a tiny, fast, well-mixed generator; each contact gets its own stream, which is what
/// makes random access to any index possible.
#[derive(Clone)]
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64, stream: u64) -> Self {
        let mut rng = Rng(seed ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        rng.next();
        rng
    }
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A number in `0..n` (n > 0).
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        // `items` are the non-empty constant tables above.
        &items[self.below(items.len() as u64) as usize]
    }
    /// One of a table of label texts.
    fn label(&mut self, labels: &[&'static str]) -> &'static str {
        labels
            .get(self.below(labels.len() as u64) as usize)
            .copied()
            .unwrap_or("Other")
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// The whole book: `size` contacts from `seed`.
pub fn generate(seed: u64, size: usize) -> Vec<GeneratedContact> {
    (0..size as u32).map(|i| contact(seed, i)).collect()
}

/// Contacts `start..start+count` of a book (clamped to `size`), without building the others.
pub fn page(seed: u64, size: usize, start: usize, count: usize) -> Vec<GeneratedContact> {
    let end = start.saturating_add(count).min(size);
    (start.min(end)..end)
        .map(|i| contact(seed, i as u32))
        .collect()
}

/// Contact `index` of the book with this seed (the book size does not change a contact).
pub fn contact(seed: u64, index: u32) -> GeneratedContact {
    let mut rng = Rng::new(seed, u64::from(index) + 1);
    let duplicate_of = duplicate_target(&mut rng, index).map(|mut original| {
        // Point at the first record of the person, never at another duplicate: indexes only
        // decrease, so this ends.
        while let Some(earlier) =
            duplicate_target(&mut Rng::new(seed, u64::from(original) + 1), original)
        {
            original = earlier;
        }
        original
    });
    let mut person = match duplicate_of {
        Some(original) => {
            let mut copy = base(seed, original);
            rewrite_duplicate(&mut copy, &mut rng);
            copy
        }
        None => base(seed, index),
    };
    person.index = index;
    person.id = format!("c{index:06}");
    person.duplicate_of = duplicate_of;
    person.soft_deleted = rng.chance(3);
    person.modified = datetime_from_seconds(rng.below(10 * 365 * 86_400), 2015);
    person
}

/// The first draws of a contact's stream: whether it repeats an earlier contact, and which.
fn duplicate_target(rng: &mut Rng, index: u32) -> Option<u32> {
    let repeat = rng.chance(10);
    let target = rng.below(u64::from(index).max(1)) as u32;
    (index > 0 && repeat).then_some(target)
}

/// A person before any duplication; `base(seed, j)` is the original a duplicate copies.
fn base(seed: u64, index: u32) -> GeneratedContact {
    // A separate stream from `contact`'s so a duplicate's own draws do not shift the original's.
    let mut rng = Rng::new(seed ^ 0xB00C, u64::from(index) + 1);
    let first_index = rng.below(FIRST_NAMES.len() as u64) as usize;
    let last_index = rng.below(LAST_NAMES.len() as u64) as usize;
    let gender = FIRST_NAMES.get(first_index).map_or('F', |(_, g)| *g);
    let tables = name_tables();
    let (first, last) = (
        tables.first.get(first_index).cloned().unwrap_or_default(),
        tables.last.get(last_index).cloned().unwrap_or_default(),
    );
    // A fifth of the names arrive decomposed, as macOS and some phones write them.
    let decomposed = rng.chance(20);
    let (first_name, last_name) = if decomposed {
        (first.nfd, last.nfd)
    } else {
        (first.nfc, last.nfc)
    };
    let country = rng.pick(COUNTRIES);
    let local = format!("{}.{}{index}", first.ascii, last.ascii);
    let mut emails = Vec::new();
    if !rng.chance(8) {
        emails.push(GeneratedEmail {
            address: format!("{local}@{}", rng.pick(DOMAINS)),
            label: rng.label(EMAIL_LABELS),
        });
        if rng.chance(25) {
            emails.push(GeneratedEmail {
                address: format!("{local}.work@{}", rng.pick(DOMAINS)),
                label: "Work",
            });
        }
    }
    let mut phones = Vec::new();
    if !rng.chance(10) {
        phones.push(phone(country.code, true, &mut rng));
        if rng.chance(30) {
            phones.push(phone(country.code, false, &mut rng));
        }
    }
    let address = if rng.chance(80) {
        let (city, region, postal_prefix) = *rng.pick(country.cities);
        Some(GeneratedAddress {
            street: format!("{} {}", 1 + rng.below(200), rng.pick(country.streets)),
            street2: rng.chance(15).then(|| format!("Apt {}", 1 + rng.below(40))),
            city: city.to_string(),
            region: region.map(str::to_string),
            postal_code: postal_code(country.code, postal_prefix, &mut rng),
            country: country.name.to_string(),
            country_code: country.code,
            label: rng.label(PLACE_LABELS),
        })
    } else {
        None
    };
    let company = rng.chance(40).then(|| rng.pick(COMPANIES).to_string());
    let job_title = company
        .as_ref()
        .and_then(|_| rng.chance(70).then(|| rng.pick(TITLES).to_string()));
    let birthday = rng.chance(30).then(|| {
        format!(
            "{}-{:02}-{:02}",
            1950 + rng.below(55),
            1 + rng.below(12),
            1 + rng.below(28)
        )
    });
    let mut tags = Vec::new();
    for _ in 0..rng.below(3) {
        let tag = rng.pick(TAGS).to_string();
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    let language = match country.code {
        "FR" => Some("fr_FR"),
        "DE" => Some("de_DE"),
        "US" => Some("en_US"),
        "GB" => Some("en_GB"),
        "BR" => Some("pt_BR"),
        _ => None,
    }
    .map(str::to_string);
    GeneratedContact {
        index,
        id: String::new(),
        first_name,
        last_name,
        emails,
        phones,
        address,
        company,
        job_title,
        birthday,
        tags,
        gender: rng.chance(85).then_some(gender),
        language,
        duplicate_of: None,
        soft_deleted: false,
        modified: String::new(),
    }
}

/// Makes a copy of a person look like a second record of them: the e-mail with another case,
/// the phone in international form, or the name in the other Unicode form.
fn rewrite_duplicate(copy: &mut GeneratedContact, rng: &mut Rng) {
    match rng.below(3) {
        0 => {
            if let Some(email) = copy.emails.first_mut() {
                email.address = email.address.to_uppercase();
            }
        }
        1 => {
            if let Some(phone) = copy.phones.first_mut() {
                phone.number = international(phone.country, &phone.number);
            }
        }
        _ => {
            let tables = name_tables();
            let flip = |s: &str| -> String {
                let all = tables.first.iter().chain(&tables.last);
                for forms in all {
                    if forms.nfc == s {
                        return forms.nfd.clone();
                    }
                    if forms.nfd == s {
                        return forms.nfc.clone();
                    }
                }
                s.to_string()
            };
            copy.first_name = flip(&copy.first_name);
            copy.last_name = flip(&copy.last_name);
        }
    }
    // The second record is often thinner than the first.
    if rng.chance(50) {
        copy.address = None;
    }
}

/// A name in both Unicode forms and folded to ASCII for e-mail local parts.
#[derive(Clone, Default)]
struct NameForms {
    nfc: String,
    nfd: String,
    ascii: String,
}

struct NameTables {
    first: Vec<NameForms>,
    last: Vec<NameForms>,
}

/// Normalizing is slow next to everything else here, so each name is normalized once.
fn name_tables() -> &'static NameTables {
    static TABLES: std::sync::OnceLock<NameTables> = std::sync::OnceLock::new();
    TABLES.get_or_init(|| {
        let forms = |name: &str| NameForms {
            nfc: name.nfc().collect(),
            nfd: name.nfd().collect(),
            ascii: name
                .nfd()
                .filter(|c| c.is_ascii_alphanumeric())
                .map(|c| c.to_ascii_lowercase())
                .collect(),
        };
        NameTables {
            first: FIRST_NAMES.iter().map(|(name, _)| forms(name)).collect(),
            last: LAST_NAMES.iter().map(|name| forms(name)).collect(),
        }
    })
}

fn digits(rng: &mut Rng, n: usize) -> String {
    (0..n)
        .map(|_| char::from(b'0' + rng.below(10) as u8))
        .collect()
}

/// A number in the national format people use in that country.
fn phone(country: &'static str, mobile: bool, rng: &mut Rng) -> GeneratedPhone {
    let number = match (country, mobile) {
        ("US", _) => format!(
            "({}) {}{}-{}",
            rng.pick(&["415", "212", "617"]),
            2 + rng.below(8),
            digits(rng, 2),
            digits(rng, 4)
        ),
        ("FR", true) => format!(
            "0{} {} {} {} {}",
            rng.pick(&["6", "7"]),
            digits(rng, 2),
            digits(rng, 2),
            digits(rng, 2),
            digits(rng, 2)
        ),
        ("FR", false) => format!(
            "01 {} {} {} {}",
            digits(rng, 2),
            digits(rng, 2),
            digits(rng, 2),
            digits(rng, 2)
        ),
        ("DE", true) => format!("0151 {}", digits(rng, 8)),
        ("DE", false) => format!("030 {}", digits(rng, 8)),
        ("GB", true) => format!("07700 {}", digits(rng, 6)),
        ("GB", false) => format!("020 7946 {}", digits(rng, 4)),
        ("CH", true) => format!(
            "079 {} {} {}",
            digits(rng, 3),
            digits(rng, 2),
            digits(rng, 2)
        ),
        ("CH", false) => format!(
            "044 {} {} {}",
            digits(rng, 3),
            digits(rng, 2),
            digits(rng, 2)
        ),
        ("JP", true) => format!("090-{}-{}", digits(rng, 4), digits(rng, 4)),
        ("JP", false) => format!("03-{}-{}", digits(rng, 4), digits(rng, 4)),
        ("BR", true) => format!("(11) 9{}-{}", digits(rng, 4), digits(rng, 4)),
        (_, _) => format!("(21) 2{}-{}", digits(rng, 3), digits(rng, 4)),
    };
    GeneratedPhone {
        number,
        country,
        label: if mobile {
            rng.label(MOBILE_LABELS)
        } else {
            rng.label(PLACE_LABELS)
        },
        mobile,
    }
}

/// The same number written internationally (`+33 6 12 34 56 78`).
fn international(country: &str, national: &str) -> String {
    let digits: String = national.chars().filter(char::is_ascii_digit).collect();
    let (code, trunk_zero) = match country {
        "US" => ("1", false),
        "FR" => ("33", true),
        "DE" => ("49", true),
        "GB" => ("44", true),
        "CH" => ("41", true),
        "JP" => ("81", true),
        _ => ("55", false),
    };
    let rest = if trunk_zero {
        digits.strip_prefix('0').unwrap_or(&digits)
    } else {
        &digits
    };
    format!("+{code} {rest}")
}

fn postal_code(country: &str, prefix: &str, rng: &mut Rng) -> String {
    match country {
        "US" => format!("{prefix}{}", digits(rng, 2)),
        "FR" | "DE" => format!("{prefix}{}", digits(rng, 2)),
        "GB" => format!("{prefix} {}AA", rng.below(10)),
        "CH" => format!("{prefix}{}", digits(rng, 2)),
        "JP" => format!("{prefix}-{}", digits(rng, 4)),
        _ => format!("{prefix}-{}", digits(rng, 3)),
    }
}

/// `YYYY-MM-DD HH:MM:SS` for `seconds` after January 1st of `epoch_year`.
pub(crate) fn datetime_from_seconds(seconds: u64, epoch_year: i64) -> String {
    let (y, m, d) = civil_from_days(days_from_civil(epoch_year, 1, 1) + (seconds / 86_400) as i64);
    let s = seconds % 86_400;
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
        s / 3600,
        s / 60 % 60,
        s % 60
    )
}

/// Days since 1970-01-01 (Howard Hinnant's algorithm).
pub(crate) fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The calendar date of a day count since 1970-01-01.
pub(crate) fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_book_and_random_access_matches() {
        let book = generate(7, 500);
        assert_eq!(book, generate(7, 500));
        assert_ne!(book, generate(8, 500));
        assert_eq!(page(7, 500, 100, 50), book[100..150].to_vec());
        assert_eq!(page(7, 500, 490, 50).len(), 10);
        assert!(page(7, 500, 600, 5).is_empty());
    }

    #[test]
    fn book_has_duplicates_deletions_nfd_and_several_countries() {
        let book = generate(1, 2000);
        let dups = book.iter().filter(|c| c.duplicate_of.is_some()).count();
        assert!((140..=260).contains(&dups), "duplicates: {dups}");
        let deleted = book.iter().filter(|c| c.soft_deleted).count();
        assert!((20..=120).contains(&deleted), "soft-deleted: {deleted}");
        assert!(book
            .iter()
            .any(|c| c.first_name.nfc().collect::<String>() != c.first_name));
        assert!(book.iter().any(|c| c.first_name.contains('é')));
        let countries: std::collections::BTreeSet<_> = book
            .iter()
            .flat_map(|c| c.phones.iter().map(|p| p.country))
            .collect();
        assert!(countries.len() >= 6, "{countries:?}");
        for c in &book {
            assert_eq!(c.modified.len(), 19);
            assert!(c.modified.as_str() >= "2015-01-01 00:00:00" && c.modified.as_str() < "2025");
        }
    }

    #[test]
    fn duplicate_shares_an_identifier_with_its_original() {
        let book = generate(3, 1000);
        for c in book.iter().filter(|c| c.duplicate_of.is_some()) {
            let original = &book[c.duplicate_of.unwrap_or_default() as usize];
            let same_name = c.first_name.nfc().eq(original.first_name.nfc());
            assert!(same_name, "{c:?} vs {original:?}");
        }
    }

    #[test]
    fn dates() {
        assert_eq!(datetime_from_seconds(0, 2015), "2015-01-01 00:00:00");
        assert_eq!(
            datetime_from_seconds(86_400 * 59 + 3661, 2016),
            "2016-02-29 01:01:01"
        );
        assert_eq!(
            civil_from_days(days_from_civil(2024, 12, 31)),
            (2024, 12, 31)
        );
    }
}
