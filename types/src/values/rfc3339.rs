//! RFC 3339 text to and from an [`Instant`]: [`parse`] and [`format_millis`].
//!
//! Hand-rolled for the reason `calendar` is; the tests compare it with chrono.

use std::fmt::Write;

use crate::calendar::{Date, Instant};

/// The instant RFC 3339 `text` stands for (RFC 3339 section 5.6:
/// `2025-02-13T19:08:07.123Z`, any offset from -23:59 to +23:59, any number
/// of fractional digits, of which the first nine count). As RFC 3339 allows,
/// `T` and `Z` may be lower case and a space may separate date and time.
/// A leap second (`:60`) counts its nanoseconds on past 999,999,999 in the
/// second before, as chrono does: it sorts after `:59` and before the next
/// minute, and keeps its fraction.
pub fn parse(text: &str) -> Option<Instant> {
    let mut rest = text.as_bytes();
    let year = digits(&mut rest, 4)?;
    expect(&mut rest, b"-")?;
    let month = digits(&mut rest, 2)?;
    expect(&mut rest, b"-")?;
    let day = digits(&mut rest, 2)?;
    expect(&mut rest, b"Tt ")?;
    let hour = digits(&mut rest, 2)?;
    expect(&mut rest, b":")?;
    let minute = digits(&mut rest, 2)?;
    expect(&mut rest, b":")?;
    let second = digits(&mut rest, 2)?;
    let mut nanos: u32 = 0;
    if let [b'.', after @ ..] = rest {
        let count = after.iter().take_while(|b| b.is_ascii_digit()).count();
        if count == 0 {
            return None;
        }
        for place in 0..9 {
            nanos = nanos * 10
                + after
                    .get(place)
                    .filter(|_| place < count)
                    .map_or(0, |d| u32::from(d - b'0'));
        }
        rest = &after[count..];
    }
    let offset_minutes = match rest {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), hours @ .., b':', m1, m2] if hours.len() == 2 => {
            let hours = digits(&mut &hours[..], 2)?;
            let minutes = digits(&mut &[*m1, *m2][..], 2)?;
            if hours > 23 || minutes > 59 {
                return None;
            }
            let minutes = i64::from(hours * 60 + minutes);
            if *sign == b'-' { -minutes } else { minutes }
        }
        _ => return None,
    };
    let date = Date::new(i64::from(year), month, day)?;
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let (second, nanos) = if second == 60 {
        (59, 1_000_000_000 + nanos)
    } else {
        (second, nanos)
    };
    let seconds = i64::from(hour * 3600 + minute * 60 + second) - offset_minutes * 60;
    Some(Instant::at(date, seconds, nanos))
}

/// `instant` as Imprint writes timestamps: `2025-02-13T19:08:07.123Z`, to the
/// millisecond (truncated), years 0000 to 9999 (an instant outside them is
/// written as the nearest one inside); a leap second as `:60`.
pub fn format_millis(instant: Instant) -> String {
    let instant = instant.clamp(FIRST, LAST);
    let (date, seconds) = instant.date_and_seconds();
    let (second, nanos) = match instant.nanos.checked_sub(1_000_000_000) {
        Some(leap) => (60, leap),
        None => (seconds % 60, instant.nanos),
    };
    let mut text = String::with_capacity(24);
    // Writing to a String cannot fail.
    let _ = write!(
        text,
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        date.year,
        date.month,
        date.day,
        seconds / 3600,
        seconds / 60 % 60,
        second,
        nanos / 1_000_000
    );
    text
}

/// `instant` to the millisecond, as [`format_millis`] writes it: so that a
/// timestamp's instant is the one its text says.
pub fn truncate_to_millis(instant: Instant) -> Instant {
    let instant = instant.clamp(FIRST, LAST);
    Instant {
        nanos: instant.nanos / 1_000_000 * 1_000_000,
        ..instant
    }
}

/// 0000-01-01T00:00:00Z.
const FIRST: Instant = Instant {
    seconds: -62_167_219_200,
    nanos: 0,
};

/// 9999-12-31T23:59:59.999999999Z.
const LAST: Instant = Instant {
    seconds: 253_402_300_799,
    nanos: 999_999_999,
};

