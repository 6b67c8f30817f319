//! The operation index appended to the generated module.
//!
//! progenitor gives every operation a builder whose `send()` returns its own
//! success type, but no table of operations. The facade needs one (retry
//! classification, tracing path templates, pagination streams, typed errors), and
//! it must follow the spec without hand upkeep, so the xtask reads it off the
//! generated syntax tree and the normalized document and emits a table of
//! operations plus one invocation of the facade's `operation!` macro per builder
//! (and of `paginated!` per cursor-paginated one): data here, behaviour in the
//! facade. Every path it emits is absolute (`crate::generated::types::…`), so
//! the macros mean the same wherever they expand. A builder it cannot map is an
//! error naming it, never a skipped line.

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use serde_json::Value;
use syn::visit::Visit;

use crate::normalize::page_data::{CursorIn, cursor_location};
use crate::normalize::path_segments;
use crate::normalize::sensitive::REPLACEMENTS;
use crate::normalize::walk::{METHODS, escape};
use crate::safety::{Exceptions, Safety, SafetyError};

/// One operation as the facade sees it.
pub struct Entry {
    /// The spec's operationId.
    pub id: String,
    /// progenitor's name for it (`OperationInfo::operation_id`, snake case).
    pub name: String,
    /// Upper-case HTTP method.
    pub method: String,
    /// The path template.
    pub path: String,
    /// The generated builder type (in `builder`).
    pub builder: Ident,
    /// The success type `send()` returns inside `ResponseValue`.
    pub output: syn::Type,
    /// For cursor-paginated operations: where the cursor goes, the item type and
    /// the item's id field (the next page's cursor).
    pub pages: Option<(CursorIn, TokenStream, Ident)>,
    /// Whether the SDK may send it more than once.
    pub safety: Safety,
}

/// Why the index cannot describe the generated operations.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// A generated builder the index cannot map to an operation of the spec.
    #[error("builder `{builder}`: {reason}; the operation index cannot describe it")]
    Builder {
        /// The builder type (or the `impl` block's text when it has no name).
        builder: String,
        /// What could not be read.
        reason: &'static str,
    },
    /// An exception to the safety rule does not fit the spec's operations.
    #[error(transparent)]
    Safety(#[from] SafetyError),
}

/// All operations, plus the generated types.
pub struct Index {
    /// Operations in generation order.
    pub operations: Vec<Entry>,
    /// Number of items in the generated `types` module.
    pub types: usize,
    /// Each `components.schemas` name with the Rust type generated for it.
    pub components: Vec<(String, TokenStream)>,
}

impl Index {
    /// Reads the index off progenitor's output and the normalized document;
    /// each operation's safety follows the rule with `exceptions`.
    pub fn build(
        file: &syn::File,
        doc: &Value,
        exceptions: &Exceptions<'_>,
    ) -> Result<Index, IndexError> {
        let types = module(&file.items, "types").unwrap_or_default();
        let builders = module(&file.items, "builder").unwrap_or_default();
        let mut operations = Vec::new();
        for item in builders {
            let syn::Item::Impl(block) = item else {
                continue;
            };
            // Builders are the impl blocks with a `send()`; others (none today)
            // are helpers the index has nothing to say about.
            let Some(send) = block.items.iter().find_map(|item| match item {
                syn::ImplItem::Fn(f) if f.sig.ident == "send" => Some(f),
                _ => None,
            }) else {
                continue;
            };
            let builder = self_ident(&block.self_ty).ok_or_else(|| IndexError::Builder {
                builder: quote::ToTokens::to_token_stream(&block.self_ty).to_string(),
                reason: "its type has no name",
            })?;
            let fail = |reason| IndexError::Builder {
                builder: builder.to_string(),
                reason,
            };
            let name =
                operation_id(send).ok_or_else(|| fail("its send() names no `operation_id`"))?;
            let output = success_type(&send.sig.output)
                .ok_or_else(|| fail("its send() does not return Result<ResponseValue<T>, _>"))?;
            let (id, method, path) = locate(doc, &name)
                .ok_or_else(|| fail("no operation of the spec has its operation_id"))?;
            let at = format!("/paths/{}/{}", escape(&path), method.to_ascii_lowercase());
            let pages = match cursor_location(doc, &at) {
                None => None,
                Some(cursor) => {
                    let (item, id) = page_item(types, &output).ok_or_else(|| {
                        fail("it takes `starting_after` but its response has no `data` of items with an id")
                    })?;
                    Some((cursor, item, id))
                }
            };
            operations.push(Entry {
                id,
                name,
                method,
                path,
                builder,
                output,
                pages,
                // Set below, once every operation is known.
                safety: Safety::Unsafe,
            });
        }
        let sent: Vec<(&str, &str)> = operations
            .iter()
            .map(|entry| (entry.id.as_str(), entry.method.as_str()))
            .collect();
        let safeties = exceptions.classify(&sent)?;
        for (entry, safety) in operations.iter_mut().zip(safeties) {
            entry.safety = safety;
        }
        let components = component_types(types, doc);
        let types = types
            .iter()
            .filter(|item| {
                matches!(
                    item,
                    syn::Item::Struct(_) | syn::Item::Enum(_) | syn::Item::Type(_)
                )
            })
            .count();
        Ok(Index {
            operations,
            types,
            components,
        })
    }

