//! The data-classification table: which JSON fields hold secrets and which hold
//! personal data. One list, read by the normalizer (secrets become redacting
//! types), by the generated types' `Debug` (classified fields print redacted),
//! and generated into the sdk as `sdk/src/classification.rs` so the facade's
//! masking of error text and webhook payloads reads the same names.
//!
//! Fields are named as the API names them (snake case); matching elsewhere
//! ignores case and separators, so `clientSecret` is `client_secret`.

use std::fmt::Write;

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

/// The body of `sdk/src/classification.rs` (the header is the generated
/// module's).
pub fn sdk_module() -> String {
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
         pub const PERSONAL_FIELDS: [&str; {}] = [\n{}];\n",
        table(Class::Secret),
        count(Class::Secret),
        list(Class::Secret),
        table(Class::Personal),
        count(Class::Personal),
        list(Class::Personal),
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
    fn every_name_is_listed_once() {
        let mut names: Vec<String> = FIELDS.iter().map(|f| normalized(f.name)).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), FIELDS.len());
    }

    #[test]
    fn the_sdk_module_lists_both_classes() {
        let module = sdk_module();
        assert!(
            module.contains("pub const SECRET_FIELDS: [&str; 13]"),
            "{module}"
        );
        assert!(
            module.contains("pub const PERSONAL_FIELDS: [&str; 13]"),
            "{module}"
        );
        assert!(module.contains("    \"partner_customer_id\",\n"));
    }
}
