//! How long a keystroke takes at 100,000 entries: search, the reducer's list update, select-all
//! and a toggle, as medians and 95th percentiles over many runs.
//!
//! The product target is a list update within a frame in the browser (16 ms at the 95th
//! percentile, 8 ms aimed for) at 100,000 contacts. Natively:
//!
//! ```text
//! cargo run -p picker --release --example search_bench [entries] [runs]
//! ```
//!
//! In wasm, under Node (V8, Chrome's engine), with the same code:
//!
//! ```text
//! cargo build -p picker --release --example search_bench --target wasm32-unknown-unknown
//! node crates/picker/tools/search_bench.mjs target/wasm32-unknown-unknown/release/examples/search_bench.wasm [entries] [runs]
//! ```
//!
//! The book is generated with a small deterministic generator: accented first and last names,
//! 1–3 e-mails, 0–2 phones (with the national form the engine adds), an organization for most.

use std::rc::Rc;

use picker::{reduce, search, Action, Book, BookBuilder, Entry, Index, Key, Query, Sort, State};

const FIRST: &[&str] = &[
    "Aurélie",
    "Émile",
    "Jürgen",
    "Søren",
    "Zoë",
    "François",
    "Hélène",
    "José",
    "Łukasz",
    "Ana",
    "María",
    "Noël",
    "Björn",
    "Chloé",
    "Mathéo",
    "Marie",
    "Jean",
    "Pierre",
    "Anne",
    "Thomas",
    "Sophie",
    "Lucas",
    "Léa",
    "Hugo",
    "Manon",
    "Nicolas",
    "Camille",
    "Julien",
    "Inès",
    "Ada",
    "Grace",
    "Alan",
    "Linus",
    "Margaret",
    "Katherine",
    "Dorothy",
    "Barbara",
    "Edsger",
    "Donald",
    "Frances",
    "Ørjan",
    "Åsa",
    "Çağla",
    "Dvořák",
    "Şebnem",
    "Nguyễn",
    "Thị",
    "Ömer",
    "Göran",
    "Renée",
    "Agnès",
    "Benoît",
    "Cécile",
    "Gaëlle",
    "Jérôme",
    "Maëlys",
    "Raphaël",
    "Stéphane",
    "Yannick",
    "Zoé",
    "Ingrid",
    "Karl",
    "Lena",
    "Mia",
    "Nils",
    "Olaf",
    "Paula",
    "Ruth",
];
const LAST: &[&str] = &[
    "Müller",
    "Weiß",
    "Dupont",
    "García",
    "Nguyễn",
    "Kowalski",
    "Smith",
    "O'Brien",
    "Łęcki",
    "Martin",
    "Bernard",
    "Durand",
    "Lefèvre",
    "Moreau",
    "Girard",
    "Rousseau",
    "Fournier",
    "Lovelace",
    "Hopper",
    "Turing",
    "Torvalds",
    "Hamilton",
    "Johnson",
    "Vaughan",
    "Liskov",
    "Dijkstra",
    "Knuth",
    "Allen",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Meyer",
    "Wagner",
    "Becker",
    "Hoffmann",
    "Schäfer",
    "Koch",
    "Bauer",
    "Richter",
    "Klein",
    "Wolf",
    "Schröder",
    "Neumann",
    "Rossi",
    "Russo",
    "Ferrari",
    "Esposito",
    "Bianchi",
    "Romano",
    "Fernández",
    "López",
    "Pérez",
    "Sánchez",
    "Gómez",
    "Díaz",
    "Jansen",
    "de Vries",
    "van den Berg",
    "Bakker",
    "Novák",
    "Dvořák",
    "Černý",
    "Nowak",
    "Wiśniewski",
    "Wójcik",
    "Kowalczyk",
    "Yılmaz",
    "Kaya",
    "Demir",
    "Şahin",
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nielsen",
    "Jensen",
    "Hansen",
    "Pedersen",
    "Østergaard",
];
const ORGS: &[&str] = &[
    "Société Générale",
    "Acme Corp",
    "Müller & Söhne GmbH",
    "Université de Lyon",
    "Analytical Engines Ltd",
    "Crédit Agricole",
    "Deutsche Bahn",
    "Café de Flore",
    "Initech",
    "Hôpital Necker",
    "Ville de Paris",
    "Bäckerei Weiß",
    "Studio Ghibli",
    "Mairie de Nantes",
    "École Polytechnique",
    "Globex",
];
const DOMAINS: &[&str] = &[
    "gmail.com",
    "yahoo.fr",
    "orange.fr",
    "web.de",
    "outlook.com",
    "example.org",
    "free.fr",
    "gmx.de",
    "hotmail.com",
    "icloud.com",
];

