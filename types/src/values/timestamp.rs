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
use std::time::SystemTime;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::calendar::Instant;
use crate::rfc3339;

/// An RFC 3339 timestamp as Imprint sent it, with its instant when it parses.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use imprint::Timestamp;
///
/// let sent: Timestamp = serde_json::from_str("\"2025-02-13T19:08:07.000Z\"")?;
/// assert_eq!(sent.as_str(), "2025-02-13T19:08:07.000Z");
/// assert_eq!(sent.to_system_time(), Some(UNIX_EPOCH + Duration::from_secs(1_739_473_687)));
///
/// // Text that is not RFC 3339 still decodes, and is kept as it was.
/// let odd: Timestamp = serde_json::from_str("\"2025-02-13 19:08\"")?;
/// assert_eq!(odd.to_system_time(), None);
/// assert_eq!(serde_json::to_string(&odd)?, "\"2025-02-13 19:08\"");
///
/// // Values you send are checked: build them from a time, or parse.
/// assert!(Timestamp::now().to_system_time().is_some());
/// assert!("yesterday".parse::<Timestamp>().is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// With the `chrono` feature (on by default), [`Timestamp::to_datetime`] and
/// `From<DateTime<Utc>>` convert to and from chrono's type.
///
/// Ordering and equality compare the instant first (values that do not parse
/// sort before those that do), then the text.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    instant: Option<Instant>,
    text: String,
}

impl Timestamp {
    /// Parses RFC 3339 text: `2025-02-13T19:08:07.123Z`, any offset from
    /// -23:59 to +23:59, any number of fractional digits (the first nine
    /// count); `T` and `Z` may be lower case and a space may stand for `T`,
    /// as RFC 3339 allows. A leap second (`:60`) sorts after `:59` and before
    /// the next minute, as chrono reads it. The text is kept as given.
    ///
    /// # Errors
    ///
    /// [`TimestampError`] when `text` is not RFC 3339.
    pub fn parse(text: &str) -> Result<Timestamp, TimestampError> {
        Timestamp::try_from(text.to_string())
    }

    /// The current time, written as Imprint writes timestamps
    /// (`2025-02-13T19:08:07.123Z`).
    pub fn now() -> Timestamp {
        Timestamp::from(SystemTime::now())
    }

    /// The text as Imprint sent it (or as it was parsed or formatted).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The instant, when the text is RFC 3339 and the platform's `SystemTime`
    /// can hold it (every year from 1970 to 9999 on every platform). A
    /// `SystemTime` has no leap seconds: `23:59:60.5` becomes half a second
    /// into the next minute, as chrono converts it.
    pub fn to_system_time(&self) -> Option<SystemTime> {
        self.instant.and_then(Instant::to_system_time)
    }

    /// The instant in UTC, when the text is RFC 3339 (feature `chrono`).
    #[cfg(feature = "chrono")]
    #[cfg_attr(docsrs, doc(cfg(feature = "chrono")))]
    pub fn to_datetime(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.instant
            .and_then(|instant| chrono::DateTime::from_timestamp(instant.seconds, instant.nanos))
    }

    /// Keeps any text, parsing it if it can be: what decoding a response does.
    fn lenient(text: String) -> Timestamp {
        Timestamp {
            instant: rfc3339::parse(&text),
            text,
        }
    }

