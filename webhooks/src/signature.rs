//! The `X-IMPRINT-HMAC-SIGNATURE` header: parsing, verification, signing.

use std::borrow::Cow;
use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hmac::{Hmac, KeyInit, Mac};
use secrecy::{ExposeSecret, SecretSlice};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use super::canonical::{CanonicalError, canonicalize};
use super::diagnose::Diagnosis;
use super::event::Event;
use super::reading::{KeyReading, MessageReading, Reading, TimestampUnit};
use imprint_types::REDACTED;

/// The header Imprint signs deliveries with.
pub const SIGNATURE_HEADER: &str = "X-IMPRINT-HMAC-SIGNATURE";

/// Default tolerance between the signed timestamp and the receiver's clock.
const DEFAULT_TOLERANCE: Duration = Duration::from_secs(5 * 60);

/// The longest body a [`Webhook`] works on unless told otherwise
/// ([`Webhook::max_body`]): 1 MiB. Imprint's payloads are flat objects of a
/// few dozen fields, a few kilobytes at most (the fake server's deliveries
/// are under one), so this leaves a wide margin while bounding what a forged
/// delivery can make the verifier do.
pub const DEFAULT_MAX_BODY: usize = 1024 * 1024;

/// A webhook signing secret: the token Imprint issued, or raw key bytes. Held
/// as a secret (wiped on drop); `Debug` shows [`REDACTED`].
#[derive(Clone)]
pub struct SigningSecret(SecretSlice<u8>);

impl SigningSecret {
    /// Wraps a token, exactly as Imprint issued it: its UTF-8 bytes are the
    /// secret.
    pub fn new(token: impl Into<String>) -> Self {
        SigningSecret::from_bytes(token.into().into_bytes())
    }

    /// Wraps raw key bytes: for a key you hold in binary form, for example a
    /// token you decoded from hex or base64, or one you already hashed
    /// yourself (then keep the default [`KeyReading::Token`], which uses the
    /// bytes as they are).
    pub fn from_bytes(key: impl Into<Vec<u8>>) -> Self {
        SigningSecret(SecretSlice::from(key.into()))
    }

    fn bytes(&self) -> &[u8] {
        self.0.expose_secret()
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

/// Why a header is not `t=<digits>,s=<64 hex digits>[,s=…]`.
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
    /// `t` appears twice (several `s` are fine: see [`Webhook::also_accept`]).
    Duplicate(&'static str),
    /// `t` is not a run of ASCII digits.
    BadTimestamp,
    /// An `s` is not 64 hexadecimal digits.
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
            Malformed::BadSignature => write!(f, "an `s` is not 64 hexadecimal digits"),
        }
    }
}

/// Why a delivery was rejected. None of them repeats the secret or the body.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// The body is longer than the verifier's limit ([`Webhook::max_body`]),
    /// so nothing else was looked at: answer 413.
    #[error("the body is {length} bytes, over the limit of {limit} bytes")]
    BodyTooLarge {
        /// The body's length, in bytes.
        length: usize,
        /// The limit that was applied, in bytes.
        limit: usize,
    },
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
    /// Under [`MessageReading::CanonicalJson`], the body has no canonical form
    /// (so nothing to check the signature against): answer 400.
    #[error("the body has no canonical JSON form: {0}")]
    NotCanonical(CanonicalError),
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
    /// could not be authenticated, 400 when the request itself is unusable,
    /// 413 when the body is over the verifier's limit.
    pub fn status(&self) -> u16 {
        match self {
            WebhookError::BodyTooLarge { .. } => 413,
            WebhookError::MissingHeader
            | WebhookError::SignatureMismatch
            | WebhookError::OutsideTolerance { .. } => 401,
            WebhookError::MalformedHeader(_)
            | WebhookError::NotCanonical(_)
            | WebhookError::NotJson(_)
            | WebhookError::InvalidPayload { .. } => 400,
        }
    }
}

/// A parsed header: the timestamp as written, its value, and the signatures.
pub(super) struct Signed<'h> {
    pub(super) timestamp_text: &'h str,
    pub(super) timestamp: u64,
    pub(super) signatures: Vec<[u8; 32]>,
}

