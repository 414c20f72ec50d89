//! The built `contact-picker` binary against a sandbox started in the test process: every
//! `import` prints a JSON array of the whole book and exits 0, `export constant-contact` delivers
//! every row, and `contact-picker sandbox` serves until it is stopped.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use contacts::Contact;
use providers::sandbox::{
    BlockingSandbox, BookOf, Fault, FaultKind, PopsellEdit, RandomFaults, Sandbox, SandboxConfig,
};

const BINARY: &str = env!("CARGO_BIN_EXE_contact-picker");

fn start(book_size: usize) -> BlockingSandbox {
    Sandbox::start_blocking(SandboxConfig {
        book_size,
        phase_polls: 1,
        ..SandboxConfig::default()
    })
    .expect("sandbox starts")
}

/// Runs the binary with `args`, without any `CONTACT_PICKER_*` variable of the caller's.
fn contact_picker(args: &[&str]) -> Output {
    let mut command = Command::new(BINARY);
    command.args(args);
    for (name, _) in std::env::vars() {
        if name.starts_with("CONTACT_PICKER_") {
            command.env_remove(name);
        }
    }
    command.output().expect("the binary runs")
}

/// Asserts success and reads stdout as this project's JSON array of contacts.
fn contacts_of(output: &Output) -> Vec<Contact> {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "exit {:?}: {stderr}",
        output.status
    );
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).expect("stdout is JSON");
    assert!(value.is_array(), "stdout is a JSON array");
    serde_json::from_value(value).expect("stdout is an array of contacts")
}

/// A file name in the temporary directory, unique to this test run.
fn temporary(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("contact-picker-{}-{name}", std::process::id()))
}

/// The arguments of a CloudSponge import by the visitor's password from the sandbox.
fn cloudsponge_args(endpoint: &str) -> Vec<&str> {
    vec![
        "import",
        "cloudsponge",
        "--endpoint",
        endpoint,
        "--domain-key",
        "sandbox-domain-key",
        "--domain-password",
        "sandbox-domain-password",
        "--service",
        "yahoo",
        "--username",
        "visitor@example.com",
        "--password",
        "sandbox",
    ]
}

#[test]
fn import_cloudsponge_by_password() {
    let sandbox = start(700);
    let endpoint = format!("{}/cloudsponge", sandbox.base_url());
    for xml in [false, true] {
        let mut args = cloudsponge_args(&endpoint);
        if xml {
            args.push("--xml");
        }
        let contacts = contacts_of(&contact_picker(&args));
        assert_eq!(contacts.len(), 700, "xml: {xml}");
        assert!(contacts.iter().all(|c| c.source == "cloudsponge"));
    }
    assert_eq!(sandbox.stats().too_fast_polls, 0);

    let mut args = cloudsponge_args(&endpoint);
    if let Some(password) = args.last_mut() {
        *password = "wrong";
    }
    let wrong = contact_picker(&args);
    assert!(!wrong.status.success());
    assert!(wrong.stdout.is_empty(), "nothing on stdout after a failure");
    let stderr = String::from_utf8_lossy(&wrong.stderr);
    assert!(stderr.contains("wrong username or password"), "{stderr}");
}

/// The arguments of a Popsell import of customer 42 from `template`.
fn popsell_args(template: &str) -> Vec<&str> {
    vec![
        "import",
        "popsell",
        "--endpoint",
        template,
        "--customer-id",
        "42",
        "--static-key",
        "sandbox-static-key",
    ]
}

