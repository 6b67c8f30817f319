//! The drift check: is every generated file exactly what the spec generates now?

use std::fmt;

use serde_json::Value;
use similar::TextDiff;

use crate::generate::{NOTICE, STAMP_KEY};

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
    /// The generator changed since the file was generated: progenitor's
    /// version, or the xtask's own generation code (its fingerprint).
    GeneratorChanged {
        /// `progenitor` or `xtask`.
        part: &'static str,
        /// What the header records.
        recorded: String,
        /// What the xtask is built with.
        current: String,
    },
    /// Same spec, same generator, different text: someone edited the file.
    HandEdited,
}

impl fmt::Display for Drift {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Drift::Missing => write!(f, "the file does not exist"),
            Drift::SpecChanged { recorded, current } => write!(
                f,
                "openapi.yaml changed since the file was generated (header sha256 {}…, openapi.yaml now {}…)",
                &recorded[..recorded.len().min(12)],
                &current[..current.len().min(12)]
            ),
            Drift::GeneratorChanged {
                part,
                recorded,
                current,
            } => write!(
                f,
                "the generator changed since the file was generated ({part}: header {recorded}, now {current})"
            ),
            Drift::HandEdited => write!(
                f,
                "the file was edited by hand: openapi.yaml and the generator are unchanged, but the file differs from what they generate"
            ),
        }
    }
}

/// What produced a generated file, as its header records it.
#[derive(Clone, Copy, Debug)]
pub struct Stamp<'a> {
    /// SHA-256 of the spec.
    pub spec_sha256: &'a str,
    /// progenitor's version.
    pub progenitor: &'a str,
    /// The xtask's generation-code fingerprint.
    pub xtask: &'a str,
}

/// Compares the file on disk with a fresh generation made with `current`.
/// `None` means identical.
pub fn diagnose(on_disk: Option<&str>, fresh: &str, current: Stamp<'_>) -> Option<Drift> {
    let Some(on_disk) = on_disk else {
        return Some(Drift::Missing);
    };
    if on_disk == fresh {
        return None;
    }
    let Some(lines) = header_lines(on_disk) else {
        return Some(Drift::HandEdited);
    };
    let header = |prefix: &str| {
        lines
            .iter()
            .find_map(|line| line.strip_prefix(prefix))
            .map(str::trim)
            .map(str::to_string)
    };
    let changed = |prefix: &str, now: &str| header(prefix).filter(|recorded| recorded != now);
    if let Some(recorded) = changed("spec: openapi.yaml sha256:", current.spec_sha256) {
        return Some(Drift::SpecChanged {
            recorded,
            current: current.spec_sha256.to_string(),
        });
    }
    for (part, prefix, now) in [
        ("progenitor", "generator: progenitor ", current.progenitor),
        ("xtask", "xtask: ", current.xtask),
    ] {
        // A header without the line predates it: the generator changed too.
        let recorded = header(prefix).unwrap_or_else(|| "(none)".into());
        if recorded != now {
            return Some(Drift::GeneratorChanged {
                part,
                recorded,
                current: now.to_string(),
            });
        }
    }
    Some(Drift::HandEdited)
}

/// The header lines a generated file records (see
/// [`stamp_lines`](crate::generate::stamp_lines)): a JSON file's
/// [`STAMP_KEY`] member, or the leading `//` comments of any other file.
/// `None` when they do not start with [`NOTICE`]: no generation wrote them.
pub fn header_lines(text: &str) -> Option<Vec<String>> {
    let lines: Vec<String> = match serde_json::from_str::<Value>(text) {
        Ok(json) => json
            .get(STAMP_KEY)?
            .as_array()?
            .iter()
            .map(|line| line.as_str().map(str::to_string))
            .collect::<Option<_>>()?,
        Err(_) => text
            .lines()
            .map_while(|line| line.strip_prefix("// "))
            .map(str::to_string)
            .collect(),
    };
    (lines.first().map(String::as_str) == Some(NOTICE)).then_some(lines)
}

