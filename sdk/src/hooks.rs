//! progenitor's extension point: every generated builder's `send()` calls
//! `pre` (headers, validation) and `exec` (retries, tracing) on the client.

use progenitor_client::{ClientHooks, ClientInfo, Error, OperationInfo};
use reqwest::header::{AUTHORIZATION, HeaderName, USER_AGENT};

use crate::config::MERCHANT_KEY_HEADER;
use crate::generated::Client;

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
        crate::retry::send(self.client(), self.inner(), info.operation_id, request).await
    }
}
