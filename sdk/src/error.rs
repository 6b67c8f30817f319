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

use crate::meta::OperationMeta;
use crate::response;
use crate::retry_policy::{RetryAfter, RetryStop, retryable_status};
use imprint_types::UnknownValue;
use imprint_types::ValidationError;
use imprint_types::redact;

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
    #[error("{}{source}", prefix(*operation))]
    Validation {
        /// The operation that was not sent (`None` when the input was refused
        /// before a request was built, as by [`Ssn::new`](crate::Ssn::new)).
        operation: Option<&'static str>,
        /// Which field, and why.
        #[source]
        source: ValidationError,
    },
    /// No response in time (connect or request timeout), on the last attempt.
    #[error("{operation}: timed out {}", after(*attempts, *stopped_by))]
    Timeout {
        /// The operation.
        operation: &'static str,
        /// Requests sent, including the one that timed out.
        attempts: u32,
        /// Why no further attempt was made, when another could have been.
        stopped_by: Option<RetryStop>,
        /// The underlying error (its URL removed).
        #[source]
        source: reqwest::Error,
    },
    /// The connection failed or broke, on the last attempt.
    #[error("{operation}: transport error {}", after(*attempts, *stopped_by))]
    Transport {
        /// The operation.
        operation: &'static str,
        /// Requests sent.
        attempts: u32,
        /// Why no further attempt was made, when another could have been.
        stopped_by: Option<RetryStop>,
        /// The underlying error (its URL removed).
        #[source]
        source: reqwest::Error,
    },
    /// A success response whose body is not the documented type.
    #[error(transparent)]
    Decode(Box<DecodeError>),
    /// A response body longer than the client's
    /// [`max_response_body`](crate::ClientBuilder::max_response_body); reading
    /// stopped at the limit.
    #[error("{operation}: the response body exceeds the limit of {limit} bytes")]
    BodyTooLarge {
        /// The operation.
        operation: &'static str,
        /// The status of the response whose body was too long.
        status: StatusCode,
        /// The limit, in bytes.
        limit: u64,
        /// Requests sent, including the one whose body was too long.
        attempts: u32,
    },
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

fn prefix(operation: Option<&str>) -> String {
    operation.map(|o| format!("{o}: ")).unwrap_or_default()
}

/// `(after 3 attempts: the retry policy's attempts are used up)`.
fn after(attempts: u32, stop: Option<RetryStop>) -> String {
    let plural = if attempts == 1 { "attempt" } else { "attempts" };
    match stop {
        Some(stop) => format!("(after {attempts} {plural}: {stop})"),
        None => format!("(after {attempts} {plural})"),
    }
}

impl From<ValidationError> for Error {
    fn from(source: ValidationError) -> Self {
        Error::Validation {
            operation: None,
            source,
        }
    }
}

/// What the transport observed during one call, handed to the error mapping.
#[derive(Debug, Default)]
pub(crate) struct CallFacts {
    /// Requests sent (at least one counts once sending was attempted).
    pub attempts: u32,
    /// Input the request hook refused, as it refused it.
    pub rejected: Option<ValidationError>,
    /// Why a retryable failure was not retried again.
    pub stopped_by: Option<RetryStop>,
    /// The status of the last response received.
    pub status: Option<StatusCode>,
    /// The response body limit in force.
    pub max_body: u64,
}

impl Error {
    /// The HTTP status, when the API answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::Decode(decode) => decode.status,
            Error::BodyTooLarge { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Imprint's error `type` as an [`ErrorType`], when the body had one:
    /// what to branch on (`Some(ErrorType::CustomerNotFound)`).
    pub fn error_type(&self) -> Option<ErrorType> {
        match self {
            Error::Api(api) => api.error_type(),
            _ => None,
        }
    }

    /// Imprint's error `type` (`CUSTOMER_NOT_FOUND_ERROR`), when the body had
    /// one, raw as sent (see [`ApiError::raw_error_type`]).
    pub fn raw_error_type(&self) -> Option<&str> {
        match self {
            Error::Api(api) => api.raw_error_type(),
            _ => None,
        }
    }

    /// Whether the API answered 404: an [`Api`](Error::Api) error with that
    /// status, or a [`BodyTooLarge`](Error::BodyTooLarge) whose 404 answer was
    /// too long to read. `false` for every other variant.
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(StatusCode::NOT_FOUND)
    }

