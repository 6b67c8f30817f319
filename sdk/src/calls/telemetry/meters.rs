//! The metrics of the module docs' table, through the `metrics` facade: each
//! macro is a no-op unless the application installed a recorder.

use std::borrow::Cow;
use std::sync::Once;
use std::time::Duration;

use metrics::{Unit, counter, describe_counter, describe_histogram, histogram};
use reqwest::StatusCode;

use crate::meta::OperationMeta;

const REQUEST_DURATION: &str = "http.client.request.duration";
const CALL_DURATION: &str = "imprint.client.call.duration";
const CALLS: &str = "imprint.client.calls";
const ATTEMPTS: &str = "imprint.client.attempts";
const RETRIES: &str = "imprint.client.retries";
const PAGES: &str = "imprint.client.pages";
const ITEMS: &str = "imprint.client.items";

static DESCRIBED: Once = Once::new();

/// Tells the installed recorder the unit and description of every metric the
/// SDK records. The SDK calls it once by itself, on its first call; call it
/// again after installing a recorder later than that.
pub fn describe_metrics() {
    describe_histogram!(
        REQUEST_DURATION,
        Unit::Seconds,
        "Duration of HTTP client requests (one per attempt)."
    );
    describe_histogram!(
        CALL_DURATION,
        Unit::Seconds,
        "Duration of Imprint SDK calls, every attempt and retry wait included."
    );
    describe_counter!(CALLS, Unit::Count, "Imprint SDK calls, by outcome.");
    describe_counter!(
        ATTEMPTS,
        Unit::Count,
        "HTTP requests sent by the Imprint SDK, by outcome."
    );
    describe_counter!(RETRIES, Unit::Count, "Retries, by the reason for them.");
    describe_counter!(PAGES, Unit::Count, "Pages received by pagination streams.");
    describe_counter!(ITEMS, Unit::Count, "Items received by pagination streams.");
}

/// One finished call.
pub(super) fn call(
    meta: &'static OperationMeta,
    elapsed: Duration,
    error_type: Option<Cow<'static, str>>,
) {
    DESCRIBED.call_once(describe_metrics);
    let outcome = if error_type.is_some() {
        "error"
    } else {
        "success"
    };
    match error_type {
        None => {
            let labels = [("imprint.operation", meta.id), ("outcome", outcome)];
            histogram!(CALL_DURATION, &labels).record(elapsed.as_secs_f64());
            counter!(CALLS, &labels).increment(1);
        }
        Some(kind) => {
            let labels = [
                ("imprint.operation", Cow::Borrowed(meta.id)),
                ("outcome", Cow::Borrowed(outcome)),
                ("error.type", kind),
            ];
            histogram!(CALL_DURATION, &labels).record(elapsed.as_secs_f64());
            counter!(CALLS, &labels).increment(1);
        }
    }
}

/// One finished HTTP attempt: its response's status, or how it failed.
pub(super) fn attempt(
    meta: &'static OperationMeta,
    elapsed: Duration,
    status: Option<StatusCode>,
    failure: Option<Cow<'static, str>>,
) {
    let outcome = if failure.is_some() {
        "error"
    } else {
        "success"
    };
    counter!(ATTEMPTS, "imprint.operation" => meta.id, "outcome" => outcome).increment(1);
    let (name, value) = match (status, failure) {
        (Some(status), _) => ("http.response.status_code", super::status_label(status)),
        (None, Some(kind)) => ("error.type", kind),
        (None, None) => ("error.type", Cow::Borrowed("transport")),
    };
    histogram!(
        REQUEST_DURATION,
        "imprint.operation" => meta.id,
        "http.request.method" => meta.method,
        "url.template" => meta.path,
        name => value,
    )
    .record(elapsed.as_secs_f64());
}

/// One retry, and why.
pub(super) fn retry(meta: &'static OperationMeta, reason: Cow<'static, str>) {
    counter!(RETRIES, "imprint.operation" => meta.id, "reason" => reason).increment(1);
}

/// One page of a stream, holding `items` items.
pub(super) fn page(meta: &'static OperationMeta, items: usize) {
    counter!(PAGES, "imprint.operation" => meta.id).increment(1);
    counter!(ITEMS, "imprint.operation" => meta.id).increment(items as u64);
}
