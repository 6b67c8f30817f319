//! Helpers for the fake-server tests: the spec's response schemas, closed, and
//! raw HTTP exchanges with a fake that check every answer against them.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use imprint_mock::FakeImprint;
use serde_json::{Value, json};

const SPEC: &str = include_str!("../../openapi.yaml");

/// Turns every object schema with properties into a closed one, so an invented
/// field fails validation too. A name the schema requires but does not declare
/// (`brand` of a card, `orders` of `OrdersResponse`) is declared as any value
/// first: the spec asks for it, so it is not invented.
pub fn closed(schema: &mut Value) {
    match schema {
        Value::Object(fields) => {
            let composed = ["allOf", "anyOf", "oneOf"]
                .iter()
                .any(|k| fields.contains_key(*k));
            if fields.contains_key("properties")
                && !fields.contains_key("additionalProperties")
                && !composed
            {
                let required: Vec<String> = fields
                    .get("required")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect();
                if let Some(Value::Object(properties)) = fields.get_mut("properties") {
                    for name in required {
                        properties
                            .entry(name)
                            .or_insert_with(|| Value::Object(Default::default()));
                    }
                }
                fields.insert("additionalProperties".into(), Value::Bool(false));
            }
            fields.values_mut().for_each(closed);
        }
        Value::Array(items) => items.iter_mut().for_each(closed),
        _ => {}
    }
}

/// Reads 3.0's `nullable: true` the way 3.1 (and the JSON Schema validator)
/// says it: `null` joins the allowed types and, for enums, the allowed values.
fn nullable_as_type(schema: &mut Value) {
    match schema {
        Value::Object(fields) => {
            if fields.remove("nullable") == Some(Value::Bool(true)) {
                if let Some(kind) = fields.get("type").cloned() {
                    fields.insert("type".into(), json!([kind, "null"]));
                }
                if let Some(Value::Array(values)) = fields.get_mut("enum") {
                    values.push(Value::Null);
                }
            }
            fields.values_mut().for_each(nullable_as_type);
        }
        Value::Array(items) => items.iter_mut().for_each(nullable_as_type),
        _ => {}
    }
}

/// The spec as published.
pub fn spec() -> &'static Value {
    static SPEC_VALUE: OnceLock<Value> = OnceLock::new();
    SPEC_VALUE.get_or_init(|| serde_norway::from_str(SPEC).unwrap())
}

/// The spec as published, closed: every object rejects a name it does not
/// declare, except one it requires without declaring (`PaymentMethod.card.brand`,
/// `OrdersResponse.orders`), which a faithful server must send.
fn checked_spec() -> &'static Value {
    static CHECKED: OnceLock<Value> = OnceLock::new();
    CHECKED.get_or_init(|| {
        let mut root = spec().clone();
        closed(&mut root);
        nullable_as_type(&mut root);
        root
    })
}

/// The path item holding `operation_id`, and its operation object.
fn operation(operation_id: &str) -> (&'static Value, &'static Value) {
    checked_spec()["paths"]
        .as_object()
        .unwrap()
        .values()
        .find_map(|item| {
            item.as_object()
                .unwrap()
                .values()
                .find(|op| op["operationId"] == operation_id)
                .map(|op| (item, op))
        })
        .unwrap_or_else(|| panic!("no operation {operation_id}"))
}

/// Checks `body` against what the spec says `operation_id` answers with
/// `status`. A status the operation does not document takes the schema another
/// operation on the same path documents for it (`patchReward`'s 404 is
/// `getReward`'s); failing that, a 400 must be Imprint's validation shape
/// (`InvalidRequestError`), a 404 one of the not-found schemas the spec
/// documents anywhere (a body naming a missing customer gets the
/// `CustomerNotFoundError` of `getCustomer`), and anything else (401, 501) the
/// `ApiError` envelope, which is also what a documented response without
/// content may carry.
pub fn check_response(operation_id: &str, status: u16, body: &Value) -> Result<(), String> {
    let (item, op) = operation(operation_id);
    let status_key = status.to_string();
    let documented = std::iter::once(op)
        .chain(item.as_object().unwrap().values())
        .map(|op| &op["responses"][&status_key])
        .find(|response| !response.is_null());
    let fallback = || match status {
        400 => json!({ "$ref": "#/components/schemas/InvalidRequestError" }),
        404 => json!({ "anyOf": documented_404s() }),
        _ => json!({ "$ref": "#/components/schemas/ApiError" }),
    };
    let schema = match documented.map(|r| r.pointer("/content/application~1json/schema")) {
        Some(Some(schema)) => schema.clone(),
        Some(None) if body.is_null() => return Ok(()),
        _ => fallback(),
    };
    validate(schema, body).map_err(|errors| format!("{operation_id} {status}: {errors}\n{body}"))
}

