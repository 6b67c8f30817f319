//! `imprint fake serve` as another language's test stack uses it: read the
//! ready line, talk plain HTTP, stop it with SIGTERM.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// Starts `imprint fake serve <args>` and reads its ready line.
fn serve(args: &[&str]) -> (Child, BufReader<std::process::ChildStdout>, Value) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_imprint"))
        .env_clear()
        .args(["fake", "serve"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let ready: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line:?}"));
    (child, stdout, ready)
}

/// One HTTP/1.1 exchange over a plain socket: the status and the body.
fn get(base_url: &str, path: &str, key: &str) -> (u16, Value) {
    let address = base_url.strip_prefix("http://").unwrap();
    let mut stream = TcpStream::connect(address).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {key}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, serde_json::from_str(body).unwrap())
}

#[cfg(unix)]
fn terminate(child: &Child) {
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

/// Waits for `child` to exit, at most `limit`.
fn wait(child: &mut Child, limit: Duration) -> std::process::ExitStatus {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if started.elapsed() > limit {
            child.kill().unwrap();
            panic!("still running {limit:?} after the signal");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[cfg(unix)]
#[test]
fn serves_any_http_client_and_stops_cleanly_on_sigterm() {
    let (mut child, mut stdout, ready) = serve(&["--seed", "42", "--customers", "12"]);
    let base_url = ready["base_url"].as_str().unwrap().to_string();
    let key = ready["api_key"].as_str().unwrap().to_string();
    assert_eq!(ready.as_object().unwrap().len(), 2, "{ready}");
    assert!(base_url.starts_with("http://127.0.0.1:"), "{base_url}");

    let (status, page) = get(&base_url, "/v2/customers?limit=5", &key);
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["data"].as_array().unwrap().len(), 5);
    assert_eq!(page["has_more"], true);
    let (status, _) = get(&base_url, "/v2/customers", "not-the-key");
    assert_eq!(status, 401);

    terminate(&child);
    let status = wait(&mut child, Duration::from_secs(5));
    assert_eq!(status.code(), Some(0));
    // Exactly one line on stdout; the port is closed.
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    assert_eq!(rest, "");
    let address = base_url.strip_prefix("http://").unwrap();
    assert!(TcpStream::connect(address).is_err());
}

#[test]
fn a_fixed_port_is_the_one_in_the_ready_line() {
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = free.local_addr().unwrap().port();
    drop(free);
    let (mut child, _, ready) = serve(&["--port", &port.to_string(), "--customers", "1"]);
    assert_eq!(ready["base_url"], format!("http://127.0.0.1:{port}"));
    child.kill().unwrap();
    child.wait().unwrap();
}
