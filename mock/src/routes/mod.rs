//! The fake server's HTTP side. One handler receives every request, checks the
//! API key, finds its operation in the generated table
//! ([`OperationMeta::all`]), records it, applies what the test imposed, validates the request against the
//! spec, and runs the operation over the world. A path of the spec under a
//! method it does not declare answers 405 with `Allow`; anything else it cannot
//! place answers 501 `NOT_IMPLEMENTED_BY_FAKE`, never a 404 a client could take
//! for "not found".
//!
//! A body that names a resource the world does not hold (createSession's
//! `customer_id`, an order's `payment_method_id`, postOrderEvent's `order_id`,
//! …) is answered like a path that does: 404 with the resource's not-found
//! body, the one the spec documents for that resource elsewhere (the
//! `*NotFoundError` of its `get` operation; orders, which have none, the
//! `ApiError` envelope), as Imprint answers, even where the operation
//! documents no 404. A value of the wrong type or format stays a 400.

mod customers;
mod keys;
mod orders;
mod payment_methods;
mod rewards;
mod sessions;
mod transactions;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use base64::Engine;
use http::{HeaderMap, Method, header};
use serde_json::{Map, Value, json};

use super::control::{Controls, Received, Reply};
use super::server::{Request, Response};
use super::validate;
use super::webhooks::Outbox;
use super::world::World;
use crate::MAX_PAGE_SIZE;
use imprint::{MERCHANT_KEY_HEADER, OperationMeta};

/// The error `type` of a request the fake cannot place.
pub(crate) const NOT_IMPLEMENTED: &str = "NOT_IMPLEMENTED_BY_FAKE";

/// What every request shares.
pub(crate) struct Shared {
    pub(crate) latency: Duration,
    pub(crate) faults: Vec<(u64, u16)>,
    pub(crate) requests: AtomicU64,
    /// Nanoseconds spent answering requests, configured latency excluded.
    pub(crate) serving: AtomicU64,
    pub(crate) world: Mutex<World>,
    pub(crate) controls: Arc<Controls>,
    pub(crate) outbox: Outbox,
}

impl Shared {
    pub(crate) fn world(&self) -> MutexGuard<'_, World> {
        // A panicking test leaves plain data behind; the next request may read it.
        self.world
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// One request, placed and validated.
pub(crate) struct Call<'a> {
    /// The request path, for the validation shape's `path`.
    pub(crate) path: &'a str,
    /// The API key that authenticated it.
    pub(crate) caller: String,
    /// The values of the path parameters, in template order.
    pub(crate) params: Vec<String>,
    /// The query parameters, typed as the spec says.
    pub(crate) query: Map<String, Value>,
    /// The JSON body (`Null` when the operation takes none).
    pub(crate) body: Value,
}

impl Call<'_> {
    /// Path parameter `n` (0-based).
    pub(crate) fn param(&self, n: usize) -> &str {
        self.params.get(n).map_or("", String::as_str)
    }

    /// A string query parameter or body field.
    pub(crate) fn text(&self, name: &str) -> Option<&str> {
        self.query
            .get(name)
            .or_else(|| self.body.get(name))
            .and_then(Value::as_str)
    }

    /// The `starting_after` cursor. An empty one is no cursor: clients that
    /// build the first page's request like the others send `starting_after=`.
    pub(crate) fn cursor(&self) -> Option<&str> {
        self.text("starting_after")
            .filter(|cursor| !cursor.is_empty())
    }

    /// The `limit` query parameter or body field (default 10).
    pub(crate) fn limit(&self) -> usize {
        self.query
            .get("limit")
            .or_else(|| self.body.get("limit"))
            .and_then(Value::as_u64)
            .map_or(10, |n| n as usize)
    }
}

/// A status and an optional JSON body.
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) body: Option<Value>,
}

impl Answer {
    pub(crate) fn ok(body: Value) -> Self {
        Answer {
            status: 200,
            body: Some(body),
        }
    }

    pub(crate) fn created(body: Value) -> Self {
        Answer {
            status: 201,
            body: Some(body),
        }
    }

    pub(crate) fn no_content() -> Self {
        Answer {
            status: 204,
            body: None,
        }
    }

