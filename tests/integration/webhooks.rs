//! Webhook signatures under each reading of the docs, rotation, diagnosis,
//! typed events, and the two webhook examples (as functions and as processes).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use imprint::webhook::{
    CanonicalError, DEFAULT_MAX_BODY, Event, KeyReading, Malformed, MessageReading, Outcome,
    Reading, SIGNATURE_HEADER, SigningSecret, TimestampUnit, Webhook, WebhookError, canonicalize,
};
use proptest::prelude::*;
use serde_json::{Map, Value};

#[allow(dead_code)]
#[path = "../../sdk/examples/webhook_receiver.rs"]
mod receiver;

#[allow(dead_code)]
#[path = "../../sdk/examples/verify_delivery.rs"]
mod verify_delivery;

const SECRET: &str = "whsec_test_5b1c";
const BODY: &[u8] = br#"{"object":"REWARD","data":{"reward_id":"R1","customer_id":"C1","amount":500,"status":"AVAILABLE"}}"#;

fn webhook() -> Webhook {
    Webhook::new(SECRET)
}

fn now_seconds() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

#[test]
fn valid_signatures_are_accepted_in_milliseconds_and_seconds() {
    let in_millis = webhook().sign(BODY, SystemTime::now());
    let t = in_millis
        .split(',')
        .next()
        .unwrap()
        .trim_start_matches("t=");
    assert!(t.len() >= 13, "sign() writes milliseconds: {in_millis}");
    webhook().verify(BODY, Some(&in_millis)).unwrap();
    let in_seconds = webhook().sign_raw(BODY, &now_seconds().to_string());
    webhook().verify(BODY, Some(&in_seconds)).unwrap();
}

#[test]
fn a_known_vector_verifies() {
    // python3 -c "import hmac,hashlib; print(hmac.new(b'whsec_test_5b1c', b'1700000000.{}', hashlib.sha256).hexdigest())"
    let header = "t=1700000000,s=ece9b4ff005745db645dd11f47f406c97a13562db0f1d5ea33ea350304484e30";
    let at = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    webhook().verify_at(b"{}", Some(header), at).unwrap();
    assert_eq!(webhook().sign_raw(b"{}", "1700000000"), header);
    // The same instant in milliseconds is a different message, so a different signature.
    let millis =
        "t=1700000000000,s=ece9b4ff005745db645dd11f47f406c97a13562db0f1d5ea33ea350304484e30";
    assert!(matches!(
        webhook().verify_at(b"{}", Some(millis), at),
        Err(WebhookError::SignatureMismatch)
    ));
}

#[test]
fn tampering_is_a_signature_mismatch() {
    let header = webhook().sign(BODY, SystemTime::now());
    let mut body = BODY.to_vec();
    body[20] ^= 0x01;
    assert!(matches!(
        webhook().verify(&body, Some(&header)),
        Err(WebhookError::SignatureMismatch)
    ));

    let last = header.chars().last().unwrap();
    let flipped = format!(
        "{}{}",
        &header[..header.len() - 1],
        if last == '0' { '1' } else { '0' }
    );
    assert!(matches!(
        webhook().verify(BODY, Some(&flipped)),
        Err(WebhookError::SignatureMismatch)
    ));

    let other = Webhook::new("whsec_someone_else");
    assert!(matches!(
        other.verify(BODY, Some(&header)),
        Err(WebhookError::SignatureMismatch)
    ));
}

#[test]
fn stale_and_future_timestamps_are_outside_tolerance() {
    let stale = webhook().sign(BODY, SystemTime::now() - Duration::from_secs(10 * 60));
    match webhook().verify(BODY, Some(&stale)) {
        Err(WebhookError::OutsideTolerance { skew_seconds, .. }) => {
            assert!((595..=605).contains(&skew_seconds))
        }
        other => panic!("{other:?}"),
    }
    let future = webhook().sign_raw(BODY, &(now_seconds() + 600).to_string());
    match webhook().verify(BODY, Some(&future)) {
        Err(WebhookError::OutsideTolerance { skew_seconds, .. }) => {
            assert!((-605..=-595).contains(&skew_seconds))
        }
        other => panic!("{other:?}"),
    }
    // Within a custom tolerance, the same stale delivery is fine.
    webhook()
        .tolerance(Duration::from_secs(15 * 60))
        .verify(BODY, Some(&stale))
        .unwrap();
}

#[test]
fn missing_and_malformed_headers_have_their_own_errors() {
    assert!(matches!(
        webhook().verify(BODY, None),
        Err(WebhookError::MissingHeader)
    ));
    let good = webhook().sign(BODY, SystemTime::now());
    let (t, s) = good.split_once(',').unwrap();
    let cases = [
        (s.to_string(), Malformed::MissingTimestamp),
        (t.to_string(), Malformed::MissingSignature),
        (format!("{t},{t},{s}"), Malformed::Duplicate("t")),
        (format!("{t},s=not-hex"), Malformed::BadSignature),
    ];
    for (header, expected) in cases {
        match webhook().verify(BODY, Some(&header)) {
            Err(WebhookError::MalformedHeader(found)) => assert_eq!(found, expected, "{header}"),
            other => panic!("{header}: {other:?}"),
        }
    }
    let spaced = format!("{t} , {s} ");
    webhook().verify(BODY, Some(&spaced)).unwrap();
}

#[test]
fn errors_never_echo_the_secret_or_the_body() {
    let header = Webhook::new("whsec_other").sign(BODY, SystemTime::now());
    for error in [
        webhook().verify(BODY, Some(&header)).unwrap_err(),
        webhook()
            .construct_event(
                b"not json at all",
                Some(&webhook().sign(b"not json at all", SystemTime::now())),
            )
            .unwrap_err(),
    ] {
        let shown = format!("{error} {error:?}");
        assert!(
            !shown.contains(SECRET) && !shown.contains("whsec_other") && !shown.contains("R1"),
            "{shown}"
        );
    }
    assert!(!format!("{:?}", webhook()).contains(SECRET));
}

#[test]
fn a_verified_non_json_body_is_its_own_error() {
    let body = b"<xml/>";
    let header = webhook().sign(body, SystemTime::now());
    assert!(matches!(
        webhook().construct_event(body, Some(&header)),
        Err(WebhookError::NotJson(_))
    ));
}

/// An example value for `schema`, built from the spec's own `example`s; a
/// required property the spec gives no example for gets a placeholder of its type.
/// Each webhook payload schema of the spec with the `object` it carries.
pub(crate) const PAYLOAD_KINDS: [(&str, &str); 7] = [
    ("ApplicationWebhookPayload", "APPLICATION"),
    ("TransactionWebhookPayload", "TRANSACTION"),
    ("PaymentMethodWebhookPayload", "PAYMENT_METHOD"),
    ("CustomerLinkWebhookPayload", "CUSTOMER_LINK"),
    ("RewardWebhookPayload", "REWARD"),
    ("StreakWebhookPayload", "STREAK"),
    ("AccountStatusWebhookPayload", "ACCOUNT_STATUS"),
];

