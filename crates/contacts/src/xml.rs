//! XML: a small, safe element tree over quick-xml, the reader for the XML shapes the picker
//! meets, and the per-shape mappings (public, so the providers crate maps provider answers the
//! same way).
//!
//! Shapes read (recognized per contact element, see [`Reader`]):
//! - CloudSponge `contacts.xml` answers: `<contactsResponse><contacts type="array"><contact>
//!   <first-name/>…<email type="array"><email><address/><type/></email></email>…` (dashed names,
//!   `nil="true"` for null); `<contacts-owner>` (the person importing) is not a contact;
//! - Convio / Luminate `CRAddressBookAPI` answers in the `http://convio.com/crm/v1.0` namespace:
//!   `<getAddressBookImportContactsResponse><contact><firstName/><lastName/><email/>…`;
//! - the `contact.*` API: `<response status="ok"><contact><contact_id/><first_name/>…`, also
//!   wrapped in `<contacts page=".." per_page=".." pages=".." total="..">`.
//!
//! Error answers (`<response status="fail"><error>…`, CloudSponge `<result><status>error`, Convio
//! `<errorResponse>`) become one problem.
//!
//! Safety (the input is hostile until proven otherwise, and in wasm a stack overflow or a
//! runaway allocation kills the widget): a `<!DOCTYPE` is refused outright, so no DTD is ever
//! fetched and no entity is ever declared; only the five predefined entities and numeric
//! character references are expanded; elements nest at most [`MAX_DEPTH`] deep, and a document
//! holds at most [`MAX_ELEMENTS`] elements; the tree is built with an explicit stack, never by
//! recursion. Parsing is one linear pass.
//!
//! quick-xml is used for tokenizing only: its serde layer would need a struct per shape and
//! cannot express "a list that may be one element, nil, or absent" without losing line numbers.

use std::borrow::Cow;

use quick_xml::events::{BytesStart, Event};

use crate::error::Error;
// The same raw mappings as the JSON shapes of the same providers.
use crate::fields::{first_last, lines, partial_birthday, raw_phone};
use crate::model::{Address, Contact, Email};
use crate::record::{Batch, RawRecord, RecordReader};

/// How deep elements may nest. Real contact answers nest at most 6 levels.
pub const MAX_DEPTH: usize = 64;

/// How many elements a document may hold (a 2,000-contact CloudSponge answer has ~60,000).
pub const MAX_ELEMENTS: usize = 1_000_000;

/// One parsed XML element: its local name (namespace prefix dropped), attributes, child
/// elements and the text directly inside it (entity references resolved, CDATA included).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Element {
    /// The local name (`contact` for `<crm:contact>`).
    pub name: String,
    /// The attributes as written (qualified names, values unescaped), in document order.
    pub attrs: Vec<(String, String)>,
    /// The child elements, in document order.
    pub children: Vec<Element>,
    /// The text directly inside the element (not its children's), untrimmed.
    pub text: String,
    /// The 1-based line where the element's start tag is.
    pub line: u32,
}

impl Element {
    /// The first child element named `name`.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// Every child element named `name`.
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The element's own text, trimmed.
    pub fn text(&self) -> &str {
        self.text.trim()
    }

    /// The value of attribute `name` (matched on the whole name or on the part after a prefix,
    /// so `nil` finds `xsi:nil`).
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(key, _)| {
                key == name || key.rsplit_once(':').is_some_and(|(_, local)| local == name)
            })
            .map(|(_, value)| value.as_str())
    }

    /// True for `nil="true"` (CloudSponge, Rails) or `xsi:nil="true"`.
    pub fn is_nil(&self) -> bool {
        self.attr("nil").is_some_and(|v| v.trim() == "true")
    }

    /// The trimmed text of the first child named `name`; `None` when the child is missing,
    /// nil, or empty.
    pub fn child_text(&self, name: &str) -> Option<String> {
        let child = self.child(name)?;
        if child.is_nil() {
            return None;
        }
        let text = child.text();
        (!text.is_empty()).then(|| text.to_string())
    }
}

