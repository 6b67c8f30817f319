//! Setters of optional text and timestamp fields in generated body builders
//! take `&str`.
//!
//! typify's setter for an `Option<String>` field is bounded by
//! `T: TryInto<Option<String>>`, which `&str` does not satisfy, so
//! `.partner_customer_id("P1")` fails to compile with an error pointing into
//! the generated code. Such setters (and those of string newtypes that convert
//! from `String`, and of timestamps) are rebounded on the facade's
//! `crate::IntoOptional`, which takes the value, an `Option` of it, `String`,
//! `&String` and `&str` (text a timestamp refuses fails validation, naming the
//! field); a string newtype also gets the identity conversion, so passing it
//! still works.

use quote::ToTokens;

use super::impl_of;

/// The text types whose optional setters are rebounded, besides the string
/// newtypes: `String`, and the facade's `Timestamp` (made from RFC 3339 text).
const STRING: &str = "::std::string::String";
const TIMESTAMP: &str = "crate::Timestamp";

/// Rebounds the optional text setters of the `builder` module among `types`
/// (the generated `types` module, whose string newtypes they may set); returns
/// `Type::setter` for each.
pub fn rebound_in(types: &mut [syn::Item]) -> Vec<String> {
    let newtypes = string_newtypes(types);
    match super::module_mut(types, "builder") {
        Some(builders) => rebound(&newtypes, builders),
        None => Vec::new(),
    }
}

/// The types among `types` that convert from `String` (typify's string
/// newtypes), by name.
pub(super) fn string_newtypes(types: &[syn::Item]) -> Vec<String> {
    types
        .iter()
        .filter_map(|item| match item {
            syn::Item::Impl(block) => match (impl_of(block)?, &block.trait_) {
                ((name, Some(t)), Some((path, _)))
                    if t == "From" && path.to_token_stream().to_string().contains("String") =>
                {
                    Some(name)
                }
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// Rewrites the setters in `builders` whose field is an optional string or
/// one of the string `newtypes`; returns `Type::setter` for each.
fn rebound(newtypes: &[String], builders: &mut Vec<syn::Item>) -> Vec<String> {
    let mut changed = Vec::new();
    let mut identities = Vec::new();
    for item in builders.iter_mut() {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        let Some((owner, None)) = impl_of(block) else {
            continue;
        };
        for member in &mut block.items {
            let syn::ImplItem::Fn(setter) = member else {
                continue;
            };
            let Some(inner) = optional_target(setter) else {
                continue;
            };
            let inner_name = inner.to_token_stream().to_string();
            let newtype = newtypes
                .iter()
                .find(|n| inner_name.ends_with(&format!(":: {n}")) || inner_name == **n);
            let is_text = [STRING, TIMESTAMP].contains(&inner_name.replace(' ', "").as_str());
            if !is_text && newtype.is_none() {
                continue;
            }
            if let Some(newtype) = newtype
                && !identities.contains(newtype)
            {
                identities.push(newtype.clone());
            }
            let field = &setter.sig.ident;
            setter.sig.generics.where_clause =
                Some(syn::parse_quote!(where T: crate::IntoOptional<#inner>));
            // The message typify's own setters give, which validation reads
            // the field's name from.
            let failed = format!("error converting supplied value for {field}: {{e}}");
            setter.block = syn::parse_quote!({
                self.#field = crate::IntoOptional::into_optional(value).map_err(|e| format!(#failed));
                self
            });
            changed.push(format!("{owner}::{field}"));
        }
    }
    for name in identities {
        let ident = quote::format_ident!("{name}");
        builders.push(syn::parse_quote! {
            impl crate::IntoOptional<super::#ident> for super::#ident {
                fn into_optional(self) -> ::std::result::Result<::std::option::Option<Self>, ::std::string::String> {
                    ::std::result::Result::Ok(::std::option::Option::Some(self))
                }
            }
        });
    }
    changed
}

/// `Y` when the setter is `fn f<T>(mut self, value: T) -> Self where T: TryInto<Option<Y>>, …`.
fn optional_target(setter: &syn::ImplItemFn) -> Option<syn::Type> {
    let syn::Type::Path(option) = super::client_docs::into_type(&setter.sig)? else {
        return None;
    };
    let last = option
        .path
        .segments
        .last()
        .filter(|s| s.ident == "Option")?;
    let syn::PathArguments::AngleBracketed(inner) = &last.arguments else {
        return None;
    };
    match inner.args.first()? {
        syn::GenericArgument::Type(ty) => Some(ty.clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn optional_text_setters_take_into_optional() {
        let types: syn::File = syn::parse_quote! {
            pub struct PartnerId(pub ::std::string::String);
            impl ::std::convert::From<::std::string::String> for PartnerId { fn from(v: ::std::string::String) -> Self { Self(v) } }
        };
        let mut builders: syn::File = syn::parse_quote! {
            impl Body {
                pub fn note<T>(mut self, value: T) -> Self
                where T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>, T::Error: ::std::fmt::Display,
                { self.note = value.try_into().map_err(|e| format!("{e}")); self }
                pub fn partner<T>(mut self, value: T) -> Self
                where T: ::std::convert::TryInto<::std::option::Option<super::PartnerId>>, T::Error: ::std::fmt::Display,
                { self.partner = value.try_into().map_err(|e| format!("{e}")); self }
                pub fn count<T>(mut self, value: T) -> Self
                where T: ::std::convert::TryInto<::std::option::Option<i64>>, T::Error: ::std::fmt::Display,
                { self.count = value.try_into().map_err(|e| format!("{e}")); self }
                pub fn when<T>(mut self, value: T) -> Self
                where T: ::std::convert::TryInto<::std::option::Option<crate::Timestamp>>, T::Error: ::std::fmt::Display,
                { self.when = value.try_into().map_err(|e| format!("{e}")); self }
            }
        };
        let changed = rebound(&string_newtypes(&types.items), &mut builders.items);
        assert_eq!(changed, ["Body::note", "Body::partner", "Body::when"]);
        let text = builders.to_token_stream().to_string();
        assert!(text.contains("where T : crate :: IntoOptional < :: std :: string :: String > { self . note = crate :: IntoOptional :: into_optional (value) . map_err (| e | format ! (\"error converting supplied value for note: {e}\")) ; self }"), "{text}");
        assert!(
            text.contains("where T : crate :: IntoOptional < crate :: Timestamp >"),
            "{text}"
        );
        assert!(
            text.contains(
                "impl crate :: IntoOptional < super :: PartnerId > for super :: PartnerId"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "where T : :: std :: convert :: TryInto < :: std :: option :: Option < i64 > >"
            ),
            "{text}"
        );
    }

    #[test]
    fn the_setters_of_the_types_builders_are_rebound_with_the_types_newtypes() {
        let mut types: syn::File = syn::parse_quote! {
            pub struct PartnerId(pub ::std::string::String);
            impl ::std::convert::From<::std::string::String> for PartnerId { fn from(v: ::std::string::String) -> Self { Self(v) } }
            pub mod builder {
                impl Body {
                    pub fn partner<T>(mut self, value: T) -> Self
                    where T: ::std::convert::TryInto<::std::option::Option<super::PartnerId>>, T::Error: ::std::fmt::Display,
                    { self.partner = value.try_into().map_err(|e| format!("{e}")); self }
                }
            }
        };
        assert_eq!(rebound_in(&mut types.items), ["Body::partner"]);
        let mut without_builders: syn::File = syn::parse_quote! { pub struct PartnerId; };
        assert!(rebound_in(&mut without_builders.items).is_empty());
    }
}
