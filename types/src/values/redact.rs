//! Making text safe to put in an error message, a `Debug` output or a log.
//!
//! Error messages quote what the API returned (Imprint echoes input back:
//! "Partner Customer not found for provided ID: …") and webhook payloads of
//! unknown kinds are kept whole; both may hold secrets and personal data.
//! [`mask_text`] applies these rules, one function each, in this order:
//! 1. `mask_pairs`: the value after a classified key is replaced, in JSON
//!    and in `key: value` / `key=value` text (quoted values with escapes
//!    included, unquoted ones up to the next delimiter or key);
//! 2. `mask_emails`: email addresses;
//! 3. ids are set aside whole (`mask_numbers_outside_ids`): UUIDs and prefixed
//!    ids (`m-123456789`, `CUST_03476998`, `CSMR-v1-…`) are not personal data,
//!    and half an id helps nobody; a prefix that is a classified term
//!    (`ssn_987654321`) does not make an id;
//! 4. `mask_dates`: `01/02/1980`, `1980-01-02` (a date of birth cannot be told
//!    from other dates); a timestamp with a time of day other than midnight
//!    stays (`2025-02-13T18:18:22.923+00:00`: the server's clock);
//! 5. `mask_digits`: runs of nine or more digits (SSNs, PANs, phone numbers),
//!    with any Unicode decimal digits and short runs of separators between
//!    them (`123.45.6789`, `4111  1111  1111  1111`, `+1 (555) 123-4567`);
//! 6. `mask_phones`: seven-digit phone numbers (`555-1234`);
//! 7. `escape_invisible`: control and bidi characters shown escaped, so a
//!    value cannot forge or reorder a log line.
//!
//! A key is classified by its words: [`is_classified`] splits it
//! (`addressLine1` is address, line, 1) and looks for a term of
//! [`CLASSIFIED_TERMS`] in a row. JSON keys themselves are text and masked
//! like values. Quoted values in serde messages are dropped
//! ([`serde_message`]).
//!
//! No crate does this particular job, so it is written here.

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::classification::CLASSIFIED_TERMS;
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

/// Separators inside a date or a seven-digit phone number; one of them
/// between two digits continues a number rather than starting one.
const GROUP_SEPARATORS: &[char] = &['-', '.', '/'];

/// Whether a field name is classified: its words (see `words`) contain the
/// words of a term of [`CLASSIFIED_TERMS`] in a row. `customerEmail`,
/// `birthDate`, `X-Api-Key` and `addressLine1` are; `status` and `last4`
/// are not.
pub fn is_classified(name: &str) -> bool {
    let words = words(name);
    CLASSIFIED_TERMS.iter().any(|term| {
        words
            .windows(term.len())
            .any(|run| run.iter().zip(term.iter()).all(|(word, term)| word == term))
    })
}