/// Parses a whole document into its root element, with the safety limits of the module
/// documentation. Errors are [`Error::Xml`] and say at which line.
pub fn parse(text: &str) -> Result<Element, Error> {
    parse_located(text).map_err(|(_, error)| error)
}

/// Counts lines up to increasing byte offsets, in one pass over the text.
struct LineCounter<'a> {
    bytes: &'a [u8],
    counted_to: usize,
    line: u32,
}

impl LineCounter<'_> {
    /// The 1-based line of `offset`. Offsets normally only grow; an earlier one recounts.
    fn line_at(&mut self, offset: u64) -> u32 {
        let offset = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(self.bytes.len());
        if offset < self.counted_to {
            self.counted_to = 0;
            self.line = 1;
        }
        let newlines = memchr::memchr_iter(
            b'\n',
            self.bytes.get(self.counted_to..offset).unwrap_or(&[]),
        )
        .count();
        self.line = self
            .line
            .saturating_add(u32::try_from(newlines).unwrap_or(u32::MAX));
        self.counted_to = offset;
        self.line
    }
}

/// [`parse`], keeping the line of an error apart for [`Reader`]'s problems.
fn parse_located(text: &str) -> Result<Element, (u32, Error)> {
    let mut reader = quick_xml::Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut lines = LineCounter {
        bytes: text.as_bytes(),
        counted_to: 0,
        line: 1,
    };
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let mut elements = 0usize;
    loop {
        let start = reader.buffer_position();
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(error) => {
                let line = lines.line_at(reader.error_position());
                return Err((line, Error::Xml(format!("line {line}: {error}"))));
            }
        };
        let line = lines.line_at(start);
        let fail = |message: String| (line, Error::Xml(format!("line {line}: {message}")));
        match event {
            Event::Start(tag) | Event::Empty(tag) if stack.len() >= MAX_DEPTH => {
                let _ = tag;
                return Err(fail(format!(
                    "elements nest deeper than {MAX_DEPTH} levels"
                )));
            }
            Event::Start(tag) => {
                elements += 1;
                if elements > MAX_ELEMENTS {
                    return Err(fail(format!("more than {MAX_ELEMENTS} elements")));
                }
                stack.push(new_element(&tag, line).map_err(fail)?);
            }
            Event::Empty(tag) => {
                elements += 1;
                if elements > MAX_ELEMENTS {
                    return Err(fail(format!("more than {MAX_ELEMENTS} elements")));
                }
                let element = new_element(&tag, line).map_err(fail)?;
                attach(element, &mut stack, &mut root).map_err(fail)?;
            }
            Event::End(_) => {
                let Some(mut element) = stack.pop() else {
                    return Err(fail("an end tag with no start tag".into()));
                };
                if !element.children.is_empty() && element.text.trim().is_empty() {
                    // Indentation between child elements: not content, and not worth keeping.
                    element.text = String::new();
                }
                attach(element, &mut stack, &mut root).map_err(fail)?;
            }
            Event::Text(content) => {
                push_text(&mut stack, &content.xml10_content()).map_err(fail)?
            }
            Event::CData(content) => push_text(&mut stack, &content.into_inner()).map_err(fail)?,
            Event::GeneralRef(reference) => {
                let resolved = match reference.resolve_char_ref() {
                    Ok(Some(character)) => Cow::Owned(character.to_string()),
                    Ok(None) => match predefined_entity(&reference) {
                        Some(text) => Cow::Borrowed(text),
                        None => {
                            return Err(fail(format!(
                                "entity &{}; is not defined (only the five predefined entities are expanded)",
                                &*reference
                            )))
                        }
                    },
                    Err(error) => return Err(fail(format!("bad character reference &{};: {error}", &*reference))),
                };
                push_text(&mut stack, &resolved).map_err(fail)?;
            }
            Event::DocType(_) => {
                return Err(fail(
                    "DOCTYPE declarations are refused (no DTD is fetched, no entity declared)"
                        .into(),
                ))
            }
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            Event::Eof => break,
        }
    }
    if let Some(open) = stack.last() {
        let line = open.line;
        return Err((
            line,
            Error::Xml(format!(
                "line {line}: element <{}> is never closed",
                open.name
            )),
        ));
    }
    root.ok_or((1, Error::Xml("no root element".into())))
}