pub(crate) fn example(spec: &Value, schema: &Value) -> Option<Value> {
    if let Some(target) = schema.get("$ref").and_then(Value::as_str) {
        return example(spec, spec.pointer(&target[1..])?);
    }
    if let Some(value) = schema.get("example") {
        return Some(value.clone());
    }
    if let Some(first) = schema.get("enum").and_then(|e| e.get(0)) {
        return Some(first.clone());
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("array") => Some(Value::Array(
            example(spec, &schema["items"]).into_iter().collect(),
        )),
        Some("object") | None if schema.get("properties").is_some() => {
            let properties = schema["properties"].as_object()?;
            let required = |name: &str| {
                schema["required"]
                    .as_array()
                    .is_some_and(|r| r.iter().any(|n| n == name))
            };
            let fields: Map<String, Value> = properties
                .iter()
                .filter_map(|(name, property)| {
                    let value = example(spec, property)
                        .or_else(|| required(name).then(|| placeholder(property)).flatten())?;
                    Some((name.clone(), value))
                })
                .collect();
            Some(Value::Object(fields))
        }
        _ => None,
    }
}

/// Date-times typed as `chrono` come back in chrono's spelling
/// (`…:00.000Z` becomes `…:00Z`); compare them as instants.
fn same_instants(value: Value) -> Value {
    match value {
        Value::String(text) => match chrono::DateTime::parse_from_rfc3339(&text) {
            Ok(instant) => Value::from(instant.timestamp_millis()),
            Err(_) => Value::String(text),
        },
        Value::Array(items) => Value::Array(items.into_iter().map(same_instants).collect()),
        Value::Object(fields) => Value::Object(
            fields
                .into_iter()
                .map(|(k, v)| (k, same_instants(v)))
                .collect(),
        ),
        other => other,
    }
}

fn placeholder(schema: &Value) -> Option<Value> {
    match schema.get("type").and_then(Value::as_str)? {
        "string" => Some(Value::from("placeholder")),
        "integer" | "number" => Some(Value::from(1)),
        "boolean" => Some(Value::from(true)),
        _ => None,
    }
}

#[test]
fn every_payload_kind_round_trips_from_the_specs_examples() {
    let spec: Value = serde_norway::from_str(include_str!("../../openapi.yaml")).unwrap();
    let kinds = PAYLOAD_KINDS;
    // The spec's webhooks section names exactly these payloads.
    let named: Vec<&str> = spec["webhooks"]
        .as_object()
        .unwrap()
        .values()
        .map(|w| {
            w["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
        })
        .collect();
    assert_eq!(named, kinds.map(|(schema, _)| schema));
    for (schema, object) in kinds {
        let payload = example(&spec, &spec["components"]["schemas"][schema]).unwrap();
        assert_eq!(payload["object"], object);
        assert!(
            payload["data"].as_object().is_some_and(|d| d.len() >= 3),
            "{schema}: {payload}"
        );
        let body = serde_json::to_vec(&payload).unwrap();
        let header = webhook().sign(&body, SystemTime::now());
        let event = webhook().construct_event(&body, Some(&header)).unwrap();
        assert_eq!(event.object(), object);
        let back = match &event {
            Event::Application(p) => serde_json::to_value(p),
            Event::Transaction(p) => serde_json::to_value(p),
            Event::PaymentMethod(p) => serde_json::to_value(p),
            Event::CustomerLink(p) => serde_json::to_value(p),
            Event::Reward(p) => serde_json::to_value(p),
            Event::Streak(p) => serde_json::to_value(p),
            Event::AccountStatus(p) => serde_json::to_value(p),
            other => panic!("{schema} landed in {other:?}"),
        }
        .unwrap();
        assert_eq!(
            same_instants(back),
            same_instants(payload),
            "{schema} does not round-trip"
        );
    }
}

#[test]
fn an_unknown_object_is_kept_raw() {
    let body = br#"{"object":"LOYALTY_TIER","data":{"tier":"GOLD"}}"#;
    let header = webhook().sign(body, SystemTime::now());
    match webhook().construct_event(body, Some(&header)).unwrap() {
        Event::Unknown(unknown) => {
            assert_eq!(unknown.object.as_deref(), Some("LOYALTY_TIER"));
            assert_eq!(unknown.payload["data"]["tier"], "GOLD");
        }
        other => panic!("{other:?}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Any header and body: no panic; accepted only with a valid signature.
    #[test]
    fn arbitrary_headers_and_bodies(header in "\\PC{0,120}", body in proptest::collection::vec(any::<u8>(), 0..256)) {
        if webhook().verify(&body, Some(&header)).is_ok() {
            prop_assert!(independently_valid(&header, &body), "accepted without a valid signature: {header:?}");
        }
        let _ = Event::from_json(&body);
    }

    /// Valid signatures in any of the accepted spellings: accepted, and each
    /// checked against an HMAC computed here rather than by the SDK.
    #[test]
    fn valid_signatures_in_any_spelling(body in proptest::collection::vec(any::<u8>(), 0..256), pad in "[ \t]{0,2}", swap in any::<bool>(), extra in any::<bool>()) {
        let t = (SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_millis()).to_string();
        let s = hmac_hex(&t, &body);
        let mut parts = vec![format!("{pad}t{pad}={pad}{t}{pad}"), format!("{pad}s={s}{pad}")];
        if swap { parts.reverse(); }
        if extra { parts.push("v2=future".into()); }
        let header = parts.join(",");
        prop_assert!(webhook().verify(&body, Some(&header)).is_ok(), "{header:?}");
        prop_assert!(independently_valid(&header, &body));
    }

    /// Valid deliveries, then one mutation of the body or of the signature: refused.
    #[test]
    fn mutated_deliveries_are_refused(body in proptest::collection::vec(any::<u8>(), 1..256), index in any::<prop::sample::Index>(), bit in 0u8..8) {
        let header = webhook().sign(&body, SystemTime::now());
        prop_assert!(webhook().verify(&body, Some(&header)).is_ok());
        let mut tampered = body.clone();
        let at = index.index(tampered.len());
        tampered[at] ^= 1 << bit;
        prop_assert!(matches!(webhook().verify(&tampered, Some(&header)), Err(WebhookError::SignatureMismatch)));
        let mut signature = header.clone().into_bytes();
        let at = signature.len() - 1 - index.index(64);
        signature[at] = if signature[at] == b'0' { b'1' } else { b'0' };
        let signature = String::from_utf8(signature).unwrap();
        prop_assert!(matches!(webhook().verify(&body, Some(&signature)), Err(WebhookError::SignatureMismatch)));
    }
}

/// HMAC-SHA256 of `t.body` with the test secret, computed with the `hmac`
/// crate directly.
fn hmac_hex(t: &str, body: &[u8]) -> String {
    use hmac::{KeyInit, Mac};
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(format!("{t}.").as_bytes());
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

fn independently_valid(header: &str, body: &[u8]) -> bool {
    let part = |key: &str| {
        header.split(',').find_map(|p| {
            let (k, v) = p.split_once('=')?;
            (k.trim_matches([' ', '\t']) == key).then(|| v.trim_matches([' ', '\t']).to_string())
        })
    };
    match (part("t"), part("s")) {
        (Some(t), Some(s)) => hmac_hex(&t, body).eq_ignore_ascii_case(&s),
        _ => false,
    }
}

async fn start_receiver() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, receiver::app(webhook()))
            .await
            .unwrap()
    });
    format!("http://{address}/webhooks/imprint")
}