    /// Whether the API refused the call for its rate: an [`Api`](Error::Api)
    /// error with status 429. Imprint documents no error `type` for it (no
    /// [`ErrorType`] variant), so the status alone decides. `false` for every
    /// other variant. Implies [`is_retryable`](Error::is_retryable); see
    /// [`retry_after`](Error::retry_after) for how long the API asked to wait.
    pub fn is_rate_limited(&self) -> bool {
        matches!(self, Error::Api(api) if api.status() == StatusCode::TOO_MANY_REQUESTS)
    }

    /// Whether the request's content was refused, so sending it again as it is
    /// cannot succeed: input the SDK refused before sending
    /// ([`Validation`](Error::Validation), whose `source`'s
    /// [`field`](ValidationError::field) names the field), or an
    /// [`Api`](Error::Api) error with status 400 or 422 (Imprint's validation
    /// answers; [`ApiError::details`] and [`ApiError::param`] say what it
    /// blamed). `false` for every other variant.
    ///
    /// ```
    /// let error = imprint::Error::from(imprint::Ssn::new("123-45-678").unwrap_err());
    /// assert!(error.is_validation());
    /// assert!(!error.is_retryable());
    /// assert_eq!(error.attempts(), None); // nothing was sent
    /// if let imprint::Error::Validation { source, .. } = &error {
    ///     assert_eq!(source.field(), "ssn");
    /// }
    /// ```
    pub fn is_validation(&self) -> bool {
        match self {
            Error::Validation { .. } => true,
            Error::Api(api) => matches!(
                api.status(),
                StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY
            ),
            _ => false,
        }
    }

    /// Whether no answer came: a [`Timeout`](Error::Timeout) or a
    /// [`Transport`](Error::Transport) error (connection refused or broken,
    /// DNS, TLS) on the last attempt, so the request may or may not have
    /// reached Imprint. `false` for every other variant, which either had an
    /// answer or sent nothing.
    ///
    /// ```no_run
    /// # async fn run(client: imprint::Client) {
    /// use imprint::prelude::*;
    /// if let Err(error) = client.get_customer().customer_id("c1").call().await
    ///     && error.is_transport()
    /// {
    ///     eprintln!("Imprint did not answer: {error}");
    /// }
    /// # }
    /// ```
    pub fn is_transport(&self) -> bool {
        matches!(self, Error::Timeout { .. } | Error::Transport { .. })
    }

