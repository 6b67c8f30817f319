//! What the SDK reports about its calls: spans and events through
//! [`tracing`], metrics through the [`metrics`](https://docs.rs/metrics) facade
//! (feature `metrics`), and W3C trace context on every request (feature `otel`).
//!
//! Everything here is named after the [OpenTelemetry semantic conventions for
//! HTTP clients](https://opentelemetry.io/docs/specs/semconv/http/http-spans/)
//! (stable), so spans exported through `tracing-opentelemetry` are HTTP client
//! spans and metrics exported through an OpenTelemetry or Prometheus recorder
//! land on the usual dashboards.
//!
//! Nothing the SDK reports carries a request or response body, a query value,
//! a value taken from the path (`url.template` is the spec's template,
//! `/v2/customers/{customer_id}`), or a header value.
//!
//! # Spans
//!
//! | span (name, target, level) | one per | `otel.kind` |
//! |---|---|---|
//! | `imprint.call`, [`CALL_TARGET`], INFO | `.call()`, and each page of a stream | `internal` |
//! | `imprint.request`, [`HTTP_TARGET`], INFO, child of the call | HTTP attempt | `client` |
//!
//! The call span is `internal` and the attempt spans are `client`, as the
//! conventions ask of a logical operation that retries: each physical request
//! is one HTTP client span, and a backend's service map counts requests, not
//! calls twice.
//!
//! | attribute | call span | attempt span |
//! |---|---|---|
//! | `otel.name` | the `operationId` (`searchCustomersPost`) | `{method} {url.template}` (`POST /v2/customers`) |
//! | `imprint.operation` | the `operationId` | the `operationId` |
//! | `http.request.method` | `GET`, `POST`, … | same |
//! | `url.template` | the path template | same |
//! | `server.address`, `server.port` | | host and port of the base URL |
//! | `http.request.resend_count` | | the attempt's number minus one, from the second attempt on |
//! | `http.response.status_code` | the last response's status | the response's status |
//! | `imprint.attempts` | requests sent | |
//! | `error.type` | on failure: the HTTP status (`404`) for an API error, else the [`Error`] variant (`Timeout`, `Transport`, `Validation`, `Decode`, `BodyTooLarge`, `Pagination`, `Config`) | on failure: the HTTP status (`503`), or `timeout`, `connect`, `transport` |
//! | `otel.status_code` | `ERROR` on failure | `ERROR` on a status ≥ 400 or no response |
//!
//! # Events
//!
//! | target | level | message | fields | when |
//! |---|---|---|---|---|
//! | [`CALL_TARGET`] | DEBUG | `call completed` | `operation`, `status`, `attempts`, `elapsed_ms`, `outcome` (`success` or the `error.type`) | every call, once |
//! | [`CALL_TARGET`] | INFO | `retrying` | `operation`, `attempt` (the one that failed), `reason` (status or `timeout`/`connect`/`transport`), `wait_ms` | before each retry wait, on the call span |
//! | [`CALL_TARGET`] | WARN | `retries exhausted` | `operation`, `attempts`, `reason`, `stopped_by` | a retryable failure that was not retried again (policy, `Retry-After`, deadline) |
//! | [`CALL_TARGET`] | WARN | `not retried: the operation is not safe to repeat` | `operation`, `reason` | an unsafe operation failed in a way a safe one would have retried: it may or may not have taken effect |
//! | [`HTTP_TARGET`] | DEBUG | `request failed` | `timeout`, `connect` | an attempt ended without a response, on the attempt span |
//!
//! So `RUST_LOG=imprint=debug` prints one line per call (and one per failed
//! attempt), `RUST_LOG=imprint=info` only retries and warnings:
//!
//! ```
//! tracing_subscriber::fmt()
//!     .with_env_filter("imprint=debug")
//!     .init();
//! ```
//!
//! A request sent with progenitor's raw `.send()` has attempt spans and retry
//! events but no call span, no `call completed` event and no call metrics.
//!
//! # Metrics (feature `metrics`)
//!
//! Recorded through the [`metrics`](https://docs.rs/metrics) 0.24 facade:
//! without a recorder installed, each one is a no-op. Install one (an
//! OpenTelemetry, Prometheus or StatsD exporter) and call
//! `imprint::telemetry::describe_metrics()` so it learns the units and
//! descriptions (the SDK also does so once, on its first call).
//!
//! | name | kind, unit | labels | one per |
//! |---|---|---|---|
//! | `http.client.request.duration` | histogram, `s` | `imprint.operation`, `http.request.method`, `url.template`, `http.response.status_code` or `error.type` | HTTP attempt |
//! | `imprint.client.call.duration` | histogram, `s` | `imprint.operation`, `outcome`, `error.type` (on failure) | call |
//! | `imprint.client.calls` | counter | `imprint.operation`, `outcome` (`success`, `error`), `error.type` (on failure) | call |
//! | `imprint.client.attempts` | counter | `imprint.operation`, `outcome` (`success`: a 2xx; `error`) | HTTP attempt |
//! | `imprint.client.retries` | counter | `imprint.operation`, `reason` (the status, or `timeout`, `connect`, `transport`) | retry |
//! | `imprint.client.pages` | counter | `imprint.operation` | page received by a stream |
//! | `imprint.client.items` | counter | `imprint.operation` | item received by a stream |
//!
//! Labels are low-cardinality by construction: operation ids, methods, path
//! templates, status codes and fixed words, never ids or values.
//!
//! # Trace context (feature `otel`)
//!
//! When the attempt span has an OpenTelemetry context (the application
//! installed a `tracing-opentelemetry` layer and a trace is being recorded),
//! each request carries a W3C `traceparent` naming the attempt span, and
//! `tracestate` when there is one; Imprint's side of a slow call can then be
//! found by trace id. Without a context nothing is added.