#[tokio::test]
async fn the_example_receiver_answers_real_requests() {
    let url = start_receiver().await;
    let http = reqwest::Client::new();
    let post = |body: &'static [u8], header: Option<String>| {
        let mut request = http
            .post(&url)
            .header("content-type", "application/json")
            .body(body);
        if let Some(header) = header {
            request = request.header(SIGNATURE_HEADER, header);
        }
        request.send()
    };

    let signed = webhook().sign(BODY, SystemTime::now());
    let response = post(BODY, Some(signed.clone())).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "received REWARD");

    assert_eq!(post(BODY, None).await.unwrap().status(), 401);
    assert_eq!(
        post(
            BODY,
            Some(Webhook::new("wrong").sign(BODY, SystemTime::now()))
        )
        .await
        .unwrap()
        .status(),
        401
    );
    let stale = webhook().sign(BODY, SystemTime::now() - Duration::from_secs(3600));
    assert_eq!(post(BODY, Some(stale)).await.unwrap().status(), 401);
    assert_eq!(
        post(BODY, Some("t=abc".into())).await.unwrap().status(),
        400
    );
    let not_json: &[u8] = b"hello";
    assert_eq!(
        post(not_json, Some(webhook().sign(not_json, SystemTime::now())))
            .await
            .unwrap()
            .status(),
        400
    );

    let unknown: &[u8] = br#"{"object":"SOMETHING_NEW"}"#;
    let response = post(unknown, Some(webhook().sign(unknown, SystemTime::now())))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "received SOMETHING_NEW");
}

/// The extractor on an application's own state: the handler runs only for
/// verified deliveries, and a body sent without `Content-Length` is stopped
/// at the limit while it streams.
#[tokio::test]
async fn the_axum_extractor_hands_over_only_verified_events() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use axum::extract::{FromRef, State};
    use imprint::webhook::axum::VerifiedEvent;

    #[derive(Clone)]
    struct App {
        webhook: Arc<Webhook>,
        handled: Arc<AtomicUsize>,
    }
    impl FromRef<App> for Arc<Webhook> {
        fn from_ref(app: &App) -> Arc<Webhook> {
            Arc::clone(&app.webhook)
        }
    }
    async fn receive(State(app): State<App>, VerifiedEvent(event): VerifiedEvent) -> String {
        app.handled.fetch_add(1, Ordering::SeqCst);
        event.dedup_key()
    }

    let app = App {
        webhook: Arc::new(webhook().max_body(1024)),
        handled: Arc::new(AtomicUsize::new(0)),
    };
    let handled = Arc::clone(&app.handled);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hooks", listener.local_addr().unwrap());
    let router = axum::Router::new()
        .route("/hooks", axum::routing::post(receive))
        .with_state(app);
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    let http = reqwest::Client::new();

    let response = http
        .post(&url)
        .header(SIGNATURE_HEADER, webhook().sign(BODY, SystemTime::now()))
        .body(BODY)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "REWARD::R1:AVAILABLE:500");

    let forged = http
        .post(&url)
        .header(
            SIGNATURE_HEADER,
            Webhook::new("wrong").sign(BODY, SystemTime::now()),
        )
        .body(BODY)
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 401);
    let reason = forged.text().await.unwrap();
    assert_eq!(reason, "rejected: the signature does not match the body");

    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        (0..8).map(|_| Ok(vec![b' '; 256])).collect();
    let streamed = http
        .post(&url)
        .header(SIGNATURE_HEADER, webhook().sign(BODY, SystemTime::now()))
        .body(reqwest::Body::wrap_stream(futures::stream::iter(chunks)))
        .send()
        .await
        .unwrap();
    assert_eq!(streamed.status(), 413);
    assert_eq!(
        streamed.text().await.unwrap(),
        "rejected: the body is over the limit of 1024 bytes"
    );
    assert_eq!(
        handled.load(Ordering::SeqCst),
        1,
        "only the verified delivery reached the handler"
    );
}

/// `BODY`, signed, padded with trailing spaces (still the same JSON value) to
/// `length` bytes.
fn padded(length: usize) -> Vec<u8> {
    let mut body = BODY.to_vec();
    body.resize(length, b' ');
    body
}

#[tokio::test]
async fn the_example_receiver_bounds_the_body_while_reading_it() {
    let url = start_receiver().await;
    let http = reqwest::Client::new();
    let limit = webhook().body_limit();
    assert_eq!(limit, DEFAULT_MAX_BODY);
    for (length, status) in [(limit, 200), (limit + 1, 413)] {
        let body = padded(length);
        let response = http
            .post(&url)
            .header(SIGNATURE_HEADER, webhook().sign(&body, SystemTime::now()))
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), status, "{length} bytes");
    }
}

#[tokio::test]
async fn a_server_without_a_limit_of_its_own_gets_the_sdks_refusal() {
    use axum::body::Bytes;
    use axum::extract::DefaultBodyLimit;
    use axum::http::HeaderMap;

    // A handler like the example's, on a server that reads any body.
    let verifier = std::sync::Arc::new(webhook().max_body(1024));
    let handler = move |headers: HeaderMap, body: Bytes| async move {
        let header = headers
            .get(SIGNATURE_HEADER)
            .map(|value| value.to_str().unwrap_or(""));
        match verifier.verify(&body, header) {
            Ok(()) => (axum::http::StatusCode::OK, "verified".to_string()),
            Err(error) => (
                axum::http::StatusCode::from_u16(error.status()).unwrap(),
                error.to_string(),
            ),
        }
    };
    let app = axum::Router::new()
        .route("/", axum::routing::post(handler))
        .layer(DefaultBodyLimit::disable());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let http = reqwest::Client::new();
    let post = |body: Vec<u8>, header: Option<String>| {
        let mut request = http.post(&url).body(body);
        if let Some(header) = header {
            request = request.header(SIGNATURE_HEADER, header);
        }
        request.send()
    };
    let fits = padded(1024);
    let response = post(fits.clone(), Some(webhook().sign(&fits, SystemTime::now())))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    // Over the limit by one byte: refused on length alone, validly signed
    // or not signed at all, and the answer names the limit, not the content.
    let over = padded(1025);
    for header in [Some(webhook().sign(&over, SystemTime::now())), None] {
        let response = post(over.clone(), header).await.unwrap();
        assert_eq!(response.status(), 413);
        let text = response.text().await.unwrap();
        assert_eq!(text, "the body is 1025 bytes, over the limit of 1024 bytes");
    }
}

// Known vectors: the output of tests/vectors/webhook_vectors.py (Python's hmac
// and hashlib), pasted here. The SDK computed none of these signatures.

/// The vectors' signing token.
const TOKEN: &str = "whsec_imprint_vectors_7f3a";
/// A key that is not UTF-8, so only `SigningSecret::from_bytes` can hold it.
const RAW_KEY: &[u8] = &[0x00, 0xff, 0x7f, 0x80, 0xc3, 0x28, 0x9f, 0x0a];
const OLD_TOKEN: &str = "whsec_rotation_old";
const NEW_TOKEN: &str = "whsec_rotation_new";
/// The docs' example body. Its canonical form is not its raw bytes.
const DOCS_BODY: &[u8] = br#"{"hello": "world", "amount": 5000}"#;
/// The docs' example timestamp (milliseconds).
const DOCS_T: &str = "1723493048949";
/// The docs' header example (seconds).
const SECONDS_T: &str = "1740779129";