    /// Whether the failure is transient, so the same request may succeed later:
    /// an [`Api`](Error::Api) error with status 429, 500, 502, 503 or 504, a
    /// [`Timeout`](Error::Timeout) or a [`Transport`](Error::Transport) error.
    /// `false` for every other variant. The SDK itself retries only operations
    /// that are safe to repeat; [`stopped_by`](Error::stopped_by) says why it
    /// stopped.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(api) => retryable_status(api.status),
            Error::Timeout { .. } | Error::Transport { .. } => true,
            _ => false,
        }
    }

    /// Why the SDK made no further attempt although the failure was retryable
    /// and the operation safe to repeat: for [`Api`](Error::Api) (see
    /// [`ApiError::stopped_by`]), [`Timeout`](Error::Timeout) and
    /// [`Transport`](Error::Transport) errors. `None` when the operation is
    /// not safe to repeat, the failure was not retryable, and for every other
    /// variant.
    pub fn stopped_by(&self) -> Option<RetryStop> {
        match self {
            Error::Api(api) => api.stopped_by(),
            Error::Timeout { stopped_by, .. } | Error::Transport { stopped_by, .. } => *stopped_by,
            _ => None,
        }
    }

    /// How long the API asked to wait before trying again (its `Retry-After`
    /// header, see [`ApiError::retry_after`]), for an [`Api`](Error::Api)
    /// error that carried one; `None` otherwise and for every other variant.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::Api(api) => api.retry_after(),
            _ => None,
        }
    }

    /// The request id of the API's error answer, for Imprint's support: for an
    /// [`Api`](Error::Api) error, [`ApiError::request_id`]. `None` for every
    /// other variant: a [`Decode`](Error::Decode) error keeps no response
    /// headers, and the other variants had no answer to read one from.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(api) => api.request_id(),
            _ => None,
        }
    }

    /// The `operationId` the error belongs to (`None` for configuration errors
    /// and input refused before a request was built).
    pub fn operation(&self) -> Option<&'static str> {
        match self {
            Error::Api(api) => Some(api.operation),
            Error::Decode(decode) => Some(decode.operation),
            Error::Validation { operation, .. } => *operation,
            Error::Timeout { operation, .. }
            | Error::Transport { operation, .. }
            | Error::BodyTooLarge { operation, .. }
            | Error::Pagination { operation, .. } => Some(operation),
            Error::Config(_) => None,
        }
    }

    /// Requests sent for the call that failed, retries included: `Some` for
    /// [`Api`](Error::Api), [`Timeout`](Error::Timeout),
    /// [`Transport`](Error::Transport), [`Decode`](Error::Decode) and
    /// [`BodyTooLarge`](Error::BodyTooLarge) errors. `None` for
    /// [`Validation`](Error::Validation) and [`Config`](Error::Config) errors,
    /// where nothing was sent, and for [`Pagination`](Error::Pagination), which
    /// is about the pages a stream received, not about one request.
    pub fn attempts(&self) -> Option<u32> {
        match self {
            Error::Api(api) => Some(api.attempts),
            Error::Decode(decode) => Some(decode.attempts),
            Error::Timeout { attempts, .. }
            | Error::Transport { attempts, .. }
            | Error::BodyTooLarge { attempts, .. } => Some(*attempts),
            Error::Validation { .. } | Error::Pagination { .. } | Error::Config(_) => None,
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
        facts: CallFacts,
    ) -> Result<ResponseValue<T>> {
        use progenitor_client::Error as P;
        let operation = meta.id;
        let attempts = facts.attempts.max(1);
        Err(match error {
            P::InvalidRequest(message) | P::Custom(message) => Error::Validation {
                operation: Some(operation),
                source: facts
                    .rejected
                    .unwrap_or_else(|| ValidationError::from_builder_message(&message)),
            },
            P::CommunicationError(source) | P::ResponseBodyError(source) if over_limit(&source) => {
                Error::BodyTooLarge {
                    operation,
                    status: facts.status.unwrap_or(StatusCode::OK),
                    limit: facts.max_body,
                    attempts,
                }
            }
            P::CommunicationError(source)
            | P::ResponseBodyError(source)
            | P::InvalidUpgrade(source) => {
                Error::transport(operation, attempts, facts.stopped_by, source)
            }
            P::InvalidResponsePayload(body, source) => {
                Error::decode(operation, attempts, facts.status, &body, &source)
            }
            P::ErrorResponse(value) => Error::Api(Box::new(ApiError::new(
                operation,
                attempts,
                facts.stopped_by,
                value.status(),
                value.headers().clone(),
                Bytes::new(),
            ))),
            P::UnexpectedResponse(response) => {
                let status = response.status();
                let headers = response.headers().clone();
                let read = if status.is_success() {
                    response.bytes().await.map(|body| (body, false))
                } else {
                    read_bounded(response).await
                };
                let (body, truncated) = match read {
                    Ok(read) => read,
                    Err(source) if over_limit(&source) => {
                        return Err(Error::BodyTooLarge {
                            operation,
                            status,
                            limit: facts.max_body,
                            attempts,
                        });
                    }
                    Err(source) => {
                        return Err(Error::transport(
                            operation,
                            attempts,
                            facts.stopped_by,
                            source,
                        ));
                    }
                };
                if status.is_success() {
                    return match serde_json::from_slice::<T>(&body) {
                        Ok(value) => Ok(ResponseValue::new(value, status, headers)),
                        Err(source) => Err(Error::decode(
                            operation,
                            attempts,
                            Some(status),
                            &body,
                            &source,
                        )),
                    };
                }
                let mut api =
                    ApiError::new(operation, attempts, facts.stopped_by, status, headers, body);
                api.truncated = truncated;
                Error::Api(Box::new(api))
            }
        })
    }

    fn transport(
        operation: &'static str,
        attempts: u32,
        stopped_by: Option<RetryStop>,
        source: reqwest::Error,
    ) -> Error {
        // reqwest's message includes the URL, and a query string may carry PII.
        let source = source.without_url();
        if source.is_timeout() {
            Error::Timeout {
                operation,
                attempts,
                stopped_by,
                source,
            }
        } else {
            Error::Transport {
                operation,
                attempts,
                stopped_by,
                source,
            }
        }
    }

    fn decode(
        operation: &'static str,
        attempts: u32,
        status: Option<StatusCode>,
        body: &[u8],
        source: &serde_json::Error,
    ) -> Error {
        let path = imprint_types::json_path::at(body, source);
        let message = redact::serde_message(&source.to_string());
        Error::Decode(Box::new(DecodeError {
            operation,
            attempts,
            status,
            path,
            message,
        }))
    }
}

