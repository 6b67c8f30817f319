//! Refinements of progenitor's output, made on its syntax tree before the
//! operation index is appended: what no generator setting can say.
//!
//! Each refinement is a function over the generated `types` module that
//! returns the names of the items it changed, so `cargo xtask codegen` reports
//! it like the normalizer's rewrites. They key on shapes (an enum of strings, a
//! struct with a classified field), never on today's type names.

pub mod api_version;
pub mod client_docs;
pub mod constructors;
pub mod open_enums;
pub mod optional_setters;
pub mod redacted_debug;
pub mod request_debug;
pub mod schemars_feature;

use std::fmt;

use syn::punctuated::Punctuated;

/// What the refinements changed, by kind.
#[derive(Debug, Default)]
pub struct Refined {
    /// String enums given a variant for values the spec does not list.
    pub open_enums: Vec<String>,
    /// Types whose `Debug` prints classified fields redacted.
    pub redacted_debug: Vec<String>,
    /// Body-builder setters of optional text that now take `&str`.
    pub optional_setters: Vec<String>,
    /// `Client` methods whose docs show `.call()`/`.stream()`.
    pub client_docs: Vec<String>,
    /// Types deriving `JsonSchema` only under the sdk's feature `schemars`.
    pub schemars_gated: Vec<String>,
    /// Builders no longer sending progenitor's `api-version` header.
    pub api_version_removed: Vec<String>,
    /// progenitor's `Client` constructors, removed or made crate-private.
    pub constructors: Vec<String>,
    /// `Client` and operation builders whose `Debug` leaves out the client's
    /// internals and redacts classified parameters.
    pub request_debug: Vec<String>,
}

/// Runs every refinement over `file`; the error names an enum whose listed
/// values already use the catch-all variant's name.
pub fn refine(file: &mut syn::File) -> Result<Refined, String> {
    let client_docs = client_docs::rewrite(&mut file.items);
    let constructors = constructors::restrict(&mut file.items);
    let request_debug = request_debug::rewrite(&mut file.items);
    let api_version_removed = module_mut(&mut file.items, "builder")
        .map(|builders| api_version::remove(builders))
        .unwrap_or_default();
    let Some(types) = module_mut(&mut file.items, "types") else {
        return Ok(Refined {
            client_docs,
            api_version_removed,
            constructors,
            request_debug,
            ..Refined::default()
        });
    };
    let schemars_gated = schemars_feature::gate(types);
    let open_enums = open_enums::open(types).map_err(|name| {
        format!(
            "enum `{name}` lists a value named `{}`, the name of the variant for unlisted values",
            open_enums::VARIANT
        )
    })?;
    let mut redacted_debug = redacted_debug::redact(types, Some("for_each_redacted_type"));
    let newtypes = optional_setters::string_newtypes(types);
    let mut optional_setters = Vec::new();
    if let Some(builders) = module_mut(types, "builder") {
        redacted_debug.extend(
            redacted_debug::redact(builders, None)
                .into_iter()
                .map(|name| format!("builder::{name}")),
        );
        optional_setters = optional_setters::rebound(&newtypes, builders);
    }
    Ok(Refined {
        open_enums,
        redacted_debug,
        optional_setters,
        client_docs,
        schemars_gated,
        api_version_removed,
        constructors,
        request_debug,
    })
}

impl fmt::Display for Refined {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (label, names) in [
            ("string enums opened to unknown values", &self.open_enums),
            (
                "types printing classified fields redacted in Debug",
                &self.redacted_debug,
            ),
            ("optional text setters taking &str", &self.optional_setters),
            ("operations documented with .call()", &self.client_docs),
            (
                "types deriving JsonSchema under the feature `schemars`",
                &self.schemars_gated,
            ),
            (
                "builders without progenitor's `api-version` header",
                &self.api_version_removed,
            ),
            ("constructors no longer public", &self.constructors),
            (
                "Debug without the client's internals, classified parameters redacted",
                &self.request_debug,
            ),
        ] {
            let shown: Vec<&str> = names.iter().take(8).map(String::as_str).collect();
            let more = names.len().saturating_sub(shown.len());
            let tail = if more > 0 {
                format!(", … {more} more")
            } else {
                String::new()
            };
            writeln!(f, "  {label}: {} ({}{tail})", names.len(), shown.join(", "))?;
        }
        Ok(())
    }
}

/// A test-only macro `name` that invokes its argument once per entry of
/// `calls` (each written `$m!(…);`), so the SDK's tests enumerate what a
/// refinement changed from the generated code itself, not from a hand list.
pub(crate) fn test_listing(
    name: &str,
    what: &str,
    calls: &[proc_macro2::TokenStream],
) -> Vec<syn::Item> {
    let name = quote::format_ident!("{name}");
    let doc = format!("Invokes `$m!` for {what} (tests only).");
    vec![
        syn::parse_quote! {
            #[doc = #doc]
            #[cfg(test)]
            macro_rules! #name { ($m:ident) => { #(#calls)* }; }
        },
        syn::parse_quote! {
            #[cfg(test)]
            pub(crate) use #name;
        },
    ]
}

/// The items of the inline module `name` among `items`.
pub(crate) fn module_mut<'a>(
    items: &'a mut [syn::Item],
    name: &str,
) -> Option<&'a mut Vec<syn::Item>> {
    items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == name => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    })
}

/// Drops `name` from the `#[derive(...)]` attributes in `attrs`; whether it was there.
pub(crate) fn remove_derive(attrs: &mut [syn::Attribute], name: &str) -> bool {
    let mut removed = false;
    for attr in attrs.iter_mut().filter(|a| a.path().is_ident("derive")) {
        let Ok(paths) =
            attr.parse_args_with(Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
        else {
            continue;
        };
        let kept: Punctuated<syn::Path, syn::Token![,]> = paths
            .iter()
            .filter(|p| p.segments.last().is_none_or(|s| s.ident != name))
            .cloned()
            .collect();
        if kept.len() != paths.len() {
            removed = true;
            *attr = syn::parse_quote!(#[derive(#kept)]);
        }
    }
    removed
}

/// The self type's name of an `impl` block, and the last segment of its trait.
pub(crate) fn impl_of(block: &syn::ItemImpl) -> Option<(String, Option<String>)> {
    let syn::Type::Path(path) = &*block.self_ty else {
        return None;
    };
    let name = path.path.segments.last()?.ident.to_string();
    let trait_name = block
        .trait_
        .as_ref()
        .and_then(|(path, _)| path.segments.last())
        .map(|s| s.ident.to_string());
    Some((name, trait_name))
}

/// The JSON name of a field or variant: its `#[serde(rename = "…")]`, or its
/// identifier.
pub(crate) fn serde_name(attrs: &[syn::Attribute], ident: &syn::Ident) -> String {
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let mut found = None;
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                let value: syn::LitStr = meta.value()?.parse()?;
                found = Some(value.value());
            } else if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            }
            Ok(())
        });
        if let Some(found) = found {
            return found;
        }
    }
    ident.to_string().trim_start_matches("r#").to_string()
}
