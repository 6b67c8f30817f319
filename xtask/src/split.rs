//! Where each part of the generated module is written. The types, their
//! builders and their JSON Schemas go to the `imprint-types` crate, which has
//! no HTTP stack, so that they compile while reqwest and rustls do. The client,
//! its operation builders and the operation index go to the sdk. One file per
//! part, each with the header and each drift-checked; the crates include them
//! into the modules they always formed (`types`, `types::builder`, `builder`).

use syn::{File, Item, ItemMod};

/// `types`: the generated types, `defaults` and `error` (imprint-types).
pub const TYPES: &str = "types/src/generated/types.rs";
/// `types::builder`: a builder per generated type (imprint-types).
pub const TYPE_BUILDERS: &str = "types/src/generated/type_builders.rs";
/// `component_schemas()`, under the feature `schemars` (imprint-types).
pub const SCHEMAS: &str = "types/src/generated/schemas.rs";
/// `Client`, its operation methods and hooks (sdk).
pub const CLIENT: &str = "sdk/src/generated/client.rs";
/// `builder`: one builder per operation (sdk).
pub const BUILDERS: &str = "sdk/src/generated/builder.rs";
/// The operation table and the facade's macro invocations (sdk).
pub const INDEX: &str = "sdk/src/generated/index.rs";

/// The parts of one generated module, in the order they are written.
pub const PARTS: [&str; 6] = [TYPES, TYPE_BUILDERS, SCHEMAS, CLIENT, BUILDERS, INDEX];

/// The name of `component_schemas()`, which goes with the types.
const SCHEMAS_FN: &str = "component_schemas";

/// Splits progenitor's refined file and the index's items into the
/// [`PARTS`], in that order.
pub fn split(file: File, index: Vec<Item>) -> Result<[(&'static str, File); 6], String> {
    let mut client = Vec::new();
    let (mut types, mut builders) = (None, None);
    for item in file.items {
        match item {
            Item::Mod(module) if module.ident == "types" => types = Some(contents(module)?),
            Item::Mod(module) if module.ident == "builder" => builders = Some(contents(module)?),
            item => client.push(item),
        }
    }
    let types = types.ok_or("progenitor's output has no `types` module")?;
    let builders = builders.ok_or("progenitor's output has no `builder` module")?;
    let (mut type_builders, mut types_rest) = (None, Vec::new());
    for item in types {
        match item {
            Item::Mod(module) if module.ident == "builder" => {
                type_builders = Some(contents(module)?);
            }
            item => types_rest.push(item),
        }
    }
    let type_builders = type_builders.ok_or("the `types` module has no `builder` module")?;
    let (schemas, index): (Vec<Item>, Vec<Item>) = index
        .into_iter()
        .partition(|item| matches!(item, Item::Fn(f) if f.sig.ident == SCHEMAS_FN));
    Ok([
        (TYPES, file_of(types_rest)),
        (TYPE_BUILDERS, file_of(type_builders)),
        (SCHEMAS, file_of(schemas)),
        (CLIENT, file_of(client)),
        (BUILDERS, file_of(builders)),
        (INDEX, file_of(index)),
    ])
}

/// The generated module in one piece from its parts (in [`PARTS`] order), as
/// [`split`] took it apart: what the API report compares.
pub fn whole(parts: [File; 6]) -> String {
    let [types, type_builders, schemas, client, builders, index] = parts.map(|file| file.items);
    let mut types = types;
    types.push(module("builder", type_builders));
    let mut items = vec![module("types", types)];
    items.extend(client);
    items.push(module("builder", builders));
    items.extend(index);
    items.extend(schemas);
    prettyplease::unparse(&file_of(items))
}

/// [`whole`] from the parts' texts, as written on disk.
pub fn assemble(parts: &[&str; 6]) -> Result<String, String> {
    let files = parts
        .iter()
        .zip(PARTS)
        .map(|(text, path)| syn::parse_file(text).map_err(|e| format!("{path}: {e}")))
        .collect::<Result<Vec<File>, String>>()?;
    Ok(whole(files.try_into().expect("one file per part")))
}

fn contents(module: ItemMod) -> Result<Vec<Item>, String> {
    module
        .content
        .map(|(_, items)| items)
        .ok_or_else(|| format!("the module `{}` has no body", module.ident))
}

fn module(name: &str, items: Vec<Item>) -> Item {
    let name = syn::Ident::new(name, proc_macro2::Span::call_site());
    Item::Mod(syn::parse_quote! { pub mod #name { #(#items)* } })
}

fn file_of(items: Vec<Item>) -> File {
    syn::parse_quote! { #(#items)* }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(file: &File) -> Vec<String> {
        file.items
            .iter()
            .map(|item| match item {
                Item::Mod(m) => format!("mod {}", m.ident),
                Item::Struct(s) => format!("struct {}", s.ident),
                Item::Fn(f) => format!("fn {}", f.sig.ident),
                Item::Const(c) => format!("const {}", c.ident),
                Item::Use(_) => "use".into(),
                Item::Impl(_) => "impl".into(),
                _ => "other".into(),
            })
            .collect()
    }

    const MODULE: &str = "
        use progenitor_client::Error;
        pub mod types {
            pub struct Customer;
            pub mod builder { pub struct Customer; }
            pub mod defaults {}
        }
        pub struct Client;
        impl Client {}
        pub mod builder { pub struct SearchCustomers; }
    ";

    fn index() -> Vec<Item> {
        vec![
            syn::parse_quote! { pub const OPERATIONS: [u8; 0] = []; },
            syn::parse_quote! { pub fn component_schemas() {} },
        ]
    }

    #[test]
    fn each_part_holds_its_items_and_nothing_else() {
        let parts = split(syn::parse_file(MODULE).unwrap(), index()).unwrap();
        let listed: Vec<(&str, Vec<String>)> = parts
            .iter()
            .map(|(path, file)| (*path, names(file)))
            .collect();
        assert_eq!(
            listed,
            [
                (TYPES, vec!["struct Customer".into(), "mod defaults".into()]),
                (TYPE_BUILDERS, vec!["struct Customer".into()]),
                (SCHEMAS, vec!["fn component_schemas".into()]),
                (
                    CLIENT,
                    vec!["use".into(), "struct Client".into(), "impl".into()]
                ),
                (BUILDERS, vec!["struct SearchCustomers".into()]),
                (INDEX, vec!["const OPERATIONS".into()]),
            ]
        );
    }

    #[test]
    fn assembling_the_parts_gives_back_the_module() {
        let parts = split(syn::parse_file(MODULE).unwrap(), index()).unwrap();
        let texts: Vec<String> = parts
            .iter()
            .map(|(_, file)| prettyplease::unparse(file))
            .collect();
        let texts: [&str; 6] = std::array::from_fn(|i| texts[i].as_str());
        let whole = syn::parse_file(&assemble(&texts).unwrap()).unwrap();
        assert_eq!(
            names(&whole),
            [
                "mod types",
                "use",
                "struct Client",
                "impl",
                "mod builder",
                "const OPERATIONS",
                "fn component_schemas"
            ]
        );
    }

    #[test]
    fn a_module_without_its_parts_is_an_error() {
        let missing = syn::parse_file("pub mod types { pub mod builder {} }").unwrap();
        assert_eq!(
            split(missing, Vec::new()).unwrap_err(),
            "progenitor's output has no `builder` module"
        );
    }
}
