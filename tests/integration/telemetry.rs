//! What the SDK reports (spans, events, metrics, trace context), against real
//! HTTP exchanges with a scripted local server.

use futures::TryStreamExt;
use imprint::prelude::*;
use imprint::{Error, Ssn};
use metrics_util::debugging::{DebugValue, DebuggingRecorder};
use metrics_util::{CompositeKey, MetricKind};
use serde_json::json;
use tracing::{Instrument, Level};

use crate::support::{Answer, Record, Scripted, capture, customer_page, otel};

const SSN_DIGITS: &str = "912345678";
const CUSTOMER_ID: &str = "CUST-7d41a9";
const CURSOR: &str = "cur_5e0f33b8";

fn calls(records: &[Record]) -> Vec<&Record> {
    records
        .iter()
        .filter(|r| r.span && r.name == "imprint.call")
        .collect()
}

fn attempts_of<'a>(records: &'a [Record], call: &Record) -> Vec<&'a Record> {
    records
        .iter()
        .filter(|r| r.span && r.name == "imprint.request" && r.parent == Some(call.id))
        .collect()
}

fn events<'a>(records: &'a [Record], message: &str) -> Vec<&'a Record> {
    records
        .iter()
        .filter(|r| !r.span && r.field("message") == Some(message))
        .collect()
}

#[tokio::test]
async fn a_retried_call_is_one_call_span_over_one_client_span_per_attempt() {
    let logs = capture();
    let server = Scripted::start(|_, index| match index {
        0 | 1 => Answer::json(503, json!({ "error": { "type": "UNAVAILABLE" } })),
        _ => Answer::json(200, customer_page()),
    })
    .await;
    let client = server.builder().build().unwrap();
    let ssn = Ssn::new(SSN_DIGITS).unwrap();
    let page = client
        .search_customers_post()
        .body_map(|b| b.ssn(ssn))
        .call()
        .await
        .unwrap();
    assert_eq!(page.data.len(), 1);

    let records = logs.records();
    let calls = calls(&records);
    assert_eq!(calls.len(), 1, "{records:#?}");
    let call = calls[0];
    assert_eq!(call.target, "imprint::call");
    assert_eq!(call.level, Level::INFO);
    for (name, value) in [
        ("otel.name", "searchCustomersPost"),
        ("otel.kind", "internal"),
        ("imprint.operation", "searchCustomersPost"),
        ("http.request.method", "POST"),
        ("url.template", "/v2/customers"),
        ("http.response.status_code", "200"),
        ("imprint.attempts", "3"),
    ] {
        assert_eq!(call.field(name), Some(value), "call span {name}: {call:?}");
    }
    assert_eq!(call.field("error.type"), None);
    assert_eq!(call.field("otel.status_code"), None);

    let port = server.base_url.rsplit(':').next().unwrap();
    let attempts = attempts_of(&records, call);
    assert_eq!(attempts.len(), 3, "{records:#?}");
    for (index, attempt) in attempts.iter().enumerate() {
        assert_eq!(attempt.target, "imprint::http");
        for (name, value) in [
            ("otel.name", "POST /v2/customers"),
            ("otel.kind", "client"),
            ("imprint.operation", "searchCustomersPost"),
            ("http.request.method", "POST"),
            ("url.template", "/v2/customers"),
            ("server.address", "127.0.0.1"),
            ("server.port", port),
        ] {
            assert_eq!(attempt.field(name), Some(value), "attempt {index} {name}");
        }
        let resend = (index > 0).then(|| index.to_string());
        assert_eq!(
            attempt.field("http.request.resend_count"),
            resend.as_deref()
        );
        let (status, error) = if index < 2 {
            ("503", Some("503"))
        } else {
            ("200", None)
        };
        assert_eq!(attempt.field("http.response.status_code"), Some(status));
        assert_eq!(attempt.field("error.type"), error);
        assert_eq!(
            attempt.field("otel.status_code"),
            error.map(|_| "ERROR"),
            "attempt {index}"
        );
    }

    // Retry waits are INFO events on the call span; completion one DEBUG event.
    let retries = events(&records, "retrying");
    assert_eq!(retries.len(), 2);
    for retry in &retries {
        assert_eq!(
            (retry.parent, retry.level, retry.target.as_str()),
            (Some(call.id), Level::INFO, "imprint::call")
        );
        assert_eq!(retry.field("reason"), Some("503"));
    }
    let done = events(&records, "call completed");
    assert_eq!(done.len(), 1);
    assert_eq!(
        (done[0].level, done[0].target.as_str()),
        (Level::DEBUG, "imprint::call")
    );
    for (name, value) in [
        ("operation", "searchCustomersPost"),
        ("status", "200"),
        ("attempts", "3"),
        ("outcome", "success"),
    ] {
        assert_eq!(done[0].field(name), Some(value), "{name}");
    }
    assert!(done[0].field("elapsed_ms").is_some());
    assert_eq!(server.seen().len(), 3, "the server saw the three attempts");
}

