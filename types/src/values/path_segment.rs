//! [`PathSegment`]: a value that goes into a URL path as exactly one segment.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::validation::ValidationError;

/// One segment of a request path (a `customer_id`, a `reward_id`): the type
/// of every string path parameter of the generated builders.
///
/// The URL parser collapses `.` and `..` segments and reads `\` as `/`, so such
/// a value would send the request to another operation's path
/// (`get_rewards("..")` would list every reward). Servers in the Tomcat and
/// Spring family also drop a segment's `;` parameters before resolving dots,
/// so `..;jsessionid=1` reaches them as `..`. A `PathSegment` is never empty,
/// and neither it nor its part before the first `;` is empty, `.` or `..`
/// (also when `%2e` and `%3b` are decoded); it holds no `/`, `\` or control
/// character. Everything else is sent percent-encoded as one segment.
///
/// ```
/// use imprint::PathSegment;
/// assert_eq!(PathSegment::new("CSMR-v1-123")?.as_str(), "CSMR-v1-123");
/// assert!(PathSegment::new("..").is_err());
/// assert!(PathSegment::new("%2e%2E").is_err());
/// assert!(PathSegment::new("..;jsessionid=1").is_err());
/// assert_eq!(PathSegment::new("a;b")?.as_str(), "a;b");
/// # Ok::<(), imprint::ValidationError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PathSegment(String);

impl PathSegment {
    /// Checks `value`; the error names no field (the builder's setter adds it).
    pub fn new(value: impl Into<String>) -> Result<PathSegment, ValidationError> {
        let value = value.into();
        let refuse = |reason: &str| Err(ValidationError::new("path segment", reason));
        if value.is_empty() {
            return refuse("is empty");
        }
        if value
            .chars()
            .any(|c| c == '/' || c == '\\' || c.is_control())
        {
            return refuse("contains `/`, `\\` or a control character");
        }
        let decoded = percent_decoded_dots_and_semicolons(&value);
        let before_parameters = decoded.split(';').next().unwrap_or_default();
        if matches!(before_parameters, "" | "." | "..") {
            return refuse(
                "is empty, `.` or `..` before its first `;`, which would change the path",
            );
        }
        Ok(PathSegment(value))
    }

    /// The value, as given.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// `value` with `%2e` read as `.` and `%3b` as `;`, in either case: what a
/// server that decodes before it resolves the path sees. Other escapes stay,
/// since they cannot make a dot segment.
fn percent_decoded_dots_and_semicolons(value: &str) -> String {
    value
        .replace("%2e", ".")
        .replace("%2E", ".")
        .replace("%3b", ";")
        .replace("%3B", ";")
}

impl fmt::Display for PathSegment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<&str> for PathSegment {
    type Error = ValidationError;

    fn try_from(value: &str) -> Result<Self, Self::Error> {
        PathSegment::new(value)
    }
}

impl TryFrom<String> for PathSegment {
    type Error = ValidationError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        PathSegment::new(value)
    }
}

impl TryFrom<&String> for PathSegment {
    type Error = ValidationError;

    fn try_from(value: &String) -> Result<Self, Self::Error> {
        PathSegment::new(value.as_str())
    }
}

impl std::str::FromStr for PathSegment {
    type Err = ValidationError;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        PathSegment::new(value)
    }
}

impl Serialize for PathSegment {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for PathSegment {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = String::deserialize(deserializer)?;
        PathSegment::new(value).map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for PathSegment {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "PathSegment".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string", "minLength": 1 })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_pass_unchanged() {
        for id in [
            "C1",
            "CSMR-v1-123",
            "a.b",
            "...",
            "x y",
            "ü",
            "%41",
            "a%2fb",
            "a;b",
            "..a;b",
            "x;..",
            "...;x",
        ] {
            assert_eq!(PathSegment::new(id).unwrap().as_str(), id);
        }
    }

    #[test]
    fn values_that_would_change_the_path_are_refused() {
        for bad in [
            "", ".", "..", "%2e", "%2E%2e", ".%2e", "a/b", "a\\b", "a\nb", "\u{7f}",
        ] {
            assert!(PathSegment::new(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn dot_segments_behind_semicolon_parameters_are_refused() {
        for bad in [
            "..;",
            "..;jsessionid=1",
            ".;",
            ";",
            ";x",
            "%2e%2e;x",
            "..%3b",
            ".%3Bx",
            "%3b",
        ] {
            assert!(PathSegment::new(bad).is_err(), "{bad:?}");
        }
    }
}
