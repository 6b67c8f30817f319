//! The call context: what one [`Operation::call`](crate::Operation::call) hands
//! down to the transport, and what the transport reports back.
//!
//! progenitor's hooks receive only the request and the operation's generated
//! name, and return only a `reqwest` result. The context travels beside them as
//! a task-local value: the operation's metadata (no lookup by name), when the
//! call started (its deadline), the structured reason the request hook refused
//! the input, the attempts made and why retrying stopped, and the last status
//! seen. A raw `.send()` runs without one (see [`CallContext::for_raw_send`]).
//!
//! The context also carries the call's own [`CallOptions`] (timeout, deadline,
//! retry policy, extra headers), so per-call settings reach the transport
//! without touching anything the client shares between calls.

use std::borrow::Cow;
use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use crate::config::Config;
use crate::error::CallFacts;
use crate::meta::OperationMeta;
use crate::retry_policy::{RetryPolicy, RetryStop};
use imprint_types::REDACTED;
use imprint_types::ValidationError;

/// Settings for one call, overriding the client's: see
/// [`Operation::with_options`](crate::Operation::with_options).
///
/// ```
/// use std::time::Duration;
/// use imprint::{CallOptions, RetryPolicy};
///
/// let options = CallOptions::new()
///     .timeout(Duration::from_secs(2))
///     .deadline(Duration::from_secs(5))
///     .retry_policy(RetryPolicy::disabled())
///     .header("x-correlation-id", "order-1234");
/// // Header values never reach Debug output: they may carry secrets.
/// assert!(!format!("{options:?}").contains("order-1234"));
/// ```
///
/// Extra headers are checked when set, whatever their case; a name or value
/// HTTP cannot carry, a header the SDK owns (`Authorization`,
/// `Proxy-Authorization`, `User-Agent`, `Host`, `Content-Type`,
/// `Content-Length`), or one that would change the connection or how the body
/// is framed or encoded (`Transfer-Encoding`, `Connection`, `Keep-Alive`,
/// `Proxy-Connection`, `TE`, `Trailer`, `Upgrade`, `Expect`,
/// `Content-Encoding`) makes the call fail with
/// [`Error::Validation`](crate::Error::Validation) on field `header` before
/// anything is sent. `x-imprint-merchant-key` may be set: it replaces
/// the client's merchant key for this call. A header set twice keeps the last value.
#[derive(Clone, Default)]
pub struct CallOptions {
    timeout: Option<Duration>,
    deadline: Option<Duration>,
    retry: Option<RetryPolicy>,
    headers: HeaderMap,
    invalid: Option<ValidationError>,
}

/// Headers the SDK sets itself, and those that would change the connection
/// (hop-by-hop: `Connection: close, authorization` tells a proxy to drop the
/// credentials; `Upgrade` switches protocol) or how the body is framed or
/// encoded (`Content-Encoding: gzip` on a plain JSON body): never taken from
/// options.
const RESERVED_HEADERS: [HeaderName; 15] = [
    reqwest::header::AUTHORIZATION,
    reqwest::header::PROXY_AUTHORIZATION,
    reqwest::header::USER_AGENT,
    reqwest::header::HOST,
    reqwest::header::CONTENT_TYPE,
    reqwest::header::CONTENT_LENGTH,
    reqwest::header::TRANSFER_ENCODING,
    reqwest::header::CONNECTION,
    HeaderName::from_static("keep-alive"),
    HeaderName::from_static("proxy-connection"),
    reqwest::header::TE,
    reqwest::header::TRAILER,
    reqwest::header::UPGRADE,
    reqwest::header::EXPECT,
    reqwest::header::CONTENT_ENCODING,
];

impl CallOptions {
    /// No overrides: the client's settings apply.
    pub fn new() -> Self {
        CallOptions::default()
    }

    /// Time allowed for each attempt of this call, response body included
    /// (instead of [`ClientBuilder::timeout`](crate::ClientBuilder::timeout)).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Time allowed for the whole call, every attempt and wait included
    /// (instead of [`ClientBuilder::deadline`](crate::ClientBuilder::deadline)).
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// The retry policy of this call (instead of the client's). An operation
    /// that is not safe to repeat is still sent once, whatever the policy.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// An extra request header. Its value is marked sensitive (never printed
    /// by this type, reqwest or hyper). See the type's docs for what is refused.
    pub fn header<K, V>(mut self, name: K, value: V) -> Self
    where
        HeaderName: TryFrom<K>,
        HeaderValue: TryFrom<V>,
    {
        let Ok(name) = HeaderName::try_from(name) else {
            self.refuse("is not a valid HTTP header name");
            return self;
        };
        if RESERVED_HEADERS.contains(&name) {
            self.refuse(&format!(
                "`{name}` is set by the SDK or changes the connection or the body's framing, and cannot be set per call"
            ));
            return self;
        }
        let Ok(mut value) = HeaderValue::try_from(value) else {
            self.refuse(&format!(
                "the value of `{name}` cannot go in an HTTP header"
            ));
            return self;
        };
        value.set_sensitive(true);
        self.headers.insert(name, value);
        self
    }

