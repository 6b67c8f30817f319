//! The generated typed httpmock mocks (sdk feature `httpmock`) against the real
//! client: a mock names its operation, its parameters and its response through
//! the generated types, so a spec change that breaks a test's assumptions
//! breaks it at compile time.

use std::time::Duration;

use imprint::httpmock::{MockServer, MockServerExt};
use imprint::prelude::*;
use imprint::types;
use serde_json::json;

use crate::support::{client, customer_page};

#[tokio::test]
async fn a_typed_mock_matches_the_path_parameter_and_answers_the_typed_response() {
    let server = MockServer::start_async().await;
    let customer: types::Customer =
        serde_json::from_value(json!({ "id": "cus_1", "first_name": "Ada" })).unwrap();
    let mock = server.get_customer(|when, then| {
        when.customer_id(&"cus_1".parse().unwrap());
        then.ok(&customer);
    });
    let got = client(&server)
        .get_customer()
        .customer_id("cus_1")
        .call()
        .await
        .unwrap();
    assert_eq!(got.id, "cus_1");
    mock.assert();
}

#[tokio::test]
async fn a_typed_mock_matches_the_json_body() {
    let server = MockServer::start_async().await;
    let page: types::CustomerListResponse = serde_json::from_value(customer_page()).unwrap();
    let body: types::SearchCustomersPostBody =
        serde_json::from_value(json!({ "partner_customer_id": "p-1" })).unwrap();
    let mock = server.search_customers_post(|when, then| {
        when.body(&body);
        then.ok(&page);
    });
    let got = client(&server)
        .search_customers_post()
        .body_map(|b| b.partner_customer_id("p-1".to_string()))
        .call()
        .await
        .unwrap();
    assert_eq!(got.data.len(), 1);
    mock.assert();
}

/// `call_with_response` is the SDK's own `Response`: status, headers (whose
/// values `Debug` leaves out), the request id, and the body it derefs to.
#[tokio::test]
async fn call_with_response_keeps_the_status_headers_and_request_id() {
    let server = MockServer::start_async().await;
    let customer: types::Customer =
        serde_json::from_value(json!({ "id": "cus_1", "first_name": "Ada" })).unwrap();
    let mock = server.get_customer(|when, then| {
        when.customer_id(&"cus_1".parse().unwrap());
        then.ok(&customer)
            .header("x-request-id", "req_42")
            .header("x-session-token", "tok_secret_1");
    });
    let response = client(&server)
        .get_customer()
        .customer_id("cus_1")
        .call_with_response()
        .await
        .unwrap();
    assert_eq!(response.status(), imprint::StatusCode::OK);
    assert_eq!(response.request_id(), Some("req_42"));
    assert_eq!(response.headers()["x-session-token"], "tok_secret_1");
    assert_eq!(response.id, "cus_1");
    let printed = format!("{response:?}");
    assert!(printed.contains("x-session-token"), "{printed}");
    assert!(!printed.contains("tok_secret_1"), "{printed}");
    assert!(
        !printed.contains("Ada"),
        "the body's Debug masks the name: {printed}"
    );
    assert_eq!(response.into_inner().id, "cus_1");
    mock.assert_calls(1);
}

fn envelope(kind: &str, message: &str) -> types::ApiErrorBody {
    types::ApiErrorBody {
        error: types::ApiErrorError {
            message: message.to_string(),
            type_: kind.to_string(),
        },
    }
}

#[tokio::test]
async fn a_typed_not_found_reply_is_the_sdks_not_found_error_with_its_request_id() {
    let server = MockServer::start_async().await;
    let body = types::CustomerNotFoundError {
        message: "Customer not found for provided ID: cus_9".to_string(),
        param: Some("customer_id".to_string()),
        type_: "CUSTOMER_NOT_FOUND_ERROR".to_string(),
    };
    let mock = server.get_customer(|when, then| {
        when.customer_id(&"cus_9".parse().unwrap());
        then.not_found(&body).header("x-request-id", "req_7f3");
    });
    let error = client(&server)
        .get_customer()
        .customer_id("cus_9")
        .call()
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(imprint::StatusCode::NOT_FOUND));
    assert!(error.is_not_found());
    assert!(!error.is_retryable());
    assert_eq!(
        error.error_type(),
        Some(imprint::ErrorType::CustomerNotFound)
    );
    assert_eq!(error.request_id(), Some("req_7f3"));
    let imprint::Error::Api(api) = &error else {
        panic!("expected an API error, got {error:?}");
    };
    assert_eq!(api.param(), Some("customer_id"));
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(api.body()).unwrap(),
        serde_json::to_value(&body).unwrap()
    );
    // A 404 is not retried: one request, one attempt.
    assert_eq!(error.attempts(), Some(1));
    mock.assert_calls_async(1).await;
}