    /// The items appended to the generated file: the `OPERATIONS` table, then
    /// one `operation!` invocation per builder and one `paginated!` per
    /// cursor-paginated builder.
    pub fn items(&self) -> Vec<syn::Item> {
        let count = self.operations.len();
        let metas = self.operations.iter().map(|entry| {
            let Entry { id, name, method, path, pages, safety, .. } = entry;
            let cursor = match pages {
                Some((CursorIn::Query, ..)) => quote! { Some(crate::meta::PageParams::Query) },
                Some((CursorIn::Body, ..)) => quote! { Some(crate::meta::PageParams::Body) },
                None => quote! { None },
            };
            let safety = match safety {
                Safety::Safe => quote! { crate::meta::Safety::Safe },
                Safety::Unsafe => quote! { crate::meta::Safety::Unsafe },
            };
            quote! {
                crate::meta::OperationMeta {
                    id: #id, name: #name, method: #method, path: #path, page_params: #cursor, safety: #safety
                }
            }
        });
        let table = quote! {
            /// Every operation of `openapi.yaml`, in generation order (emitted by `cargo xtask codegen`).
            pub const OPERATIONS: [crate::meta::OperationMeta; #count] = [#(#metas),*];
        };
        let schemas = self
            .components
            .iter()
            .map(|(name, ty)| quote! { (#name, ::schemars::schema_for!(#ty)) });
        let components = quote! {
            /// The JSON Schema of the Rust type generated for each `components.schemas`
            /// entry of `openapi.yaml`, by component name (emitted by `cargo xtask codegen`).
            #[cfg(feature = "schemars")]
            pub fn component_schemas() -> ::std::vec::Vec<(&'static str, ::schemars::Schema)> {
                ::std::vec![#(#schemas),*]
            }
        };
        let mut items = vec![
            syn::parse2(table).expect("the operation table is a valid item"),
            syn::parse2(components).expect("the component schema list is a valid item"),
        ];
        for (index, entry) in self.operations.iter().enumerate() {
            let Entry {
                builder,
                output,
                pages,
                ..
            } = entry;
            let output = absolute(output);
            let invocation = quote! { crate::operation::operation!(#index, #builder -> #output); };
            items.push(syn::parse2(invocation).expect("an operation! invocation is a valid item"));
            if let Some((cursor, item, id)) = pages {
                let params = Ident::new(
                    if *cursor == CursorIn::Body {
                        "body"
                    } else {
                        "query"
                    },
                    Span::call_site(),
                );
                let invocation =
                    quote! { crate::pagination::paginated!(#builder, #params, #item, #id); };
                items.push(
                    syn::parse2(invocation).expect("a paginated! invocation is a valid item"),
                );
            }
        }
        items
    }
}

/// The generated type of each component schema: typify names them in Pascal case;
/// the sensitive-field components are replaced by the facade's types.
fn component_types(types: &[syn::Item], doc: &Value) -> Vec<(String, TokenStream)> {
    let defined: Vec<String> = types
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(s) => Some(s.ident.to_string()),
            syn::Item::Enum(e) => Some(e.ident.to_string()),
            syn::Item::Type(t) => Some(t.ident.to_string()),
            _ => None,
        })
        .collect();
    let names = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(name, _)| name);
    names
        .filter_map(|name| {
            if let Some((_, rust)) = REPLACEMENTS
                .iter()
                .chain([&path_segments::REPLACEMENT])
                .find(|(schema, _)| schema == name)
            {
                return Some((name.clone(), rust.parse().ok()?));
            }
            // A component named like a facade type was generated as `<name>Body`.
            let ident = [
                name.clone(),
                name.to_upper_camel_case(),
                format!("{}Body", name.to_upper_camel_case()),
            ]
            .into_iter()
            .find(|candidate| defined.contains(candidate))?;
            let ident = Ident::new(&ident, Span::call_site());
            Some((name.clone(), quote! { types::#ident }))
        })
        .collect()
}

/// A type named relative to the generated module (`types::Customer`), made
/// absolute (`crate::generated::types::Customer`); absolute paths, `()` and
/// other shapes stay as they are.
fn absolute(ty: &syn::Type) -> TokenStream {
    match ty {
        syn::Type::Path(path)
            if path.qself.is_none()
                && path.path.leading_colon.is_none()
                && path
                    .path
                    .segments
                    .first()
                    .is_some_and(|s| s.ident != "crate" && s.ident != "std") =>
        {
            quote! { crate::generated::#ty }
        }
        other => quote! { #other },
    }
}

/// The items of the inline module `name` among `items`.
pub(crate) fn module<'a>(items: &'a [syn::Item], name: &str) -> Option<&'a [syn::Item]> {
    items.iter().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == name => m.content.as_ref().map(|(_, items)| &items[..]),
        _ => None,
    })
}

/// The last path segment of `ty`: the name of the type it denotes.
pub(crate) fn self_ident(ty: &syn::Type) -> Option<Ident> {
    match ty {
        syn::Type::Path(path) => path.path.segments.last().map(|s| s.ident.clone()),
        _ => None,
    }
}

/// `Result<ResponseValue<T>, Error<E>>` → `T`.
fn success_type(output: &syn::ReturnType) -> Option<syn::Type> {
    let syn::ReturnType::Type(_, ty) = output else {
        return None;
    };
    let result = generic_arg(ty, 0)?;
    generic_arg(&result, 0)
}

fn generic_arg(ty: &syn::Type, index: usize) -> Option<syn::Type> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let syn::PathArguments::AngleBracketed(args) = &path.path.segments.last()?.arguments else {
        return None;
    };
    args.args
        .iter()
        .filter_map(|arg| match arg {
            syn::GenericArgument::Type(t) => Some(t.clone()),
            _ => None,
        })
        .nth(index)
}

/// The `operation_id: "…"` literal in the body of `send()`.
fn operation_id(send: &syn::ImplItemFn) -> Option<String> {
    struct Find(Option<String>);
    impl<'ast> Visit<'ast> for Find {
        fn visit_field_value(&mut self, field: &'ast syn::FieldValue) {
            if let (syn::Member::Named(name), syn::Expr::Lit(lit)) = (&field.member, &field.expr)
                && let syn::Lit::Str(s) = &lit.lit
                && name == "operation_id"
            {
                self.0 = Some(s.value());
            }
            syn::visit::visit_field_value(self, field);
        }
    }
    let mut find = Find(None);
    find.visit_block(&send.block);
    find.0
}

/// The operationId, method and path template of the operation progenitor calls
/// `name` (it snake-cases operationIds with `heck`, as this does).
fn locate(doc: &Value, name: &str) -> Option<(String, String, String)> {
    doc.get("paths")?
        .as_object()?
        .iter()
        .find_map(|(path, item)| {
            METHODS.iter().find_map(|method| {
                let id = item.get(*method)?.get("operationId")?.as_str()?;
                (id.to_snake_case() == name)
                    .then(|| (id.to_string(), method.to_ascii_uppercase(), path.clone()))
            })
        })
}

/// The item type `T` of the `data: Vec<T>` field of the page struct `output`,
/// and the field of `T` that identifies an item: `id`, or else `<item>_id`
/// (`OrderEvent` → `order_event_id`).
fn page_item(types: &[syn::Item], output: &syn::Type) -> Option<(TokenStream, Ident)> {
    let fields_of = |name: &Ident| {
        types.iter().find_map(|item| match item {
            syn::Item::Struct(s) if s.ident == *name => Some(&s.fields),
            _ => None,
        })
    };
    let data = fields_of(&self_ident(output)?)?
        .iter()
        .find(|f| f.ident.as_ref().is_some_and(|i| i == "data"))?;
    let item = generic_arg(&data.ty, 0)?;
    let syn::Type::Path(path) = &item else {
        return None;
    };
    // Types named without a path live in `types`; anything else is already absolute.
    if path.path.leading_colon.is_some() || path.path.segments.len() != 1 {
        return None;
    }
    // Follow transparent newtypes (`OrderEvent(OrderEventBase)`): field access
    // reaches the inner struct's fields through `Deref`.
    let mut names = vec![path.path.segments[0].ident.clone()];
    while let Some(syn::Fields::Unnamed(inner)) = fields_of(names.last()?) {
        let [field] = inner.unnamed.iter().collect::<Vec<_>>()[..] else {
            break;
        };
        let next = self_ident(&field.ty)?;
        if names.contains(&next) {
            break;
        }
        names.push(next);
    }
    let wanted: Vec<String> = std::iter::once("id".to_string())
        .chain(
            names
                .iter()
                .map(|n| format!("{}_id", n.to_string().to_snake_case())),
        )
        .collect();
    let fields = fields_of(names.last()?)?;
    let id = wanted
        .iter()
        .find_map(|w| {
            fields
                .iter()
                .find_map(|f| f.ident.as_ref().filter(|i| *i == w))
        })?
        .clone();
    Some((quote! { crate::generated::types::#item }, id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::test_support::yaml;
    use crate::safety::EXCEPTIONS;
    use quote::ToTokens;

    const NONE: Exceptions<'static> = Exceptions::NONE;

    #[test]
    fn reads_builders_and_pagination_off_the_syntax_tree() {
        let file: syn::File = syn::parse_quote! {
            pub mod types {
                pub struct Page { pub data: ::std::vec::Vec<Thing>, pub has_more: Option<bool> }
                pub struct Thing(pub ThingBase);
                pub struct ThingBase { pub thing_id: Option<String> }
            }
            pub mod builder {
                pub struct ListThings<'a> { client: &'a super::Client }
                impl<'a> ListThings<'a> {
                    pub async fn send(self) -> Result<ResponseValue<types::Page>, Error<()>> {
                        let info = OperationInfo { operation_id: "list_things" };
                        todo!()
                    }
                }
            }
        };
        let doc = yaml(
            "paths: { /things: { get: { operationId: listThings, parameters: [ { name: starting_after, in: query } ] } } }
components: { schemas: { Thing: {}, Ssn: {}, Missing: {} } }",
        );
        let index = Index::build(&file, &doc, &NONE).unwrap();
        assert_eq!(index.types, 3);
        let entry = &index.operations[0];
        assert_eq!(
            (
                entry.id.as_str(),
                entry.method.as_str(),
                entry.path.as_str()
            ),
            ("listThings", "GET", "/things")
        );
        assert_eq!(entry.builder, "ListThings");
        let (cursor, item, id) = entry.pages.as_ref().unwrap();
        assert_eq!(*cursor, CursorIn::Query);
        assert_eq!(item.to_string(), "crate :: generated :: types :: Thing");
        assert_eq!(id, "thing_id");
        let components: Vec<(String, String)> = index
            .components
            .iter()
            .map(|(n, t)| (n.clone(), t.to_string()))
            .collect();
        assert_eq!(
            components,
            [
                ("Thing".into(), "types :: Thing".into()),
                ("Ssn".into(), "crate :: Ssn".into())
            ]
        );
        let emitted: Vec<String> = index
            .items()
            .iter()
            .map(|item| item.to_token_stream().to_string())
            .collect();
        assert_eq!(
            emitted[2],
            "crate :: operation :: operation ! (0usize , ListThings -> crate :: generated :: types :: Page) ;"
        );
        assert_eq!(
            emitted[3],
            "crate :: pagination :: paginated ! (ListThings , query , crate :: generated :: types :: Thing , thing_id) ;"
        );
        assert!(emitted[0].contains("id : \"listThings\" , name : \"list_things\" , method : \"GET\" , path : \"/things\" , page_params : Some (crate :: meta :: PageParams :: Query) , safety : crate :: meta :: Safety :: Safe"), "{}", emitted[0]);
    }

    #[test]
    fn a_builder_the_spec_does_not_know_is_an_error_naming_it() {
        let file: syn::File = syn::parse_quote! {
            pub mod builder {
                pub struct Orphan<'a> { client: &'a super::Client }
                impl<'a> Orphan<'a> {
                    pub async fn send(self) -> Result<ResponseValue<types::Thing>, Error<()>> {
                        let info = OperationInfo { operation_id: "orphan" };
                        todo!()
                    }
                }
            }
        };
        let error = Index::build(&file, &yaml("paths: {}"), &NONE)
            .err()
            .unwrap();
        assert_eq!(
            error.to_string(),
            "builder `Orphan`: no operation of the spec has its operation_id; the operation index cannot describe it"
        );
    }

    #[test]
    fn an_exception_naming_an_operation_the_spec_lacks_is_an_error() {
        let file: syn::File = syn::parse_quote! {
            pub mod builder {
                pub struct CreateThing<'a> { client: &'a super::Client }
                impl<'a> CreateThing<'a> {
                    pub async fn send(self) -> Result<ResponseValue<()>, Error<()>> {
                        let info = OperationInfo { operation_id: "create_thing" };
                        todo!()
                    }
                }
            }
        };
        let doc = yaml("paths: { /things: { post: { operationId: createThing } } }");
        let index = Index::build(&file, &doc, &NONE).unwrap();
        assert_eq!(index.operations[0].safety, Safety::Unsafe);
        let error = Index::build(&file, &doc, &EXCEPTIONS).err().unwrap();
        assert_eq!(
            error.to_string(),
            "the safety exception `searchCustomersPost` (in READ_ONLY_POSTS, xtask/src/safety.rs): no operation of the spec has this operationId"
        );
    }
}