/// (key reading, message reading, t, signature) for `TOKEN` and `DOCS_BODY`.
const VECTORS: [(&str, &str, &str, &str); 12] = [
    (
        "Token",
        "RawBody",
        "1723493048949",
        "6ffc0378baf03968ba0a30b4d01c69c91a91dd88e93e1768cdcd595a950eb719",
    ),
    (
        "Token",
        "CanonicalJson",
        "1723493048949",
        "2aa92bda9a9c9df5f956ebc7b306f11d92f48f2b0e4f08b711b9fee9cad53f25",
    ),
    (
        "Sha256OfToken",
        "RawBody",
        "1723493048949",
        "2a6a715d295015f56704fd16127b020ba4a0dfa7c1868922b30b7fa2917b7114",
    ),
    (
        "Sha256OfToken",
        "CanonicalJson",
        "1723493048949",
        "05379f83900a477ab4c7b2a6eefb3356d2a41e94e02fc03362fef531c5c08469",
    ),
    (
        "Sha256HexOfToken",
        "RawBody",
        "1723493048949",
        "624ead3aa9ab81bde8944cc3e46e6038feba43e34a71a6f890cfd85d09251b20",
    ),
    (
        "Sha256HexOfToken",
        "CanonicalJson",
        "1723493048949",
        "599db11e153743dcd52bf88406107e7ba799c4fac6b4e3e24592abcb4eee1b67",
    ),
    (
        "Token",
        "RawBody",
        "1740779129",
        "6a619bea744d43e2184def07b33d21ad13d9689ec71c2c315c1c0b8ec23b474e",
    ),
    (
        "Token",
        "CanonicalJson",
        "1740779129",
        "f3a53162285c70bd05bc51af64e24ade9c45da4156305fa2535f669e8e1c5060",
    ),
    (
        "Sha256OfToken",
        "RawBody",
        "1740779129",
        "554f0fbfb2eddd51052afd9981c3119faf5743d1ad3967ddd488703af79202e9",
    ),
    (
        "Sha256OfToken",
        "CanonicalJson",
        "1740779129",
        "0e7ed9041da911524d201228910e996ccc8a7257ee22ef9c019454c300ad81d4",
    ),
    (
        "Sha256HexOfToken",
        "RawBody",
        "1740779129",
        "6681e1979d28a3c1273208e85183f9352dbe5767bf4b09968303f6758a1cfed5",
    ),
    (
        "Sha256HexOfToken",
        "CanonicalJson",
        "1740779129",
        "627929af1d6d7f4be83b8ac42c42c518bcb458dbe9c6450e3cbf08212557893f",
    ),
];
/// `RAW_KEY`, default reading, `DOCS_BODY` at `DOCS_T`.
const RAW_KEY_SIGNATURE: &str = "db3c4d73dd01254ee96bb3688f8e61c5c32c646028bf44c2fc2e3222936fe300";
/// `OLD_TOKEN` and `NEW_TOKEN`, default reading, `DOCS_BODY` at `DOCS_T`.
const OLD_SIGNATURE: &str = "40fc8f2f2f5b829291f4d44c20c894fb797d8074441e2d1ec336065a66f7e1eb";
const NEW_SIGNATURE: &str = "29c401527254b7e1e79090001fcf68da61ca23cf8053e23893c6aca117fa5faa";

/// A vector's reading and header.
fn vector(entry: &(&str, &str, &str, &str)) -> (Reading, String) {
    let (key, message, t, signature) = *entry;
    let key = match key {
        "Token" => KeyReading::Token,
        "Sha256OfToken" => KeyReading::Sha256OfToken,
        "Sha256HexOfToken" => KeyReading::Sha256HexOfToken,
        other => panic!("{other}"),
    };
    let message = match message {
        "RawBody" => MessageReading::RawBody,
        "CanonicalJson" => MessageReading::CanonicalJson,
        other => panic!("{other}"),
    };
    (Reading { key, message }, format!("t={t},s={signature}"))
}

/// The instant a header's `t` names, in the unit its size says.
fn instant(t: &str) -> SystemTime {
    let t: u64 = t.parse().unwrap();
    if t >= 100_000_000_000 {
        UNIX_EPOCH + Duration::from_millis(t)
    } else {
        UNIX_EPOCH + Duration::from_secs(t)
    }
}

fn configured(secret: impl Into<SigningSecret>, reading: Reading) -> Webhook {
    Webhook::new(secret)
        .key_reading(reading.key)
        .message_reading(reading.message)
}

/// `header` with its last hex digit changed.
fn flip_last_nibble(header: &str) -> String {
    let (head, last) = header.split_at(header.len() - 1);
    format!("{head}{}", if last == "0" { '1' } else { '0' })
}

#[test]
fn the_docs_example_body_gives_the_docs_example_message() {
    let canonical = canonicalize(DOCS_BODY).unwrap();
    assert_eq!(
        format!("{DOCS_T}.{}", String::from_utf8(canonical).unwrap()),
        r#"1723493048949.{"amount":5000,"hello":"world"}"#
    );
}

#[test]
fn each_vector_verifies_under_its_reading_and_no_other() {
    for entry in &VECTORS {
        let (reading, header) = vector(entry);
        let at = instant(entry.2);
        configured(TOKEN, reading)
            .verify_at(DOCS_BODY, Some(&header), at)
            .unwrap_or_else(|e| panic!("{reading}: {e}"));
        assert_eq!(
            configured(TOKEN, reading).sign_raw(DOCS_BODY, entry.2),
            header
        );
        for other in Reading::all().filter(|other| *other != reading) {
            assert!(
                matches!(
                    configured(TOKEN, other).verify_at(DOCS_BODY, Some(&header), at),
                    Err(WebhookError::SignatureMismatch)
                ),
                "{header} verified under {other} too"
            );
        }
        let first = header.find("s=").unwrap() + 2;
        let mut first_flipped = header.clone().into_bytes();
        first_flipped[first] = if first_flipped[first] == b'0' {
            b'1'
        } else {
            b'0'
        };
        let first_flipped = String::from_utf8(first_flipped).unwrap();
        for refused in [flip_last_nibble(&header), first_flipped] {
            assert!(matches!(
                configured(TOKEN, reading).verify_at(DOCS_BODY, Some(&refused), at),
                Err(WebhookError::SignatureMismatch)
            ));
        }
        assert!(matches!(
            configured("whsec_imprint_vectors_7f3b", reading).verify_at(
                DOCS_BODY,
                Some(&header),
                at
            ),
            Err(WebhookError::SignatureMismatch)
        ));
        // The same signature under the other unit's spelling of `t` is a different message.
        let other_t = if entry.2 == DOCS_T { SECONDS_T } else { DOCS_T };
        let moved = header.replacen(entry.2, other_t, 1);
        assert!(matches!(
            configured(TOKEN, reading).verify_at(DOCS_BODY, Some(&moved), instant(other_t)),
            Err(WebhookError::SignatureMismatch)
        ));
    }
}

