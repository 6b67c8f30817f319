//! Pagination streams: request counts, cursors, guard rails, cancellation.

use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use httpmock::prelude::*;
use imprint::pagination::PaginationErrorKind;
use imprint::prelude::*;
use imprint::{Error, OperationMeta};
use serde_json::{Value, json};

use crate::support::{Answer, Scripted, client};

fn page(ids: &[&str], has_more: bool) -> Value {
    let data: Vec<Value> = ids
        .iter()
        .map(|id| json!({ "id": id, "first_name": format!("name-{id}") }))
        .collect();
    json!({ "data": data, "has_more": has_more, "total": 6 })
}

fn ids(customers: &[imprint::types::Customer]) -> Vec<&str> {
    customers.iter().map(|c| c.id.as_str()).collect()
}

const TWO: u32 = 2;

#[tokio::test]
async fn post_search_sends_the_cursor_in_the_body_three_pages_three_requests() {
    let server = MockServer::start_async().await;
    let first = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v2/customers")
                .json_body(json!({ "limit": 2, "partner_customer_id": "P" }));
            then.status(200).json_body(page(&["c1", "c2"], true));
        })
        .await;
    let second = server
        .mock_async(|when, then| {
            when.method(POST).path("/v2/customers").json_body(
                json!({ "limit": 2, "partner_customer_id": "P", "starting_after": "c2" }),
            );
            then.status(200).json_body(page(&["c3", "c4"], true));
        })
        .await;
    let third = server
        .mock_async(|when, then| {
            when.method(POST).path("/v2/customers").json_body(
                json!({ "limit": 2, "partner_customer_id": "P", "starting_after": "c4" }),
            );
            then.status(200).json_body(page(&["c5", "c6"], false));
        })
        .await;
    let client = client(&server);
    let request = client
        .search_customers_post()
        .body_map(|b| b.partner_customer_id("P".to_string()));
    let customers: Vec<_> = request
        .paginate()
        .page_size(TWO)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids(&customers), ["c1", "c2", "c3", "c4", "c5", "c6"]);
    for mock in [&first, &second, &third] {
        mock.assert_calls_async(1).await;
    }
}

#[tokio::test]
async fn get_lists_send_the_cursor_in_the_query() {
    let server = MockServer::start_async().await;
    let mocks = six_customers(&server, Some("2")).await;
    let client = client(&server);
    let pages: Vec<_> = client
        .search_customers()
        .limit(2u32)
        .paginate()
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 3);
    assert_eq!(pages.iter().map(|p| p.data.len()).sum::<usize>(), 6);
    for mock in &mocks {
        mock.assert_calls_async(1).await;
    }
}

/// A mock answering `GET /v2/customers` (with `limit`, when given, and the
/// cursor `after`, or none) with a page of `ids`.
async fn customers_page<'a>(
    server: &'a MockServer,
    limit: Option<&str>,
    after: Option<&str>,
    ids: &[&str],
    more: bool,
) -> httpmock::Mock<'a> {
    let body = page(ids, more);
    server
        .mock_async(|when, then| {
            let mut when = when.method(GET).path("/v2/customers");
            if let Some(limit) = limit {
                when = when.query_param("limit", limit);
            }
            match after {
                Some(after) => when.query_param("starting_after", after),
                None => when.query_param_missing("starting_after"),
            };
            then.status(200).json_body(body);
        })
        .await
}

/// Three pages of two, c1..c6, for `GET /v2/customers` (with `limit` in the
/// query, when given).
async fn six_customers<'a>(server: &'a MockServer, limit: Option<&str>) -> Vec<httpmock::Mock<'a>> {
    vec![
        customers_page(server, limit, None, &["c1", "c2"], true).await,
        customers_page(server, limit, Some("c2"), &["c3", "c4"], true).await,
        customers_page(server, limit, Some("c4"), &["c5", "c6"], false).await,
    ]
}

async fn requests(mocks: &[httpmock::Mock<'_>]) -> usize {
    let mut total = 0;
    for mock in mocks {
        total += mock.calls_async().await;
    }
    total
}

#[tokio::test]
async fn take_three_sends_two_requests_without_read_ahead() {
    let server = MockServer::start_async().await;
    let mocks = six_customers(&server, None).await;
    let client = client(&server);
    let first: Vec<_> = client
        .search_customers()
        .stream()
        .take(3)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids(&first), ["c1", "c2", "c3"]);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(requests(&mocks).await, 2);
}

