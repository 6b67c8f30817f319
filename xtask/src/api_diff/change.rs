//! One difference between two API surfaces, and what it means for code that
//! uses the crate: **breaking** (some existing user code stops compiling or
//! starts failing) or **additive**, with the reason in one line.
//!
//! The policy, where strict semver and practice differ: generated structs have
//! only public fields, so a new field breaks struct literals in principle; the
//! report calls it breaking only when it breaks the builder (a new field without
//! a default in a type callers send), because builders and deserialization are
//! how users make and get these values. A new enum value is breaking unless the
//! enum is `#[non_exhaustive]`, because users `match` on these enums.

use std::fmt;

/// A difference, named by where it is and what happened there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// A new `Client` method and builder.
    OperationAdded {
        /// The `Client` method.
        operation: String,
        /// Its builder type.
        builder: String,
    },
    /// A `Client` method and builder are gone.
    OperationRemoved {
        /// The `Client` method.
        operation: String,
        /// Its builder type.
        builder: String,
    },
    /// A new builder parameter.
    ParamAdded {
        /// The `Client` method.
        operation: String,
        /// The setter.
        param: String,
        /// Its type.
        ty: String,
        /// `send()` fails unless it is set.
        required: bool,
    },
    /// A builder parameter is gone.
    ParamRemoved {
        /// The `Client` method.
        operation: String,
        /// The setter.
        param: String,
    },
    /// A builder parameter takes another type.
    ParamRetyped {
        /// The `Client` method.
        operation: String,
        /// The setter.
        param: String,
        /// The type before.
        from: String,
        /// The type now.
        to: String,
    },
    /// A builder parameter became required (`true`) or optional (`false`).
    ParamRequirement {
        /// The `Client` method.
        operation: String,
        /// The setter.
        param: String,
        /// Required now.
        required: bool,
    },
    /// `send()` returns another success type.
    ResponseChanged {
        /// The `Client` method.
        operation: String,
        /// The type before.
        from: String,
        /// The type now.
        to: String,
    },
    /// A new item in `types`.
    TypeAdded {
        /// The type.
        name: String,
        /// struct, enum, newtype or type alias.
        kind: &'static str,
    },
    /// An item of `types` is gone.
    TypeRemoved {
        /// The type.
        name: String,
        /// struct, enum, newtype or type alias.
        kind: &'static str,
    },
    /// An item of `types` became another kind of item.
    TypeReshaped {
        /// The type.
        name: String,
        /// The kind before.
        from: &'static str,
        /// The kind now.
        to: &'static str,
    },
    /// A newtype's or alias's wrapped type changed.
    InnerRetyped {
        /// The type.
        name: String,
        /// The wrapped type before.
        from: String,
        /// The wrapped type now.
        to: String,
    },
    /// A new struct field.
    FieldAdded {
        /// The struct.
        name: String,
        /// The field.
        field: String,
        /// Its type as written.
        ty: String,
        /// Not an `Option`.
        required: bool,
        /// Building a request fails without it (no builder default, in a type callers send).
        breaks_builders: bool,
    },
    /// A struct field is gone.
    FieldRemoved {
        /// The struct.
        name: String,
        /// The field.
        field: String,
    },
    /// A struct field has another type.
    FieldRetyped {
        /// The struct.
        name: String,
        /// The field.
        field: String,
        /// The type before.
        from: String,
        /// The type now.
        to: String,
    },
    /// A struct field changed between `T` (required) and `Option<T>`.
    FieldRequirement {
        /// The struct.
        name: String,
        /// The field.
        field: String,
        /// The type before.
        from: String,
        /// The type now.
        to: String,
        /// Required (not an `Option`) now.
        required: bool,
    },
    /// A new enum value.
    EnumValueAdded {
        /// The enum.
        name: String,
        /// The wire value.
        value: String,
        /// Its variant.
        variant: String,
        /// The enum is `#[non_exhaustive]`.
        non_exhaustive: bool,
    },
    /// An enum value is gone.
    EnumValueRemoved {
        /// The enum.
        name: String,
        /// The wire value.
        value: String,
        /// Its variant.
        variant: String,
    },
    /// A new variant that carries data.
    VariantAdded {
        /// The enum.
        name: String,
        /// The variant.
        variant: String,
        /// Its fields, `(T)` or ` { a: T }`.
        fields: String,
        /// The enum is `#[non_exhaustive]`.
        non_exhaustive: bool,
    },
    /// A variant that carries data is gone.
    VariantRemoved {
        /// The enum.
        name: String,
        /// The variant.
        variant: String,
    },
    /// A variant carries other data.
    VariantRetyped {
        /// The enum.
        name: String,
        /// The variant.
        variant: String,
        /// Its fields before.
        from: String,
        /// Its fields now.
        to: String,
    },
    /// An enum became `#[non_exhaustive]` (`true`) or stopped being so.
    Exhaustiveness {
        /// The enum.
        name: String,
        /// `#[non_exhaustive]` now.
        non_exhaustive: bool,
    },
}

