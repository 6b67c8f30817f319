//! Customer sessions.

use serde_json::{Map, Value};

use super::{Answer, Call, copy_fields, customer_or_404};
use crate::world::World;

/// `createSession`: for the customer named by `customer_id`, else the one with
/// that `partner_customer_id`, else a new customer made from the partner's id
/// and `customer_history` ("if required, a new customer will be created"). `customer_metadata` is kept
/// for the webhooks about that customer. A `customer_id` the fake never issued
/// is a 404 `CustomerNotFoundError` (the spec documents only 201 and 400 here).
pub(super) fn create(call: &Call<'_>, world: &mut World) -> Answer {
    let customer_id = match (call.text("customer_id"), call.text("partner_customer_id")) {
        (Some(id), _) => match customer_or_404(world, id) {
            Ok(_) => id.to_string(),
            Err(answer) => return answer,
        },
        (None, partner) => {
            match partner.and_then(|p| world.customers_with_partner_id(p).first().copied()) {
                Some(at) => world.customer_at(at)["id"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                None => {
                    let mut fields = Map::new();
                    if let Some(partner) = partner {
                        fields.insert("partner_customer_id".into(), Value::from(partner));
                    }
                    let history = call
                        .body
                        .get("customer_history")
                        .cloned()
                        .unwrap_or_default();
                    copy_fields(
                        &history,
                        &mut fields,
                        &[
                            "email",
                            "phone",
                            "first_name",
                            "last_name",
                            "preferred_language",
                            "address",
                        ],
                    );
                    world.create_customer(fields)
                }
            }
        }
    };
    if let Some(metadata) = call.body.get("customer_metadata") {
        world.set_customer_metadata(&customer_id, metadata.clone());
    }
    let id = world.issue();
    let expires = world.later(3_600);
    let secret = base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        format!("fake_client_secret_{id}"),
    );
    let mut session = Map::new();
    session.insert("id".into(), Value::from(id));
    session.insert("client_secret".into(), Value::from(secret));
    session.insert("expires_at".into(), Value::from(expires));
    copy_fields(
        &call.body,
        &mut session,
        &["metadata", "customer_metadata", "source"],
    );
    let session = Value::Object(session);
    world.sessions.insert(session.clone());
    Answer::created(session)
}

/// `getSession`.
pub(super) fn get(call: &Call<'_>, world: &mut World) -> Answer {
    let id = call.param(0);
    match world.sessions.get(id) {
        Some(session) => Answer::ok(session.clone()),
        None => Answer::not_found("SESSION_NOT_FOUND_ERROR", "Session", "session_id", id),
    }
}
