//! progenitor's extension point: every generated builder's `send()` calls
//! `pre` (headers, validation) and `exec` (retries, tracing, and for pagination
//! read-ahead a task of its own) on the client.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use progenitor_client::{ClientHooks, ClientInfo, Error, OperationInfo};
use reqwest::header::{AUTHORIZATION, HeaderName, USER_AGENT};

use crate::config::MERCHANT_KEY_HEADER;
use crate::generated::Client;
use crate::operation::CallRecord;

impl ClientHooks<crate::Config> for Client {
    /// Adds credentials, the merchant key and the user agent, and refuses a body
    /// that fails validation before it is sent.
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _info: &OperationInfo,
    ) -> Result<(), Error<E>> {
        let config = self.inner();
        let headers = request.headers_mut();
        headers.insert(AUTHORIZATION, config.authorization.clone());
        headers.insert(USER_AGENT, config.user_agent.clone());
        if let Some(merchant_key) = &config.merchant_key {
            headers.insert(
                HeaderName::from_static(MERCHANT_KEY_HEADER),
                merchant_key.clone(),
            );
        }
        if let Some(body) = request.body().and_then(reqwest::Body::as_bytes) {
            crate::validate::check_body(body).map_err(|e| Error::InvalidRequest(e.to_string()))?;
        }
        Ok(())
    }

    /// Sends the request, retrying when the operation is safe to repeat.
    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        match CallRecord::background() {
            Some(record) => {
                let (http, config) = (self.client().clone(), self.inner().clone());
                send_in_background(http, config, info.operation_id, request, record).await
            }
            None => {
                crate::retry::send(self.client(), self.inner(), info.operation_id, request).await
            }
        }
    }
}

/// The whole exchange (retries and body included) in a task of its own, so it
/// goes on while nobody polls the caller; aborted if the caller drops it.
async fn send_in_background(
    http: reqwest::Client,
    config: crate::Config,
    operation: &'static str,
    request: reqwest::Request,
    record: Arc<CallRecord>,
) -> reqwest::Result<reqwest::Response> {
    let exchange = CallRecord::scope(record, async move {
        let response = crate::retry::send(&http, &config, operation, request).await?;
        let mut head = http::Response::builder()
            .status(response.status())
            .version(response.version());
        if let Some(headers) = head.headers_mut() {
            *headers = response.headers().clone();
        }
        // Read the body here too, so the caller finds the response complete.
        let body = response.bytes().await?;
        let complete = head
            .body(body)
            .expect("status, version and headers come from a response");
        Ok(reqwest::Response::from(complete))
    });
    match AbortOnDrop(tokio::spawn(exchange)).await {
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