/// A name's words, lower case. A word ends at every character that is not a
/// letter or digit, where lower case turns upper (`lastName`), where an
/// upper-case run meets a capitalised word (`SSNNumber` is ssn, number), and
/// between letters and digits (`line1` is line, 1).
fn words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut words = Vec::new();
    let mut word = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let boundary = !c.is_alphanumeric()
            || i.checked_sub(1)
                .is_some_and(|p| word_boundary(chars[p], c, chars.get(i + 1).copied()));
        if boundary && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        if c.is_alphanumeric() {
            word.extend(c.to_lowercase());
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// Whether a new word starts at `c`, between `previous` and `next`.
fn word_boundary(previous: char, c: char, next: Option<char>) -> bool {
    previous.is_numeric() != c.is_numeric()
        || (previous.is_lowercase() && c.is_uppercase())
        || (previous.is_uppercase() && c.is_uppercase() && next.is_some_and(char::is_lowercase))
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

/// A copy of `value` with classified fields replaced and every string and
/// key masked by [`mask_text`].
pub fn scrubbed(value: &Value) -> Value {
    match value {
        Value::Object(fields) => Value::Object(scrubbed_object(fields)),
        Value::Array(items) => Value::Array(items.iter().map(scrubbed).collect()),
        Value::String(text) => Value::String(mask_text(text)),
        Value::Number(number) if mask_digits(&number.to_string()) != number.to_string() => {
            Value::from(REDACTED)
        }
        other => other.clone(),
    }
}

/// An object's members, scrubbed, under masked keys. Keys that mask alike
/// (two SSNs) are all kept, the later ones numbered (`[redacted] (2)`): a
/// reader should see that there were two.
fn scrubbed_object(fields: &Map<String, Value>) -> Map<String, Value> {
    let mut out = Map::new();
    // The last number given to each masked key, so numbering stays linear.
    let mut numbered: HashMap<String, usize> = HashMap::new();
    for (key, child) in fields {
        let child = if is_classified(key) {
            Value::from(REDACTED)
        } else {
            scrubbed(child)
        };
        let masked = mask_text(key);
        let mut shown = masked.clone();
        while out.contains_key(&shown) {
            let n = numbered.entry(masked.clone()).or_insert(1);
            *n += 1;
            shown = format!("{masked} ({n})");
        }
        out.insert(shown, child);
    }
    out
}

/// Masks free text by every rule of this module, in order (see the module
/// documentation).
pub fn mask_text(text: &str) -> String {
    escape_invisible(&mask_numbers_outside_ids(&mask_emails(&mask_pairs(text))))
}

/// Replaces the value after a classified key (`"ssn": "…"`, `clientSecret=…`,
/// `Email: …`, `fullName: Jane Doe`).
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
        i = word_end(&chars, i);
        out.extend(&chars[start..i]);
        let Some(value) = value_start(&chars, i) else {
            continue;
        };
        if !is_classified(&chars[start..i].iter().collect::<String>()) {
            continue;
        }
        out.extend(&chars[i..value]);
        i = mask_value(&chars, value, &mut out);
    }
    out
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '-'
}

/// The end of the word that starts at `start`.
fn word_end(chars: &[char], start: usize) -> usize {
    start + chars[start..].iter().take_while(|c| is_word(**c)).count()
}

/// Where the value of a `key: value` pair starts, when the key that ends at
/// `key_end` is followed by an optional closing quote, blanks, `:` or `=`,
/// and blanks.
fn value_start(chars: &[char], key_end: usize) -> Option<usize> {
    let mut j = key_end;
    if matches!(chars.get(j), Some('"' | '\'')) {
        j += 1;
    }
    j += blanks(&chars[j..]);
    if !matches!(chars.get(j), Some(':' | '=')) {
        return None;
    }
    j += 1;
    Some(j + blanks(&chars[j..]))
}

fn blanks(chars: &[char]) -> usize {
    chars.iter().take_while(|c| **c == ' ').count()
}

