//! Read-ahead: a whole exchange in a task of its own, so it goes on while
//! nobody polls the caller, aborted if the caller drops it.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use reqwest::ResponseBuilderExt;
use tracing::Instrument;

use crate::call::CallContext;
use crate::config::Config;

/// Sends `request` (retries and body included) in a spawned task and hands
/// back a complete response.
pub(super) async fn send(
    http: reqwest::Client,
    config: Config,
    call: Arc<CallContext>,
    request: reqwest::Request,
) -> reqwest::Result<reqwest::Response> {
    let exchange = async move {
        let response = super::retry::send(&http, &config, &call, request).await?;
        let mut head = http::Response::builder()
            .status(response.status())
            .version(response.version())
            .url(response.url().clone());
        if let Some(headers) = head.headers_mut() {
            *headers = response.headers().clone();
        }
        // Read the body here too (bounded by the transport's limit), so the
        // caller finds the response complete.
        let body = response.bytes().await?;
        let complete = head
            .body(body)
            .expect("status, version and headers come from a response");
        Ok(reqwest::Response::from(complete))
    };
    // The task carries the call's span, so its attempts are the call's children.
    match AbortOnDrop(tokio::spawn(exchange.in_current_span())).await {
        Ok(result) => result,
        Err(join) => std::panic::resume_unwind(join.into_panic()),
    }
}

/// A spawned task, aborted when its handle is dropped.
struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl<T> Future for AbortOnDrop<T> {
    type Output = Result<T, tokio::task::JoinError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.0).poll(cx)
    }
}
