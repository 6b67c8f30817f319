//! Cursor-paginated list responses require `data`.
//!
//! Imprint documents every list response as `{"data": [...], "has_more", "total"}`,
//! but the spec marks nothing required, which would let a body without `data` decode
//! as an empty page and silently end a pagination stream. For every operation that
//! takes a `starting_after` cursor (query parameter or JSON body property), the
//! object schema of its 2xx response gets `data` added to `required`, so such a
//! body is a decode error that names the field.

use serde_json::Value;

use super::walk::{METHODS, deref_pointer, escape};
use super::{Error, Kind, Rewrite, rewrite_at};

/// The request field that marks an operation as cursor-paginated.
pub const CURSOR: &str = "starting_after";

/// Marks `data` required in the response schema of every paginated operation.
pub fn rewrite(doc: &mut Value) -> Result<Vec<Rewrite>, Error> {
    let mut targets: Vec<String> = Vec::new();
    let Some(Value::Object(paths)) = doc.get("paths") else {
        return Ok(Vec::new());
    };
    for (path, item) in paths {
        for method in METHODS {
            let at = format!("/paths/{}/{method}", escape(path));
            if item.get(method).is_none() || cursor_location(doc, &at).is_none() {
                continue;
            }
            for pointer in success_schemas(doc, &at) {
                if is_page(doc, &pointer) && !targets.contains(&pointer) {
                    targets.push(pointer);
                }
            }
        }
    }
    let mut rewrites = Vec::new();
    for pointer in targets {
        let Some(Value::Object(schema)) = doc.pointer_mut(&pointer) else {
            continue;
        };
        let required = schema
            .entry("required")
            .or_insert_with(|| Value::Array(Vec::new()));
        let Value::Array(required) = required else {
            continue;
        };
        if !required.iter().any(|name| name == "data") {
            required.push(Value::from("data"));
            rewrites.push(rewrite_at(doc, Kind::PageData, &pointer, None));
        }
    }
    Ok(rewrites)
}

/// Where an operation takes its pagination cursor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CursorIn {
    /// A query parameter (its own or its path item's).
    Query,
    /// A property of its JSON request body.
    Body,
}

/// Where the operation at `at` takes the cursor, if it paginates.
pub fn cursor_location(doc: &Value, at: &str) -> Option<CursorIn> {
    let body = deref_pointer(doc, format!("{at}/requestBody"))
        .and_then(|p| deref_pointer(doc, format!("{p}/content/application~1json/schema")))
        .and_then(|p| doc.pointer(&format!("{p}/properties/{CURSOR}")))
        .is_some();
    if body {
        return Some(CursorIn::Body);
    }
    let item = &at[..at.rfind('/').unwrap_or(0)];
    let parameter = [format!("{item}/parameters"), format!("{at}/parameters")]
        .into_iter()
        .any(|list| {
            let count = doc
                .pointer(&list)
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            (0..count).any(|i| {
                deref_pointer(doc, format!("{list}/{i}"))
                    .and_then(|p| doc.pointer(&p))
                    .is_some_and(|p| p.get("name") == Some(&Value::from(CURSOR)))
            })
        });
    parameter.then_some(CursorIn::Query)
}

/// Pointers of the (dereferenced) JSON schemas of the operation's 2xx responses.
fn success_schemas(doc: &Value, at: &str) -> Vec<String> {
    let Some(Value::Object(responses)) = doc.pointer(&format!("{at}/responses")) else {
        return Vec::new();
    };
    responses
        .keys()
        .filter(|code| code.starts_with('2'))
        .filter_map(|code| deref_pointer(doc, format!("{at}/responses/{}", escape(code))))
        .filter_map(|response| {
            deref_pointer(doc, format!("{response}/content/application~1json/schema"))
        })
        .collect()
}

fn is_page(doc: &Value, pointer: &str) -> bool {
    let Some(schema) = doc.pointer(pointer) else {
        return false;
    };
    let data_is_array = schema.pointer("/properties/data").is_some_and(|data| {
        let data = match data.get("$ref").and_then(Value::as_str) {
            Some(reference) => super::walk::resolve(doc, reference).unwrap_or(data),
            None => data,
        };
        data.get("type") == Some(&Value::from("array"))
    });
    data_is_array && schema.pointer("/properties/has_more").is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::test_support::yaml;

    const PAGE: &str = "{ type: object, properties: { data: { type: array, items: { type: string } }, has_more: { type: boolean } } }";

    #[test]
    fn query_cursor_operation_gets_data_required_on_its_component() {
        let mut doc = yaml(&format!(
            r##"
paths:
  /c:
    get:
      operationId: listC
      parameters: [ {{ $ref: '#/components/parameters/after' }} ]
      responses: {{ '200': {{ content: {{ application/json: {{ schema: {{ $ref: '#/components/schemas/Page' }} }} }} }} }}
components:
  parameters: {{ after: {{ name: starting_after, in: query, schema: {{ type: string }} }} }}
  schemas: {{ Page: {PAGE} }}
"##
        ));
        let rewrites = rewrite(&mut doc).unwrap();
        assert_eq!(
            doc["components"]["schemas"]["Page"]["required"],
            yaml("[data]")
        );
        assert_eq!(rewrites.len(), 1);
        assert_eq!(rewrites[0].pointer, "/components/schemas/Page");
    }

    #[test]
    fn body_cursor_operation_gets_data_required_inline() {
        let mut doc = yaml(&format!(
            r#"
paths:
  /c:
    post:
      operationId: searchC
      requestBody: {{ content: {{ application/json: {{ schema: {{ properties: {{ starting_after: {{ type: string }} }} }} }} }} }}
      responses: {{ '200': {{ content: {{ application/json: {{ schema: {PAGE} }} }} }} }}
"#
        ));
        let rewrites = rewrite(&mut doc).unwrap();
        assert_eq!(
            doc["paths"]["/c"]["post"]["responses"]["200"]["content"]["application/json"]["schema"]
                ["required"],
            yaml("[data]")
        );
        assert_eq!(rewrites[0].operation.as_deref(), Some("searchC"));
    }

    #[test]
    fn lists_without_a_cursor_are_left_alone() {
        let text = format!(
            "paths: {{ /c: {{ get: {{ responses: {{ '200': {{ content: {{ application/json: {{ schema: {PAGE} }} }} }} }} }} }} }}"
        );
        let mut doc = yaml(&text);
        assert!(rewrite(&mut doc).unwrap().is_empty());
        assert_eq!(doc, yaml(&text));
    }

    #[test]
    fn already_required_data_is_not_reported() {
        let mut doc = yaml(
            r#"
paths:
  /c:
    get:
      parameters: [ { name: starting_after, in: query } ]
      responses: { '200': { content: { application/json: { schema: { required: [data], properties: { data: { type: array }, has_more: {} } } } } } }
"#,
        );
        assert!(rewrite(&mut doc).unwrap().is_empty());
    }
}
