//! The public Rust API of a generated module, read off its syntax tree: the
//! operations of `Client` with their builder parameters and response types, and
//! the types of the `types` module.
//!
//! Only the shapes progenitor's builder interface gives the API are read;
//! anything else in the file (the operation index, extra impls, attributes, doc
//! comments, the header) is ignored, so additions to the generated file that do
//! not change those shapes do not show up as API changes.

use std::collections::{BTreeMap, BTreeSet};

use syn::visit::Visit;

use super::type_name::{generic_of, mentioned, option_inner, render, result_ok};
use crate::index::{module, self_ident};

/// What a generated module offers its users.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Surface {
    /// Operations by `Client` method name.
    pub operations: BTreeMap<String, Operation>,
    /// Items of the `types` module by name.
    pub types: BTreeMap<String, TypeDef>,
    /// Types that callers build: those reachable from some operation's
    /// parameters (a new required field there breaks requests, elsewhere it does not).
    pub inputs: BTreeSet<String>,
}

/// One operation: `Client::<name>()` returns its builder.
#[derive(Debug, PartialEq, Eq)]
pub struct Operation {
    /// The builder type in `builder`.
    pub builder: String,
    /// Builder parameters by setter name.
    pub params: BTreeMap<String, Param>,
    /// The success type `send()` returns inside `ResponseValue`.
    pub response: String,
}

/// One builder parameter.
#[derive(Debug, PartialEq, Eq)]
pub struct Param {
    /// The type its setter converts to (without the `Option` of optional ones).
    pub ty: String,
    /// The builder starts it as an error (`"… was not initialized"`): `send()`
    /// fails unless the caller sets it.
    pub required: bool,
}

/// An item of the `types` module.
#[derive(Debug, PartialEq, Eq)]
pub enum TypeDef {
    /// A struct with named fields.
    Struct(BTreeMap<String, Field>),
    /// A tuple struct (newtype), by the types of its fields.
    Tuple(Vec<String>),
    /// An enum: its values are its unit variants.
    Enum {
        /// Wire value (the `#[serde(rename)]` string, or the variant name) → variant.
        values: BTreeMap<String, String>,
        /// The variants that carry data (a `oneOf` member, a catch-all for
        /// unknown values) → their fields, as `(T)` or ` { a: T }`.
        others: BTreeMap<String, String>,
        /// Marked `#[non_exhaustive]`: users' matches already need a wildcard arm.
        non_exhaustive: bool,
    },
    /// A type alias, by its target.
    Alias(String),
}

impl TypeDef {
    /// The kind of item, as the report names it.
    pub fn kind(&self) -> &'static str {
        match self {
            TypeDef::Struct(_) => "struct",
            TypeDef::Tuple(_) => "newtype",
            TypeDef::Enum { .. } => "enum",
            TypeDef::Alias(_) => "type alias",
        }
    }
}

/// One public field of a struct.
#[derive(Debug, PartialEq, Eq)]
pub struct Field {
    /// The field's type as written, `Option` included.
    pub ty: String,
    /// The type without its `Option`.
    pub inner: String,
    /// The type is an `Option`.
    pub optional: bool,
    /// The type's builder (`types::builder`) has no default for it: building
    /// without it fails.
    pub must_set: bool,
}

impl Surface {
    /// Parses generated Rust code and reads its API.
    pub fn parse(code: &str) -> Result<Surface, syn::Error> {
        Ok(Surface::read(&syn::parse_file(code)?))
    }

    /// Reads the API of a parsed generated module.
    pub fn read(file: &syn::File) -> Surface {
        let builder_items = module(&file.items, "builder").unwrap_or_default();
        let type_items = module(&file.items, "types").unwrap_or_default();
        let mut mentions: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let types = read_types(type_items, &mut mentions);

        let mut operations = BTreeMap::new();
        let mut roots = BTreeSet::new();
        for method in client_methods(&file.items) {
            let syn::ReturnType::Type(_, returned) = &method.sig.output else {
                continue;
            };
            let Some(builder) = self_ident(returned).map(|i| i.to_string()) else {
                continue;
            };
            let Some(fields) = builder_items.iter().find_map(|item| match item {
                syn::Item::Struct(s) if s.ident == builder => Some(&s.fields),
                _ => None,
            }) else {
                continue;
            };
            operations.insert(
                method.sig.ident.to_string(),
                read_operation(builder_items, builder, fields, &mut roots),
            );
        }
        let inputs = reachable(roots, &mentions, &types);
        Surface {
            operations,
            types,
            inputs,
        }
    }
}

