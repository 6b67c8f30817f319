//! The fake server as a partner's test suite uses it: every operation through
//! `.call()`, one consistent world, documented errors, per-operation control,
//! signed webhooks, and what all that costs.

use std::time::Duration;

use imprint::builder::{
    CreateOrder, DeleteOrder, GetCustomer, SearchCustomers, SimulateTransactionEvent,
};
use imprint::prelude::*;
use imprint::types::{self, RewardStatus, TransactionIntentStatus, TransactionStatus};
use imprint::webhook::{Event, SIGNATURE_HEADER};
use imprint::{OperationMeta, RetryPolicy};
use imprint_mock::{FakeImprint, Reply};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::fake_contract::active_with_loan;

#[allow(dead_code)]
#[path = "../../sdk/examples/partner_flow.rs"]
mod example;

/// A generated body type from JSON, as a partner's fixture would write it.
/// The id of `customer`'s first payment method.
async fn first_card(client: &imprint::Client, customer: &str) -> String {
    client
        .get_payment_methods()
        .customer_id(customer)
        .call()
        .await
        .unwrap()
        .data[0]
        .id
        .clone()
}

fn body<T: DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).unwrap()
}

#[tokio::test]
async fn all_35_operations_return_their_documented_types_through_call() {
    let fake = FakeImprint::builder().customers(40).start().await.unwrap();
    let client = fake.client().unwrap();
    let record = fake.customer(active_with_loan(&fake)).unwrap();
    let id = record.customer.id.clone();

    let listed: types::CustomerListResponse =
        client.search_customers().limit(5u32).call().await.unwrap();
    assert_eq!((listed.data.len(), listed.total), (5, Some(40)));
    let ssn = record.ssn.clone();
    let found: types::CustomerListResponse = client
        .search_customers_post()
        .body_map(|b| b.ssn(ssn))
        .call()
        .await
        .unwrap();
    assert_eq!(found.data[0].id, id);
    let customer: types::Customer = client.get_customer().customer_id(&id).call().await.unwrap();
    assert_eq!(customer.first_name, record.customer.first_name);

    let methods: types::GetPaymentMethodsResponse = client
        .get_payment_methods()
        .customer_id(&id)
        .call()
        .await
        .unwrap();
    let card = methods.data[0].clone();
    let pan = card
        .card
        .as_ref()
        .and_then(|c| c.pci_details.as_ref())
        .and_then(|p| p.pan.clone())
        .unwrap();
    let searched: types::SearchPaymentMethodsResponse = client
        .search_payment_methods()
        .customer_id(&id)
        .type_(types::SearchPaymentMethodsType::Loan)
        .call()
        .await
        .unwrap();
    assert_eq!(searched.data.len(), 1);
    let by_pan: types::SearchPaymentMethodsPostResponse = client
        .search_payment_methods_post()
        .body(body::<types::SearchPaymentMethodsPostBody>(
            json!({ "customer_id": id, "pan": pan.expose_secret() }),
        ))
        .call()
        .await
        .unwrap();
    assert_eq!(by_pan.data[0].id, card.id);
    let method: types::PaymentMethod = client
        .get_payment_method()
        .payment_method_id(&card.id)
        .call()
        .await
        .unwrap();
    assert_eq!(method.customer_id, id);

    let link: types::CustomerLink = client
        .link_customer_account()
        .customer_id(&id)
        .body(body::<types::LinkCustomerAccountBody>(
            json!({ "partner_customer_id": "CUST_77" }),
        ))
        .call()
        .await
        .unwrap();
    assert_eq!(*link.partner_customer_id, "CUST_77");
    let session: types::CustomerSession = client
        .create_session()
        .body_map(|b| b.customer_id(id.clone()))
        .call()
        .await
        .unwrap();
    let again: types::CustomerSession = client
        .get_session()
        .session_id(&session.id)
        .call()
        .await
        .unwrap();
    assert_eq!(again.expires_at, session.expires_at);

    let intent: types::TransactionIntent = client
        .create_transaction_intent()
        .body(body::<types::CreateTransactionIntentBody>(json!({ "customer_id": id, "payment_method_id": card.id, "amount": 900, "currency": "USD" })))
        .call()
        .await
        .unwrap();
    let got: types::TransactionIntent = client
        .get_transaction_intent()
        .intent_id(&intent.id)
        .call()
        .await
        .unwrap();
    assert_eq!(got.amount, 900);
    let updated: types::TransactionIntent = client
        .update_transaction_intent()
        .intent_id(&intent.id)
        .body(body::<types::UpdateTransactionIntentBody>(
            json!({ "customer_id": id, "amount": 1_000, "status": "CONFIRMED", "created_at": "2025-03-01T00:00:00Z" }),
        ))
        .call()
        .await
        .unwrap();
    assert_eq!(updated.amount, 1_000);
    let confirmed: types::SearchTransactionIntentsResponse = client
        .search_transaction_intents()
        .type_(types::SearchTransactionIntentsType::Confirmed)
        .call()
        .await
        .unwrap();
    assert_eq!(confirmed.data.len(), 1);
    let of_customer: types::GetTransactionIntentsResponse = client
        .get_transaction_intents()
        .customer_id(&id)
        .call()
        .await
        .unwrap();
    assert_eq!(of_customer.data[0].id, intent.id);

    let approved: types::TransactionEvent = client
        .simulate_transaction_event()
        .body(body::<types::SimulateTransactionEventBody>(
            json!({ "payment_method_id": card.id, "status": "APPROVED", "amount": 1_000 }),
        ))
        .call()
        .await
        .unwrap();
    let transaction_id = approved.transaction_id.clone().unwrap();
    let captured: types::TransactionEvent = client
        .simulate_transaction_event()
        .body(body::<types::SimulateTransactionEventBody>(json!({ "payment_method_id": card.id, "status": "CAPTURED", "transaction_id": transaction_id })))
        .call()
        .await
        .unwrap();
    let transaction: types::Transaction = client
        .get_transaction()
        .transaction_id(&transaction_id)
        .call()
        .await
        .unwrap();
    assert_eq!(
        (transaction.status, transaction.intent_id.as_deref()),
        (TransactionStatus::Captured, Some(intent.id.as_str()))
    );
    let transactions: types::GetTransactionsResponse = client
        .get_transactions()
        .customer_id(&id)
        .call()
        .await
        .unwrap();
    assert_eq!(transactions.total, Some(1));

    let rewards: types::SearchRewardsResponse = client
        .search_rewards()
        .transaction_event_id(captured.event_id.clone().unwrap())
        .call()
        .await
        .unwrap();
    let reward = rewards.data[0].clone();
    assert_eq!((reward.amount, reward.status), (10, RewardStatus::Pending));
    let got: types::Reward = client
        .get_reward()
        .reward_id(&reward.id)
        .call()
        .await
        .unwrap();
    assert_eq!(got.id, reward.id);
    let patched: types::Reward = client
        .patch_reward()
        .reward_id(&reward.id)
        .body(body::<types::PatchRewardBody>(json!({ "amount": 25 })))
        .call()
        .await
        .unwrap();
    assert_eq!(patched.amount, 25);
    let _: types::SimulateRewardResponse = client
        .simulate_reward()
        .body(body::<types::SimulateRewardBody>(
            json!({ "customer_id": id, "reward_type": "DELAYED" }),
        ))
        .call()
        .await
        .unwrap();
    let _: types::SimulateStatementRewardResponse = client
        .simulate_statement_reward()
        .body(body::<types::SimulateStatementRewardBody>(
            json!({ "customer_id": id }),
        ))
        .call()
        .await
        .unwrap();
    let all: types::GetRewardsResponse =
        client.get_rewards().customer_id(&id).call().await.unwrap();
    assert!(
        all.data.iter().all(|r| r.status == RewardStatus::Available),
        "the delayed simulation processed the pending reward"
    );
    let balance: types::GetRewardsBalanceResponse = client
        .get_rewards_balance()
        .customer_id(&id)
        .call()
        .await
        .unwrap();
    assert_eq!(balance.reward_balance, 25 + 2_500);
    let offer: types::Offer = client
        .get_offer()
        .partner_customer_id("CUST_77")
        .call()
        .await
        .unwrap();
    assert!(offer.title.contains("Welcome"));

    let order_body = json!({ "payment_method_id": card.id, "partner_order_id": "o-9", "total_order_amount": 1_000 });
    let order: types::Order = client
        .create_order()
        .body(body::<types::OrderBase>(order_body.clone()))
        .call()
        .await
        .unwrap();
    let order_id = order.id.clone().unwrap();
    let orders: types::OrdersResponse = client
        .list_orders()
        .partner_order_id("o-9")
        .call()
        .await
        .unwrap();
    assert_eq!(orders.data.len(), 1);
    let mut changed = order_body;
    changed["total_order_amount"] = json!(1_200);
    let put: types::Order = client
        .put_order()
        .order_id(&order_id)
        .body(body::<types::OrderBase>(changed))
        .call()
        .await
        .unwrap();
    assert_eq!(*put.total_order_amount, 1_200);
    let event: types::OrderEvent = client
        .post_order_event()
        .body(body::<types::OrderEventBase>(json!({ "order_id": order_id, "type": "CAPTURED", "amount": 1_200, "network_transaction_id": "n-9" })))
        .call()
        .await
        .unwrap();
    let event_id = event.order_event_id.clone().unwrap();
    let events: types::OrderEventsResponse = client
        .list_order_events()
        .order_id(&order_id)
        .call()
        .await
        .unwrap();
    assert_eq!(events.data.len(), 1);
    let () = client
        .delete_order_event()
        .order_event_id(&event_id)
        .call()
        .await
        .unwrap();
    let () = client
        .delete_order()
        .order_id(&order_id)
        .call()
        .await
        .unwrap();
    let gone: types::OrdersResponse = client.list_orders().id(&order_id).call().await.unwrap();
    assert!(gone.data.is_empty());

    let key: types::Key = client.create_key().call().await.unwrap();
    let new_key = key.key.unwrap().expose_secret().to_string();
    let second = fake
        .client_builder()
        .api_key(new_key.as_str())
        .build()
        .unwrap();
    let deleted: types::Key = second.delete_key().call().await.unwrap();
    assert!(deleted.deleted_at.is_some());
    let refused = second
        .get_customer()
        .customer_id(&id)
        .call()
        .await
        .unwrap_err();
    assert_eq!(refused.status().map(|s| s.as_u16()), Some(401));
    client
        .get_customer()
        .customer_id(&id)
        .call()
        .await
        .expect("the first key still works");

    for meta in OperationMeta::all() {
        assert!(
            fake.operation_meta(meta).calls() > 0,
            "{} was not called",
            meta.id
        );
    }
    assert_eq!(OperationMeta::all().len(), 35);
}