    /// Written to the millisecond with `Z`, as Imprint writes timestamps; the
    /// instant is the one the text says.
    fn formatted(instant: Instant) -> Timestamp {
        Timestamp {
            instant: Some(rfc3339::truncate_to_millis(instant)),
            text: rfc3339::format_millis(instant),
        }
    }
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

/// Written to the millisecond with `Z`, as Imprint writes its timestamps
/// (years 0000 to 9999, the ones RFC 3339 has; a time outside them is
/// written as the nearest one inside).
impl From<SystemTime> for Timestamp {
    fn from(time: SystemTime) -> Timestamp {
        Timestamp::formatted(Instant::from(time))
    }
}

/// Written as `From<SystemTime>` writes it (feature `chrono`).
#[cfg(feature = "chrono")]
#[cfg_attr(docsrs, doc(cfg(feature = "chrono")))]
impl From<chrono::DateTime<chrono::Utc>> for Timestamp {
    fn from(instant: chrono::DateTime<chrono::Utc>) -> Timestamp {
        Timestamp::formatted(Instant {
            seconds: instant.timestamp(),
            nanos: instant.timestamp_subsec_nanos(),
        })
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
        let instant = rfc3339::parse(&text).ok_or(TimestampError)?;
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

/// For optional builder setters: `.expected_date(SystemTime::now())`.
impl crate::IntoOptional<Timestamp> for SystemTime {
    fn into_optional(self) -> Result<Option<Timestamp>, String> {
        Ok(Some(Timestamp::from(self)))
    }
}

/// For optional builder setters: `.expected_date(Utc::now())` (feature `chrono`).
#[cfg(feature = "chrono")]
#[cfg_attr(docsrs, doc(cfg(feature = "chrono")))]
impl crate::IntoOptional<Timestamp> for chrono::DateTime<chrono::Utc> {
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
    use std::time::{Duration, UNIX_EPOCH};

    use super::*;

    #[test]
    fn offsets_keep_their_text_and_compare_by_instant() {
        let utc = Timestamp::parse("2025-01-20T18:18:22.923Z").unwrap();
        let offset = Timestamp::parse("2025-01-20T18:18:22.923+00:00").unwrap();
        assert_eq!(utc.to_system_time(), offset.to_system_time());
        assert_eq!(offset.as_str(), "2025-01-20T18:18:22.923+00:00");
        assert_ne!(utc, offset, "the text differs");
        let later = Timestamp::parse("2025-01-20T19:00:00+01:00").unwrap();
        assert!(later < utc, "18:00 UTC comes before 18:18 UTC");
    }

    #[test]
    fn a_time_is_written_as_imprint_writes_them_and_means_what_it_says() {
        let time = UNIX_EPOCH + Duration::new(1_739_473_687, 123_999_999);
        let timestamp = Timestamp::from(time);
        assert_eq!(timestamp.as_str(), "2025-02-13T19:08:07.123Z");
        assert_eq!(
            Ok(&timestamp),
            Timestamp::parse(timestamp.as_str()).as_ref()
        );
        assert_eq!(
            timestamp.to_system_time(),
            Some(UNIX_EPOCH + Duration::new(1_739_473_687, 123_000_000))
        );
    }

    #[cfg(feature = "chrono")]
    #[test]
    fn chrono_converts_both_ways() {
        let instant = chrono::DateTime::from_timestamp(1_739_473_687, 0).unwrap();
        let timestamp = Timestamp::from(instant);
        assert_eq!(timestamp.as_str(), "2025-02-13T19:08:07.000Z");
        assert_eq!(timestamp.to_datetime(), Some(instant));
        let offset = Timestamp::parse("2025-02-13T20:08:07+01:00").unwrap();
        assert_eq!(offset.to_datetime(), Some(instant));
    }

    #[test]
    fn a_leap_second_sorts_in_time_and_keeps_its_fraction() {
        let [before, leap, leap_and_a_half, after] = [
            "2016-12-31T23:59:59.999Z",
            "2016-12-31T23:59:60Z",
            "2016-12-31T23:59:60.5Z",
            "2017-01-01T00:00:00Z",
        ]
        .map(|text| Timestamp::parse(text).unwrap());
        assert!(before < leap && leap < leap_and_a_half && leap_and_a_half < after);
        assert_eq!(
            leap_and_a_half.to_system_time(),
            Some(UNIX_EPOCH + Duration::new(1_483_228_800, 500_000_000)),
            "a SystemTime has no leap seconds: the one after, as chrono converts it"
        );
    }

    #[cfg(feature = "chrono")]
    #[test]
    fn a_leap_second_converts_both_ways_with_chrono() {
        let leap = chrono::DateTime::parse_from_rfc3339("2016-12-31T23:59:60.5Z")
            .unwrap()
            .to_utc();
        let timestamp = Timestamp::from(leap);
        assert_eq!(timestamp.as_str(), "2016-12-31T23:59:60.500Z");
        assert_eq!(timestamp.to_datetime(), Some(leap));
        assert_eq!(
            Timestamp::parse("2016-12-31T23:59:60.5Z")
                .unwrap()
                .to_datetime(),
            Some(leap)
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
