//! Which proxy, if any, carries a client's requests.
//!
//! reqwest on its own reads `HTTP_PROXY`, `HTTPS_PROXY` and `ALL_PROXY` and
//! sends through them even to loopback: a variable left in a shell, a CI job or
//! a container image would receive API keys and SSNs. A client the SDK builds
//! therefore uses no proxy unless the caller names one
//! ([`ClientBuilder::proxy`](crate::ClientBuilder::proxy)) or asks for the
//! environment's ([`ClientBuilder::proxy_from_env`](crate::ClientBuilder::proxy_from_env)).
//! Either way only an `https` base URL goes through a proxy, tunnelled with
//! `CONNECT`: the proxy learns the host and port, never a header or a body. A
//! plain-`http` base URL is always reached directly, since a proxy would read
//! its requests in the clear.

use std::ffi::OsString;

use reqwest::Url;

use crate::error::ConfigError;

/// What the caller said about proxies.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) enum ProxySetting {
    /// No proxy, whatever the environment says (the default).
    #[default]
    Off,
    /// This proxy URL.
    Named(String),
    /// The environment's `HTTPS_PROXY` / `ALL_PROXY`, with `NO_PROXY`.
    FromEnvironment,
}

/// Variables naming a proxy for https targets, in the order they are read
/// (lower case first, as curl does).
const PROXY_VARIABLES: [&str; 4] = ["https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"];

/// Variables listing hosts reached directly.
const NO_PROXY_VARIABLES: [&str; 2] = ["no_proxy", "NO_PROXY"];

impl ProxySetting {
    /// The proxy requests to `target` go through, if any; `lookup` reads the
    /// environment. Errors name the setting or variable, never its value.
    pub(crate) fn resolve(
        &self,
        target: &Url,
        lookup: impl Fn(&str) -> Option<OsString>,
    ) -> Result<Option<reqwest::Proxy>, ConfigError> {
        match self {
            ProxySetting::Off => Ok(None),
            ProxySetting::Named(url) => {
                if target.scheme() != "https" {
                    return Err(ConfigError::new(
                        "proxy",
                        "applies to https base URLs only: a plain-http base URL is reached directly, \
                         since a proxy would read its requests in the clear",
                    ));
                }
                proxy(proxy_url(url, "proxy")?, "proxy").map(Some)
            }
            ProxySetting::FromEnvironment => {
                let Some((variable, url)) = first_set(&lookup, &PROXY_VARIABLES)? else {
                    return Ok(None);
                };
                if target.scheme() != "https" {
                    return Ok(None);
                }
                let parsed = proxy_url(&url, variable)?;
                if is_loopback(target) && !is_loopback(&parsed) {
                    return Ok(None);
                }
                let no_proxy = first_set(&lookup, &NO_PROXY_VARIABLES)?
                    .and_then(|(_, list)| reqwest::NoProxy::from_string(&list));
                Ok(Some(proxy(parsed, variable)?.no_proxy(no_proxy)))
            }
        }
    }
}

