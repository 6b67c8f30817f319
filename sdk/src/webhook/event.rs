//! Typed webhook events, chosen by the payload's `object` field.

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::signature::WebhookError;
use crate::redact;
use crate::types::{
    AccountStatusWebhookPayload, ApplicationWebhookPayload, CustomerLinkWebhookPayload,
    PaymentMethodWebhookPayload, RewardWebhookPayload, StreakWebhookPayload,
    TransactionWebhookPayload,
};

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
/// and email formats masked ([`crate::classification`]); the fields hold it
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
        path: error.path().to_string(),
        message: redact::serde_message(&error.inner().to_string()),
    })
}
