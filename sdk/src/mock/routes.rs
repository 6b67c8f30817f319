//! The fake server's HTTP side: the API-key check, fault injection, and the
//! customer operations (`searchCustomersPost`, `searchCustomers`, `getCustomer`).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine;
use serde::Deserialize;
use serde_json::{Value, json};

use super::data::{self, Record};
use crate::generated::types::CustomerListResponse;

/// What every handler shares.
pub(crate) struct Shared {
    pub(crate) seed: u64,
    pub(crate) size: usize,
    pub(crate) api_key: String,
    pub(crate) latency: Duration,
    pub(crate) faults: Vec<(u64, u16)>,
    pub(crate) requests: AtomicU64,
}

type AppState = State<Arc<Shared>>;

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/v2/customers", post(search_post).get(search_get))
        .route("/v2/customers/{customer_id}", get(get_customer))
        .fallback(not_implemented)
        .layer(middleware::from_fn_with_state(Arc::clone(&shared), gate))
        .with_state(shared)
}

/// Counts the request, waits the configured latency, injects a fault if this
/// is the request to fail, and checks the API key.
async fn gate(State(shared): AppState, request: Request, next: Next) -> Response {
    let nth = shared.requests.fetch_add(1, Ordering::SeqCst) + 1;
    if !shared.latency.is_zero() {
        // tokio's timer rounds up to whole milliseconds (5 ms becomes 6 to 7); a
        // thread sleep on the blocking pool keeps the delay within ~0.1 ms.
        let latency = shared.latency;
        let _ = tokio::task::spawn_blocking(move || std::thread::sleep(latency)).await;
    }
    if let Some((_, status)) = shared.faults.iter().find(|(at, _)| *at == nth) {
        let status = StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        return envelope(
            status,
            "INJECTED_FAULT",
            &format!("request {nth} fails by configuration"),
        );
    }
    if !authorized(&shared.api_key, request.headers()) {
        return envelope(
            StatusCode::UNAUTHORIZED,
            "AUTHENTICATION_ERROR",
            "invalid or missing API key",
        );
    }
    next.run(request).await
}

/// Basic (the key as user name, empty password) or Bearer, like the real API.
fn authorized(key: &str, headers: &HeaderMap) -> bool {
    let Some(given) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let basic = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{key}:"))
    );
    given == basic || given == format!("Bearer {key}")
}

/// `{"error": {"type", "message"}}`, the API's error envelope.
fn envelope(status: StatusCode, kind: &str, message: &str) -> Response {
    (
        status,
        axum::Json(json!({ "error": { "type": kind, "message": message } })),
    )
        .into_response()
}

/// `{"error": "Bad Request", "details": [...], ...}`, the API's validation shape.
fn bad_request(path: &str, detail: String) -> Response {
    let timestamp = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, false);
    let body = json!({ "error": "Bad Request", "details": [detail], "path": path, "status": 400, "timestamp": timestamp });
    (StatusCode::BAD_REQUEST, axum::Json(body)).into_response()
}

async fn not_implemented(uri: Uri) -> Response {
    envelope(
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
        &format!("the fake server does not serve {}", uri.path()),
    )
}

/// What a customer search filters on.
#[derive(Default)]
struct Filter {
    partner_customer_id: Option<String>,
    ssn: Option<String>,
    date_of_birth: Option<(i64, i64, i64)>,
}

impl Filter {
    fn is_empty(&self) -> bool {
        self.partner_customer_id.is_none() && self.ssn.is_none() && self.date_of_birth.is_none()
    }

    fn matches(&self, record: &Record) -> bool {
        let customer = &record.customer;
        let partner = customer.partner_customer_id.as_ref().map(|p| p.as_str());
        let dob = customer.date_of_birth.as_ref().map(|d| {
            let part = |v: Option<std::num::NonZeroU64>| v.map_or(0, |v| v.get() as i64);
            (d.year.unwrap_or(0), part(d.month), part(d.day))
        });
        self.partner_customer_id
            .as_deref()
            .is_none_or(|wanted| partner == Some(wanted))
            && self
                .ssn
                .as_deref()
                .is_none_or(|wanted| record.ssn.expose_secret() == wanted)
            && self.date_of_birth.is_none_or(|wanted| dob == Some(wanted))
    }
}

