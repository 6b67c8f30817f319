//! Request validation against the spec, like a validating mock server.
//!
//! `requests.json` holds, per `operationId`, the spec's query parameters and
//! request body schema with every `$ref` inlined. `cargo xtask codegen` writes
//! it from `openapi.yaml` and its drift check fails when it no longer matches
//! the spec. A small validator over
//! the keywords those schemas use is much lighter to build than a general JSON
//! Schema engine, and lets the messages read like Imprint's own
//! (`limit: must be an integer of at least 1`).

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::{Map, Value};

/// The member of `requests.json` that records what generated it (JSON has no
/// comments for the generator's header); it is not an operation.
const STAMP: &str = "$generated";

/// The request schemas of one operation.
pub(crate) struct RequestSchema {
    query: Vec<(String, bool, Value)>,
    body: Option<(bool, Value)>,
    /// The operation documents its 400 as the `ApiError` envelope rather than
    /// the validation shape.
    envelope: bool,
}

fn table() -> &'static HashMap<String, RequestSchema> {
    static TABLE: OnceLock<HashMap<String, RequestSchema>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let raw: Map<String, Value> = serde_json::from_str(include_str!("requests.json"))
            .expect("requests.json is a JSON object");
        raw.into_iter()
            .filter(|(id, _)| id != STAMP)
            .map(|(id, entry)| {
                let query = entry["query"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|p| {
                        let name = p["name"].as_str().unwrap_or_default().to_string();
                        (name, p["required"] == true, p["schema"].clone())
                    })
                    .collect();
                let body = entry
                    .get("body")
                    .filter(|b| !b.is_null())
                    .map(|b| (b["required"] == true, b["schema"].clone()));
                let envelope = entry["invalid"] == "ApiError";
                (
                    id,
                    RequestSchema {
                        query,
                        body,
                        envelope,
                    },
                )
            })
            .collect()
    })
}

/// Checks the query parameters of `operation` (text, as received) and returns
/// them typed as their schemas say, or the first problem as `field: message`.
pub(crate) fn query(
    operation: &str,
    given: &HashMap<String, String>,
) -> Result<Map<String, Value>, String> {
    let mut typed = Map::new();
    let Some(schema) = table().get(operation) else {
        return Ok(typed);
    };
    for (name, required, schema) in &schema.query {
        let Some(text) = given.get(name) else {
            if *required {
                return Err(format!("{name}: is required"));
            }
            continue;
        };
        let value = match schema["type"].as_str() {
            Some("integer") => text
                .parse::<i64>()
                .map(Value::from)
                .map_err(|_| format!("{name}: must be an integer"))?,
            Some("boolean") => text
                .parse::<bool>()
                .map(Value::from)
                .map_err(|_| format!("{name}: must be a boolean"))?,
            _ => Value::from(text.as_str()),
        };
        check(schema, &value, name)?;
        typed.insert(name.clone(), value);
    }
    Ok(typed)
}

/// Checks the body of `operation` and returns it parsed (`{}` when the body is
/// optional and absent), or the first problem as `field: message`.
pub(crate) fn body(operation: &str, bytes: &[u8]) -> Result<Value, String> {
    let Some((required, schema)) = table().get(operation).and_then(|s| s.body.as_ref()) else {
        return Ok(Value::Null);
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return if *required {
            Err("body: is required".into())
        } else {
            Ok(Value::Object(Map::new()))
        };
    }
    let mut value: Value =
        serde_json::from_slice(bytes).map_err(|_| "body: is not valid JSON".to_string())?;
    integral_floats_as_integers(schema, &mut value);
    check(schema, &value, "body")?;
    Ok(value)
}

/// JSON Schema counts `2.0` as an integer, but serde_json holds it as an f64,
/// which the format bounds and the routes (`as_i64`, `as_u64`) would not see
/// as one: every integral f64 where the schema says integer becomes the
/// integer it is, when 64 bits hold it (one beyond stays an f64, and the
/// bounds refuse it as such).
fn integral_floats_as_integers(schema: &Value, value: &mut Value) {
    for member in schema["allOf"].as_array().into_iter().flatten() {
        integral_floats_as_integers(member, value);
    }
    match value {
        Value::Number(number) if schema["type"] == "integer" && number.is_f64() => {
            let float = number.as_f64().unwrap_or(f64::NAN);
            // Both bounds are powers of two, exact as f64: below them the
            // casts are exact too.
            if float.fract() == 0.0 && (-(2f64.powi(63))..2f64.powi(63)).contains(&float) {
                *value = Value::from(float as i64);
            } else if float.fract() == 0.0 && (0.0..2f64.powi(64)).contains(&float) {
                *value = Value::from(float as u64);
            }
        }
        Value::Array(items) => {
            for item in items {
                integral_floats_as_integers(&schema["items"], item);
            }
        }
        Value::Object(fields) => {
            for (name, field) in fields {
                match schema["properties"].get(name.as_str()) {
                    Some(property) => integral_floats_as_integers(property, field),
                    None => integral_floats_as_integers(&schema["additionalProperties"], field),
                }
            }
        }
        _ => {}
    }
}

