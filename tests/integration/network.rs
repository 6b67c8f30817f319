//! Nothing leaves for a host the caller did not name: proxies from the
//! environment are ignored unless asked for, a proxy carries only `CONNECT`
//! tunnels, and reqwest's byte-level logging stays off. Tests that need
//! proxy variables set run this test binary again as a child with them (the
//! workspace forbids `unsafe`, which `std::env::set_var` needs).

use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::Command;
use std::sync::{Arc, Mutex};

use imprint::prelude::*;
use imprint::types::SearchCustomersPostBody;
use imprint::{Error, RetryPolicy, Ssn};
use imprint_mock::FakeImprint;
use serde_json::json;

use crate::support::{Answer, KEY, Scripted, capture};

const SSN: &str = "987654321";

/// A proxy on loopback that records what each connection sends first (the
/// request head) and answers 502.
struct RecordingProxy {
    url: String,
    heads: Arc<Mutex<Vec<String>>>,
}

impl RecordingProxy {
    fn start() -> RecordingProxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let heads: Arc<Mutex<Vec<String>>> = Arc::default();
        let record = Arc::clone(&heads);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
                    head.push(byte[0]);
                }
                record
                    .lock()
                    .unwrap()
                    .push(String::from_utf8_lossy(&head).into_owned());
                let _ = stream.write_all(b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n");
            }
        });
        RecordingProxy { url, heads }
    }

    fn heads(&self) -> Vec<String> {
        self.heads.lock().unwrap().clone()
    }
}

/// Runs the ignored test `name` of this binary in a child process with `env`
/// set, and asserts that it passed.
fn run_child(name: &str, env: &[(&str, &str)]) {
    let output = Command::new(std::env::current_exe().unwrap())
        .args(["--ignored", "--exact", name, "--test-threads=1"])
        .envs(env.iter().copied())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.contains("1 passed"),
        "{name}:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn every_proxy_variable(url: &str) -> [(&'static str, &str); 6] {
    [
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
    ]
    .map(|name| (name, url))
}

fn search_with_ssn(client: &imprint::Client) -> imprint::builder::SearchCustomersPost {
    client.search_customers_post().body(
        SearchCustomersPostBody::builder()
            .ssn(Ssn::new(SSN).unwrap())
            .limit(10),
    )
}

#[test]
fn proxy_variables_are_ignored_unless_asked_for() {
    let proxy = RecordingProxy::start();
    run_child(
        "network::child_calls_a_local_server_with_proxy_variables_set",
        &every_proxy_variable(&proxy.url),
    );
    assert_eq!(proxy.heads(), Vec::<String>::new());
}

#[tokio::test]
#[ignore = "run by proxy_variables_are_ignored_unless_asked_for, with proxy variables set"]
async fn child_calls_a_local_server_with_proxy_variables_set() {
    assert!(std::env::var_os("HTTP_PROXY").is_some());
    let server = Scripted::start(|_, _| {
        Answer::json(200, json!({ "data": [], "has_more": false, "total": 0 }))
    })
    .await;
    let client = server.builder().build().unwrap();
    search_with_ssn(&client).call().await.unwrap();
    assert_eq!(server.seen().len(), 1);

    let fake = FakeImprint::start().await.unwrap();
    let page = fake.client().unwrap().search_customers().call().await;
    assert!(page.is_ok(), "{page:?}");
}

/// An https target through a named proxy: the proxy gets one `CONNECT` and
/// nothing of the request inside the tunnel.
#[tokio::test]
async fn a_named_proxy_carries_only_a_connect_tunnel() {
    let proxy = RecordingProxy::start();
    let client = imprint::Client::builder()
        .api_key(KEY)
        .base_url("https://127.0.0.1:1")
        .proxy(&proxy.url)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let error = search_with_ssn(&client).call().await.unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    let heads = proxy.heads();
    assert_eq!(heads.len(), 1, "{heads:?}");
    assert!(
        heads[0].starts_with("CONNECT 127.0.0.1:1 HTTP/1.1\r\n"),
        "{heads:?}"
    );
    let head = heads[0].to_ascii_lowercase();
    for leaked in ["authorization:", KEY, SSN, "/v2/customers"] {
        assert!(
            !head.contains(&leaked.to_ascii_lowercase()),
            "{leaked}: {head}"
        );
    }
}

#[test]
fn a_proxy_for_a_plain_http_base_url_is_refused() {
    let error = imprint::Client::builder()
        .api_key(KEY)
        .base_url("http://127.0.0.1:9")
        .proxy("http://127.0.0.1:3128")
        .build()
        .unwrap_err();
    let Error::Config(config) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(config.setting(), "proxy");
}

#[test]
fn the_environments_proxy_when_asked_for_honours_no_proxy() {
    let proxy = RecordingProxy::start();
    run_child(
        "network::child_calls_https_with_proxy_from_env",
        &[("HTTPS_PROXY", &proxy.url)],
    );
    let heads = proxy.heads();
    assert_eq!(heads.len(), 1, "{heads:?}");
    assert!(heads[0].starts_with("CONNECT 127.0.0.1:1 "), "{heads:?}");

    let bypassed = RecordingProxy::start();
    run_child(
        "network::child_calls_https_with_proxy_from_env",
        &[("HTTPS_PROXY", &bypassed.url), ("NO_PROXY", "127.0.0.1")],
    );
    assert_eq!(bypassed.heads(), Vec::<String>::new());
}

#[tokio::test]
#[ignore = "run by the_environments_proxy_when_asked_for_honours_no_proxy, with HTTPS_PROXY set"]
async fn child_calls_https_with_proxy_from_env() {
    assert!(std::env::var_os("HTTPS_PROXY").is_some());
    let client = imprint::Client::builder()
        .api_key(KEY)
        .base_url("https://127.0.0.1:1")
        .proxy_from_env()
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let error = search_with_ssn(&client).call().await.unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
}

/// reqwest's `connection_verbose` logs every byte read and written at TRACE;
/// the SDK turns it off on a builder of the caller's.
#[tokio::test]
async fn connection_verbose_on_a_users_builder_logs_no_bytes() {
    let logs = capture();
    let server = Scripted::start(|_, _| {
        Answer::json(200, json!({ "data": [], "has_more": false, "total": 0 }))
    })
    .await;
    let client = server
        .builder()
        .http_client(reqwest::Client::builder().connection_verbose(true))
        .build()
        .unwrap();
    search_with_ssn(&client).call().await.unwrap();
    let text = logs.text();
    assert!(text.contains("imprint.call"), "the capture works: {text}");
    for leaked in [SSN, "authorization", "/v2/customers HTTP/1.1"] {
        assert!(!text.contains(leaked), "{leaked}:\n{text}");
    }
}
