//! The readings of Imprint's "Verify event signature" page that a [`Webhook`](super::Webhook)
//! can be set to: how the HMAC key comes from the signing token, and which bytes
//! are signed.

use std::fmt;

use secrecy::SecretSlice;
use sha2::{Digest, Sha256};

/// How the HMAC-SHA256 key is made from the signing secret.
///
/// Imprint's docs: the HMAC is computed "using the signing token you were
/// provided during event enrollment (hashed with SHA-256)". That parenthesis can
/// describe the HMAC (HMAC-*SHA256*) or the key (the token's SHA-256 digest);
/// the second reading leaves open whether the digest is used as bytes or as its
/// hexadecimal spelling.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyReading {
    /// The key is the token itself (its UTF-8 bytes, or the bytes given to
    /// [`SigningSecret::from_bytes`](super::SigningSecret::from_bytes)): "using
    /// the signing token you were provided", with "hashed with SHA-256" read as
    /// naming the HMAC. The default: the usual convention (Stripe and GitHub
    /// key their webhook HMACs with the secret string itself), and what this
    /// SDK has always done.
    #[default]
    Token,
    /// The key is the 32-byte SHA-256 digest of the token: "the signing token
    /// […] (hashed with SHA-256)" read as hashing the token first.
    Sha256OfToken,
    /// The key is the 64 lowercase hexadecimal digits of the token's SHA-256
    /// digest, as text: the same reading as [`Sha256OfToken`](Self::Sha256OfToken)
    /// for a server that keys its HMAC with a hex digest string (common in
    /// Python and JavaScript code).
    Sha256HexOfToken,
}

impl KeyReading {
    /// Every key reading, in the order [`Webhook::diagnose`](super::Webhook::diagnose) tries them.
    pub const ALL: [KeyReading; 3] = [
        KeyReading::Token,
        KeyReading::Sha256OfToken,
        KeyReading::Sha256HexOfToken,
    ];

    /// The HMAC key for `secret` under this reading (a secret too, wiped on drop).
    pub(super) fn key(self, secret: &[u8]) -> SecretSlice<u8> {
        SecretSlice::from(match self {
            KeyReading::Token => secret.to_vec(),
            KeyReading::Sha256OfToken => Sha256::digest(secret).to_vec(),
            KeyReading::Sha256HexOfToken => hex::encode(Sha256::digest(secret)).into_bytes(),
        })
    }

    fn describe(self) -> &'static str {
        match self {
            KeyReading::Token => "key = the token",
            KeyReading::Sha256OfToken => "key = SHA-256(token)",
            KeyReading::Sha256HexOfToken => "key = hex(SHA-256(token))",
        }
    }
}

/// Which bytes follow `<t>.` in the signed message.
///
/// Imprint's docs say the message is the timestamp, a `.`, and "the raw POST
/// body as a string"; their worked example turns the body
/// `{"hello": "world", "amount": 5000}` into the message
/// `1723493048949.{"amount":5000,"hello":"world"}`, which is not the raw body but
/// compact JSON with sorted keys.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MessageReading {
    /// The body exactly as received: "the raw POST body as a string". The
    /// default: it is what the text says, it authenticates the bytes before
    /// anything parses them, and it matches the example whenever Imprint sends
    /// its bodies already compact and sorted.
    #[default]
    RawBody,
    /// The canonical JSON form of the body: what the docs' example shows. See
    /// [`canonicalize`](super::canonicalize) for the exact rules; a body that has
    /// no canonical form (not JSON, a key twice in one object, nested too
    /// deep) is refused with [`WebhookError::NotCanonical`](super::WebhookError::NotCanonical).
    /// This reading parses the body before authenticating it (within the
    /// bounds of [`MAX_DEPTH`](super::MAX_DEPTH)).
    CanonicalJson,
}

impl MessageReading {
    /// Every message reading, in the order [`Webhook::diagnose`](super::Webhook::diagnose) tries them.
    pub const ALL: [MessageReading; 2] = [MessageReading::RawBody, MessageReading::CanonicalJson];

    fn describe(self) -> &'static str {
        match self {
            MessageReading::RawBody => "message = t.raw body",
            MessageReading::CanonicalJson => "message = t.canonical JSON",
        }
    }
}

/// One combination of a [`KeyReading`] and a [`MessageReading`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Reading {
    /// How the key is made from the secret.
    pub key: KeyReading,
    /// Which bytes are signed.
    pub message: MessageReading,
}

impl Reading {
    /// Every combination, key reading first: the default one first.
    pub fn all() -> impl Iterator<Item = Reading> {
        KeyReading::ALL.into_iter().flat_map(|key| {
            MessageReading::ALL
                .into_iter()
                .map(move |message| Reading { key, message })
        })
    }
}

impl fmt::Display for Reading {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}, {}", self.key.describe(), self.message.describe())
    }
}

/// The unit of a header's `t`, told apart by size (see [the module
/// documentation](super#timestamps)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TimestampUnit {
    /// Below 10¹¹: seconds since the epoch.
    Seconds,
    /// 10¹¹ and above: milliseconds since the epoch.
    Milliseconds,
}

/// Timestamps from this value up are milliseconds; below it, seconds.
const MILLISECONDS_FROM: u64 = 100_000_000_000;

impl TimestampUnit {
    /// The unit a timestamp of this value is read in.
    pub fn of(timestamp: u64) -> TimestampUnit {
        if timestamp >= MILLISECONDS_FROM {
            TimestampUnit::Milliseconds
        } else {
            TimestampUnit::Seconds
        }
    }

    /// `timestamp`, read in this unit, as milliseconds since the epoch.
    pub(super) fn to_millis(self, timestamp: u64) -> u64 {
        match self {
            TimestampUnit::Milliseconds => timestamp,
            TimestampUnit::Seconds => timestamp.saturating_mul(1000),
        }
    }
}

impl fmt::Display for TimestampUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TimestampUnit::Seconds => "seconds",
            TimestampUnit::Milliseconds => "milliseconds",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_are_told_apart_by_size() {
        for (t, unit, millis) in [
            (1_700_000_000, TimestampUnit::Seconds, 1_700_000_000_000),
            (99_999_999_999, TimestampUnit::Seconds, 99_999_999_999_000),
            (
                100_000_000_000,
                TimestampUnit::Milliseconds,
                100_000_000_000,
            ),
            (
                1_700_000_000_123,
                TimestampUnit::Milliseconds,
                1_700_000_000_123,
            ),
        ] {
            assert_eq!(TimestampUnit::of(t), unit);
            assert_eq!(unit.to_millis(t), millis);
        }
    }

    #[test]
    fn all_lists_each_combination_once_default_first() {
        let all: Vec<Reading> = Reading::all().collect();
        assert_eq!(all.len(), 6);
        assert_eq!(all[0], Reading::default());
        for (i, a) in all.iter().enumerate() {
            assert!(all[i + 1..].iter().all(|b| b != a));
        }
    }

    #[test]
    fn keys_per_reading() {
        // python3 -c "import hashlib; print(hashlib.sha256(b'abc').hexdigest())"
        let digest = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        use secrecy::ExposeSecret;
        let key = |reading: KeyReading| reading.key(b"abc").expose_secret().to_vec();
        assert_eq!(key(KeyReading::Token), b"abc");
        assert_eq!(key(KeyReading::Sha256OfToken), hex::decode(digest).unwrap());
        assert_eq!(key(KeyReading::Sha256HexOfToken), digest.as_bytes());
    }
}
