//! The canonical JSON form of a body, for [`MessageReading::CanonicalJson`](super::MessageReading::CanonicalJson).
//!
//! serde_json does all of the lexing: each value is first captured as a
//! [`RawValue`] (the exact slice of the body it spans), then objects and arrays
//! are opened one level at a time. That scans a value once per level it is
//! nested in, hence the [`MAX_DEPTH`] limit.

use std::fmt;

use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

use crate::redact;

/// The deepest nesting [`canonicalize`] accepts (the top-level value is depth
/// 1). Far beyond any payload Imprint sends (theirs nest three deep); it bounds
/// the work done on a body before it is authenticated.
pub const MAX_DEPTH: usize = 32;

/// Why a body has no canonical form. Never shows the body's content.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CanonicalError {
    /// The body is not UTF-8.
    NotUtf8,
    /// The body is not one JSON value. The message says where, not what.
    NotJson(String),
    /// An object has the same key twice; `offset` is the byte offset of that
    /// object in the body.
    DuplicateKey {
        /// Where the object starts, in bytes from the start of the body.
        offset: usize,
    },
    /// Objects and arrays are nested deeper than [`MAX_DEPTH`].
    TooDeep,
}

impl fmt::Display for CanonicalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CanonicalError::NotUtf8 => write!(f, "the body is not UTF-8"),
            CanonicalError::NotJson(message) => write!(f, "the body is not JSON: {message}"),
            CanonicalError::DuplicateKey { offset } => write!(
                f,
                "the object at byte {offset} has the same key twice, so it has no canonical form"
            ),
            CanonicalError::TooDeep => write!(
                f,
                "the body is nested deeper than {MAX_DEPTH} levels, the canonical reading's limit"
            ),
        }
    }
}

impl std::error::Error for CanonicalError {}

/// The canonical JSON form of `body`, as [`MessageReading::CanonicalJson`](super::MessageReading::CanonicalJson)
/// signs it:
///
/// - whitespace outside strings is removed;
/// - the members of every object are sorted by key, comparing the decoded keys
///   by Unicode code point (the order of their UTF-8 bytes, as Go's
///   `encoding/json` and Python's `sort_keys` do; RFC 8785 compares UTF-16 code
///   units, which differs only for keys mixing characters above U+FFFF with
///   ones from U+E000 to U+FFFF);
/// - strings (keys included) and numbers are kept exactly as written: their
///   escapes, digits and exponents are not re-spelled, because the body and
///   the signed form come out of the same serializer at Imprint, and a guessed
///   re-spelling could only break agreement, never create it;
/// - array order is kept;
/// - an object with the same key twice (after decoding escapes) is refused
///   ([`CanonicalError::DuplicateKey`]): a sorted form of it would be
///   ambiguous, and two payloads that read differently could share one
///   signature;
/// - objects and arrays nested deeper than [`MAX_DEPTH`] are refused.
///
/// ```
/// let canonical = imprint::webhook::canonicalize(br#"{"hello": "world", "amount": 5000}"#)?;
/// assert_eq!(canonical, br#"{"amount":5000,"hello":"world"}"#);
/// # Ok::<(), imprint::webhook::CanonicalError>(())
/// ```
pub fn canonicalize(body: &[u8]) -> Result<Vec<u8>, CanonicalError> {
    let text = std::str::from_utf8(body).map_err(|_| CanonicalError::NotUtf8)?;
    let root: &RawValue = serde_json::from_str(text).map_err(not_json)?;
    let mut out = Vec::with_capacity(text.len());
    write_value(text, root, 1, &mut out)?;
    Ok(out)
}

fn not_json(error: serde_json::Error) -> CanonicalError {
    CanonicalError::NotJson(redact::serde_message(&error.to_string()))
}

/// Where `part` (a slice of `body`) starts in `body`.
fn offset_in(body: &str, part: &str) -> usize {
    part.as_ptr() as usize - body.as_ptr() as usize
}

fn write_value(
    body: &str,
    value: &RawValue,
    depth: usize,
    out: &mut Vec<u8>,
) -> Result<(), CanonicalError> {
    let text = value.get();
    match text.as_bytes().first() {
        Some(b'{') | Some(b'[') if depth > MAX_DEPTH => Err(CanonicalError::TooDeep),
        Some(b'{') => {
            let Members(mut members) = serde_json::from_str(text).map_err(not_json)?;
            // A stable sort keeps duplicates adjacent, which is all the check needs.
            members.sort_by(|a, b| a.0.cmp(&b.0));
            if members.windows(2).any(|pair| pair[0].0 == pair[1].0) {
                return Err(CanonicalError::DuplicateKey {
                    offset: offset_in(body, text),
                });
            }
            out.push(b'{');
            for (index, (_, raw_key, member)) in members.iter().enumerate() {
                if index > 0 {
                    out.push(b',');
                }
                out.extend_from_slice(raw_key.get().as_bytes());
                out.push(b':');
                write_value(body, member, depth + 1, out)?;
            }
            out.push(b'}');
            Ok(())
        }
        Some(b'[') => {
            let items: Vec<&RawValue> = serde_json::from_str(text).map_err(not_json)?;
            out.push(b'[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(b',');
                }
                write_value(body, item, depth + 1, out)?;
            }
            out.push(b']');
            Ok(())
        }
        // A string, number, `true`, `false` or `null`, exactly as written.
        _ => {
            out.extend_from_slice(text.as_bytes());
            Ok(())
        }
    }
}

