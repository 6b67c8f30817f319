//! Safe retries: which operations, which failures, how many requests.

use std::time::{Duration, Instant};

use httpmock::prelude::*;
use imprint::httpmock::MockServerExt;
use imprint::prelude::*;
use imprint::{Error, RetryPolicy, RetryStop};

use crate::support::{Answer, Scripted, builder, client, customer_page};

#[tokio::test]
async fn search_post_succeeds_after_two_503s_in_exactly_three_requests() {
    let server = MockServer::start_async().await;
    let unavailable = server
        .mock_async(|when, then| {
            when.method(POST).path("/v2/customers");
            then.status(503).body("busy");
        })
        .await;
    unavailable.up_to_n_times_async(2).await;
    let ok = server
        .mock_async(|when, then| {
            when.method(POST).path("/v2/customers");
            then.status(200).json_body(customer_page());
        })
        .await;
    let page = client(&server)
        .search_customers_post()
        .body_map(|b| b)
        .call()
        .await
        .unwrap();
    assert_eq!(page.data.len(), 1);
    unavailable.assert_calls_async(2).await;
    ok.assert_calls_async(1).await;
}

#[tokio::test]
async fn retry_after_one_second_is_honoured() {
    let server = MockServer::start_async().await;
    let limited = server
        .mock_async(|when, then| {
            when.method(GET).path("/v2/customers/C1");
            then.status(429).header("retry-after", "1").json_body(
                serde_json::json!({ "error": { "type": "RATE_LIMITED", "message": "slow down" } }),
            );
        })
        .await;
    limited.up_to_n_times_async(1).await;
    let customer: imprint::types::Customer =
        serde_json::from_value(serde_json::json!({ "id": "C1" })).unwrap();
    let ok = server.get_customer(|when, then| {
        when.customer_id(&"C1".parse().unwrap());
        then.ok(&customer);
    });
    let started = Instant::now();
    client(&server)
        .get_customer()
        .customer_id("C1")
        .call()
        .await
        .unwrap();
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(950) && waited < Duration::from_secs(3),
        "waited {waited:?}"
    );
    limited.assert_calls_async(1).await;
    ok.assert_calls(1);
}

#[tokio::test]
async fn retry_after_beyond_the_cap_returns_the_429_at_once() {
    let server = MockServer::start_async().await;
    let limited = server
        .mock_async(|when, then| {
            when.method(GET).path("/v2/customers/C1");
            then.status(429).header("retry-after", "120");
        })
        .await;
    let error = client(&server)
        .get_customer()
        .customer_id("C1")
        .call()
        .await
        .unwrap_err();
    limited.assert_calls_async(1).await;
    let Error::Api(api) = error else {
        panic!("{error:?}")
    };
    assert_eq!(api.retry_after(), Some(Duration::from_secs(120)));
}

#[tokio::test]
async fn create_session_is_sent_once_even_on_503() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST).path("/v2/customer_sessions");
            then.status(503);
        })
        .await;
    let error = client(&server)
        .create_session()
        .body_map(|b| b.partner_customer_id("P-1".to_string()))
        .call()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(error.attempts(), Some(1));
    mock.assert_calls_async(1).await;
}

#[tokio::test]
async fn unsafe_operations_are_sent_once_on_transport_errors_too() {
    let server = MockServer::start_async().await;
    let slow = server
        .mock_async(|when, then| {
            when.method(POST).path("/v2/transaction_intents");
            then.status(200).delay(Duration::from_millis(400));
        })
        .await;
    let client = builder(&server)
        .timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    let body = imprint::types::CreateTransactionIntentBody::builder()
        .customer_id("C1".to_string())
        .amount(100)
        .currency("USD".to_string());
    let error = client
        .create_transaction_intent()
        .body(body)
        .call()
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::Timeout { attempts: 1, .. }),
        "{error:?}"
    );
    slow.assert_calls_async(1).await;
}

#[tokio::test]
async fn a_400_is_not_retried() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST).path("/v2/customers");
            then.status(400).json_body(
                serde_json::json!({ "error": "Bad Request", "details": ["limit: too large"] }),
            );
        })
        .await;
    let error = client(&server)
        .search_customers_post()
        .body_map(|b| b)
        .call()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(400));
    assert!(!error.is_retryable());
    mock.assert_calls_async(1).await;
}

