//! The data-classification table: which JSON fields hold secrets and which hold
//! personal data. One list, read by the normalizer (secrets become redacting
//! types), by the generated types' `Debug` (classified fields print redacted),
//! and generated into imprint-types as `types/src/values/classification.rs` so the facade's
//! masking of error text and webhook payloads reads the same names.
//!
//! Fields are named as the API names them (snake case); matching elsewhere
//! ignores case and separators, so `clientSecret` is `client_secret`.
//!
//! The facade masks by words as well: a key is classified when its words
//! contain a classified term's words in a row (`customerEmail`,
//! `addressLine1`). Its terms are [`FIELDS`] and [`SYNONYMS`], names other
//! systems and Imprint's own messages use for the same data. The generated
//! types' `Debug` keeps matching [`FIELDS`] exactly ([`class_of`]).
//!
//! The generated module also lists every property name the spec declares,
//! so a decode error can name the declared members of its path and hide the
//! keys of maps, which are data.

use std::collections::BTreeSet;
use std::fmt::Write;

use serde_json::Value;

use crate::normalize::walk;

/// How a field's value must be treated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// A credential or card data: never printed, held in a redacting type.
    Secret,
    /// Identifies a person: not printed in `Debug` or error messages.
    Personal,
}

/// One classified field name and the reason for its class.
pub struct Field {
    /// The JSON property name.
    pub name: &'static str,
    /// Its class.
    pub class: Class,
    /// The component schema the normalizer types it as (secrets the spec has).
    pub typed_as: Option<&'static str>,
    /// Why, in a few words (rendered into the sdk's documentation).
    pub why: &'static str,
}

/// Component name for a social security number.
pub const SSN: &str = "Ssn";
/// Component name for any other secret string.
pub const SECRET: &str = "SensitiveString";

const fn secret(name: &'static str, typed_as: Option<&'static str>, why: &'static str) -> Field {
    Field {
        name,
        class: Class::Secret,
        typed_as,
        why,
    }
}

const fn personal(name: &'static str, why: &'static str) -> Field {
    Field {
        name,
        class: Class::Personal,
        typed_as: None,
        why,
    }
}

/// Every classified field, decided one by one against the spec's properties.
pub const FIELDS: [Field; 26] = [
    secret("ssn", Some(SSN), "the full social security number"),
    secret(
        "client_secret",
        Some(SECRET),
        "a customer session's secret, not to be logged or stored",
    ),
    secret("pan", Some(SECRET), "a card number"),
    secret("cvv", Some(SECRET), "a card's security code"),
    secret("token", Some(SECRET), "a payment-method token"),
    secret("key", Some(SECRET), "an API key returned by createKey"),
    secret(
        "api_key",
        None,
        "a credential (not a spec field: error text and payloads)",
    ),
    secret("secret", None, "a credential (not a spec field)"),
    secret("password", None, "a credential (not a spec field)"),
    secret(
        "authorization",
        None,
        "a credential header (not a spec field)",
    ),
    secret(
        "signing_token",
        None,
        "the webhook signing token (not a spec field)",
    ),
    secret("access_token", None, "a credential (not a spec field)"),
    secret("refresh_token", None, "a credential (not a spec field)"),
    personal("first_name", "a customer's name"),
    personal("last_name", "a customer's name"),
    personal("email", "a customer's email address"),
    personal("phone", "a customer's phone number"),
    personal("date_of_birth", "a customer's date of birth"),
    personal(
        "address",
        "a postal address (a merchant's `address` is redacted too: the name is the rule)",
    ),
    personal("street_line1", "a street address"),
    personal("street_line2", "a street address"),
    personal("postal_code", "narrows an address to a few streets"),
    personal("ssn4", "the last four digits of the SSN"),
    personal("partner_customer_id", "the partner's own id for the person"),
    personal(
        "customer_metadata",
        "partner-defined data about the customer, free-form",
    ),
    personal(
        "metadata",
        "free-form data; on Customer it describes the person",
    ),
];

