//! What the SDK reports: spans, events and metrics of a few calls against the
//! embedded fake server, one of them retried.
//!
//! ```text
//! cargo run -p imprint-sdk --example observability --features mock,metrics
//! ```
//!
//! It installs a `tracing` subscriber that prints the SDK's events
//! (`imprint=debug`: one line per call, retries and warnings) and keeps every
//! span, prints the spans as a tree, then the metrics a recorder received. In
//! an application the subscriber would carry a `tracing-opentelemetry` layer
//! and the recorder would be an OpenTelemetry or Prometheus exporter.

use std::fmt::Write as _;
use std::sync::{Arc, Mutex};

use futures::TryStreamExt;
use imprint::builder::SearchCustomersPost;
use imprint::prelude::*;
use imprint::{Client, RetryPolicy};
use imprint_mock::FakeImprint;
use metrics_util::debugging::{DebugValue, DebuggingRecorder};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let tree = SpanTree::default();
    tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_target(true)
                .with_filter(EnvFilter::new("imprint=debug")),
        )
        .with(
            tree.clone()
                .with_filter(EnvFilter::new("imprint::call=info,imprint::http=info")),
        )
        .init();
    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    recorder.install()?;
    imprint::telemetry::describe_metrics();

    let fake = FakeImprint::builder().customers(120).start().await?;
    // The first search answers 503: the SDK waits and sends it again.
    fake.operation::<SearchCustomersPost>().fail_call(1, 503);
    let client = Client::builder()
        .api_key(fake.api_key())
        .base_url(fake.base_url())
        .retry_policy(RetryPolicy::default().min_delay(std::time::Duration::from_millis(20)))
        .build()?;

    println!("== events (RUST_LOG=imprint=debug)");
    let page = client
        .search_customers_post()
        .body_map(|body| body.partner_customer_id("PARTNER_00005".to_string()))
        .call()
        .await?;
    let missing = client
        .get_customer()
        .customer_id("no-such-customer")
        .call()
        .await;
    let customers: Vec<_> = client
        .search_customers()
        .paginate()
        .page_size(50)
        .items()
        .try_collect()
        .await?;
    println!(
        "found {} by partner id; getCustomer: {}; streamed {} customers",
        page.data.len(),
        missing.map_or_else(|e| e.to_string(), |_| "found".into()),
        customers.len()
    );

    println!("\n== spans");
    print!("{}", tree.render());

    println!("\n== metrics");
    let mut lines: Vec<String> = snapshotter
        .snapshot()
        .into_vec()
        .into_iter()
        .map(|(key, unit, _, value)| {
            let labels: Vec<String> = key
                .key()
                .labels()
                .map(|l| format!("{}={}", l.key(), l.value()))
                .collect();
            let unit = unit
                .map(|u| u.as_canonical_label())
                .filter(|label| !label.is_empty())
                .map(|label| format!(" [{label}]"))
                .unwrap_or_default();
            let value = match value {
                DebugValue::Counter(count) => count.to_string(),
                DebugValue::Gauge(gauge) => gauge.to_string(),
                DebugValue::Histogram(values) => format!(
                    "{} recorded, {:.1} ms total",
                    values.len(),
                    values.iter().map(|v| v.into_inner()).sum::<f64>() * 1000.0
                ),
            };
            format!(
                "{}{{{}}}{unit} = {value}",
                key.key().name(),
                labels.join(", ")
            )
        })
        .collect();
    lines.sort();
    for line in lines {
        println!("{line}");
    }
    Ok(())
}

/// Keeps every span (name and fields, under its parent) and every event, to
/// print them as a tree.
#[derive(Clone, Default)]
struct SpanTree(Arc<Mutex<Vec<Node>>>);

struct Node {
    id: Option<u64>,
    parent: Option<u64>,
    text: String,
}

impl SpanTree {
    fn render(&self) -> String {
        let nodes = self.0.lock().unwrap();
        let mut out = String::new();
        render(&nodes, None, 0, &mut out);
        out
    }

    fn push(&self, node: Node) {
        self.0.lock().unwrap().push(node);
    }

    fn record(&self, id: u64, fields: String) {
        let mut nodes = self.0.lock().unwrap();
        if let Some(node) = nodes.iter_mut().rev().find(|n| n.id == Some(id)) {
            node.text.push_str(&fields);
        }
    }
}

fn render(nodes: &[Node], parent: Option<u64>, depth: usize, out: &mut String) {
    for node in nodes.iter().filter(|n| n.parent == parent) {
        let _ = writeln!(out, "{}{}", "  ".repeat(depth), node.text);
        if node.id.is_some() {
            render(nodes, node.id, depth + 1, out);
        }
    }
}

struct Fields(String);

impl tracing::field::Visit for Fields {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, " {}={value:?}", field.name());
    }

    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        let _ = write!(self.0, " {}={value}", field.name());
    }
}

impl<S> Layer<S> for SpanTree
where
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
{
    fn on_new_span(
        &self,
        attrs: &tracing::span::Attributes<'_>,
        id: &tracing::span::Id,
        ctx: tracing_subscriber::layer::Context<'_, S>,
    ) {
        let mut fields = Fields(format!("{} ·", attrs.metadata().name()));
        attrs.record(&mut fields);
        let parent = ctx
            .span(id)
            .and_then(|s| s.parent())
            .map(|p| p.id().into_u64());
        self.push(Node {
            id: Some(id.into_u64()),
            parent,
            text: fields.0,
        });
    }

    fn on_record(
        &self,
        id: &tracing::span::Id,
        values: &tracing::span::Record<'_>,
        _: tracing_subscriber::layer::Context<'_, S>,
    ) {
        let mut fields = Fields(String::new());
        values.record(&mut fields);
        self.record(id.into_u64(), fields.0);
    }

    fn on_event(&self, event: &tracing::Event<'_>, ctx: tracing_subscriber::layer::Context<'_, S>) {
        let mut fields = Fields(format!("event {} ·", event.metadata().level()));
        event.record(&mut fields);
        let parent = ctx.event_span(event).map(|s| s.id().into_u64());
        self.push(Node {
            id: None,
            parent,
            text: fields.0,
        });
    }
}
