//! Each crate's modules use only the modules they are allowed to: the tables
//! below list, per crate, every module and what it may name through
//! `crate::`. Cargo enforces the edges between crates (imprint-types has no
//! HTTP stack, imprint-webhooks no HTTP client, imprint-mock only the public
//! API); this test enforces the edges inside each.
//!
//! The paths are read off every file (`use` items, types, expressions and
//! macro bodies, `$crate::` included; `#[cfg(test)]` items excluded), as
//! rust-analyzer's tidy tests read their tree. A name that is neither a module
//! of the table nor something the crate root brings in fails the test, so a
//! path the reader does not understand cannot pass unseen. ARCHITECTURE.md
//! draws the same tables.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use proc_macro2::{Delimiter, TokenStream, TokenTree};

/// One crate: where its sources are, its root file (`lib.rs`, or `main.rs`
/// for the command line), the folders that only group modules
/// (`values/meta.rs` is the module `meta`), and each module with the modules
/// of the same crate it may use (`lib`: an item the crate root defines). The
/// root itself, which wires the modules together, has no row.
struct Crate {
    src: &'static str,
    root: &'static str,
    folders: &'static [&'static str],
    modules: &'static [(&'static str, &'static [&'static str])],
}

const TYPES: Crate = Crate {
    src: "types/src",
    root: "lib.rs",
    folders: &["values", "generated"],
    modules: &[
        ("calendar", &[]),
        ("rfc3339", &["calendar"]),
        ("classification", &[]),
        ("validation", &[]),
        ("unknown_value", &[]),
        ("optional", &[]),
        ("path_segment", &["validation"]),
        ("sensitive", &["validation"]),
        ("timestamp", &["calendar", "optional", "rfc3339"]),
        ("redact", &["classification", "sensitive"]),
        ("json_path", &["classification"]),
        ("validate", &["calendar", "sensitive", "validation"]),
        // The generated types, their builders and their schemas.
        (
            "types",
            &["redact", "sensitive", "timestamp", "unknown_value"],
        ),
        (
            "type_builders",
            &["optional", "redact", "sensitive", "timestamp"],
        ),
        ("schemas", &["path_segment", "sensitive"]),
        (
            "extensions",
            &["calendar", "types", "validate", "validation"],
        ),
    ],
};

const WEBHOOKS: Crate = Crate {
    src: "webhooks/src",
    root: "lib.rs",
    folders: &[],
    modules: &[
        ("reading", &[]),
        ("canonical", &[]),
        ("event", &["canonical", "signature"]),
        ("signature", &["canonical", "diagnose", "event", "reading"]),
        ("diagnose", &["canonical", "reading", "signature"]),
        // The axum extractor (feature `axum`), on top.
        ("axum", &["event", "signature"]),
    ],
};

const SDK: Crate = Crate {
    src: "sdk/src",
    root: "lib.rs",
    folders: &["values", "settings", "calls", "clients"],
    modules: &[
        ("meta", &[]),
        ("response", &[]),
        ("retry_policy", &[]),
        ("error", &["meta", "response", "retry_policy"]),
        ("auth", &["error"]),
        ("config", &["auth", "retry_policy"]),
        // The generated client; its index invokes `operation!` and `paginated!`.
        ("generated", &["config", "meta", "operation", "pagination"]),
        (
            "call",
            &["config", "error", "generated", "meta", "retry_policy"],
        ),
        ("telemetry", &["error", "meta", "retry_policy"]),
        (
            "transport",
            &[
                "call",
                "config",
                "generated",
                "meta",
                "retry_policy",
                "telemetry",
            ],
        ),
        (
            "operation",
            &[
                "call",
                "error",
                "generated",
                "meta",
                "response",
                "telemetry",
            ],
        ),
        (
            "pagination",
            &["error", "generated", "operation", "telemetry"],
        ),
        ("proxy", &["error"]),
        ("tls", &["error"]),
        (
            "client",
            &[
                "auth",
                "config",
                "error",
                "generated",
                "proxy",
                "retry_policy",
                "tls",
            ],
        ),
    ],
};

