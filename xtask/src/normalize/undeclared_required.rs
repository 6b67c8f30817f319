//! `required` entries that name a property the schema does not declare.
//!
//! JSON Schema allows them, but typify would generate a struct without the
//! field, and what happens next depends on the direction:
//! - in a **response**, the name is dropped: a mandatory field that real
//!   responses never carry (the published `OrdersResponse` requires `orders`
//!   while declaring only `data`) would fail every decode;
//! - in a **request body** (inline under `requestBody`, or a component that
//!   only request bodies use), the property is declared instead: a server that
//!   validates against the spec refuses a body without it
//!   (`updateTransactionIntent` requires `created_at`), so the SDK must be able
//!   to send it. Its schema is the one the spec gives that property name
//!   elsewhere (the most common declaration), or any JSON value when the spec
//!   never declares it.
//!
//! Applies to schemas that declare `properties` and do not describe other keys
//! (`additionalProperties` absent or `false`).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use super::walk::{METHODS, each_schema};
use super::{Error, Kind, Rewrite, rewrite_at};

/// Drops undeclared names from the `required` lists of response schemas and
/// declares them in request bodies.
pub fn rewrite(doc: &mut Value) -> Result<Vec<Rewrite>, Error> {
    let declarations = declarations(doc);
    let request_only = request_only_components(doc);
    let mut changed = Vec::new();
    each_schema(doc, &mut |pointer, schema| {
        let Some(Value::Object(properties)) = schema.get("properties") else {
            return;
        };
        if schema
            .get("additionalProperties")
            .is_some_and(|extra| *extra != Value::Bool(false))
        {
            return;
        }
        let declared: Vec<String> = properties.keys().cloned().collect();
        let Some(Value::Array(required)) = schema.get("required") else {
            return;
        };
        let undeclared: Vec<String> = required
            .iter()
            .filter_map(Value::as_str)
            .filter(|name| !declared.iter().any(|d| d == name))
            .map(str::to_string)
            .collect();
        if undeclared.is_empty() {
            return;
        }
        if in_request(pointer, &request_only) {
            let properties = schema
                .get_mut("properties")
                .and_then(Value::as_object_mut)
                .expect("checked above");
            for name in &undeclared {
                let typed = declarations.get(name).cloned().unwrap_or_else(|| json!({}));
                properties.insert(name.clone(), typed);
            }
            changed.push((
                pointer.to_string(),
                Kind::RequiredDeclared,
                format!("declared: {}", undeclared.join(", ")),
            ));
            return;
        }
        if let Some(Value::Array(required)) = schema.get_mut("required") {
            required.retain(|name| {
                name.as_str()
                    .is_some_and(|name| declared.iter().any(|d| d == name))
            });
            if required.is_empty() {
                schema.remove("required");
            }
        }
        changed.push((
            pointer.to_string(),
            Kind::UndeclaredRequired,
            format!("dropped: {}", undeclared.join(", ")),
        ));
    });
    Ok(changed
        .into_iter()
        .map(|(pointer, kind, detail)| rewrite_at(doc, kind, &pointer, Some(detail)))
        .collect())
}

/// For each property name the spec declares, its most common declaration
/// (ties go to the first in document order).
fn declarations(doc: &mut Value) -> BTreeMap<String, Value> {
    let mut seen: BTreeMap<String, Vec<(Value, usize)>> = BTreeMap::new();
    each_schema(doc, &mut |_, schema| {
        let Some(Value::Object(properties)) = schema.get("properties") else {
            return;
        };
        for (name, declaration) in properties {
            let counts = seen.entry(name.clone()).or_default();
            match counts.iter_mut().find(|(d, _)| d == declaration) {
                Some((_, count)) => *count += 1,
                None => counts.push((declaration.clone(), 1)),
            }
        }
    });
    seen.into_iter()
        .filter_map(|(name, counts)| {
            let best = counts.iter().map(|(_, n)| *n).max()?;
            let declaration = counts.into_iter().find(|(_, n)| *n == best)?.0;
            Some((name, declaration))
        })
        .collect()
}

/// Component schemas reachable from request bodies and from no response.
fn request_only_components(doc: &Value) -> BTreeSet<String> {
    let mut requests = BTreeSet::new();
    let mut responses = BTreeSet::new();
    let paths = doc.get("paths").and_then(Value::as_object);
    for item in paths.into_iter().flat_map(Map::values) {
        for method in METHODS {
            let Some(operation) = item.get(method) else {
                continue;
            };
            if let Some(body) = operation.get("requestBody") {
                reach(doc, body, &mut requests);
            }
            if let Some(answers) = operation.get("responses") {
                reach(doc, answers, &mut responses);
            }
        }
    }
    requests.difference(&responses).cloned().collect()
}

