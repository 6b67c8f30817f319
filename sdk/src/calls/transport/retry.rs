//! The send loop: one attempt after another while the operation is safe to
//! repeat, the failure is worth retrying, the policy allows another, and the
//! call's deadline leaves time for it.

use tracing::Instrument;

use super::body_limit;
use super::decision::{self, Outcome, Step};
use crate::call::CallContext;
use crate::config::Config;
use crate::retry_policy::{RetryAfter, retryable_transport};
use crate::telemetry;

/// Sends `request` for `call`, retrying per the client's policy when the
/// operation is safe. Each attempt's timeout is the client's, cut to what is
/// left of the call's deadline. What follows an attempt is
/// [`decision::next_step`]'s call; this loop does the I/O and the reporting.
pub(super) async fn send(
    http: &reqwest::Client,
    config: &Config,
    call: &CallContext,
    mut request: reqwest::Request,
) -> reqwest::Result<reqwest::Response> {
    // The call's own options (timeout, deadline, retry policy) over the client's.
    let config: &Config = &call.config(config);
    let meta = call.meta();
    let safety = meta.safety();
    let limit = decision::attempt_limit(safety, &config.retry);
    let mut attempt = 1;
    loop {
        // Keep a copy for the next attempt while this one is on the wire. Made
        // before the timeout is set, so it does not copy the extension map
        // reqwest keeps the timeout in (the next attempt sets its own).
        let spare = if attempt < limit {
            request.try_clone()
        } else {
            None
        };
        let remaining = call.remaining(config.deadline);
        let cut_by_deadline = remaining < config.timeout;
        *request.timeout_mut() = Some(config.timeout.min(remaining));
        call.note_attempt(attempt);
        let attempt_span = telemetry::Attempt::start(meta, &mut request, attempt);
        let result = http
            .execute(request)
            .instrument(attempt_span.span().clone())
            .await;
        attempt_span.finish(&result);
        let outcome = match &result {
            Ok(response) => {
                call.note_status(response.status());
                Outcome::Status {
                    status: response.status(),
                    retry_after: RetryAfter::read(response.headers()),
                }
            }
            Err(error) => Outcome::Transport {
                timeout: error.is_timeout(),
                cut_by_deadline,
                retryable: retryable_transport(error),
            },
        };
        let step = decision::next_step(
            safety,
            attempt,
            spare,
            outcome,
            call.remaining(config.deadline),
            &config.retry,
            fastrand::f64(),
        );
        let next = match step {
            Step::Retry { wait, request } => Some((wait, request)),
            Step::Return => None,
            Step::NotSafeToRepeat => {
                telemetry::unsafe_not_retried(meta, telemetry::retry_reason(&result));
                None
            }
            Step::Stop(stop) => {
                call.stop(stop);
                telemetry::exhausted(meta, attempt, telemetry::retry_reason(&result), stop);
                None
            }
        };
        let Some((wait, next)) = next else {
            return result.map(|response| body_limit::limit(response, config.max_response_body));
        };
        telemetry::retrying(meta, attempt, telemetry::retry_reason(&result), wait);
        drop(result);
        tokio::time::sleep(wait).await;
        request = next;
        attempt += 1;
    }
}
