//! The webhooks the fake sends: signed like Imprint's, collected for the test
//! to read and, if the test gave a URL, POSTed to it.

use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use serde_json::Value;

use imprint_webhooks::{SIGNATURE_HEADER, Webhook};

/// One webhook the fake produced.
#[derive(Clone)]
pub struct Delivery {
    /// The payload's `object` (`TRANSACTION`, `REWARD`, `CUSTOMER_LINK`, …).
    pub object: String,
    /// The raw body, exactly as signed (and sent).
    pub body: Vec<u8>,
    /// The `X-IMPRINT-HMAC-SIGNATURE` header value.
    pub signature: String,
    /// What the receiver answered, when the fake POSTs to a URL: its status, or
    /// why the delivery failed. `None` when no URL was given.
    pub outcome: Option<Result<u16, String>>,
}

impl Delivery {
    /// The body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

impl fmt::Debug for Delivery {
    // Bodies carry customer data (names in metadata, ids); the kind and outcome
    // are what a failing assertion needs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Delivery")
            .field("object", &self.object)
            .field("bytes", &self.body.len())
            .field("outcome", &self.outcome)
            .finish_non_exhaustive()
    }
}

/// Signs, keeps and optionally sends the fake's webhooks.
pub(crate) struct Outbox {
    webhook: Webhook,
    url: Option<String>,
    http: Option<reqwest::Client>,
    sent: Mutex<Vec<Delivery>>,
}

impl Outbox {
    /// The outbox; fails when the HTTP client for `url` cannot be built.
    pub(crate) fn new(webhook: Webhook, url: Option<String>) -> std::io::Result<Self> {
        let http = match &url {
            // The SDK's TLS: its provider is set on this client, so a build
            // with `rustls-ring` alone does not need a process-wide one.
            Some(_) => Some(
                imprint::tls::http_client_builder()
                    .map_err(std::io::Error::other)?
                    .no_proxy()
                    .redirect(reqwest::redirect::Policy::none())
                    .timeout(Duration::from_secs(5))
                    .build()
                    .map_err(|_| {
                        std::io::Error::other("the webhook sender's HTTP client could not be built")
                    })?,
            ),
            None => None,
        };
        Ok(Outbox {
            webhook,
            url,
            http,
            sent: Mutex::new(Vec::new()),
        })
    }

    /// Signs and records each payload, POSTing it first when a URL is set, and
    /// returns the deliveries. The request that caused them answers only after,
    /// so a test reads them as soon as its call returns.
    pub(crate) async fn send(&self, payloads: Vec<Value>) -> Vec<Delivery> {
        let mut sent = Vec::with_capacity(payloads.len());
        for payload in payloads {
            let object = payload["object"].as_str().unwrap_or_default().to_string();
            let body = serde_json::to_vec(&payload).expect("a JSON value serializes");
            // Signed with the real clock: receivers check the timestamp's age.
            let signature = self.webhook.sign(&body, SystemTime::now());
            let outcome = match (&self.http, &self.url) {
                (Some(http), Some(url)) => Some(
                    http.post(url)
                        .header(SIGNATURE_HEADER, &signature)
                        .header(reqwest::header::CONTENT_TYPE, "application/json")
                        .body(body.clone())
                        .send()
                        .await
                        .map(|response| response.status().as_u16())
                        .map_err(|error| error.to_string()),
                ),
                _ => None,
            };
            let delivery = Delivery {
                object,
                body,
                signature,
                outcome,
            };
            self.lock().push(delivery.clone());
            sent.push(delivery);
        }
        sent
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Delivery>> {
        self.sent
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn all(&self) -> Vec<Delivery> {
        self.lock().clone()
    }

    pub(crate) fn take(&self) -> Vec<Delivery> {
        std::mem::take(&mut *self.lock())
    }
}

/// Whether `url` is `http(s)://` on a loopback host: the only place the fake
/// sends anything.
pub(crate) fn is_loopback(url: &str) -> bool {
    let Ok(url) = reqwest::Url::parse(url) else {
        return false;
    };
    let host = url.host_str().unwrap_or_default();
    let host_ok = host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    matches!(url.scheme(), "http" | "https") && host_ok
}
