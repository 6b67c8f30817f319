//! Rust types as the report names them: each path by its last segment
//! (`::std::option::Option<::std::string::String>` → `Option<String>`), so the
//! same type reads the same whether progenitor spelled it `types::X`,
//! `super::X` or its builder `types::builder::XBuilder`.

use std::collections::BTreeSet;

use quote::ToTokens;

/// The short, comparable spelling of `ty`; lifetimes are left out.
pub fn render(ty: &syn::Type) -> String {
    match ty {
        syn::Type::Path(path) if path.qself.is_none() => match path.path.segments.last() {
            Some(last) => segment(path_name(&path.path), last),
            None => tokens(ty),
        },
        syn::Type::Reference(reference) => {
            let mutability = if reference.mutability.is_some() {
                "mut "
            } else {
                ""
            };
            format!("&{mutability}{}", render(&reference.elem))
        }
        syn::Type::Slice(slice) => format!("[{}]", render(&slice.elem)),
        syn::Type::Array(array) => format!("[{}; {}]", render(&array.elem), tokens(&array.len)),
        syn::Type::Tuple(tuple) => {
            let elems: Vec<String> = tuple.elems.iter().map(render).collect();
            format!("({})", elems.join(", "))
        }
        syn::Type::Paren(paren) => render(&paren.elem),
        syn::Type::Group(group) => render(&group.elem),
        _ => tokens(ty),
    }
}

/// The name `path` stands for: its last segment's, a type's builder read as
/// the type (`types::builder::CustomerBuilder` → `Customer`).
fn path_name(path: &syn::Path) -> String {
    let segments = &path.segments;
    let name = segments
        .last()
        .map(|s| s.ident.to_string())
        .unwrap_or_default();
    let in_builder = segments.len() > 1 && segments[segments.len() - 2].ident == "builder";
    match name.strip_suffix(crate::refine::builder_names::SUFFIX) {
        Some(type_name) if in_builder => type_name.to_string(),
        _ => name,
    }
}

fn segment(name: String, segment: &syn::PathSegment) -> String {
    let syn::PathArguments::AngleBracketed(args) = &segment.arguments else {
        return name;
    };
    let args: Vec<String> = args
        .args
        .iter()
        .filter_map(|arg| match arg {
            syn::GenericArgument::Lifetime(_) => None,
            syn::GenericArgument::Type(ty) => Some(render(ty)),
            other => Some(tokens(other)),
        })
        .collect();
    if args.is_empty() {
        name
    } else {
        format!("{name}<{}>", args.join(", "))
    }
}

/// Token text without the spaces `quote` puts between tokens.
fn tokens(node: &impl ToTokens) -> String {
    node.to_token_stream()
        .to_string()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// `T` when `ty` is `Option<T>` (however its path is spelled).
pub fn option_inner(ty: &syn::Type) -> Option<&syn::Type> {
    generic_of(ty, "Option", 0)
}

/// `T` when `ty` is `Result<T, _>`.
pub fn result_ok(ty: &syn::Type) -> Option<&syn::Type> {
    generic_of(ty, "Result", 0)
}

/// The `index`-th type argument of `ty` when its last path segment is `name`.
pub fn generic_of<'a>(ty: &'a syn::Type, name: &str, index: usize) -> Option<&'a syn::Type> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let last = path.path.segments.last().filter(|s| s.ident == name)?;
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    args.args
        .iter()
        .filter_map(|arg| match arg {
            syn::GenericArgument::Type(ty) => Some(ty),
            _ => None,
        })
        .nth(index)
}

/// The last segment of every path inside `ty`: the type names it mentions.
pub fn mentioned(ty: &syn::Type, names: &mut BTreeSet<String>) {
    struct Names<'n>(&'n mut BTreeSet<String>);
    impl<'ast> syn::visit::Visit<'ast> for Names<'_> {
        fn visit_type_path(&mut self, path: &'ast syn::TypePath) {
            if !path.path.segments.is_empty() {
                self.0.insert(path_name(&path.path));
            }
            syn::visit::visit_type_path(self, path);
        }
    }
    syn::visit::Visit::visit_type(&mut Names(names), ty);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn short(ty: syn::Type) -> String {
        render(&ty)
    }

    #[test]
    fn paths_are_named_by_their_last_segment() {
        assert_eq!(
            short(syn::parse_quote!(
                ::std::option::Option<::std::string::String>
            )),
            "Option<String>"
        );
        assert_eq!(
            short(syn::parse_quote!(types::builder::BodyBuilder)),
            short(syn::parse_quote!(super::Body))
        );
        assert_eq!(
            short(
                syn::parse_quote!(::std::collections::BTreeMap<::std::string::String, ::serde_json::Value>)
            ),
            "BTreeMap<String, Value>"
        );
        assert_eq!(short(syn::parse_quote!(&'a [u8; 4])), "&[u8; 4]");
    }

    #[test]
    fn options_and_results_are_unwrapped_whatever_their_path() {
        let ty: syn::Type = syn::parse_quote!(Result<Option<::std::num::NonZeroU32>, String>);
        let ok = result_ok(&ty).unwrap();
        assert_eq!(render(option_inner(ok).unwrap()), "NonZeroU32");
        assert!(option_inner(&ty).is_none());
    }

    #[test]
    fn mentioned_names_include_generic_arguments() {
        let mut names = BTreeSet::new();
        mentioned(
            &syn::parse_quote!(::std::vec::Vec<types::Widget>),
            &mut names,
        );
        assert_eq!(names.into_iter().collect::<Vec<_>>(), ["Vec", "Widget"]);
    }
}