/// Whether a change can break existing user code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Impact {
    /// Existing code keeps compiling and working.
    Additive,
    /// Some existing code stops compiling or starts failing.
    Breaking,
}

impl fmt::Display for Impact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Impact::Additive => "additive",
            Impact::Breaking => "breaking",
        })
    }
}

impl Change {
    /// Where the change is: `Client::<operation>` or `types::<Name>[.field]`.
    pub fn subject(&self) -> String {
        use Change::*;
        match self {
            OperationAdded { operation, .. }
            | OperationRemoved { operation, .. }
            | ParamAdded { operation, .. }
            | ParamRemoved { operation, .. }
            | ParamRetyped { operation, .. }
            | ParamRequirement { operation, .. }
            | ResponseChanged { operation, .. } => format!("Client::{operation}"),
            TypeAdded { name, .. }
            | TypeRemoved { name, .. }
            | TypeReshaped { name, .. }
            | InnerRetyped { name, .. }
            | EnumValueAdded { name, .. }
            | EnumValueRemoved { name, .. }
            | VariantAdded { name, .. }
            | VariantRemoved { name, .. }
            | VariantRetyped { name, .. }
            | Exhaustiveness { name, .. } => format!("types::{name}"),
            FieldAdded { name, field, .. }
            | FieldRemoved { name, field }
            | FieldRetyped { name, field, .. }
            | FieldRequirement { name, field, .. } => format!("types::{name}.{field}"),
        }
    }

    /// What happened, without the subject.
    pub fn what(&self) -> String {
        use Change::*;
        match self {
            OperationAdded { builder, .. } => format!("operation added (builder::{builder})"),
            OperationRemoved { builder, .. } => format!("operation removed (builder::{builder})"),
            ParamAdded {
                param,
                ty,
                required,
                ..
            } => format!("{} parameter `{param}: {ty}` added", requirement(*required)),
            ParamRemoved { param, .. } => format!("parameter `{param}` removed"),
            ParamRetyped {
                param, from, to, ..
            } => format!("parameter `{param}` retyped from `{from}` to `{to}`"),
            ParamRequirement {
                param, required, ..
            } => format!("parameter `{param}` made {}", requirement(*required)),
            ResponseChanged { from, to, .. } => {
                format!("response type changed from `{from}` to `{to}`")
            }
            TypeAdded { kind, .. } => format!("{kind} added"),
            TypeRemoved { kind, .. } => format!("{kind} removed"),
            TypeReshaped { from, to, .. } => {
                format!(
                    "changed from {} {from} to {} {to}",
                    article(from),
                    article(to)
                )
            }
            InnerRetyped { from, to, .. } => {
                format!("wrapped type changed from `{from}` to `{to}`")
            }
            FieldAdded { ty, required, .. } => {
                format!("{} field added (`{ty}`)", requirement(*required))
            }
            FieldRemoved { .. } => "field removed".into(),
            FieldRetyped { from, to, .. } => format!("field retyped from `{from}` to `{to}`"),
            FieldRequirement {
                from, to, required, ..
            } => format!("field made {} (`{from}` → `{to}`)", requirement(*required)),
            EnumValueAdded { value, variant, .. } => {
                format!("enum value \"{value}\" added (::{variant})")
            }
            EnumValueRemoved { value, variant, .. } => {
                format!("enum value \"{value}\" removed (::{variant})")
            }
            VariantAdded {
                variant, fields, ..
            } => format!("variant `{variant}{fields}` added"),
            VariantRemoved { variant, .. } => format!("variant `{variant}` removed"),
            VariantRetyped {
                variant, from, to, ..
            } => format!("variant `{variant}` changed from `{variant}{from}` to `{variant}{to}`"),
            Exhaustiveness {
                non_exhaustive: true,
                ..
            } => "made #[non_exhaustive]".into(),
            Exhaustiveness {
                non_exhaustive: false,
                ..
            } => "no longer #[non_exhaustive]".into(),
        }
    }

