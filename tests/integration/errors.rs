//! Every error-body shape of the spec, and bodies that are no shape at all, map to
//! the one typed error with the right fields.

use httpmock::prelude::*;
use imprint::prelude::*;
use imprint::{ApiError, Error, ErrorType};
use serde_json::json;

use crate::support::client;

async fn api_error(
    status: u16,
    body: &str,
    call: impl AsyncFnOnce(&imprint::Client) -> Result<(), Error>,
) -> ApiError {
    let server = MockServer::start_async().await;
    let body = body.to_string();
    let mock = server
        .mock_async(|_, then| {
            then.status(status)
                .header("content-type", "application/json")
                .body(body);
        })
        .await;
    let error = call(&client(&server)).await.unwrap_err();
    assert!(mock.calls_async().await >= 1);
    match error {
        Error::Api(api) => *api,
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[tokio::test]
async fn inner_object_alone_404() {
    let e = api_error(404, r#"{"type":"CUSTOMER_NOT_FOUND_ERROR","message":"Customer not found for provided ID: CSMR-v1-123","param":"customer_id"}"#, async |c| {
        c.get_customer().customer_id("CSMR-v1-123").call().await.map(drop)
    })
    .await;
    assert_eq!(e.status(), 404);
    assert_eq!(e.operation(), "getCustomer");
    assert_eq!(e.raw_error_type(), Some("CUSTOMER_NOT_FOUND_ERROR"));
    assert_eq!(e.error_type(), Some(ErrorType::CustomerNotFound));
    assert_eq!(
        e.message(),
        Some("Customer not found for provided ID: CSMR-v1-123")
    );
    assert_eq!(e.param(), Some("customer_id"));
    assert_eq!(e.attempts(), 1);
}

#[tokio::test]
async fn standard_envelope_404_is_not_found() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path("/v2/customer_sessions/cs_123");
            then.status(404).json_body(json!({ "error": { "type": "SESSION_NOT_FOUND_ERROR", "message": "Session not found", "param": "session_id" } }));
        })
        .await;
    let error = client(&server)
        .get_session()
        .session_id("cs_123")
        .call()
        .await
        .unwrap_err();
    assert!(error.is_not_found());
    assert_eq!(error.raw_error_type(), Some("SESSION_NOT_FOUND_ERROR"));
    assert_eq!(
        error.to_string(),
        "getSession: HTTP 404 Not Found SESSION_NOT_FOUND_ERROR: Session not found (param `session_id`)"
    );
}

/// `linkCustomerAccount` for customer C1, the operation with three error schemas.
async fn link(client: &imprint::Client) -> Result<(), Error> {
    client
        .link_customer_account()
        .customer_id("C1")
        .body_map(|b| b.partner_customer_id("P".to_string()))
        .call()
        .await
        .map(drop)
}

#[tokio::test]
async fn validation_shape_400() {
    let body = r#"{"error":"Bad Request","details":["partner_customer_id: must not be blank"],"path":"/v2/customers/C1/link","status":400,"timestamp":"2025-01-20T18:18:22.923+00:00"}"#;
    let e = api_error(400, body, link).await;
    assert_eq!(e.raw_error_type(), Some("Bad Request"));
    assert_eq!(e.error_type(), Some(ErrorType::BadRequest));
    assert_eq!(e.details(), ["partner_customer_id: must not be blank"]);
    assert_eq!(e.message(), Some("partner_customer_id: must not be blank"));
    assert_eq!(e.body(), body.as_bytes());
}

#[tokio::test]
async fn inline_conflict_409_keeps_its_extra_fields_in_the_body() {
    let body = r#"{"error":{"type":"CUSTOMER_ALREADY_LINKED","message":"Customer already linked to a partner account","existing_link":{"customer_id":"C1","partner_customer_id":"P","status":"ACTIVE","created_at":"2025-02-13T19:08:07.000Z"}}}"#;
    let e = api_error(409, body, link).await;
    assert_eq!(e.raw_error_type(), Some("CUSTOMER_ALREADY_LINKED"));
    assert_eq!(e.error_type(), Some(ErrorType::CustomerAlreadyLinked));
    let raw: serde_json::Value = serde_json::from_slice(e.body()).unwrap();
    assert_eq!(raw["error"]["existing_link"]["status"], "ACTIVE");
}

#[tokio::test]
async fn api_error_envelope_403() {
    let e = api_error(403, r#"{"error":{"type":"FORBIDDEN","message":"Endpoint is only available in sandbox environments"}}"#, async |c| {
        let body = imprint::types::SimulateRewardBody::builder().customer_id("C1".to_string()).reward_type(imprint::types::SimulateRewardBodyRewardType::Delayed);
        c.simulate_reward().body(body).call().await.map(drop)
    })
    .await;
    assert_eq!((e.raw_error_type(), e.param()), (Some("FORBIDDEN"), None));
    let Some(ErrorType::Unlisted(unlisted)) = e.error_type() else {
        panic!("{:?}", e.error_type())
    };
    assert_eq!(unlisted.as_str(), "FORBIDDEN");
}

