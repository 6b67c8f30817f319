//! progenitor's extension point: every generated builder's `send()` calls `pre`
//! (headers, validation) and `exec` (the exchange) on the client.

use progenitor_client::{ClientHooks, ClientInfo, Error, OperationInfo};
use reqwest::header::{AUTHORIZATION, HeaderName, USER_AGENT};

use super::{body_limit, retry};
use crate::call::CallContext;
use crate::config::{Config, MERCHANT_KEY_HEADER};
use crate::generated::Client;

/// Checked once, at compile time, rather than on every request.
const MERCHANT_KEY: HeaderName = HeaderName::from_static(MERCHANT_KEY_HEADER);

impl ClientHooks<Config> for Client {
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
            headers.insert(MERCHANT_KEY, merchant_key.clone());
        }
        if let Some(call) = CallContext::current() {
            call.add_headers(headers);
        }
        if let Some(body) = request.body().and_then(reqwest::Body::as_bytes)
            && let Err(refused) = imprint_types::validate::check_body(body)
        {
            let message = refused.to_string();
            if let Some(call) = CallContext::current() {
                call.reject(refused);
            }
            return Err(Error::InvalidRequest(message));
        }
        Ok(())
    }

    /// Sends the request: retried when the operation is safe to repeat, its
    /// body bounded.
    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let config = self.inner();
        let Some(call) =
            CallContext::current().or_else(|| CallContext::for_raw_send(info.operation_id))
        else {
            // Not an operation of the generated table (which lists every
            // builder): sent once, its body bounded.
            let response = self.client().execute(request).await?;
            return Ok(body_limit::limit(response, config.max_response_body));
        };
        call.note_body_limit(config.max_response_body);
        // On the heap: the send loop's state would otherwise be carried
        // inline through every layer of the call's future.
        Box::pin(retry::send(self.client(), config, &call, request)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meta::OperationMeta;

    fn client(merchant: bool) -> Client {
        let builder = crate::Client::builder()
            .api_key("test_key")
            .base_url("http://127.0.0.1:9");
        let builder = if merchant {
            builder.merchant_key("M1")
        } else {
            builder
        };
        builder.build().unwrap()
    }

    fn request(body: &'static str) -> reqwest::Request {
        let mut request = reqwest::Request::new(
            reqwest::Method::POST,
            "http://127.0.0.1:9/v2/customers".parse().unwrap(),
        );
        *request.body_mut() = Some(body.into());
        request
    }

    fn info() -> OperationInfo {
        OperationInfo {
            operation_id: "search_customers_post",
        }
    }

    #[tokio::test]
    async fn pre_adds_credentials_user_agent_and_merchant_key() {
        let mut with = request("{}");
        client(true).pre::<()>(&mut with, &info()).await.unwrap();
        let headers = with.headers();
        assert_eq!(headers[AUTHORIZATION], "Basic dGVzdF9rZXk6");
        assert!(headers[AUTHORIZATION].is_sensitive());
        assert_eq!(headers[USER_AGENT], crate::config::USER_AGENT);
        assert_eq!(headers[MERCHANT_KEY_HEADER], "M1");
        let mut without = request("{}");
        client(false)
            .pre::<()>(&mut without, &info())
            .await
            .unwrap();
        assert!(!without.headers().contains_key(MERCHANT_KEY_HEADER));
    }

    #[tokio::test]
    async fn pre_hands_a_refusal_to_the_call_as_it_is() {
        let meta: &'static OperationMeta = OperationMeta::by_id("searchCustomersPost").unwrap();
        let call = CallContext::new(meta);
        let mut bad = request(r#"{"ssn":"12345"}"#);
        let result = call
            .scope(async { client(false).pre::<()>(&mut bad, &info()).await })
            .await;
        assert!(matches!(result, Err(Error::InvalidRequest(_))));
        let rejected = call.facts().rejected.unwrap();
        assert_eq!(rejected.field(), "ssn");
    }
}
