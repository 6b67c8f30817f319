//! Authentication: the environment-specific API key, sent as HTTP Basic (the key
//! as user name, empty password: Imprint's documented default) or as a Bearer
//! token.

use std::fmt;

use base64::Engine;
use reqwest::header::HeaderValue;
use secrecy::{ExposeSecret, SecretString};

use crate::error::ConfigError;
use crate::sensitive::REDACTED;

/// An Imprint API key. Held as a secret; `Debug` shows [`REDACTED`].
#[derive(Clone)]
pub struct ApiKey(SecretString);

impl ApiKey {
    /// Wraps a key.
    pub fn new(key: impl Into<String>) -> Self {
        ApiKey(SecretString::from(key.into()))
    }
}

impl From<String> for ApiKey {
    fn from(key: String) -> Self {
        ApiKey::new(key)
    }
}

impl From<&str> for ApiKey {
    fn from(key: &str) -> Self {
        ApiKey::new(key)
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ApiKey({REDACTED})")
    }
}

/// How the API key is presented.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AuthScheme {
    /// `Authorization: Basic base64("<key>:")`.
    #[default]
    Basic,
    /// `Authorization: Bearer <key>`.
    Bearer,
}

impl AuthScheme {
    /// The `Authorization` header value for `key`, marked sensitive so that
    /// reqwest and hyper never print it.
    pub(crate) fn header(self, key: &ApiKey) -> Result<HeaderValue, ConfigError> {
        let key = key.0.expose_secret();
        let invalid = |reason: &str| ConfigError::new("api_key", reason);
        if key.trim().is_empty() {
            return Err(invalid("is empty"));
        }
        if key.contains(':') && self == AuthScheme::Basic {
            return Err(invalid(
                "contains `:`, which Basic authentication cannot carry in a user name",
            ));
        }
        let text = match self {
            AuthScheme::Basic => format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!("{key}:"))
            ),
            AuthScheme::Bearer => format!("Bearer {key}"),
        };
        let mut value = HeaderValue::from_str(&text)
            .map_err(|_| invalid("contains characters that cannot go in an HTTP header"))?;
        value.set_sensitive(true);
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_is_the_key_as_user_with_an_empty_password() {
        let value = AuthScheme::Basic.header(&ApiKey::new("test_key")).unwrap();
        assert_eq!(value.to_str().unwrap(), "Basic dGVzdF9rZXk6");
        assert!(value.is_sensitive());
    }

    #[test]
    fn bearer_is_the_key_itself() {
        assert_eq!(
            AuthScheme::Bearer
                .header(&ApiKey::new("test_key"))
                .unwrap()
                .to_str()
                .unwrap(),
            "Bearer test_key"
        );
    }

    #[test]
    fn bad_keys_are_refused_without_echo() {
        for key in ["", "  ", "line\nbreak"] {
            let error = AuthScheme::Bearer.header(&ApiKey::new(key)).unwrap_err();
            assert_eq!(error.setting(), "api_key");
            assert!(key.trim().is_empty() || !error.to_string().contains(key));
        }
        assert_eq!(
            format!("{:?}", ApiKey::new("sk_live_1")),
            "ApiKey([redacted])"
        );
    }
}
