//! The spec as git has it at a revision.

use std::path::Path;
use std::process::Command;

use crate::spec::{self, Spec};

/// The commit that last changed `openapi.yaml`.
pub fn last_spec_commit(root: &Path) -> Result<String, String> {
    let out = git(root, &["log", "-1", "--format=%H", "--", "openapi.yaml"])?;
    let commit = String::from_utf8_lossy(&out).trim().to_string();
    if commit.is_empty() {
        return Err("no commit has touched openapi.yaml yet; pass --base <revision>".into());
    }
    Ok(commit)
}

/// The bytes of `openapi.yaml` at `revision`.
pub fn spec_bytes_at(root: &Path, revision: &str) -> Result<Vec<u8>, String> {
    // `./` makes the path relative to the workspace root, wherever the git root is.
    git(root, &["show", &format!("{revision}:./openapi.yaml")])
}

/// Parses and checks spec bytes read from `revision`.
pub fn spec_from(revision: &str, bytes: &[u8]) -> Result<Spec, String> {
    let path = format!("openapi.yaml at {revision}");
    spec::from_bytes(Path::new(&path), bytes).map_err(|e| e.to_string())
}

/// A commit hash shortened for reading; other revisions as given.
pub fn short(revision: &str) -> &str {
    if revision.len() == 40 && revision.bytes().all(|b| b.is_ascii_hexdigit()) {
        &revision[..12]
    } else {
        revision
    }
}

fn git(root: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let output = Command::new("git")
        .args(args)
        .current_dir(root)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "`git {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    Ok(output.stdout)
}
