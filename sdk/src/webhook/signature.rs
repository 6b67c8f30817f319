//! The `X-IMPRINT-HMAC-SIGNATURE` header: parsing, verification, signing.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hmac::{Hmac, KeyInit, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;

use super::event::Event;
use crate::sensitive::REDACTED;

/// The header Imprint signs deliveries with.
pub const SIGNATURE_HEADER: &str = "X-IMPRINT-HMAC-SIGNATURE";

/// Default tolerance between the signed timestamp and the receiver's clock.
const DEFAULT_TOLERANCE: Duration = Duration::from_secs(5 * 60);

/// Timestamps from this value up are milliseconds; below it, seconds.
const MILLISECONDS_FROM: u64 = 100_000_000_000;

/// The webhook signing token. Held as a secret; `Debug` shows [`REDACTED`].
#[derive(Clone)]
pub struct SigningSecret(SecretString);

impl SigningSecret {
    /// Wraps a token, exactly as Imprint issued it.
    pub fn new(token: impl Into<String>) -> Self {
        SigningSecret(SecretString::from(token.into()))
    }
}

impl From<&str> for SigningSecret {
    fn from(token: &str) -> Self {
        SigningSecret::new(token)
    }
}

impl From<String> for SigningSecret {
    fn from(token: String) -> Self {
        SigningSecret::new(token)
    }
}

impl fmt::Debug for SigningSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SigningSecret({REDACTED})")
    }
}

/// Why a header is not `t=<digits>,s=<64 hex digits>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Malformed {
    /// The header is empty.
    Empty,
    /// A part is not `key=value`.
    NotKeyValue,
    /// No `t=` part.
    MissingTimestamp,
    /// No `s=` part.
    MissingSignature,
    /// `t` or `s` appears twice.
    Duplicate(&'static str),
    /// `t` is not a run of ASCII digits.
    BadTimestamp,
    /// `s` is not 64 hexadecimal digits.
    BadSignature,
}

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Malformed::Empty => write!(f, "the header is empty"),
            Malformed::NotKeyValue => write!(f, "a part is not `key=value`"),
            Malformed::MissingTimestamp => write!(f, "there is no `t=` part"),
            Malformed::MissingSignature => write!(f, "there is no `s=` part"),
            Malformed::Duplicate(key) => write!(f, "`{key}=` appears more than once"),
            Malformed::BadTimestamp => write!(f, "`t` is not a whole number"),
            Malformed::BadSignature => write!(f, "`s` is not 64 hexadecimal digits"),
        }
    }
}

/// Why a delivery was rejected. None of them repeats the secret or the body.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// No signature header: answer 401.
    #[error("the {SIGNATURE_HEADER} header is missing")]
    MissingHeader,
    /// The header is not `t=…,s=…`: answer 400.
    #[error("the {SIGNATURE_HEADER} header is malformed: {0}")]
    MalformedHeader(Malformed),
    /// The signature does not match the body: answer 401.
    #[error("the signature does not match the body")]
    SignatureMismatch,
    /// The signed timestamp is too far from now (a replay, or a wrong clock): answer 401.
    #[error("the signed timestamp is {} from now, beyond the tolerance of {}s", describe(*.skew_seconds), .tolerance.as_secs())]
    OutsideTolerance {
        /// How far the timestamp is from now, in seconds: positive in the past,
        /// negative in the future.
        skew_seconds: i64,
        /// The tolerance that was applied.
        tolerance: Duration,
    },
    /// The (verified) body is not JSON: answer 400.
    #[error("the body is not JSON: {0}")]
    NotJson(String),
    /// The body is JSON of a known kind that does not decode as that kind.
    #[error("the {object} payload does not decode at `{path}`: {message}")]
    InvalidPayload {
        /// The `object` field.
        object: String,
        /// Where decoding failed.
        path: String,
        /// Why, without the value.
        message: String,
    },
}

