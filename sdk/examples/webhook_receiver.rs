//! A webhook receiver on localhost: verifies Imprint's signature and dispatches
//! the typed events, answering 200 on success, 401 when the sender cannot be
//! authenticated and 400 when the request is unusable.
//!
//! ```text
//! IMPRINT_WEBHOOK_SECRET=<your signing token> cargo run -p imprint-sdk --example webhook_receiver
//! ```
//!
//! It listens on `127.0.0.1:$PORT` (default 8787) at `/webhooks/imprint`.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use imprint::webhook::{Event, SIGNATURE_HEADER, Webhook};

/// The receiver's routes, for `webhook`'s secret.
pub fn app(webhook: Webhook) -> Router {
    Router::new()
        .route("/webhooks/imprint", post(receive))
        .with_state(Arc::new(webhook))
}

async fn receive(
    State(webhook): State<Arc<Webhook>>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, String) {
    // A header that is not visible ASCII is malformed, not missing.
    let signature = headers
        .get(SIGNATURE_HEADER)
        .map(|value| value.to_str().unwrap_or(""));
    match webhook.construct_event(&body, signature) {
        Ok(event) => (StatusCode::OK, handle(event)),
        Err(error) => {
            eprintln!("rejected a delivery: {error}");
            let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::BAD_REQUEST);
            (status, format!("rejected: {error}"))
        }
    }
}

/// Where a real receiver would do its work. Deliveries are retried, so handling
/// must tolerate duplicates (key on `event_id` / `reward_id` / …).
fn handle(event: Event) -> String {
    match &event {
        Event::Transaction(payload) => {
            let data = payload.data.as_ref();
            let status = data
                .and_then(|d| d.status.as_ref())
                .map(ToString::to_string)
                .unwrap_or_default();
            println!(
                "transaction {} is {status}",
                data.and_then(|d| d.transaction_id.as_deref())
                    .unwrap_or("?")
            );
        }
        Event::Reward(payload) => {
            let data = payload.data.as_ref();
            println!(
                "reward {} of {}",
                data.and_then(|d| d.reward_id.as_deref()).unwrap_or("?"),
                data.and_then(|d| d.amount).unwrap_or(0)
            );
        }
        Event::Unknown(unknown) => println!(
            "an event of a kind this SDK does not know: {:?}",
            unknown.object
        ),
        other => println!("{} event", other.object()),
    }
    format!("received {}", event.object())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let secret = std::env::var("IMPRINT_WEBHOOK_SECRET").unwrap_or_else(|_| {
        eprintln!("IMPRINT_WEBHOOK_SECRET is not set; using the demo token `whsec_demo`");
        "whsec_demo".to_string()
    });
    let port: u16 = std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(8787);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    println!(
        "listening on http://{}/webhooks/imprint",
        listener.local_addr()?
    );
    axum::serve(listener, app(Webhook::new(secret))).await?;
    Ok(())
}
