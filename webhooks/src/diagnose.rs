//! Which readings of the docs one captured delivery matches.

use std::fmt;
use std::time::{Duration, SystemTime};

use super::canonical::CanonicalError;
use super::reading::{Reading, TimestampUnit};
use super::signature::{Signed, Webhook, find_match, signed_message, skew_millis, skew_seconds};

/// What one reading made of a delivery.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// The delivery verifies under this reading.
    Verifies {
        /// Which secret matched: 0 for the one given to [`Webhook::new`], then
        /// those given to [`Webhook::also_accept`] in order.
        secret: usize,
        /// Which of the header's `s=` values matched, from 0.
        signature: usize,
    },
    /// No secret produces any of the header's signatures under this reading.
    DoesNotVerify,
    /// This reading gives no message to check (the body has no canonical form).
    NoMessage(CanonicalError),
}

/// The report of [`Webhook::diagnose`]: every [`Reading`] with its [`Outcome`],
/// and what the header's timestamp says. It holds no secret and no part of
/// the body, so it can be printed or logged as it is.
#[derive(Clone, Debug)]
pub struct Diagnosis {
    configured: Reading,
    timestamp: u64,
    unit: TimestampUnit,
    skew_seconds: i64,
    within_tolerance: bool,
    tolerance: Duration,
    signatures: usize,
    secrets: usize,
    outcomes: Vec<(Reading, Outcome)>,
}

impl Diagnosis {
    pub(super) fn new(
        webhook: &Webhook,
        signed: &Signed<'_>,
        body: &[u8],
        now: SystemTime,
    ) -> Diagnosis {
        let outcomes = Reading::all()
            .map(|reading| {
                let outcome = match signed_message(reading.message, body) {
                    Err(error) => Outcome::NoMessage(error),
                    Ok(message) => {
                        match find_match(&webhook.secrets, reading.key, signed, &message) {
                            Some((secret, signature)) => Outcome::Verifies { secret, signature },
                            None => Outcome::DoesNotVerify,
                        }
                    }
                };
                (reading, outcome)
            })
            .collect();
        let skew = skew_millis(signed.timestamp, now);
        Diagnosis {
            configured: webhook.reading,
            timestamp: signed.timestamp,
            unit: TimestampUnit::of(signed.timestamp),
            skew_seconds: skew_seconds(skew),
            within_tolerance: skew.unsigned_abs() <= webhook.tolerance.as_millis(),
            tolerance: webhook.tolerance,
            signatures: signed.signatures.len(),
            secrets: webhook.secrets.len(),
            outcomes,
        }
    }

    /// Every reading with its outcome, in the order of [`Reading::all`].
    pub fn outcomes(&self) -> &[(Reading, Outcome)] {
        &self.outcomes
    }

    /// The outcome of one reading.
    pub fn outcome(&self, reading: Reading) -> &Outcome {
        self.outcomes
            .iter()
            .find_map(|(r, outcome)| (*r == reading).then_some(outcome))
            .expect("every reading is diagnosed")
    }

    /// The readings under which the delivery verifies.
    pub fn matching(&self) -> Vec<Reading> {
        self.outcomes
            .iter()
            .filter(|(_, outcome)| matches!(outcome, Outcome::Verifies { .. }))
            .map(|(reading, _)| *reading)
            .collect()
    }

    /// The reading to configure: the first that verifies, in the order of
    /// [`Reading::all`]. When a body is already canonical, both message
    /// readings verify and the raw body is preferred, since it authenticates
    /// the bytes before anything parses them.
    pub fn recommended(&self) -> Option<Reading> {
        self.matching().first().copied()
    }

    /// The reading the diagnosing [`Webhook`] is configured with.
    pub fn configured(&self) -> Reading {
        self.configured
    }

    /// The header's `t`, as a number.
    pub fn timestamp(&self) -> u64 {
        self.timestamp
    }

    /// The unit `t` is read in.
    pub fn unit(&self) -> TimestampUnit {
        self.unit
    }

    /// How long before the diagnosis the delivery was signed, in seconds
    /// (negative: in the future).
    pub fn skew_seconds(&self) -> i64 {
        self.skew_seconds
    }

    /// Whether [`Webhook::verify`] would accept the timestamp now.
    pub fn within_tolerance(&self) -> bool {
        self.within_tolerance
    }
}

