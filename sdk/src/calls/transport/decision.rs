//! What the send loop does after an attempt, as a pure function of what it
//! knows: [`next_step`].
//!
//! It lives in `transport/` rather than beside [`RetryPolicy`] because it
//! weighs more than the policy: the operation's [`Safety`], the call's
//! deadline, whether the request can be sent again. `retry_policy.rs` stays a
//! value that knows neither operations nor calls. No clock, randomness or
//! network is read here (the loop reads them and passes what it read), so
//! every branch is checked by the decision table below.

use std::time::Duration;

use reqwest::StatusCode;

use crate::meta::Safety;
use crate::retry_policy::{RetryAfter, RetryPolicy, RetryStop, retryable_status};

/// What an attempt came back with, as far as the decision goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Outcome {
    /// A response, with what its `Retry-After` header said.
    Status {
        status: StatusCode,
        retry_after: RetryAfter,
    },
    /// No response.
    Transport {
        /// The attempt ran out of time.
        timeout: bool,
        /// The attempt's timeout was cut short to end at the call's deadline
        /// (so a timeout means the deadline has passed).
        cut_by_deadline: bool,
        /// The failure is worth another attempt (see `retryable_transport`).
        retryable: bool,
    },
}

/// What to do after an attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Step<R> {
    /// Wait, then send `request`.
    Retry { wait: Duration, request: R },
    /// Return the outcome: it is final, or the policy allows one attempt only.
    Return,
    /// Return the outcome, a failure a safe operation would have retried:
    /// the operation is not safe to repeat, so whether it took effect is unknown.
    NotSafeToRepeat,
    /// Return the outcome, a retryable failure: retrying stopped for this reason.
    Stop(RetryStop),
}

/// Requests one call of an operation with `safety` may send under `policy`.
pub(super) fn attempt_limit(safety: Safety, policy: &RetryPolicy) -> u32 {
    match safety {
        Safety::Safe => policy.attempts(),
        Safety::Unsafe => 1,
    }
}

