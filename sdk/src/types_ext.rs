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

    /// The date as a [`NaiveDate`], when all three parts are present and make
    /// a calendar day (a date read back from the API may lack one).
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

    fn from_date(date: NaiveDate) -> DateOfBirth {
        DateOfBirth {
            year: Some(i64::from(date.year())),
            month: NonZeroU64::new(u64::from(date.month())),
            day: NonZeroU64::new(u64::from(date.day())),
        }
    }
}

impl TryFrom<NaiveDate> for DateOfBirth {
    type Error = ValidationError;

    /// Checked as [`DateOfBirth::new`] checks: in or after 1900, not in the future.
    fn try_from(date: NaiveDate) -> Result<DateOfBirth, ValidationError> {
        DateOfBirth::new(date.year(), date.month(), date.day())
    }
}

impl TryFrom<&DateOfBirth> for NaiveDate {
    type Error = ValidationError;

    /// See [`DateOfBirth::to_naive_date`].
    fn try_from(date: &DateOfBirth) -> Result<NaiveDate, ValidationError> {
        date.to_naive_date()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn naive_dates_go_both_ways_and_are_checked_on_the_way_in() {
        let date = NaiveDate::from_ymd_opt(2000, 2, 29).unwrap();
        let dob = DateOfBirth::try_from(date).unwrap();
        assert_eq!(NaiveDate::try_from(&dob), Ok(date));
        let future = chrono::Local::now().date_naive() + chrono::Days::new(2);
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
