//! Section 9 of `benches/sdk.rs`: what a forged webhook delivery costs to
//! refuse under each message reading. The body is about 1 MB nested
//! [`MAX_DEPTH`] deep with most of its bytes at the bottom (the worst shape for
//! work that grows with depth), and the header's signature matches nothing, so
//! the whole cost is the work done before the signature is found wrong.

use std::time::{Duration, Instant, SystemTime};

use imprint::webhook::{MAX_DEPTH, MessageReading, Webhook, WebhookError};

use crate::{Stats, stats};

/// The body's size: about 1 MB, under the default webhook body limit.
const BODY_BYTES: usize = 1_000_000;

/// Verifications of each contender per run, alternating. Each run reports
/// the median call, so that a call the scheduler interrupted (the machine is
/// shared) does not move it.
const PER_RUN: usize = 51;

/// The order of the innermost object's keys in [`nested_body`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyOrder {
    /// Descending: the reverse of the canonical order.
    Descending,
    /// Scrambled by a fixed permutation: what a sort must really work on,
    /// and what a forger would send to make the verifier work hardest.
    Scrambled,
}

/// An Imprint-like envelope whose `data` is a chain of objects nested
/// [`MAX_DEPTH`] deep; the innermost holds members until the body is about
/// `size` bytes, keys in `order`, strings with escapes and non-ASCII text,
/// and numbers.
pub fn nested_body(size: usize, order: KeyOrder) -> Vec<u8> {
    let mut body = String::with_capacity(size);
    body.push_str(r#"{"object":"TRANSACTION","data":"#);
    // The envelope is depth 1, the chain 2 to MAX_DEPTH - 2, the innermost
    // object MAX_DEPTH - 1 and its members' arrays MAX_DEPTH.
    for level in 2..MAX_DEPTH - 1 {
        body.push_str(&format!(
            r#"{{"level":{level},"note":"level \"{level}\" caf\u00e9","next":"#
        ));
    }
    body.push('{');
    let closing = "}".repeat(MAX_DEPTH - 1);
    for i in 0u64.. {
        // Multiplying by a number prime to 10^7 permutes the 7-digit keys.
        let key = match order {
            KeyOrder::Descending => 9_999_999 - i,
            KeyOrder::Scrambled => (i * 2_654_435_761) % 10_000_000,
        };
        let member = format!(
            r#""member_{key:07}":["amount \"{i}\" é",{i}.25e-3,{}]"#,
            i % 2 == 0
        );
        if body.len() + 1 + member.len() + closing.len() > size {
            break;
        }
        if i > 0 {
            body.push(',');
        }
        body.push_str(&member);
    }
    body.push_str(&closing);
    body.into_bytes()
}

/// The time one `verify` takes to refuse the forged delivery.
fn refusal(webhook: &Webhook, body: &[u8], header: &str) -> Duration {
    let started = Instant::now();
    let result = webhook.verify(body, Some(header));
    let elapsed = started.elapsed();
    assert!(
        matches!(result, Err(WebhookError::SignatureMismatch)),
        "{result:?}"
    );
    elapsed
}

/// The medians of one contender pair per run: RawBody, CanonicalJson, their
/// ratio, and RawBody against itself (A/A).
struct Reading {
    raw: Stats,
    canonical: Stats,
    ratio: Stats,
    aa: Stats,
}

/// `runs` runs of the raw-body and the canonical-JSON readings refusing the
/// same forged delivery of `body`, alternating call by call.
fn measure(body: &[u8], runs: usize) -> Reading {
    let raw = Webhook::new("whsec_bench");
    let canonical = Webhook::new("whsec_bench").message_reading(MessageReading::CanonicalJson);
    // A current timestamp and a signature that matches nothing.
    let header = Webhook::new("whsec_someone_else").sign(body, SystemTime::now());
    let header = header.as_str();
    let median_ms = |mut calls: Vec<Duration>| {
        calls.sort();
        calls[calls.len() / 2].as_secs_f64() * 1000.0
    };
    let side_by_side = |a: &Webhook, b: &Webhook| {
        let (mut calls_a, mut calls_b) = (Vec::new(), Vec::new());
        for i in 0..PER_RUN {
            // The first of each pair swaps every call.
            if i % 2 == 0 {
                calls_a.push(refusal(a, body, header));
                calls_b.push(refusal(b, body, header));
            } else {
                calls_b.push(refusal(b, body, header));
                calls_a.push(refusal(a, body, header));
            }
        }
        (median_ms(calls_a), median_ms(calls_b))
    };
    side_by_side(&raw, &canonical);
    let (mut raw_ms, mut canonical_ms, mut ratios, mut aa) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        let (r, c) = side_by_side(&raw, &canonical);
        raw_ms.push(r);
        canonical_ms.push(c);
        ratios.push(c / r);
        let (a, b) = side_by_side(&raw, &raw);
        aa.push(a / b);
    }
    Reading {
        raw: stats(raw_ms),
        canonical: stats(canonical_ms),
        ratio: stats(ratios),
        aa: stats(aa),
    }
}

/// Section 9: the median time of one verification under the raw-body and
/// the canonical-JSON readings on the same forged delivery, and their ratio
/// per run, with the raw reading against itself (A/A); then the same with the
/// keys scrambled, the sort's worst case.
pub fn section(runs: usize) -> Vec<String> {
    let row = |label: String, reading: &Reading, target: &str| {
        let (r, c, ratio) = (&reading.raw, &reading.canonical, &reading.ratio);
        format!(
            "| {label} | CanonicalJson {:.2} ms ({:.2}–{:.2}) vs RawBody {:.2} ms ({:.2}–{:.2}) | **{:.2}×** ({:.2}–{:.2}; A/A {:.3}×) | {target} |",
            c.median,
            c.min,
            c.max,
            r.median,
            r.min,
            r.max,
            ratio.median,
            ratio.min,
            ratio.max,
            reading.aa.median
        )
    };
    let body = nested_body(BODY_BYTES, KeyOrder::Descending);
    let reading = measure(&body, runs);
    let met = if reading.ratio.median <= 3.0 {
        "met"
    } else {
        "missed"
    };
    let scrambled = measure(&nested_body(BODY_BYTES, KeyOrder::Scrambled), runs);
    vec![
        row(
            format!(
                "9. refusing a forged webhook, {:.2} MB body nested {MAX_DEPTH} deep",
                body.len() as f64 / 1e6
            ),
            &reading,
            &format!("≤ 3×: {met}"),
        ),
        row(
            "the same with the innermost keys scrambled (the sort's worst case)".to_string(),
            &scrambled,
            "",
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn depth(value: &serde_json::Value) -> usize {
        match value {
            serde_json::Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
            serde_json::Value::Object(members) => {
                1 + members.values().map(depth).max().unwrap_or(0)
            }
            _ => 0,
        }
    }

    #[test]
    fn the_body_is_about_the_size_asked_and_exactly_as_deep_as_allowed() {
        for order in [KeyOrder::Descending, KeyOrder::Scrambled] {
            let body = nested_body(BODY_BYTES, order);
            assert!((BODY_BYTES - 100..=BODY_BYTES).contains(&body.len()));
            let value: serde_json::Value = serde_json::from_slice(&body).unwrap();
            assert_eq!(depth(&value), MAX_DEPTH);
        }
    }
}
