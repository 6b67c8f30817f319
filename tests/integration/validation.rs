//! Bad search input is refused before any byte goes on the wire.

use std::num::NonZeroU64;

use httpmock::prelude::*;
use imprint::prelude::*;
use imprint::types::DateOfBirth;
use imprint::{Error, Ssn};

use crate::support::{client, customer_page};

/// A mock that answers any request at all, so a zero count proves nothing was sent.
async fn answer_anything(server: &MockServer) -> httpmock::Mock<'_> {
    server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).json_body(customer_page());
        })
        .await
}

fn field(error: &Error) -> &str {
    match error {
        Error::Validation { source, .. } => source.field(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[tokio::test]
async fn invalid_ssn_never_reaches_the_server() {
    let server = MockServer::start_async().await;
    let any = answer_anything(&server).await;
    let client = client(&server);
    for bad in ["123-45-678", "12345678a", "1234567890"] {
        let result: Result<_, Error> = async {
            let ssn = Ssn::new(bad)?;
            client
                .search_customers_post()
                .body_map(|b| b.ssn(ssn))
                .call()
                .await
        }
        .await;
        let error = result.unwrap_err();
        assert_eq!(field(&error), "ssn");
        assert!(!error.to_string().contains(bad), "{error}");
    }
    any.assert_calls_async(0).await;
}

#[tokio::test]
async fn hyphenated_ssn_is_sent_as_nine_digits() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v2/customers")
                .json_body(serde_json::json!({ "limit": 10, "ssn": "123456789" }));
            then.status(200).json_body(customer_page());
        })
        .await;
    let ssn = Ssn::new("123-45-6789").unwrap();
    client(&server)
        .search_customers_post()
        .body_map(|b| b.ssn(ssn))
        .call()
        .await
        .unwrap();
    mock.assert_calls_async(1).await;
}

#[tokio::test]
async fn impossible_date_of_birth_never_reaches_the_server() {
    let server = MockServer::start_async().await;
    let any = answer_anything(&server).await;
    let client = client(&server);
    assert_eq!(
        DateOfBirth::new(1990, 2, 30).unwrap_err().field(),
        "date_of_birth"
    );
    // A struct literal skips the constructor; the request hook still refuses it.
    let cases = [
        (
            DateOfBirth {
                year: Some(1990),
                month: NonZeroU64::new(2),
                day: NonZeroU64::new(30),
            },
            "date_of_birth",
        ),
        (
            DateOfBirth {
                year: Some(1899),
                month: NonZeroU64::new(1),
                day: NonZeroU64::new(1),
            },
            "date_of_birth.year",
        ),
        (
            DateOfBirth {
                year: Some(1990),
                month: NonZeroU64::new(13),
                day: NonZeroU64::new(1),
            },
            "date_of_birth.month",
        ),
        (
            DateOfBirth {
                year: Some(1990),
                month: NonZeroU64::new(1),
                day: None,
            },
            "date_of_birth.day",
        ),
    ];
    for (date, expected) in cases {
        let error = client
            .search_customers_post()
            .body_map(|b| b.date_of_birth(date))
            .call()
            .await
            .unwrap_err();
        assert_eq!(field(&error), expected, "{error}");
        assert_eq!(error.operation(), Some("searchCustomersPost"));
    }
    any.assert_calls_async(0).await;
}

#[tokio::test]
async fn zero_limit_never_reaches_the_server() {
    let server = MockServer::start_async().await;
    let any = answer_anything(&server).await;
    let error = client(&server)
        .search_customers_post()
        .body_map(|b| b.limit(0u32))
        .call()
        .await
        .unwrap_err();
    assert_eq!(field(&error), "limit");
    assert_eq!(
        error.to_string(),
        "searchCustomersPost: invalid `limit`: must be at least 1 (and no larger than its type holds)"
    );
    let error = client(&server)
        .search_customers()
        .limit(0u32)
        .call()
        .await
        .unwrap_err();
    assert_eq!(field(&error), "limit");
    assert!(error.to_string().ends_with("must be at least 1"), "{error}");
    any.assert_calls_async(0).await;
}

#[tokio::test]
async fn a_missing_body_field_is_named_and_nothing_is_sent() {
    let server = MockServer::start_async().await;
    let any = answer_anything(&server).await;
    let error = client(&server)
        .create_transaction_intent()
        .body_map(|b| b.customer_id("C1").currency("USD"))
        .call()
        .await
        .unwrap_err();
    assert_eq!(field(&error), "amount");
    assert_eq!(
        error.to_string(),
        "createTransactionIntent: invalid `amount`: is required"
    );
    any.assert_calls_async(0).await;
}

#[tokio::test]
async fn valid_search_sends_exactly_the_normalized_body() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v2/customers")
                .json_body(serde_json::json!({
                    "date_of_birth": { "day": 31, "month": 1, "year": 1990 },
                    "limit": 25,
                    "ssn": "123456789"
                }));
            then.status(200).json_body(customer_page());
        })
        .await;
    let ssn = Ssn::new("123 45 6789").unwrap();
    let dob = DateOfBirth::new(1990, 1, 31).unwrap();
    client(&server)
        .search_customers_post()
        .body_map(|b| b.ssn(ssn).date_of_birth(dob).limit(25u32))
        .call()
        .await
        .unwrap();
    mock.assert_calls_async(1).await;
}

#[tokio::test]
async fn required_string_newtypes_take_literals_and_send_them_as_given() {
    let server = MockServer::start_async().await;
    let link = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v2/customers/C1/link")
                .json_body(serde_json::json!({ "partner_customer_id": "RETAIL-1" }));
            then.status(200)
                .json_body(serde_json::json!({ "customer_id": "C1", "partner_customer_id": "RETAIL-1", "status": "ACTIVE", "created_at": "2025-03-01T00:00:00Z" }));
        })
        .await;
    client(&server)
        .link_customer_account()
        .customer_id("C1")
        .body_map(|b| b.partner_customer_id("RETAIL-1"))
        .call()
        .await
        .unwrap();
    link.assert_calls_async(1).await;
}
