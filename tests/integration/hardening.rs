//! Nothing a caller sends goes anywhere it did not name, and nothing runs
//! without bound: redirects, path parameters, body sizes, retry timing,
//! deadlines, pagination cycles. Every test runs against a local server.

use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant};

use futures::StreamExt;
use httpmock::prelude::*;
use imprint::pagination::PaginationErrorKind;
use imprint::prelude::*;
use imprint::{Client, Error, OperationMeta, PathSegment, RetryPolicy, RetryStop, Ssn};
use proptest::prelude::*;
use serde_json::json;

use crate::support::{Answer, Scripted, client};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[tokio::test]
async fn redirects_are_returned_not_followed() {
    let elsewhere = MockServer::start_async().await;
    let catch_all = elsewhere
        .mock_async(|when, then| {
            when.any_request();
            then.status(200)
                .json_body(json!({ "data": [], "has_more": false }));
        })
        .await;
    for status in [301, 302, 303, 307, 308] {
        let server = MockServer::start_async().await;
        let location = format!("http://localhost:{}/v2/customers?q=1", elsewhere.port());
        let redirect = server
            .mock_async(|when, then| {
                when.method(POST).path("/v2/customers");
                then.status(status).header("location", &location);
            })
            .await;
        let error = client(&server)
            .search_customers_post()
            .body_map(|b| b.ssn(Ssn::new("912345678").unwrap()))
            .call()
            .await
            .unwrap_err();
        let Error::Api(api) = &error else {
            panic!("{status}: {error:?}")
        };
        assert_eq!(api.status().as_u16(), status);
        assert_eq!(api.headers()["location"], location.as_str());
        redirect.assert_calls_async(1).await;
    }
    catch_all.assert_calls_async(0).await;
}

type Call = fn(&Client, String) -> Pin<Box<dyn Future<Output = Result<(), Error>> + Send + '_>>;

/// Every GET and DELETE operation with path parameters (they need nothing
/// else), each setting its one parameter to the value given.
fn path_callers() -> Vec<(&'static str, &'static str, Call)> {
    macro_rules! caller {
        ($id:literal, $method:ident, $param:ident) => {
            (
                $id,
                stringify!($param),
                (|c: &Client, v: String| {
                    Box::pin(async move { c.$method().$param(v).call().await.map(drop) })
                        as Pin<Box<dyn Future<Output = Result<(), Error>> + Send + '_>>
                }) as Call,
            )
        };
    }
    vec![
        caller!("getCustomer", get_customer, customer_id),
        caller!("getSession", get_session, session_id),
        caller!("getPaymentMethod", get_payment_method, payment_method_id),
        caller!("getTransactionIntent", get_transaction_intent, intent_id),
        caller!("getTransaction", get_transaction, transaction_id),
        caller!("getReward", get_reward, reward_id),
        caller!("getRewardsBalance", get_rewards_balance, customer_id),
        caller!("getPaymentMethods", get_payment_methods, customer_id),
        caller!(
            "getTransactionIntents",
            get_transaction_intents,
            customer_id
        ),
        caller!("getTransactions", get_transactions, customer_id),
        caller!("getRewards", get_rewards, customer_id),
        caller!("deleteOrderEvent", delete_order_event, order_event_id),
        caller!("deleteOrder", delete_order, order_id),
    ]
}