#[test]
fn import_popsell_full_then_incremental_with_a_state_file() {
    let sandbox = start(300);
    let template = format!(
        "{}/popsell/api/{{customer_id}}/contacts?token={{token}}",
        sandbox.base_url()
    );
    let state = temporary("popsell-state.json");
    let _ = std::fs::remove_file(&state);
    let state_arg = state.to_string_lossy().into_owned();
    let mut args = popsell_args(&template);
    args.extend(["--state", &state_arg]);
    let book = sandbox.book(BookOf::Popsell("42".into()));
    let first = contacts_of(&contact_picker(&args));
    assert_eq!(
        first.len(),
        book.len(),
        "the live book and the soft-deleted ones"
    );
    let soft_deleted = book.iter().filter(|c| c.soft_deleted).count();
    assert_eq!(first.iter().filter(|c| c.deleted).count(), soft_deleted);

    let live = book
        .iter()
        .find(|c| !c.soft_deleted)
        .expect("a live contact");
    let id = format!("P{:06}", live.index);
    sandbox
        .popsell_touch("42", PopsellEdit::SoftDelete { id: id.clone() })
        .expect("known id");
    let second = contacts_of(&contact_picker(&args));
    let _ = std::fs::remove_file(&state);
    let live_count = book.len() - soft_deleted;
    assert_eq!(
        second.len(),
        live_count,
        "live book minus one, plus the deleted one"
    );
    let deleted: Vec<_> = second.iter().filter(|c| c.deleted).collect();
    assert_eq!(deleted.len(), 1);
    assert_eq!(deleted[0].source_id.as_deref(), Some(id.as_str()));
}

#[test]
fn import_xmlapi_reads_every_page() {
    let sandbox = start(260);
    let endpoint = format!("{}/xmlapi", sandbox.base_url());
    let contacts = contacts_of(&contact_picker(&[
        "import",
        "xmlapi",
        "--endpoint",
        &endpoint,
    ]));
    assert_eq!(contacts.len(), 260);
    let pages = sandbox
        .stats()
        .operations
        .get("xmlapi.contact.list")
        .copied();
    assert_eq!(pages, Some(3));
}

/// Runs `export constant-contact` of `file` to the sandbox's list `list`, as user joe.
fn export_to_constant_contact(sandbox: &BlockingSandbox, list: &str, file: &str) -> Output {
    let cc = format!("{}/constantcontact", sandbox.base_url());
    contact_picker(&[
        "export",
        "constant-contact",
        "--endpoint",
        &cc,
        "--username",
        "joe",
        "--password",
        "sandbox",
        "--list",
        list,
        file,
    ])
}

#[test]
fn import_then_export_to_constant_contact() {
    let sandbox = start(1_500);
    let endpoint = format!("{}/xmlapi", sandbox.base_url());
    let output = contact_picker(&["import", "xmlapi", "--endpoint", &endpoint]);
    let contacts = contacts_of(&output);
    let file = temporary("export.json");
    std::fs::write(&file, &output.stdout).expect("write the contacts");
    let file_arg = file.to_string_lossy().into_owned();
    let export = export_to_constant_contact(&sandbox, "4", &file_arg);
    let _ = std::fs::remove_file(&file);
    let stdout = String::from_utf8_lossy(&export.stdout);
    assert!(
        export.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&export.stderr)
    );
    let expected: Vec<String> = contacts
        .iter()
        .filter_map(|c| c.primary_email().map(|e| e.address.clone()))
        .collect();
    assert!(
        stdout.contains(&format!("sent {} rows in", expected.len())),
        "{stdout}"
    );
    assert_eq!(sandbox.cc_received("joe", 4), expected);
}

/// One HTTP/1.1 request over a plain socket (the server crate has no HTTP client).
fn http(method: &str, url: &str, body: &str) -> (u16, String) {
    let rest = url.strip_prefix("http://").expect("http URL");
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let mut stream = TcpStream::connect(host).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).expect("send");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("read");
    let status = answer
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status line");
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

/// Runs `import convio` against the sandbox, allowing access at the first OAuth URL printed
/// on stderr, as the visitor would.
fn import_convio(sandbox: &BlockingSandbox) -> Output {
    let endpoint = format!("{}/convio/CRAddressBookAPI", sandbox.base_url());
    let mut child = Command::new(BINARY)
        .args([
            "import",
            "convio",
            "--endpoint",
            &endpoint,
            "--api-key",
            "sandbox-api-key",
            "--sso-auth-token",
            "session",
            "--source",
            "GOOGLE",
        ])
        .env_remove("CONTACT_PICKER_CONVIO_AUTH")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let stderr = child.stderr.take().expect("stderr");
    let oauth_prefix = format!("{}/convio/oauth/", sandbox.base_url());
    // Read stderr on a thread (so the child never blocks on it); allow at the first URL.
    let reader = std::thread::spawn(move || {
        let mut allowed = false;
        let mut text = String::new();
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if !allowed && line.trim().starts_with(&oauth_prefix) {
                let (status, _) = http("POST", line.trim(), "decision=allow");
                assert!(status < 400, "allow answered {status}");
                allowed = true;
            }
            text.push_str(&line);
            text.push('\n');
        }
        (allowed, text)
    });
    let mut output = child.wait_with_output().expect("wait");
    let (allowed, text) = reader.join().expect("reader");
    assert!(allowed, "the OAuth URL was printed");
    output.stderr = text.into_bytes();
    output
}

