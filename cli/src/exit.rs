//! Exit codes by kind of failure, read off the SDK's error predicates, and the
//! one line of error text (never a body, a secret or personal data).

use std::process::ExitCode;

// 0: the command ran (and, for `webhook verify`, the delivery verifies);
// 2: clap's usage error.

/// Any other failure: an API error of no kind below, a file that cannot be
/// read, a response that does not decode.
pub const FAILURE: u8 = 1;
/// Credentials or settings are missing or malformed (a variable, a flag's
/// value, a base URL the SDK refuses).
pub const CONFIGURATION: u8 = 3;
/// Input refused: by the SDK before sending, as a `--json-body` that does not
/// decode as the operation's body, or by Imprint (400, 422).
pub const VALIDATION: u8 = 4;
/// Imprint answered 404.
pub const NOT_FOUND: u8 = 5;
/// Imprint answered 429 (after the SDK's retries, for a safe operation).
pub const RATE_LIMITED: u8 = 6;
/// Imprint kept answering with a retryable status (5xx) and the SDK stopped
/// retrying (attempts used up, deadline, a `Retry-After` beyond the policy).
pub const RETRIES_EXHAUSTED: u8 = 7;
/// No answer: a timeout or a connection failure, retried or not.
pub const TRANSPORT: u8 = 8;
/// `webhook verify`: the delivery does not verify.
pub const NOT_VERIFIED: u8 = 9;

/// The table `imprint --help` ends with.
pub const CODES: &str = "Exit codes: 0 success, 1 other failure, 2 usage, 3 configuration, \
4 validation, 5 not found, 6 rate limited, 7 retries exhausted, 8 transport (no answer), \
9 webhook does not verify";

/// A setting of the command line itself (not the SDK's) that is missing or
/// malformed: exits with [`CONFIGURATION`]. Names the variable, never a value.
#[derive(Debug)]
pub struct Configuration {
    /// The environment variable.
    pub variable: String,
    /// What is wrong with it.
    pub reason: &'static str,
}

impl std::fmt::Display for Configuration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.variable, self.reason)
    }
}

impl std::error::Error for Configuration {}

/// The exit code for a failure: by the SDK's error when there is one, the
/// first kind that applies in this order: configuration, validation, not
/// found, rate limited, transport, retries exhausted (so a 429 is "rate
/// limited" and a refused connection "transport" even once retries stopped).
pub fn code(error: &anyhow::Error) -> u8 {
    if error.is::<Configuration>() {
        return CONFIGURATION;
    }
    // The one JSON the CLI decodes is a `--json-body` file, into the
    // operation's body type, whose values check themselves (an SSN's digits).
    if error.is::<serde_json::Error>() {
        return VALIDATION;
    }
    let Some(error) = error.downcast_ref::<imprint::Error>() else {
        return FAILURE;
    };
    if matches!(error, imprint::Error::Config(_)) {
        CONFIGURATION
    } else if error.is_validation() {
        VALIDATION
    } else if error.is_not_found() {
        NOT_FOUND
    } else if error.is_rate_limited() {
        RATE_LIMITED
    } else if error.is_transport() {
        TRANSPORT
    } else if error.stopped_by().is_some() {
        RETRIES_EXHAUSTED
    } else {
        FAILURE
    }
}

/// Prints `error` on stderr and returns its exit code. The SDK's errors print
/// as the SDK displays them (already masked); any other text (file names, a
/// JSON parser's message quoting the input) goes through the SDK's masking.
pub fn report(error: &anyhow::Error) -> ExitCode {
    let text = match error.downcast_ref::<imprint::Error>() {
        Some(error) => error.to_string(),
        None if error.is::<Configuration>() => error.to_string(),
        None => imprint_types::redact::mask_text(&format!("{error:#}")),
    };
    eprintln!("error: {text}");
    ExitCode::from(code(error))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_sdk_error_is_coded_by_its_kind() {
        let refused = imprint::Error::from(imprint::Ssn::new("123").unwrap_err());
        assert_eq!(code(&refused.into()), VALIDATION);
        let config = imprint::Client::builder().build().unwrap_err();
        assert_eq!(code(&config.into()), CONFIGURATION);
        assert_eq!(code(&anyhow::anyhow!("no file")), FAILURE);
    }
}