/// One page of the (filtered) customers after `starting_after`.
fn search(
    shared: &Shared,
    path: &str,
    filter: Filter,
    limit: Option<u64>,
    after: Option<String>,
) -> Response {
    let limit = limit.unwrap_or(10) as usize;
    let start = match after {
        None => 0,
        Some(id) => match data::index_of(shared.seed, &id).filter(|i| *i < shared.size) {
            Some(index) => index + 1,
            None => return bad_request(path, "starting_after: is not the id of a customer".into()),
        },
    };
    let (page, total, has_more): (Vec<usize>, usize, bool) = if filter.is_empty() {
        let end = start.saturating_add(limit).min(shared.size);
        (
            (start.min(end)..end).collect(),
            shared.size,
            end < shared.size,
        )
    } else {
        let matching: Vec<usize> = (0..shared.size)
            .filter(|i| filter.matches(&data::record(shared.seed, *i)))
            .collect();
        let rest: Vec<usize> = matching.iter().copied().filter(|i| *i >= start).collect();
        (
            rest.iter().copied().take(limit).collect(),
            matching.len(),
            rest.len() > limit,
        )
    };
    let data = page
        .iter()
        .map(|i| data::record(shared.seed, *i).customer)
        .collect();
    let body = CustomerListResponse {
        data,
        has_more: Some(has_more),
        total: Some(total as i64),
    };
    axum::Json(body).into_response()
}

/// `POST /v2/customers`: the search with its criteria in the JSON body.
async fn search_post(State(shared): AppState, body: Bytes) -> Response {
    const PATH: &str = "/v2/customers";
    let fields = match serde_json::from_slice::<Value>(&body) {
        Ok(Value::Object(fields)) => fields,
        _ => return bad_request(PATH, "body: must be a JSON object".into()),
    };
    let text = |name: &str| -> Result<Option<String>, String> {
        match fields.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(format!("{name}: must be a string")),
        }
    };
    let parsed = (|| -> Result<(Filter, Option<u64>, Option<String>), String> {
        let ssn = text("ssn")?;
        if ssn
            .as_ref()
            .is_some_and(|s| s.len() != 9 || !s.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err("ssn: must be 9 digits without hyphens".into());
        }
        let date_of_birth = match fields.get("date_of_birth") {
            None | Some(Value::Null) => None,
            Some(date) => Some(date_of_birth(date)?),
        };
        let limit = match fields.get("limit") {
            None | Some(Value::Null) => None,
            Some(value) => Some(
                value
                    .as_u64()
                    .filter(|n| *n >= 1)
                    .ok_or("limit: must be an integer of at least 1")?,
            ),
        };
        let filter = Filter {
            partner_customer_id: text("partner_customer_id")?,
            ssn,
            date_of_birth,
        };
        Ok((filter, limit, text("starting_after")?))
    })();
    match parsed {
        Ok((filter, limit, after)) => search(&shared, PATH, filter, limit, after),
        Err(detail) => bad_request(PATH, detail),
    }
}

fn date_of_birth(date: &Value) -> Result<(i64, i64, i64), String> {
    let part = |name: &str| {
        date.get(name)
            .and_then(Value::as_i64)
            .ok_or(format!("date_of_birth.{name}: is required"))
    };
    let (year, month, day) = (part("year")?, part("month")?, part("day")?);
    let valid = year >= 1900
        && u32::try_from(month)
            .ok()
            .zip(u32::try_from(day).ok())
            .and_then(|(m, d)| chrono::NaiveDate::from_ymd_opt(year as i32, m, d))
            .is_some();
    if valid {
        Ok((year, month, day))
    } else {
        Err("date_of_birth: is not a valid date".into())
    }
}

#[derive(Deserialize)]
struct ListQuery {
    partner_customer_id: Option<String>,
    limit: Option<String>,
    starting_after: Option<String>,
}

/// `GET /v2/customers`: the search with its criteria in the query string.
async fn search_get(State(shared): AppState, Query(query): Query<ListQuery>) -> Response {
    const PATH: &str = "/v2/customers";
    let limit = match query.limit.as_deref().map(str::parse::<u64>) {
        None => None,
        Some(Ok(n)) if n >= 1 => Some(n),
        Some(_) => return bad_request(PATH, "limit: must be an integer of at least 1".into()),
    };
    let filter = Filter {
        partner_customer_id: query.partner_customer_id,
        ..Filter::default()
    };
    search(&shared, PATH, filter, limit, query.starting_after)
}

/// `GET /v2/customers/{customer_id}`.
async fn get_customer(State(shared): AppState, Path(id): Path<String>) -> Response {
    match data::index_of(shared.seed, &id).filter(|i| *i < shared.size) {
        Some(index) => axum::Json(data::record(shared.seed, index).customer).into_response(),
        // The spec's CustomerNotFoundError is the inner object alone.
        None => {
            let body = json!({
                "type": "CUSTOMER_NOT_FOUND_ERROR",
                "message": format!("Customer not found for provided ID: {id}"),
                "param": "customer_id"
            });
            (StatusCode::NOT_FOUND, axum::Json(body)).into_response()
        }
    }
}
