//! Where schemas and references live in an OpenAPI document.
//!
//! The passes never look for keys by searching the whole tree: a property *named*
//! `const` or `$ref` is not a keyword. These walkers follow the document's
//! structure (OpenAPI 3.0 and 3.1) and JSON Schema's subschema keywords instead.

use serde_json::{Map, Value};

/// A JSON object, as the passes see one.
pub type Object = Map<String, Value>;

/// Escapes one JSON-pointer token (RFC 6901).
pub fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Unescapes one JSON-pointer token (RFC 6901).
pub fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// HTTP methods that may hold an operation in a path item.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Keywords whose value is a map from names to subschemas.
const SCHEMA_MAPS: [&str; 5] = [
    "properties",
    "patternProperties",
    "dependentSchemas",
    "$defs",
    "definitions",
];
/// Keywords whose value is a list of subschemas.
const SCHEMA_LISTS: [&str; 4] = ["allOf", "anyOf", "oneOf", "prefixItems"];
/// Keywords whose value is a single subschema (booleans are skipped).
const SCHEMA_SINGLE: [&str; 12] = [
    "items",
    "additionalProperties",
    "unevaluatedProperties",
    "additionalItems",
    "unevaluatedItems",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "contentSchema",
];

/// Calls `visit` on every schema object of the document (parents before their
/// subschemas), with its JSON pointer.
pub fn each_schema(doc: &mut Value, visit: &mut dyn FnMut(&str, &mut Object)) {
    each_slot(doc, &mut |slot, pointer, object| {
        if slot == Slot::Schema {
            visit(pointer, object);
        }
    });
}

/// The kinds of object the document walker reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    /// A schema object (including nested subschemas).
    Schema,
    /// A parameter, header, request body, response or path item: objects that
    /// may be written as a Reference Object.
    Referable,
}

/// Calls `visit` on every schema and every referable object of the document.
pub fn each_slot(doc: &mut Value, visit: &mut dyn FnMut(Slot, &str, &mut Object)) {
    let Some(root) = doc.as_object_mut() else {
        return;
    };
    for section in ["paths", "webhooks"] {
        if let Some(Value::Object(items)) = root.get_mut(section) {
            for (name, item) in items.iter_mut() {
                path_item(item, &format!("/{section}/{}", escape(name)), visit);
            }
        }
    }
    let Some(Value::Object(components)) = root.get_mut("components") else {
        return;
    };
    for (kind, entries) in components.iter_mut() {
        let Value::Object(entries) = entries else {
            continue;
        };
        for (name, entry) in entries.iter_mut() {
            let at = format!("/components/{}/{}", escape(kind), escape(name));
            match kind.as_str() {
                "schemas" => schema(entry, &at, visit),
                "parameters" | "headers" => parameter(entry, &at, visit),
                "requestBodies" => request_body(entry, &at, visit),
                "responses" => response(entry, &at, visit),
                "pathItems" => path_item(entry, &at, visit),
                "callbacks" => callback(entry, &at, visit),
                _ => {}
            }
        }
    }
}

fn path_item(item: &mut Value, at: &str, visit: &mut dyn FnMut(Slot, &str, &mut Object)) {
    let Value::Object(object) = item else { return };
    visit(Slot::Referable, at, object);
    parameters(object, at, visit);
    for method in METHODS {
        let Some(Value::Object(operation)) = object.get_mut(method) else {
            continue;
        };
        let at = format!("{at}/{method}");
        parameters(operation, &at, visit);
        if let Some(body) = operation.get_mut("requestBody") {
            request_body(body, &format!("{at}/requestBody"), visit);
        }
        if let Some(Value::Object(responses)) = operation.get_mut("responses") {
            for (code, entry) in responses.iter_mut() {
                response(entry, &format!("{at}/responses/{}", escape(code)), visit);
            }
        }
        if let Some(Value::Object(callbacks)) = operation.get_mut("callbacks") {
            for (name, entry) in callbacks.iter_mut() {
                callback(entry, &format!("{at}/callbacks/{}", escape(name)), visit);
            }
        }
    }
}

fn callback(entry: &mut Value, at: &str, visit: &mut dyn FnMut(Slot, &str, &mut Object)) {
    if let Value::Object(expressions) = entry {
        for (expression, item) in expressions.iter_mut() {
            path_item(item, &format!("{at}/{}", escape(expression)), visit);
        }
    }
}

fn parameters(owner: &mut Object, at: &str, visit: &mut dyn FnMut(Slot, &str, &mut Object)) {
    if let Some(Value::Array(list)) = owner.get_mut("parameters") {
        for (index, entry) in list.iter_mut().enumerate() {
            parameter(entry, &format!("{at}/parameters/{index}"), visit);
        }
    }
}

fn parameter(entry: &mut Value, at: &str, visit: &mut dyn FnMut(Slot, &str, &mut Object)) {
    let Value::Object(object) = entry else { return };
    visit(Slot::Referable, at, object);
    if let Some(inner) = object.get_mut("schema") {
        schema(inner, &format!("{at}/schema"), visit);
    }
    content(object, at, visit);
}

fn request_body(entry: &mut Value, at: &str, visit: &mut dyn FnMut(Slot, &str, &mut Object)) {
    let Value::Object(object) = entry else { return };
    visit(Slot::Referable, at, object);
    content(object, at, visit);
}

fn response(entry: &mut Value, at: &str, visit: &mut dyn FnMut(Slot, &str, &mut Object)) {
    let Value::Object(object) = entry else { return };
    visit(Slot::Referable, at, object);
    content(object, at, visit);
    if let Some(Value::Object(headers)) = object.get_mut("headers") {
        for (name, header) in headers.iter_mut() {
            parameter(header, &format!("{at}/headers/{}", escape(name)), visit);
        }
    }
}

