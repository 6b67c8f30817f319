//! The client generated from `openapi.yaml` by `cargo xtask codegen`, one
//! file per part, each drift-checked: `client.rs` (`Client` and its operation
//! methods), `builder.rs` (one builder per operation), `index.rs` (the
//! operation table and the facade's `operation!`/`paginated!` invocations)
//! and `httpmock.rs`. The types they use are the crate imprint-types.
#![allow(missing_docs, clippy::all, unused_imports)]

pub use imprint_types::types;

include!("client.rs");

/// One builder per operation: `client.search_customers()` returns a
/// [`SearchCustomers`](builder::SearchCustomers); its setters take the
/// operation's parameters, `.call()` sends it.
pub mod builder {
    include!("builder.rs");
}

include!("index.rs");

/// Typed [`httpmock`](::httpmock) mocks, generated: `MockServerExt` adds one
/// method per operation to [`MockServer`](httpmock::MockServer), whose `when`
/// takes the operation's typed parameters and whose `then` its typed
/// responses: the success, each error status the spec documents
/// (`not_found(&types::CustomerNotFoundError)`), `too_many_requests` and
/// `api_error` in Imprint's envelope, and `header` (`Retry-After`,
/// `x-request-id`) for any of them.
#[cfg(feature = "httpmock")]
pub mod httpmock {
    include!("httpmock.rs");

    /// httpmock's server, re-exported so that the typed mocks need no other
    /// import (and no second, possibly different, httpmock version).
    pub use ::httpmock::MockServer;
}
