//! Operations: what the generated index says about each one ([`OperationMeta`]),
//! and [`Operation::call`], which sends a generated builder's request and returns
//! the SDK's one [`Error`] type.
//!
//! `cargo xtask codegen` appends to the generated module a table of every
//! operation and one `operation!` invocation per builder; the macro below turns
//! those into [`Operation`] (and, for cursor-paginated operations,
//! [`Paginated`](crate::Paginated)) implementations.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use progenitor_client::ResponseValue;
use serde::de::DeserializeOwned;

use crate::error::Error;
use crate::retry::Safety;

/// Where a cursor-paginated operation takes `limit` and `starting_after`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cursor {
    /// Query parameters (the GET list operations).
    Query,
    /// Fields of the JSON request body (`searchCustomersPost`).
    Body,
}

/// What the spec says about one operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OperationMeta {
    /// The spec's `operationId` (`searchCustomersPost`).
    pub id: &'static str,
    /// The generated method's name (`search_customers_post`).
    pub name: &'static str,
    /// The HTTP method, upper case.
    pub method: &'static str,
    /// The path template (`/v2/customers/{customer_id}`); never holds values.
    pub path: &'static str,
    /// How it paginates, if it does.
    pub cursor: Option<Cursor>,
}

impl OperationMeta {
    /// Every operation of the spec.
    pub fn all() -> &'static [OperationMeta] {
        &crate::generated::OPERATIONS
    }

    /// Looks an operation up by its spec `operationId`.
    pub fn by_id(id: &str) -> Option<&'static OperationMeta> {
        Self::all().iter().find(|meta| meta.id == id)
    }

    /// Looks an operation up by its generated method name.
    pub(crate) fn by_name(name: &str) -> Option<&'static OperationMeta> {
        Self::all().iter().find(|meta| meta.name == name)
    }

    /// Whether the SDK may send this operation more than once.
    pub fn safety(&self) -> Safety {
        crate::retry::safety(self.id)
    }
}

/// A request built with one of the generated builders
/// (`client.search_customers_post().body(…)`), ready to send.
///
/// Every generated builder implements it. Bring it into scope with
/// `use imprint::prelude::*;`.
pub trait Operation<'a>: Sized + Send + 'a {
    /// The decoded success body.
    type Output: DeserializeOwned + Send + 'a;

    /// The operation's metadata.
    const META: &'static OperationMeta;

    /// progenitor's own `send()`: the lower layer, whose error type is
    /// `progenitor_client::Error`. Prefer [`call`](Operation::call).
    #[doc(hidden)]
    fn send_raw(
        self,
    ) -> impl Future<Output = Result<ResponseValue<Self::Output>, progenitor_client::Error>> + Send + 'a;

    /// Sends the request (with the client's retry policy, if the operation is
    /// safe to repeat) and returns the decoded body or an [`Error`].
    fn call(self) -> impl Future<Output = Result<Self::Output, Error>> + Send + 'a {
        async move {
            self.call_with_response()
                .await
                .map(ResponseValue::into_inner)
        }
    }

    /// Like [`call`](Operation::call), keeping the status and headers.
    fn call_with_response(
        self,
    ) -> impl Future<Output = Result<ResponseValue<Self::Output>, Error>> + Send + 'a {
        run(self, CallRecord::default())
    }
}

/// Sends `operation` with its HTTP exchange in a task of its own, so it makes
/// progress while the caller does not poll (pagination read-ahead). Dropping the
/// returned future aborts that task.
pub(crate) fn call_in_background<'a, O: Operation<'a>>(
    operation: O,
) -> impl Future<Output = Result<O::Output, Error>> + Send + 'a {
    let record = CallRecord {
        background: true,
        ..CallRecord::default()
    };
    async move { run(operation, record).await.map(ResponseValue::into_inner) }
}

async fn run<'a, O: Operation<'a>>(
    operation: O,
    record: CallRecord,
) -> Result<ResponseValue<O::Output>, Error> {
    let record = Arc::new(record);
    let result = CALL.scope(Arc::clone(&record), operation.send_raw()).await;
    match result {
        Ok(value) => Ok(value),
        Err(error) => Error::from_progenitor(error, O::META, record.attempts()).await,
    }
}

/// What one [`Operation::call`] tells the request hook, and what the hook
/// reports back.
#[derive(Default)]
pub(crate) struct CallRecord {
    attempts: AtomicU32,
    background: bool,
}

impl CallRecord {
    fn attempts(&self) -> u32 {
        self.attempts.load(Ordering::Relaxed).max(1)
    }

    /// Notes the attempt in progress, when running inside [`Operation::call`].
    pub(crate) fn note_attempt(attempt: u32) {
        let _ = CALL.try_with(|record| record.attempts.store(attempt, Ordering::Relaxed));
    }

    /// The record of the call in progress, if it asked for a background exchange.
    pub(crate) fn background() -> Option<Arc<CallRecord>> {
        CALL.try_with(|record| record.background.then(|| Arc::clone(record)))
            .ok()
            .flatten()
    }

    /// Runs `future` with `record` as the call in progress (a spawned task does
    /// not inherit it).
    pub(crate) fn scope<F: Future>(
        record: Arc<CallRecord>,
        future: F,
    ) -> impl Future<Output = F::Output> {
        CALL.scope(record, future)
    }
}

tokio::task_local! {
    // The hook that retries (`ClientHooks::exec`) has no way to hand its attempt
    // count back through progenitor's return types, so `call` scopes a record
    // around the request and the hook writes into it.
    static CALL: Arc<CallRecord>;
}

/// Implements [`Operation`] (and [`Paginated`](crate::Paginated) when the
/// operation pages) for one generated builder. Invoked by the generated index.
macro_rules! operation {
    ($index:expr, $builder:ident -> $output:ty $(, pages($cursor:ident, $item:ty, $id:ident))?) => {
        impl<'a> $crate::operation::Operation<'a> for builder::$builder<'a> {
            type Output = $output;
            const META: &'static $crate::operation::OperationMeta = &OPERATIONS[$index];

            fn send_raw(
                self,
            ) -> impl ::std::future::Future<Output = ::std::result::Result<ResponseValue<$output>, Error>> + Send + 'a {
                builder::$builder::send(self)
            }
        }
        $( $crate::pagination::paginated!($builder, $cursor, $item, $id); )?
    };
}
pub(crate) use operation;
