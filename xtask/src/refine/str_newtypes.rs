//! String newtypes convert from `&str`.
//!
//! typify gives a string newtype (`TransactionCurrency(String)`) `From<String>`
//! only, and a required setter is bounded by `T: TryInto<TransactionCurrency>`,
//! so `.currency("USD")` fails to compile with an error pointing into the
//! generated code. A `From<&str>` beside the `From<String>` makes every setter
//! that takes the newtype take a literal too (std's blanket `TryFrom` follows
//! from `From`). A type that already converts from `&str` (an enum, a
//! validated string) is left as it is: it checks its input, and a second impl
//! would conflict.

use quote::format_ident;

use super::impl_of;
use super::optional_setters::string_newtypes;

/// Adds `impl From<&str>` for each type among `types` that has
/// `From<String>` and no conversion from `&str`; returns their names.
pub fn add(types: &mut Vec<syn::Item>) -> Vec<String> {
    let from_str: Vec<String> = types.iter().filter_map(converts_from_str).collect();
    let mut added: Vec<String> = string_newtypes(types)
        .into_iter()
        .filter(|name| !from_str.contains(name))
        .collect();
    added.sort();
    added.dedup();
    for name in &added {
        let ident = format_ident!("{name}");
        types.push(syn::parse_quote! {
            impl ::std::convert::From<&str> for #ident {
                fn from(value: &str) -> Self {
                    Self::from(value.to_string())
                }
            }
        });
    }
    added
}

/// The type `item` implements `From<&str>` or `TryFrom<&str>` for, if any.
fn converts_from_str(item: &syn::Item) -> Option<String> {
    let syn::Item::Impl(block) = item else {
        return None;
    };
    let (name, Some(trait_name)) = impl_of(block)? else {
        return None;
    };
    let segment = block.trait_.as_ref()?.0.segments.last()?;
    let written = quote::quote!(#segment).to_string().replace(' ', "");
    (written == format!("{trait_name}<&str>") && ["From", "TryFrom"].contains(&trait_name.as_str()))
        .then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_string_newtypes_gain_from_str() {
        let mut items: Vec<syn::Item> = syn::parse_file(
            r#"
            pub struct Currency(pub ::std::string::String);
            impl ::std::convert::From<::std::string::String> for Currency { fn from(v: ::std::string::String) -> Self { Self(v) } }
            pub struct Checked(::std::string::String);
            impl ::std::convert::TryFrom<&str> for Checked { type Error = (); fn try_from(v: &str) -> Result<Self, ()> { Err(()) } }
            impl ::std::convert::TryFrom<::std::string::String> for Checked { type Error = (); fn try_from(v: ::std::string::String) -> Result<Self, ()> { Err(()) } }
            pub enum Status { A }
            impl ::std::convert::TryFrom<&str> for Status { type Error = (); fn try_from(v: &str) -> Result<Self, ()> { Err(()) } }
            pub struct Count(pub u32);
            impl ::std::convert::From<u32> for Count { fn from(v: u32) -> Self { Self(v) } }
            "#,
        )
        .unwrap()
        .items;
        let before = items.len();
        assert_eq!(add(&mut items), ["Currency"]);
        assert_eq!(items.len(), before + 1);
        let added = quote::quote!(#(#items)*).to_string().replace(' ', "");
        assert!(
            added.contains("impl::std::convert::From<&str>forCurrency{fnfrom(value:&str)->Self{Self::from(value.to_string())}}"),
            "{added}"
        );
    }
}
