//! Per operation, every non-2xx response is folded into one error path.
//!
//! progenitor gives each operation one error type and panics when an operation
//! declares several error schemas (the published spec does: 400, 404 and an inline
//! 409 object on one operation). Imprint's error bodies come in several shapes
//! anyway, so a per-status type would not help: the documented error responses
//! are removed from the generator's view, which makes every non-2xx response reach
//! the facade as the raw `reqwest::Response` (status, headers, body), where one
//! parser turns all shapes into one typed error. What the spec documented is kept
//! in the operation's description, so it still shows in the method's rustdoc,
//! and the httpmock mocks get their typed error replies from the spec as
//! published (`crate::mock_errors`).

use serde_json::Value;

use super::walk::{METHODS, escape};
use super::{Error, Kind, Rewrite, rewrite_at};

/// Removes every error response of every operation, noting them in its description.
pub fn unify(doc: &mut Value) -> Result<Vec<Rewrite>, Error> {
    let mut changed = Vec::new();
    let snapshot = doc.clone();
    let Some(Value::Object(paths)) = doc.get_mut("paths") else {
        return Ok(Vec::new());
    };
    for (path, item) in paths.iter_mut() {
        for method in METHODS {
            let Some(Value::Object(operation)) = item.get_mut(method) else {
                continue;
            };
            let Some(Value::Object(responses)) = operation.get_mut("responses") else {
                continue;
            };
            let has_success = responses.keys().any(|code| is_success(code));
            let errors: Vec<String> = responses
                .keys()
                .filter(|code| !is_success(code) && (has_success || *code != "default"))
                .cloned()
                .collect();
            if errors.is_empty() {
                continue;
            }
            let mut documented = Vec::new();
            for code in &errors {
                let response = responses.remove(code).unwrap_or(Value::Null);
                documented.push(format!("`{code}` {}", body_name(&snapshot, &response)));
            }
            let note = format!("Documented error responses: {}.", documented.join(", "));
            let description = match operation.get("description").and_then(Value::as_str) {
                Some(text) if !text.trim().is_empty() => format!("{}\n\n{note}", text.trim_end()),
                _ => note,
            };
            operation.insert("description".into(), Value::from(description));
            let pointer = format!("/paths/{}/{method}", escape(path));
            changed.push((pointer, errors.join(", ")));
        }
    }
    Ok(changed
        .into_iter()
        .map(|(pointer, codes)| rewrite_at(doc, Kind::ErrorResponses, &pointer, Some(codes)))
        .collect())
}

/// 2xx codes and ranges, and 101 (a protocol upgrade is how such operations succeed).
fn is_success(code: &str) -> bool {
    code.eq_ignore_ascii_case("2XX")
        || code == "101"
        || code.parse::<u16>().is_ok_and(|c| (200..300).contains(&c))
}

/// How the rustdoc names an error body: its schema's name, "inline body" or "no body".
fn body_name(doc: &Value, response: &Value) -> String {
    let response = match response.get("$ref").and_then(Value::as_str) {
        Some(reference) => super::walk::resolve(doc, reference).unwrap_or(response),
        None => response,
    };
    let schema = response
        .get("content")
        .and_then(Value::as_object)
        .and_then(|c| c.values().next())
        .and_then(|m| m.get("schema"));
    match schema.and_then(|s| s.get("$ref")).and_then(Value::as_str) {
        Some(reference) => format!("({})", reference.rsplit('/').next().unwrap_or(reference)),
        None if schema.is_some() => "(inline body)".into(),
        None => "(no body)".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::test_support::yaml;

    #[test]
    fn several_error_schemas_are_removed_and_documented() {
        let mut doc = yaml(
            r##"
paths:
  /c/{id}/link:
    post:
      operationId: link
      description: Links.
      responses:
        '200': { description: ok, content: { application/json: { schema: { $ref: '#/components/schemas/Link' } } } }
        '400': { description: bad, content: { application/json: { schema: { $ref: '#/components/schemas/Invalid' } } } }
        '409': { description: dup, content: { application/json: { schema: { type: object } } } }
        4XX: { description: other }
"##,
        );
        let rewrites = unify(&mut doc).unwrap();
        let operation = &doc["paths"]["/c/{id}/link"]["post"];
        assert_eq!(
            operation["responses"]
                .as_object()
                .unwrap()
                .keys()
                .collect::<Vec<_>>(),
            ["200"]
        );
        assert_eq!(
            operation["description"],
            "Links.\n\nDocumented error responses: `400` (Invalid), `409` (inline body), `4XX` (no body)."
        );
        assert_eq!(rewrites.len(), 1);
        assert_eq!(rewrites[0].operation.as_deref(), Some("link"));
        assert_eq!(rewrites[0].detail.as_deref(), Some("400, 409, 4XX"));
    }

    #[test]
    fn default_is_an_error_only_beside_a_success() {
        let mut doc = yaml(
            r#"
paths:
  /a: { get: { operationId: a, responses: { '204': { description: ok }, default: { description: err } } } }
  /b: { get: { operationId: b, responses: { default: { description: anything } } } }
"#,
        );
        let rewrites = unify(&mut doc).unwrap();
        assert_eq!(rewrites.len(), 1);
        assert!(
            doc["paths"]["/a"]["get"]["responses"]
                .get("default")
                .is_none()
        );
        assert!(
            doc["paths"]["/b"]["get"]["responses"]
                .get("default")
                .is_some()
        );
    }

    #[test]
    fn operations_without_errors_are_untouched() {
        let text =
            "paths: { /a: { get: { operationId: a, responses: { '200': { description: ok } } } } }";
        let mut doc = yaml(text);
        assert!(unify(&mut doc).unwrap().is_empty());
        assert_eq!(doc, yaml(text));
    }

    #[test]
    fn referenced_responses_are_named_by_their_schema() {
        let mut doc = yaml(
            r##"
paths: { /a: { get: { operationId: a, responses: { '200': { description: ok }, '404': { $ref: '#/components/responses/NotFound' } } } } }
components:
  responses:
    NotFound: { description: nf, content: { application/json: { schema: { $ref: '#/components/schemas/NotFoundError' } } } }
"##,
        );
        unify(&mut doc).unwrap();
        assert_eq!(
            doc["paths"]["/a"]["get"]["description"],
            "Documented error responses: `404` (NotFoundError)."
        );
    }
}
