//! An axum extractor of verified events (feature `axum`): a handler takes a
//! [`VerifiedEvent`] and receives only deliveries that passed the
//! [`Webhook`]'s checks, the body bounded while it is read.
//!
//! The verifier comes from the router's state: the state is an
//! `Arc<Webhook>`, or an application state that gives one
//! (`impl FromRef<AppState> for Arc<Webhook>`).
//!
//! ```
//! use std::sync::Arc;
//! use axum::{Router, routing::post};
//! use imprint::webhook::Webhook;
//! use imprint::webhook::axum::VerifiedEvent;
//!
//! async fn receive(VerifiedEvent(event): VerifiedEvent) -> &'static str {
//!     // Deliveries are retried: skip an event whose `event.dedup_key()` was seen.
//!     println!("{} event", event.object());
//!     "ok"
//! }
//!
//! let app: Router = Router::new()
//!     .route("/webhooks/imprint", post(receive))
//!     .with_state(Arc::new(Webhook::new("whsec_test_token")));
//! ```
//!
//! A delivery that fails is answered by the rejection, [`WebhookRejection`],
//! with the status [`WebhookError::status`] names (401 for a sender that is
//! not authenticated, 400 for an unusable request, 413 for a body over
//! [`Webhook::body_limit`]) and its reason as plain text, which never repeats
//! the secret or the body.

use std::fmt;
use std::sync::Arc;

use axum_core::extract::{FromRef, FromRequest, Request};
use axum_core::response::{IntoResponse, Response};
use http::StatusCode;
use http_body_util::{BodyExt, LengthLimitError, Limited};

use crate::{Event, SIGNATURE_HEADER, Webhook, WebhookError};

/// A delivery whose signature verified, read as its typed [`Event`].
#[derive(Debug)]
pub struct VerifiedEvent(pub Event);

/// Why [`VerifiedEvent`] refused a delivery; answers with its status.
#[derive(Debug)]
#[non_exhaustive]
pub enum WebhookRejection {
    /// The delivery failed verification or decoding.
    Invalid(WebhookError),
    /// The body grew past the verifier's limit while it was read (or its
    /// `Content-Length` said it would): 413, nothing verified.
    BodyTooLarge {
        /// The limit applied, in bytes.
        limit: usize,
    },
    /// The body could not be read (the connection failed): 400.
    Unreadable,
}

impl WebhookRejection {
    /// The status the rejection answers with.
    pub fn status(&self) -> StatusCode {
        match self {
            WebhookRejection::Invalid(error) => {
                StatusCode::from_u16(error.status()).unwrap_or(StatusCode::BAD_REQUEST)
            }
            WebhookRejection::BodyTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            WebhookRejection::Unreadable => StatusCode::BAD_REQUEST,
        }
    }
}

impl fmt::Display for WebhookRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WebhookRejection::Invalid(error) => error.fmt(f),
            WebhookRejection::BodyTooLarge { limit } => {
                write!(f, "the body is over the limit of {limit} bytes")
            }
            WebhookRejection::Unreadable => f.write_str("the body could not be read"),
        }
    }
}

impl std::error::Error for WebhookRejection {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WebhookRejection::Invalid(error) => Some(error),
            _ => None,
        }
    }
}

impl IntoResponse for WebhookRejection {
    fn into_response(self) -> Response {
        (self.status(), format!("rejected: {self}")).into_response()
    }
}

impl<S> FromRequest<S> for VerifiedEvent
where
    Arc<Webhook>: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = WebhookRejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let webhook = Arc::<Webhook>::from_ref(state);
        let limit = webhook.body_limit();
        let (parts, body) = request.into_parts();
        let declared = parts
            .headers
            .get(http::header::CONTENT_LENGTH)
            .and_then(|value| value.to_str().ok()?.parse::<u64>().ok());
        if declared.is_some_and(|length| length > limit as u64) {
            return Err(WebhookRejection::BodyTooLarge { limit });
        }
        let body = match Limited::new(body, limit).collect().await {
            Ok(collected) => collected.to_bytes(),
            Err(error) if error.is::<LengthLimitError>() => {
                return Err(WebhookRejection::BodyTooLarge { limit });
            }
            Err(_) => return Err(WebhookRejection::Unreadable),
        };
        // A header that is not visible ASCII is malformed, not missing.
        let signature = parts
            .headers
            .get(SIGNATURE_HEADER)
            .map(|value| value.to_str().unwrap_or(""));
        webhook
            .construct_event(&body, signature)
            .map(VerifiedEvent)
            .map_err(WebhookRejection::Invalid)
    }
}