/// Whether reading a body failed because the transport's size limit cut it.
fn over_limit(error: &reqwest::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(cause) = source {
        if cause.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = cause.source();
    }
    false
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

/// Imprint's error `type`, read from any of its error shapes.
///
/// Imprint adds error types without notice: one this SDK does not list is
/// [`Unlisted`](ErrorType::Unlisted), carrying the text as sent, and
/// [`as_str`](ErrorType::as_str) gives the text of any variant.
///
/// ```
/// use imprint::ErrorType;
/// assert_eq!(ErrorType::parse("CUSTOMER_NOT_FOUND_ERROR"), ErrorType::CustomerNotFound);
/// assert_eq!(ErrorType::parse("SOMETHING_NEW").as_str(), "SOMETHING_NEW");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorType {
    /// `BAD_REQUEST_ERROR`, or the validation shape's `"error": "Bad Request"`.
    BadRequest,
    /// `AUTHENTICATION_ERROR`: a missing or wrong API key.
    Authentication,
    /// `CONFLICT_ERROR`.
    Conflict,
    /// `CUSTOMER_ALREADY_LINKED`.
    CustomerAlreadyLinked,
    /// `INTERNAL_SERVER_ERROR`.
    InternalServer,
    /// `CUSTOMER_NOT_FOUND_ERROR`.
    CustomerNotFound,
    /// `PARTNER_CUSTOMER_NOT_FOUND_ERROR`.
    PartnerCustomerNotFound,
    /// `SESSION_NOT_FOUND_ERROR`.
    SessionNotFound,
    /// `PAYMENT_METHOD_NOT_FOUND_ERROR`.
    PaymentMethodNotFound,
    /// `REWARD_NOT_FOUND_ERROR`.
    RewardNotFound,
    /// `TRANSACTION_INTENT_NOT_FOUND_ERROR` (the spec's example spells it
    /// `TRANSACTION_INTENT_FOUND_ERROR`; both are read as this).
    TransactionIntentNotFound,
    /// `TRANSACTION_NOT_FOUND_ERROR` (the spec's example: `TRANSACTION_FOUND_ERROR`).
    TransactionNotFound,
    /// `ORDER_NOT_FOUND_ERROR`.
    OrderNotFound,
    /// `ORDER_EVENT_NOT_FOUND_ERROR`.
    OrderEventNotFound,
    /// A type this SDK does not list, as sent.
    Unlisted(UnknownValue),
}

