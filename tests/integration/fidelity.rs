//! The generated types say what the spec says: for every schema in the spec's
//! `components`, the JSON Schema derived from the generated Rust type has the same
//! property names and the same `required` list. Where they differ, the difference
//! must be one the normalizer reported for that schema.

use std::collections::{BTreeSet, HashMap};

use serde_json::Value;
use xtask::normalize::{Kind, normalize};

const SPEC: &str = include_str!("../../openapi.yaml");

type Shape = (BTreeSet<String>, BTreeSet<String>);

/// Property names and required names of a schema, through `$ref`s and `allOf`.
fn shape(root: &Value, schema: &Value, defs: &str) -> Shape {
    if let Some(target) = schema.get("$ref").and_then(Value::as_str) {
        let pointer = target.strip_prefix('#').unwrap_or(target);
        let resolved = root
            .pointer(pointer)
            .unwrap_or_else(|| panic!("unresolved {target} (in {defs})"));
        return shape(root, resolved, defs);
    }
    let mut properties: BTreeSet<String> = schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    let mut required: BTreeSet<String> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| {
            r.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    for member in schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let (p, r) = shape(root, member, defs);
        properties.extend(p);
        required.extend(r);
    }
    (properties, required)
}

#[test]
fn every_component_has_a_generated_type_with_the_same_fields() {
    let spec: Value = serde_norway::from_str(SPEC).unwrap();
    let mut normalized = spec.clone();
    let rewrites = normalize(&mut normalized).unwrap();
    let generated: HashMap<&str, Value> = imprint::component_schemas()
        .into_iter()
        .map(|(name, schema)| (name, schema.to_value()))
        .collect();

    let components = spec["components"]["schemas"].as_object().unwrap();
    assert_eq!(components.len(), 55);
    let mut checked = 0;
    for (name, schema) in components {
        let actual = generated
            .get(name.as_str())
            .unwrap_or_else(|| panic!("no generated type for component {name}"));
        let (actual_properties, actual_required) = shape(actual, actual, name);
        let (properties, raw_required) = shape(&spec, schema, name);
        assert_eq!(actual_properties, properties, "property names of {name}");

        let pointer = format!("/components/schemas/{name}");
        let reported = rewrites.iter().any(|r| {
            r.pointer == pointer && matches!(r.kind, Kind::UndeclaredRequired | Kind::PageData)
        });
        let expected = if reported {
            shape(&normalized, normalized.pointer(&pointer).unwrap(), name).1
        } else {
            raw_required
        };
        assert_eq!(
            actual_required,
            expected,
            "required list of {name}{}",
            if reported { " (as normalized)" } else { "" }
        );
        checked += 1;
    }
    assert_eq!(checked, 55);
}

#[test]
fn the_only_required_differences_are_the_reported_ones() {
    let spec: Value = serde_norway::from_str(SPEC).unwrap();
    let mut normalized = spec.clone();
    let rewrites = normalize(&mut normalized).unwrap();
    let mut changed: Vec<(&str, &str)> = rewrites
        .iter()
        .filter(|r| {
            r.pointer.starts_with("/components/schemas/") && r.pointer.matches('/').count() == 3
        })
        .filter(|r| matches!(r.kind, Kind::UndeclaredRequired | Kind::PageData))
        .map(|r| (r.pointer.as_str(), r.detail.as_deref().unwrap_or("")))
        .collect();
    changed.sort();
    assert_eq!(
        changed,
        [
            ("/components/schemas/CustomerListResponse", ""),
            ("/components/schemas/OrdersResponse", "dropped: orders")
        ]
    );
}