#[test]
fn a_body_that_is_not_canonical_verifies_only_under_the_canonical_reading() {
    let canonical = Reading {
        key: KeyReading::Token,
        message: MessageReading::CanonicalJson,
    };
    let (_, header) = vector(&VECTORS[1]);
    let at = instant(DOCS_T);
    // The same members, re-ordered and re-spaced: the same canonical form.
    let respaced = b"{ \"amount\" : 5000 ,\n \"hello\" : \"world\" }";
    for body in [DOCS_BODY, respaced, br#"{"amount":5000,"hello":"world"}"#] {
        configured(TOKEN, canonical)
            .verify_at(body, Some(&header), at)
            .unwrap();
    }
    for body in [DOCS_BODY, respaced] {
        assert!(matches!(
            Webhook::new(TOKEN).verify_at(body, Some(&header), at),
            Err(WebhookError::SignatureMismatch)
        ));
    }
    // A different value is a different canonical form.
    assert!(matches!(
        configured(TOKEN, canonical).verify_at(
            br#"{"hello": "world", "amount": 5001}"#,
            Some(&header),
            at
        ),
        Err(WebhookError::SignatureMismatch)
    ));
}

#[test]
fn duplicate_keys_are_refused_under_the_canonical_reading() {
    let canonical = Webhook::new(TOKEN).message_reading(MessageReading::CanonicalJson);
    let (_, header) = vector(&VECTORS[1]);
    // Read with "last wins", this body is the signed payload; read with "first
    // wins", it says 1. Under the canonical reading it matches nothing.
    let body = br#"{"hello": "world", "amount": 1, "amount": 5000}"#;
    let error = canonical
        .verify_at(body, Some(&header), instant(DOCS_T))
        .unwrap_err();
    assert!(
        matches!(
            error,
            WebhookError::NotCanonical(CanonicalError::DuplicateKey { offset: 0 })
        ),
        "{error:?}"
    );
    assert_eq!(error.status(), 400);
    // Even a header that signs it exactly as sent (raw) is refused.
    let signed = canonical.sign(body, SystemTime::now());
    assert!(matches!(
        canonical.verify(body, Some(&signed)),
        Err(WebhookError::NotCanonical(
            CanonicalError::DuplicateKey { .. }
        ))
    ));
    let nested = br#"{"data":{"id":"a","\u0069d":"b"},"object":"REWARD"}"#;
    let signed = canonical.sign(nested, SystemTime::now());
    assert!(matches!(
        canonical.verify(nested, Some(&signed)),
        Err(WebhookError::NotCanonical(CanonicalError::DuplicateKey {
            offset: 8
        }))
    ));
    let not_json = canonical.sign(b"hello", SystemTime::now());
    assert!(matches!(
        canonical.verify(b"hello", Some(&not_json)),
        Err(WebhookError::NotCanonical(CanonicalError::NotJson(_)))
    ));
}

#[test]
fn diagnose_names_the_reading_and_unit_of_each_vector() {
    for entry in &VECTORS {
        let (reading, header) = vector(entry);
        let diagnosis = Webhook::new(TOKEN)
            .diagnose_at(DOCS_BODY, &header, SystemTime::now())
            .unwrap();
        assert_eq!(diagnosis.matching(), vec![reading], "{diagnosis}");
        assert_eq!(diagnosis.recommended(), Some(reading));
        assert_eq!(
            diagnosis.outcome(reading),
            &Outcome::Verifies {
                secret: 0,
                signature: 0
            }
        );
        assert_eq!(diagnosis.outcomes().len(), 6);
        let unit = if entry.2 == DOCS_T {
            TimestampUnit::Milliseconds
        } else {
            TimestampUnit::Seconds
        };
        assert_eq!(diagnosis.unit(), unit);
        assert_eq!(diagnosis.timestamp().to_string(), entry.2);
        // A capture from 2024 or 2025 is reported as old, not refused.
        assert!(!diagnosis.within_tolerance() && diagnosis.skew_seconds() > 86_400);
        let shown = diagnosis.to_string();
        assert_eq!(shown.matches("  verifies ").count(), 1, "{shown}");
        assert_eq!(shown.matches("  does not verify ").count(), 5, "{shown}");
        assert!(
            shown.contains(&format!("verifies        {reading}")),
            "{shown}"
        );
        assert!(shown.contains(&format!("read in {unit}")), "{shown}");
        assert!(shown.contains("outside tolerance"), "{shown}");
        let days = diagnosis.skew_seconds() / 86_400;
        assert!(shown.contains(&format!("s ({days} days) ago")), "{shown}");
        let marked: Vec<&str> = shown
            .lines()
            .filter(|line| line.ends_with("(this verifier's reading)"))
            .collect();
        assert_eq!(marked.len(), 1, "{shown}");
        assert!(
            marked[0].contains(&Reading::default().to_string()),
            "{shown}"
        );
        let everything = format!("{shown}{diagnosis:?}");
        for secret_or_body in [TOKEN, "hello", "world", "5000", entry.3] {
            assert!(
                !everything.contains(secret_or_body),
                "{secret_or_body} in {everything}"
            );
        }
    }
}

#[test]
fn diagnose_refuses_only_unusable_headers_and_says_why() {
    let webhook = Webhook::new(TOKEN);
    for (header, expected) in [
        ("", Malformed::Empty),
        ("t=1", Malformed::MissingSignature),
        ("s=00", Malformed::MissingTimestamp),
    ] {
        match webhook.diagnose(DOCS_BODY, header) {
            Err(WebhookError::MalformedHeader(found)) => assert_eq!(found, expected),
            other => panic!("{header:?}: {other:?}"),
        }
    }
    // A wrong secret is a diagnosis with no match, not an error.
    let (_, header) = vector(&VECTORS[0]);
    let diagnosis = Webhook::new("whsec_wrong")
        .diagnose(DOCS_BODY, &header)
        .unwrap();
    assert_eq!(diagnosis.recommended(), None);
    assert!(
        diagnosis
            .outcomes()
            .iter()
            .all(|(_, o)| *o == Outcome::DoesNotVerify)
    );
}

#[test]
fn an_already_canonical_body_matches_both_message_readings_and_raw_is_recommended() {
    let body = br#"{"amount":5000,"hello":"world"}"#;
    let header = Webhook::new(TOKEN).sign(body, SystemTime::now());
    let diagnosis = Webhook::new(TOKEN).diagnose(body, &header).unwrap();
    let raw = Reading::default();
    let canonical = Reading {
        message: MessageReading::CanonicalJson,
        ..raw
    };
    assert_eq!(diagnosis.matching(), vec![raw, canonical]);
    assert_eq!(diagnosis.recommended(), Some(raw));
    assert!(diagnosis.within_tolerance());
}

