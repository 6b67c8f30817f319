//! Secrets and PII never reach Debug, Display, error messages or traces.

use httpmock::prelude::*;
use imprint::prelude::*;
use imprint::types::{CustomerSession, Key, PaymentMethod};
use imprint::{Error, Ssn};
use proptest::prelude::*;
use serde_json::json;

use crate::support::{Answer, BASIC, KEY, Scripted, capture, client};

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

/// The reproductions of issue 23 (item 3), over real HTTP: each error shape
/// Imprint uses, with personal data in every place it can echo it.
#[tokio::test]
async fn every_error_shape_masks_what_imprint_echoes() {
    let cases = [
        (
            json!({"error": {"type": "SSN 987654321 already used by jane.doe@example.com", "message": "duplicate customer", "param": "jane.doe@example.com / 987-65-4321"}}),
            "getCustomer: HTTP 400 Bad Request SSN [redacted] already used by [redacted]: duplicate customer (param `[redacted] / [redacted]`)",
        ),
        (
            json!({"error": "no customer 987-65-4321 for jane.doe@example.com", "status": 400, "path": "/v2/customers", "timestamp": "2025-02-13T18:18:22.923+00:00"}),
            "getCustomer: HTTP 400 Bad Request no customer [redacted] for [redacted]: no customer [redacted] for [redacted]",
        ),
        (
            // Keys in sorted order: the snippet keeps the body's order, and
            // whether `json!` sorts depends on serde_json's features.
            json!({"errors": {"987-65-4321": "taken", "dob": "01/02/1980", "fullName": "Jane Doe"}}),
            r#"getCustomer: HTTP 400 Bad Request: {"errors":{"[redacted]":"taken","dob":"[redacted]","fullName":"[redacted]"}}"#,
        ),
        (
            json!({"error": {"type": "PAYMENT_METHOD_NOT_FOUND_ERROR", "message": "payment method CE6E78C9-7D8C-4C3D-ABCD-123456789012 is not active"}}),
            "getCustomer: HTTP 400 Bad Request PAYMENT_METHOD_NOT_FOUND_ERROR: payment method CE6E78C9-7D8C-4C3D-ABCD-123456789012 is not active",
        ),
    ];
    for (body, shown) in cases {
        let server = Scripted::start(move |_, _| Answer::json(400, body.clone())).await;
        let error = server
            .builder()
            .build()
            .unwrap()
            .get_customer()
            .customer_id("c1")
            .call()
            .await
            .unwrap_err();
        assert_eq!(error.to_string(), shown);
        let debug = format!("{error:?}");
        for leak in ["987", "jane", "Jane", "1980"] {
            assert!(!debug.contains(leak), "{leak} in {debug}");
        }
    }
}

#[tokio::test]
async fn decode_paths_show_declared_names_and_hide_map_keys() {
    let (path, shown) = decode_path("jane.doe@example.com").await;
    assert_eq!(path, "data[0].metadata.{key}");
    assert!(!shown.contains("jane"), "{shown}");
}

/// A personal value in one of its spellings, and the texts that must not
/// show: an SSN (also as bare digits), an email, a phone number, a date of
/// birth, or a name under a classified key of any casing (each word).
fn personal() -> impl Strategy<Value = (String, Vec<String>)> {
    let ssn = (100..900u32, 10..100u32, 1000..10_000u32, 0..4usize).prop_map(|(a, b, c, style)| {
        let spelled = match style {
            0 => format!("{a}{b}{c}"),
            1 => format!("{a}-{b}-{c}"),
            2 => format!("{a} {b} {c}"),
            _ => format!("{a}.{b}.{c}"),
        };
        (spelled.clone(), vec![spelled, format!("{a}{b}{c}")])
    });
    let email = "[a-z]{1,8}(\\.[a-z]{1,8})?@[a-z]{2,8}\\.(com|org|io)"
        .prop_map(|email| (email.clone(), vec![email]));
    let phone =
        (200..1000u32, 200..1000u32, 1000..10_000u32, 0..6usize).prop_map(|(area, a, b, style)| {
            let spelled = match style {
                0 => format!("{a}-{b}"),
                1 => format!("{a}.{b}"),
                2 => format!("{a} {b}"),
                3 => format!("({area}) {a}-{b}"),
                4 => format!("+1 {area} {a} {b}"),
                _ => format!("{area}{a}{b}"),
            };
            (spelled.clone(), vec![spelled])
        });
    let birth = (1..29u32, 1..13u32, 1930..2011u32, 0..4usize).prop_map(|(d, m, y, style)| {
        let spelled = match style {
            0 => format!("{m:02}/{d:02}/{y}"),
            1 => format!("{y}-{m:02}-{d:02}"),
            2 => format!("{d}.{m}.{y}"),
            _ => format!("{m}/{d}/{:02}", y % 100),
        };
        (spelled.clone(), vec![spelled])
    });
    let named = (classified_key(), "Jx[a-z]{3,6}", "Qv[a-z]{3,6}")
        .prop_map(|(key, first, last)| (format!("{key}: {first} {last}"), vec![first, last]));
    prop_oneof![ssn, email, phone, birth, named]
}

