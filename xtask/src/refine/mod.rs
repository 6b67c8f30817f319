//! Refinements of progenitor's output, made on its syntax tree before the
//! operation index is appended: what no generator setting can say.
//!
//! Each refinement is a function over the items of one module of the
//! generated file (its [`Scope`]) that returns the names of what it changed;
//! [`REFINEMENTS`] lists them in the order they run, and `cargo xtask codegen`
//! reports them like the normalizer's rewrites. They key on shapes (an enum of
//! strings, a struct with a classified field), never on today's type names.

pub mod api_version;
pub mod builder_names;
pub mod client_docs;
pub mod constructors;
pub mod open_enums;
pub mod optional_setters;
pub mod owned_builders;
pub mod redacted_debug;
pub mod request_debug;
pub mod schemars_feature;
pub mod str_newtypes;

use std::fmt;

use syn::punctuated::Punctuated;

/// The module of progenitor's output a refinement works in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// The file's top level: `Client`, its impls, and the modules below.
    Root,
    /// `builder`: one builder per operation.
    Builder,
    /// `types`: the generated types.
    Types,
    /// `types::builder`: one builder per generated type.
    TypeBuilders,
}

impl Scope {
    /// The modules from the file's top level down to this one.
    fn path(self) -> &'static [&'static str] {
        match self {
            Scope::Root => &[],
            Scope::Builder => &["builder"],
            Scope::Types => &["types"],
            Scope::TypeBuilders => &["types", "builder"],
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.path() {
            [] => f.write_str("file root"),
            path => f.write_str(&path.join("::")),
        }
    }
}

/// One refinement: rewrites the items of its scope, returning the names of
/// what it changed, or why progenitor's output cannot be refined.
pub type Refine = fn(&mut Vec<syn::Item>) -> Result<Vec<String>, String>;

/// One row of [`REFINEMENTS`].
#[derive(Debug)]
pub struct Refinement {
    /// Its name, which errors carry.
    pub name: &'static str,
    /// What it changes, as `cargo xtask codegen` reports it.
    pub does: &'static str,
    /// The module it rewrites.
    pub scope: Scope,
    /// The refinement itself.
    pub run: Refine,
}

/// The refinements, in the order they run. Order can matter: each sees what
/// the ones before it wrote (the docs of `Client` methods are made from the
/// setters as progenitor wrote them); the drift check shows what a change of
/// order changes in the generated files.
pub const REFINEMENTS: [Refinement; 12] = [
    Refinement {
        name: "client docs",
        does: "operations documented with .call()",
        scope: Scope::Root,
        run: |items| Ok(client_docs::rewrite(items)),
    },
    Refinement {
        name: "constructors",
        does: "constructors no longer public",
        scope: Scope::Root,
        run: |items| Ok(constructors::restrict(items)),
    },
    Refinement {
        name: "owned builders",
        does: "operation builders owning a clone of the client, so they and their streams are 'static",
        scope: Scope::Root,
        run: |items| Ok(owned_builders::own(items)),
    },
    Refinement {
        name: "builder names",
        does: "type builders named apart from their types (`CustomerBuilder`)",
        scope: Scope::Root,
        run: |items| {
            builder_names::rename(items).map_err(|name| {
                format!("a type is already named `{name}`, the name its builder would take")
            })
        },
    },
    Refinement {
        name: "request debug",
        does: "Debug without the client's internals, classified parameters redacted",
        scope: Scope::Root,
        run: |items| Ok(request_debug::rewrite(items)),
    },
    Refinement {
        name: "api-version",
        does: "builders without progenitor's `api-version` header",
        scope: Scope::Builder,
        run: |items| Ok(api_version::remove(items)),
    },
    Refinement {
        name: "schemars feature",
        does: "types deriving JsonSchema under the feature `schemars`",
        scope: Scope::Types,
        run: |items| Ok(schemars_feature::gate(items)),
    },
    Refinement {
        name: "open enums",
        does: "string enums opened to unknown values",
        scope: Scope::Types,
        run: |items| {
            open_enums::open(items).map_err(|name| {
                format!(
                    "enum `{name}` lists a value named `{}`, the name of the variant for unlisted values",
                    open_enums::VARIANT
                )
            })
        },
    },
    Refinement {
        name: "redacted debug",
        does: "types printing classified fields redacted in Debug",
        scope: Scope::Types,
        run: |items| {
            Ok(redacted_debug::redact(
                items,
                Some("for_each_redacted_type"),
            ))
        },
    },
    Refinement {
        name: "redacted debug",
        does: "type builders printing classified fields redacted in Debug",
        scope: Scope::TypeBuilders,
        run: |items| Ok(redacted_debug::redact(items, None)),
    },
    Refinement {
        name: "optional setters",
        does: "optional text setters of `types::builder` taking &str",
        scope: Scope::Types,
        run: |items| Ok(optional_setters::rebound_in(items)),
    },
    Refinement {
        name: "string newtypes",
        does: "string newtypes converting from &str, so required setters take literals",
        scope: Scope::Types,
        run: |items| Ok(str_newtypes::add(items)),
    },
];

