//! 3.1 type arrays → 3.0: `type: [string, "null"]` becomes `type: string` with
//! `nullable: true`; several non-null types become an `anyOf` of one type each.
//! A `{type: "null"}` branch of an `anyOf`/`oneOf` (the other 3.1 spelling of
//! "or null") is dropped and its parent marked `nullable`.

use serde_json::{Value, json};

use super::walk::{Object, each_schema};
use super::{Error, Kind, Rewrite, rewrite_at};

/// Rewrites every type array and `null` branch in the document.
pub fn rewrite(doc: &mut Value) -> Result<Vec<Rewrite>, Error> {
    let mut changed = Vec::new();
    each_schema(doc, &mut |pointer, schema| {
        if let Some(detail) = type_array(schema).or_else(|| null_branches(schema)) {
            changed.push((pointer.to_string(), detail));
        }
    });
    Ok(changed
        .into_iter()
        .map(|(pointer, detail)| rewrite_at(doc, Kind::TypeArray, &pointer, Some(detail)))
        .collect())
}

fn type_array(schema: &mut Object) -> Option<String> {
    let Some(Value::Array(types)) = schema.get("type") else {
        return None;
    };
    let detail = format!("type: {}", Value::Array(types.clone()));
    let nullable = types.iter().any(|t| t == "null");
    let others: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
    schema.remove("type");
    match others.as_slice() {
        [] => {}
        [single] => {
            schema.insert("type".into(), single.clone());
        }
        many => {
            let branches = many.iter().map(|t| json!({ "type": t })).collect();
            schema.insert("anyOf".into(), Value::Array(branches));
        }
    }
    if nullable {
        schema.insert("nullable".into(), Value::Bool(true));
    }
    Some(detail)
}

fn null_branches(schema: &mut Object) -> Option<String> {
    for keyword in ["anyOf", "oneOf"] {
        let Some(Value::Array(branches)) = schema.get_mut(keyword) else {
            continue;
        };
        let before = branches.len();
        branches.retain(|branch| branch.get("type") != Some(&Value::from("null")));
        if branches.len() != before {
            schema.insert("nullable".into(), Value::Bool(true));
            return Some(format!("{keyword} null branch"));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::test_support::yaml;

    fn one_schema(schema: &str) -> (Value, Vec<Rewrite>) {
        let mut doc = yaml(&format!("components: {{ schemas: {{ S: {schema} }} }}"));
        let rewrites = rewrite(&mut doc).unwrap();
        (doc["components"]["schemas"]["S"].clone(), rewrites)
    }

    #[test]
    fn type_and_null_becomes_nullable() {
        let (schema, rewrites) = one_schema("{ type: [string, 'null'], maxLength: 3 }");
        assert_eq!(
            schema,
            yaml("{ type: string, maxLength: 3, nullable: true }")
        );
        assert_eq!(rewrites[0].pointer, "/components/schemas/S");
    }

    #[test]
    fn single_type_array_becomes_a_plain_type() {
        assert_eq!(
            one_schema("{ type: [integer] }").0,
            yaml("{ type: integer }")
        );
    }

    #[test]
    fn several_types_become_any_of() {
        let (schema, _) = one_schema("{ type: [string, integer, 'null'] }");
        assert_eq!(
            schema,
            yaml("{ anyOf: [ { type: string }, { type: integer } ], nullable: true }")
        );
    }

    #[test]
    fn null_branch_of_any_of_becomes_nullable() {
        let (schema, rewrites) =
            one_schema("{ anyOf: [ { $ref: '#/components/schemas/T' }, { type: 'null' } ] }");
        assert_eq!(
            schema,
            yaml("{ anyOf: [ { $ref: '#/components/schemas/T' } ], nullable: true }")
        );
        assert_eq!(rewrites.len(), 1);
    }

    #[test]
    fn nested_property_is_found() {
        let (schema, _) = one_schema("{ properties: { a: { type: [number, 'null'] } } }");
        assert_eq!(
            schema,
            yaml("{ properties: { a: { type: number, nullable: true } } }")
        );
    }

    #[test]
    fn plain_types_are_untouched() {
        let (schema, rewrites) = one_schema("{ type: string, nullable: true }");
        assert_eq!(schema, yaml("{ type: string, nullable: true }"));
        assert!(rewrites.is_empty());
    }
}
