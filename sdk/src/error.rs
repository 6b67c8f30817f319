//! The SDK's one error type.
//!
//! Every failure of a call becomes an [`Error`]: the API's error envelope in any
//! of its shapes, a body that is not JSON at all, a timeout, a transport failure,
//! a success body that does not decode, input refused before sending, a
//! pagination that cannot continue, or a client that cannot be built. Messages
//! name the operation and never contain a secret; raw bodies stay reachable
//! through [`ApiError::body`] for whoever needs them.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use progenitor_client::ResponseValue;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::operation::OperationMeta;
use crate::pagination::PaginationErrorKind;
use crate::redact;
use crate::validate::ValidationError;

/// `Result` with the SDK's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// How much of an error body is kept (the rest is dropped unread).
pub const MAX_ERROR_BODY: usize = 64 * 1024;

/// Everything that can go wrong calling Imprint.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The API answered with a non-2xx status.
    #[error(transparent)]
    Api(Box<ApiError>),
    /// The request was refused before anything was sent.
    #[error("{}{source}", prefix(operation))]
    Validation {
        /// The operation that was not sent (empty when the input was refused
        /// before a request was built, as by [`Ssn::new`](crate::Ssn::new)).
        operation: &'static str,
        /// Which field, and why.
        #[source]
        source: ValidationError,
    },
    /// No response in time (connect or request timeout), on the last attempt.
    #[error("{operation}: timed out (after {attempts} attempt(s))")]
    Timeout {
        /// The operation.
        operation: &'static str,
        /// Requests sent, including the one that timed out.
        attempts: u32,
        /// The underlying error (its URL removed).
        #[source]
        source: reqwest::Error,
    },
    /// The connection failed or broke, on the last attempt.
    #[error("{operation}: transport error (after {attempts} attempt(s))")]
    Transport {
        /// The operation.
        operation: &'static str,
        /// Requests sent.
        attempts: u32,
        /// The underlying error (its URL removed).
        #[source]
        source: reqwest::Error,
    },
    /// A success response whose body is not the documented type.
    #[error(transparent)]
    Decode(Box<DecodeError>),
    /// A pagination stream could not continue.
    #[error("{operation}: pagination stopped at page {page}: {kind}")]
    Pagination {
        /// The list operation.
        operation: &'static str,
        /// The page (1-based) that could not be followed.
        page: u64,
        /// What was wrong with it.
        kind: PaginationErrorKind,
    },
    /// The client could not be configured.
    #[error(transparent)]
    Config(#[from] ConfigError),
}

fn prefix(operation: &str) -> String {
    if operation.is_empty() {
        String::new()
    } else {
        format!("{operation}: ")
    }
}

impl From<ValidationError> for Error {
    fn from(source: ValidationError) -> Self {
        Error::Validation {
            operation: "",
            source,
        }
    }
}