#[tokio::test]
async fn no_body_query_value_or_path_id_reaches_any_captured_field() {
    let logs = capture();
    let server = Scripted::start(|seen, _| {
        if seen.target.starts_with("/v2/customers/") {
            Answer::json(404, json!({ "error": { "type": "CUSTOMER_NOT_FOUND_ERROR", "message": format!("no customer {CUSTOMER_ID}") } }))
        } else {
            Answer::json(200, customer_page())
        }
    })
    .await;
    let client = server.builder().build().unwrap();
    let ssn = Ssn::new(SSN_DIGITS).unwrap();
    client
        .search_customers_post()
        .body_map(|b| b.ssn(ssn))
        .call()
        .await
        .unwrap();
    let missing = client.get_customer().customer_id(CUSTOMER_ID).call().await;
    assert!(matches!(missing, Err(Error::Api(_))));
    client
        .search_customers()
        .starting_after(CURSOR)
        .call()
        .await
        .unwrap();
    assert!(server.seen()[1].target.contains(CUSTOMER_ID));
    assert!(server.seen()[2].target.contains(CURSOR));

    let records = logs.records();
    let ours: Vec<&Record> = records
        .iter()
        .filter(|r| r.target.starts_with("imprint"))
        .collect();
    assert_eq!(calls(&records).len(), 3);
    for record in &ours {
        for (name, value) in &record.fields {
            for secret in [SSN_DIGITS, "912-34-5678", CUSTOMER_ID, CURSOR, "Basic"] {
                assert!(
                    !value.contains(secret),
                    "{} field {name} holds {secret}: {value}",
                    record.name
                );
            }
        }
    }
    let not_found = calls(&records)[1];
    assert_eq!(
        not_found.field("url.template"),
        Some("/v2/customers/{customer_id}")
    );
    assert_eq!(not_found.field("error.type"), Some("404"));
    assert_eq!(not_found.field("otel.status_code"), Some("ERROR"));
    let text = logs.text();
    for secret in [SSN_DIGITS, CUSTOMER_ID, CURSOR] {
        assert!(!text.contains(secret), "{secret} in the text output");
    }
}

#[tokio::test]
async fn exhausted_retries_and_unsafe_failures_warn() {
    let logs = capture();
    let server = Scripted::start(|_, _| Answer::json(503, json!({}))).await;
    let client = server.builder().build().unwrap();
    let error = client.search_customers().call().await.unwrap_err();
    assert_eq!(error.attempts(), Some(3));
    let error = client
        .create_session()
        .body_map(|b| b)
        .call()
        .await
        .unwrap_err();
    assert_eq!(error.attempts(), Some(1));

    let records = logs.records();
    let warnings: Vec<&Record> = records
        .iter()
        .filter(|r| !r.span && r.level == Level::WARN && r.target == "imprint::call")
        .collect();
    assert_eq!(warnings.len(), 2, "{warnings:#?}");
    assert_eq!(warnings[0].field("message"), Some("retries exhausted"));
    assert_eq!(warnings[0].field("operation"), Some("searchCustomers"));
    assert_eq!(warnings[0].field("attempts"), Some("3"));
    assert_eq!(warnings[0].field("reason"), Some("503"));
    assert_eq!(
        warnings[1].field("message"),
        Some("not retried: the operation is not safe to repeat")
    );
    assert_eq!(warnings[1].field("operation"), Some("createSession"));
    let done = events(&records, "call completed");
    assert_eq!(done.len(), 2);
    assert!(done.iter().all(|e| e.field("outcome") == Some("503")));
}