#[test]
fn rotation_accepts_old_new_and_both_signatures_with_either_secret_set() {
    let at = instant(DOCS_T);
    let old = format!("t={DOCS_T},s={OLD_SIGNATURE}");
    let new = format!("t={DOCS_T},s={NEW_SIGNATURE}");
    let both = format!("t={DOCS_T},s={OLD_SIGNATURE},s={NEW_SIGNATURE}");
    let both_reversed = format!("t={DOCS_T},s={NEW_SIGNATURE},s={OLD_SIGNATURE}");
    let only_old = Webhook::new(OLD_TOKEN);
    let only_new = Webhook::new(NEW_TOKEN);
    let rotating = Webhook::new(NEW_TOKEN).also_accept(OLD_TOKEN);
    let cases = [
        (&only_old, &old, true),
        (&only_old, &new, false),
        (&only_old, &both, true),
        (&only_new, &old, false),
        (&only_new, &new, true),
        (&only_new, &both, true),
        (&only_new, &both_reversed, true),
        (&rotating, &old, true),
        (&rotating, &new, true),
        (&rotating, &both, true),
        (&rotating, &both_reversed, true),
    ];
    for (webhook, header, accepted) in cases {
        let result = webhook.verify_at(DOCS_BODY, Some(header), at);
        assert_eq!(result.is_ok(), accepted, "{header}: {result:?}");
        let mut body = DOCS_BODY.to_vec();
        body[3] ^= 0x01;
        assert!(matches!(
            webhook.verify_at(&body, Some(header), at),
            Err(WebhookError::SignatureMismatch)
        ));
    }
    // Each signature with a nibble changed: nothing matches any more.
    for webhook in [&only_old, &only_new, &rotating] {
        let flipped = format!(
            "t={DOCS_T},s={},s={}",
            flip_last_nibble(OLD_SIGNATURE),
            flip_last_nibble(NEW_SIGNATURE)
        );
        assert!(matches!(
            webhook.verify_at(DOCS_BODY, Some(&flipped), at),
            Err(WebhookError::SignatureMismatch)
        ));
    }
    // The sender side: one `s=` per secret, in order.
    assert_eq!(
        Webhook::new(OLD_TOKEN)
            .also_accept(NEW_TOKEN)
            .sign_raw(DOCS_BODY, DOCS_T),
        both
    );
    let diagnosis = rotating.diagnose_at(DOCS_BODY, &old, at).unwrap();
    assert_eq!(
        diagnosis.outcome(Reading::default()),
        &Outcome::Verifies {
            secret: 1,
            signature: 0
        }
    );
}

#[test]
fn rotation_combines_with_every_reading() {
    for entry in &VECTORS {
        let (reading, header) = vector(entry);
        let at = instant(entry.2);
        let rotating = configured("whsec_next", reading).also_accept(TOKEN);
        rotating.verify_at(DOCS_BODY, Some(&header), at).unwrap();
        // The matching signature after one that matches nothing.
        let (t, signature) = header.split_once(",s=").unwrap();
        let two = format!("{t},s={},s={signature}", "ab".repeat(32));
        rotating.verify_at(DOCS_BODY, Some(&two), at).unwrap();
        assert!(matches!(
            rotating.verify_at(DOCS_BODY, Some(&flip_last_nibble(&header)), at),
            Err(WebhookError::SignatureMismatch)
        ));
    }
}

#[test]
fn a_key_from_raw_bytes() {
    let at = instant(DOCS_T);
    let header = format!("t={DOCS_T},s={RAW_KEY_SIGNATURE}");
    let webhook = Webhook::new(SigningSecret::from_bytes(RAW_KEY));
    webhook.verify_at(DOCS_BODY, Some(&header), at).unwrap();
    assert_eq!(webhook.sign_raw(DOCS_BODY, DOCS_T), header);
    assert!(matches!(
        webhook.verify_at(DOCS_BODY, Some(&flip_last_nibble(&header)), at),
        Err(WebhookError::SignatureMismatch)
    ));
    let mut body = DOCS_BODY.to_vec();
    body[0] ^= 0x80;
    assert!(matches!(
        webhook.verify_at(&body, Some(&header), at),
        Err(WebhookError::SignatureMismatch)
    ));
    // The token's bytes as raw bytes are the same key as the token.
    let (_, token_header) = vector(&VECTORS[0]);
    Webhook::new(SigningSecret::from_bytes(TOKEN.as_bytes()))
        .verify_at(DOCS_BODY, Some(&token_header), at)
        .unwrap();
    // The raw key is not a lossy string of itself.
    let lossy = String::from_utf8_lossy(RAW_KEY).into_owned();
    assert!(matches!(
        Webhook::new(lossy).verify_at(DOCS_BODY, Some(&header), at),
        Err(WebhookError::SignatureMismatch)
    ));
    assert!(!format!("{webhook:?}").contains("255"));
}

#[test]
fn a_trailing_comma_is_tolerated() {
    let (_, header) = vector(&VECTORS[0]);
    let at = instant(DOCS_T);
    for spelled in [
        format!("{header},"),
        format!("{header}, "),
        format!("{header},,"),
        format!(",{header}"),
    ] {
        Webhook::new(TOKEN)
            .verify_at(DOCS_BODY, Some(&spelled), at)
            .unwrap_or_else(|e| panic!("{spelled:?}: {e}"));
        let flipped = spelled.replace(&header, &flip_last_nibble(&header));
        assert!(matches!(
            Webhook::new(TOKEN).verify_at(DOCS_BODY, Some(&flipped), at),
            Err(WebhookError::SignatureMismatch)
        ));
    }
}

#[test]
fn verification_does_not_depend_on_what_the_payload_says() {
    // An unknown kind, an unknown enum value, unknown fields, numbers no Rust
    // type holds (1e400, a 25-digit integer) and deep nesting: signed bytes
    // like any other, under every reading.
    let body = br#"{"object": "SOMETHING_NEW", "data": {"status": "NOT_AN_ENUM_VALUE_YET", "n": 1e400, "big": 1234567890123456789012345, "deep": [[[{"x": null}]]]}, "added": true}"#;
    for reading in Reading::all() {
        let webhook = configured(TOKEN, reading);
        let header = webhook.sign(body, SystemTime::now());
        webhook
            .verify(body, Some(&header))
            .unwrap_or_else(|e| panic!("{reading}: {e}"));
    }
    let body = br#"{"object": "SOMETHING_NEW", "data": {"status": "NOT_AN_ENUM_VALUE_YET"}, "added": true}"#;
    for reading in Reading::all() {
        let webhook = configured(TOKEN, reading);
        let header = webhook.sign(body, SystemTime::now());
        match webhook.construct_event(body, Some(&header)) {
            Ok(Event::Unknown(unknown)) => {
                assert_eq!(unknown.object.as_deref(), Some("SOMETHING_NEW"))
            }
            other => panic!("{reading}: {other:?}"),
        }
    }
}

