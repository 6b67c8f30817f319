//! The fake server's synthetic customers and their payment methods.
//!
//! Record *i* is a pure function of the seed and *i*, so the server stores
//! nothing: a million customers cost no memory, and a cursor (an `id`) carries
//! its own position. Names are combinations of common words, SSNs start with 9
//! (a range never issued as an SSN), phones use the fictional 555 exchange and
//! emails `example.com`: no record describes a real person.

use std::num::NonZeroU64;
use std::time::{Duration, UNIX_EPOCH};

use serde_json::{Value, json};

use imprint::Ssn;
use imprint::types::{Address, Customer, CustomerProgramStatus, DateOfBirth, PartnerCustomerId};

const FIRST: [&str; 24] = [
    "Ada", "Bram", "Cleo", "Dario", "Edda", "Faye", "Gus", "Hana", "Ivo", "Juno", "Kai", "Lina",
    "Milo", "Nia", "Otto", "Pia", "Quin", "Rosa", "Sami", "Tove", "Uma", "Vito", "Wren", "Yara",
];
const LAST: [&str; 24] = [
    "Alder", "Birch", "Cedar", "Dune", "Ember", "Fjord", "Grove", "Heath", "Inlet", "Juniper",
    "Kestrel", "Lark", "Moss", "Nettle", "Oak", "Pebble", "Quarry", "Reed", "Sorrel", "Thistle",
    "Umber", "Vale", "Willow", "Yarrow",
];
const CITIES: [(&str, &str, &str); 6] = [
    ("Springfield", "IL", "62701"),
    ("Riverton", "WY", "82501"),
    ("Fairview", "OR", "97024"),
    ("Greenville", "SC", "29601"),
    ("Madison", "WI", "53703"),
    ("Salem", "MA", "01970"),
];
const STREETS: [&str; 6] = [
    "Maple Ave",
    "Elm St",
    "Lakeview Dr",
    "Hillcrest Rd",
    "Sunset Blvd",
    "Orchard Ln",
];

/// One synthetic customer and the full SSN the server matches searches against
/// (responses carry only `ssn4`).
#[derive(Clone, Debug)]
pub struct Record {
    /// The customer as the API returns it.
    pub customer: Customer,
    /// The full (synthetic) SSN.
    pub ssn: Ssn,
}

/// A small deterministic generator (SplitMix64), seeded per record.
struct Mix(u64);

impl Mix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// The `id` of record `index`: UUID-shaped, its last group the index itself
/// (so a cursor finds its place without a lookup).
pub fn id(seed: u64, index: usize) -> String {
    let mut mix = Mix(seed ^ 0xC0FF_EE00 ^ (index as u64).wrapping_mul(0x2545_F491_4F6C_DD1D));
    let tag = mix.next();
    format!(
        "{:08X}-{:04X}-4{:03X}-A{:03X}-{:012X}",
        (tag >> 32) as u32,
        (tag >> 16) as u16,
        tag as u16 & 0xFFF,
        (tag >> 4) as u16 & 0xFFF,
        index
    )
}

/// The index an `id` of this seed stands for.
pub fn index_of(seed: u64, id: &str) -> Option<usize> {
    let index = usize::from_str_radix(id.rsplit('-').next()?, 16).ok()?;
    (self::id(seed, index) == id).then_some(index)
}

/// Record `index` of the data set `seed`.
pub fn record(seed: u64, index: usize) -> Record {
    let mut mix = Mix(seed.wrapping_mul(31).wrapping_add(index as u64));
    let first = FIRST[mix.below(FIRST.len() as u64) as usize];
    let last = LAST[mix.below(LAST.len() as u64) as usize];
    let (city, state, zip) = CITIES[mix.below(CITIES.len() as u64) as usize];
    let street = STREETS[mix.below(STREETS.len() as u64) as usize];
    let ssn = format!(
        "9{:02}{:02}{:04}",
        mix.below(100),
        1 + mix.below(99),
        mix.below(10_000)
    );
    let (year, month, day) = (1950 + mix.below(55), 1 + mix.below(12), 1 + mix.below(28));
    let status = if mix.below(10) == 0 {
        CustomerProgramStatus::Closed
    } else {
        CustomerProgramStatus::Open
    };
    let created = 1_739_473_687 + index as u64 * 3_600;
    let timestamp = timestamp(created);
    let dob = DateOfBirth {
        year: Some(year as i64),
        month: NonZeroU64::new(month),
        day: NonZeroU64::new(day),
    };
    let address = Address {
        street_line1: Some(format!("{} {street}", 1 + mix.below(9_999))),
        street_line2: None,
        city: Some(city.into()),
        state: Some(state.into()),
        postal_code: Some(zip.into()),
        country: Some("USA".into()),
    };
    let segment = if index.is_multiple_of(3) {
        "loyalty"
    } else {
        "standard"
    };
    let customer = Customer {
        id: id(seed, index),
        email: Some(format!(
            "{}.{}{index}@example.com",
            first.to_lowercase(),
            last.to_lowercase()
        )),
        phone: Some(format!("+1555{:07}", mix.below(10_000_000))),
        statuses: [("Imprint Card".to_string(), status)].into(),
        first_name: Some(first.into()),
        last_name: Some(last.into()),
        preferred_language: Some("en".into()),
        ssn4: Some(ssn[5..].to_string()),
        date_of_birth: Some(dob),
        address: Some(address),
        partner_customer_id: Some(PartnerCustomerId(format!("PARTNER_{index:05}"))),
        metadata: [("segment".to_string(), Value::from(segment))]
            .into_iter()
            .collect(),
        created_at: Some(timestamp.clone()),
        updated_at: Some(timestamp),
    };
    Record {
        customer,
        ssn: Ssn::new(&ssn).expect("synthetic SSNs have nine digits"),
    }
}

