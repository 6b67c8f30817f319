//! Workspace automation for the Imprint SDK. The binary is `cargo xtask`; the
//! library exists so its pieces can be unit-tested.

pub mod api_diff;
pub mod classification;
pub mod drift;
pub mod generate;
pub mod index;
pub mod normalize;
pub mod refine;
pub mod spec;

use std::path::PathBuf;

/// The workspace root (the directory holding `openapi.yaml`).
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives inside the workspace")
        .to_path_buf()
}

/// Where the generated module is written, relative to the workspace root.
pub const GENERATED: &str = "sdk/src/generated.rs";

/// Where the generated httpmock mocks are written (sdk feature `httpmock`).
pub const GENERATED_HTTPMOCK: &str = "sdk/src/generated_httpmock.rs";

/// Where the classification table is written for the sdk.
pub const GENERATED_CLASSIFICATION: &str = "sdk/src/classification.rs";
