//! [`Response`]: a decoded success body with its status and headers, what
//! [`Operation::call_with_response`](crate::Operation::call_with_response)
//! returns.
//!
//! The SDK's own type rather than progenitor-client's `ResponseValue`, so the
//! public API does not change when the generator's runtime does; its status
//! and headers are the `http` crate's (1.x), as in reqwest and axum.

use std::fmt;
use std::ops::Deref;

use http::{HeaderMap, StatusCode};

/// The response headers [`Response::request_id`] and
/// [`ApiError::request_id`](crate::ApiError::request_id) read, in order
/// (Imprint documents none; these are the names API gateways commonly send).
pub const REQUEST_ID_HEADERS: [&str; 4] = [
    "x-request-id",
    "request-id",
    "x-amzn-requestid",
    "x-correlation-id",
];

/// The first of the headers [`REQUEST_ID_HEADERS`] names that `headers` holds.
pub(crate) fn request_id(headers: &HeaderMap) -> Option<&str> {
    REQUEST_ID_HEADERS
        .iter()
        .find_map(|name| headers.get(*name)?.to_str().ok())
}

/// A decoded success body, with the status and headers it came with.
///
/// It dereferences to the body, so `response.data` reads a field of it.
///
/// ```
/// use imprint::prelude::*;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let fake = imprint_mock::FakeImprint::start().await?;
/// # let client = fake.client()?;
/// let response = client.search_customers().limit(2).call_with_response().await?;
/// assert_eq!(response.status(), imprint::StatusCode::OK);
/// assert_eq!(response.data.len(), 2);
/// let page = response.into_inner();
/// # let _ = page;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Response<T> {
    status: StatusCode,
    headers: HeaderMap,
    body: T,
}

impl<T> Response<T> {
    pub(crate) fn new(status: StatusCode, headers: HeaderMap, body: T) -> Response<T> {
        Response {
            status,
            headers,
            body,
        }
    }

    /// The HTTP status (a 2xx).
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The request id the response carried, for Imprint's support: the first
    /// of the headers [`REQUEST_ID_HEADERS`] names that is present.
    pub fn request_id(&self) -> Option<&str> {
        request_id(&self.headers)
    }

    /// The decoded body.
    pub fn into_inner(self) -> T {
        self.body
    }
}

impl<T> Deref for Response<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.body
    }
}

/// Header names only: a header value may carry what the body's `Debug` masks.
impl<T: fmt::Debug> fmt::Debug for Response<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("body", &self.body)
            .finish()
    }
}

impl<T> From<progenitor_client::ResponseValue<T>> for Response<T> {
    fn from(value: progenitor_client::ResponseValue<T>) -> Response<T> {
        let (status, headers) = (value.status(), value.headers().clone());
        Response::new(status, headers, value.into_inner())
    }
}
