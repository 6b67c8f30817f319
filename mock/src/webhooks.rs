//! The webhooks the fake sends: signed like Imprint's, collected for the test
//! to read and, if the test gave a URL, POSTed to it.

use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use serde_json::{Value, json};

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

/// The `object` of each event kind Imprint sends, in the spec's order.
pub const EVENT_KINDS: [&str; 7] = [
    "APPLICATION",
    "TRANSACTION",
    "PAYMENT_METHOD",
    "CUSTOMER_LINK",
    "REWARD",
    "STREAK",
    "ACCOUNT_STATUS",
];

/// A sample payload of the event kind `object` (one of [`EVENT_KINDS`], in any
/// case), shaped like the spec's payload schema with synthetic ids and no
/// personal data; `None` for another kind. For exercising a receiver, as
/// `imprint webhook send` does.
///
/// ```
/// let sample = imprint_mock::sample_event("transaction").unwrap();
/// assert_eq!(sample["object"], "TRANSACTION");
/// assert!(imprint_mock::sample_event("NOPE").is_none());
/// ```
pub fn sample_event(object: &str) -> Option<Value> {
    let object = object.to_ascii_uppercase();
    let at = "2025-03-01T00:00:00Z";
    let customer = "c0ffee00-0000-4000-8000-000000000001";
    let data = match object.as_str() {
        "APPLICATION" => {
            json!({ "customer_id": customer, "status": "OFFER_ACCEPTED", "created_at": at, "updated_at": at })
        }
        "TRANSACTION" => json!({
            "transaction_id": "7a000000-0000-4000-8000-000000000001",
            "event_id": "e0000000-0000-4000-8000-000000000001",
            "customer_id": customer, "status": "APPROVED", "amount": 1250, "currency": "USD",
            "purchase_method": "CONTACTLESS", "created_at": at, "updated_at": at
        }),
        "PAYMENT_METHOD" => json!({
            "payment_method_id": "9a000000-0000-4000-8000-000000000001", "customer_id": customer,
            "previous_status": "INACTIVE", "new_status": "ACTIVE", "card_type": "VIRTUAL",
            "created_at": at, "updated_at": at
        }),
        "CUSTOMER_LINK" => {
            json!({ "customer_id": customer, "status": "ACTIVE", "created_at": at, "updated_at": at })
        }
        "REWARD" => json!({
            "reward_id": "4e000000-0000-4000-8000-000000000001", "customer_id": customer,
            "type": "TRANSACTION", "amount": 125, "status": "PENDING", "currency": "USD", "created_at": at
        }),
        "STREAK" => json!({
            "streak_id": "5a000000-0000-4000-8000-000000000001", "customer_id": customer,
            "event": "ENROLLED", "status": "IN_PROGRESS", "current_period": 1, "completed_periods": 0,
            "total_periods": 3, "created_at": at
        }),
        "ACCOUNT_STATUS" => {
            json!({ "customer_id": customer, "status": "CLOSED", "updated_at": at })
        }
        _ => return None,
    };
    let mut data = data;
    data["merchant_key"] = Value::from(crate::MERCHANT_KEY);
    Some(json!({ "object": object, "data": data }))
}

/// Signs `payload` with `secret` as the fake signs its own webhooks and POSTs
/// it to `url`, which must be `http(s)` on a loopback host (otherwise nothing
/// is sent and the delivery's outcome says why): a delivery from no running
/// fake, for testing a receiver (`imprint webhook send`).
pub async fn deliver(url: &str, secret: &str, payload: Value) -> Delivery {
    let not_sent = |reason: String| {
        let body = serde_json::to_vec(&payload).expect("a JSON value serializes");
        Delivery {
            object: payload["object"].as_str().unwrap_or_default().to_string(),
            signature: Webhook::new(secret).sign(&body, SystemTime::now()),
            body,
            outcome: Some(Err(format!("not sent: {reason}"))),
        }
    };
    if !is_loopback(url) {
        return not_sent("deliveries go only to http(s) URLs on a loopback host".into());
    }
    match Outbox::new(Webhook::new(secret), Some(url.to_string())) {
        Ok(outbox) => outbox.send(vec![payload]).await.remove(0),
        Err(error) => not_sent(error.to_string()),
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
