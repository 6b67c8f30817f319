//! What the spec says about each operation ([`OperationMeta`]) and whether the
//! SDK may send it more than once ([`Safety`]).
//!
//! The table of every operation is generated (`cargo xtask codegen` emits it
//! with the client), safety included: a rule decides it (a GET is `Safe`,
//! every other method `Unsafe`), with its exceptions held as data in the xtask
//! (`xtask/src/safety.rs`: the searches sent as POST to keep an SSN or a PAN out
//! of the URL), so an operation added to `openapi.yaml` is classified by the
//! rule, and an exception naming an operation the spec lacks fails codegen.

/// Where a cursor-paginated operation takes `limit` and `starting_after`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PageParams {
    /// Query parameters (the GET list operations).
    Query,
    /// Fields of the JSON request body (`searchCustomersPost`).
    Body,
}

/// What the spec says about one operation.
///
/// Only the generated table makes them ([`OperationMeta::all`]); new fields may
/// come with new releases.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct OperationMeta {
    /// The spec's `operationId` (`searchCustomersPost`).
    pub id: &'static str,
    /// The generated method's name (`search_customers_post`).
    pub name: &'static str,
    /// The HTTP method, upper case.
    pub method: &'static str,
    /// The path template (`/v2/customers/{customer_id}`); never holds values.
    pub path: &'static str,
    /// Where its page parameters go, if it is cursor-paginated.
    pub page_params: Option<PageParams>,
    /// Whether the SDK may send it more than once (also [`safety`](Self::safety)).
    pub safety: Safety,
}

impl OperationMeta {
    /// Whether the SDK may send this operation more than once.
    pub fn safety(&self) -> Safety {
        self.safety
    }
}

/// Whether an operation may be sent more than once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Safety {
    /// Reading only: repeating it cannot change anything.
    Safe,
    /// Creates, updates, deletes or triggers something: sent exactly once.
    Unsafe,
}
