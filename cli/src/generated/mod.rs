//! The API operations as clap commands, generated from `openapi.yaml` by
//! `cargo xtask codegen` into `commands.rs` (drift-checked): progenitor's CLI
//! generator, refined by `xtask/src/cli.rs` so each command hands its request
//! to [`crate::run::CliConfig`], which sends it through the SDK.
//! Included rather than a module file so rustfmt leaves the generated text as
//! the xtask wrote it.
// The generated text keeps progenitor's style (clones of Copy values, `mut`
// and `matches` where an operation has no argument, a glob import) and its
// `CliCommand::operation_id`, which the CLI does not read.
#![allow(clippy::all, dead_code, unused_imports, unused_mut, unused_variables)]

include!("commands.rs");
