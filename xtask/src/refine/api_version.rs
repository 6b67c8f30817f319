//! No `api-version` request header. progenitor sends one on every request,
//! with the spec's `info.version`; Imprint documents no such header (the
//! version is in the path, `/v2/…`), so it is bytes on the wire and a header
//! for the server to parse, per request, for nothing.

use quote::ToTokens;

/// The header progenitor adds.
const HEADER: &str = "\"api-version\"";

/// Removes the `api-version` header from every `send()` among the `items` of
/// the builder module, and the then empty header map with it; returns the
/// names of the builders changed.
pub fn remove(items: &mut [syn::Item]) -> Vec<String> {
    let mut changed = Vec::new();
    for item in items {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        let Some((name, None)) = super::impl_of(block) else {
            continue;
        };
        for member in &mut block.items {
            if let syn::ImplItem::Fn(function) = member
                && strip(&mut function.block.stmts)
            {
                changed.push(name.clone());
            }
        }
    }
    changed
}

/// Whether `stmts` appended the header (now removed).
fn strip(stmts: &mut Vec<syn::Stmt>) -> bool {
    let before = stmts.len();
    stmts.retain(|stmt| !appends_api_version(stmt));
    if stmts.len() == before {
        return false;
    }
    let still_used = stmts
        .iter()
        .filter(|stmt| !declares_header_map(stmt))
        .any(|stmt| {
            let text = stmt.to_token_stream().to_string();
            text.contains("header_map") && !text.contains(". headers (header_map)")
        });
    if !still_used {
        stmts.retain(|stmt| !declares_header_map(stmt));
        for stmt in stmts.iter_mut() {
            if let syn::Stmt::Local(local) = stmt
                && let Some(init) = &mut local.init
            {
                drop_headers_call(&mut init.expr);
            }
        }
    }
    true
}

fn appends_api_version(stmt: &syn::Stmt) -> bool {
    let syn::Stmt::Expr(syn::Expr::MethodCall(call), _) = stmt else {
        return false;
    };
    call.method == "append"
        && is_header_map(&call.receiver)
        && call
            .args
            .first()
            .is_some_and(|arg| arg.to_token_stream().to_string().contains(HEADER))
}

fn declares_header_map(stmt: &syn::Stmt) -> bool {
    matches!(stmt, syn::Stmt::Local(local)
        if matches!(&local.pat, syn::Pat::Ident(p) if p.ident == "header_map"))
}

fn is_header_map(expr: &syn::Expr) -> bool {
    matches!(expr, syn::Expr::Path(p) if p.path.is_ident("header_map"))
}

/// Replaces `….headers(header_map)` in a method chain by its receiver.
fn drop_headers_call(expr: &mut syn::Expr) {
    match expr {
        syn::Expr::Try(inner) => drop_headers_call(&mut inner.expr),
        syn::Expr::MethodCall(call)
            if call.method == "headers"
                && call.args.len() == 1
                && call.args.first().is_some_and(is_header_map) =>
        {
            let receiver = (*call.receiver).clone();
            *expr = receiver;
            drop_headers_call(expr);
        }
        syn::Expr::MethodCall(call) => drop_headers_call(&mut call.receiver),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn send(extra: proc_macro2::TokenStream) -> syn::File {
        syn::parse_quote! {
            impl<'a> Op<'a> {
                pub async fn send(self) -> Result<(), Error<()>> {
                    let mut header_map = ::reqwest::header::HeaderMap::with_capacity(2usize);
                    header_map.append(
                        ::reqwest::header::HeaderName::from_static("api-version"),
                        ::reqwest::header::HeaderValue::from_static(super::Client::api_version()),
                    );
                    #extra
                    let mut request = client.client.post(url).json(&body).headers(header_map).build()?;
                    Ok(())
                }
            }
        }
    }

    #[test]
    fn the_header_and_its_empty_map_go() {
        let mut file = send(quote::quote!());
        assert_eq!(remove(&mut file.items), ["Op"]);
        let text = quote::quote!(#file).to_string();
        assert!(!text.contains("api-version"), "{text}");
        assert!(!text.contains("header_map"), "{text}");
        assert!(
            text.contains("client . client . post (url) . json (& body) . build () ?"),
            "{text}"
        );
    }

    #[test]
    fn other_headers_keep_the_map() {
        let mut file = send(quote::quote!(header_map.append("x-other", value);));
        assert_eq!(remove(&mut file.items), ["Op"]);
        let text = quote::quote!(#file).to_string();
        assert!(!text.contains("api-version"), "{text}");
        assert!(text.contains(". headers (header_map)"), "{text}");
        assert!(text.contains("\"x-other\""), "{text}");
    }

    #[test]
    fn a_builder_without_the_header_is_untouched() {
        let mut file: syn::File = syn::parse_quote! {
            impl Op { fn send(self) { let request = client.get(url).build(); } }
        };
        assert!(remove(&mut file.items).is_empty());
    }
}
