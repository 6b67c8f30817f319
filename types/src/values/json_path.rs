//! Where in a JSON document serde_json stopped, as a path (`data[3].id`).
//!
//! A decode error carries serde_json's line and column; this walks the body's
//! structure up to that point and names the value there. Hand-rolled on
//! purpose: `serde_path_to_error` gives the same path but only by decoding the
//! body a second time through a wrapper generic over the response type, which
//! puts a second copy of every response type's `Deserialize` code into each
//! user's binary for every operation it calls. This walk is one function for
//! every type, and it never reads a value's content, only the document's shape
//! and its keys. It shows a key only when the spec declares that name; any
//! other key (a map's: an email, an SSN) is data and shows as `{key}`.
//!
//! The position is all it has, and for one kind of error it is ambiguous: a
//! value its type refuses after reading it whole (an enum given a number, an
//! SSN of the wrong length) gets the position where its object ends when it is
//! that object's last member, the same position as an error about the object
//! itself. The path then names the object, which contains the culprit, rather
//! than guess a member that may be fine.

use std::fmt::Write as _;
use std::ops::Range;

use crate::classification::DECLARED_NAMES;

/// serde_json's own nesting limit for typed values: deeper containers can only
/// be inside a skipped field, and are not tracked one by one (a body of a
/// million `[` would otherwise cost a million frames).
const MAX_DEPTH: usize = 128;

/// What a path shows for a key the spec does not declare.
pub const MAP_KEY: &str = "{key}";

/// One open container on the way to the position.
enum Frame {
    /// An object, with where in the body the key of the member being read
    /// is, quotes included (decoded only for the path, once the walk ends).
    Object(Option<Range<usize>>),
    /// An array, with the index of the element being read.
    Array(usize),
}

