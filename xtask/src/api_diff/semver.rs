//! The release a set of changes calls for, from the crate's current version.

use super::change::Impact;

/// The bump, as the report's last line says it: `breaking: 0.1.0 → 0.2.0 (major once 1.0)`.
pub fn bump(impact: Option<Impact>, current: Option<&str>) -> String {
    let Some(impact) = impact else {
        return "no API change: the Rust API is the same".into();
    };
    let parts: Option<Vec<u64>> = current.map(|v| {
        v.split(['-', '+'])
            .next()
            .unwrap_or(v)
            .split('.')
            .map(str::parse)
            .collect::<Result<Vec<u64>, _>>()
            .unwrap_or_default()
    });
    let (level, note) = match (impact, parts.as_deref()) {
        (Impact::Breaking, Some([0, ..])) => ("a minor bump while 0.x", "major once 1.0"),
        (Impact::Additive, Some([0, ..])) => ("a patch bump while 0.x", "minor once 1.0"),
        (Impact::Breaking, _) => ("a major bump", "major"),
        (Impact::Additive, _) => ("a minor bump", "minor"),
    };
    match (current, parts.as_deref()) {
        (Some(current), Some(&[major, minor, patch])) => {
            let next = match (impact, major) {
                (Impact::Breaking, 0) => format!("0.{}.0", minor + 1),
                (Impact::Additive, 0) => format!("0.{minor}.{}", patch + 1),
                (Impact::Breaking, _) => format!("{}.0.0", major + 1),
                (Impact::Additive, _) => format!("{major}.{}.0", minor + 1),
            };
            let note = if major == 0 { note } else { "" };
            let note = if note.is_empty() {
                String::new()
            } else {
                format!(" ({note})")
            };
            format!("{impact}: {current} → {next}{note}")
        }
        _ => format!("{impact}: {level}"),
    }
}

/// The `version` of the `[package]` section of a Cargo.toml's text.
pub fn package_version(manifest: &str) -> Option<String> {
    let mut in_package = false;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_package = line == "[package]";
        } else if in_package
            && let Some(value) = line.strip_prefix("version")
            && let Some(value) = value.trim_start().strip_prefix('=')
        {
            return Some(value.trim().trim_matches('"').to_string());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_x_bumps_minor_for_breaking_and_patch_for_additive() {
        assert_eq!(
            bump(Some(Impact::Breaking), Some("0.1.0")),
            "breaking: 0.1.0 → 0.2.0 (major once 1.0)"
        );
        assert_eq!(
            bump(Some(Impact::Additive), Some("0.1.3")),
            "additive: 0.1.3 → 0.1.4 (minor once 1.0)"
        );
    }

    #[test]
    fn one_x_follows_plain_semver() {
        assert_eq!(
            bump(Some(Impact::Breaking), Some("1.4.2")),
            "breaking: 1.4.2 → 2.0.0"
        );
        assert_eq!(
            bump(Some(Impact::Additive), Some("1.4.2")),
            "additive: 1.4.2 → 1.5.0"
        );
        assert_eq!(bump(Some(Impact::Breaking), None), "breaking: a major bump");
        assert_eq!(
            bump(None, Some("0.1.0")),
            "no API change: the Rust API is the same"
        );
    }

    #[test]
    fn the_package_version_is_read_from_its_section() {
        let manifest =
            "[package]\nname = \"x\"\nversion = \"0.3.1\"\n[dependencies]\nversion = \"9\"\n";
        assert_eq!(package_version(manifest).as_deref(), Some("0.3.1"));
        assert_eq!(
            package_version("[package]\nversion.workspace = true\n"),
            None
        );
    }
}