/// The operation whose builder is `builder` (with `fields`), adding the types
/// its parameters mention to `roots`.
fn read_operation(
    builder_items: &[syn::Item],
    builder: String,
    fields: &syn::Fields,
    roots: &mut BTreeSet<String>,
) -> Operation {
    let methods = inherent_methods(builder_items, &builder);
    let inits = methods
        .iter()
        .find(|f| f.sig.ident == "new")
        .map(|f| struct_inits(&f.block))
        .unwrap_or_default();
    let mut params = BTreeMap::new();
    for field in fields {
        let Some(name) = &field.ident else { continue };
        if name == "client" {
            continue; // the client the builder holds, not a parameter
        }
        let set = result_ok(&field.ty).unwrap_or(&field.ty);
        let (ty, required_by_type) = match option_inner(set) {
            Some(inner) => (inner, false),
            None => (set, true),
        };
        let name = name.to_string();
        let required = inits.get(&name).map_or(required_by_type, is_err_call);
        mentioned(ty, roots);
        params.insert(
            name,
            Param {
                ty: render(ty),
                required,
            },
        );
    }
    let response = methods
        .iter()
        .find(|f| f.sig.ident == "send")
        .and_then(|send| match &send.sig.output {
            syn::ReturnType::Type(_, ty) => Some(ty),
            syn::ReturnType::Default => None,
        })
        .map(|ty| {
            let success = result_ok(ty).and_then(|value| generic_of(value, "ResponseValue", 0));
            render(success.unwrap_or(ty))
        })
        .unwrap_or_else(|| "()".into());
    Operation {
        builder,
        params,
        response,
    }
}

fn is_pub(vis: &syn::Visibility) -> bool {
    matches!(vis, syn::Visibility::Public(_))
}

/// Public `&self` methods of the inherent `impl Client` blocks.
fn client_methods(items: &[syn::Item]) -> impl Iterator<Item = &syn::ImplItemFn> {
    items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Impl(block)
                if block.trait_.is_none()
                    && self_ident(&block.self_ty).is_some_and(|i| i == "Client") =>
            {
                Some(&block.items)
            }
            _ => None,
        })
        .flatten()
        .filter_map(|item| match item {
            syn::ImplItem::Fn(f) if is_pub(&f.vis) && f.sig.receiver().is_some() => Some(f),
            _ => None,
        })
}

/// The methods of the inherent impls of `name` among `items`.
fn inherent_methods<'a>(items: &'a [syn::Item], name: &str) -> Vec<&'a syn::ImplItemFn> {
    impls_of(items, name, None)
}

/// The methods of the impls of `name`, inherent (`with_trait` None) or of the
/// trait whose last path segment is `with_trait`.
fn impls_of<'a>(
    items: &'a [syn::Item],
    name: &str,
    with_trait: Option<&str>,
) -> Vec<&'a syn::ImplItemFn> {
    items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Impl(block) if self_ident(&block.self_ty).is_some_and(|i| i == name) => {
                let implemented = block
                    .trait_
                    .as_ref()
                    .and_then(|(path, _)| path.segments.last())
                    .map(|s| s.ident.to_string());
                (implemented.as_deref() == with_trait).then_some(&block.items)
            }
            _ => None,
        })
        .flatten()
        .filter_map(|item| match item {
            syn::ImplItem::Fn(f) => Some(f),
            _ => None,
        })
        .collect()
}

