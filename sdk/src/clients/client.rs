//! Building a [`Client`]: credentials, environment, merchant key, timeouts, retry
//! policy, an optional `reqwest::Client` of your own; or all of it from the
//! environment with [`Client::from_env`].

use std::ffi::OsString;
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use reqwest::header::HeaderValue;

use crate::auth::{ApiKey, AuthScheme};
use crate::config::{Config, USER_AGENT};
use crate::error::{ConfigError, Error};
use crate::generated::Client;
use crate::proxy::{ProxySetting, is_loopback};
use crate::retry_policy::RetryPolicy;
use crate::tls;

/// Which Imprint deployment to talk to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Environment {
    /// `https://dev.sbx.imprint.co`, the sandbox (the spec's server).
    #[default]
    Sandbox,
    /// `https://dev.imprint.co`, production as Imprint's documentation lists it.
    Production,
}

impl Environment {
    /// The environment's base URL.
    pub fn base_url(self) -> &'static str {
        match self {
            Environment::Sandbox => "https://dev.sbx.imprint.co",
            Environment::Production => "https://dev.imprint.co",
        }
    }
}

impl FromStr for Environment {
    type Err = ConfigError;

    /// `sandbox` or `production`, in any case.
    fn from_str(name: &str) -> Result<Self, Self::Err> {
        match name.trim().to_ascii_lowercase().as_str() {
            "sandbox" => Ok(Environment::Sandbox),
            "production" => Ok(Environment::Production),
            _ => Err(ConfigError::new(
                "environment",
                "must be `sandbox` or `production`",
            )),
        }
    }
}

/// Why a build without a TLS feature cannot reach an https base URL (such a
/// build exists for crates like imprint-mock that name no feature, and talks
/// plain http to loopback only).
#[cfg(not(any(feature = "rustls-aws-lc", feature = "rustls-ring")))]
const NO_TLS: &str = "is https, and this build of imprint-sdk has no TLS: enable its feature \
     `rustls-aws-lc` (the default) or `rustls-ring`";

/// Default time allowed to open a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time allowed for one attempt, response body included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default time allowed for one call: every attempt and every wait between
/// them (two attempts that each use the whole [`DEFAULT_TIMEOUT`] at most).
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(60);
/// Default limit on a response body: 32 MiB, room for pages of thousands of
/// records (the API documents no maximum `limit`; a page of 100 customers is
/// about 200 KiB).
pub const DEFAULT_MAX_RESPONSE_BODY: u64 = 32 * 1024 * 1024;

/// Builds a [`Client`].
///
/// ```
/// use imprint::{Client, Environment, RetryPolicy};
/// let client = Client::builder()
///     .api_key("sk_test_123")
///     .environment(Environment::Sandbox)
///     .merchant_key("MERCHANT_ABC")
///     .retry_policy(RetryPolicy::default().max_attempts(4))
///     .build()?;
/// assert!(!format!("{client:?}").contains("sk_test_123"));
/// # Ok::<(), imprint::Error>(())
/// ```
#[must_use = "a builder does nothing until `build` is called"]
pub struct ClientBuilder {
    api_key: Option<ApiKey>,
    scheme: AuthScheme,
    environment: Environment,
    base_url: Option<String>,
    merchant_key: Option<String>,
    connect_timeout: Duration,
    timeout: Duration,
    deadline: Duration,
    max_response_body: u64,
    retry: RetryPolicy,
    allow_insecure_http: bool,
    proxy: ProxySetting,
    http: Option<reqwest::ClientBuilder>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            api_key: None,
            scheme: AuthScheme::default(),
            environment: Environment::default(),
            base_url: None,
            merchant_key: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            deadline: DEFAULT_DEADLINE,
            max_response_body: DEFAULT_MAX_RESPONSE_BODY,
            retry: RetryPolicy::default(),
            allow_insecure_http: false,
            proxy: ProxySetting::Off,
            http: None,
        }
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api_key", &self.api_key)
            .field("scheme", &self.scheme)
            .field("environment", &self.environment)
            .field("base_url", &self.base_url.as_deref().map(printable_url))
            .field("merchant_key", &self.merchant_key)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("deadline", &self.deadline)
            .field("max_response_body", &self.max_response_body)
            .field("retry", &self.retry)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field(
                "proxy",
                &match &self.proxy {
                    ProxySetting::Off => "none".to_string(),
                    ProxySetting::Named(url) => printable_url(url),
                    ProxySetting::FromEnvironment => "from the environment".to_string(),
                },
            )
            .field(
                "http",
                &self.http.as_ref().map(|_| "custom reqwest::ClientBuilder"),
            )
            .finish()
    }
}