#[tokio::test]
async fn documented_errors_come_back_through_call() {
    let fake = FakeImprint::start().await.unwrap();
    let client = fake.client().unwrap();
    let cases = [
        (
            client
                .get_customer()
                .customer_id("nobody")
                .call()
                .await
                .unwrap_err(),
            404,
            "CUSTOMER_NOT_FOUND_ERROR",
        ),
        (
            client
                .get_session()
                .session_id("nothing")
                .call()
                .await
                .unwrap_err(),
            404,
            "SESSION_NOT_FOUND_ERROR",
        ),
        (
            client
                .get_payment_method()
                .payment_method_id("nothing")
                .call()
                .await
                .unwrap_err(),
            404,
            "PAYMENT_METHOD_NOT_FOUND_ERROR",
        ),
        (
            client
                .get_transaction_intent()
                .intent_id("nothing")
                .call()
                .await
                .unwrap_err(),
            404,
            "TRANSACTION_INTENT_NOT_FOUND_ERROR",
        ),
        (
            client
                .get_transaction()
                .transaction_id("nothing")
                .call()
                .await
                .unwrap_err(),
            404,
            "TRANSACTION_NOT_FOUND_ERROR",
        ),
        (
            client
                .get_reward()
                .reward_id("nothing")
                .call()
                .await
                .unwrap_err(),
            404,
            "REWARD_NOT_FOUND_ERROR",
        ),
        (
            client
                .get_rewards()
                .customer_id("nobody")
                .call()
                .await
                .unwrap_err(),
            404,
            "CUSTOMER_NOT_FOUND_ERROR",
        ),
        (
            client
                .get_offer()
                .partner_customer_id("nobody")
                .call()
                .await
                .unwrap_err(),
            404,
            "PARTNER_CUSTOMER_NOT_FOUND_ERROR",
        ),
        (
            client
                .simulate_reward()
                .body(body::<types::SimulateRewardBody>(
                    json!({ "customer_id": "nobody", "reward_type": "STATEMENT" }),
                ))
                .call()
                .await
                .unwrap_err(),
            404,
            "CUSTOMER_NOT_FOUND_ERROR",
        ),
        (
            client
                .simulate_transaction_event()
                .body(body::<types::SimulateTransactionEventBody>(
                    json!({ "payment_method_id": "nothing", "status": "APPROVED" }),
                ))
                .call()
                .await
                .unwrap_err(),
            404,
            "PAYMENT_METHOD_NOT_FOUND_ERROR",
        ),
        // A body naming a missing resource: a 404 the operation does not
        // document, in the shape the spec gives that resource's.
        (
            client
                .create_session()
                .body_map(|b| b.customer_id("nobody".to_string()))
                .call()
                .await
                .unwrap_err(),
            404,
            "CUSTOMER_NOT_FOUND_ERROR",
        ),
    ];
    for (error, status, kind) in cases {
        assert_eq!(
            (error.status().map(|s| s.as_u16()), error.raw_error_type()),
            (Some(status), Some(kind)),
            "{error}"
        );
        assert_eq!(error.is_not_found(), status == 404);
    }
    let id = fake.customer(0).unwrap().customer.id;
    let link = || {
        client
            .link_customer_account()
            .customer_id(&id)
            .body(body::<types::LinkCustomerAccountBody>(
                json!({ "partner_customer_id": "P-1" }),
            ))
            .call()
    };
    link().await.unwrap();
    let conflict = link().await.unwrap_err();
    assert_eq!(
        (
            conflict.status().map(|s| s.as_u16()),
            conflict.raw_error_type()
        ),
        (Some(409), Some("CUSTOMER_ALREADY_LINKED"))
    );
}

