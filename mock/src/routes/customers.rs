//! Customers, customer links and offers.

use serde_json::{Map, Value, json};

use super::{Answer, Call, copy_fields, customer_or_404};
use crate::data;
use crate::world::World;

/// Salt of the seed that makes offer ids: one offer per customer, derived from
/// its position like the customer's own id.
const OFFER: u64 = 0x0FFE_2000;

/// What a customer search filters on.
#[derive(Default)]
struct Filter<'a> {
    partner_customer_id: Option<&'a str>,
    ssn: Option<&'a str>,
    date_of_birth: Option<(i64, i64, i64)>,
}

fn dob(value: &Value) -> Option<(i64, i64, i64)> {
    let part = |name: &str| value.get(name).and_then(Value::as_i64);
    Some((part("year")?, part("month")?, part("day")?))
}

/// Whether the Gregorian calendar has this day (the server's only check: the
/// SDK's own rules on dates of birth are the client's, not the fake's).
fn is_calendar_day(year: i64, month: i64, day: i64) -> bool {
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

/// One page of the customers matching `filter`, after `starting_after`.
fn search(call: &Call<'_>, world: &World, filter: Filter<'_>) -> Answer {
    let size = world.customer_count();
    let limit = call.limit();
    let start = match call.cursor() {
        None => 0,
        Some(id) => match world.customer_position(id) {
            Some(at) => at + 1,
            None => {
                return Answer::invalid(call.path, "starting_after: is not the id of a customer");
            }
        },
    };
    let unfiltered = filter.partner_customer_id.is_none()
        && filter.ssn.is_none()
        && filter.date_of_birth.is_none();
    let (positions, total, has_more): (Vec<usize>, usize, bool) = if unfiltered {
        let end = start.saturating_add(limit).min(size);
        ((start.min(end)..end).collect(), size, end < size)
    } else {
        // A partner id names its candidates directly; the other filters read
        // every record, as a search over an unindexed table would.
        let candidates: Vec<usize> = match filter.partner_customer_id {
            Some(partner) => world.customers_with_partner_id(partner),
            None => (0..size).collect(),
        };
        let matching: Vec<usize> = candidates
            .into_iter()
            .filter(|at| {
                filter
                    .ssn
                    .is_none_or(|ssn| world.ssn_at(*at).as_deref() == Some(ssn))
                    && filter.date_of_birth.is_none_or(|wanted| {
                        dob(&world.customer_at(*at)["date_of_birth"]) == Some(wanted)
                    })
            })
            .collect();
        let rest: Vec<usize> = matching.iter().copied().filter(|at| *at >= start).collect();
        (
            rest.iter().copied().take(limit).collect(),
            matching.len(),
            rest.len() > limit,
        )
    };
    let data: Vec<Value> = positions.iter().map(|at| world.customer_at(*at)).collect();
    Answer::ok(json!({ "data": data, "has_more": has_more, "total": total }))
}

/// `searchCustomersPost`: the criteria in the JSON body.
pub(super) fn search_post(call: &Call<'_>, world: &mut World) -> Answer {
    let ssn = call.body.get("ssn").and_then(Value::as_str);
    // The spec's description: "the ssn of the customer without hyphens".
    if ssn.is_some_and(|s| s.len() != 9 || !s.bytes().all(|b| b.is_ascii_digit())) {
        return Answer::invalid(call.path, "ssn: must be 9 digits without hyphens");
    }
    let date_of_birth = match call.body.get("date_of_birth").filter(|d| !d.is_null()) {
        None => None,
        Some(date) => match dob(date).filter(|&(y, m, d)| is_calendar_day(y, m, d)) {
            Some(valid) => Some(valid),
            None => return Answer::invalid(call.path, "date_of_birth: is not a valid date"),
        },
    };
    let filter = Filter {
        partner_customer_id: call.text("partner_customer_id"),
        ssn,
        date_of_birth,
    };
    search(call, world, filter)
}

/// `searchCustomers`: the criteria in the query.
pub(super) fn search_get(call: &Call<'_>, world: &mut World) -> Answer {
    let filter = Filter {
        partner_customer_id: call.text("partner_customer_id"),
        ..Filter::default()
    };
    search(call, world, filter)
}

/// `getCustomer`.
pub(super) fn get(call: &Call<'_>, world: &mut World) -> Answer {
    match customer_or_404(world, call.param(0)) {
        Ok(customer) => Answer::ok(customer),
        Err(answer) => answer,
    }
}

/// `linkCustomerAccount`: links once (409 with the existing link after that),
/// gives the customer the partner's id, and announces a `CUSTOMER_LINK` webhook.
pub(super) fn link(call: &Call<'_>, world: &mut World) -> Answer {
    let id = call.param(0);
    let Some(at) = world.customer_position(id) else {
        return Answer::not_found("CUSTOMER_NOT_FOUND_ERROR", "Customer", "customer_id", id);
    };
    if let Some(existing) = world.links.get(id) {
        return Answer {
            status: 409,
            body: Some(json!({ "error": {
                "type": "CUSTOMER_ALREADY_LINKED",
                "message": "Customer already linked to a partner account",
                "existing_link": existing,
            } })),
        };
    }
    let partner = call.text("partner_customer_id").unwrap_or_default();
    let now = world.now();
    let mut link = Map::new();
    link.insert("customer_id".into(), Value::from(id));
    link.insert("partner_customer_id".into(), Value::from(partner));
    link.insert("status".into(), Value::from("ACTIVE"));
    link.insert("created_at".into(), Value::from(now.clone()));
    link.insert("updated_at".into(), Value::from(now.clone()));
    copy_fields(&call.body, &mut link, &["metadata"]);
    world.links.insert(Value::Object(link.clone()));
    let mut changes = Map::new();
    changes.insert("partner_customer_id".into(), Value::from(partner));
    changes.insert("updated_at".into(), Value::from(now.clone()));
    world.change_customer(at, changes);
    let mut data = Map::new();
    copy_fields(
        &Value::Object(link.clone()),
        &mut data,
        &[
            "customer_id",
            "partner_customer_id",
            "status",
            "created_at",
            "updated_at",
        ],
    );
    world.announce("CUSTOMER_LINK", data);
    Answer::ok(Value::Object(link))
}

/// `getOffer`: the marketing placement of the customer with that partner id.
pub(super) fn offer(call: &Call<'_>, world: &mut World) -> Answer {
    let partner = call.text("partner_customer_id").unwrap_or_default();
    let Some(at) = world.customers_with_partner_id(partner).first().copied() else {
        return Answer::not_found(
            "PARTNER_CUSTOMER_NOT_FOUND_ERROR",
            "Partner Customer",
            "partner_customer_id",
            partner,
        );
    };
    let customer = world.customer_at(at);
    let id = data::id(world.seed ^ OFFER, at);
    Answer::ok(json!({
        "id": id,
        "is_prescreened": at % 2 == 0,
        "title": "Welcome Offer: Earn $25",
        "description": format!(
            "{}, spend $500 in the first 90 days with your new card to unlock a $25 welcome bonus.",
            customer["first_name"].as_str().unwrap_or("Hello")
        ),
    }))
}

#[cfg(test)]
mod tests {
    use super::is_calendar_day;

    #[test]
    fn calendar_days_follow_the_gregorian_leap_rule() {
        assert!(is_calendar_day(2000, 2, 29));
        assert!(is_calendar_day(2024, 2, 29));
        assert!(!is_calendar_day(1900, 2, 29));
        assert!(!is_calendar_day(2023, 2, 29));
        assert!(is_calendar_day(1990, 12, 31));
        assert!(!is_calendar_day(1990, 4, 31));
        assert!(!is_calendar_day(1990, 13, 1));
        assert!(!is_calendar_day(1990, 1, 0));
    }
}
