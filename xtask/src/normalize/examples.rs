//! 3.1 schema `examples: [...]` → 3.0 `example` (the first one). Only a list is a
//! schema's `examples`; the map of Example Objects on media types is left alone.

use serde_json::Value;

use super::walk::each_schema;
use super::{Error, Kind, Rewrite, rewrite_at};

/// Rewrites every schema `examples` list.
pub fn rewrite(doc: &mut Value) -> Result<Vec<Rewrite>, Error> {
    let mut changed = Vec::new();
    each_schema(doc, &mut |pointer, schema| {
        if !matches!(schema.get("examples"), Some(Value::Array(_))) {
            return;
        }
        let Some(Value::Array(examples)) = schema.remove("examples") else {
            return;
        };
        if let Some(first) = examples.into_iter().next() {
            schema.entry("example").or_insert(first);
        }
        changed.push(pointer.to_string());
    });
    Ok(changed
        .into_iter()
        .map(|pointer| rewrite_at(doc, Kind::Examples, &pointer, None))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::test_support::yaml;

    #[test]
    fn first_example_is_kept() {
        let mut doc = yaml("components: { schemas: { S: { type: string, examples: [a, b] } } }");
        let rewrites = rewrite(&mut doc).unwrap();
        assert_eq!(
            doc["components"]["schemas"]["S"],
            yaml("{ type: string, example: a }")
        );
        assert_eq!(rewrites.len(), 1);
    }

    #[test]
    fn an_existing_example_wins() {
        let mut doc = yaml("components: { schemas: { S: { example: x, examples: [a] } } }");
        rewrite(&mut doc).unwrap();
        assert_eq!(doc["components"]["schemas"]["S"], yaml("{ example: x }"));
    }

    #[test]
    fn media_type_example_maps_are_not_schemas() {
        let text = r#"
paths:
  /a:
    get:
      responses:
        '200':
          content:
            application/json:
              schema: { type: string }
              examples: { one: { value: a } }
"#;
        let mut doc = yaml(text);
        assert!(rewrite(&mut doc).unwrap().is_empty());
        assert_eq!(doc, yaml(text));
    }
}