/// Every schema the spec documents for a 404, each once.
fn documented_404s() -> Vec<Value> {
    let mut schemas: Vec<Value> = Vec::new();
    let operations = checked_spec()["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|item| item.as_object().unwrap().values());
    for op in operations {
        if let Some(schema) = op.pointer("/responses/404/content/application~1json/schema")
            && !schemas.contains(schema)
        {
            schemas.push(schema.clone());
        }
    }
    schemas
}

/// Checks a webhook body against its payload schema, chosen by `object`
/// (`TRANSACTION` → `TransactionWebhookPayload`).
pub fn check_webhook(body: &Value) -> Result<(), String> {
    let object = body["object"].as_str().unwrap_or_default();
    let name: String = object
        .split('_')
        .map(|word| word[..1].to_string() + &word[1..].to_lowercase())
        .collect();
    let schema = json!({ "$ref": format!("#/components/schemas/{name}WebhookPayload") });
    validate(schema, body).map_err(|errors| format!("{object} webhook: {errors}\n{body}"))
}

/// Validates `body` against `schema` with the closed components. Validators are
/// built once per schema: each carries a copy of every component.
fn validate(schema: Value, body: &Value) -> Result<(), String> {
    static BUILT: OnceLock<Mutex<HashMap<String, Arc<jsonschema::Validator>>>> = OnceLock::new();
    let key = schema.to_string();
    let cached = BUILT
        .get_or_init(Default::default)
        .lock()
        .unwrap()
        .get(&key)
        .cloned();
    let validator = match cached {
        Some(validator) => validator,
        None => {
            let mut root = schema;
            if let Value::Object(fields) = &mut root {
                fields.insert("components".into(), checked_spec()["components"].clone());
            }
            let built = Arc::new(jsonschema::validator_for(&root).map_err(|e| e.to_string())?);
            let mut all = BUILT.get().expect("initialised above").lock().unwrap();
            Arc::clone(all.entry(key).or_insert(built))
        }
    };
    let errors: Vec<String> = validator
        .iter_errors(body)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(format!("{errors:?}"))
    }
}

/// Raw HTTP with a fake, every answer checked against the spec.
pub struct Raw<'a> {
    pub fake: &'a FakeImprint,
    http: reqwest::Client,
}

impl<'a> Raw<'a> {
    pub fn new(fake: &'a FakeImprint) -> Self {
        Raw {
            fake,
            http: reqwest::Client::new(),
        }
    }

    /// Sends `method path` (query in `path`), authenticated, with `body` as
    /// JSON unless it is `Null`; returns the status and the JSON body (`Null`
    /// when empty) after checking them against `operation_id`'s responses.
    pub async fn call(
        &self,
        operation_id: &str,
        method: &str,
        path: &str,
        body: Value,
    ) -> (u16, Value) {
        let mut request = self
            .http
            .request(
                method.parse().unwrap(),
                format!("{}{path}", self.fake.base_url()),
            )
            .basic_auth(self.fake.api_key(), Some(""));
        if !body.is_null() {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let bytes = response.bytes().await.unwrap();
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap()
        };
        if let Err(problem) = check_response(operation_id, status, &body) {
            panic!("{method} {path}: {problem}");
        }
        (status, body)
    }

    /// [`call`](Self::call), asserting the status.
    pub async fn expect(
        &self,
        status: u16,
        operation_id: &str,
        method: &str,
        path: &str,
        body: Value,
    ) -> Value {
        let (got, body) = self.call(operation_id, method, path, body).await;
        assert_eq!(got, status, "{method} {path}: {body}");
        body
    }
}
