//! The operations of the `imprint` command line (crate `imprint-cli`):
//! progenitor's clap generator (`Generator::cli`), its output rewritten so that
//! every command runs through the SDK's `.call()` or pagination stream, never
//! progenitor's raw `send()`, and prints through the CLI's own output.

use std::collections::BTreeSet;

use proc_macro2::{Group, Ident, TokenStream, TokenTree};
use syn::{Expr, File, ImplItem, ImplItemFn, Item, Stmt};

/// Where the generated commands are written; the CLI crate includes the file
/// into its module `generated` (`cli/src/generated/mod.rs`, hand-written).
pub const GENERATED_CLI: &str = "cli/src/generated/commands.rs";

/// The library the generated commands name the SDK by (progenitor's
/// `crate_name`); the replacement types progenitor names under `crate::` are
/// the SDK's too.
pub const SDK: &str = "imprint";

/// The argument progenitor declares for a body template it never implements.
const UNIMPLEMENTED_ARG: &str = "json-body-template";

/// Rewrites progenitor's CLI `file` into the CLI crate's module:
///
/// - each `execute_<operation>` keeps the code that reads the arguments into
///   the request, then hands the request to `CliConfig::call`, or for the
///   operations in `paginated` (progenitor's snake-case names) to
///   `CliConfig::list` with the matches, so the CLI's own output decides
///   between one page and `--all`;
/// - progenitor's output trait (which takes progenitor's error type, not the
///   SDK's) and its per-operation override hooks are removed: `CliConfig` is
///   the CLI's (`crate::run`);
/// - each command is named by its operationId in kebab case, and paginated
///   ones take `--all`;
/// - the unimplemented `--json-body-template` is dropped.
///
/// Its `crate::` paths are the SDK's once [`sdk_paths`] read the tokens.
pub fn refine(mut file: File, paginated: &BTreeSet<String>) -> Result<File, String> {
    file.items
        .retain(|item| !matches!(item, Item::Trait(t) if t.ident == "CliConfig"));
    let mut executed = 0;
    for item in &mut file.items {
        let Item::Impl(block) = item else { continue };
        for member in &mut block.items {
            let ImplItem::Fn(function) = member else {
                continue;
            };
            let name = function.sig.ident.to_string();
            if let Some(operation) = name.strip_prefix("execute_") {
                execute_through_sdk(function, operation, paginated.contains(operation))?;
                executed += 1;
            } else if let Some(operation) = name.strip_prefix("cli_") {
                name_command(function, operation, paginated.contains(operation))?;
            }
        }
    }
    if executed == 0 {
        return Err("progenitor's CLI has no `execute_` functions".into());
    }
    file.items.insert(
        0,
        syn::parse_quote!(
            use crate::run::CliConfig;
        ),
    );
    Ok(file)
}

/// Cuts `execute_<operation>` at progenitor's override hook and ends it with
/// the hand-off to the CLI's configuration.
fn execute_through_sdk(
    function: &mut ImplItemFn,
    operation: &str,
    paginated: bool,
) -> Result<(), String> {
    let hook = format!("execute_{operation}");
    let at = function
        .block
        .stmts
        .iter()
        .position(|stmt| calls_method(stmt, &hook))
        .ok_or_else(|| format!("`execute_{operation}` has no call of its override hook"))?;
    function.block.stmts.truncate(at);
    let tail: Expr = if paginated {
        syn::parse_quote!(self.config.list(request, matches).await)
    } else {
        syn::parse_quote!(self.config.call(request).await)
    };
    function.block.stmts.push(Stmt::Expr(tail, None));
    Ok(())
}

/// Whether `stmt` is `self.config.<method>(…)?;`.
fn calls_method(stmt: &Stmt, method: &str) -> bool {
    let Stmt::Expr(Expr::Try(tried), _) = stmt else {
        return false;
    };
    matches!(&*tried.expr, Expr::MethodCall(call) if call.method == method)
}

/// Gives `cli_<operation>`'s `Command::new("")` its name, and `--all` to a
/// paginated operation.
fn name_command(function: &mut ImplItemFn, operation: &str, paginated: bool) -> Result<(), String> {
    let name = operation.replace('_', "-");
    let Some(Stmt::Expr(body, None)) = function.block.stmts.last_mut() else {
        return Err(format!("`cli_{operation}` does not end in a command"));
    };
    drop_unimplemented(body);
    let new = command_new(body)
        .filter(|call| call.args.len() == 1)
        .ok_or_else(|| format!("`cli_{operation}` has no `Command::new(\"\")`"))?;
    new.args[0] = syn::parse_quote!(#name);
    if paginated {
        let command = body.clone();
        *body = syn::parse_quote! {
            #command.arg(
                ::clap::Arg::new("all")
                    .long("all")
                    .action(::clap::ArgAction::SetTrue)
                    .help("Every page, one item per line (NDJSON), instead of one page")
            )
        };
    }
    Ok(())
}

