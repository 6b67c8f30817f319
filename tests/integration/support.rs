//! Shared helpers: a client pointed at a mock server, sample bodies.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use httpmock::MockServer;
use imprint::{Client, RetryPolicy};
use tracing_subscriber::Layer;

/// The API key every test client uses.
pub const KEY: &str = "test_key_4f9a";

/// `Basic base64("test_key_4f9a:")`.
pub const BASIC: &str = "Basic dGVzdF9rZXlfNGY5YTo=";

/// A client for `server` with fast retries (3 attempts, waits of a few ms).
pub fn client(server: &MockServer) -> Client {
    builder(server).build().expect("test client builds")
}

/// A builder for `server`, so a test can change one setting.
pub fn builder(server: &MockServer) -> imprint::ClientBuilder {
    builder_at(&server.base_url())
}

/// A builder for the server at `base_url`, with fast retries.
pub fn builder_at(base_url: &str) -> imprint::ClientBuilder {
    Client::builder()
        .api_key(KEY)
        .base_url(base_url)
        .retry_policy(
            RetryPolicy::default()
                .min_delay(Duration::from_millis(1))
                .base_delay(Duration::from_millis(5))
                .max_delay(Duration::from_millis(20)),
        )
}

/// A one-customer page.
pub fn customer_page() -> serde_json::Value {
    serde_json::json!({
        "data": [{ "id": "9B5E1EE0-2E1C-46E7-81B9-3C3917204BE4", "first_name": "Ada", "last_name": "Quill" }],
        "has_more": false,
        "total": 1
    })
}

/// Tracing output of the current thread, at TRACE level from every crate (the
/// SDK, reqwest, hyper), while the value lives: as text, and as structured
/// spans and events ([`Capture::records`]).
///
/// One global subscriber serves every test; its writer and filter look at a
/// thread-local buffer, so parallel tests neither see each other's output nor
/// race on tracing's per-callsite interest cache (which thread-local default
/// subscribers do).
pub fn capture() -> Capture {
    install();
    let buffer = Arc::new(Mutex::new(Vec::new()));
    let records = Arc::new(Mutex::new(Vec::new()));
    BUFFER.with(|b| *b.borrow_mut() = Some(Arc::clone(&buffer)));
    RECORDS.with(|r| *r.borrow_mut() = Some(Arc::clone(&records)));
    Capture(buffer, records)
}

/// OpenTelemetry spans for the current thread's tracing spans while the value
/// lives (a `tracing-opentelemetry` layer with an SDK tracer that exports nothing).
pub fn otel() -> Otel {
    install();
    OTEL.with(|o| o.set(true));
    Otel
}

/// OpenTelemetry tracing on this thread; stops when dropped.
pub struct Otel;

impl Drop for Otel {
    fn drop(&mut self) {
        OTEL.with(|o| o.set(false));
    }
}

fn install() {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        use opentelemetry::trace::TracerProvider;
        use tracing_subscriber::layer::SubscriberExt;
        // Decided per span and event, never cached per callsite: whether this
        // thread captures.
        fn per_thread<S>(
            on: fn() -> bool,
        ) -> tracing_subscriber::filter::DynFilterFn<
            S,
            impl Fn(&tracing::Metadata<'_>, &tracing_subscriber::layer::Context<'_, S>) -> bool,
            impl Fn(&'static tracing::Metadata<'static>) -> tracing::subscriber::Interest,
        > {
            tracing_subscriber::filter::DynFilterFn::new(move |_, _| on())
                .with_callsite_filter(|_| tracing::subscriber::Interest::sometimes())
        }
        let text = tracing_subscriber::fmt::layer()
            .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
            .with_ansi(false)
            .with_writer(|| ThreadWriter)
            .with_filter(per_thread(|| BUFFER.with(|b| b.borrow().is_some())));
        let records = Recorder.with_filter(per_thread(|| RECORDS.with(|r| r.borrow().is_some())));
        let provider = opentelemetry_sdk::trace::SdkTracerProvider::builder().build();
        let otel = tracing_opentelemetry::layer()
            .with_tracer(provider.tracer("imprint-tests"))
            .with_filter(per_thread(|| OTEL.with(std::cell::Cell::get)));
        let subscriber = tracing_subscriber::registry()
            .with(text)
            .with(records)
            .with(otel);
        // `try_init` also forwards the `log` crate's records (reqwest's
        // connection logging among them) into the capture.
        tracing_subscriber::util::SubscriberInitExt::try_init(subscriber)
            .expect("one global subscriber for the tests");
    });
}

thread_local! {
    static BUFFER: std::cell::RefCell<Option<Arc<Mutex<Vec<u8>>>>> = const { std::cell::RefCell::new(None) };
    static RECORDS: std::cell::RefCell<Option<Arc<Mutex<Vec<Record>>>>> = const { std::cell::RefCell::new(None) };
    static OTEL: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Captured tracing output; capture stops when dropped.
pub struct Capture(Arc<Mutex<Vec<u8>>>, Arc<Mutex<Vec<Record>>>);

impl Capture {
    /// Everything written so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }

    /// Every span and event so far, in the order they began, with the fields
    /// recorded on them since.
    pub fn records(&self) -> Vec<Record> {
        self.1.lock().unwrap().clone()
    }
}

impl Drop for Capture {
    fn drop(&mut self) {
        BUFFER.with(|b| *b.borrow_mut() = None);
        RECORDS.with(|r| *r.borrow_mut() = None);
    }
}

/// One span or event, as the subscriber saw it.
#[derive(Clone, Debug)]
pub struct Record {
    /// Whether this is a span (else an event).
    pub span: bool,
    /// The span's id (an event's is 0).
    pub id: u64,
    /// The parent span's id.
    pub parent: Option<u64>,
    pub name: String,
    pub target: String,
    pub level: tracing::Level,
    /// Every field, as text (strings unquoted), in the order recorded.
    pub fields: Vec<(String, String)>,
}

impl Record {
    /// The value of field `name`, if recorded.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .rev()
            .find(|(field, _)| field == name)
            .map(|(_, value)| value.as_str())
    }
}