#[tokio::test]
async fn take_three_sends_three_requests_with_read_ahead() {
    let server = MockServer::start_async().await;
    let mocks = six_customers(&server, None).await;
    let client = client(&server);
    let mut stream = client
        .search_customers()
        .paginate()
        .read_ahead(true)
        .items();
    let mut seen = Vec::new();
    for _ in 0..3 {
        seen.push(stream.try_next().await.unwrap().unwrap().id);
    }
    assert_eq!(seen, ["c1", "c2", "c3"]);
    // Page 3 was requested when page 2 arrived, without the consumer asking.
    for _ in 0..200 {
        if requests(&mocks).await >= 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    drop(stream);
    assert_eq!(requests(&mocks).await, 3);
}

#[tokio::test]
async fn read_ahead_yields_the_same_items_in_order() {
    let server = MockServer::start_async().await;
    let mocks = six_customers(&server, None).await;
    let client = client(&server);
    let all: Vec<_> = client
        .search_customers()
        .paginate()
        .read_ahead(true)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids(&all), ["c1", "c2", "c3", "c4", "c5", "c6"]);
    assert_eq!(requests(&mocks).await, 3);
}

#[tokio::test]
async fn has_more_with_an_empty_page_ends_with_an_error() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path("/v2/customers");
            then.status(200)
                .json_body(json!({ "data": [], "has_more": true }));
        })
        .await;
    let client = client(&server);
    let results: Vec<_> = client.search_customers().stream().collect().await;
    assert_eq!(results.len(), 1);
    let Err(Error::Pagination {
        kind,
        page,
        operation,
    }) = &results[0]
    else {
        panic!("{results:?}")
    };
    assert_eq!(
        (kind, *page, *operation),
        (
            &PaginationErrorKind::EmptyPageWithMore,
            1,
            "searchCustomers"
        )
    );
    mock.assert_calls_async(1).await;
}

#[tokio::test]
async fn a_server_that_does_not_advance_is_caught() {
    let server = MockServer::start_async().await;
    // The same page, whatever the cursor.
    let mock = server
        .mock_async(|when, then| {
            when.method(POST).path("/v2/customers");
            then.status(200).json_body(page(&["c1", "c2"], true));
        })
        .await;
    let client = client(&server);
    let results: Vec<_> = client
        .search_customers_post()
        .body_map(|b| b)
        .stream()
        .collect()
        .await;
    assert_eq!(results.len(), 3, "{results:?}");
    assert_eq!(results[0].as_ref().unwrap().id, "c1");
    assert_eq!(results[1].as_ref().unwrap().id, "c2");
    let Err(
        error @ Error::Pagination {
            kind: PaginationErrorKind::CursorDidNotAdvance,
            page: 2,
            ..
        },
    ) = &results[2]
    else {
        panic!("{results:?}")
    };
    assert!(error.to_string().contains("did not advance"), "{error}");
    mock.assert_calls_async(2).await;
}

#[tokio::test]
async fn missing_has_more_means_the_last_page() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path("/v2/customers");
            then.status(200)
                .json_body(json!({ "data": [{ "id": "c1" }] }));
        })
        .await;
    let client = client(&server);
    let all: Vec<_> = client
        .search_customers()
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids(&all), ["c1"]);
    mock.assert_calls_async(1).await;
}

#[tokio::test]
async fn missing_data_is_a_decode_error_naming_the_field() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v2/customers");
            then.status(200).json_body(json!({ "has_more": true }));
        })
        .await;
    let client = client(&server);
    let results: Vec<_> = client.search_customers().stream().collect().await;
    let [Err(Error::Decode(decode))] = &results[..] else {
        panic!("{results:?}")
    };
    assert!(
        decode.message().starts_with("missing field `data`"),
        "{}",
        decode.message()
    );
}

#[tokio::test]
async fn an_error_on_page_two_comes_after_page_one_then_the_end() {
    use imprint::httpmock::MockServerExt;
    let server = MockServer::start_async().await;
    let customer: imprint::PathSegment = "C1".parse().unwrap();
    let first: imprint::types::GetTransactionsResponse = serde_json::from_value(json!({ "data": [
        { "id": "t1", "customer_id": "C1", "payment_method_id": "pm", "amount": 1, "currency": "USD", "status": "APPROVED", "network_transaction_id": "n1", "created_at": "2025-02-13T19:08:07.000Z" },
        { "id": "t2", "customer_id": "C1", "payment_method_id": "pm", "amount": 2, "currency": "USD", "status": "CAPTURED", "network_transaction_id": "n2", "created_at": "2025-02-13T19:08:07.000Z" }
    ], "has_more": true }))
    .unwrap();
    server.get_transactions(|when, then| {
        when.customer_id(&customer).starting_after(None);
        then.ok(&first);
    });
    // Typed `when`, raw `then`: error bodies are outside the generated types.
    let failing = server.get_transactions(|when, then| {
        when.customer_id(&customer).starting_after("t2");
        then.into_inner().status(404).json_body(
            json!({ "type": "CUSTOMER_NOT_FOUND_ERROR", "message": "gone", "param": "customer_id" }),
        );
    });
    let client = client(&server);
    let mut stream = client.get_transactions().customer_id("C1").stream();
    assert_eq!(stream.next().await.unwrap().unwrap().id, "t1");
    assert_eq!(stream.next().await.unwrap().unwrap().id, "t2");
    let error = stream.next().await.unwrap().unwrap_err();
    assert!(error.is_not_found(), "{error:?}");
    assert!(stream.next().await.is_none());
    assert!(stream.next().await.is_none());
    failing.assert_calls(1);
}

