//! Per-operation docs that teach the facade: progenitor documents each `Client`
//! method with an `ignore`d example calling `.send()`, its raw layer, and
//! leaves the builders' setters undocumented. This refinement replaces the
//! example with one calling `.call()` (`.stream()` for list operations), which
//! compiles as a `no_run` doctest, documents each operation builder's setter
//! with the spec's description of its parameter, and each body builder's
//! setter with its field's description.
//!
//! Keys on shapes: a `Client` method returning `builder::X<'_>`, setters whose
//! argument is bounded by `TryInto<T>`, a cursor-paginated operation being one
//! whose builder or body builder has a `starting_after` setter.

use std::collections::BTreeMap;

use quote::ToTokens;

/// Setter name → the type its argument converts into, per builder.
type Setters = BTreeMap<String, Vec<(String, syn::Type)>>;

/// Rewrites the docs of `items` (the generated file); returns the `Client`
/// methods whose docs it rewrote.
pub fn rewrite(items: &mut [syn::Item]) -> Vec<String> {
    let body_setters = types_builder_setters(items);
    let Some(builders) = super::module_mut(items, "builder") else {
        return Vec::new();
    };
    let setters = setters(builders.as_slice());
    let mut descriptions: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    let mut rewritten = Vec::new();
    for item in items.iter_mut() {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        if block.trait_.is_some() || super::impl_of(block).is_none_or(|(name, _)| name != "Client")
        {
            continue;
        }
        for member in &mut block.items {
            let syn::ImplItem::Fn(method) = member else {
                continue;
            };
            let name = method.sig.ident.to_string();
            let Some(builder) = returned_builder(&method.sig.output) else {
                continue;
            };
            let builder_setters = setters.get(&builder).map_or(&[][..], Vec::as_slice);
            let doc = doc_text(&method.attrs);
            let (intro, arguments) = split_doc(&doc);
            let paginated = builder_setters.iter().any(|(setter, ty)| {
                setter == "starting_after"
                    || (setter == "body"
                        && crate::index::self_ident(ty).is_some_and(|body| {
                            body_setters
                                .get(&body.to_string())
                                .is_some_and(|s| s.contains(&"starting_after".to_string()))
                        }))
            });
            let text = format!("{intro}{}", example(&name, builder_setters, paginated));
            set_doc(&mut method.attrs, &text);
            descriptions.insert(builder, arguments);
            rewritten.push(name);
        }
    }
    if let Some(builders) = super::module_mut(items, "builder") {
        document_setters(builders, &descriptions);
    }
    if let Some(types) = super::module_mut(items, "types") {
        document_type_builders(types);
    }
    rewritten
}

/// Gives each setter of a `types::builder` builder the doc of the field it
/// sets (the spec's property description), where that field has one.
fn document_type_builders(types: &mut [syn::Item]) {
    let mut field_docs: BTreeMap<(String, String), String> = BTreeMap::new();
    for item in types.iter() {
        let syn::Item::Struct(item) = item else {
            continue;
        };
        for field in &item.fields {
            let doc = doc_text(&field.attrs);
            if let Some(ident) = &field.ident
                && !doc.trim().is_empty()
            {
                field_docs.insert((item.ident.to_string(), ident.to_string()), doc);
            }
        }
    }
    let Some(builders) = super::module_mut(types, "builder") else {
        return;
    };
    for item in builders.iter_mut() {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        let Some((name, None)) = super::impl_of(block) else {
            continue;
        };
        for member in &mut block.items {
            let syn::ImplItem::Fn(f) = member else {
                continue;
            };
            let key = (name.clone(), f.sig.ident.to_string());
            if let Some(doc) = field_docs.get(&key)
                && doc_text(&f.attrs).is_empty()
            {
                set_doc(&mut f.attrs, doc);
            }
        }
    }
}

/// Each operation builder's setters (all but `new`, `send`, `body_map`) with
/// the type their argument converts into.
fn setters(builders: &[syn::Item]) -> Setters {
    let mut out = Setters::new();
    for item in builders {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        let Some((name, None)) = super::impl_of(block) else {
            continue;
        };
        let found: Vec<(String, syn::Type)> = block
            .items
            .iter()
            .filter_map(|member| match member {
                syn::ImplItem::Fn(f) => Some((f.sig.ident.to_string(), into_type(&f.sig)?)),
                _ => None,
            })
            .collect();
        if !found.is_empty() {
            out.insert(name, found);
        }
    }
    out
}

