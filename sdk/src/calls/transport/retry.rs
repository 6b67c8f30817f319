//! The send loop: one attempt after another while the operation is safe to
//! repeat, the failure is worth retrying, the policy allows another, and the
//! call's deadline leaves time for it.

use tracing::Instrument;

use super::body_limit;
use crate::call::CallContext;
use crate::config::Config;
use crate::meta::Safety;
use crate::retry_policy::{RetryStop, retryable_status, retryable_transport};
use crate::telemetry;

/// Sends `request` for `call`, retrying per the client's policy when the
/// operation is safe. Each attempt's timeout is the client's, cut to what is
/// left of the call's deadline.
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
    let limit = match safety {
        Safety::Safe => config.retry.attempts(),
        Safety::Unsafe => 1,
    };
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
        let give_up = |stop: RetryStop, reason: std::borrow::Cow<'static, str>| {
            call.stop(stop);
            telemetry::exhausted(meta, attempt, reason, stop);
        };
        let wait = match &result {
            Ok(response) => {
                call.note_status(response.status());
                retryable_status(response.status())
                    .then(|| config.retry.wait_for_status(attempt, response.headers()))
            }
            Err(error) => {
                if error.is_timeout() && cut_by_deadline {
                    give_up(RetryStop::Deadline, "timeout".into());
                    return result;
                }
                retryable_transport(error).then(|| Ok(config.retry.backoff(attempt)))
            }
        };
        let next = match (wait, spare) {
            (None, _) => None,
            (Some(Err(stop)), _) => {
                give_up(stop, telemetry::retry_reason(&result));
                None
            }
            (Some(Ok(_)), None) if limit == 1 => {
                if safety == Safety::Unsafe {
                    telemetry::unsafe_not_retried(meta, telemetry::retry_reason(&result));
                }
                None
            }
            (Some(Ok(_)), None) => {
                give_up(RetryStop::MaxAttempts, telemetry::retry_reason(&result));
                None
            }
            (Some(Ok(wait)), Some(_)) if wait >= call.remaining(config.deadline) => {
                give_up(RetryStop::Deadline, telemetry::retry_reason(&result));
                None
            }
            (Some(Ok(wait)), Some(next)) => Some((wait, next)),
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
