//! Integration tests and benchmarks of the Imprint SDK workspace. The tests are in
//! `integration/`, the benchmarks in `benches/`; this library holds nothing the
//! SDK's users need.
//!
//! It also compiles and runs every code block of the README, included below.

#![doc = include_str!("../../README.md")]