#[tokio::test]
async fn exhausted_retries_return_the_last_error_with_the_attempt_count() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path("/v2/customers");
            then.status(502).body("<html>bad gateway</html>");
        })
        .await;
    let error = client(&server).search_customers().call().await.unwrap_err();
    mock.assert_calls_async(3).await;
    assert_eq!(error.attempts(), Some(3));
    assert!(error.is_retryable());
    assert_eq!(
        error.to_string(),
        "searchCustomers: HTTP 502 Bad Gateway: <html>bad gateway</html> (after 3 attempts: the retry policy's attempts are used up)"
    );
}

#[tokio::test]
async fn timeouts_of_safe_operations_are_retried_then_reported() {
    let server = MockServer::start_async().await;
    let slow = server
        .mock_async(|when, then| {
            when.method(GET).path("/v2/customers/C1");
            then.status(200)
                .delay(Duration::from_millis(400))
                .json_body(serde_json::json!({ "id": "C1" }));
        })
        .await;
    let client = builder(&server)
        .timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    let error = client
        .get_customer()
        .customer_id("C1")
        .call()
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::Timeout {
                attempts: 3,
                operation: "getCustomer",
                ..
            }
        ),
        "{error:?}"
    );
    slow.assert_calls_async(3).await;
}

#[tokio::test]
async fn connection_refused_is_a_transport_error_after_every_attempt() {
    // A socket bound but not listening: the kernel refuses connections to its
    // port, and while it is held (without SO_REUSEADDR) nothing else can bind
    // that port, unlike a listener bound then dropped.
    let closed = tokio::net::TcpSocket::new_v4().unwrap();
    closed.set_reuseaddr(false).unwrap();
    closed.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let address = closed.local_addr().unwrap();
    let refused = tokio::net::TcpStream::connect(address).await.unwrap_err();
    assert_eq!(refused.kind(), std::io::ErrorKind::ConnectionRefused);
    let client = imprint::Client::builder()
        .api_key("k")
        .base_url(format!("http://{address}"))
        .retry_policy(
            RetryPolicy::default()
                .max_attempts(4)
                .base_delay(Duration::from_millis(1)),
        )
        .build()
        .unwrap();
    let error = client
        .get_customer()
        .customer_id("C1")
        .call()
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::Transport {
                attempts: 4,
                stopped_by: Some(RetryStop::MaxAttempts),
                ..
            }
        ),
        "{error:?}"
    );
    assert!(error.is_retryable());
    assert!(
        io_error_kinds(&error).contains(&std::io::ErrorKind::ConnectionRefused),
        "{error:?}"
    );
}

/// The kinds of every I/O error in `error`'s source chain.
fn io_error_kinds(error: &(dyn std::error::Error + 'static)) -> Vec<std::io::ErrorKind> {
    std::iter::successors(Some(error), |e| e.source())
        .filter_map(|e| e.downcast_ref::<std::io::Error>())
        .map(std::io::Error::kind)
        .collect()
}

#[tokio::test]
async fn max_attempts_one_disables_retries() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path("/v2/customers/C1");
            then.status(503);
        })
        .await;
    let client = builder(&server)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    client
        .get_customer()
        .customer_id("C1")
        .call()
        .await
        .unwrap_err();
    mock.assert_calls_async(1).await;
}

/// A policy asking for no wait and endless attempts, against a server that
/// answers `Retry-After: 0` forever: the call still ends after
/// `MAX_ATTEMPTS` requests, at least `MIN_RETRY_DELAY` apart.
#[tokio::test]
async fn retry_policies_keep_a_floor_and_a_ceiling() {
    let server = Scripted::start(|_, _| Answer {
        status: 503,
        headers: vec![("retry-after", "0".into())],
        body: Vec::new(),
    })
    .await;
    let policy = RetryPolicy::default()
        .min_delay(Duration::ZERO)
        .base_delay(Duration::ZERO)
        .max_delay(Duration::ZERO)
        .max_attempts(u32::MAX);
    assert_eq!(policy.attempts(), imprint::MAX_ATTEMPTS);
    let client = server.builder().retry_policy(policy).build().unwrap();
    let error = client.search_customers().call().await.unwrap_err();
    assert_eq!(error.attempts(), Some(imprint::MAX_ATTEMPTS));
    let seen = server.seen();
    assert_eq!(seen.len(), imprint::MAX_ATTEMPTS as usize);
    for pair in seen.windows(2) {
        let gap = pair[1].at - pair[0].at;
        assert!(gap >= imprint::MIN_RETRY_DELAY, "{gap:?}");
    }
}