impl Error {
    /// The HTTP status, when the API answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::Decode(decode) => decode.status,
            _ => None,
        }
    }

    /// Imprint's error `type` (`CUSTOMER_NOT_FOUND_ERROR`), when the body had one.
    pub fn error_type(&self) -> Option<&str> {
        match self {
            Error::Api(api) => api.error_type(),
            _ => None,
        }
    }

    /// Whether the API said 404.
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(StatusCode::NOT_FOUND)
    }

    /// Whether the failure is transient (429, 500, 502, 503, 504, a timeout or a
    /// transport error): the same request may succeed later. The SDK itself
    /// retries only operations that are safe to repeat.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(api) => crate::retry::retryable_status(api.status),
            Error::Timeout { .. } | Error::Transport { .. } => true,
            _ => false,
        }
    }

    /// The operation the error belongs to (empty for configuration errors).
    pub fn operation(&self) -> &'static str {
        match self {
            Error::Api(api) => api.operation,
            Error::Decode(decode) => decode.operation,
            Error::Validation { operation, .. }
            | Error::Timeout { operation, .. }
            | Error::Transport { operation, .. }
            | Error::Pagination { operation, .. } => operation,
            Error::Config(_) => "",
        }
    }

    /// Requests sent before giving up, when the error came from the wire.
    pub fn attempts(&self) -> Option<u32> {
        match self {
            Error::Api(api) => Some(api.attempts),
            Error::Timeout { attempts, .. } | Error::Transport { attempts, .. } => Some(*attempts),
            _ => None,
        }
    }

    pub(crate) fn pagination(
        operation: &'static str,
        page: u64,
        kind: PaginationErrorKind,
    ) -> Error {
        Error::Pagination {
            operation,
            page,
            kind,
        }
    }

    /// Turns progenitor's error for one call into the SDK's. An undocumented
    /// 2xx answer that decodes as `T` is a success after all.
    pub(crate) async fn from_progenitor<T: DeserializeOwned>(
        error: progenitor_client::Error,
        meta: &'static OperationMeta,
        attempts: u32,
    ) -> Result<ResponseValue<T>> {
        use progenitor_client::Error as P;
        let operation = meta.id;
        Err(match error {
            P::InvalidRequest(message) | P::Custom(message) => Error::Validation {
                operation,
                source: ValidationError::from_message(&message),
            },
            P::CommunicationError(source)
            | P::ResponseBodyError(source)
            | P::InvalidUpgrade(source) => Error::transport(operation, attempts, source),
            P::InvalidResponsePayload(body, _) => Error::decode::<T>(operation, None, &body),
            P::ErrorResponse(value) => Error::api(
                operation,
                attempts,
                value.status(),
                value.headers(),
                Bytes::new(),
                false,
            ),
            P::UnexpectedResponse(response) => {
                let status = response.status();
                let headers = response.headers().clone();
                let (body, truncated) = match read_bounded(response).await {
                    Ok(read) => read,
                    Err(source) => return Err(Error::transport(operation, attempts, source)),
                };
                if status.is_success() && !truncated {
                    return match serde_json::from_slice::<T>(&body) {
                        Ok(value) => Ok(ResponseValue::new(value, status, headers)),
                        Err(_) => Err(Error::decode::<T>(operation, Some(status), &body)),
                    };
                }
                Error::api(operation, attempts, status, &headers, body, truncated)
            }
        })
    }

    fn transport(operation: &'static str, attempts: u32, source: reqwest::Error) -> Error {
        // reqwest's message includes the URL, and a query string may carry PII.
        let source = source.without_url();
        if source.is_timeout() {
            Error::Timeout {
                operation,
                attempts,
                source,
            }
        } else {
            Error::Transport {
                operation,
                attempts,
                source,
            }
        }
    }

    fn decode<T: DeserializeOwned>(
        operation: &'static str,
        status: Option<StatusCode>,
        body: &[u8],
    ) -> Error {
        let mut deserializer = serde_json::Deserializer::from_slice(body);
        let (path, message) = match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
            Err(error) => (
                error.path().to_string(),
                redact::serde_message(&error.inner().to_string()),
            ),
            Ok(_) => (
                ".".into(),
                "trailing characters after the JSON value".into(),
            ),
        };
        Error::Decode(Box::new(DecodeError {
            operation,
            status,
            path,
            message,
            snippet: redact::snippet(body),
        }))
    }

    fn api(
        operation: &'static str,
        attempts: u32,
        status: StatusCode,
        headers: &HeaderMap,
        body: Bytes,
        truncated: bool,
    ) -> Error {
        let envelope = Envelope::parse(&body);
        Error::Api(Box::new(ApiError {
            status,
            operation,
            attempts,
            error_type: envelope.error_type,
            message: envelope.message,
            param: envelope.param,
            details: envelope.details,
            retry_after: crate::retry::retry_after(headers),
            body,
            truncated,
        }))
    }
}

async fn read_bounded(mut response: reqwest::Response) -> Result<(Bytes, bool), reqwest::Error> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        let room = MAX_ERROR_BODY - body.len();
        if chunk.len() > room {
            body.extend_from_slice(&chunk[..room]);
            return Ok((body.into(), true));
        }
        body.extend_from_slice(&chunk);
    }
    Ok((body.into(), false))
}

