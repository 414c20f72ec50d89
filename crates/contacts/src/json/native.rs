//! A contact of this crate's own schema from a parsed JSON value: what
//! `serde_json::from_value::<Contact>` gives, the same contact or the same error message.
//!
//! Written out rather than derived because the derived `Deserialize` of the model, instantiated
//! for `serde_json::Value`, was about 57 KB of the engine's wasm module before wasm-opt (its
//! visitors for twelve types, in both the map and the sequence form, and serde's error
//! plumbing), for a shape that only files exported by this project use. The rules below are
//! serde's and serde_json's, step for step: a struct from an object (unknown keys ignored,
//! missing ones default) or from an array (fields in order, missing ones default, extra ones
//! an error), `null` for an `Option` only, an enum from its name or a one-key object, and the
//! first error in the object's key order. `matches_serde` compares both on generated values,
//! valid and not. The model keeps its derived `Deserialize` for everyone else.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::model::{
    Address, Contact, DuplicateNote, Email, Label, MatchKind, MergeNote, Name, Phone, Provenance,
};

type Result<T> = std::result::Result<T, String>;

/// `value` as a [`Contact`], or serde's message for why it is not one.
pub(super) fn contact(value: &Value) -> Result<Contact> {
    structure(value, "struct Contact", |c: &mut Contact, field, v| {
        match field {
            Field::Index(0) | Field::Key("id") => c.id = string(v)?,
            Field::Index(1) | Field::Key("source") => c.source = string(v)?,
            Field::Index(2) | Field::Key("source_id") => c.source_id = optional(v)?,
            Field::Index(3) | Field::Key("name") => c.name = name(v)?,
            Field::Index(4) | Field::Key("nickname") => c.nickname = optional(v)?,
            Field::Index(5) | Field::Key("emails") => c.emails = list(v, email)?,
            Field::Index(6) | Field::Key("phones") => c.phones = list(v, phone)?,
            Field::Index(7) | Field::Key("addresses") => c.addresses = list(v, address)?,
            Field::Index(8) | Field::Key("organization") => c.organization = optional(v)?,
            Field::Index(9) | Field::Key("title") => c.title = optional(v)?,
            Field::Index(10) | Field::Key("department") => c.department = optional(v)?,
            Field::Index(11) | Field::Key("birthday") => c.birthday = optional(v)?,
            Field::Index(12) | Field::Key("groups") => c.groups = list(v, string)?,
            Field::Index(13) | Field::Key("notes") => c.notes = optional(v)?,
            Field::Index(14) | Field::Key("photo_url") => c.photo_url = optional(v)?,
            Field::Index(15) | Field::Key("deleted") => c.deleted = boolean(v)?,
            Field::Index(16) | Field::Key("updated_at") => c.updated_at = optional(v)?,
            Field::Index(17) | Field::Key("extra") => c.extra = extra(v)?,
            Field::Index(18) | Field::Key("sources") => c.sources = list(v, provenance)?,
            Field::Index(19) | Field::Key("merges") => c.merges = list(v, merge_note)?,
            Field::Index(20) | Field::Key("possible_duplicates") => {
                c.possible_duplicates = list(v, duplicate_note)?
            }
            Field::Index(_) => return Ok(false),
            Field::Key(_) => {}
        }
        Ok(true)
    })
}

fn name(value: &Value) -> Result<Name> {
    structure(value, "struct Name", |n: &mut Name, field, v| {
        let part = match field {
            Field::Index(0) | Field::Key("display") => &mut n.display,
            Field::Index(1) | Field::Key("given") => &mut n.given,
            Field::Index(2) | Field::Key("middle") => &mut n.middle,
            Field::Index(3) | Field::Key("family") => &mut n.family,
            Field::Index(4) | Field::Key("prefix") => &mut n.prefix,
            Field::Index(5) | Field::Key("suffix") => &mut n.suffix,
            Field::Index(_) => return Ok(false),
            Field::Key(_) => return Ok(true),
        };
        *part = optional(v)?;
        Ok(true)
    })
}

