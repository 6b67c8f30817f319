//! RFC 3339 string properties → `format: date-time`, which the generator maps
//! to the facade's `Timestamp` (one type for every timestamp of the API).
//!
//! The spec marks four timestamps `format: date-time` and leaves thirty-odd as
//! plain strings whose description says "RFC-3339" (or whose example is one);
//! generated as they are, two types carried the same kind of value. A string
//! property is a timestamp when its description names RFC 3339 or its example
//! parses as one; a property with another `format` keeps it.

use serde_json::Value;

use super::walk::each_schema;
use super::{Error, Kind, Rewrite, rewrite_at};

/// The format every timestamp gets, which `generate.rs` maps to `Timestamp`.
pub const FORMAT: &str = "date-time";

/// Marks every RFC 3339 string property `format: date-time`.
pub fn rewrite(doc: &mut Value) -> Result<Vec<Rewrite>, Error> {
    let mut marked = Vec::new();
    each_schema(doc, &mut |pointer, schema| {
        let Some(Value::Object(properties)) = schema.get_mut("properties") else {
            return;
        };
        for (name, property) in properties.iter_mut() {
            let Value::Object(property) = property else {
                continue;
            };
            if property.get("type") == Some(&Value::from("string"))
                && !property.contains_key("format")
                && is_timestamp(property)
            {
                property.insert("format".into(), Value::from(FORMAT));
                marked.push(format!("{pointer}/properties/{name}"));
            }
        }
    });
    Ok(marked
        .iter()
        .map(|at| rewrite_at(doc, Kind::Timestamp, at, None))
        .collect())
}

/// A description naming RFC 3339, or an example that is one.
fn is_timestamp(property: &serde_json::Map<String, Value>) -> bool {
    let described = property
        .get("description")
        .and_then(Value::as_str)
        .is_some_and(|text| {
            let text = text.to_ascii_uppercase();
            text.contains("RFC-3339") || text.contains("RFC 3339")
        });
    let example = property
        .get("example")
        .and_then(Value::as_str)
        .is_some_and(|text| chrono::DateTime::parse_from_rfc3339(text).is_ok());
    described || example
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rfc_3339_strings_become_date_times_and_others_stay() {
        let mut doc = json!({ "components": { "schemas": { "Thing": {
            "type": "object",
            "properties": {
                "created_at": { "type": "string", "description": "the RFC-3339 date when it was made" },
                "seen": { "type": "string", "example": "2025-01-20T18:18:22.923+00:00" },
                "marked": { "type": "string", "format": "date-time" },
                "day": { "type": "string", "format": "date", "description": "an RFC 3339 full-date" },
                "name": { "type": "string", "example": "2025 was a good year" },
                "count": { "type": "integer", "description": "RFC 3339 timestamps seen" }
            }
        }}}});
        let rewrites = rewrite(&mut doc).unwrap();
        let at: Vec<&str> = rewrites.iter().map(|r| r.pointer.as_str()).collect();
        assert_eq!(
            at,
            [
                "/components/schemas/Thing/properties/created_at",
                "/components/schemas/Thing/properties/seen"
            ]
        );
        let properties = &doc["components"]["schemas"]["Thing"]["properties"];
        assert_eq!(properties["created_at"]["format"], FORMAT);
        assert_eq!(properties["seen"]["format"], FORMAT);
        assert_eq!(properties["day"]["format"], "date");
        assert!(properties["name"].get("format").is_none());
        assert!(properties["count"].get("format").is_none());
    }
}
