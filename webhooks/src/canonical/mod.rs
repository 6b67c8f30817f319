//! The canonical JSON form of a body, for [`MessageReading::CanonicalJson`](super::MessageReading::CanonicalJson).
//!
//! This work is done before the body is authenticated, so none of it depends
//! on how deeply the body nests: [`tape`] checks the body and records where
//! each token starts and ends in one pass, then [`write_value`] walks the
//! tape, sorting each object's members, and copies each token's bytes to the
//! output once. serde_json words the errors and decodes keys with escapes.

use std::fmt;

use serde::de::IgnoredAny;

use imprint_types::redact;

mod tape;

use tape::{Token, tape};

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
    // simdutf8 checks a payload's mix of ASCII and accented text about twice
    // as fast as `std::str::from_utf8` (measured on BENCHMARKS.md's section 9 body).
    let text = simdutf8::basic::from_utf8(body).map_err(|_| CanonicalError::NotUtf8)?;
    let tokens = tape(body, MAX_DEPTH).map_err(|at| not_json(text, at))?;
    let mut out = Vec::with_capacity(body.len());
    write_value(
        &Body {
            text,
            tokens: &tokens,
        },
        0,
        1,
        &mut out,
    )?;
    Ok(out)
}

/// Why `text` is not JSON, as serde_json words it (with its position); `at`
/// is where [`tape`] stopped, should serde_json see no fault.
fn not_json(text: &str, at: usize) -> CanonicalError {
    CanonicalError::NotJson(match serde_json::from_str::<IgnoredAny>(text) {
        Err(error) => redact::serde_message(&error.to_string()),
        Ok(_) => format!("unexpected input at byte {at}"),
    })
}

/// The body and its tape.
struct Body<'a> {
    text: &'a str,
    tokens: &'a [Token],
}

impl Body<'_> {
    /// The index of the token after the value starting at `index`.
    fn after(&self, index: usize) -> usize {
        match self.tokens[index] {
            Token::Open { next, .. } => next,
            Token::Scalar { .. } | Token::Key { .. } => index + 1,
        }
    }

    /// Where the key whose token is at `index` is written (quotes included),
    /// and whether it has escapes.
    fn key(&self, index: usize) -> (usize, usize, bool) {
        let Token::Key {
            start,
            end,
            escaped,
        } = self.tokens[index]
        else {
            unreachable!("an object's tokens alternate key, value");
        };
        (start, end, escaped)
    }

    /// The key written at `start..end`, escapes decoded.
    fn decode_key(&self, start: usize, end: usize) -> Result<String, CanonicalError> {
        // The tape checked the escapes; decoding to a `String` also requires
        // every `\u` surrogate to be paired, which is all that can fail here.
        serde_json::from_str(&self.text[start..end]).map_err(|_| {
            CanonicalError::NotJson(format!(
                "the key at byte {start} has an unpaired surrogate escape"
            ))
        })
    }
}

/// An object's member: its decoded key and the index of its key's token.
/// Small, since sorting moves them.
type Member<'a> = (&'a str, usize);

