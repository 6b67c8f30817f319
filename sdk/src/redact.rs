//! Making text safe to put in an error message, a `Debug` output or a log.
//!
//! Error messages quote what the API returned (Imprint echoes input back:
//! "Partner Customer not found for provided ID: …") and webhook payloads of
//! unknown kinds are kept whole; both may hold secrets and personal data. The
//! rules, each small enough to check by eye:
//! - values of classified fields ([`crate::classification`], any casing or
//!   separators: `clientSecret`, `Client-Secret`) are replaced, in JSON and in
//!   `key: value` / `key=value` text, quoted values with escapes included;
//! - runs of nine or more digits are masked (SSNs, PANs, phone numbers), with
//!   any Unicode decimal digits and any short run of separators between them
//!   (`123.45.6789`, `4111  1111  1111  1111`, `+1 (555) 123-4567`);
//! - email addresses are masked;
//! - quoted values in serde messages are dropped.
//!
//! No crate does this particular job, so it is written here.

use serde_json::Value;

use crate::classification::{PERSONAL_FIELDS, SECRET_FIELDS};
use crate::sensitive::REDACTED;

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

/// Separators that may stand between the digit groups of one number.
const NUMBER_SEPARATORS: &[char] = &['-', '.', '/', '\\', '(', ')', '+', '·', '–', '—'];

/// How many separator characters in a row still join two digit groups.
const MAX_SEPARATOR_RUN: usize = 4;

/// Whether a field name (any casing or separators) is classified.
pub fn is_classified(name: &str) -> bool {
    letters(name).next().is_some()
        && SECRET_FIELDS
            .iter()
            .chain(PERSONAL_FIELDS.iter())
            .any(|field| letters(field).eq(letters(name)))
}

/// A name's letters and digits, lower case: compared lazily, since this runs
/// for every key and word of the text being masked.
fn letters(name: &str) -> impl Iterator<Item = char> + '_ {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
}

/// A bounded, masked excerpt of a response body.
pub fn snippet(body: &[u8]) -> String {
    if body.is_empty() {
        return "(empty body)".into();
    }
    let text = match serde_json::from_slice::<Value>(body) {
        Ok(json) => scrubbed(&json).to_string(),
        Err(_) => mask_text(
            &String::from_utf8_lossy(body)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
        ),
    };
    match text.char_indices().nth(SNIPPET_CHARS) {
        Some((cut, _)) => format!("{}… ({} bytes)", &text[..cut], body.len()),
        None => text,
    }
}

