//! [`IntoOptional`]: what the generated body builders' optional text and
//! timestamp setters take.

use std::fmt::Display;

/// A value for an optional field of a generated body builder: the value
/// itself, an `Option` of it, or text (`&str`, `String`, `&String`) for a field
/// that is made from text (a string, a string newtype, a
/// [`Timestamp`](crate::Timestamp)).
///
/// Text that the field's type refuses (a timestamp that is not RFC 3339) makes
/// the request fail validation, naming the field, before anything is sent.
///
/// ```
/// use imprint::types::{CreateTransactionIntentBody, SearchCustomersPostBody};
/// let body = SearchCustomersPostBody::builder().partner_customer_id("PARTNER_USER_456");
/// let none = SearchCustomersPostBody::builder().partner_customer_id(None);
/// let when = CreateTransactionIntentBody::builder().expected_date("2025-03-01T00:00:00Z");
/// let now = CreateTransactionIntentBody::builder().expected_date(std::time::SystemTime::now());
/// # let _ = (body, none, when, now);
/// ```
pub trait IntoOptional<T> {
    /// The field's value, or why the text is not one.
    fn into_optional(self) -> Result<Option<T>, String>;
}

impl<T> IntoOptional<T> for Option<T> {
    fn into_optional(self) -> Result<Option<T>, String> {
        Ok(self)
    }
}

impl<T: TryFrom<String, Error: Display>> IntoOptional<T> for String {
    fn into_optional(self) -> Result<Option<T>, String> {
        T::try_from(self).map(Some).map_err(|e| e.to_string())
    }
}

impl<T: TryFrom<String, Error: Display>> IntoOptional<T> for &str {
    fn into_optional(self) -> Result<Option<T>, String> {
        self.to_string().into_optional()
    }
}

impl<T: TryFrom<String, Error: Display>> IntoOptional<T> for &String {
    fn into_optional(self) -> Result<Option<T>, String> {
        self.clone().into_optional()
    }
}
