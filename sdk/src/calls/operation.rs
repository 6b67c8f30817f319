//! [`Operation::call`]: sends a generated builder's request inside a call
//! context and returns the SDK's one [`Error`] type.
//!
//! `cargo xtask codegen` appends to the generated module a table of every
//! operation ([`OperationMeta::all`]) and one `operation!` invocation per
//! builder; the macro below implements the sealed request trait for it, and so
//! [`Operation`].

use std::future::Future;

use progenitor_client::ResponseValue;
use tracing::Instrument;

use crate::response::Response;

use crate::call::{CallContext, CallOptions};
use crate::error::Error;
use crate::meta::OperationMeta;
use crate::telemetry::CallSpan;

impl OperationMeta {
    /// Every operation of the spec, in generation order.
    pub fn all() -> &'static [OperationMeta] {
        &crate::generated::OPERATIONS
    }

    /// Looks an operation up by its spec `operationId`.
    pub fn by_id(id: &str) -> Option<&'static OperationMeta> {
        Self::all().iter().find(|meta| meta.id == id)
    }
}

/// The part of every generated builder only the SDK implements and calls.
///
/// Every builder owns a clone of its client, so requests are `'static`: their
/// futures and streams can be spawned, stored and returned.
pub(crate) mod sealed {
    use std::future::Future;

    use progenitor_client::ResponseValue;
    use serde::de::DeserializeOwned;

    use crate::call::CallOptions;
    use crate::meta::OperationMeta;

    /// A generated builder: its success type, its metadata, and progenitor's
    /// own `send()`.
    pub trait Request: Sized + Send + 'static {
        /// The decoded success body.
        type Output: DeserializeOwned + Send + 'static;

        /// The operation's metadata.
        const META: &'static OperationMeta;

        /// progenitor's `send()`, whose error type is `progenitor_client::Error`.
        fn send_raw(
            self,
        ) -> impl Future<Output = Result<ResponseValue<Self::Output>, progenitor_client::Error>> + Send;

        /// The call's own settings, when the request carries some.
        fn options(&self) -> Option<CallOptions> {
            None
        }
    }
}

/// A request built with one of the generated builders
/// (`client.search_customers_post().body(…)`), ready to send.
///
/// Every generated builder implements it (the trait is sealed). Bring it into
/// scope with `use imprint::prelude::*;`.
///
/// The futures it returns are `Send + 'static` (a builder owns a clone of its
/// client), so calls run in `tokio::spawn`ed tasks and axum handlers as they are:
/// `tokio::spawn(client.get_customer().customer_id("C1").call())`.
pub trait Operation: sealed::Request {
    /// The operation's metadata (`operationId`, method, path template).
    fn meta(&self) -> &'static OperationMeta {
        Self::META
    }

    /// This request with its own timeout, deadline, retry policy or extra
    /// headers; the result has the same methods (`.call()`, and `.stream()` for
    /// list operations, where the options apply to every page).
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use imprint::prelude::*;
    /// use imprint::{CallOptions, RetryPolicy};
    ///
    /// # async fn run(client: imprint::Client) -> Result<(), imprint::Error> {
    /// let customer = client
    ///     .get_customer()
    ///     .customer_id("C1")
    ///     .with_options(
    ///         CallOptions::new()
    ///             .timeout(Duration::from_secs(2))
    ///             .retry_policy(RetryPolicy::disabled())
    ///             .header("x-correlation-id", "order-1234"),
    ///     )
    ///     .call()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    ///
    /// Options given twice merge, the later ones winning per setting.
    fn with_options(self, options: CallOptions) -> WithOptions<Self> {
        WithOptions {
            request: self,
            options,
        }
    }

    /// Sends the request (with the client's retry policy, if the operation is
    /// safe to repeat) and returns the decoded body or an [`Error`].
    fn call(self) -> impl Future<Output = Result<Self::Output, Error>> + Send {
        async move { run(self).await.map(ResponseValue::into_inner) }
    }

    /// Like [`call`](Operation::call), keeping the status and headers.
    fn call_with_response(
        self,
    ) -> impl Future<Output = Result<Response<Self::Output>, Error>> + Send {
        async move { run(self).await.map(Response::from) }
    }
}

