//! Rust client for the [Imprint](https://docs.imprint.co) public API.
//!
//! The client and every request and response type are generated from Imprint's
//! OpenAPI description by `cargo xtask codegen`; this crate wraps them with
//! credentials and environments ([`Client::builder`], [`Client::from_env`]), one
//! error type ([`Error`]), safe retries ([`RetryPolicy`]), pagination streams
//! ([`Paginated`]), webhook verification ([`webhook`]) and types that keep
//! secrets out of logs ([`Sensitive`], [`Ssn`]).
//!
//! # Quickstart
//!
//! ```
//! use futures::TryStreamExt;
//! use imprint::prelude::*;
//! use imprint::types::DateOfBirth;
//! use imprint::{Client, Ssn};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let fake = imprint_mock::FakeImprint::start().await?;
//! // In production: `let client = Client::from_env()?;` (reads IMPRINT_API_KEY, …).
//! let client = Client::builder().api_key(fake.api_key()).base_url(fake.base_url()).build()?;
//!
//! // One call: `.call()` returns the decoded body or an `imprint::Error`.
//! let ssn = Ssn::new("912-34-5678")?; // validated; Debug prints [redacted]
//! let date_of_birth = DateOfBirth::new(1990, 1, 31)?; // a real day, 1900 or later
//! let page = client
//!     .search_customers_post()
//!     .body_map(|body| body.ssn(ssn).date_of_birth(date_of_birth))
//!     .call()
//!     .await?;
//! println!("{} match(es)", page.data.len());
//!
//! // Every customer, page after page.
//! let everyone: Vec<_> = client.search_customers().stream().try_collect().await?;
//! assert_eq!(everyone.len(), 300);
//! # Ok(()) }
//! ```
//!
//! Operations are methods on [`Client`] returning generated [`builder`]s; bring
//! [`prelude`] into scope for `.call()` and `.stream()`. `.send()`, progenitor's
//! own method, is the raw layer underneath and returns progenitor-client's
//! `ResponseValue` and `Error`: those types follow progenitor's version, outside
//! this crate's semver; `.call()` and `.call_with_response()` ([`Response`]) do not.
//! Make clients with [`Client::builder`] or [`Client::from_env`], the only
//! ways in: every client has the builder's policies (no redirects, no proxy
//! unless named, https except loopback).
//!
//! One call's timeout, deadline, retry policy and extra headers are set with
//! [`Operation::with_options`] and [`CallOptions`]. Builders own a clone of
//! their client, so calls and streams are `Send + 'static`: spawn them, store
//! them, return them from functions.
//!
//! # Tracing
//!
//! Each call is an `imprint.call` span (target `imprint::call`) with one
//! `imprint.request` span per HTTP attempt under it (target `imprint::http`),
//! carrying OpenTelemetry's HTTP-client attribute names; each completed call
//! logs one DEBUG event, so `RUST_LOG=imprint=debug` shows one line per call.
//! [`telemetry`] lists every span, attribute, event and metric. Bodies, URL
//! values, path ids, header values and secrets are never recorded.
//!
//! # Features
//!
//! - `mock`: `mock::FakeImprint`, an in-process fake Imprint server for tests,
//!   examples and benchmarks.
//! - `httpmock`: `httpmock::MockServerExt`, typed [httpmock](https://docs.rs/httpmock)
//!   mocks generated for every operation: its parameters, its success reply,
//!   and its error replies (one per error status the spec documents, typed by
//!   its schema, plus `too_many_requests`, `api_error` and `header` for what
//!   the spec does not document, such as `Retry-After`).
//! - `schemars`: `schemars::JsonSchema` for every generated type, and
//!   `component_schemas()`, the schema of each spec component's Rust type.
//! - TLS: `rustls-aws-lc` (the default: rustls with aws-lc-rs, which offers
//!   post-quantum key exchange and a FIPS build; its C library is built with
//!   cc, and cmake on some targets) or `rustls-ring` (rustls with ring, which
//!   needs no C toolchain beyond ring's own and builds faster:
//!   `default-features = false, features = ["rustls-ring", "webhooks", "chrono"]`). Both
//!   on is allowed (aws-lc-rs is used); neither gives a build that talks plain
//!   http only. Every client carries its provider; nothing is installed
//!   process-wide ([`tls`] says what your own reqwest clients need).
//! - `webhooks` (on by default): webhook verification, [`webhook`]. Its HMAC,
//!   SHA-256 and hex crates, and serde_path_to_error for a payload that does
//!   not decode, are the only ones it adds; a service that only calls the API
//!   can leave it out.
//! - `chrono` (on by default): conversions between [`Timestamp`] and chrono's
//!   `DateTime<Utc>`, between [`types::DateOfBirth`] and `NaiveDate`, and the
//!   `imprint::chrono` re-export. Without it the SDK compiles no chrono, which
//!   shortens a clean build (BENCHMARKS.md, "Crates as layers"); timestamps
//!   still parse, compare and convert to `SystemTime`.
//! - `metrics`: request, call, retry and pagination metrics through the
//!   [`metrics`](https://docs.rs/metrics) facade (see [`telemetry`]).
//! - `otel`: a W3C `traceparent` on requests sent inside an OpenTelemetry trace
//!   of [`tracing-opentelemetry`](https://docs.rs/tracing-opentelemetry) (see [`telemetry`]).
//!
//! Spans and events (always on, through [`tracing`](https://docs.rs/tracing))
//! are listed in [`telemetry`].
#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