impl ClientBuilder {
    /// The API key of the environment you call (required).
    pub fn api_key(mut self, key: impl Into<ApiKey>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// How the key is sent: [`AuthScheme::Basic`] (the default) or [`AuthScheme::Bearer`].
    pub fn auth_scheme(mut self, scheme: AuthScheme) -> Self {
        self.scheme = scheme;
        self
    }

    /// Sandbox (the default) or production.
    pub fn environment(mut self, environment: Environment) -> Self {
        self.environment = environment;
        self
    }

    /// A base URL that overrides the environment's (a proxy, a local fake
    /// server). It must be `https`, or `http` to a loopback address
    /// (`localhost`, `127.0.0.0/8`, `[::1]`) unless
    /// [`allow_insecure_http`](Self::allow_insecure_http) says otherwise, and
    /// must not carry a user name or password.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Sends `x-imprint-merchant-key` with every request, for partners with
    /// several co-branded products.
    pub fn merchant_key(mut self, key: impl Into<String>) -> Self {
        self.merchant_key = Some(key.into());
        self
    }

    /// Time allowed to open a connection (default 10 s), also with [`http_client`](Self::http_client).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Time allowed for each attempt, response body included (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Time allowed for a whole call: every attempt and every wait between them
    /// (default [`DEFAULT_DEADLINE`]). An attempt never runs past it, and no
    /// retry starts that would wait past it; the error then says the deadline
    /// ended the call ([`RetryStop::Deadline`](crate::RetryStop::Deadline)).
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// The longest response body the client reads, in bytes (default
    /// [`DEFAULT_MAX_RESPONSE_BODY`]). Enforced while reading, so memory stays
    /// bounded by it; a longer body is an [`Error::BodyTooLarge`].
    pub fn max_response_body(mut self, bytes: u64) -> Self {
        self.max_response_body = bytes;
        self
    }

    /// Allows a plain `http` base URL to a host that is not loopback. Requests
    /// then carry the API key, SSNs and card data unencrypted: only for a
    /// trusted network (a proxy on the same host, a test network).
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Sends requests through this proxy (`http://` or `https://`, with a
    /// user name and password if it needs them). By default a client uses no
    /// proxy, whatever `HTTP_PROXY`, `HTTPS_PROXY` or `ALL_PROXY` say.
    ///
    /// Only an `https` base URL goes through it, tunnelled with `CONNECT`: the
    /// proxy sees the host and port, never a header or a body. With a plain
    /// `http` base URL, [`build`](Self::build) refuses a proxy, since it would
    /// read the requests in the clear.
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.proxy = ProxySetting::Named(url.into());
        self
    }

    /// Sends requests through the proxy the environment names, as curl would:
    /// `https_proxy`/`HTTPS_PROXY`, else `all_proxy`/`ALL_PROXY`, except for
    /// the hosts `no_proxy`/`NO_PROXY` lists (names, domain suffixes, IP
    /// addresses and ranges, `*`). Read when the client is built.
    ///
    /// Only an `https` base URL goes through it (tunnelled with `CONNECT`;
    /// `HTTP_PROXY` is never used), and a loopback base URL goes through it
    /// only if the proxy is on loopback too.
    pub fn proxy_from_env(mut self) -> Self {
        self.proxy = ProxySetting::FromEnvironment;
        self
    }

    /// How safe operations are retried (default: 3 attempts in total).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Builds the HTTP client from your `reqwest::ClientBuilder` (its TLS,
    /// pool, DNS and connect settings). The SDK then sets what its guarantees
    /// rest on: no redirects (a redirect would re-send an SSN to the host a
    /// `Location` names), no retries by reqwest itself (the SDK decides what
    /// may be sent twice), its own connect timeout, no proxy but the one
    /// [`proxy`](Self::proxy) or [`proxy_from_env`](Self::proxy_from_env)
    /// names (a proxy set on your builder is dropped: name it there), and no
    /// `connection_verbose` (it logs every byte at TRACE: API key and SSNs).
    ///
    /// Its TLS settings are yours. With `rustls-ring` alone and no process-wide
    /// rustls provider installed, reqwest cannot build them (it would panic):
    /// the SDK's TLS ([`tls`](crate::tls)) replaces them then.
    ///
    /// hyper still re-sends a request whose pooled connection turned out to be
    /// closed *before any byte of it was written*; that cannot reach the server
    /// twice, so it is safe for every operation.
    pub fn http_client(mut self, builder: reqwest::ClientBuilder) -> Self {
        self.http = Some(builder);
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<Client, Error> {
        let key = self
            .api_key
            .ok_or(ConfigError::new("api_key", "is required"))?;
        let authorization = self.scheme.header(&key)?;
        let merchant_key = self
            .merchant_key
            .as_deref()
            .map(merchant_header)
            .transpose()?;
        let (base_url, target) = base_url(
            self.base_url
                .as_deref()
                .unwrap_or(self.environment.base_url()),
            self.allow_insecure_http,
        )?;
        #[cfg(not(any(feature = "rustls-aws-lc", feature = "rustls-ring")))]
        if target.scheme() == "https" {
            return Err(ConfigError::new("base_url", NO_TLS).into());
        }
        let proxy = self.proxy.resolve(&target, |name| std::env::var_os(name))?;
        let http = match self.http {
            // The application's TLS settings stay, unless reqwest could only
            // panic on them (see `tls`).
            Some(builder) if tls::reqwest_has_a_provider() => builder,
            Some(builder) => tls::with_sdk_tls(builder)?,
            None => tls::http_client_builder()?,
        };
        let http = http
            .no_proxy()
            .connection_verbose(false)
            .redirect(reqwest::redirect::Policy::none())
            .retry(reqwest::retry::never())
            .connect_timeout(self.connect_timeout);
        let http = match proxy {
            Some(proxy) => http.proxy(proxy),
            None => http,
        };
        let http = http.build().map_err(|_| {
            ConfigError::new(
                "http_client",
                "the HTTP client could not be initialised (TLS)",
            )
        })?;
        let config = Config {
            scheme: self.scheme,
            authorization,
            merchant_key,
            user_agent: HeaderValue::from_static(USER_AGENT),
            retry: self.retry,
            timeout: self.timeout,
            deadline: self.deadline,
            max_response_body: self.max_response_body,
        };
        Ok(Client::new_with_client(&base_url, http, config))
    }

    /// A builder seeded from the process environment; see [`Client::from_env`].
    pub fn from_env() -> Result<ClientBuilder, Error> {
        ClientBuilder::from_vars(|name| std::env::var_os(name))
    }

    /// Like [`from_env`](Self::from_env), reading variables through `lookup`
    /// (for tests, or settings kept elsewhere than the environment).
    pub fn from_vars(lookup: impl Fn(&str) -> Option<OsString>) -> Result<ClientBuilder, Error> {
        let read = |name: &'static str| -> Result<Option<String>, ConfigError> {
            match lookup(name) {
                None => Ok(None),
                Some(value) => match value.into_string() {
                    Ok(text) if text.trim().is_empty() => {
                        Err(ConfigError::new(name, "is set but empty"))
                    }
                    Ok(text) => Ok(Some(text)),
                    Err(_) => Err(ConfigError::new(name, "is not valid UTF-8")),
                },
            }
        };
        let (key, variable) = match (read("IMPRINT_API_KEY_ID")?, read("IMPRINT_API_KEY")?) {
            (Some(id), None) => {
                let secret = read("IMPRINT_API_KEY_SECRET")?.ok_or(ConfigError::new(
                    "IMPRINT_API_KEY_SECRET",
                    "is required with IMPRINT_API_KEY_ID",
                ))?;
                (ApiKey::id_and_secret(id, secret), "IMPRINT_API_KEY_ID")
            }
            (None, Some(key)) => (ApiKey::new(key), "IMPRINT_API_KEY"),
            (Some(_), Some(_)) => {
                return Err(ConfigError::new(
                    "IMPRINT_API_KEY",
                    "is set together with IMPRINT_API_KEY_ID; set one of them",
                )
                .into());
            }
            (None, None) => return Err(ConfigError::new("IMPRINT_API_KEY", "is required").into()),
        };
        AuthScheme::Basic
            .header(&key)
            .map_err(|e| e.named(variable))?;
        let mut builder = ClientBuilder::default().api_key(key);
        if let Some(name) = read("IMPRINT_ENVIRONMENT")? {
            let environment = name
                .parse()
                .map_err(|e: ConfigError| e.named("IMPRINT_ENVIRONMENT"))?;
            builder = builder.environment(environment);
        }
        if let Some(url) = read("IMPRINT_BASE_URL")? {
            base_url(&url, false).map_err(|e| e.named("IMPRINT_BASE_URL"))?;
            builder = builder.base_url(url);
        }
        if let Some(merchant) = read("IMPRINT_MERCHANT_KEY")? {
            merchant_header(&merchant).map_err(|e| e.named("IMPRINT_MERCHANT_KEY"))?;
            builder = builder.merchant_key(merchant);
        }
        Ok(builder)
    }
}

/// The `x-imprint-merchant-key` value: non-empty and header-safe.
fn merchant_header(key: &str) -> Result<HeaderValue, ConfigError> {
    HeaderValue::from_str(key.trim())
        .ok()
        .filter(|v| !v.is_empty())
        .ok_or(ConfigError::new(
            "merchant_key",
            "must be a non-empty header-safe string",
        ))
}

/// Checks a base URL (https, or http to loopback unless allowed, with a host and
/// no user info); returns it without a trailing `/`, and parsed.
fn base_url(url: &str, allow_insecure_http: bool) -> Result<(String, reqwest::Url), ConfigError> {
    let invalid = |reason: &str| ConfigError::new("base_url", reason);
    let parsed = reqwest::Url::parse(url.trim()).map_err(|_| invalid("is not a valid URL"))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host().is_none() {
        return Err(invalid("must be an http or https URL with a host"));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(invalid(
            "must not contain a user name or password (credentials go in api_key)",
        ));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(invalid("must not have a query or fragment"));
    }
    if parsed.scheme() == "http" && !allow_insecure_http && !is_loopback(&parsed) {
        return Err(invalid(
            "must use https (plain http is accepted for loopback hosts, or with allow_insecure_http)",
        ));
    }
    Ok((url.trim().trim_end_matches('/').to_string(), parsed))
}

/// A base URL as `Debug` may show it: without user info, or not at all when it
/// does not parse (it could be anything, a secret included).
fn printable_url(url: &str) -> String {
    match reqwest::Url::parse(url.trim()) {
        Ok(mut parsed) => {
            let _ = parsed.set_username("");
            let _ = parsed.set_password(None);
            parsed.to_string()
        }
        Err(_) => "(not a valid URL)".into(),
    }
}

impl Client {
    /// A builder; at least [`api_key`](ClientBuilder::api_key) is needed.
    ///
    /// The builder and [`from_env`](Self::from_env) are the only ways to make
    /// a client, so every client refuses redirects, uses no proxy it was not
    /// given and speaks https except to loopback. progenitor's constructors,
    /// which check nothing, are not public:
    ///
    /// ```compile_fail
    /// # fn no_policies(client: &imprint::Client) {
    /// let raw = imprint::Client::new("http://api.example.com", client.config().clone());
    /// # }
    /// ```
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from the environment:
    ///
    /// | variable | meaning |
    /// |---|---|
    /// | `IMPRINT_API_KEY` | the API key (required, unless the next two are set) |
    /// | `IMPRINT_API_KEY_ID`, `IMPRINT_API_KEY_SECRET` | a key id and its secret, sent as Basic `base64(id:secret)` |
    /// | `IMPRINT_ENVIRONMENT` | `sandbox` (default) or `production` |
    /// | `IMPRINT_BASE_URL` | a base URL overriding the environment's |
    /// | `IMPRINT_MERCHANT_KEY` | sent as `x-imprint-merchant-key` |
    ///
    /// Values are trimmed of surrounding whitespace (a trailing newline from a
    /// `.env` file is harmless). A missing or malformed variable is an
    /// [`Error::Config`] that names the variable and never its value.
    pub fn from_env() -> Result<Client, Error> {
        ClientBuilder::from_env()?.build()
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.baseurl
    }

