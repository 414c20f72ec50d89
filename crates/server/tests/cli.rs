//! The `contact-picker normalize` command, run as a built binary on corpus files: what it
//! prints on stdout (always parseable output), stderr (`source:line: message` lines) and its
//! exit status (see `src/normalize.rs`).

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

/// The test corpus, `tests/corpus/` in the repository.
fn corpus(path: &str) -> String {
    let root = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/corpus"));
    let file = root.join(path);
    assert!(file.is_file(), "corpus file {} is missing", file.display());
    file.to_string_lossy().into_owned()
}

fn run(args: &[&str]) -> Output {
    run_with_stdin(args, None)
}

fn run_with_stdin(args: &[&str], stdin: Option<&[u8]>) -> Output {
    run_in_locale(args, stdin, "C")
}

/// Runs the command with `LANG` set to `lang` (and the locale variables that would override it
/// removed): the default phone region comes from the locale.
fn run_in_locale(args: &[&str], stdin: Option<&[u8]>, lang: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_contact-picker"))
        .args(args)
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", lang)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the contact-picker binary starts");
    if let Some(bytes) = stdin {
        let mut pipe = child.stdin.take().expect("stdin is piped");
        pipe.write_all(bytes).expect("stdin accepts the input");
    }
    child
        .wait_with_output()
        .expect("the contact-picker binary ends")
}

fn json_array(output: &Output) -> Vec<Value> {
    let text = String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8");
    match serde_json::from_str(&text) {
        Ok(Value::Array(items)) => items,
        other => panic!("stdout is not a JSON array ({other:?}):\n{text}"),
    }
}

/// The problem lines on stderr (the command's own notes, `contact-picker: ...`, left out).
fn stderr_lines(output: &Output) -> Vec<String> {
    String::from_utf8(output.stderr.clone())
        .expect("stderr is UTF-8")
        .lines()
        .filter(|line| !line.starts_with("contact-picker: "))
        .map(str::to_string)
        .collect()
}

/// `source:line: message` with a decimal line and a non-empty message.
fn assert_problem_line(line: &str, source: &str) {
    let rest = line
        .strip_prefix(source)
        .and_then(|rest| rest.strip_prefix(':'))
        .unwrap_or_else(|| panic!("stderr line {line:?} does not start with {source:?}:"));
    let (number, message) = rest
        .split_once(": ")
        .unwrap_or_else(|| panic!("stderr line {line:?} has no `: ` after the line number"));
    assert!(
        !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()),
        "stderr line {line:?}: {number:?} is not a line number"
    );
    assert!(
        !message.trim().is_empty(),
        "stderr line {line:?} has no message"
    );
}

fn emails(contacts: &[Value]) -> Vec<String> {
    let mut all: Vec<String> = contacts
        .iter()
        .flat_map(|c| c["emails"].as_array().cloned().unwrap_or_default())
        .filter_map(|e| e["address"].as_str().map(str::to_string))
        .collect();
    all.sort();
    all
}

#[test]
fn a_vcard_file_gives_a_json_array_of_its_contacts() {
    let file = corpus("vcard/ezvcard__gmail-list.vcf");
    let output = run(&["normalize", &file]);
    assert!(output.status.success(), "{output:?}");
    let contacts = json_array(&output);
    assert_eq!(contacts.len(), 3, "the three cards of gmail-list.vcf");
    assert_eq!(
        emails(&contacts),
        [
            "asmithk@gmail.com",
            "chrisy55d@yahoo.com",
            "dwhite@gmail.com"
        ]
    );
    for contact in &contacts {
        assert_eq!(contact["source"], Value::String(file.clone()));
    }
}

#[test]
fn several_files_are_read_in_order_into_one_array() {
    let gmail = corpus("vcard/ezvcard__gmail-list.vcf");
    let korean = corpus("vcard/khard__korean-c.vcf");
    let both = run(&["normalize", "--no-merge", &gmail, &korean]);
    assert!(both.status.success(), "{both:?}");
    let contacts = json_array(&both);
    assert_eq!(contacts.len(), 4);
    assert_eq!(contacts[3]["source"], Value::String(korean));
}