#[tokio::test]
async fn invalid_input_through_the_raw_send_layer_gets_the_fakes_400() {
    let fake = FakeImprint::start().await.unwrap();
    let client = fake.client().unwrap();
    let id = fake.customer(0).unwrap().customer.id;
    // Well-typed, so the SDK sends it; wrong by the spec's schema or rules.
    let session = client
        .create_session()
        .body(body::<types::CreateSessionBody>(
            json!({ "customer_id": id, "customer_history": { "email": "no-at-sign" } }),
        ))
        .send()
        .await
        .unwrap_err();
    let card = first_card(&client, &id).await;
    let order = client
        .create_order()
        .body(body::<types::OrderBase>(json!({
            "payment_method_id": card, "partner_order_id": "o", "total_order_amount": 100,
            "order_lines": [{ "name": "Lamp", "quantity": 2, "rate": 40, "rewards_rate": 0 }]
        })))
        .send()
        .await
        .unwrap_err();
    let someone_elses = first_card(&client, &fake.customer(1).unwrap().customer.id).await;
    let intent = client
        .create_transaction_intent()
        .body(body::<types::CreateTransactionIntentBody>(json!({
            "customer_id": id, "payment_method_id": someone_elses, "amount": 1, "currency": "USD"
        })))
        .send()
        .await
        .unwrap_err();
    for (error, detail) in [
        (
            session,
            "customer_history.email: must be a well-formed email address",
        ),
        (
            order,
            "order_lines: the rates times quantities must add up to total_order_amount",
        ),
        (
            intent,
            "payment_method_id: is not a payment method of the customer",
        ),
    ] {
        let progenitor_client::Error::UnexpectedResponse(response) = error else {
            panic!("expected the raw response, got {error:?}");
        };
        assert_eq!(response.status(), 400);
        let answer: Value = response.json().await.unwrap();
        assert_eq!(
            (answer["error"].as_str(), answer["details"][0].as_str()),
            (Some("Bad Request"), Some(detail))
        );
    }
    assert!(fake.webhooks().is_empty());
}

