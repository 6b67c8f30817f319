//! `required` entries that name a property the schema does not declare are dropped.
//!
//! JSON Schema allows them, but a generated struct would grow a mandatory untyped
//! field that real responses never carry (the published `OrdersResponse` requires
//! `orders` while declaring only `data`), making every response fail to decode.
//! Applies to schemas that declare `properties` and do not describe other keys
//! (`additionalProperties` absent or `false`).

use serde_json::Value;

use super::walk::each_schema;
use super::{Error, Kind, Rewrite, rewrite_at};

/// Drops undeclared names from every `required` list.
pub fn rewrite(doc: &mut Value) -> Result<Vec<Rewrite>, Error> {
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
        let Some(Value::Array(required)) = schema.get_mut("required") else {
            return;
        };
        let dropped: Vec<String> = required
            .iter()
            .filter_map(Value::as_str)
            .filter(|name| !declared.iter().any(|d| d == name))
            .map(str::to_string)
            .collect();
        if dropped.is_empty() {
            return;
        }
        required.retain(|name| {
            name.as_str()
                .is_some_and(|name| declared.iter().any(|d| d == name))
        });
        if required.is_empty() {
            schema.remove("required");
        }
        changed.push((pointer.to_string(), dropped.join(", ")));
    });
    Ok(changed
        .into_iter()
        .map(|(pointer, dropped)| {
            rewrite_at(
                doc,
                Kind::UndeclaredRequired,
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
