//! Issue 14's partner flow, written from the README and rustdoc alone: client
//! from the environment, search by SSN and date of birth, a session, streams
//! of transactions and rewards in spawned tasks, a 404 and a validation error
//! handled by kind, a verified webhook, per-call timeouts and retries. No
//! `unwrap()` on the SDK's types: every fallible step is `?`.

use std::error::Error as StdError;
use std::ffi::OsString;
use std::time::{Duration, SystemTime};

use futures::{Stream, TryStreamExt};
use imprint::prelude::*;
use imprint::types::{DateOfBirth, Reward, SimulateTransactionEventBody, Transaction};
use imprint::webhook::{Event, Webhook};
use imprint::{CallOptions, Client, ClientBuilder, Error, ErrorType, RetryPolicy, Ssn, StatusCode};
use imprint_mock::FakeImprint;
use serde_json::json;

type Result<T> = std::result::Result<T, Box<dyn StdError + Send + Sync>>;

/// A service that owns its client returns streams that own it too.
fn transactions(
    client: &Client,
    customer_id: &str,
) -> impl Stream<Item = imprint::Result<Transaction>> + Send + 'static {
    client.get_transactions().customer_id(customer_id).stream()
}

fn rewards(
    client: &Client,
    customer_id: &str,
) -> impl Stream<Item = imprint::Result<Reward>> + Send + 'static {
    client.get_rewards().customer_id(customer_id).stream()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_partner_flow_runs_against_the_fake() -> Result<()> {
    let secret = "whsec_partner_service";
    let fake = FakeImprint::builder()
        .webhook_secret(secret)
        .start()
        .await?;
    // The environment as a `.env` file leaves it: a trailing newline on the key.
    let env = [
        ("IMPRINT_API_KEY", format!("{}\n", fake.api_key())),
        ("IMPRINT_BASE_URL", fake.base_url()),
    ];
    let client = ClientBuilder::from_vars(|name| {
        env.iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| OsString::from(value))
    })?
    .build()?;

    // Search by SSN and date of birth (a synthetic customer of the fake).
    let record = fake.customer(7).ok_or("the fake has customer 7")?;
    let ssn = Ssn::new(record.ssn.expose_secret())?;
    let born = record
        .customer
        .date_of_birth
        .as_ref()
        .ok_or("customer 7 has a date of birth")?
        .to_naive_date()?;
    let date_of_birth = DateOfBirth::try_from(born)?;
    let found = client
        .search_customers_post()
        .body_map(|body| body.ssn(ssn).date_of_birth(date_of_birth))
        .call()
        .await?;
    let customer = found.data.first().ok_or("one match")?;
    assert_eq!(customer.id, record.customer.id);
    let customer_id = customer.id.clone();

    // A session, with this call's own timeout; its secret stays out of Debug.
    let session = client
        .create_session()
        .body_map(|body| body.customer_id(customer_id.clone()))
        .with_options(CallOptions::new().timeout(Duration::from_secs(5)))
        .call()
        .await?;
    assert!(!format!("{session:?}").contains(session.client_secret.expose_secret()));

    // A purchase, so there is a transaction to stream.
    let methods = client
        .get_payment_methods()
        .customer_id(customer_id.as_str())
        .call()
        .await?;
    let card = methods
        .data
        .iter()
        .find(|m| m.card.is_some())
        .ok_or("a card")?;
    let event: SimulateTransactionEventBody = serde_json::from_value(json!({
        "payment_method_id": card.id, "status": "APPROVED", "amount": 1_250,
        "currency": "USD", "merchant": { "name": "Rest Assured" },
    }))?;
    client
        .simulate_transaction_event()
        .body(event)
        .call()
        .await?;

    // Transactions and rewards, each in a task of its own.
    let spent = tokio::spawn(transactions(&client, &customer_id).try_collect::<Vec<_>>());
    let earned = tokio::spawn(rewards(&client, &customer_id).try_collect::<Vec<_>>());
    let (spent, earned) = (spent.await??, earned.await??);
    assert!(!spent.is_empty());
    assert!(
        earned
            .iter()
            .all(|reward| reward.customer_id == customer_id)
    );

    // A 404, handled by kind, without retries for this call.
    let missing = client
        .get_customer()
        .customer_id("no-such-customer")
        .with_options(CallOptions::new().retry_policy(RetryPolicy::disabled()))
        .call()
        .await;
    match missing {
        Err(error) if error.error_type() == Some(ErrorType::CustomerNotFound) => {
            assert_eq!(error.status(), Some(StatusCode::NOT_FOUND));
        }
        other => return Err(format!("expected CUSTOMER_NOT_FOUND_ERROR, got {other:?}").into()),
    }

    // A validation error, before anything is sent.
    match Ssn::new("12345") {
        Err(error) => assert_eq!(error.field(), "ssn"),
        Ok(_) => return Err("a five-digit SSN was accepted".into()),
    }
    let refused = client
        .search_customers()
        .paginate()
        .page_size(0)
        .items()
        .try_next()
        .await;
    assert!(matches!(refused, Err(Error::Validation { .. })));

    // A webhook delivery, verified the way a receiver does.
    let webhook = Webhook::new(secret);
    let body = serde_json::to_vec(&json!({
        "object": "TRANSACTION", "event_type": "TRANSACTION.APPROVED",
        "data": { "transaction_id": "T1", "status": "APPROVED" }
    }))?;
    let header = webhook.sign(&body, SystemTime::now());
    let event = webhook.construct_event(&body, Some(&header))?;
    assert!(matches!(event, Event::Transaction(_)));
    Ok(())
}
