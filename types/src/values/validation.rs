//! [`ValidationError`]: input the SDK refused to send, naming the field.
//!
//! A value at the bottom of the facade: the types that check input
//! ([`Ssn`](crate::Ssn), the request hook, path segments) create it, the one
//! [`Error`](crate::Error) type carries it.

use std::fmt;

/// Input the SDK refused to send. Names the field; never repeats the value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidationError {
    field: String,
    reason: String,
}

impl ValidationError {
    /// A refusal of `field` for `reason`. For the SDK's crates.
    #[doc(hidden)]
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
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

    /// Reads the message of a generated builder into a field and a reason.
    ///
    /// progenitor's builders keep a conversion failure as text until `send()`
    /// (body builders say `error converting supplied value for limit: …`,
    /// parameter setters `conversion to `:: std :: num :: NonZeroU32` for limit
    /// failed`, an unset required parameter `customer_id was not initialized`,
    /// an unset required body field `no value supplied for client_secret`);
    /// this is the one place that text is read back.
    #[doc(hidden)]
    pub fn from_builder_message(message: &str) -> Self {
        const BODY_FIELD: &str = "error converting supplied value for ";
        let message = message.trim();
        // A body that could not be built says why after its own conversion
        // message (`conversion to `CreateTransactionIntentBody` for body
        // failed: no value supplied for amount`): the field is in that reason.
        if let Some((_, inner)) = message
            .strip_prefix("conversion to `")
            .and_then(|rest| rest.split_once(" failed: "))
        {
            return ValidationError::from_builder_message(inner);
        }
        let missing = message
            .strip_suffix(" was not initialized")
            .or_else(|| message.strip_prefix("no value supplied for "));
        if let Some(field) = missing
            && is_name(field)
        {
            return ValidationError::new(field, "is required");
        }
        if let Some(rest) = message
            .strip_prefix("conversion to `")
            .and_then(|r| r.strip_suffix(" failed"))
            && let Some((target, field)) = rest.rsplit_once("` for ")
        {
            let target = target.rsplit("::").next().unwrap_or(target).trim();
            return ValidationError::new(field, conversion_reason(target));
        }
        match message
            .strip_prefix(BODY_FIELD)
            .and_then(|rest| rest.split_once(": "))
        {
            Some((field, reason)) if is_name(field) => {
                ValidationError::new(field, body_reason(reason))
            }
            _ => ValidationError::new("request", message),
        }
    }
}

fn is_name(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// What a body field's conversion error means for the caller: std's
/// `TryFrom` error says "out of range" for a zero or an overflowing number,
/// and the spec's only narrowed integers are non-zero (`limit`, a date's
/// `month` and `day`).
fn body_reason(reason: &str) -> String {
    match reason {
        "out of range integral type conversion attempted" => {
            "must be at least 1 (and no larger than its type holds)".into()
        }
        other => other.into(),
    }
}

/// What a failed conversion to `target` means for the caller.
fn conversion_reason(target: &str) -> String {
    match target {
        "PathSegment" => {
            "must be one non-empty path segment (not `.` or `..`, no `/`, no control characters)"
                .into()
        }
        "NonZeroU32" | "NonZeroU64" => "must be at least 1".into(),
        other => format!("is not a valid {other}"),
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid `{}`: {}", self.field, self.reason)
    }
}

impl std::error::Error for ValidationError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_builder_messages_name_the_field() {
        let e = ValidationError::from_builder_message(
            "error converting supplied value for limit: out of range integral type conversion attempted",
        );
        assert_eq!(
            (e.field(), e.reason()),
            (
                "limit",
                "must be at least 1 (and no larger than its type holds)"
            )
        );
    }

    #[test]
    fn a_body_that_could_not_be_built_names_the_missing_field() {
        let e = ValidationError::from_builder_message(
            "conversion to `CreateTransactionIntentBody` for body failed: no value supplied for amount",
        );
        assert_eq!((e.field(), e.reason()), ("amount", "is required"));
    }

    #[test]
    fn parameter_setter_messages_name_the_field_and_the_rule() {
        let e = ValidationError::from_builder_message(
            "conversion to `:: std :: num :: NonZeroU32` for limit failed",
        );
        assert_eq!((e.field(), e.reason()), ("limit", "must be at least 1"));
        let e = ValidationError::from_builder_message(
            "conversion to `crate :: PathSegment` for customer_id failed",
        );
        assert_eq!(e.field(), "customer_id");
        assert!(e.reason().starts_with("must be one non-empty path segment"));
    }

    #[test]
    fn a_missing_required_parameter_is_named() {
        let e = ValidationError::from_builder_message("customer_id was not initialized");
        assert_eq!((e.field(), e.reason()), ("customer_id", "is required"));
        let e = ValidationError::from_builder_message("no value supplied for partner_customer_id");
        assert_eq!(
            (e.field(), e.reason()),
            ("partner_customer_id", "is required")
        );
    }

    #[test]
    fn anything_else_is_the_request() {
        let e = ValidationError::from_builder_message("something odd happened");
        assert_eq!(
            (e.field(), e.reason()),
            ("request", "something odd happened")
        );
    }
}
