//! What every request of a client carries: credentials, merchant key, user agent,
//! retry policy, time and size limits. progenitor stores it in the generated
//! `Client` (its "inner" value) and hands it to the request hooks.

use std::fmt;
use std::time::Duration;

use reqwest::header::HeaderValue;

use crate::auth::AuthScheme;
use crate::retry_policy::RetryPolicy;
use imprint_types::REDACTED;

/// The user agent every request sends.
pub const USER_AGENT: &str = concat!("imprint-rust/", env!("CARGO_PKG_VERSION"));

/// The header that names the co-branded product for multi-product partners.
pub const MERCHANT_KEY_HEADER: &str = "x-imprint-merchant-key";

/// Per-client request settings; built by [`ClientBuilder`](crate::ClientBuilder).
#[derive(Clone)]
pub struct Config {
    pub(crate) scheme: AuthScheme,
    pub(crate) authorization: HeaderValue,
    pub(crate) merchant_key: Option<HeaderValue>,
    pub(crate) user_agent: HeaderValue,
    pub(crate) retry: RetryPolicy,
    pub(crate) timeout: Duration,
    pub(crate) deadline: Duration,
    pub(crate) max_response_body: u64,
}

impl Config {
    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    /// How the API key is sent.
    pub fn auth_scheme(&self) -> AuthScheme {
        self.scheme
    }

    /// Time allowed for one attempt, response body included.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Time allowed for one call: every attempt and every wait between them.
    pub fn deadline(&self) -> Duration {
        self.deadline
    }

    /// The longest response body the client reads, in bytes.
    pub fn max_response_body(&self) -> u64 {
        self.max_response_body
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("auth", &self.scheme)
            .field("api_key", &format_args!("{REDACTED}"))
            .field(
                "merchant_key",
                &self
                    .merchant_key
                    .as_ref()
                    .map(|v| v.to_str().unwrap_or("(not UTF-8)")),
            )
            .field("user_agent", &self.user_agent)
            .field("retry", &self.retry)
            .field("timeout", &self.timeout)
            .field("deadline", &self.deadline)
            .field("max_response_body", &self.max_response_body)
            .finish()
    }
}