/// Reads exactly `count` ASCII digits.
fn digits(rest: &mut &[u8], count: usize) -> Option<u32> {
    let (number, after) = rest.split_at_checked(count)?;
    if !number.iter().all(u8::is_ascii_digit) {
        return None;
    }
    *rest = after;
    Some(number.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
}

/// Reads one byte that is one of `allowed`.
fn expect(rest: &mut &[u8], allowed: &[u8]) -> Option<()> {
    let (first, after) = rest.split_first()?;
    allowed.contains(first).then(|| *rest = after)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, SecondsFormat, Utc};
    use proptest::prelude::*;

    fn chrono_instant(text: &str) -> Option<Instant> {
        let parsed = DateTime::parse_from_rfc3339(text).ok()?;
        Some(Instant {
            seconds: parsed.timestamp(),
            nanos: parsed.timestamp_subsec_nanos(),
        })
    }

    #[test]
    fn reads_what_imprint_and_rfc_3339_write() {
        for (text, seconds, nanos) in [
            ("2025-02-13T19:08:07Z", 1_739_473_687, 0),
            ("2025-02-13T19:08:07.000Z", 1_739_473_687, 0),
            ("2025-02-13t19:08:07.5z", 1_739_473_687, 500_000_000),
            (
                "2025-02-13 20:08:07.123456789123+01:00",
                1_739_473_687,
                123_456_789,
            ),
            ("1969-12-31T23:59:59.25-00:00", -1, 250_000_000),
            ("0000-01-01T00:00:00Z", FIRST.seconds, 0),
        ] {
            assert_eq!(parse(text), Some(Instant { seconds, nanos }), "{text}");
        }
    }

    #[test]
    fn refuses_what_is_not_rfc_3339() {
        for text in [
            "",
            "2025-02-13",
            "2025-02-13T19:08:07",
            "2025-02-13T19:08Z",
            "2025-02-13T19:08:07.Z",
            "2025-02-30T19:08:07Z",
            "2025-13-01T19:08:07Z",
            "2025-02-13T24:00:00Z",
            "2025-02-13T19:60:00Z",
            "2025-02-13T19:08:61Z",
            "2025-02-13T19:08:07+24:00",
            "2025-02-13T19:08:07+0100",
            "2025-02-13T19:08:07Z ",
            "+2025-02-13T19:08:07Z",
            "2025-02-13T19:08:07.1e3Z",
            "２025-02-13T19:08:07Z",
        ] {
            assert_eq!(parse(text), None, "{text}");
        }
    }

    #[test]
    fn a_leap_second_counts_on_in_the_second_before_and_is_written_as_60() {
        let leap = |nanos| Instant {
            seconds: 1_483_228_799,
            nanos,
        };
        assert_eq!(parse("2016-12-31T23:59:60Z"), Some(leap(1_000_000_000)));
        assert_eq!(parse("2016-12-31T23:59:60.5Z"), Some(leap(1_500_000_000)));
        assert!(parse("2016-12-31T23:59:59.999Z") < parse("2016-12-31T23:59:60Z"));
        assert!(parse("2016-12-31T23:59:60.5Z") < parse("2017-01-01T00:00:00Z"));
        assert_eq!(
            format_millis(leap(1_500_999_999)),
            "2016-12-31T23:59:60.500Z"
        );
        assert_eq!(truncate_to_millis(leap(1_500_999_999)), leap(1_500_000_000));
    }

    #[test]
    fn writes_milliseconds_and_z_within_the_years_rfc_3339_has() {
        let at = |seconds, nanos| format_millis(Instant { seconds, nanos });
        assert_eq!(at(1_739_473_687, 123_999_999), "2025-02-13T19:08:07.123Z");
        assert_eq!(at(-1, 0), "1969-12-31T23:59:59.000Z");
        assert_eq!(at(i64::MAX, 0), "9999-12-31T23:59:59.999Z");
        assert_eq!(at(i64::MIN, 0), "0000-01-01T00:00:00.000Z");
        assert_eq!(
            truncate_to_millis(Instant {
                seconds: 5,
                nanos: 123_999_999
            }),
            Instant {
                seconds: 5,
                nanos: 123_000_000
            }
        );
    }

    proptest! {
        #[test]
        fn writing_agrees_with_chrono_and_reads_back(
            seconds in FIRST.seconds..=LAST.seconds,
            nanos in 0u32..1_000_000_000,
        ) {
            let instant = Instant { seconds, nanos };
            let text = format_millis(instant);
            let chrono = DateTime::<Utc>::from_timestamp(seconds, nanos).unwrap();
            prop_assert_eq!(&text, &chrono.to_rfc3339_opts(SecondsFormat::Millis, true));
            prop_assert_eq!(parse(&text), Some(truncate_to_millis(instant)));
        }

        /// Text shaped like a timestamp, with every field able to go out of
        /// range, leap seconds included: the two parsers agree (chrono also
        /// takes U+2212 as a minus, which RFC 3339's grammar leaves out).
        #[test]
        fn reading_agrees_with_chrono(
            year in 0u32..10_000, month in 0u32..14, day in 0u32..33,
            separator in prop::sample::select(vec!["T", "t", " ", "_"]),
            hour in 0u32..26, minute in 0u32..62, second in 0u32..62,
            fraction in prop::option::of("[0-9]{1,12}"),
            offset in prop::sample::select(vec!["Z", "z", "+00:00", "-05:30", "+23:59", "+24:00", "-00:60", "Y"]),
        ) {
            let fraction = fraction.map(|digits| format!(".{digits}")).unwrap_or_default();
            let text = format!(
                "{year:04}-{month:02}-{day:02}{separator}{hour:02}:{minute:02}:{second:02}{fraction}{offset}"
            );
            prop_assert_eq!(parse(&text), chrono_instant(&text), "{}", text);
        }
    }
}