impl fmt::Display for Diagnosis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        writeln!(
            f,
            "{} signature{} in the header, checked against {} secret{}, under each reading:",
            self.signatures,
            plural(self.signatures),
            self.secrets,
            plural(self.secrets)
        )?;
        for (reading, outcome) in &self.outcomes {
            let configured = if *reading == self.configured {
                "  (this verifier's reading)"
            } else {
                ""
            };
            match outcome {
                Outcome::Verifies { secret, signature } => writeln!(
                    f,
                    "  verifies        {reading}  [secret #{}, signature #{}]{configured}",
                    secret + 1,
                    signature + 1
                )?,
                Outcome::DoesNotVerify => writeln!(f, "  does not verify {reading}{configured}")?,
                Outcome::NoMessage(error) => {
                    writeln!(f, "  cannot apply    {reading}: {error}{configured}")?
                }
            }
        }
        let seconds = self.skew_seconds.unsigned_abs();
        let days = match seconds / 86_400 {
            0 => String::new(),
            1 => " (1 day)".to_string(),
            n => format!(" ({n} days)"),
        };
        let when = if self.skew_seconds >= 0 {
            format!("{seconds}s{days} ago")
        } else {
            format!("{seconds}s{days} in the future")
        };
        write!(
            f,
            "Timestamp t={} is read in {}: signed {when}; ",
            self.timestamp, self.unit
        )?;
        if self.within_tolerance {
            write!(f, "within the tolerance of {}s.", self.tolerance.as_secs())
        } else {
            write!(
                f,
                "beyond the tolerance of {}s, so `verify` would refuse it now as outside tolerance (expected for an old capture).",
                self.tolerance.as_secs()
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::UNIX_EPOCH;

    use super::super::reading::{KeyReading, MessageReading};
    use super::*;

    #[test]
    fn names_the_reading_the_delivery_was_signed_with_and_no_other() {
        let body = br#"{"b": 1, "a": 2}"#;
        let at = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        for reading in Reading::all() {
            let signer = Webhook::new("tok")
                .key_reading(reading.key)
                .message_reading(reading.message);
            let header = signer.sign(body, at);
            let diagnosis = Webhook::new("tok").diagnose_at(body, &header, at).unwrap();
            assert_eq!(diagnosis.matching(), vec![reading], "{diagnosis}");
            assert_eq!(diagnosis.recommended(), Some(reading));
            assert_eq!(diagnosis.unit(), TimestampUnit::Milliseconds);
            assert!(diagnosis.within_tolerance());
        }
    }

    #[test]
    fn reports_the_second_secret_and_signature_that_matched() {
        let body = b"{}";
        let header = format!(
            "t=1700000000,s={},s={}",
            "00".repeat(32),
            &Webhook::new("new").sign_raw(body, "1700000000")[15..]
        );
        let diagnosis = Webhook::new("old")
            .also_accept("new")
            .diagnose_at(body, &header, UNIX_EPOCH)
            .unwrap();
        assert_eq!(
            diagnosis.outcome(Reading::default()),
            &Outcome::Verifies {
                secret: 1,
                signature: 1
            }
        );
        assert_eq!(diagnosis.unit(), TimestampUnit::Seconds);
        assert!(!diagnosis.within_tolerance());
        assert!(diagnosis.skew_seconds() < 0);
    }

    #[test]
    fn a_body_without_canonical_form_is_reported_not_skipped() {
        let diagnosis = Webhook::new("tok")
            .diagnose_at(
                b"not json",
                &format!("t=1,s={}", "00".repeat(32)),
                UNIX_EPOCH,
            )
            .unwrap();
        for (reading, outcome) in diagnosis.outcomes() {
            match reading.message {
                MessageReading::RawBody => assert_eq!(outcome, &Outcome::DoesNotVerify),
                MessageReading::CanonicalJson => {
                    assert!(matches!(
                        outcome,
                        Outcome::NoMessage(CanonicalError::NotJson(_))
                    ))
                }
            }
        }
        assert_eq!(diagnosis.outcomes().len(), 6);
        assert_eq!(diagnosis.recommended(), None);
        let shown = diagnosis.to_string();
        assert_eq!(shown.matches("cannot apply").count(), 3, "{shown}");
        assert_eq!(shown.matches("does not verify").count(), 3, "{shown}");
        assert!(!shown.contains("not json"), "{shown}");
        assert_eq!(
            diagnosis.configured(),
            Reading {
                key: KeyReading::Token,
                message: MessageReading::RawBody
            }
        );
    }
}
