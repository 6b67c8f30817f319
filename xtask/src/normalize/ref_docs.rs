//! Properties that are a bare `$ref` → the same reference under `allOf`, with
//! the referenced schema's description, so the generated field is documented.
//!
//! `openapiv3` (3.0) keeps nothing of a reference but its target, so a field
//! like `SearchCustomersPost.date_of_birth` had no rustdoc at all while its type
//! (`DateOfBirth`: "Customer's date of birth") had one. A one-member `allOf`
//! generates the same Rust type and carries the description to the field.

use serde_json::{Map, Value, json};

use super::walk::each_schema;
use super::{Error, Kind, Rewrite, rewrite_at};

/// Documents every bare-`$ref` property whose target has a description.
pub fn rewrite(doc: &mut Value) -> Result<Vec<Rewrite>, Error> {
    let descriptions: Map<String, Value> = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|schemas| {
            schemas
                .iter()
                .filter_map(|(name, schema)| {
                    let description = schema.get("description")?.as_str()?;
                    Some((
                        format!("#/components/schemas/{name}"),
                        Value::from(description),
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    let mut documented = Vec::new();
    each_schema(doc, &mut |pointer, schema| {
        let Some(Value::Object(properties)) = schema.get_mut("properties") else {
            return;
        };
        for (name, property) in properties.iter_mut() {
            let Value::Object(field) = property else {
                continue;
            };
            let Some(description) = bare_target(field).and_then(|target| descriptions.get(target))
            else {
                continue;
            };
            *property =
                json!({ "allOf": [Value::Object(field.clone())], "description": description });
            documented.push(format!("{pointer}/properties/{name}"));
        }
    });
    Ok(documented
        .iter()
        .map(|at| rewrite_at(doc, Kind::RefDocs, at, None))
        .collect())
}

/// The target of a property that is `{"$ref": …}` and nothing else.
fn bare_target(field: &Map<String, Value>) -> Option<&str> {
    match field.get("$ref") {
        Some(Value::String(target)) if field.len() == 1 => Some(target),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::test_support::yaml;

    #[test]
    fn a_bare_reference_carries_its_targets_description() {
        let mut doc = yaml(
            r#"
components:
  schemas:
    Day: { type: object, description: "A day of birth" }
    Plain: { type: object }
    Body:
      properties:
        born: { $ref: '#/components/schemas/Day' }
        other: { $ref: '#/components/schemas/Plain' }
        named: { $ref: '#/components/schemas/Day', description: kept }
"#,
        );
        let rewrites = rewrite(&mut doc).unwrap();
        assert_eq!(rewrites.len(), 1);
        assert_eq!(
            rewrites[0].pointer,
            "/components/schemas/Body/properties/born"
        );
        let properties = &doc["components"]["schemas"]["Body"]["properties"];
        assert_eq!(
            properties["born"],
            yaml("{ allOf: [{ $ref: '#/components/schemas/Day' }], description: A day of birth }")
        );
        assert_eq!(
            properties["other"],
            yaml("$ref: '#/components/schemas/Plain'")
        );
        assert_eq!(
            properties["named"],
            yaml("{ $ref: '#/components/schemas/Day', description: kept }")
        );
    }
}
