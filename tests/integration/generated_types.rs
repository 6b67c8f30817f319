//! The generated types against the real world: values the spec does not list,
//! fields it does not declare, personal data in error text, and a request the
//! spec requires more of than it declares.

use std::time::SystemTime;

use httpmock::prelude::*;
use imprint::Ssn;
use imprint::prelude::*;
use imprint::types::{self, CustomerProgramStatus, TransactionIntentStatus};
use imprint::webhook::{Event, Webhook};
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::fake_support::spec;
use crate::support::{Answer, Scripted, client};

const UNLISTED: &str = "STATUS_ADDED_LATER";

#[tokio::test]
async fn a_search_page_with_unlisted_values_and_unknown_fields_decodes() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST).path("/v2/customers");
            then.status(200).json_body(json!({
                "data": [{
                    "id": "C1",
                    "statuses": { "PROGRAM_1": UNLISTED, "PROGRAM_2": "ACTIVE" },
                    "field_added_later": { "nested": [1, 2] }
                }],
                "has_more": false,
                "total": 1,
                "page_field_added_later": true
            }));
        })
        .await;
    let page = client(&server)
        .search_customers_post()
        .body_map(|b| b.ssn(Ssn::new("912345678").unwrap()))
        .call()
        .await
        .unwrap();
    let statuses = &page.data[0].statuses;
    assert!(matches!(
        statuses["PROGRAM_1"],
        CustomerProgramStatus::Unlisted(_)
    ));
    assert_eq!(statuses["PROGRAM_1"].as_str(), UNLISTED);
    assert_eq!(statuses["PROGRAM_2"].as_str(), "ACTIVE");
}

#[tokio::test]
async fn a_transaction_list_with_unlisted_values_decodes() {
    let example = |status: &str| {
        let mut transaction =
            crate::webhooks::example(spec(), &spec()["components"]["schemas"]["Transaction"])
                .unwrap();
        transaction["status"] = json!(status);
        transaction["field_added_later"] = json!(1);
        transaction
    };
    let page = json!({
        "data": [example("DECLINED"), example("CAPTURED")],
        "has_more": false,
        "total": 2
    });
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/v2/customers/C1/transactions");
            then.status(200).json_body(page);
        })
        .await;
    let page = client(&server)
        .get_transactions()
        .customer_id("C1")
        .call()
        .await
        .unwrap();
    let statuses: Vec<&str> = page.data.iter().map(|t| t.status.as_str()).collect();
    assert_eq!(statuses, ["DECLINED", "CAPTURED"]);
}

/// `payload` with every value the schema restricts to an enum replaced by an
/// unlisted value (the `object` discriminator aside), and an unknown field
/// added to every object.
fn with_unlisted_values(root: &Value, schema: &Value, payload: &mut Value) {
    let schema = match schema.get("$ref").and_then(Value::as_str) {
        Some(target) => root.pointer(&target[1..]).unwrap(),
        None => schema,
    };
    match payload {
        Value::Object(fields) => {
            for (name, value) in fields.iter_mut() {
                let property = &schema["properties"][name];
                let restricted = property.get("enum").is_some()
                    || property
                        .get("$ref")
                        .and_then(Value::as_str)
                        .and_then(|t| root.pointer(&t[1..]))
                        .is_some_and(|t| t.get("enum").is_some());
                if restricted && name != "object" {
                    *value = json!(UNLISTED);
                } else {
                    with_unlisted_values(root, property, value);
                }
            }
            // Only where the schema lists properties: a map's values have one shape.
            if schema.get("properties").is_some() {
                fields.insert("field_added_later".into(), json!({ "any": ["shape", 1] }));
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|item| with_unlisted_values(root, &schema["items"], item)),
        _ => {}
    }
}

#[test]
fn every_webhook_kind_with_unlisted_values_and_unknown_fields_verifies_and_decodes() {
    let spec = spec();
    let webhook = Webhook::new("whsec_generated_types");
    let mut replaced = 0;
    for (schema, object) in crate::webhooks::PAYLOAD_KINDS {
        let component = &spec["components"]["schemas"][schema];
        let mut payload = crate::webhooks::example(spec, component).unwrap();
        with_unlisted_values(spec, component, &mut payload);
        let body = serde_json::to_vec(&payload).unwrap();
        replaced += String::from_utf8_lossy(&body).matches(UNLISTED).count();
        let header = webhook.sign(&body, SystemTime::now());
        let event = webhook
            .construct_event(&body, Some(&header))
            .unwrap_or_else(|e| panic!("{schema}: {e}"));
        assert_eq!(event.object(), object);
        assert!(!matches!(event, Event::Unknown(_)), "{schema}");
    }
    assert!(replaced >= 7, "only {replaced} unlisted values were sent");
}

#[tokio::test]
async fn update_transaction_intent_sends_what_the_spec_requires() {
    let body = types::UpdateTransactionIntentBody::builder()
        .customer_id("C1")
        .amount(1_000)
        .status(TransactionIntentStatus::Confirmed)
        .created_at("2025-03-01T00:00:00Z");
    let server = MockServer::start_async().await;
    let sent: Value =
        serde_json::to_value(types::UpdateTransactionIntentBody::try_from(body.clone()).unwrap())
            .unwrap();
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v2/transaction_intents/I1")
                .json_body(sent.clone());
            then.status(200).json_body(
                crate::webhooks::example(
                    spec(),
                    &spec()["components"]["schemas"]["TransactionIntent"],
                )
                .unwrap(),
            );
        })
        .await;
    client(&server)
        .update_transaction_intent()
        .intent_id("I1")
        .body(body)
        .call()
        .await
        .unwrap();
    mock.assert_calls_async(1).await;
    let request_schema = &spec()["paths"]["/v2/transaction_intents/{intent_id}"]["post"]["requestBody"]
        ["content"]["application/json"]["schema"];
    let schema = xtask::requests::inline(spec(), request_schema).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&sent)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let mut without = sent.clone();
    without.as_object_mut().unwrap().remove("created_at");
    assert!(
        !validator.is_valid(&without),
        "the spec requires created_at"
    );
}

