//! The normalizer: adapts the vendored OpenAPI 3.1 document, in memory, into what
//! progenitor (through `openapiv3`, 3.0 only) accepts.
//!
//! Each pass is a small pure function over the parsed document that returns one
//! [`Rewrite`] per change, so `cargo xtask codegen` can say exactly what it did.
//! Passes key on constructs (a type array, a `$ref` with siblings, an operation
//! with several error schemas), never on today's operation or schema names.

mod const_enum;
mod error_responses;
mod examples;
mod exclusive_bounds;
pub mod page_data;
pub mod path_segments;
mod ref_docs;
mod ref_siblings;
pub mod sensitive;
pub mod timestamps;
mod type_arrays;
mod undeclared_required;
mod version;
pub mod walk;
mod webhooks;

use std::collections::BTreeMap;
use std::fmt;

use serde_json::Value;

/// One change the normalizer made to the in-memory document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rewrite {
    /// What kind of change.
    pub kind: Kind,
    /// JSON pointer (in the original document) of the changed object.
    pub pointer: String,
    /// The operation the pointer belongs to, when it belongs to one.
    pub operation: Option<String>,
    /// A short note (for example the keys that were dropped).
    pub detail: Option<String>,
}

/// The kinds of rewrite, in the order the passes run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// `openapi: 3.1.x` became `3.0.3`.
    Version,
    /// The 3.1 `webhooks` section was removed (payload schemas stay as types).
    Webhooks,
    /// A 3.1 type array became `type` + `nullable` (or `anyOf`).
    TypeArray,
    /// A schema's `examples` list became a single `example`.
    Examples,
    /// `const` became a one-value `enum`.
    Const,
    /// A numeric `exclusiveMinimum`/`exclusiveMaximum` became the 3.0 boolean form.
    ExclusiveBound,
    /// A `$ref` lost its sibling keys.
    RefSiblings,
    /// An operation's non-2xx responses were folded into the facade's error path.
    ErrorResponses,
    /// A sensitive string field now points at a redacting type.
    SensitiveField,
    /// A string path parameter now takes the facade's checked path segment.
    PathSegment,
    /// An RFC 3339 string property is now `format: date-time` (a `Timestamp`).
    Timestamp,
    /// A bare-`$ref` property now carries its target's description.
    RefDocs,
    /// A cursor-paginated list response now requires `data`.
    PageData,
    /// A `required` entry naming an undeclared property was dropped (responses).
    UndeclaredRequired,
    /// A `required` entry naming an undeclared property was declared (requests).
    RequiredDeclared,
}

impl Kind {
    fn label(self) -> &'static str {
        match self {
            Kind::Version => "openapi version rewritten to 3.0.3",
            Kind::Webhooks => "webhooks set aside (payload schemas still generated as types)",
            Kind::TypeArray => "type arrays rewritten to type + nullable",
            Kind::Examples => "schema `examples` lists rewritten to `example`",
            Kind::Const => "`const` rewritten to a one-value `enum`",
            Kind::ExclusiveBound => "numeric exclusive bounds rewritten to the 3.0 boolean form",
            Kind::RefSiblings => "`$ref` siblings dropped",
            Kind::ErrorResponses => "error responses unified into the facade's error path",
            Kind::SensitiveField => "sensitive fields typed as redacting secrets",
            Kind::PathSegment => "path parameters typed as checked path segments",
            Kind::Timestamp => "RFC 3339 strings typed as timestamps (`format: date-time`)",
            Kind::RefDocs => "reference-typed fields documented with their type's description",
            Kind::PageData => "paginated list responses: `data` required",
            Kind::UndeclaredRequired => {
                "`required` entries naming undeclared properties dropped (responses)"
            }
            Kind::RequiredDeclared => {
                "`required` entries naming undeclared properties declared (request bodies)"
            }
        }
    }
}

/// A document the normalizer cannot adapt.
#[derive(Debug, thiserror::Error)]
#[error("{pointer}: {message}")]
pub struct Error {
    /// Where in the document.
    pub pointer: String,
    /// What is wrong.
    pub message: String,
}