/// Field → initial value in the first `Self { … }` expression of `block`.
fn struct_inits(block: &syn::Block) -> BTreeMap<String, syn::Expr> {
    struct Find(Option<BTreeMap<String, syn::Expr>>);
    impl<'ast> Visit<'ast> for Find {
        fn visit_expr_struct(&mut self, expr: &'ast syn::ExprStruct) {
            if self.0.is_none() && expr.path.is_ident("Self") {
                self.0 = Some(
                    expr.fields
                        .iter()
                        .filter_map(|field| match &field.member {
                            syn::Member::Named(name) => {
                                Some((name.to_string(), field.expr.clone()))
                            }
                            syn::Member::Unnamed(_) => None,
                        })
                        .collect(),
                );
            }
            syn::visit::visit_expr_struct(self, expr);
        }
    }
    let mut find = Find(None);
    find.visit_block(block);
    find.0.unwrap_or_default()
}

/// `Err(…)`: progenitor's marker for a value the caller has to supply.
fn is_err_call(expr: &syn::Expr) -> bool {
    let syn::Expr::Call(call) = expr else {
        return false;
    };
    matches!(&*call.func, syn::Expr::Path(path) if path.path.segments.last().is_some_and(|s| s.ident == "Err"))
}

/// The items of `types`, recording which type names each one mentions.
fn read_types(
    items: &[syn::Item],
    mentions: &mut BTreeMap<String, BTreeSet<String>>,
) -> BTreeMap<String, TypeDef> {
    let builders = module(items, "builder").unwrap_or_default();
    let mut types = BTreeMap::new();
    for item in items {
        let (name, def, mentioned_types) = match item {
            syn::Item::Struct(s) if is_pub(&s.vis) => {
                let name = s.ident.to_string();
                let mut names = BTreeSet::new();
                for field in &s.fields {
                    mentioned(&field.ty, &mut names);
                }
                let def = match &s.fields {
                    syn::Fields::Named(named) => {
                        let unset = must_set(builders, &name);
                        TypeDef::Struct(
                            named
                                .named
                                .iter()
                                .filter(|f| is_pub(&f.vis))
                                .filter_map(|f| {
                                    Some((f.ident.as_ref()?.to_string(), field(f, unset.as_ref())))
                                })
                                .collect(),
                        )
                    }
                    fields => TypeDef::Tuple(fields.iter().map(|f| render(&f.ty)).collect()),
                };
                (name, def, names)
            }
            syn::Item::Enum(e) if is_pub(&e.vis) => {
                let mut names = BTreeSet::new();
                for field in e.variants.iter().flat_map(|v| &v.fields) {
                    mentioned(&field.ty, &mut names);
                }
                let values = e
                    .variants
                    .iter()
                    .filter(|v| matches!(v.fields, syn::Fields::Unit))
                    .map(|v| {
                        let ident = v.ident.to_string();
                        (
                            serde_rename(&v.attrs).unwrap_or_else(|| ident.clone()),
                            ident,
                        )
                    })
                    .collect();
                let others = e
                    .variants
                    .iter()
                    .filter(|v| !matches!(v.fields, syn::Fields::Unit))
                    .map(|v| (v.ident.to_string(), payload(&v.fields)))
                    .collect();
                let non_exhaustive = e.attrs.iter().any(|a| a.path().is_ident("non_exhaustive"));
                (
                    e.ident.to_string(),
                    TypeDef::Enum {
                        values,
                        others,
                        non_exhaustive,
                    },
                    names,
                )
            }
            syn::Item::Type(t) if is_pub(&t.vis) => {
                let mut names = BTreeSet::new();
                mentioned(&t.ty, &mut names);
                (t.ident.to_string(), TypeDef::Alias(render(&t.ty)), names)
            }
            _ => continue,
        };
        mentions.insert(name.clone(), mentioned_types);
        types.insert(name, def);
    }
    types
}

/// A variant's fields, to follow its name: `(A, B)` or ` { a: A, b: B }`.
fn payload(fields: &syn::Fields) -> String {
    let each = fields.iter().map(|f| match &f.ident {
        Some(name) => format!("{name}: {}", render(&f.ty)),
        None => render(&f.ty),
    });
    let each: Vec<String> = each.collect();
    match fields {
        syn::Fields::Named(_) => format!(" {{ {} }}", each.join(", ")),
        _ => format!("({})", each.join(", ")),
    }
}

