//! Payment methods: the synthetic customers' cards and loans.

use serde_json::{Value, json};

use super::{Answer, Call, customer_or_404, page};
use crate::world::World;

/// `searchPaymentMethods` (query) and `searchPaymentMethodsPost` (body): the
/// customer's payment methods, filtered by `type` and, in the body, by card
/// `pan`. A customer id the fake never issued has none (a filter, not a lookup:
/// the spec documents no 404 here).
pub(super) fn search(call: &Call<'_>, world: &mut World) -> Answer {
    let customer = call.text("customer_id").unwrap_or_default();
    let kind = call.text("type");
    let pan = call.body.get("pan").and_then(Value::as_str);
    let methods: Vec<Value> = world
        .payment_methods_of(customer)
        .into_iter()
        .filter(|m| kind.is_none_or(|k| m["type"] == k))
        .filter(|m| pan.is_none_or(|p| m["card"]["pci_details"]["pan"] == p))
        .collect();
    if call.query.contains_key("customer_id") {
        page(call, methods, "id", "a payment method")
    } else {
        // The POST search documents neither `limit` nor a cursor: one page.
        let total = methods.len();
        Answer::ok(json!({ "data": methods, "has_more": false, "total": total }))
    }
}

/// `getPaymentMethod`.
pub(super) fn get(call: &Call<'_>, world: &mut World) -> Answer {
    let id = call.param(0);
    match world.payment_method(id) {
        Some(method) => Answer::ok(method),
        None => Answer::not_found(
            "PAYMENT_METHOD_NOT_FOUND_ERROR",
            "Payment method",
            "payment_method_id",
            id,
        ),
    }
}

/// `getPaymentMethods`: all of one customer's payment methods.
pub(super) fn of_customer(call: &Call<'_>, world: &mut World) -> Answer {
    let id = call.param(0);
    if let Err(answer) = customer_or_404(world, id) {
        return answer;
    }
    Answer::ok(json!({ "data": world.payment_methods_of(id) }))
}
