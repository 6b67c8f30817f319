//! [`UnknownValue`]: an enum value the spec did not list when this SDK was
//! generated.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The raw string of an enum value this version of the SDK does not know:
/// what every generated enum's `Unlisted` variant holds.
///
/// Imprint adds statuses and kinds without a version change; such a value
/// decodes into `Unlisted(..)` instead of failing the whole response, and
/// serializes back unchanged. Only the SDK creates one (through decoding or
/// `FromStr`), so code cannot match a specific unknown value by
/// constructing it: when a later SDK lists the value, a `match` that handled
/// it as unknown does not silently change arm. Read it with
/// [`as_str`](UnknownValue::as_str).
///
/// ```
/// use imprint::types::TransactionStatus;
/// let status: TransactionStatus = serde_json::from_str("\"DECLINED\"")?;
/// assert!(matches!(status, TransactionStatus::Unlisted(_)));
/// assert_eq!(status.as_str(), "DECLINED");
/// assert_eq!(status.to_string(), "DECLINED");
/// assert_eq!(serde_json::to_string(&status)?, "\"DECLINED\"");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnknownValue(String);

impl UnknownValue {
    /// The value as the API sent it, kept. For the SDK's crates.
    #[doc(hidden)]
    pub fn new(value: &str) -> UnknownValue {
        UnknownValue(value.to_string())
    }

    /// The value as the API sent it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.0)
    }
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for UnknownValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for UnknownValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(UnknownValue)
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for UnknownValue {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "UnknownValue".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string" })
    }
}