fn email(value: &Value) -> Result<Email> {
    structure(value, "struct Email", |e: &mut Email, field, v| {
        match field {
            Field::Index(0) | Field::Key("address") => e.address = string(v)?,
            Field::Index(1) | Field::Key("label") => e.label = label(v)?,
            Field::Index(2) | Field::Key("label_raw") => e.label_raw = optional(v)?,
            Field::Index(3) | Field::Key("primary") => e.primary = boolean(v)?,
            Field::Index(4) | Field::Key("sources") => e.sources = list(v, index)?,
            Field::Index(_) => return Ok(false),
            Field::Key(_) => {}
        }
        Ok(true)
    })
}

fn phone(value: &Value) -> Result<Phone> {
    structure(value, "struct Phone", |p: &mut Phone, field, v| {
        match field {
            Field::Index(0) | Field::Key("number") => p.number = string(v)?,
            Field::Index(1) | Field::Key("e164") => p.e164 = boolean(v)?,
            Field::Index(2) | Field::Key("raw") => p.raw = string(v)?,
            Field::Index(3) | Field::Key("label") => p.label = label(v)?,
            Field::Index(4) | Field::Key("label_raw") => p.label_raw = optional(v)?,
            Field::Index(5) | Field::Key("sources") => p.sources = list(v, index)?,
            Field::Index(_) => return Ok(false),
            Field::Key(_) => {}
        }
        Ok(true)
    })
}

fn address(value: &Value) -> Result<Address> {
    structure(value, "struct Address", |a: &mut Address, field, v| {
        match field {
            Field::Index(0) | Field::Key("street") => a.street = list(v, string)?,
            Field::Index(1) | Field::Key("locality") => a.locality = optional(v)?,
            Field::Index(2) | Field::Key("region") => a.region = optional(v)?,
            Field::Index(3) | Field::Key("postal_code") => a.postal_code = optional(v)?,
            Field::Index(4) | Field::Key("country") => a.country = optional(v)?,
            Field::Index(5) | Field::Key("label") => a.label = label(v)?,
            Field::Index(6) | Field::Key("label_raw") => a.label_raw = optional(v)?,
            Field::Index(7) | Field::Key("sources") => a.sources = list(v, index)?,
            Field::Index(_) => return Ok(false),
            Field::Key(_) => {}
        }
        Ok(true)
    })
}

fn provenance(value: &Value) -> Result<Provenance> {
    structure(
        value,
        "struct Provenance",
        |p: &mut Provenance, field, v| {
            match field {
                Field::Index(0) | Field::Key("source") => p.source = string(v)?,
                Field::Index(1) | Field::Key("source_id") => p.source_id = optional(v)?,
                Field::Index(2) | Field::Key("line") => {
                    p.line = match v {
                        Value::Null => None,
                        v => Some(unsigned(v, u32::MAX.into(), "u32")? as u32),
                    }
                }
                Field::Index(_) => return Ok(false),
                Field::Key(_) => {}
            }
            Ok(true)
        },
    )
}

fn merge_note(value: &Value) -> Result<MergeNote> {
    structure(value, "struct MergeNote", |m: &mut MergeNote, field, v| {
        match field {
            Field::Index(0) | Field::Key("source") => m.source = index(v)?,
            Field::Index(1) | Field::Key("reason") => m.reason = match_kind(v)?,
            Field::Index(2) | Field::Key("value") => m.value = string(v)?,
            Field::Index(_) => return Ok(false),
            Field::Key(_) => {}
        }
        Ok(true)
    })
}

fn duplicate_note(value: &Value) -> Result<DuplicateNote> {
    structure(
        value,
        "struct DuplicateNote",
        |d: &mut DuplicateNote, field, v| {
            match field {
                Field::Index(0) | Field::Key("id") => d.id = string(v)?,
                Field::Index(1) | Field::Key("reason") => d.reason = match_kind(v)?,
                Field::Index(2) | Field::Key("value") => d.value = string(v)?,
                Field::Index(_) => return Ok(false),
                Field::Key(_) => {}
            }
            Ok(true)
        },
    )
}

fn label(value: &Value) -> Result<Label> {
    const LABELS: [(&str, Label); 4] = [
        ("home", Label::Home),
        ("work", Label::Work),
        ("mobile", Label::Mobile),
        ("other", Label::Other),
    ];
    variant(value, &LABELS)
}

