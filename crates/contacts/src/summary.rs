//! Problems summarized by kind: what a person reads first. An address book of 20,000 contacts
//! can carry 20,000 problems (a phone without a country code on every row); a line each
//! drowns what matters, so the command line's terminal and the widget both show this instead:
//! each kind once, with its count and the first few examples, where they are.

use serde::Serialize;

use crate::error::Problem;

/// How many examples of each kind a summary keeps, unless told otherwise.
pub const EXAMPLES_PER_KIND: usize = 3;

/// The problems of an import, by kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ProblemSummary {
    /// How many problems in all.
    pub total: usize,
    /// One item per kind, the most frequent first (ties: the first met first).
    pub kinds: Vec<ProblemKind>,
}

/// One kind of problem in a [`ProblemSummary`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProblemKind {
    /// The kind's stable code ([`crate::Error::code`]: `malformed_record`, `invalid_phone`, ...).
    pub code: &'static str,
    /// How many problems of this kind.
    pub count: usize,
    /// The first few of them, in the order met.
    pub examples: Vec<ProblemExample>,
}

/// A problem where it happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProblemExample {
    /// The file or provider.
    pub source: String,
    /// The 1-based line (0 when not known).
    pub line: u32,
    /// The message.
    pub message: String,
}

impl ProblemSummary {
    /// The summary of `problems`, keeping up to `examples_per_kind` examples of each kind.
    pub fn of<'a>(
        problems: impl IntoIterator<Item = &'a Problem>,
        examples_per_kind: usize,
    ) -> ProblemSummary {
        let mut summary = ProblemSummary::default();
        for problem in problems {
            summary.total += 1;
            let kind = match summary.kinds.iter().position(|k| k.code == problem.code) {
                Some(at) => &mut summary.kinds[at],
                None => {
                    summary.kinds.push(ProblemKind {
                        code: problem.code,
                        count: 0,
                        examples: Vec::new(),
                    });
                    let last = summary.kinds.len() - 1;
                    &mut summary.kinds[last]
                }
            };
            kind.count += 1;
            if kind.examples.len() < examples_per_kind {
                kind.examples.push(ProblemExample {
                    source: problem.source.clone(),
                    line: problem.line,
                    message: problem.message.clone(),
                });
            }
        }
        // Stable: kinds with the same count stay in the order they were first met.
        summary
            .kinds
            .sort_by_key(|kind| std::cmp::Reverse(kind.count));
        summary
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn problem(line: u32, error: Error) -> Problem {
        Problem::new("book.csv", line, error)
    }

    #[test]
    fn kinds_are_counted_most_frequent_first_with_their_first_examples() {
        let phone = |line| {
            problem(
                line,
                Error::InvalidPhone {
                    raw: format!("{line}"),
                    reason: "no country code".into(),
                },
            )
        };
        let mut problems = vec![problem(2, Error::MalformedRecord("bad quote".into()))];
        problems.extend((3..10).map(phone));
        problems.push(problem(12, Error::Empty));
        let summary = ProblemSummary::of(&problems, 2);
        assert_eq!(summary.total, 9);
        let codes: Vec<(&str, usize)> = summary.kinds.iter().map(|k| (k.code, k.count)).collect();
        // 7 phones first; the two kinds met once stay in the order they were met.
        assert_eq!(
            codes,
            [("invalid_phone", 7), ("malformed_record", 1), ("empty", 1)]
        );
        let lines: Vec<u32> = summary.kinds[0].examples.iter().map(|e| e.line).collect();
        assert_eq!(lines, [3, 4]);
        assert_eq!(summary.kinds[0].examples[0].source, "book.csv");
        assert_eq!(summary.kinds[0].examples[0].message, problems[1].message);
    }

    #[test]
    fn no_problems_no_kinds() {
        assert_eq!(
            ProblemSummary::of(&[], EXAMPLES_PER_KIND),
            ProblemSummary::default()
        );
    }
}