    /// The request settings this client was built with.
    pub fn config(&self) -> &Config {
        &self.inner
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<OsString> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| OsString::from(v))
        }
    }

    fn config_error(result: Result<ClientBuilder, Error>) -> ConfigError {
        match result {
            Err(Error::Config(e)) => e,
            other => panic!("expected a config error, got {other:?}"),
        }
    }

    /// Runs only in a build without TLS (CI: `cargo test -p imprint-sdk
    /// --no-default-features --lib`).
    #[cfg(not(any(feature = "rustls-aws-lc", feature = "rustls-ring")))]
    #[test]
    fn without_tls_an_https_base_url_is_refused_and_loopback_http_is_not() {
        let https = Client::builder().api_key("k").build().unwrap_err();
        assert!(
            matches!(&https, Error::Config(e) if e.setting() == "base_url" && e.reason() == NO_TLS),
            "{https:?}"
        );
        Client::builder()
            .api_key("k")
            .base_url("http://127.0.0.1:1")
            .build()
            .unwrap();
    }

    #[test]
    fn env_errors_name_the_variable_not_the_value() {
        let e = config_error(ClientBuilder::from_vars(vars(&[])));
        assert_eq!(
            (e.setting(), e.reason()),
            ("IMPRINT_API_KEY", "is required")
        );
        let e = config_error(ClientBuilder::from_vars(vars(&[
            ("IMPRINT_API_KEY", "k"),
            ("IMPRINT_ENVIRONMENT", "staging-7"),
        ])));
        assert_eq!(e.setting(), "IMPRINT_ENVIRONMENT");
        assert!(!e.to_string().contains("staging-7"));
        let e = config_error(ClientBuilder::from_vars(vars(&[
            ("IMPRINT_API_KEY", "k"),
            ("IMPRINT_BASE_URL", "ftp://secret@x"),
        ])));
        assert_eq!(e.setting(), "IMPRINT_BASE_URL");
        assert!(!e.to_string().contains("secret"));
        let e = config_error(ClientBuilder::from_vars(vars(&[(
            "IMPRINT_API_KEY",
            "bad\u{7f}key",
        )])));
        assert_eq!(e.setting(), "IMPRINT_API_KEY");
        assert!(!format!("{e:?}").contains("bad"));
    }

    #[test]
    fn env_takes_a_key_id_and_secret_instead_of_a_key() {
        let client = ClientBuilder::from_vars(vars(&[
            ("IMPRINT_API_KEY_ID", "key_id"),
            ("IMPRINT_API_KEY_SECRET", "key_secret\n"),
        ]))
        .unwrap()
        .build()
        .unwrap();
        assert_eq!(client.inner.authorization, "Basic a2V5X2lkOmtleV9zZWNyZXQ=");
        let e = config_error(ClientBuilder::from_vars(vars(&[(
            "IMPRINT_API_KEY_ID",
            "i",
        )])));
        assert_eq!(e.setting(), "IMPRINT_API_KEY_SECRET");
        let e = config_error(ClientBuilder::from_vars(vars(&[
            ("IMPRINT_API_KEY_ID", "i"),
            ("IMPRINT_API_KEY", "k"),
        ])));
        assert_eq!(e.setting(), "IMPRINT_API_KEY");
    }

    #[test]
    fn env_sets_environment_base_url_and_merchant() {
        let client = ClientBuilder::from_vars(vars(&[
            ("IMPRINT_API_KEY", "k"),
            ("IMPRINT_ENVIRONMENT", "Production"),
            ("IMPRINT_MERCHANT_KEY", "M1"),
        ]))
        .unwrap()
        .build()
        .unwrap();
        assert_eq!(client.baseurl, "https://dev.imprint.co");
        let client = ClientBuilder::from_vars(vars(&[
            ("IMPRINT_API_KEY", "k"),
            ("IMPRINT_BASE_URL", "http://127.0.0.1:9/"),
        ]))
        .unwrap()
        .build()
        .unwrap();
        assert_eq!(client.baseurl, "http://127.0.0.1:9");
    }

    #[test]
    fn build_requires_a_key() {
        match Client::builder().build() {
            Err(Error::Config(e)) => assert_eq!(e.setting(), "api_key"),
            other => panic!("{other:?}"),
        }
    }

    fn build_error(builder: ClientBuilder) -> ConfigError {
        match builder.build() {
            Err(Error::Config(e)) => e,
            other => panic!("expected a config error, got {other:?}"),
        }
    }

    #[test]
    fn plain_http_only_to_loopback_unless_allowed() {
        for url in [
            "http://127.0.0.1:9",
            "http://localhost:9",
            "http://[::1]:9",
            "https://api.example.com",
        ] {
            assert!(
                Client::builder().api_key("k").base_url(url).build().is_ok(),
                "{url}"
            );
        }
        let e = build_error(
            Client::builder()
                .api_key("k")
                .environment(Environment::Production)
                .base_url("http://api.example.com"),
        );
        assert_eq!(e.setting(), "base_url");
        assert!(e.reason().contains("https"), "{e}");
        assert!(
            Client::builder()
                .api_key("k")
                .base_url("http://api.example.com")
                .allow_insecure_http(true)
                .build()
                .is_ok()
        );
    }

    #[test]
    fn user_info_is_refused_and_never_printed() {
        let builder = Client::builder()
            .api_key("k")
            .base_url("https://partner:hunter2@api.example.com/base");
        let shown = format!("{builder:?}");
        assert!(
            !shown.contains("hunter2") && !shown.contains("partner"),
            "{shown}"
        );
        assert!(shown.contains("https://api.example.com/base"), "{shown}");
        let e = build_error(builder);
        assert!(e.reason().contains("user name or password"), "{e}");
        assert!(!e.to_string().contains("hunter2"));
        let garbage = format!("{:?}", Client::builder().base_url("not a url hunter2"));
        assert!(!garbage.contains("hunter2"), "{garbage}");
    }
}