const CLI: Crate = Crate {
    src: "cli/src",
    root: "main.rs",
    folders: &[],
    modules: &[
        ("connect", &[]),
        ("exit", &[]),
        ("table", &[]),
        ("run", &["table"]),
        // The generated commands hand their requests to `run::CliConfig`.
        ("generated", &["run"]),
        ("fake", &[]),
        ("webhook", &["exit"]),
    ],
};

const MOCK: Crate = Crate {
    src: "mock/src",
    root: "lib.rs",
    folders: &[],
    modules: &[
        ("data", &[]),
        ("world", &["data", "lib"]),
        ("validate", &[]),
        ("control", &[]),
        ("webhooks", &["lib"]),
        ("server", &[]),
        ("signal", &[]),
        (
            "routes",
            &[
                "control", "data", "lib", "server", "validate", "webhooks", "world",
            ],
        ),
    ],
};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every `.rs` file under `dir`, with the module it belongs to.
fn files(krate: &Crate) -> Vec<(String, PathBuf)> {
    fn walk(
        dir: &Path,
        module: Option<String>,
        folders: &[&str],
        out: &mut Vec<(String, PathBuf)>,
    ) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let stem = path.file_stem().unwrap().to_string_lossy().to_string();
            if path.is_dir() {
                let owner = match &module {
                    Some(owner) => Some(owner.clone()),
                    // A grouping folder holds modules; a module's folder is the module.
                    None if folders.contains(&stem.as_str()) => None,
                    None => Some(stem),
                };
                walk(&path, owner, &[], out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push((module.clone().unwrap_or(stem), path));
            }
        }
    }
    let mut out = Vec::new();
    walk(&root().join(krate.src), None, krate.folders, &mut out);
    out
}

/// How many modules down from the crate root `path`'s code is
/// (`calls/transport/hooks.rs` is 3, `calls/transport/mod.rs` 2).
fn depth(krate: &Crate, path: &Path) -> usize {
    let relative = path.strip_prefix(root().join(krate.src)).unwrap();
    let parts = relative.components().count();
    if relative.ends_with("mod.rs") {
        parts - 1
    } else {
        parts
    }
}

fn is_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("cfg") && a.parse_args::<syn::Ident>().is_ok_and(|i| i == "test")
    })
}

