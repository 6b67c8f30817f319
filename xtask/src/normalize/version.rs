//! `openapi: 3.1.x` → `3.0.3`, the version `openapiv3` (and so progenitor) reads.

use serde_json::Value;

use super::{Error, Kind, Rewrite, rewrite_at};

/// Rewrites a 3.1.x version to 3.0.3; leaves 3.0.x alone; refuses anything else.
pub fn rewrite(doc: &mut Value) -> Result<Vec<Rewrite>, Error> {
    let version = doc
        .get("openapi")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    if version.starts_with("3.0.") {
        return Ok(Vec::new());
    }
    if !version.starts_with("3.1.") {
        return Err(Error {
            pointer: "/openapi".into(),
            message: format!("unsupported OpenAPI version {version:?}: expected 3.0.x or 3.1.x"),
        });
    }
    let mut rewrites = vec![rewrite_at(
        doc,
        Kind::Version,
        "/openapi",
        Some(format!("{version} → 3.0.3")),
    )];
    doc["openapi"] = Value::from("3.0.3");
    // A 3.1-only top-level field that the 3.0 model has no place for.
    if let Some(root) = doc.as_object_mut()
        && root.remove("jsonSchemaDialect").is_some()
    {
        rewrites.push(Rewrite {
            kind: Kind::Version,
            pointer: "/jsonSchemaDialect".into(),
            operation: None,
            detail: Some("removed".into()),
        });
    }
    Ok(rewrites)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::test_support::yaml;

    #[test]
    fn rewrites_31_to_303() {
        let mut doc =
            yaml("openapi: 3.1.0\njsonSchemaDialect: https://json-schema.org/draft/2020-12/schema");
        let rewrites = rewrite(&mut doc).unwrap();
        assert_eq!(doc, yaml("openapi: 3.0.3"));
        assert_eq!(rewrites.len(), 2);
        assert_eq!(rewrites[0].detail.as_deref(), Some("3.1.0 → 3.0.3"));
    }

    #[test]
    fn leaves_30_alone() {
        let mut doc = yaml("openapi: 3.0.1");
        assert!(rewrite(&mut doc).unwrap().is_empty());
        assert_eq!(doc["openapi"], "3.0.1");
    }

    #[test]
    fn refuses_other_versions() {
        let error = rewrite(&mut yaml("swagger: '2.0'")).unwrap_err();
        assert_eq!(error.pointer, "/openapi");
        assert!(
            error.message.contains("unsupported OpenAPI version"),
            "{error}"
        );
    }
}