/// Whether `operation` documents its 400 as the `ApiError` envelope.
pub(crate) fn answers_with_envelope(operation: &str) -> bool {
    table().get(operation).is_some_and(|s| s.envelope)
}

/// A JSON integer: a number without a fraction, of any size (serde_json
/// reads one beyond 64 bits as an f64).
fn is_integer(value: &Value) -> bool {
    value.is_i64()
        || value.is_u64()
        || value
            .as_f64()
            .is_some_and(|f| f.is_finite() && f.fract() == 0.0)
}

/// Validates `value` against `schema`; `at` names it in the message (`body`
/// for the whole body, then `field`, `field.inner`, `list[2]`).
fn check(schema: &Value, value: &Value, at: &str) -> Result<(), String> {
    if value.is_null() {
        return if schema["nullable"] == true || schema["type"].is_null() {
            Ok(())
        } else {
            Err(format!("{at}: must not be null"))
        };
    }
    for member in schema["allOf"].as_array().into_iter().flatten() {
        check(member, value, at)?;
    }
    let fits = match schema["type"].as_str() {
        Some("object") => value.is_object(),
        Some("array") => value.is_array(),
        Some("string") => value.is_string(),
        Some("integer") => is_integer(value),
        Some("number") => value.is_number(),
        Some("boolean") => value.is_boolean(),
        _ => true,
    };
    if !fits {
        let kind = match schema["type"].as_str() {
            Some("object") => "an object",
            Some("array") => "an array",
            Some("string") => "a string",
            Some("integer") => "an integer",
            Some("number") => "a number",
            _ => "a boolean",
        };
        return Err(format!("{at}: must be {kind}"));
    }
    if let Some(allowed) = schema["enum"].as_array()
        && !allowed.contains(value)
    {
        let names: Vec<&str> = allowed.iter().filter_map(Value::as_str).collect();
        return Err(format!("{at}: must be one of {}", names.join(", ")));
    }
    if schema["type"] == "integer" {
        // An integer beyond 64 bits is read as the nearest f64: compared as
        // such, it is still beyond a bound it is beyond.
        let compare = |bound: i64| match value.as_i64() {
            Some(n) => n.cmp(&bound),
            None => value
                .as_f64()
                .and_then(|n| n.partial_cmp(&(bound as f64)))
                .unwrap_or(std::cmp::Ordering::Equal),
        };
        if let Some(min) = schema["minimum"].as_i64()
            && compare(min).is_lt()
        {
            return Err(format!("{at}: must be an integer of at least {min}"));
        }
        if let Some(max) = schema["maximum"].as_i64()
            && compare(max).is_gt()
        {
            return Err(format!("{at}: must be an integer of at most {max}"));
        }
        let range = match schema["format"].as_str() {
            Some("int32") => Some((i64::from(i32::MIN), i64::from(i32::MAX))),
            Some("int64") => Some((i64::MIN, i64::MAX)),
            _ => None,
        };
        if let Some((lowest, highest)) = range
            && !value
                .as_i64()
                .is_some_and(|n| (lowest..=highest).contains(&n))
        {
            return Err(format!(
                "{at}: must be an integer from {lowest} to {highest}"
            ));
        }
    }
    if let Some(text) = value.as_str() {
        let length = text.chars().count() as u64;
        if let Some(min) = schema["minLength"].as_u64()
            && length < min
        {
            return Err(format!("{at}: must be at least {min} characters long"));
        }
        if let Some(max) = schema["maxLength"].as_u64()
            && length > max
        {
            return Err(format!("{at}: must be at most {max} characters long"));
        }
        if schema["format"] == "email" && !is_email(text) {
            return Err(format!("{at}: must be a well-formed email address"));
        }
    }
    if let Some(items) = value.as_array() {
        for (i, item) in items.iter().enumerate() {
            check(&schema["items"], item, &format!("{at}[{i}]"))?;
        }
    }
    if let Some(fields) = value.as_object() {
        let child = |name: &str| {
            if at == "body" {
                name.to_string()
            } else {
                format!("{at}.{name}")
            }
        };
        for name in schema["required"].as_array().into_iter().flatten() {
            let name = name.as_str().unwrap_or_default();
            // A name `required` lists but `properties` never declares (the spec
            // has some) cannot be sent through a typed client; holding requests
            // to it would refuse every SDK call, so it is not enforced.
            let declared = schema["properties"].get(name).is_some();
            if declared && !fields.contains_key(name) {
                return Err(format!("{}: is required", child(name)));
            }
        }
        let properties = schema["properties"].as_object();
        for (name, field) in fields {
            match properties.and_then(|p| p.get(name)) {
                Some(property) => check(property, field, &child(name))?,
                None => match &schema["additionalProperties"] {
                    Value::Bool(false) => {
                        return Err(format!("{}: is not a known field", child(name)));
                    }
                    extra @ Value::Object(_) => check(extra, field, &child(name))?,
                    _ => {}
                },
            }
        }
    }
    Ok(())
}