/// The five entities XML predefines; no other entity is ever expanded.
fn predefined_entity(name: &str) -> Option<&'static str> {
    match name {
        "lt" => Some("<"),
        "gt" => Some(">"),
        "amp" => Some("&"),
        "apos" => Some("'"),
        "quot" => Some("\""),
        _ => None,
    }
}

/// A new element from a start tag, its attributes unescaped (predefined entities only).
fn new_element(tag: &BytesStart<'_>, line: u32) -> Result<Element, String> {
    let mut attrs = Vec::new();
    for attribute in tag.attributes() {
        let attribute = attribute.map_err(|e| format!("bad attribute: {e}"))?;
        let value = attribute
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|e| format!("bad attribute value: {e}"))?;
        attrs.push((attribute.key.as_ref().to_string(), value.into_owned()));
    }
    Ok(Element {
        name: tag.local_name().as_ref().to_string(),
        attrs,
        children: Vec::new(),
        text: String::new(),
        line,
    })
}

/// Adds a finished element to its parent, or makes it the root.
fn attach(
    element: Element,
    stack: &mut [Element],
    root: &mut Option<Element>,
) -> Result<(), String> {
    if let Some(parent) = stack.last_mut() {
        parent.children.push(element);
    } else if root.is_none() {
        *root = Some(element);
    } else {
        return Err(format!("a second root element <{}>", element.name));
    }
    Ok(())
}

/// Adds text to the open element; text outside the root must be whitespace.
fn push_text(stack: &mut [Element], text: &str) -> Result<(), String> {
    match stack.last_mut() {
        Some(open) => open.text.push_str(text),
        None if text.trim().is_empty() => {}
        None => return Err("text outside the root element".into()),
    }
    Ok(())
}

/// Reads an XML document of any shape listed in the module documentation.
#[derive(Debug, Default)]
pub struct Reader {
    /// The whole document so far (the tree is built once the document is complete).
    buffer: Vec<u8>,
}

impl Reader {
    /// A new reader.
    pub fn new() -> Reader {
        Reader::default()
    }
}

impl RecordReader for Reader {
    fn feed(&mut self, chunk: &[u8], _out: &mut Batch) {
        self.buffer.extend_from_slice(chunk);
    }

    fn finish(&mut self, out: &mut Batch) {
        let bytes = std::mem::take(&mut self.buffer);
        let text = match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(error) => {
                // Not UTF-8: decode as the XML declaration says (else windows-1252).
                let declared = declared_encoding(error.as_bytes());
                let (text, _) = crate::charset::decode_value(error.as_bytes(), declared.as_deref());
                text
            }
        };
        read_document(text.trim_start_matches('\u{feff}'), out);
    }
}

/// The `encoding` of the XML declaration, if any (looked for in the first 200 bytes).
fn declared_encoding(bytes: &[u8]) -> Option<String> {
    let head = String::from_utf8_lossy(bytes.get(..200).unwrap_or(bytes)).into_owned();
    let declaration = head.strip_prefix("<?xml")?.split("?>").next()?;
    let after = declaration
        .split("encoding")
        .nth(1)?
        .trim_start()
        .strip_prefix('=')?
        .trim_start();
    let quote = after.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = after.get(1..)?.split(quote).next()?;
    Some(value.to_string())
}

/// The contact shapes an XML `<contact>` element can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// CloudSponge (dashed names, nested `type="array"` lists).
    CloudSponge,
    /// Convio / Luminate (camelCase names).
    Convio,
    /// The `contact.*` API (snake_case names).
    ContactApi,
}