    /// Breaking or additive, and why, in one line.
    pub fn classify(&self) -> (Impact, String) {
        use Change::*;
        use Impact::*;
        match self {
            OperationAdded { .. } => (Additive, "a new method: existing code is unaffected".into()),
            OperationRemoved { operation, .. } => (
                Breaking,
                format!("calls to `Client::{operation}` stop compiling"),
            ),
            ParamAdded { required: true, .. } => (
                Breaking,
                "a new required builder parameter: existing calls fail at send time".into(),
            ),
            ParamAdded {
                required: false, ..
            } => (
                Additive,
                "a new optional builder parameter: existing calls are unaffected".into(),
            ),
            ParamRemoved { .. } => (Breaking, "calls that set it stop compiling".into()),
            ParamRetyped { .. } => (
                Breaking,
                "calls that set it with a value of the old type stop compiling".into(),
            ),
            ParamRequirement { required: true, .. } => (
                Breaking,
                "existing calls that do not set it fail at send time".into(),
            ),
            ParamRequirement {
                required: false, ..
            } => (
                Additive,
                "existing calls still compile and send the same request".into(),
            ),
            ResponseChanged { .. } => (
                Breaking,
                "code that uses the response as the old type stops compiling".into(),
            ),
            TypeAdded { .. } => (Additive, "a new type: existing code is unaffected".into()),
            TypeRemoved { .. } => (Breaking, "code that names it stops compiling".into()),
            TypeReshaped { .. } => (
                Breaking,
                "code that builds, reads or matches it stops compiling".into(),
            ),
            InnerRetyped { .. } => (
                Breaking,
                "code that wraps or unwraps the old type stops compiling".into(),
            ),
            FieldAdded {
                breaks_builders: true,
                ..
            } => (
                Breaking,
                "a new required field of a request type: existing builders fail at send time"
                    .into(),
            ),
            FieldAdded {
                required: false, ..
            } => (
                Additive,
                "a new optional field: builders and code reading the type are unaffected".into(),
            ),
            FieldAdded { .. } => (
                Additive,
                "a new field that callers never have to supply: existing code is unaffected".into(),
            ),
            FieldRemoved { .. } => (
                Breaking,
                "code that reads or sets it stops compiling".into(),
            ),
            FieldRetyped { .. } => (
                Breaking,
                "code that reads or sets it as the old type stops compiling".into(),
            ),
            FieldRequirement { required: true, .. } => (
                Breaking,
                "code that reads it as an `Option` stops compiling; builders that omit it fail"
                    .into(),
            ),
            FieldRequirement {
                required: false, ..
            } => (
                Breaking,
                "code that reads it as a plain value stops compiling".into(),
            ),
            EnumValueAdded {
                non_exhaustive: true,
                ..
            }
            | VariantAdded {
                non_exhaustive: true,
                ..
            } => (
                Additive,
                "the enum is #[non_exhaustive]: matches already have a wildcard arm".into(),
            ),
            EnumValueAdded { name, .. } | VariantAdded { name, .. } => (
                Breaking,
                format!("exhaustive `match`es on `{name}` stop compiling"),
            ),
            EnumValueRemoved { name, variant, .. } | VariantRemoved { name, variant } => (
                Breaking,
                format!("code that names `{name}::{variant}` stops compiling"),
            ),
            VariantRetyped { name, variant, .. } => (
                Breaking,
                format!("code that builds or destructures `{name}::{variant}` stops compiling"),
            ),
            Exhaustiveness {
                name,
                non_exhaustive: true,
            } => (
                Breaking,
                format!("`match`es on `{name}` outside the crate need a wildcard arm"),
            ),
            Exhaustiveness {
                non_exhaustive: false,
                ..
            } => (
                Additive,
                "existing matches keep their wildcard arm and still compile".into(),
            ),
        }
    }
}

fn requirement(required: bool) -> &'static str {
    if required { "required" } else { "optional" }
}

fn article(kind: &str) -> &'static str {
    if kind.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}