fn field(f: &syn::Field, unset: Option<&BTreeSet<String>>) -> Field {
    let inner = option_inner(&f.ty);
    let name = f
        .ident
        .as_ref()
        .map(ToString::to_string)
        .unwrap_or_default();
    Field {
        ty: render(&f.ty),
        inner: render(inner.unwrap_or(&f.ty)),
        optional: inner.is_some(),
        must_set: unset.map_or(inner.is_none(), |unset| unset.contains(&name)),
    }
}

/// The fields the builder of type `name` starts as errors (no default), when
/// that builder exists (`types::builder::<name>Builder`, or `<name>` as
/// generations before the builders were renamed had it).
fn must_set(builders: &[syn::Item], name: &str) -> Option<BTreeSet<String>> {
    let renamed = format!("{name}{}", crate::refine::builder_names::SUFFIX);
    let name = [renamed.as_str(), name].into_iter().find(|wanted| {
        builders
            .iter()
            .any(|item| matches!(item, syn::Item::Struct(s) if s.ident == wanted))
    })?;
    let defaults = impls_of(builders, name, Some("Default"));
    let inits = defaults
        .iter()
        .find(|f| f.sig.ident == "default")
        .map(|f| struct_inits(&f.block))
        .unwrap_or_default();
    Some(
        inits
            .into_iter()
            .filter(|(_, expr)| is_err_call(expr))
            .map(|(field, _)| field)
            .collect(),
    )
}

/// The string of `#[serde(rename = "…")]` among `attrs`.
fn serde_rename(attrs: &[syn::Attribute]) -> Option<String> {
    let mut renamed = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        // A serde attribute this reader does not understand names no wire value.
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                let value: syn::LitStr = meta.value()?.parse()?;
                renamed = Some(value.value());
            } else if meta.input.peek(syn::Token![=]) {
                meta.value()?.parse::<syn::Expr>()?;
            } else if !meta.input.is_empty() && !meta.input.peek(syn::Token![,]) {
                meta.parse_nested_meta(|_| Ok(()))?;
            }
            Ok(())
        });
    }
    renamed
}

