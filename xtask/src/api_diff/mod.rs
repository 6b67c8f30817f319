//! What a regeneration changes in the SDK's Rust API, and whether that breaks
//! users: the report `cargo xtask codegen` prints when it replaces the
//! generated module, `cargo xtask codegen --check` prints when the spec
//! changed, and `cargo xtask diff` prints between a git revision of the spec and
//! the working tree.
//!
//! Both sides are generated code read as syntax ([`Surface`]), so everything
//! the normalizer rewrites is rewritten on both sides alike and only changes
//! that reach the Rust API are reported.

mod change;
mod compare;
mod render;
mod revision;
mod semver;
mod surface;
mod type_name;

use std::path::Path;

pub use change::{Change, Impact};
pub use compare::compare;
pub use render::{Format, Report};
pub use surface::Surface;

use crate::generate;
use crate::safety::Exceptions;
use crate::spec;

/// The changes between two generated modules' code.
pub fn changes_between(old_code: &str, new_code: &str) -> Result<Vec<Change>, String> {
    let old =
        Surface::parse(old_code).map_err(|e| format!("the old module does not parse: {e}"))?;
    let new =
        Surface::parse(new_code).map_err(|e| format!("the new module does not parse: {e}"))?;
    Ok(compare(&old, &new))
}

/// The changes between the modules two specs generate. Both are generated
/// without the safety exceptions: which operations may be retried is a value in
/// the operation table, not API, and a revision of the spec may lack an
/// operation an exception names.
pub fn changes_between_specs(old: &spec::Spec, new: &spec::Spec) -> Result<Vec<Change>, String> {
    let old =
        generate::generate(old, &Exceptions::NONE).map_err(|e| format!("the old spec: {e}"))?;
    let new =
        generate::generate(new, &Exceptions::NONE).map_err(|e| format!("the new spec: {e}"))?;
    changes_between(&old.code, &new.code)
}

/// The sdk crate's version, from `sdk/Cargo.toml` under `root`.
pub fn sdk_version(root: &Path) -> Option<String> {
    let manifest = std::fs::read_to_string(root.join("sdk/Cargo.toml")).ok()?;
    semver::package_version(&manifest)
}

/// `cargo xtask diff`: the report between `openapi.yaml` at `base` (default:
/// the commit that last changed it) and the working tree's, writing nothing.
pub fn diff(root: &Path, base: Option<&str>, format: Format) -> Result<String, String> {
    let (base, defaulted) = match base {
        Some(base) => (base.to_string(), false),
        None => (revision::last_spec_commit(root)?, true),
    };
    let old_bytes = revision::spec_bytes_at(root, &base)?;
    let label = revision::short(&base);
    let path = root.join("openapi.yaml");
    let new_bytes =
        std::fs::read(&path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    let changes = if old_bytes == new_bytes {
        Vec::new()
    } else {
        let old = revision::spec_from(label, &old_bytes)?;
        let new = spec::from_bytes(&path, &new_bytes).map_err(|e| e.to_string())?;
        changes_between_specs(&old, &new)?
    };
    let report = Report {
        from: format!("openapi.yaml at {label}"),
        to: "the working tree".into(),
        changes,
        version: sdk_version(root),
    };
    let mut out = report.render(format);
    if old_bytes == new_bytes && defaulted && format == Format::Text {
        out.push_str(&format!(
            "(openapi.yaml is unchanged since {label}, the commit that last changed it; \
             `--base {label}^` shows what that commit changed)\n"
        ));
    }
    Ok(out)
}