/// Parses `text` and sends every contact (or problem) to `out`.
fn read_document(text: &str, out: &mut Batch) {
    let root = match parse_located(text) {
        Ok(root) => root,
        Err((line, error)) => {
            out.problems.push((line, error));
            return;
        }
    };
    if let Some(error) = error_answer(&root) {
        out.problems.push((root.line, error));
        return;
    }
    for element in contact_elements(&root) {
        let contact = match guess_shape(element) {
            Shape::CloudSponge => cloudsponge_contact(element),
            Shape::Convio => convio_contact(element),
            Shape::ContactApi => contact_api_contact(element),
        };
        out.records.push(RawRecord {
            line: element.line,
            contact,
        });
    }
}

/// The error an answer reports instead of contacts, if it does.
fn error_answer(root: &Element) -> Option<Error> {
    let failed = match root.name.as_str() {
        // contact.* API: <response status="fail"><error>…</error></response>.
        "response" => root.attr("status").is_some_and(|s| s.trim() != "ok"),
        // CloudSponge: <result><status>error</status><error><message>…</message></error></result>.
        "result" => {
            root.child_text("status").is_some_and(|s| s != "success")
                || root.child("error").is_some()
        }
        // Convio: <errorResponse><code/><message/></errorResponse>.
        "errorResponse" => true,
        _ => false,
    };
    if !failed {
        return None;
    }
    let code = root.child_text("code");
    let message = root
        .child("error")
        .map(|error| {
            error
                .child_text("message")
                .unwrap_or_else(|| error.text().to_string())
        })
        .or_else(|| root.child_text("message"))
        .unwrap_or_default();
    Some(Error::Source { code, message })
}

/// Every contact element of the document, in order: elements named `contact` or
/// `addressBookContact`, searched without recursion, not inside another contact and not inside
/// CloudSponge's `contacts-owner`.
pub fn contact_elements(root: &Element) -> Vec<&Element> {
    let mut found = Vec::new();
    // Depth-first, in document order: children are pushed in reverse.
    let mut pending: Vec<&Element> = vec![root];
    while let Some(element) = pending.pop() {
        if is_contact_element(element) {
            found.push(element);
            continue;
        }
        if element.name == "contacts-owner" || element.name == "contacts_owner" {
            continue;
        }
        pending.extend(element.children.iter().rev());
    }
    found
}

/// True for an element that holds one contact. The contact.* API's `<contact>` inside a
/// `<request>` or a `contact.create` answer's bare `<contact_id>` are not contacts.
fn is_contact_element(element: &Element) -> bool {
    (element.name == "contact" || element.name == "addressBookContact")
        && !element.children.is_empty()
}

/// Recognizes a contact element's shape from its children's names.
pub fn guess_shape(contact: &Element) -> Shape {
    let dashed = contact.children.iter().any(|c| c.name.contains('-'));
    let nested_lists = ["email", "phone", "address"]
        .iter()
        .any(|name| contact.child(name).is_some_and(|c| !c.children.is_empty()));
    if dashed || nested_lists {
        Shape::CloudSponge
    } else if contact.children.iter().any(|c| c.name.contains('_')) {
        Shape::ContactApi
    } else {
        Shape::Convio
    }
}

/// The items of a CloudSponge list element (`<email type="array"><email>…</email></email>`).
/// A list written as one flat element (`<email>a@b.c</email>`) is taken as one item; several
/// flat siblings as several.
fn cloudsponge_items<'a>(contact: &'a Element, name: &'a str) -> Vec<&'a Element> {
    let mut items = Vec::new();
    for list in contact.children_named(name) {
        if list.is_nil() {
            continue;
        }
        if list.children.iter().any(|c| c.name == name) {
            items.extend(list.children_named(name).filter(|item| !item.is_nil()));
        } else {
            items.push(list);
        }
    }
    items
}

