//! Authentication: the environment-specific API key, sent as HTTP Basic (the key
//! as user name, empty password: Imprint's documented default; or a key id and
//! secret, `base64(id:secret)`, as the spec describes it) or as a Bearer token.

use std::fmt;

use base64::Engine;
use reqwest::header::HeaderValue;
use secrecy::{ExposeSecret, SecretString};

use crate::error::ConfigError;
use imprint_types::REDACTED;

/// An Imprint API key. Held as a secret; `Debug` shows [`REDACTED`].
///
/// Whitespace around a key is trimmed: it is never part of a key, and a
/// trailing newline read from a `.env` or secret file is the common mistake
/// (refusing it would only make every caller add `.trim()`). Whitespace or
/// control characters inside a key are refused when the client is built.
///
/// ```
/// use imprint::{ApiKey, Client};
/// // The documented form: the key as user name, an empty password.
/// let client = Client::builder().api_key("sk_test_123\n").build()?;
/// // The spec's form: a key id and its secret, `base64(id:secret)`.
/// let client = Client::builder().api_key(ApiKey::id_and_secret("key_id", "key_secret")).build()?;
/// // The same, written the way `curl -u id:secret` takes it.
/// let client = Client::builder().api_key("key_id:key_secret").build()?;
/// # Ok::<(), imprint::Error>(())
/// ```
#[derive(Clone)]
pub struct ApiKey {
    secret: SecretString,
    /// Made by [`ApiKey::id_and_secret`]: Basic only.
    pair: bool,
    /// Why the key cannot be used, found when it was made.
    refused: Option<&'static str>,
}

impl ApiKey {
    /// Wraps a key, trimmed of surrounding whitespace. Sent with Basic, a key
    /// holding a `:` is read as `id:secret` (sent as is, without the empty
    /// password); one without is the user name with an empty password.
    pub fn new(key: impl Into<String>) -> Self {
        let key: String = key.into();
        ApiKey {
            secret: SecretString::from(key.trim()),
            pair: false,
            refused: None,
        }
    }

    /// A key id and its secret, each trimmed, sent as Basic
    /// `base64(id:secret)` (the spec's description). The id may not hold `:`.
    pub fn id_and_secret(id: impl Into<String>, secret: impl Into<String>) -> Self {
        let id: String = id.into();
        let secret: String = secret.into();
        let (id, secret) = (id.trim(), secret.trim());
        let refused = if id.is_empty() || secret.is_empty() {
            Some("needs a non-empty key id and secret")
        } else if id.contains(':') {
            Some("has a key id containing `:`, which Basic authentication cannot carry")
        } else {
            None
        };
        ApiKey {
            secret: SecretString::from(format!("{id}:{secret}")),
            pair: true,
            refused,
        }
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
        let invalid = |reason: &str| ConfigError::new("api_key", reason);
        if let Some(reason) = key.refused {
            return Err(invalid(reason));
        }
        let key_text = key.secret.expose_secret();
        if key_text.is_empty() {
            return Err(invalid("is empty"));
        }
        if key_text
            .chars()
            .any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(invalid("contains whitespace or control characters"));
        }
        let text = match self {
            // `id:secret` goes as it is; a plain key gets the empty password.
            AuthScheme::Basic if key_text.contains(':') => format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(key_text)
            ),
            AuthScheme::Basic => format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!("{key_text}:"))
            ),
            AuthScheme::Bearer if key.pair => {
                return Err(invalid(
                    "is a key id and secret, which are sent with Basic authentication only",
                ));
            }
            AuthScheme::Bearer => format!("Bearer {key_text}"),
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
    fn both_basic_forms_and_trimmed_keys() {
        let basic = |key: ApiKey| AuthScheme::Basic.header(&key).unwrap();
        // base64("test_key:"), whatever whitespace surrounded the key.
        assert_eq!(basic(ApiKey::new(" test_key\r\n")), "Basic dGVzdF9rZXk6");
        // base64("key_id:key_secret").
        let pair = "Basic a2V5X2lkOmtleV9zZWNyZXQ=";
        assert_eq!(basic(ApiKey::id_and_secret("key_id", "key_secret\n")), pair);
        assert_eq!(basic(ApiKey::new("key_id:key_secret")), pair);
        assert!(basic(ApiKey::id_and_secret("key_id", "key_secret")).is_sensitive());
    }

    #[test]
    fn pairs_that_cannot_be_sent_are_refused() {
        let refused = |scheme: AuthScheme, key: ApiKey| scheme.header(&key).unwrap_err();
        for key in [
            ApiKey::id_and_secret("", "s"),
            ApiKey::id_and_secret("id", " "),
            ApiKey::id_and_secret("a:b", "s"),
        ] {
            assert_eq!(refused(AuthScheme::Basic, key).setting(), "api_key");
        }
        let bearer = refused(AuthScheme::Bearer, ApiKey::id_and_secret("id", "sec_1"));
        assert!(bearer.to_string().contains("Basic"));
        assert!(!bearer.to_string().contains("sec_1"));
    }

    #[test]
    fn bad_keys_are_refused_without_echo() {
        for scheme in [AuthScheme::Basic, AuthScheme::Bearer] {
            let error = scheme.header(&ApiKey::new("line\nbreak")).unwrap_err();
            assert!(!error.to_string().contains("line"));
        }
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
