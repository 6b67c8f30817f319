//! Per-call options: each one changes exactly the call it is given to.

use std::time::{Duration, Instant};

use httpmock::prelude::*;
use imprint::prelude::*;
use imprint::{CallOptions, Error, RetryPolicy, RetryStop};

use crate::support::{BASIC, client, customer_page};

fn customer() -> serde_json::Value {
    serde_json::json!({ "id": "C1" })
}

#[tokio::test]
async fn a_per_call_timeout_ends_a_slow_call_that_the_client_would_wait_for() {
    let server = MockServer::start_async().await;
    let slow = server
        .mock_async(|when, then| {
            when.method(GET).path("/v2/customers/C1");
            then.status(200)
                .delay(Duration::from_millis(600))
                .json_body(customer());
        })
        .await;
    let client = client(&server);
    // The client's own timeout (30 s) lets it through.
    client
        .get_customer()
        .customer_id("C1")
        .call()
        .await
        .unwrap();
    // The same request with the per-call timeout fails: the server answers
    // it just as slowly, so only the 100 ms timeout can have ended it.
    let error = client
        .get_customer()
        .customer_id("C1")
        .with_options(
            CallOptions::new()
                .timeout(Duration::from_millis(100))
                .retry_policy(RetryPolicy::disabled()),
        )
        .call()
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::Timeout {
                attempts: 1,
                stopped_by: None,
                ..
            }
        ),
        "{error:?}"
    );
    slow.assert_calls_async(2).await;
}

#[tokio::test]
async fn retries_disabled_for_one_call_send_one_request_on_503() {
    let server = MockServer::start_async().await;
    let unavailable = server
        .mock_async(|when, then| {
            when.method(GET).path("/v2/customers/C1");
            then.status(503);
        })
        .await;
    let client = client(&server);
    let error = client
        .get_customer()
        .customer_id("C1")
        .with_options(CallOptions::new().retry_policy(RetryPolicy::disabled()))
        .call()
        .await
        .unwrap_err();
    assert_eq!(
        error.status(),
        Some(imprint::StatusCode::SERVICE_UNAVAILABLE)
    );
    assert_eq!(error.attempts(), Some(1));
    unavailable.assert_calls_async(1).await;
    // The client's policy is untouched: the next call retries (3 attempts).
    client
        .get_customer()
        .customer_id("C1")
        .call()
        .await
        .unwrap_err();
    unavailable.assert_calls_async(4).await;
}

#[tokio::test]
async fn a_per_call_deadline_stops_retrying() {
    let server = MockServer::start_async().await;
    let limited = server
        .mock_async(|when, then| {
            when.method(GET).path("/v2/customers/C1");
            // Within the policy's `max_retry_after` (30 s), beyond the deadline.
            then.status(429).header("retry-after", "20");
        })
        .await;
    let started = Instant::now();
    let error = client(&server)
        .get_customer()
        .customer_id("C1")
        .with_options(CallOptions::new().deadline(Duration::from_millis(300)))
        .call()
        .await
        .unwrap_err();
    let Error::Api(api) = &error else {
        panic!("expected the 429, got {error:?}")
    };
    assert_eq!(api.stopped_by(), Some(RetryStop::Deadline));
    assert_eq!(api.attempts(), 1);
    assert_eq!(api.retry_after(), Some(Duration::from_secs(20)));
    limited.assert_calls_async(1).await;
    // Returned without waiting: waiting out the 20 s would fail this, and a
    // loaded machine has 10 s of room.
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn an_extra_header_is_sent_exactly_beside_the_sdks_own() {
    let server = MockServer::start_async().await;
    let with_header = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v2/customers/C1")
                .header("x-correlation-id", "order-1234")
                .header("authorization", BASIC)
                .header("user-agent", imprint::USER_AGENT);
            then.status(200).json_body(customer());
        })
        .await;
    let without_header = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v2/customers/C1")
                .header_missing("x-correlation-id");
            then.status(200).json_body(customer());
        })
        .await;
    let client = client(&server);
    client
        .get_customer()
        .customer_id("C1")
        .with_options(CallOptions::new().header("x-correlation-id", "order-1234"))
        .call()
        .await
        .unwrap();
    client
        .get_customer()
        .customer_id("C1")
        .call()
        .await
        .unwrap();
    with_header.assert_calls_async(1).await;
    without_header.assert_calls_async(1).await;
}

