//! How safe operations are retried: the policy ([`RetryPolicy`]), which failures
//! are worth another attempt, and what `Retry-After` asks for.
//!
//! Imprint documents no idempotency key, so a create or update sent twice may
//! happen twice. The SDK therefore retries only operations that are safe to
//! repeat ([`Safety::Safe`](crate::Safety)), and only on failures that are
//! worth it: connection errors, timeouts, 429, 500, 502, 503, 504. Waits are
//! exponential with jitter and never shorter than [`RetryPolicy::min_delay`],
//! or what `Retry-After` asks for (seconds or an HTTP date) when that is within
//! [`RetryPolicy::max_retry_after`]. Everything else is sent exactly once.

use std::time::{Duration, SystemTime};

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};

/// The shortest wait between two attempts that any policy allows: a policy
/// asking for less ([`RetryPolicy::min_delay`]) gets this, so that
/// `Retry-After: 0` cannot turn a call into a burst of requests.
pub const MIN_RETRY_DELAY: Duration = Duration::from_millis(10);

/// The most requests one call may send, the first included: a policy asking
/// for more ([`RetryPolicy::max_attempts`]) gets this. With
/// [`MIN_RETRY_DELAY`], one call sends at most this many requests, at most
/// 100 a second.
pub const MAX_ATTEMPTS: u32 = 10;

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
    min_delay: Duration,
    base_delay: Duration,
    max_delay: Duration,
    max_retry_after: Duration,
}

impl Default for RetryPolicy {
    /// 3 attempts in total, back-off from 250 ms up to 8 s and never under
    /// 100 ms, `Retry-After` honoured up to 30 s.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            min_delay: Duration::from_millis(100),
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

    /// Requests in total, the first included (`1` disables retries; `0` counts
    /// as `1`, and more than [`MAX_ATTEMPTS`] as [`MAX_ATTEMPTS`]).
    ///
    /// ```
    /// use imprint::{MAX_ATTEMPTS, RetryPolicy};
    /// assert_eq!(RetryPolicy::default().max_attempts(u32::MAX).attempts(), MAX_ATTEMPTS);
    /// ```
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.clamp(1, MAX_ATTEMPTS);
        self
    }

    /// The shortest wait before a retry, whatever the back-off draws or
    /// `Retry-After` says (`Retry-After: 0` from a struggling server must not
    /// turn into a burst of requests). Default 100 ms; never under
    /// [`MIN_RETRY_DELAY`].
    pub fn min_delay(mut self, delay: Duration) -> Self {
        self.min_delay = delay.max(MIN_RETRY_DELAY);
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

    /// Jittered back-off: `jitter` (a uniform draw from `[0, 1)`, taken by the
    /// caller so that this stays deterministic under test) places the wait in
    /// `[min_delay, max(min_delay, ceiling)]`, where the ceiling is
    /// `min(max_delay, base_delay · 2^(attempt-1))`.
    pub(crate) fn backoff(&self, attempt: u32, jitter: f64) -> Duration {
        let ceiling = self
            .base_delay
            .saturating_mul(1 << attempt.saturating_sub(1).min(20))
            .min(self.max_delay);
        let span = ceiling.saturating_sub(self.min_delay);
        self.min_delay + span.mul_f64(jitter)
    }

    /// How long to wait before retrying a response with a retryable status
    /// that said `retry_after`, or why not to; `jitter` as for the back-off.
    pub(crate) fn wait_for_status(
        &self,
        attempt: u32,
        retry_after: RetryAfter,
        jitter: f64,
    ) -> Result<Duration, RetryStop> {
        match retry_after {
            RetryAfter::Wait(asked) if asked > self.max_retry_after => {
                Err(RetryStop::RetryAfterBeyondLimit)
            }
            RetryAfter::Wait(asked) => Ok(asked.max(self.min_delay)),
            RetryAfter::Absent | RetryAfter::Unreadable => Ok(self.backoff(attempt, jitter)),
        }
    }
}

/// Why a retryable failure was not retried again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RetryStop {
    /// [`RetryPolicy::max_attempts`] requests were sent.
    MaxAttempts,
    /// The server asked (`Retry-After`) for a longer wait than
    /// [`RetryPolicy::max_retry_after`] allows.
    RetryAfterBeyondLimit,
    /// The wait would end after the call's deadline.
    Deadline,
}

impl std::fmt::Display for RetryStop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            RetryStop::MaxAttempts => "the retry policy's attempts are used up",
            RetryStop::RetryAfterBeyondLimit => {
                "the server asked to wait longer than the retry policy allows"
            }
            RetryStop::Deadline => "the call's deadline leaves no time for another attempt",
        })
    }
}