/// The types reachable from `roots` through what each type mentions.
fn reachable(
    roots: BTreeSet<String>,
    mentions: &BTreeMap<String, BTreeSet<String>>,
    types: &BTreeMap<String, TypeDef>,
) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo: Vec<String> = roots.into_iter().collect();
    while let Some(name) = todo.pop() {
        if !types.contains_key(&name) || !seen.insert(name.clone()) {
            continue;
        }
        todo.extend(mentions.get(&name).into_iter().flatten().cloned());
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;

    /// progenitor's builder-interface shapes, with what the reader must
    /// tolerate: a header comment, extra impls and attributes, a non-unit
    /// catch-all variant, items after the modules.
    const MODULE: &str = r#"
// @generated by cargo xtask codegen — do not edit.
// generator fingerprint: 0123abcd
pub mod types {
    #[derive(Clone)]
    #[non_exhaustive]
    pub enum Status {
        #[serde(rename = "ACTIVE")]
        Active,
        #[serde(rename = "on-hold", alias = "hold")]
        OnHold,
        Plain,
        Unknown(String),
    }
    impl ::std::fmt::Debug for Widget {
        fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result { f.write_str("Widget") }
    }
    pub struct Widget {
        pub id: ::std::string::String,
        #[serde(rename = "type", default, skip_serializing_if = "::std::option::Option::is_none")]
        pub type_: ::std::option::Option<Status>,
        pub size: i64,
        hidden: bool,
    }
    pub struct WidgetId(pub ::std::string::String);
    pub type Ids = ::std::vec::Vec<WidgetId>;
    pub struct Report { pub widget: Widget }
    pub mod builder {
        pub struct Widget {
            id: ::std::result::Result<::std::string::String, ::std::string::String>,
            type_: ::std::result::Result<::std::option::Option<super::Status>, ::std::string::String>,
            size: ::std::result::Result<i64, ::std::string::String>,
        }
        impl ::std::default::Default for Widget {
            fn default() -> Self {
                Self {
                    id: Err("no value supplied for id".to_string()),
                    type_: Ok(Default::default()),
                    size: Ok(super::defaults::default_i64::<i64, 1>()),
                }
            }
        }
    }
}
pub struct Client { baseurl: String }
impl Client {
    pub fn new(baseurl: &str) -> Self { todo!() }
    pub fn baseurl(&self) -> &String { &self.baseurl }
}
impl Client {
    pub fn put_widget(&self) -> builder::PutWidget<'_> { builder::PutWidget::new(self) }
}
pub mod builder {
    pub struct PutWidget<'a> {
        client: &'a super::Client,
        widget_id: Result<types::WidgetId, String>,
        dry_run: Result<Option<bool>, String>,
        body: Result<types::builder::Widget, String>,
    }
    impl<'a> PutWidget<'a> {
        pub fn new(client: &'a super::Client) -> Self {
            Self {
                client,
                widget_id: Err("widget_id was not initialized".to_string()),
                dry_run: Ok(None),
                body: Ok(::std::default::Default::default()),
            }
        }
        pub async fn send(self) -> Result<ResponseValue<types::Report>, Error<()>> { todo!() }
    }
}
crate::operation::operation!(0usize, PutWidget -> types::Report);
"#;

    #[test]
    fn builders_give_parameters_their_requirement_and_send_its_response() {
        let surface = Surface::parse(MODULE).unwrap();
        assert_eq!(
            surface.operations.keys().collect::<Vec<_>>(),
            ["put_widget"]
        );
        let operation = &surface.operations["put_widget"];
        assert_eq!(operation.builder, "PutWidget");
        assert_eq!(operation.response, "Report");
        let params: Vec<(&str, &str, bool)> = operation
            .params
            .iter()
            .map(|(name, p)| (name.as_str(), p.ty.as_str(), p.required))
            .collect();
        assert_eq!(
            params,
            [
                ("body", "Widget", false),
                ("dry_run", "bool", false),
                ("widget_id", "WidgetId", true)
            ]
        );
    }

    #[test]
    fn enum_values_are_the_unit_variants_by_wire_name_and_the_rest_are_kept_apart() {
        let surface = Surface::parse(MODULE).unwrap();
        let TypeDef::Enum {
            values,
            others,
            non_exhaustive,
        } = &surface.types["Status"]
        else {
            panic!("Status is an enum");
        };
        assert!(*non_exhaustive);
        assert_eq!(
            others.iter().collect::<Vec<_>>(),
            [(&"Unknown".to_string(), &"(String)".to_string())]
        );
        let values: Vec<(&str, &str)> = values
            .iter()
            .map(|(wire, variant)| (wire.as_str(), variant.as_str()))
            .collect();
        assert_eq!(
            values,
            [
                ("ACTIVE", "Active"),
                ("Plain", "Plain"),
                ("on-hold", "OnHold")
            ]
        );
    }

    #[test]
    fn struct_fields_know_option_and_builder_defaults() {
        let surface = Surface::parse(MODULE).unwrap();
        let TypeDef::Struct(fields) = &surface.types["Widget"] else {
            panic!("Widget is a struct");
        };
        let read: Vec<(&str, &str, bool, bool)> = fields
            .iter()
            .map(|(name, f)| (name.as_str(), f.ty.as_str(), f.optional, f.must_set))
            .collect();
        assert_eq!(
            read,
            [
                ("id", "String", false, true),
                ("size", "i64", false, false),
                ("type_", "Option<Status>", true, false)
            ]
        );
        assert_eq!(
            surface.types["WidgetId"],
            TypeDef::Tuple(vec!["String".into()])
        );
        assert_eq!(surface.types["Ids"], TypeDef::Alias("Vec<WidgetId>".into()));
    }

    #[test]
    fn request_types_are_those_reachable_from_parameters() {
        let surface = Surface::parse(MODULE).unwrap();
        assert_eq!(
            surface.inputs.iter().collect::<Vec<_>>(),
            ["Status", "Widget", "WidgetId"]
        );
    }
}