#[cfg(feature = "metrics")]
mod meters;
#[cfg(feature = "otel")]
mod propagation;

use std::borrow::Cow;
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use tracing::field::Empty;

use crate::error::Error;
use crate::meta::OperationMeta;
use crate::retry_policy::RetryStop;

#[cfg(feature = "metrics")]
pub use self::meters::describe_metrics;

/// The target of the call spans and of the call-level events.
pub const CALL_TARGET: &str = "imprint::call";

/// The target of the attempt spans and of the attempt-level events.
pub const HTTP_TARGET: &str = "imprint::http";

/// One call in progress: its span and its start.
pub(crate) struct CallSpan {
    meta: &'static OperationMeta,
    span: tracing::Span,
    started: Instant,
}

impl CallSpan {
    /// Opens the span of a call of `meta`.
    pub(crate) fn start(meta: &'static OperationMeta) -> CallSpan {
        let span = tracing::info_span!(
            target: CALL_TARGET,
            "imprint.call",
            otel.name = meta.id,
            otel.kind = "internal",
            imprint.operation = meta.id,
            http.request.method = meta.method,
            url.template = meta.path,
            http.response.status_code = Empty,
            imprint.attempts = Empty,
            error.type = Empty,
            otel.status_code = Empty,
        );
        CallSpan {
            meta,
            span,
            started: Instant::now(),
        }
    }

    /// The span, to run the call in.
    pub(crate) fn span(&self) -> &tracing::Span {
        &self.span
    }

    /// Closes the call: records how it ended on the span, emits the DEBUG
    /// event and the call metrics. `status` is the last response's status.
    pub(crate) fn finish(self, status: Option<StatusCode>, attempts: u32, error: Option<&Error>) {
        let elapsed = self.started.elapsed();
        let error_type = error.map(error_type);
        let span = &self.span;
        if let Some(status) = status {
            span.record("http.response.status_code", status.as_u16());
        }
        span.record("imprint.attempts", attempts);
        if let Some(kind) = &error_type {
            span.record("error.type", kind.as_ref());
            span.record("otel.status_code", "ERROR");
        }
        span.in_scope(|| {
            tracing::debug!(
                target: CALL_TARGET,
                operation = self.meta.id,
                status = status.map(|s| s.as_u16()),
                attempts,
                elapsed_ms = elapsed.as_millis() as u64,
                outcome = error_type.as_deref().unwrap_or("success"),
                "call completed"
            );
        });
        #[cfg(feature = "metrics")]
        meters::call(self.meta, elapsed, error_type);
    }
}

/// One HTTP attempt in progress.
pub(crate) struct Attempt {
    span: tracing::Span,
    // Only the request duration metric reads these.
    #[cfg(feature = "metrics")]
    meta: &'static OperationMeta,
    #[cfg(feature = "metrics")]
    started: Instant,
}

impl Attempt {
    /// Opens the span of attempt number `attempt` (from 1) of a call of `meta`,
    /// as a child of the current span, and adds the trace context to `request`
    /// (feature `otel`).
    pub(crate) fn start(
        meta: &'static OperationMeta,
        request: &mut reqwest::Request,
        attempt: u32,
    ) -> Attempt {
        let url = request.url();
        let span = tracing::info_span!(
            target: HTTP_TARGET,
            "imprint.request",
            otel.name = format_args!("{} {}", meta.method, meta.path),
            otel.kind = "client",
            imprint.operation = meta.id,
            http.request.method = meta.method,
            url.template = meta.path,
            server.address = url.host_str(),
            server.port = url.port_or_known_default(),
            http.request.resend_count = Empty,
            http.response.status_code = Empty,
            error.type = Empty,
            otel.status_code = Empty,
        );
        if attempt > 1 {
            span.record("http.request.resend_count", attempt - 1);
        }
        #[cfg(feature = "otel")]
        propagation::inject(&span, request.headers_mut());
        Attempt {
            span,
            #[cfg(feature = "metrics")]
            meta,
            #[cfg(feature = "metrics")]
            started: Instant::now(),
        }
    }

