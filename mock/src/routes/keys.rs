//! API keys.

use serde_json::json;

use super::{Answer, Call};
use crate::world::World;

/// `createKey`: a new key that authenticates from now on, alongside the others.
pub(super) fn create(_: &Call<'_>, world: &mut World) -> Answer {
    let key = format!("test_{}", world.issue().replace('-', "").to_lowercase());
    world.keys.push(key.clone());
    let now = world.now();
    Answer::ok(json!({ "key": key, "created_at": now }))
}

/// `deleteKey`: the spec names no key, so the one that authenticated the
/// request is deleted; later requests with it get 401.
pub(super) fn delete(call: &Call<'_>, world: &mut World) -> Answer {
    let key = call.caller.clone();
    world.keys.retain(|k| *k != key);
    let now = world.now();
    Answer::ok(json!({ "key": key, "deleted_at": now }))
}
