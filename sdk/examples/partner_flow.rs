//! A partner's checkout flow against the embedded fake Imprint server, end to
//! end: find the customer, open a session, announce a transaction intent,
//! simulate the card transaction, and receive Imprint's signed webhook on a
//! local receiver that verifies it with the SDK's own [`Webhook`]. Then one
//! operation is made to fail, and the fake is asked what it received.
//!
//! ```text
//! cargo run -p imprint-sdk --example partner_flow
//! ```
//!
//! Everything runs on 127.0.0.1: no credentials, no network.

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use imprint::builder::{CreateOrder, CreateTransactionIntent};
use imprint::prelude::*;
use imprint::types::{
    CreateTransactionIntentBody, OrderBase, SearchCustomersPostBody, SimulateTransactionEventBody,
};
use imprint::webhook::{Event, SIGNATURE_HEADER, Webhook};
use imprint_mock::{FakeImprint, Reply};
use serde_json::json;
use tokio::sync::mpsc;

/// What the flow produced, for a test to check.
#[derive(Debug)]
pub struct Flow {
    /// The customer the flow ran for.
    pub customer_id: String,
    /// The transaction intent it announced.
    pub intent_id: String,
    /// The transaction the simulated card event created.
    pub transaction_id: String,
    /// The verified webhook the receiver got for it.
    pub webhook: Event,
    /// The status of the call that was made to fail.
    pub failed_status: Option<u16>,
}

type Inbox = mpsc::UnboundedSender<Event>;

/// The partner's webhook endpoint: verifies the signature, then hands the
/// typed event to the rest of the application.
async fn receive(
    State((webhook, inbox)): State<(Arc<Webhook>, Inbox)>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let signature = headers
        .get(SIGNATURE_HEADER)
        .map(|value| value.to_str().unwrap_or(""));
    match webhook.construct_event(&body, signature) {
        Ok(event) => {
            let _ = inbox.send(event);
            StatusCode::OK
        }
        Err(error) => StatusCode::from_u16(error.status()).unwrap_or(StatusCode::BAD_REQUEST),
    }
}

/// Starts a receiver on 127.0.0.1 that verifies with `secret`; returns its URL
/// and the events it accepted.
async fn start_receiver(secret: &str) -> std::io::Result<(String, mpsc::UnboundedReceiver<Event>)> {
    let (inbox, events) = mpsc::unbounded_channel();
    let app = Router::new()
        .route("/webhooks/imprint", post(receive))
        .with_state((Arc::new(Webhook::new(secret)), inbox));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/webhooks/imprint", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok((url, events))
}

/// Runs the flow, writing what happens to `out`.
pub async fn run(out: &mut impl Write) -> Result<Flow, Box<dyn std::error::Error>> {
    let secret = "whsec_partner_flow_example";
    let (receiver_url, mut events) = start_receiver(secret).await?;
    let fake = FakeImprint::builder()
        .webhook_secret(secret)
        .webhook_url(&receiver_url)
        .start()
        .await?;
    let client = fake.client()?;
    writeln!(
        out,
        "Fake Imprint at {}; webhooks go to {receiver_url}",
        fake.base_url()
    )?;

    // 1. The customer, by the partner's own id.
    let search: SearchCustomersPostBody =
        serde_json::from_value(json!({ "partner_customer_id": "PARTNER_00005" }))?;
    let found = client.search_customers_post().body(search).call().await?;
    let customer = found.data.first().ok_or("the fake has PARTNER_00005")?;
    let customer_id = customer.id.clone();
    writeln!(
        out,
        "1. found customer {customer_id} ({} {})",
        customer.first_name.as_deref().unwrap_or("?"),
        customer.last_name.as_deref().unwrap_or("?")
    )?;

    // 2. A session for the client-side SDK (its client_secret is not printed).
    let session = client
        .create_session()
        .body_map(|b| b.customer_id(customer_id.clone()))
        .call()
        .await?;
    writeln!(
        out,
        "2. session {} expires at {}",
        session.id, session.expires_at
    )?;

    // 3. The customer's card, and the intent to charge it.
    let methods = client
        .get_payment_methods()
        .customer_id(&customer_id)
        .call()
        .await?;
    let card = methods
        .data
        .iter()
        .find(|m| m.card.is_some())
        .ok_or("every synthetic customer has a card")?;
    let intent: CreateTransactionIntentBody = serde_json::from_value(json!({
        "customer_id": customer_id,
        "payment_method_id": card.id,
        "amount": 4_200,
        "currency": "USD",
    }))?;
    let intent = client
        .create_transaction_intent()
        .body(intent)
        .call()
        .await?;
    writeln!(
        out,
        "3. transaction intent {} for {} {} is {}",
        intent.id, intent.amount, *intent.currency, intent.status
    )?;

    // 4. The card network approves the purchase (a sandbox simulation).
    let event: SimulateTransactionEventBody = serde_json::from_value(json!({
        "payment_method_id": card.id,
        "status": "APPROVED",
        "amount": 4_200,
        "currency": "USD",
        "merchant": { "name": "Rest Assured" },
    }))?;
    let approved = client
        .simulate_transaction_event()
        .body(event)
        .call()
        .await?;
    let transaction_id = approved.transaction_id.clone().unwrap_or_default();
    writeln!(out, "4. transaction {transaction_id} approved")?;

    // 5. Imprint's webhook, already verified by the receiver.
    let webhook = events.try_recv().map_err(|_| "no webhook arrived")?;
    if let Event::Transaction(payload) = &webhook {
        let data = payload.data.clone().unwrap_or_default();
        writeln!(
            out,
            "5. verified {} webhook: transaction {} is {} (intent {})",
            webhook.object(),
            data.transaction_id.as_deref().unwrap_or("?"),
            data.status.map(|s| s.to_string()).unwrap_or_default(),
            data.intent_id.as_deref().unwrap_or("none"),
        )?;
    }

    // 6. Make one operation fail, as a partner's test of its error handling would.
    fake.operation::<CreateOrder>().always(Reply::error(
        503,
        "SERVICE_UNAVAILABLE",
        "orders are down for maintenance",
    ));
    let order: OrderBase = serde_json::from_value(json!({
        "payment_method_id": card.id,
        "partner_order_id": "o-1001",
        "total_order_amount": 4_200,
    }))?;
    let failed = client.create_order().body(order).call().await;
    let failed_status = failed
        .as_ref()
        .err()
        .and_then(|error| error.status())
        .map(|status| status.as_u16());
    match &failed {
        Err(error) => writeln!(
            out,
            "6. createOrder failed as configured: {} {}",
            failed_status.unwrap_or(0),
            error.raw_error_type().unwrap_or("?")
        )?,
        Ok(_) => writeln!(out, "6. createOrder unexpectedly succeeded")?,
    }

    // 7. What the fake received.
    let intents = fake.operation::<CreateTransactionIntent>();
    let sent = intents.last_body().unwrap_or_default();
    writeln!(
        out,
        "7. the fake received {} createTransactionIntent call(s) (amount {}), {} createOrder call(s) (not retried: creating is unsafe to repeat), {} request(s) in all",
        intents.calls(),
        sent["amount"],
        fake.operation::<CreateOrder>().calls(),
        fake.requests()
    )?;

    Ok(Flow {
        customer_id,
        intent_id: intent.id,
        transaction_id,
        webhook,
        failed_status,
    })
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let mut out = std::io::stdout();
    match run(&mut out).await {
        Ok(_) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