/// The shape Imprint's validation accepts: something before one `@` and a
/// dotted domain after it.
fn is_email(text: &str) -> bool {
    match text.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.split('.').count() >= 2
                && domain.split('.').all(|part| !part.is_empty())
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn integers_are_bounded_by_their_format_and_may_be_of_any_size_without_one() {
        let int32 = json!({ "type": "integer", "minimum": 1, "format": "int32" });
        let int64 = json!({ "type": "integer", "format": "int64" });
        let any = json!({ "type": "integer" });
        let read = |text: &str| serde_json::from_str::<Value>(text).unwrap();
        assert_eq!(check(&int32, &read("2147483647"), "limit"), Ok(()));
        assert_eq!(
            check(&int32, &read("2147483648"), "limit"),
            Err("limit: must be an integer from -2147483648 to 2147483647".into())
        );
        assert_eq!(check(&int64, &read("9223372036854775807"), "n"), Ok(()));
        for beyond in ["9223372036854775808", "123456789012345678901234567890"] {
            assert_eq!(
                check(&int64, &read(beyond), "n"),
                Err(
                    "n: must be an integer from -9223372036854775808 to 9223372036854775807".into()
                )
            );
            assert_eq!(check(&any, &read(beyond), "n"), Ok(()), "{beyond}");
        }
        assert_eq!(
            check(&int32, &read("-123456789012345678901234567890"), "limit"),
            Err("limit: must be an integer of at least 1".into())
        );
        assert_eq!(
            check(&any, &read("1.5"), "n"),
            Err("n: must be an integer".into())
        );
    }

    #[test]
    fn every_keyword_names_the_field() {
        let schema = json!({
            "type": "object",
            "required": ["customer_id", "undeclared"],
            "properties": {
                "customer_id": { "type": "string" },
                "limit": { "type": "integer", "minimum": 1 },
                "kind": { "type": "string", "enum": ["A", "B"] },
                "dob": { "type": "object", "properties": { "month": { "type": "integer", "maximum": 12 } } },
                "lines": { "type": "array", "items": { "type": "object", "required": ["rate"], "properties": { "rate": { "type": "integer" } } } },
                "email": { "type": "string", "format": "email" },
                "tags": { "type": "object", "additionalProperties": { "type": "string" } },
                "note": { "type": "string", "nullable": true }
            }
        });
        let problem = |value: Value| check(&schema, &value, "body").unwrap_err();
        assert_eq!(problem(json!({})), "customer_id: is required");
        assert_eq!(
            problem(json!({ "customer_id": 5 })),
            "customer_id: must be a string"
        );
        assert_eq!(
            problem(json!({ "customer_id": "c", "limit": 0 })),
            "limit: must be an integer of at least 1"
        );
        assert_eq!(
            problem(json!({ "customer_id": "c", "kind": "C" })),
            "kind: must be one of A, B"
        );
        assert_eq!(
            problem(json!({ "customer_id": "c", "dob": { "month": 13 } })),
            "dob.month: must be an integer of at most 12"
        );
        assert_eq!(
            problem(json!({ "customer_id": "c", "lines": [{ "rate": 1 }, {}] })),
            "lines[1].rate: is required"
        );
        assert_eq!(
            problem(json!({ "customer_id": "c", "email": "nope" })),
            "email: must be a well-formed email address"
        );
        assert_eq!(
            problem(json!({ "customer_id": "c", "tags": { "x": 1 } })),
            "tags.x: must be a string"
        );
        assert_eq!(
            problem(json!({ "customer_id": "c", "limit": null })),
            "limit: must not be null"
        );
        assert!(
            check(
                &schema,
                &json!({ "customer_id": "c", "note": null, "extra": 1 }),
                "body"
            )
            .is_ok()
        );
        assert_eq!(
            check(&schema, &json!([]), "body").unwrap_err(),
            "body: must be an object"
        );
    }

    #[test]
    fn the_table_holds_every_operation_and_nothing_else() {
        let mut listed: Vec<&str> = table().keys().map(String::as_str).collect();
        let mut operations: Vec<&str> = imprint::OperationMeta::all()
            .iter()
            .map(|meta| meta.id)
            .collect();
        listed.sort_unstable();
        operations.sort_unstable();
        assert_eq!(listed, operations);
    }
}
