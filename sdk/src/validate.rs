//! Client-side validation: bad input is refused before any byte goes on the wire.
//!
//! Types carry most rules ([`Ssn`](crate::Ssn) is nine digits by construction,
//! `limit` is a `NonZeroU32`). What a type cannot say (a date of birth must be a
//! real calendar day) is checked here, both by the constructor users call and by
//! the request hook, which sees every JSON body however it was built.

use std::fmt;
use std::num::NonZeroU64;

use chrono::{Datelike, NaiveDate};
use serde_json::Value;

use crate::generated::types::DateOfBirth;

/// Input the SDK refused to send. Names the field; never repeats the value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidationError {
    field: String,
    reason: String,
}

impl ValidationError {
    pub(crate) fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        ValidationError {
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// The offending field, as a dotted path (`date_of_birth.month`).
    pub fn field(&self) -> &str {
        &self.field
    }

    /// What is wrong with it.
    pub fn reason(&self) -> &str {
        &self.reason
    }

    /// Reads the message of a generated builder's conversion error (body
    /// builders say `error converting supplied value for limit: …`, parameter
    /// setters `conversion to `:: std :: num :: NonZeroU32` for limit failed`) or
    /// of this type's own `Display` back into a field and a reason.
    pub(crate) fn from_message(message: &str) -> Self {
        const BUILDER: &str = "error converting supplied value for ";
        let message = message.trim();
        if let Some(rest) = message
            .strip_prefix("conversion to `")
            .and_then(|r| r.strip_suffix(" failed"))
            && let Some((target, field)) = rest.rsplit_once("` for ")
        {
            let target = target.rsplit("::").next().unwrap_or(target).trim();
            return ValidationError::new(field, format!("is not a valid {target}"));
        }
        let rest = message.strip_prefix(BUILDER).unwrap_or(message);
        let rest = rest
            .strip_prefix("invalid `")
            .map(|r| r.replacen('`', "", 1))
            .unwrap_or_else(|| rest.to_string());
        match rest.split_once(": ") {
            Some((field, reason)) if !field.contains(' ') => {
                // A nested validation error repeats the field ("ssn: invalid `ssn`: …").
                let reason = reason
                    .strip_prefix(&format!("invalid `{field}`: "))
                    .unwrap_or(reason);
                ValidationError::new(field, reason)
            }
            _ => ValidationError::new("request", rest),
        }
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid `{}`: {}", self.field, self.reason)
    }
}

impl std::error::Error for ValidationError {}

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
        check_date(i64::from(year), u64::from(month), u64::from(day))?;
        Ok(DateOfBirth {
            year: Some(i64::from(year)),
            month: NonZeroU64::new(u64::from(month)),
            day: NonZeroU64::new(u64::from(day)),
        })
    }
}

fn check_date(year: i64, month: u64, day: u64) -> Result<(), ValidationError> {
    if year < 1900 {
        return Err(ValidationError::new(
            "date_of_birth.year",
            "must be 1900 or later",
        ));
    }
    if !(1..=12).contains(&month) {
        return Err(ValidationError::new(
            "date_of_birth.month",
            "must be between 1 and 12",
        ));
    }
    let date = i32::try_from(year)
        .ok()
        .zip(u32::try_from(day).ok())
        .and_then(|(year, day)| NaiveDate::from_ymd_opt(year, month as u32, day))
        .ok_or_else(|| ValidationError::new("date_of_birth", "is not a real calendar date"))?;
    let today = chrono::Utc::now().date_naive();
    if date > today || date.year() > today.year() {
        return Err(ValidationError::new("date_of_birth", "is in the future"));
    }
    Ok(())
}

/// The request-body fields the SDK validates wherever they appear at the top
/// level. Everything else is skipped without being built (this runs on every
/// request with a body).
#[derive(serde::Deserialize)]
struct Checked {
    #[serde(default)]
    ssn: Option<Value>,
    #[serde(default)]
    limit: Option<Value>,
    #[serde(default)]
    date_of_birth: Option<Value>,
}

