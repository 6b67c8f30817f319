//! The fake's request table (`mock/src/requests.json`): per `operationId`, the
//! spec's query parameters and request body schema with every `$ref` inlined,
//! and which shape the operation documents for a 400. The fake validates
//! requests with it (`imprint-mock`'s `validate.rs`).
//!
//! It is read off the spec as published, not the normalized document: the
//! normalizer adapts the spec to progenitor (facade types behind `$ref`s,
//! declared `required` names), while the fake must check what Imprint checks.
//! JSON has no comments, so the header every generated file carries is the
//! table's first member, [`STAMP_KEY`].

use serde_json::{Map, Value, json};

use crate::generate::{STAMP_KEY, stamp_lines};
use crate::normalize::walk::{escape, resolve};
use crate::spec::Spec;

/// The validation keywords the fake's validator reads; descriptions and
/// examples are left out of its table.
const KEEP: [&str; 13] = [
    "type",
    "nullable",
    "enum",
    "required",
    "properties",
    "items",
    "allOf",
    "additionalProperties",
    "minimum",
    "maximum",
    "minLength",
    "maxLength",
    "format",
];

/// The methods of a path item, in the order the table lists an item's operations.
const METHODS: [&str; 8] = [
    "get", "post", "put", "patch", "delete", "head", "options", "trace",
];

/// Why the table cannot be built from a document.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("{pointer}: {message}")]
pub struct RequestsError {
    /// JSON pointer of the problem.
    pub pointer: String,
    /// What is wrong.
    pub message: String,
}

/// The text of `requests.json` for `spec`: the header facts under
/// [`STAMP_KEY`], then [`table`]; pretty JSON with a trailing newline.
pub fn file(spec: &Spec) -> Result<String, RequestsError> {
    let mut file = Map::new();
    file.insert(STAMP_KEY.into(), json!(stamp_lines(spec)));
    file.extend(table(&spec.doc)?);
    let text = serde_json::to_string_pretty(&Value::Object(file))
        .expect("a JSON value serializes to text");
    Ok(text + "\n")
}

/// The request table of `doc`: by `operationId`, `query` (each query
/// parameter's name, whether it is required and its inlined schema), `body`
/// (whether it is required and its inlined JSON schema, or `null`) and
/// `invalid` (the component the operation documents for a 400, or `null`).
pub fn table(doc: &Value) -> Result<Map<String, Value>, RequestsError> {
    let mut table = Map::new();
    let paths = doc.get("paths").and_then(Value::as_object);
    for (path, item) in paths.into_iter().flatten() {
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let at = format!("/paths/{}/{method}", escape(path));
            let id = op
                .get("operationId")
                .and_then(Value::as_str)
                .ok_or_else(|| RequestsError {
                    pointer: at.clone(),
                    message: "the operation has no operationId to key the fake's request table"
                        .into(),
                })?;
            let mut query = Vec::new();
            for parameter in op
                .get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let parameter = follow(doc, parameter)?;
                if parameter["in"] != "query" {
                    continue;
                }
                query.push(json!({
                    "name": parameter["name"],
                    "required": parameter["required"] == true,
                    "schema": inline(doc, &parameter["schema"])?,
                }));
            }
            let body = match op.get("requestBody") {
                Some(body) => {
                    let body = follow(doc, body)?;
                    json!({
                        "required": body["required"] == true,
                        "schema": inline(doc, &body["content"]["application/json"]["schema"])?,
                    })
                }
                None => Value::Null,
            };
            // Which shape the operation documents for a 400: Imprint's
            // validation shape (`InvalidRequestError`) or its envelope (`ApiError`).
            let invalid = op
                .pointer("/responses/400/content/application~1json/schema/$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.rsplit('/').next())
                .map_or(Value::Null, Value::from);
            table.insert(
                id.to_string(),
                json!({ "query": query, "body": body, "invalid": invalid }),
            );
        }
    }
    Ok(table)
}

/// `schema` with every `$ref` inlined and only the validation keywords kept.
/// A schema that contains itself cannot be inlined and is an error naming it.
pub fn inline(doc: &Value, schema: &Value) -> Result<Value, RequestsError> {
    inline_within(doc, schema, &mut Vec::new())
}

/// [`inline`], with the references being inlined around `schema`.
fn inline_within(
    doc: &Value,
    schema: &Value,
    within: &mut Vec<String>,
) -> Result<Value, RequestsError> {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        if within.iter().any(|r| r == reference) {
            return Err(RequestsError {
                pointer: reference.trim_start_matches('#').into(),
                message: "the schema contains itself, so the fake's request table cannot inline it"
                    .into(),
            });
        }
        within.push(reference.to_string());
        let inlined = inline_within(doc, target(doc, reference)?, within);
        within.pop();
        return inlined;
    }
    let Value::Object(fields) = schema else {
        return Ok(schema.clone());
    };
    let mut out = Map::new();
    for key in KEEP {
        let Some(value) = fields.get(key) else {
            continue;
        };
        let value = match (key, value) {
            ("properties", Value::Object(properties)) => Value::Object(
                properties
                    .iter()
                    .map(|(name, p)| Ok((name.clone(), inline_within(doc, p, within)?)))
                    .collect::<Result<_, RequestsError>>()?,
            ),
            ("items", item) | ("additionalProperties", item @ Value::Object(_)) => {
                inline_within(doc, item, within)?
            }
            ("allOf", Value::Array(members)) => Value::Array(
                members
                    .iter()
                    .map(|m| inline_within(doc, m, within))
                    .collect::<Result<_, _>>()?,
            ),
            (_, other) => other.clone(),
        };
        out.insert(key.to_string(), value);
    }
    Ok(Value::Object(out))
}

