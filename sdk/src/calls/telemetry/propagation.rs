//! W3C trace context on outgoing requests, read off the attempt span's
//! OpenTelemetry context.
//!
//! The headers are written here rather than through a global
//! `TextMapPropagator`: the application may have set none (the default one
//! writes nothing), and the W3C format is two fixed-width hex fields.

use opentelemetry::trace::TraceContextExt;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use tracing_opentelemetry::OpenTelemetrySpanExt;

const TRACEPARENT: HeaderName = HeaderName::from_static("traceparent");
const TRACESTATE: HeaderName = HeaderName::from_static("tracestate");

/// Adds `traceparent` (and `tracestate`, when not empty) for `span`, when it
/// has a valid OpenTelemetry span context; otherwise leaves `headers` alone.
pub(super) fn inject(span: &tracing::Span, headers: &mut HeaderMap) {
    // No subscriber wants the span: it cannot have a context, and looking costs.
    if span.is_disabled() {
        return;
    }
    let context = span.context();
    let otel_span = context.span();
    let span_context = otel_span.span_context();
    if !span_context.is_valid() {
        return;
    }
    let traceparent = format!(
        "00-{}-{}-{:02x}",
        span_context.trace_id(),
        span_context.span_id(),
        span_context.trace_flags().to_u8()
    );
    if let Ok(value) = HeaderValue::from_str(&traceparent) {
        headers.insert(TRACEPARENT, value);
    }
    let state = span_context.trace_state().header();
    if !state.is_empty()
        && let Ok(value) = HeaderValue::from_str(&state)
    {
        headers.insert(TRACESTATE, value);
    }
}