/// The setter names of every builder in `types::builder`, by type name.
fn types_builder_setters(items: &mut [syn::Item]) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    let Some(types) = super::module_mut(items, "types") else {
        return out;
    };
    let Some(builders) = super::module_mut(types, "builder") else {
        return out;
    };
    for item in builders.iter() {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        if let Some((name, None)) = super::impl_of(block) {
            let names = block.items.iter().filter_map(|member| match member {
                syn::ImplItem::Fn(f) => Some(f.sig.ident.to_string()),
                _ => None,
            });
            out.entry(name).or_insert_with(Vec::new).extend(names);
        }
    }
    out
}

/// `T` of a setter `fn x<V>(self, value: V) where V: TryInto<T>`.
pub(super) fn into_type(sig: &syn::Signature) -> Option<syn::Type> {
    let generic = sig.generics.type_params().next()?.ident.clone();
    let clause = sig.generics.where_clause.as_ref()?;
    clause.predicates.iter().find_map(|predicate| {
        let syn::WherePredicate::Type(predicate) = predicate else {
            return None;
        };
        let syn::Type::Path(bounded) = &predicate.bounded_ty else {
            return None;
        };
        if !bounded.path.is_ident(&generic) {
            return None;
        }
        predicate.bounds.iter().find_map(|bound| {
            let syn::TypeParamBound::Trait(bound) = bound else {
                return None;
            };
            let last = bound.path.segments.last()?;
            if last.ident != "TryInto" {
                return None;
            }
            let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
                return None;
            };
            args.args.iter().find_map(|arg| match arg {
                syn::GenericArgument::Type(ty) => Some(ty.clone()),
                _ => None,
            })
        })
    })
}

/// `X` of a return type `builder::X<'_>`.
fn returned_builder(output: &syn::ReturnType) -> Option<String> {
    let syn::ReturnType::Type(_, ty) = output else {
        return None;
    };
    let syn::Type::Path(path) = &**ty else {
        return None;
    };
    let segments = &path.path.segments;
    (segments.len() == 2 && segments[0].ident == "builder").then(|| segments[1].ident.to_string())
}

