//! Transaction intents, transactions, and the sandbox's transaction events.

use serde_json::{Map, Value, json};

use super::{Answer, Call, copy_fields, customer_or_404, page, payment_method_or_404};
use crate::world::World;

fn intent_not_found(id: &str) -> Answer {
    Answer::not_found(
        "TRANSACTION_INTENT_NOT_FOUND_ERROR",
        "Transaction intent",
        "intent_id",
        id,
    )
}

/// `searchTransactionIntents`: every intent, filtered by status (`type`).
pub(super) fn search_intents(call: &Call<'_>, world: &mut World) -> Answer {
    let status = call.text("type");
    let intents = world
        .intents
        .filter(|i| status.is_none_or(|s| i["status"] == s));
    page(call, intents, "id", "a transaction intent")
}

/// `createTransactionIntent`: for an existing customer and, if given, one of
/// their payment methods; it starts `CONFIRMED`. A customer or payment method
/// the fake never issued is a 404 in its not-found shape (the spec documents
/// only 200 and 400 here); another customer's payment method is a 400.
pub(super) fn create_intent(call: &Call<'_>, world: &mut World) -> Answer {
    let customer = call.text("customer_id").unwrap_or_default();
    if let Err(answer) = customer_or_404(world, customer) {
        return answer;
    }
    if let Some(method) = call.text("payment_method_id") {
        match payment_method_or_404(world, method) {
            Err(answer) => return answer,
            Ok(method) if method["customer_id"] != customer => {
                return Answer::invalid(
                    call.path,
                    "payment_method_id: is not a payment method of the customer",
                );
            }
            Ok(_) => {}
        }
    }
    let id = world.issue();
    let now = world.now();
    let mut intent = Map::new();
    intent.insert("id".into(), Value::from(id));
    copy_fields(
        &call.body,
        &mut intent,
        &[
            "customer_id",
            "payment_method_id",
            "amount",
            "currency",
            "network_transaction_id",
        ],
    );
    intent.insert("status".into(), Value::from("CONFIRMED"));
    intent.insert("created_at".into(), Value::from(now.clone()));
    intent.insert("updated_at".into(), Value::from(now));
    copy_fields(&call.body, &mut intent, &["metadata"]);
    let intent = Value::Object(intent);
    world.intents.insert(intent.clone());
    Answer::ok(intent)
}

/// `getTransactionIntent`.
pub(super) fn get_intent(call: &Call<'_>, world: &mut World) -> Answer {
    let id = call.param(0);
    match world.intents.get(id) {
        Some(intent) => Answer::ok(intent.clone()),
        None => intent_not_found(id),
    }
}

/// `updateTransactionIntent`: replaces the fields the body gives. The intent
/// the path names is looked up first, then the body's customer: either missing
/// is a 404 in its not-found shape (the spec documents only 200 and 400 here).
pub(super) fn update_intent(call: &Call<'_>, world: &mut World) -> Answer {
    let id = call.param(0);
    if world.intents.get(id).is_none() {
        return intent_not_found(id);
    }
    let customer = call.text("customer_id").unwrap_or_default();
    if let Err(answer) = customer_or_404(world, customer) {
        return answer;
    }
    let now = world.now();
    let Some(Value::Object(intent)) = world.intents.get_mut(id) else {
        return intent_not_found(id);
    };
    copy_fields(
        &call.body,
        intent,
        &[
            "customer_id",
            "amount",
            "status",
            "currency",
            "network_transaction_id",
            "partner_transaction_id",
            "metadata",
        ],
    );
    intent.insert("updated_at".into(), Value::from(now));
    Answer::ok(Value::Object(intent.clone()))
}

/// `getTransactionIntents`: one customer's intents.
pub(super) fn intents_of_customer(call: &Call<'_>, world: &mut World) -> Answer {
    let id = call.param(0);
    if world.customer(id).is_none() {
        // The spec documents `TransactionNotFoundError`'s shape for this 404.
        return Answer::not_found("CUSTOMER_NOT_FOUND_ERROR", "Customer", "customer_id", id);
    }
    Answer::ok(json!({ "data": world.intents.filter(|i| i["customer_id"] == id) }))
}

fn transaction_not_found(id: &str) -> Answer {
    Answer::not_found(
        "TRANSACTION_NOT_FOUND_ERROR",
        "Transaction",
        "transaction_id",
        id,
    )
}

/// `getTransaction`.
pub(super) fn get(call: &Call<'_>, world: &mut World) -> Answer {
    let id = call.param(0);
    match world.transactions.get(id) {
        Some(transaction) => Answer::ok(transaction.clone()),
        None => transaction_not_found(id),
    }
}

/// `getTransactions`: one customer's transactions, paginated.
pub(super) fn of_customer(call: &Call<'_>, world: &mut World) -> Answer {
    let id = call.param(0);
    if let Err(answer) = customer_or_404(world, id) {
        return answer;
    }
    let transactions = world.transactions.filter(|t| t["customer_id"] == id);
    page(call, transactions, "id", "a transaction")
}

/// The statuses a transaction in `from` may move to.
fn allowed(from: &str, to: &str) -> bool {
    matches!(
        (from, to),
        ("APPROVED" | "UPDATED", "UPDATED" | "VOIDED" | "CAPTURED") | ("CAPTURED", "REFUNDED")
    )
}