#[tokio::test]
async fn webhooks_verify_with_the_fakes_secret_and_name_what_changed() {
    let fake = FakeImprint::builder()
        .webhook_secret("whsec_suite")
        .start()
        .await
        .unwrap();
    let client = fake.client().unwrap();
    let index = active_with_loan(&fake);
    let id = fake.customer(index).unwrap().customer.id;
    let card = first_card(&client, &id).await;
    let approved = client
        .simulate_transaction_event()
        .body(body::<types::SimulateTransactionEventBody>(
            json!({ "payment_method_id": card, "status": "APPROVED", "amount": 2_000 }),
        ))
        .call()
        .await
        .unwrap();
    let transaction_id = approved.transaction_id.unwrap();
    client
        .simulate_transaction_event()
        .body(body::<types::SimulateTransactionEventBody>(json!({ "payment_method_id": card, "status": "CAPTURED", "transaction_id": transaction_id })))
        .call()
        .await
        .unwrap();
    client
        .link_customer_account()
        .customer_id(&id)
        .body(body::<types::LinkCustomerAccountBody>(
            json!({ "partner_customer_id": "CUST_1" }),
        ))
        .call()
        .await
        .unwrap();

    let verifier = fake.webhook();
    assert_eq!(fake.webhook_secret(), "whsec_suite");
    let events: Vec<Event> = fake
        .take_webhooks()
        .iter()
        .map(|d| {
            verifier
                .construct_event(&d.body, Some(&d.signature))
                .unwrap()
        })
        .collect();
    assert!(fake.webhooks().is_empty(), "taken");
    let [
        Event::Transaction(first),
        Event::Transaction(second),
        Event::Reward(reward),
        Event::CustomerLink(link),
    ] = events.as_slice()
    else {
        panic!("unexpected events: {events:?}");
    };
    let (first, second) = (first.data.clone().unwrap(), second.data.clone().unwrap());
    assert_eq!(
        (first.transaction_id.as_deref(), first.status),
        (
            Some(transaction_id.as_str()),
            Some(TransactionStatus::Approved)
        )
    );
    assert_eq!(
        (second.transaction_id.as_deref(), second.status),
        (
            Some(transaction_id.as_str()),
            Some(TransactionStatus::Captured)
        )
    );
    assert_eq!(
        (
            first.customer_id.as_deref(),
            first.payment_method_id.as_deref(),
            first.amount
        ),
        (Some(id.as_str()), Some(card.as_str()), Some(2_000))
    );
    assert_ne!(first.event_id, second.event_id);
    let reward = reward.data.clone().unwrap();
    assert_eq!(
        (
            reward.transaction_id.as_deref(),
            reward.customer_id.as_deref(),
            reward.amount
        ),
        (Some(transaction_id.as_str()), Some(id.as_str()), Some(20))
    );
    let rewarded = client
        .get_reward()
        .reward_id(reward.reward_id.clone().unwrap())
        .call()
        .await
        .unwrap();
    assert_eq!(rewarded.customer_id, id);
    let link = link.data.clone().unwrap();
    assert_eq!(
        (
            link.customer_id.as_deref(),
            link.partner_customer_id.as_deref().map(|p| p.as_str())
        ),
        (Some(id.as_str()), Some("CUST_1"))
    );

    assert_eq!(
        first.merchant_key.as_deref(),
        Some(imprint_mock::MERCHANT_KEY)
    );

    // A multi-product partner's merchant key names the product in the webhook.
    let product = fake
        .client_builder()
        .merchant_key("MERCHANT_B")
        .build()
        .unwrap();
    product
        .simulate_statement_reward()
        .body(body::<types::SimulateStatementRewardBody>(
            json!({ "customer_id": id }),
        ))
        .call()
        .await
        .unwrap();
    assert_eq!(
        fake.take_webhooks()[0].json()["data"]["merchant_key"],
        "MERCHANT_B"
    );

    // Another secret does not verify them.
    client
        .simulate_reward()
        .body(body::<types::SimulateRewardBody>(
            json!({ "customer_id": id, "reward_type": "STATEMENT" }),
        ))
        .call()
        .await
        .unwrap();
    let delivery = fake.take_webhooks().pop().unwrap();
    assert!(
        imprint::webhook::Webhook::new("whsec_other")
            .verify(&delivery.body, Some(&delivery.signature))
            .is_err()
    );
}

