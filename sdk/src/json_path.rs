//! Where in a JSON document serde_json stopped, as a path (`data[3].id`).
//!
//! A decode error carries serde_json's line and column; this walks the body's
//! structure up to that point and names the value there. Hand-rolled on
//! purpose: `serde_path_to_error` gives the same path but only by decoding the
//! body a second time through a wrapper generic over the response type, which
//! puts a second copy of every response type's `Deserialize` code into each
//! user's binary for every operation it calls. This walk is one function for
//! every type, and it never reads a value's content, only the document's shape
//! and its keys.

/// One open container on the way to the position.
enum Frame {
    /// An object, with the key of the member being read.
    Object(Option<String>),
    /// An array, with the index of the element being read.
    Array(usize),
}

/// The path (`data[0].id`, `.` for the root) that `error`, from decoding
/// `body`, is about. serde_json raises an error just past the value it is
/// about (a scalar of the wrong type, an object missing a field), so the
/// containers still open there, with their current member, name it.
pub(crate) fn at(body: &[u8], error: &serde_json::Error) -> String {
    let stop = offset(body, error.line(), error.column());
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < body.len() && i < stop {
        match body[i] {
            b'{' => stack.push(Frame::Object(None)),
            b'[' => stack.push(Frame::Array(0)),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Frame::Array(index)) => *index += 1,
                Some(Frame::Object(key)) => *key = None,
                None => {}
            },
            b'"' => {
                let end = string_end(body, i);
                if let Some(Frame::Object(key @ None)) = stack.last_mut() {
                    // The member's name: the value that follows is at `.name`.
                    *key = Some(serde_json::from_slice(&body[i..end]).unwrap_or_default());
                }
                i = end;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    render(&stack)
}

/// The byte offset of serde_json's (1-based line, 0-based byte column).
fn offset(body: &[u8], line: usize, column: usize) -> usize {
    let line_start = body
        .iter()
        .enumerate()
        .filter(|(_, byte)| **byte == b'\n')
        .nth(line.saturating_sub(2))
        .map_or(0, |(at, _)| if line > 1 { at + 1 } else { 0 });
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
fn render(stack: &[Frame]) -> String {
    let mut path = String::new();
    for frame in stack {
        match frame {
            Frame::Array(index) => path.push_str(&format!("[{index}]")),
            Frame::Object(Some(key)) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
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
    struct Item {
        id: String,
        tags: Option<Vec<u32>>,
        owner: Option<Owner>,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Owner {
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
                r#"{"data":[{"id":"a"},{"id":"b","tags":[1,"x"]}],"has_more":false}"#,
                "data[1].tags[1]",
            ),
            (
                r#"{"data":[{"id":"a","owner":{"name":"n"}},{"id":"b","owner":{}}],"has_more":false}"#,
                "data[1].owner",
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
    fn a_truncated_or_trailing_body_points_at_what_is_open() {
        let body = br#"{"data":[{"id":"a""#;
        let error = serde_json::from_slice::<Page>(body).unwrap_err();
        assert_eq!(at(body, &error), "data[0].id");
        let body = br#"{"data":[],"has_more":true} x"#;
        let error = serde_json::from_slice::<Page>(body).unwrap_err();
        assert_eq!(at(body, &error), ".");
    }
}