/// The first `max_lines` lines of a unified diff from the file on disk to a fresh
/// generation.
pub fn first_differences(path: &str, on_disk: &str, fresh: &str, max_lines: usize) -> String {
    let diff = TextDiff::from_lines(on_disk, fresh);
    let text = diff
        .unified_diff()
        .context_radius(2)
        .header(&format!("{path} (on disk)"), "generated from openapi.yaml")
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

    const NOW: Stamp<'static> = Stamp {
        spec_sha256: "aa",
        progenitor: "1.0",
        xtask: "f1",
    };

    fn file(sha: &str, progenitor: &str, xtask: &str, body: &str) -> String {
        format!(
            "// {NOTICE}\n// spec: openapi.yaml sha256:{sha}\n// generator: progenitor {progenitor}\n// xtask: {xtask}\n{body}"
        )
    }

    /// A generated JSON file: the same header facts under [`STAMP_KEY`].
    fn json_file(sha: &str, progenitor: &str, xtask: &str, body: &str) -> String {
        let stamp = [
            NOTICE.to_string(),
            format!("spec: openapi.yaml sha256:{sha}"),
            format!("generator: progenitor {progenitor}"),
            format!("xtask: {xtask}"),
        ];
        serde_json::to_string_pretty(&serde_json::json!({ (STAMP_KEY): stamp, "op": body }))
            .unwrap()
            + "\n"
    }

    #[test]
    fn identical_is_no_drift() {
        let fresh = file("aa", "1.0", "f1", "fn a() {}\n");
        assert_eq!(diagnose(Some(&fresh), &fresh, NOW), None);
    }

    #[test]
    fn appended_comment_is_a_hand_edit() {
        let fresh = file("aa", "1.0", "f1", "fn a() {}\n");
        let edited = format!("{fresh}// tweak\n");
        assert_eq!(
            diagnose(Some(&edited), &fresh, NOW),
            Some(Drift::HandEdited)
        );
    }

    #[test]
    fn new_spec_hash_is_a_spec_change() {
        let old = file("00", "1.0", "f1", "fn a() {}\n");
        let fresh = file("aa", "1.0", "f1", "fn a() {}\nfn b() {}\n");
        let drift = diagnose(Some(&old), &fresh, NOW).unwrap();
        assert_eq!(
            drift,
            Drift::SpecChanged {
                recorded: "00".into(),
                current: "aa".into()
            }
        );
        assert!(drift.to_string().starts_with("openapi.yaml changed since"));
    }

    #[test]
    fn new_progenitor_is_named() {
        let old = file("aa", "0.9", "f1", "x\n");
        let drift = diagnose(Some(&old), &file("aa", "1.0", "f1", "y\n"), NOW).unwrap();
        assert_eq!(
            drift.to_string(),
            "the generator changed since the file was generated (progenitor: header 0.9, now 1.0)"
        );
    }

    #[test]
    fn a_changed_normalizer_is_a_generator_change_not_a_hand_edit() {
        let old = file("aa", "1.0", "e0", "x\n");
        let drift = diagnose(Some(&old), &file("aa", "1.0", "f1", "y\n"), NOW).unwrap();
        assert!(
            matches!(drift, Drift::GeneratorChanged { part: "xtask", .. }),
            "{drift}"
        );
        let older = format!(
            "// {NOTICE}\n// spec: openapi.yaml sha256:aa\n// generator: progenitor 1.0\nx\n"
        );
        assert!(matches!(
            diagnose(Some(&older), "y", NOW),
            Some(Drift::GeneratorChanged { part: "xtask", .. })
        ));
    }

    #[test]
    fn missing_header_is_a_hand_edit() {
        assert_eq!(
            diagnose(Some("fn a() {}\n"), &file("aa", "1.0", "f1", ""), NOW),
            Some(Drift::HandEdited)
        );
        assert_eq!(diagnose(None, "x", NOW), Some(Drift::Missing));
    }

    #[test]
    fn a_json_file_is_diagnosed_by_its_stamp_member() {
        let fresh = json_file("aa", "1.0", "f1", "y");
        assert_eq!(
            diagnose(Some(&json_file("00", "1.0", "f1", "x")), &fresh, NOW),
            Some(Drift::SpecChanged {
                recorded: "00".into(),
                current: "aa".into()
            })
        );
        assert!(matches!(
            diagnose(Some(&json_file("aa", "1.0", "e0", "x")), &fresh, NOW),
            Some(Drift::GeneratorChanged { part: "xtask", .. })
        ));
        assert_eq!(
            diagnose(Some(&json_file("aa", "1.0", "f1", "x")), &fresh, NOW),
            Some(Drift::HandEdited)
        );
        // Without its stamp, or no longer JSON, the file was edited by hand.
        let unstamped = fresh.replace(STAMP_KEY, "$edited");
        assert_eq!(
            diagnose(Some(&unstamped), &fresh, NOW),
            Some(Drift::HandEdited)
        );
        let broken = fresh.replacen('{', "", 1);
        assert_eq!(
            diagnose(Some(&broken), &fresh, NOW),
            Some(Drift::HandEdited)
        );
    }

    #[test]
    fn the_headers_generation_writes_are_read_back() {
        let spec = crate::spec::Spec {
            doc: serde_json::json!({ "paths": {} }),
            sha256: "ab".repeat(32),
        };
        let lines = crate::generate::stamp_lines(&spec).to_vec();
        let rust = format!("{}fn a() {{}}\n", crate::generate::header(&spec));
        assert_eq!(header_lines(&rust), Some(lines.clone()));
        let json = crate::requests::file(&spec).unwrap();
        assert_eq!(header_lines(&json), Some(lines));
    }

    #[test]
    fn diff_shows_the_first_differing_lines() {
        let diff = first_differences("f.rs", "a\nb\nc\n", "a\nB\nc\n", 20);
        assert!(diff.contains("-b\n+B"), "{diff}");
    }

    /// The drift check as a test, so `cargo test --workspace` catches a stale
    /// or hand-edited generated file as CI's `--check` step does.
    #[test]
    fn the_committed_generated_files_are_what_the_spec_generates() {
        let root = crate::workspace_root();
        let spec = crate::spec::load(&root.join("openapi.yaml")).unwrap();
        let fresh = crate::generate::generate(&spec, &crate::safety::EXCEPTIONS).unwrap();
        for (path, code) in &fresh.files {
            let on_disk = std::fs::read_to_string(root.join(path)).ok();
            let drift = diagnose(
                on_disk.as_deref(),
                code,
                Stamp {
                    spec_sha256: &spec.sha256,
                    progenitor: crate::generate::PROGENITOR_VERSION,
                    xtask: crate::generate::XTASK_FINGERPRINT,
                },
            );
            assert!(
                drift.is_none(),
                "{path}: {}; run `cargo xtask codegen`",
                drift.map(|d| d.to_string()).unwrap_or_default()
            );
        }
    }
}
