//! The fake server against the spec: the request schemas it validates with
//! (`cargo xtask codegen` writes them from the spec) cover every operation,
//! every operation answers (never 501), every answer of every
//! operation validates against the spec's closed response schema, and invalid
//! requests get Imprint's 400 naming the field.

use imprint::OperationMeta;
use imprint::prelude::*;
use imprint_mock::{FakeImprint, NOT_IMPLEMENTED, Reply};
use serde_json::{Value, json};

use crate::fake_support::{Raw, check_response, check_webhook, spec};

#[test]
fn the_request_table_the_xtask_emits_covers_every_operation() {
    let table = xtask::requests::table(spec()).unwrap();
    let mut listed: Vec<&str> = table.keys().map(String::as_str).collect();
    let mut operations: Vec<&str> = OperationMeta::all().iter().map(|meta| meta.id).collect();
    listed.sort_unstable();
    operations.sort_unstable();
    assert_eq!(listed, operations);
}

/// A path for `meta` with every parameter filled with `value`.
fn concrete(meta: &OperationMeta, value: &str) -> String {
    meta.path
        .split('/')
        .map(|segment| {
            if segment.starts_with('{') {
                value
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[tokio::test]
async fn a_path_of_the_spec_under_another_method_is_405_with_allow() {
    let fake = FakeImprint::start().await.unwrap();
    let http = reqwest::Client::new();
    let meta = OperationMeta::all();
    for (method, path, template) in [
        ("DELETE", "/v2/customers", "/v2/customers"),
        ("TRACE", "/v2/customers/C1", "/v2/customers/{customer_id}"),
        ("OPTIONS", "/v2/orders/O1", "/v2/orders/{order_id}"),
        ("PUT", "/v2/keys", "/v2/keys"),
    ] {
        let mut declared: Vec<&str> = meta
            .iter()
            .filter(|m| m.path == template)
            .map(|m| m.method)
            .collect();
        declared.sort_unstable();
        assert!(
            !declared.is_empty() && !declared.contains(&method),
            "{template}"
        );
        let response = http
            .request(
                method.parse().unwrap(),
                format!("{}{path}", fake.base_url()),
            )
            .basic_auth(fake.api_key(), Some(""))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 405, "{method} {path}");
        assert_eq!(
            response.headers()["allow"].to_str().unwrap(),
            declared.join(", "),
            "{method} {path}"
        );
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["type"], "METHOD_NOT_ALLOWED");
    }
}

#[tokio::test]
async fn nothing_is_recorded_or_replied_before_the_key_is_checked() {
    let fake = FakeImprint::start().await.unwrap();
    let search = fake.operation::<imprint::builder::SearchCustomers>();
    search.always(Reply::new(200, json!({"data": [], "has_more": false})));
    let wrong = fake
        .client_builder()
        .api_key("not_the_key")
        .build()
        .unwrap();
    let error = wrong.search_customers().call().await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    assert_eq!((search.calls(), search.received().len()), (0, 0));
    let right = fake.client().unwrap();
    assert!(
        right
            .search_customers()
            .call()
            .await
            .unwrap()
            .data
            .is_empty()
    );
    assert_eq!(search.calls(), 1);
}

#[tokio::test]
async fn no_operation_of_the_generated_table_is_unserved() {
    let fake = FakeImprint::start().await.unwrap();
    // What the spec does not have is 501 with a type of its own, never 404.
    let http = reqwest::Client::new();
    for (method, path) in [("GET", "/v2/nothing"), ("GET", "/v1/customers")] {
        let response = http
            .request(
                method.parse().unwrap(),
                format!("{}{path}", fake.base_url()),
            )
            .basic_auth(fake.api_key(), Some(""))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 501, "{method} {path}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["type"], NOT_IMPLEMENTED);
        check_response("searchCustomers", 501, &body).unwrap();
    }
    let raw = Raw::new(&fake);
    for meta in OperationMeta::all() {
        let body = if meta.method == "GET" || meta.method == "DELETE" {
            Value::Null
        } else {
            json!({})
        };
        let (status, answer) = raw
            .call(meta.id, meta.method, &concrete(meta, "unknown"), body)
            .await;
        assert_ne!(status, 501, "{} is not served: {answer}", meta.id);
    }
}

/// The index of a customer whose card is active and who also has a loan.
pub fn active_with_loan(fake: &FakeImprint) -> usize {
    (0..fake.customer_count())
        .find(|i| {
            i % 4 == 1
                && fake
                    .customer(*i)
                    .unwrap()
                    .customer
                    .statuses
                    .values()
                    .all(|s| *s == imprint::types::CustomerProgramStatus::Open)
        })
        .unwrap()
}

#[tokio::test]
async fn every_operation_answers_as_the_spec_says() {
    let fake = FakeImprint::builder().customers(30).start().await.unwrap();
    let raw = Raw::new(&fake);
    let customer = fake.customer(active_with_loan(&fake)).unwrap();
    let id = customer.customer.id.clone();
    let ssn = customer.ssn.expose_secret().to_string();

    let partner = customer.customer.partner_customer_id.clone().unwrap();
    raw.expect(
        200,
        "searchCustomers",
        "GET",
        &format!("/v2/customers?limit=3&partner_customer_id={}", *partner),
        Value::Null,
    )
    .await;
    raw.expect(
        200,
        "searchCustomersPost",
        "POST",
        "/v2/customers",
        json!({ "ssn": ssn, "limit": 2 }),
    )
    .await;
    raw.expect(
        200,
        "getCustomer",
        "GET",
        &format!("/v2/customers/{id}"),
        Value::Null,
    )
    .await;
    raw.expect(
        404,
        "getCustomer",
        "GET",
        "/v2/customers/nobody",
        Value::Null,
    )
    .await;

    let methods = raw
        .expect(
            200,
            "getPaymentMethods",
            "GET",
            &format!("/v2/customers/{id}/payment_methods"),
            Value::Null,
        )
        .await;
    assert_eq!(
        methods["data"].as_array().unwrap().len(),
        2,
        "a card and a loan"
    );
    let card = methods["data"][0]["id"].as_str().unwrap().to_string();
    let pan = methods["data"][0]["card"]["pci_details"]["pan"]
        .as_str()
        .unwrap()
        .to_string();
    raw.expect(
        404,
        "getPaymentMethods",
        "GET",
        "/v2/customers/nobody/payment_methods",
        Value::Null,
    )
    .await;
    let cards = raw
        .expect(
            200,
            "searchPaymentMethods",
            "GET",
            &format!("/v2/payment_methods?customer_id={id}&type=CARD&limit=1"),
            Value::Null,
        )
        .await;
    assert_eq!(
        (cards["total"].as_u64(), cards["data"][0]["id"].as_str()),
        (Some(1), Some(card.as_str()))
    );
    let by_pan = raw
        .expect(
            200,
            "searchPaymentMethodsPost",
            "POST",
            "/v2/payment_methods",
            json!({ "customer_id": id, "pan": pan }),
        )
        .await;
    assert_eq!(by_pan["data"][0]["id"], card.as_str());
    raw.expect(
        200,
        "getPaymentMethod",
        "GET",
        &format!("/v2/payment_methods/{card}"),
        Value::Null,
    )
    .await;
    raw.expect(
        404,
        "getPaymentMethod",
        "GET",
        "/v2/payment_methods/nothing",
        Value::Null,
    )
    .await;

    let link_body =
        json!({ "partner_customer_id": "CUST_LINKED_1", "metadata": { "store_id": "store_789" } });
    raw.expect(
        200,
        "linkCustomerAccount",
        "POST",
        &format!("/v2/customers/{id}/link"),
        link_body.clone(),
    )
    .await;
    let conflict = raw
        .expect(
            409,
            "linkCustomerAccount",
            "POST",
            &format!("/v2/customers/{id}/link"),
            link_body.clone(),
        )
        .await;
    assert_eq!(
        conflict["error"]["existing_link"]["partner_customer_id"],
        "CUST_LINKED_1"
    );
    raw.expect(
        404,
        "linkCustomerAccount",
        "POST",
        "/v2/customers/nobody/link",
        link_body,
    )
    .await;
    raw.expect(
        400,
        "linkCustomerAccount",
        "POST",
        &format!("/v2/customers/{id}/link"),
        json!({}),
    )
    .await;

    let session = raw
        .expect(
            201,
            "createSession",
            "POST",
            "/v2/customer_sessions",
            json!({ "customer_id": id, "metadata": { "store_number": "123" } }),
        )
        .await;
    let session_id = session["id"].as_str().unwrap();
    raw.expect(
        200,
        "getSession",
        "GET",
        &format!("/v2/customer_sessions/{session_id}"),
        Value::Null,
    )
    .await;
    raw.expect(
        404,
        "getSession",
        "GET",
        "/v2/customer_sessions/none",
        Value::Null,
    )
    .await;
    raw.expect(
        400,
        "createSession",
        "POST",
        "/v2/customer_sessions",
        json!({ "transaction_amount": "lots" }),
    )
    .await;

    let intent = raw.expect(200, "createTransactionIntent", "POST", "/v2/transaction_intents", json!({ "customer_id": id, "payment_method_id": card, "amount": 4200, "currency": "USD" })).await;
    let intent_id = intent["id"].as_str().unwrap();
    raw.expect(
        400,
        "createTransactionIntent",
        "POST",
        "/v2/transaction_intents",
        json!({ "customer_id": id, "amount": 1 }),
    )
    .await;
    raw.expect(
        200,
        "getTransactionIntent",
        "GET",
        &format!("/v2/transaction_intents/{intent_id}"),
        Value::Null,
    )
    .await;
    raw.expect(
        404,
        "getTransactionIntent",
        "GET",
        "/v2/transaction_intents/none",
        Value::Null,
    )
    .await;
    raw.expect(200, "updateTransactionIntent", "POST", &format!("/v2/transaction_intents/{intent_id}"), json!({ "customer_id": id, "amount": 4200, "status": "CONFIRMED", "partner_transaction_id": "P-1" })).await;
    raw.expect(
        400,
        "updateTransactionIntent",
        "POST",
        &format!("/v2/transaction_intents/{intent_id}"),
        json!({ "customer_id": id, "amount": 1, "status": "MAYBE" }),
    )
    .await;
    raw.expect(
        200,
        "searchTransactionIntents",
        "GET",
        "/v2/transaction_intents?type=CONFIRMED",
        Value::Null,
    )
    .await;
    raw.expect(
        200,
        "getTransactionIntents",
        "GET",
        &format!("/v2/customers/{id}/transaction_intents"),
        Value::Null,
    )
    .await;
    raw.expect(
        404,
        "getTransactionIntents",
        "GET",
        "/v2/customers/nobody/transaction_intents",
        Value::Null,
    )
    .await;

    let approved = raw.expect(200, "simulateTransactionEvent", "POST", "/v2/simulate_transaction_event", json!({ "payment_method_id": card, "status": "APPROVED", "amount": 4200, "currency": "USD", "merchant": { "name": "Target", "category": null } })).await;
    let transaction = approved["transaction_id"].as_str().unwrap();
    let captured = raw.expect(200, "simulateTransactionEvent", "POST", "/v2/simulate_transaction_event", json!({ "payment_method_id": card, "status": "CAPTURED", "transaction_id": transaction })).await;
    raw.expect(
        409,
        "simulateTransactionEvent",
        "POST",
        "/v2/simulate_transaction_event",
        json!({ "payment_method_id": card, "status": "VOIDED", "transaction_id": transaction }),
    )
    .await;
    let got = raw
        .expect(
            200,
            "getTransaction",
            "GET",
            &format!("/v2/transactions/{transaction}"),
            Value::Null,
        )
        .await;
    assert_eq!(
        (
            got["status"].as_str(),
            got["intent_id"].as_str(),
            got["partner_transaction_id"].as_str()
        ),
        (Some("CAPTURED"), Some(intent_id), Some("P-1"))
    );
    raw.expect(
        404,
        "getTransaction",
        "GET",
        "/v2/transactions/none",
        Value::Null,
    )
    .await;
    raw.expect(
        200,
        "getTransactions",
        "GET",
        &format!("/v2/customers/{id}/transactions?limit=1"),
        Value::Null,
    )
    .await;
    raw.expect(
        404,
        "getTransactions",
        "GET",
        "/v2/customers/nobody/transactions",
        Value::Null,
    )
    .await;

    let event = captured["event_id"].as_str().unwrap();
    let rewards = raw
        .expect(
            200,
            "searchRewards",
            "GET",
            &format!("/v2/rewards?transaction_event_id={event}"),
            Value::Null,
        )
        .await;
    let reward = rewards["data"][0]["id"].as_str().unwrap().to_string();
    raw.expect(
        200,
        "getReward",
        "GET",
        &format!("/v2/rewards/{reward}"),
        Value::Null,
    )
    .await;
    raw.expect(404, "getReward", "GET", "/v2/rewards/none", Value::Null)
        .await;
    raw.expect(
        200,
        "patchReward",
        "PATCH",
        &format!("/v2/rewards/{reward}"),
        json!({ "amount": 50 }),
    )
    .await;
    raw.expect(
        200,
        "simulateReward",
        "POST",
        "/v2/simulate_reward",
        json!({ "customer_id": id, "reward_type": "DELAYED" }),
    )
    .await;
    raw.expect(
        409,
        "patchReward",
        "PATCH",
        &format!("/v2/rewards/{reward}"),
        json!({ "amount": 60 }),
    )
    .await;
    raw.expect(
        404,
        "simulateReward",
        "POST",
        "/v2/simulate_reward",
        json!({ "customer_id": "nobody", "reward_type": "STATEMENT" }),
    )
    .await;
    raw.expect(
        400,
        "simulateReward",
        "POST",
        "/v2/simulate_reward",
        json!({ "customer_id": id, "reward_type": "WEEKLY" }),
    )
    .await;
    raw.expect(
        200,
        "simulateStatementReward",
        "POST",
        "/v2/simulate_statement_reward",
        json!({ "customer_id": id }),
    )
    .await;
    raw.expect(
        404,
        "simulateStatementReward",
        "POST",
        "/v2/simulate_statement_reward",
        json!({ "customer_id": "nobody" }),
    )
    .await;
    raw.expect(
        200,
        "getRewards",
        "GET",
        &format!("/v2/customers/{id}/rewards"),
        Value::Null,
    )
    .await;
    raw.expect(
        404,
        "getRewards",
        "GET",
        "/v2/customers/nobody/rewards",
        Value::Null,
    )
    .await;
    let balance = raw
        .expect(
            200,
            "getRewardsBalance",
            "GET",
            &format!("/v2/customers/{id}/rewards_balance"),
            Value::Null,
        )
        .await;
    assert_eq!(balance["reward_balance"], 50 + 2_500);
    raw.expect(
        404,
        "getRewardsBalance",
        "GET",
        "/v2/customers/nobody/rewards_balance",
        Value::Null,
    )
    .await;

    raw.expect(
        200,
        "getOffer",
        "GET",
        "/v2/offers?partner_customer_id=CUST_LINKED_1",
        Value::Null,
    )
    .await;
    raw.expect(
        404,
        "getOffer",
        "GET",
        "/v2/offers?partner_customer_id=nobody",
        Value::Null,
    )
    .await;

    let order_body = json!({
        "payment_method_id": card, "partner_order_id": "o-1", "total_order_amount": 274_999,
        "total_rewards_amount": 2_500, "currency": "USD", "merchant_name": null,
        "order_lines": [{ "name": "Couch Supreme", "quantity": 1, "rate": 274_999, "rewards_rate": 2_500 }]
    });
    let order = raw
        .expect(200, "createOrder", "POST", "/v2/orders", order_body.clone())
        .await;
    let order_id = order["id"].as_str().unwrap();
    raw.expect(
        200,
        "listOrders",
        "GET",
        "/v2/orders?partner_order_id=o-1",
        Value::Null,
    )
    .await;
    raw.expect(
        200,
        "putOrder",
        "PUT",
        &format!("/v2/orders/{order_id}"),
        order_body.clone(),
    )
    .await;
    let event_body = json!({ "order_id": order_id, "type": "CAPTURED", "amount": 274_999, "network_transaction_id": "n-1" });
    let order_event = raw
        .expect(
            200,
            "postOrderEvent",
            "POST",
            "/v2/order_events",
            event_body,
        )
        .await;
    let order_event_id = order_event["order_event_id"].as_str().unwrap();
    raw.expect(
        200,
        "listOrderEvents",
        "GET",
        &format!("/v2/order_events?order_id={order_id}&limit=5"),
        Value::Null,
    )
    .await;
    raw.expect(
        204,
        "deleteOrderEvent",
        "DELETE",
        &format!("/v2/order_events/{order_event_id}"),
        Value::Null,
    )
    .await;
    raw.expect(
        404,
        "deleteOrderEvent",
        "DELETE",
        &format!("/v2/order_events/{order_event_id}"),
        Value::Null,
    )
    .await;
    raw.expect(
        204,
        "deleteOrder",
        "DELETE",
        &format!("/v2/orders/{order_id}"),
        Value::Null,
    )
    .await;
    raw.expect(
        404,
        "putOrder",
        "PUT",
        &format!("/v2/orders/{order_id}"),
        order_body,
    )
    .await;
    raw.expect(
        404,
        "deleteOrder",
        "DELETE",
        &format!("/v2/orders/{order_id}"),
        Value::Null,
    )
    .await;

    raw.expect(200, "createKey", "POST", "/v2/keys", Value::Null)
        .await;
    raw.expect(200, "deleteKey", "DELETE", "/v2/keys", Value::Null)
        .await;
    // The key that deleted itself no longer opens anything.
    raw.expect(
        401,
        "getCustomer",
        "GET",
        &format!("/v2/customers/{id}"),
        Value::Null,
    )
    .await;

    for meta in OperationMeta::all() {
        assert!(
            fake.operation_meta(meta).calls() > 0,
            "{} was not exercised",
            meta.id
        );
    }
    // The webhooks the flow caused validate against their payload schemas too.
    let objects: Vec<String> = fake.webhooks().iter().map(|d| d.object.clone()).collect();
    assert_eq!(
        objects,
        [
            "CUSTOMER_LINK",
            "TRANSACTION",
            "TRANSACTION",
            "REWARD",
            "REWARD",
            "REWARD",
            "REWARD"
        ]
    );
    for delivery in fake.webhooks() {
        check_webhook(&delivery.json()).unwrap();
    }
}

#[tokio::test]
async fn invalid_requests_are_400s_naming_the_field() {
    let fake = FakeImprint::start().await.unwrap();
    let raw = Raw::new(&fake);
    let id = fake.customer(0).unwrap().customer.id;
    let cases = [
        (
            "searchCustomers",
            "GET",
            "/v2/customers?limit=zero".to_string(),
            Value::Null,
            "limit: must be an integer",
        ),
        (
            "searchCustomers",
            "GET",
            "/v2/customers?limit=0".to_string(),
            Value::Null,
            "limit: must be an integer of at least 1",
        ),
        (
            "searchPaymentMethods",
            "GET",
            "/v2/payment_methods".to_string(),
            Value::Null,
            "customer_id: is required",
        ),
        (
            "searchPaymentMethods",
            "GET",
            format!("/v2/payment_methods?customer_id={id}&type=CASH"),
            Value::Null,
            "type: must be one of LOAN, CARD, BANK_ACCOUNT",
        ),
        (
            "searchCustomersPost",
            "POST",
            "/v2/customers".to_string(),
            json!({ "date_of_birth": { "year": 1850, "month": 1, "day": 1 } }),
            "date_of_birth.year: must be an integer of at least 1900",
        ),
        (
            "searchCustomersPost",
            "POST",
            "/v2/customers".to_string(),
            json!([1]),
            "body: must be an object",
        ),
        (
            "createTransactionIntent",
            "POST",
            "/v2/transaction_intents".to_string(),
            json!({ "customer_id": id, "currency": "USD" }),
            "amount: is required",
        ),
        (
            "createTransactionIntent",
            "POST",
            "/v2/transaction_intents".to_string(),
            json!({ "customer_id": id, "currency": "USD", "amount": "ten" }),
            "amount: must be an integer",
        ),
        (
            "createSession",
            "POST",
            "/v2/customer_sessions".to_string(),
            json!({ "customer_history": { "email": "not-an-address" } }),
            "customer_history.email: must be a well-formed email address",
        ),
        (
            "createSession",
            "POST",
            "/v2/customer_sessions".to_string(),
            json!({ "customer_metadata": { "tier": 3 } }),
            "customer_metadata.tier: must be a string",
        ),
        (
            "createOrder",
            "POST",
            "/v2/orders".to_string(),
            json!({ "payment_method_id": "x", "partner_order_id": "o", "total_order_amount": 1, "order_lines": [{ "name": "n", "quantity": 1, "rate": 1 }] }),
            "order_lines[0].rewards_rate: is required",
        ),
        (
            "simulateTransactionEvent",
            "POST",
            "/v2/simulate_transaction_event".to_string(),
            json!({ "payment_method_id": "x", "status": "PENDING" }),
            "status: must be one of APPROVED, UPDATED, VOIDED, CAPTURED, REFUNDED",
        ),
        (
            "patchReward",
            "PATCH",
            "/v2/rewards/x".to_string(),
            json!({ "status": "GONE" }),
            "status: must be one of PENDING, AVAILABLE, PENDING_DEDUCTION, DEDUCTED",
        ),
    ];
    for (operation, method, path, body, detail) in cases {
        let answer = raw.expect(400, operation, method, &path, body).await;
        assert_eq!(
            (
                answer["error"].as_str(),
                answer["details"][0].as_str(),
                answer["path"].as_str()
            ),
            (
                Some("Bad Request"),
                Some(detail),
                Some(path.split('?').next().unwrap())
            ),
            "{operation}"
        );
    }
    // Where the spec documents the envelope for a 400, the fake answers with it.
    for (operation, path, body, message) in [
        (
            "simulateStatementReward",
            "/v2/simulate_statement_reward",
            Value::Null,
            "body: is required",
        ),
        (
            "simulateReward",
            "/v2/simulate_reward",
            json!({ "customer_id": id, "reward_type": "WEEKLY" }),
            "reward_type: must be one of STATEMENT, DELAYED",
        ),
    ] {
        let answer = raw.expect(400, operation, "POST", path, body).await;
        assert_eq!(
            (
                answer["error"]["type"].as_str(),
                answer["error"]["message"].as_str()
            ),
            (Some("BAD_REQUEST_ERROR"), Some(message))
        );
    }
    // Nothing invalid reached the world.
    assert!(fake.webhooks().is_empty());
}

/// The not-found body the spec's `*NotFoundError` schemas describe.
fn not_found(kind: &str, noun: &str, param: &str, id: &str) -> Value {
    json!({ "type": kind, "message": format!("{noun} not found for provided ID: {id}"), "param": param })
}

#[tokio::test]
async fn a_body_naming_a_missing_resource_is_its_not_found_404() {
    let fake = FakeImprint::builder().customers(30).start().await.unwrap();
    let raw = Raw::new(&fake);
    let id = fake.customer(active_with_loan(&fake)).unwrap().customer.id;
    let other = fake.customer(0).unwrap().customer.id;
    let mut cards = Vec::new();
    for customer in [&id, &other] {
        let path = format!("/v2/customers/{customer}/payment_methods");
        let methods = raw
            .expect(200, "getPaymentMethods", "GET", &path, Value::Null)
            .await;
        assert_eq!(methods["data"][0]["type"], "CARD");
        cards.push(methods["data"][0]["id"].as_str().unwrap().to_string());
    }
    let [card_of_id, card_of_other] = [cards[0].clone(), cards[1].clone()];
    let intent = raw
        .expect(
            200,
            "createTransactionIntent",
            "POST",
            "/v2/transaction_intents",
            json!({ "customer_id": id, "amount": 4200, "currency": "USD" }),
        )
        .await;
    let intent = intent["id"].as_str().unwrap().to_string();
    let order = raw
        .expect(200, "createOrder", "POST", "/v2/orders",
            json!({ "payment_method_id": card_of_id, "partner_order_id": "o-1", "total_order_amount": 100 }))
        .await;
    let order = order["id"].as_str().unwrap().to_string();
    let customer = not_found(
        "CUSTOMER_NOT_FOUND_ERROR",
        "Customer",
        "customer_id",
        "nobody",
    );
    let method = not_found(
        "PAYMENT_METHOD_NOT_FOUND_ERROR",
        "Payment method",
        "payment_method_id",
        "nothing",
    );
    let cases = [
        (
            "createSession",
            "POST",
            "/v2/customer_sessions".to_string(),
            json!({ "customer_id": "nobody" }),
            customer.clone(),
        ),
        (
            "createTransactionIntent",
            "POST",
            "/v2/transaction_intents".to_string(),
            json!({ "customer_id": "nobody", "amount": 1, "currency": "USD" }),
            customer.clone(),
        ),
        (
            "createTransactionIntent",
            "POST",
            "/v2/transaction_intents".to_string(),
            json!({ "customer_id": id, "payment_method_id": "nothing", "amount": 1, "currency": "USD" }),
            method.clone(),
        ),
        (
            "updateTransactionIntent",
            "POST",
            format!("/v2/transaction_intents/{intent}"),
            json!({ "customer_id": "nobody", "amount": 1, "status": "CONFIRMED" }),
            customer.clone(),
        ),
        // The resource the path names is looked up first.
        (
            "updateTransactionIntent",
            "POST",
            "/v2/transaction_intents/none".to_string(),
            json!({ "customer_id": "nobody", "amount": 1, "status": "CONFIRMED" }),
            not_found(
                "TRANSACTION_INTENT_NOT_FOUND_ERROR",
                "Transaction intent",
                "intent_id",
                "none",
            ),
        ),
        (
            "createOrder",
            "POST",
            "/v2/orders".to_string(),
            json!({ "payment_method_id": "nothing", "partner_order_id": "o-2", "total_order_amount": 1 }),
            method.clone(),
        ),
        (
            "putOrder",
            "PUT",
            format!("/v2/orders/{order}"),
            json!({ "payment_method_id": "nothing", "partner_order_id": "o-1", "total_order_amount": 1 }),
            method.clone(),
        ),
        (
            "putOrder",
            "PUT",
            "/v2/orders/none".to_string(),
            json!({ "payment_method_id": "nothing", "partner_order_id": "o-1", "total_order_amount": 1 }),
            json!({ "error": { "type": "ORDER_NOT_FOUND_ERROR", "message": "Order not found for provided ID: none" } }),
        ),
        (
            "postOrderEvent",
            "POST",
            "/v2/order_events".to_string(),
            json!({ "order_id": "none", "type": "CAPTURED", "amount": 1, "network_transaction_id": "n-1" }),
            json!({ "error": { "type": "ORDER_NOT_FOUND_ERROR", "message": "Order not found for provided ID: none" } }),
        ),
        (
            "simulateTransactionEvent",
            "POST",
            "/v2/simulate_transaction_event".to_string(),
            json!({ "payment_method_id": "nothing", "status": "APPROVED" }),
            method.clone(),
        ),
        (
            "simulateTransactionEvent",
            "POST",
            "/v2/simulate_transaction_event".to_string(),
            json!({ "payment_method_id": card_of_id, "status": "CAPTURED", "transaction_id": "none" }),
            not_found(
                "TRANSACTION_NOT_FOUND_ERROR",
                "Transaction",
                "transaction_id",
                "none",
            ),
        ),
    ];
    for (operation, method, path, body, expected) in cases {
        let (status, answer) = raw.call(operation, method, &path, body).await;
        assert_eq!((status, answer), (404, expected), "{operation} {path}");
    }
    // A malformed reference is still a 400 in the operation's validation
    // shape, and a card that exists but is another customer's is no lookup
    // that failed: a 400 naming the field.
    for (body, detail) in [
        (
            json!({ "customer_id": 5, "amount": 1, "currency": "USD" }),
            "customer_id: must be a string".to_string(),
        ),
        (
            json!({ "customer_id": id, "payment_method_id": card_of_other, "amount": 1, "currency": "USD" }),
            "payment_method_id: is not a payment method of the customer".to_string(),
        ),
    ] {
        let answer = raw
            .expect(
                400,
                "createTransactionIntent",
                "POST",
                "/v2/transaction_intents",
                body,
            )
            .await;
        assert_eq!(
            (answer["error"].as_str(), &answer["details"]),
            (Some("Bad Request"), &json!([detail]))
        );
    }
    // Every request reached the fake once; none changed the world.
    for (meta, calls) in [
        ("createSession", 1),
        ("createTransactionIntent", 5),
        ("updateTransactionIntent", 2),
        ("createOrder", 2),
        ("putOrder", 2),
        ("postOrderEvent", 1),
        ("simulateTransactionEvent", 2),
    ] {
        let meta = OperationMeta::by_id(meta).unwrap();
        assert_eq!(fake.operation_meta(meta).calls(), calls, "{}", meta.id);
    }
    let intents = raw
        .expect(
            200,
            "searchTransactionIntents",
            "GET",
            "/v2/transaction_intents",
            Value::Null,
        )
        .await;
    assert_eq!(intents["total"], 1);
    assert!(fake.webhooks().is_empty());
}

#[tokio::test]
async fn credentials_are_checked_on_every_operation() {
    let fake = FakeImprint::start().await.unwrap();
    let http = reqwest::Client::new();
    for meta in OperationMeta::all() {
        let url = format!("{}{}", fake.base_url(), concrete(meta, "x"));
        for request in [
            http.request(meta.method.parse().unwrap(), &url),
            http.request(meta.method.parse().unwrap(), &url)
                .basic_auth("wrong", Some("")),
            http.request(meta.method.parse().unwrap(), &url)
                .bearer_auth("wrong"),
        ] {
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), 401, "{}", meta.id);
            let body: Value = response.json().await.unwrap();
            assert_eq!(body["error"]["type"], "AUTHENTICATION_ERROR");
            check_response(meta.id, 401, &body).unwrap();
        }
    }
}