type Pass = fn(&mut Value) -> Result<Vec<Rewrite>, Error>;

/// The passes, in order. Order matters in two places: webhooks go before the
/// schema passes (their path items are not generated), and `$ref` siblings are
/// dropped before the passes that follow references.
const PASSES: [(&str, Pass); 14] = [
    ("version", version::rewrite),
    ("webhooks", webhooks::set_aside),
    ("type arrays", type_arrays::rewrite),
    ("examples", examples::rewrite),
    ("const", const_enum::rewrite),
    ("exclusive bounds", exclusive_bounds::rewrite),
    ("$ref siblings", ref_siblings::rewrite),
    ("error responses", error_responses::unify),
    ("sensitive fields", sensitive::rewrite),
    ("path segments", path_segments::rewrite),
    ("timestamps", timestamps::rewrite),
    ("reference docs", ref_docs::rewrite),
    ("page data", page_data::rewrite),
    ("undeclared required", undeclared_required::rewrite),
];

/// Runs every pass over `doc`, returning what each changed.
pub fn normalize(doc: &mut Value) -> Result<Vec<Rewrite>, Error> {
    let mut rewrites = Vec::new();
    for (_, pass) in PASSES {
        rewrites.extend(pass(doc)?);
    }
    Ok(rewrites)
}

/// Builds a rewrite for `pointer`, naming its operation when it has one.
pub(crate) fn rewrite_at(
    doc: &Value,
    kind: Kind,
    pointer: &str,
    detail: Option<String>,
) -> Rewrite {
    Rewrite {
        kind,
        pointer: pointer.to_string(),
        operation: walk::operation_at(doc, pointer),
        detail,
    }
}

/// Adds `schema` as `components.schemas.<name>` for a type a pass introduces;
/// the same schema already there is fine, another one is an error (the spec
/// uses the name for something else).
pub(crate) fn add_component(
    doc: &mut Value,
    name: &str,
    schema: Value,
    pass: &str,
) -> Result<(), Error> {
    let pointer = format!("/components/schemas/{name}");
    match doc.pointer(&pointer) {
        Some(existing) if *existing == schema => return Ok(()),
        Some(_) => {
            return Err(Error {
                pointer,
                message: format!(
                    "the spec defines `{name}`, the name {pass} needs for its own type"
                ),
            });
        }
        None => {}
    }
    let root = doc
        .as_object_mut()
        .expect("an OpenAPI document is an object");
    let components = root
        .entry("components")
        .or_insert_with(|| Value::Object(Default::default()));
    let schemas = components.as_object_mut().map(|c| {
        c.entry("schemas")
            .or_insert_with(|| Value::Object(Default::default()))
    });
    match schemas.and_then(Value::as_object_mut) {
        Some(schemas) => {
            schemas.insert(name.to_string(), schema);
            Ok(())
        }
        None => Err(Error {
            pointer: "/components/schemas".into(),
            message: "must be an object".into(),
        }),
    }
}

/// The human summary of a normalization: one line per kind, with where.
pub struct Summary<'a>(pub &'a [Rewrite]);

impl fmt::Display for Summary<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut by_kind: BTreeMap<Kind, Vec<&Rewrite>> = BTreeMap::new();
        for rewrite in self.0 {
            by_kind.entry(rewrite.kind).or_default().push(rewrite);
        }
        for (kind, rewrites) in by_kind {
            let places = places(&rewrites);
            let shown: Vec<&str> = places.iter().take(8).map(String::as_str).collect();
            let more = places.len().saturating_sub(shown.len());
            let tail = if more > 0 {
                format!(", … {more} more")
            } else {
                String::new()
            };
            writeln!(
                f,
                "  {}: {} ({}{tail})",
                kind.label(),
                count(kind, &rewrites, &places),
                shown.join(", ")
            )?;
        }
        Ok(())
    }
}

