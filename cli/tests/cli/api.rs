//! Generated API commands: a search, a create, `--all`, the table view.

use imprint::OperationMeta;
use imprint_mock::FakeImprint;
use serde_json::Value;

use crate::support::{Fake, assert_not_printed, texts};

#[test]
fn a_search_by_ssn_finds_the_customer_and_prints_neither_the_ssn_nor_the_key() {
    let fake = Fake::start(FakeImprint::builder().customers(20));
    let record = fake.fake.customer(7).unwrap();
    let ssn = record.ssn.expose_secret().to_string();
    let dob = record.customer.date_of_birth.clone().unwrap();
    // The SSN goes in a body file, never on the command line.
    let dir = std::env::temp_dir().join(format!("imprint-cli-search-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let body = dir.join("search.json");
    std::fs::write(
        &body,
        serde_json::json!({ "ssn": ssn, "date_of_birth": dob }).to_string(),
    )
    .unwrap();

    let output = fake
        .imprint(&[
            "search-customers-post",
            "--json-body",
            body.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).unwrap();

    assert_eq!(output.status.code(), Some(0), "{:?}", texts(&output));
    let found: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(found["data"].as_array().unwrap().len(), 1, "{found}");
    assert_eq!(found["data"][0]["id"], record.customer.id.as_str());
    // Not a terminal: one compact line.
    assert_eq!(texts(&output).0.lines().count(), 1);
    assert_not_printed(&output, &ssn, "the SSN");
    assert_not_printed(&output, fake.fake.api_key(), "the API key");
    let search = fake
        .fake
        .operation_meta(OperationMeta::by_id("searchCustomersPost").unwrap());
    assert_eq!(search.calls(), 1);
    assert_eq!(search.last_body().unwrap()["ssn"], ssn.replace('-', ""));
}

#[test]
fn a_create_sends_the_flags_as_its_body_and_prints_what_imprint_answered() {
    let fake = Fake::start(FakeImprint::builder().customers(3));
    let customer = fake.fake.customer(1).unwrap().customer.id;
    let output = fake
        .imprint(&["create-session", "--customer-id", &customer])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{:?}", texts(&output));
    let session: Value = serde_json::from_slice(&output.stdout).unwrap();
    let create = fake
        .fake
        .operation_meta(OperationMeta::by_id("createSession").unwrap());
    assert_eq!(create.calls(), 1);
    assert_eq!(
        create.last_body().unwrap(),
        serde_json::json!({ "customer_id": customer })
    );
    assert!(session["client_secret"].is_string(), "{session}");
}

#[test]
fn all_streams_every_page_as_one_json_line_per_item() {
    let fake = Fake::start(FakeImprint::builder().customers(25));
    let output = fake
        .imprint(&["search-customers-post", "--limit", "10", "--all"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{:?}", texts(&output));
    let (stdout, stderr) = texts(&output);
    let ids: Vec<String> = stdout
        .lines()
        .map(|line| {
            serde_json::from_str::<Value>(line).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(ids.len(), 25);
    let expected: Vec<String> = (0..25)
        .map(|i| fake.fake.customer(i).unwrap().customer.id)
        .collect();
    assert_eq!(ids, expected);
    // Pages of 10, 10 and 5; stderr is not a terminal, so no progress line.
    assert_eq!(fake.fake.requests(), 3);
    assert_eq!(stderr, "");
}

#[test]
fn the_table_redacts_personal_data_unless_revealed() {
    let fake = Fake::start(FakeImprint::builder().customers(3));
    let first = fake.fake.customer(0).unwrap().customer;
    let email = first.email.clone().unwrap();
    let name = first.last_name.clone().unwrap();

    let output = fake
        .imprint(&["search-customers-post", "--table", "--all"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{:?}", texts(&output));
    let (table, _) = texts(&output);
    assert_eq!(table.lines().count(), 4, "{table}");
    assert!(table.starts_with("ID "), "{table}");
    assert!(table.contains(&first.id), "{table}");
    assert!(table.contains(imprint::REDACTED), "{table}");
    assert_not_printed(&output, &email, "an email");
    assert_not_printed(&output, &name, "a last name");

    let revealed = fake
        .imprint(&["search-customers-post", "--table", "--reveal"])
        .output()
        .unwrap();
    let (table, _) = texts(&revealed);
    assert!(table.contains(&email) && table.contains(&name), "{table}");
}