/// Parses `t=<digits>,s=<hex>[,s=<hex>…]`. Parts are separated by commas;
/// spaces and tabs around a part, its key and its value are ignored (some
/// proxies add them), and so are empty parts (a trailing comma); parts with
/// other keys are ignored, for forward compatibility. Several `s` are all
/// checked (a sender signing with an old and a new secret during a rotation);
/// `t` twice is refused rather than guessed between.
pub(super) fn parse(header: &str) -> Result<Signed<'_>, Malformed> {
    let header = header.trim_matches([' ', '\t']);
    if header.is_empty() {
        return Err(Malformed::Empty);
    }
    let (mut timestamp, mut signatures) = (None, Vec::new());
    for part in header.split(',') {
        let part = part.trim_matches([' ', '\t']);
        if part.is_empty() {
            continue;
        }
        let (key, value) = part.split_once('=').ok_or(Malformed::NotKeyValue)?;
        let (key, value) = (
            key.trim_matches([' ', '\t']),
            value.trim_matches([' ', '\t']),
        );
        match key {
            "t" if timestamp.is_some() => return Err(Malformed::Duplicate("t")),
            "t" => timestamp = Some(value),
            "s" => signatures.push(value),
            _ => {}
        }
    }
    let timestamp_text = timestamp.ok_or(Malformed::MissingTimestamp)?;
    if signatures.is_empty() {
        return Err(Malformed::MissingSignature);
    }
    if timestamp_text.is_empty()
        || timestamp_text.len() > 19
        || !timestamp_text.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(Malformed::BadTimestamp);
    }
    let timestamp = timestamp_text
        .parse()
        .map_err(|_| Malformed::BadTimestamp)?;
    let signatures = signatures
        .into_iter()
        .map(|text| {
            let mut bytes = [0u8; 32];
            hex::decode_to_slice(text, &mut bytes).map(|()| bytes)
        })
        .collect::<Result<_, _>>()
        .map_err(|_| Malformed::BadSignature)?;
    Ok(Signed {
        timestamp_text,
        timestamp,
        signatures,
    })
}

/// The bytes signed after `<t>.` under `reading`.
pub(super) fn signed_message(
    reading: MessageReading,
    body: &[u8],
) -> Result<Cow<'_, [u8]>, CanonicalError> {
    match reading {
        MessageReading::RawBody => Ok(Cow::Borrowed(body)),
        MessageReading::CanonicalJson => canonicalize(body).map(Cow::Owned),
    }
}

/// HMAC-SHA256 of `<timestamp>.<message>` under `secret` read as `key`.
fn tag(secret: &SigningSecret, key: KeyReading, timestamp: &str, message: &[u8]) -> [u8; 32] {
    let key = key.key(secret.bytes());
    let mut mac =
        Hmac::<Sha256>::new_from_slice(key.expose_secret()).expect("HMAC takes keys of any length");
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(message);
    mac.finalize().into_bytes().into()
}

/// Which secret (by position) produced which of the header's signatures, if any.
pub(super) fn find_match(
    secrets: &[SigningSecret],
    key: KeyReading,
    signed: &Signed<'_>,
    message: &[u8],
) -> Option<(usize, usize)> {
    secrets
        .iter()
        .enumerate()
        .find_map(|(secret_index, secret)| {
            let expected = tag(secret, key, signed.timestamp_text, message);
            signed
                .signatures
                .iter()
                // Constant time, so the comparison leaks nothing about the expected tag.
                .position(|signature| bool::from(expected.ct_eq(signature)))
                .map(|signature_index| (secret_index, signature_index))
        })
}

/// How far `timestamp` is before `now`, in milliseconds (negative: in the future).
pub(super) fn skew_millis(timestamp: u64, now: SystemTime) -> i128 {
    let now = now
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis() as i128;
    now - i128::from(TimestampUnit::of(timestamp).to_millis(timestamp))
}

/// Whole seconds of a skew in milliseconds, saturating.
pub(super) fn skew_seconds(skew_millis: i128) -> i64 {
    i64::try_from(skew_millis / 1000).unwrap_or(if skew_millis > 0 { i64::MAX } else { i64::MIN })
}

/// Verifies deliveries: one or more signing secrets, one [`Reading`] of the
/// docs, and a timestamp tolerance.
///
/// A delivery passes when any of the header's `s=` values is the HMAC of
/// `<t>.<message>` under any of the secrets, with the key and the message taken
/// as the reading says. See [the module documentation](super) for the readings,
/// rotation and what to answer.
///
/// A body longer than [`max_body`](Self::max_body) (default
/// [`DEFAULT_MAX_BODY`]) is refused before anything else is done with it.
/// That bounds the verifier's work, not your server's memory, which has read
/// the body by then: bound it in the server too, at the same limit. With
/// axum, [`DefaultBodyLimit`] refuses a longer body with 413 while reading
/// it, before the handler runs:
///
/// ```
/// use axum::{Router, body::Bytes, extract::DefaultBodyLimit, routing::post};
/// use imprint::webhook::Webhook;
///
/// let webhook = Webhook::new("whsec_test_token");
/// let app: Router = Router::new()
///     .route("/webhooks/imprint", post(|body: Bytes| async move { body.len().to_string() }))
///     .layer(DefaultBodyLimit::max(webhook.body_limit()));
/// ```
///
/// Elsewhere, tower-http's `RequestBodyLimitLayer` (any tower server) and
/// actix-web's `PayloadConfig` do the same.
///
/// [`DefaultBodyLimit`]: https://docs.rs/axum/0.8/axum/extract/struct.DefaultBodyLimit.html
#[derive(Clone, Debug)]
pub struct Webhook {
    pub(super) secrets: Vec<SigningSecret>,
    pub(super) reading: Reading,
    pub(super) tolerance: Duration,
    pub(super) max_body: usize,
}