#[tokio::test]
async fn webhooks_are_posted_to_a_loopback_receiver() {
    let (url, mut received) = receiver().await;
    let fake = FakeImprint::builder()
        .webhook_url(&url)
        .start()
        .await
        .unwrap();
    let client = fake.client().unwrap();
    let id = fake.customer(0).unwrap().customer.id;
    client
        .simulate_statement_reward()
        .body(body::<types::SimulateStatementRewardBody>(
            json!({ "customer_id": id }),
        ))
        .call()
        .await
        .unwrap();
    // Delivered before the call answered.
    let (signature, bytes) = received.try_recv().expect("delivered");
    let event = fake
        .webhook()
        .construct_event(&bytes, Some(&signature))
        .unwrap();
    let Event::Reward(reward) = event else {
        panic!("{event:?}")
    };
    assert_eq!(
        reward.data.unwrap().customer_id.as_deref(),
        Some(id.as_str())
    );
    assert_eq!(fake.webhooks()[0].outcome, Some(Ok(200)));

    for elsewhere in [
        "http://example.com/hook",
        "https://10.0.0.8/hook",
        "not a url",
    ] {
        let refused = FakeImprint::builder()
            .webhook_url(elsewhere)
            .start()
            .await
            .unwrap_err();
        assert_eq!(
            refused.kind(),
            std::io::ErrorKind::InvalidInput,
            "{elsewhere}"
        );
    }
    assert!(
        FakeImprint::builder()
            .webhook_url("http://[::1]:9/hook")
            .start()
            .await
            .is_ok()
    );
}

/// A receiver on 127.0.0.1 that passes on each delivery's signature and body.
async fn receiver() -> (
    String,
    tokio::sync::mpsc::UnboundedReceiver<(String, Vec<u8>)>,
) {
    let (send, received) = tokio::sync::mpsc::unbounded_channel();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(
            move |headers: axum::http::HeaderMap, body: axum::body::Bytes| {
                let signature = headers[SIGNATURE_HEADER].to_str().unwrap().to_string();
                send.send((signature, body.to_vec())).unwrap();
                async { "ok" }
            },
        ),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, received)
}

#[tokio::test]
async fn tests_control_each_operation_by_its_builder_type() {
    let fake = FakeImprint::start().await.unwrap();
    let client = fake
        .client_builder()
        .retry_policy(RetryPolicy::default().base_delay(Duration::from_millis(1)))
        .build()
        .unwrap();
    let id = fake.customer(3).unwrap().customer.id;

    // The second getCustomer fails once; the SDK retries it (safe), the fake counts both.
    fake.operation::<GetCustomer>().fail_call(2, 503);
    client.get_customer().customer_id(&id).call().await.unwrap();
    client.get_customer().customer_id(&id).call().await.unwrap();
    assert_eq!(fake.operation::<GetCustomer>().calls(), 3);

    // An imposed answer, then back to the world.
    let orders = fake.operation::<CreateOrder>();
    orders.always(Reply::error(503, "SERVICE_UNAVAILABLE", "down"));
    let order = || {
        client.create_order().body(body::<types::OrderBase>(json!({ "payment_method_id": "x", "partner_order_id": "o", "total_order_amount": 1 }))).call()
    };
    let error = order().await.unwrap_err();
    assert_eq!(
        (error.status().map(|s| s.as_u16()), error.raw_error_type()),
        (Some(503), Some("SERVICE_UNAVAILABLE"))
    );
    assert_eq!(orders.calls(), 1, "creating is never retried");
    orders.reset();
    assert_eq!(
        order().await.unwrap_err().status().map(|s| s.as_u16()),
        Some(404),
        "the real answer: no such payment method"
    );

    // A success body can be imposed too, and is decoded as the documented type.
    let meta = OperationMeta::by_id("searchCustomers").unwrap();
    fake.operation_meta(meta).on_call(
        1,
        Reply::new(
            200,
            json!({ "data": [{ "id": "IMPOSED" }], "has_more": false, "total": 1 }),
        ),
    );
    let page = client
        .search_customers()
        .partner_customer_id("PARTNER_00004")
        .call()
        .await
        .unwrap();
    assert_eq!(page.data[0].id, "IMPOSED");
    let page = client
        .search_customers()
        .partner_customer_id("PARTNER_00004")
        .call()
        .await
        .unwrap();
    assert_eq!(
        page.data[0]
            .partner_customer_id
            .as_deref()
            .map(|p| p.as_str()),
        Some("PARTNER_00004")
    );

    // An empty success for an id the world never issued.
    fake.operation::<DeleteOrder>()
        .on_call(1, Reply::empty(204));
    client
        .delete_order()
        .order_id("never-issued")
        .call()
        .await
        .unwrap();
    assert!(
        client
            .delete_order()
            .order_id("never-issued")
            .call()
            .await
            .unwrap_err()
            .is_not_found()
    );

    // What was received, per operation.
    let searches = fake.operation::<SearchCustomers>().received();
    assert_eq!(searches.len(), 2);
    assert_eq!(searches[0].query["partner_customer_id"], "PARTNER_00004");
    assert_eq!(searches[0].path, "/v2/customers");
    let sent = fake.operation::<CreateOrder>().last_body().unwrap();
    assert_eq!(sent["partner_order_id"], "o");
    assert_eq!(fake.operation::<SimulateTransactionEvent>().calls(), 0);
    // Debug output names fields, not values.
    let debug = format!("{:?}", fake.operation::<CreateOrder>().received()[0]);
    assert!(
        debug.contains("partner_order_id") && !debug.contains("\"o\""),
        "{debug}"
    );
}

