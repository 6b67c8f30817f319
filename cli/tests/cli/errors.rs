//! Exit codes by kind of failure, and error text without secrets.

use imprint::OperationMeta;
use imprint_mock::{FakeImprint, Reply};

use crate::support::{Fake, assert_not_printed, imprint, texts};

fn control(fake: &Fake, operation: &str) -> imprint_mock::OperationControl {
    fake.fake
        .operation_meta(OperationMeta::by_id(operation).unwrap())
}

#[test]
fn each_kind_of_failure_has_its_exit_code() {
    let fake = Fake::start(FakeImprint::builder().customers(2));
    let customer = fake.fake.customer(0).unwrap().customer.id;
    let code = |args: &[&str]| {
        let output = fake.imprint(args).output().unwrap();
        assert_not_printed(&output, fake.fake.api_key(), "the API key");
        assert!(output.stdout.is_empty(), "{:?}", texts(&output));
        output.status.code()
    };

    assert_eq!(
        code(&["get-customer", "--customer-id", "C_UNKNOWN"]),
        Some(5)
    );
    // A path segment that could change the path is refused by the SDK's
    // parser as the arguments are read: a usage error, nothing sent.
    assert_eq!(code(&["get-customer", "--customer-id", "../keys"]), Some(2));
    control(&fake, "getSession").always(Reply::error(400, "INVALID_REQUEST_ERROR", "bad"));
    assert_eq!(code(&["get-session", "--session-id", "S1"]), Some(4));
    // Not safe to repeat, so sent once: rate limited.
    control(&fake, "createSession").always(Reply::error(429, "RATE_LIMITED", "slow down"));
    assert_eq!(
        code(&["create-session", "--customer-id", &customer]),
        Some(6)
    );
    assert_eq!(control(&fake, "createSession").calls(), 1);
    // Safe to repeat: retried until the policy's attempts are used up.
    control(&fake, "getReward").always(Reply::error(503, "UNAVAILABLE", "down"));
    assert_eq!(code(&["get-reward", "--reward-id", "R1"]), Some(7));
    assert_eq!(control(&fake, "getReward").calls(), 3);
    // clap's usage error.
    assert_eq!(code(&["get-customer"]), Some(2));
    assert_eq!(control(&fake, "getCustomer").calls(), 1);
}

#[test]
fn a_body_file_the_sdk_refuses_is_a_validation_failure_sent_nowhere() {
    let fake = Fake::start(FakeImprint::builder().customers(1));
    let path = std::env::temp_dir().join(format!("imprint-cli-short-ssn-{}", std::process::id()));
    std::fs::write(&path, r#"{"ssn": "987-65-432"}"#).unwrap();
    let output = fake
        .imprint(&[
            "search-customers-post",
            "--json-body",
            path.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(output.status.code(), Some(4), "{:?}", texts(&output));
    assert!(
        texts(&output).1.starts_with("error: failed to parse "),
        "{:?}",
        texts(&output)
    );
    assert_not_printed(&output, "987-65-432", "the SSN");
    assert_eq!(fake.fake.requests(), 0);
}

#[test]
fn no_answer_is_a_transport_failure() {
    // Bound and never listening: connections are refused.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let output = imprint()
        .env("IMPRINT_API_KEY", "sk_test_transport")
        .args(["create-session", "--customer-id", "C1", "--base-url", &url])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(8), "{:?}", texts(&output));
    assert_not_printed(&output, "sk_test_transport", "the API key");
}

#[test]
fn missing_credentials_are_a_configuration_failure_naming_the_variable() {
    let output = imprint()
        .args(["get-customer", "--customer-id", "C1"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    assert!(
        texts(&output).1.contains("IMPRINT_API_KEY"),
        "{:?}",
        texts(&output)
    );

    // --api-key-env names the variable to read instead.
    let fake = Fake::start(FakeImprint::builder().customers(1));
    let customer = fake.fake.customer(0).unwrap().customer.id;
    let output = imprint()
        .env("MY_SANDBOX_KEY", fake.fake.api_key())
        .args(["get-customer", "--customer-id", &customer])
        .args([
            "--base-url",
            &fake.fake.base_url(),
            "--api-key-env",
            "MY_SANDBOX_KEY",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{:?}", texts(&output));
}
