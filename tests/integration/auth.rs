//! Credentials, merchant key and user agent, byte for byte on the wire.

use httpmock::prelude::*;
use imprint::httpmock::MockServerExt;
use imprint::prelude::*;
use imprint::types::SearchCustomersPostBody;
use imprint::{AuthScheme, USER_AGENT};

use crate::support::{BASIC, KEY, builder, client, customer_page};

#[tokio::test]
async fn basic_auth_is_the_key_and_an_empty_password() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v2/customers")
                .header("authorization", BASIC)
                .header("user-agent", USER_AGENT)
                .header("content-type", "application/json")
                .header("accept", "application/json")
                .header_missing("x-imprint-merchant-key")
                .json_body(serde_json::json!({ "limit": 10, "partner_customer_id": "P-1" }));
            then.status(200).json_body(customer_page());
        })
        .await;
    let body = SearchCustomersPostBody::builder().partner_customer_id("P-1".to_string());
    let page = client(&server)
        .search_customers_post()
        .body(body)
        .call()
        .await
        .unwrap();
    assert_eq!(page.data[0].first_name.as_deref(), Some("Ada"));
    mock.assert_calls_async(1).await;
    let version = USER_AGENT.strip_prefix("imprint-rust/").unwrap();
    assert_eq!(
        version
            .split('.')
            .filter(|part| part.parse::<u32>().is_ok())
            .count(),
        3,
        "{USER_AGENT}"
    );
}

#[tokio::test]
async fn bearer_sends_the_key_as_token() {
    let server = MockServer::start_async().await;
    let mock = server.get_customer(|when, then| {
        when.customer_id(&"C1".parse().unwrap())
            .into_inner()
            .header("authorization", format!("Bearer {KEY}"));
        then.ok(&customer("C1"));
    });
    let client = builder(&server)
        .auth_scheme(AuthScheme::Bearer)
        .build()
        .unwrap();
    let customer = client
        .get_customer()
        .customer_id("C1")
        .call()
        .await
        .unwrap();
    assert_eq!(customer.id, "C1");
    mock.assert_calls(1);
}

#[tokio::test]
async fn merchant_key_is_sent_only_when_set() {
    let server = MockServer::start_async().await;
    let with = server.get_customer(|when, then| {
        when.customer_id(&"C1".parse().unwrap())
            .into_inner()
            .header("x-imprint-merchant-key", "MERCHANT_ABC")
            .header("authorization", BASIC);
        then.ok(&customer("C1"));
    });
    let without = server.get_customer(|when, then| {
        when.customer_id(&"C2".parse().unwrap())
            .into_inner()
            .header_missing("x-imprint-merchant-key");
        then.ok(&customer("C2"));
    });
    let merchant = builder(&server)
        .merchant_key("MERCHANT_ABC")
        .build()
        .unwrap();
    merchant
        .get_customer()
        .customer_id("C1")
        .call()
        .await
        .unwrap();
    client(&server)
        .get_customer()
        .customer_id("C2")
        .call()
        .await
        .unwrap();
    with.assert_calls(1);
    without.assert_calls(1);
}

/// A customer with nothing but its id, as a typed mock answers it.
fn customer(id: &str) -> imprint::types::Customer {
    serde_json::from_value(serde_json::json!({ "id": id })).unwrap()
}

#[tokio::test]
async fn a_key_id_and_secret_and_a_key_with_a_trailing_newline_go_as_documented() {
    let server = MockServer::start_async().await;
    let pair = server
        .mock_async(|when, then| {
            // base64("key_id:key_secret")
            when.header("authorization", "Basic a2V5X2lkOmtleV9zZWNyZXQ=");
            then.status(200)
                .json_body(serde_json::json!({ "id": "C1" }));
        })
        .await;
    let trimmed = server
        .mock_async(|when, then| {
            when.header("authorization", BASIC);
            then.status(200)
                .json_body(serde_json::json!({ "id": "C1" }));
        })
        .await;
    for key in [
        imprint::ApiKey::id_and_secret("key_id", "key_secret"),
        imprint::ApiKey::new(format!("{KEY}\n")),
    ] {
        let client = builder(&server).api_key(key).build().unwrap();
        client
            .get_customer()
            .customer_id("C1")
            .call()
            .await
            .unwrap();
    }
    pair.assert_calls_async(1).await;
    trimmed.assert_calls_async(1).await;
}
