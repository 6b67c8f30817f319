//! Safe retries.
//!
//! Imprint documents no idempotency key, so a create or update sent twice may
//! happen twice. The SDK therefore retries only operations that are safe to repeat
//! ([`Safety::Safe`]: every read, and the two read-only searches sent as POST),
//! and only on failures that are worth it: connection errors, timeouts, 429, 500,
//! 502, 503, 504. Waits are exponential with full jitter, or what `Retry-After`
//! asks for (seconds or an HTTP date) when that is within
//! [`RetryPolicy::max_retry_after`]. Everything else is sent exactly once.
//!
//! The classification is one table below, checked against the spec by a test, so
//! an operation added to `openapi.yaml` fails the build's tests until someone
//! decides whether it may be repeated.

use std::time::{Duration, SystemTime};

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use tracing::Instrument;

use crate::Config;
use crate::operation::{CallRecord, OperationMeta};

/// Whether an operation may be sent more than once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Safety {
    /// Reading only: repeating it cannot change anything.
    Safe,
    /// Creates, updates, deletes or triggers something: sent exactly once.
    Unsafe,
}

/// Every operation of the spec, classified. `Unsafe` unless it only reads.
pub const CLASSIFICATION: [(&str, Safety); 35] = [
    ("searchCustomers", Safety::Safe),
    ("searchCustomersPost", Safety::Safe), // a search; POST only keeps the SSN out of the URL
    ("getCustomer", Safety::Safe),
    ("linkCustomerAccount", Safety::Unsafe),
    ("createSession", Safety::Unsafe),
    ("getSession", Safety::Safe),
    ("searchPaymentMethods", Safety::Safe),
    ("searchPaymentMethodsPost", Safety::Safe), // a search; POST keeps the PAN out of the URL
    ("getPaymentMethod", Safety::Safe),
    ("createTransactionIntent", Safety::Unsafe),
    ("searchTransactionIntents", Safety::Safe),
    ("getTransactionIntent", Safety::Safe),
    ("updateTransactionIntent", Safety::Unsafe),
    ("getTransaction", Safety::Safe),
    ("searchRewards", Safety::Safe),
    ("getReward", Safety::Safe),
    ("patchReward", Safety::Unsafe),
    ("getRewardsBalance", Safety::Safe),
    ("getPaymentMethods", Safety::Safe),
    ("getTransactionIntents", Safety::Safe),
    ("getTransactions", Safety::Safe),
    ("getRewards", Safety::Safe),
    ("getOffer", Safety::Safe),
    ("listOrderEvents", Safety::Safe),
    ("postOrderEvent", Safety::Unsafe),
    ("deleteOrderEvent", Safety::Unsafe), // a repeat after success would answer 404
    ("listOrders", Safety::Safe),
    ("createOrder", Safety::Unsafe),
    ("putOrder", Safety::Unsafe), // idempotent in HTTP terms, but Imprint does not promise it
    ("deleteOrder", Safety::Unsafe),
    ("simulateTransactionEvent", Safety::Unsafe),
    ("simulateStatementReward", Safety::Unsafe),
    ("simulateReward", Safety::Unsafe),
    ("createKey", Safety::Unsafe),
    ("deleteKey", Safety::Unsafe),
];

/// The classification of an operation; an unknown one is [`Safety::Unsafe`].
pub fn safety(operation_id: &str) -> Safety {
    CLASSIFICATION
        .iter()
        .find(|(id, _)| *id == operation_id)
        .map_or(Safety::Unsafe, |(_, safety)| *safety)
}

/// How safe operations are retried.
///
/// ```
/// use std::time::Duration;
/// let policy = imprint::RetryPolicy::default().max_attempts(5).base_delay(Duration::from_millis(100));
/// assert_eq!(policy.attempts(), 5);
/// assert_eq!(imprint::RetryPolicy::disabled().attempts(), 1);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    base_delay: Duration,
    max_delay: Duration,
    max_retry_after: Duration,
}

impl Default for RetryPolicy {
    /// 3 attempts in total, back-off from 250 ms up to 8 s, `Retry-After`
    /// honoured up to 30 s.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// No retries: every request is sent once.
    pub fn disabled() -> Self {
        RetryPolicy::default().max_attempts(1)
    }

    /// Requests in total, the first included (`1` disables retries; `0` counts as `1`).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The first back-off ceiling; each retry doubles it.
    pub fn base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// The largest back-off ceiling.
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// The longest `Retry-After` the SDK waits; asked for longer, it returns the
    /// error (with [`ApiError::retry_after`](crate::ApiError::retry_after)) instead.
    pub fn max_retry_after(mut self, limit: Duration) -> Self {
        self.max_retry_after = limit;
        self
    }

    /// Requests in total.
    pub fn attempts(&self) -> u32 {
        self.max_attempts
    }

    /// Full jitter: a uniform wait in `[0, min(max_delay, base_delay · 2^(attempt-1))]`.
    fn backoff(&self, attempt: u32) -> Duration {
        let ceiling = self
            .base_delay
            .saturating_mul(1 << attempt.saturating_sub(1).min(20))
            .min(self.max_delay);
        ceiling.mul_f64(fastrand::f64())
    }
}

