//! What the commands tell a person on stderr besides progress: the problems an import found,
//! and the default phone region they guessed.
//!
//! Problems: on a terminal, a summary by kind (a count and the first few examples with their
//! lines), so that 20,000 "no country code" lines do not drown the rest; elsewhere (a log, a
//! pipe, a script that greps them) every problem as a `source:line: message` line. With
//! `--problems FILE`, every problem is also written to FILE as JSON lines
//! (`{"source","line","code","message"}`), wherever stderr goes.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use anyhow::Context;
use contacts::normalize::{locale_from_environment, region_from_locale};
use contacts::{Problem, ProblemSummary, EXAMPLES_PER_KIND};

/// Lines starting with this on stderr are the command's own notes, not problems.
pub const NOTE: &str = "contact-picker: ";

/// The default phone region: the one given, else the one the locale names (LC_ALL,
/// LC_MESSAGES, LANG). When it is guessed, or cannot be, a note on `err` says so.
pub fn default_region(given: Option<String>, err: &mut dyn Write) -> Option<String> {
    if given.is_some() {
        return given;
    }
    let locale = locale_from_environment(|name| std::env::var(name).ok());
    let region = locale
        .as_ref()
        .and_then(|(_, value)| region_from_locale(value));
    // A closed stderr must not stop the command; there is nowhere left to say it.
    let _ = match (&locale, &region) {
        (Some((variable, value)), Some(region)) => writeln!(
            err,
            "{NOTE}phone numbers without a country code are read as in {region} (from \
             {variable}={value}); --region changes it"
        ),
        (Some((variable, value)), None) => writeln!(
            err,
            "{NOTE}no --region, and {variable}={value} names no country: phone numbers \
             without a country code are kept as written"
        ),
        (None, _) => writeln!(
            err,
            "{NOTE}no --region and no locale (LC_ALL, LC_MESSAGES, LANG): phone numbers \
             without a country code are kept as written"
        ),
    };
    region
}

/// Reports `problems` (see the module documentation): to `problems_file` when given, and on
/// `err` as a summary when `terminal`, else a line each.
pub fn report_problems(
    problems: &[Problem],
    problems_file: Option<&Path>,
    terminal: bool,
    err: &mut dyn Write,
) -> anyhow::Result<()> {
    if let Some(path) = problems_file {
        write_json_lines(problems, path)
            .with_context(|| format!("cannot write the problems to {}", path.display()))?;
    }
    // A closed stderr must not stop the command; there is nowhere left to report it.
    let _ = if terminal {
        write_summary(
            &ProblemSummary::of(problems, EXAMPLES_PER_KIND),
            problems_file,
            err,
        )
    } else {
        problems
            .iter()
            .try_for_each(|problem| writeln!(err, "{problem}"))
    };
    Ok(())
}

/// Every problem as one JSON object a line.
fn write_json_lines(problems: &[Problem], path: &Path) -> anyhow::Result<()> {
    let mut out = BufWriter::new(File::create(path)?);
    for problem in problems {
        serde_json::to_writer(&mut out, problem)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}

/// The summary, e.g.:
///
/// ```text
/// 22756 problems (every one: --problems FILE)
///   22000 invalid_phone, e.g.
///     contacts.csv:2: phone number "555-0100" kept as given: no country code and no default region
///     ...
/// ```
pub fn write_summary(
    summary: &ProblemSummary,
    problems_file: Option<&Path>,
    err: &mut dyn Write,
) -> std::io::Result<()> {
    if summary.total == 0 {
        return Ok(());
    }
    let every = match problems_file {
        Some(path) => format!("every one in {}", path.display()),
        None => "every one: --problems FILE".to_string(),
    };
    let noun = if summary.total == 1 {
        "problem"
    } else {
        "problems"
    };
    writeln!(err, "{} {noun} ({every})", summary.total)?;
    for kind in &summary.kinds {
        let more = if kind.count > kind.examples.len() {
            ", e.g."
        } else {
            ":"
        };
        writeln!(err, "  {} {}{more}", kind.count, kind.code)?;
        for example in &kind.examples {
            writeln!(
                err,
                "    {}:{}: {}",
                example.source, example.line, example.message
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use contacts::Error;

    fn problems() -> Vec<Problem> {
        let mut problems: Vec<Problem> = (2..2002)
            .map(|line| {
                Problem::new(
                    "book.csv",
                    line,
                    Error::InvalidPhone {
                        raw: format!("555-{line:04}"),
                        reason: "no country code and no default region".into(),
                    },
                )
            })
            .collect();
        problems.push(Problem::new(
            "book.csv",
            2100,
            Error::MalformedRecord("no name, organization, e-mail or phone".into()),
        ));
        problems
    }

    fn text(write: impl FnOnce(&mut Vec<u8>)) -> String {
        let mut out = Vec::new();
        write(&mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn a_terminal_gets_kinds_counts_and_three_examples_not_two_thousand_lines() {
        let problems = problems();
        let shown = text(|out| report_problems(&problems, None, true, out).unwrap());
        let lines: Vec<&str> = shown.lines().collect();
        assert_eq!(lines[0], "2001 problems (every one: --problems FILE)");
        assert_eq!(lines[1], "  2000 invalid_phone, e.g.");
        assert!(lines[2].starts_with("    book.csv:2: phone number \"555-0002\""));
        assert!(lines[4].starts_with("    book.csv:4: "));
        assert_eq!(lines[5], "  1 malformed_record:");
        assert!(lines[6].starts_with("    book.csv:2100: malformed record"));
        assert_eq!(lines.len(), 7, "{shown}");
    }

    #[test]
    fn elsewhere_every_problem_is_a_line_and_the_file_gets_json_lines() {
        let problems = problems();
        let dir = std::env::temp_dir().join(format!("cp-report-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("problems.jsonl");
        let shown = text(|out| report_problems(&problems, Some(&path), false, out).unwrap());
        assert_eq!(shown.lines().count(), problems.len());
        assert_eq!(shown.lines().next(), Some(problems[0].to_string().as_str()));
        let written = std::fs::read_to_string(&path).unwrap();
        let rows: Vec<serde_json::Value> = written
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect();
        assert_eq!(rows.len(), problems.len());
        assert_eq!(
            rows[2000],
            serde_json::json!({"source": "book.csv", "line": 2100, "code": "malformed_record",
                "message": problems[2000].message})
        );
        // On a terminal with the file, the summary says where every one went.
        let shown = text(|out| report_problems(&problems, Some(&path), true, out).unwrap());
        assert!(shown.starts_with(&format!("2001 problems (every one in {})", path.display())));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn no_problem_no_summary() {
        assert_eq!(
            text(|out| report_problems(&[], None, true, out).unwrap()),
            ""
        );
    }
}
