//! The questions `Error` answers (`is_rate_limited`, `is_validation`, `is_transport`,
//! `is_not_found`, `is_retryable`, `attempts`, `stopped_by`, `retry_after`,
//! `request_id`), asked of errors from real exchanges: each predicate is true
//! for exactly the failures it names.

use std::time::Duration;

use httpmock::prelude::*;
use imprint::prelude::*;
use imprint::{CallOptions, Error, RetryPolicy, RetryStop};

use crate::support::{builder, builder_at};

/// Two attempts, waits of a few milliseconds, 100 ms per attempt.
fn two_quick_attempts() -> CallOptions {
    CallOptions::new()
        .timeout(Duration::from_millis(100))
        .retry_policy(
            RetryPolicy::default()
                .max_attempts(2)
                .min_delay(Duration::from_millis(1))
                .base_delay(Duration::from_millis(5))
                .max_delay(Duration::from_millis(20)),
        )
}

/// What the server does for one case.
enum Reply {
    /// Answers every request with this status and body, after `delay_ms`.
    Answer {
        status: u16,
        body: &'static str,
        delay_ms: u64,
    },
    /// Nothing listens: the connection is refused.
    Refused,
}

/// What the case calls.
enum Call {
    /// `getCustomer` (safe to repeat).
    GetCustomer,
    /// `searchCustomers` with `limit(0)`, refused before sending.
    ZeroLimit,
}

struct Case {
    name: &'static str,
    reply: Reply,
    call: Call,
    /// `[is_rate_limited, is_validation, is_not_found, is_retryable]`.
    predicates: [bool; 4],
    attempts: Option<u32>,
    stopped_by: Option<RetryStop>,
    /// Whether `request_id()` gives the id the server sent.
    request_id: bool,
    /// Requests the server received.
    requests: usize,
}

const fn answer(status: u16, body: &'static str) -> Reply {
    Reply::Answer {
        status,
        body,
        delay_ms: 0,
    }
}

const REQUEST_ID: &str = "req_7f3a";

/// A body longer than the table client's `max_response_body`.
const LONG_BODY: &str = concat!(
    r#"{"id":"C1","first_name":""#,
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    r#""}"#
);