/// Maps one CloudSponge `<contact>` element (dashed names, `type="array"` lists, `nil="true"`
/// nulls). The values are raw, as in [`crate::json::cloudsponge_contact`], with the same
/// tolerance: a full name in `first-name`, whitespace around values, provider `type` texts.
pub fn cloudsponge_contact(contact: &Element) -> Contact {
    let mut out = Contact {
        source_id: contact
            .child_text("id")
            .or_else(|| contact.child_text("external-id")),
        name: first_last(
            contact.child_text("first-name"),
            contact.child_text("last-name"),
        ),
        title: contact.child_text("job-title"),
        ..Contact::default()
    };
    for item in cloudsponge_items(contact, "email") {
        let address = if item.children.is_empty() {
            non_empty(item.text())
        } else {
            item.child_text("address")
        };
        if let Some(address) = address {
            let primary = item.child_text("primary").is_some_and(|p| p == "true");
            out.emails.push(Email {
                address,
                label_raw: item.child_text("type"),
                primary,
                ..Email::default()
            });
        }
    }
    for item in cloudsponge_items(contact, "phone") {
        let number = if item.children.is_empty() {
            non_empty(item.text())
        } else {
            item.child_text("number")
        };
        if let Some(number) = number {
            out.phones.push(raw_phone(number, item.child_text("type")));
        }
    }
    for item in cloudsponge_items(contact, "address") {
        let mut address = Address {
            street: lines(item.child_text("street")),
            locality: item.child_text("city"),
            region: item
                .child_text("region")
                .or_else(|| item.child_text("state")),
            postal_code: item.child_text("postal-code"),
            country: item.child_text("country"),
            label_raw: item.child_text("type"),
            ..Address::default()
        };
        let structured = !address.street.is_empty()
            || address.locality.is_some()
            || address.region.is_some()
            || address.postal_code.is_some()
            || address.country.is_some();
        if !structured {
            let formatted = if item.children.is_empty() {
                non_empty(item.text())
            } else {
                item.child_text("formatted")
            };
            address.street = lines(formatted);
        }
        if !address.street.is_empty() || structured {
            out.addresses.push(address);
        }
    }
    out.groups = list_texts(contact, "groups");
    out.organization = list_texts(contact, "companies").into_iter().next();
    out.birthday = contact.child_text("dob").or_else(|| {
        contact
            .child_text("birthday")
            .map(|md| partial_birthday(&md))
    });
    out.photo_url = contact.child("photos").and_then(|photos| {
        photos
            .children
            .iter()
            .find_map(|photo| non_empty(photo.text()).or_else(|| photo.child_text("url")))
    });
    out
}

/// The texts of a list element's items (`<groups type="array"><group>A</group></groups>`).
fn list_texts(contact: &Element, name: &str) -> Vec<String> {
    let Some(list) = contact.child(name).filter(|l| !l.is_nil()) else {
        return Vec::new();
    };
    if list.children.is_empty() {
        return non_empty(list.text()).into_iter().collect();
    }
    list.children
        .iter()
        .filter(|item| !item.is_nil())
        .filter_map(|item| non_empty(item.text()))
        .collect()
}

/// Maps one Convio / Luminate `<contact>` or `<addressBookContact>` element (`firstName`,
/// `lastName`, `email`, and for the address book `id` and `group` with `id`/`name`).
pub fn convio_contact(contact: &Element) -> Contact {
    let mut out = Contact {
        source_id: contact.child_text("id"),
        name: first_last(
            contact.child_text("firstName"),
            contact.child_text("lastName"),
        ),
        ..Contact::default()
    };
    out.emails = emails_of(contact);
    let groups = contact.children_named("group").chain(
        contact
            .child("groups")
            .into_iter()
            .flat_map(|g| g.children_named("group")),
    );
    for group in groups {
        if let Some(name) = group.child_text("name").or_else(|| non_empty(group.text())) {
            if !out.groups.contains(&name) {
                out.groups.push(name);
            }
        }
    }
    out
}

/// The `<email>` children of a contact element, as read (one address each).
fn emails_of(contact: &Element) -> Vec<Email> {
    contact
        .children_named("email")
        .filter_map(|email| non_empty(email.text()))
        .map(|address| Email {
            address,
            ..Email::default()
        })
        .collect()
}