/// Adds every component schema `value` refers to, transitively, to `found`.
fn reach(doc: &Value, value: &Value, found: &mut BTreeSet<String>) {
    match value {
        Value::Object(object) => {
            if let Some(name) = object
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
                && found.insert(name.to_string())
                && let Some(target) = doc.pointer(&format!("/components/schemas/{name}"))
            {
                reach(doc, target, found);
            }
            object.values().for_each(|child| reach(doc, child, found));
        }
        Value::Array(items) => items.iter().for_each(|child| reach(doc, child, found)),
        _ => {}
    }
}

/// Whether the schema at `pointer` describes (part of) a request body.
fn in_request(pointer: &str, request_only: &BTreeSet<String>) -> bool {
    if pointer.starts_with("/paths/") {
        return pointer.contains("/requestBody/");
    }
    pointer
        .strip_prefix("/components/schemas/")
        .and_then(|rest| rest.split('/').next())
        .is_some_and(|name| request_only.contains(name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::test_support::yaml;

    #[test]
    fn undeclared_required_name_is_dropped() {
        let mut doc = yaml(
            "components: { schemas: { R: { required: [orders], properties: { data: { type: array } } } } }",
        );
        let rewrites = rewrite(&mut doc).unwrap();
        assert_eq!(
            doc["components"]["schemas"]["R"],
            yaml("{ properties: { data: { type: array } } }")
        );
        assert_eq!(rewrites[0].detail.as_deref(), Some("dropped: orders"));
    }

    #[test]
    fn a_request_body_declares_the_name_as_the_spec_types_it_elsewhere() {
        let mut doc = yaml(
            r#"
paths:
  /intents/{id}:
    post:
      operationId: updateIntent
      requestBody:
        content:
          application/json:
            schema: { required: [amount, created_at, mystery], properties: { amount: { type: integer } } }
      responses:
        '200': { content: { application/json: { schema: { $ref: '#/components/schemas/Intent' } } } }
components:
  schemas:
    Intent: { required: [id, ghost], properties: { id: { type: string }, created_at: { type: string } } }
    Other: { properties: { created_at: { type: string } } }
    Odd: { properties: { created_at: { type: integer } } }
"#,
        );
        let rewrites = rewrite(&mut doc).unwrap();
        let body = &doc["paths"]["/intents/{id}"]["post"]["requestBody"]["content"]["application/json"]
            ["schema"];
        assert_eq!(body["properties"]["created_at"], yaml("type: string"));
        assert_eq!(body["properties"]["mystery"], yaml("{}"));
        assert_eq!(body["required"], yaml("[amount, created_at, mystery]"));
        assert_eq!(
            doc["components"]["schemas"]["Intent"]["required"],
            yaml("[id]")
        );
        let kinds: Vec<(Kind, Option<&str>)> = rewrites
            .iter()
            .map(|r| (r.kind, r.detail.as_deref()))
            .collect();
        assert_eq!(
            kinds,
            [
                (
                    Kind::RequiredDeclared,
                    Some("declared: created_at, mystery")
                ),
                (Kind::UndeclaredRequired, Some("dropped: ghost")),
            ]
        );
    }

    #[test]
    fn a_component_only_requests_use_is_a_request_body() {
        let mut doc = yaml(
            r#"
paths:
  /a: { post: { requestBody: { content: { application/json: { schema: { $ref: '#/components/schemas/In' } } } }, responses: { '200': { description: ok } } } }
components:
  schemas:
    In: { required: [note], properties: { id: { type: string } } }
"#,
        );
        rewrite(&mut doc).unwrap();
        assert_eq!(
            doc["components"]["schemas"]["In"]["properties"]["note"],
            yaml("{}")
        );
    }

    #[test]
    fn declared_names_stay() {
        let mut doc = yaml(
            "components: { schemas: { R: { required: [id, ghost], properties: { id: { type: string } } } } }",
        );
        rewrite(&mut doc).unwrap();
        assert_eq!(doc["components"]["schemas"]["R"]["required"], yaml("[id]"));
    }

    #[test]
    fn open_objects_keep_their_required_list() {
        let text = "components: { schemas: { R: { required: [x], properties: { id: {} }, additionalProperties: true } } }";
        let mut doc = yaml(text);
        assert!(rewrite(&mut doc).unwrap().is_empty());
        assert_eq!(doc, yaml(text));
    }
}
