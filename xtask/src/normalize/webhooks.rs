//! The 3.1 `webhooks` section: requests Imprint sends *to* partners, so there is
//! nothing to generate a client method for. The section is removed; payload
//! schemas written inline are first moved into `components.schemas` so every
//! payload still becomes a Rust type (the facade's webhook events use them).

use serde_json::{Map, Value};

use super::walk::{METHODS, escape};
use super::{Error, Kind, Rewrite};

/// Removes `webhooks`, keeping every payload schema as a named component.
pub fn set_aside(doc: &mut Value) -> Result<Vec<Rewrite>, Error> {
    let Some(Value::Object(webhooks)) =
        doc.as_object_mut().and_then(|root| root.remove("webhooks"))
    else {
        return Ok(Vec::new());
    };
    let mut rewrites = Vec::new();
    for (name, item) in webhooks {
        let pointer = format!("/webhooks/{}", escape(&name));
        let mut ids = Vec::new();
        for method in METHODS {
            let Some(operation) = item.get(method) else {
                continue;
            };
            let id = operation
                .get("operationId")
                .and_then(Value::as_str)
                .unwrap_or(&name)
                .to_string();
            if let Some(Value::Object(media_types)) = operation.pointer("/requestBody/content") {
                for (media_type, entry) in media_types {
                    let Some(schema) = entry.get("schema") else {
                        continue;
                    };
                    if schema.get("$ref").is_none() {
                        let at = format!(
                            "{pointer}/{method}/requestBody/content/{}/schema",
                            escape(media_type)
                        );
                        keep_inline_schema(
                            doc,
                            &format!("{}Payload", pascal(&name)),
                            schema.clone(),
                            &at,
                        )?;
                    }
                }
            }
            ids.push(id);
        }
        rewrites.push(Rewrite {
            kind: Kind::Webhooks,
            pointer,
            operation: None,
            detail: Some(ids.join(", ")),
        });
    }
    Ok(rewrites)
}

fn keep_inline_schema(doc: &mut Value, name: &str, schema: Value, at: &str) -> Result<(), Error> {
    let root = doc
        .as_object_mut()
        .expect("an OpenAPI document is an object");
    let components = root
        .entry("components")
        .or_insert_with(|| Value::Object(Map::new()));
    let schemas = components
        .as_object_mut()
        .ok_or_else(|| Error {
            pointer: "/components".into(),
            message: "must be an object".into(),
        })?
        .entry("schemas")
        .or_insert_with(|| Value::Object(Map::new()));
    let schemas = schemas.as_object_mut().ok_or_else(|| Error {
        pointer: "/components/schemas".into(),
        message: "must be an object".into(),
    })?;
    if schemas.contains_key(name) {
        return Err(Error {
            pointer: at.to_string(),
            message: format!(
                "inline webhook payload would be kept as `{name}`, which components.schemas already defines"
            ),
        });
    }
    schemas.insert(name.to_string(), schema);
    Ok(())
}

fn pascal(name: &str) -> String {
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase())
                .into_iter()
                .chain(chars)
                .collect::<String>()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::test_support::yaml;

    #[test]
    fn removes_webhooks_and_reports_each() {
        let mut doc = yaml(
            r##"
webhooks:
  Reward:
    post:
      operationId: hookReward
      requestBody: { content: { application/json: { schema: { $ref: '#/components/schemas/RewardPayload' } } } }
components: { schemas: { RewardPayload: { type: object } } }
"##,
        );
        let rewrites = set_aside(&mut doc).unwrap();
        assert!(doc.get("webhooks").is_none());
        assert_eq!(rewrites.len(), 1);
        assert_eq!(rewrites[0].pointer, "/webhooks/Reward");
        assert_eq!(rewrites[0].detail.as_deref(), Some("hookReward"));
        assert_eq!(
            doc["components"]["schemas"],
            yaml("RewardPayload: { type: object }")
        );
    }

    #[test]
    fn keeps_inline_payload_schemas_as_components() {
        let mut doc = yaml(
            r#"
webhooks:
  card-status:
    post:
      requestBody: { content: { application/json: { schema: { type: object, properties: { id: { type: string } } } } } }
"#,
        );
        set_aside(&mut doc).unwrap();
        assert_eq!(
            doc["components"]["schemas"]["CardStatusPayload"],
            yaml("{ type: object, properties: { id: { type: string } } }")
        );
    }

    #[test]
    fn refuses_to_overwrite_an_existing_component() {
        let mut doc = yaml(
            r#"
webhooks:
  Ping: { post: { requestBody: { content: { application/json: { schema: { type: object } } } } } }
components: { schemas: { PingPayload: { type: string } } }
"#,
        );
        let error = set_aside(&mut doc).unwrap_err();
        assert_eq!(
            error.pointer,
            "/webhooks/Ping/post/requestBody/content/application~1json/schema"
        );
    }

    #[test]
    fn no_webhooks_no_rewrites() {
        assert!(set_aside(&mut yaml("paths: {}")).unwrap().is_empty());
    }
}