#[test]
fn the_path_property_covers_every_get_and_delete_with_path_parameters() {
    let mut expected: Vec<&str> = OperationMeta::all()
        .iter()
        .filter(|m| m.path.contains('{') && matches!(m.method, "GET" | "DELETE"))
        .map(|m| m.id)
        .collect();
    let mut covered: Vec<&str> = path_callers().iter().map(|(id, ..)| *id).collect();
    expected.sort_unstable();
    covered.sort_unstable();
    assert_eq!(covered, expected);
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = text.get(i + 1..i + 3)
            && let Ok(byte) = u8::from_str_radix(hex, 16)
        {
            out.push(byte);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Any string: the request line is the template with exactly that value as
    /// one segment, or the call is refused naming the parameter, with nothing sent.
    #[test]
    fn a_path_parameter_is_one_segment_or_refused(
        value in prop_oneof![
            "[a-zA-Z0-9._~%/\\\\ ?#;\u{0}-\u{1f}-]{0,6}",
            Just(".".to_string()),
            Just("..;".to_string()),
            Just("..".to_string()),
            Just("%2e%2E".to_string()),
            Just(String::new()),
        ]
    ) {
        runtime().block_on(async {
            let server = Scripted::start(|_, _| Answer::json(404, json!({}))).await;
            let client = server.builder().build().unwrap();
            for (id, param, call) in path_callers() {
                let before = server.seen().len();
                let result = call(&client, value.clone()).await;
                let seen = server.seen();
                let meta = OperationMeta::by_id(id).unwrap();
                let template = meta.path;
                if PathSegment::new(value.as_str()).is_ok() {
                    prop_assert_eq!(seen.len(), before + 1, "{}", id);
                    prop_assert_eq!(seen[before].method.as_str(), meta.method);
                    let path = seen[before].target.split('?').next().unwrap().to_string();
                    let sent: Vec<&str> = path.split('/').collect();
                    let wanted: Vec<&str> = template.split('/').collect();
                    prop_assert_eq!(sent.len(), wanted.len(), "{} sent {}", id, path);
                    for (sent, wanted) in sent.iter().zip(&wanted) {
                        if wanted.starts_with('{') {
                            prop_assert_eq!(percent_decode(sent), value.clone());
                        } else {
                            prop_assert_eq!(sent, wanted);
                        }
                    }
                } else {
                    prop_assert_eq!(seen.len(), before, "{} sent {:?}", id, value);
                    let refused = matches!(
                        &result,
                        Err(Error::Validation { source, .. }) if source.field() == param
                    );
                    prop_assert!(refused, "{}: {:?}", id, result);
                }
            }
            Ok(())
        })?;
    }
}

#[tokio::test]
async fn operations_with_bodies_refuse_a_dot_segment_before_anything_else() {
    let server = Scripted::start(|_, _| Answer::json(200, json!({}))).await;
    let client = server.builder().build().unwrap();
    let results = [
        client
            .link_customer_account()
            .customer_id("..")
            .call()
            .await
            .map(drop),
        client
            .update_transaction_intent()
            .intent_id(".")
            .call()
            .await
            .map(drop),
        client.patch_reward().reward_id("..").call().await.map(drop),
        client.put_order().order_id("a/b").call().await.map(drop),
    ];
    for (result, param) in results
        .iter()
        .zip(["customer_id", "intent_id", "reward_id", "order_id"])
    {
        assert!(
            matches!(result, Err(Error::Validation { source, .. }) if source.field() == param),
            "{result:?}"
        );
    }
    assert!(server.seen().is_empty());
}

/// Tomcat and Spring drop a segment's `;` parameters, then resolve dots:
/// `/v2/customers/..;/rewards` would reach them as `/v2/rewards`.
#[tokio::test]
async fn dot_segments_hidden_behind_semicolons_are_refused_before_sending() {
    let server = Scripted::start(|_, _| Answer::json(200, json!({}))).await;
    let client = server.builder().build().unwrap();
    for value in ["..;", "..;jsessionid=1", ".;", ";x", "%2e%2e;x", "..%3B"] {
        let result = client.get_rewards().customer_id(value).call().await;
        assert!(
            matches!(&result, Err(Error::Validation { source, .. }) if source.field() == "customer_id"),
            "{value}: {result:?}"
        );
    }
    assert!(server.seen().is_empty(), "{:?}", server.seen());
    let _ = client.get_rewards().customer_id("C1;v=2").call().await;
    assert_eq!(server.seen().len(), 1);
    assert_eq!(server.seen()[0].target, "/v2/customers/C1;v=2/rewards");
}

/// A search page of `len` bytes exactly (padded with an extra field).
fn page_of(len: usize, has_more: bool, id: &str) -> Vec<u8> {
    let mut body = json!({ "data": [{ "id": id }], "has_more": has_more, "total": 2, "pad": "" })
        .to_string()
        .into_bytes();
    let pad = len - body.len();
    let at = body.len() - 2;
    body.splice(at..at, std::iter::repeat_n(b'x', pad));
    assert_eq!(body.len(), len);
    body
}

#[tokio::test]
async fn response_bodies_stop_at_the_limit() {
    const LIMIT: usize = 10_000;
    for (status, len) in [
        (200, LIMIT),
        (200, LIMIT + 1),
        (400, LIMIT),
        (400, LIMIT + 1),
    ] {
        let server = Scripted::start(move |_, _| Answer {
            status,
            headers: vec![("content-type", "application/json".into())],
            body: page_of(len, false, "c1"),
        })
        .await;
        let client = server
            .builder()
            .max_response_body(LIMIT as u64)
            .build()
            .unwrap();
        let result = client.search_customers().call().await;
        match (status, len > LIMIT, result) {
            (200, false, Ok(page)) => assert_eq!(page.data.len(), 1),
            (400, false, Err(Error::Api(api))) => assert_eq!(api.body().len(), len),
            (
                _,
                true,
                Err(Error::BodyTooLarge {
                    limit,
                    status: got,
                    operation,
                    attempts,
                }),
            ) => {
                assert_eq!(
                    (limit, got.as_u16(), operation, attempts),
                    (LIMIT as u64, status, "searchCustomers", 1)
                );
            }
            (status, over, other) => panic!("{status} over={over}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn the_body_limit_holds_for_read_ahead_pages() {
    const LIMIT: usize = 4_000;
    for read_ahead in [false, true] {
        let server = Scripted::start(|_, index| Answer {
            status: 200,
            headers: vec![("content-type", "application/json".into())],
            body: if index == 0 {
                page_of(200, true, "c1")
            } else {
                page_of(LIMIT * 50, false, "c2")
            },
        })
        .await;
        let client = server
            .builder()
            .max_response_body(LIMIT as u64)
            .build()
            .unwrap();
        let results: Vec<_> = client
            .search_customers()
            .paginate()
            .read_ahead(read_ahead)
            .items()
            .collect()
            .await;
        assert_eq!(results.len(), 2, "read_ahead={read_ahead}: {results:?}");
        assert!(results[0].is_ok());
        assert!(
            matches!(&results[1], Err(Error::BodyTooLarge { limit, .. }) if *limit == LIMIT as u64),
            "read_ahead={read_ahead}: {:?}",
            results[1]
        );
    }
}

const FLOOR: Duration = Duration::from_millis(30);
const DEADLINE: Duration = Duration::from_millis(400);
const SLACK: Duration = Duration::from_secs(2);

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Whatever status and `Retry-After` the server sends: an unsafe operation
    /// is sent once, no retry comes sooner than the floor, the call ends within
    /// its deadline, nothing panics.
    #[test]
    fn retry_after_never_hurries_repeats_unsafe_calls_or_outlives_the_deadline(
        status in prop::sample::select(vec![200u16, 400, 404, 429, 500, 502, 503, 504]),
        retry_after in prop_oneof![
            Just(None),
            "[0-9]{1,3}".prop_map(Some),
            "[0-9]{25,40}".prop_map(Some),
            "-?[0-9a-zA-Z ,:]{0,30}".prop_map(Some),
            Just(Some("Wed, 21 Oct 2015 07:28:00 GMT".to_string())),
            // Within the policy's `max_retry_after`, beyond the deadline.
            "[1-4]".prop_map(Some),
        ],
        safe in any::<bool>(),
    ) {
        runtime().block_on(async {
            let header = retry_after.clone();
            let server = Scripted::start(move |_, _| Answer {
                status,
                headers: header.iter().map(|v| ("retry-after", v.clone())).collect(),
                body: b"{}".to_vec(),
            })
            .await;
            let client = Client::builder()
                .api_key("k")
                .base_url(&server.base_url)
                .deadline(DEADLINE)
                .retry_policy(
                    RetryPolicy::default()
                        .max_attempts(10)
                        .min_delay(FLOOR)
                        .base_delay(Duration::from_millis(40))
                        .max_delay(Duration::from_millis(60))
                        .max_retry_after(Duration::from_secs(5)),
                )
                .build()
                .unwrap();
            let started = Instant::now();
            let _ = if safe {
                client.get_customer().customer_id("C1").call().await.map(drop)
            } else {
                client.delete_order().order_id("O1").call().await.map(drop)
            };
            let elapsed = started.elapsed();
            let seen = server.seen();
            prop_assert!(!seen.is_empty());
            if !safe {
                prop_assert_eq!(seen.len(), 1);
            }
            for pair in seen.windows(2) {
                // Arrival times are a little noisier than the client's waits.
                prop_assert!(pair[1].at - pair[0].at >= FLOOR - Duration::from_millis(3));
            }
            // A call that waited past its deadline would wait whole seconds
            // (`Retry-After` honoured up to 5 s, ten attempts); SLACK is room
            // for a loaded machine.
            prop_assert!(elapsed < DEADLINE + SLACK, "{:?}", elapsed);
            Ok(())
        })?;
    }
}

#[tokio::test]
async fn the_deadline_ends_a_call_and_says_so() {
    let server = Scripted::start(|_, _| Answer::json(503, json!({}))).await;
    let client = Client::builder()
        .api_key("k")
        .base_url(&server.base_url)
        .deadline(Duration::from_millis(350))
        .retry_policy(
            RetryPolicy::default()
                .max_attempts(10)
                .min_delay(Duration::from_millis(100))
                .base_delay(Duration::from_millis(100))
                .max_delay(Duration::from_millis(100)),
        )
        .build()
        .unwrap();
    let error = client.search_customers().call().await.unwrap_err();
    let Error::Api(api) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(api.stopped_by(), Some(RetryStop::Deadline));
    // Each wait is 100 ms and must end before the 350 ms deadline: at most
    // three waits, four requests. How many fit depends on the machine's load.
    assert!((1..=4).contains(&api.attempts()), "{}", api.attempts());
    assert_eq!(server.seen().len(), api.attempts() as usize);
    assert!(error.to_string().contains("deadline"), "{error}");
}

#[tokio::test]
async fn an_attempt_never_outlives_the_deadline() {
    // Connections complete in the listener's backlog and are never answered.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let client = Client::builder()
        .api_key("k")
        .base_url(format!("http://{}", silent.local_addr().unwrap()))
        .timeout(Duration::from_secs(20))
        .deadline(Duration::from_millis(300))
        .build()
        .unwrap();
    let started = Instant::now();
    let error = client
        .get_customer()
        .customer_id("C1")
        .call()
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::Timeout {
                attempts: 1,
                stopped_by: Some(RetryStop::Deadline),
                ..
            }
        ),
        "{error:?}"
    );
    // An attempt given the client's whole timeout would take 20 s; 5 s is
    // room for a loaded machine.
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

/// What the stream must do with a server whose `k`-th page holds the one item
/// `ids[k]`, `has_more` until the last: the items it yields, then the error
/// kind, if any.
fn model(ids: &[u8]) -> (usize, Option<PaginationErrorKind>) {
    let mut sent: Vec<(u8, u64)> = Vec::new();
    let mut cursor: Option<u8> = None;
    for (k, id) in ids.iter().enumerate() {
        if k + 1 == ids.len() {
            return (k + 1, None);
        }
        if cursor == Some(*id) {
            return (k, Some(PaginationErrorKind::CursorDidNotAdvance));
        }
        if let Some((_, page)) = sent.iter().find(|(sent, _)| sent == id) {
            return (
                k,
                Some(PaginationErrorKind::CursorRepeated {
                    first_sent_for_page: *page,
                }),
            );
        }
        sent.push((*id, k as u64 + 2));
        cursor = Some(*id);
    }
    (0, None)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// Arbitrary cursor sequences (cycles of any length, cursors going back):
    /// the stream follows the model, so it ends or errors within one request
    /// per distinct cursor.
    #[test]
    fn pagination_ends_or_errors_on_any_cursor_sequence(ids in prop::collection::vec(0u8..6, 1..14)) {
        runtime().block_on(async {
            let pages = ids.clone();
            let server = Scripted::start(move |_, k| {
                let id = pages.get(k).copied().unwrap_or(99);
                Answer::json(200, json!({
                    "data": [{ "id": format!("c{id}") }],
                    "has_more": k + 1 < pages.len(),
                    "total": pages.len(),
                }))
            })
            .await;
            let client = server.builder().build().unwrap();
            let results: Vec<_> = client.search_customers().stream().collect().await;
            let (items, error) = model(&ids);
            let ok = results.iter().filter(|r| r.is_ok()).count();
            prop_assert_eq!(ok, items);
            match (results.last(), error) {
                (Some(Err(Error::Pagination { kind, .. })), Some(expected)) => {
                    prop_assert_eq!(kind, &expected)
                }
                (Some(Ok(_)), None) => {}
                (last, expected) => prop_assert!(false, "{:?} vs {:?}", last, expected),
            }
            prop_assert!(server.seen().len() <= ids.len());
            Ok(())
        })?;
    }
}