/// A key of the snapshot: (kind, name, labels sorted).
fn key(kind: MetricKind, key: &CompositeKey) -> (MetricKind, String, Vec<(String, String)>) {
    let mut labels: Vec<(String, String)> = key
        .key()
        .labels()
        .map(|l| (l.key().to_string(), l.value().to_string()))
        .collect();
    labels.sort();
    (kind, key.key().name().to_string(), labels)
}

fn labels(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut labels: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    labels.sort();
    labels
}

#[tokio::test]
async fn metrics_count_calls_attempts_retries_and_pages_with_units_and_labels() {
    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    let _local = metrics::set_default_local_recorder(&recorder);
    imprint::telemetry::describe_metrics();
    // success; 503 then success; 404; an unsafe operation failing once; a
    // two-page stream of three items.
    let server = Scripted::start(|seen, index| match (seen.method.as_str(), index) {
        (_, 1) | ("POST", 4) => Answer::json(503, json!({})),
        ("POST", 0 | 2) => Answer::json(200, customer_page()),
        ("GET", 3) => Answer::json(
            404,
            json!({ "error": { "type": "CUSTOMER_NOT_FOUND_ERROR" } }),
        ),
        ("GET", 5) => Answer::json(
            200,
            json!({ "data": [{ "id": "A" }, { "id": "B" }], "has_more": true, "total": 3 }),
        ),
        _ => Answer::json(
            200,
            json!({ "data": [{ "id": "C" }], "has_more": false, "total": 3 }),
        ),
    })
    .await;
    let client = server.builder().build().unwrap();
    client.search_customers_post().call().await.unwrap();
    client.search_customers_post().call().await.unwrap();
    let missing = client.get_customer().customer_id("X").call().await;
    assert!(missing.unwrap_err().is_not_found());
    let unsafe_failure = client.create_session().body_map(|b| b).call().await;
    assert_eq!(unsafe_failure.unwrap_err().attempts(), Some(1));
    let items: Vec<_> = client
        .search_customers()
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(items.len(), 3);
    assert_eq!(server.seen().len(), 7);

    let snapshot = snapshotter.snapshot().into_vec();
    let mut counters = std::collections::BTreeMap::new();
    let mut histograms = std::collections::BTreeMap::new();
    for (composite, unit, _, value) in snapshot {
        let key = key(composite.kind(), &composite);
        match value {
            DebugValue::Counter(count) => {
                counters.insert((key.1, key.2), (count, unit));
            }
            DebugValue::Histogram(values) => {
                histograms.insert((key.1, key.2), (values.len(), unit));
            }
            DebugValue::Gauge(_) => panic!("no gauges expected: {key:?}"),
        }
    }
    let count = |name: &str, pairs: &[(&str, &str)]| {
        counters
            .get(&(name.to_string(), labels(pairs)))
            .map(|(count, _)| *count)
    };
    let post = ("imprint.operation", "searchCustomersPost");
    assert_eq!(
        count("imprint.client.calls", &[post, ("outcome", "success")]),
        Some(2)
    );
    assert_eq!(
        count(
            "imprint.client.calls",
            &[
                ("imprint.operation", "getCustomer"),
                ("outcome", "error"),
                ("error.type", "404")
            ]
        ),
        Some(1)
    );
    assert_eq!(
        count(
            "imprint.client.calls",
            &[
                ("imprint.operation", "createSession"),
                ("outcome", "error"),
                ("error.type", "503")
            ]
        ),
        Some(1)
    );
    assert_eq!(
        count("imprint.client.attempts", &[post, ("outcome", "success")]),
        Some(2)
    );
    assert_eq!(
        count("imprint.client.attempts", &[post, ("outcome", "error")]),
        Some(1)
    );
    assert_eq!(
        count(
            "imprint.client.attempts",
            &[("imprint.operation", "createSession"), ("outcome", "error")]
        ),
        Some(1)
    );
    assert_eq!(
        count("imprint.client.retries", &[post, ("reason", "503")]),
        Some(1)
    );
    let list = ("imprint.operation", "searchCustomers");
    assert_eq!(count("imprint.client.pages", &[list]), Some(2));
    assert_eq!(count("imprint.client.items", &[list]), Some(3));
    // Every retry counted is the one above; no other operation retried.
    let retries: u64 = counters
        .iter()
        .filter(|((name, _), _)| name == "imprint.client.retries")
        .map(|(_, (count, _))| count)
        .sum();
    assert_eq!(retries, 1);

    let request = |status: &str| {
        histograms
            .get(&(
                "http.client.request.duration".to_string(),
                labels(&[
                    post,
                    ("http.request.method", "POST"),
                    ("url.template", "/v2/customers"),
                    ("http.response.status_code", status),
                ]),
            ))
            .copied()
    };
    assert_eq!(request("200"), Some((2, Some(metrics::Unit::Seconds))));
    assert_eq!(request("503"), Some((1, Some(metrics::Unit::Seconds))));
    let attempts: usize = histograms
        .iter()
        .filter(|((name, _), _)| name == "http.client.request.duration")
        .map(|(_, (n, _))| n)
        .sum();
    assert_eq!(attempts, 7, "one duration per request sent");
    let calls: usize = histograms
        .iter()
        .filter(|((name, _), (_, unit))| {
            name == "imprint.client.call.duration" && *unit == Some(metrics::Unit::Seconds)
        })
        .map(|(_, (n, _))| n)
        .sum();
    assert_eq!(calls, 6, "one duration per call, pages included");
    for ((name, labels), (_, unit)) in &counters {
        assert_eq!(*unit, Some(metrics::Unit::Count), "{name}");
        for (label, value) in labels {
            assert!(
                ["imprint.operation", "outcome", "error.type", "reason"].contains(&label.as_str()),
                "{name}: unexpected label {label}={value}"
            );
            assert_ne!(value, "X", "{name}: an id in a label");
        }
    }
}

