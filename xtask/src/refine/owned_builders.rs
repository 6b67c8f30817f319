//! Operation builders that own their client, so a builder, its future and its
//! pagination stream are `'static`: they can be spawned, stored and returned
//! without tying them to the `Client` they came from.
//!
//! progenitor's builders borrow it (`SearchCustomers<'a> { client: &'a
//! Client }`), so `tokio::spawn(client.search_customers().stream()…)` failed
//! with E0597 and a function returning a stream needed a self-referencing
//! wrapper. A `Client` is a base URL, a reqwest client (a reference count) and
//! its config (a few reference-counted header values): cloning it into each
//! builder costs one small allocation, next to a request's hundreds.

use std::collections::BTreeSet;

use syn::visit_mut::{self, VisitMut};

/// Makes every builder of the `builder` module among `items` (the generated
/// file) hold a `super::Client` instead of borrowing one, and drops the
/// lifetime from the builders' impls and from the `Client` methods returning
/// them; returns the builders changed.
pub fn own(items: &mut [syn::Item]) -> Vec<String> {
    let Some(builders) = super::module_mut(items, "builder") else {
        return Vec::new();
    };
    let owned: BTreeSet<String> = builders.iter_mut().filter_map(own_client_field).collect();
    let mut unborrow = Unborrow { owned: &owned };
    for item in builders.iter_mut() {
        if let syn::Item::Impl(block) = item
            && super::impl_of(block).is_some_and(|(name, _)| owned.contains(&name))
        {
            block.generics = syn::Generics::default();
            for member in &mut block.items {
                if let syn::ImplItem::Fn(function) = member
                    && function.sig.ident == "new"
                {
                    clone_client_in(function);
                }
            }
        }
        unborrow.visit_item_mut(item);
    }
    for item in items.iter_mut() {
        unborrow.visit_item_mut(item);
    }
    owned
        .into_iter()
        .map(|name| format!("builder::{name}"))
        .collect()
}

/// When `item` is a struct with a field `client: &'a super::Client`, makes
/// the field `super::Client`, drops the struct's generics and returns its name.
fn own_client_field(item: &mut syn::Item) -> Option<String> {
    let syn::Item::Struct(s) = item else {
        return None;
    };
    let syn::Fields::Named(fields) = &mut s.fields else {
        return None;
    };
    let field = fields
        .named
        .iter_mut()
        .find(|f| f.ident.as_ref().is_some_and(|i| i == "client"))?;
    let syn::Type::Reference(reference) = &field.ty else {
        return None;
    };
    field.ty = (*reference.elem).clone();
    s.generics = syn::Generics::default();
    Some(s.ident.to_string())
}

/// In a builder's `new(client: &'a super::Client)`: the argument loses its
/// lifetime, and the struct literal's `client` field takes a clone.
fn clone_client_in(function: &mut syn::ImplItemFn) {
    for input in &mut function.sig.inputs {
        if let syn::FnArg::Typed(arg) = input
            && let syn::Type::Reference(reference) = &mut *arg.ty
        {
            reference.lifetime = None;
        }
    }
    struct CloneClient;
    impl VisitMut for CloneClient {
        fn visit_field_value_mut(&mut self, field: &mut syn::FieldValue) {
            if matches!(&field.member, syn::Member::Named(i) if i == "client") {
                field.expr = syn::parse_quote!(client.clone());
                field.colon_token = Some(Default::default());
            }
        }
    }
    CloneClient.visit_block_mut(&mut function.block);
}

/// Drops the lifetime argument from every path naming an owned builder
/// (`builder::SearchCustomers<'_>` → `builder::SearchCustomers`).
struct Unborrow<'a> {
    owned: &'a BTreeSet<String>,
}

impl VisitMut for Unborrow<'_> {
    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        if let Some(last) = path.segments.last_mut()
            && self.owned.contains(&last.ident.to_string())
        {
            last.arguments = syn::PathArguments::None;
        }
        visit_mut::visit_path_mut(self, path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::ToTokens;

    #[test]
    fn builders_hold_a_client_and_lose_their_lifetime() {
        let mut file: syn::File = syn::parse_quote! {
            pub struct Client { baseurl: String }
            impl Client {
                pub fn get_thing(&self) -> builder::GetThing<'_> { builder::GetThing::new(self) }
            }
            pub mod builder {
                pub struct GetThing<'a> {
                    client: &'a super::Client,
                    id: Result<String, String>,
                }
                impl<'a> GetThing<'a> {
                    pub fn new(client: &'a super::Client) -> Self {
                        Self { client: client, id: Err("no id".to_string()) }
                    }
                    pub async fn send(self) -> Result<(), ()> {
                        let Self { client, id } = self;
                        Ok(())
                    }
                }
                pub struct Other<'a> { value: &'a str }
            }
        };
        assert_eq!(own(&mut file.items), ["builder::GetThing"]);
        let text = file.to_token_stream().to_string();
        assert!(text.contains("-> builder :: GetThing {"), "{text}");
        assert!(
            text.contains("pub struct GetThing { client : super :: Client ,"),
            "{text}"
        );
        assert!(text.contains("impl GetThing {"), "{text}");
        assert!(
            text.contains("pub fn new (client : & super :: Client) -> Self { Self { client : client . clone () ,"),
            "{text}"
        );
        assert!(
            text.contains("pub struct Other < 'a > { value : & 'a str }"),
            "a struct without a client keeps its borrow: {text}"
        );
    }

    #[test]
    fn a_file_without_builders_is_left_alone() {
        let mut file: syn::File = syn::parse_quote! { pub struct Client; };
        assert!(own(&mut file.items).is_empty());
    }
}