#[tokio::test]
async fn a_typed_bad_request_reply_is_a_validation_error_with_its_details() {
    let server = MockServer::start_async().await;
    let body = types::InvalidRequestError {
        details: vec!["partner_customer_id: must not be blank".to_string()],
        error: Some("Bad Request".to_string()),
        path: Some("/v2/customers/cus_1/link".to_string()),
        status: Some(400),
        timestamp: Some("2025-01-20T18:18:22.923+00:00".parse().unwrap()),
    };
    let mock = server.link_customer_account(|when, then| {
        when.customer_id(&"cus_1".parse().unwrap());
        then.bad_request(&body);
    });
    let error = client(&server)
        .link_customer_account()
        .customer_id("cus_1")
        .body_map(|b| b.partner_customer_id(" "))
        .call()
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(imprint::StatusCode::BAD_REQUEST));
    assert!(error.is_validation());
    assert_eq!(error.error_type(), Some(imprint::ErrorType::BadRequest));
    let imprint::Error::Api(api) = &error else {
        panic!("expected an API error, got {error:?}");
    };
    assert_eq!(api.details(), ["partner_customer_id: must not be blank"]);
    mock.assert_calls_async(1).await;
}

#[tokio::test]
async fn a_typed_inline_conflict_reply_keeps_its_extra_fields() {
    let server = MockServer::start_async().await;
    let existing =
        json!({ "customer_id": "cus_1", "partner_customer_id": "P-1", "status": "ACTIVE" });
    let mock = server.link_customer_account(|when, then| {
        when.customer_id(&"cus_1".parse().unwrap());
        then.conflict(&json!({ "error": {
            "type": "CUSTOMER_ALREADY_LINKED",
            "message": "Customer already linked to a partner account",
            "existing_link": existing,
        } }));
    });
    let error = client(&server)
        .link_customer_account()
        .customer_id("cus_1")
        .body_map(|b| b.partner_customer_id("P-2"))
        .call()
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(imprint::StatusCode::CONFLICT));
    assert_eq!(
        error.error_type(),
        Some(imprint::ErrorType::CustomerAlreadyLinked)
    );
    let imprint::Error::Api(api) = &error else {
        panic!("expected an API error, got {error:?}");
    };
    let body: serde_json::Value = serde_json::from_slice(api.body()).unwrap();
    assert_eq!(body["error"]["existing_link"], existing);
    mock.assert_calls_async(1).await;
}

#[tokio::test]
async fn a_typed_429_reply_carries_retry_after_and_an_unsafe_operation_is_sent_once() {
    let server = MockServer::start_async().await;
    let mock = server.create_session(|_, then| {
        then.too_many_requests(&envelope("RATE_LIMITED", "slow down"))
            .header("Retry-After", "2")
            .header("x-request-id", "req_429");
    });
    let error = client(&server)
        .create_session()
        .body_map(|b| b.customer_id("cus_1".to_string()))
        .call()
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(imprint::StatusCode::TOO_MANY_REQUESTS));
    assert!(error.is_rate_limited());
    assert_eq!(error.retry_after(), Some(Duration::from_secs(2)));
    assert_eq!(error.request_id(), Some("req_429"));
    assert_eq!(error.raw_error_type(), Some("RATE_LIMITED"));
    // createSession is never repeated, whatever the server says.
    assert_eq!(error.attempts(), Some(1));
    mock.assert_calls_async(1).await;
}

#[tokio::test]
async fn a_typed_429_reply_to_a_safe_operation_is_retried_until_the_policy_stops() {
    let server = MockServer::start_async().await;
    let mock = server.search_customers(|_, then| {
        then.too_many_requests(&envelope("RATE_LIMITED", "slow down"))
            .header("Retry-After", "0");
    });
    let error = client(&server).search_customers().call().await.unwrap_err();
    assert!(error.is_rate_limited());
    assert_eq!(error.retry_after(), Some(Duration::ZERO));
    assert_eq!(error.attempts(), Some(3));
    assert_eq!(error.stopped_by(), Some(imprint::RetryStop::MaxAttempts));
    mock.assert_calls_async(3).await;
}

#[tokio::test]
async fn typed_replies_cover_the_documented_statuses_and_any_other_in_the_envelope() {
    let server = MockServer::start_async().await;
    let forbidden = server.simulate_reward(|_, then| {
        then.forbidden(&envelope(
            "FORBIDDEN",
            "Endpoint is only available in sandbox environments",
        ));
    });
    let unavailable = server.get_reward(|_, then| {
        then.api_error(503, &envelope("SERVICE_UNAVAILABLE", "down"))
            .header("Retry-After", "0");
    });
    let client = client(&server);
    let error = client
        .simulate_reward()
        .body(
            serde_json::from_value::<types::SimulateRewardBody>(
                json!({ "customer_id": "cus_1", "reward_type": "STATEMENT" }),
            )
            .unwrap(),
        )
        .call()
        .await
        .unwrap_err();
    assert_eq!(
        (error.status(), error.raw_error_type()),
        (Some(imprint::StatusCode::FORBIDDEN), Some("FORBIDDEN"))
    );
    assert_eq!(error.attempts(), Some(1));
    let error = client
        .get_reward()
        .reward_id("rwd_1")
        .call()
        .await
        .unwrap_err();
    assert_eq!(
        (error.status(), error.raw_error_type()),
        (
            Some(imprint::StatusCode::SERVICE_UNAVAILABLE),
            Some("SERVICE_UNAVAILABLE")
        )
    );
    assert!(error.is_retryable());
    assert_eq!(error.attempts(), Some(3));
    forbidden.assert_calls_async(1).await;
    unavailable.assert_calls_async(3).await;
}