/// Writes the canonical form of the value whose token is at `index`, nested
/// `depth` deep. Recursion is bounded by [`MAX_DEPTH`].
fn write_value(
    body: &Body<'_>,
    index: usize,
    depth: usize,
    out: &mut Vec<u8>,
) -> Result<(), CanonicalError> {
    match body.tokens[index] {
        // A string, number, `true`, `false`, `null` or an array of those
        // without whitespace, exactly as written.
        Token::Scalar { start, end } => {
            out.extend_from_slice(&body.text.as_bytes()[start..end]);
            Ok(())
        }
        Token::Key { .. } => unreachable!("keys are written with their members"),
        Token::Open { .. } if depth > MAX_DEPTH => Err(CanonicalError::TooDeep),
        Token::Open {
            object: false,
            next,
            ..
        } => {
            out.push(b'[');
            let mut item = index + 1;
            while item < next {
                if item > index + 1 {
                    out.push(b',');
                }
                write_value(body, item, depth + 1, out)?;
                item = body.after(item);
            }
            out.push(b']');
            Ok(())
        }
        Token::Open {
            object: true,
            offset,
            next,
        } => {
            let mut decoded = Vec::new();
            let mut members: Vec<Member<'_>> = Vec::new();
            let mut key = index + 1;
            while key < next {
                let (start, end, escaped) = body.key(key);
                // A key with escapes is named once all are decoded, below.
                let name = if escaped {
                    decoded.push(body.decode_key(start, end)?);
                    ""
                } else {
                    &body.text[start + 1..end - 1]
                };
                members.push((name, key));
                key = body.after(key + 1);
            }
            if !decoded.is_empty() {
                let mut decoded = decoded.iter();
                for (name, key) in &mut members {
                    if body.key(*key).2 {
                        *name = decoded.next().expect("one per escaped key").as_str();
                    }
                }
            }
            if !in_order(&mut members) {
                return Err(CanonicalError::DuplicateKey { offset });
            }
            let bytes = body.text.as_bytes();
            out.push(b'{');
            for (position, &(_, key)) in members.iter().enumerate() {
                if position > 0 {
                    out.push(b',');
                }
                let (start, end, _) = body.key(key);
                match body.tokens[key + 1] {
                    // A key, its colon and a value that is its own canonical
                    // form, written without whitespace: one copy for the three.
                    Token::Scalar {
                        start: value_start,
                        end: value_end,
                    } if value_start == end + 1 => {
                        out.extend_from_slice(&bytes[start..value_end]);
                    }
                    _ => {
                        out.extend_from_slice(&bytes[start..end]);
                        out.push(b':');
                        write_value(body, key + 1, depth + 1, out)?;
                    }
                }
            }
            out.push(b'}');
            Ok(())
        }
    }
}

/// Sorts an object's members by their decoded keys; false if two keys are
/// the same.
///
/// Keys written in order, or in reverse order, are recognised in one pass
/// that also shows them all different (a strictly monotone sequence has no
/// repeats), so the usual payload costs one comparison per member rather
/// than a sort's and then the duplicate check's.
fn in_order(members: &mut [Member<'_>]) -> bool {
    if members.windows(2).all(|pair| pair[0].0 < pair[1].0) {
        return true;
    }
    if members.windows(2).all(|pair| pair[0].0 > pair[1].0) {
        members.reverse();
        return true;
    }
    // Any sort keeps equal keys adjacent, which is all the check needs; an
    // unstable one needs no scratch buffer the size of the object.
    members.sort_unstable_by(|a, b| a.0.cmp(b.0));
    members.windows(2).all(|pair| pair[0].0 != pair[1].0)
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
    fn compact_arrays_of_scalars_are_copied_and_others_rewritten() {
        assert_eq!(
            canonical(r#"{"b":[1,"x,]",true,null],"a":[]}"#).unwrap(),
            r#"{"a":[],"b":[1,"x,]",true,null]}"#
        );
        assert_eq!(
            canonical(r#"[1, 2,[3 ,{"b":1,"a":2}],[ ]]"#).unwrap(),
            r#"[1,2,[3,{"a":2,"b":1}],[]]"#
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
    fn keys_in_order_in_reverse_or_mixed_are_sorted_and_repeats_found() {
        for (keys, sorted) in [
            (&["a", "b", "c"][..], Some(&["a", "b", "c"][..])),
            (&["c", "b", "a"], Some(&["a", "b", "c"])),
            (&["b", "c", "a"], Some(&["a", "b", "c"])),
            (&["a", "b", "b"], None),
            (&["c", "b", "b", "a"], None),
            (&["b", "a", "b"], None),
            (&["a"], Some(&["a"])),
            (&[], Some(&[])),
        ] {
            let mut members: Vec<Member<'_>> =
                keys.iter().enumerate().map(|(i, key)| (*key, i)).collect();
            let outcome =
                in_order(&mut members).then(|| members.iter().map(|m| m.0).collect::<Vec<_>>());
            assert_eq!(outcome.as_deref(), sorted, "{keys:?}");
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