/// The doc text of `attrs`, joined.
fn doc_text(attrs: &[syn::Attribute]) -> String {
    attrs
        .iter()
        .filter_map(|attr| match &attr.meta {
            syn::Meta::NameValue(nv) if nv.path.is_ident("doc") => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(text),
                    ..
                }) => Some(text.value()),
                _ => None,
            },
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn set_doc(attrs: &mut Vec<syn::Attribute>, text: &str) {
    attrs.retain(|attr| !attr.path().is_ident("doc"));
    attrs.insert(0, syn::parse_quote!(#[doc = #text]));
}

/// progenitor's doc without its example, and its `Arguments:` list as
/// (parameter, description) pairs.
fn split_doc(doc: &str) -> (String, Vec<(String, String)>) {
    let before_example = doc.split("```ignore").next().unwrap_or(doc);
    let mut intro = String::new();
    let mut arguments = Vec::new();
    for line in before_example.lines() {
        if let Some(rest) = line.strip_prefix("- `")
            && let Some((name, description)) = rest.split_once("`: ")
        {
            arguments.push((name.to_string(), description.trim().to_string()));
        }
        intro.push_str(line);
        intro.push('\n');
    }
    (format!("{}\n\n", intro.trim_end()), arguments)
}

/// A type as the doctest names it: paths relative to the generated module
/// made absolute through the `imprint` crate.
fn public_type(ty: &syn::Type) -> String {
    let text = ty.to_token_stream().to_string();
    let text = text
        .replace(" :: ", "::")
        .replace(":: ", "::")
        .replace(" ::", "::")
        .replace(" <", "<")
        .replace("< ", "<")
        .replace(" >", ">")
        .replace(" ,", ",");
    let text = text.replace("crate::", "imprint::");
    if text.starts_with("types::") {
        format!("imprint::{text}")
    } else {
        text.replace("<types::", "<imprint::types::")
    }
}

/// The "how to send it" text and a `no_run` example with every setter (for
/// list operations, all but the page parameters) fed from a typed argument.
fn example(method: &str, setters: &[(String, syn::Type)], paginated: bool) -> String {
    let shown: Vec<&(String, syn::Type)> = setters
        .iter()
        .filter(|(name, _)| !(paginated && (name == "limit" || name == "starting_after")))
        .collect();
    let arguments: String = shown
        .iter()
        .map(|(name, ty)| format!(", {name}: {}", public_type(ty)))
        .collect();
    let calls: String = shown
        .iter()
        .map(|(name, _)| format!("    .{name}({name})\n"))
        .collect();
    let (how, send) = if paginated {
        (
            "`.stream()` (from `imprint::prelude`) yields every item of every page, \
             requesting pages as they are consumed; `.paginate()` sets a page size or \
             yields whole pages, and `.call()` fetches one page.",
            format!(
                "let mut items = client.{method}()\n{calls}    .stream();\n\
                 while let Some(item) = items.try_next().await? {{\n    // …\n# drop(item);\n}}\n"
            ),
        )
    } else {
        (
            "`.call()` (from `imprint::prelude`) sends it and returns the decoded body \
             or an `imprint::Error`; `.with_options(…)` sets this call's timeout, \
             retries or headers.",
            format!(
                "let response = client.{method}()\n{calls}    .call()\n    .await?;\n# drop(response);\n"
            ),
        )
    };
    format!(
        "{how} `.send()` is progenitor's raw layer underneath.\n\n\
         ```no_run\n\
         # use futures::TryStreamExt;\n\
         # use imprint::prelude::*;\n\
         # async fn example(client: &imprint::Client{arguments}) -> Result<(), imprint::Error> {{\n\
         {send}\
         # Ok(()) }}\n\
         ```"
    )
}

/// Documents the operation builders' setters with the spec's parameter
/// descriptions, and `body`/`body_map` with what they take.
fn document_setters(
    builders: &mut [syn::Item],
    descriptions: &BTreeMap<String, Vec<(String, String)>>,
) {
    for item in builders.iter_mut() {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        let Some((name, None)) = super::impl_of(block) else {
            continue;
        };
        let Some(described) = descriptions.get(&name) else {
            continue;
        };
        for member in &mut block.items {
            let syn::ImplItem::Fn(f) = member else {
                continue;
            };
            if !doc_text(&f.attrs).is_empty() {
                continue;
            }
            let setter = f.sig.ident.to_string();
            let text = match setter.as_str() {
                "body" => "The request body (its type has a `builder()`); see also `body_map`."
                    .to_string(),
                "body_map" => {
                    "Changes the request body through its builder, one field at a time.".to_string()
                }
                "new" => continue,
                _ => match described.iter().find(|(param, _)| *param == setter) {
                    Some((_, description)) => description.clone(),
                    None => continue,
                },
            };
            set_doc(&mut f.attrs, &text);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(source: &str) -> syn::File {
        syn::parse_str(source).unwrap()
    }

    const SOURCE: &str = r#"
        pub mod types {
            pub struct Body {
                ///Where the page starts
                pub starting_after: Option<String>,
            }
            pub mod builder {
                impl Body { pub fn starting_after<T>(self, value: T) -> Self { self } }
            }
        }
        impl Client {
            /// Create a new client.
            pub fn new(baseurl: &str) -> Self { todo!() }
        }
        impl Client {
            /**Retrieve a thing

Arguments:
- `thing_id`: The thing's id
```ignore
let response = client.get_thing()
    .thing_id(thing_id)
    .send()
    .await;
```*/
            pub fn get_thing(&self) -> builder::GetThing<'_> { builder::GetThing::new(self) }
            /**List things*/
            pub fn list_things(&self) -> builder::ListThings<'_> { builder::ListThings::new(self) }
        }
        pub mod builder {
            impl<'a> GetThing<'a> {
                pub fn new(client: &'a super::Client) -> Self { todo!() }
                pub fn thing_id<V>(mut self, value: V) -> Self where V: std::convert::TryInto<crate::PathSegment> { self }
                pub async fn send(self) {}
            }
            impl<'a> ListThings<'a> {
                pub fn body<V>(mut self, value: V) -> Self where V: std::convert::TryInto<types::Body> { self }
            }
        }
    "#;

    #[test]
    fn examples_call_or_stream_and_setters_get_the_spec_descriptions() {
        let mut file = file(SOURCE);
        let rewritten = rewrite(&mut file.items);
        assert_eq!(rewritten, ["get_thing", "list_things"]);
        let code = prettyplease::unparse(&file);
        assert!(!code.contains("```ignore"), "{code}");
        assert!(!code.contains(".send()\n"), "{code}");
        assert!(code.contains(".thing_id(thing_id)\n    .call()"), "{code}");
        assert!(code.contains("thing_id: imprint::PathSegment"), "{code}");
        assert!(code.contains("body: imprint::types::Body"), "{code}");
        assert!(code.contains(".stream();"), "{code}");
        assert!(code.contains("///The thing's id\n"), "{code}");
        assert_eq!(
            code.matches("///Where the page starts\n").count(),
            2,
            "{code}"
        );
    }
}