#[tokio::test]
async fn page_requests_are_retried_like_any_safe_call() {
    let server = MockServer::start_async().await;
    customers_page(&server, None, None, &["c1", "c2"], true).await;
    let flaky = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v2/customers")
                .query_param("starting_after", "c2");
            then.status(503);
        })
        .await;
    flaky.up_to_n_times_async(1).await;
    let recovered = customers_page(&server, None, Some("c2"), &["c3"], false).await;
    let client = client(&server);
    let all: Vec<_> = client
        .search_customers()
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids(&all), ["c1", "c2", "c3"]);
    flaky.assert_calls_async(1).await;
    recovered.assert_calls_async(1).await;
}

#[tokio::test]
async fn max_items_caps_items_and_shrinks_the_last_request() {
    let server = MockServer::start_async().await;
    let first = customers_page(&server, Some("2"), None, &["c1", "c2"], true).await;
    let second = customers_page(&server, Some("1"), Some("c2"), &["c3"], true).await;
    let client = client(&server);
    let capped: Vec<_> = client
        .search_customers()
        .paginate()
        .page_size(TWO)
        .max_items(3)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids(&capped), ["c1", "c2", "c3"]);
    first.assert_calls_async(1).await;
    second.assert_calls_async(1).await;
}

#[tokio::test]
async fn order_events_page_on_their_own_id_field() {
    let server = MockServer::start_async().await;
    let event = |id: &str| json!({ "order_event_id": id, "order_id": "o1", "type": "CAPTURED", "amount": 100, "network_transaction_id": "n" });
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v2/order_events")
                .query_param_missing("starting_after");
            then.status(200)
                .json_body(json!({ "data": [event("e1"), event("e2")], "has_more": true }));
        })
        .await;
    let second = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v2/order_events")
                .query_param("starting_after", "e2");
            then.status(200)
                .json_body(json!({ "data": [event("e3")], "has_more": false }));
        })
        .await;
    let client = client(&server);
    let events: Vec<_> = client
        .list_order_events()
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        events
            .iter()
            .map(|e| e.order_event_id.as_deref().unwrap())
            .collect::<Vec<_>>(),
        ["e1", "e2", "e3"]
    );
    second.assert_calls_async(1).await;
}

#[tokio::test]
async fn dropping_a_stream_cancels_the_request_in_flight() {
    use tokio::io::AsyncReadExt;
    // A server that accepts, reads the request, never answers, and reports
    // when the client closes the connection.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let closed = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut buffer = [0u8; 4096];
        while socket.read(&mut buffer).await.unwrap_or(0) > 0 {}
    });
    let client = imprint::Client::builder()
        .api_key("k")
        .base_url(format!("http://{address}"))
        .build()
        .unwrap();
    let mut stream = client.search_customers().stream();
    assert!(
        tokio::time::timeout(Duration::from_millis(200), stream.next())
            .await
            .is_err(),
        "no answer is expected"
    );
    drop(stream);
    tokio::time::timeout(Duration::from_secs(2), closed)
        .await
        .expect("the connection is closed once the stream is dropped")
        .unwrap();
}

#[tokio::test]
async fn dropping_a_read_ahead_stream_aborts_its_background_request() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    // Answers the first request with a page that has more, then leaves the
    // read-ahead request unanswered and reports when the client closes it.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let closed = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut buffer = [0u8; 4096];
        let _ = socket.read(&mut buffer).await.unwrap();
        let body = page(&["c1", "c2"], true).to_string();
        let head = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
            body.len()
        );
        socket
            .write_all(format!("{head}{body}").as_bytes())
            .await
            .unwrap();
        // The read-ahead request arrives on the same connection; never answer it.
        while socket.read(&mut buffer).await.unwrap_or(0) > 0 {}
    });
    let client = imprint::Client::builder()
        .api_key("k")
        .base_url(format!("http://{address}"))
        .build()
        .unwrap();
    let mut stream = client
        .search_customers()
        .paginate()
        .read_ahead(true)
        .items();
    assert_eq!(stream.try_next().await.unwrap().unwrap().id, "c1");
    tokio::time::sleep(Duration::from_millis(100)).await;
    drop(stream);
    tokio::time::timeout(Duration::from_secs(2), closed)
        .await
        .expect("the read-ahead connection is closed once the stream is dropped")
        .unwrap();
}

