//! Sensitive string fields → named schemas the generator replaces with the
//! facade's redacting types, so a secret can never reach `Debug` output through a
//! generated struct.
//!
//! The policy is by property name, because that is how the API names its secrets
//! wherever they appear (request bodies, responses, webhook payloads): the
//! secrets of the classification table that carry a component
//! ([`crate::classification::FIELDS`]).

use serde_json::{Map, Value, json};

use super::walk::each_schema;
use super::{Error, Kind, Rewrite, add_component, rewrite_at};

use crate::classification::{Class, FIELDS};
use crate::classification::{SECRET, SSN};

/// Which property names are sensitive, and the component each one points at.
pub fn policy() -> impl Iterator<Item = (&'static str, &'static str)> {
    FIELDS
        .iter()
        .filter(|f| f.class == Class::Secret)
        .filter_map(|f| Some((f.name, f.typed_as?)))
}

/// The facade type the generator substitutes for each component.
pub const REPLACEMENTS: [(&str, &str); 2] = [(SSN, "crate::Ssn"), (SECRET, "crate::Sensitive")];

fn component(name: &str) -> Value {
    match name {
        SSN => json!({
            "type": "string",
            "description": "A social security number: nine digits. Redacted in Debug output.",
            "pattern": "^[0-9]{9}$",
        }),
        _ => json!({
            "type": "string",
            "description": "A secret string (API key, client secret, card data or token). Redacted in Debug output.",
        }),
    }
}

/// Points every sensitive string property at its redacting component (under a
/// one-member `allOf` when it has a description, which the field keeps).
pub fn rewrite(doc: &mut Value) -> Result<Vec<Rewrite>, Error> {
    let mut changed = Vec::new();
    let mut used = Vec::new();
    each_schema(doc, &mut |pointer, schema| {
        let Some(Value::Object(properties)) = schema.get_mut("properties") else {
            return;
        };
        for (property, target) in policy() {
            let Some(Value::Object(field)) = properties.get_mut(property) else {
                continue;
            };
            if field.get("type") != Some(&Value::from("string")) {
                continue;
            }
            let reference = json!({ "$ref": format!("#/components/schemas/{target}") });
            *field = match field.get("description").cloned() {
                Some(description) => Map::from_iter([
                    ("allOf".to_string(), Value::Array(vec![reference])),
                    ("description".to_string(), description),
                ]),
                None => reference.as_object().cloned().unwrap_or_default(),
            };
            changed.push((format!("{pointer}/properties/{property}"), target));
            if !used.contains(&target) {
                used.push(target);
            }
        }
    });
    for name in used {
        add_component(doc, name, component(name), "the sensitive-field pass")?;
    }
    Ok(changed
        .into_iter()
        .map(|(pointer, target)| {
            rewrite_at(
                doc,
                Kind::SensitiveField,
                &pointer,
                Some(target.to_string()),
            )
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::test_support::yaml;

    #[test]
    fn sensitive_properties_point_at_redacting_components() {
        let mut doc = yaml(
            r#"
paths:
  /c:
    post:
      operationId: search
      requestBody: { content: { application/json: { schema: { properties: { ssn: { type: string }, name: { type: string } } } } } }
components:
  schemas:
    Session: { properties: { client_secret: { type: string, description: secret } } }
"#,
        );
        let rewrites = rewrite(&mut doc).unwrap();
        let body =
            &doc["paths"]["/c"]["post"]["requestBody"]["content"]["application/json"]["schema"];
        assert_eq!(
            body["properties"]["ssn"],
            yaml("$ref: '#/components/schemas/Ssn'")
        );
        assert_eq!(body["properties"]["name"], yaml("type: string"));
        assert_eq!(
            doc["components"]["schemas"]["Session"]["properties"]["client_secret"],
            yaml(
                "{ allOf: [{ $ref: '#/components/schemas/SensitiveString' }], description: secret }"
            ),
            "the description stays, so the field keeps its rustdoc"
        );
        assert_eq!(doc["components"]["schemas"]["Ssn"]["pattern"], "^[0-9]{9}$");
        assert_eq!(rewrites.len(), 2);
        assert_eq!(rewrites[0].operation.as_deref(), Some("search"));
    }

    #[test]
    fn non_string_fields_of_a_sensitive_name_are_left() {
        let text = "components: { schemas: { A: { properties: { token: { type: object } } } } }";
        let mut doc = yaml(text);
        assert!(rewrite(&mut doc).unwrap().is_empty());
        assert_eq!(doc, yaml(text));
    }

    #[test]
    fn a_clashing_component_name_is_an_error() {
        let mut doc = yaml(
            "components: { schemas: { Ssn: { type: integer }, A: { properties: { ssn: { type: string } } } } }",
        );
        let error = rewrite(&mut doc).unwrap_err();
        assert_eq!(error.pointer, "/components/schemas/Ssn");
    }
}