#[tokio::test]
async fn the_world_is_one_and_deterministic() {
    let one = FakeImprint::builder().seed(7).start().await.unwrap();
    let two = FakeImprint::builder().seed(7).start().await.unwrap();
    let mut ids = Vec::new();
    for fake in [&one, &two] {
        let client = fake.client().unwrap();
        // A session for an unknown partner id creates the customer, visible to searches.
        let session = client
            .create_session()
            .body(body::<types::CreateSessionBody>(json!({ "partner_customer_id": "NEW_1", "customer_history": { "first_name": "Nova", "email": "nova@example.com" } })))
            .call()
            .await
            .unwrap();
        let found = client
            .search_customers()
            .partner_customer_id("NEW_1")
            .call()
            .await
            .unwrap();
        assert_eq!(
            (found.data.len(), found.data[0].first_name.as_deref()),
            (1, Some("Nova"))
        );
        let everyone = client
            .search_customers()
            .limit(1000u32)
            .call()
            .await
            .unwrap();
        assert_eq!(everyone.total, Some(301));
        assert_eq!(
            everyone.data[300].id, found.data[0].id,
            "created customers list after the synthetic ones"
        );
        let page_after = client
            .search_customers()
            .starting_after(&everyone.data[299].id)
            .call()
            .await
            .unwrap();
        assert_eq!(page_after.data[0].id, found.data[0].id);
        ids.push((session.id, found.data[0].id.clone(), session.expires_at));
    }
    assert_eq!(
        ids[0], ids[1],
        "same seed, same requests, same ids and timestamps"
    );

    // Changes are seen by later reads; deletions are gone.
    let client = one.client().unwrap();
    let customer = one.customer(8).unwrap().customer.id;
    let intent = client
        .create_transaction_intent()
        .body(body::<types::CreateTransactionIntentBody>(
            json!({ "customer_id": customer, "amount": 10, "currency": "USD" }),
        ))
        .call()
        .await
        .unwrap();
    client
        .update_transaction_intent()
        .intent_id(&intent.id)
        .body(body::<types::UpdateTransactionIntentBody>(
            json!({ "customer_id": customer, "amount": 10, "status": "CANCELED", "created_at": "2025-03-01T00:00:00Z" }),
        ))
        .call()
        .await
        .unwrap();
    let canceled = client
        .search_transaction_intents()
        .type_(types::SearchTransactionIntentsType::Canceled)
        .call()
        .await
        .unwrap();
    assert_eq!(
        (canceled.data.len(), canceled.data[0].status.clone()),
        (1, TransactionIntentStatus::Canceled)
    );
    assert!(
        client
            .search_transaction_intents()
            .type_(types::SearchTransactionIntentsType::Confirmed)
            .call()
            .await
            .unwrap()
            .data
            .is_empty()
    );
}

#[tokio::test]
async fn without_a_seed_each_fake_issues_ids_of_its_own_and_reads_them_back() {
    let mut sessions = Vec::new();
    for _ in 0..2 {
        let fake = FakeImprint::start().await.unwrap();
        let client = fake.client().unwrap();
        let session = client
            .create_session()
            .body(body::<types::CreateSessionBody>(json!({ "partner_customer_id": "NEW_2", "customer_history": { "first_name": "Ola" } })))
            .call()
            .await
            .unwrap();
        let created = client
            .search_customers()
            .partner_customer_id("NEW_2")
            .call()
            .await
            .unwrap();
        // The salted id still finds its customer.
        let id = &created.data[0].id;
        assert_eq!(
            client
                .get_customer()
                .customer_id(id)
                .call()
                .await
                .unwrap()
                .id,
            *id
        );
        // The data set itself stays the seed's.
        assert_eq!(
            fake.customer(0).unwrap().customer.id,
            FakeImprint::builder()
                .seed(42)
                .start()
                .await
                .unwrap()
                .customer(0)
                .unwrap()
                .customer
                .id
        );
        sessions.push((session.id, id.clone()));
    }
    assert_ne!(sessions[0].0, sessions[1].0);
    assert_ne!(sessions[0].1, sessions[1].1);
}

#[tokio::test]
async fn integers_and_pages_are_bounded_and_order_sums_cannot_overflow() {
    let fake = FakeImprint::start().await.unwrap();
    let raw = crate::fake_support::Raw::new(&fake);
    // `limit` is an int32.
    let (status, answer) = raw
        .call(
            "searchCustomers",
            "GET",
            "/v2/customers?limit=2147483648",
            Value::Null,
        )
        .await;
    assert_eq!(status, 400, "{answer}");
    assert!(
        answer
            .to_string()
            .contains("limit: must be an integer from"),
        "{answer}"
    );
    // Within int32, pages are bounded by the fake's documented maximum.
    for (operation, method, path, body) in [
        (
            "searchCustomers",
            "GET",
            "/v2/customers?limit=2147483647",
            Value::Null,
        ),
        (
            "searchCustomersPost",
            "POST",
            "/v2/customers",
            json!({ "limit": 1001 }),
        ),
    ] {
        let (status, answer) = raw.call(operation, method, path, body).await;
        assert_eq!(status, 400, "{answer}");
        let expected = format!(
            "limit: must be at most {}, the fake server's largest page",
            imprint_mock::MAX_PAGE_SIZE
        );
        assert!(answer.to_string().contains(&expected), "{answer}");
    }
    let (status, answer) = raw
        .call(
            "searchCustomers",
            "GET",
            "/v2/customers?limit=1000",
            Value::Null,
        )
        .await;
    assert_eq!(
        (status, answer["data"].as_array().map(Vec::len)),
        (200, Some(300))
    );

    let id = fake.customer(0).unwrap().customer.id;
    let client = fake.client().unwrap();
    let card = first_card(&client, &id).await;
    let line = |rate: Value, quantity: i64| json!({ "name": "n", "quantity": quantity, "rate": rate, "rewards_rate": 0 });
    // i64::MAX × 2 used to overflow (a panic in the handler, the connection
    // dropped); it is a sum the stated total does not match.
    let overflowing = json!({ "payment_method_id": card, "partner_order_id": "o-1", "total_order_amount": 1, "total_rewards_amount": 0, "order_lines": [line(Value::from(i64::MAX), 2)] });
    let (status, answer) = raw
        .call("createOrder", "POST", "/v2/orders", overflowing)
        .await;
    assert_eq!(status, 400, "{answer}");
    assert!(answer.to_string().contains("must add up to"), "{answer}");
    // A rate beyond 64 bits is a JSON integer the spec does not bound.
    let huge: Value = serde_json::from_str("123456789012345678901234567890").unwrap();
    let beyond = json!({ "payment_method_id": card, "partner_order_id": "o-2", "total_order_amount": 1, "order_lines": [line(huge, 1)] });
    let (status, answer) = raw.call("createOrder", "POST", "/v2/orders", beyond).await;
    assert!(status < 300, "{status} {answer}");
}