impl Webhook {
    /// A verifier for one secret, with the default reading (the token as the
    /// key, the raw body as the message), a tolerance of five minutes and a
    /// body limit of [`DEFAULT_MAX_BODY`].
    pub fn new(secret: impl Into<SigningSecret>) -> Self {
        Webhook {
            secrets: vec![secret.into()],
            reading: Reading::default(),
            tolerance: DEFAULT_TOLERANCE,
            max_body: DEFAULT_MAX_BODY,
        }
    }

    /// Accepts signatures made with `secret` too: during a rotation, keep the
    /// old secret next to the new one until deliveries signed with it stop.
    /// Each secret is read with the same [`Reading`].
    pub fn also_accept(mut self, secret: impl Into<SigningSecret>) -> Self {
        self.secrets.push(secret.into());
        self
    }

    /// How the HMAC key is made from each secret (default [`KeyReading::Token`]).
    pub fn key_reading(mut self, key: KeyReading) -> Self {
        self.reading.key = key;
        self
    }

    /// Which bytes are signed (default [`MessageReading::RawBody`]).
    pub fn message_reading(mut self, message: MessageReading) -> Self {
        self.reading.message = message;
        self
    }

    /// The reading this verifier applies.
    pub fn reading(&self) -> Reading {
        self.reading
    }

    /// How far the signed timestamp may be from now, either way.
    pub fn tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// The longest body this verifier works on, in bytes (default
    /// [`DEFAULT_MAX_BODY`]). A longer one is refused with
    /// [`WebhookError::BodyTooLarge`] before the header is read, any HMAC is
    /// computed or anything is parsed, by [`verify`](Self::verify),
    /// [`construct_event`](Self::construct_event) and
    /// [`diagnose`](Self::diagnose) alike. Bound the body in your HTTP server
    /// at the same limit too ([`body_limit`](Self::body_limit)), so that
    /// memory is bounded before the body reaches the SDK.
    pub fn max_body(mut self, bytes: usize) -> Self {
        self.max_body = bytes;
        self
    }

    /// The body limit this verifier applies, in bytes: the value to give
    /// your HTTP server's own body limit.
    pub fn body_limit(&self) -> usize {
        self.max_body
    }