    /// Imprint's validation shape, `{"error": "Bad Request", "details": [...], ...}`.
    pub(crate) fn invalid(path: &str, detail: impl Into<String>) -> Self {
        // Spring writes the offset as `+00:00`, where Imprint's own fields write `Z`.
        let timestamp = imprint::Timestamp::now().as_str().replace('Z', "+00:00");
        Answer {
            status: 400,
            body: Some(json!({
                "error": "Bad Request",
                "details": [detail.into()],
                "path": path,
                "status": 400,
                "timestamp": timestamp,
            })),
        }
    }

    /// The spec's `*NotFoundError` shape: the inner object alone.
    pub(crate) fn not_found(kind: &str, noun: &str, param: &str, id: &str) -> Self {
        Answer {
            status: 404,
            body: Some(json!({
                "type": kind,
                "message": format!("{noun} not found for provided ID: {id}"),
                "param": param,
            })),
        }
    }

    /// The error envelope `{"error": {"type", "message"}}` (`ApiError`).
    pub(crate) fn error(status: u16, kind: &str, message: impl Into<String>) -> Self {
        Answer::from(Reply::error(status, kind, &message.into()))
    }

    /// The spec's `ConflictError`, `{"type", "message"}`.
    pub(crate) fn conflict(message: impl Into<String>) -> Self {
        Answer {
            status: 409,
            body: Some(json!({ "type": "CONFLICT_ERROR", "message": message.into() })),
        }
    }

    fn into_response(self) -> Response {
        Response {
            status: self.status,
            headers: HeaderMap::new(),
            json: self.body.map(|body| body.to_string().into_bytes()),
        }
    }
}

impl From<Reply> for Answer {
    fn from(reply: Reply) -> Self {
        Answer {
            status: reply.status,
            body: reply.body,
        }
    }
}

/// One page of `items` (in list order) after the item whose `key` is the
/// `starting_after` cursor: `{data, has_more, total}`.
pub(crate) fn page(call: &Call<'_>, items: Vec<Value>, key: &str, noun: &str) -> Answer {
    let start = match call.cursor() {
        None => 0,
        Some(cursor) => match items.iter().position(|item| item[key] == cursor) {
            Some(at) => at + 1,
            None => {
                return Answer::invalid(
                    call.path,
                    format!("starting_after: is not the id of {noun}"),
                );
            }
        },
    };
    let total = items.len();
    let end = start.saturating_add(call.limit()).min(total);
    let data: Vec<Value> = items[start.min(end)..end].to_vec();
    Answer::ok(json!({ "data": data, "has_more": end < total, "total": total }))
}

/// The operation of the table that `method` and `path` name, and its path
/// parameters.
fn place(method: &Method, path: &str) -> Option<(&'static OperationMeta, Vec<String>)> {
    OperationMeta::all()
        .iter()
        .filter(|meta| meta.method == method.as_str())
        .find_map(|meta| Some((meta, parameters(meta.path, path)?)))
}

/// The methods the spec declares at `path`, for `Allow`: sorted, upper case.
fn methods_at(path: &str) -> Vec<&'static str> {
    let mut methods: Vec<&'static str> = OperationMeta::all()
        .iter()
        .filter(|meta| parameters(meta.path, path).is_some())
        .map(|meta| meta.method)
        .collect();
    methods.sort_unstable();
    methods.dedup();
    methods
}

/// The path parameters of `path` if it matches `template`, decoded.
fn parameters(template: &str, path: &str) -> Option<Vec<String>> {
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    let template: Vec<&str> = template.split('/').collect();
    if template.len() != segments.len() {
        return None;
    }
    let mut params = Vec::new();
    for (want, got) in template.iter().zip(&segments) {
        if want.starts_with('{') {
            if got.is_empty() {
                return None;
            }
            params.push(percent_decode(got));
        } else if want != got {
            return None;
        }
    }
    Some(params)
}

fn percent_decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The key that authenticates the request: Basic (the key as user name, empty
/// password) or Bearer, like the real API.
fn authorized(keys: &[String], headers: &HeaderMap) -> Option<String> {
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())?;
    // Decoded once, rather than every key encoded both ways per request.
    let presented = match given.split_once(' ')? {
        ("Bearer", key) => key.to_string(),
        ("Basic", encoded) => {
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(encoded)
                .ok()?;
            String::from_utf8(decoded)
                .ok()?
                .strip_suffix(':')?
                .to_string()
        }
        _ => return None,
    };
    keys.iter().find(|key| **key == presented).cloned()
}