#[test]
fn stdin_dash_reads_the_same_contacts_with_source_dash() {
    let file = corpus("vcard/ezvcard__gmail-list.vcf");
    let bytes = std::fs::read(&file).expect("corpus file reads");
    let from_file = json_array(&run(&["normalize", &file]));
    let output = run_with_stdin(&["normalize", "-"], Some(&bytes));
    assert!(output.status.success(), "{output:?}");
    let from_stdin = json_array(&output);
    assert_eq!(emails(&from_stdin), emails(&from_file));
    for contact in &from_stdin {
        assert_eq!(contact["source"], "-");
    }
}

#[test]
fn problems_go_to_stderr_as_source_line_message_and_the_rest_is_kept() {
    // Six cards; the fifth e-mail is QP-encoded junk (MANIFEST.txt), and at least one card
    // has no name: the contacts are still written.
    let file = corpus("vcard/ezvcard__John_Doe_ANDROID.vcf");
    let output = run(&["normalize", "--no-merge", &file]);
    assert!(output.status.success(), "{output:?}");
    assert!(!json_array(&output).is_empty());
    for line in stderr_lines(&output) {
        assert_problem_line(&line, &file);
    }
}

#[test]
fn a_file_without_any_contact_exits_1_with_its_problem_on_stderr() {
    // "begin:vcard\nend:vcard": one empty card, no contact.
    let file = corpus("vcard/calcard__068.vcf");
    let output = run(&["normalize", &file]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(json_array(&output).is_empty(), "the output is still `[]`");
    let lines = stderr_lines(&output);
    assert!(!lines.is_empty(), "the empty card is reported");
    for line in &lines {
        assert_problem_line(line, &file);
    }
}

#[test]
fn a_missing_file_is_reported_and_does_not_lose_the_other_inputs() {
    let missing = "no/such/file.vcf";
    let alone = run(&["normalize", missing]);
    assert_eq!(alone.status.code(), Some(1), "{alone:?}");
    assert!(json_array(&alone).is_empty());
    let lines = stderr_lines(&alone);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_problem_line(&lines[0], missing);
    assert!(lines[0].starts_with("no/such/file.vcf:0: cannot read: "));

    let gmail = corpus("vcard/ezvcard__gmail-list.vcf");
    let with_good = run(&["normalize", missing, &gmail]);
    assert!(with_good.status.success(), "{with_good:?}");
    assert_eq!(json_array(&with_good).len(), 3);
}

#[test]
fn empty_stdin_exits_1() {
    let output = run_with_stdin(&["normalize", "-"], Some(b""));
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(json_array(&output).is_empty());
    for line in stderr_lines(&output) {
        assert_problem_line(&line, "-");
    }
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(run(&["normalize"]).status.code(), Some(2));
    let file = corpus("vcard/ezvcard__gmail-list.vcf");
    assert_eq!(
        run(&["normalize", "--to", "pdf", &file]).status.code(),
        Some(2)
    );
    assert_eq!(run(&["frobnicate"]).status.code(), Some(2));
}

#[test]
fn hostile_and_security_inputs_never_crash() {
    for path in [
        "security/synth__hostile_fields.csv",
        "security/regress__vcard4_0.7.3_uriparse_panic_uid.vcf",
        "security/regress__vcard4_0.7.3_uriparse_panic_url.vcf",
        "xml/synth__billion_laughs.xml",
        "xml/synth__xxe_file.xml",
        "xml/synth__deep_nesting_20k.xml",
        "xml/synth__quadratic_blowup.xml",
    ] {
        let file = corpus(path);
        let output = run(&["normalize", &file]);
        assert!(
            matches!(output.status.code(), Some(0 | 1)),
            "{path}: {output:?}"
        );
        json_array(&output);
        for line in stderr_lines(&output) {
            assert_problem_line(&line, &file);
        }
    }
}

#[test]
fn vcard_output_is_one_card_per_contact_in_the_asked_version() {
    let file = corpus("vcard/ezvcard__gmail-list.vcf");
    for (to, version) in [("vcard", "VERSION:4.0"), ("vcard3", "VERSION:3.0")] {
        let output = run(&["normalize", "--to", to, &file]);
        assert!(output.status.success(), "{output:?}");
        let text = String::from_utf8(output.stdout).expect("vCard output is UTF-8");
        assert_eq!(text.matches("BEGIN:VCARD\r\n").count(), 3, "{text}");
        assert_eq!(text.matches(&format!("{version}\r\n")).count(), 3, "{text}");
        assert!(text.contains("asmithk@gmail.com"), "{text}");
    }
}

#[test]
fn cloudsponge_output_has_the_cloudsponge_shape() {
    let file = corpus("vcard/ezvcard__gmail-list.vcf");
    let output = run(&["normalize", "--to", "cloudsponge", &file]);
    assert!(output.status.success(), "{output:?}");
    let answer: Value = serde_json::from_slice(&output.stdout).expect("stdout is JSON");
    assert_eq!(answer["count"], 3);
    assert_eq!(answer["contacts"].as_array().map(Vec::len), Some(3));
    assert_eq!(
        answer["contacts"][0]["email"][0]["address"],
        "asmithk@gmail.com"
    );
}

#[test]
fn without_region_the_locale_names_it_and_a_note_says_so() {
    let card =
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Luc Martin\r\nTEL:01 42 68 53 00\r\nEND:VCARD\r\n";
    let french = run_in_locale(&["normalize", "-"], Some(card), "fr_FR.UTF-8");
    assert!(french.status.success(), "{french:?}");
    assert_eq!(
        json_array(&french)[0]["phones"][0]["number"],
        "+33142685300"
    );
    let notes = String::from_utf8(french.stderr.clone()).unwrap();
    assert!(
        notes.contains("contact-picker: phone numbers without a country code are read as in FR (from LANG=fr_FR.UTF-8)"),
        "{notes}"
    );
    assert!(stderr_lines(&french).is_empty(), "{notes}");

    // --region wins, without a note; a locale naming no country keeps the number as written.
    let given = run_in_locale(
        &["normalize", "--region", "BE", "-"],
        Some(card),
        "fr_FR.UTF-8",
    );
    assert_eq!(json_array(&given)[0]["phones"][0]["number"], "+32142685300");
    assert!(given.stderr.is_empty(), "{given:?}");
    let plain = run_in_locale(&["normalize", "-"], Some(card), "C.UTF-8");
    let kept = &json_array(&plain)[0]["phones"][0]["number"];
    assert!(!kept.as_str().unwrap().starts_with('+'), "{kept}");
    assert_eq!(stderr_lines(&plain).len(), 1, "the number's problem");
    assert!(String::from_utf8(plain.stderr)
        .unwrap()
        .contains("LANG=C.UTF-8 names no country"));
}

#[test]
fn problems_file_holds_every_problem_as_json_lines() {
    let file = corpus("csv/horde__bug_6311.csv");
    let dir = std::env::temp_dir().join(format!("cp-cli-problems-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("problems.jsonl");
    let output = run(&["normalize", "--problems", path.to_str().unwrap(), &file]);
    assert!(output.status.success(), "{output:?}");
    let lines = stderr_lines(&output);
    assert!(!lines.is_empty(), "the file has problems");
    let rows: Vec<Value> = std::fs::read_to_string(&path)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(rows.len(), lines.len());
    for (row, line) in rows.iter().zip(&lines) {
        let text = format!(
            "{}:{}: {}",
            row["source"].as_str().unwrap(),
            row["line"],
            row["message"].as_str().unwrap()
        );
        assert_eq!(&text, line);
        assert!(row["code"].as_str().is_some_and(|code| !code.is_empty()));
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