/// Where the rewrites of one kind happened: operations by id, the rest by a
/// short form of their pointer, each place once.
fn places(rewrites: &[&Rewrite]) -> Vec<String> {
    let mut places: Vec<String> = Vec::new();
    for rewrite in rewrites {
        let place = match (&rewrite.operation, &rewrite.detail) {
            (Some(operation), _) => operation.clone(),
            (None, Some(detail)) if rewrite.kind == Kind::Webhooks => detail.clone(),
            (None, _) => short_pointer(&rewrite.pointer),
        };
        if !places.contains(&place) {
            places.push(place);
        }
    }
    places
}

fn count(kind: Kind, rewrites: &[&Rewrite], places: &[String]) -> String {
    match kind {
        Kind::ErrorResponses => format!("{} operations", places.len()),
        Kind::Webhooks => format!("{} webhooks", rewrites.len()),
        _ => format!("{} places", rewrites.len()),
    }
}

/// `/components/schemas/Merchant/properties/address` → `Merchant.address`.
fn short_pointer(pointer: &str) -> String {
    let tokens: Vec<String> = pointer.split('/').skip(1).map(walk::unescape).collect();
    match tokens.as_slice() {
        [components, _, name, rest @ ..] if components == "components" => {
            let fields: Vec<&str> = rest
                .iter()
                .map(String::as_str)
                .filter(|t| !matches!(*t, "properties" | "items" | "allOf" | "anyOf" | "oneOf"))
                .collect();
            std::iter::once(name.as_str())
                .chain(fields)
                .collect::<Vec<_>>()
                .join(".")
        }
        _ if pointer.is_empty() => "document".to_string(),
        _ => pointer.to_string(),
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    use serde_json::Value;

    /// Parses a YAML snippet the way the xtask parses `openapi.yaml`.
    pub fn yaml(text: &str) -> Value {
        serde_norway::from_str(text).expect("test YAML parses")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use test_support::yaml;

    #[test]
    fn summary_groups_by_kind_and_names_operations() {
        let rewrites = vec![
            Rewrite {
                kind: Kind::ErrorResponses,
                pointer: "/paths/~1a/get".into(),
                operation: Some("getA".into()),
                detail: None,
            },
            Rewrite {
                kind: Kind::ErrorResponses,
                pointer: "/paths/~1b/get".into(),
                operation: Some("getB".into()),
                detail: None,
            },
            Rewrite {
                kind: Kind::RefSiblings,
                pointer: "/components/schemas/M/properties/address".into(),
                operation: None,
                detail: None,
            },
        ];
        let text = Summary(&rewrites).to_string();
        assert_eq!(
            text,
            "  `$ref` siblings dropped: 1 places (M.address)\n  error responses unified into the facade's error path: 2 operations (getA, getB)\n"
        );
    }

    #[test]
    fn normalize_runs_every_pass_on_a_small_31_document() {
        let mut doc = yaml(
            r##"
openapi: 3.1.0
paths:
  /a:
    get:
      operationId: getA
      parameters:
        - name: limit
          $ref: '#/components/parameters/limit'
      responses:
        '200': { description: ok, content: { application/json: { schema: { type: [string, 'null'] } } } }
        '404': { description: nf, content: { application/json: { schema: { type: object } } } }
webhooks:
  Ping: { post: { operationId: hookPing, responses: { '200': { description: ok } } } }
components:
  parameters:
    limit: { name: limit, in: query, schema: { type: integer, exclusiveMinimum: 0 } }
"##,
        );
        let kinds: Vec<Kind> = normalize(&mut doc)
            .unwrap()
            .into_iter()
            .map(|r| r.kind)
            .collect();
        assert_eq!(
            kinds,
            [
                Kind::Version,
                Kind::Webhooks,
                Kind::TypeArray,
                Kind::ExclusiveBound,
                Kind::RefSiblings,
                Kind::ErrorResponses
            ]
        );
        assert_eq!(doc["openapi"], "3.0.3");
    }
}