    /// The span, to run the exchange in.
    pub(crate) fn span(&self) -> &tracing::Span {
        &self.span
    }

    /// Records how the attempt ended (a response's status, or why there was none).
    pub(crate) fn finish(&self, result: &reqwest::Result<reqwest::Response>) {
        let span = &self.span;
        let failure = match result {
            Ok(response) => {
                let status = response.status();
                span.record("http.response.status_code", status.as_u16());
                (status.is_client_error() || status.is_server_error()).then(|| status_label(status))
            }
            Err(error) => {
                span.in_scope(|| {
                    tracing::debug!(
                        target: HTTP_TARGET,
                        timeout = error.is_timeout(),
                        connect = error.is_connect(),
                        "request failed"
                    )
                });
                Some(Cow::Borrowed(transport_label(error)))
            }
        };
        if let Some(kind) = &failure {
            span.record("error.type", kind.as_ref());
            span.record("otel.status_code", "ERROR");
        }
        #[cfg(feature = "metrics")]
        meters::attempt(
            self.meta,
            self.started.elapsed(),
            result.as_ref().ok().map(reqwest::Response::status),
            failure,
        );
    }
}

/// Why an attempt is worth retrying: its status, or how the transport failed.
pub(crate) fn retry_reason(result: &reqwest::Result<reqwest::Response>) -> Cow<'static, str> {
    match result {
        Ok(response) => status_label(response.status()),
        Err(error) => Cow::Borrowed(transport_label(error)),
    }
}

/// A retry of `meta` after attempt `attempt` failed for `reason`, in `wait`.
/// Emitted on the call span (the current one between attempts).
pub(crate) fn retrying(
    meta: &'static OperationMeta,
    attempt: u32,
    reason: Cow<'static, str>,
    wait: Duration,
) {
    tracing::info!(
        target: CALL_TARGET,
        operation = meta.id,
        attempt,
        reason = reason.as_ref(),
        wait_ms = wait.as_millis() as u64,
        "retrying"
    );
    #[cfg(feature = "metrics")]
    meters::retry(meta, reason);
}

/// A retryable failure of `meta` that ends the call because `stop` said so.
pub(crate) fn exhausted(
    meta: &'static OperationMeta,
    attempts: u32,
    reason: Cow<'static, str>,
    stop: RetryStop,
) {
    tracing::warn!(
        target: CALL_TARGET,
        operation = meta.id,
        attempts,
        reason = reason.as_ref(),
        stopped_by = %stop,
        "retries exhausted"
    );
}

/// A failure of an operation not safe to repeat that a safe one would have
/// retried: whether it took effect is unknown.
pub(crate) fn unsafe_not_retried(meta: &'static OperationMeta, reason: Cow<'static, str>) {
    tracing::warn!(
        target: CALL_TARGET,
        operation = meta.id,
        reason = reason.as_ref(),
        "not retried: the operation is not safe to repeat"
    );
}

/// A page of `items` items received by a stream over `meta`.
pub(crate) fn page(meta: &'static OperationMeta, items: usize) {
    #[cfg(feature = "metrics")]
    meters::page(meta, items);
    #[cfg(not(feature = "metrics"))]
    let _ = (meta, items);
}

/// `error.type` of a failed call: the HTTP status for an API error, else the
/// variant's name.
fn error_type(error: &Error) -> Cow<'static, str> {
    Cow::Borrowed(match error {
        Error::Api(api) => return status_label(api.status()),
        Error::Validation { .. } => "Validation",
        Error::Timeout { .. } => "Timeout",
        Error::Transport { .. } => "Transport",
        Error::Decode(_) => "Decode",
        Error::BodyTooLarge { .. } => "BodyTooLarge",
        Error::Pagination { .. } => "Pagination",
        Error::Config(_) => "Config",
    })
}

/// How an attempt failed without a response.
fn transport_label(error: &reqwest::Error) -> &'static str {
    if error.is_timeout() {
        "timeout"
    } else if error.is_connect() {
        "connect"
    } else {
        "transport"
    }
}

/// A status as text, without allocating for the statuses Imprint answers.
fn status_label(status: StatusCode) -> Cow<'static, str> {
    Cow::Borrowed(match status.as_u16() {
        200 => "200",
        201 => "201",
        204 => "204",
        400 => "400",
        401 => "401",
        403 => "403",
        404 => "404",
        409 => "409",
        422 => "422",
        429 => "429",
        500 => "500",
        502 => "502",
        503 => "503",
        504 => "504",
        other => return Cow::Owned(other.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_labels_are_the_code() {
        for code in [200, 201, 204, 400, 404, 418, 429, 503, 599] {
            let status = StatusCode::from_u16(code).unwrap();
            assert_eq!(status_label(status), code.to_string());
        }
    }
}
