//! TLS for the HTTP clients the SDK builds, with the crypto provider given to
//! each client, never taken from or installed in the process.
//!
//! reqwest picks rustls' process-wide provider when it has none of its own,
//! and with only `rustls-ring` (reqwest's `rustls-no-provider`) it panics when
//! none is installed: an `imprint::Client` used to install ring for the whole
//! process, and anything that built a reqwest client first (the fake's
//! webhook sender, the application's own) panicked. Every client the SDK
//! builds now carries a rustls configuration made here: the provider of the
//! build's TLS feature and the platform's certificate verifier (reqwest's own
//! default), nothing process-wide.
//!
//! # Which provider
//!
//! - `rustls-aws-lc` (the default): aws-lc-rs.
//! - `rustls-ring` alone: ring.
//! - Both features on (two dependents chose differently): aws-lc-rs wins.
//!
//! # Your own reqwest clients
//!
//! Cargo unifies reqwest's features across a build. With `rustls-ring` alone,
//! reqwest has no default provider, so `reqwest::Client::new()` in the
//! application panics unless a provider is installed
//! (`rustls::crypto::ring::default_provider().install_default()` at the start
//! of `main`) or the client is built from [`http_client_builder`], which
//! carries the SDK's TLS.
//!
//! ```
//! let client = imprint::tls::http_client_builder()?
//!     .user_agent("partner-service/1.0")
//!     .build()?;
//! # drop(client);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::error::Error;

/// A `reqwest::ClientBuilder` whose TLS uses the SDK's crypto provider and the
/// platform's certificate verifier, set on the builder itself: building it
/// never needs (nor installs) a process-wide provider. In a build without a
/// TLS feature it is reqwest's plain builder (http only).
///
/// # Errors
///
/// [`Error::Config`] on setting `tls` when the platform's verifier cannot be
/// set up.
pub fn http_client_builder() -> Result<reqwest::ClientBuilder, Error> {
    with_sdk_tls(reqwest::Client::builder())
}

/// `builder` with the SDK's TLS set on it.
#[cfg(any(feature = "rustls-aws-lc", feature = "rustls-ring"))]
pub(crate) fn with_sdk_tls(
    builder: reqwest::ClientBuilder,
) -> Result<reqwest::ClientBuilder, Error> {
    Ok(builder.tls_backend_preconfigured(rustls_config()?))
}

/// `builder` as it is: a build without TLS talks plain http only.
#[cfg(not(any(feature = "rustls-aws-lc", feature = "rustls-ring")))]
pub(crate) fn with_sdk_tls(
    builder: reqwest::ClientBuilder,
) -> Result<reqwest::ClientBuilder, Error> {
    Ok(builder)
}

/// Whether reqwest can build `builder`'s TLS by itself: it can unless only
/// `rustls-ring` is on and no process-wide provider is installed (reqwest
/// would panic).
#[cfg(all(feature = "rustls-ring", not(feature = "rustls-aws-lc")))]
pub(crate) fn reqwest_has_a_provider() -> bool {
    rustls::crypto::CryptoProvider::get_default().is_some()
}

/// Whether reqwest can build `builder`'s TLS by itself: it always can with
/// aws-lc-rs, and without TLS there is nothing to build.
#[cfg(not(all(feature = "rustls-ring", not(feature = "rustls-aws-lc"))))]
pub(crate) fn reqwest_has_a_provider() -> bool {
    true
}

#[cfg(any(feature = "rustls-aws-lc", feature = "rustls-ring"))]
fn rustls_config() -> Result<rustls::ClientConfig, Error> {
    use rustls_platform_verifier::BuilderVerifierExt;
    let refused = |_| {
        Error::from(crate::error::ConfigError::new(
            "tls",
            "the platform's certificate verifier could not be set up",
        ))
    };
    let mut config = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(provider()))
        .with_safe_default_protocol_versions()
        .map_err(refused)?
        .with_platform_verifier()
        .map_err(refused)?
        .with_no_client_auth();
    // What reqwest offers when it builds the configuration itself.
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

#[cfg(feature = "rustls-aws-lc")]
fn provider() -> rustls::crypto::CryptoProvider {
    rustls::crypto::aws_lc_rs::default_provider()
}

#[cfg(all(feature = "rustls-ring", not(feature = "rustls-aws-lc")))]
fn provider() -> rustls::crypto::CryptoProvider {
    rustls::crypto::ring::default_provider()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// With `rustls-ring` alone (CI: `cargo test -p imprint-sdk
    /// --no-default-features --features rustls-ring --lib tls`), the SDK's
    /// clients and the fake's webhook sender (which panicked) build with no
    /// process-wide provider, and leave none behind.
    #[cfg(all(feature = "rustls-ring", not(feature = "rustls-aws-lc")))]
    #[tokio::test]
    async fn with_ring_alone_clients_build_without_a_process_wide_provider() {
        assert!(rustls::crypto::CryptoProvider::get_default().is_none());
        // First, as in the partner's test that panicked: no SDK client yet.
        imprint_mock::FakeImprint::builder()
            .webhook_url("http://127.0.0.1:9/hooks")
            .start()
            .await
            .expect("the fake with a webhook sender");
        http_client_builder().unwrap().build().unwrap();
        crate::Client::builder()
            .api_key("k")
            .build()
            .expect("an https client");
        crate::Client::builder()
            .api_key("k")
            .http_client(reqwest::Client::builder().user_agent("mine"))
            .build()
            .expect("a client from the application's builder");
        assert!(
            rustls::crypto::CryptoProvider::get_default().is_none(),
            "nothing was installed process-wide"
        );
    }

    #[cfg(any(feature = "rustls-aws-lc", feature = "rustls-ring"))]
    #[test]
    fn the_configuration_offers_h2_and_http1() {
        let config = rustls_config().unwrap();
        assert_eq!(
            config.alpn_protocols,
            [b"h2".to_vec(), b"http/1.1".to_vec()]
        );
        assert!(config.enable_sni);
    }
}
