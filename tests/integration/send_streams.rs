//! Calls and streams in `Send + 'static` places: spawned tasks, axum-style
//! handlers, functions that take a `Client` by value and return a stream.

use std::future::Future;

use futures::{Stream, StreamExt, TryStreamExt};
use httpmock::prelude::*;
use imprint::prelude::*;
use imprint::types::Customer;
use imprint::{CallOptions, Client, Error};
use imprint_mock::FakeImprint;

async fn fake() -> (FakeImprint, Client) {
    let fake = FakeImprint::start().await.unwrap();
    let client = Client::builder()
        .api_key(fake.api_key())
        .base_url(fake.base_url())
        .build()
        .unwrap();
    (fake, client)
}

/// What axum asks of a handler's future.
fn handler<F: Future + Send + 'static>(future: F) -> F {
    future
}

/// Borrows the client and returns a stream that owns a clone of it.
fn customers(client: &Client) -> impl Stream<Item = Result<Customer, Error>> + Send + 'static {
    client.search_customers().stream()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streams_run_inside_tokio_spawn() {
    let (_fake, client) = fake().await;
    let counted = tokio::spawn(async move {
        let mut items = client.search_customers().stream();
        let mut count = 0;
        while let Some(item) = items.next().await {
            item?;
            count += 1;
        }
        let pages: Vec<_> = client
            .search_customers()
            .with_options(CallOptions::new().header("x-trace", "t"))
            .paginate()
            .page_size(100)
            .read_ahead(true)
            .pages()
            .try_collect()
            .await?;
        Ok::<_, Error>((count, pages.len()))
    });
    assert_eq!(counted.await.unwrap().unwrap(), (300, 3));
}

#[tokio::test]
async fn streams_and_calls_fit_an_axum_handler() {
    let (_fake, client) = fake().await;
    let answer = handler(async move {
        let first = client.search_customers().stream().try_next().await?;
        let customer_id = first.map(|c| c.id).unwrap_or_default();
        let again = client
            .get_customer()
            .customer_id(customer_id.as_str())
            .call()
            .await?;
        Ok::<_, Error>(again.id == customer_id)
    });
    assert!(answer.await.unwrap());
}

/// The case issue 25 reproduced (E0597 when builders borrowed the client): a
/// call and a stream spawned straight from a builder.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn builders_spawn_as_they_are() {
    let (_fake, client) = fake().await;
    let listed = tokio::spawn(
        client
            .search_customers()
            .limit(5)
            .stream()
            .try_collect::<Vec<_>>(),
    );
    let page = tokio::spawn(client.search_customers().limit(5).call());
    drop(client);
    assert_eq!(listed.await.unwrap().unwrap().len(), 300);
    assert_eq!(page.await.unwrap().unwrap().data.len(), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_outlives_its_client_and_moves_to_a_task() {
    let (_fake, client) = fake().await;
    let stream = customers(&client);
    drop(client);
    let count = tokio::spawn(stream.try_fold(0, |n, _| async move { Ok::<_, Error>(n + 1) }));
    assert_eq!(count.await.unwrap().unwrap(), 300);
}

#[tokio::test]
async fn a_returned_stream_stays_lazy_and_reports_errors() {
    let server = MockServer::start_async().await;
    let first = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v2/customers")
                .query_param_missing("starting_after");
            then.status(200).json_body(serde_json::json!({
                "data": [{ "id": "A" }, { "id": "B" }], "has_more": true, "total": 4
            }));
        })
        .await;
    let second = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v2/customers")
                .query_param("starting_after", "B");
            then.status(404).json_body(serde_json::json!({
                "error": { "type": "NOT_FOUND", "message": "gone" }
            }));
        })
        .await;
    let client = crate::support::client(&server);
    let taken: Vec<_> = customers(&client).take(2).collect().await;
    assert_eq!(taken.len(), 2);
    first.assert_calls_async(1).await;
    second.assert_calls_async(0).await;
    let all: Vec<_> = customers(&client).collect().await;
    assert_eq!(all.len(), 3);
    assert!(all[2].as_ref().is_err_and(Error::is_not_found));
    second.assert_calls_async(1).await;
}
