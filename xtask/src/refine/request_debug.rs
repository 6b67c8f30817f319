//! `Debug` of the `Client` and of every operation builder, without the
//! client's internals and with classified parameters redacted.
//!
//! progenitor derives `Debug` for both: a builder prints the whole `Client`
//! it borrows (the reqwest client's pool and settings) and every parameter as
//! given, so `{:?}` of a search by `partner_customer_id` printed the partner's
//! id for the person. A builder now prints its parameters only, classified
//! ones ([`crate::classification`]) as `[redacted]` with their presence kept,
//! and the `Client` prints its base URL and its (already redacting) config.

use quote::quote;

use super::redacted_debug::is_option;
use super::remove_derive;
use crate::classification::class_of;

/// Rewrites `Debug` of `Client` among `items` (the generated file) and of
/// every struct of its `builder` module that holds a `client`;
/// returns their names.
pub fn rewrite(items: &mut Vec<syn::Item>) -> Vec<String> {
    let mut changed = client(items);
    if let Some(builders) = super::module_mut(items, "builder") {
        changed.extend(builders_debug(builders));
    }
    changed
}

fn client(items: &mut Vec<syn::Item>) -> Vec<String> {
    let found = items.iter_mut().any(|item| match item {
        syn::Item::Struct(s) if s.ident == "Client" => remove_derive(&mut s.attrs, "Debug"),
        _ => false,
    });
    if !found {
        return Vec::new();
    }
    items.push(syn::parse_quote! {
        impl ::std::fmt::Debug for Client {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct("Client")
                    .field("base_url", &self.baseurl)
                    .field("config", &self.inner)
                    .finish_non_exhaustive()
            }
        }
    });
    vec!["Client".to_string()]
}

fn builders_debug(items: &mut Vec<syn::Item>) -> Vec<String> {
    let mut impls = Vec::new();
    let mut changed = Vec::new();
    for item in items.iter_mut() {
        let syn::Item::Struct(s) = item else { continue };
        let syn::Fields::Named(fields) = &s.fields else {
            continue;
        };
        let holds_client = fields
            .named
            .iter()
            .any(|field| field.ident.as_ref().is_some_and(|i| i == "client"));
        if !holds_client {
            continue;
        }
        let entries: Vec<proc_macro2::TokenStream> = fields
            .named
            .iter()
            .filter_map(|field| {
                let ident = field.ident.as_ref()?;
                if ident == "client" {
                    return None;
                }
                let label = ident.to_string().trim_start_matches("r#").to_string();
                Some(if class_of(&label).is_none() {
                    quote! { .field(#label, &self.#ident) }
                } else if holds_option(&field.ty) {
                    quote! { .field(#label, &self.#ident.as_ref().map(crate::redact::Redacted::option)) }
                } else {
                    quote! { .field(#label, &self.#ident.as_ref().map(|_| crate::redact::Redacted)) }
                })
            })
            .collect();
        if !remove_derive(&mut s.attrs, "Debug") {
            continue;
        }
        let name = &s.ident;
        let text = name.to_string();
        let generics = &s.generics;
        impls.push(syn::parse_quote! {
            impl #generics ::std::fmt::Debug for #name #generics {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.debug_struct(#text) #(#entries)* .finish_non_exhaustive()
                }
            }
        });
        changed.push(format!("builder::{text}"));
    }
    items.extend(impls);
    changed
}

/// Whether a field's type is `Result<Option<_>, _>` (an optional parameter).
fn holds_option(ty: &syn::Type) -> bool {
    let syn::Type::Path(path) = ty else {
        return false;
    };
    let Some(syn::PathArguments::AngleBracketed(args)) =
        path.path.segments.last().map(|s| &s.arguments)
    else {
        return false;
    };
    matches!(args.args.first(), Some(syn::GenericArgument::Type(ok)) if is_option(ok))
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::ToTokens;

    #[test]
    fn builders_print_parameters_without_the_client_classified_ones_redacted() {
        let mut file: syn::File = syn::parse_quote! {
            #[derive(Clone, Debug)]
            pub struct Client { pub(crate) baseurl: String, pub(crate) inner: Config }
            pub mod builder {
                #[derive(Debug, Clone)]
                pub struct GetOffer<'a> {
                    client: &'a super::Client,
                    partner_customer_id: Result<Option<::std::string::String>, String>,
                    customer_id: Result<crate::PathSegment, String>,
                    email: Result<::std::string::String, String>,
                }
                #[derive(Debug, Clone)]
                pub struct NotABuilder { name: String }
            }
        };
        assert_eq!(rewrite(&mut file.items), ["Client", "builder::GetOffer"]);
        let text = file.to_token_stream().to_string();
        assert!(
            text.contains("# [derive (Clone)] pub struct Client"),
            "{text}"
        );
        assert!(text.contains(". field (\"base_url\" , & self . baseurl) . field (\"config\" , & self . inner) . finish_non_exhaustive ()"), "{text}");
        assert!(
            text.contains("# [derive (Clone)] pub struct GetOffer"),
            "{text}"
        );
        assert!(
            text.contains("impl < 'a > :: std :: fmt :: Debug for GetOffer < 'a >"),
            "{text}"
        );
        assert!(text.contains("f . debug_struct (\"GetOffer\") . field (\"partner_customer_id\" , & self . partner_customer_id . as_ref () . map (crate :: redact :: Redacted :: option)) . field (\"customer_id\" , & self . customer_id) . field (\"email\" , & self . email . as_ref () . map (| _ | crate :: redact :: Redacted)) . finish_non_exhaustive ()"), "{text}");
        assert!(!text.contains("field (\"client\""), "{text}");
        assert!(
            text.contains("# [derive (Debug , Clone)] pub struct NotABuilder"),
            "{text}"
        );
    }
}