struct Recorder;

struct Fields<'a>(&'a mut Vec<(String, String)>);

impl tracing::field::Visit for Fields<'_> {
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        self.0.push((field.name().to_string(), value.to_string()));
    }

    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0
            .push((field.name().to_string(), format!("{value:?}")));
    }
}

impl<S> tracing_subscriber::Layer<S> for Recorder
where
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
{
    fn on_new_span(
        &self,
        attrs: &tracing::span::Attributes<'_>,
        id: &tracing::span::Id,
        ctx: tracing_subscriber::layer::Context<'_, S>,
    ) {
        let mut fields = Vec::new();
        attrs.record(&mut Fields(&mut fields));
        let parent = ctx
            .span(id)
            .and_then(|span| span.parent())
            .map(|parent| parent.id().into_u64());
        push(Record {
            span: true,
            id: id.into_u64(),
            parent,
            name: attrs.metadata().name().to_string(),
            target: attrs.metadata().target().to_string(),
            level: *attrs.metadata().level(),
            fields,
        });
    }

    fn on_record(
        &self,
        id: &tracing::span::Id,
        values: &tracing::span::Record<'_>,
        _ctx: tracing_subscriber::layer::Context<'_, S>,
    ) {
        RECORDS.with(|r| {
            if let Some(records) = r.borrow().as_ref() {
                let mut records = records.lock().unwrap();
                // Ids are reused after a span closes: the latest span with it.
                if let Some(record) = records
                    .iter_mut()
                    .rev()
                    .find(|record| record.span && record.id == id.into_u64())
                {
                    values.record(&mut Fields(&mut record.fields));
                }
            }
        });
    }

    fn on_event(&self, event: &tracing::Event<'_>, ctx: tracing_subscriber::layer::Context<'_, S>) {
        let mut fields = Vec::new();
        event.record(&mut Fields(&mut fields));
        push(Record {
            span: false,
            id: 0,
            parent: ctx.event_span(event).map(|span| span.id().into_u64()),
            name: event.metadata().name().to_string(),
            target: event.metadata().target().to_string(),
            level: *event.metadata().level(),
            fields,
        });
    }
}

fn push(record: Record) {
    RECORDS.with(|r| {
        if let Some(records) = r.borrow().as_ref() {
            records.lock().unwrap().push(record);
        }
    });
}

struct ThreadWriter;

impl std::io::Write for ThreadWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        BUFFER.with(|b| {
            if let Some(buffer) = b.borrow().as_ref() {
                buffer.lock().unwrap().extend_from_slice(bytes);
            }
        });
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// One request a [`Scripted`] server received.
#[derive(Clone, Debug)]
pub struct Seen {
    /// When it arrived.
    pub at: std::time::Instant,
    /// The method.
    pub method: String,
    /// The request target exactly as sent (path and query, not normalized).
    pub target: String,
    /// The request's headers.
    pub headers: axum::http::HeaderMap,
}

/// What a [`Scripted`] server answers.
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json(status: u16, body: serde_json::Value) -> Answer {
        Answer {
            status,
            headers: vec![("content-type", "application/json".into())],
            body: body.to_string().into_bytes(),
        }
    }
}

/// A local HTTP server that records every request as sent and answers with a
/// closure of (request, index of the request).
pub struct Scripted {
    pub base_url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Scripted {
    pub async fn start(
        answer: impl Fn(&Seen, usize) -> Answer + Send + Sync + 'static,
    ) -> Scripted {
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let answer = Arc::new(answer);
        let record = Arc::clone(&seen);
        let app = axum::Router::new().fallback(move |request: axum::extract::Request| {
            let (record, answer) = (Arc::clone(&record), Arc::clone(&answer));
            async move {
                let request = Seen {
                    at: std::time::Instant::now(),
                    method: request.method().to_string(),
                    target: request.uri().to_string(),
                    headers: request.headers().clone(),
                };
                let index = {
                    let mut seen = record.lock().unwrap();
                    seen.push(request.clone());
                    seen.len() - 1
                };
                let Answer {
                    status,
                    headers,
                    body,
                } = answer(&request, index);
                let mut response = axum::response::Response::new(axum::body::Body::from(body));
                *response.status_mut() = axum::http::StatusCode::from_u16(status).unwrap();
                for (name, value) in headers {
                    response
                        .headers_mut()
                        .insert(name, axum::http::HeaderValue::from_str(&value).unwrap());
                }
                response
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Scripted {
            base_url,
            seen,
            task,
        }
    }

    /// Every request so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// A client for this server with fast retries.
    pub fn builder(&self) -> imprint::ClientBuilder {
        builder_at(&self.base_url)
    }
}

impl Drop for Scripted {
    fn drop(&mut self) {
        self.task.abort();
    }
}