// The facade's layers, lowest first, one folder each: a module uses only the
// ones above it (ARCHITECTURE.md draws it, `tests/integration/layers.rs` lists
// each module's allowed uses). The types and values below them are the crate
// imprint-types; webhooks are the crate imprint-webhooks.

/// What the spec says about operations, and the retry policy.
mod values {
    pub mod meta;

    pub mod response;

    pub mod retry_policy;
}

/// The one error type.
mod error;

/// Credentials and per-client settings.
mod settings {
    pub mod auth;

    pub mod config;
}

/// The generated client (its index invokes `operation!` and `paginated!` below).
mod generated;

/// One call: its context, what it reports, its transport, operations, pagination.
mod calls {
    pub mod call;

    pub mod telemetry;

    pub mod transport;

    pub mod operation;

    pub mod pagination;
}

/// Building clients: their proxy and TLS, then the builder.
mod clients {
    pub mod proxy;

    pub mod tls;

    pub mod client;
}

// The paths the layers name each other by.
use calls::{call, operation};
use clients::{client, proxy};
use settings::{auth, config};
use values::{meta, response, retry_policy};

pub use calls::{pagination, telemetry};
pub use clients::tls;

// On top:
#[cfg(feature = "webhooks")]
#[cfg_attr(docsrs, doc(cfg(feature = "webhooks")))]
#[doc(inline)]
pub use imprint_webhooks as webhook;

#[cfg(feature = "httpmock")]
#[cfg_attr(docsrs, doc(cfg(feature = "httpmock")))]
pub use generated::httpmock;

// The generated builders name the masking module by this path.
use imprint_types::redact;

pub use auth::{ApiKey, AuthScheme};
pub use call::CallOptions;
pub use client::{
    ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_DEADLINE, DEFAULT_MAX_RESPONSE_BODY,
    DEFAULT_TIMEOUT, Environment,
};
pub use config::{Config, MERCHANT_KEY_HEADER, USER_AGENT};
pub use error::{
    ApiError, ConfigError, DecodeError, Error, ErrorType, MAX_ERROR_BODY, PaginationErrorKind,
    Result,
};
pub use generated::{Client, builder};
/// HTTP status codes, as [`Error::status`] and [`ApiError::status`] return them
/// (`http::StatusCode`, re-exported so matching needs no other crate).
pub use http::StatusCode;
#[cfg(feature = "chrono")]
#[cfg_attr(docsrs, doc(cfg(feature = "chrono")))]
pub use imprint_types::chrono;
#[cfg(feature = "schemars")]
pub use imprint_types::component_schemas;
pub use imprint_types::{
    IntoOptional, PathSegment, REDACTED, Sensitive, Ssn, Timestamp, TimestampError, UnknownValue,
    ValidationError, classification, types,
};
pub use meta::{OperationMeta, PageParams, Safety};
pub use operation::{Operation, WithOptions};
pub use pagination::{Paginated, Paginator};
pub use response::{REQUEST_ID_HEADERS, Response};
pub use retry_policy::{MAX_ATTEMPTS, MIN_RETRY_DELAY, RetryPolicy, RetryStop};

/// The traits that put `.call()` and `.stream()` on the generated builders.
pub mod prelude {
    pub use crate::operation::Operation;
    pub use crate::pagination::Paginated;
}