/// Maps one `contact.*` API `<contact>` element (`contact_id`, `client_id`, `first_name`,
/// `last_name`, `email`, `phone`, `mobile_phone`). `contact_id` becomes the source id,
/// `mobile_phone` a mobile phone; `client_id` and any other leaf field go to `extra` as text.
pub fn contact_api_contact(contact: &Element) -> Contact {
    let mut out = Contact {
        source_id: contact.child_text("contact_id"),
        name: first_last(
            contact.child_text("first_name"),
            contact.child_text("last_name"),
        ),
        ..Contact::default()
    };
    out.emails = emails_of(contact);
    if let Some(number) = contact.child_text("phone") {
        out.phones.push(raw_phone(number, None));
    }
    if let Some(number) = contact.child_text("mobile_phone") {
        out.phones.push(raw_phone(number, Some("mobile".into())));
    }
    const MAPPED: &[&str] = &[
        "contact_id",
        "first_name",
        "last_name",
        "email",
        "phone",
        "mobile_phone",
    ];
    for field in &contact.children {
        if MAPPED.contains(&field.name.as_str()) || !field.children.is_empty() || field.is_nil() {
            continue;
        }
        if let Some(value) = non_empty(field.text()) {
            out.extra
                .entry(field.name.clone())
                .or_insert(serde_json::Value::String(value));
        }
    }
    out
}

/// Trimmed text, `None` when empty.
fn non_empty(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn parses_entities_cdata_and_namespaces() {
        let root = parse("<?xml version=\"1.0\"?>\n<r xmlns=\"urn:x\" xmlns:p=\"urn:p\">\n <p:a k=\"&lt;1&gt;\">x &amp; &#233;&#x41;<![CDATA[<b>]]></p:a>\n</r>");
        let root = root.unwrap_or_default();
        let a = root.child("a").cloned().unwrap_or_default();
        assert_eq!(a.text(), "x & éA<b>");
        assert_eq!(a.attr("k"), Some("<1>"));
        assert_eq!(a.line, 3);
        assert_eq!(root.text, "");
    }

    #[test]
    fn refuses_doctype_unknown_entities_and_depth() {
        assert!(matches!(parse("<!DOCTYPE a><a/>"), Err(Error::Xml(_))));
        assert!(matches!(parse("<a>&nbsp;</a>"), Err(Error::Xml(m)) if m.contains("nbsp")));
        let deep = "<a>".repeat(MAX_DEPTH + 1) + &"</a>".repeat(MAX_DEPTH + 1);
        assert!(matches!(parse(&deep), Err(Error::Xml(m)) if m.contains("deeper")));
        let ok = "<a>".repeat(MAX_DEPTH) + &"</a>".repeat(MAX_DEPTH);
        assert!(parse(&ok).is_ok());
    }

    #[test]
    fn malformed_documents_are_errors_not_panics() {
        for text in [
            "",
            "<a>",
            "<a></b>",
            "</a>",
            "<a/><b/>",
            "text",
            "<a x='&bogus;'/>",
            "<a>&#0;</a>",
            "<a \u{e9}=1/>",
        ] {
            assert!(parse(text).is_err(), "{text:?} should fail");
        }
    }

    #[test]
    fn nil_and_child_text() {
        let root = parse("<c><a nil=\"true\"/><b> x </b><d></d></c>").unwrap_or_default();
        assert_eq!(root.child_text("a"), None);
        assert_eq!(root.child_text("b").as_deref(), Some("x"));
        assert_eq!(root.child_text("d"), None);
        assert_eq!(root.child_text("zz"), None);
    }

    #[test]
    fn declared_encoding_is_found() {
        assert_eq!(
            declared_encoding(b"<?xml version='1.0' encoding='ISO-8859-1'?><a/>").as_deref(),
            Some("ISO-8859-1")
        );
        assert_eq!(declared_encoding(b"<a/>"), None);
    }
}