impl ErrorType {
    /// Reads an error `type` as Imprint sends it.
    pub fn parse(text: &str) -> ErrorType {
        match text {
            "BAD_REQUEST_ERROR" | "Bad Request" => ErrorType::BadRequest,
            "AUTHENTICATION_ERROR" => ErrorType::Authentication,
            "CONFLICT_ERROR" => ErrorType::Conflict,
            "CUSTOMER_ALREADY_LINKED" => ErrorType::CustomerAlreadyLinked,
            "INTERNAL_SERVER_ERROR" => ErrorType::InternalServer,
            "CUSTOMER_NOT_FOUND_ERROR" => ErrorType::CustomerNotFound,
            "PARTNER_CUSTOMER_NOT_FOUND_ERROR" => ErrorType::PartnerCustomerNotFound,
            "SESSION_NOT_FOUND_ERROR" => ErrorType::SessionNotFound,
            "PAYMENT_METHOD_NOT_FOUND_ERROR" => ErrorType::PaymentMethodNotFound,
            "REWARD_NOT_FOUND_ERROR" => ErrorType::RewardNotFound,
            "TRANSACTION_INTENT_NOT_FOUND_ERROR" | "TRANSACTION_INTENT_FOUND_ERROR" => {
                ErrorType::TransactionIntentNotFound
            }
            "TRANSACTION_NOT_FOUND_ERROR" | "TRANSACTION_FOUND_ERROR" => {
                ErrorType::TransactionNotFound
            }
            "ORDER_NOT_FOUND_ERROR" => ErrorType::OrderNotFound,
            "ORDER_EVENT_NOT_FOUND_ERROR" => ErrorType::OrderEventNotFound,
            other => ErrorType::Unlisted(UnknownValue::new(other)),
        }
    }

    /// The type's text (the documented spelling for listed types).
    pub fn as_str(&self) -> &str {
        match self {
            ErrorType::BadRequest => "BAD_REQUEST_ERROR",
            ErrorType::Authentication => "AUTHENTICATION_ERROR",
            ErrorType::Conflict => "CONFLICT_ERROR",
            ErrorType::CustomerAlreadyLinked => "CUSTOMER_ALREADY_LINKED",
            ErrorType::InternalServer => "INTERNAL_SERVER_ERROR",
            ErrorType::CustomerNotFound => "CUSTOMER_NOT_FOUND_ERROR",
            ErrorType::PartnerCustomerNotFound => "PARTNER_CUSTOMER_NOT_FOUND_ERROR",
            ErrorType::SessionNotFound => "SESSION_NOT_FOUND_ERROR",
            ErrorType::PaymentMethodNotFound => "PAYMENT_METHOD_NOT_FOUND_ERROR",
            ErrorType::RewardNotFound => "REWARD_NOT_FOUND_ERROR",
            ErrorType::TransactionIntentNotFound => "TRANSACTION_INTENT_NOT_FOUND_ERROR",
            ErrorType::TransactionNotFound => "TRANSACTION_NOT_FOUND_ERROR",
            ErrorType::OrderNotFound => "ORDER_NOT_FOUND_ERROR",
            ErrorType::OrderEventNotFound => "ORDER_EVENT_NOT_FOUND_ERROR",
            ErrorType::Unlisted(value) => value.as_str(),
        }
    }
}

impl fmt::Display for ErrorType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A non-2xx answer from the API.
///
/// `Display` and `Debug` show what Imprint said with personal data and
/// secrets masked (its `type`, message, `param`, `details`, or a snippet of
/// the body): they are fit for logs. The accessors return the raw text.
///
/// ```
/// # async fn run(client: imprint::Client) {
/// use imprint::prelude::*;
/// let result = client.get_customer().customer_id("CSMR-v1-123").call().await;
/// if let Err(imprint::Error::Api(api)) = result {
///     eprintln!("{api}"); // masked: fit for a log
///     let _raw = api.message(); // as sent: keep it out of logs
/// }
/// # }
/// ```
pub struct ApiError {
    status: StatusCode,
    operation: &'static str,
    attempts: u32,
    stopped_by: Option<RetryStop>,
    headers: HeaderMap,
    error_type: Option<String>,
    message: Option<String>,
    param: Option<String>,
    details: Vec<String>,
    retry_after: Option<Duration>,
    body: Bytes,
    truncated: bool,
}

