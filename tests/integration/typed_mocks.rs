//! The generated typed httpmock mocks (sdk feature `httpmock`) against the real
//! client: a mock names its operation, its parameters and its response through
//! the generated types, so a spec change that breaks a test's assumptions
//! breaks it at compile time.

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
