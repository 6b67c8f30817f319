//! Days and instants of the proleptic Gregorian calendar, in UTC: what
//! checking a date of birth and reading an RFC 3339 timestamp need.
//!
//! Hand-rolled rather than taken from chrono: these few conversions are all the
//! SDK needs, and chrono (with num-traits and its build script) held this
//! crate back in a partner's clean build until the two cores were busy with
//! reqwest, putting it on the critical path (BENCHMARKS.md, "Crates as
//! layers"). chrono stays available behind the `chrono` feature, and the
//! tests compare these conversions with it.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

const SECONDS_PER_DAY: i64 = 86_400;

/// A day of the calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    /// The year (1 BC is year 0).
    pub year: i64,
    /// 1 to 12.
    pub month: u32,
    /// 1 to the month's last day.
    pub day: u32,
}

impl Date {
    /// The day, when `day` exists in that month of that year.
    pub fn new(year: i64, month: u32, day: u32) -> Option<Date> {
        (1..=days_in_month(year, month))
            .contains(&day)
            .then_some(Date { year, month, day })
    }

    /// Today in UTC, by the system clock.
    pub fn today() -> Date {
        Date::from_days_since_epoch(Instant::from(SystemTime::now()).days_since_epoch())
    }

    /// Days since 1970-01-01, negative before it (H. Hinnant's
    /// `days_from_civil`: years counted from March, so the leap day ends one).
    pub fn days_since_epoch(self) -> i64 {
        let year = if self.month <= 2 {
            self.year - 1
        } else {
            self.year
        };
        let era = year.div_euclid(400);
        let year_of_era = year.rem_euclid(400);
        let month_from_march = i64::from((self.month + 9) % 12);
        let day_of_year = (153 * month_from_march + 2) / 5 + i64::from(self.day) - 1;
        let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
        era * 146_097 + day_of_era - 719_468
    }

    /// The day `days` after 1970-01-01 (Hinnant's `civil_from_days`).
    pub fn from_days_since_epoch(days: i64) -> Date {
        let days = days + 719_468;
        let era = days.div_euclid(146_097);
        let day_of_era = days.rem_euclid(146_097);
        let year_of_era =
            (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let month_from_march = (5 * day_of_year + 2) / 153;
        let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
        let month = if month_from_march < 10 {
            month_from_march + 3
        } else {
            month_from_march - 9
        };
        Date {
            year: year_of_era + era * 400 + i64::from(month <= 2),
            month: month as u32,
            day: day as u32,
        }
    }
}

/// How many days `month` of `year` has; 0 for a month that is not 1 to 12.
pub fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if year.rem_euclid(4) == 0
            && (year.rem_euclid(100) != 0 || year.rem_euclid(400) == 0) =>
        {
            29
        }
        2 => 28,
        _ => 0,
    }
}

/// A point in time: seconds since 1970-01-01T00:00:00Z (negative before it)
/// and the nanoseconds into that second. Ordered in time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant {
    /// Whole seconds since the Unix epoch, leap seconds not counted.
    pub seconds: i64,
    /// 0 to 999,999,999; up to 1,999,999,999 in a leap second, which counts
    /// on in the second before it, as chrono counts it.
    pub nanos: u32,
}

impl Instant {
    /// The instant at `seconds` into `date`.
    pub fn at(date: Date, seconds: i64, nanos: u32) -> Instant {
        Instant {
            seconds: date.days_since_epoch() * SECONDS_PER_DAY + seconds,
            nanos,
        }
    }

    /// The day it falls on, and the seconds since that day began.
    pub fn date_and_seconds(self) -> (Date, i64) {
        (
            Date::from_days_since_epoch(self.days_since_epoch()),
            self.seconds.rem_euclid(SECONDS_PER_DAY),
        )
    }

    fn days_since_epoch(self) -> i64 {
        self.seconds.div_euclid(SECONDS_PER_DAY)
    }