    /// [`WebhookError::BodyTooLarge`] for a body over the limit.
    fn check_length(&self, body: &[u8]) -> Result<(), WebhookError> {
        if body.len() > self.max_body {
            return Err(WebhookError::BodyTooLarge {
                length: body.len(),
                limit: self.max_body,
            });
        }
        Ok(())
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
        self.check_length(body)?;
        let header = header.ok_or(WebhookError::MissingHeader)?;
        let signed = parse(header).map_err(WebhookError::MalformedHeader)?;
        let message =
            signed_message(self.reading.message, body).map_err(WebhookError::NotCanonical)?;
        find_match(&self.secrets, self.reading.key, &signed, &message)
            .ok_or(WebhookError::SignatureMismatch)?;
        let skew = skew_millis(signed.timestamp, now);
        if skew.unsigned_abs() > self.tolerance.as_millis() {
            return Err(WebhookError::OutsideTolerance {
                skew_seconds: skew_seconds(skew),
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

    /// Which readings verify one captured delivery, and which do not, for each
    /// of this verifier's secrets: see [`Diagnosis`]. The timestamp is
    /// reported, not held against the delivery, since a captured delivery is
    /// usually old. Only a body over the [limit](Self::max_body) or a
    /// malformed header is an error.
    pub fn diagnose(&self, body: &[u8], header: &str) -> Result<Diagnosis, WebhookError> {
        self.diagnose_at(body, header, SystemTime::now())
    }

    /// [`diagnose`](Self::diagnose) with an explicit "now".
    pub fn diagnose_at(
        &self,
        body: &[u8],
        header: &str,
        now: SystemTime,
    ) -> Result<Diagnosis, WebhookError> {
        self.check_length(body)?;
        let signed = parse(header).map_err(WebhookError::MalformedHeader)?;
        Ok(Diagnosis::new(self, &signed, body, now))
    }

    /// The header value Imprint would send for `body` at `timestamp` (in
    /// milliseconds, as documented), under this verifier's reading, with one
    /// `s=` per secret. For testing your own receiver; Imprint signs real
    /// deliveries.
    pub fn sign(&self, body: &[u8], timestamp: SystemTime) -> String {
        let millis = timestamp
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_millis();
        self.sign_raw(body, &millis.to_string())
    }

    /// Like [`sign`](Self::sign) with `t` written exactly as given (for example
    /// in seconds). For testing.
    ///
    /// Under [`MessageReading::CanonicalJson`], a body without a canonical form
    /// is signed as it is, so that a test can send one and watch the verifier
    /// refuse it with [`WebhookError::NotCanonical`].
    pub fn sign_raw(&self, body: &[u8], timestamp: &str) -> String {
        let message = signed_message(self.reading.message, body).unwrap_or(Cow::Borrowed(body));
        let mut header = format!("t={timestamp}");
        for secret in &self.secrets {
            header.push_str(",s=");
            header.push_str(&hex::encode(tag(
                secret,
                self.reading.key,
                timestamp,
                &message,
            )));
        }
        header
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
            format!("t=1700000000,s={sig},"),
            format!("t=1700000000,s={sig}, \t,"),
            format!(",t=1700000000,,s={sig}"),
        ] {
            let signed = parse(&header).unwrap();
            assert_eq!(
                (signed.timestamp_text, signed.timestamp),
                ("1700000000", 1_700_000_000),
                "{header:?}"
            );
            assert_eq!(signed.signatures, vec![[0xab; 32]], "{header:?}");
        }
    }

    #[test]
    fn keeps_every_signature_in_order() {
        let (a, b) = ("0a".repeat(32), "0b".repeat(32));
        let header = format!("t=1,s={a},v1=other,s={b},s={a}");
        let signed = parse(&header).unwrap();
        assert_eq!(signed.signatures, vec![[0x0a; 32], [0x0b; 32], [0x0a; 32]]);
    }

    #[test]
    fn refuses_each_malformation_by_name() {
        let sig = "0f".repeat(32);
        let cases = [
            ("", Malformed::Empty),
            (" ", Malformed::Empty),
            (",", Malformed::MissingTimestamp),
            ("t1,s2", Malformed::NotKeyValue),
            (&format!("s={sig}") as &str, Malformed::MissingTimestamp),
            ("t=1", Malformed::MissingSignature),
            ("t=1,", Malformed::MissingSignature),
            (&format!("t=1,t=2,s={sig}"), Malformed::Duplicate("t")),
            (&format!("t=-1,s={sig}"), Malformed::BadTimestamp),
            (&format!("t=1.5,s={sig}"), Malformed::BadTimestamp),
            (
                &format!("t=99999999999999999999,s={sig}"),
                Malformed::BadTimestamp,
            ),
            ("t=1,s=xyz", Malformed::BadSignature),
            (&format!("t=1,s={}", &sig[..62]), Malformed::BadSignature),
            (&format!("t=1,s={sig},s=xyz"), Malformed::BadSignature),
        ];
        for (header, expected) in cases {
            assert_eq!(parse(header).err(), Some(expected), "{header:?}");
        }
    }

    #[test]
    fn a_body_over_the_limit_is_refused_before_anything_is_read() {
        let webhook = Webhook::new("tok")
            .message_reading(MessageReading::CanonicalJson)
            .max_body(8);
        assert_eq!(webhook.body_limit(), 8);
        let at_limit = br#"{"a":10}"#;
        let header = webhook.sign(at_limit, SystemTime::now());
        webhook.verify(at_limit, Some(&header)).unwrap();
        // Not JSON, no header, a malformed one: the length is all that is
        // looked at.
        let over = b"not json!";
        for header in [None, Some("t=x"), Some(header.as_str())] {
            let error = webhook.verify(over, header).unwrap_err();
            assert!(
                matches!(
                    error,
                    WebhookError::BodyTooLarge {
                        length: 9,
                        limit: 8
                    }
                ),
                "{error:?}"
            );
            assert_eq!(error.status(), 413);
            assert_eq!(
                error.to_string(),
                "the body is 9 bytes, over the limit of 8 bytes"
            );
        }
        assert!(matches!(
            webhook.diagnose(over, "t=x"),
            Err(WebhookError::BodyTooLarge { .. })
        ));
        assert_eq!(Webhook::new("tok").body_limit(), DEFAULT_MAX_BODY);
    }

    #[test]
    fn the_secrets_are_redacted() {
        let webhook = Webhook::new("whsec_live_abc")
            .also_accept(SigningSecret::from_bytes(b"raw-key-bytes".to_vec()));
        let shown = format!("{webhook:?}");
        assert!(!shown.contains("whsec_live_abc"), "{shown}");
        assert!(!shown.contains("raw-key-bytes"), "{shown}");
        assert!(!shown.contains("114, 97, 119"), "{shown}");
        assert_eq!(shown.matches(REDACTED).count(), 2, "{shown}");
    }
}
