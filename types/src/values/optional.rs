//! [`IntoOptional`]: what the generated body builders' optional text setters take.

/// A value for an optional field of a generated body builder: the value
/// itself, an `Option` of it, or text (`&str`, `String`, `&String`) for a field
/// of text.
///
/// ```
/// use imprint::types::SearchCustomersPostBody;
/// let body = SearchCustomersPostBody::builder().partner_customer_id("PARTNER_USER_456");
/// let none = SearchCustomersPostBody::builder().partner_customer_id(None);
/// # let _ = (body, none);
/// ```
pub trait IntoOptional<T> {
    /// The field's value.
    fn into_optional(self) -> Option<T>;
}

impl<T> IntoOptional<T> for Option<T> {
    fn into_optional(self) -> Option<T> {
        self
    }
}

impl<T: From<String>> IntoOptional<T> for String {
    fn into_optional(self) -> Option<T> {
        Some(T::from(self))
    }
}

impl<T: From<String>> IntoOptional<T> for &str {
    fn into_optional(self) -> Option<T> {
        Some(T::from(self.to_string()))
    }
}

impl<T: From<String>> IntoOptional<T> for &String {
    fn into_optional(self) -> Option<T> {
        Some(T::from(self.clone()))
    }
}
