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
    Client::builder()
        .api_key(KEY)
        .base_url(server.base_url())
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
/// SDK, reqwest, hyper), while the value lives.
///
/// One global subscriber serves every test; its writer and filter look at a
/// thread-local buffer, so parallel tests neither see each other's output nor
/// race on tracing's per-callsite interest cache (which thread-local default
/// subscribers do).
pub fn capture() -> Capture {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        use tracing_subscriber::layer::SubscriberExt;
        let layer = tracing_subscriber::fmt::layer()
            .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
            .with_ansi(false)
            .with_writer(|| ThreadWriter)
            // Decided per event, never cached per callsite: whether this thread captures.
            .with_filter(
                tracing_subscriber::filter::DynFilterFn::new(|_, _| {
                    BUFFER.with(|b| b.borrow().is_some())
                })
                .with_callsite_filter(|_| tracing::subscriber::Interest::sometimes()),
            );
        let subscriber = tracing_subscriber::registry().with(layer);
        tracing::subscriber::set_global_default(subscriber)
            .expect("one global subscriber for the tests");
    });
    let buffer = Arc::new(Mutex::new(Vec::new()));
    BUFFER.with(|b| *b.borrow_mut() = Some(Arc::clone(&buffer)));
    Capture(buffer)
}

thread_local! {
    static BUFFER: std::cell::RefCell<Option<Arc<Mutex<Vec<u8>>>>> = const { std::cell::RefCell::new(None) };
}

/// Captured tracing output; capture stops when dropped.
pub struct Capture(Arc<Mutex<Vec<u8>>>);

impl Capture {
    /// Everything written so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl Drop for Capture {
    fn drop(&mut self) {
        BUFFER.with(|b| *b.borrow_mut() = None);
    }
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
        Client::builder()
            .api_key(KEY)
            .base_url(&self.base_url)
            .retry_policy(
                RetryPolicy::default()
                    .min_delay(Duration::from_millis(1))
                    .base_delay(Duration::from_millis(5))
                    .max_delay(Duration::from_millis(20)),
            )
    }
}

impl Drop for Scripted {
    fn drop(&mut self) {
        self.task.abort();
    }
}