/// Writes [`REDACTED`] in place of the value at `start`, returning where the
/// text goes on: a quoted value ends at its unescaped closing quote (kept),
/// an unquoted one where [`unquoted_end`] says, blanks before it kept.
fn mask_value(chars: &[char], start: usize, out: &mut String) -> usize {
    match chars.get(start) {
        Some(&quote @ ('"' | '\'')) => {
            let mut i = start + 1;
            while i < chars.len() && chars[i] != quote {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            out.push(quote);
            out.push_str(REDACTED);
            if i < chars.len() {
                out.push(quote);
                i += 1;
            }
            i.min(chars.len())
        }
        Some(_) => {
            let end = unquoted_end(chars, start);
            let end = end
                - chars[start..end]
                    .iter()
                    .rev()
                    .take_while(|c| c.is_whitespace())
                    .count();
            if end > start {
                out.push_str(REDACTED);
            }
            end
        }
        None => start,
    }
}

/// Where an unquoted value that starts at `start` ends: at a delimiter
/// (`,` `;` `&` `<` `}` `]` `"`, a line break) or before the next `key:` /
/// `key=`. A value may be several words (`name: Jane Doe`); its first word
/// always belongs to it.
fn unquoted_end(chars: &[char], start: usize) -> usize {
    if ends_value(chars[start]) {
        return start;
    }
    let mut i = word_end(chars, start).max(start + 1);
    while i < chars.len() {
        let c = chars[i];
        if ends_value(c) {
            return i;
        }
        if is_word(c) {
            let end = word_end(chars, i);
            if value_start(chars, end).is_some() {
                return i;
            }
            i = end;
        } else {
            i += 1;
        }
    }
    chars.len()
}

fn ends_value(c: char) -> bool {
    matches!(c, ',' | ';' | '&' | '<' | '}' | ']' | '"' | '\n' | '\r')
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

/// Applies the number rules (dates, long digit runs, seven-digit phones) to
/// the text between ids; ids ([`is_id`]) are copied whole.
fn mask_numbers_outside_ids(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut gap_start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if !is_word(c) {
            continue;
        }
        let mut end = start + c.len_utf8();
        while let Some((at, next)) = chars.next_if(|(_, next)| is_word(*next)) {
            end = at + next.len_utf8();
        }
        if is_id(&text[start..end]) {
            out.push_str(&mask_numbers(&text[gap_start..start]));
            out.push_str(&text[start..end]);
            gap_start = end;
        }
    }
    out.push_str(&mask_numbers(&text[gap_start..]));
    out
}

fn mask_numbers(text: &str) -> String {
    mask_phones(&mask_digits(&mask_dates(text)))
}

/// Whether a word (letters, digits, `-`, `_`) is an id: a UUID, or a prefix
/// of letters, `-` or `_`, and more (`m-123456789`, `cs_1`, `CSMR-v1-…`)
/// where no term of the classification appears (`SSN-987-65-4321`,
/// `phone-5551234567` are personal data with a label, not ids).
fn is_id(word: &str) -> bool {
    is_uuid(word) || is_prefixed_id(word)
}

fn is_uuid(word: &str) -> bool {
    let groups: Vec<&str> = word.split('-').collect();
    groups.iter().map(|group| group.len()).eq([8, 4, 4, 4, 12])
        && groups
            .iter()
            .all(|group| group.chars().all(|c| c.is_ascii_hexdigit()))
}

fn is_prefixed_id(word: &str) -> bool {
    let Some((prefix, rest)) = word.split_once(['-', '_']) else {
        return false;
    };
    !prefix.is_empty()
        && prefix.chars().all(|c| c.is_ascii_alphabetic())
        && rest.chars().any(char::is_alphanumeric)
        && !is_classified(word)
}

/// Whether a number starts at `i`: a digit after neither a letter or digit
/// nor a separator that follows a digit (`5` in `12.5` does not start one).
fn starts_number(chars: &[char], i: usize) -> bool {
    let before = |n: usize| i.checked_sub(n).map(|at| chars[at]);
    chars[i].is_ascii_digit()
        && !before(1).is_some_and(char::is_alphanumeric)
        && !(before(1).is_some_and(|c| GROUP_SEPARATORS.contains(&c))
            && before(2).is_some_and(|c| c.is_ascii_digit()))
}

/// Whether the number that ends before `end` goes on: a letter or digit
/// follows, or a separator and a digit.
fn number_continues(chars: &[char], end: usize) -> bool {
    chars.get(end).is_some_and(|c| c.is_alphanumeric())
        || (chars.get(end).is_some_and(|c| GROUP_SEPARATORS.contains(c))
            && chars.get(end + 1).is_some_and(char::is_ascii_digit))
}

/// The ASCII digits at `start` (at most four: no date part is longer), as a
/// number, and where they end.
fn digit_group(chars: &[char], start: usize) -> Option<(u32, usize, usize)> {
    let len = chars[start.min(chars.len())..]
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .count();
    if len == 0 || len > 4 {
        return None;
    }
    let value = chars[start..start + len]
        .iter()
        .fold(0, |n, c| n * 10 + c.to_digit(10).unwrap_or(0));
    Some((value, len, start + len))
}

/// Masks dates: year first (`1980-01-02`, `1980/1/2`) or day and month first
/// (`01/02/1980`, `2.1.80`, `12-31-1999`), with one separator throughout. A
/// date followed by a time of day is a timestamp and stays (see
/// [`is_logged_moment`]).
fn mask_dates(text: &str) -> String {
    mask_numbers_where(text, |chars, start| {
        date_end(chars, start).filter(|&end| !is_logged_moment(chars, end))
    })
}

/// Replaces with [`REDACTED`] each number of `text` that `matched` (given the
/// text and where a number starts) says ends somewhere, up to that end.
fn mask_numbers_where(text: &str, matched: impl Fn(&[char], usize) -> Option<usize>) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if starts_number(&chars, i)
            && let Some(end) = matched(&chars, i)
        {
            out.push_str(REDACTED);
            i = end;
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// Where the date that starts at `start` ends, if one does.
fn date_end(chars: &[char], start: usize) -> Option<usize> {
    let (first, first_len, end) = digit_group(chars, start)?;
    let separator = *chars.get(end).filter(|c| GROUP_SEPARATORS.contains(c))?;
    let (second, second_len, end) = digit_group(chars, end + 1)?;
    if chars.get(end) != Some(&separator) {
        return None;
    }
    let (third, third_len, end) = digit_group(chars, end + 1)?;
    let at_time = chars.get(end) == Some(&'T');
    if number_continues(chars, end) && !at_time {
        return None;
    }
    let day = |n: u32| (1..=31).contains(&n);
    let month = |n: u32| (1..=12).contains(&n);
    let year_first = first_len == 4 && second_len <= 2 && third_len <= 2;
    let year_last = first_len <= 2 && second_len <= 2 && matches!(third_len, 2 | 4);
    let valid = (year_first && month(second) && day(third))
        || (year_last && day(first) && day(second) && (month(first) || month(second)));
    valid.then_some(end)
}

/// Whether a time of day other than midnight follows a date that ends at
/// `end` (`T18:18:22.923`): the moment a server logged, kept for
/// debugging. A date of birth has no time, or midnight when serialized as a
/// date-time, so `1980-01-02T00:00:00Z` is still masked.
fn is_logged_moment(chars: &[char], end: usize) -> bool {
    if chars.get(end) != Some(&'T') {
        return false;
    }
    let time: Vec<char> = chars[end + 1..]
        .iter()
        .take(12)
        .take_while(|c| c.is_ascii_digit() || matches!(c, ':' | '.'))
        .copied()
        .collect();
    let is_time =
        time.len() >= 5 && time[2] == ':' && [0, 1, 3, 4].iter().all(|&n| time[n].is_ascii_digit());
    is_time && time.iter().any(|c| c.is_ascii_digit() && *c != '0')
}

/// Masks every run of nine or more digits (any Unicode decimal digit), where
/// blanks and up to [`MAX_SEPARATOR_RUN`] number separators between digits
/// continue a run: `123-45-6789`, `4111  1111 1111 1111`, `١٢٣٤٥٦٧٨٩`.
fn mask_digits(text: &str) -> String {
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

/// Masks seven-digit phone numbers: three digits, one `-`, `.` or blank,
/// four digits (`555-1234`, `555 1234`), not part of a longer number.
fn mask_phones(text: &str) -> String {
    mask_numbers_where(text, |chars, start| {
        is_phone(&chars[start..]).then_some(start + 8)
    })
}

/// Whether `chars` start with a seven-digit phone number that ends there.
fn is_phone(chars: &[char]) -> bool {
    let digits = |range: std::ops::Range<usize>| chars[range].iter().all(char::is_ascii_digit);
    chars.len() >= 8
        && digits(0..3)
        && matches!(chars[3], '-' | '.' | ' ')
        && digits(4..8)
        && !number_continues(chars, 8)
}

/// Control characters and invisible formatting ones (bidi embeddings,
/// overrides and isolates, zero-width characters) written as `\u{…}`: they
/// could break a log line or make it read in another order.
fn escape_invisible(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if is_invisible(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}'
                | '\u{200b}'..='\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2060}'..='\u{2069}'
                | '\u{feff}'
        )
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
        // Eight digits stay (order numbers, amounts). A date alone no longer
        // does: nothing tells a date of birth from any other date, so
        // `mask_dates` takes it; a timestamp with its time of day stays.
        assert_eq!(
            mask_text("on 2025-02-13 code 12345678 at 2025-02-13T18:18:22.923+00:00"),
            "on [redacted] code 12345678 at 2025-02-13T18:18:22.923+00:00"
        );
    }

    #[test]
    fn redact_names_the_table_spells_differently() {
        for name in [
            "fullName",
            "dob",
            "DOB",
            "birthDate",
            "date_of_birth",
            "DateOfBirth",
            "phoneNumber",
            "mobile",
            "addressLine1",
            "zipCode",
            "customer_email",
            "e-mail",
            "X-Api-Key",
            "SSN",
            "ssn4",
            "name",
        ] {
            assert!(is_classified(name), "{name}");
        }
        for name in [
            "id",
            "status",
            "type",
            "created_at",
            "last4",
            "message",
            "amount",
            "line",
            "path",
        ] {
            assert!(!is_classified(name), "{name}");
        }
        assert_eq!(
            mask_text(
                "fullName: Jane Doe, dob=01/02/1980; birthDate: 1980-01-02, phoneNumber: 555-1234, addressLine1: 1 Main St"
            ),
            "fullName: [redacted], dob=[redacted]; birthDate: [redacted], phoneNumber: [redacted], addressLine1: [redacted]"
        );
    }

    #[test]
    fn redact_dates_and_seven_digit_phones_in_free_text() {
        assert_eq!(
            mask_text(
                "born 01/02/1980 or 1980-01-02 or 2.1.80, call 555-1234 or 555.1234 or 555 1234"
            ),
            "born [redacted] or [redacted] or [redacted], call [redacted] or [redacted] or [redacted]"
        );
        assert_eq!(
            snippet(b"<html><p>DOB 01/02/1980</p>\n<p>Tel 555-1234</p></html>"),
            "<html><p>DOB [redacted]</p> <p>Tel [redacted]</p></html>"
        );
        // A date-time at midnight is how a date of birth looks serialized.
        assert_eq!(
            mask_text("dob 1980-01-02T00:00:00Z at 2025-02-13T18:18:22.923+00:00"),
            "dob [redacted]T00:00:00Z at 2025-02-13T18:18:22.923+00:00"
        );
        // Not dates, not phones: versions, addresses, times, short numbers.
        for text in [
            "v1.2.3",
            "10.10.10.10",
            "18:18:22.923",
            "HTTP 404",
            "1234-567",
        ] {
            assert_eq!(mask_text(text), text);
        }
    }

    #[test]
    fn redact_keeps_ids_whole() {
        for id in [
            "CE6E78C9-7D8C-4C3D-ABCD-123456789012",
            "9b5e1ee0-2e1c-46e7-81b9-3c3917204be4",
            "m-123456789",
            "o-c8a1fe46bbff4a18ba1d",
            "CUST_03476998",
            "txn-123456",
            "CSMR-v1-123456789012",
            "cs_1",
        ] {
            let text = format!("payment method {id} is not active");
            assert_eq!(mask_text(&text), text);
        }
        for (text, shown) in [
            ("SSN-987-65-4321", "SSN-[redacted]"),
            ("ssn_987654321", "ssn_[redacted]"),
            ("phone-5551234567", "phone-[redacted]"),
        ] {
            assert_eq!(mask_text(text), shown);
        }
    }

    #[test]
    fn redact_json_keys_without_dropping_collisions() {
        assert_eq!(
            snippet(br#"{"errors":{"987-65-4321":"taken","123-45-6789":"taken","cs_1":"ok"}}"#),
            r#"{"errors":{"[redacted]":"taken","[redacted] (2)":"taken","cs_1":"ok"}}"#
        );
    }

    #[test]
    fn redact_escapes_control_and_bidi_characters() {
        assert_eq!(
            mask_text("a\u{202e}b\u{1b}[31m\u{2066}"),
            r"a\u{202e}b\u{1b}[31m\u{2066}"
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

    #[test]
    fn generated_terms_split_as_keys_do() {
        for term in CLASSIFIED_TERMS {
            assert_eq!(words(&term.join("_")), term);
        }
    }

    mod properties {
        use proptest::prelude::*;

        use super::super::{mask_text, snippet};

        /// A personal value in one of its spellings: SSN, email, phone, date of birth.
        fn personal() -> impl Strategy<Value = String> {
            let ssn = (100..900u32, 10..100u32, 1000..10_000u32, 0..4usize).prop_map(
                |(a, b, c, style)| match style {
                    0 => format!("{a}{b}{c}"),
                    1 => format!("{a}-{b}-{c}"),
                    2 => format!("{a} {b} {c}"),
                    _ => format!("{a}.{b}.{c}"),
                },
            );
            let email = "[a-z]{1,8}(\\.[a-z]{1,8})?@[a-z]{2,8}\\.(com|org|io)";
            let phone = (200..1000u32, 200..1000u32, 1000..10_000u32, 0..6usize).prop_map(
                |(area, a, b, style)| match style {
                    0 => format!("{a}-{b}"),
                    1 => format!("{a}.{b}"),
                    2 => format!("{a} {b}"),
                    3 => format!("({area}) {a}-{b}"),
                    4 => format!("+1 {area} {a} {b}"),
                    _ => format!("{area}{a}{b}"),
                },
            );
            let birth =
                (1..29u32, 1..13u32, 1930..2011u32, 0..4usize).prop_map(|(d, m, y, style)| {
                    match style {
                        0 => format!("{m:02}/{d:02}/{y}"),
                        1 => format!("{y}-{m:02}-{d:02}"),
                        2 => format!("{d}.{m}.{y}"),
                        _ => format!("{m}/{d}/{:02}", y % 100),
                    }
                });
            prop_oneof![ssn, email.prop_map(String::from), phone, birth]
        }

        /// A UUID or a prefixed id as Imprint writes them.
        fn id() -> impl Strategy<Value = String> {
            let uuid =
                "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";
            let prefixed = "(m|o|txn|cs|pymd|CUST|CSMR-v1)[-_]([0-9]{1,14}|[0-9a-f]{6,24})";
            prop_oneof![uuid, prefixed]
        }

        const CONTEXTS: [&str; 5] = [
            "no customer {} found",
            "{}",
            "(param `{}`)",
            "<p>not found: {}</p>",
            "SSN {} already used.",
        ];

        proptest! {
            #[test]
            fn personal_values_never_show(value in personal(), at in 0..CONTEXTS.len()) {
                let text = CONTEXTS[at].replace("{}", &value);
                let masked = mask_text(&text);
                prop_assert!(!masked.contains(&value), "{} -> {}", text, masked);
                let json = serde_json::json!({ "error": text, value.clone(): 1 });
                let shown = snippet(json.to_string().as_bytes());
                prop_assert!(!shown.contains(&value), "{}", shown);
            }

            #[test]
            fn ids_show_whole(id in id(), at in 0..CONTEXTS.len()) {
                let text = CONTEXTS[at].replace("{}", &id);
                prop_assert!(mask_text(&text).contains(&id));
                let json = serde_json::json!({ "error": text, id.clone(): 1 });
                let shown = snippet(json.to_string().as_bytes());
                prop_assert!(shown.contains(&id), "{}", shown);
            }
        }
    }
}