/// SplitMix64: small, deterministic, good enough to draw test data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// An ASCII e-mail local part from a name: "Aurélie" → "aurelie".
fn ascii(text: &str) -> String {
    picker::fold::fold(text)
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect()
}

fn generate(count: usize) -> Book {
    let mut rng = Rng(0x5eed);
    let mut builder = BookBuilder::new();
    for i in 0..count {
        let first = rng.pick(FIRST);
        let last = rng.pick(LAST);
        let organization = (rng.below(10) < 6).then(|| rng.pick(ORGS).to_string());
        let mut emails = Vec::new();
        for k in 0..1 + rng.below(3) {
            let domain = rng.pick(DOMAINS);
            let email = match k {
                0 => format!("{}.{}@{domain}", ascii(first), ascii(last)),
                1 => format!(
                    "{}{}{}@{domain}",
                    &ascii(first)[..1],
                    ascii(last),
                    rng.below(100)
                ),
                _ => format!("{}.{}@work.example", ascii(last), i),
            };
            emails.push(email);
        }
        let mut phones = Vec::new();
        let mut raw = Vec::new();
        for _ in 0..rng.below(3) {
            let n = rng.next() % 100_000_000;
            if rng.below(2) == 0 {
                phones.push(format!("+336{n:08}"));
                raw.push(format!(
                    "06 {:02} {:02} {:02} {:02}",
                    n / 1_000_000,
                    n / 10_000 % 100,
                    n / 100 % 100,
                    n % 100
                ));
            } else {
                phones.push(format!("+4915{n:09}"));
                raw.push(format!("015{n:09}"));
            }
        }
        let entry = Entry {
            name: format!("{first} {last}"),
            emails,
            phones,
            organization,
            ..Entry::default()
        };
        let raw: Vec<&str> = raw.iter().map(String::as_str).collect();
        builder.push(&entry, &raw);
    }
    builder.into_book(None)
}

#[cfg(not(target_arch = "wasm32"))]
mod clock {
    use std::sync::OnceLock;
    use std::time::Instant;

    /// Milliseconds since the first call.
    pub fn now() -> f64 {
        static START: OnceLock<Instant> = OnceLock::new();
        START.get_or_init(Instant::now).elapsed().as_secs_f64() * 1000.0
    }

    pub fn print(line: &str) {
        println!("{line}");
    }

    pub fn args() -> Vec<String> {
        std::env::args().skip(1).collect()
    }
}

#[cfg(target_arch = "wasm32")]
mod clock {
    #[link(wasm_import_module = "bench")]
    extern "C" {
        #[link_name = "now"]
        fn js_now() -> f64;
        #[link_name = "log"]
        fn js_log(ptr: *const u8, len: usize);
        #[link_name = "arg"]
        fn js_arg(index: u32) -> f64;
    }

    /// `performance.now()`, in milliseconds.
    pub fn now() -> f64 {
        // SAFETY: an import without preconditions, given by tools/search_bench.mjs.
        unsafe { js_now() }
    }

    pub fn print(line: &str) {
        // SAFETY: the runner reads `len` bytes at `ptr` from this module's memory at once.
        unsafe { js_log(line.as_ptr(), line.len()) }
    }

    pub fn args() -> Vec<String> {
        // SAFETY: as above; the runner answers 0 for an argument not given.
        (0..2)
            .map(|i| unsafe { js_arg(i) })
            .take_while(|&n| n > 0.0)
            .map(|n| (n as u64).to_string())
            .collect()
    }
}

/// Times `f` `runs` times; returns (min, median, p95) in milliseconds.
fn time(runs: usize, mut f: impl FnMut()) -> (f64, f64, f64) {
    let mut samples: Vec<f64> = (0..runs)
        .map(|_| {
            let start = clock::now();
            f();
            clock::now() - start
        })
        .collect();
    stats(&mut samples)
}

fn stats(samples: &mut [f64]) -> (f64, f64, f64) {
    samples.sort_by(f64::total_cmp);
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    (at(0.0), at(0.5), at(0.95))
}

fn report(what: &str, (min, median, p95): (f64, f64, f64), extra: &str) {
    clock::print(&format!(
        "{what:<40} min {min:>7.3}  median {median:>7.3}  p95 {p95:>7.3} ms   {extra}"
    ));
}

