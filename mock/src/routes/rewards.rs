//! Rewards, balances, and the sandbox's reward simulations.

use serde_json::{Map, Value, json};

use super::{Answer, Call, copy_fields, customer_or_404, page};
use crate::world::World;

fn reward_not_found(id: &str) -> Answer {
    Answer::not_found("REWARD_NOT_FOUND_ERROR", "Reward", "reward_id", id)
}

/// Stores `reward` (given its id and timestamps) and announces a `REWARD`
/// webhook about it; returns its id.
pub(super) fn grant(world: &mut World, reward: Value, transaction_id: Option<&str>) -> String {
    let id = world.issue();
    let now = world.now();
    let mut stored = Map::new();
    stored.insert("id".into(), Value::from(id.clone()));
    copy_fields(
        &reward,
        &mut stored,
        &[
            "customer_id",
            "transaction_event_id",
            "amount",
            "type",
            "currency",
            "status",
        ],
    );
    stored.insert("created_at".into(), Value::from(now.clone()));
    stored.insert("updated_at".into(), Value::from(now));
    let stored = Value::Object(stored);
    world.rewards.insert(stored.clone());
    announce(world, &stored, transaction_id);
    id
}

fn announce(world: &mut World, reward: &Value, transaction_id: Option<&str>) {
    let mut data = Map::new();
    data.insert("reward_id".into(), reward["id"].clone());
    if let Some(transaction) = transaction_id {
        data.insert("transaction_id".into(), Value::from(transaction));
    }
    copy_fields(
        reward,
        &mut data,
        &[
            "customer_id",
            "type",
            "amount",
            "status",
            "currency",
            "created_at",
            "metadata",
        ],
    );
    world.announce("REWARD", data);
}

/// `searchRewards`: every reward, filtered by `transaction_event_id`.
pub(super) fn search(call: &Call<'_>, world: &mut World) -> Answer {
    let event = call.text("transaction_event_id");
    let rewards = world
        .rewards
        .filter(|r| event.is_none_or(|e| r["transaction_event_id"] == e));
    page(call, rewards, "id", "a reward")
}

/// `getReward`.
pub(super) fn get(call: &Call<'_>, world: &mut World) -> Answer {
    let id = call.param(0);
    match world.rewards.get(id) {
        Some(reward) => Answer::ok(reward.clone()),
        None => reward_not_found(id),
    }
}

/// `patchReward`: changes the amount or status of a pending reward (the spec:
/// "updates the status or amount of pending rewards"); others are a 409 in the
/// error envelope (the spec documents no 409 here). A change announces a
/// `REWARD` webhook.
pub(super) fn patch(call: &Call<'_>, world: &mut World) -> Answer {
    let id = call.param(0);
    let now = world.now();
    let Some(Value::Object(reward)) = world.rewards.get_mut(id) else {
        return reward_not_found(id);
    };
    if reward["status"] != "PENDING" {
        let message = format!(
            "reward {id} is {} and can no longer be updated",
            reward["status"].as_str().unwrap_or_default()
        );
        return Answer::error(409, "CONFLICT_ERROR", message);
    }
    copy_fields(&call.body, reward, &["amount", "status"]);
    reward.insert("updated_at".into(), Value::from(now));
    let reward = Value::Object(reward.clone());
    announce(world, &reward, None);
    Answer::ok(reward)
}

/// `getRewards`: one customer's rewards, most recently updated first.
pub(super) fn of_customer(call: &Call<'_>, world: &mut World) -> Answer {
    let id = call.param(0);
    if let Err(answer) = customer_or_404(world, id) {
        return answer;
    }
    let mut rewards = world.rewards.filter(|r| r["customer_id"] == id);
    // Stable: equal timestamps keep the newest-created first after the reverse.
    rewards.reverse();
    rewards.sort_by(|a, b| {
        b["updated_at"]
            .as_str()
            .unwrap_or_default()
            .cmp(a["updated_at"].as_str().unwrap_or_default())
    });
    page(call, rewards, "id", "a reward")
}

/// `getRewardsBalance`: available rewards less deducted ones, in dollars' cents.
pub(super) fn balance(call: &Call<'_>, world: &mut World) -> Answer {
    let id = call.param(0);
    if let Err(answer) = customer_or_404(world, id) {
        return answer;
    }
    // Saturating: amounts come from requests, and a balance at the edge of
    // i64 is an answer where an overflow would be a panic.
    let sum = |status: &str| -> i64 {
        world
            .rewards
            .filter(|r| r["customer_id"] == id && r["status"] == status)
            .iter()
            .filter_map(|r| r["amount"].as_i64())
            .fold(0, i64::saturating_add)
    };
    Answer::ok(json!({
        "customer_id": id,
        "reward_balance": sum("AVAILABLE").saturating_sub(sum("DEDUCTED")),
        "reward_symbol": "$",
        "reward_description": "Cash back, in cents",
    }))
}

fn customer_or_api_404(world: &World, id: &str) -> Result<(), Answer> {
    match world.customer(id) {
        Some(_) => Ok(()),
        None => Err(Answer::error(
            404,
            "CUSTOMER_NOT_FOUND_ERROR",
            format!("Customer not found for provided ID: {id}"),
        )),
    }
}

fn debugging_id(world: &mut World) -> Answer {
    Answer::ok(json!({ "debugging_id": world.issue() }))
}

/// `simulateStatementReward`: an available `STATEMENT` reward, announced.
pub(super) fn simulate_statement(call: &Call<'_>, world: &mut World) -> Answer {
    let customer = call.text("customer_id").unwrap_or_default();
    if let Err(answer) = customer_or_api_404(world, customer) {
        return answer;
    }
    statement_reward(world, customer);
    debugging_id(world)
}

fn statement_reward(world: &mut World, customer: &str) {
    let reward = json!({
        "customer_id": customer,
        "amount": 2_500,
        "type": "STATEMENT",
        "currency": "USD",
        "status": "AVAILABLE",
    });
    grant(world, reward, None);
}

/// `simulateReward`: `STATEMENT` grants an available statement reward;
/// `DELAYED` processes the customer's pending rewards (each becomes available
/// and is announced), or, when none are pending, grants an available one-time
/// reward so the simulation always produces a webhook.
pub(super) fn simulate(call: &Call<'_>, world: &mut World) -> Answer {
    let customer = call.text("customer_id").unwrap_or_default();
    if let Err(answer) = customer_or_api_404(world, customer) {
        return answer;
    }
    if call.text("reward_type") == Some("STATEMENT") {
        statement_reward(world, customer);
        return debugging_id(world);
    }
    let pending: Vec<String> = world
        .rewards
        .filter(|r| r["customer_id"] == customer && r["status"] == "PENDING")
        .iter()
        .filter_map(|r| r["id"].as_str().map(str::to_string))
        .collect();
    if pending.is_empty() {
        let reward = json!({
            "customer_id": customer,
            "amount": 1_000,
            "type": "ONE_TIME",
            "currency": "USD",
            "status": "AVAILABLE",
        });
        grant(world, reward, None);
    }
    for id in pending {
        let now = world.now();
        if let Some(Value::Object(reward)) = world.rewards.get_mut(&id) {
            reward.insert("status".into(), Value::from("AVAILABLE"));
            reward.insert("updated_at".into(), Value::from(now));
            let reward = Value::Object(reward.clone());
            announce(world, &reward, None);
        }
    }
    debugging_id(world)
}
