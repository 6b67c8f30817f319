//! `canonicalize` against the algorithm it replaced, on random JSON text.
//!
//! The SDK's canonical form used to be computed by capturing each value as a
//! `RawValue` and re-parsing each object and array one level at a time, which
//! scanned every value once per level it was nested in. The one-pass version
//! must give the same bytes, and refuse the same bodies for the same reasons
//! (the same duplicate's offset, the same first error in walk order), on any
//! input; `reference` below is that earlier algorithm, kept only as the oracle.

use imprint::webhook::{CanonicalError, MAX_DEPTH, canonicalize};
use proptest::prelude::*;

/// The earlier algorithm, as it was (minus its error messages' wording).
mod reference {
    use std::fmt;

    use imprint::webhook::{CanonicalError, MAX_DEPTH};
    use serde::Deserialize;
    use serde::de::{Deserializer, MapAccess, Visitor};
    use serde_json::value::RawValue;

    fn not_json(error: serde_json::Error) -> CanonicalError {
        CanonicalError::NotJson(error.to_string())
    }

    pub fn canonicalize(body: &[u8]) -> Result<Vec<u8>, CanonicalError> {
        let text = std::str::from_utf8(body).map_err(|_| CanonicalError::NotUtf8)?;
        let root: &RawValue = serde_json::from_str(text).map_err(not_json)?;
        let mut out = Vec::new();
        write_value(text, root, 1, &mut out)?;
        Ok(out)
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
                members.sort_by(|a, b| a.0.cmp(&b.0));
                if members.windows(2).any(|pair| pair[0].0 == pair[1].0) {
                    return Err(CanonicalError::DuplicateKey {
                        offset: text.as_ptr() as usize - body.as_ptr() as usize,
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
            _ => {
                out.extend_from_slice(text.as_bytes());
                Ok(())
            }
        }
    }

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
                        let key: String = serde_json::from_str(raw_key.get())
                            .map_err(serde::de::Error::custom)?;
                        members.push((key, raw_key, value));
                    }
                    Ok(Members(members))
                }
            }

            deserializer.deserialize_map(MembersVisitor)
        }
    }
}

/// Key spellings: plain, escaped spellings of the same key (so duplicates
/// arise after decoding), characters on both sides of U+FFFF, and a lone
/// surrogate (which no key may hold).
const KEYS: [&str; 14] = [
    "a",
    "b",
    r"\u0061",
    r"\u0062",
    "é",
    r"\u00e9",
    "😀",
    r"\ud83d\ude00",
    r"\uFFFD",
    r#"\""#,
    r"\n",
    r"\/",
    "z y",
    r"\ud800",
];

/// Scalars in spellings a re-serialization would change.
const SCALARS: [&str; 14] = [
    "0",
    "-0",
    "1.50",
    "1E+5",
    "-2.5e-3",
    "12345678901234567890123",
    "true",
    "false",
    "null",
    r#""x y""#,
    r#""caf\u00e9 \/ é""#,
    r#""\ud800""#,
    r#""""#,
    r#""\"}]""#,
];

fn whitespace() -> impl Strategy<Value = String> {
    "[ \t\n\r]{0,2}"
}

fn key() -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(KEYS.to_vec()), 1..3)
        .prop_map(|parts| format!("\"{}\"", parts.concat()))
}

/// JSON text with random whitespace, nested up to a few levels.
fn value() -> impl Strategy<Value = String> {
    let scalar = (whitespace(), proptest::sample::select(SCALARS.to_vec()))
        .prop_map(|(ws, scalar)| format!("{ws}{scalar}{ws}"));
    scalar.prop_recursive(6, 64, 5, |inner| {
        prop_oneof![
            (whitespace(), proptest::collection::vec(inner.clone(), 0..5))
                .prop_map(|(ws, items)| format!("[{ws}{}]", items.join(","))),
            (
                whitespace(),
                proptest::collection::vec((key(), whitespace(), inner), 0..5)
            )
                .prop_map(|(ws, members)| {
                    let members: Vec<String> = members
                        .into_iter()
                        .map(|(key, ws, value)| format!("{ws}{key}{ws}:{value}"))
                        .collect();
                    format!("{{{ws}{}}}", members.join(","))
                }),
        ]
    })
}

/// A value inside `levels` single-member containers, so that some bodies
/// cross [`MAX_DEPTH`] and some stop right at it.
fn nested() -> impl Strategy<Value = String> {
    (
        value(),
        proptest::collection::vec((any::<bool>(), "\"[a-z]{1,2}\""), 0..MAX_DEPTH + 3),
    )
        .prop_map(|(inner, wrappers)| {
            wrappers.iter().rev().fold(inner, |inside, (object, key)| {
                if *object {
                    format!("{{{key}:{inside}}}")
                } else {
                    format!("[{inside}]")
                }
            })
        })
}

/// The same result, or the same refusal: the same variant, and for a
/// duplicate the same offset.
fn same(body: &[u8]) -> Result<(), TestCaseError> {
    let (new, old) = (canonicalize(body), reference::canonicalize(body));
    match (&new, &old) {
        (Ok(a), Ok(b)) => prop_assert_eq!(a, b),
        (Err(CanonicalError::NotJson(_)), Err(CanonicalError::NotJson(_))) => {}
        (Err(a), Err(b)) => prop_assert_eq!(a, b),
        _ => prop_assert!(false, "{:?} vs the earlier {:?}", new, old),
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

    /// Random JSON, nested to both sides of the limit.
    #[test]
    fn the_one_pass_form_is_the_earlier_algorithms(body in nested(), ws in whitespace()) {
        same(format!("{ws}{body}{ws}").as_bytes())?;
    }

    /// Random JSON with one byte changed, removed or added: mostly not JSON,
    /// sometimes another value.
    #[test]
    fn damaged_bodies_are_refused_alike(
        body in value(),
        index in any::<prop::sample::Index>(),
        byte in proptest::sample::select(b"{}[]\",:\\ 0ae-".to_vec()),
        edit in 0u8..3,
    ) {
        let mut body = body.into_bytes();
        let at = index.index(body.len() + 1);
        match edit {
            0 => body.insert(at, byte),
            1 if at < body.len() => {
                body.remove(at);
            }
            _ if at < body.len() => body[at] = byte,
            _ => body.push(byte),
        }
        same(&body)?;
    }
}

#[test]
fn the_earlier_algorithm_is_the_oracle_of_the_known_cases() {
    // The oracle agrees with the unit tests' expectations, so a difference
    // found above is a difference from the documented behaviour.
    for (body, expected) in [
        (
            r#"{"hello": "world", "amount": 5000}"#,
            Ok(r#"{"amount":5000,"hello":"world"}"#),
        ),
        (
            r#"{"😀":4,"\uFFFD":3,"é":2,"z":1,"\u0062":0,"a":-1}"#,
            Ok(r#"{"a":-1,"\u0062":0,"z":1,"é":2,"\uFFFD":3,"😀":4}"#),
        ),
        (
            r#"[0, {"a":{}, "b":0, "a":{}}]"#,
            Err(CanonicalError::DuplicateKey { offset: 4 }),
        ),
    ] {
        let expected = expected.map(|text| text.as_bytes().to_vec());
        assert_eq!(reference::canonicalize(body.as_bytes()), expected);
        assert_eq!(canonicalize(body.as_bytes()), expected);
    }
}
