//! The call context: what one [`Operation::call`](crate::Operation::call) hands
//! down to the transport, and what the transport reports back.
//!
//! progenitor's hooks receive only the request and the operation's generated
//! name, and return only a `reqwest` result. The context travels beside them as
//! a task-local value: the operation's metadata (no lookup by name), when the
//! call started (its deadline), the structured reason the request hook refused
//! the input, the attempts made and why retrying stopped, and the last status
//! seen. A raw `.send()` runs without one (see [`CallContext::for_raw_send`]).

use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::StatusCode;

use crate::error::CallFacts;
use crate::meta::OperationMeta;
use crate::retry_policy::RetryStop;
use crate::validation::ValidationError;

/// One call in progress.
pub(crate) struct CallContext {
    meta: &'static OperationMeta,
    started: Instant,
    background: bool,
    attempts: AtomicU32,
    report: Mutex<Report>,
}

/// What the hooks observed, behind one lock (written a few times per call).
#[derive(Default)]
struct Report {
    rejected: Option<ValidationError>,
    stopped_by: Option<RetryStop>,
    status: Option<StatusCode>,
    max_body: u64,
}

tokio::task_local! {
    static CALL: Arc<CallContext>;
}

impl CallContext {
    /// A context for a call of `meta`; `background` asks the transport to run
    /// the whole exchange in a task of its own (pagination read-ahead).
    pub(crate) fn new(meta: &'static OperationMeta, background: bool) -> Arc<CallContext> {
        Arc::new(CallContext {
            meta,
            started: Instant::now(),
            background,
            attempts: AtomicU32::new(0),
            report: Mutex::new(Report::default()),
        })
    }

    /// A context for a request sent with the raw `.send()` layer, which has no
    /// call around it: found by progenitor's name for the operation.
    pub(crate) fn for_raw_send(name: &str) -> Option<Arc<CallContext>> {
        crate::generated::OPERATIONS
            .iter()
            .find(|meta| meta.name == name)
            .map(|meta| CallContext::new(meta, false))
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

    /// Whether the exchange should run in a task of its own.
    pub(crate) fn background(&self) -> bool {
        self.background
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
        let report = std::mem::take(&mut *self.report());
        CallFacts {
            attempts: self.attempts.load(Ordering::Relaxed),
            rejected: report.rejected,
            stopped_by: report.stopped_by,
            status: report.status,
            max_body: report.max_body,
        }
    }

    fn report(&self) -> std::sync::MutexGuard<'_, Report> {
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
        let context = CallContext::new(meta(), false);
        let seen = context
            .scope(async { CallContext::current().map(|c| c.meta().id) })
            .await;
        assert_eq!(seen, Some(meta().id));
        assert!(CallContext::current().is_none());
    }

    #[test]
    fn facts_carry_what_the_hooks_noted_once() {
        let context = CallContext::new(meta(), false);
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
    fn remaining_time_counts_down_from_the_start() {
        let context = CallContext::new(meta(), false);
        assert!(context.remaining(Duration::from_secs(60)) > Duration::from_secs(59));
        assert_eq!(context.remaining(Duration::ZERO), Duration::ZERO);
    }
}