/// Names that are not spec fields but mean the same data: the facade's masking
/// classifies a key that contains one of them as words (`birthDate`,
/// `phone_number`, `zip`). Never used by [`class_of`]: a spec property named
/// `name` (a merchant's, a reward's) stays visible in the generated types'
/// `Debug`.
pub const SYNONYMS: [Field; 27] = [
    secret("card_number", None, "a card number"),
    secret("cvc", None, "a card's security code"),
    secret("pin", None, "a card's PIN"),
    secret("passcode", None, "a credential"),
    secret("passwd", None, "a credential"),
    secret("credential", None, "a credential"),
    secret("credentials", None, "credentials"),
    secret("account_number", None, "a bank account number"),
    secret(
        "social_security",
        None,
        "the social security number, spelled out",
    ),
    secret("tax_id", None, "a tax id (an SSN or an ITIN for a person)"),
    personal(
        "name",
        "any name: a person's under every spelling (`fullName`, `surname` aside); a merchant's or product's too",
    ),
    personal("surname", "a customer's name"),
    personal("username", "a person's login name"),
    personal("dob", "a date of birth"),
    personal("birth", "a date of birth (`birth_date`, `dateOfBirth`)"),
    personal("birthdate", "a date of birth"),
    personal("birthday", "a date of birth"),
    personal("mobile", "a phone number"),
    personal("telephone", "a phone number"),
    personal("e_mail", "an email address"),
    personal("street", "a street address"),
    personal("zip", "a postal code (`zip_code`)"),
    personal("zipcode", "a postal code"),
    personal("postal", "a postal code"),
    personal("postcode", "a postal code"),
    personal("passport", "an identity document number"),
    personal("driver_license", "an identity document number"),
];