fn match_kind(value: &Value) -> Result<MatchKind> {
    const KINDS: [(&str, MatchKind); 3] = [
        ("email", MatchKind::Email),
        ("phone", MatchKind::Phone),
        ("name", MatchKind::Name),
    ];
    variant(value, &KINDS)
}

/// A field of a struct: its key in an object, or its position in an array.
enum Field<'a> {
    Key(&'a str),
    Index(usize),
}

/// A struct with `#[serde(default)]`: from an object, each known key's value in the object's
/// order; from an array, the fields in order. `set` sets one field (false: no field has that
/// position).
fn structure<T: Default>(
    value: &Value,
    expected: &str,
    mut set: impl FnMut(&mut T, Field<'_>, &Value) -> Result<bool>,
) -> Result<T> {
    let mut out = T::default();
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                set(&mut out, Field::Key(key), v)?;
            }
        }
        Value::Array(items) => {
            for (position, v) in items.iter().enumerate() {
                if !set(&mut out, Field::Index(position), v)? {
                    return Err(format!(
                        "invalid length {}, expected fewer elements in array",
                        items.len()
                    ));
                }
            }
        }
        other => return Err(invalid_type(other, expected)),
    }
    Ok(out)
}

/// A unit variant of an enum with `rename_all = "lowercase"`: `"home"`, or `{"home": null}`.
fn variant<T: Copy>(value: &Value, variants: &[(&str, T)]) -> Result<T> {
    let (name, content) = match value {
        Value::String(name) => (name, None),
        Value::Object(map) => match (map.len(), map.iter().next()) {
            (1, Some((name, content))) => (name, Some(content)),
            _ => return Err("invalid value: map, expected map with a single key".to_string()),
        },
        other => return Err(invalid_type(other, "string or map")),
    };
    let Some(&(_, found)) = variants.iter().find(|(known, _)| known == name) else {
        let names: Vec<String> = variants.iter().map(|(n, _)| format!("`{n}`")).collect();
        return Err(format!(
            "unknown variant `{name}`, expected one of {}",
            names.join(", ")
        ));
    };
    match content {
        Some(content) if !content.is_null() => Err(invalid_type(content, "unit")),
        _ => Ok(found),
    }
}

fn string(value: &Value) -> Result<String> {
    match value {
        Value::String(s) => Ok(s.clone()),
        other => Err(invalid_type(other, "a string")),
    }
}

fn optional(value: &Value) -> Result<Option<String>> {
    match value {
        Value::Null => Ok(None),
        other => string(other).map(Some),
    }
}

fn boolean(value: &Value) -> Result<bool> {
    match value {
        Value::Bool(b) => Ok(*b),
        other => Err(invalid_type(other, "a boolean")),
    }
}

fn list<T>(value: &Value, item: impl Fn(&Value) -> Result<T>) -> Result<Vec<T>> {
    match value {
        Value::Array(items) => items.iter().map(item).collect(),
        other => Err(invalid_type(other, "a sequence")),
    }
}

fn extra(value: &Value) -> Result<BTreeMap<String, Value>> {
    let Value::Object(map) = value else {
        return Err(invalid_type(value, "a map"));
    };
    // Inserted one at a time, as serde does (`collect` would sort them first: code of its own).
    let mut extra = BTreeMap::new();
    for (key, value) in map {
        extra.insert(key.clone(), value.clone());
    }
    Ok(extra)
}

fn index(value: &Value) -> Result<usize> {
    unsigned(value, usize::MAX as u64, "usize").map(|n| n as usize)
}

/// An unsigned integer up to `max`, as serde reads a `u32` or `usize` (`expected`).
fn unsigned(value: &Value, max: u64, expected: &str) -> Result<u64> {
    let Value::Number(number) = value else {
        return Err(invalid_type(value, expected));
    };
    if let Some(n) = number.as_u64() {
        if n <= max {
            return Ok(n);
        }
    } else if number.as_i64().is_none() {
        return Err(invalid_type(value, expected));
    }
    Err(format!(
        "invalid value: integer `{number}`, expected {expected}"
    ))
}

