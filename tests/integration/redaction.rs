//! Secrets and PII never reach Debug, Display, error messages or traces.

use httpmock::prelude::*;
use imprint::prelude::*;
use imprint::types::{CustomerSession, Key, PaymentMethod};
use imprint::{Error, Ssn};
use serde_json::json;

use crate::support::{BASIC, KEY, capture, client};

const SSN: &str = "123-45-6789";
const SSN_DIGITS: &str = "123456789";
const CLIENT_SECRET: &str = "cs_live_QzMyNzg4QzgtNEUwOS00QkU4";
const PAN: &str = "5105105105105100";
const TOKEN: &str = "tok_live_8f2b1c";
const NEW_KEY: &str = "sk_live_created_7731";

fn assert_clean(what: &str, text: &str) {
    for secret in [
        KEY,
        &BASIC[6..],
        SSN,
        SSN_DIGITS,
        CLIENT_SECRET,
        PAN,
        TOKEN,
        NEW_KEY,
    ] {
        assert!(
            !text.contains(secret),
            "{what} contains a secret ({secret}):\n{text}"
        );
    }
}

#[tokio::test]
async fn nothing_secret_in_debug_errors_or_traces_of_a_failing_search() {
    let logs = capture();
    let server = MockServer::start_async().await;
    let failing = server
        .mock_async(|when, then| {
            when.method(POST).path("/v2/customers").json_body_includes(format!(r#"{{"ssn":"{SSN_DIGITS}"}}"#));
            then.status(500).json_body(json!({
                "error": { "type": "INTERNAL_ERROR", "message": format!("lookup failed for ssn {SSN_DIGITS}") },
                "client_secret": CLIENT_SECRET
            }));
        })
        .await;
    let client = client(&server);
    let ssn = Ssn::new(SSN).unwrap();
    let request = client.search_customers_post().body_map(|b| b.ssn(ssn));
    let request_debug = format!("{request:?}");
    assert!(request_debug.contains("ssn: [redacted]"), "{request_debug}");

    let error = request.call().await.unwrap_err();
    failing.assert_calls_async(3).await;
    let Error::Api(api) = &error else {
        panic!("{error:?}")
    };
    assert!(
        String::from_utf8_lossy(api.body()).contains(SSN_DIGITS),
        "the raw body stays reachable"
    );

    assert_clean("client Debug", &format!("{client:?}"));
    assert_clean("client config Debug", &format!("{:?}", client.config()));
    let builder = imprint::Client::builder()
        .api_key(KEY)
        .merchant_key("MERCHANT_ABC");
    assert_clean("builder Debug", &format!("{builder:?}"));
    assert_clean("API key Debug", &format!("{:?}", imprint::ApiKey::new(KEY)));
    assert_clean("request Debug", &request_debug);
    assert_clean("error Display", &format!("{error} / {error:#}"));
    assert_clean("error Debug", &format!("{error:?} / {error:#?}"));
    let traces = logs.text();
    assert!(
        traces.contains("imprint.request"),
        "the request span was recorded:\n{traces}"
    );
    assert_clean("traces", &traces);
}

/// The generator types fields as secrets by name (xtask's policy); error
/// snippets mask JSON values by name (the sdk's own list). The second must cover
/// the first, or a secret kept out of Debug could still reach an error message.
#[tokio::test]
async fn decode_errors_quote_no_field_the_generator_treats_as_secret() {
    let server = MockServer::start_async().await;
    for (field, _) in xtask::normalize::sensitive::policy() {
        server
            .mock_async(|when, then| {
                when.path(format!("/v2/customers/{field}"));
                // `id` of the wrong type makes this an undecodable success.
                then.status(200)
                    .json_body(json!({ "id": 7, field: "s3cr3t-value" }));
            })
            .await;
        let error = client(&server)
            .get_customer()
            .customer_id(field)
            .call()
            .await
            .unwrap_err();
        let Error::Decode(decode) = &error else {
            panic!("{error:?}")
        };
        assert_eq!(decode.path(), "id");
        assert!(
            !format!("{error} {error:?}").contains("s3cr3t-value"),
            "{field}: {error}"
        );
    }
}

#[test]
fn sensitive_response_fields_are_redacted_in_debug() {
    let session: CustomerSession = serde_json::from_value(json!({
        "id": "cs_1", "client_secret": CLIENT_SECRET, "expires_at": "2025-02-13T19:08:07.000Z"
    }))
    .unwrap();
    let method: PaymentMethod = serde_json::from_value(json!({
        "id": "pm_1", "type": "CARD", "customer_id": "C1", "created_at": "2025-02-13T19:08:07.000Z", "status": "ACTIVE", "metadata": {},
        "card": {
            "last4": "5100", "brand": "MASTERCARD",
            "pci_details": { "pan": PAN, "cvv": "4321", "exp_month": "06", "exp_year": "27" },
            "tokens": [{ "type": "ADYEN", "token": TOKEN, "created_at": "2025-02-13T19:08:07.000Z", "updated_at": "2025-02-13T19:08:07.000Z" }]
        }
    }))
    .unwrap();
    let key: Key =
        serde_json::from_value(json!({ "key": NEW_KEY, "created_at": "2025-02-13T19:08:07.000Z" }))
            .unwrap();
    for (what, text) in [
        ("session", format!("{session:?}")),
        ("payment method", format!("{method:?}")),
        ("key", format!("{key:?}")),
    ] {
        assert_clean(what, &text);
        assert!(text.contains("[redacted]"), "{what}: {text}");
    }
    assert!(!format!("{method:?}").contains("4321"));
    // Serialization still carries the real values.
    assert_eq!(
        serde_json::to_value(&session).unwrap()["client_secret"],
        CLIENT_SECRET
    );
    assert_eq!(
        serde_json::to_value(&method).unwrap()["card"]["pci_details"]["pan"],
        PAN
    );
}

#[tokio::test]
async fn spans_carry_the_template_not_the_values() {
    let logs = capture();
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v2/customers/CUST-PII-77/rewards")
                .query_param("starting_after", "RW-PII-99");
            then.status(200)
                .json_body(json!({ "data": [], "has_more": false }));
        })
        .await;
    client(&server)
        .get_rewards()
        .customer_id("CUST-PII-77")
        .starting_after("RW-PII-99")
        .call()
        .await
        .unwrap();
    let traces = logs.text();
    let close = traces
        .lines()
        .find(|l| l.contains("imprint.request") && l.contains("close"))
        .unwrap_or_else(|| panic!("{traces}"));
    for field in [
        "imprint.operation=\"getRewards\"",
        "http.request.method=\"GET\"",
        "url.template=\"/v2/customers/{customer_id}/rewards\"",
        "http.response.status_code=200",
        "time.busy=",
    ] {
        assert!(close.contains(field), "missing {field} in {close}");
    }
    assert!(
        !traces.contains("CUST-PII-77") && !traces.contains("RW-PII-99"),
        "{traces}"
    );
}

