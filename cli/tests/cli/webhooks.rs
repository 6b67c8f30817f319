//! `imprint webhook sign | verify | diagnose | send`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;

use imprint::webhook::{Event, Webhook};

use crate::support::{assert_not_printed, imprint, texts};

const TOKEN: &str = "whsec_cli_test_token";
const BODY: &str = r#"{"object": "REWARD", "data": {"reward_id": "R1", "amount": 5}}"#;

/// A file holding `body`, removed when dropped.
struct BodyFile(PathBuf);

impl BodyFile {
    fn new(name: &str, body: &str) -> BodyFile {
        let path = std::env::temp_dir().join(format!("imprint-cli-{}-{name}", std::process::id()));
        std::fs::write(&path, body).unwrap();
        BodyFile(path)
    }

    fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for BodyFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn webhook(args: &[&str]) -> assert_cmd::Command {
    let mut command = imprint();
    command
        .env("IMPRINT_WEBHOOK_SECRET", TOKEN)
        .arg("webhook")
        .args(args);
    command
}

fn sign(body: &BodyFile, readings: &[&str]) -> String {
    let output = webhook(&["sign", "--body-file", body.path()])
        .args(readings)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{:?}", texts(&output));
    assert_not_printed(&output, TOKEN, "the token");
    texts(&output).0.trim().to_string()
}

#[test]
fn a_signed_body_verifies_and_a_changed_one_does_not() {
    let body = BodyFile::new("verify", BODY);
    let header = sign(&body, &[]);
    assert!(
        header.starts_with("t=") && header.contains(",s="),
        "{header}"
    );
    // The SDK agrees with the command line.
    Webhook::new(TOKEN)
        .verify(BODY.as_bytes(), Some(&header))
        .unwrap();

    let verified = webhook(&["verify", "--signature", &header, "--body-file", body.path()])
        .output()
        .unwrap();
    assert_eq!(verified.status.code(), Some(0), "{:?}", texts(&verified));

    // From stdin, with the header pasted with its name.
    let pasted = format!("X-IMPRINT-HMAC-SIGNATURE: {header}");
    let from_stdin = webhook(&["verify", "--signature", &pasted])
        .write_stdin(BODY)
        .output()
        .unwrap();
    assert_eq!(
        from_stdin.status.code(),
        Some(0),
        "{:?}",
        texts(&from_stdin)
    );

    let changed = webhook(&["verify", "--signature", &header])
        .write_stdin(BODY.replace('5', "6"))
        .output()
        .unwrap();
    assert_eq!(changed.status.code(), Some(9));
    assert_eq!(
        texts(&changed).1,
        "does not verify: the signature does not match the body\n"
    );
    assert_not_printed(&changed, TOKEN, "the token");

    let other_token = webhook(&["verify", "--signature", &header, "--body-file", body.path()])
        .env("IMPRINT_WEBHOOK_SECRET", "whsec_another")
        .output()
        .unwrap();
    assert_eq!(other_token.status.code(), Some(9));
}

#[test]
fn diagnose_names_the_reading_a_delivery_was_signed_with() {
    let body = BodyFile::new("diagnose", BODY);
    let header = sign(
        &body,
        &["--key-reading", "sha256", "--message-reading", "canonical"],
    );
    // The default reading does not verify it...
    let plain = webhook(&["verify", "--signature", &header, "--body-file", body.path()])
        .output()
        .unwrap();
    assert_eq!(plain.status.code(), Some(9));

    let output = webhook(&[
        "diagnose",
        "--signature",
        &header,
        "--body-file",
        body.path(),
    ])
    .output()
    .unwrap();
    assert_eq!(output.status.code(), Some(0), "{:?}", texts(&output));
    let (report, _) = texts(&output);
    assert_eq!(report.matches("  verifies ").count(), 1, "{report}");
    assert!(
        report.contains("--key-reading sha256 --message-reading canonical"),
        "{report}"
    );
    assert_not_printed(&output, TOKEN, "the token");

    // ...the configuration it prints does.
    let configured = webhook(&["verify", "--signature", &header, "--body-file", body.path()])
        .args(["--key-reading", "sha256", "--message-reading", "canonical"])
        .output()
        .unwrap();
    assert_eq!(
        configured.status.code(),
        Some(0),
        "{:?}",
        texts(&configured)
    );

    let unsigned = webhook(&["diagnose", "--signature", &header])
        .env("IMPRINT_WEBHOOK_SECRET", "whsec_another")
        .write_stdin(BODY)
        .output()
        .unwrap();
    assert_eq!(unsigned.status.code(), Some(9));
}

#[test]
fn a_missing_token_is_a_configuration_failure() {
    let output = imprint()
        .args([
            "webhook",
            "verify",
            "--signature",
            "t=1,s=00",
            "--secret-env",
            "NOT_SET_HERE",
        ])
        .write_stdin(BODY)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    assert_eq!(texts(&output).1, "error: NOT_SET_HERE is not set\n");
}

/// Accepts one request on `listener`, answers 204, returns its signature
/// header and body.
fn receive(listener: TcpListener) -> (String, Vec<u8>) {
    let (stream, _) = listener.accept().unwrap();
    let mut reader = BufReader::new(stream);
    let (mut signature, mut length) = (String::new(), 0);
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        if line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            match name.to_ascii_lowercase().as_str() {
                "x-imprint-hmac-signature" => signature = value.trim().to_string(),
                "content-length" => length = value.trim().parse().unwrap(),
                _ => {}
            }
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    reader
        .into_inner()
        .write_all(b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n")
        .unwrap();
    (signature, body)
}

#[test]
fn send_posts_a_signed_sample_of_each_kind_to_a_local_receiver() {
    for kind in imprint_mock::EVENT_KINDS {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/hooks", listener.local_addr().unwrap());
        let receiver = std::thread::spawn(move || receive(listener));
        let output = webhook(&["send", "--to", &url, "--kind", &kind.to_lowercase()])
            .output()
            .unwrap();
        let (signature, body) = receiver.join().unwrap();

        assert_eq!(
            output.status.code(),
            Some(0),
            "{kind}: {:?}",
            texts(&output)
        );
        assert_eq!(
            texts(&output).0,
            format!("{{\"kind\":\"{kind}\",\"status\":204}}\n")
        );
        let event = Webhook::new(TOKEN)
            .construct_event(&body, Some(&signature))
            .unwrap();
        assert!(!matches!(event, Event::Unknown(_)), "{kind}: {event:?}");
    }
}

#[test]
fn send_refuses_a_receiver_off_this_machine() {
    let output = webhook(&["send", "--to", "http://192.0.2.1/hooks", "--kind", "REWARD"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        texts(&output).0.contains("loopback"),
        "{:?}",
        texts(&output)
    );
}