/// What one refinement changed.
#[derive(Debug)]
pub struct Report {
    /// The refinement.
    pub refinement: &'static Refinement,
    /// What it changed, by name (`Customer`, `Client::new`, `Address::city`);
    /// empty when its module is not in the output.
    pub changed: Vec<String>,
}

/// What the refinements changed, one [`Report`] per row of [`REFINEMENTS`].
#[derive(Debug)]
pub struct Refined(pub Vec<Report>);

/// Runs [`REFINEMENTS`] over `file`; the error names the refinement and says
/// why it could not refine the output.
pub fn refine(file: &mut syn::File) -> Result<Refined, String> {
    run(&REFINEMENTS, file)
}

/// Runs `refinements` over `file`, in order. A refinement whose module is not
/// in the output has nothing to change.
fn run(refinements: &'static [Refinement], file: &mut syn::File) -> Result<Refined, String> {
    let mut reports = Vec::new();
    for refinement in refinements {
        let mut items = Some(&mut file.items);
        for name in refinement.scope.path() {
            items = items.and_then(|items| module_mut(items, name));
        }
        let changed = match items {
            Some(items) => (refinement.run)(items).map_err(|error| {
                format!(
                    "refinement `{}` ({}): {error}",
                    refinement.name, refinement.scope
                )
            })?,
            None => Vec::new(),
        };
        reports.push(Report {
            refinement,
            changed,
        });
    }
    Ok(Refined(reports))
}

impl fmt::Display for Refined {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for Report {
            refinement,
            changed,
        } in &self.0
        {
            let shown: Vec<&str> = changed.iter().take(8).map(String::as_str).collect();
            let more = changed.len().saturating_sub(shown.len());
            let tail = if more > 0 {
                format!(", … {more} more")
            } else {
                String::new()
            };
            writeln!(
                f,
                "  {} ({}): {} ({}{tail})",
                refinement.does,
                refinement.scope,
                changed.len(),
                shown.join(", ")
            )?;
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Renames every struct among the items to `<name>2`; returns the old names.
    const RENAME: Refine = |items| {
        let mut renamed = Vec::new();
        for item in items.iter_mut() {
            if let syn::Item::Struct(s) = item {
                renamed.push(s.ident.to_string());
                s.ident = quote::format_ident!("{}2", s.ident);
            }
        }
        Ok(renamed)
    };

    static TABLE: [Refinement; 4] = [
        Refinement {
            name: "root",
            does: "renamed at the root",
            scope: Scope::Root,
            run: RENAME,
        },
        Refinement {
            name: "deep",
            does: "renamed in type builders",
            scope: Scope::TypeBuilders,
            run: RENAME,
        },
        Refinement {
            name: "absent",
            does: "renamed in operation builders",
            scope: Scope::Builder,
            run: RENAME,
        },
        Refinement {
            name: "refuses",
            does: "nothing",
            scope: Scope::Types,
            run: |_| Err("the types cannot be refined".into()),
        },
    ];

    fn file() -> syn::File {
        syn::parse_quote! {
            pub struct A;
            pub mod types {
                pub struct T;
                pub mod builder { pub struct B; }
            }
        }
    }

    #[test]
    fn each_refinement_rewrites_its_module_in_order_and_reports_uniformly() {
        let mut file = file();
        let refined = run(&TABLE[..3], &mut file).unwrap();
        let changed: Vec<(&str, &[String])> = refined
            .0
            .iter()
            .map(|report| (report.refinement.name, report.changed.as_slice()))
            .collect();
        assert_eq!(
            changed,
            [
                ("root", &["A".to_string()][..]),
                ("deep", &["B".to_string()][..]),
                ("absent", &[][..])
            ]
        );
        let expected: syn::File = syn::parse_quote! {
            pub struct A2;
            pub mod types {
                pub struct T;
                pub mod builder { pub struct B2; }
            }
        };
        assert_eq!(file, expected);
        assert_eq!(
            refined.to_string(),
            "  renamed at the root (file root): 1 (A)\n  renamed in type builders (types::builder): 1 (B)\n  renamed in operation builders (builder): 0 ()\n"
        );
    }

    #[test]
    fn a_refusal_names_the_refinement_and_its_module() {
        assert_eq!(
            run(&TABLE, &mut file()).unwrap_err(),
            "refinement `refuses` (types): the types cannot be refined"
        );
    }
}