/// The step after attempt number `attempt` (from 1) of an operation with
/// `safety` ended in `outcome`, `remaining` before the call's deadline.
/// `spare` is a copy of the request for another attempt, if one could be made
/// (a streamed body cannot be copied); a retry hands it back. `jitter`, a
/// uniform draw from `[0, 1)`, places a back-off within its range.
pub(super) fn next_step<R>(
    safety: Safety,
    attempt: u32,
    spare: Option<R>,
    outcome: Outcome,
    remaining: Duration,
    policy: &RetryPolicy,
    jitter: f64,
) -> Step<R> {
    let wait = match outcome {
        Outcome::Status { status, .. } if !retryable_status(status) => return Step::Return,
        Outcome::Status { retry_after, .. } => policy.wait_for_status(attempt, retry_after, jitter),
        Outcome::Transport {
            timeout: true,
            cut_by_deadline: true,
            ..
        } => return Step::Stop(RetryStop::Deadline),
        Outcome::Transport {
            retryable: false, ..
        } => return Step::Return,
        Outcome::Transport { .. } => Ok(policy.backoff(attempt, jitter)),
    };
    let wait = match wait {
        Ok(wait) => wait,
        Err(stop) => return Step::Stop(stop),
    };
    let limit = attempt_limit(safety, policy);
    if limit == 1 {
        // Nothing was used up: either the operation may not be repeated, or
        // the caller asked for no retries at all.
        return match safety {
            Safety::Unsafe => Step::NotSafeToRepeat,
            Safety::Safe => Step::Return,
        };
    }
    let Some(request) = spare.filter(|_| attempt < limit) else {
        return Step::Stop(RetryStop::MaxAttempts);
    };
    if wait >= remaining {
        return Step::Stop(RetryStop::Deadline);
    }
    Step::Retry { wait, request }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Safety::{Safe, Unsafe};
    use Step::{NotSafeToRepeat, Return, Stop};

    /// With the default policy's delays (floor 100 ms, first ceiling 250 ms,
    /// `Retry-After` up to 30 s), this jitter makes the back-off after attempt
    /// 1 175 ms and after attempt 2 300 ms.
    const JITTER: f64 = 0.5;

    const CONNECT: Outcome = Outcome::Transport {
        timeout: false,
        cut_by_deadline: false,
        retryable: true,
    };
    const BODY_ERROR: Outcome = Outcome::Transport {
        timeout: false,
        cut_by_deadline: false,
        retryable: false,
    };
    const TIMEOUT: Outcome = Outcome::Transport {
        timeout: true,
        cut_by_deadline: false,
        retryable: true,
    };
    const TIMEOUT_AT_DEADLINE: Outcome = Outcome::Transport {
        timeout: true,
        cut_by_deadline: true,
        retryable: true,
    };

    fn status(code: u16) -> Outcome {
        Outcome::Status {
            status: StatusCode::from_u16(code).unwrap(),
            retry_after: RetryAfter::Absent,
        }
    }

    fn status_after(code: u16, secs: u64) -> Outcome {
        Outcome::Status {
            status: StatusCode::from_u16(code).unwrap(),
            retry_after: RetryAfter::Wait(Duration::from_secs(secs)),
        }
    }

    fn unreadable_after(code: u16) -> Outcome {
        Outcome::Status {
            status: StatusCode::from_u16(code).unwrap(),
            retry_after: RetryAfter::Unreadable,
        }
    }

    fn ms(ms: u64) -> Duration {
        Duration::from_millis(ms)
    }

    fn retry(wait: Duration) -> Step<()> {
        Step::Retry { wait, request: () }
    }

    /// A case, the inputs, the step: `try` is the attempt just made, `of`
    /// the policy's `max_attempts`, `copy` whether the loop holds a copy of
    /// the request, `left` the time before the call's deadline.
    type Row = (
        &'static str,
        Safety,
        u32,
        u32,
        bool,
        Outcome,
        Duration,
        Step<()>,
    );

    const COPY: bool = true;
    const NONE: bool = false;

    #[test]
    fn the_decision_table() {
        #[rustfmt::skip]
        let rows: &[Row] = &[
            // case                                         safety  try of copy  outcome                     left       step
            ("unsafe, retryable status: sent once, noted",  Unsafe, 1,  3, NONE, status(503),                ms(30_000), NotSafeToRepeat),
            ("unsafe, retryable transport error",           Unsafe, 1,  3, NONE, CONNECT,                    ms(30_000), NotSafeToRepeat),
            ("unsafe, timeout not at the deadline",         Unsafe, 1,  3, NONE, TIMEOUT,                    ms(30_000), NotSafeToRepeat),
            ("unsafe, timeout cut by the deadline",         Unsafe, 1,  3, NONE, TIMEOUT_AT_DEADLINE,        ms(0),      Stop(RetryStop::Deadline)),
            ("unsafe, Retry-After beyond the policy",       Unsafe, 1,  3, NONE, status_after(429, 120),     ms(30_000), Stop(RetryStop::RetryAfterBeyondLimit)),
            ("unsafe, non-retryable status",                Unsafe, 1,  3, NONE, status(409),                ms(30_000), Return),
            ("safe, success",                               Safe,   1,  3, COPY, status(200),                ms(30_000), Return),
            ("safe, non-retryable status",                  Safe,   1,  3, COPY, status(400),                ms(30_000), Return),
            ("safe, non-retryable status on the last try",  Safe,   3,  3, NONE, status(404),                ms(30_000), Return),
            ("safe, retryable status, attempts left",       Safe,   1,  3, COPY, status(503),                ms(30_000), retry(ms(175))),
            ("safe, retryable status, ceiling doubled",     Safe,   2,  3, COPY, status(502),                ms(30_000), retry(ms(300))),
            ("safe, Retry-After within the policy",         Safe,   1,  3, COPY, status_after(429, 1),       ms(30_000), retry(ms(1_000))),
            ("safe, Retry-After 0 waits the floor",         Safe,   1,  3, COPY, status_after(503, 0),       ms(30_000), retry(ms(100))),
            ("safe, unreadable Retry-After: back-off",      Safe,   1,  3, COPY, unreadable_after(429),      ms(30_000), retry(ms(175))),
            ("safe, retryable status, last attempt",        Safe,   3,  3, NONE, status(503),                ms(30_000), Stop(RetryStop::MaxAttempts)),
            ("safe, last attempt, even holding a copy",     Safe,   3,  3, COPY, status(503),                ms(30_000), Stop(RetryStop::MaxAttempts)),
            ("safe, attempts left, body not copyable",      Safe,   1,  3, NONE, status(503),                ms(30_000), Stop(RetryStop::MaxAttempts)),
            ("safe, Retry-After beyond the policy",         Safe,   1,  3, COPY, status_after(429, 31),      ms(30_000), Stop(RetryStop::RetryAfterBeyondLimit)),
            ("safe, Retry-After beyond, last attempt",      Safe,   3,  3, NONE, status_after(429, 31),      ms(30_000), Stop(RetryStop::RetryAfterBeyondLimit)),
            ("safe, Retry-After longer than time left",     Safe,   1,  3, COPY, status_after(429, 1),       ms(300),    Stop(RetryStop::Deadline)),
            ("safe, back-off exactly the time left",        Safe,   1,  3, COPY, status(503),                ms(175),    Stop(RetryStop::Deadline)),
            ("safe, back-off just within the time left",    Safe,   1,  3, COPY, status(503),                ms(176),    retry(ms(175))),
            ("safe, retries disabled by the policy",        Safe,   1,  1, NONE, status(503),                ms(30_000), Return),
            ("safe, retryable transport error",             Safe,   1,  3, COPY, CONNECT,                    ms(30_000), retry(ms(175))),
            ("safe, retryable transport error, last try",   Safe,   3,  3, NONE, CONNECT,                    ms(30_000), Stop(RetryStop::MaxAttempts)),
            ("safe, non-retryable transport error",         Safe,   1,  3, COPY, BODY_ERROR,                 ms(30_000), Return),
            ("safe, timeout within the client's timeout",   Safe,   1,  3, COPY, TIMEOUT,                    ms(30_000), retry(ms(175))),
            ("safe, timeout cut by the deadline",           Safe,   1,  3, COPY, TIMEOUT_AT_DEADLINE,        ms(0),      Stop(RetryStop::Deadline)),
        ];
        for &(case, safety, attempt, of, copy, outcome, left, expected) in rows {
            let policy = RetryPolicy::default().max_attempts(of);
            let spare = copy.then_some(());
            let step = next_step(safety, attempt, spare, outcome, left, &policy, JITTER);
            assert_eq!(step, expected, "{case}");
        }
    }

    #[test]
    fn only_safe_operations_get_more_than_one_attempt() {
        let policy = RetryPolicy::default().max_attempts(5);
        assert_eq!(attempt_limit(Safe, &policy), 5);
        assert_eq!(attempt_limit(Unsafe, &policy), 1);
    }
}
