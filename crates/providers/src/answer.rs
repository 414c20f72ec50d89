//! Reading provider answers: JSON or XML bodies into trees, and small liberal accessors (a
//! number where a string is documented, a string where a number is, surrounding whitespace).

use contacts::xml::Element;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::transport::Response;

/// The body parsed as JSON.
pub(crate) fn json(answer: &Response, what: &str) -> Result<Value> {
    serde_json::from_str(&answer.text())
        .map_err(|e| Error::malformed(format!("{what}: not JSON ({e})")))
}

/// The body parsed as XML (with the contacts crate's safe parser: no DTD, bounded depth).
pub(crate) fn xml(answer: &Response, what: &str) -> Result<Element> {
    contacts::xml::parse(&answer.text()).map_err(|e| Error::malformed(format!("{what}: {e}")))
}

/// A scalar as trimmed text: strings as they are, numbers and booleans written out; `None` for
/// null, empty strings, arrays and objects.
pub(crate) fn text(value: Option<&Value>) -> Option<String> {
    let text = match value? {
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => return None,
    };
    (!text.is_empty()).then_some(text)
}

/// A non-negative integer given as a number or as digits in a string.
pub(crate) fn count(value: Option<&Value>) -> Option<u64> {
    match value? {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The trimmed text of the child `name`, `None` when absent, nil or empty.
pub(crate) fn child(element: &Element, name: &str) -> Option<String> {
    element.child_text(name)
}

/// A count from the child `name`.
pub(crate) fn child_count(element: &Element, name: &str) -> Option<u64> {
    child(element, name)?.parse().ok()
}

/// Searches the tree (breadth-first, without recursion) for the first element named `name`.
pub(crate) fn find<'a>(root: &'a Element, name: &str) -> Option<&'a Element> {
    let mut queue = std::collections::VecDeque::from([root]);
    while let Some(element) = queue.pop_front() {
        if element.name == name {
            return Some(element);
        }
        queue.extend(element.children.iter());
    }
    None
}
