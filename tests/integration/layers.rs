//! The facade's layers point one way: a module uses only modules below it.
//!
//! Read off the `crate::` paths of every file in `sdk/src` (macro bodies
//! included, `#[cfg(test)]` items excluded), as rust-analyzer's tidy tests read
//! their tree. ARCHITECTURE.md draws the same list.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use proc_macro2::{Delimiter, TokenStream, TokenTree};

/// The facade's modules, lowest layer first.
const LAYERS: [&str; 27] = [
    "classification",
    "validation",
    "unknown_value",
    "optional",
    "path_segment",
    "sensitive",
    "redact",
    "json_path",
    "meta",
    "retry_policy",
    "validate",
    "error",
    "auth",
    "config",
    "generated",
    "call",
    "telemetry",
    "transport",
    "operation",
    "pagination",
    "proxy",
    "client",
    "types_ext",
    "webhook",
    "mock",
    "generated_httpmock",
    "prelude",
];

/// The one intended back-edge: the generated index invokes the facade's macros.
const ALLOWED_UPWARD: [(&str, &str); 2] = [("generated", "operation"), ("generated", "pagination")];

fn sdk_src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../sdk/src")
}

/// Every `.rs` file under `dir`, with the top-level module it belongs to.
fn files(dir: &Path, module: Option<&str>, out: &mut Vec<(String, PathBuf)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_string_lossy().to_string();
        let owner = module.map_or(stem.clone(), str::to_string);
        if path.is_dir() {
            files(&path, Some(&owner), out);
        } else if path.extension().is_some_and(|e| e == "rs")
            && path.file_name().unwrap() != "lib.rs"
        {
            out.push((owner, path));
        }
    }
}

fn is_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("cfg") && a.parse_args::<syn::Ident>().is_ok_and(|i| i == "test")
    })
}

/// The names that follow `crate::` anywhere in `tokens` (`crate::{a, b::c}`
/// gives `a` and `b`).
fn crate_paths(tokens: TokenStream, out: &mut BTreeSet<String>) {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    for (i, tree) in trees.iter().enumerate() {
        match tree {
            TokenTree::Group(group) => crate_paths(group.stream(), out),
            TokenTree::Ident(ident) if ident == "crate" => {
                let colons = matches!(
                    (trees.get(i + 1), trees.get(i + 2)),
                    (Some(TokenTree::Punct(a)), Some(TokenTree::Punct(b))) if a.as_char() == ':' && b.as_char() == ':'
                );
                match trees.get(i + 3) {
                    Some(TokenTree::Ident(name)) if colons => {
                        out.insert(name.to_string());
                    }
                    Some(TokenTree::Group(group))
                        if colons && group.delimiter() == Delimiter::Brace =>
                    {
                        let mut first = true;
                        for inner in group.stream() {
                            match inner {
                                TokenTree::Ident(name) if first => {
                                    out.insert(name.to_string());
                                    first = false;
                                }
                                TokenTree::Punct(p) if p.as_char() == ',' => first = true,
                                _ => first = false,
                            }
                        }
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
}

/// What `crate::NAME` means for each name `lib.rs` re-exports: the module it
/// comes from.
fn reexports(lib: &syn::File) -> Vec<(String, String)> {
    fn walk(tree: &syn::UseTree, module: Option<&str>, out: &mut Vec<(String, String)>) {
        match tree {
            syn::UseTree::Path(path) => {
                let name = path.ident.to_string();
                walk(&path.tree, Some(module.unwrap_or(&name)), out);
            }
            syn::UseTree::Name(name) => {
                if let Some(module) = module {
                    out.push((name.ident.to_string(), module.to_string()));
                }
            }
            syn::UseTree::Rename(rename) => {
                if let Some(module) = module {
                    out.push((rename.rename.to_string(), module.to_string()));
                }
            }
            syn::UseTree::Group(group) => group.items.iter().for_each(|t| walk(t, module, out)),
            syn::UseTree::Glob(_) => {}
        }
    }
    let mut out = Vec::new();
    for item in &lib.items {
        if let syn::Item::Use(item) = item {
            walk(&item.tree, None, &mut out);
        }
    }
    out
}

/// The edges from `module`'s code (`source`) that go up or sideways.
fn forbidden_edges(module: &str, source: &str, names: &[(String, String)]) -> Vec<String> {
    let mut file = syn::parse_file(source).expect("sdk sources parse");
    file.items.retain(|item| match item {
        syn::Item::Mod(m) => !is_test(&m.attrs),
        syn::Item::Fn(f) => !is_test(&f.attrs),
        syn::Item::Use(u) => !is_test(&u.attrs),
        _ => true,
    });
    let mut used = BTreeSet::new();
    crate_paths(quote::ToTokens::to_token_stream(&file), &mut used);
    let rank = |m: &str| LAYERS.iter().position(|l| *l == m);
    let from = rank(module).unwrap_or_else(|| panic!("module `{module}` is not in LAYERS"));
    used.iter()
        .filter_map(|name| {
            let target = names
                .iter()
                .find(|(export, _)| export == name)
                .map_or(name.as_str(), |(_, module)| module.as_str());
            let to = rank(target)?;
            let allowed =
                to < from || target == module || ALLOWED_UPWARD.contains(&(module, target));
            (!allowed).then(|| format!("{module} → {target} (crate::{name})"))
        })
        .collect()
}

#[test]
fn every_module_uses_only_the_layers_below_it() {
    let lib = syn::parse_file(&std::fs::read_to_string(sdk_src().join("lib.rs")).unwrap()).unwrap();
    let names = reexports(&lib);
    let mut all = Vec::new();
    files(&sdk_src(), None, &mut all);
    assert!(all.len() > 20, "read only {} files", all.len());
    let mut violations = Vec::new();
    for (module, path) in &all {
        let source = std::fs::read_to_string(path).unwrap();
        violations.extend(forbidden_edges(module, &source, &names));
    }
    assert!(
        violations.is_empty(),
        "edges against the layering (ARCHITECTURE.md):\n{}",
        violations.join("\n")
    );
}

#[test]
fn the_reader_sees_uses_paths_and_macro_bodies_but_not_tests() {
    let names = vec![("Client".to_string(), "generated".to_string())];
    let source = r#"
        use crate::{validation::ValidationError, pagination};
        fn f() -> crate::Client { todo!() }
        macro_rules! m { () => { $crate::mock::thing!() } }
        #[cfg(test)]
        mod tests { use crate::webhook::Webhook; }
    "#;
    assert_eq!(
        forbidden_edges("error", source, &names),
        [
            "error → generated (crate::Client)",
            "error → mock (crate::mock)",
            "error → pagination (crate::pagination)"
        ]
    );
    assert!(forbidden_edges("generated", "use crate::operation::x;", &names).is_empty());
}
