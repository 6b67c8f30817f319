//! The `imprint` binary, run as a partner runs it, against the fake over real
//! local HTTP: API commands, exit codes, `fake serve`, `webhook …`. Nothing
//! leaves localhost; every command runs with a cleared environment.

mod api;
mod errors;
mod fake_serve;
mod support;
mod webhooks;
