//! Making response text safe to put in an error message.
//!
//! Error messages quote bodies (a bounded snippet) and serde's decoding messages,
//! both of which may hold what the API returned: a client secret, a card number,
//! a token. Three rules, each small enough to check by eye:
//! values of sensitive JSON keys are replaced, runs of 9+ digits (SSNs, PANs) are
//! masked, and quoted values in serde messages are dropped. No crate does this
//! particular job, so it is written here.

use serde_json::Value;

use crate::sensitive::REDACTED;

/// JSON keys whose values are never shown (the API's secrets, plus the usual
/// names of credentials).
pub const SENSITIVE_KEYS: [&str; 11] = [
    "ssn",
    "client_secret",
    "pan",
    "cvv",
    "token",
    "key",
    "api_key",
    "secret",
    "password",
    "authorization",
    "signing_token",
];

/// What `Debug` of a generated type prints for a classified field.
#[derive(Clone, Copy)]
pub struct Redacted;

impl Redacted {
    /// `None`, or `Some([redacted])`: presence stays visible, the value does not.
    pub fn option<T>(value: &Option<T>) -> Option<Redacted> {
        value.as_ref().map(|_| Redacted)
    }
}

impl std::fmt::Debug for Redacted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(REDACTED)
    }
}

/// Longest snippet of a body quoted in an error.
pub const SNIPPET_CHARS: usize = 200;

/// A bounded, redacted excerpt of a response body.
pub fn snippet(body: &[u8]) -> String {
    if body.is_empty() {
        return "(empty body)".into();
    }
    let text = match serde_json::from_slice::<Value>(body) {
        Ok(mut json) => {
            scrub(&mut json);
            json.to_string()
        }
        Err(_) => String::from_utf8_lossy(body)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" "),
    };
    let masked = mask_digits(&text);
    match masked.char_indices().nth(SNIPPET_CHARS) {
        Some((cut, _)) => format!("{}… ({} bytes)", &masked[..cut], body.len()),
        None => masked,
    }
}

/// Replaces the values of [`SENSITIVE_KEYS`] anywhere in a JSON value.
pub fn scrub(value: &mut Value) {
    match value {
        Value::Object(fields) => {
            for (key, child) in fields.iter_mut() {
                if SENSITIVE_KEYS.contains(&key.to_ascii_lowercase().as_str()) {
                    *child = Value::from(REDACTED);
                } else {
                    scrub(child);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(scrub),
        _ => {}
    }
}

/// Masks every run of nine or more digits (single `-` or ` ` between digits
/// continue a run, so `123-45-6789` and `4111 1111 1111 1111` are one run each).
pub fn mask_digits(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let (mut end, mut digits) = (i, 0);
        while end < chars.len() {
            if chars[end].is_ascii_digit() {
                digits += 1;
                end += 1;
            } else if matches!(chars[end], '-' | ' ')
                && chars.get(end + 1).is_some_and(char::is_ascii_digit)
            {
                end += 1;
            } else {
                break;
            }
        }
        if digits >= 9 {
            out.push_str(REDACTED);
        } else {
            out.extend(&chars[i..end]);
        }
        i = end;
    }
    out
}

/// serde's message without the values it quotes (`invalid type: string "…"`):
/// field names (in backticks) stay, quoted strings and numbers go.
pub fn serde_message(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(start) = rest.find(['"', '`']) {
        let quote = rest.as_bytes()[start] as char;
        out.push_str(&rest[..=start]);
        let after = &rest[start + 1..];
        let Some(len) = after.find(quote) else {
            out.push_str(after);
            rest = "";
            break;
        };
        let quoted = &after[..len];
        let is_name = quote == '`' && !quoted.chars().any(|c| c.is_ascii_digit());
        out.push_str(if is_name { quoted } else { "…" });
        out.push(quote);
        rest = &after[len + 1..];
    }
    out.push_str(rest);
    mask_digits(&out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_scrub_secrets_and_bound_length() {
        // Keys in sorted order: the snippet's order is serde_json's `Map`
        // order, which a build's `serde_json/preserve_order` decides.
        let body = br#"{"card":{"pan":"5105105105105100"},"client_secret":"QzMy","id":"cs_1","note":"ssn 123-45-6789"}"#;
        let text = snippet(body);
        assert_eq!(
            text,
            r#"{"card":{"pan":"[redacted]"},"client_secret":"[redacted]","id":"cs_1","note":"ssn [redacted]"}"#
        );
        let long = "x".repeat(1000);
        assert!(snippet(long.as_bytes()).ends_with("… (1000 bytes)"));
        assert_eq!(snippet(b""), "(empty body)");
        assert_eq!(
            snippet(b"<html>\n  <b>502</b>\n</html>"),
            "<html> <b>502</b> </html>"
        );
    }

    #[test]
    fn digit_runs_of_nine_are_masked_shorter_ones_kept() {
        assert_eq!(
            mask_digits("pan 4111 1111 1111 1111 ok"),
            "pan [redacted] ok"
        );
        assert_eq!(
            mask_digits("on 2025-02-13 code 12345678"),
            "on 2025-02-13 code 12345678"
        );
        assert_eq!(mask_digits("123456789"), REDACTED);
    }

    #[test]
    fn serde_messages_lose_their_values() {
        assert_eq!(
            serde_message("invalid type: string \"QzMyNzg4\", expected i64 at line 1 column 9"),
            "invalid type: string \"…\", expected i64 at line 1 column 9"
        );
        assert_eq!(
            serde_message("missing field `data`"),
            "missing field `data`"
        );
        assert_eq!(
            serde_message("invalid type: integer `4111111111111111`, expected a string"),
            "invalid type: integer `…`, expected a string"
        );
    }
}