/// `value`, or what its `$ref` names.
fn follow<'a>(doc: &'a Value, value: &'a Value) -> Result<&'a Value, RequestsError> {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => target(doc, reference),
        None => Ok(value),
    }
}

fn target<'a>(doc: &'a Value, reference: &str) -> Result<&'a Value, RequestsError> {
    resolve(doc, reference).ok_or_else(|| RequestsError {
        pointer: reference.trim_start_matches('#').into(),
        message: format!("`{reference}` names nothing in the document"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::test_support::yaml;

    const DOC: &str = r##"
paths:
  /customers:
    get:
      operationId: searchCustomers
      parameters:
        - { $ref: '#/components/parameters/limit' }
        - { name: customer_id, in: path, required: true, schema: { type: string } }
        - { name: email, in: query, description: dropped, schema: { type: string, format: email, example: a@b.c } }
    post:
      operationId: searchCustomersPost
      requestBody:
        required: true
        content: { application/json: { schema: { $ref: '#/components/schemas/Search' } } }
      responses:
        '400': { content: { application/json: { schema: { $ref: '#/components/schemas/ApiError' } } } }
components:
  parameters:
    limit: { name: limit, in: query, required: true, schema: { type: integer, minimum: 1 } }
  schemas:
    Search:
      type: object
      description: dropped
      properties:
        dob: { $ref: '#/components/schemas/Date' }
        tags: { type: array, items: { $ref: '#/components/schemas/Date' } }
    Date: { type: object, properties: { year: { type: integer, minimum: 1900 } } }
    ApiError: { type: object }
"##;

    #[test]
    fn each_operation_lists_its_query_its_inlined_body_and_its_400_shape() {
        let table = table(&yaml(DOC)).unwrap();
        let date = json!({ "type": "object", "properties": { "year": { "type": "integer", "minimum": 1900 } } });
        assert_eq!(
            Value::Object(table),
            json!({
                "searchCustomers": {
                    "query": [
                        { "name": "limit", "required": true, "schema": { "type": "integer", "minimum": 1 } },
                        { "name": "email", "required": false, "schema": { "type": "string", "format": "email" } }
                    ],
                    "body": null,
                    "invalid": null
                },
                "searchCustomersPost": {
                    "query": [],
                    "body": {
                        "required": true,
                        "schema": {
                            "type": "object",
                            "properties": { "dob": date, "tags": { "type": "array", "items": date } }
                        }
                    },
                    "invalid": "ApiError"
                }
            })
        );
    }

    #[test]
    fn the_file_is_the_stamp_then_the_table_in_the_specs_order() {
        let spec = Spec {
            doc: yaml(DOC),
            sha256: "ab".repeat(32),
        };
        let text = file(&spec).unwrap();
        assert!(text.ends_with("}\n"), "{text}");
        let value: Map<String, Value> = serde_json::from_str(&text).unwrap();
        let keys: Vec<&str> = value.keys().map(String::as_str).collect();
        assert_eq!(keys, [STAMP_KEY, "searchCustomers", "searchCustomersPost"]);
        assert_eq!(value[STAMP_KEY], json!(stamp_lines(&spec)));
        assert_eq!(
            text,
            serde_json::to_string_pretty(&value).unwrap() + "\n",
            "pretty JSON"
        );
    }

    #[test]
    fn a_schema_that_contains_itself_is_an_error_naming_it() {
        let doc = yaml(
            "components: { schemas: { Node: { type: object, properties: { next: { $ref: '#/components/schemas/Node' } } } } }",
        );
        let error = inline(&doc, &json!({ "$ref": "#/components/schemas/Node" })).unwrap_err();
        assert_eq!(
            error.to_string(),
            "/components/schemas/Node: the schema contains itself, so the fake's request table cannot inline it"
        );
        // The same schema twice side by side is not a cycle.
        let doc = yaml(
            "components: { schemas: { A: { type: string }, Pair: { allOf: [ { $ref: '#/components/schemas/A' }, { $ref: '#/components/schemas/A' } ] } } }",
        );
        assert_eq!(
            inline(&doc, &json!({ "$ref": "#/components/schemas/Pair" })).unwrap(),
            json!({ "allOf": [{ "type": "string" }, { "type": "string" }] })
        );
    }

    #[test]
    fn an_operation_without_an_id_or_a_dangling_reference_is_an_error() {
        let error = table(&yaml("paths: { /a: { get: { responses: {} } } }")).unwrap_err();
        assert_eq!(error.pointer, "/paths/~1a/get");
        let error = table(&yaml(
            "paths: { /a: { get: { operationId: a, parameters: [ { $ref: '#/components/parameters/gone' } ] } } }",
        ))
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "/components/parameters/gone: `#/components/parameters/gone` names nothing in the document"
        );
    }
}