#[tokio::test]
async fn sdk_owned_and_malformed_headers_are_refused_before_sending() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).json_body(customer());
        })
        .await;
    let client = client(&server);
    let refusals = [
        CallOptions::new().header("Authorization", "Bearer other"),
        CallOptions::new().header("user-agent", "mine"),
        CallOptions::new().header("bad header", "v"),
        CallOptions::new().header("x-ok", "line\nbreak"),
        // Hop-by-hop, framing and content-coding headers: they would change
        // the connection or how the body is read, not the request.
        CallOptions::new().header("Connection", "close, authorization"),
        CallOptions::new().header("keep-alive", "timeout=5"),
        CallOptions::new().header("PROXY-CONNECTION", "keep-alive"),
        CallOptions::new().header("te", "trailers"),
        CallOptions::new().header("Trailer", "x-sum"),
        CallOptions::new().header("upgrade", "h2c"),
        CallOptions::new().header("Expect", "100-continue"),
        CallOptions::new().header("Content-Encoding", "gzip"),
        CallOptions::new().header("transfer-encoding", "chunked"),
    ];
    for options in refusals {
        let error = client
            .get_customer()
            .customer_id("C1")
            .with_options(options)
            .call()
            .await
            .unwrap_err();
        let Error::Validation { operation, source } = &error else {
            panic!("expected a validation error, got {error:?}")
        };
        assert_eq!(*operation, Some("getCustomer"));
        assert_eq!(source.field(), "header");
        assert!(!error.to_string().contains("other"));
    }
    any.assert_calls_async(0).await;
}

#[test]
fn header_values_never_reach_debug() {
    let options = CallOptions::new().header("x-partner-token", "tok_secret_1");
    let shown = format!("{options:?}");
    assert!(shown.contains("x-partner-token"), "{shown}");
    assert!(!shown.contains("tok_secret_1"), "{shown}");
}

#[tokio::test]
async fn options_given_to_a_stream_go_with_every_page_and_merge_later_first() {
    let server = MockServer::start_async().await;
    let first = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v2/customers")
                .query_param_missing("starting_after")
                .header("x-trace", "second")
                .header("x-tenant", "t1");
            then.status(200).json_body(serde_json::json!({
                "data": [{ "id": "A" }], "has_more": true, "total": 2
            }));
        })
        .await;
    let second = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v2/customers")
                .query_param("starting_after", "A")
                .header("x-trace", "second")
                .header("x-tenant", "t1");
            then.status(200).json_body(customer_page());
        })
        .await;
    let items: Vec<_> = futures::TryStreamExt::try_collect(
        client(&server)
            .search_customers()
            .with_options(
                CallOptions::new()
                    .header("x-trace", "first")
                    .header("x-tenant", "t1"),
            )
            .with_options(CallOptions::new().header("x-trace", "second"))
            .stream(),
    )
    .await
    .unwrap();
    assert_eq!(items.len(), 2);
    first.assert_calls_async(1).await;
    second.assert_calls_async(1).await;
}

#[tokio::test]
async fn a_merchant_key_header_replaces_the_clients_for_one_call() {
    let server = MockServer::start_async().await;
    let other = server
        .mock_async(|when, then| {
            when.path("/v2/customers/C1")
                .header("x-imprint-merchant-key", "M2");
            then.status(200).json_body(customer());
        })
        .await;
    let own = server
        .mock_async(|when, then| {
            when.path("/v2/customers/C1")
                .header("x-imprint-merchant-key", "M1");
            then.status(200).json_body(customer());
        })
        .await;
    let client = crate::support::builder(&server)
        .merchant_key("M1")
        .build()
        .unwrap();
    client
        .get_customer()
        .customer_id("C1")
        .with_options(CallOptions::new().header(imprint::MERCHANT_KEY_HEADER, "M2"))
        .call()
        .await
        .unwrap();
    client
        .get_customer()
        .customer_id("C1")
        .call()
        .await
        .unwrap();
    other.assert_calls_async(1).await;
    own.assert_calls_async(1).await;
}

#[tokio::test]
async fn read_ahead_pages_carry_the_options_too() {
    let server = MockServer::start_async().await;
    let first = server
        .mock_async(|when, then| {
            when.path("/v2/customers")
                .query_param_missing("starting_after")
                .header("x-trace", "t");
            then.status(200).json_body(serde_json::json!({
                "data": [{ "id": "A" }], "has_more": true, "total": 2
            }));
        })
        .await;
    let second = server
        .mock_async(|when, then| {
            when.path("/v2/customers")
                .query_param("starting_after", "A")
                .header("x-trace", "t");
            then.status(200).json_body(customer_page());
        })
        .await;
    let pages: Vec<_> = futures::TryStreamExt::try_collect(
        client(&server)
            .search_customers()
            .with_options(CallOptions::new().header("x-trace", "t"))
            .paginate()
            .read_ahead(true)
            .pages(),
    )
    .await
    .unwrap();
    assert_eq!(pages.len(), 2);
    first.assert_calls_async(1).await;
    second.assert_calls_async(1).await;
}

#[tokio::test]
async fn header_values_stay_out_of_trace_output_and_errors() {
    let logs = crate::support::capture();
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path("/v2/customers/C1")
                .header("x-partner-token", "tok_secret_9");
            then.status(500);
        })
        .await;
    let error = client(&server)
        .get_customer()
        .customer_id("C1")
        .with_options(CallOptions::new().header("x-partner-token", "tok_secret_9"))
        .call()
        .await
        .unwrap_err();
    assert_eq!(error.attempts(), Some(3));
    let text = logs.text();
    assert!(text.contains("imprint.request"), "nothing was captured");
    assert!(!text.contains("tok_secret_9"), "{text}");
    assert!(!format!("{error:?} {error}").contains("tok_secret_9"));
}
