//! Workspace automation for the Imprint SDK. The binary is `cargo xtask`; the
//! library exists so its pieces can be unit-tested.

pub mod api_diff;
pub mod classification;
pub mod cli;
pub mod drift;
pub mod generate;
pub mod index;
pub mod mock_errors;
pub mod normalize;
pub mod refine;
pub mod requests;
pub mod safety;
pub mod spec;
pub mod split;

use std::path::PathBuf;

/// The workspace root (the directory holding `openapi.yaml`).
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives inside the workspace")
        .to_path_buf()
}

/// Where the generated httpmock mocks are written (sdk feature `httpmock`),
/// relative to the workspace root. The module's own parts are in [`split`].
pub const GENERATED_HTTPMOCK: &str = "sdk/src/generated/httpmock.rs";

/// Where the classification table is written, with the other values.
pub const GENERATED_CLASSIFICATION: &str = "types/src/values/classification.rs";

/// Where the fake's request table is written, beside the validator that reads it.
pub const GENERATED_REQUESTS: &str = "mock/src/requests.json";
