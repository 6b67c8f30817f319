//! Methods on generated types (`impl` blocks the generator cannot write).

use std::num::NonZeroU64;

use chrono::{Datelike, NaiveDate};

use crate::generated::types::DateOfBirth;
use crate::validate::check_date;
use crate::validation::ValidationError;

impl DateOfBirth {
    /// A date of birth that is a real calendar day, in or after 1900 and not in
    /// the future.
    ///
    /// ```
    /// use imprint::types::DateOfBirth;
    /// let dob = DateOfBirth::new(1990, 2, 28)?;
    /// assert_eq!(dob.month.map(|m| m.get()), Some(2));
    /// assert_eq!(DateOfBirth::new(1990, 2, 30).unwrap_err().field(), "date_of_birth");
    /// # Ok::<(), imprint::ValidationError>(())
    /// ```
    pub fn new(year: i32, month: u32, day: u32) -> Result<DateOfBirth, ValidationError> {
        check_date(i64::from(year), u64::from(month), u64::from(day)).map(DateOfBirth::from_date)
    }

    fn from_date(date: NaiveDate) -> DateOfBirth {
        DateOfBirth {
            year: Some(i64::from(date.year())),
            month: NonZeroU64::new(u64::from(date.month())),
            day: NonZeroU64::new(u64::from(date.day())),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Map, Value, json};

    use crate::generated::types;

    const UNLISTED: &str = "NOT_IN_THE_SPEC_9";

    #[test]
    fn every_generated_enum_keeps_an_unlisted_value_and_agrees_with_itself() {
        let mut checked = 0;
        macro_rules! probe {
            ($name:ident, [$($listed:literal),*]) => {{
                let value: types::$name = serde_json::from_value(json!(UNLISTED)).unwrap();
                assert!(matches!(value, types::$name::Unlisted(_)), stringify!($name));
                assert_eq!(serde_json::to_value(&value).unwrap(), json!(UNLISTED));
                assert_eq!((value.to_string(), value.as_str()), (UNLISTED.to_string(), UNLISTED));
                assert_eq!(UNLISTED.parse::<types::$name>().unwrap(), value);
                $(
                    let listed: types::$name = serde_json::from_value(json!($listed)).unwrap();
                    assert!(!matches!(listed, types::$name::Unlisted(_)), $listed);
                    assert_eq!((listed.as_str(), listed.to_string()), ($listed, $listed.to_string()));
                    assert_eq!(serde_json::to_value(&listed).unwrap(), json!($listed));
                )*
                checked += 1;
            }};
        }
        types::for_each_open_enum!(probe);
        assert!(checked >= 30, "only {checked} enums");
    }

    /// An instance of `schema` with every property present: classified
    /// subtrees hold markers, everything else plain values.
    fn instance(root: &Value, schema: &Value, marked: bool) -> Value {
        if let Some(target) = schema.get("$ref").and_then(Value::as_str) {
            let name = target.rsplit('/').next().unwrap();
            return instance(root, &root["$defs"][name], marked);
        }
        if let Some(first) = schema.get("enum").and_then(|e| e.get(0)) {
            return first.clone();
        }
        if let Some(value) = schema.get("const") {
            return value.clone();
        }
        for key in ["anyOf", "oneOf", "allOf"] {
            if let Some(options) = schema.get(key).and_then(Value::as_array) {
                let usable = options
                    .iter()
                    .find(|o| o.get("type") != Some(&json!("null")));
                return instance(root, usable.unwrap_or(&options[0]), marked);
            }
        }
        let kind = match schema.get("type") {
            Some(Value::Array(kinds)) => kinds.iter().find(|k| *k != "null").cloned(),
            other => other.cloned(),
        };
        match kind.as_ref().and_then(Value::as_str) {
            Some("object") | None if schema.get("properties").is_some() => {
                let mut object = Map::new();
                for (name, child) in schema["properties"].as_object().unwrap() {
                    let marked = marked || crate::redact::is_classified(name);
                    object.insert(name.clone(), instance(root, child, marked));
                }
                Value::Object(object)
            }
            Some("object") => match schema.get("additionalProperties") {
                Some(values @ Value::Object(_)) => json!({ "k": instance(root, values, marked) }),
                _ if marked => json!({ "k": "PIIM" }),
                _ => json!({}),
            },
            Some("array") => json!([instance(root, &schema["items"], marked)]),
            Some("integer") if marked => json!(11),
            Some("integer") => json!(7),
            Some("number") => json!(1.5),
            Some("boolean") => json!(true),
            Some("string") if schema.get("pattern").is_some() => json!("987654321"),
            Some("string") => {
                let bound = |key: &str| schema.get(key).and_then(Value::as_u64);
                let (min, max) = (bound("minLength").unwrap_or(1), bound("maxLength"));
                let text = if marked {
                    let len = max.unwrap_or(9).clamp(4, 9) as usize;
                    "PIIMARKER"[..len].to_string()
                } else {
                    match schema.get("format").and_then(Value::as_str) {
                        Some("date-time") => "2025-01-01T00:00:00Z".into(),
                        Some("date") => "2025-01-01".into(),
                        // Newtypes with length rules do not show them in their schema: four
                        // characters satisfy every rule the spec has (`last4`).
                        _ => "x".repeat(min.max(4) as usize),
                    }
                };
                json!(text)
            }
            _ => json!("x"),
        }
    }

    #[test]
    fn no_type_with_classified_fields_prints_them_in_debug() {
        let mut checked = 0;
        macro_rules! sentinel {
            ($name:ident) => {{
                let schema = schemars::schema_for!(types::$name).to_value();
                let filled = instance(&schema, &schema, false);
                let value: types::$name = serde_json::from_value(filled.clone())
                    .unwrap_or_else(|e| panic!("{}: {e}: {filled}", stringify!($name)));
                let shown = format!("{value:?}");
                for marker in ["PIIM", "987654321"] {
                    assert!(!shown.contains(marker), "{}: {shown}", stringify!($name));
                }
                assert!(
                    shown.contains(crate::REDACTED),
                    "{}: {shown}",
                    stringify!($name)
                );
                checked += 1;
            }};
        }
        types::for_each_redacted_type!(sentinel);
        assert!(checked >= 20, "only {checked} types");
    }
}
