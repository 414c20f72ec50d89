//! The shapes of issue 9 that once merged strangers or took memory out of proportion to the
//! input, written deterministically so that their figures in BENCHMARKS.md can be reproduced.
//!
//! - `office.csv`: 50 colleagues at one office number, each with their own e-mail, names drawn
//!   from 20 given and 15 family names (a shared phone must not merge different people).
//! - `family.csv`: a family's landline: four Kleins, each with their own e-mail, one number.
//! - `wide.csv`: a header and two rows of 1,000,000 columns, every cell filled.
//! - `shared-phone.csv`: 200,000 rows of one name sharing one phone number.
//! - `switchboard.csv`: 200,000 rows of different names sharing one phone number.

use std::fmt::Write;

const OFFICE_GIVEN: &[&str] = &[
    "Hugo", "Max", "Ines", "Tina", "Lena", "Paul", "Jonas", "Mia", "Felix", "Emma", "Noah", "Lea",
    "Ben", "Clara", "Elias", "Sofia", "Anton", "Greta", "Oskar", "Marie",
];
const OFFICE_FAMILY: &[&str] = &[
    "Klein",
    "Weber",
    "Schulz",
    "Wagner",
    "Becker",
    "Hoffmann",
    "Koch",
    "Richter",
    "Wolf",
    "Neumann",
    "Braun",
    "Zimmermann",
    "Hartmann",
    "Lange",
    "Krause",
];

/// Writes the four files into `dir`.
pub fn write_all(dir: &str) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    std::fs::write(format!("{dir}/office.csv"), office())?;
    std::fs::write(format!("{dir}/family.csv"), family())?;
    std::fs::write(format!("{dir}/wide.csv"), wide(1_000_000))?;
    std::fs::write(format!("{dir}/shared-phone.csv"), shared_phone(200_000))?;
    std::fs::write(format!("{dir}/switchboard.csv"), switchboard(200_000))?;
    Ok(())
}

/// 50 colleagues, one office number; names drawn with a small LCG (seed 3: four whole names
/// come twice, as they would in a real office of that size drawn from so few names).
pub fn office() -> String {
    let mut out = String::from("First Name,Last Name,E-mail Address,Business Phone\n");
    let mut state: u64 = 3;
    let mut draw = |n: usize| {
        state = (state * 1_103_515_245 + 12_345) % (1 << 31);
        (state >> 16) as usize % n
    };
    for n in 0..50 {
        let given = OFFICE_GIVEN[draw(OFFICE_GIVEN.len())];
        let family = OFFICE_FAMILY[draw(OFFICE_FAMILY.len())];
        let _ = writeln!(
            out,
            "{given},{family},{}.{}.{n}@office.example,+49 30 1234567",
            given.to_lowercase(),
            family.to_lowercase()
        );
    }
    out
}

/// A family's landline: four people and their own e-mails, one number.
pub fn family() -> String {
    let mut out = String::from("First Name,Last Name,E-mail Address,Home Phone\n");
    for given in ["Hugo", "Max", "Ines", "Tina"] {
        let _ = writeln!(
            out,
            "{given},Klein,{}@klein.example,+49 30 1234567",
            given.to_lowercase()
        );
    }
    out
}

/// A header of `columns` named columns and two data rows that fill every one.
pub fn wide(columns: usize) -> String {
    let mut out = String::from("Name,E-mail");
    for column in 3..=columns {
        let _ = write!(out, ",c{column}");
    }
    for (name, email) in [
        ("Ada Lovelace", "ada@example.org"),
        ("Grace Hopper", "grace@example.org"),
    ] {
        let _ = write!(out, "\n{name},{email}");
        for _ in 3..=columns {
            out.push_str(",x");
        }
    }
    out.push('\n');
    out
}

/// `rows` rows of one person sharing one phone number, each with a note of its own.
pub fn shared_phone(rows: usize) -> String {
    let mut out = String::from("Name,Phone,Notes\n");
    for n in 0..rows {
        let _ = writeln!(out, "Max Klein,+49 30 1234567,row {n}");
    }
    out
}

/// `rows` different people sharing one phone number.
pub fn switchboard(rows: usize) -> String {
    let mut out = String::from("Name,Phone\n");
    for n in 0..rows {
        let _ = writeln!(out, "Given{n} Family{n},+49 30 1234567");
    }
    out
}
