//! 3.1 `const: v` → 3.0 `enum: [v]`.

use serde_json::Value;

use super::walk::each_schema;
use super::{Error, Kind, Rewrite, rewrite_at};

/// Rewrites every `const` keyword.
pub fn rewrite(doc: &mut Value) -> Result<Vec<Rewrite>, Error> {
    let mut changed = Vec::new();
    each_schema(doc, &mut |pointer, schema| {
        if let Some(value) = schema.remove("const") {
            schema.insert("enum".into(), Value::Array(vec![value]));
            changed.push(pointer.to_string());
        }
    });
    Ok(changed
        .into_iter()
        .map(|pointer| rewrite_at(doc, Kind::Const, &pointer, None))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::test_support::yaml;

    #[test]
    fn const_becomes_single_enum() {
        let mut doc = yaml("components: { schemas: { S: { type: string, const: REWARD } } }");
        let rewrites = rewrite(&mut doc).unwrap();
        assert_eq!(
            doc["components"]["schemas"]["S"],
            yaml("{ type: string, enum: [REWARD] }")
        );
        assert_eq!(rewrites[0].pointer, "/components/schemas/S");
    }

    #[test]
    fn a_property_named_const_is_not_the_keyword() {
        let text = "components: { schemas: { S: { properties: { const: { type: string } } } } }";
        let mut doc = yaml(text);
        assert!(rewrite(&mut doc).unwrap().is_empty());
        assert_eq!(doc, yaml(text));
    }
}