/// The names that follow `crate::`, or `super::` repeated `depth` times (the
/// crate root seen from a file `depth` modules down), anywhere in `tokens`
/// (`crate::{a, b::c}` gives `a` and `b`).
fn crate_paths(tokens: TokenStream, depth: usize, out: &mut BTreeSet<String>) {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    let is = |i: usize, word: &str| matches!(trees.get(i), Some(TokenTree::Ident(x)) if x == word);
    let colons = |i: usize| {
        matches!(
            (trees.get(i), trees.get(i + 1)),
            (Some(TokenTree::Punct(a)), Some(TokenTree::Punct(b))) if a.as_char() == ':' && b.as_char() == ':'
        )
    };
    // Where a path to the root that starts at `i` ends: past `crate::` or
    // past `depth` times `super::`.
    let root_path = |i: usize| {
        if is(i, "crate") && colons(i + 1) {
            return Some(i + 3);
        }
        let supers = (0..depth).all(|k| is(i + 3 * k, "super") && colons(i + 3 * k + 1));
        // `super::super` one level too deep is not a path this reader knows.
        (depth > 0 && supers && !is(i + 3 * depth, "super")).then_some(i + 3 * depth)
    };
    for (i, tree) in trees.iter().enumerate() {
        if let TokenTree::Group(group) = tree {
            crate_paths(group.stream(), depth, out);
            continue;
        }
        // Only where a path starts: not inside `a::super::…` or `crate::super::…`.
        if i >= 2 && colons(i - 2) {
            continue;
        }
        let Some(next) = root_path(i) else { continue };
        match trees.get(next) {
            Some(TokenTree::Ident(name)) => {
                out.insert(name.to_string());
            }
            Some(TokenTree::Group(group)) if group.delimiter() == Delimiter::Brace => {
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
}

/// What the crate root makes `crate::NAME` mean: for each name it defines or
/// brings in with `use`, the module of the table it comes from, or `None`
/// for another crate (Cargo's to check).
fn root_names(krate: &Crate) -> BTreeMap<String, Option<String>> {
    let modules: Vec<&str> = krate.modules.iter().map(|(m, _)| *m).collect();
    let local = |segment: &str| modules.contains(&segment) || krate.folders.contains(&segment);
    fn walk(tree: &syn::UseTree, path: &mut Vec<String>, out: &mut Vec<(String, Vec<String>)>) {
        match tree {
            syn::UseTree::Path(p) => {
                path.push(p.ident.to_string());
                walk(&p.tree, path, out);
                path.pop();
            }
            syn::UseTree::Name(n) => {
                let mut full = path.clone();
                full.push(n.ident.to_string());
                out.push((n.ident.to_string(), full));
            }
            syn::UseTree::Rename(r) => {
                let mut full = path.clone();
                full.push(r.ident.to_string());
                out.push((r.rename.to_string(), full));
            }
            syn::UseTree::Group(g) => g.items.iter().for_each(|t| walk(t, path, out)),
            syn::UseTree::Glob(_) => {}
        }
    }
    let lib = std::fs::read_to_string(root().join(krate.src).join(krate.root)).unwrap();
    let lib = syn::parse_file(&lib).unwrap();
    let mut names = BTreeMap::new();
    let defined =
        |names: &mut BTreeMap<String, Option<String>>, ident: &syn::Ident, module: &str| {
            names.insert(ident.to_string(), Some(module.to_string()));
        };
    for item in &lib.items {
        match item {
            syn::Item::Use(item) => {
                let mut uses = Vec::new();
                walk(&item.tree, &mut Vec::new(), &mut uses);
                for (name, path) in uses {
                    let path: Vec<&str> = path.iter().map(String::as_str).collect();
                    let module = match path.as_slice() {
                        [folder, module, ..] if krate.folders.contains(folder) => {
                            Some(module.to_string())
                        }
                        [module, ..] if local(module) => Some(module.to_string()),
                        _ => None,
                    };
                    names.insert(name, module);
                }
            }
            syn::Item::Mod(m)
                if m.content.is_none()
                    || !krate.folders.contains(&m.ident.to_string().as_str()) =>
            {
                defined(&mut names, &m.ident, &m.ident.to_string());
            }
            syn::Item::Mod(folder) => {
                for item in folder.content.iter().flat_map(|(_, items)| items) {
                    if let syn::Item::Mod(m) = item {
                        defined(&mut names, &m.ident, &m.ident.to_string());
                    }
                }
            }
            syn::Item::Struct(s) => defined(&mut names, &s.ident, "lib"),
            syn::Item::Enum(e) => defined(&mut names, &e.ident, "lib"),
            syn::Item::Const(c) => defined(&mut names, &c.ident, "lib"),
            syn::Item::Fn(f) => defined(&mut names, &f.sig.ident, "lib"),
            syn::Item::Type(t) => defined(&mut names, &t.ident, "lib"),
            syn::Item::Trait(t) => defined(&mut names, &t.ident, "lib"),
            syn::Item::Static(s) => defined(&mut names, &s.ident, "lib"),
            _ => {}
        }
    }
    names
}

/// The names `module`'s code (`source`, `depth` modules down) reaches at
/// the crate root, tests left out.
fn root_paths(source: &str, depth: usize) -> BTreeSet<String> {
    let mut file = syn::parse_file(source).expect("sources parse");
    file.items.retain(|item| !test_only(item));
    let mut used = BTreeSet::new();
    crate_paths(quote::ToTokens::to_token_stream(&file), depth, &mut used);
    used
}

/// The modules of the table that `module`'s code (`source`) names.
fn targets(
    source: &str,
    depth: usize,
    names: &BTreeMap<String, Option<String>>,
) -> BTreeSet<String> {
    root_paths(source, depth)
        .iter()
        .filter_map(|name| names.get(name).cloned().flatten())
        .collect()
}

fn test_only(item: &syn::Item) -> bool {
    match item {
        syn::Item::Mod(m) => is_test(&m.attrs),
        syn::Item::Fn(f) => is_test(&f.attrs),
        syn::Item::Use(u) => is_test(&u.attrs),
        _ => false,
    }
}

/// The edges from `module`'s code (`source`) that its row does not allow,
/// and the names nothing resolves.
fn violations(
    krate: &Crate,
    module: &str,
    source: &str,
    depth: usize,
    names: &BTreeMap<String, Option<String>>,
) -> Vec<String> {
    let used = root_paths(source, depth);
    let Some((_, allowed)) = krate.modules.iter().find(|(m, _)| *m == module) else {
        return vec![format!(
            "{}: module `{module}` is not in the table",
            krate.src
        )];
    };
    used.iter()
        .filter_map(|name| {
            let target = match names.get(name) {
                Some(Some(target)) => target.as_str(),
                // Another crate's item: Cargo's edge.
                Some(None) => return None,
                None => {
                    return Some(format!(
                        "{}: {module} names `crate::{name}`, which is neither a module nor an item of the crate root",
                        krate.src
                    ));
                }
            };
            (target != module && !allowed.contains(&target)).then(|| {
                format!("{}: {module} → {target} (crate::{name}) is not in {module}'s row", krate.src)
            })
        })
        .collect()
}

#[test]
fn every_module_uses_only_what_its_row_allows() {
    let mut found = Vec::new();
    for krate in [TYPES, WEBHOOKS, SDK, MOCK, CLI] {
        let names = root_names(&krate);
        let all = files(&krate);
        assert!(
            all.len() >= 5,
            "{}: read only {} files",
            krate.src,
            all.len()
        );
        let mut used: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
        for (module, path) in &all {
            // The crate root wires every module together.
            if path.ends_with(krate.root) {
                continue;
            }
            let source = std::fs::read_to_string(path).unwrap();
            let depth = depth(&krate, path);
            found.extend(violations(&krate, module, &source, depth, &names));
            used.entry(module)
                .or_default()
                .extend(targets(&source, depth, &names));
        }
        // A row lists exactly what the module uses, so the table (and
        // ARCHITECTURE.md, drawn from it) says what the code does.
        for (module, allowed) in krate.modules {
            for target in *allowed {
                if !used.get(module).is_some_and(|u| u.contains(*target)) {
                    found.push(format!(
                        "{}: {module}'s row allows {target}, which it does not use",
                        krate.src
                    ));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "edges against the layering (ARCHITECTURE.md):\n{}",
        found.join("\n")
    );
}

#[test]
fn the_reader_sees_uses_paths_and_macro_bodies_but_not_tests_and_refuses_unknown_names() {
    let names = BTreeMap::from([
        ("Client".to_string(), Some("generated".to_string())),
        ("pagination".to_string(), Some("pagination".to_string())),
        ("operation".to_string(), Some("operation".to_string())),
        ("types".to_string(), None),
    ]);
    let source = r#"
        use crate::{types::Customer, pagination};
        fn f() -> crate::Client { todo!() }
        macro_rules! m { () => { $crate::mystery::thing!() } }
        #[cfg(test)]
        mod tests { use crate::webhook::Webhook; }
    "#;
    assert_eq!(
        violations(&SDK, "error", source, 1, &names),
        [
            "sdk/src: error → generated (crate::Client) is not in error's row",
            "sdk/src: error names `crate::mystery`, which is neither a module nor an item of the crate root",
            "sdk/src: error → pagination (crate::pagination) is not in error's row"
        ]
    );
    assert!(violations(&SDK, "generated", "use crate::operation::x;", 1, &names).is_empty());
    // `super::` is the root one level down, a sibling two levels down.
    assert_eq!(
        violations(
            &SDK,
            "meta",
            "use super::Client; use a::super::Client;",
            1,
            &names
        ),
        ["sdk/src: meta → generated (crate::Client) is not in meta's row"]
    );
    assert!(violations(&SDK, "meta", "use super::Client;", 2, &names).is_empty());
    assert_eq!(
        violations(&SDK, "nowhere", "", 1, &names),
        ["sdk/src: module `nowhere` is not in the table"]
    );
}

#[test]
fn the_root_resolves_folders_modules_reexports_and_other_crates() {
    let names = root_names(&SDK);
    let get = |name: &str| names.get(name).cloned();
    assert_eq!(get("meta"), Some(Some("meta".into())));
    assert_eq!(get("ApiKey"), Some(Some("auth".into())));
    assert_eq!(get("Client"), Some(Some("generated".into())));
    assert_eq!(get("types"), Some(None));
    assert_eq!(get("redact"), Some(None));
    assert_eq!(get("nothing_by_that_name"), None);
}

/// The workspace's resolved dependency graph, as `cargo metadata` gives it,
/// read once.
fn metadata() -> &'static serde_json::Value {
    static METADATA: std::sync::OnceLock<serde_json::Value> = std::sync::OnceLock::new();
    METADATA.get_or_init(|| {
        // The host's packages only: the others (wasm's, Windows') need not be downloaded.
        let rustc = std::process::Command::new("rustc")
            .arg("-vV")
            .output()
            .unwrap();
        let host = String::from_utf8(rustc.stdout)
            .unwrap()
            .lines()
            .find_map(|line| line.strip_prefix("host: ").map(str::to_string))
            .unwrap();
        let output = std::process::Command::new(env!("CARGO"))
            .args(["metadata", "--format-version", "1", "--locked", "--offline"])
            .args(["--filter-platform", &host])
            .current_dir(root())
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        serde_json::from_slice(&output.stdout).unwrap()
    })
}

/// What `package` (a workspace crate) builds on, its normal dependencies
/// followed all the way down, as `cargo metadata` resolves them.
fn normal_closure(package: &str) -> BTreeSet<String> {
    let metadata = metadata();
    let name_of = |id: &str| {
        metadata["packages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == id)
            .map(|p| p["name"].as_str().unwrap().to_string())
            .unwrap()
    };
    let nodes = metadata["resolve"]["nodes"].as_array().unwrap();
    let mut seen = BTreeSet::new();
    let mut queue: Vec<String> = nodes
        .iter()
        .filter(|n| name_of(n["id"].as_str().unwrap()) == package)
        .map(|n| n["id"].as_str().unwrap().to_string())
        .collect();
    while let Some(id) = queue.pop() {
        let node = nodes.iter().find(|n| n["id"] == id.as_str()).unwrap();
        for dep in node["deps"].as_array().unwrap() {
            let normal = dep["dep_kinds"]
                .as_array()
                .unwrap()
                .iter()
                .any(|k| k["kind"].is_null());
            let id = dep["pkg"].as_str().unwrap();
            if normal && seen.insert(name_of(id)) {
                queue.push(id.to_string());
            }
        }
    }
    seen
}

#[test]
fn the_crates_below_the_sdk_have_no_http_stack_and_the_fake_no_sdk_internals() {
    const HTTP_STACK: [&str; 6] = [
        "reqwest",
        "hyper",
        "tokio",
        "rustls",
        "h2",
        "progenitor-client",
    ];
    let webhooks = normal_closure("imprint-webhooks");
    for (package, closure) in [
        ("imprint-types", normal_closure("imprint-types")),
        ("imprint-webhooks", webhooks.clone()),
    ] {
        assert!(closure.contains("serde_json"), "{package}: {closure:?}");
        let found: Vec<&str> = HTTP_STACK
            .into_iter()
            .filter(|name| closure.contains(*name))
            .collect();
        assert!(found.is_empty(), "{package} builds on {found:?}");
    }
    // The webhooks crate stands on the types alone, not on the client.
    assert!(!webhooks.contains("imprint-sdk"));
    assert!(normal_closure("imprint-mock").contains("imprint-sdk"));
}
