//! Webhooks ("event notifications"): verify that a request came from Imprint,
//! then read it as a typed [`Event`].
//!
//! Imprint POSTs JSON to your HTTPS endpoint with the header
//! `X-IMPRINT-HMAC-SIGNATURE: t=<timestamp>,s=<hex HMAC-SHA256>`, where the HMAC
//! is computed over `<t>.<raw body>` with the signing token you were given at
//! event enrollment. Failed deliveries are retried with back-off, so a receiver
//! must tolerate duplicates.
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
//! # Timestamps
//!
//! Imprint's documentation calls `t` milliseconds while its own example looks
//! like seconds, so both are accepted, told apart by size: a value below 10¹¹ is
//! seconds (10¹¹ s is the year 5138), anything larger is milliseconds (10¹¹ ms
//! is March 1973). No real timestamp of either unit falls on the wrong side.
//! The signature always covers `t` exactly as it appears in the header.

mod event;
mod signature;

pub use event::{Event, UnknownEvent};
pub use signature::{Malformed, SIGNATURE_HEADER, SigningSecret, Webhook, WebhookError};