/// A non-2xx answer from the API.
pub struct ApiError {
    status: StatusCode,
    operation: &'static str,
    attempts: u32,
    error_type: Option<String>,
    message: Option<String>,
    param: Option<String>,
    details: Vec<String>,
    retry_after: Option<Duration>,
    body: Bytes,
    truncated: bool,
}

impl ApiError {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The operation's `operationId`.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// Requests sent (more than one when a safe operation was retried).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// Imprint's error `type`, or the `error` string of the validation shape.
    pub fn error_type(&self) -> Option<&str> {
        self.error_type.as_deref()
    }

    /// The API's message, as sent (it may quote your input; [`Display`](fmt::Display)
    /// masks it, this does not).
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// The parameter the API blamed, if it said.
    pub fn param(&self) -> Option<&str> {
        self.param.as_deref()
    }

    /// The `details` list of the validation shape (empty otherwise).
    pub fn details(&self) -> &[String] {
        &self.details
    }

    /// How long the API asked to wait (`Retry-After`), if it did.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }

    /// The raw body, as received (at most [`MAX_ERROR_BODY`] bytes).
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// Whether the body was longer than [`MAX_ERROR_BODY`] and cut.
    pub fn body_truncated(&self) -> bool {
        self.truncated
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: HTTP {}", self.operation, self.status)?;
        if let Some(kind) = &self.error_type {
            write!(f, " {kind}")?;
        }
        match &self.message {
            Some(message) => write!(f, ": {}", redact::mask_digits(message))?,
            None => write!(f, ": {}", redact::snippet(&self.body))?,
        }
        if let Some(param) = &self.param {
            write!(f, " (param `{param}`)")?;
        }
        if self.attempts > 1 {
            write!(f, " (after {} attempts)", self.attempts)?;
        }
        Ok(())
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("status", &self.status)
            .field("operation", &self.operation)
            .field("attempts", &self.attempts)
            .field("error_type", &self.error_type)
            .field("message", &self.message.as_deref().map(redact::mask_digits))
            .field("param", &self.param)
            .field(
                "details",
                &self
                    .details
                    .iter()
                    .map(|d| redact::mask_digits(d))
                    .collect::<Vec<_>>(),
            )
            .field("retry_after", &self.retry_after)
            .field("body", &format_args!("<{} bytes>", self.body.len()))
            .finish()
    }
}

impl std::error::Error for ApiError {}

/// A 2xx body that does not decode as the operation's documented type.
#[derive(Debug)]
pub struct DecodeError {
    /// The operation.
    pub operation: &'static str,
    /// The status, when known.
    pub status: Option<StatusCode>,
    /// Where in the body decoding failed (`data[3].id`, `.` for the root).
    pub path: String,
    /// serde's message, without the values it would quote.
    pub message: String,
    /// A bounded excerpt of the body with secrets masked.
    pub snippet: String,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: cannot decode the response at `{}`: {} (body: {})",
            self.operation, self.path, self.message, self.snippet
        )
    }
}

impl std::error::Error for DecodeError {}

/// A client that cannot be built. Names the setting or environment variable,
/// never its value.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{setting}: {reason}")]
pub struct ConfigError {
    /// The builder setting (`api_key`) or variable (`IMPRINT_API_KEY`).
    pub setting: &'static str,
    /// What is wrong.
    pub reason: String,
}

impl ConfigError {
    /// The same problem, attributed to `setting` (an environment variable that
    /// fed a builder setting).
    pub(crate) fn named(self, setting: &'static str) -> ConfigError {
        ConfigError { setting, ..self }
    }
}

/// The shapes Imprint's error bodies come in, read into one.
#[derive(Default)]
struct Envelope {
    error_type: Option<String>,
    message: Option<String>,
    param: Option<String>,
    details: Vec<String>,
}

#[derive(Deserialize)]
struct Inner {
    #[serde(rename = "type")]
    kind: Option<String>,
    message: Option<String>,
    param: Option<String>,
}