/// The first of `names` that is set and not blank, with its value.
fn first_set(
    lookup: &impl Fn(&str) -> Option<OsString>,
    names: &[&'static str],
) -> Result<Option<(&'static str, String)>, ConfigError> {
    for &name in names {
        match lookup(name).map(OsString::into_string) {
            None => continue,
            Some(Ok(value)) if value.trim().is_empty() => continue,
            Some(Ok(value)) => return Ok(Some((name, value.trim().to_string()))),
            Some(Err(_)) => return Err(ConfigError::new(name, "is not valid UTF-8")),
        }
    }
    Ok(None)
}

/// A proxy for https targets only: reqwest tunnels those with `CONNECT`.
fn proxy(url: Url, setting: &'static str) -> Result<reqwest::Proxy, ConfigError> {
    reqwest::Proxy::https(url)
        .map_err(|_| ConfigError::new(setting, "is not a proxy URL reqwest accepts"))
}

/// Checks a proxy URL: `http` or `https` with a host. A user name and
/// password are allowed (sent to the proxy as `Proxy-Authorization`).
fn proxy_url(url: &str, setting: &'static str) -> Result<Url, ConfigError> {
    let parsed = Url::parse(url).map_err(|_| ConfigError::new(setting, "is not a valid URL"))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host().is_none() {
        return Err(ConfigError::new(
            setting,
            "must be an http or https proxy URL with a host",
        ));
    }
    Ok(parsed)
}

/// Whether a URL's host is `localhost` or a loopback address.
pub(crate) fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<OsString> {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| OsString::from(v))
        }
    }

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap()
    }

    #[test]
    fn off_ignores_every_variable() {
        let all = env(&[
            ("HTTP_PROXY", "http://proxy.example:3128"),
            ("HTTPS_PROXY", "http://proxy.example:3128"),
            ("ALL_PROXY", "http://proxy.example:3128"),
        ]);
        let target = url("https://dev.sbx.imprint.co");
        assert!(ProxySetting::Off.resolve(&target, all).unwrap().is_none());
    }

    #[test]
    fn the_environment_proxies_https_targets_only() {
        let vars = env(&[("HTTPS_PROXY", "http://proxy.example:3128")]);
        let setting = ProxySetting::FromEnvironment;
        assert!(
            setting
                .resolve(&url("https://dev.sbx.imprint.co"), &vars)
                .unwrap()
                .is_some()
        );
        let plain = env(&[
            ("HTTP_PROXY", "http://proxy.example:3128"),
            ("ALL_PROXY", "http://proxy.example:3128"),
        ]);
        assert!(
            setting
                .resolve(&url("http://partner.internal:8080"), plain)
                .unwrap()
                .is_none()
        );
        let only_http = env(&[("HTTP_PROXY", "http://proxy.example:3128")]);
        assert!(
            setting
                .resolve(&url("https://dev.sbx.imprint.co"), only_http)
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn a_loopback_target_never_goes_through_a_remote_proxy() {
        let setting = ProxySetting::FromEnvironment;
        let remote = env(&[("ALL_PROXY", "http://proxy.example:3128")]);
        for target in [
            "https://localhost:8443",
            "https://127.0.0.1",
            "https://[::1]",
        ] {
            assert!(
                setting.resolve(&url(target), &remote).unwrap().is_none(),
                "{target}"
            );
        }
        let local = env(&[("ALL_PROXY", "http://127.0.0.1:3128")]);
        assert!(
            setting
                .resolve(&url("https://localhost:8443"), local)
                .unwrap()
                .is_some()
        );
    }

    #[test]
    fn a_named_proxy_refuses_plain_http_targets_and_bad_urls() {
        let named = ProxySetting::Named("http://user:hunter2@proxy.example:3128".into());
        let e = named
            .resolve(&url("http://127.0.0.1:9"), env(&[]))
            .unwrap_err();
        assert_eq!(e.setting(), "proxy");
        assert!(!e.to_string().contains("hunter2"));
        assert!(
            named
                .resolve(&url("https://dev.sbx.imprint.co"), env(&[]))
                .unwrap()
                .is_some()
        );
        for bad in [
            "socks5://proxy.example:1080",
            "not a url hunter2",
            "http://",
        ] {
            let e = ProxySetting::Named(bad.into())
                .resolve(&url("https://dev.sbx.imprint.co"), env(&[]))
                .unwrap_err();
            assert_eq!(e.setting(), "proxy", "{bad}");
            assert!(!e.to_string().contains("hunter2"));
        }
    }

    #[test]
    fn a_malformed_variable_is_named_not_quoted() {
        let e = ProxySetting::FromEnvironment
            .resolve(
                &url("https://dev.sbx.imprint.co"),
                env(&[("https_proxy", "ftp://user:hunter2@proxy")]),
            )
            .unwrap_err();
        assert_eq!(e.setting(), "https_proxy");
        assert!(!format!("{e:?}").contains("hunter2"));
    }
}