impl ApiError {
    fn new(
        operation: &'static str,
        attempts: u32,
        stopped_by: Option<RetryStop>,
        status: StatusCode,
        headers: HeaderMap,
        body: Bytes,
    ) -> ApiError {
        let envelope = Envelope::parse(&body);
        ApiError {
            status,
            operation,
            attempts,
            stopped_by,
            retry_after: RetryAfter::read(&headers).wait(),
            headers,
            error_type: envelope.error_type,
            message: envelope.message,
            param: envelope.param,
            details: envelope.details,
            body,
            truncated: false,
        }
    }

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

    /// Why the SDK did not retry again, when the status was retryable and the
    /// operation safe to repeat.
    pub fn stopped_by(&self) -> Option<RetryStop> {
        self.stopped_by
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// Imprint's error `type`, or the `error` string of the validation shape,
    /// raw as sent: Imprint may put your input in it, so do not log it
    /// ([`Display`](fmt::Display) and `Debug` mask it, this does not).
    pub fn raw_error_type(&self) -> Option<&str> {
        self.error_type.as_deref()
    }

    /// Imprint's error `type` as an enum; see [`ErrorType`]. An
    /// [`Unlisted`](ErrorType::Unlisted) type carries the raw text.
    pub fn error_type(&self) -> Option<ErrorType> {
        self.error_type.as_deref().map(ErrorType::parse)
    }

    /// The request id the response carried, for Imprint's support: the first of
    /// the headers [`REQUEST_ID_HEADERS`](crate::REQUEST_ID_HEADERS) names that is present (Imprint does not
    /// document one; these are the names API gateways commonly send).
    pub fn request_id(&self) -> Option<&str> {
        response::request_id(&self.headers)
    }

    /// The API's message, raw as sent: it may quote your input back, so do not
    /// log it ([`Display`](fmt::Display) and `Debug` mask it, this does not).
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// The parameter the API blamed, if it said, raw as sent: it may quote
    /// your input, so do not log it (`Display` and `Debug` mask it).
    pub fn param(&self) -> Option<&str> {
        self.param.as_deref()
    }

    /// The `details` list of the validation shape (empty otherwise), raw as
    /// sent: do not log it (`Display` and `Debug` mask it).
    pub fn details(&self) -> &[String] {
        &self.details
    }

    /// How long the API asked to wait (`Retry-After`), if it did.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }

    /// The raw body, as received (at most [`MAX_ERROR_BODY`] bytes).
    ///
    /// Raw: nothing is masked. It may quote your input back (SSNs, emails,
    /// names); do not log it. [`Display`](fmt::Display) and `Debug` of the
    /// error mask what they show.
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
            write!(f, " {}", redact::mask_text(kind))?;
        }
        match &self.message {
            Some(message) => write!(f, ": {}", redact::mask_text(message))?,
            None => write!(f, ": {}", redact::snippet(&self.body))?,
        }
        if let Some(param) = &self.param {
            write!(f, " (param `{}`)", redact::mask_text(param))?;
        }
        if self.attempts > 1 || self.stopped_by.is_some() {
            write!(f, " {}", after(self.attempts, self.stopped_by))?;
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
            .field(
                "error_type",
                &self.error_type.as_deref().map(redact::mask_text),
            )
            .field("message", &self.message.as_deref().map(redact::mask_text))
            .field("param", &self.param.as_deref().map(redact::mask_text))
            .field(
                "details",
                &self
                    .details
                    .iter()
                    .map(|d| redact::mask_text(d))
                    .collect::<Vec<_>>(),
            )
            .field("retry_after", &self.retry_after)
            .field("stopped_by", &self.stopped_by)
            .field("body", &format_args!("<{} bytes>", self.body.len()))
            .finish()
    }
}