fn main() {
    let args = clock::args();
    let count: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let runs: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(50);
    let start = clock::now();
    let book = Rc::new(generate(count));
    clock::print(&format!(
        "{count} entries, {} bytes of search text, generated in {:.0} ms; {runs} runs each",
        book.haystack().len(),
        clock::now() - start
    ));
    let start = clock::now();
    let empty = State::new(Rc::clone(&book), Sort::ByName, None);
    clock::print(&format!(
        "State::new (the index and the name order): {:.1} ms",
        clock::now() - start
    ));

    clock::print(
        "-- search() over every entry in name order (the function alone, without an Index)",
    );
    for text in [
        "a", "ma", "mar", "durand", "lefèvre", "marie", "ma du", "06 12", "zqx",
    ] {
        let query = Query::parse(text);
        let mut found = 0;
        let timing = time(runs, || {
            found = search(&book, &query, book.by_name()).len();
        });
        report(
            &format!("search {text:?}"),
            timing,
            &format!("{found} found"),
        );
    }

    let start = clock::now();
    let index = Index::new(&book);
    clock::print(&format!(
        "-- Index::new (once per book, at load): {:.1} ms",
        clock::now() - start
    ));
    clock::print("-- Index::search over every entry in name order");
    for text in [
        "a", "ma", "mar", "durand", "lefèvre", "marie", "ma du", "06 12", "zqx",
    ] {
        let query = Query::parse(text);
        let mut found = 0;
        let timing = time(runs, || {
            found = index.search(&book, &query, book.by_name()).len();
        });
        report(
            &format!("search {text:?}"),
            timing,
            &format!("{found} found"),
        );
    }

    clock::print("-- a keystroke from an empty query, through the reducer");
    for text in [
        "a", "ma", "mar", "marie", "06 12 3", "+49 151", "durand@", "zqx",
    ] {
        let mut shown = 0;
        let timing = time(runs, || {
            shown = reduce(&empty, Action::Search(text.into())).view.len();
        });
        report(
            &format!("Search({text:?})"),
            timing,
            &format!("{shown} shown"),
        );
    }

    clock::print("-- typed letter by letter, then erased (each keystroke timed)");
    for text in ["marie dupont", "aurelie", "schmidt", "0612"] {
        let mut typing = Vec::new();
        let mut erasing = Vec::new();
        for _ in 0..runs {
            let mut state = empty.clone();
            for end in (1..=text.len()).filter(|&end| text.is_char_boundary(end)) {
                let start = clock::now();
                state = reduce(&state, Action::Search(text[..end].into()));
                typing.push(clock::now() - start);
            }
            for end in (0..text.len())
                .rev()
                .filter(|&end| text.is_char_boundary(end))
            {
                let start = clock::now();
                state = reduce(&state, Action::Search(text[..end].into()));
                erasing.push(clock::now() - start);
            }
        }
        report(&format!("typing {text:?}"), stats(&mut typing), "");
        report(&format!("erasing {text:?}"), stats(&mut erasing), "");
    }

    clock::print("-- selection, through the reducer, over the whole book");
    let all = reduce(&empty, Action::SelectAll);
    report(
        "SelectAll (100% of the view)",
        time(runs, || {
            std::hint::black_box(reduce(&empty, Action::SelectAll));
        }),
        &format!("{} selected", all.selected_count()),
    );
    report(
        "SelectNone",
        time(runs, || {
            std::hint::black_box(reduce(&all, Action::SelectNone));
        }),
        "",
    );
    let ctrl_a = Action::Key {
        key: Key::A,
        shift: false,
        ctrl: true,
        page: 10,
    };
    report(
        "Ctrl+A when all are selected (unselects)",
        time(runs, || {
            std::hint::black_box(reduce(&all, ctrl_a.clone()));
        }),
        "",
    );
    let mut position = 0;
    report(
        "Click (toggle one row)",
        time(runs, || {
            position = (position + 7919) % count.max(1);
            std::hint::black_box(reduce(
                &all,
                Action::Click {
                    position,
                    shift: false,
                },
            ));
        }),
        "",
    );
    let space = Action::Key {
        key: Key::Space,
        shift: false,
        ctrl: false,
        page: 10,
    };
    let focused = reduce(&all, Action::Activate(count / 2));
    report(
        "Space (toggle the focused row)",
        time(runs, || {
            std::hint::black_box(reduce(&focused, space.clone()));
        }),
        "",
    );
    let limited = State::new(Rc::clone(&book), Sort::ByName, Some(1_000));
    report(
        "SelectAll under a limit of 1,000",
        time(runs, || {
            std::hint::black_box(reduce(&limited, Action::SelectAll));
        }),
        "",
    );
    report(
        "all_in_view_selected() (all are)",
        time(runs, || {
            std::hint::black_box(all.all_in_view_selected());
        }),
        "",
    );
    report(
        "selected_in_order() (all)",
        time(runs, || {
            std::hint::black_box(all.selected_in_order());
        }),
        "",
    );
    report(
        "SetSort(Source) with an empty query",
        time(runs, || {
            std::hint::black_box(reduce(&empty, Action::SetSort(Sort::Source)));
        }),
        "",
    );
}