impl Envelope {
    fn parse(body: &[u8]) -> Envelope {
        let Ok(Value::Object(mut fields)) = serde_json::from_slice::<Value>(body) else {
            return Envelope::default();
        };
        let details: Vec<String> = match fields.remove("details") {
            Some(Value::Array(items)) => items
                .into_iter()
                .map(|d| d.as_str().map_or_else(|| d.to_string(), str::to_string))
                .collect(),
            _ => Vec::new(),
        };
        match fields.remove("error") {
            // {"error": {"type", "message", "param"}}
            Some(inner @ Value::Object(_)) => Envelope::from_inner(inner, details),
            // {"error": "Bad Request", "details": [...], "path", "status", "timestamp"}
            Some(Value::String(kind)) => Envelope {
                message: (!details.is_empty())
                    .then(|| details.join("; "))
                    .or_else(|| Some(kind.clone())),
                error_type: Some(kind),
                param: None,
                details,
            },
            // {"type", "message", "param"}: the inner object alone.
            _ => Envelope::from_inner(Value::Object(fields), details),
        }
    }

    fn from_inner(inner: Value, details: Vec<String>) -> Envelope {
        let inner: Inner = serde_json::from_value(inner).unwrap_or(Inner {
            kind: None,
            message: None,
            param: None,
        });
        Envelope {
            error_type: inner.kind,
            message: inner.message,
            param: inner.param,
            details,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(body: &str) -> ApiError {
        match Error::api(
            "getCustomer",
            1,
            StatusCode::NOT_FOUND,
            &HeaderMap::new(),
            Bytes::from(body.to_string()),
            false,
        ) {
            Error::Api(api) => *api,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn standard_envelope() {
        let e = api(
            r#"{"error":{"type":"CUSTOMER_NOT_FOUND_ERROR","message":"Customer not found","param":"customer_id"}}"#,
        );
        assert_eq!(
            (e.error_type(), e.message(), e.param()),
            (
                Some("CUSTOMER_NOT_FOUND_ERROR"),
                Some("Customer not found"),
                Some("customer_id")
            )
        );
        assert_eq!(
            e.to_string(),
            "getCustomer: HTTP 404 Not Found CUSTOMER_NOT_FOUND_ERROR: Customer not found (param `customer_id`)"
        );
    }

    #[test]
    fn validation_shape() {
        let e = api(
            r#"{"error":"Bad Request","details":["email: must be a well-formed email address"],"path":"/v2/customers","status":400,"timestamp":"2025-01-20T18:18:22.923+00:00"}"#,
        );
        assert_eq!(e.error_type(), Some("Bad Request"));
        assert_eq!(
            e.message(),
            Some("email: must be a well-formed email address")
        );
        assert_eq!(e.details(), ["email: must be a well-formed email address"]);
    }

    #[test]
    fn inner_object_alone() {
        let e = api(
            r#"{"type":"SESSION_NOT_FOUND_ERROR","message":"Session not found","param":"session_id"}"#,
        );
        assert_eq!(
            (e.error_type(), e.param()),
            (Some("SESSION_NOT_FOUND_ERROR"), Some("session_id"))
        );
    }

    #[test]
    fn html_and_empty_bodies_keep_a_snippet() {
        let e = api("<html><body>Bad gateway</body></html>");
        assert_eq!(e.error_type(), None);
        assert_eq!(
            e.to_string(),
            "getCustomer: HTTP 404 Not Found: <html><body>Bad gateway</body></html>"
        );
        assert_eq!(
            api("").to_string(),
            "getCustomer: HTTP 404 Not Found: (empty body)"
        );
    }

    #[test]
    fn messages_are_masked_in_display_and_debug_but_raw_in_body() {
        let e = api(r#"{"error":{"type":"X","message":"no customer with ssn 123456789"}}"#);
        assert!(!e.to_string().contains("123456789"));
        assert!(!format!("{e:?}").contains("123456789"));
        assert!(String::from_utf8_lossy(e.body()).contains("123456789"));
    }
}