/// An object's members in body order: the decoded key (to sort and compare),
/// the key as written (to output), and the value as written.
struct Members<'a>(Vec<(String, &'a RawValue, &'a RawValue)>);

impl<'de> Deserialize<'de> for Members<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MembersVisitor;

        impl<'de> Visitor<'de> for MembersVisitor {
            type Value = Members<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut members = Vec::new();
                while let Some((raw_key, value)) = map.next_entry::<&RawValue, &RawValue>()? {
                    let key: String =
                        serde_json::from_str(raw_key.get()).map_err(serde::de::Error::custom)?;
                    members.push((key, raw_key, value));
                }
                Ok(Members(members))
            }
        }

        deserializer.deserialize_map(MembersVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canonical(body: &str) -> Result<String, CanonicalError> {
        canonicalize(body.as_bytes()).map(|bytes| String::from_utf8(bytes).unwrap())
    }

    #[test]
    fn the_docs_example() {
        assert_eq!(
            canonical(r#"{"hello": "world", "amount": 5000}"#).unwrap(),
            r#"{"amount":5000,"hello":"world"}"#
        );
    }

    #[test]
    fn sorts_every_level_and_drops_only_insignificant_whitespace() {
        let body = " {\n\t\"b\" : [ {\"z\":1, \"a\" : \"x y\"} , 2 ],\r\n \"a\" : { \"d\":null,\"c\":true } } ";
        assert_eq!(
            canonical(body).unwrap(),
            r#"{"a":{"c":true,"d":null},"b":[{"a":"x y","z":1},2]}"#
        );
    }

    #[test]
    fn keeps_scalars_exactly_as_written() {
        let body = r#"{"n":[1.50,-0,1E+5,12345678901234567890123],"s":"caf\u00e9 \/ é"}"#;
        assert_eq!(canonical(body).unwrap(), body);
    }

    #[test]
    fn sorts_by_decoded_key_and_code_point() {
        // `\u0062` is "b"; "é" (U+00E9) sorts after "z", and "😀" (U+1F600)
        // after U+FFFD, which UTF-16 ordering would reverse.
        let body = r#"{"😀":4,"\uFFFD":3,"é":2,"z":1,"\u0062":0,"a":-1}"#;
        assert_eq!(
            canonical(body).unwrap(),
            r#"{"a":-1,"\u0062":0,"z":1,"é":2,"\uFFFD":3,"😀":4}"#
        );
    }

    #[test]
    fn refuses_duplicate_keys_at_any_depth_even_when_spelled_differently() {
        for (body, offset) in [
            (r#"{"a":1,"a":1}"#, 0),
            (r#"{"x":[{"k":1,"\u006b":2}]}"#, 6),
            (r#"[0, {"a":{}, "b":0, "a":{}}]"#, 4),
        ] {
            assert_eq!(
                canonical(body),
                Err(CanonicalError::DuplicateKey { offset }),
                "{body}"
            );
        }
    }

    #[test]
    fn refuses_what_is_not_one_json_value_without_echoing_it() {
        assert_eq!(canonicalize(b"\xff{}"), Err(CanonicalError::NotUtf8));
        for body in [
            "",
            "{",
            r#"{"secret-ish": 1} afterwards"#,
            r#"{"a":01}"#,
            "[1,]",
        ] {
            match canonical(body) {
                Err(CanonicalError::NotJson(message)) => {
                    assert!(
                        !message.contains("secret-ish") && !message.contains("afterwards"),
                        "{message}"
                    )
                }
                other => panic!("{body:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn scalars_at_the_top_level_and_empty_containers() {
        for (body, expected) in [
            (" 12 ", "12"),
            ("\"x\"", "\"x\""),
            ("{ }", "{}"),
            ("[ ]", "[]"),
        ] {
            assert_eq!(canonical(body).unwrap(), expected);
        }
    }

    #[test]
    fn nesting_is_limited() {
        let at_limit = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert_eq!(canonical(&at_limit).unwrap(), at_limit);
        let deeper = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        assert_eq!(canonical(&deeper), Err(CanonicalError::TooDeep));
        let objects = format!(
            "{}1{}",
            r#"{"a":"#.repeat(MAX_DEPTH + 1),
            "}".repeat(MAX_DEPTH + 1)
        );
        assert_eq!(canonical(&objects), Err(CanonicalError::TooDeep));
    }

    #[test]
    fn the_canonical_form_is_a_fixed_point() {
        let body = r#"{"b":{"y":[3,{"q":1,"p":2}],"x":""},"a":0}"#;
        let once = canonical(body).unwrap();
        assert_eq!(canonical(&once).unwrap(), once);
    }
}
