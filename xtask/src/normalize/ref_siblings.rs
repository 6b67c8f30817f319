//! A `$ref` with sibling keys (`name: limit` beside a parameter `$ref`, `type`
//! beside a schema `$ref`) → the bare `$ref`. OpenAPI 3.0 ignores such siblings
//! and strict readers reject them; the referenced object already says it all.

use serde_json::Value;

use super::walk::each_slot;
use super::{Error, Kind, Rewrite, rewrite_at};

/// Drops the siblings of every `$ref`, in schemas and in referable objects alike.
pub fn rewrite(doc: &mut Value) -> Result<Vec<Rewrite>, Error> {
    let mut changed = Vec::new();
    each_slot(doc, &mut |_, pointer, object| {
        if !object.get("$ref").is_some_and(Value::is_string) || object.len() == 1 {
            return;
        }
        let dropped: Vec<String> = object.keys().filter(|k| *k != "$ref").cloned().collect();
        object.retain(|key, _| key == "$ref");
        changed.push((pointer.to_string(), dropped.join(", ")));
    });
    Ok(changed
        .into_iter()
        .map(|(pointer, dropped)| {
            rewrite_at(
                doc,
                Kind::RefSiblings,
                &pointer,
                Some(format!("dropped: {dropped}")),
            )
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::test_support::yaml;

    #[test]
    fn parameter_ref_with_name_becomes_bare() {
        let mut doc = yaml(
            r##"
paths:
  /a:
    get:
      operationId: getA
      parameters:
        - name: limit
          $ref: '#/components/parameters/limitParam'
"##,
        );
        let rewrites = rewrite(&mut doc).unwrap();
        assert_eq!(
            doc["paths"]["/a"]["get"]["parameters"][0],
            yaml("$ref: '#/components/parameters/limitParam'")
        );
        assert_eq!(rewrites[0].operation.as_deref(), Some("getA"));
        assert_eq!(rewrites[0].detail.as_deref(), Some("dropped: name"));
    }

    #[test]
    fn schema_ref_with_type_becomes_bare() {
        let mut doc = yaml(
            "components: { schemas: { M: { properties: { address: { $ref: '#/components/schemas/A', type: object } } } } }",
        );
        let rewrites = rewrite(&mut doc).unwrap();
        assert_eq!(
            doc["components"]["schemas"]["M"]["properties"]["address"],
            yaml("$ref: '#/components/schemas/A'")
        );
        assert_eq!(
            rewrites[0].pointer,
            "/components/schemas/M/properties/address"
        );
    }

    #[test]
    fn a_property_named_ref_is_not_a_reference() {
        let text = "components: { schemas: { M: { properties: { $ref: { type: string }, other: { type: string } } } } }";
        let mut doc = yaml(text);
        assert!(rewrite(&mut doc).unwrap().is_empty());
        assert_eq!(doc, yaml(text));
    }

    #[test]
    fn bare_refs_are_untouched() {
        let mut doc = yaml("components: { schemas: { M: { $ref: '#/components/schemas/A' } } }");
        assert!(rewrite(&mut doc).unwrap().is_empty());
    }
}