fn content(owner: &mut Object, at: &str, visit: &mut dyn FnMut(Slot, &str, &mut Object)) {
    let Some(Value::Object(media_types)) = owner.get_mut("content") else {
        return;
    };
    for (media_type, entry) in media_types.iter_mut() {
        if let Some(inner) = entry.get_mut("schema") {
            schema(
                inner,
                &format!("{at}/content/{}/schema", escape(media_type)),
                visit,
            );
        }
    }
}

fn schema(entry: &mut Value, at: &str, visit: &mut dyn FnMut(Slot, &str, &mut Object)) {
    let Value::Object(object) = entry else { return };
    visit(Slot::Schema, at, object);
    for keyword in SCHEMA_MAPS {
        if let Some(Value::Object(children)) = object.get_mut(keyword) {
            for (name, child) in children.iter_mut() {
                schema(
                    child,
                    &format!("{at}/{}/{}", escape(keyword), escape(name)),
                    visit,
                );
            }
        }
    }
    for keyword in SCHEMA_LISTS {
        if let Some(Value::Array(children)) = object.get_mut(keyword) {
            for (index, child) in children.iter_mut().enumerate() {
                schema(child, &format!("{at}/{keyword}/{index}"), visit);
            }
        }
    }
    for keyword in SCHEMA_SINGLE {
        match object.get_mut(keyword) {
            Some(Value::Array(children)) if keyword == "items" => {
                for (index, child) in children.iter_mut().enumerate() {
                    schema(child, &format!("{at}/items/{index}"), visit);
                }
            }
            Some(child) => schema(child, &format!("{at}/{keyword}"), visit),
            None => {}
        }
    }
}

/// Follows a local `$ref` (`#/...`) to the value it names.
pub fn resolve<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    let pointer = reference.strip_prefix('#')?;
    doc.pointer(pointer)
}

/// Follows `$ref`s from `value` until a non-reference object (at most 32 hops, so a
/// reference cycle cannot hang the generator). Returns the pointer of the target.
pub fn deref_pointer(doc: &Value, mut pointer: String) -> Option<String> {
    for _ in 0..32 {
        let value = doc.pointer(&pointer)?;
        match value.get("$ref").and_then(Value::as_str) {
            Some(target) => pointer = target.strip_prefix('#')?.to_string(),
            None => return Some(pointer),
        }
    }
    None
}

/// The `operationId` of the operation that contains `pointer`, if any.
pub fn operation_at(doc: &Value, pointer: &str) -> Option<String> {
    let tokens: Vec<&str> = pointer.split('/').collect();
    // ["", "paths"|"webhooks", path, method, ...]
    if tokens.len() < 4
        || !matches!(tokens[1], "paths" | "webhooks")
        || !METHODS.contains(&tokens[3])
    {
        return None;
    }
    let operation = format!("/{}/{}/{}", tokens[1], tokens[2], tokens[3]);
    doc.pointer(&operation)?
        .get("operationId")?
        .as_str()
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::test_support::yaml;

    #[test]
    fn visits_nested_schemas_with_pointers() {
        let mut doc = yaml(
            r#"
paths:
  /a/{id}:
    parameters:
      - { name: id, in: path, schema: { type: string } }
    post:
      requestBody:
        content:
          application/json:
            schema:
              properties:
                const: { type: string }
                list: { type: array, items: { type: integer } }
      responses:
        '200':
          content:
            application/json:
              schema: { allOf: [ { type: object } ] }
components:
  schemas:
    A: { additionalProperties: { type: string } }
"#,
        );
        let mut seen = Vec::new();
        each_schema(&mut doc, &mut |pointer, _| seen.push(pointer.to_string()));
        assert_eq!(
            seen,
            [
                "/paths/~1a~1{id}/parameters/0/schema",
                "/paths/~1a~1{id}/post/requestBody/content/application~1json/schema",
                "/paths/~1a~1{id}/post/requestBody/content/application~1json/schema/properties/const",
                "/paths/~1a~1{id}/post/requestBody/content/application~1json/schema/properties/list",
                "/paths/~1a~1{id}/post/requestBody/content/application~1json/schema/properties/list/items",
                "/paths/~1a~1{id}/post/responses/200/content/application~1json/schema",
                "/paths/~1a~1{id}/post/responses/200/content/application~1json/schema/allOf/0",
                "/components/schemas/A",
                "/components/schemas/A/additionalProperties",
            ]
        );
    }

    #[test]
    fn finds_the_operation_that_owns_a_pointer() {
        let doc = yaml("paths: { /a: { get: { operationId: listA } } }");
        assert_eq!(
            operation_at(&doc, "/paths/~1a/get/parameters/0").as_deref(),
            Some("listA")
        );
        assert_eq!(operation_at(&doc, "/components/schemas/A"), None);
    }

    #[test]
    fn dereferences_chains_and_stops_on_cycles() {
        let doc = yaml(
            r##"
components:
  schemas:
    A: { $ref: '#/components/schemas/B' }
    B: { type: string }
    C: { $ref: '#/components/schemas/D' }
    D: { $ref: '#/components/schemas/C' }
"##,
        );
        assert_eq!(
            deref_pointer(&doc, "/components/schemas/A".into()).as_deref(),
            Some("/components/schemas/B")
        );
        assert_eq!(deref_pointer(&doc, "/components/schemas/C".into()), None);
    }
}