    /// The same instant as a `SystemTime`, when the platform's can hold it.
    pub fn to_system_time(self) -> Option<SystemTime> {
        let whole = Duration::from_secs(self.seconds.unsigned_abs());
        let epoch_to_second = if self.seconds >= 0 {
            UNIX_EPOCH.checked_add(whole)
        } else {
            UNIX_EPOCH.checked_sub(whole)
        };
        epoch_to_second?.checked_add(Duration::from_nanos(u64::from(self.nanos)))
    }
}

impl From<SystemTime> for Instant {
    fn from(time: SystemTime) -> Instant {
        let saturating = |seconds: u64| i64::try_from(seconds).unwrap_or(i64::MAX);
        match time.duration_since(UNIX_EPOCH) {
            Ok(after) => Instant {
                seconds: saturating(after.as_secs()),
                nanos: after.subsec_nanos(),
            },
            Err(before) => {
                let before = before.duration();
                let (seconds, nanos) = (-saturating(before.as_secs()), before.subsec_nanos());
                if nanos == 0 {
                    Instant { seconds, nanos }
                } else {
                    Instant {
                        seconds: seconds - 1,
                        nanos: 1_000_000_000 - nanos,
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Datelike, NaiveDate};
    use proptest::prelude::*;

    #[test]
    fn month_lengths_and_leap_years() {
        assert_eq!(days_in_month(2000, 2), 29);
        assert_eq!(days_in_month(1900, 2), 28);
        assert_eq!(days_in_month(2024, 2), 29);
        assert_eq!(days_in_month(2025, 2), 28);
        assert_eq!(days_in_month(2025, 4), 30);
        assert_eq!(days_in_month(2025, 13), 0);
        assert_eq!(Date::new(1990, 2, 30), None);
        assert_eq!(Date::new(1990, 4, 0), None);
        assert!(Date::new(2000, 2, 29).is_some());
    }

    #[test]
    fn the_epoch_and_its_neighbours() {
        let epoch = Date::new(1970, 1, 1).unwrap();
        assert_eq!(epoch.days_since_epoch(), 0);
        assert_eq!(
            Date::from_days_since_epoch(-1),
            Date::new(1969, 12, 31).unwrap()
        );
        assert_eq!(
            Date::from_days_since_epoch(20_132),
            Date::new(2025, 2, 13).unwrap()
        );
    }

    #[test]
    fn system_times_before_the_epoch_keep_their_fraction() {
        let before = UNIX_EPOCH - Duration::from_millis(1_500);
        let instant = Instant::from(before);
        assert_eq!(
            instant,
            Instant {
                seconds: -2,
                nanos: 500_000_000
            }
        );
        assert_eq!(instant.to_system_time(), Some(before));
    }

    #[test]
    fn today_is_chronos_today() {
        let chrono_today = chrono::Utc::now().date_naive();
        let today = Date::today();
        // Midnight may pass between the two readings.
        let tomorrow = Date::from_days_since_epoch(today.days_since_epoch() + 1);
        let same = |date: Date| {
            (date.year, date.month, date.day)
                == (
                    i64::from(chrono_today.year()),
                    chrono_today.month(),
                    chrono_today.day(),
                )
        };
        assert!(same(today) || same(tomorrow), "{today:?} vs {chrono_today}");
    }

    proptest! {
        #[test]
        fn days_agree_with_chrono(days in -800_000i64..3_000_000) {
            let date = Date::from_days_since_epoch(days);
            let chrono = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()
                + chrono::Duration::days(days);
            prop_assert_eq!(
                (date.year, date.month, date.day),
                (i64::from(chrono.year()), chrono.month(), chrono.day())
            );
            prop_assert_eq!(date.days_since_epoch(), days);
        }

        #[test]
        fn calendar_days_agree_with_chrono(year in -3000i64..12000, month in 0u32..14, day in 0u32..33) {
            prop_assert_eq!(
                Date::new(year, month, day).is_some(),
                NaiveDate::from_ymd_opt(year as i32, month, day).is_some()
            );
        }
    }
}
