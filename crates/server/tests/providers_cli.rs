//! The built `contact-picker` binary against a sandbox started in the test process: every
//! `import` prints a JSON array of the whole book and exits 0, `export constant-contact` delivers
//! every row, and `contact-picker sandbox` serves until it is stopped.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use contacts::Contact;
use providers::sandbox::{BlockingSandbox, BookOf, PopsellEdit, Sandbox, SandboxConfig};

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

#[test]
fn import_cloudsponge_by_password() {
    let sandbox = start(700);
    let endpoint = format!("{}/cloudsponge", sandbox.base_url());
    for xml in [false, true] {
        let mut args = vec![
            "import",
            "cloudsponge",
            "--endpoint",
            &endpoint,
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
        ];
        if xml {
            args.push("--xml");
        }
        let contacts = contacts_of(&contact_picker(&args));
        assert_eq!(contacts.len(), 700, "xml: {xml}");
        assert!(contacts.iter().all(|c| c.source == "cloudsponge"));
    }
    assert_eq!(sandbox.stats().too_fast_polls, 0);

    let wrong = contact_picker(&[
        "import",
        "cloudsponge",
        "--endpoint",
        &endpoint,
        "--domain-key",
        "sandbox-domain-key",
        "--domain-password",
        "sandbox-domain-password",
        "--service",
        "yahoo",
        "--username",
        "visitor@example.com",
        "--password",
        "wrong",
    ]);
    assert!(!wrong.status.success());
    assert!(wrong.stdout.is_empty(), "nothing on stdout after a failure");
    let stderr = String::from_utf8_lossy(&wrong.stderr);
    assert!(stderr.contains("wrong username or password"), "{stderr}");
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
    let args = [
        "import",
        "popsell",
        "--endpoint",
        &template,
        "--customer-id",
        "42",
        "--static-key",
        "sandbox-static-key",
        "--state",
        &state_arg,
    ];
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

#[test]
fn import_then_export_to_constant_contact() {
    let sandbox = start(1_500);
    let endpoint = format!("{}/xmlapi", sandbox.base_url());
    let output = contact_picker(&["import", "xmlapi", "--endpoint", &endpoint]);
    let contacts = contacts_of(&output);
    let file = temporary("export.json");
    std::fs::write(&file, &output.stdout).expect("write the contacts");
    let file_arg = file.to_string_lossy().into_owned();
    let cc = format!("{}/constantcontact", sandbox.base_url());
    let export = contact_picker(&[
        "export",
        "constant-contact",
        "--endpoint",
        &cc,
        "--username",
        "joe",
        "--password",
        "sandbox",
        "--list",
        "4",
        &file_arg,
    ]);
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

#[test]
fn import_convio_through_the_oauth_url_on_stderr() {
    let sandbox = start(80);
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
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if !allowed && line.trim().starts_with(&oauth_prefix) {
                let (status, _) = http("POST", line.trim(), "decision=allow");
                assert!(status < 400, "allow answered {status}");
                allowed = true;
            }
        }
        allowed
    });
    let output = child.wait_with_output().expect("wait");
    assert!(reader.join().expect("reader"), "the OAuth URL was printed");
    let contacts = contacts_of(&output);
    let with_email = sandbox
        .book(BookOf::Convio)
        .iter()
        .filter(|c| !c.emails.is_empty())
        .count();
    assert_eq!(contacts.len(), with_email);
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
