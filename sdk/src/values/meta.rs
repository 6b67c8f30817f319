//! What the spec says about each operation ([`OperationMeta`]) and whether the
//! SDK may send it more than once ([`Safety`]).
//!
//! The table of every operation is generated (`cargo xtask codegen` emits it
//! with the client); the classification below is a decision, written by hand and
//! checked against the generated table by a test, so an operation added to
//! `openapi.yaml` fails the tests until someone decides whether it may be
//! repeated.

/// Where a cursor-paginated operation takes `limit` and `starting_after`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PageParams {
    /// Query parameters (the GET list operations).
    Query,
    /// Fields of the JSON request body (`searchCustomersPost`).
    Body,
}

/// What the spec says about one operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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
}

impl OperationMeta {
    /// Whether the SDK may send this operation more than once.
    pub fn safety(&self) -> Safety {
        CLASSIFICATION
            .iter()
            .find(|(id, _)| *id == self.id)
            .map_or(Safety::Unsafe, |(_, safety)| *safety)
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

/// Every operation of the spec, classified. `Unsafe` unless it only reads; an
/// operation missing here is treated as `Unsafe`.
pub(crate) const CLASSIFICATION: [(&str, Safety); 35] = [
    ("searchCustomers", Safety::Safe),
    ("searchCustomersPost", Safety::Safe), // a search; POST only keeps the SSN out of the URL
    ("getCustomer", Safety::Safe),
    ("linkCustomerAccount", Safety::Unsafe),
    ("createSession", Safety::Unsafe),
    ("getSession", Safety::Safe),
    ("searchPaymentMethods", Safety::Safe),
    ("searchPaymentMethodsPost", Safety::Safe), // a search; POST keeps the PAN out of the URL
    ("getPaymentMethod", Safety::Safe),
    ("createTransactionIntent", Safety::Unsafe),
    ("searchTransactionIntents", Safety::Safe),
    ("getTransactionIntent", Safety::Safe),
    ("updateTransactionIntent", Safety::Unsafe),
    ("getTransaction", Safety::Safe),
    ("searchRewards", Safety::Safe),
    ("getReward", Safety::Safe),
    ("patchReward", Safety::Unsafe),
    ("getRewardsBalance", Safety::Safe),
    ("getPaymentMethods", Safety::Safe),
    ("getTransactionIntents", Safety::Safe),
    ("getTransactions", Safety::Safe),
    ("getRewards", Safety::Safe),
    ("getOffer", Safety::Safe),
    ("listOrderEvents", Safety::Safe),
    ("postOrderEvent", Safety::Unsafe),
    ("deleteOrderEvent", Safety::Unsafe), // a repeat after success would answer 404
    ("listOrders", Safety::Safe),
    ("createOrder", Safety::Unsafe),
    ("putOrder", Safety::Unsafe), // idempotent in HTTP terms, but Imprint does not promise it
    ("deleteOrder", Safety::Unsafe),
    ("simulateTransactionEvent", Safety::Unsafe),
    ("simulateStatementReward", Safety::Unsafe),
    ("simulateReward", Safety::Unsafe),
    ("createKey", Safety::Unsafe),
    ("deleteKey", Safety::Unsafe),
];
