//! Typed webhook events, chosen by the payload's `object` field.

use std::fmt::Write as _;

use serde::de::DeserializeOwned;
use serde_json::Value;

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
