//! Where the items of one array start in a JSON text, so that each contact read from a JSON
//! document can be reported at the line it starts on.
//!
//! serde_json parses into a `Value` without positions, and its `RawValue` would need a crate
//! feature the core does not enable; this small scanner walks the (already validated) text once,
//! without recursion, and records the byte offset of every item of the array found at a key
//! path. It never fails: on anything unexpected it simply records fewer offsets, and the caller
//! then reports line 0.

/// A container the scanner is inside.
struct Frame {
    /// True for an array, false for an object.
    is_array: bool,
    /// How many keys of the target path this container's own path matches, when its path is
    /// a prefix of the target (`None` when it is off the path).
    on_path: Option<usize>,
    /// For an object: whether the value about to be read belongs to the target path's next key.
    key_matches: bool,
    /// For an object: true while a key (not a value) is expected.
    expecting_key: bool,
    /// True when this container is the target array: its items are recorded.
    collect: bool,
}

/// Byte offsets of the values found at `path` (a list of object keys from the root): the start
/// of every item when the value there is an array, or the start of the value itself when it is
/// anything else (a Convio one-element list collapsed to a bare object).
pub(crate) fn item_offsets(text: &str, path: &[&str]) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut offsets = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        match byte {
            b' ' | b'\t' | b'\r' | b'\n' | b',' | b':' => {
                if byte == b',' {
                    if let Some(frame) = stack.last_mut() {
                        if !frame.is_array {
                            frame.expecting_key = true;
                            frame.key_matches = false;
                        }
                    }
                }
                i += 1;
                continue;
            }
            b']' | b'}' => {
                stack.pop();
                i += 1;
                continue;
            }
            _ => {}
        }
        // A string in key position: remember whether it is the target path's next key.
        if let Some(frame) = stack.last_mut() {
            if !frame.is_array && frame.expecting_key {
                let end = string_end(bytes, i);
                let key = text.get(i + 1..end.saturating_sub(1)).unwrap_or("");
                frame.key_matches = frame
                    .on_path
                    .is_some_and(|depth| path.get(depth) == Some(&key));
                frame.expecting_key = false;
                i = end;
                continue;
            }
        }
        // A value starts here. Where is it relative to the target path?
        let (value_on_path, parent_collects) = match stack.last() {
            None => (Some(0), false),
            Some(frame) if frame.is_array => (None, frame.collect),
            Some(frame) => (
                frame
                    .on_path
                    .filter(|_| frame.key_matches)
                    .map(|depth| depth + 1),
                false,
            ),
        };
        let is_target = value_on_path == Some(path.len());
        if parent_collects || (is_target && byte != b'[') {
            offsets.push(i);
        }
        match byte {
            b'[' | b'{' => {
                let is_array = byte == b'[';
                stack.push(Frame {
                    is_array,
                    on_path: if is_target { None } else { value_on_path },
                    key_matches: false,
                    expecting_key: !is_array,
                    collect: is_target && is_array,
                });
                i += 1;
            }
            b'"' => i = string_end(bytes, i),
            // Numbers, true, false, null: skip to the next delimiter.
            _ => {
                while i < bytes.len()
                    && !matches!(bytes[i], b',' | b']' | b'}' | b' ' | b'\t' | b'\r' | b'\n')
                {
                    i += 1;
                }
            }
        }
    }
    offsets
}

/// The index just past the string that starts (with its quote) at `start`.
fn string_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// The 1-based line of each byte offset (offsets ascending), counted in one pass.
pub(crate) fn lines_of(text: &str, offsets: &[usize]) -> Vec<u32> {
    let bytes = text.as_bytes();
    let mut lines = Vec::with_capacity(offsets.len());
    let mut line: u32 = 1;
    let mut counted_to = 0;
    for &offset in offsets {
        let end = offset.min(bytes.len()).max(counted_to);
        let newlines =
            memchr::memchr_iter(b'\n', bytes.get(counted_to..end).unwrap_or(&[])).count();
        line = line.saturating_add(u32::try_from(newlines).unwrap_or(u32::MAX));
        counted_to = end;
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn finds_items_of_a_nested_array() {
        let text = "{\"a\":1,\n\"contacts\":[\n{\"x\":[1,{\"contacts\":[9]}]},\n\n{\"y\":\"]\\\"\"}\n],\"z\":{}}";
        let offsets = item_offsets(text, &["contacts"]);
        assert_eq!(offsets.len(), 2);
        assert_eq!(lines_of(text, &offsets), vec![3, 5]);
    }

    #[test]
    fn top_level_array_and_collapsed_object() {
        let text = "[\n{},\n{}\n]";
        assert_eq!(lines_of(text, &item_offsets(text, &[])), vec![2, 3]);
        let text = "{\"r\":{\"contact\":\n{\"firstName\":\"A\"}}}";
        assert_eq!(
            lines_of(text, &item_offsets(text, &["r", "contact"])),
            vec![2]
        );
        let text = "{\"r\":{\"contact\":[]}}";
        assert!(item_offsets(text, &["r", "contact"]).is_empty());
    }

    #[test]
    fn garbage_never_panics() {
        for text in [
            "",
            "\"",
            "[\"\\",
            "{\"a",
            "]]]}}",
            "{\"a\":[1,2",
            "[{\"k\":\"é\"}]",
        ] {
            let _ = lines_of(text, &item_offsets(text, &["a"]));
            let _ = item_offsets(text, &[]);
        }
    }
}
