//! The embedded fake server: behaviour, spec-valid responses, and the example
//! that runs on it.

use std::time::{Duration, Instant};

use futures::TryStreamExt;
use imprint::prelude::*;
use imprint::{Error, RetryPolicy};
use imprint_mock::FakeImprint;
use serde_json::{Value, json};

use crate::fake_support::closed;

#[allow(dead_code)]
#[path = "../../sdk/examples/search_customers.rs"]
mod example;

#[tokio::test]
async fn the_example_prints_pages_a_table_and_a_match() {
    let fake = FakeImprint::builder().customers(120).start().await.unwrap();
    let client = fake.client().unwrap();
    let sample = fake.customer(3).unwrap();
    let probe = example::Probe {
        ssn: sample.ssn.clone(),
        date_of_birth: sample.customer.date_of_birth.clone().unwrap(),
    };
    let mut out = Vec::new();
    let summary = example::run(&client, 120, Some(probe), &mut out)
        .await
        .unwrap();
    let text = String::from_utf8(out).unwrap();
    assert_eq!((summary.pages, summary.customers), (3, 120));
    assert!(text.contains("  page 1: 50 of 120 customers\n  page 2: 100 of 120 customers\n  page 3: 120 of 120 customers\n"), "{text}");
    assert!(text.contains("Found 120 customers in 3 pages"), "{text}");
    assert!(
        text.contains(
            "ID             NAME               PARTNER ID     BORN        SSN         CARD"
        ),
        "{text}"
    );
    assert!(text.contains("PARTNER_00011"), "{text}");
    assert!(text.contains("… and 108 more"), "{text}");
    let name = format!(
        "{} {}",
        sample.customer.first_name.unwrap(),
        sample.customer.last_name.unwrap()
    );
    assert!(
        text.contains(&format!(
            "  match: {name} (PARTNER_00003)\n  1 customer(s) matched"
        )),
        "{text}"
    );
    assert!(
        !text.contains(sample.ssn.expose_secret()),
        "the full SSN is never printed"
    );
    assert_eq!(fake.requests(), 4);
}

#[tokio::test]
async fn the_api_key_is_checked() {
    let fake = FakeImprint::start().await.unwrap();
    let wrong = fake
        .client_builder()
        .api_key("not_the_key")
        .build()
        .unwrap();
    let error = wrong
        .get_customer()
        .customer_id("x")
        .call()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(error.raw_error_type(), Some("AUTHENTICATION_ERROR"));
    assert_eq!(error.error_type(), Some(imprint::ErrorType::Authentication));
    let bearer = fake
        .client_builder()
        .auth_scheme(imprint::AuthScheme::Bearer)
        .build()
        .unwrap();
    let id = fake.customer(0).unwrap().customer.id;
    assert_eq!(
        bearer
            .get_customer()
            .customer_id(&id)
            .call()
            .await
            .unwrap()
            .id,
        id
    );
}

#[tokio::test]
async fn searches_filter_and_paginate_for_real() {
    let fake = FakeImprint::builder().customers(200).start().await.unwrap();
    let client = fake.client().unwrap();
    let target = fake.customer(150).unwrap();

    let by_partner = client
        .search_customers()
        .partner_customer_id("PARTNER_00150")
        .call()
        .await
        .unwrap();
    assert_eq!(
        (by_partner.data.len(), by_partner.total, by_partner.has_more),
        (1, Some(1), Some(false))
    );
    assert_eq!(by_partner.data[0].id, target.customer.id);

    let ssn = target.ssn.clone();
    let by_ssn = client
        .search_customers_post()
        .body_map(|b| b.ssn(ssn))
        .call()
        .await
        .unwrap();
    assert_eq!(
        by_ssn
            .data
            .iter()
            .map(|c| c.id.as_str())
            .collect::<Vec<_>>(),
        [target.customer.id.as_str()]
    );

    let year = target.customer.date_of_birth.clone().unwrap();
    let born = client
        .search_customers_post()
        .body_map(|b| b.date_of_birth(year.clone()).limit(2u32))
        .stream()
        .try_collect::<Vec<_>>()
        .await
        .unwrap();
    assert!(born.iter().any(|c| c.id == target.customer.id));
    assert!(born.iter().all(
        |c| c.date_of_birth.as_ref().map(|d| (d.year, d.month, d.day))
            == Some((year.year, year.month, year.day))
    ));

    let first = client.search_customers().limit(7u32).call().await.unwrap();
    assert_eq!(
        (first.data.len(), first.total, first.has_more),
        (7, Some(200), Some(true))
    );
    let all: Vec<_> = client
        .search_customers()
        .limit(64u32)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 200);
    assert_eq!(all[199].id, fake.customer(199).unwrap().customer.id);
}