#[tokio::test]
async fn requests_in_an_opentelemetry_trace_carry_its_traceparent() {
    use opentelemetry::trace::TraceContextExt;
    use tracing_opentelemetry::OpenTelemetrySpanExt;

    let server = Scripted::start(|_, index| match index {
        0 => Answer::json(503, json!({})),
        _ => Answer::json(200, customer_page()),
    })
    .await;
    let client = server.builder().build().unwrap();

    let _otel = otel();
    let root = tracing::info_span!("partner request");
    let trace_id = root.context().span().span_context().trace_id();
    assert_ne!(trace_id, opentelemetry::trace::TraceId::INVALID);
    client
        .search_customers_post()
        .call()
        .instrument(root.clone())
        .await
        .unwrap();
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    let mut parents = Vec::new();
    for request in &seen {
        let traceparent = request.headers["traceparent"].to_str().unwrap();
        let parts: Vec<&str> = traceparent.split('-').collect();
        assert_eq!(parts.len(), 4, "{traceparent}");
        assert_eq!(parts[0], "00");
        assert_eq!(parts[1], trace_id.to_string(), "the span's trace");
        assert_eq!(parts[2].len(), 16);
        assert_eq!(parts[3], "01", "sampled");
        parents.push(parts[2].to_string());
    }
    assert_ne!(
        parents[0], parents[1],
        "each attempt is its own parent span"
    );
    let root_span_id = root.context().span().span_context().span_id().to_string();
    assert!(
        !parents.contains(&root_span_id),
        "the parent is the attempt, not the root"
    );
}

#[tokio::test]
async fn without_an_opentelemetry_context_no_trace_header_is_sent() {
    let server = Scripted::start(|_, _| Answer::json(200, customer_page())).await;
    let client = server.builder().build().unwrap();
    let _logs = capture();
    client
        .search_customers_post()
        .call()
        .instrument(tracing::info_span!("no otel here"))
        .await
        .unwrap();
    let seen = server.seen();
    assert!(!seen[0].headers.contains_key("traceparent"));
    assert!(!seen[0].headers.contains_key("tracestate"));
}

#[tokio::test]
async fn read_ahead_pages_keep_their_attempts_under_their_call() {
    let logs = capture();
    let server = Scripted::start(|seen, _| {
        if seen.target.contains("starting_after") {
            Answer::json(200, json!({ "data": [{ "id": "C" }], "has_more": false }))
        } else {
            Answer::json(
                200,
                json!({ "data": [{ "id": "A" }, { "id": "B" }], "has_more": true }),
            )
        }
    })
    .await;
    let client = server.builder().build().unwrap();
    let items: Vec<_> = client
        .search_customers()
        .paginate()
        .read_ahead(true)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(items.len(), 3);
    let records = logs.records();
    let calls = calls(&records);
    assert_eq!(calls.len(), 2, "one call span per page");
    for call in calls {
        assert_eq!(attempts_of(&records, call).len(), 1, "{records:#?}");
    }
}