#[tokio::test]
async fn imposed_replies_carry_headers_and_received_requests_show_theirs() {
    let fake = FakeImprint::start().await.unwrap();
    let client = fake.client().unwrap();
    let sessions = fake.operation::<imprint::builder::CreateSession>();
    sessions.always(
        Reply::error(503, "SERVICE_UNAVAILABLE", "later")
            .header("Retry-After", "7")
            .header("X-Request-Id", "req_fake_1"),
    );
    let error = client
        .create_session()
        .body(body::<types::CreateSessionBody>(
            json!({ "partner_customer_id": "P1" }),
        ))
        .with_options(imprint::CallOptions::new().header("x-partner-trace", "trace-9"))
        .call()
        .await
        .unwrap_err();
    let imprint::Error::Api(api) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(
        (api.status().as_u16(), api.retry_after(), api.request_id()),
        (503, Some(Duration::from_secs(7)), Some("req_fake_1"))
    );
    // An unsafe operation: sent once.
    let received = sessions.received();
    assert_eq!(received.len(), 1);
    let header = |name: &str| -> Vec<&str> {
        received[0]
            .headers
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect()
    };
    assert_eq!(header("x-partner-trace"), ["trace-9"]);
    assert_eq!(header("authorization").len(), 1);
    let debug = format!("{:?}", received[0]);
    assert!(
        debug.contains("x-partner-trace") && !debug.contains("trace-9"),
        "{debug}"
    );
    assert!(!debug.contains(fake.api_key()), "{debug}");
}

#[test]
#[should_panic(expected = "the fake sets content-length itself")]
fn a_reply_cannot_set_the_framing() {
    let _ = Reply::empty(200).header("Content-Length", "3");
}

#[tokio::test]
async fn an_empty_cursor_is_the_first_page() {
    let fake = FakeImprint::start().await.unwrap();
    let client = fake.client().unwrap();
    let first = client.search_customers().limit(3u32).call().await.unwrap();
    let empty = client
        .search_customers()
        .limit(3u32)
        .starting_after("")
        .call()
        .await
        .unwrap();
    let ids = |page: &types::CustomerListResponse| -> Vec<String> {
        page.data.iter().map(|c| c.id.clone()).collect()
    };
    assert_eq!(ids(&empty), ids(&first));
    assert_eq!(ids(&first).len(), 3);
    // The empty cursor reached the fake as it was sent.
    let received = fake
        .operation::<imprint::builder::SearchCustomers>()
        .received();
    assert_eq!(received[1].query["starting_after"], "");
}

