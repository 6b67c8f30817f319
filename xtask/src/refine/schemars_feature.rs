//! `schemars::JsonSchema` on the generated types only under the sdk's feature
//! `schemars`: progenitor derives it unconditionally (the fidelity test needs
//! the schemas), but a user's build should not compile schemars for it.

use super::remove_derive;

/// Turns every `#[derive(…, schemars::JsonSchema)]` among `items` (nested
/// modules included) into `#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]`;
/// returns the names of the types changed.
pub fn gate(items: &mut [syn::Item]) -> Vec<String> {
    let mut gated = Vec::new();
    for item in items {
        let (attrs, name) = match item {
            syn::Item::Struct(s) => (&mut s.attrs, s.ident.to_string()),
            syn::Item::Enum(e) => (&mut e.attrs, e.ident.to_string()),
            syn::Item::Mod(m) => {
                if let Some((_, inner)) = &mut m.content {
                    let module = m.ident.to_string();
                    gated.extend(gate(inner).into_iter().map(|n| format!("{module}::{n}")));
                }
                continue;
            }
            _ => continue,
        };
        if remove_derive(attrs, "JsonSchema") {
            attrs.push(syn::parse_quote!(
                #[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]
            ));
            gated.push(name);
        }
    }
    gated
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_derive_moves_behind_the_feature_and_others_stay() {
        let mut file: syn::File = syn::parse_quote! {
            #[derive(Clone, schemars::JsonSchema, PartialEq)]
            pub struct A { x: u8 }
            pub mod inner {
                #[derive(Debug, ::schemars::JsonSchema)]
                pub enum B { One }
            }
            #[derive(Debug)]
            pub struct C;
        };
        assert_eq!(gate(&mut file.items), ["A", "inner::B"]);
        let text = quote::quote!(#file).to_string();
        assert!(!text.contains("derive (Clone , schemars"), "{text}");
        assert!(text.contains("derive (Clone , PartialEq)"), "{text}");
        assert_eq!(
            text.matches("cfg_attr (feature = \"schemars\" , derive (:: schemars :: JsonSchema))")
                .count(),
            2,
            "{text}"
        );
    }
}
