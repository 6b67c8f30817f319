//! Reading `openapi.yaml`: parse, check the structure the generator relies on,
//! and fingerprint the exact bytes.

use std::path::{Path, PathBuf};

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::normalize::walk::escape;

/// The vendored spec as read from disk.
pub struct Spec {
    /// The parsed document.
    pub doc: Value,
    /// Hex SHA-256 of the file's bytes.
    pub sha256: String,
}

/// Why a spec could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SpecError {
    /// The file could not be read.
    #[error("{path}: cannot read: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not valid YAML.
    #[error("{path}:{location}: not valid YAML: {message}")]
    Yaml {
        /// The file.
        path: PathBuf,
        /// `line:column`, when the parser knows it.
        location: String,
        /// The parser's message.
        message: String,
    },
    /// The document lacks something the generator needs.
    #[error("{path}: {pointer}: {message}")]
    Structure {
        /// The file.
        path: PathBuf,
        /// JSON pointer of the problem.
        pointer: String,
        /// What is wrong.
        message: String,
    },
}

/// Reads, parses and checks the spec at `path`.
pub fn load(path: &Path) -> Result<Spec, SpecError> {
    let bytes = std::fs::read(path).map_err(|source| SpecError::Read {
        path: path.into(),
        source,
    })?;
    from_bytes(path, &bytes)
}

/// A spec from bytes already read (`path` names them in errors).
pub fn from_bytes(path: &Path, bytes: &[u8]) -> Result<Spec, SpecError> {
    let doc = parse(path, bytes)?;
    let sha256 = hex::encode(Sha256::digest(bytes));
    Ok(Spec { doc, sha256 })
}

/// Parses YAML (or JSON) bytes and checks the document's structure.
pub fn parse(path: &Path, bytes: &[u8]) -> Result<Value, SpecError> {
    let doc: Value = serde_norway::from_slice(bytes).map_err(|error| SpecError::Yaml {
        path: path.into(),
        location: error
            .location()
            .map(|l| format!("{}:{}", l.line(), l.column()))
            .unwrap_or_else(|| "?".into()),
        message: error.to_string(),
    })?;
    check(&doc).map_err(|(pointer, message)| SpecError::Structure {
        path: path.into(),
        pointer,
        message,
    })?;
    Ok(doc)
}

/// The structural checks, as `(pointer, message)`.
fn check(doc: &Value) -> Result<(), (String, String)> {
    let Some(root) = doc.as_object() else {
        return Err((
            "".into(),
            "the document must be a mapping (an OpenAPI object)".into(),
        ));
    };
    if !root.get("openapi").is_some_and(Value::is_string) {
        return Err((
            "/openapi".into(),
            "missing the `openapi` version string".into(),
        ));
    }
    match root.get("paths") {
        Some(Value::Object(_)) => {}
        Some(_) => {
            return Err((
                "/paths".into(),
                "`paths` must be a mapping of path templates".into(),
            ));
        }
        None => {
            return Err((
                "/paths".into(),
                "missing `paths`: there are no operations to generate".into(),
            ));
        }
    }
    check_refs(doc, doc, String::new())
}

/// Every `$ref` must name something inside this document.
fn check_refs(doc: &Value, value: &Value, at: String) -> Result<(), (String, String)> {
    match value {
        Value::Object(object) => {
            if let Some(Value::String(target)) = object.get("$ref") {
                let pointer = format!("{at}/$ref");
                let Some(local) = target.strip_prefix('#') else {
                    return Err((
                        pointer,
                        format!("external reference `{target}` is not supported; inline it"),
                    ));
                };
                if doc.pointer(local).is_none() {
                    return Err((
                        pointer,
                        format!("dangling reference: `{target}` does not exist"),
                    ));
                }
            }
            for (key, child) in object {
                // Literal values may contain anything, including a key spelled `$ref`.
                if matches!(
                    key.as_str(),
                    "example" | "examples" | "default" | "enum" | "const"
                ) || key.starts_with("x-")
                {
                    continue;
                }
                check_refs(doc, child, format!("{at}/{}", escape(key)))?;
            }
            Ok(())
        }
        Value::Array(items) => items
            .iter()
            .enumerate()
            .try_for_each(|(index, child)| check_refs(doc, child, format!("{at}/{index}"))),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(text: &str) -> String {
        parse(Path::new("openapi.yaml"), text.as_bytes())
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn bad_yaml_names_file_and_line() {
        let message = problem("openapi: 3.1.0\npaths:\n  /a: [unclosed\n");
        assert!(message.starts_with("openapi.yaml:"), "{message}");
        assert!(message.contains("not valid YAML"), "{message}");
    }

    #[test]
    fn missing_paths_is_named() {
        assert_eq!(
            problem("openapi: 3.1.0\ninfo: {}\n"),
            "openapi.yaml: /paths: missing `paths`: there are no operations to generate"
        );
    }

    #[test]
    fn dangling_ref_is_named_with_its_pointer() {
        let message = problem(
            "openapi: 3.1.0\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          content:\n            application/json:\n              schema: { $ref: '#/components/schemas/Nope' }\n",
        );
        assert_eq!(
            message,
            "openapi.yaml: /paths/~1a/get/responses/200/content/application~1json/schema/$ref: dangling reference: `#/components/schemas/Nope` does not exist"
        );
    }

    #[test]
    fn refs_inside_examples_are_literal() {
        assert!(parse(Path::new("x"), b"openapi: 3.1.0\npaths: {}\ncomponents: { schemas: { A: { example: { $ref: nowhere } } } }").is_ok());
    }
}
