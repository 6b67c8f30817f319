//! Typed webhook events, chosen by the payload's `object` field.

use std::fmt::Write as _;

use serde::de::DeserializeOwned;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::signature::WebhookError;
use imprint_types::types::{
    AccountStatusWebhookPayload, ApplicationWebhookPayload, CustomerLinkWebhookPayload,
    PaymentMethodWebhookPayload, RewardWebhookPayload, StreakWebhookPayload,
    TransactionWebhookPayload,
};
use imprint_types::{json_path, redact};

/// One delivery, by kind. Payload types are generated from the spec.
#[derive(Clone, Debug)]
#[non_exhaustive]
// One event per delivery, matched by value in handlers: boxing the payloads
// would cost every handler a deref for a few hundred bytes on one stack frame.
#[allow(clippy::large_enum_variant)]
pub enum Event {
    /// `APPLICATION`: an application was created or changed status.
    Application(ApplicationWebhookPayload),
    /// `TRANSACTION`: a transaction was created or an event happened to it.
    Transaction(TransactionWebhookPayload),
    /// `PAYMENT_METHOD`: a payment method was created or changed status.
    PaymentMethod(PaymentMethodWebhookPayload),
    /// `CUSTOMER_LINK`: an Imprint customer was linked to a partner account.
    CustomerLink(CustomerLinkWebhookPayload),
    /// `REWARD`: a reward was created, updated, or became available.
    Reward(RewardWebhookPayload),
    /// `STREAK`: a streak started, progressed, completed or failed.
    Streak(StreakWebhookPayload),
    /// `ACCOUNT_STATUS`: an account reached a terminal state.
    AccountStatus(AccountStatusWebhookPayload),
    /// A kind this version of the SDK does not know (kept, not refused, so new
    /// kinds do not break a receiver).
    Unknown(UnknownEvent),
}

/// A delivery of a kind the SDK does not know.
///
/// `Debug` prints the payload with classified fields replaced and SSN, card
/// and email formats masked ([`imprint_types::classification`]); the fields hold it
/// whole.
#[derive(Clone)]
pub struct UnknownEvent {
    /// Its `object` field, if it had one.
    pub object: Option<String>,
    /// The whole payload.
    pub payload: Value,
}

impl std::fmt::Debug for UnknownEvent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UnknownEvent")
            .field("object", &self.object)
            .field("payload", &redact::scrubbed(&self.payload))
            .finish()
    }
}

impl Event {
    /// The `object` field: `TRANSACTION`, `REWARD`, … (empty if it had none).
    pub fn object(&self) -> &str {
        match self {
            Event::Application(_) => "APPLICATION",
            Event::Transaction(_) => "TRANSACTION",
            Event::PaymentMethod(_) => "PAYMENT_METHOD",
            Event::CustomerLink(_) => "CUSTOMER_LINK",
            Event::Reward(_) => "REWARD",
            Event::Streak(_) => "STREAK",
            Event::AccountStatus(_) => "ACCOUNT_STATUS",
            Event::Unknown(unknown) => unknown.object.as_deref().unwrap_or(""),
        }
    }

    /// A key that is the same for every delivery of this event and differs
    /// between events, for de-duplicating retried deliveries (store it under
    /// a unique constraint with the event's effect). Built from the fields of
    /// `data` the crate docs' [table](crate#receiving-what-to-answer-and-duplicates)
    /// names for each kind, after the kind and `data.merchant_key`:
    ///
    /// ```
    /// use imprint::webhook::Event;
    /// let body = br#"{"object":"REWARD","data":{"reward_id":"R1","status":"AVAILABLE","amount":500,"merchant_key":"M"}}"#;
    /// let event = Event::from_json(body)?;
    /// assert_eq!(event.dedup_key(), "REWARD:M:R1:AVAILABLE:500");
    /// # Ok::<(), imprint::webhook::WebhookError>(())
    /// ```
    ///
    /// Components are separated by `:`, with `\` and `:` inside a value
    /// escaped by a `\`, so two different events cannot share a key. When a
    /// field the table names is missing (every payload field is optional in
    /// the spec), and for a kind this version does not know, the key is
    /// `<object>:sha256:<hex>` over the payload's canonical JSON
    /// ([`canonicalize`](crate::canonicalize)) as this type reads it: the same
    /// for a delivery sent again, different for any change in a field the
    /// SDK knows (a field the spec does not declare is not part of it).
    pub fn dedup_key(&self) -> String {
        let (payload, fields): (Value, &[&str]) = match self {
            Event::Application(p) => (to_value(p), &["customer_id", "created_at", "status"]),
            Event::Transaction(p) => (to_value(p), &["event_id"]),
            Event::PaymentMethod(p) => (
                to_value(p),
                &["payment_method_id", "new_status", "updated_at"],
            ),
            Event::CustomerLink(p) => (to_value(p), &["customer_id", "partner_customer_id"]),
            Event::Reward(p) => (to_value(p), &["reward_id", "status", "amount"]),
            Event::Streak(p) => (to_value(p), &["streak_id", "event", "created_at"]),
            Event::AccountStatus(p) => (to_value(p), &["customer_id", "status"]),
            Event::Unknown(unknown) => (unknown.payload.clone(), &[]),
        };
        let data = &payload["data"];
        let values: Option<Vec<String>> = fields
            .iter()
            .map(|field| match &data[*field] {
                Value::Null => None,
                Value::String(text) => Some(text.clone()),
                other => Some(other.to_string()),
            })
            .collect();
        match values {
            Some(values) if !fields.is_empty() => {
                let merchant = data["merchant_key"].as_str().unwrap_or_default();
                std::iter::once(self.object())
                    .chain(std::iter::once(merchant))
                    .chain(values.iter().map(String::as_str))
                    .map(escape)
                    .collect::<Vec<_>>()
                    .join(":")
            }
            _ => {
                // The payload came from JSON, so it has a canonical form.
                let canonical =
                    crate::canonicalize(payload.to_string().as_bytes()).unwrap_or_default();
                format!(
                    "{}:sha256:{}",
                    escape(self.object()),
                    hex::encode(Sha256::digest(&canonical))
                )
            }
        }
    }

