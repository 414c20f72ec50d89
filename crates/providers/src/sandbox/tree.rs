//! An ordered response tree rendered as JSON or as Rails-style XML (CloudSponge is a Rails app:
//! dashed element names, `type="array"` lists of singular children, `nil="true"` nulls,
//! `type="integer"` / `type="boolean"` scalars). Ordered so XML element order is the documented one.

use super::util::esc;

/// A value in a response.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    Null,
    Bool(bool),
    Int(i64),
    Str(String),
    List(Vec<Node>),
    Obj(Vec<(&'static str, Node)>),
}

impl Node {
    pub(crate) fn str(text: impl Into<String>) -> Node {
        Node::Str(text.into())
    }

    pub(crate) fn opt(text: Option<impl Into<String>>) -> Node {
        text.map_or(Node::Null, |t| Node::Str(t.into()))
    }

    /// Compact JSON.
    pub(crate) fn json(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out);
        out
    }

    fn write_json(&self, out: &mut String) {
        match self {
            Node::Null => out.push_str("null"),
            Node::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Node::Int(n) => out.push_str(&n.to_string()),
            Node::Str(s) => out.push_str(&serde_json::Value::from(s.as_str()).to_string()),
            Node::List(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write_json(out);
                }
                out.push(']');
            }
            Node::Obj(fields) => {
                out.push('{');
                for (i, (key, value)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&serde_json::Value::from(*key).to_string());
                    out.push(':');
                    value.write_json(out);
                }
                out.push('}');
            }
        }
    }

    /// A Rails `to_xml` document with `root` as the outer element.
    pub(crate) fn rails_xml(&self, root: &str) -> String {
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        self.write_xml(&dashed(root), &mut out);
        out.push('\n');
        out
    }

    fn write_xml(&self, name: &str, out: &mut String) {
        match self {
            Node::Null => out.push_str(&format!("<{name} nil=\"true\"/>")),
            Node::Bool(b) => out.push_str(&format!("<{name} type=\"boolean\">{b}</{name}>")),
            Node::Int(n) => out.push_str(&format!("<{name} type=\"integer\">{n}</{name}>")),
            Node::Str(s) => out.push_str(&format!("<{name}>{}</{name}>", esc(s))),
            Node::List(items) => {
                out.push_str(&format!("<{name} type=\"array\">"));
                let child = singular(name);
                for item in items {
                    item.write_xml(&child, out);
                }
                out.push_str(&format!("</{name}>"));
            }
            Node::Obj(fields) => {
                out.push_str(&format!("<{name}>"));
                for (key, value) in fields {
                    value.write_xml(&dashed(key), out);
                }
                out.push_str(&format!("</{name}>"));
            }
        }
    }
}

fn dashed(name: &str) -> String {
    name.replace('_', "-")
}

/// Rails' singular for the list names the sandbox uses.
fn singular(name: &str) -> String {
    match name {
        "companies" => "company".into(),
        "addresses" => "address".into(),
        "email" | "phone" | "address" => name.into(),
        _ => name.strip_suffix('s').unwrap_or(name).into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_json_and_rails_xml() {
        let tree = Node::Obj(vec![
            ("import_id", Node::Int(7)),
            ("user_id", Node::Null),
            ("companies", Node::List(vec![Node::Null, Node::str("A&B")])),
            (
                "email",
                Node::List(vec![Node::Obj(vec![("address", Node::str("a@b.c"))])]),
            ),
        ]);
        assert_eq!(
            tree.json(),
            r#"{"import_id":7,"user_id":null,"companies":[null,"A&B"],"email":[{"address":"a@b.c"}]}"#
        );
        assert!(tree.rails_xml("result").contains(
            "<result><import-id type=\"integer\">7</import-id><user-id nil=\"true\"/>\
             <companies type=\"array\"><company nil=\"true\"/><company>A&amp;B</company></companies>\
             <email type=\"array\"><email><address>a@b.c</address></email></email></result>"
        ));
    }
}