impl std::error::Error for ApiError {}

/// A 2xx body that does not decode as the operation's documented type.
///
/// It says where and what was wrong, never what the body held: response text
/// carries personal data.
#[derive(Debug)]
pub struct DecodeError {
    operation: &'static str,
    attempts: u32,
    status: Option<StatusCode>,
    path: String,
    message: String,
}

impl DecodeError {
    /// The operation.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// Requests sent, including the one whose body did not decode (more than
    /// one when a safe operation was retried before this answer).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The status of the response.
    pub fn status(&self) -> Option<StatusCode> {
        self.status
    }

    /// Where in the body decoding failed (`data[3].id`, `.` for the root).
    /// A value its type refuses after reading it whole (an enum given a
    /// number) is named by the object around it when it is that object's last
    /// member: serde_json places such an error where the object ends.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What was expected and what JSON type was found (serde's message without
    /// the values it would quote).
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: cannot decode the response", self.operation)?;
        if let Some(status) = self.status {
            write!(f, " ({status})")?;
        }
        write!(f, " at `{}`: {}", self.path, self.message)
    }
}

impl std::error::Error for DecodeError {}

/// A client that cannot be built. Names the setting or environment variable,
/// never its value.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{setting}: {reason}")]
pub struct ConfigError {
    setting: &'static str,
    reason: String,
}

impl ConfigError {
    pub(crate) fn new(setting: &'static str, reason: impl Into<String>) -> ConfigError {
        ConfigError {
            setting,
            reason: reason.into(),
        }
    }

    /// The builder setting (`api_key`) or variable (`IMPRINT_API_KEY`).
    pub fn setting(&self) -> &'static str {
        self.setting
    }

    /// What is wrong.
    pub fn reason(&self) -> &str {
        &self.reason
    }

    /// The same problem, attributed to `setting` (an environment variable that
    /// fed a builder setting).
    pub(crate) fn named(self, setting: &'static str) -> ConfigError {
        ConfigError { setting, ..self }
    }
}

/// Why a pagination stopped although the server said there was more.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PaginationErrorKind {
    /// `has_more` was true but `data` was empty: following it would loop forever.
    EmptyPageWithMore,
    /// The last item's id equals the cursor just sent: the server did not advance.
    CursorDidNotAdvance,
    /// The page ends at a cursor the stream already sent: the server went back
    /// or around in a cycle.
    CursorRepeated {
        /// The page (1-based) whose request first sent that cursor.
        first_sent_for_page: u64,
    },
    /// `has_more` was true but the last item has no id to continue from.
    MissingCursor,
    /// The last item's id is longer than
    /// [`MAX_CURSOR_BYTES`](crate::pagination::MAX_CURSOR_BYTES): the server
    /// would be choosing how much the stream keeps and sends back.
    CursorTooLong {
        /// The id's length in bytes.
        bytes: usize,
    },
}

