//! Comparing two API surfaces: every difference as a [`Change`], operations
//! first, then types, each in name order. A removed operation or type is one
//! change, not one per parameter or field.

use std::collections::{BTreeMap, BTreeSet};

use super::change::Change;
use super::surface::{Field, Operation, Surface, TypeDef};

/// The changes from `old` to `new`.
pub fn compare(old: &Surface, new: &Surface) -> Vec<Change> {
    let mut changes = Vec::new();
    for name in keys(&old.operations, &new.operations) {
        match (old.operations.get(name), new.operations.get(name)) {
            (Some(before), None) => changes.push(Change::OperationRemoved {
                operation: name.clone(),
                builder: before.builder.clone(),
            }),
            (None, Some(after)) => changes.push(Change::OperationAdded {
                operation: name.clone(),
                builder: after.builder.clone(),
            }),
            (Some(before), Some(after)) => operation(name, before, after, &mut changes),
            (None, None) => {}
        }
    }
    for name in keys(&old.types, &new.types) {
        match (old.types.get(name), new.types.get(name)) {
            (Some(before), None) => changes.push(Change::TypeRemoved {
                name: name.clone(),
                kind: before.kind(),
            }),
            (None, Some(after)) => changes.push(Change::TypeAdded {
                name: name.clone(),
                kind: after.kind(),
            }),
            (Some(before), Some(after)) => {
                let input = new.inputs.contains(name);
                type_def(name, before, after, input, &mut changes);
            }
            (None, None) => {}
        }
    }
    changes
}

/// The union of both maps' keys, in order.
fn keys<'a, V>(old: &'a BTreeMap<String, V>, new: &'a BTreeMap<String, V>) -> BTreeSet<&'a String> {
    old.keys().chain(new.keys()).collect()
}

fn operation(name: &str, before: &Operation, after: &Operation, changes: &mut Vec<Change>) {
    let operation = name.to_string();
    for param in keys(&before.params, &after.params) {
        let param_name = param.clone();
        match (before.params.get(param), after.params.get(param)) {
            (Some(_), None) => changes.push(Change::ParamRemoved {
                operation: operation.clone(),
                param: param_name,
            }),
            (None, Some(added)) => changes.push(Change::ParamAdded {
                operation: operation.clone(),
                param: param_name,
                ty: added.ty.clone(),
                required: added.required,
            }),
            (Some(old), Some(new)) => {
                if old.ty != new.ty {
                    changes.push(Change::ParamRetyped {
                        operation: operation.clone(),
                        param: param_name.clone(),
                        from: old.ty.clone(),
                        to: new.ty.clone(),
                    });
                }
                if old.required != new.required {
                    changes.push(Change::ParamRequirement {
                        operation: operation.clone(),
                        param: param_name,
                        required: new.required,
                    });
                }
            }
            (None, None) => {}
        }
    }
    if before.response != after.response {
        changes.push(Change::ResponseChanged {
            operation,
            from: before.response.clone(),
            to: after.response.clone(),
        });
    }
}

