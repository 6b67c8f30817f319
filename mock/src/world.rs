//! The fake's state: one consistent world behind every operation.
//!
//! Synthetic customers and their payment methods are pure functions of (seed,
//! index) in [`data`](super::data); the world stores only what requests created
//! or changed, so an untouched data set of any size costs nothing. Everything
//! is JSON (`serde_json::Value`) in the spec's shapes, which keeps the fake
//! independent of how the generated Rust types are spelled.

use std::collections::HashMap;

use serde_json::{Map, Value, json};

use super::data;

/// Salt of the seed that makes the ids of customers created by requests.
const CREATED: u64 = 0xC2EA_7ED0;
/// Salt of the seed that makes every other id the world issues.
const ISSUED: u64 = 0x155E_D000;
/// The world's clock starts here (2025-03-01T00:00:00Z) and advances one second
/// per change, so timestamps are deterministic and increase.
const EPOCH: u64 = 1_740_787_200;

/// A list of stored objects, in creation order.
pub(crate) struct Store {
    key: &'static str,
    items: Vec<Value>,
}

impl Store {
    fn keyed(key: &'static str) -> Self {
        Store {
            key,
            items: Vec::new(),
        }
    }

    pub(crate) fn get(&self, id: &str) -> Option<&Value> {
        self.items.iter().find(|item| item[self.key] == id)
    }

    pub(crate) fn get_mut(&mut self, id: &str) -> Option<&mut Value> {
        let key = self.key;
        self.items.iter_mut().find(|item| item[key] == id)
    }

    pub(crate) fn insert(&mut self, item: Value) {
        self.items.push(item);
    }

    pub(crate) fn remove(&mut self, id: &str) -> Option<Value> {
        let at = self.items.iter().position(|item| item[self.key] == id)?;
        Some(self.items.remove(at))
    }

    /// The items `keep` accepts, in creation order.
    pub(crate) fn filter(&self, keep: impl Fn(&Value) -> bool) -> Vec<Value> {
        self.items.iter().filter(|i| keep(i)).cloned().collect()
    }
}

/// Everything the fake knows.
pub(crate) struct World {
    pub(crate) seed: u64,
    /// Mixed into every id the world issues: 0 when the fake was given a seed
    /// (ids repeat run to run), random otherwise (no two fakes share one).
    salt: u64,
    pub(crate) size: usize,
    clock: u64,
    issued: usize,
    /// Fields changed on synthetic customers, by index.
    changed: HashMap<usize, Map<String, Value>>,
    /// Customers created by requests (`createSession`), after the synthetic ones.
    created: Vec<Value>,
    /// `customer_metadata` given in sessions, by customer id: webhooks carry it.
    customer_metadata: HashMap<String, Value>,
    pub(crate) links: Store,
    pub(crate) sessions: Store,
    pub(crate) intents: Store,
    pub(crate) transactions: Store,
    pub(crate) rewards: Store,
    pub(crate) orders: Store,
    pub(crate) order_events: Store,
    /// API keys that authenticate (the configured one and those `createKey` made).
    pub(crate) keys: Vec<String>,
    /// Webhook payloads announced by the request in progress.
    pub(crate) announced: Vec<Value>,
}

impl World {
    pub(crate) fn new(seed: u64, salt: u64, size: usize, api_key: String) -> Self {
        World {
            seed,
            salt,
            size,
            clock: EPOCH,
            issued: 0,
            changed: HashMap::new(),
            created: Vec::new(),
            customer_metadata: HashMap::new(),
            links: Store::keyed("customer_id"),
            sessions: Store::keyed("id"),
            intents: Store::keyed("id"),
            transactions: Store::keyed("id"),
            rewards: Store::keyed("id"),
            orders: Store::keyed("id"),
            order_events: Store::keyed("order_event_id"),
            keys: vec![api_key],
            announced: Vec::new(),
        }
    }

    /// The next timestamp of the world's clock (RFC 3339, milliseconds).
    pub(crate) fn now(&mut self) -> String {
        self.later(0)
    }

    /// `seconds` after the next timestamp of the world's clock: a deadline
    /// that a change sets (the clock advances as [`World::now`] advances it).
    pub(crate) fn later(&mut self, seconds: u64) -> String {
        self.clock += 1;
        data::timestamp(self.clock + seconds).as_str().to_owned()
    }

    /// A new id, UUID-shaped like Imprint's.
    pub(crate) fn issue(&mut self) -> String {
        self.issued += 1;
        data::id(self.seed ^ ISSUED ^ self.salt, self.issued)
    }

    /// How many customers exist (synthetic and created).
    pub(crate) fn customer_count(&self) -> usize {
        self.size + self.created.len()
    }

