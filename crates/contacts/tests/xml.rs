//! XML reader over the corpus (MANIFEST "SECURITY and XML/JSON") and over fixtures written
//! from the seed and PROTOCOLS examples (tests/data/).
//!
//! The hostile documents are checked for time and for peak heap use, measured by a counting
//! allocator; the tests of this file take one lock so that they do not inflate each other's peak.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use contacts::xml::{self, Element};
use contacts::{Batch, Error, Label, RecordReader};

/// Counts live heap bytes and their peak.
struct CountingAllocator;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded unchanged to the system allocator.
        let pointer = unsafe { System.alloc(layout) };
        if !pointer.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::SeqCst) + layout.size();
            PEAK.fetch_max(live, Ordering::SeqCst);
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.dealloc(pointer, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::SeqCst);
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// Serializes the tests of this file (see the module documentation).
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/corpus");
const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data");

fn corpus(name: &str) -> Vec<u8> {
    std::fs::read(format!("{CORPUS}/{name}")).unwrap_or_else(|e| panic!("corpus file {name}: {e}"))
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{DATA}/{name}")).unwrap_or_else(|e| panic!("fixture {name}: {e}"))
}

/// Reads a whole document through `xml::Reader`, in small chunks.
fn read(bytes: &[u8]) -> Batch {
    let mut batch = Batch::default();
    let mut reader = xml::Reader::new();
    for chunk in bytes.chunks(64) {
        reader.feed(chunk, &mut batch);
    }
    reader.finish(&mut batch);
    batch
}

/// Reads `bytes` and returns the batch, the time taken and the peak extra heap used.
fn measured_read(bytes: &[u8]) -> (Batch, Duration, usize) {
    let baseline = LIVE.load(Ordering::SeqCst);
    PEAK.store(baseline, Ordering::SeqCst);
    let started = Instant::now();
    let batch = read(bytes);
    let elapsed = started.elapsed();
    let peak = PEAK.load(Ordering::SeqCst).saturating_sub(baseline);
    (batch, elapsed, peak)
}

fn lock() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Every hostile document: refused with an XML error, quickly, in little memory, and never
/// with anything read from a file or the network.
#[test]
fn hostile_documents_are_refused_quickly_in_bounded_memory() {
    let _guard = lock();
    for name in [
        "xml/synth__xxe_file.xml",
        "xml/synth__xxe_ssrf_dtd.xml",
        "xml/synth__billion_laughs.xml",
        "xml/synth__quadratic_blowup.xml",
        "xml/synth__deep_nesting_20k.xml",
    ] {
        let bytes = corpus(name);
        let (batch, elapsed, peak) = measured_read(&bytes);
        eprintln!(
            "{name}: {} bytes, {elapsed:?}, peak heap {peak} bytes",
            bytes.len()
        );
        assert!(
            batch.records.is_empty(),
            "{name}: no contact from a refused document"
        );
        assert_eq!(batch.problems.len(), 1, "{name}: {:?}", batch.problems);
        assert!(
            matches!(batch.problems[0].1, Error::Xml(_)),
            "{name}: {:?}",
            batch.problems
        );
        assert!(
            elapsed < Duration::from_millis(100),
            "{name}: took {elapsed:?}"
        );
        assert!(
            peak < 10 * bytes.len(),
            "{name}: peak heap {peak} bytes for {} input bytes",
            bytes.len()
        );
        let message = batch.problems[0].1.to_string();
        assert!(
            !message.contains("root:"),
            "{name}: nothing from /etc/passwd: {message}"
        );
    }
}

#[test]
fn doctype_is_refused_with_its_line() {
    let _guard = lock();
    let batch = read(&corpus("xml/synth__xxe_file.xml"));
    assert_eq!(batch.problems[0].0, 2);
    assert!(batch.problems[0].1.to_string().contains("DOCTYPE"));
}

#[test]
fn deep_nesting_hits_the_depth_limit_not_the_stack() {
    let _guard = lock();
    let text = String::from_utf8(corpus("xml/synth__deep_nesting_20k.xml")).unwrap_or_default();
    let error = xml::parse(&text).err();
    assert!(
        matches!(&error, Some(Error::Xml(m)) if m.contains("deeper than 64")),
        "{error:?}"
    );
}

#[test]
fn entities_in_the_body_without_a_doctype_are_refused() {
    let _guard = lock();
    // The billion-laughs body alone: &lol9; is not predefined, so it is an error, not a literal.
    let batch = read(b"<contacts><contact><firstName>&lol9;</firstName><email>a@example.com</email></contact></contacts>");
    assert!(batch.records.is_empty());
    assert!(matches!(&batch.problems[0].1, Error::Xml(m) if m.contains("lol9")));
}