/// A field name as matching sees it: lower case, letters and digits only.
pub fn normalized(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The class of a property name, if it has one.
pub fn class_of(name: &str) -> Option<Class> {
    let wanted = normalized(name);
    FIELDS
        .iter()
        .find(|field| normalized(field.name) == wanted)
        .map(|field| field.class)
}

/// A term's words, as the facade's matcher splits a key: at `_` and between
/// letters and digits (`street_line1` is street, line, 1). Terms are written
/// in lower-case snake case, so no case change needs reading here.
pub fn term_words(term: &str) -> Vec<String> {
    let mut words = Vec::new();
    for part in term.split('_').filter(|part| !part.is_empty()) {
        let mut word = String::new();
        for c in part.chars() {
            if word
                .chars()
                .last()
                .is_some_and(|last| last.is_ascii_digit() != c.is_ascii_digit())
            {
                words.push(std::mem::take(&mut word));
            }
            word.push(c);
        }
        words.push(word);
    }
    words
}

/// Every property name the (normalized) document declares, sorted and
/// deduplicated. Names with a character that is not printable ASCII are
/// left out: the facade prints such a key as a placeholder.
pub fn declared_names(doc: &mut Value) -> Vec<String> {
    let mut names = BTreeSet::new();
    walk::each_schema(doc, &mut |_, schema| {
        if let Some(Value::Object(properties)) = schema.get("properties") {
            names.extend(
                properties
                    .keys()
                    .filter(|name| !name.is_empty() && name.chars().all(|c| c.is_ascii_graphic()))
                    .cloned(),
            );
        }
    });
    names.into_iter().collect()
}

/// The body of `types/src/values/classification.rs` (the header is the generated
/// module's), with `declared`, the spec's property names ([`declared_names`]).
pub fn sdk_module(declared: &[String]) -> String {
    let list = |class: Class| {
        let mut text = String::new();
        for field in FIELDS.iter().filter(|f| f.class == class) {
            let _ = writeln!(text, "    // {}", field.why);
            let _ = writeln!(text, "    {:?},", field.name);
        }
        text
    };
    let count = |class: Class| FIELDS.iter().filter(|f| f.class == class).count();
    let table = |class: Class| {
        let mut text = String::new();
        for field in FIELDS.iter().filter(|f| f.class == class) {
            let _ = writeln!(text, "/// | `{}` | {} |", field.name, field.why);
        }
        text
    };
    let mut terms = String::new();
    for field in FIELDS.iter().chain(&SYNONYMS) {
        let _ = writeln!(terms, "    // {}", field.why);
        let _ = writeln!(terms, "    &{:?},", term_words(field.name));
    }
    let mut names = String::new();
    for name in declared {
        let _ = writeln!(names, "    {name:?},");
    }
    format!(
        "//! Which JSON fields hold secrets and which hold personal data: the one\n\
         //! classification table (kept in `xtask/src/classification.rs`), as the\n\
         //! facade reads it. Names match whatever their case or separators\n\
         //! (`clientSecret` is `client_secret`).\n\n\
         /// Fields whose values are secrets: never printed, logged or put in an error.\n///\n\
         /// | field | why |\n/// |---|---|\n{}\
         pub const SECRET_FIELDS: [&str; {}] = [\n{}];\n\n\
         /// Fields whose values identify a person: redacted in `Debug` and error messages,\n\
         /// readable through the fields and serialized unchanged.\n///\n\
         /// | field | why |\n/// |---|---|\n{}\
         pub const PERSONAL_FIELDS: [&str; {}] = [\n{}];\n\n\
         /// The words of every classified term, secret or personal: the fields above\n\
         /// and their synonyms (`dob`, `birth`, `name`, `mobile`, `zip`, `pin`, …).\n\
         /// A key is classified when its words contain one of these in a row.\n\
         pub const CLASSIFIED_TERMS: [&[&str]; {}] = [\n{}];\n\n\
         /// Every property name the spec declares, sorted: names, not data, so a\n\
         /// decode error may show them in a path.\n\
         pub const DECLARED_NAMES: [&str; {}] = [\n{}];\n",
        table(Class::Secret),
        count(Class::Secret),
        list(Class::Secret),
        table(Class::Personal),
        count(Class::Personal),
        list(Class::Personal),
        FIELDS.len() + SYNONYMS.len(),
        terms,
        declared.len(),
        names,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_whatever_their_casing() {
        assert_eq!(class_of("clientSecret"), Some(Class::Secret));
        assert_eq!(class_of("ACCESS-TOKEN"), Some(Class::Secret));
        assert_eq!(class_of("FirstName"), Some(Class::Personal));
        assert_eq!(class_of("merchant_name"), None);
    }

    #[test]
    fn synonyms_do_not_change_the_exact_classification() {
        assert_eq!(class_of("name"), None);
        assert_eq!(class_of("dob"), None);
    }

    #[test]
    fn every_name_is_listed_once() {
        let mut names: Vec<String> = FIELDS.iter().map(|f| normalized(f.name)).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), FIELDS.len());
        // As words, synonyms differ from fields too (`e_mail` is e, mail).
        let all = FIELDS.iter().chain(&SYNONYMS);
        let mut terms: Vec<Vec<String>> = all.map(|f| term_words(f.name)).collect();
        terms.sort();
        terms.dedup();
        assert_eq!(terms.len(), FIELDS.len() + SYNONYMS.len());
    }

    #[test]
    fn terms_split_into_words_at_underscores_and_digits() {
        assert_eq!(term_words("street_line1"), ["street", "line", "1"]);
        assert_eq!(term_words("ssn4"), ["ssn", "4"]);
        assert_eq!(term_words("dob"), ["dob"]);
    }

    #[test]
    fn declared_names_come_from_every_schema_sorted() {
        let mut doc = serde_json::json!({
            "openapi": "3.0.3",
            "paths": {},
            "components": { "schemas": {
                "B": { "type": "object", "properties": {
                    "zeta": { "type": "object", "properties": { "inner": {} } },
                    "alpha": {},
                    "bad\u{202e}": {}
                } }
            } }
        });
        assert_eq!(declared_names(&mut doc), ["alpha", "inner", "zeta"]);
    }

    #[test]
    fn the_sdk_module_lists_both_classes() {
        let module = sdk_module(&["a".into(), "b_c".into()]);
        assert!(
            module.contains("pub const SECRET_FIELDS: [&str; 13]"),
            "{module}"
        );
        assert!(
            module.contains("pub const PERSONAL_FIELDS: [&str; 13]"),
            "{module}"
        );
        assert!(module.contains("    \"partner_customer_id\",\n"));
        assert!(
            module.contains("pub const CLASSIFIED_TERMS: [&[&str]; 53]"),
            "{module}"
        );
        assert!(module.contains("    &[\"street\", \"line\", \"1\"],\n"));
        assert!(
            module
                .contains("pub const DECLARED_NAMES: [&str; 2] = [\n    \"a\",\n    \"b_c\",\n];")
        );
    }
}