impl<R: sealed::Request> Operation for R {}

/// A request with its own [`CallOptions`]; see [`Operation::with_options`].
#[derive(Clone, Debug)]
#[must_use = "a request does nothing until `.call()` or `.stream()`"]
pub struct WithOptions<R> {
    request: R,
    options: CallOptions,
}

impl<R> WithOptions<R> {
    /// The request without its options.
    pub fn into_inner(self) -> R {
        self.request
    }

    /// Applies `f` to the request (used by pagination to set the page).
    pub(crate) fn map(self, f: impl FnOnce(R) -> R) -> Self {
        WithOptions {
            request: f(self.request),
            options: self.options,
        }
    }
}

impl<R: sealed::Request> sealed::Request for WithOptions<R> {
    type Output = R::Output;
    const META: &'static OperationMeta = R::META;

    fn send_raw(
        self,
    ) -> impl Future<Output = Result<ResponseValue<Self::Output>, progenitor_client::Error>> + Send
    {
        self.request.send_raw()
    }

    fn options(&self) -> Option<CallOptions> {
        Some(match self.request.options() {
            Some(earlier) => earlier.merged(&self.options),
            None => self.options.clone(),
        })
    }
}

/// Sends `operation` inside a call context made on the first poll, so the
/// call's deadline counts from when it is awaited, not from when it was built.
async fn run<O: Operation>(operation: O) -> Result<ResponseValue<O::Output>, Error> {
    let options = operation.options().unwrap_or_default();
    let context = CallContext::with_options(O::META, options);
    let telemetry = CallSpan::start(O::META);
    let result = async {
        if let Some(source) = context.invalid_options() {
            return Err(Error::Validation {
                operation: Some(O::META.id),
                source,
            });
        }
        match context.scope(operation.send_raw()).await {
            Ok(value) => Ok(value),
            Err(error) => Error::from_progenitor(error, O::META, context.facts()).await,
        }
    }
    .instrument(telemetry.span().clone())
    .await;
    let status = match &result {
        Ok(value) => Some(value.status()),
        Err(error) => error.status(),
    };
    telemetry.finish(status, context.attempts(), result.as_ref().err());
    result
}

/// Implements the sealed request trait (and so [`Operation`]) for one generated
/// builder. Invoked by the generated index; every path is absolute, so the
/// macro means the same wherever it expands.
macro_rules! operation {
    ($index:expr, $builder:ident -> $output:ty) => {
        impl $crate::operation::sealed::Request for $crate::generated::builder::$builder {
            type Output = $output;
            const META: &'static $crate::meta::OperationMeta =
                &$crate::generated::OPERATIONS[$index];

            fn send_raw(
                self,
            ) -> impl ::std::future::Future<
                Output = ::std::result::Result<
                    ::progenitor_client::ResponseValue<$output>,
                    ::progenitor_client::Error,
                >,
            > + ::std::marker::Send {
                $crate::generated::builder::$builder::send(self)
            }
        }
    };
}
pub(crate) use operation;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builder_reports_its_own_metadata() {
        let client = crate::Client::builder()
            .api_key("k")
            .base_url("http://127.0.0.1:9")
            .build()
            .unwrap();
        assert_eq!(client.get_customer().meta().id, "getCustomer");
        assert_eq!(client.search_customers_post().meta().path, "/v2/customers");
    }

    #[test]
    fn the_table_is_found_by_id_and_ids_are_unique() {
        assert_eq!(
            OperationMeta::by_id("createSession").unwrap().method,
            "POST"
        );
        assert!(OperationMeta::by_id("noSuchOperation").is_none());
        let mut ids: Vec<&str> = OperationMeta::all().iter().map(|m| m.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), OperationMeta::all().len());
    }

    #[test]
    fn safe_means_reads_and_the_read_only_searches() {
        use crate::meta::Safety;
        for meta in OperationMeta::all() {
            let expected = meta.method == "GET"
                || matches!(meta.id, "searchCustomersPost" | "searchPaymentMethodsPost");
            assert_eq!(meta.safety() == Safety::Safe, expected, "{}", meta.id);
        }
    }
}