/// The statuses worth retrying.
pub fn retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 500 | 502 | 503 | 504)
}

fn retryable_transport(error: &reqwest::Error) -> bool {
    error.is_connect() || error.is_timeout() || error.is_request()
}

/// `Retry-After` as a duration: delay-seconds or an HTTP date.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(
        at.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// Sends `request`, retrying per the policy when the operation is safe.
pub(crate) async fn send(
    http: &reqwest::Client,
    config: &Config,
    operation: &str,
    mut request: reqwest::Request,
) -> reqwest::Result<reqwest::Response> {
    let meta = OperationMeta::by_name(operation);
    let (id, path) = meta.map_or((operation, "?"), |m| (m.id, m.path));
    let safe = meta.is_some_and(|m| m.safety() == Safety::Safe);
    let limit = if safe { config.retry.attempts() } else { 1 };
    let method = request.method().clone();
    let mut attempt = 1;
    loop {
        // Keep a copy for the next attempt while this one is on the wire.
        let spare = if attempt < limit {
            request.try_clone()
        } else {
            None
        };
        CallRecord::note_attempt(attempt);
        let span = tracing::info_span!(
            "imprint.request",
            operation = id,
            method = %method,
            path,
            attempt,
            status = tracing::field::Empty,
            elapsed_ms = tracing::field::Empty,
        );
        let started = std::time::Instant::now();
        let result = http.execute(request).instrument(span.clone()).await;
        span.record("elapsed_ms", started.elapsed().as_millis() as u64);
        let wait = match &result {
            Ok(response) => {
                span.record("status", response.status().as_u16());
                if retryable_status(response.status()) {
                    wait_for(config, attempt, response.headers())
                } else {
                    None
                }
            }
            Err(error) => {
                span.in_scope(|| {
                    tracing::debug!(
                        timeout = error.is_timeout(),
                        connect = error.is_connect(),
                        "request failed"
                    )
                });
                retryable_transport(error).then(|| config.retry.backoff(attempt))
            }
        };
        match (wait, spare) {
            (Some(wait), Some(next)) => {
                span.in_scope(|| tracing::info!(wait_ms = wait.as_millis() as u64, "retrying"));
                drop(result);
                tokio::time::sleep(wait).await;
                request = next;
                attempt += 1;
            }
            _ => return result,
        }
    }
}

/// How long to wait before retrying a retryable status: `Retry-After` when it is
/// within the cap (beyond it, no retry), the back-off otherwise.
fn wait_for(config: &Config, attempt: u32, headers: &HeaderMap) -> Option<Duration> {
    match retry_after(headers) {
        Some(asked) if asked > config.retry.max_retry_after => None,
        Some(asked) => Some(asked),
        None => Some(config.retry.backoff(attempt)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn backoff_stays_under_its_doubling_ceiling() {
        let policy = RetryPolicy::default();
        for attempt in 1..=6 {
            let ceiling =
                Duration::from_millis(250 * (1 << (attempt - 1))).min(Duration::from_secs(8));
            for _ in 0..200 {
                assert!(policy.backoff(attempt) <= ceiling);
            }
        }
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_static("2"));
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(2)));
        let soon = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(10));
        headers.insert(RETRY_AFTER, HeaderValue::from_str(&soon).unwrap());
        let wait = retry_after(&headers).unwrap();
        assert!(
            wait > Duration::from_secs(8) && wait <= Duration::from_secs(10),
            "{wait:?}"
        );
        headers.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(retry_after(&headers), Some(Duration::ZERO));
        headers.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&headers), None);
    }

    #[test]
    fn only_transient_statuses_retry() {
        let retried: Vec<u16> = (400..600)
            .filter(|s| retryable_status(StatusCode::from_u16(*s).unwrap()))
            .collect();
        assert_eq!(retried, [429, 500, 502, 503, 504]);
    }

    #[test]
    fn every_operation_is_classified_and_every_classification_exists() {
        let ids: Vec<&str> = OperationMeta::all().iter().map(|m| m.id).collect();
        let classified: Vec<&str> = CLASSIFICATION.iter().map(|(id, _)| *id).collect();
        let missing: Vec<&&str> = ids.iter().filter(|id| !classified.contains(id)).collect();
        let stale: Vec<&&str> = classified.iter().filter(|id| !ids.contains(id)).collect();
        assert!(
            missing.is_empty(),
            "operations without a retry classification in retry.rs: {missing:?}"
        );
        assert!(
            stale.is_empty(),
            "classified operations the spec no longer has: {stale:?}"
        );
    }

    #[test]
    fn safe_means_reads_and_the_read_only_searches() {
        for meta in OperationMeta::all() {
            let expected = meta.method == "GET"
                || matches!(meta.id, "searchCustomersPost" | "searchPaymentMethodsPost");
            assert_eq!(meta.safety() == Safety::Safe, expected, "{}", meta.id);
        }
    }
}
