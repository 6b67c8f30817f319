//! Values that must never be printed: [`Sensitive`] strings (API keys, client
//! secrets, card numbers, tokens) and [`Ssn`]s.
//!
//! The code generator maps every such field of the API to one of these types, so
//! `{:?}` of any request or response shows [`REDACTED`] in their place while
//! serialization still sends the real value.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::validation::ValidationError;

/// What `Debug` and `Display` show instead of a secret.
pub const REDACTED: &str = "[redacted]";

/// A secret string: held in [`secrecy::SecretString`] (zeroed on drop), shown as
/// [`REDACTED`], serialized as the real value.
///
/// ```
/// let pan = imprint::Sensitive::from("4111111111111111");
/// assert_eq!(format!("{pan:?}"), "Sensitive([redacted])");
/// assert_eq!(pan.expose_secret(), "4111111111111111");
/// ```
#[derive(Clone)]
pub struct Sensitive(SecretString);

impl Sensitive {
    /// Wraps a secret.
    pub fn new(secret: impl Into<String>) -> Self {
        Sensitive(SecretString::from(secret.into()))
    }

    /// The secret itself. Every call site that needs it is a place to audit.
    pub fn expose_secret(&self) -> &str {
        self.0.expose_secret()
    }
}

impl From<String> for Sensitive {
    fn from(secret: String) -> Self {
        Sensitive::new(secret)
    }
}

impl From<&str> for Sensitive {
    fn from(secret: &str) -> Self {
        Sensitive::new(secret)
    }
}

impl PartialEq for Sensitive {
    /// Constant-time comparison, so equality checks do not leak a prefix.
    fn eq(&self, other: &Self) -> bool {
        use subtle::ConstantTimeEq;
        self.expose_secret()
            .as_bytes()
            .ct_eq(other.expose_secret().as_bytes())
            .into()
    }
}

impl Eq for Sensitive {}

impl fmt::Debug for Sensitive {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Sensitive({REDACTED})")
    }
}

impl fmt::Display for Sensitive {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl Serialize for Sensitive {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.expose_secret())
    }
}

impl<'de> Deserialize<'de> for Sensitive {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Sensitive::new)
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for Sensitive {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "SensitiveString".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string", "description": "A secret string, redacted in Debug output." })
    }
}

/// A US social security number: nine digits, validated and normalized when it is
/// made, redacted in `Debug` and `Display`.
///
/// `123-45-6789` and `123 45 6789` are accepted and stored as `123456789`;
/// anything else with letters or the wrong number of digits is rejected with a
/// [`ValidationError`] that names the field and never repeats the input.
///
/// ```
/// use imprint::Ssn;
/// let ssn = Ssn::new("123-45-6789")?;
/// assert_eq!(ssn.expose_secret(), "123456789");
/// assert_eq!(format!("{ssn:?}"), "Ssn([redacted])");
/// assert!(Ssn::new("12345678").is_err());
/// # Ok::<(), imprint::ValidationError>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Ssn(Sensitive);

impl Ssn {
    /// Validates and normalizes an SSN.
    pub fn new(input: &str) -> Result<Ssn, ValidationError> {
        let mut digits = String::with_capacity(9);
        for c in input.trim().chars() {
            match c {
                '0'..='9' => digits.push(c),
                '-' | ' ' => {}
                _ => {
                    return Err(ValidationError::new(
                        "ssn",
                        "must contain only digits (hyphens and spaces are ignored)",
                    ));
                }
            }
        }
        if digits.len() != 9 {
            return Err(ValidationError::new(
                "ssn",
                format!("must have 9 digits, found {}", digits.len()),
            ));
        }
        Ok(Ssn(Sensitive::new(digits)))
    }

    /// The nine digits.
    pub fn expose_secret(&self) -> &str {
        self.0.expose_secret()
    }
}

impl TryFrom<&str> for Ssn {
    type Error = ValidationError;

    fn try_from(input: &str) -> Result<Self, Self::Error> {
        Ssn::new(input)
    }
}

impl TryFrom<String> for Ssn {
    type Error = ValidationError;

    fn try_from(input: String) -> Result<Self, Self::Error> {
        Ssn::new(&input)
    }
}

impl std::str::FromStr for Ssn {
    type Err = ValidationError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        Ssn::new(input)
    }
}

impl fmt::Debug for Ssn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Ssn({REDACTED})")
    }
}

impl fmt::Display for Ssn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl Serialize for Ssn {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.expose_secret())
    }
}

impl<'de> Deserialize<'de> for Ssn {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = Sensitive::deserialize(deserializer)?;
        Ssn::new(text.expose_secret()).map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for Ssn {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Ssn".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string", "pattern": "^[0-9]{9}$" })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ssn_accepts_hyphens_and_spaces() {
        assert_eq!(
            Ssn::new("123-45-6789").unwrap().expose_secret(),
            "123456789"
        );
        assert_eq!(
            Ssn::new(" 123 45 6789 ").unwrap().expose_secret(),
            "123456789"
        );
        assert_eq!(Ssn::new("123456789").unwrap().expose_secret(), "123456789");
    }

    #[test]
    fn ssn_rejects_letters_and_lengths_without_echoing() {
        for bad in ["12345678", "1234567890", "12345678a", "abc-de-fghi", ""] {
            let error = Ssn::new(bad).unwrap_err();
            assert_eq!(error.field(), "ssn");
            let shown = format!("{error} {error:?}");
            assert!(bad.is_empty() || !shown.contains(bad), "{shown}");
        }
    }

    #[test]
    fn ssn_serializes_digits_and_validates_on_deserialize() {
        let ssn = Ssn::new("123-45-6789").unwrap();
        assert_eq!(serde_json::to_string(&ssn).unwrap(), "\"123456789\"");
        assert!(serde_json::from_str::<Ssn>("\"123-45-678\"").is_err());
        let message = serde_json::from_str::<Ssn>("\"98765432x\"")
            .unwrap_err()
            .to_string();
        assert!(!message.contains("98765432"), "{message}");
    }

    #[test]
    fn sensitive_debug_and_display_redact() {
        let secret = Sensitive::from("cs_live_abc");
        assert_eq!(
            format!("{secret:?} {secret}"),
            "Sensitive([redacted]) [redacted]"
        );
        assert_eq!(serde_json::to_string(&secret).unwrap(), "\"cs_live_abc\"");
        assert_eq!(secret, Sensitive::from("cs_live_abc"));
        assert_ne!(secret, Sensitive::from("cs_live_abd"));
    }
}