/// `digits` written in `script` with `separator` between groups of `group`.
fn spell(digits: &str, script: u8, separator: &str, group: usize) -> String {
    let base = match script {
        0 => '0',
        1 => '\u{0660}',
        _ => '\u{FF10}',
    };
    let glyphs: Vec<char> = digits
        .chars()
        .map(|d| char::from_u32(base as u32 + d.to_digit(10).unwrap()).unwrap())
        .collect();
    glyphs
        .chunks(group)
        .map(|chunk| chunk.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(separator)
}

fn key_casing(key: &str, style: u8) -> String {
    match style {
        0 => key.to_string(),
        1 => key.to_uppercase(),
        2 => key
            .split('_')
            .enumerate()
            .map(|(i, part)| {
                if i == 0 {
                    part.to_string()
                } else {
                    part[..1].to_uppercase() + &part[1..]
                }
            })
            .collect(),
        _ => key.replace('_', "-"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// SSNs and PANs with any separators, whitespace runs, Unicode digits, and
    /// values of classified keys in any casing, in JSON and free text, in error
    /// bodies and undecodable success bodies: neither `Display` nor `Debug` of
    /// the error shows them.
    #[test]
    fn error_text_never_shows_an_ssn_or_a_pan(
        digits in prop_oneof!["[0-9]{9}", "[0-9]{16}"],
        script in 0u8..3,
        separator in prop::sample::select(vec!["", "-", ".", " ", "  ", "\t", " - ", "/"]),
        group in 3usize..5,
        key in prop::sample::select(vec!["ssn", "pan", "client_secret", "access_token", "email"]),
        casing in 0u8..4,
        place in 0u8..4,
        word in "[a-z]{12}",
    ) {
        let spelled = spell(&digits, script, separator, group);
        let key = key_casing(key, casing);
        let (status, body) = match place {
            0 => (400, json!({ "error": { "type": "X", "message": format!("no customer with {spelled}") } }).to_string()),
            1 => (404, json!({ "error": { "type": "X", "message": format!("{key}: \"{word}\" and {spelled}") } }).to_string()),
            2 => (502, format!("<html>upstream said {key}={word} {spelled}</html>")),
            _ => (200, json!({ "data": spelled, key.clone(): word }).to_string()),
        };
        tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
            let server = Scripted::start(move |_, _| Answer {
                status,
                headers: vec![("content-type", "application/json".into())],
                body: body.clone().into_bytes(),
            })
            .await;
            let client = server
                .builder()
                .retry_policy(imprint::RetryPolicy::disabled())
                .build()
                .unwrap();
            let error = client.search_customers().call().await.unwrap_err();
            let shown = format!("{error} {error:?}");
            prop_assert!(!shown.contains(&spelled), "{}", shown);
            prop_assert!(!shown.contains(&word), "{}", shown);
            let numerals: String = shown.chars().filter(|c| c.is_numeric()).collect();
            prop_assert!(!numerals.contains(&digits), "{}", shown);
            Ok(())
        })?;
    }

    /// The same for webhook errors: a payload of a known kind that does not
    /// decode, or a body that is not JSON, never shows the digits.
    #[test]
    fn webhook_errors_never_show_an_ssn_or_a_pan(
        digits in prop_oneof!["[0-9]{9}", "[0-9]{16}"],
        script in 0u8..3,
        separator in prop::sample::select(vec!["", "-", " ", "  "]),
        not_json in any::<bool>(),
    ) {
        let spelled = spell(&digits, script, separator, 4);
        let webhook = Webhook::new("whsec_generated_types");
        let body = if not_json {
            format!("ssn={spelled}").into_bytes()
        } else {
            json!({ "object": "TRANSACTION", "data": { "amount": spelled, "transaction_id": [spelled] } })
                .to_string()
                .into_bytes()
        };
        let header = webhook.sign(&body, SystemTime::now());
        let error = webhook.construct_event(&body, Some(&header)).unwrap_err();
        let shown = format!("{error} {error:?}");
        prop_assert!(!shown.contains(&spelled), "{}", shown);
        let numerals: String = shown.chars().filter(|c| c.is_numeric()).collect();
        prop_assert!(!numerals.contains(&digits), "{}", shown);
    }
}

#[test]
fn unknown_event_debug_scrubs_its_payload() {
    let webhook = Webhook::new("whsec_generated_types");
    let body = json!({
        "object": "KIND_ADDED_LATER",
        "data": { "customer": { "firstName": "Ada", "SSN": "123-45-6789", "note": "card 4111 1111 1111 1111" } }
    })
    .to_string();
    let header = webhook.sign(body.as_bytes(), SystemTime::now());
    let event = webhook
        .construct_event(body.as_bytes(), Some(&header))
        .unwrap();
    let shown = format!("{event:?}");
    for secret in ["Ada", "6789", "4111"] {
        assert!(!shown.contains(secret), "{shown}");
    }
    assert!(shown.contains("KIND_ADDED_LATER"), "{shown}");
}

/// Every RFC 3339 value is a `Timestamp`: one that does not parse (no offset
/// here) does not fail the response, and keeps its text; the request side
/// sends what was set, byte for byte.
#[tokio::test]
async fn timestamps_that_do_not_parse_keep_the_response_and_their_text() {
    let server = MockServer::start_async().await;
    let customer = server
        .mock_async(|when, then| {
            when.method(GET).path("/v2/customers/C1");
            then.status(200).json_body(json!({
                "id": "C1",
                "created_at": "2025-02-13 19:08:07",
                "updated_at": "2025-02-13T19:08:07.000+01:00",
            }));
        })
        .await;
    let intent = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v2/transaction_intents")
                .json_body_includes(r#"{"expected_date":"2025-03-01T00:00:00Z"}"#);
            then.status(200).json_body(json!({
                "id": "TI1", "customer_id": "C1", "amount": 100, "currency": "USD",
                "status": "PENDING", "created_at": "soon"
            }));
        })
        .await;
    let client = client(&server);
    let found = client
        .get_customer()
        .customer_id("C1")
        .call()
        .await
        .unwrap();
    let created = found.created_at.unwrap();
    assert_eq!(created.as_str(), "2025-02-13 19:08:07");
    assert_eq!(created.to_datetime(), None);
    let updated = found.updated_at.unwrap();
    assert_eq!(
        updated.to_datetime().map(|t| t.to_rfc3339()),
        Some("2025-02-13T18:08:07+00:00".to_string())
    );
    customer.assert_calls_async(1).await;

    let body = types::CreateTransactionIntentBody::builder()
        .customer_id("C1")
        .amount(100)
        .currency("USD")
        .payment_method_id("P1")
        .expected_date("2025-03-01T00:00:00Z");
    let created = client
        .create_transaction_intent()
        .body(body)
        .call()
        .await
        .unwrap();
    assert_eq!(created.created_at.as_str(), "soon");
    intent.assert_calls_async(1).await;

    let refused = client
        .create_transaction_intent()
        .body(
            types::CreateTransactionIntentBody::builder()
                .customer_id("C1")
                .amount(100)
                .currency("USD")
                .payment_method_id("P1")
                .expected_date("next week"),
        )
        .call()
        .await
        .unwrap_err();
    assert!(refused.is_validation(), "{refused}");
    assert!(refused.to_string().contains("expected_date"), "{refused}");
    intent.assert_calls_async(1).await;
}
