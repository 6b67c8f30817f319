//! The drift check: is `sdk/src/generated.rs` exactly what the spec generates now?

use std::fmt;

use similar::TextDiff;

use crate::generate::MARKER;

/// Why the file on disk differs from a fresh generation.
#[derive(Debug, PartialEq, Eq)]
pub enum Drift {
    /// The file does not exist.
    Missing,
    /// `openapi.yaml` changed since the file was generated.
    SpecChanged {
        /// SHA-256 recorded in the file's header.
        recorded: String,
        /// SHA-256 of `openapi.yaml` now.
        current: String,
    },
    /// The generator (progenitor) version changed since the file was generated.
    GeneratorChanged {
        /// Version recorded in the header.
        recorded: String,
        /// Version the xtask is built with.
        current: String,
    },
    /// Same spec, same generator, different text: someone edited the file.
    HandEdited,
}

impl fmt::Display for Drift {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Drift::Missing => write!(f, "sdk/src/generated.rs does not exist"),
            Drift::SpecChanged { recorded, current } => write!(
                f,
                "openapi.yaml changed since sdk/src/generated.rs was generated (header sha256 {}…, openapi.yaml now {}…)",
                &recorded[..recorded.len().min(12)],
                &current[..current.len().min(12)]
            ),
            Drift::GeneratorChanged { recorded, current } => write!(
                f,
                "the generator changed since sdk/src/generated.rs was generated (header: progenitor {recorded}, xtask: progenitor {current})"
            ),
            Drift::HandEdited => write!(
                f,
                "sdk/src/generated.rs was edited by hand: openapi.yaml and the generator are unchanged, but the file differs from what they generate"
            ),
        }
    }
}

/// Compares the file on disk with a fresh generation. `None` means identical.
pub fn diagnose(
    on_disk: Option<&str>,
    fresh: &str,
    spec_sha256: &str,
    generator: &str,
) -> Option<Drift> {
    let Some(on_disk) = on_disk else {
        return Some(Drift::Missing);
    };
    if on_disk == fresh {
        return None;
    }
    let header = |prefix: &str| {
        on_disk
            .lines()
            .take(6)
            .find_map(|line| line.strip_prefix(prefix))
            .map(str::trim)
            .map(str::to_string)
    };
    let has_marker = on_disk.lines().next() == Some(MARKER);
    match (
        has_marker,
        header("// spec: openapi.yaml sha256:"),
        header("// generator: progenitor "),
    ) {
        (true, Some(recorded), _) if recorded != spec_sha256 => Some(Drift::SpecChanged {
            recorded,
            current: spec_sha256.to_string(),
        }),
        (true, _, Some(recorded)) if recorded != generator => Some(Drift::GeneratorChanged {
            recorded,
            current: generator.to_string(),
        }),
        _ => Some(Drift::HandEdited),
    }
}

/// The first `max_lines` lines of a unified diff from the file on disk to a fresh
/// generation.
pub fn first_differences(on_disk: &str, fresh: &str, max_lines: usize) -> String {
    let diff = TextDiff::from_lines(on_disk, fresh);
    let text = diff
        .unified_diff()
        .context_radius(2)
        .header(
            "sdk/src/generated.rs (on disk)",
            "generated from openapi.yaml",
        )
        .to_string();
    let mut lines: Vec<&str> = text.lines().take(max_lines + 1).collect();
    if lines.len() > max_lines {
        lines.truncate(max_lines);
        lines.push("…");
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(sha: &str, generator: &str, body: &str) -> String {
        format!(
            "{MARKER}\n// spec: openapi.yaml sha256:{sha}\n// generator: progenitor {generator}\n{body}"
        )
    }

    #[test]
    fn identical_is_no_drift() {
        let fresh = file("aa", "1.0", "fn a() {}\n");
        assert_eq!(diagnose(Some(&fresh), &fresh, "aa", "1.0"), None);
    }

    #[test]
    fn appended_comment_is_a_hand_edit() {
        let fresh = file("aa", "1.0", "fn a() {}\n");
        let edited = format!("{fresh}// tweak\n");
        assert_eq!(
            diagnose(Some(&edited), &fresh, "aa", "1.0"),
            Some(Drift::HandEdited)
        );
    }

    #[test]
    fn new_spec_hash_is_a_spec_change() {
        let old = file("aa", "1.0", "fn a() {}\n");
        let fresh = file("bb", "1.0", "fn a() {}\nfn b() {}\n");
        let drift = diagnose(Some(&old), &fresh, "bb", "1.0").unwrap();
        assert_eq!(
            drift,
            Drift::SpecChanged {
                recorded: "aa".into(),
                current: "bb".into()
            }
        );
        assert!(drift.to_string().starts_with("openapi.yaml changed since"));
    }

    #[test]
    fn new_generator_is_named() {
        let old = file("aa", "1.0", "x\n");
        assert!(matches!(
            diagnose(Some(&old), &file("aa", "2.0", "y\n"), "aa", "2.0"),
            Some(Drift::GeneratorChanged { .. })
        ));
    }

    #[test]
    fn missing_header_is_a_hand_edit() {
        assert_eq!(
            diagnose(Some("fn a() {}\n"), &file("aa", "1.0", ""), "aa", "1.0"),
            Some(Drift::HandEdited)
        );
        assert_eq!(diagnose(None, "x", "aa", "1.0"), Some(Drift::Missing));
    }

    #[test]
    fn diff_shows_the_first_differing_lines() {
        let diff = first_differences("a\nb\nc\n", "a\nB\nc\n", 20);
        assert!(diff.contains("-b\n+B"), "{diff}");
    }
}