#[test]
fn cloudsponge_contacts_response() {
    let _guard = lock();
    let batch = read(&fixture("cloudsponge_contacts.xml"));
    assert!(batch.problems.is_empty(), "{:?}", batch.problems);
    assert_eq!(batch.records.len(), 2, "contacts-owner is not a contact");
    let lines: Vec<u32> = batch.records.iter().map(|r| r.line).collect();
    assert_eq!(lines, vec![12, 33]);
    let joe = &batch.records[0].contact;
    assert_eq!(
        (joe.name.given.as_deref(), joe.name.family.as_deref()),
        (Some("Joe"), Some("Smith"))
    );
    let emails: Vec<&str> = joe.emails.iter().map(|e| e.address.as_str()).collect();
    assert_eq!(emails, vec!["joe@example.com", "joe@work.example"]);
    assert_eq!(joe.emails[0].label_raw.as_deref(), Some("Email 1"));
    assert_eq!(joe.phones[0].raw, "+1 555 010 0199");
    assert_eq!(joe.phones[0].label_raw.as_deref(), Some("Work Mobile"));
    let address = &joe.addresses[0];
    assert_eq!(address.street, vec!["1 Main St"]);
    assert_eq!(address.locality.as_deref(), Some("Springfield"));
    assert_eq!(address.region.as_deref(), Some("IL"));
    assert_eq!(address.postal_code.as_deref(), Some("62701"));
    assert_eq!(address.country.as_deref(), Some("US"));
    let renee = &batch.records[1].contact;
    assert_eq!(
        renee.name.display.as_deref(),
        Some("Renée O'Brien"),
        "full name in first-name, nil last-name"
    );
    assert_eq!(renee.name.family, None);
    assert!(renee.phones.is_empty());
    assert_eq!(renee.emails[0].label_raw, None, "nil=\"true\" is None");
}

#[test]
fn cloudsponge_error_result_is_a_problem() {
    let _guard = lock();
    let batch = read(b"<result><status>error</status><error><message>Error!</message></error><import-id>1131</import-id></result>");
    assert!(batch.records.is_empty());
    assert!(batch.problems[0].1.to_string().contains("Error!"));
}

