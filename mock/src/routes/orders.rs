//! Orders and order events.

use serde_json::{Map, Value, json};

use super::{Answer, Call, copy_fields, page, payment_method_or_404};
use crate::world::World;

const ORDER_FIELDS: [&str; 9] = [
    "payment_method_id",
    "partner_order_id",
    "merchant_id",
    "merchant_name",
    "merchant_address",
    "order_lines",
    "total_order_amount",
    "total_rewards_amount",
    "currency",
];

const EVENT_FIELDS: [&str; 8] = [
    "order_id",
    "partner_event_id",
    "type",
    "amount",
    "rewards_amount",
    "currency",
    "network_transaction_id",
    "order_lines",
];

/// The spec documents no not-found schema for orders: Imprint's `ApiError`
/// envelope, its error shape for every other status.
fn order_not_found(id: &str) -> Answer {
    Answer::error(
        404,
        "ORDER_NOT_FOUND_ERROR",
        format!("Order not found for provided ID: {id}"),
    )
}

/// The spec's rule for `order_lines`: when given, the lines' rates and rewards
/// rates times quantities add up to `amount` and `rewards_amount`.
fn check_lines(call: &Call<'_>, amount: &str, rewards: &str) -> Result<(), Answer> {
    let Some(lines) = call.body.get("order_lines").and_then(Value::as_array) else {
        return Ok(());
    };
    // In i128, checked: 64-bit rates times quantities cannot overflow a
    // product, and a sum that would is no total the body can state. A value
    // beyond 64 bits (valid JSON, and the spec bounds none) leaves nothing to
    // compare.
    let total = |field: &str| -> Option<i128> {
        lines.iter().try_fold(0i128, |sum, line| {
            let rate = i128::from(line[field].as_i64()?);
            let quantity = i128::from(line["quantity"].as_i64()?);
            sum.checked_add(rate.checked_mul(quantity)?)
        })
    };
    for (sum_of, of) in [("rate", amount), ("rewards_rate", rewards)] {
        if let Some(expected) = call.body.get(of).and_then(Value::as_i64)
            && let Some(total) = total(sum_of)
            && total != i128::from(expected)
        {
            return Err(Answer::invalid(
                call.path,
                format!("order_lines: the {sum_of}s times quantities must add up to {of}"),
            ));
        }
    }
    Ok(())
}

/// The order the body describes, with `id` and timestamps; a payment method
/// the fake never issued is a 404 `PaymentMethodNotFoundError` (the spec
/// documents only 200 for `createOrder` and `putOrder`).
fn order(
    call: &Call<'_>,
    world: &mut World,
    id: &str,
    created: Option<Value>,
) -> Result<Value, Answer> {
    let method = payment_method_or_404(world, call.text("payment_method_id").unwrap_or_default())?;
    check_lines(call, "total_order_amount", "total_rewards_amount")?;
    let now = world.now();
    let mut order = Map::new();
    order.insert("id".into(), Value::from(id));
    order.insert("customer_id".into(), method["customer_id"].clone());
    copy_fields(&call.body, &mut order, &ORDER_FIELDS);
    order.insert(
        "created_at".into(),
        created.unwrap_or_else(|| Value::from(now.clone())),
    );
    order.insert("updated_at".into(), Value::from(now));
    Ok(Value::Object(order))
}

/// `listOrders`: filtered by `id` and `partner_order_id`.
pub(super) fn list(call: &Call<'_>, world: &mut World) -> Answer {
    let id = call.text("id");
    let partner = call.text("partner_order_id");
    let orders = world.orders.filter(|o| {
        id.is_none_or(|id| o["id"] == id) && partner.is_none_or(|p| o["partner_order_id"] == p)
    });
    // `OrdersResponse` declares `data` but requires `orders`, which it never
    // declares: both hold the list, so a client reading either finds it.
    Answer::ok(json!({ "data": orders, "orders": orders }))
}

/// `createOrder`: on an existing payment method, whose customer it belongs to.
pub(super) fn create(call: &Call<'_>, world: &mut World) -> Answer {
    let id = world.issue();
    match order(call, world, &id, None) {
        Ok(order) => {
            world.orders.insert(order.clone());
            Answer::ok(order)
        }
        Err(answer) => answer,
    }
}

/// `putOrder`: replaces the order with the body.
pub(super) fn put(call: &Call<'_>, world: &mut World) -> Answer {
    let id = call.param(0);
    let Some(created) = world.orders.get(id).map(|o| o["created_at"].clone()) else {
        return order_not_found(id);
    };
    match order(call, world, id, Some(created)) {
        Ok(order) => {
            if let Some(stored) = world.orders.get_mut(id) {
                *stored = order.clone();
            }
            Answer::ok(order)
        }
        Err(answer) => answer,
    }
}

/// `deleteOrder`: the order and its events.
pub(super) fn delete(call: &Call<'_>, world: &mut World) -> Answer {
    let id = call.param(0);
    if world.orders.remove(id).is_none() {
        return order_not_found(id);
    }
    for event in world.order_events.filter(|e| e["order_id"] == id) {
        world
            .order_events
            .remove(event["order_event_id"].as_str().unwrap_or_default());
    }
    Answer::no_content()
}

/// `listOrderEvents`: filtered by the four ids the spec lists, paginated.
pub(super) fn list_events(call: &Call<'_>, world: &mut World) -> Answer {
    let filters: Vec<(&str, &str)> = [
        "order_event_id",
        "order_id",
        "partner_event_id",
        "network_transaction_id",
    ]
    .into_iter()
    .filter_map(|name| call.text(name).map(|value| (name, value)))
    .collect();
    let events = world
        .order_events
        .filter(|e| filters.iter().all(|(name, value)| e[*name] == *value));
    page(call, events, "order_event_id", "an order event")
}

/// `postOrderEvent`: an event of an existing order; another `order_id` is
/// the 404 `putOrder` and `deleteOrder` answer (the spec documents only 200).
pub(super) fn create_event(call: &Call<'_>, world: &mut World) -> Answer {
    let order = call.text("order_id").unwrap_or_default();
    if world.orders.get(order).is_none() {
        return order_not_found(order);
    }
    if let Err(answer) = check_lines(call, "amount", "rewards_amount") {
        return answer;
    }
    let mut event = Map::new();
    event.insert("order_event_id".into(), Value::from(world.issue()));
    copy_fields(&call.body, &mut event, &EVENT_FIELDS);
    let event = Value::Object(event);
    world.order_events.insert(event.clone());
    Answer::ok(event)
}

/// `deleteOrderEvent`.
pub(super) fn delete_event(call: &Call<'_>, world: &mut World) -> Answer {
    let id = call.param(0);
    match world.order_events.remove(id) {
        Some(_) => Answer::no_content(),
        None => Answer::error(
            404,
            "ORDER_EVENT_NOT_FOUND_ERROR",
            format!("Order event not found for provided ID: {id}"),
        ),
    }
}