/// A classified name the table spells otherwise, in any casing.
fn classified_key() -> impl Strategy<Value = String> {
    let terms: [&[&str]; 12] = [
        &["full", "name"],
        &["first", "name"],
        &["name"],
        &["dob"],
        &["birth", "date"],
        &["date", "of", "birth"],
        &["phone", "number"],
        &["mobile"],
        &["address", "line", "1"],
        &["zip", "code"],
        &["email"],
        &["client", "secret"],
    ];
    (0..terms.len(), 0..5usize).prop_map(move |(term, style)| {
        let words = terms[term];
        let capital = |w: &str| w[..1].to_uppercase() + &w[1..];
        match style {
            0 => words.join("_"),
            1 => words.join("-"),
            2 => words.join("_").to_uppercase(),
            3 => words.iter().map(|w| capital(w)).collect(),
            _ => words[0].to_string() + &words[1..].iter().map(|w| capital(w)).collect::<String>(),
        }
    })
}

/// A UUID or a prefixed id as Imprint writes them.
fn id() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}",
        "(m|o|txn|cs|pymd|CUST|CSMR-v1)[-_]([0-9]{1,14}|[0-9a-f]{6,24})",
    ]
}

/// Every error shape with `text` where Imprint may echo input: status,
/// content type, body, and whether `ApiError`'s `Debug` quotes that text (it
/// shows the parsed fields, not a snippet of a body without them).
fn error_shapes(text: &str) -> Vec<(u16, &'static str, Vec<u8>, bool)> {
    let json = |value: serde_json::Value| value.to_string().into_bytes();
    let sentence = format!("no customer {text} found");
    vec![
        (
            400,
            "application/json",
            json(
                json!({"error": {"type": format!("DUPLICATE {text}"), "message": sentence, "param": text}}),
            ),
            true,
        ),
        (
            400,
            "application/json",
            json(
                json!({"error": sentence, "details": [sentence], "path": "/v2/customers", "status": 400, "timestamp": "2025-02-13T18:18:22.923+00:00"}),
            ),
            true,
        ),
        (
            400,
            "application/json",
            json(json!({"error": sentence, "status": 400})),
            true,
        ),
        (
            404,
            "application/json",
            json(json!({"type": "CUSTOMER_NOT_FOUND_ERROR", "message": sentence, "param": text})),
            true,
        ),
        (
            400,
            "application/json",
            json(json!({"errors": {text: "invalid"}})),
            false,
        ),
        (
            502,
            "text/html",
            format!("<html><body><h1>Error</h1><p>{sentence}</p></body></html>").into_bytes(),
            false,
        ),
        (400, "text/plain", sentence.into_bytes(), false),
    ]
}

/// Serves `shapes` in turn (one request each, none retried: 4xx, and the
/// 502 to a POST) and returns each error's Display and Debug.
async fn shown(shapes: Vec<(u16, &'static str, Vec<u8>, bool)>) -> Vec<(String, String, bool)> {
    let answers: Vec<_> = shapes
        .iter()
        .map(|(s, t, b, _)| (*s, *t, b.clone()))
        .collect();
    let server = Scripted::start(move |_, index| {
        let (status, kind, body) = &answers[index];
        Answer {
            status: *status,
            headers: vec![("content-type", kind.to_string())],
            body: body.clone(),
        }
    })
    .await;
    let client = server.builder().build().unwrap();
    let mut out = Vec::new();
    for (_, _, _, debug_quotes) in shapes {
        let error = client.create_key().call().await.unwrap_err();
        out.push((
            format!("{error} {error:#}"),
            format!("{error:?} {error:#?}"),
            debug_quotes,
        ));
    }
    out
}

/// The map key of a decode error's path, over HTTP.
async fn decode_path(key: &str) -> (String, String) {
    let body = format!(r#"{{"data":[{{"id":"c1","metadata":{{{}:"#, json!(key)).into_bytes();
    let server = Scripted::start(move |_, _| Answer {
        status: 200,
        headers: vec![("content-type", "application/json".into())],
        body: body.clone(),
    })
    .await;
    let error = server
        .builder()
        .build()
        .unwrap()
        .search_customers_post()
        .body_map(|b| b)
        .call()
        .await
        .unwrap_err();
    let Error::Decode(decode) = &error else {
        panic!("{error:?}")
    };
    (decode.path().to_string(), format!("{error} {error:?}"))
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Personal data in any error shape, any place, never reaches Display or Debug.
    #[test]
    fn personal_data_never_shows_in_any_error_shape((text, leaks) in personal()) {
        runtime().block_on(async {
            for (display, debug, _) in shown(error_shapes(&text)).await {
                for leak in &leaks {
                    prop_assert!(!display.contains(leak.as_str()), "{} in {}", leak, display);
                    prop_assert!(!debug.contains(leak.as_str()), "{} in {}", leak, debug);
                }
            }
            let (path, shown) = decode_path(&text).await;
            prop_assert_eq!(path, "data[0].metadata.{key}");
            for leak in &leaks {
                prop_assert!(!shown.contains(leak.as_str()), "{} in {}", leak, shown);
            }
            Ok(())
        })?;
    }

    /// Ids in the same places show whole, wherever the error shows that
    /// place; a decode path hides every undeclared key, ids included.
    #[test]
    fn ids_show_whole_in_every_error_shape(id in id()) {
        runtime().block_on(async {
            for (display, debug, debug_quotes) in shown(error_shapes(&id)).await {
                prop_assert!(display.contains(id.as_str()), "{} not in {}", id, display);
                if debug_quotes {
                    prop_assert!(debug.contains(id.as_str()), "{} not in {}", id, debug);
                }
            }
            let (path, _) = decode_path(&id).await;
            prop_assert_eq!(path, "data[0].metadata.{key}");
            Ok(())
        })?;
    }
}