/// The statuses worth retrying.
pub(crate) fn retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 500 | 502 | 503 | 504)
}

/// Transport failures worth retrying: the request may not have reached the
/// server, or the server did not answer in time.
pub(crate) fn retryable_transport(error: &reqwest::Error) -> bool {
    error.is_connect() || error.is_timeout() || error.is_request()
}

/// What a `Retry-After` header says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RetryAfter {
    /// No header.
    Absent,
    /// Neither delay-seconds nor an HTTP date: ignored (the back-off applies).
    Unreadable,
    /// A wait; a past date is zero, a number of seconds beyond what a
    /// `Duration` holds is [`Duration::MAX`] (never honoured, never ignored).
    Wait(Duration),
}

impl RetryAfter {
    pub(crate) fn read(headers: &HeaderMap) -> RetryAfter {
        let Some(value) = headers.get(RETRY_AFTER) else {
            return RetryAfter::Absent;
        };
        let Ok(value) = value.to_str().map(str::trim) else {
            return RetryAfter::Unreadable;
        };
        if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
            return RetryAfter::Wait(
                value
                    .parse::<u64>()
                    .map_or(Duration::MAX, Duration::from_secs),
            );
        }
        match httpdate::parse_http_date(value) {
            Ok(at) => RetryAfter::Wait(
                at.duration_since(SystemTime::now())
                    .unwrap_or(Duration::ZERO),
            ),
            Err(_) => RetryAfter::Unreadable,
        }
    }

    /// The wait, if the header gave one.
    pub(crate) fn wait(self) -> Option<Duration> {
        match self {
            RetryAfter::Wait(wait) => Some(wait),
            RetryAfter::Absent | RetryAfter::Unreadable => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn backoff_stays_between_the_floor_and_its_doubling_ceiling() {
        let policy = RetryPolicy::default();
        for attempt in 1..=6 {
            let ceiling =
                Duration::from_millis(250 * (1 << (attempt - 1))).min(Duration::from_secs(8));
            assert_eq!(policy.backoff(attempt, 0.0), Duration::from_millis(100));
            for _ in 0..200 {
                let wait = policy.backoff(attempt, fastrand::f64());
                assert!(wait <= ceiling && wait >= Duration::from_millis(100));
            }
            assert_eq!(policy.backoff(attempt, 1.0), ceiling);
        }
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        assert_eq!(
            RetryAfter::read(&headers("2")),
            RetryAfter::Wait(Duration::from_secs(2))
        );
        let soon = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(10));
        let wait = RetryAfter::read(&headers(&soon)).wait().unwrap();
        assert!(
            wait > Duration::from_secs(8) && wait <= Duration::from_secs(10),
            "{wait:?}"
        );
        assert_eq!(
            RetryAfter::read(&headers("Wed, 21 Oct 2015 07:28:00 GMT")),
            RetryAfter::Wait(Duration::ZERO)
        );
        assert_eq!(RetryAfter::read(&headers("soon")), RetryAfter::Unreadable);
        assert_eq!(RetryAfter::read(&HeaderMap::new()), RetryAfter::Absent);
    }

    #[test]
    fn huge_retry_after_is_too_long_not_absent() {
        let huge = "9".repeat(40);
        assert_eq!(
            RetryAfter::read(&headers(&huge)),
            RetryAfter::Wait(Duration::MAX)
        );
        assert_eq!(
            RetryPolicy::default().wait_for_status(1, RetryAfter::read(&headers(&huge)), 0.5),
            Err(RetryStop::RetryAfterBeyondLimit)
        );
    }

    #[test]
    fn retry_after_zero_or_past_waits_at_least_the_floor() {
        let policy = RetryPolicy::default();
        for value in ["0", "Wed, 21 Oct 2015 07:28:00 GMT"] {
            assert_eq!(
                policy.wait_for_status(1, RetryAfter::read(&headers(value)), 0.5),
                Ok(Duration::from_millis(100))
            );
        }
        let garbage = policy.wait_for_status(1, RetryAfter::read(&headers("-1")), 0.5);
        assert_eq!(
            garbage,
            Ok(Duration::from_millis(175)),
            "the back-off applies"
        );
    }

    #[test]
    fn only_transient_statuses_retry() {
        let retried: Vec<u16> = (400..600)
            .filter(|s| retryable_status(StatusCode::from_u16(*s).unwrap()))
            .collect();
        assert_eq!(retried, [429, 500, 502, 503, 504]);
    }
}
