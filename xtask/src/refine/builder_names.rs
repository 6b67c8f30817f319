//! Type builders named apart from their types: `types::builder::Customer`
//! becomes `types::builder::CustomerBuilder`.
//!
//! progenitor gives each type's builder the type's own name in another module,
//! so rustdoc showed `impl From<Customer> for Customer`, and an error message
//! naming `Customer` left the reader to guess which one.

use std::collections::BTreeSet;

use syn::visit_mut::{self, VisitMut};

/// The suffix a type builder's name gains.
pub const SUFFIX: &str = "Builder";

/// Renames every struct of `types::builder` among `items` (the generated file)
/// to its name with [`SUFFIX`], and every path that names one: unqualified
/// inside that module, `builder::X` in `types`, `types::builder::X` elsewhere.
/// Returns the builders renamed, or the name of a type the new name would
/// collide with.
pub fn rename(items: &mut [syn::Item]) -> Result<Vec<String>, String> {
    let Some(types) = super::module_mut(items, "types") else {
        return Ok(Vec::new());
    };
    let declared: BTreeSet<String> = types.iter().filter_map(struct_or_enum_name).collect();
    let Some(builders) = super::module_mut(types, "builder") else {
        return Ok(Vec::new());
    };
    let names: BTreeSet<String> = builders
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(s) => Some(s.ident.to_string()),
            _ => None,
        })
        .collect();
    if let Some(taken) = names
        .iter()
        .find(|name| declared.contains(&format!("{name}{SUFFIX}")))
    {
        return Err(format!("{taken}{SUFFIX}"));
    }
    let mut local = Rename {
        names: &names,
        prefix: &[],
    };
    for item in builders.iter_mut() {
        if let syn::Item::Struct(s) = item {
            s.ident = suffixed(&s.ident);
        }
        local.visit_item_mut(item);
    }
    let mut from_types = Rename {
        names: &names,
        prefix: &["builder"],
    };
    for item in types.iter_mut() {
        from_types.visit_item_mut(item);
    }
    let mut from_root = Rename {
        names: &names,
        prefix: &["types", "builder"],
    };
    for item in items.iter_mut() {
        from_root.visit_item_mut(item);
    }
    Ok(names
        .into_iter()
        .map(|name| format!("{name}{SUFFIX}"))
        .collect())
}

fn struct_or_enum_name(item: &syn::Item) -> Option<String> {
    match item {
        syn::Item::Struct(s) => Some(s.ident.to_string()),
        syn::Item::Enum(e) => Some(e.ident.to_string()),
        _ => None,
    }
}

fn suffixed(ident: &syn::Ident) -> syn::Ident {
    syn::Ident::new(&format!("{ident}{SUFFIX}"), ident.span())
}

/// Renames paths that are `prefix` followed by one of `names`.
struct Rename<'a> {
    names: &'a BTreeSet<String>,
    prefix: &'a [&'a str],
}

impl VisitMut for Rename<'_> {
    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        let segments = &path.segments;
        let len = segments.len();
        let matches = len == self.prefix.len() + 1
            && segments
                .iter()
                .zip(self.prefix)
                .all(|(segment, name)| segment.ident == name)
            && self.names.contains(&segments[len - 1].ident.to_string());
        if matches {
            let last = path.segments.last_mut().expect("one segment at least");
            last.ident = suffixed(&last.ident);
        }
        visit_mut::visit_path_mut(self, path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::ToTokens;

    #[test]
    fn builders_gain_the_suffix_wherever_they_are_named() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                pub struct Body { pub name: String }
                impl Body {
                    pub fn builder() -> builder::Body { Default::default() }
                }
                impl From<builder::Body> for Body { fn from(b: builder::Body) -> Self { todo!() } }
                pub mod builder {
                    pub struct Body { name: Result<String, String> }
                    impl Default for Body { fn default() -> Self { todo!() } }
                    impl TryFrom<Body> for super::Body { type Error = String; fn try_from(b: Body) -> Result<super::Body, String> { todo!() } }
                }
            }
            pub mod builder {
                pub struct Search { body: Result<types::builder::Body, String> }
            }
        };
        assert_eq!(rename(&mut file.items).unwrap(), ["BodyBuilder"]);
        let text = file.to_token_stream().to_string();
        for expected in [
            "pub fn builder () -> builder :: BodyBuilder",
            "impl From < builder :: BodyBuilder > for Body",
            "pub struct BodyBuilder {",
            "impl Default for BodyBuilder",
            "impl TryFrom < BodyBuilder > for super :: Body",
            "-> Result < super :: Body , String >",
            "body : Result < types :: builder :: BodyBuilder , String >",
        ] {
            assert!(text.contains(expected), "{expected}: {text}");
        }
        assert!(
            text.contains("pub struct Body { pub name : String }"),
            "{text}"
        );
    }

    #[test]
    fn a_type_already_named_like_a_builder_is_an_error() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                pub struct Body;
                pub struct BodyBuilder;
                pub mod builder { pub struct Body; }
            }
        };
        assert_eq!(rename(&mut file.items), Err("BodyBuilder".to_string()));
    }
}