    /// The list position of customer `id`.
    pub(crate) fn customer_position(&self, id: &str) -> Option<usize> {
        data::index_of(self.seed, id)
            .filter(|i| *i < self.size)
            .or_else(|| {
                data::index_of(self.seed ^ CREATED ^ self.salt, id)
                    .filter(|n| *n < self.created.len())
                    .map(|n| self.size + n)
            })
    }

    /// The customer at list position `at`, as the API returns it.
    pub(crate) fn customer_at(&self, at: usize) -> Value {
        if at >= self.size {
            return self.created[at - self.size].clone();
        }
        let mut customer =
            serde_json::to_value(data::record(self.seed, at).customer).unwrap_or_default();
        if let (Some(fields), Some(changes)) = (customer.as_object_mut(), self.changed.get(&at)) {
            fields.extend(changes.clone());
        }
        customer
    }

    /// Customer `id`, if it exists.
    pub(crate) fn customer(&self, id: &str) -> Option<Value> {
        self.customer_position(id).map(|at| self.customer_at(at))
    }

    /// The full SSN of the customer at `at` (created customers have none).
    pub(crate) fn ssn_at(&self, at: usize) -> Option<String> {
        (at < self.size).then(|| data::record(self.seed, at).ssn.expose_secret().to_string())
    }

    /// List positions of the customers whose `partner_customer_id` is `wanted`,
    /// found without generating the whole data set.
    pub(crate) fn customers_with_partner_id(&self, wanted: &str) -> Vec<usize> {
        let synthetic = wanted
            .strip_prefix("PARTNER_")
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|i| *i < self.size && !self.changed.contains_key(i));
        let mut positions: Vec<usize> = synthetic
            .into_iter()
            .chain(self.changed.keys().copied())
            .chain(self.size..self.customer_count())
            .filter(|at| self.customer_at(*at)["partner_customer_id"] == wanted)
            .collect();
        positions.sort_unstable();
        positions.dedup();
        positions
    }

    /// Sets fields of the customer at `at`.
    pub(crate) fn change_customer(&mut self, at: usize, fields: Map<String, Value>) {
        if at >= self.size {
            if let Some(customer) = self.created[at - self.size].as_object_mut() {
                customer.extend(fields);
            }
        } else {
            self.changed.entry(at).or_default().extend(fields);
        }
    }

    /// Creates a customer with `fields` and returns its id.
    pub(crate) fn create_customer(&mut self, mut fields: Map<String, Value>) -> String {
        let id = data::id(self.seed ^ CREATED ^ self.salt, self.created.len());
        let now = self.now();
        fields.insert("id".into(), Value::from(id.clone()));
        fields.insert("statuses".into(), json!({}));
        fields.insert("metadata".into(), json!({}));
        fields.insert("created_at".into(), Value::from(now.clone()));
        fields.insert("updated_at".into(), Value::from(now));
        self.created.push(Value::Object(fields));
        id
    }

    /// Remembers `customer_metadata` for the webhooks about `customer_id`.
    pub(crate) fn set_customer_metadata(&mut self, customer_id: &str, metadata: Value) {
        self.customer_metadata
            .insert(customer_id.to_string(), metadata);
    }

    /// The payment methods of customer `id` (created customers have none yet).
    pub(crate) fn payment_methods_of(&self, customer_id: &str) -> Vec<Value> {
        match self.customer_position(customer_id) {
            Some(at) if at < self.size => data::payment_methods(self.seed, at),
            _ => Vec::new(),
        }
    }

    /// Payment method `id`, if it exists.
    pub(crate) fn payment_method(&self, id: &str) -> Option<Value> {
        let owner = data::payment_method_owner(self.seed, id).filter(|i| *i < self.size)?;
        data::payment_methods(self.seed, owner)
            .into_iter()
            .find(|method| method["id"] == id)
    }

    /// Announces a webhook: `data` gets the merchant key, the customer's
    /// partner id (every payload but `REWARD` has one) and metadata, and is
    /// sent once the request completes.
    pub(crate) fn announce(&mut self, object: &str, mut data: Map<String, Value>) {
        data.insert("merchant_key".into(), Value::from(super::MERCHANT_KEY));
        if let Some(customer) = data
            .get("customer_id")
            .and_then(Value::as_str)
            .and_then(|id| self.customer(id))
        {
            let partner = &customer["partner_customer_id"];
            if object != "REWARD" && !partner.is_null() && !data.contains_key("partner_customer_id")
            {
                data.insert("partner_customer_id".into(), partner.clone());
            }
        }
        if let Some(metadata) = data
            .get("customer_id")
            .and_then(Value::as_str)
            .and_then(|id| self.customer_metadata.get(id))
        {
            data.insert("customer_metadata".into(), metadata.clone());
        }
        self.announced
            .push(json!({ "object": object, "data": data }));
    }
}