/// Answers one request (the fake's handler, for [`super::server::serve`]).
pub(crate) async fn serve(shared: Arc<Shared>, request: Request) -> Response {
    let nth = shared.requests.fetch_add(1, Ordering::SeqCst) + 1;
    if !shared.latency.is_zero() {
        // tokio's timer rounds up to whole milliseconds (5 ms becomes 6 to 7); a
        // thread sleep on the blocking pool keeps the delay within ~0.1 ms.
        let latency = shared.latency;
        let _ = tokio::task::spawn_blocking(move || std::thread::sleep(latency)).await;
    }
    let started = std::time::Instant::now();
    let response = answer(&shared, nth, request).await;
    let spent = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
    shared.serving.fetch_add(spent, Ordering::Relaxed);
    response
}

/// Answers one request, in this order: the API key; record it for its
/// operation and give the reply the test imposed, if any (so a fault never
/// changes the world); a fault by global request number; 405 with `Allow` for a path of the spec
/// under another method, 501 for what is not an operation; the spec's request
/// schemas; the operation itself, then its webhooks.
async fn answer(shared: &Shared, nth: u64, request: Request) -> Response {
    let Request {
        method,
        uri,
        headers,
        body,
    } = request;
    let path = uri.path();
    let raw_query: HashMap<String, String> =
        url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
            .into_owned()
            .collect();
    // Nothing is recorded, and no canned reply served, before the key is
    // checked: an unauthenticated client cannot fill the fake's memory.
    let Some(caller) = authorized(&shared.world().keys, &headers) else {
        return Answer::error(401, "AUTHENTICATION_ERROR", "invalid or missing API key")
            .into_response();
    };
    let placed = place(&method, path);
    if let Some((meta, _)) = placed {
        let received = Received {
            path: path.to_string(),
            headers: headers
                .iter()
                .map(|(name, value)| {
                    (
                        name.as_str().to_string(),
                        String::from_utf8_lossy(value.as_bytes()).into_owned(),
                    )
                })
                .collect(),
            query: raw_query
                .iter()
                .map(|(k, v)| (k.clone(), Value::from(v.as_str())))
                .collect(),
            body: serde_json::from_slice(&body).ok(),
        };
        if let Some(reply) = shared.controls.arrive(meta.id, received) {
            let headers = reply.header_map();
            let mut response = Answer::from(reply).into_response();
            response.headers = headers;
            return response;
        }
    }
    if let Some((_, status)) = shared.faults.iter().find(|(at, _)| *at == nth) {
        let message = format!("request {nth} fails by configuration");
        return Answer::error(*status, "INJECTED_FAULT", message).into_response();
    }
    let Some((meta, params)) = placed else {
        let allowed = methods_at(path);
        if !allowed.is_empty() {
            let message = format!("{method} is not allowed on {path}");
            let mut response = Answer::error(405, "METHOD_NOT_ALLOWED", message).into_response();
            let allow = http::HeaderValue::from_str(&allowed.join(", "))
                .expect("method names are header values");
            response.headers.insert(header::ALLOW, allow);
            return response;
        }
        let message = format!(
            "the fake server does not serve {method} {path}: it is not an operation of the spec"
        );
        return Answer::error(501, NOT_IMPLEMENTED, message).into_response();
    };
    let checked = validate::query(meta.id, &raw_query)
        .and_then(|query| Ok((query, validate::body(meta.id, &body)?)))
        .and_then(|(query, body)| {
            let limit = query.get("limit").or_else(|| body.get("limit"));
            match limit.and_then(Value::as_u64) {
                Some(n) if n > MAX_PAGE_SIZE as u64 => Err(format!(
                    "limit: must be at most {MAX_PAGE_SIZE}, the fake server's largest page"
                )),
                _ => Ok((query, body)),
            }
        });
    let (query, body) = match checked {
        Ok(checked) => checked,
        Err(detail) if validate::answers_with_envelope(meta.id) => {
            return Answer::error(400, "BAD_REQUEST_ERROR", detail).into_response();
        }
        Err(detail) => return Answer::invalid(path, detail).into_response(),
    };
    let call = Call {
        path,
        caller,
        params,
        query,
        body,
    };
    let (answer, mut announced) = {
        let mut world = shared.world();
        let answer = run(meta, &call, &mut world);
        (answer, std::mem::take(&mut world.announced))
    };
    // A multi-product partner names the product per request; the webhooks a
    // request causes are about that product.
    if let Some(merchant) = headers
        .get(MERCHANT_KEY_HEADER)
        .and_then(|v| v.to_str().ok())
    {
        for payload in &mut announced {
            payload["data"]["merchant_key"] = Value::from(merchant);
        }
    }
    shared.outbox.send(announced).await;
    answer.into_response()
}

