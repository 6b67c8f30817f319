//! Which operations the SDK may send more than once: a rule over the HTTP
//! method, with the exceptions held here as data, emitted into the operation
//! table (`OperationMeta::safety`).
//!
//! The rule: a GET only reads, so repeating it cannot change anything (`Safe`);
//! every other method creates, updates, deletes or triggers something and is
//! sent exactly once (`Unsafe`). That includes the methods HTTP calls
//! idempotent: a DELETE repeated after a success whose answer was lost would
//! answer 404 (`deleteOrderEvent`), and Imprint does not promise that a PUT
//! (`putOrder`) may be repeated. An exception is an operation whose method
//! does not say what it does, named with why. One that names no operation of
//! the spec, or one sent with another method, is a codegen error: a spec
//! change cannot leave a stale exception behind.

use std::fmt;

/// Whether an operation may be sent more than once (the facade's
/// `imprint::Safety`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Safety {
    /// Reading only: the SDK may retry it.
    Safe,
    /// Sent exactly once.
    Unsafe,
}

/// POSTs that only read: searches whose criteria are secrets, sent in a body
/// to keep them out of URLs (which servers and proxies log).
pub const READ_ONLY_POSTS: [(&str, &str); 2] = [
    (
        "searchCustomersPost",
        "a search; POST only keeps the SSN out of the URL",
    ),
    (
        "searchPaymentMethodsPost",
        "a search; POST only keeps the PAN out of the URL",
    ),
];

/// GETs that change something, so are sent once; Imprint's spec has none.
pub const UNSAFE_GETS: [(&str, &str); 0] = [];

/// Operations by operationId, each with why it is listed.
pub type Listed<'a> = &'a [(&'a str, &'a str)];

/// The exceptions to the rule.
#[derive(Clone, Copy, Debug)]
pub struct Exceptions<'a> {
    /// POSTs that are [`Safety::Safe`].
    pub read_only_posts: Listed<'a>,
    /// GETs that are [`Safety::Unsafe`].
    pub unsafe_gets: Listed<'a>,
}

/// The exceptions the generated table is made with.
pub const EXCEPTIONS: Exceptions<'static> = Exceptions {
    read_only_posts: &READ_ONLY_POSTS,
    unsafe_gets: &UNSAFE_GETS,
};

/// An exception that does not fit the spec.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("the safety exception `{operation}` (in {list}, xtask/src/safety.rs): {reason}")]
pub struct SafetyError {
    /// The operationId the exception names.
    pub operation: String,
    /// The list holding it (`READ_ONLY_POSTS`, `UNSAFE_GETS`).
    pub list: &'static str,
    /// What does not fit.
    pub reason: String,
}

impl Exceptions<'_> {
    /// No exceptions: the rule alone.
    pub const NONE: Exceptions<'static> = Exceptions {
        read_only_posts: &[],
        unsafe_gets: &[],
    };

    /// The safety of each of `operations` (operationId, upper-case method), in
    /// their order; an error when an exception names no operation among them,
    /// or one sent with another method than the one it is an exception for.
    pub fn classify(&self, operations: &[(&str, &str)]) -> Result<Vec<Safety>, SafetyError> {
        for (list, method, exceptions) in self.lists() {
            for (id, _) in exceptions {
                let error = |reason: String| SafetyError {
                    operation: id.to_string(),
                    list,
                    reason,
                };
                match operations.iter().find(|(operation, _)| operation == id) {
                    None => {
                        return Err(error(
                            "no operation of the spec has this operationId".into(),
                        ));
                    }
                    Some((_, sent)) if *sent != method => {
                        return Err(error(format!(
                            "the operation is sent with {sent}, not {method}, so the exception changes nothing"
                        )));
                    }
                    Some(_) => {}
                }
            }
        }
        Ok(operations
            .iter()
            .map(|(id, method)| self.safety(id, method))
            .collect())
    }

    /// The rule, with the exceptions applied.
    fn safety(&self, id: &str, method: &str) -> Safety {
        let listed = |list: Listed<'_>| list.iter().any(|(named, _)| *named == id);
        let safe = match method {
            "GET" => !listed(self.unsafe_gets),
            "POST" => listed(self.read_only_posts),
            _ => false,
        };
        if safe { Safety::Safe } else { Safety::Unsafe }
    }

    /// Each list with its name and the method its operations are sent with.
    fn lists(&self) -> [(&'static str, &'static str, Listed<'_>); 2] {
        [
            ("READ_ONLY_POSTS", "POST", self.read_only_posts),
            ("UNSAFE_GETS", "GET", self.unsafe_gets),
        ]
    }
}

/// One line per exception, with why: what `cargo xtask codegen` reports.
impl fmt::Display for Exceptions<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (list, _, exceptions) in self.lists() {
            for (id, why) in exceptions {
                writeln!(f, "  {list}: {id} ({why})")?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPERATIONS: [(&str, &str); 6] = [
        ("getThing", "GET"),
        ("createThing", "POST"),
        ("searchThingsPost", "POST"),
        ("putThing", "PUT"),
        ("deleteThing", "DELETE"),
        ("touchThing", "GET"),
    ];

    #[test]
    fn gets_are_safe_and_everything_else_is_not_unless_excepted() {
        use Safety::{Safe, Unsafe};
        assert_eq!(
            Exceptions::NONE.classify(&OPERATIONS).unwrap(),
            [Safe, Unsafe, Unsafe, Unsafe, Unsafe, Safe]
        );
        let some = Exceptions {
            read_only_posts: &[("searchThingsPost", "a search")],
            unsafe_gets: &[("touchThing", "records a visit")],
        };
        assert_eq!(
            some.classify(&OPERATIONS).unwrap(),
            [Safe, Unsafe, Safe, Unsafe, Unsafe, Unsafe]
        );
        assert_eq!(
            some.to_string(),
            "  READ_ONLY_POSTS: searchThingsPost (a search)\n  UNSAFE_GETS: touchThing (records a visit)\n"
        );
    }

    #[test]
    fn an_exception_naming_no_operation_is_an_error() {
        let stale = Exceptions {
            read_only_posts: &[("searchGone", "a search")],
            unsafe_gets: &[],
        };
        assert_eq!(
            stale.classify(&OPERATIONS).unwrap_err().to_string(),
            "the safety exception `searchGone` (in READ_ONLY_POSTS, xtask/src/safety.rs): no operation of the spec has this operationId"
        );
    }

    #[test]
    fn an_exception_for_another_method_is_an_error() {
        let misplaced = Exceptions {
            read_only_posts: &[],
            unsafe_gets: &[("deleteThing", "deletes")],
        };
        assert_eq!(
            misplaced.classify(&OPERATIONS).unwrap_err().to_string(),
            "the safety exception `deleteThing` (in UNSAFE_GETS, xtask/src/safety.rs): the operation is sent with DELETE, not GET, so the exception changes nothing"
        );
    }
}
