//! Methods on generated types (`impl` blocks the generator cannot write).

use std::num::NonZeroU64;

#[cfg(feature = "chrono")]
use chrono::{Datelike, NaiveDate};

use crate::calendar::Date;
use crate::types::DateOfBirth;
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

    /// The date as a [`NaiveDate`], when all three parts are present and make
    /// a calendar day (a date read back from the API may lack one). Feature
    /// `chrono`.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use imprint::types::DateOfBirth;
    /// let dob = DateOfBirth::try_from(NaiveDate::from_ymd_opt(1990, 1, 31).unwrap())?;
    /// assert_eq!(dob.to_naive_date()?, NaiveDate::from_ymd_opt(1990, 1, 31).unwrap());
    /// let partial = DateOfBirth { year: Some(1990), month: None, day: None };
    /// assert_eq!(partial.to_naive_date().unwrap_err().field(), "date_of_birth");
    /// # Ok::<(), imprint::ValidationError>(())
    /// ```
    #[cfg(feature = "chrono")]
    #[cfg_attr(docsrs, doc(cfg(feature = "chrono")))]
    pub fn to_naive_date(&self) -> Result<NaiveDate, ValidationError> {
        let part = |value: Option<u64>| value.and_then(|v| u32::try_from(v).ok());
        let year = self.year.and_then(|y| i32::try_from(y).ok());
        match (
            year,
            part(self.month.map(NonZeroU64::get)),
            part(self.day.map(NonZeroU64::get)),
        ) {
            (Some(year), Some(month), Some(day)) => NaiveDate::from_ymd_opt(year, month, day),
            _ => None,
        }
        .ok_or_else(|| ValidationError::new("date_of_birth", "is incomplete or not a calendar day"))
    }

    fn from_date(date: Date) -> DateOfBirth {
        DateOfBirth {
            year: Some(date.year),
            month: NonZeroU64::new(u64::from(date.month)),
            day: NonZeroU64::new(u64::from(date.day)),
        }
    }
}

/// Feature `chrono`.
#[cfg(feature = "chrono")]
#[cfg_attr(docsrs, doc(cfg(feature = "chrono")))]
impl TryFrom<NaiveDate> for DateOfBirth {
    type Error = ValidationError;

    /// Checked as [`DateOfBirth::new`] checks: in or after 1900, not in the future.
    fn try_from(date: NaiveDate) -> Result<DateOfBirth, ValidationError> {
        DateOfBirth::new(date.year(), date.month(), date.day())
    }
}

/// Feature `chrono`.
#[cfg(feature = "chrono")]
#[cfg_attr(docsrs, doc(cfg(feature = "chrono")))]
impl TryFrom<&DateOfBirth> for NaiveDate {
    type Error = ValidationError;

    /// See [`DateOfBirth::to_naive_date`].
    fn try_from(date: &DateOfBirth) -> Result<NaiveDate, ValidationError> {
        date.to_naive_date()
    }
}

#[cfg(all(test, feature = "chrono"))]
mod tests {
    use super::*;

    #[test]
    fn naive_dates_go_both_ways_and_are_checked_on_the_way_in() {
        let date = NaiveDate::from_ymd_opt(2000, 2, 29).unwrap();
        let dob = DateOfBirth::try_from(date).unwrap();
        assert_eq!(NaiveDate::try_from(&dob), Ok(date));
        let future = chrono::Utc::now().date_naive() + chrono::Days::new(2);
        for refused in [NaiveDate::from_ymd_opt(1899, 12, 31).unwrap(), future] {
            let error = DateOfBirth::try_from(refused).unwrap_err();
            assert!(error.field().starts_with("date_of_birth"), "{error:?}");
        }
        let not_a_day = DateOfBirth {
            year: Some(1990),
            month: NonZeroU64::new(2),
            day: NonZeroU64::new(30),
        };
        assert!(not_a_day.to_naive_date().is_err());
    }
}

/// Checks over every generated type a refinement changed, enumerated from the
/// generated code.
#[cfg(test)]
mod generated_types {
    use serde_json::{Map, Value, json};

    use crate::types;

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

    /// Whether the generated types' `Debug` redacts a property of this name:
    /// it matches the table's fields exactly, unlike the facade's masking.
    #[cfg(feature = "schemars")]
    fn classified_exactly(name: &str) -> bool {
        use crate::classification::{PERSONAL_FIELDS, SECRET_FIELDS};
        SECRET_FIELDS
            .iter()
            .chain(&PERSONAL_FIELDS)
            .any(|field| *field == name)
    }

    /// An instance of `schema` with every property present: classified
    /// subtrees hold markers, everything else plain values.
    #[cfg(feature = "schemars")]
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
                    let marked = marked || classified_exactly(name);
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

    #[cfg(feature = "schemars")]
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
