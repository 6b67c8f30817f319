//! Webhook signatures, typed events, and the example receiver over real HTTP.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use imprint::webhook::{Event, Malformed, SIGNATURE_HEADER, Webhook, WebhookError};
use proptest::prelude::*;
use serde_json::{Map, Value};

#[allow(dead_code)]
#[path = "../../sdk/examples/webhook_receiver.rs"]
mod receiver;

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
fn example(spec: &Value, schema: &Value) -> Option<Value> {
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
    let kinds = [
        ("ApplicationWebhookPayload", "APPLICATION"),
        ("TransactionWebhookPayload", "TRANSACTION"),
        ("PaymentMethodWebhookPayload", "PAYMENT_METHOD"),
        ("CustomerLinkWebhookPayload", "CUSTOMER_LINK"),
        ("RewardWebhookPayload", "REWARD"),
        ("StreakWebhookPayload", "STREAK"),
        ("AccountStatusWebhookPayload", "ACCOUNT_STATUS"),
    ];
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