#[test]
fn convio_namespaced_import_contacts() {
    let _guard = lock();
    let batch = read(&fixture("convio_import_contacts.xml"));
    assert!(batch.problems.is_empty(), "{:?}", batch.problems);
    let names: Vec<(Option<&str>, Option<&str>)> = batch
        .records
        .iter()
        .map(|r| {
            (
                r.contact.name.given.as_deref(),
                r.contact.name.family.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        names,
        vec![
            (Some("Adam"), Some("Adams")),
            (Some("Brian"), Some("Brians"))
        ]
    );
    assert_eq!(
        batch.records[1].contact.emails[0].address,
        "bbrians@address.net"
    );
    assert_eq!(
        batch.records.iter().map(|r| r.line).collect::<Vec<_>>(),
        vec![3, 8]
    );
}

#[test]
fn convio_address_book_groups_and_error() {
    let _guard = lock();
    let text = "<getAddressBookContactsResponse xmlns=\"http://convio.com/crm/v1.0\"><addressBookContact><id>5</id>\
        <firstName>Ann</firstName><lastName>Lee</lastName><email>ann@example.com</email>\
        <group><id>7</id><name>Walkers</name></group><group><id>8</id><name>Donors</name></group>\
        </addressBookContact></getAddressBookContactsResponse>";
    let batch = read(text.as_bytes());
    assert_eq!(batch.records.len(), 1);
    assert_eq!(batch.records[0].contact.source_id.as_deref(), Some("5"));
    assert_eq!(batch.records[0].contact.groups, vec!["Walkers", "Donors"]);
    let batch = read(b"<errorResponse xmlns=\"http://convio.com/crm/v1.0\"><code>3</code><message>Not authorized</message></errorResponse>");
    assert!(batch.records.is_empty());
    let message = batch.problems[0].1.to_string();
    assert!(
        message.contains('3') && message.contains("Not authorized"),
        "{message}"
    );
}

#[test]
fn contact_api_list_and_get() {
    let _guard = lock();
    let batch = read(&fixture("contact_api_list.xml"));
    assert!(batch.problems.is_empty(), "{:?}", batch.problems);
    assert_eq!(batch.records.len(), 2);
    assert_eq!(batch.records[0].line, 4);
    let jane = &batch.records[0].contact;
    assert_eq!(jane.source_id.as_deref(), Some("1"));
    assert_eq!(jane.name.given.as_deref(), Some("Jane"));
    assert_eq!(jane.emails[0].address, "janedoe@janedoe.com");
    assert_eq!(jane.phones.len(), 2);
    assert_eq!(jane.phones[0].raw, "(123) 456-7890");
    assert_eq!(
        (jane.phones[1].raw.as_str(), jane.phones[1].label),
        ("(123) 456-7891", Label::Mobile)
    );
    assert_eq!(
        jane.extra.get("client_id"),
        Some(&serde_json::Value::from("1"))
    );
    assert!(
        batch.records[1].contact.phones.is_empty(),
        "empty phone elements are no phones"
    );
    // contact.get, all on one line as in the seed.
    let get = read(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?> <response status=\"ok\"> <contact> <contact_id>1</contact_id> <first_name>Jane</first_name> <last_name>Doe</last_name> <email>janedoe@janedoe.com</email> <phone>(123) 456-7890</phone> <mobile_phone>(123) 456-7890</mobile_phone> </contact> </response>");
    assert_eq!(get.records.len(), 1);
    assert_eq!(get.records[0].line, 1);
    // contact.create's answer holds no contact.
    let create = read(b"<response status=\"ok\"><contact_id>1</contact_id></response>");
    assert!(create.records.is_empty() && create.problems.is_empty());
}

#[test]
fn contact_api_failure_is_a_problem() {
    let _guard = lock();
    let batch = read(b"<?xml version=\"1.0\"?>\n<response status=\"fail\">\n  <error>Contact not found.</error>\n</response>");
    assert!(batch.records.is_empty());
    assert_eq!(batch.problems.len(), 1);
    assert_eq!(batch.problems[0].0, 2);
    assert!(batch.problems[0]
        .1
        .to_string()
        .contains("Contact not found."));
}

#[test]
fn malformed_xml_is_one_problem_with_its_line() {
    let _guard = lock();
    let batch = read(b"<response status=\"ok\">\n<contact><first_name>A</first_name></contact>\n<contact><first_name>B</last_name></contact>\n</response>");
    assert!(batch.records.is_empty());
    assert_eq!(batch.problems.len(), 1);
    assert_eq!(batch.problems[0].0, 3);
    assert!(matches!(batch.problems[0].1, Error::Xml(_)));
}

#[test]
fn element_helpers_for_providers() {
    let _guard = lock();
    let root: Element = xml::parse("<eventsResponse><events type=\"array\"><event><event-type>COMPLETE</event-type><status>COMPLETED</status><value type=\"integer\">2</value></event></events><import-id>7</import-id></eventsResponse>")
        .unwrap_or_default();
    assert_eq!(root.name, "eventsResponse");
    let events = root
        .child("events")
        .map(|e| e.children_named("event").count());
    assert_eq!(events, Some(1));
    let event = root
        .child("events")
        .and_then(|e| e.child("event"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(event.child_text("event-type").as_deref(), Some("COMPLETE"));
    assert_eq!(
        event.child("value").and_then(|v| v.attr("type")),
        Some("integer")
    );
    assert_eq!(root.child("import-id").map(Element::text), Some("7"));
}

#[test]
fn import_pipeline_detects_xml() {
    let _guard = lock();
    let import = contacts::import(
        &fixture("convio_import_contacts.xml"),
        contacts::Options::default(),
    );
    assert_eq!(import.format, Some(contacts::Format::Xml));
    assert_eq!(import.contacts.len(), 2);
    let import = contacts::import(
        &corpus("xml/synth__billion_laughs.xml"),
        contacts::Options::default(),
    );
    assert!(import.contacts.is_empty());
    assert_eq!(import.problems.len(), 1);
    assert_eq!(import.problems[0].code, "xml");
}

/// Every corpus file, whatever its format, through both buffered readers (and truncated at
/// every 97th byte): problems at most, never a panic.
#[test]
fn any_input_never_panics_either_reader() {
    let _guard = lock();
    let mut files = Vec::new();
    for folder in ["vcard", "csv", "xml", "security", "email"] {
        let entries = std::fs::read_dir(format!("{CORPUS}/{folder}"))
            .unwrap_or_else(|e| panic!("{folder}: {e}"));
        files.extend(entries.filter_map(Result::ok).map(|entry| entry.path()));
    }
    files.sort();
    assert!(files.len() > 50, "corpus found");
    for path in files {
        let bytes = std::fs::read(&path).unwrap_or_default();
        let cut_points = (0..bytes.len().min(4000)).step_by(97).chain([bytes.len()]);
        for cut in cut_points {
            let head = bytes.get(..cut).unwrap_or(&bytes);
            let _ = read(head);
            let mut batch = Batch::default();
            let mut reader = contacts::json::Reader::new();
            reader.feed(head, &mut batch);
            reader.finish(&mut batch);
        }
    }
}