/// Runs operation `meta` over the world.
fn run(meta: &'static OperationMeta, call: &Call<'_>, world: &mut World) -> Answer {
    let handler: fn(&Call<'_>, &mut World) -> Answer = match meta.id {
        "searchCustomers" => customers::search_get,
        "searchCustomersPost" => customers::search_post,
        "getCustomer" => customers::get,
        "linkCustomerAccount" => customers::link,
        "getRewardsBalance" => rewards::balance,
        "getOffer" => customers::offer,
        "createSession" => sessions::create,
        "getSession" => sessions::get,
        "searchPaymentMethods" => payment_methods::search,
        "searchPaymentMethodsPost" => payment_methods::search,
        "getPaymentMethod" => payment_methods::get,
        "getPaymentMethods" => payment_methods::of_customer,
        "searchTransactionIntents" => transactions::search_intents,
        "createTransactionIntent" => transactions::create_intent,
        "getTransactionIntent" => transactions::get_intent,
        "updateTransactionIntent" => transactions::update_intent,
        "getTransactionIntents" => transactions::intents_of_customer,
        "getTransaction" => transactions::get,
        "getTransactions" => transactions::of_customer,
        "simulateTransactionEvent" => transactions::simulate_event,
        "searchRewards" => rewards::search,
        "getReward" => rewards::get,
        "patchReward" => rewards::patch,
        "getRewards" => rewards::of_customer,
        "simulateStatementReward" => rewards::simulate_statement,
        "simulateReward" => rewards::simulate,
        "listOrders" => orders::list,
        "createOrder" => orders::create,
        "putOrder" => orders::put,
        "deleteOrder" => orders::delete,
        "listOrderEvents" => orders::list_events,
        "postOrderEvent" => orders::create_event,
        "deleteOrderEvent" => orders::delete_event,
        "createKey" => keys::create,
        "deleteKey" => keys::delete,
        // An operation a newer spec adds, until the fake learns it; the test
        // that walks the generated table fails on it.
        other => {
            return Answer::error(
                501,
                NOT_IMPLEMENTED,
                format!("the fake server does not serve {other} yet"),
            );
        }
    };
    handler(call, world)
}

/// `customer_id` names a customer, or the answer is the spec's
/// `CustomerNotFoundError`.
pub(crate) fn customer_or_404(world: &World, id: &str) -> Result<Value, Answer> {
    world
        .customer(id)
        .ok_or_else(|| Answer::not_found("CUSTOMER_NOT_FOUND_ERROR", "Customer", "customer_id", id))
}

/// `payment_method_id` names a payment method, or the answer is the spec's
/// `PaymentMethodNotFoundError` (the 404 of `getPaymentMethod`).
pub(crate) fn payment_method_or_404(world: &World, id: &str) -> Result<Value, Answer> {
    world.payment_method(id).ok_or_else(|| {
        Answer::not_found(
            "PAYMENT_METHOD_NOT_FOUND_ERROR",
            "Payment method",
            "payment_method_id",
            id,
        )
    })
}

/// Copies the fields `names` of `from` that are present and not null into `to`.
pub(crate) fn copy_fields(from: &Value, to: &mut Map<String, Value>, names: &[&str]) {
    for name in names {
        if let Some(value) = from.get(*name).filter(|v| !v.is_null()) {
            to.insert((*name).to_string(), value.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_placed_by_method_and_path_template() {
        let (meta, params) = place(&Method::GET, "/v2/customers/C%2D1/rewards").unwrap();
        assert_eq!((meta.id, params), ("getRewards", vec!["C-1".to_string()]));
        let (meta, params) = place(&Method::POST, "/v2/customers/").unwrap();
        assert_eq!((meta.id, params.len()), ("searchCustomersPost", 0));
        assert_eq!(
            place(&Method::DELETE, "/v2/customers").map(|(m, _)| m.id),
            None
        );
        assert_eq!(
            place(&Method::GET, "/v2/customers//rewards").map(|(m, _)| m.id),
            None
        );
        assert_eq!(place(&Method::GET, "/v2/nothing").map(|(m, _)| m.id), None);
    }

    #[test]
    fn percent_decoding_keeps_what_is_not_an_escape() {
        assert_eq!(percent_decode("a%20b%zz%4"), "a b%zz%4");
    }
}
