//! Integration tests: the SDK against real HTTP exchanges on localhost.

mod auth;
mod errors;
mod fake_server;
mod fidelity;
mod hardening;
mod layers;
mod pagination;
mod redaction;
mod retries;
mod support;
mod typed_mocks;
mod validation;
mod webhooks;