/// Paginated per the spec: the request takes `starting_after` (a parameter,
/// possibly by `$ref`, or a JSON body property).
fn paginated_in_spec() -> Vec<String> {
    let spec: Value = serde_norway::from_str(include_str!("../../openapi.yaml")).unwrap();
    let resolve = |v: &Value| -> Value {
        match v.get("$ref").and_then(Value::as_str) {
            Some(r) => spec.pointer(&r[1..]).cloned().unwrap_or(Value::Null),
            None => v.clone(),
        }
    };
    let mut found = Vec::new();
    for (_, item) in spec["paths"].as_object().unwrap() {
        for (_, operation) in item.as_object().unwrap() {
            let Some(id) = operation.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            let in_query = operation["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|p| resolve(p)["name"] == "starting_after");
            let body = resolve(&operation["requestBody"]["content"]["application/json"]["schema"]);
            if in_query || body["properties"].get("starting_after").is_some() {
                found.push(id.to_string());
            }
        }
    }
    found
}

#[test]
fn every_paginated_operation_of_the_spec_has_a_stream() {
    let spec = paginated_in_spec();
    assert_eq!(
        spec,
        [
            "searchCustomers",
            "searchCustomersPost",
            "searchPaymentMethods",
            "searchTransactionIntents",
            "searchRewards",
            "getTransactions",
            "getRewards",
            "listOrderEvents"
        ]
    );
    let streamed: Vec<&str> = OperationMeta::all()
        .iter()
        .filter(|m| m.page_params.is_some())
        .map(|m| m.id)
        .collect();
    assert_eq!(streamed, spec);
    // And each of them implements `Paginated` (this does not compile otherwise).
    fn paginated<B: Paginated>(_: B) {}
    let client = imprint::Client::builder().api_key("k").build().unwrap();
    paginated(client.search_customers());
    paginated(client.search_customers_post());
    paginated(client.search_payment_methods());
    paginated(client.search_transaction_intents());
    paginated(client.search_rewards());
    paginated(client.get_transactions());
    paginated(client.get_rewards());
    paginated(client.list_order_events());
}

#[tokio::test]
async fn a_page_size_the_api_cannot_take_is_refused_before_sending() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).json_body(crate::support::customer_page());
        })
        .await;
    for size in [0, u32::MAX] {
        let items: Vec<_> = client(&server)
            .search_customers()
            .paginate()
            .page_size(size)
            .items()
            .collect()
            .await;
        assert_eq!(items.len(), 1);
        let Err(Error::Validation { operation, source }) = &items[0] else {
            panic!("expected a validation error, got {:?}", items[0])
        };
        assert_eq!(*operation, Some("searchCustomers"));
        assert_eq!(source.field(), "page_size");
    }
    any.assert_calls_async(0).await;
}

/// A server that never ends, every page a fresh id of `id_len` bytes.
async fn endless(id_len: usize) -> Scripted {
    Scripted::start(move |_, index| {
        let suffix = index.to_string();
        let id = "0".repeat(id_len - suffix.len()) + &suffix;
        Answer::json(200, page(&[&id], true))
    })
    .await
}

#[tokio::test]
async fn a_cursor_longer_than_the_limit_ends_the_stream_after_one_request() {
    let server = endless(1 << 20).await;
    let client = server.builder().build().unwrap();
    let results: Vec<_> = client.search_customers().stream().collect().await;
    assert_eq!(results.len(), 1, "the page is refused whole");
    let Err(Error::Pagination { kind, .. }) = &results[0] else {
        panic!("{:?}", results[0].as_ref().map(|c| c.id.len()));
    };
    assert_eq!(kind, &PaginationErrorKind::CursorTooLong { bytes: 1 << 20 });
    assert_eq!(server.seen().len(), 1);
}

#[tokio::test]
async fn max_pages_caps_an_endless_stream() {
    let server = endless(imprint::pagination::MAX_CURSOR_BYTES).await;
    let client = server.builder().build().unwrap();
    let customers: Vec<_> = client
        .search_customers()
        .paginate()
        .max_pages(3)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(customers.len(), 3);
    assert_eq!(server.seen().len(), 3);
    let last_cursor = format!("starting_after={}", customers[1].id);
    assert!(server.seen()[2].target.contains(&last_cursor));
    let none: Vec<_> = client
        .search_customers()
        .paginate()
        .max_pages(0)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert!(none.is_empty());
    assert_eq!(server.seen().len(), 3);
}
