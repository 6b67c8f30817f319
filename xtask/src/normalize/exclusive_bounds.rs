//! 3.1 numeric `exclusiveMinimum: n` → 3.0 `minimum: n` + `exclusiveMinimum: true`
//! (likewise for the maximum). When a schema carries both an inclusive and an
//! exclusive bound, the stricter one is kept.

use serde_json::Value;

use super::walk::{Object, each_schema};
use super::{Error, Kind, Rewrite, rewrite_at};

/// Rewrites every numeric exclusive bound.
pub fn rewrite(doc: &mut Value) -> Result<Vec<Rewrite>, Error> {
    let mut changed = Vec::new();
    each_schema(doc, &mut |pointer, schema| {
        let lower = bound(
            schema,
            "exclusiveMinimum",
            "minimum",
            |exclusive, inclusive| exclusive >= inclusive,
        );
        let upper = bound(
            schema,
            "exclusiveMaximum",
            "maximum",
            |exclusive, inclusive| exclusive <= inclusive,
        );
        if lower || upper {
            changed.push(pointer.to_string());
        }
    });
    Ok(changed
        .into_iter()
        .map(|pointer| rewrite_at(doc, Kind::ExclusiveBound, &pointer, None))
        .collect())
}

/// `stricter(exclusive, inclusive)` says whether the exclusive bound is at least as
/// strict as an inclusive one already present.
fn bound(
    schema: &mut Object,
    exclusive_key: &str,
    inclusive_key: &str,
    stricter: fn(f64, f64) -> bool,
) -> bool {
    let Some(exclusive) = schema.get(exclusive_key).filter(|v| v.is_number()).cloned() else {
        return false;
    };
    let keep_exclusive = match schema.get(inclusive_key).and_then(Value::as_f64) {
        Some(inclusive) => stricter(exclusive.as_f64().unwrap_or(f64::NAN), inclusive),
        None => true,
    };
    if keep_exclusive {
        schema.insert(inclusive_key.into(), exclusive);
        schema.insert(exclusive_key.into(), Value::Bool(true));
    } else {
        schema.remove(exclusive_key);
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::test_support::yaml;

    fn one_schema(schema: &str) -> Value {
        let mut doc = yaml(&format!("components: {{ schemas: {{ S: {schema} }} }}"));
        assert_eq!(rewrite(&mut doc).unwrap().len(), 1);
        doc["components"]["schemas"]["S"].clone()
    }

    #[test]
    fn numeric_exclusive_minimum_becomes_boolean_form() {
        assert_eq!(
            one_schema("{ type: integer, exclusiveMinimum: 0 }"),
            yaml("{ type: integer, exclusiveMinimum: true, minimum: 0 }")
        );
    }

    #[test]
    fn numeric_exclusive_maximum_becomes_boolean_form() {
        assert_eq!(
            one_schema("{ type: number, exclusiveMaximum: 1.5 }"),
            yaml("{ type: number, exclusiveMaximum: true, maximum: 1.5 }")
        );
    }

    #[test]
    fn the_stricter_of_two_bounds_wins() {
        assert_eq!(
            one_schema("{ minimum: 5, exclusiveMinimum: 0 }"),
            yaml("{ minimum: 5 }")
        );
        assert_eq!(
            one_schema("{ minimum: 0, exclusiveMinimum: 5 }"),
            yaml("{ minimum: 5, exclusiveMinimum: true }")
        );
    }

    #[test]
    fn boolean_form_is_already_30() {
        let mut doc =
            yaml("components: { schemas: { S: { minimum: 0, exclusiveMinimum: true } } }");
        assert!(rewrite(&mut doc).unwrap().is_empty());
    }
}
