//! Shared helpers: a client pointed at a mock server, sample bodies.

use std::time::Duration;

use httpmock::MockServer;
use imprint::{Client, RetryPolicy};

/// The API key every test client uses.
pub const KEY: &str = "test_key_4f9a";

/// `Basic base64("test_key_4f9a:")`.
pub const BASIC: &str = "Basic dGVzdF9rZXlfNGY5YTo=";

/// A client for `server` with fast retries (3 attempts, waits of a few ms).
pub fn client(server: &MockServer) -> Client {
    builder(server).build().expect("test client builds")
}

/// A builder for `server`, so a test can change one setting.
pub fn builder(server: &MockServer) -> imprint::ClientBuilder {
    Client::builder()
        .api_key(KEY)
        .base_url(server.base_url())
        .retry_policy(
            RetryPolicy::default()
                .base_delay(Duration::from_millis(5))
                .max_delay(Duration::from_millis(20)),
        )
}

/// A one-customer page.
pub fn customer_page() -> serde_json::Value {
    serde_json::json!({
        "data": [{ "id": "9B5E1EE0-2E1C-46E7-81B9-3C3917204BE4", "first_name": "Ada", "last_name": "Quill" }],
        "has_more": false,
        "total": 1
    })
}
