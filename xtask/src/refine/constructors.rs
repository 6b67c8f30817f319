//! No public constructor that skips the client's policies. progenitor gives
//! `Client` a public `new(baseurl, inner)` and `new_with_client(baseurl,
//! client, inner)`: a client made with them follows redirects (re-sending an
//! SSN to the host a `Location` names), uses the environment's proxies and
//! accepts plain http to any host. `Client::builder()` and `Client::from_env()`
//! are the only ways in; the builder calls `new_with_client`, which stays
//! visible to the crate, and `new` is dropped.

/// Removes `Client::new` and makes `Client::new_with_client` crate-private
/// among `items` (the generated file); returns the constructors changed.
pub fn restrict(items: &mut [syn::Item]) -> Vec<String> {
    let mut changed = Vec::new();
    for item in items.iter_mut() {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        if block.trait_.is_some() || super::impl_of(block).is_none_or(|(name, _)| name != "Client")
        {
            continue;
        }
        block.items.retain(|member| {
            let is_new = matches!(member, syn::ImplItem::Fn(f) if f.sig.ident == "new");
            if is_new {
                changed.push("Client::new (removed)".to_string());
            }
            !is_new
        });
        for member in &mut block.items {
            if let syn::ImplItem::Fn(function) = member
                && function.sig.ident == "new_with_client"
            {
                function.vis = syn::parse_quote!(pub(crate));
                function.attrs.retain(|a| !a.path().is_ident("doc"));
                function.attrs.push(syn::parse_quote!(
                    #[doc = " The client `ClientBuilder::build` makes: progenitor's constructor, which checks nothing, so it is not public."]
                ));
                changed.push("Client::new_with_client (crate-private)".to_string());
            }
        }
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::ToTokens;

    #[test]
    fn new_goes_and_new_with_client_is_crate_private() {
        let mut file: syn::File = syn::parse_quote! {
            impl Client {
                /// progenitor's doc
                pub fn new(baseurl: &str, inner: Config) -> Self { todo!() }
                pub fn new_with_client(baseurl: &str, client: reqwest::Client, inner: Config) -> Self { todo!() }
                pub fn baseurl(&self) -> &String { &self.baseurl }
            }
            impl ClientInfo for Client {
                fn new() -> Self { todo!() }
            }
        };
        assert_eq!(
            restrict(&mut file.items),
            [
                "Client::new (removed)",
                "Client::new_with_client (crate-private)"
            ]
        );
        let text = file.to_token_stream().to_string();
        assert!(!text.contains("pub fn new ("), "{text}");
        assert!(text.contains("pub (crate) fn new_with_client"), "{text}");
        assert!(text.contains("pub fn baseurl"), "{text}");
        assert!(
            text.contains("fn new () -> Self"),
            "trait impls stay: {text}"
        );
    }
}