/// `{:?}` of a request shows its parameters, classified ones redacted, and
/// nothing of the client it borrows (progenitor's derived Debug printed both).
#[test]
fn request_builders_debug_without_the_client_or_personal_parameters() {
    let client = imprint::Client::builder()
        .api_key(KEY)
        .base_url("http://127.0.0.1:9")
        .build()
        .unwrap();
    let search = client
        .search_customers()
        .partner_customer_id("PARTNER_JANE_DOE_1980");
    let offer = client
        .get_offer()
        .partner_customer_id("PARTNER_JANE_DOE_1980");
    let with_options = client
        .search_customers()
        .partner_customer_id("PARTNER_JANE_DOE_1980")
        .with_options(imprint::CallOptions::new().header("x-trace", "t1"));
    for shown in [
        format!("{search:?}"),
        format!("{offer:?}"),
        format!("{with_options:?}"),
    ] {
        assert!(!shown.contains("JANE_DOE"), "{shown}");
        assert!(
            shown.contains("partner_customer_id: Ok(Some([redacted]))"),
            "{shown}"
        );
        assert!(!shown.contains("client"), "{shown}");
        assert!(!shown.contains("default_headers"), "{shown}");
    }
    let by_id = format!("{:?}", client.get_customer().customer_id("C1"));
    assert_eq!(
        by_id,
        r#"GetCustomer { customer_id: Ok(PathSegment("C1")), .. }"#
    );
    let shown = format!("{client:?}");
    assert!(
        shown.starts_with(r#"Client { base_url: "http://127.0.0.1:9", config: Config {"#),
        "{shown}"
    );
    assert!(
        !shown.contains(KEY) && !shown.contains("default_headers"),
        "{shown}"
    );
}