    /// Reads a (verified) body. Use [`Webhook::construct_event`](super::Webhook::construct_event)
    /// to verify and read in one call.
    pub fn from_json(body: &[u8]) -> Result<Event, WebhookError> {
        let payload: Value = serde_json::from_slice(body)
            .map_err(|e| WebhookError::NotJson(redact::serde_message(&e.to_string())))?;
        let object = payload
            .get("object")
            .and_then(Value::as_str)
            .map(str::to_string);
        Ok(match object.as_deref() {
            Some("APPLICATION") => Event::Application(decode("APPLICATION", payload)?),
            Some("TRANSACTION") => Event::Transaction(decode("TRANSACTION", payload)?),
            Some("PAYMENT_METHOD") => Event::PaymentMethod(decode("PAYMENT_METHOD", payload)?),
            Some("CUSTOMER_LINK") => Event::CustomerLink(decode("CUSTOMER_LINK", payload)?),
            Some("REWARD") => Event::Reward(decode("REWARD", payload)?),
            Some("STREAK") => Event::Streak(decode("STREAK", payload)?),
            Some("ACCOUNT_STATUS") => Event::AccountStatus(decode("ACCOUNT_STATUS", payload)?),
            _ => Event::Unknown(UnknownEvent { object, payload }),
        })
    }
}

/// A typed payload as JSON, by the spec's names.
fn to_value<T: serde::Serialize>(payload: &T) -> Value {
    serde_json::to_value(payload).unwrap_or_default()
}

/// One component of a [`Event::dedup_key`]: `\` and `:` escaped.
fn escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace(':', "\\:")
}

fn decode<T: DeserializeOwned>(object: &str, payload: Value) -> Result<T, WebhookError> {
    serde_path_to_error::deserialize(payload).map_err(|error| WebhookError::InvalidPayload {
        object: object.to_string(),
        path: shown_path(error.path()),
        message: redact::serde_message(&error.inner().to_string()),
    })
}

