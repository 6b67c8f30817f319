//! Per-operation control of the fake: answers a test imposes, faults on the
//! n-th call, and what each operation received.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};

use http::header::{CONNECTION, CONTENT_LENGTH, TRANSFER_ENCODING};
use http::{HeaderMap, HeaderName, HeaderValue};
use serde_json::{Map, Value, json};

use imprint::OperationMeta;

/// An answer a test imposes on an operation, instead of the one the fake would give.
///
/// ```
/// use imprint_mock::Reply;
/// let throttled = Reply::error(429, "RATE_LIMIT_ERROR", "slow down")
///     .header("Retry-After", "2")
///     .header("x-request-id", "req_1");
/// assert_eq!(throttled.headers().count(), 2);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Reply {
    /// The HTTP status.
    pub status: u16,
    /// The JSON body (`None` for an empty body).
    pub body: Option<Value>,
    headers: Vec<(HeaderName, HeaderValue)>,
}

impl Reply {
    /// `status` with `body` as JSON.
    pub fn new(status: u16, body: Value) -> Self {
        Reply {
            status,
            body: Some(body),
            headers: Vec::new(),
        }
    }

    /// `status` with an empty body.
    pub fn empty(status: u16) -> Self {
        Reply {
            status,
            body: None,
            headers: Vec::new(),
        }
    }

    /// Adds a response header (`Retry-After`, a request id, …); a name given
    /// twice is sent twice. `Content-Type` replaces the fake's
    /// `application/json`.
    ///
    /// # Panics
    ///
    /// If `name` is not a header name or `value` not a header value (a CR or
    /// LF in it, say), or `name` is `Content-Length`, `Transfer-Encoding` or
    /// `Connection`, which the fake sets from the body and the connection: a
    /// mistake in the test, said where it is made.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        let name = HeaderName::from_bytes(name.as_bytes())
            .unwrap_or_else(|_| panic!("Reply::header: {name:?} is not a header name"));
        assert!(
            ![CONTENT_LENGTH, TRANSFER_ENCODING, CONNECTION].contains(&name),
            "Reply::header: the fake sets {name} itself"
        );
        let value = HeaderValue::from_str(value)
            .unwrap_or_else(|_| panic!("Reply::header: the value of {name} is not a header value"));
        self.headers.push((name, value));
        self
    }

    /// The headers added with [`header`](Self::header), in order, names in
    /// lower case.
    pub fn headers(&self) -> impl Iterator<Item = (&str, &str)> {
        self.headers
            .iter()
            .map(|(name, value)| (name.as_str(), value.to_str().unwrap_or_default()))
    }

    pub(crate) fn header_map(&self) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in &self.headers {
            map.append(name, value.clone());
        }
        map
    }

    /// `status` with Imprint's error envelope
    /// `{"error": {"type": kind, "message": message}}`.
    pub fn error(status: u16, kind: &str, message: &str) -> Self {
        Reply::new(
            status,
            json!({ "error": { "type": kind, "message": message } }),
        )
    }
}

/// One request an operation received, in arrival order.
///
/// Its `Debug` output names the headers, query parameters and body fields but
/// not their values, which can be secret (the API key, an SSN, a PAN).
#[derive(Clone, PartialEq)]
#[non_exhaustive]
pub struct Received {
    /// The request path, with the values of path parameters.
    pub path: String,
    /// The request's headers, names in lower case, in the order they came
    /// (`authorization` included: it holds the API key, which `Debug` never
    /// prints).
    pub headers: Vec<(String, String)>,
    /// The query parameters, as sent (text).
    pub query: Map<String, Value>,
    /// The JSON body, if there was one and it parsed.
    pub body: Option<Value>,
}

impl fmt::Debug for Received {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let body: Option<Vec<&String>> = self
            .body
            .as_ref()
            .and_then(Value::as_object)
            .map(|fields| fields.keys().collect());
        let headers: Vec<&String> = self.headers.iter().map(|(name, _)| name).collect();
        f.debug_struct("Received")
            .field("path", &self.path)
            .field("headers", &headers)
            .field("query", &self.query.keys().collect::<Vec<_>>())
            .field("body_fields", &body)
            .finish()
    }
}

/// What the fake keeps for one operation.
#[derive(Default)]
struct Slot {
    received: Vec<Received>,
    always: Option<Reply>,
    nth: HashMap<u64, Reply>,
}

/// Every operation's slot, keyed by `operationId`.
#[derive(Default)]
pub(crate) struct Controls(Mutex<HashMap<&'static str, Slot>>);

impl Controls {
    fn slots(&self) -> MutexGuard<'_, HashMap<&'static str, Slot>> {
        // A test that panicked while holding the lock leaves plain data behind.
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Records `request` for `operation` and returns the reply imposed on this
    /// call, if any.
    pub(crate) fn arrive(&self, operation: &'static str, request: Received) -> Option<Reply> {
        let mut slots = self.slots();
        let slot = slots.entry(operation).or_default();
        slot.received.push(request);
        let nth = slot.received.len() as u64;
        slot.nth.remove(&nth).or_else(|| slot.always.clone())
    }
}

/// A handle on one operation of a running fake, from
/// [`FakeImprint::operation`](super::FakeImprint::operation) or
/// [`FakeImprint::operation_meta`](super::FakeImprint::operation_meta).
#[derive(Clone)]
pub struct OperationControl {
    meta: &'static OperationMeta,
    controls: Arc<Controls>,
}

impl fmt::Debug for OperationControl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OperationControl")
            .field("operation", &self.meta.id)
            .finish_non_exhaustive()
    }
}

impl OperationControl {
    pub(crate) fn new(meta: &'static OperationMeta, controls: Arc<Controls>) -> Self {
        OperationControl { meta, controls }
    }

    /// The operation this handle controls.
    pub fn meta(&self) -> &'static OperationMeta {
        self.meta
    }

    /// Every later call answers `reply` (until [`reset`](Self::reset)); the
    /// fake's world does not change.
    pub fn always(&self, reply: Reply) -> &Self {
        self.with_slot(|slot| slot.always = Some(reply));
        self
    }

    /// The `nth` call of this operation (1-based, counting from the start of the
    /// server, failed calls included) answers `reply`; the world does not change.
    pub fn on_call(&self, nth: u64, reply: Reply) -> &Self {
        self.with_slot(|slot| {
            slot.nth.insert(nth, reply);
        });
        self
    }

    /// The `nth` call fails with `status` and an `INJECTED_FAULT` error envelope.
    pub fn fail_call(&self, nth: u64, status: u16) -> &Self {
        let message = format!("call {nth} of {} fails by configuration", self.meta.id);
        self.on_call(nth, Reply::error(status, "INJECTED_FAULT", &message))
    }

    /// Removes the replies imposed on this operation (what it received stays).
    pub fn reset(&self) -> &Self {
        self.with_slot(|slot| {
            slot.always = None;
            slot.nth.clear();
        });
        self
    }

    /// How many requests this operation received.
    pub fn calls(&self) -> u64 {
        self.with_slot(|slot| slot.received.len() as u64)
    }

    /// The requests this operation received, in order.
    pub fn received(&self) -> Vec<Received> {
        self.with_slot(|slot| slot.received.clone())
    }

    /// The JSON body of the last request received, if it had one.
    pub fn last_body(&self) -> Option<Value> {
        self.with_slot(|slot| slot.received.last().and_then(|r| r.body.clone()))
    }

    fn with_slot<T>(&self, f: impl FnOnce(&mut Slot) -> T) -> T {
        f(self.controls.slots().entry(self.meta.id).or_default())
    }
}