impl fmt::Display for PaginationErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PaginationErrorKind::EmptyPageWithMore => {
                write!(f, "the server said has_more with an empty page")
            }
            PaginationErrorKind::CursorDidNotAdvance => {
                write!(
                    f,
                    "the server did not advance: the page ends at the cursor just sent"
                )
            }
            PaginationErrorKind::CursorRepeated {
                first_sent_for_page,
            } => write!(
                f,
                "the page ends at a cursor already sent for page {first_sent_for_page}: following it would loop"
            ),
            PaginationErrorKind::MissingCursor => {
                write!(f, "the last item of the page has no id to continue from")
            }
            PaginationErrorKind::CursorTooLong { bytes } => write!(
                f,
                "the last item's id is {bytes} bytes, too long to send back as a cursor"
            ),
        }
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

    fn answer(operation: &'static str, status: StatusCode, body: &str) -> ApiError {
        ApiError::new(
            operation,
            1,
            None,
            status,
            HeaderMap::new(),
            Bytes::from(body.to_string()),
        )
    }

    fn api(body: &str) -> ApiError {
        answer("getCustomer", StatusCode::NOT_FOUND, body)
    }

    #[test]
    fn standard_envelope() {
        let e = api(
            r#"{"error":{"type":"CUSTOMER_NOT_FOUND_ERROR","message":"Customer not found","param":"customer_id"}}"#,
        );
        assert_eq!(
            (e.raw_error_type(), e.message(), e.param()),
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
        assert_eq!(e.raw_error_type(), Some("Bad Request"));
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
            (e.raw_error_type(), e.param()),
            (Some("SESSION_NOT_FOUND_ERROR"), Some("session_id"))
        );
    }

    #[test]
    fn html_and_empty_bodies_keep_a_snippet() {
        let e = api("<html><body>Bad gateway</body></html>");
        assert_eq!(e.raw_error_type(), None);
        assert_eq!(
            e.to_string(),
            "getCustomer: HTTP 404 Not Found: <html><body>Bad gateway</body></html>"
        );
        assert_eq!(
            api("").to_string(),
            "getCustomer: HTTP 404 Not Found: (empty body)"
        );
    }

    fn api_400(body: &str) -> ApiError {
        answer("searchCustomersPost", StatusCode::BAD_REQUEST, body)
    }

    fn assert_no_leak(e: &ApiError, leaks: &[&str]) {
        let shown = format!("{e} {e:#} {e:?} {e:#?}");
        for leak in leaks {
            assert!(!shown.contains(leak), "{leak} in {shown}");
        }
    }

    #[test]
    fn redact_envelope_type_and_param_in_display_and_debug() {
        let e = api_400(
            r#"{"error":{"type":"SSN 987654321 already used by jane.doe@example.com","message":"duplicate customer","param":"jane.doe@example.com / 987-65-4321"}}"#,
        );
        assert_eq!(
            e.to_string(),
            "searchCustomersPost: HTTP 400 Bad Request SSN [redacted] already used by [redacted]: duplicate customer (param `[redacted] / [redacted]`)"
        );
        assert_no_leak(&e, &["987654321", "987-65-4321", "jane.doe"]);
        // The accessors stay raw.
        assert_eq!(e.param(), Some("jane.doe@example.com / 987-65-4321"));
    }

    #[test]
    fn redact_spring_shape_with_a_string_error() {
        let e = api_400(
            r#"{"error":"no customer 987-65-4321 for jane.doe@example.com","status":400,"path":"/v2/customers","timestamp":"2025-02-13T18:18:22.923+00:00"}"#,
        );
        assert_eq!(
            e.to_string(),
            "searchCustomersPost: HTTP 400 Bad Request no customer [redacted] for [redacted]: no customer [redacted] for [redacted]"
        );
        assert_no_leak(&e, &["987-65-4321", "jane.doe"]);
        let e = api_400(
            r#"{"error":"Bad Request","details":["fullName: Jane Doe","dob: 01/02/1980"],"status":400}"#,
        );
        assert_eq!(
            e.to_string(),
            "searchCustomersPost: HTTP 400 Bad Request Bad Request: fullName: [redacted]; dob: [redacted]"
        );
        assert_no_leak(&e, &["Jane", "Doe", "1980"]);
    }

    #[test]
    fn redact_keeps_ids_whole() {
        let e = api(
            r#"{"error":{"type":"PAYMENT_METHOD_NOT_FOUND_ERROR","message":"payment method CE6E78C9-7D8C-4C3D-ABCD-123456789012 is not active","param":"m-123456789"}}"#,
        );
        assert_eq!(
            e.to_string(),
            "getCustomer: HTTP 404 Not Found PAYMENT_METHOD_NOT_FOUND_ERROR: payment method CE6E78C9-7D8C-4C3D-ABCD-123456789012 is not active (param `m-123456789`)"
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