#[tokio::test]
async fn empty_401_and_html_502_do_not_panic() {
    let e = api_error(401, "", async |c| c.create_key().call().await.map(drop)).await;
    assert_eq!(
        (e.status().as_u16(), e.raw_error_type(), e.body().len()),
        (401, None, 0)
    );
    assert_eq!(
        e.to_string(),
        "createKey: HTTP 401 Unauthorized: (empty body)"
    );
    let server = MockServer::start_async().await;
    server
        .mock_async(|_, then| {
            then.status(502)
                .header("content-type", "text/html")
                .body("<html><body><h1>502 Bad Gateway</h1></body></html>");
        })
        .await;
    let error = client(&server)
        .get_customer()
        .customer_id("C1")
        .call()
        .await
        .unwrap_err();
    assert_eq!(error.raw_error_type(), None);
    assert!(
        error.to_string().contains("<h1>502 Bad Gateway</h1>"),
        "{error}"
    );
}

#[tokio::test]
async fn an_oversized_error_body_is_cut_at_the_cap() {
    let big = "x".repeat(imprint::MAX_ERROR_BODY * 2);
    let e = api_error(500, &big, async |c| c.create_key().call().await.map(drop)).await;
    assert_eq!(e.body().len(), imprint::MAX_ERROR_BODY);
    assert!(e.body_truncated());
}

#[tokio::test]
async fn undecodable_success_names_the_path_without_the_value() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path("/v2/customers");
            then.status(200)
                .json_body(json!({ "data": [{ "id": 123456789 }], "has_more": false }));
        })
        .await;
    let error = client(&server)
        .search_customers_post()
        .body_map(|b| b)
        .call()
        .await
        .unwrap_err();
    let Error::Decode(decode) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(decode.operation(), "searchCustomersPost");
    assert_eq!(decode.path(), "data[0].id");
    assert_eq!(
        decode.message(),
        "invalid type: integer `…`, expected a string at line 1 column 24"
    );
    assert!(!error.to_string().contains("123456789"), "{error}");
}

#[tokio::test]
async fn a_page_without_data_is_a_decode_error_naming_the_field() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path("/v2/customers");
            then.status(200)
                .json_body(json!({ "has_more": false, "total": 0 }));
        })
        .await;
    let error = client(&server).search_customers().call().await.unwrap_err();
    let Error::Decode(decode) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(decode.status(), Some(imprint::StatusCode::OK));
    assert_eq!(error.status(), Some(imprint::StatusCode::OK));
    assert!(
        decode.message().starts_with("missing field `data`"),
        "{}",
        decode.message()
    );
}

#[tokio::test]
async fn an_undocumented_2xx_that_decodes_is_a_success() {
    let server = MockServer::start_async().await;
    // The spec documents 201 for createSession; a 200 with the same body still works.
    server
        .mock_async(|when, then| {
            when.method(POST).path("/v2/customer_sessions");
            then.status(200).json_body(json!({ "id": "cs_1", "client_secret": "cs_secret_value", "expires_at": "2025-02-13T19:08:07.000Z" }));
        })
        .await;
    let session = client(&server)
        .create_session()
        .body_map(|b| b)
        .call()
        .await
        .unwrap();
    assert_eq!(session.client_secret.expose_secret(), "cs_secret_value");
}

#[tokio::test]
async fn the_request_id_is_read_from_the_first_known_header() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path("/v2/customers/C1");
            then.status(500)
                .header("request-id", "req_second")
                .header("x-request-id", "req_first");
        })
        .await;
    server
        .mock_async(|when, then| {
            when.path("/v2/customers/C2");
            then.status(404);
        })
        .await;
    let client = client(&server);
    let with = client
        .get_customer()
        .customer_id("C1")
        .call()
        .await
        .unwrap_err();
    let Error::Api(with) = with else {
        panic!("{with:?}")
    };
    assert_eq!(with.request_id(), Some("req_first"));
    let without = client
        .get_customer()
        .customer_id("C2")
        .call()
        .await
        .unwrap_err();
    let Error::Api(without) = without else {
        panic!("{without:?}")
    };
    assert_eq!(without.request_id(), None);
    assert_eq!(without.error_type(), None);
}

#[tokio::test]
async fn a_missing_path_parameter_is_named_and_nothing_is_sent() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200);
        })
        .await;
    let error = client(&server).get_customer().call().await.unwrap_err();
    let Error::Validation { operation, source } = &error else {
        panic!("{error:?}")
    };
    assert_eq!(
        (*operation, source.field()),
        (Some("getCustomer"), "customer_id")
    );
    any.assert_calls_async(0).await;
}