fn describe(skew: i64) -> String {
    if skew >= 0 {
        format!("{skew}s in the past")
    } else {
        format!("{}s in the future", -skew)
    }
}

impl WebhookError {
    /// The HTTP status a receiver should answer with: 401 when the sender
    /// could not be authenticated, 400 when the request itself is unusable.
    pub fn status(&self) -> u16 {
        match self {
            WebhookError::MissingHeader
            | WebhookError::SignatureMismatch
            | WebhookError::OutsideTolerance { .. } => 401,
            WebhookError::MalformedHeader(_)
            | WebhookError::NotJson(_)
            | WebhookError::InvalidPayload { .. } => 400,
        }
    }
}

/// A parsed header: the timestamp as written, its value, and the signature.
struct Signed<'h> {
    timestamp_text: &'h str,
    timestamp: u64,
    signature: [u8; 32],
}

/// Parses `t=<digits>,s=<hex>`. Parts are separated by commas; spaces and tabs
/// around a part, its key and its value are ignored (some proxies add them);
/// parts with other keys are ignored, for forward compatibility; `t` or `s`
/// twice is refused rather than guessed between.
fn parse(header: &str) -> Result<Signed<'_>, Malformed> {
    let header = header.trim_matches([' ', '\t']);
    if header.is_empty() {
        return Err(Malformed::Empty);
    }
    let (mut timestamp, mut signature) = (None, None);
    for part in header.split(',') {
        let (key, value) = part.split_once('=').ok_or(Malformed::NotKeyValue)?;
        let (key, value) = (
            key.trim_matches([' ', '\t']),
            value.trim_matches([' ', '\t']),
        );
        let slot = match key {
            "t" => &mut timestamp,
            "s" => &mut signature,
            _ => continue,
        };
        if slot.replace(value).is_some() {
            return Err(Malformed::Duplicate(if key == "t" { "t" } else { "s" }));
        }
    }
    let timestamp_text = timestamp.ok_or(Malformed::MissingTimestamp)?;
    let signature = signature.ok_or(Malformed::MissingSignature)?;
    if timestamp_text.is_empty()
        || timestamp_text.len() > 19
        || !timestamp_text.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(Malformed::BadTimestamp);
    }
    let timestamp = timestamp_text
        .parse()
        .map_err(|_| Malformed::BadTimestamp)?;
    let mut bytes = [0u8; 32];
    hex::decode_to_slice(signature, &mut bytes).map_err(|_| Malformed::BadSignature)?;
    Ok(Signed {
        timestamp_text,
        timestamp,
        signature: bytes,
    })
}

/// A timestamp in either unit, as milliseconds since the epoch.
fn to_millis(timestamp: u64) -> u64 {
    if timestamp >= MILLISECONDS_FROM {
        timestamp
    } else {
        timestamp.saturating_mul(1000)
    }
}

/// Verifies deliveries for one signing secret.
#[derive(Clone, Debug)]
pub struct Webhook {
    secret: SigningSecret,
    tolerance: Duration,
}

impl Webhook {
    /// A verifier with the default tolerance of five minutes.
    pub fn new(secret: impl Into<SigningSecret>) -> Self {
        Webhook {
            secret: secret.into(),
            tolerance: DEFAULT_TOLERANCE,
        }
    }

