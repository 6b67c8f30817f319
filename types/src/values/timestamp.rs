//! [`Timestamp`]: every RFC 3339 value of the API, one type.
//!
//! The spec types some timestamps as `format: date-time` and most as plain
//! strings described as RFC 3339; the generator made the first
//! `DateTime<Utc>` and the rest `String`. `cargo xtask codegen` now gives
//! them all this type. It keeps the text Imprint sent, so a value that does
//! not parse (a timestamp without an offset, a new precision) never fails the
//! response it is in, and serializes back byte for byte: a webhook's
//! de-duplication key built from it stays stable.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An RFC 3339 timestamp as Imprint sent it, with its instant when it parses.
///
/// ```
/// use imprint::Timestamp;
///
/// let sent: Timestamp = serde_json::from_str("\"2025-02-13T19:08:07.000Z\"")?;
/// assert_eq!(sent.as_str(), "2025-02-13T19:08:07.000Z");
/// assert_eq!(sent.to_datetime().map(|t| t.timestamp()), Some(1_739_473_687));
///
/// // Text that is not RFC 3339 still decodes, and is kept as it was.
/// let odd: Timestamp = serde_json::from_str("\"2025-02-13 19:08\"")?;
/// assert_eq!(odd.to_datetime(), None);
/// assert_eq!(serde_json::to_string(&odd)?, "\"2025-02-13 19:08\"");
///
/// // Values you send are checked: build them from a `DateTime<Utc>`, or parse.
/// let now = Timestamp::from(imprint::chrono::Utc::now());
/// assert!(now.to_datetime().is_some());
/// assert!("yesterday".parse::<Timestamp>().is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// Ordering and equality compare the instant first (values that do not parse
/// sort before those that do), then the text.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    instant: Option<DateTime<Utc>>,
    text: String,
}

impl Timestamp {
    /// Parses RFC 3339 text (any offset; the instant is kept in UTC, the text
    /// as given).
    ///
    /// # Errors
    ///
    /// [`TimestampError`] when `text` is not RFC 3339.
    pub fn parse(text: &str) -> Result<Timestamp, TimestampError> {
        Timestamp::try_from(text.to_string())
    }

    /// The text as Imprint sent it (or as it was parsed or formatted).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The instant, when the text is RFC 3339.
    pub fn to_datetime(&self) -> Option<DateTime<Utc>> {
        self.instant
    }

    /// Keeps any text, parsing it if it can be: what decoding a response does.
    fn lenient(text: String) -> Timestamp {
        Timestamp {
            instant: instant_of(&text),
            text,
        }
    }
}

/// The instant RFC 3339 `text` stands for, in UTC.
fn instant_of(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|instant| instant.with_timezone(&Utc))
}

/// Text that is not an RFC 3339 timestamp.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimestampError;

impl fmt::Display for TimestampError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("is not an RFC 3339 timestamp (like 2025-02-13T19:08:07Z)")
    }
}

impl std::error::Error for TimestampError {}

/// Formatted with milliseconds and `Z`, as Imprint writes its timestamps.
impl From<DateTime<Utc>> for Timestamp {
    fn from(instant: DateTime<Utc>) -> Timestamp {
        Timestamp {
            instant: Some(instant),
            text: instant.to_rfc3339_opts(SecondsFormat::Millis, true),
        }
    }
}

impl FromStr for Timestamp {
    type Err = TimestampError;

    fn from_str(text: &str) -> Result<Timestamp, TimestampError> {
        Timestamp::parse(text)
    }
}

/// For builder setters: `.expected_date("2025-03-01T00:00:00Z")`.
impl TryFrom<&str> for Timestamp {
    type Error = TimestampError;

    fn try_from(text: &str) -> Result<Timestamp, TimestampError> {
        Timestamp::parse(text)
    }
}

/// Keeps the `String` it is given.
impl TryFrom<String> for Timestamp {
    type Error = TimestampError;

    fn try_from(text: String) -> Result<Timestamp, TimestampError> {
        let instant = instant_of(&text).ok_or(TimestampError)?;
        Ok(Timestamp {
            instant: Some(instant),
            text,
        })
    }
}

/// For optional builder setters: `.expected_date(timestamp)`.
impl crate::IntoOptional<Timestamp> for Timestamp {
    fn into_optional(self) -> Result<Option<Timestamp>, String> {
        Ok(Some(self))
    }
}

/// For optional builder setters: `.expected_date(Utc::now())`.
impl crate::IntoOptional<Timestamp> for DateTime<Utc> {
    fn into_optional(self) -> Result<Option<Timestamp>, String> {
        Ok(Some(Timestamp::from(self)))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({:?})", self.text)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Timestamp, D::Error> {
        String::deserialize(deserializer).map(Timestamp::lenient)
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for Timestamp {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Timestamp".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string", "format": "date-time" })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_keep_their_text_and_compare_by_instant() {
        let utc = Timestamp::parse("2025-01-20T18:18:22.923Z").unwrap();
        let offset = Timestamp::parse("2025-01-20T18:18:22.923+00:00").unwrap();
        assert_eq!(utc.to_datetime(), offset.to_datetime());
        assert_eq!(offset.as_str(), "2025-01-20T18:18:22.923+00:00");
        assert_ne!(utc, offset, "the text differs");
        let later = Timestamp::parse("2025-01-20T19:00:00+01:00").unwrap();
        assert!(later < utc, "18:00 UTC comes before 18:18 UTC");
    }

    #[test]
    fn a_datetime_is_written_as_imprint_writes_them() {
        let instant = DateTime::from_timestamp(1_739_473_687, 0).unwrap();
        assert_eq!(
            Timestamp::from(instant).as_str(),
            "2025-02-13T19:08:07.000Z"
        );
    }

    #[test]
    fn decoding_never_fails_on_a_string_and_round_trips() {
        for text in [
            "",
            "2025-02-13",
            "2025-02-13T19:08:07",
            "tomorrow",
            "2025-02-13T19:08:07.123456789Z",
        ] {
            let json = serde_json::to_string(text).unwrap();
            let decoded: Timestamp = serde_json::from_str(&json).unwrap();
            assert_eq!(serde_json::to_string(&decoded).unwrap(), json);
        }
        assert!(
            serde_json::from_str::<Timestamp>("17").is_err(),
            "a number is not a timestamp"
        );
    }

    #[test]
    fn sending_checks_the_text() {
        assert_eq!(Timestamp::try_from("2025-02-13"), Err(TimestampError));
        assert!(Timestamp::try_from("2025-02-13T19:08:07Z".to_string()).is_ok());
    }
}