/// serde_path_to_error's notation (`data.card.tokens[0]`), with a key the
/// spec does not declare shown as `{key}`: a payload's map keys are data.
fn shown_path(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut shown = String::new();
    for segment in path.iter() {
        let name = match segment {
            Segment::Seq { index } => {
                let _ = write!(shown, "[{index}]");
                continue;
            }
            Segment::Map { key } => json_path::declared(key).unwrap_or(json_path::MAP_KEY),
            Segment::Enum { variant } => json_path::declared(variant).unwrap_or(json_path::MAP_KEY),
            Segment::Unknown => "?",
        };
        if !shown.is_empty() {
            shown.push('.');
        }
        shown.push_str(name);
    }
    if shown.is_empty() {
        shown.push('.');
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redact_unknown_events_by_word_not_by_exact_name() {
        let body = br#"{"object":"NEW_KIND","id":"CE6E78C9-7D8C-4C3D-ABCD-123456789012","name":"Jane Doe","dob":"1980-01-02","phone_number":"5551234","note":"call 555-1234"}"#;
        let Event::Unknown(event) = Event::from_json(body).unwrap() else {
            panic!("not unknown")
        };
        let shown = format!("{event:?}");
        for leak in ["Jane", "1980", "5551234", "555-1234"] {
            assert!(!shown.contains(leak), "{leak} in {shown}");
        }
        assert!(
            shown.contains("CE6E78C9-7D8C-4C3D-ABCD-123456789012"),
            "{shown}"
        );
    }

    fn key(body: &str) -> String {
        Event::from_json(body.as_bytes()).unwrap().dedup_key()
    }

    #[test]
    fn each_kind_is_keyed_by_the_fields_of_the_docs_table() {
        for (body, expected) in [
            (
                r#"{"object":"TRANSACTION","data":{"event_id":"E1","transaction_id":"T1","status":"CAPTURED"}}"#,
                "TRANSACTION::E1",
            ),
            (
                r#"{"object":"APPLICATION","data":{"customer_id":"C1","created_at":"2025-03-01T00:00:00Z","status":"APPROVED","merchant_key":"M"}}"#,
                r"APPLICATION:M:C1:2025-03-01T00\:00\:00Z:APPROVED",
            ),
            (
                r#"{"object":"PAYMENT_METHOD","data":{"payment_method_id":"P1","new_status":"ACTIVE","updated_at":"t1"}}"#,
                "PAYMENT_METHOD::P1:ACTIVE:t1",
            ),
            (
                r#"{"object":"CUSTOMER_LINK","data":{"customer_id":"C1","partner_customer_id":"a:b\\c"}}"#,
                r"CUSTOMER_LINK::C1:a\:b\\c",
            ),
            (
                r#"{"object":"REWARD","data":{"reward_id":"R1","status":"PENDING","amount":500}}"#,
                "REWARD::R1:PENDING:500",
            ),
            (
                r#"{"object":"STREAK","data":{"streak_id":"S1","event":"PERIOD_COMPLETED","created_at":"t2"}}"#,
                "STREAK::S1:PERIOD_COMPLETED:t2",
            ),
            (
                r#"{"object":"ACCOUNT_STATUS","data":{"customer_id":"C1","status":"CLOSED"}}"#,
                "ACCOUNT_STATUS::C1:CLOSED",
            ),
        ] {
            assert_eq!(key(body), expected, "{body}");
        }
    }

    #[test]
    fn a_missing_field_or_an_unknown_kind_is_keyed_by_the_payloads_digest() {
        let without_event_id =
            r#"{"object":"TRANSACTION","data":{"transaction_id":"T1","status":"CAPTURED"}}"#;
        let fallback = key(without_event_id);
        assert!(fallback.starts_with("TRANSACTION:sha256:"), "{fallback}");
        assert_eq!(fallback.len(), "TRANSACTION:sha256:".len() + 64);
        // The same payload sent again, spelled differently: the same key.
        let respaced =
            r#"{ "data": {"status":"CAPTURED", "transaction_id":"T1"}, "object":"TRANSACTION" }"#;
        assert_eq!(key(respaced), fallback);
        // Any change: another key.
        let refunded =
            r#"{"object":"TRANSACTION","data":{"transaction_id":"T1","status":"REFUNDED"}}"#;
        assert_ne!(key(refunded), fallback);
        let unknown = key(r#"{"object":"NEW_KIND","data":{"id":"X"}}"#);
        assert!(unknown.starts_with("NEW_KIND:sha256:"), "{unknown}");
    }

    #[test]
    fn keys_of_different_events_differ_and_escaping_keeps_them_apart() {
        // Without escaping, `a:b` + `c` and `a` + `b:c` would read alike.
        let first = key(
            r#"{"object":"CUSTOMER_LINK","data":{"customer_id":"a:b","partner_customer_id":"c"}}"#,
        );
        let second = key(
            r#"{"object":"CUSTOMER_LINK","data":{"customer_id":"a","partner_customer_id":"b:c"}}"#,
        );
        assert_ne!(first, second);
        let pending =
            key(r#"{"object":"REWARD","data":{"reward_id":"R1","status":"PENDING","amount":500}}"#);
        let available = key(
            r#"{"object":"REWARD","data":{"reward_id":"R1","status":"AVAILABLE","amount":500}}"#,
        );
        assert_ne!(pending, available);
    }

    #[test]
    fn redact_map_keys_in_webhook_payload_paths() {
        // Today's payload maps hold any JSON, so no decode fails inside one;
        // a typed map the spec may add would name its keys.
        type Nested = std::collections::BTreeMap<String, std::collections::BTreeMap<String, u32>>;
        let payload = serde_json::json!({"data": {"jane.doe@example.com": "x"}});
        let error = serde_path_to_error::deserialize::<_, Nested>(payload).unwrap_err();
        assert_eq!(error.path().to_string(), "data.jane.doe@example.com");
        assert_eq!(shown_path(error.path()), "data.{key}");
    }
}