    /// Keeps the first refusal: the call reports it instead of sending.
    fn refuse(&mut self, reason: &str) {
        if self.invalid.is_none() {
            self.invalid = Some(ValidationError::new("header", reason));
        }
    }

    /// `other`'s settings over these (for options given twice).
    pub(crate) fn merged(&self, other: &CallOptions) -> CallOptions {
        let mut headers = self.headers.clone();
        for (name, value) in &other.headers {
            headers.insert(name.clone(), value.clone());
        }
        CallOptions {
            timeout: other.timeout.or(self.timeout),
            deadline: other.deadline.or(self.deadline),
            retry: other.retry.clone().or_else(|| self.retry.clone()),
            headers,
            invalid: self.invalid.clone().or_else(|| other.invalid.clone()),
        }
    }
}

impl fmt::Debug for CallOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .keys()
            .map(|name| (name.as_str(), REDACTED))
            .collect();
        f.debug_struct("CallOptions")
            .field("timeout", &self.timeout)
            .field("deadline", &self.deadline)
            .field("retry", &self.retry)
            .field("headers", &headers)
            .field("invalid", &self.invalid)
            .finish()
    }
}

/// One call in progress.
pub(crate) struct CallContext {
    meta: &'static OperationMeta,
    started: Instant,
    options: CallOptions,
    attempts: AtomicU32,
    /// What the hooks observed, behind one lock (written a few times per
    /// call); its `attempts` stays 0, counted in `attempts` instead.
    report: Mutex<CallFacts>,
}

tokio::task_local! {
    static CALL: Arc<CallContext>;
}

impl CallContext {
    /// A context for a call of `meta`.
    pub(crate) fn new(meta: &'static OperationMeta) -> Arc<CallContext> {
        CallContext::with_options(meta, CallOptions::default())
    }

    /// Like [`new`](CallContext::new), with the call's own settings.
    pub(crate) fn with_options(
        meta: &'static OperationMeta,
        options: CallOptions,
    ) -> Arc<CallContext> {
        Arc::new(CallContext {
            meta,
            started: Instant::now(),
            options,
            attempts: AtomicU32::new(0),
            report: Mutex::new(CallFacts::default()),
        })
    }

    /// A context for a request sent with the raw `.send()` layer, which has no
    /// call around it: found by progenitor's name for the operation.
    pub(crate) fn for_raw_send(name: &str) -> Option<Arc<CallContext>> {
        crate::generated::OPERATIONS
            .iter()
            .find(|meta| meta.name == name)
            .map(CallContext::new)
    }

    /// Runs `future` with this context as the call in progress.
    pub(crate) fn scope<F: Future>(
        self: &Arc<Self>,
        future: F,
    ) -> impl Future<Output = F::Output> + use<F> {
        CALL.scope(Arc::clone(self), future)
    }

    /// The call in progress, if the current task runs inside one.
    pub(crate) fn current() -> Option<Arc<CallContext>> {
        CALL.try_with(Arc::clone).ok()
    }