/// A copy of `value` with classified fields replaced and every string masked
/// by [`mask_text`].
pub fn scrubbed(value: &Value) -> Value {
    match value {
        Value::Object(fields) => Value::Object(
            fields
                .iter()
                .map(|(key, child)| {
                    let child = if is_classified(key) {
                        Value::from(REDACTED)
                    } else {
                        scrubbed(child)
                    };
                    (key.clone(), child)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(scrubbed).collect()),
        Value::String(text) => Value::String(mask_text(text)),
        Value::Number(number) if mask_digits(&number.to_string()) != number.to_string() => {
            Value::from(REDACTED)
        }
        other => other.clone(),
    }
}

/// Masks free text: classified `key: value` pairs, long digit runs, emails.
pub fn mask_text(text: &str) -> String {
    mask_emails(&mask_digits(&mask_pairs(text)))
}

/// Replaces the value after a classified key (`"ssn": "…"`, `clientSecret=…`,
/// `Email: …`); a quoted value ends at its unescaped closing quote.
fn mask_pairs(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if !is_word(chars[i]) {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && is_word(chars[i]) {
            i += 1;
        }
        out.extend(&chars[start..i]);
        let word: String = chars[start..i].iter().collect();
        if !is_classified(&word) {
            continue;
        }
        // An optional closing quote of the key, blanks, `:` or `=`, blanks.
        let mut j = i;
        if j < chars.len() && matches!(chars[j], '"' | '\'') {
            j += 1;
        }
        while j < chars.len() && chars[j] == ' ' {
            j += 1;
        }
        if j >= chars.len() || !matches!(chars[j], ':' | '=') {
            continue;
        }
        j += 1;
        while j < chars.len() && chars[j] == ' ' {
            j += 1;
        }
        out.extend(&chars[i..j]);
        i = j;
        match chars.get(i) {
            Some(&quote @ ('"' | '\'')) => {
                out.push(quote);
                i += 1;
                while i < chars.len() && chars[i] != quote {
                    i += if chars[i] == '\\' { 2 } else { 1 };
                }
                out.push_str(REDACTED);
                if i < chars.len() {
                    out.push(quote);
                    i += 1;
                }
            }
            Some(_) => {
                let end = chars[i..]
                    .iter()
                    .position(|c| c.is_whitespace() || matches!(c, ',' | ';' | '&' | '}' | ']'))
                    .map_or(chars.len(), |n| i + n);
                if end > i {
                    out.push_str(REDACTED);
                }
                i = end;
            }
            None => {}
        }
    }
    out
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '-'
}

/// Masks every run of nine or more digits (any Unicode decimal digit), where
/// blanks and up to [`MAX_SEPARATOR_RUN`] number separators between digits
/// continue a run: `123-45-6789`, `4111  1111 1111 1111`, `١٢٣٤٥٦٧٨٩`.
pub fn mask_digits(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_numeric() {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let (mut end, mut digits) = (i, 0);
        loop {
            while end < chars.len() && chars[end].is_numeric() {
                digits += 1;
                end += 1;
            }
            let gap = chars[end..]
                .iter()
                .take_while(|c| c.is_whitespace() || NUMBER_SEPARATORS.contains(c))
                .count();
            if gap == 0
                || gap > MAX_SEPARATOR_RUN
                || !chars.get(end + gap).is_some_and(|c| c.is_numeric())
            {
                break;
            }
            end += gap;
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

/// Masks `local@domain.tld` email addresses.
fn mask_emails(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let local = |c: char| c.is_alphanumeric() || "._%+-".contains(c);
    let domain = |c: char| c.is_alphanumeric() || ".-".contains(c);
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '@' {
            let start = out.chars().rev().take_while(|c| local(*c)).count();
            let end = chars[i + 1..].iter().take_while(|c| domain(**c)).count();
            let host: String = chars[i + 1..i + 1 + end].iter().collect();
            if start > 0 && host.trim_matches('.').contains('.') {
                for _ in 0..start {
                    out.pop();
                }
                out.push_str(REDACTED);
                i += 1 + end;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
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
    mask_text(&out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_scrub_classified_fields_and_bound_length() {
        let body = br#"{"id":"cs_1","client_secret":"QzMy","card":{"pan":"5105105105105100"},"note":"ssn 123-45-6789","email":"ada@example.com"}"#;
        let shown: Value = serde_json::from_str(&snippet(body)).unwrap();
        assert_eq!(
            shown,
            serde_json::json!({"id":"cs_1","client_secret":"[redacted]","card":{"pan":"[redacted]"},"note":"ssn [redacted]","email":"[redacted]"})
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
    fn digit_runs_of_nine_are_masked_with_any_separator() {
        for number in [
            "123456789",
            "123-45-6789",
            "123.45.6789",
            "123 45 6789",
            "4111  1111  1111  1111",
            "4111.1111.1111.1111",
            "+1 (555) 123-4567",
            "١٢٣-٤٥-٦٧٨٩",
            "１２３４５６７８９",
        ] {
            let masked = mask_digits(&format!("a {number} b"));
            assert!(
                masked.contains(REDACTED) && !masked.chars().any(char::is_numeric),
                "{number}: {masked}"
            );
        }
        assert_eq!(
            mask_digits("on 2025-02-13 code 12345678 at 18:18:22.923"),
            "on 2025-02-13 code 12345678 at 18:18:22.923"
        );
    }

    #[test]
    fn classified_pairs_are_masked_whatever_the_key_casing() {
        assert_eq!(
            mask_text(r#"{"clientSecret": "a\"b c", "ok": 1}"#),
            r#"{"clientSecret": "[redacted]", "ok": 1}"#
        );
        assert_eq!(
            mask_text("accessToken=abc&x=1; First-Name: Ada, status: OK"),
            "accessToken=[redacted]&x=1; First-Name: [redacted], status: OK"
        );
        assert_eq!(
            mask_text("Partner Customer not found for provided ID: ada@example.com"),
            "Partner Customer not found for provided ID: [redacted]"
        );
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
