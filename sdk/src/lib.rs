//! Rust client for the Imprint public API.
#![warn(missing_docs)]

mod auth;
mod client;
mod config;
mod error;
mod hooks;
#[cfg(feature = "mock")]
pub mod mock;
pub mod operation;
pub mod pagination;
mod redact;
pub mod retry;
mod sensitive;
mod validate;
pub mod webhook;

#[rustfmt::skip]
#[allow(missing_docs, clippy::all, unused_imports)]
mod generated;

pub use auth::{ApiKey, AuthScheme};
pub use client::{ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, Environment};
pub use config::{Config, MERCHANT_KEY_HEADER, USER_AGENT};
pub use error::{ApiError, ConfigError, DecodeError, Error, MAX_ERROR_BODY, Result};
pub use generated::{Client, builder, component_schemas, types};
pub use operation::{Operation, OperationMeta};
pub use pagination::{Paginated, Paginator};
pub use progenitor_client::ResponseValue;
pub use retry::RetryPolicy;
pub use sensitive::{REDACTED, Sensitive, Ssn};
pub use validate::ValidationError;

/// The traits that put `.call()` and `.stream()` on the generated builders.
pub mod prelude {
    pub use crate::operation::Operation;
    pub use crate::pagination::Paginated;
}
