//! Records what the header of the generated file names as its generator:
//! progenitor's version from Cargo.lock, and a fingerprint of the xtask's own
//! generation code, so the drift check can say "the generator changed" when a
//! normalizer pass or the index changed rather than "edited by hand".

use std::{env, fs, path::Path};

use sha2::{Digest, Sha256};

/// The files whose code decides what is generated.
const GENERATION_CODE: [&str; 11] = [
    "src/classification.rs",
    "src/cli.rs",
    "src/generate.rs",
    "src/index.rs",
    "src/mock_errors.rs",
    "src/requests.rs",
    "src/safety.rs",
    "src/spec.rs",
    "src/split.rs",
    "src/normalize",
    "src/refine",
];

fn main() {
    let root = Path::new(&env::var("CARGO_MANIFEST_DIR").unwrap()).to_path_buf();
    let lock = root.join("../Cargo.lock");
    println!("cargo:rerun-if-changed={}", lock.display());
    let text = fs::read_to_string(&lock).unwrap_or_default();
    let version = locked_version(&text, "progenitor-impl").unwrap_or("unknown");
    println!("cargo:rustc-env=PROGENITOR_VERSION={version}");

    let mut files = Vec::new();
    for entry in GENERATION_CODE {
        let path = root.join(entry);
        println!("cargo:rerun-if-changed={}", path.display());
        if path.is_dir() {
            let mut inside: Vec<_> = fs::read_dir(&path)
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|e| e == "rs"))
                .collect();
            inside.sort();
            files.extend(inside);
        } else {
            files.push(path);
        }
    }
    let mut hasher = Sha256::new();
    for file in files {
        let name = file
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        hasher.update(name.as_bytes());
        hasher.update(code_tokens(&fs::read_to_string(&file).unwrap()).as_bytes());
    }
    let fingerprint = hex::encode(&hasher.finalize()[..8]);
    println!("cargo:rustc-env=XTASK_FINGERPRINT={fingerprint}");
}

/// The file's items as tokens, without `#[cfg(test)]` items: formatting, `//`
/// comments and tests do not change the fingerprint. Doc comments do (they are
/// attributes to syn); after editing one, `cargo xtask codegen` restamps.
fn code_tokens(source: &str) -> String {
    let mut file = syn::parse_file(source).expect("xtask sources parse");
    file.items.retain(|item| !is_test(item));
    quote::ToTokens::to_token_stream(&file).to_string()
}

fn is_test(item: &syn::Item) -> bool {
    let attrs = match item {
        syn::Item::Mod(m) => &m.attrs,
        syn::Item::Fn(f) => &f.attrs,
        syn::Item::Use(u) => &u.attrs,
        _ => return false,
    };
    attrs.iter().any(|a| {
        a.path().is_ident("cfg") && a.parse_args::<syn::Ident>().is_ok_and(|arg| arg == "test")
    })
}

fn locked_version<'a>(lock: &'a str, package: &str) -> Option<&'a str> {
    let wanted = format!("name = \"{package}\"");
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == wanted {
            let version = lines.next()?.trim().strip_prefix("version = \"")?;
            return version.strip_suffix('"');
        }
    }
    None
}