/// How many contacts with an e-mail the Convio book has (the only ones Convio serves).
fn convio_book_size(sandbox: &BlockingSandbox) -> usize {
    sandbox
        .book(BookOf::Convio)
        .iter()
        .filter(|c| !c.emails.is_empty())
        .count()
}

#[test]
fn import_convio_through_the_oauth_url_on_stderr() {
    let sandbox = start(80);
    let contacts = contacts_of(&import_convio(&sandbox));
    assert_eq!(contacts.len(), convio_book_size(&sandbox));
}

/// Kills the child when the test ends, however it ends.
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn sandbox_subcommand_serves_until_stopped() {
    let mut child = Running(
        Command::new(BINARY)
            .args(["sandbox", "--port", "0", "--book-size", "40", "--seed", "9"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the binary runs"),
    );
    let stdout = child.0.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let first = lines.next().expect("a line").expect("text");
    let base = first
        .strip_prefix("sandbox listening on ")
        .expect("the base URL first")
        .trim()
        .to_string();
    let token = providers::popsell::token("sandbox-static-key", "42");
    let (status, body) = http(
        "GET",
        &format!("{base}/popsell/api/42/contacts?token={token}"),
        "",
    );
    assert_eq!(status, 200, "{body}");
    let value: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(value["IsSuccessfull"], true);
    assert_eq!(value["Contacts"].as_array().map(Vec::len), Some(40));
    let (status, stats) = http("GET", &format!("{base}/sandbox/stats"), "");
    assert_eq!(status, 200);
    assert!(stats.contains("popsell.contacts"), "{stats}");
}

/// A sandbox failing `percent` API requests in a hundred (late answers kept short).
fn flaky(percent: u32, seed: u64, book_size: usize) -> BlockingSandbox {
    Sandbox::start_blocking(SandboxConfig {
        book_size,
        phase_polls: 2,
        random_faults: Some(RandomFaults::new(percent, seed).with_delay(40)),
        ..SandboxConfig::default()
    })
    .expect("sandbox starts")
}

/// Every import through the command line is exact against a flaky provider, and no two
/// status polls of one job arrive under a second apart.
fn imports_through_a_flaky_provider(percent: u32, seed: u64) {
    let sandbox = flaky(percent, seed, 600);
    let cloudsponge = format!("{}/cloudsponge", sandbox.base_url());
    let contacts = contacts_of(&contact_picker(&cloudsponge_args(&cloudsponge)));
    let emails = |contacts: &[Contact]| -> Vec<Option<String>> {
        contacts
            .iter()
            .map(|c| c.emails.first().map(|e| e.address.to_lowercase()))
            .collect()
    };
    let book: Vec<Option<String>> = sandbox
        .book(BookOf::CloudSponge)
        .iter()
        .map(|c| c.emails.first().map(|e| e.address.trim().to_lowercase()))
        .collect();
    assert_eq!(emails(&contacts), book, "cloudsponge at {percent} %");

    let contacts = contacts_of(&import_convio(&sandbox));
    assert_eq!(
        contacts.len(),
        convio_book_size(&sandbox),
        "convio at {percent} %"
    );

    let template = format!(
        "{}/popsell/api/{{customer_id}}/contacts?token={{token}}",
        sandbox.base_url()
    );
    let contacts = contacts_of(&contact_picker(&popsell_args(&template)));
    let book = sandbox.book(BookOf::Popsell("42".into()));
    let deleted = book.iter().filter(|c| c.soft_deleted).count();
    assert_eq!(contacts.len(), book.len(), "popsell at {percent} %");
    assert_eq!(contacts.iter().filter(|c| c.deleted).count(), deleted);

    let xmlapi = format!("{}/xmlapi", sandbox.base_url());
    let contacts = contacts_of(&contact_picker(&[
        "import",
        "xmlapi",
        "--endpoint",
        &xmlapi,
    ]));
    let ids: Vec<String> = contacts
        .iter()
        .filter_map(|c| c.source_id.clone())
        .collect();
    let stored: Vec<String> = sandbox
        .xmlapi_contacts()
        .keys()
        .map(u64::to_string)
        .collect();
    assert_eq!(ids, stored, "xmlapi at {percent} %");

    let stats = sandbox.stats();
    assert_eq!(stats.too_fast_polls, 0, "polls under a second apart");
    assert!(stats.faults_injected > 0, "no fault was injected");
}

#[test]
fn imports_are_exact_through_a_provider_failing_10_percent_of_requests() {
    imports_through_a_flaky_provider(10, 31);
}

#[test]
fn imports_are_exact_through_a_provider_failing_40_percent_of_requests() {
    imports_through_a_flaky_provider(40, 22);
}

#[test]
fn exports_double_nothing_through_a_provider_failing_40_percent_of_requests() {
    let sandbox = flaky(40, 23, 120);
    let file = temporary("flaky-export.json");
    let picked: Vec<Contact> = (0..25)
        .map(|i| Contact {
            name: contacts::Name {
                given: Some(format!("Flaky{i}")),
                family: Some("Person".into()),
                ..contacts::Name::default()
            },
            emails: vec![contacts::Email {
                address: format!("flaky{i}@example.org"),
                primary: true,
                ..contacts::Email::default()
            }],
            ..Contact::default()
        })
        .collect();
    std::fs::write(&file, serde_json::to_vec(&picked).expect("JSON")).expect("write");
    let file_arg = file.to_string_lossy().into_owned();

    let before = sandbox.xmlapi_contacts().len();
    let xmlapi = format!("{}/xmlapi", sandbox.base_url());
    let output = contact_picker(&[
        "export",
        "xmlapi",
        "--endpoint",
        &xmlapi,
        "--client-id",
        "1",
        &file_arg,
    ]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let in_doubt = stdout
        .lines()
        .filter(|l| l.starts_with("in doubt "))
        .count();
    assert!(
        stdout.contains(&format!(
            "{} created, 0 updated, 0 failed, {in_doubt} in doubt",
            25 - in_doubt
        )),
        "{stdout}"
    );
    assert_eq!(output.status.success(), in_doubt == 0, "{stdout}");
    let after = sandbox.xmlapi_contacts();
    for contact in &picked {
        let address = &contact.emails[0].address;
        let times = after
            .values()
            .filter(|c| c.get("email") == Some(address))
            .count();
        assert!(times <= 1, "{address} stored {times} times");
    }
    assert!(after.len() <= before + 25);

    let output = export_to_constant_contact(&sandbox, "5", &file_arg);
    let _ = std::fs::remove_file(&file);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let received = sandbox.cc_received("joe", 5);
    let unique: std::collections::BTreeSet<&String> = received.iter().collect();
    assert_eq!(
        unique.len(),
        received.len(),
        "a row received twice: {stdout}"
    );
    if output.status.success() {
        assert_eq!(received.len(), 25, "{stdout}");
    } else {
        assert!(stdout.contains("in doubt flaky"), "{stdout}");
    }
    assert_eq!(sandbox.stats().too_fast_polls, 0);
}

#[test]
fn a_failed_request_is_reported_as_a_sentence_with_its_status_not_its_body() {
    let sandbox = start(10);
    sandbox.set_faults(vec![Fault::always("/popsell", FaultKind::Status(503))]);
    let template = format!(
        "{}/popsell/api/{{customer_id}}/contacts?token={{token}}",
        sandbox.base_url()
    );
    let mut args = popsell_args(&template);
    args.extend(["--retries", "1"]);
    let output = Command::new(BINARY)
        .args(args)
        .output()
        .expect("the binary runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("the provider answered with HTTP status 503 (Service Unavailable)"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("injected fault"),
        "the body is not shown: {stderr}"
    );
    assert_eq!(sandbox.stats().faults_injected, 2, "sent twice (one retry)");
}