/// serde's "invalid type" message, with serde_json's names of the values.
fn invalid_type(value: &Value, expected: &str) -> String {
    let found = match value {
        Value::Null => "null".to_string(),
        Value::Bool(b) => format!("boolean `{b}`"),
        Value::Number(n) if n.is_f64() => format!("floating point `{n}`"),
        Value::Number(n) => format!("integer `{n}`"),
        Value::String(s) => format!("string {s:?}"),
        Value::Array(_) => "sequence".to_string(),
        Value::Object(_) => "map".to_string(),
    };
    format!("invalid type: {found}, expected {expected}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::walk::Walk;
    use serde_json::{json, Map};
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn check(value: &Value) {
        let serde = serde_json::from_value::<Contact>(value.clone()).map_err(|e| e.to_string());
        assert_eq!(contact(value), serde, "{value}");
    }

    /// A value for a field: mostly of its type, sometimes of another.
    fn any(walk: &mut Walk, depth: usize) -> Value {
        let scalars = [
            json!(null),
            json!(true),
            json!(false),
            json!(0),
            json!(7),
            json!(4_294_967_296_u64),
            json!(-3),
            json!(1.5),
            json!(1e300),
            json!("home"),
            json!("mobile"),
            json!("phone"),
            json!("x\"\u{301}\n"),
            json!(""),
        ];
        match walk.next() % 8 {
            0 if depth > 0 => {
                Value::Array((0..walk.next() % 4).map(|_| any(walk, depth - 1)).collect())
            }
            1 if depth > 0 => object(walk, depth - 1),
            2 => {
                let mut map = Map::new();
                let key = walk.pick(&["home", "work", "email", "name", "x"]);
                map.insert(
                    key.to_string(),
                    scalars[walk.next() % scalars.len()].clone(),
                );
                Value::Object(map)
            }
            _ => scalars[walk.next() % scalars.len()].clone(),
        }
    }

    const KEYS: &[&str] = &[
        "id",
        "source",
        "source_id",
        "name",
        "nickname",
        "emails",
        "phones",
        "addresses",
        "organization",
        "title",
        "department",
        "birthday",
        "groups",
        "notes",
        "photo_url",
        "deleted",
        "updated_at",
        "extra",
        "sources",
        "merges",
        "possible_duplicates",
        "display",
        "given",
        "family",
        "suffix",
        "address",
        "label",
        "label_raw",
        "primary",
        "number",
        "e164",
        "raw",
        "street",
        "locality",
        "country",
        "line",
        "reason",
        "value",
        "unknown",
    ];

    fn object(walk: &mut Walk, depth: usize) -> Value {
        let mut map = Map::new();
        for _ in 0..walk.next() % 6 {
            map.insert(walk.pick(KEYS).to_string(), any(walk, depth));
        }
        Value::Object(map)
    }

    #[test]
    fn matches_serde() {
        check(&json!({}));
        check(
            &json!({"id": "a", "name": {"display": "Ada", "given": "Ada"}, "emails": [
            {"address": "a@b.c", "label": "work", "primary": true, "sources": [0]}],
            "phones": [["+1", true, "1", {"mobile": null}, null, [0, 1]]],
            "addresses": [{"street": ["1 Main"], "label": "home"}],
            "sources": [{"source": "a.csv", "line": 4}, ["b.vcf", "u", null]],
            "merges": [{"source": 1, "reason": "email", "value": "a@b.c"}],
            "possible_duplicates": [["x", "name", "ada"]], "extra": {"n": 1.5, "s": [null]},
            "deleted": false}),
        );
        for bad in [
            json!({"emails": [{"label": "fax"}]}),
            json!({"emails": [{"label": {"home": 1}}]}),
            json!({"emails": [{"label": {"home": null, "work": null}}]}),
            json!({"emails": [{"label": 1}]}),
            json!({"emails": [{"sources": [-1]}]}),
            json!({"emails": [{"sources": [1.0]}]}),
            json!({"sources": [{"line": 4_294_967_296_u64}]}),
            json!({"merges": [{"reason": "fax"}]}),
            json!({"name": ["a", "b", "c", "d", "e", "f", "g"]}),
            json!({"name": "Ada"}),
            json!({"id": null}),
            json!({"deleted": "yes"}),
            json!({"groups": "a"}),
            json!({"extra": []}),
        ] {
            check(&bad);
        }
        let mut walk = Walk(0x5e7d_e001);
        for _ in 0..100_000 {
            let value = object(&mut walk, 3);
            check(&value);
        }
    }
}
