//! Webhooks ("event notifications"): verify that a request came from Imprint,
//! then read it as a typed [`Event`].
//!
//! Partners use this crate as `imprint::webhook` (`imprint-sdk`'s feature
//! `webhooks`, on by default); it has no HTTP client, so a receiver that never
//! calls the API can depend on it alone.
//!
//! Imprint POSTs JSON to your HTTPS endpoint with the header
//! `X-IMPRINT-HMAC-SIGNATURE: t=<timestamp>,s=<hex HMAC-SHA256>`, where the HMAC
//! is computed over `<t>.<body>` with the signing token you were given at
//! event enrollment.
//!
//! ```
//! use imprint::webhook::{Event, Webhook};
//!
//! let webhook = Webhook::new("whsec_test_token");
//! # let body = br#"{"object":"REWARD","data":{"reward_id":"R1","amount":500}}"#;
//! # let header = webhook.sign(body, std::time::SystemTime::now());
//! // In your handler: the raw body bytes and the header value, as received.
//! match webhook.construct_event(body, Some(&header))? {
//!     Event::Reward(reward) => println!("reward {:?}", reward.data.and_then(|d| d.reward_id)),
//!     other => println!("{} event", other.object()),
//! }
//! # Ok::<(), imprint::webhook::WebhookError>(())
//! ```
//!
//! # Readings of the docs
//!
//! Imprint's "Verify event signature" page can be read more than one way, and
//! until Imprint settles it a [`Webhook`] can be set to each reading:
//!
//! - **The key** ([`KeyReading`]). The docs compute the HMAC "using the signing
//!   token you were provided during event enrollment (hashed with SHA-256)".
//!   [`KeyReading::Token`] (the default) keys the HMAC with the token itself,
//!   reading the parenthesis as naming the HMAC-SHA256;
//!   [`KeyReading::Sha256OfToken`] keys it with the token's SHA-256 digest, and
//!   [`KeyReading::Sha256HexOfToken`] with that digest's hexadecimal spelling.
//! - **The signed body** ([`MessageReading`]). The docs sign "the raw POST body
//!   as a string" — [`MessageReading::RawBody`], the default — but their example
//!   turns the body `{"hello": "world", "amount": 5000}` into the message
//!   `1723493048949.{"amount":5000,"hello":"world"}`: compact JSON with sorted
//!   keys, [`MessageReading::CanonicalJson`] (the exact rules: [`canonicalize`]).
//! - **The timestamp unit** is not an option: see [Timestamps](#timestamps).
//!
//! The defaults are the readings of the text rather than of the example, and
//! what earlier versions of this SDK did, so existing receivers keep working;
//! the raw-body reading also authenticates the bytes before anything parses
//! them. A verifier applies exactly one reading, not every one that might
//! match: find yours once with [`Webhook::diagnose`] (or the `verify_delivery`
//! example) on a delivery you captured, then configure it.
//!
//! ```
//! use imprint::webhook::{KeyReading, MessageReading, Webhook};
//!
//! let webhook = Webhook::new("whsec_test_token")
//!     .key_reading(KeyReading::Sha256OfToken)
//!     .message_reading(MessageReading::CanonicalJson);
//! // The docs' own example body, signed the way that example shows.
//! let body = br#"{"hello": "world", "amount": 5000}"#;
//! let header = webhook.sign(body, std::time::SystemTime::now());
//! webhook.verify(body, Some(&header))?;
//!
//! let diagnosis = Webhook::new("whsec_test_token").diagnose(body, &header)?;
//! assert_eq!(diagnosis.recommended(), Some(webhook.reading()));
//! println!("{diagnosis}"); // every reading and its outcome; no secret, no body
//! # Ok::<(), imprint::webhook::WebhookError>(())
//! ```
//!
//! Verification never depends on what the payload says: an `object`, a field
//! or an enum value the SDK does not know is signed and checked like any other
//! byte (and an unknown `object` arrives as [`Event::Unknown`]).
//!
//! # Rotating the secret
//!
//! A header may carry several `s=` values, and a verifier may hold several
//! secrets ([`Webhook::also_accept`]); a delivery passes when any signature
//! matches under any secret, each with the configured reading. To rotate, add
//! the new secret next to the old one, switch the enrollment to it, and drop
//! the old one once deliveries signed with it (retries included) have stopped.
//! A secret can be a token string or raw key bytes ([`SigningSecret::from_bytes`]).
//!
//! ```
//! use imprint::webhook::{SigningSecret, Webhook};
//!
//! let old = Webhook::new("whsec_old");
//! let rotating = Webhook::new("whsec_new").also_accept("whsec_old");
//! let body = br#"{"object":"STREAK"}"#;
//! let header = old.sign(body, std::time::SystemTime::now());
//! rotating.verify(body, Some(&header))?;
//!
//! let from_bytes = Webhook::new(SigningSecret::from_bytes(b"whsec_old".to_vec()));
//! from_bytes.verify(body, Some(&header))?;
//! # Ok::<(), imprint::webhook::WebhookError>(())
//! ```
//!
//! # Receiving: what to answer, and duplicates
//!
//! Imprint documents one answer, `200` ("Webhook received successfully"), and
//! retries failed deliveries with exponential back-off, without saying which
//! answers count as failed. Assume every answer other than 2xx, a timeout and a
//! refused connection is retried:
//!
//! - answer `200` once the event is durably recorded — also for a duplicate you
//!   already handled, and for an `object` you do not know (retrying it will not
//!   help);
//! - answer [`WebhookError::status`] (401 or 400) to a delivery that fails
//!   verification, never 2xx; if the cause was your configuration (a secret, a
//!   reading), the retries will pass once it is fixed;
//! - answer 5xx (e.g. 503) when your side cannot take the event now, to get it
//!   again later;
//! - answer quickly (record, then process), so slow work does not turn into
//!   timeouts and more duplicates.
//!
//! Because of retries a handler sees some events more than once (and possibly
//! out of order). Make it idempotent: record a key per event under a unique
//! constraint, in the same transaction as the event's effect, and skip events
//! whose key is already there. The payloads carry no delivery id; these
//! fields of `data` identify an event (prefix them with `merchant_key` if you
//! run several co-branded products):
//!
//! | `object` | de-duplicate on | why |
//! |---|---|---|
//! | `TRANSACTION` | `event_id` | unique per event; `transaction_id` stays the same across a transaction's `APPROVED`, `UPDATED`, `CAPTURED`, `REFUNDED`, … events |
//! | `APPLICATION` | `customer_id`, `created_at`, `status` | no application id; `created_at` tells a customer's applications apart, `status` their outcomes |
//! | `PAYMENT_METHOD` | `payment_method_id`, `new_status`, `updated_at` | a card can go `ACTIVE` → `INACTIVE` → `ACTIVE`; `updated_at` tells the transitions apart |
//! | `CUSTOMER_LINK` | `customer_id`, `partner_customer_id` | a link is a state (its only status is `ACTIVE`): upsert it |
//! | `REWARD` | `reward_id`, `status`, `amount` | one reward is created, updated and made available under the same `reward_id` |
//! | `STREAK` | `streak_id`, `event`, `created_at` | `PERIOD_COMPLETED` repeats for each period; `created_at` (present on every event) is when it happened |
//! | `ACCOUNT_STATUS` | `customer_id`, `status` | a terminal state is reached once (`updated_at` may be backdated) |
//!
//! The header's `t` is not a key: a retried delivery may be signed anew.
//! [`Event::dedup_key`] builds the key from this table (with a documented
//! fallback when a field is missing).
//!
//! # Bounding the body
//!
//! A [`Webhook`] refuses a body longer than its limit ([`DEFAULT_MAX_BODY`],
//! 1 MiB, or [`Webhook::max_body`]) with [`WebhookError::BodyTooLarge`]
//! (answer 413) before it reads the header, computes an HMAC or parses
//! anything, so a forged delivery costs at most that much work. Under
//! [`MessageReading::CanonicalJson`] that work is canonicalizing the body
//! before its signature can be checked: on a forged 1 MB body, about 2.7× a
//! raw-body verification, and about 5× when its keys are scrambled so that
//! sorting them is real work (BENCHMARKS.md, section 9). It cannot
//! bound your server's memory: by then the body has been read. Give your
//! HTTP server the same limit ([`Webhook::body_limit`]) so an oversized
//! request is refused while it is read — with axum,
//! `.layer(DefaultBodyLimit::max(webhook.body_limit()))` on the route (see
//! [`Webhook`]; the `webhook_receiver` example does this).
//!
//! # Timestamps
//!
//! Imprint's documentation calls `t` milliseconds while its own example
//! (`t=1740779129`) looks like seconds, so both are accepted, told apart by
//! size ([`TimestampUnit::of`]): a value below 10¹¹ is seconds (10¹¹ s is the
//! year 5138), anything larger is milliseconds (10¹¹ ms is March 1973). No real
//! timestamp of either unit falls on the wrong side. The signature always
//! covers `t` exactly as it appears in the header.

#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
pub mod axum;
mod canonical;
mod diagnose;
mod event;
mod reading;
mod signature;

pub use canonical::{CanonicalError, MAX_DEPTH, canonicalize};
pub use diagnose::{Diagnosis, Outcome};
pub use event::{Event, UnknownEvent};
pub use reading::{KeyReading, MessageReading, Reading, TimestampUnit};
pub use signature::{
    DEFAULT_MAX_BODY, Malformed, SIGNATURE_HEADER, SigningSecret, Webhook, WebhookError,
};