/// `simulateTransactionEvent`: `APPROVED` without a `transaction_id` creates a
/// transaction on an active payment method (linked to the customer's matching
/// confirmed intent, if there is one); the other statuses advance an existing
/// transaction along APPROVED → UPDATED → VOIDED | CAPTURED → REFUNDED. Each
/// event announces a `TRANSACTION` webhook; a capture also earns a pending 1 %
/// `TRANSACTION` reward, announced by a `REWARD` webhook. A payment method or
/// transaction the fake never issued is a 404 in its not-found shape (the spec
/// documents only 200 and 409 here); any other event the state does not allow
/// is the spec's 409 `ConflictError`.
pub(super) fn simulate_event(call: &Call<'_>, world: &mut World) -> Answer {
    let status = call.text("status").unwrap_or_default();
    let method_id = call.text("payment_method_id").unwrap_or_default();
    let method = match payment_method_or_404(world, method_id) {
        Ok(method) => method,
        Err(answer) => return answer,
    };
    if method["status"] != "ACTIVE" {
        return Answer::conflict(format!("payment method {method_id} is not active"));
    }
    let event_id = call
        .text("event_id")
        .map_or_else(|| world.issue(), str::to_string);
    let now = world.now();
    let transaction_id = match (status, call.text("transaction_id")) {
        ("APPROVED", None) => approve(call, world, &method, &now),
        (_, None) => {
            return Answer::conflict(format!("a {status} event needs a transaction_id"));
        }
        (_, Some(id)) => {
            let Some(Value::Object(transaction)) = world.transactions.get_mut(id) else {
                return transaction_not_found(id);
            };
            let from = transaction["status"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            if transaction["payment_method_id"] != method_id || !allowed(&from, status) {
                return Answer::conflict(format!(
                    "transaction {id} is {from} and cannot become {status}"
                ));
            }
            transaction.insert("status".into(), Value::from(status));
            transaction.insert("updated_at".into(), Value::from(now.clone()));
            copy_fields(&call.body, transaction, &["amount", "merchant"]);
            id.to_string()
        }
    };
    let transaction = world
        .transactions
        .get(&transaction_id)
        .cloned()
        .unwrap_or_default();
    let mut data = Map::new();
    data.insert("transaction_id".into(), Value::from(transaction_id.clone()));
    data.insert("event_id".into(), Value::from(event_id.clone()));
    copy_fields(
        &transaction,
        &mut data,
        &[
            "intent_id",
            "payment_method_id",
            "customer_id",
            "status",
            "created_at",
            "updated_at",
            "amount",
            "currency",
            "authorization_code",
            "network_transaction_id",
            "purchase_method",
            "merchant",
        ],
    );
    world.announce("TRANSACTION", data);
    if status == "CAPTURED" {
        let amount = transaction["amount"].as_i64().unwrap_or_default();
        let reward = json!({
            "customer_id": transaction["customer_id"],
            "transaction_event_id": event_id,
            "amount": amount / 100,
            "type": "TRANSACTION",
            "currency": "USD",
            "status": "PENDING",
        });
        super::rewards::grant(world, reward, Some(&transaction_id));
    }
    Answer::ok(json!({ "transaction_id": transaction_id, "event_id": event_id, "status": status }))
}

/// Creates an approved transaction and returns its id.
fn approve(call: &Call<'_>, world: &mut World, method: &Value, now: &str) -> String {
    let customer = method["customer_id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let amount = call
        .body
        .get("amount")
        .and_then(Value::as_i64)
        .unwrap_or(5_000);
    let id = world.issue();
    let network_id = call.text("network_transaction_id").map_or_else(
        || format!("txn-{}", &id[..8].to_lowercase()),
        str::to_string,
    );
    let intent = world
        .intents
        .filter(|i| {
            i["customer_id"] == customer.as_str()
                && i["status"] == "CONFIRMED"
                && i["amount"] == amount
                && (i["payment_method_id"].is_null() || i["payment_method_id"] == method["id"])
        })
        .into_iter()
        .find(|i| {
            world
                .transactions
                .filter(|t| t["intent_id"] == i["id"])
                .is_empty()
        });
    let mut transaction = Map::new();
    transaction.insert("id".into(), Value::from(id.clone()));
    if let Some(intent) = &intent {
        transaction.insert("intent_id".into(), intent["id"].clone());
    }
    transaction.insert("customer_id".into(), Value::from(customer));
    transaction.insert("payment_method_id".into(), method["id"].clone());
    transaction.insert("amount".into(), Value::from(amount));
    transaction.insert(
        "currency".into(),
        Value::from(call.text("currency").unwrap_or("USD")),
    );
    transaction.insert("status".into(), Value::from("APPROVED"));
    transaction.insert("network_transaction_id".into(), Value::from(network_id));
    copy_fields(
        &call.body,
        &mut transaction,
        &["authorization_code", "purchase_method", "merchant"],
    );
    if let Some(intent) = &intent {
        copy_fields(intent, &mut transaction, &["partner_transaction_id"]);
    }
    transaction.insert("created_at".into(), Value::from(now));
    transaction.insert("updated_at".into(), Value::from(now));
    world.transactions.insert(Value::Object(transaction));
    id
}