fn type_def(name: &str, before: &TypeDef, after: &TypeDef, input: bool, changes: &mut Vec<Change>) {
    let name = name.to_string();
    match (before, after) {
        (TypeDef::Struct(old), TypeDef::Struct(new)) => fields(&name, old, new, input, changes),
        (
            TypeDef::Enum {
                values: old_values,
                others: old_others,
                non_exhaustive: was_non_exhaustive,
            },
            TypeDef::Enum {
                values,
                others,
                non_exhaustive,
            },
        ) => {
            if was_non_exhaustive != non_exhaustive {
                changes.push(Change::Exhaustiveness {
                    name: name.clone(),
                    non_exhaustive: *non_exhaustive,
                });
            }
            for value in keys(old_values, values) {
                match (old_values.get(value), values.get(value)) {
                    (Some(variant), None) => changes.push(Change::EnumValueRemoved {
                        name: name.clone(),
                        value: value.clone(),
                        variant: variant.clone(),
                    }),
                    (None, Some(variant)) => changes.push(Change::EnumValueAdded {
                        name: name.clone(),
                        value: value.clone(),
                        variant: variant.clone(),
                        non_exhaustive: *non_exhaustive,
                    }),
                    _ => {}
                }
            }
            for variant in keys(old_others, others) {
                let (name, variant_name) = (name.clone(), variant.clone());
                match (old_others.get(variant), others.get(variant)) {
                    (Some(_), None) => changes.push(Change::VariantRemoved {
                        name,
                        variant: variant_name,
                    }),
                    (None, Some(fields)) => changes.push(Change::VariantAdded {
                        name,
                        variant: variant_name,
                        fields: fields.clone(),
                        non_exhaustive: *non_exhaustive,
                    }),
                    (Some(from), Some(to)) if from != to => changes.push(Change::VariantRetyped {
                        name,
                        variant: variant_name,
                        from: from.clone(),
                        to: to.clone(),
                    }),
                    _ => {}
                }
            }
        }
        (TypeDef::Tuple(old), TypeDef::Tuple(new)) if old != new => {
            changes.push(Change::InnerRetyped {
                name,
                from: old.join(", "),
                to: new.join(", "),
            });
        }
        (TypeDef::Alias(old), TypeDef::Alias(new)) if old != new => {
            changes.push(Change::InnerRetyped {
                name,
                from: old.clone(),
                to: new.clone(),
            });
        }
        _ if before.kind() != after.kind() => changes.push(Change::TypeReshaped {
            name,
            from: before.kind(),
            to: after.kind(),
        }),
        _ => {}
    }
}

fn fields(
    name: &str,
    old: &BTreeMap<String, Field>,
    new: &BTreeMap<String, Field>,
    input: bool,
    changes: &mut Vec<Change>,
) {
    for field in keys(old, new) {
        let (name, field_name) = (name.to_string(), field.clone());
        match (old.get(field), new.get(field)) {
            (Some(_), None) => changes.push(Change::FieldRemoved {
                name,
                field: field_name,
            }),
            (None, Some(added)) => changes.push(Change::FieldAdded {
                name,
                field: field_name,
                ty: added.ty.clone(),
                required: !added.optional,
                breaks_builders: input && added.must_set,
            }),
            (Some(before), Some(after))
                if before.inner == after.inner && before.optional != after.optional =>
            {
                changes.push(Change::FieldRequirement {
                    name,
                    field: field_name,
                    from: before.ty.clone(),
                    to: after.ty.clone(),
                    required: !after.optional,
                });
            }
            (Some(before), Some(after)) if before.ty != after.ty => {
                changes.push(Change::FieldRetyped {
                    name,
                    field: field_name,
                    from: before.ty.clone(),
                    to: after.ty.clone(),
                });
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(old: &str, new: &str) -> Vec<String> {
        let (old, new) = (Surface::parse(old).unwrap(), Surface::parse(new).unwrap());
        compare(&old, &new)
            .iter()
            .map(|change| {
                format!(
                    "{} {}: {}",
                    change.classify().0,
                    change.subject(),
                    change.what()
                )
            })
            .collect()
    }

    /// A catch-all variant for unknown values is not an enum value, but adding
    /// one still changes what users' matches must cover.
    #[test]
    fn variants_with_data_are_compared_apart_from_values() {
        let old = "pub mod types { pub enum Kind { A, Other(String) } pub enum Shape { Dot } }";
        let new = "pub mod types {
            pub enum Kind { A, Other(Box<str>), Unknown { raw: String } }
            #[non_exhaustive] pub enum Shape { Dot, Line }
        }";
        assert_eq!(
            lines(old, new),
            [
                "breaking types::Kind: variant `Other` changed from `Other(String)` to `Other(Box<str>)`",
                "breaking types::Kind: variant `Unknown { raw: String }` added",
                "breaking types::Shape: made #[non_exhaustive]",
                "additive types::Shape: enum value \"Line\" added (::Line)",
            ]
        );
    }

    #[test]
    fn a_type_that_changes_kind_is_one_change() {
        let old = "pub mod types { pub struct Id(pub String); pub type Ids = Vec<Id>; }";
        let new = "pub mod types { pub enum Id { A } pub type Ids = Vec<String>; }";
        assert_eq!(
            lines(old, new),
            [
                "breaking types::Id: changed from a newtype to an enum",
                "breaking types::Ids: wrapped type changed from `Vec<Id>` to `Vec<String>`",
            ]
        );
    }
}
