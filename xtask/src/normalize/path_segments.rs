//! String path parameters → a named schema the generator replaces with the
//! facade's `PathSegment`, a string checked when the builder is given it.
//!
//! progenitor percent-encodes a path parameter but leaves `.` alone, and the URL
//! parser then collapses dot segments: `get_rewards("..")` would send
//! `GET /v2/rewards`, another operation. A type that refuses `.`, `..`, an
//! empty value and separators makes that impossible before anything is built,
//! and its error names the parameter.

use serde_json::{Value, json};

use super::walk::{METHODS, deref_pointer, escape};
use super::{Error, Kind, Rewrite, add_component, rewrite_at};

/// Component name of a checked path segment.
pub const PATH_SEGMENT: &str = "PathSegment";

/// The facade type the generator substitutes for it.
pub const REPLACEMENT: (&str, &str) = (PATH_SEGMENT, "crate::PathSegment");

fn component() -> Value {
    json!({
        "type": "string",
        "minLength": 1,
        "description": "One segment of a URL path: not empty, not `.` or `..`, no `/` or `\\`, no control characters.",
    })
}

/// Points the schema of every plain-string path parameter at [`PATH_SEGMENT`].
pub fn rewrite(doc: &mut Value) -> Result<Vec<Rewrite>, Error> {
    let mut targets: Vec<String> = Vec::new();
    let paths: Vec<String> = doc
        .get("paths")
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    for path in paths {
        let item = format!("/paths/{}", escape(&path));
        let lists = std::iter::once(format!("{item}/parameters"))
            .chain(METHODS.iter().map(|m| format!("{item}/{m}/parameters")));
        for list in lists {
            let count = doc
                .pointer(&list)
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            for index in 0..count {
                let Some(at) = deref_pointer(doc, format!("{list}/{index}")) else {
                    continue;
                };
                if is_plain_string_path_parameter(doc.pointer(&at)) && !targets.contains(&at) {
                    targets.push(at);
                }
            }
        }
    }
    if targets.is_empty() {
        return Ok(Vec::new());
    }
    for at in &targets {
        if let Some(parameter) = doc.pointer_mut(at) {
            parameter["schema"] = json!({ "$ref": format!("#/components/schemas/{PATH_SEGMENT}") });
        }
    }
    add_component(doc, PATH_SEGMENT, component(), "the path-segment pass")?;
    Ok(targets
        .iter()
        .map(|at| {
            let name = doc
                .pointer(at)
                .and_then(|p| p.get("name"))
                .and_then(Value::as_str)
                .map(str::to_string);
            rewrite_at(doc, Kind::PathSegment, at, name)
        })
        .collect())
}

/// `in: path` with a schema that is a string and nothing more specific (an
/// enum or a format keeps its own type).
fn is_plain_string_path_parameter(parameter: Option<&Value>) -> bool {
    let Some(parameter) = parameter else {
        return false;
    };
    let Some(schema) = parameter.get("schema").and_then(Value::as_object) else {
        return false;
    };
    parameter.get("in") == Some(&Value::from("path"))
        && schema.get("type") == Some(&Value::from("string"))
        && !schema.contains_key("enum")
        && !schema.contains_key("format")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::test_support::yaml;

    #[test]
    fn inline_and_referenced_path_parameters_take_the_segment_type() {
        let mut doc = yaml(
            r#"
paths:
  /things/{thing_id}:
    get:
      operationId: getThing
      parameters:
        - { name: thing_id, in: path, required: true, schema: { type: string } }
        - { name: q, in: query, schema: { type: string } }
  /others/{other_id}/parts/{kind}:
    parameters: [ { $ref: '#/components/parameters/other' } ]
    get:
      operationId: getParts
      parameters:
        - { name: kind, in: path, required: true, schema: { type: string, enum: [a, b] } }
    delete:
      operationId: deleteParts
components:
  parameters:
    other: { name: other_id, in: path, required: true, schema: { type: string } }
"#,
        );
        let rewrites = rewrite(&mut doc).unwrap();
        let segment = yaml("$ref: '#/components/schemas/PathSegment'");
        assert_eq!(
            doc["paths"]["/things/{thing_id}"]["get"]["parameters"][0]["schema"],
            segment
        );
        assert_eq!(
            doc["paths"]["/things/{thing_id}"]["get"]["parameters"][1]["schema"],
            yaml("type: string")
        );
        assert_eq!(doc["components"]["parameters"]["other"]["schema"], segment);
        assert_eq!(
            doc["paths"]["/others/{other_id}/parts/{kind}"]["get"]["parameters"][0]["schema"]["enum"],
            yaml("[a, b]")
        );
        assert_eq!(doc["components"]["schemas"]["PathSegment"]["minLength"], 1);
        let named: Vec<(Option<&str>, Option<&str>)> = rewrites
            .iter()
            .map(|r| (r.operation.as_deref(), r.detail.as_deref()))
            .collect();
        assert_eq!(
            named,
            [
                (Some("getThing"), Some("thing_id")),
                (None, Some("other_id"))
            ]
        );
    }

    #[test]
    fn a_spec_without_path_parameters_is_left_alone() {
        let text = "paths: { /a: { get: { operationId: a, parameters: [ { name: q, in: query, schema: { type: string } } ] } } }";
        let mut doc = yaml(text);
        assert!(rewrite(&mut doc).unwrap().is_empty());
        assert_eq!(doc, yaml(text));
    }

    #[test]
    fn a_clashing_component_name_is_an_error() {
        let mut doc = yaml(
            "paths: { '/a/{x}': { get: { parameters: [ { name: x, in: path, schema: { type: string } } ] } } }
components: { schemas: { PathSegment: { type: integer } } }",
        );
        assert_eq!(
            rewrite(&mut doc).unwrap_err().pointer,
            "/components/schemas/PathSegment"
        );
    }
}