/// Checks a JSON request body: `ssn`, `date_of_birth` and `limit`, where present.
pub(crate) fn check_body(body: &[u8]) -> Result<(), ValidationError> {
    let Ok(Checked {
        ssn,
        limit,
        date_of_birth,
    }) = serde_json::from_slice::<Checked>(body)
    else {
        return Ok(());
    };
    match ssn {
        None | Some(Value::Null) => {}
        Some(Value::String(text)) => drop(crate::Ssn::new(&text)?),
        Some(_) => return Err(ValidationError::new("ssn", "must be a string of 9 digits")),
    }
    if limit.is_some_and(|limit| !limit.is_null() && limit.as_u64().is_none_or(|n| n < 1)) {
        return Err(ValidationError::new(
            "limit",
            "must be an integer of at least 1",
        ));
    }
    match date_of_birth {
        None | Some(Value::Null) => Ok(()),
        Some(Value::Object(date)) => {
            let part = |name: &str| {
                date.get(name).and_then(Value::as_i64).ok_or_else(|| {
                    ValidationError::new(
                        format!("date_of_birth.{name}"),
                        "is required and must be an integer",
                    )
                })
            };
            let (year, month, day) = (part("year")?, part("month")?, part("day")?);
            check_date(
                year,
                u64::try_from(month).unwrap_or(0),
                u64::try_from(day).unwrap_or(0),
            )
        }
        Some(_) => Err(ValidationError::new(
            "date_of_birth",
            "must be an object with year, month and day",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_must_be_real_days_from_1900() {
        assert!(DateOfBirth::new(2000, 2, 29).is_ok());
        assert_eq!(
            DateOfBirth::new(1900, 2, 29).unwrap_err().field(),
            "date_of_birth"
        );
        assert_eq!(
            DateOfBirth::new(1899, 12, 31).unwrap_err().field(),
            "date_of_birth.year"
        );
        assert_eq!(
            DateOfBirth::new(1990, 13, 1).unwrap_err().field(),
            "date_of_birth.month"
        );
        assert_eq!(
            DateOfBirth::new(1990, 4, 31).unwrap_err().field(),
            "date_of_birth"
        );
        assert_eq!(
            DateOfBirth::new(1990, 4, 0).unwrap_err().field(),
            "date_of_birth"
        );
        assert_eq!(
            DateOfBirth::new(2999, 1, 1).unwrap_err().reason(),
            "is in the future"
        );
    }

    #[test]
    fn bodies_are_checked_field_by_field() {
        assert!(check_body(br#"{"ssn":"123456789","limit":5,"date_of_birth":{"year":1990,"month":1,"day":31}}"#).is_ok());
        assert_eq!(
            check_body(br#"{"ssn":"12345"}"#).unwrap_err().field(),
            "ssn"
        );
        assert_eq!(check_body(br#"{"limit":0}"#).unwrap_err().field(), "limit");
        assert_eq!(
            check_body(br#"{"date_of_birth":{"year":1990,"month":2,"day":30}}"#)
                .unwrap_err()
                .field(),
            "date_of_birth"
        );
        assert_eq!(
            check_body(br#"{"date_of_birth":{"year":1990,"month":2}}"#)
                .unwrap_err()
                .field(),
            "date_of_birth.day"
        );
        assert!(check_body(b"not json").is_ok());
    }

    #[test]
    fn builder_messages_read_back_into_fields() {
        let e = ValidationError::from_message(
            "error converting supplied value for limit: out of range integral type conversion attempted",
        );
        assert_eq!(
            (e.field(), e.reason()),
            ("limit", "out of range integral type conversion attempted")
        );
        let e = ValidationError::from_message(
            &ValidationError::new("date_of_birth.day", "is required").to_string(),
        );
        assert_eq!(
            (e.field(), e.reason()),
            ("date_of_birth.day", "is required")
        );
        let e = ValidationError::from_message(
            "conversion to `:: std :: num :: NonZeroU32` for limit failed",
        );
        assert_eq!(
            (e.field(), e.reason()),
            ("limit", "is not a valid NonZeroU32")
        );
        let e = ValidationError::from_message("something odd happened");
        assert_eq!(e.field(), "request");
    }
}
