//! Checks on input that a type cannot express: a date of birth must be a real
//! calendar day, and every JSON body is checked by the request hook however it
//! was built (struct literals and `serde_json::Value`s included).

use serde_json::Value;

use crate::calendar::Date;
use crate::sensitive::Ssn;
use crate::validation::ValidationError;

/// Checks a date of birth: a real calendar day, in or after 1900, not in the future.
pub(crate) fn check_date(year: i64, month: u64, day: u64) -> Result<Date, ValidationError> {
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
    let date = u32::try_from(day)
        .ok()
        .and_then(|day| Date::new(year, month as u32, day))
        .ok_or_else(|| ValidationError::new("date_of_birth", "is not a real calendar date"))?;
    if date > Date::today() {
        return Err(ValidationError::new("date_of_birth", "is in the future"));
    }
    Ok(date)
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
pub fn check_body(body: &[u8]) -> Result<(), ValidationError> {
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
        Some(Value::String(text)) => drop(Ssn::new(&text)?),
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
            .map(drop)
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
        assert!(check_date(2000, 2, 29).is_ok());
        let field = |y, m, d| check_date(y, m, d).unwrap_err().field().to_string();
        assert_eq!(field(1900, 2, 29), "date_of_birth");
        assert_eq!(field(1899, 12, 31), "date_of_birth.year");
        assert_eq!(field(1990, 13, 1), "date_of_birth.month");
        assert_eq!(field(1990, 4, 31), "date_of_birth");
        assert_eq!(field(1990, 4, 0), "date_of_birth");
        assert_eq!(
            check_date(2999, 1, 1).unwrap_err().reason(),
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
}