#[test]
fn no_webhook_type_shows_a_secret_or_a_body() {
    let webhook = Webhook::new(TOKEN)
        .also_accept(SigningSecret::from_bytes(RAW_KEY))
        .key_reading(KeyReading::Sha256OfToken)
        .message_reading(MessageReading::CanonicalJson);
    let body = br#"{"ssn": "123456789", "hello": "world", "ssn": "987654321"}"#;
    let header = webhook.sign(body, SystemTime::now());
    let mut shown = vec![
        format!("{webhook:?}"),
        format!("{:?}", SigningSecret::new(TOKEN)),
        format!("{:?}", webhook.reading()),
        webhook.reading().to_string(),
    ];
    let error = webhook.verify(body, Some(&header)).unwrap_err();
    shown.push(format!("{error} {error:?}"));
    let diagnosis = webhook.diagnose(body, &header).unwrap();
    shown.push(format!("{diagnosis} {diagnosis:?}"));
    let not_json = br#"{"ssn": "123456789""#;
    let diagnosis = webhook.diagnose(not_json, &header).unwrap();
    shown.push(format!("{diagnosis} {diagnosis:?}"));
    for text in shown {
        for secret_or_body in [TOKEN, "123456789", "987654321", "ssn", "hello", "world"] {
            assert!(!text.contains(secret_or_body), "{secret_or_body} in {text}");
        }
        assert!(
            !text.contains("0, 255, 127") && !text.contains("00ff7f"),
            "{text}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Any reading, several secrets (the signer's anywhere among them), several
    /// signatures, a trailing comma or not: the delivery verifies; one flipped
    /// bit of the body, or one changed hex digit of the matching signature, is
    /// refused — except a flip that leaves the canonical form unchanged under
    /// the canonical reading (a tab turned into a carriage return), which that
    /// reading by design does not authenticate.
    #[test]
    fn every_reading_and_rotation_still_refuses_one_flipped_bit(
        members in proptest::collection::btree_map("[a-z]{1,4}", (any::<i64>(), "[ -~]{0,8}"), 1..5),
        whitespace in "[ \t\n]{0,2}",
        reading in proptest::sample::select(Reading::all().collect::<Vec<_>>()),
        secrets in proptest::collection::vec("[!-~]{1,24}", 1..4),
        signer in any::<prop::sample::Index>(),
        decoys_before in 0usize..3,
        decoys_after in 0usize..3,
        trailing_comma in any::<bool>(),
        index in any::<prop::sample::Index>(),
        bit in 0u8..8,
    ) {
        // Members in reverse order, so that the canonical form is not the raw body.
        let body = format!(
            "{{{}}}",
            members
                .iter()
                .rev()
                .map(|(k, (n, s))| format!("{whitespace}\"{k}\":{whitespace}[{n},{}]", Value::from(s.as_str())))
                .collect::<Vec<_>>()
                .join(",")
        )
        .into_bytes();
        let signing = secrets[signer.index(secrets.len())].clone();
        let mut verifier = configured("whsec_unrelated", reading);
        for secret in &secrets {
            verifier = verifier.also_accept(secret.as_str());
        }
        let signed = configured(signing.as_str(), reading).sign(&body, SystemTime::now());
        let (t, signature) = signed.split_once(",s=").unwrap();
        // The signature among others that match nothing, before and after it.
        let decoy = |n: usize| format!(",s={}", format!("{n:02x}").repeat(32));
        let header_with = |signature: &str| {
            let mut header = t.to_string();
            (0..decoys_before).for_each(|n| header.push_str(&decoy(n)));
            header.push_str(&format!(",s={signature}"));
            (0..decoys_after).for_each(|n| header.push_str(&decoy(10 + n)));
            if trailing_comma {
                header.push(',');
            }
            header
        };
        let header = header_with(signature);
        prop_assert!(verifier.verify(&body, Some(&header)).is_ok(), "{header}");

        let mut tampered = body.clone();
        let at = index.index(tampered.len());
        tampered[at] ^= 1 << bit;
        let result = verifier.verify(&tampered, Some(&header));
        let same_canonical_form = reading.message == MessageReading::CanonicalJson
            && canonicalize(&tampered).ok() == canonicalize(&body).ok();
        if same_canonical_form {
            prop_assert!(result.is_ok());
        } else {
            prop_assert!(
                matches!(result, Err(WebhookError::SignatureMismatch | WebhookError::NotCanonical(_))),
                "{result:?}"
            );
        }

        let flipped = header_with(&flip_last_nibble(signature));
        prop_assert!(matches!(
            verifier.verify(&body, Some(&flipped)),
            Err(WebhookError::SignatureMismatch)
        ));
    }
}

// The verify_delivery example, as a function and as a process.

/// A file holding `body`, unique to this test process and `name`.
fn body_file(name: &str, body: &[u8]) -> PathBuf {
    let path = std::env::temp_dir().join(format!(
        "imprint-webhook-{}-{name}.json",
        std::process::id()
    ));
    std::fs::write(&path, body).unwrap();
    path
}

fn run_verify_delivery(header: &str, body: &Path, secret: &str) -> (Result<bool, String>, String) {
    let args = verify_delivery::Args::parse(
        ["--header", header, "--body-file", body.to_str().unwrap()].map(String::from),
    )
    .unwrap();
    let mut out = Vec::new();
    let result = verify_delivery::run(&args, secret.to_string(), &mut out);
    (result, String::from_utf8(out).unwrap())
}

#[test]
fn verify_delivery_prints_the_matching_reading_and_its_configuration() {
    let file = body_file("function", DOCS_BODY);
    for entry in &VECTORS {
        let (reading, header) = vector(entry);
        let (result, out) = run_verify_delivery(&header, &file, TOKEN);
        assert_eq!(result, Ok(true), "{out}");
        assert!(out.contains(&format!("Matches: {reading}.")), "{out}");
        let mut code = "Webhook::new(std::env::var(\"IMPRINT_WEBHOOK_SECRET\")?)".to_string();
        for (default, line) in [
            (
                reading.key == KeyReading::default(),
                format!("\n        .key_reading(KeyReading::{:?})", reading.key),
            ),
            (
                reading.message == MessageReading::default(),
                format!(
                    "\n        .message_reading(MessageReading::{:?})",
                    reading.message
                ),
            ),
        ] {
            if !default {
                code.push_str(&line);
            }
        }
        assert!(out.contains(&format!("let webhook = {code};")), "{out}");
        if (entry.0, entry.1) == ("Sha256OfToken", "CanonicalJson") {
            assert!(
                out.contains(
                    "    use imprint::webhook::{KeyReading, MessageReading, Webhook};\n\n    let webhook = Webhook::new(std::env::var(\"IMPRINT_WEBHOOK_SECRET\")?)\n        .key_reading(KeyReading::Sha256OfToken)\n        .message_reading(MessageReading::CanonicalJson);\n"
                ),
                "{out}"
            );
        }
        assert!(
            !out.contains(TOKEN) && !out.contains("hello") && !out.contains(entry.3),
            "{out}"
        );
    }
    // The header pasted with its name works too.
    let (reading, header) = vector(&VECTORS[3]);
    let (result, out) =
        run_verify_delivery(&format!("X-Imprint-Hmac-Signature: {header}"), &file, TOKEN);
    assert_eq!(result, Ok(true));
    assert!(out.contains(&format!("Matches: {reading}.")), "{out}");
    assert!(
        out.contains("use imprint::webhook::{KeyReading, MessageReading, Webhook};"),
        "{out}"
    );
    std::fs::remove_file(file).unwrap();
}

#[test]
fn verify_delivery_says_when_nothing_matches_and_spots_an_added_line_break() {
    let (_, header) = vector(&VECTORS[0]);
    let file = body_file("nomatch", DOCS_BODY);
    let (result, out) = run_verify_delivery(&header, &file, "whsec_wrong");
    assert_eq!(result, Ok(false));
    assert!(out.contains("No reading verifies this delivery"), "{out}");
    assert!(
        !out.contains("Matches:") && !out.contains("line break"),
        "{out}"
    );

    let with_newline = body_file("newline", &[DOCS_BODY, b"\n"].concat());
    let (result, out) = run_verify_delivery(&header, &with_newline, TOKEN);
    assert_eq!(result, Ok(false));
    assert!(out.contains("Without the file's final line break, it verifies under: key = the token, message = t.raw body."), "{out}");
    for file in [file, with_newline] {
        std::fs::remove_file(file).unwrap();
    }
}

#[test]
fn verify_delivery_refuses_unusable_input_clearly() {
    let missing = verify_delivery::secret_from(None).unwrap_err();
    assert!(
        missing.contains("IMPRINT_WEBHOOK_SECRET is not set")
            && missing.contains("export IMPRINT_WEBHOOK_SECRET="),
        "{missing}"
    );
    assert!(
        verify_delivery::secret_from(Some("  ".into()))
            .unwrap_err()
            .contains("is empty")
    );
    assert_eq!(
        verify_delivery::secret_from(Some(TOKEN.into())).unwrap(),
        TOKEN
    );
    for args in [
        vec!["--header", "t=1,s=00"],
        vec!["--body-file", "x"],
        vec!["--header"],
        vec!["--verbose"],
    ] {
        let error = verify_delivery::Args::parse(args.iter().map(|a| a.to_string()))
            .err()
            .unwrap_or_else(|| panic!("{args:?} accepted"));
        assert!(error.contains("usage:"), "{error}");
    }
    let file = body_file("malformed", DOCS_BODY);
    let (result, _) = run_verify_delivery("t=1,s=xyz", &file, TOKEN);
    assert!(result.unwrap_err().contains("malformed"));
    std::fs::remove_file(file).unwrap();
}

/// A compiled example. `cargo test --workspace` (what CI runs) builds the
/// examples before any test runs, into the target directory this test runs
/// from, and that binary is used. When it is missing or older than the sdk's
/// sources (only this test target was built), the cargo that runs the tests
/// builds it once, so a stale binary is never tested.
fn example_binary(name: &str) -> PathBuf {
    static BUILT: OnceLock<()> = OnceLock::new();
    // The test executable lives in <target>/<profile>/deps; examples beside it.
    let deps = std::env::current_exe()
        .unwrap()
        .parent()
        .unwrap()
        .to_path_buf();
    let binary = deps
        .parent()
        .unwrap()
        .join("examples")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    let built_at = std::fs::metadata(&binary).and_then(|m| m.modified()).ok();
    let sdk = Path::new(env!("CARGO_MANIFEST_DIR")).join("../sdk");
    if built_at.is_none_or(|at| at < newest_modification(&sdk)) {
        BUILT.get_or_init(|| {
            let status = Command::new(env!("CARGO"))
                .args(["build", "--quiet", "-p", "imprint-sdk", "--examples"])
                .status()
                .expect("cargo runs");
            assert!(status.success(), "building the examples failed");
        });
    }
    assert!(binary.exists(), "{} was not built", binary.display());
    binary
}

/// The latest modification time of a file under `path`.
fn newest_modification(path: &Path) -> SystemTime {
    let metadata = std::fs::metadata(path).unwrap();
    if !metadata.is_dir() {
        return metadata.modified().unwrap();
    }
    std::fs::read_dir(path)
        .unwrap()
        .map(|entry| newest_modification(&entry.unwrap().path()))
        .max()
        .unwrap_or(UNIX_EPOCH)
}

fn run_example(name: &str, args: &[&str], secret: Option<&str>) -> Output {
    let mut command = Command::new(example_binary(name));
    command
        .args(args)
        .env_remove("IMPRINT_WEBHOOK_SECRET")
        .env_remove("IMPRINT_WEBHOOK_PREVIOUS_SECRET")
        // A port nothing else uses, in case a refusal did not happen.
        .env("PORT", "0");
    if let Some(secret) = secret {
        command.env("IMPRINT_WEBHOOK_SECRET", secret);
    }
    command.output().unwrap()
}

#[test]
fn the_verify_delivery_binary_prints_the_matching_reading_of_each_kind() {
    let file = body_file("process", DOCS_BODY);
    let path = file.to_str().unwrap();
    // One vector per reading, half of them with `t` in seconds.
    for entry in VECTORS
        .iter()
        .enumerate()
        .filter(|(i, _)| (i % 6 < 3) == (*i < 6))
        .map(|(_, e)| e)
    {
        let (reading, header) = vector(entry);
        let output = run_example(
            "verify_delivery",
            &["--header", &header, "--body-file", path],
            Some(TOKEN),
        );
        let stdout = String::from_utf8(output.stdout).unwrap();
        assert_eq!(output.status.code(), Some(0), "{stdout}");
        assert!(stdout.contains(&format!("Matches: {reading}.")), "{stdout}");
        assert!(
            stdout
                .contains("let webhook = Webhook::new(std::env::var(\"IMPRINT_WEBHOOK_SECRET\")?)"),
            "{stdout}"
        );
        assert!(!stdout.contains(TOKEN), "{stdout}");
    }
    let (_, header) = vector(&VECTORS[0]);
    let output = run_example(
        "verify_delivery",
        &["--header", &header, "--body-file", path],
        Some("whsec_wrong"),
    );
    assert_eq!(output.status.code(), Some(1));
    let output = run_example(
        "verify_delivery",
        &["--header", &header, "--body-file", path],
        None,
    );
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("IMPRINT_WEBHOOK_SECRET is not set")
            && stderr.contains("export IMPRINT_WEBHOOK_SECRET="),
        "{stderr}"
    );
    assert!(output.stdout.is_empty());
    std::fs::remove_file(file).unwrap();
}

#[test]
fn the_receiver_refuses_to_start_without_its_secret() {
    let refusal = receiver::webhook_from(None, None).unwrap_err();
    assert!(
        refusal.contains("IMPRINT_WEBHOOK_SECRET is not set")
            && refusal.contains("export IMPRINT_WEBHOOK_SECRET="),
        "{refusal}"
    );
    assert!(receiver::webhook_from(Some("".into()), None).is_err());
    assert!(receiver::webhook_from(Some(TOKEN.into()), Some(" ".into())).is_err());
    // With a previous secret, both are accepted.
    let rotating = receiver::webhook_from(Some(NEW_TOKEN.into()), Some(OLD_TOKEN.into())).unwrap();
    for signature in [OLD_SIGNATURE, NEW_SIGNATURE] {
        rotating
            .verify_at(
                DOCS_BODY,
                Some(&format!("t={DOCS_T},s={signature}")),
                instant(DOCS_T),
            )
            .unwrap();
    }

    let output = run_example("webhook_receiver", &[], None);
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("refusing to start") && stderr.contains("export IMPRINT_WEBHOOK_SECRET="),
        "{stderr}"
    );
    assert!(
        !String::from_utf8(output.stdout)
            .unwrap()
            .contains("listening")
    );
}
