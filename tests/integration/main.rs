//! Integration tests: the SDK against real HTTP exchanges on localhost.

mod auth;
mod errors;
mod fake_contract;
mod fake_server;
mod fake_support;
mod fake_world;
mod fidelity;
mod pagination;
mod redaction;
mod retries;
mod support;
mod validation;
mod webhooks;