    /// How far the signed timestamp may be from now, either way.
    pub fn tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    fn mac(&self, timestamp: &str, body: &[u8]) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(self.secret.0.expose_secret().as_bytes())
            .expect("HMAC takes keys of any length");
        mac.update(timestamp.as_bytes());
        mac.update(b".");
        mac.update(body);
        mac
    }

    /// Checks the header against the raw body bytes and the clock.
    pub fn verify(&self, body: &[u8], header: Option<&str>) -> Result<(), WebhookError> {
        self.verify_at(body, header, SystemTime::now())
    }

    /// [`verify`](Self::verify) with an explicit "now".
    pub fn verify_at(
        &self,
        body: &[u8],
        header: Option<&str>,
        now: SystemTime,
    ) -> Result<(), WebhookError> {
        let header = header.ok_or(WebhookError::MissingHeader)?;
        let signed = parse(header).map_err(WebhookError::MalformedHeader)?;
        // `verify_slice` compares in constant time.
        self.mac(signed.timestamp_text, body)
            .verify_slice(&signed.signature)
            .map_err(|_| WebhookError::SignatureMismatch)?;
        let now = now
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_millis() as i128;
        let skew_millis = now - i128::from(to_millis(signed.timestamp));
        if skew_millis.unsigned_abs() > self.tolerance.as_millis() {
            let skew_seconds = i64::try_from(skew_millis / 1000).unwrap_or(if skew_millis > 0 {
                i64::MAX
            } else {
                i64::MIN
            });
            return Err(WebhookError::OutsideTolerance {
                skew_seconds,
                tolerance: self.tolerance,
            });
        }
        Ok(())
    }

    /// Verifies, then reads the body as an [`Event`]: the one call a handler needs.
    pub fn construct_event(
        &self,
        body: &[u8],
        header: Option<&str>,
    ) -> Result<Event, WebhookError> {
        self.verify(body, header)?;
        Event::from_json(body)
    }

    /// The header value Imprint would send for `body` at `timestamp` (in
    /// milliseconds, as documented). For testing your own receiver; Imprint signs
    /// real deliveries.
    pub fn sign(&self, body: &[u8], timestamp: SystemTime) -> String {
        let millis = timestamp
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_millis();
        self.sign_raw(body, &millis.to_string())
    }

    /// Like [`sign`](Self::sign) with `t` written exactly as given (for example
    /// in seconds). For testing.
    pub fn sign_raw(&self, body: &[u8], timestamp: &str) -> String {
        let signature = hex::encode(self.mac(timestamp, body).finalize().into_bytes());
        format!("t={timestamp},s={signature}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_form_and_deliberate_whitespace() {
        let sig = "ab".repeat(32);
        for header in [
            format!("t=1700000000,s={sig}"),
            format!(" t = 1700000000 ,\ts={sig} "),
            format!("s={sig},t=1700000000,v9=x"),
        ] {
            let signed = parse(&header).unwrap();
            assert_eq!(
                (signed.timestamp_text, signed.timestamp),
                ("1700000000", 1_700_000_000)
            );
        }
    }

    #[test]
    fn refuses_each_malformation_by_name() {
        let sig = "0f".repeat(32);
        let cases = [
            ("", Malformed::Empty),
            (" ", Malformed::Empty),
            ("t1,s2", Malformed::NotKeyValue),
            (&format!("s={sig}") as &str, Malformed::MissingTimestamp),
            ("t=1", Malformed::MissingSignature),
            (&format!("t=1,t=2,s={sig}"), Malformed::Duplicate("t")),
            (&format!("t=1,s={sig},s={sig}"), Malformed::Duplicate("s")),
            (&format!("t=-1,s={sig}"), Malformed::BadTimestamp),
            (&format!("t=1.5,s={sig}"), Malformed::BadTimestamp),
            (
                &format!("t=99999999999999999999,s={sig}"),
                Malformed::BadTimestamp,
            ),
            ("t=1,s=xyz", Malformed::BadSignature),
            (&format!("t=1,s={}", &sig[..62]), Malformed::BadSignature),
        ];
        for (header, expected) in cases {
            assert_eq!(parse(header).err(), Some(expected), "{header:?}");
        }
    }

    #[test]
    fn units_are_told_apart_by_size() {
        assert_eq!(to_millis(1_700_000_000), 1_700_000_000_000);
        assert_eq!(to_millis(1_700_000_000_123), 1_700_000_000_123);
    }

    #[test]
    fn the_secret_is_redacted() {
        let webhook = Webhook::new("whsec_live_abc");
        assert!(!format!("{webhook:?}").contains("whsec_live_abc"));
    }
}
