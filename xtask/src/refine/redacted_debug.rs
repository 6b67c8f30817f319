//! `Debug` that prints classified fields redacted.
//!
//! A generated struct with a field the classification table names
//! ([`crate::classification`]: secrets and personal data, by JSON name) loses
//! its derived `Debug` for one that prints `[redacted]` in that field's place
//! (`Some([redacted])` or `None` for an optional one, so presence stays
//! visible). The values stay readable through the fields and serialize
//! unchanged. Builder structs are treated alike.

use quote::{format_ident, quote};

use super::{remove_derive, serde_name};
use crate::classification::class_of;

/// Rewrites `Debug` of every struct among `items` that holds a classified
/// field; returns their names. `listing` names the test-only macro that lists
/// them, when the module's types can be built by deserializing.
pub fn redact(items: &mut Vec<syn::Item>, listing: Option<&str>) -> Vec<String> {
    let mut impls = Vec::new();
    let mut redacted = Vec::new();
    for item in items.iter_mut() {
        let syn::Item::Struct(s) = item else { continue };
        let syn::Fields::Named(fields) = &s.fields else {
            continue;
        };
        let classified = |field: &syn::Field| {
            let ident = field.ident.as_ref().expect("named fields have names");
            class_of(&serde_name(&field.attrs, ident)).is_some()
        };
        if !fields.named.iter().any(classified) {
            continue;
        }
        let entries = fields.named.iter().map(|field| {
            let ident = field.ident.as_ref().expect("named fields have names");
            let label = ident.to_string().trim_start_matches("r#").to_string();
            if !classified(field) {
                quote! { .field(#label, &self.#ident) }
            } else if is_option(&field.ty) {
                quote! { .field(#label, &crate::redact::Redacted::option(&self.#ident)) }
            } else {
                quote! { .field(#label, &crate::redact::Redacted) }
            }
        });
        if !remove_derive(&mut s.attrs, "Debug") {
            continue;
        }
        let name = &s.ident;
        let text = name.to_string();
        impls.push(syn::parse_quote! {
            impl ::std::fmt::Debug for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.debug_struct(#text) #(#entries)* .finish()
                }
            }
        });
        redacted.push(text);
    }
    items.extend(impls);
    if let Some(listing) = listing.filter(|_| !redacted.is_empty()) {
        let calls: Vec<proc_macro2::TokenStream> = redacted
            .iter()
            .map(|name| {
                let ident = format_ident!("{name}");
                quote! { $m!(#ident); }
            })
            .collect();
        items.extend(super::test_listing(
            listing,
            "every type whose Debug redacts classified fields",
            &calls,
        ));
    }
    redacted
}

/// Whether `ty` is an `Option<_>`.
pub(super) fn is_option(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Option"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::ToTokens;

    #[test]
    fn classified_fields_print_redacted_others_as_they_are() {
        let mut file: syn::File = syn::parse_quote! {
            #[derive(Clone, Debug)]
            pub struct Customer {
                pub id: String,
                pub email: ::std::option::Option<String>,
                #[serde(rename = "ssn4")]
                pub last_four: String,
            }
            #[derive(Clone, Debug)]
            pub struct Merchant { pub name: String }
        };
        assert_eq!(redact(&mut file.items, None), ["Customer"]);
        let text = file.to_token_stream().to_string();
        assert!(
            text.contains("# [derive (Clone)] pub struct Customer"),
            "{text}"
        );
        assert!(text.contains("f . debug_struct (\"Customer\") . field (\"id\" , & self . id) . field (\"email\" , & crate :: redact :: Redacted :: option (& self . email)) . field (\"last_four\" , & crate :: redact :: Redacted) . finish ()"), "{text}");
        assert!(
            text.contains("# [derive (Clone , Debug)] pub struct Merchant"),
            "{text}"
        );
    }
}