/// JSON Schema counts `2.0` as an integer, and so did the fake's validation,
/// but its int32 check and the routes read integers as `i64`/`u64` only: a
/// `limit` of `2.0` was refused as "must be an integer from …" and an amount
/// of `4200.0` would have been read as no amount. Found by the API tester
/// (tools/api-tester) with `"limit": 2691026.0`.
#[tokio::test]
async fn integral_numbers_written_with_a_fraction_are_integers() {
    let fake = FakeImprint::start().await.unwrap();
    let raw = Raw::new(&fake);
    let page = raw
        .expect(
            200,
            "searchCustomersPost",
            "POST",
            "/v2/customers",
            json!({ "limit": 2.0 }),
        )
        .await;
    assert_eq!(page["data"].as_array().map(Vec::len), Some(2));
    let too_many = raw
        .expect(
            400,
            "searchCustomersPost",
            "POST",
            "/v2/customers",
            json!({ "limit": 2691026.0 }),
        )
        .await;
    assert_eq!(
        too_many["details"],
        json!(["limit: must be at most 1000, the fake server's largest page"])
    );
    let customer = fake.customer(0).unwrap().customer.id;
    let intent = raw
        .expect(
            200,
            "createTransactionIntent",
            "POST",
            "/v2/transaction_intents",
            json!({ "customer_id": customer, "amount": 4200.0, "currency": "USD" }),
        )
        .await;
    assert_eq!(intent["amount"], 4200);
}