    /// The operation being called.
    pub(crate) fn meta(&self) -> &'static OperationMeta {
        self.meta
    }

    /// The client's settings with this call's overrides applied.
    pub(crate) fn config<'c>(&self, config: &'c Config) -> Cow<'c, Config> {
        let options = &self.options;
        if options.timeout.is_none() && options.deadline.is_none() && options.retry.is_none() {
            return Cow::Borrowed(config);
        }
        let mut config = config.clone();
        config.timeout = options.timeout.unwrap_or(config.timeout);
        config.deadline = options.deadline.unwrap_or(config.deadline);
        if let Some(retry) = &options.retry {
            config.retry = retry.clone();
        }
        Cow::Owned(config)
    }

    /// Adds this call's extra headers to a request's, replacing same-named ones.
    pub(crate) fn add_headers(&self, headers: &mut HeaderMap) {
        for (name, value) in &self.options.headers {
            headers.insert(name.clone(), value.clone());
        }
    }

    /// Why the call's options cannot be used, if they cannot.
    pub(crate) fn invalid_options(&self) -> Option<ValidationError> {
        self.options.invalid.clone()
    }

    /// Time left before `deadline` (counted from the start of the call) ends it.
    pub(crate) fn remaining(&self, deadline: Duration) -> Duration {
        deadline.saturating_sub(self.started.elapsed())
    }

    /// Notes that attempt number `attempt` is being sent.
    pub(crate) fn note_attempt(&self, attempt: u32) {
        self.attempts.store(attempt, Ordering::Relaxed);
    }

    /// Requests sent so far.
    pub(crate) fn attempts(&self) -> u32 {
        self.attempts.load(Ordering::Relaxed)
    }

    /// Notes the response body limit the transport enforces.
    pub(crate) fn note_body_limit(&self, max_body: u64) {
        self.report().max_body = max_body;
    }

    /// Notes the status of the response just received.
    pub(crate) fn note_status(&self, status: StatusCode) {
        self.report().status = Some(status);
    }

    /// Keeps the reason the request hook refused the input.
    pub(crate) fn reject(&self, error: ValidationError) {
        self.report().rejected = Some(error);
    }

    /// Notes why a retryable failure was not retried again.
    pub(crate) fn stop(&self, stop: RetryStop) {
        self.report().stopped_by = Some(stop);
    }

    /// Everything the error mapping needs, taken out of the context.
    pub(crate) fn facts(&self) -> CallFacts {
        CallFacts {
            attempts: self.attempts.load(Ordering::Relaxed),
            ..std::mem::take(&mut *self.report())
        }
    }

    fn report(&self) -> std::sync::MutexGuard<'_, CallFacts> {
        // A panic while holding this lock leaves nothing half-written worth refusing.
        self.report.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta() -> &'static OperationMeta {
        &crate::generated::OPERATIONS[0]
    }

    #[tokio::test]
    async fn the_context_is_visible_inside_its_scope_only() {
        assert!(CallContext::current().is_none());
        let context = CallContext::new(meta());
        let seen = context
            .scope(async { CallContext::current().map(|c| c.meta().id) })
            .await;
        assert_eq!(seen, Some(meta().id));
        assert!(CallContext::current().is_none());
    }

    #[test]
    fn facts_carry_what_the_hooks_noted_once() {
        let context = CallContext::new(meta());
        context.note_attempt(2);
        context.note_status(StatusCode::SERVICE_UNAVAILABLE);
        context.stop(RetryStop::Deadline);
        context.reject(ValidationError::new("ssn", "must have 9 digits"));
        context.note_body_limit(10);
        let facts = context.facts();
        assert_eq!(facts.max_body, 10);
        assert_eq!(facts.attempts, 2);
        assert_eq!(facts.status, Some(StatusCode::SERVICE_UNAVAILABLE));
        assert_eq!(facts.stopped_by, Some(RetryStop::Deadline));
        assert_eq!(facts.rejected.unwrap().field(), "ssn");
        assert!(context.facts().rejected.is_none());
    }

    #[test]
    fn raw_sends_find_their_operation_by_generated_name() {
        let context = CallContext::for_raw_send("search_customers_post").unwrap();
        assert_eq!(context.meta().id, "searchCustomersPost");
        assert!(CallContext::for_raw_send("no_such_operation").is_none());
    }

    #[test]
    fn extra_header_values_are_marked_sensitive_and_added_over_same_names() {
        let options = CallOptions::new().header("x-partner-token", "tok_1");
        assert!(options.headers["x-partner-token"].is_sensitive());
        let context = CallContext::with_options(meta(), options);
        let mut headers = HeaderMap::new();
        headers.insert("x-partner-token", HeaderValue::from_static("old"));
        context.add_headers(&mut headers);
        assert_eq!(headers.get_all("x-partner-token").iter().count(), 1);
        assert_eq!(headers["x-partner-token"], "tok_1");
        assert!(headers["x-partner-token"].is_sensitive());
    }

    #[test]
    fn remaining_time_counts_down_from_the_start() {
        let context = CallContext::new(meta());
        assert!(context.remaining(Duration::from_secs(60)) > Duration::from_secs(59));
        assert_eq!(context.remaining(Duration::ZERO), Duration::ZERO);
    }
}