/// The `Command::new(…)` call at the root of a method chain.
fn command_new(mut expr: &mut Expr) -> Option<&mut syn::ExprCall> {
    loop {
        match expr {
            Expr::MethodCall(call) => expr = &mut call.receiver,
            Expr::Call(call) => return Some(call),
            _ => return None,
        }
    }
}

/// Removes, from a method chain, the `.arg(…)` calls that declare
/// [`UNIMPLEMENTED_ARG`].
fn drop_unimplemented(expr: &mut Expr) {
    while let Expr::MethodCall(call) = expr {
        if call.method == "arg" && call.args.iter().any(declares_unimplemented) {
            *expr = (*call.receiver).clone();
        } else {
            drop_unimplemented(&mut call.receiver);
            return;
        }
    }
}

/// Whether `expr` contains `Arg::new("json-body-template")`.
fn declares_unimplemented(expr: &Expr) -> bool {
    quote::ToTokens::to_token_stream(expr)
        .to_string()
        .contains(&format!("\"{UNIMPLEMENTED_ARG}\""))
}

/// `crate::X` (progenitor's path for a replacement type) as `imprint::X`:
/// in the CLI crate, `crate` is the CLI.
pub fn sdk_paths(tokens: TokenStream) -> TokenStream {
    tokens
        .into_iter()
        .map(|token| match token {
            TokenTree::Ident(ident) if ident == "crate" => {
                TokenTree::Ident(Ident::new(SDK, ident.span()))
            }
            TokenTree::Group(group) => {
                let mut inner = Group::new(group.delimiter(), sdk_paths(group.stream()));
                inner.set_span(group.span());
                TokenTree::Group(inner)
            }
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refined(code: &str, paginated: &[&str]) -> String {
        let file: File = syn::parse2(sdk_paths(code.parse().unwrap())).unwrap();
        let paginated = paginated.iter().map(|s| s.to_string()).collect();
        prettyplease::unparse(&refine(file, &paginated).unwrap())
    }

    const RAW: &str = r#"
        use imprint::*;
        pub struct Cli<T: CliConfig> { client: Client, config: T }
        impl<T: CliConfig> Cli<T> {
            pub fn cli_list_things() -> ::clap::Command {
                ::clap::Command::new("")
                    .arg(::clap::Arg::new("id").value_parser(::clap::value_parser!(crate::PathSegment)))
                    .arg(::clap::Arg::new("json-body-template").long("json-body-template"))
                    .about("List things")
            }
            pub async fn execute_list_things(&self, matches: &::clap::ArgMatches) -> anyhow::Result<()> {
                let mut request = self.client.list_things();
                self.config.execute_list_things(matches, &mut request)?;
                let result = request.send().await;
                match result { Ok(r) => { Ok(()) } Err(r) => { Err(anyhow::Error::new(r)) } }
            }
            pub async fn execute_get_thing(&self, matches: &::clap::ArgMatches) -> anyhow::Result<()> {
                let mut request = self.client.get_thing();
                self.config.execute_get_thing(matches, &mut request)?;
                let result = request.send().await;
                Ok(())
            }
        }
        pub trait CliConfig { fn success_item(&self); }
    "#;

    #[test]
    fn commands_run_through_the_clis_configuration_and_are_named() {
        let code = refined(RAW, &["list_things"]);
        assert!(code.starts_with("use crate::run::CliConfig;\n"), "{code}");
        assert!(!code.contains("trait CliConfig"), "{code}");
        assert!(!code.contains(".send()"), "{code}");
        assert!(!code.contains("self.config.execute_"), "{code}");
        assert!(!code.contains("json-body-template"), "{code}");
        assert!(
            code.contains("::clap::Command::new(\"list-things\")"),
            "{code}"
        );
        assert!(
            code.contains("value_parser!(imprint::PathSegment)"),
            "{code}"
        );
        assert!(
            code.contains("self.config.list(request, matches).await\n"),
            "{code}"
        );
        assert!(code.contains("self.config.call(request).await\n"), "{code}");
        assert_eq!(code.matches(".long(\"all\")").count(), 1, "{code}");
    }

    #[test]
    fn an_execute_without_its_hook_is_an_error() {
        let file: File =
            syn::parse_str("impl Cli { pub async fn execute_x(&self) { let r = 1; } }").unwrap();
        let error = refine(file, &BTreeSet::new()).unwrap_err();
        assert_eq!(error, "`execute_x` has no call of its override hook");
    }
}