#[tokio::test]
async fn invalid_input_is_a_400_in_the_validation_shape() {
    let fake = FakeImprint::start().await.unwrap();
    // Straight HTTP: the SDK would refuse these before sending.
    let http = reqwest::Client::new();
    let search = |body: Value| {
        http.post(format!("{}/v2/customers", fake.base_url()))
            .basic_auth(fake.api_key(), Some(""))
            .json(&body)
            .send()
    };
    for (body, detail) in [
        (
            json!({ "ssn": "123-45-6789" }),
            "ssn: must be 9 digits without hyphens",
        ),
        (
            json!({ "limit": 0 }),
            "limit: must be an integer of at least 1",
        ),
        (
            json!({ "date_of_birth": { "year": 1990, "month": 2, "day": 30 } }),
            "date_of_birth: is not a valid date",
        ),
        (
            json!({ "starting_after": "nope" }),
            "starting_after: is not the id of a customer",
        ),
    ] {
        let response = search(body).await.unwrap();
        assert_eq!(response.status(), 400);
        let error: Value = response.json().await.unwrap();
        assert_eq!(
            (error["error"].as_str(), error["details"][0].as_str()),
            (Some("Bad Request"), Some(detail))
        );
    }
    let error = fake
        .client()
        .unwrap()
        .search_customers()
        .starting_after("nope")
        .call()
        .await
        .unwrap_err();
    let Error::Api(api) = error else { panic!() };
    assert_eq!(
        api.details(),
        ["starting_after: is not the id of a customer"]
    );
}

#[tokio::test]
async fn unknown_customers_are_404s() {
    let fake = FakeImprint::start().await.unwrap();
    let error = fake
        .client()
        .unwrap()
        .get_customer()
        .customer_id("missing")
        .call()
        .await
        .unwrap_err();
    assert!(error.is_not_found());
    assert_eq!(error.raw_error_type(), Some("CUSTOMER_NOT_FOUND_ERROR"));
    assert_eq!(
        error.error_type(),
        Some(imprint::ErrorType::CustomerNotFound)
    );
}

#[tokio::test]
async fn injected_faults_and_latency() {
    let fake = FakeImprint::builder()
        .fail_request(2, 503)
        .latency(Duration::from_millis(30))
        .start()
        .await
        .unwrap();
    let client = fake
        .client_builder()
        .retry_policy(RetryPolicy::default().base_delay(Duration::from_millis(1)))
        .build()
        .unwrap();
    let started = Instant::now();
    let pages: Vec<_> = client
        .search_customers()
        .limit(100u32)
        .paginate()
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 3);
    // Page 2 failed once and was retried: four requests, each at least 30 ms.
    assert_eq!(fake.requests(), 4);
    assert!(started.elapsed() >= Duration::from_millis(120));
}

fn validator(component: &str) -> jsonschema::Validator {
    let mut components = crate::fake_support::spec()["components"].clone();
    closed(&mut components);
    let root =
        json!({ "$ref": format!("#/components/schemas/{component}"), "components": components });
    jsonschema::validator_for(&root).unwrap()
}

async fn response(request: reqwest::RequestBuilder) -> (u16, Value) {
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

#[tokio::test]
async fn every_response_validates_against_the_spec() {
    let fake = FakeImprint::builder().customers(40).start().await.unwrap();
    let http = reqwest::Client::new();
    let url = |path: &str| format!("{}{path}", fake.base_url());
    let key = fake.api_key().to_string();
    let some = fake.customer(5).unwrap();
    let cases = [
        ("CustomerListResponse", 200, http.post(url("/v2/customers")).basic_auth(&key, Some("")).json(&json!({ "limit": 25 }))),
        (
            "CustomerListResponse",
            200,
            http.post(url("/v2/customers"))
                .basic_auth(&key, Some(""))
                .json(&json!({ "ssn": some.ssn.expose_secret(), "date_of_birth": some.customer.date_of_birth })),
        ),
        ("CustomerListResponse", 200, http.get(url("/v2/customers?limit=15&starting_after=") + &some.customer.id).basic_auth(&key, Some(""))),
        ("Customer", 200, http.get(url("/v2/customers/") + &some.customer.id).bearer_auth(&key)),
        ("CustomerNotFoundError", 404, http.get(url("/v2/customers/nope")).basic_auth(&key, Some(""))),
        ("InvalidRequestError", 400, http.post(url("/v2/customers")).basic_auth(&key, Some("")).json(&json!({ "limit": 0 }))),
        ("ApiError", 401, http.get(url("/v2/customers")).basic_auth("wrong", Some(""))),
    ];
    for (component, status, request) in cases {
        let (got, body) = response(request).await;
        assert_eq!(got, status, "{component}: {body}");
        let validator = validator(component);
        let errors: Vec<String> = validator
            .iter_errors(&body)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{component} response does not match the spec: {errors:?}\n{body}"
        );
    }
    // The strict validator does catch an invented field.
    assert!(!validator("Customer").is_valid(&json!({ "id": "x", "nickname": "y" })));
}