/// Salts of the seeds that make payment-method ids, so a card id of customer
/// *i* is never the id of customer *i*.
const CARD: u64 = 0xCA2D;
const LOAN: u64 = 0x10A2;

/// The payment methods of customer `index`: a card for everyone (active while
/// the card program is open), and a loan for every fourth customer.
pub fn payment_methods(seed: u64, index: usize) -> Vec<Value> {
    let record = record(seed, index);
    let customer = &record.customer;
    let open = customer
        .statuses
        .values()
        .all(|s| *s == CustomerProgramStatus::Open);
    let created = customer
        .created_at
        .as_ref()
        .map(imprint::Timestamp::as_str)
        .unwrap_or_default();
    let mut mix = Mix(seed ^ 0x5EED_CA2D ^ index as u64);
    let pan = format!("4000{:012}", mix.below(1_000_000_000_000));
    let card = json!({
        "id": id(seed ^ CARD, index),
        "type": "CARD",
        "customer_id": customer.id,
        "card": {
            "last4": &pan[12..],
            // The spec requires `brand` without declaring it; the network's
            // name is the likeliest meaning.
            "brand": "VISA",
            "network": "VISA",
            "card_type": "VIRTUAL",
            "exp_month": format!("{:02}", 1 + mix.below(12)),
            "exp_year": format!("{}", 2027 + mix.below(4)),
            "pci_details": { "pan": pan, "cvv": format!("{:03}", mix.below(1000)) },
        },
        "created_at": created,
        "updated_at": created,
        "status": if open { "ACTIVE" } else { "CANCELED" },
        "metadata": {},
    });
    let mut methods = vec![card];
    if index % 4 == 1 {
        methods.push(json!({
            "id": id(seed ^ LOAN, index),
            "type": "LOAN",
            "customer_id": customer.id,
            "loan": {
                "amount": 250_000,
                "currency": "USD",
                "remaining_balance": 250_000,
                "term_months": 12,
                "apr": "5.89",
                "loan_status": "ACTIVE",
            },
            "created_at": created,
            "updated_at": created,
            "status": if open { "ACTIVE" } else { "CANCELED" },
            "metadata": {},
        }));
    }
    methods
}

/// The customer index a payment-method id of this seed belongs to.
pub fn payment_method_owner(seed: u64, id: &str) -> Option<usize> {
    index_of(seed ^ CARD, id).or_else(|| index_of(seed ^ LOAN, id))
}

/// The timestamp `seconds` after the Unix epoch, written as Imprint writes
/// them (RFC 3339, milliseconds, `Z`).
pub(crate) fn timestamp(seconds: u64) -> imprint::Timestamp {
    imprint::Timestamp::from(UNIX_EPOCH + Duration::from_secs(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_are_deterministic_and_ids_carry_their_index() {
        let a = record(7, 41);
        let b = record(7, 41);
        assert_eq!(
            serde_json::to_value(&a.customer).unwrap(),
            serde_json::to_value(&b.customer).unwrap()
        );
        assert_eq!(a.ssn, b.ssn);
        assert_eq!(index_of(7, &a.customer.id), Some(41));
        assert_eq!(
            index_of(8, &a.customer.id),
            None,
            "an id of another data set is no cursor here"
        );
        assert_eq!(index_of(7, "nonsense"), None);
    }

    #[test]
    fn timestamps_are_written_as_imprint_writes_them() {
        let customer = record(7, 2).customer;
        assert_eq!(
            customer.created_at.as_ref().map(|t| t.as_str()),
            Some("2025-02-13T21:08:07.000Z")
        );
        assert_eq!(customer.created_at, customer.updated_at);
    }

    #[test]
    fn synthetic_people_are_visibly_synthetic() {
        for index in 0..200 {
            let record = record(1, index);
            assert!(record.ssn.expose_secret().starts_with('9'));
            assert_eq!(
                record.customer.ssn4.as_deref(),
                Some(&record.ssn.expose_secret()[5..])
            );
            assert!(
                record
                    .customer
                    .email
                    .as_deref()
                    .unwrap()
                    .ends_with("@example.com")
            );
            assert!(
                record
                    .customer
                    .phone
                    .as_deref()
                    .unwrap()
                    .starts_with("+1555")
            );
        }
    }
}
