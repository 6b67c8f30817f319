//! A webhook receiver on localhost: verifies Imprint's signature and dispatches
//! the typed events, answering 200 on success, 401 when the sender cannot be
//! authenticated and 400 when the request is unusable.
//!
//! ```text
//! export IMPRINT_WEBHOOK_SECRET=<your signing token>
//! cargo run -p imprint-sdk --example webhook_receiver
//! ```
//!
//! It listens on `127.0.0.1:$PORT` (default 8787) at `/webhooks/imprint`, and
//! refuses to start without `IMPRINT_WEBHOOK_SECRET`: a receiver with a secret
//! anyone can read would accept forged events. During a rotation, put the old
//! token in `IMPRINT_WEBHOOK_PREVIOUS_SECRET` to accept both. If deliveries
//! from Imprint fail verification, run the `verify_delivery` example on one of
//! them and configure the reading it prints in `main`.

use std::ffi::OsString;
use std::process::ExitCode;
use std::sync::Arc;

use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use imprint::webhook::axum::{VerifiedEvent, WebhookRejection};
use imprint::webhook::{Event, Webhook};

/// The receiver's routes, for `webhook`'s secret. The extractor reads at most
/// the verifier's body limit (413 beyond it), then verifies the signature.
pub fn app(webhook: Webhook) -> Router {
    Router::new()
        .route("/webhooks/imprint", post(receive))
        .with_state(Arc::new(webhook))
}

async fn receive(delivery: Result<VerifiedEvent, WebhookRejection>) -> Response {
    match delivery {
        Ok(VerifiedEvent(event)) => (StatusCode::OK, handle(event)).into_response(),
        Err(rejection) => {
            eprintln!("rejected a delivery: {rejection}");
            rejection.into_response()
        }
    }
}

/// Where a real receiver would do its work. Deliveries are retried, so handling
/// must tolerate duplicates: skip an event whose `event.dedup_key()` was seen
/// (see "Receiving" in the `imprint::webhook` docs).
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

/// The environment variable holding the signing token.
pub const SECRET_VARIABLE: &str = "IMPRINT_WEBHOOK_SECRET";

/// An optional second token, accepted too while a rotation is under way.
pub const PREVIOUS_SECRET_VARIABLE: &str = "IMPRINT_WEBHOOK_PREVIOUS_SECRET";

/// The verifier for the secret(s) in `secret` and `previous` (the variables'
/// values), or why the receiver must not start and how to fix it.
pub fn webhook_from(
    secret: Option<OsString>,
    previous: Option<OsString>,
) -> Result<Webhook, String> {
    let read = |name: &str, value: Option<OsString>| -> Result<Option<String>, String> {
        match value.map(OsString::into_string) {
            None => Ok(None),
            Some(Ok(token)) if !token.trim().is_empty() => Ok(Some(token)),
            Some(_) => Err(format!("{name} is empty or not UTF-8")),
        }
    };
    let how = format!(
        "refusing to start without a signing secret: set {SECRET_VARIABLE} to the token you were given at event enrollment, e.g.\n    export {SECRET_VARIABLE}='<your signing token>'"
    );
    let secret = read(SECRET_VARIABLE, secret)
        .map_err(|e| format!("{e}; {how}"))?
        .ok_or_else(|| format!("{SECRET_VARIABLE} is not set; {how}"))?;
    let mut webhook = Webhook::new(secret);
    if let Some(previous) = read(PREVIOUS_SECRET_VARIABLE, previous)? {
        webhook = webhook.also_accept(previous);
    }
    Ok(webhook)
}

#[tokio::main]
async fn main() -> ExitCode {
    let webhook = match webhook_from(
        std::env::var_os(SECRET_VARIABLE),
        std::env::var_os(PREVIOUS_SECRET_VARIABLE),
    ) {
        Ok(webhook) => webhook,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let port: u16 = std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(8787);
    match serve(webhook, port).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(webhook: Webhook, port: u16) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    println!(
        "listening on http://{}/webhooks/imprint",
        listener.local_addr()?
    );
    axum::serve(listener, app(webhook)).await
}
