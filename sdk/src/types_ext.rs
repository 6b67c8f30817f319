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
