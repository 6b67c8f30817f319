//! Enums of strings that decode values the spec does not list.
//!
//! Imprint adds statuses and kinds without a version change. typify's enums are
//! closed, so one new value fails the whole response (a search page, a
//! webhook). Each enum of unit variants gets a last variant
//! `Unlisted(crate::UnknownValue)`, tried only when no listed value matches
//! (`#[serde(untagged)]`), kept as the raw string, serialized back unchanged;
//! `Display`, `FromStr` and a new `as_str()` agree on it. The enum becomes
//! `#[non_exhaustive]` and loses `Copy` (the variant holds a string).
//!
//! `UnknownValue` cannot be built outside the SDK, so matching on a value that
//! later becomes a listed variant is not possible: a user's `match` never changes
//! arm silently when the SDK learns a value (aws-sdk-rust's rule).
//!
//! The variant is `Unlisted` rather than the usual `Unknown` because specs use
//! `UNKNOWN` as a real value (`PurchaseMethod` does): a name that a new listed
//! value is unlikely to take keeps the catch-all's name stable across spec
//! changes. A spec value that does take it is an error naming the enum.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{impl_of, remove_derive, serde_name};

/// The catch-all variant's name.
pub const VARIANT: &str = "Unlisted";

/// Opens every enum of unit variants that has a `FromStr` impl; returns their
/// names, or the enum whose listed values already use [`VARIANT`].
pub fn open(items: &mut Vec<syn::Item>) -> Result<Vec<String>, String> {
    let parsed: Vec<String> = items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Impl(block) => match impl_of(block)? {
                (name, Some(t)) if t == "FromStr" => Some(name),
                _ => None,
            },
            _ => None,
        })
        .collect();
    let mut opened = Vec::new();
    for item in items.iter_mut() {
        let syn::Item::Enum(e) = item else { continue };
        let name = e.ident.to_string();
        let unit = !e.variants.is_empty()
            && e.variants
                .iter()
                .all(|v| matches!(v.fields, syn::Fields::Unit));
        if !unit || !parsed.contains(&name) {
            continue;
        }
        if e.variants.iter().any(|v| v.ident == VARIANT) {
            return Err(name);
        }
        remove_derive(&mut e.attrs, "Copy");
        e.attrs.push(syn::parse_quote!(#[non_exhaustive]));
        e.variants.push(syn::parse_quote! {
            /// A value this version of the SDK does not list (Imprint added it
            /// since); [`as_str`](Self::as_str) reads it.
            #[serde(untagged)]
            Unlisted(crate::UnknownValue)
        });
        opened.push(name);
    }
    let mut listing = Vec::new();
    for name in &opened {
        let values: Vec<(syn::Ident, String)> = items
            .iter()
            .find_map(|item| match item {
                syn::Item::Enum(e) if e.ident == name => Some(
                    e.variants
                        .iter()
                        .filter(|v| matches!(v.fields, syn::Fields::Unit))
                        .map(|v| (v.ident.clone(), serde_name(&v.attrs, &v.ident)))
                        .collect(),
                ),
                _ => None,
            })
            .unwrap_or_default();
        rewrite_impls(items, name, &values);
        let ident = format_ident!("{name}");
        let texts = values.iter().map(|(_, text)| text);
        listing.push(quote! { $m!(#ident, [#(#texts),*]); });
        let arms = values
            .iter()
            .map(|(variant, text)| quote! { Self::#variant => #text, });
        items.push(syn::parse_quote! {
            impl #ident {
                /// The value as the API spells it.
                pub fn as_str(&self) -> &str {
                    match self {
                        #(#arms)*
                        Self::Unlisted(value) => value.as_str(),
                    }
                }
            }
        });
    }
    if !opened.is_empty() {
        items.extend(super::test_listing(
            "for_each_open_enum",
            "every enum opened to unlisted values, with its listed values",
            &listing,
        ));
    }
    Ok(opened)
}

/// `Display` writes `as_str()`; `FromStr` keeps an unknown value instead of failing.
fn rewrite_impls(items: &mut [syn::Item], name: &str, values: &[(syn::Ident, String)]) {
    for item in items.iter_mut() {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        let Some((self_name, Some(trait_name))) = impl_of(block) else {
            continue;
        };
        if self_name != name {
            continue;
        }
        let body: Option<TokenStream> = match trait_name.as_str() {
            "Display" => Some(quote! { { f.write_str(self.as_str()) } }),
            "FromStr" => {
                let arms = values
                    .iter()
                    .map(|(variant, text)| quote! { #text => Self::#variant, });
                Some(quote! {
                    {
                        Ok(match value {
                            #(#arms)*
                            _ => Self::Unlisted(crate::UnknownValue::new(value)),
                        })
                    }
                })
            }
            _ => None,
        };
        let Some(body) = body else { continue };
        for member in &mut block.items {
            if let syn::ImplItem::Fn(function) = member {
                function.block = syn::parse2(body.clone()).expect("a block");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::ToTokens;

    #[test]
    fn an_enum_of_strings_gains_an_unknown_variant_and_agrees_with_itself() {
        let mut file: syn::File = syn::parse_quote! {
            #[derive(Clone, Copy, Debug)]
            pub enum Status {
                #[serde(rename = "ACTIVE")]
                Active,
                Closed,
            }
            impl ::std::fmt::Display for Status {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    match *self { Self::Active => f.write_str("ACTIVE"), Self::Closed => f.write_str("Closed") }
                }
            }
            impl ::std::str::FromStr for Status {
                type Err = ();
                fn from_str(value: &str) -> Result<Self, ()> { todo!() }
            }
            pub enum Shape { Circle(f64) }
            pub enum NotParsed { A }
        };
        let opened = open(&mut file.items).unwrap();
        assert_eq!(opened, ["Status"]);
        let text = file.to_token_stream().to_string();
        assert!(
            text.contains("# [derive (Clone , Debug)] # [non_exhaustive] pub enum Status"),
            "{text}"
        );
        assert!(
            text.contains("# [serde (untagged)] Unlisted (crate :: UnknownValue)"),
            "{text}"
        );
        assert!(
            text.contains("{ f . write_str (self . as_str ()) }"),
            "{text}"
        );
        assert!(text.contains("\"ACTIVE\" => Self :: Active , \"Closed\" => Self :: Closed , _ => Self :: Unlisted (crate :: UnknownValue :: new (value))"), "{text}");
        assert!(text.contains("Self :: Active => \"ACTIVE\" , Self :: Closed => \"Closed\" , Self :: Unlisted (value) => value . as_str ()"), "{text}");
        assert!(text.contains("pub enum Shape { Circle (f64) }"));
        assert!(text.contains("pub enum NotParsed { A }"));
    }

    #[test]
    fn a_listed_value_named_like_the_catch_all_is_an_error() {
        let mut file: syn::File = syn::parse_quote! {
            pub enum Kind { Unlisted }
            impl ::std::str::FromStr for Kind { type Err = (); fn from_str(v: &str) -> Result<Self, ()> { todo!() } }
        };
        assert_eq!(open(&mut file.items), Err("Kind".to_string()));
    }
}