fn cases() -> Vec<Case> {
    let retried = Some(RetryStop::MaxAttempts);
    vec![
        Case {
            name: "429",
            reply: answer(429, r#"{"error":{"type":"RATE_LIMITED"}}"#),
            call: Call::GetCustomer,
            predicates: [true, false, false, true],
            attempts: Some(2),
            stopped_by: retried,
            request_id: true,
            requests: 2,
        },
        Case {
            name: "400",
            reply: answer(
                400,
                r#"{"error":"Bad Request","details":["limit: must be positive"],"status":400}"#,
            ),
            call: Call::GetCustomer,
            predicates: [false, true, false, false],
            attempts: Some(1),
            stopped_by: None,
            request_id: true,
            requests: 1,
        },
        Case {
            name: "422",
            reply: answer(422, r#"{"error":{"type":"BAD_REQUEST_ERROR"}}"#),
            call: Call::GetCustomer,
            predicates: [false, true, false, false],
            attempts: Some(1),
            stopped_by: None,
            request_id: true,
            requests: 1,
        },
        Case {
            name: "client-side refusal",
            reply: answer(200, "{}"),
            call: Call::ZeroLimit,
            predicates: [false, true, false, false],
            attempts: None,
            stopped_by: None,
            request_id: false,
            requests: 0,
        },
        Case {
            name: "404",
            reply: answer(404, r#"{"error":{"type":"CUSTOMER_NOT_FOUND_ERROR"}}"#),
            call: Call::GetCustomer,
            predicates: [false, false, true, false],
            attempts: Some(1),
            stopped_by: None,
            request_id: true,
            requests: 1,
        },
        Case {
            name: "409",
            reply: answer(409, r#"{"error":{"type":"CONFLICT_ERROR"}}"#),
            call: Call::GetCustomer,
            predicates: [false, false, false, false],
            attempts: Some(1),
            stopped_by: None,
            request_id: true,
            requests: 1,
        },
        Case {
            name: "503",
            reply: answer(503, ""),
            call: Call::GetCustomer,
            predicates: [false, false, false, true],
            attempts: Some(2),
            stopped_by: retried,
            request_id: true,
            requests: 2,
        },
        Case {
            name: "timeout",
            reply: Reply::Answer {
                status: 200,
                body: r#"{"id":"C1"}"#,
                delay_ms: 400,
            },
            call: Call::GetCustomer,
            predicates: [false, false, false, true],
            attempts: Some(2),
            stopped_by: retried,
            request_id: false,
            requests: 2,
        },
        Case {
            name: "connection refused",
            reply: Reply::Refused,
            call: Call::GetCustomer,
            predicates: [false, false, false, true],
            attempts: Some(2),
            stopped_by: retried,
            request_id: false,
            requests: 0,
        },
        Case {
            name: "decode",
            reply: answer(200, r#"{"id":123456789}"#),
            call: Call::GetCustomer,
            predicates: [false, false, false, false],
            attempts: Some(1),
            stopped_by: None,
            request_id: false,
            requests: 1,
        },
        Case {
            name: "body too large",
            reply: answer(200, LONG_BODY),
            call: Call::GetCustomer,
            predicates: [false, false, false, false],
            attempts: Some(1),
            stopped_by: None,
            request_id: false,
            requests: 1,
        },
    ]
}

/// The variant each case must produce, so a table row cannot pass by
/// producing a different failure with the same answers.
fn variant(error: &Error) -> &'static str {
    match error {
        Error::Api(_) => "Api",
        Error::Validation { .. } => "Validation",
        Error::Timeout { .. } => "Timeout",
        Error::Transport { .. } => "Transport",
        Error::Decode(_) => "Decode",
        Error::BodyTooLarge { .. } => "BodyTooLarge",
        other => panic!("unexpected {other:?}"),
    }
}

fn expected_variant(name: &str) -> &'static str {
    match name {
        "client-side refusal" => "Validation",
        "timeout" => "Timeout",
        "connection refused" => "Transport",
        "decode" => "Decode",
        "body too large" => "BodyTooLarge",
        _ => "Api",
    }
}

#[tokio::test]
async fn each_predicate_is_true_for_exactly_the_failures_it_names() {
    for case in cases() {
        let server = MockServer::start_async().await;
        // Held for the whole case: while bound and not listening, its port
        // refuses connections and nothing else can take it.
        let closed = tokio::net::TcpSocket::new_v4().unwrap();
        closed.set_reuseaddr(false).unwrap();
        closed.bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let mock = match case.reply {
            Reply::Answer {
                status,
                body,
                delay_ms,
            } => Some(
                server
                    .mock_async(|when, then| {
                        when.any_request();
                        then.status(status)
                            .header("content-type", "application/json")
                            .header("x-request-id", REQUEST_ID)
                            .delay(Duration::from_millis(delay_ms))
                            .body(body);
                    })
                    .await,
            ),
            Reply::Refused => None,
        };
        let builder = match mock {
            Some(_) => builder(&server),
            None => builder_at(&format!("http://{}", closed.local_addr().unwrap())),
        };
        let client = builder
            .max_response_body((LONG_BODY.len() - 1) as u64)
            .build()
            .unwrap();
        let result = match case.call {
            Call::GetCustomer => client
                .get_customer()
                .customer_id("C1")
                .with_options(two_quick_attempts())
                .call()
                .await
                .map(drop),
            Call::ZeroLimit => client
                .search_customers()
                .limit(0u32)
                .with_options(two_quick_attempts())
                .call()
                .await
                .map(drop),
        };
        let error = result.unwrap_err();
        let name = case.name;
        assert_eq!(variant(&error), expected_variant(name), "{name}: {error:?}");
        assert_eq!(
            [
                error.is_rate_limited(),
                error.is_validation(),
                error.is_not_found(),
                error.is_retryable(),
            ],
            case.predicates,
            "{name}: [is_rate_limited, is_validation, is_not_found, is_retryable] of {error:?}"
        );
        assert_eq!(
            error.is_transport(),
            matches!(variant(&error), "Timeout" | "Transport"),
            "{name}: is_transport of {error:?}"
        );
        assert_eq!(error.attempts(), case.attempts, "{name}: {error:?}");
        assert_eq!(error.stopped_by(), case.stopped_by, "{name}: {error:?}");
        assert_eq!(
            error.request_id(),
            case.request_id.then_some(REQUEST_ID),
            "{name}: {error:?}"
        );
        assert_eq!(error.retry_after(), None, "{name}: {error:?}");
        if let Some(mock) = mock {
            assert_eq!(mock.calls_async().await, case.requests, "{name}");
        }
    }
}

/// A 429 with `Retry-After: 2` and a request id, on `getCustomer` (safe to
/// repeat) with a two-attempt policy: the SDK waits the 2 s once, then
/// reports the second 429.
#[tokio::test]
async fn a_429_with_retry_after_is_rate_limited_and_says_how_long_to_wait() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path("/v2/customers/C1");
            then.status(429)
                .header("retry-after", "2")
                .header("x-request-id", "req_429");
        })
        .await;
    let started = std::time::Instant::now();
    let error = builder(&server)
        .build()
        .unwrap()
        .get_customer()
        .customer_id("C1")
        .with_options(two_quick_attempts())
        .call()
        .await
        .unwrap_err();
    assert!(started.elapsed() >= Duration::from_secs(2), "{error:?}");
    mock.assert_calls_async(2).await;
    assert!(error.is_rate_limited());
    assert!(error.is_retryable());
    assert!(!error.is_validation() && !error.is_not_found());
    assert_eq!(error.retry_after(), Some(Duration::from_secs(2)));
    assert_eq!(error.request_id(), Some("req_429"));
    assert_eq!(error.attempts(), Some(2));
    assert_eq!(error.stopped_by(), Some(RetryStop::MaxAttempts));
}

/// The same 429 on `createSession`, which is not safe to repeat: sent once,
/// nothing stopped a retry because none was allowed, the wait still readable.
#[tokio::test]
async fn a_429_on_an_unsafe_operation_is_sent_once_and_not_stopped_by_anything() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST).path("/v2/customer_sessions");
            then.status(429)
                .header("retry-after", "2")
                .header("x-request-id", "req_429");
        })
        .await;
    let error = builder(&server)
        .build()
        .unwrap()
        .create_session()
        .body_map(|b| b)
        .with_options(two_quick_attempts())
        .call()
        .await
        .unwrap_err();
    mock.assert_calls_async(1).await;
    assert!(error.is_rate_limited());
    assert_eq!(error.retry_after(), Some(Duration::from_secs(2)));
    assert_eq!(error.request_id(), Some("req_429"));
    assert_eq!(error.attempts(), Some(1));
    assert_eq!(error.stopped_by(), None);
}
