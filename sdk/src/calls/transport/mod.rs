//! The transport: progenitor's hooks on the generated client, and what they do
//! with each request of a call: credentials and headers, validation, retries
//! for safe operations within the call's deadline, a bound on response bodies,
//! tracing, and for pagination read-ahead a task of its own.
//!
//! Nothing a caller sends goes anywhere else than the base URL: the SDK's HTTP
//! client follows no redirect and lets no lower layer repeat a request (see
//! [`ClientBuilder::http_client`](crate::ClientBuilder::http_client)).

mod body_limit;
mod decision;
mod hooks;
mod retry;