/// The path (`data[0].id`, `.` for the root) that `error`, from decoding
/// `body`, is about. serde_json raises an error just past the value it is
/// about (a scalar of the wrong type, an object missing a field), so the
/// containers still open there, with their current member, name it.
pub fn at(body: &[u8], error: &serde_json::Error) -> String {
    let stop = offset(body, error.line(), error.column());
    let mut stack: Vec<Frame> = Vec::new();
    // Containers open below MAX_DEPTH, counted rather than kept.
    let mut deeper = 0usize;
    let mut i = 0;
    while i < body.len() && i < stop {
        match body[i] {
            b'{' | b'[' if stack.len() == MAX_DEPTH => deeper += 1,
            b'{' => stack.push(Frame::Object(None)),
            b'[' => stack.push(Frame::Array(0)),
            b'}' | b']' if deeper > 0 => deeper -= 1,
            b'}' | b']' => {
                stack.pop();
            }
            b',' if deeper > 0 => {}
            b',' => match stack.last_mut() {
                Some(Frame::Array(index)) => *index += 1,
                Some(Frame::Object(key)) => *key = None,
                None => {}
            },
            b'"' => {
                let end = string_end(body, i);
                if deeper == 0
                    && let Some(Frame::Object(key @ None)) = stack.last_mut()
                {
                    // The member's name: the value that follows is at `.name`.
                    *key = Some(i..end);
                }
                i = end;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    let mut path = render(body, &stack);
    if deeper > 0 {
        path.push('…');
    }
    path
}

/// A member's name as the path shows it: a name the spec declares
/// ([`DECLARED_NAMES`]), or `{key}`. Any other key is data (a map's key: an
/// email, an SSN, a partner's id) and may carry characters that forge or
/// reorder a log line, so it is never repeated.
fn key_text(quoted: &[u8]) -> &'static str {
    serde_json::from_slice::<String>(quoted)
        .ok()
        .and_then(|key| declared(&key))
        .unwrap_or(MAP_KEY)
}

/// The declared name equal to `key`, if there is one.
pub fn declared(key: &str) -> Option<&'static str> {
    DECLARED_NAMES
        .binary_search(&key)
        .ok()
        .map(|at| DECLARED_NAMES[at])
}

/// The byte offset of serde_json's (1-based line, 0-based byte column).
fn offset(body: &[u8], line: usize, column: usize) -> usize {
    let line_start: usize = body
        .split_inclusive(|byte| *byte == b'\n')
        .take(line.saturating_sub(1))
        .map(<[u8]>::len)
        .sum();
    line_start + column
}

/// The offset just past the string that opens at `start` (or the body's end).
fn string_end(body: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < body.len() {
        match body[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    body.len()
}

/// serde_path_to_error's notation: `.` for the root, `[i]` for an element,
/// `.name` for a member (no dot before the first).
fn render(body: &[u8], stack: &[Frame]) -> String {
    let mut path = String::new();
    for frame in stack {
        match frame {
            Frame::Array(index) => {
                let _ = write!(path, "[{index}]");
            }
            Frame::Object(Some(key)) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key_text(&body[key.clone()]));
            }
            Frame::Object(None) => {}
        }
    }
    if path.is_empty() {
        path.push('.');
    }
    path
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Page {
        data: Vec<Item>,
        has_more: bool,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    /// Its fields carry names the spec declares, so paths show them.
    struct Item {
        id: String,
        statuses: Option<Vec<u32>>,
        merchant: Option<Merchant>,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Merchant {
        name: String,
    }

    /// Our path for `body`'s decode error, beside serde_path_to_error's.
    fn both(body: &str) -> (String, String) {
        let error = serde_json::from_str::<Page>(body).unwrap_err();
        let ours = at(body.as_bytes(), &error);
        let mut deserializer = serde_json::Deserializer::from_str(body);
        let theirs = serde_path_to_error::deserialize::<_, Page>(&mut deserializer)
            .map(|_| ".".to_string())
            .unwrap_or_else(|error| error.path().to_string());
        (ours, theirs)
    }

    #[test]
    fn names_the_same_path_as_decoding_twice_would() {
        for (body, path) in [
            (r#"{"data":[{"id":123}],"has_more":false}"#, "data[0].id"),
            (
                r#"{"data":[{"id":"a"},{"id":"b","statuses":[1,"x"]}],"has_more":false}"#,
                "data[1].statuses[1]",
            ),
            (
                r#"{"data":[{"id":"a","merchant":{"name":"n"}},{"id":"b","merchant":{}}],"has_more":false}"#,
                "data[1].merchant",
            ),
            (r#"{"data":[{"id":"a"}]}"#, "."),
            (r#"{"data":{"id":"a"},"has_more":false}"#, "data"),
            (r#"{"data":[],"has_more":"no"}"#, "has_more"),
            (
                "{\n  \"data\": [\n    {\"id\": \"a\"},\n    {\"id\": 7}\n  ],\n  \"has_more\": false\n}",
                "data[1].id",
            ),
            (
                r#"{"d\"x":1,"data":[{"id":2}],"has_more":true}"#,
                "data[0].id",
            ),
            (
                r#"{"data":[{"id":"a,b]}"},{"id":[]}],"has_more":true}"#,
                "data[1].id",
            ),
        ] {
            let (ours, theirs) = both(body);
            assert_eq!(ours, path, "{body}");
            assert_eq!(ours, theirs, "{body}");
        }
    }

    #[test]
    fn a_refused_last_member_is_named_by_its_object() {
        #[derive(Debug, Deserialize)]
        #[serde(try_from = "String")]
        struct Last4;
        impl TryFrom<String> for Last4 {
            type Error = &'static str;
            fn try_from(digits: String) -> Result<Self, Self::Error> {
                (digits.len() == 4)
                    .then_some(Last4)
                    .ok_or("must be 4 digits")
            }
        }
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Card {
            last4: Last4,
            n: Option<u32>,
        }
        for (body, path) in [
            (r#"{"last4":"123456789","n":1}"#, "last4"),
            (r#"{"n":1,"last4":"123456789"}"#, "."),
        ] {
            let error = serde_json::from_str::<Card>(body).unwrap_err();
            assert_eq!(at(body.as_bytes(), &error), path, "{body}");
        }
    }

    #[test]
    fn undeclared_keys_are_placeholders_and_depth_is_capped() {
        let path = |body: &str| {
            let error = serde_json::from_str::<Page>(body).unwrap_err();
            at(body.as_bytes(), &error)
        };
        // Bodies cut short inside a skipped member, so the path names it.
        assert_eq!(
            path(r#"{"data":[{"id":"a","x\u001b[31m\n":[1,"#),
            "data[0].{key}[1]"
        );
        let long = "k".repeat(100);
        assert_eq!(
            path(&format!(r#"{{"data":[{{"id":"a","{long}":"#)),
            "data[0].{key}"
        );
        // Escaped, a declared name is still that name.
        assert_eq!(
            path(r#"{"data":[{"id":"a","\u006derchant":{"x":"#),
            "data[0].merchant.{key}"
        );
        assert_eq!(key_text(b"\"x\x1b\""), "{key}");
        let deep = path(&format!(
            r#"{{"data":[{{"id":"a","x":{}"#,
            "[".repeat(100_000)
        ));
        assert!(
            deep.starts_with("data[0].{key}[0][0]") && deep.ends_with("[0]…"),
            "{deep}"
        );
        assert!(deep.len() < 600, "{} bytes", deep.len());
    }

    #[test]
    fn declared_names_are_sorted_printable_names() {
        assert!(DECLARED_NAMES.windows(2).all(|pair| pair[0] < pair[1]));
        for name in DECLARED_NAMES {
            assert!(name.chars().all(|c| c.is_ascii_graphic()), "{name}");
            assert_eq!(declared(name), Some(name));
        }
        assert_eq!(declared("jane.doe@example.com"), None);
    }

    #[test]
    fn redact_map_keys_in_paths_but_keep_declared_names() {
        let path = |body: &str| {
            let error = serde_json::from_str::<Page>(body).unwrap_err();
            at(body.as_bytes(), &error)
        };
        assert_eq!(
            path(r#"{"data":[{"id":"a","metadata":{"jane.doe@example.com":"#),
            "data[0].metadata.{key}"
        );
        assert_eq!(
            path("{\"data\":[{\"id\":\"a\",\"x\u{202e}y\":{\"id\":["),
            "data[0].{key}.id[0]"
        );
    }

    #[test]
    fn a_truncated_or_trailing_body_points_at_what_is_open() {
        let body = br#"{"data":[{"id":"a""#;
        let error = serde_json::from_slice::<Page>(body).unwrap_err();
        assert_eq!(at(body, &error), "data[0].id");
        let body = br#"{"data":[],"has_more":true} x"#;
        let error = serde_json::from_slice::<Page>(body).unwrap_err();
        assert_eq!(at(body, &error), ".");
    }
}