#[tokio::test]
async fn every_paginated_list_pages_and_filters() {
    use futures::TryStreamExt;

    let fake = FakeImprint::start().await.unwrap();
    let client = fake.client().unwrap();
    let index = active_with_loan(&fake);
    let id = fake.customer(index).unwrap().customer.id;
    let card = first_card(&client, &id).await;
    let order = client
        .create_order()
        .body(body::<types::OrderBase>(
            json!({ "payment_method_id": card, "partner_order_id": "o", "total_order_amount": 5 }),
        ))
        .call()
        .await
        .unwrap()
        .id
        .clone()
        .unwrap();
    for n in 0..5 {
        client
            .create_transaction_intent()
            .body(body::<types::CreateTransactionIntentBody>(
                json!({ "customer_id": id, "amount": 10 + n, "currency": "USD" }),
            ))
            .call()
            .await
            .unwrap();
        let approved = client
            .simulate_transaction_event()
            .body(body::<types::SimulateTransactionEventBody>(
                json!({ "payment_method_id": card, "status": "APPROVED", "amount": 1_000 }),
            ))
            .call()
            .await
            .unwrap();
        client
            .simulate_transaction_event()
            .body(body::<types::SimulateTransactionEventBody>(json!({ "payment_method_id": card, "status": "CAPTURED", "transaction_id": approved.transaction_id })))
            .call()
            .await
            .unwrap();
        client
            .post_order_event()
            .body(body::<types::OrderEventBase>(json!({ "order_id": order, "type": "CAPTURED", "amount": 1, "network_transaction_id": format!("n-{n}") })))
            .call()
            .await
            .unwrap();
    }
    let intents: Vec<_> = client
        .search_transaction_intents()
        .limit(2u32)
        .stream()
        .try_collect()
        .await
        .unwrap();
    let transactions: Vec<_> = client
        .get_transactions()
        .customer_id(&id)
        .limit(2u32)
        .stream()
        .try_collect()
        .await
        .unwrap();
    let rewards: Vec<_> = client
        .get_rewards()
        .customer_id(&id)
        .limit(2u32)
        .stream()
        .try_collect()
        .await
        .unwrap();
    let all_rewards: Vec<_> = client
        .search_rewards()
        .limit(3u32)
        .stream()
        .try_collect()
        .await
        .unwrap();
    let events: Vec<_> = client
        .list_order_events()
        .order_id(&order)
        .limit(4u32)
        .stream()
        .try_collect()
        .await
        .unwrap();
    let methods: Vec<_> = client
        .search_payment_methods()
        .customer_id(&id)
        .limit(1u32)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        [
            intents.len(),
            transactions.len(),
            rewards.len(),
            all_rewards.len(),
            events.len(),
            methods.len()
        ],
        [5, 5, 5, 5, 5, 2]
    );
    // Newest reward first, as the spec says for a customer's rewards.
    assert!(
        rewards
            .windows(2)
            .all(|w| w[0].updated_at >= w[1].updated_at)
    );
    let by_network = client
        .list_order_events()
        .network_transaction_id("n-3")
        .call()
        .await
        .unwrap();
    assert_eq!((by_network.data.len(), by_network.total), (1, Some(1)));
    let page = client
        .get_transactions()
        .customer_id(&id)
        .limit(2u32)
        .starting_after(&transactions[2].id)
        .call()
        .await
        .unwrap();
    assert_eq!(
        (page.data.len(), page.has_more, page.total),
        (2, Some(false), Some(5))
    );
    let bad = client
        .search_rewards()
        .starting_after("nothing")
        .call()
        .await
        .unwrap_err();
    let imprint::Error::Api(api) = bad else {
        panic!("{bad:?}")
    };
    assert_eq!(api.details(), ["starting_after: is not the id of a reward"]);
}

#[tokio::test]
async fn a_ten_million_customer_fake_serves_a_hundred_calls() {
    let fake = FakeImprint::builder()
        .customers(10_000_000)
        .start()
        .await
        .unwrap();
    let client = fake.client().unwrap();
    let last = fake.customer(9_999_999).unwrap().customer.id;
    assert_eq!(
        client
            .get_customer()
            .customer_id(&last)
            .call()
            .await
            .unwrap()
            .id,
        last
    );
    let near_end = fake.customer(9_999_990).unwrap().customer.id;
    let page = client
        .search_customers()
        .starting_after(&near_end)
        .call()
        .await
        .unwrap();
    assert_eq!((page.data.len(), page.has_more), (9, Some(false)));
    let by_partner = client
        .search_customers()
        .partner_customer_id("PARTNER_9999999")
        .call()
        .await
        .unwrap();
    assert_eq!(by_partner.data[0].id, last);

    let card = first_card(&client, &last).await;
    let served = fake.time_serving();
    for n in 0..25 {
        let customer = fake.customer(n * 1_000).unwrap().customer.id;
        client
            .get_customer()
            .customer_id(&customer)
            .call()
            .await
            .unwrap();
        client
            .search_customers()
            .limit(20u32)
            .starting_after(&customer)
            .call()
            .await
            .unwrap();
        client
            .create_transaction_intent()
            .body(body::<types::CreateTransactionIntentBody>(
                json!({ "customer_id": customer, "amount": 100 + n, "currency": "USD" }),
            ))
            .call()
            .await
            .unwrap();
        let _ = client
            .simulate_transaction_event()
            .body(body::<types::SimulateTransactionEventBody>(
                json!({ "payment_method_id": card, "status": "APPROVED", "amount": 100 + n }),
            ))
            .call()
            .await;
    }
    assert!(fake.time_serving() > served);
    assert_eq!(fake.requests(), 104);
}

#[tokio::test]
async fn the_partner_flow_example_runs_and_verifies_its_webhook() {
    let mut out = Vec::new();
    let flow = example::run(&mut out).await.unwrap();
    let text = String::from_utf8(out).unwrap();
    let Event::Transaction(payload) = &flow.webhook else {
        panic!("{:?}", flow.webhook)
    };
    let data = payload.data.clone().unwrap();
    assert_eq!(
        data.transaction_id.as_deref(),
        Some(flow.transaction_id.as_str())
    );
    assert_eq!(data.intent_id.as_deref(), Some(flow.intent_id.as_str()));
    assert_eq!(data.customer_id.as_deref(), Some(flow.customer_id.as_str()));
    assert_eq!(flow.failed_status, Some(503));
    for line in [
        "1. found customer",
        "3. transaction intent",
        "for 4200 USD is CONFIRMED",
        &format!(
            "5. verified TRANSACTION webhook: transaction {} is APPROVED (intent {})",
            flow.transaction_id, flow.intent_id
        ),
        "6. createOrder failed as configured: 503 SERVICE_UNAVAILABLE",
        "7. the fake received 1 createTransactionIntent call(s) (amount 4200), 1 createOrder call(s)",
    ] {
        assert!(text.contains(line), "{line:?} not in:\n{text}");
    }
    assert!(
        !text.contains("client_secret") && !text.contains("fake_client_secret"),
        "{text}"
    );
}
