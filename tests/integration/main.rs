//! Integration tests: the SDK against real HTTP exchanges on localhost.

mod auth;
mod call_options;
mod error_predicates;
mod errors;
mod fake_contract;
mod fake_server;
mod fake_support;
mod fake_world;
mod fidelity;
mod generated_types;
mod hardening;
mod layers;
mod network;
mod pagination;
mod partner_service;
mod redaction;
mod retries;
mod send_streams;
mod support;
mod telemetry;
mod typed_mocks;
mod validation;
mod webhooks;
mod webhooks_canonical;
