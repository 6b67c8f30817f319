//! An in-process fake Imprint server, for examples, benchmarks and your own
//! tests (feature `mock`).
//!
//! It binds `127.0.0.1` on a free port and serves every operation of the spec
//! over one consistent in-memory world, deterministic from a seed:
//!
//! - **Data.** Synthetic customers (300 by default) with cards and loans, made
//!   on demand from (seed, index) so any number costs no memory; everything
//!   requests create or change (sessions, links, transaction intents,
//!   transactions, rewards, orders, order events, keys) is stored and seen by
//!   later reads, lists and searches. Lists paginate with `limit` and
//!   `starting_after` and filter as the spec documents. Ids the fake never issued
//!   get the spec's documented 404 body, in the path or in the body.
//! - **Missing resources named in a body.** A body that names a customer,
//!   payment method, transaction intent, transaction or order the fake never
//!   issued is answered as Imprint answers it: 404 with that resource's
//!   not-found body (the spec's `*NotFoundError` of its `get` operation, the
//!   `ApiError` envelope for orders, which have none), even where the
//!   operation documents no 404: `createSession` and `createTransactionIntent`
//!   (`customer_id`, `payment_method_id`; documented: 400),
//!   `updateTransactionIntent` (the path's intent, then `customer_id`;
//!   documented: 400), `createOrder` and `putOrder` (`payment_method_id`),
//!   `postOrderEvent` (`order_id`; documented: none) and
//!   `simulateTransactionEvent` (`payment_method_id`, `transaction_id`;
//!   documented: 409, which the fake keeps for events the state does not
//!   allow). A value of the wrong type or format is still a 400, and so is a
//!   payment method that exists but is another customer's.
//! - **Checks.** The API key, like the real API (401 in Imprint's envelope);
//!   every query and body against the operation's schema in the spec (400 in
//!   Imprint's validation shape, naming the field). Anything that is not an
//!   operation of the spec answers 501 `NOT_IMPLEMENTED_BY_FAKE`, never 404.
//! - **Sandbox simulations and webhooks.** `simulateTransactionEvent` creates and
//!   advances transactions, the reward simulations grant rewards, links and
//!   patches change state, and each change Imprint announces produces the same
//!   webhook, signed with [`FakeImprint::webhook_secret`]: collected for the test
//!   ([`FakeImprint::webhooks`]) and, if a loopback URL was given, POSTed to it
//!   before the request that caused it answers.
//! - **Control.** Per operation, named by its generated builder type: impose an
//!   answer, fail the n-th call, read back what it received
//!   ([`FakeImprint::operation`]). Latency and failures by global request number
//!   can be injected too.
//!
//! Timestamps in the data come from the fake's own clock, which starts at
//! 2025-03-01T00:00:00Z and advances one second per change; webhook signatures
//! use the real clock, as receivers check their age.
//!
//! ```
//! use futures::TryStreamExt;
//! use imprint::builder::CreateSession;
//! use imprint_mock::{FakeImprint, Reply};
//! use imprint::prelude::*;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let fake = FakeImprint::builder().customers(25).start().await?;
//! let client = fake.client()?;
//! let all: Vec<_> = client.search_customers_post().body_map(|b| b.limit(10u32)).stream().try_collect().await?;
//! assert_eq!(all.len(), 25);
//!
//! // The second session fails; the fake records what it was sent.
//! fake.operation::<CreateSession>().fail_call(2, 503);
//! let customer = all[0].id.clone();
//! client.create_session().body_map(|b| b.customer_id(customer.clone())).call().await?;
//! let error = client.create_session().body_map(|b| b.customer_id(customer.clone())).call().await.unwrap_err();
//! assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
//! assert_eq!(fake.operation::<CreateSession>().calls(), 2);
//! # Ok(()) }
//! ```

mod control;
mod data;
mod routes;
mod server;
mod validate;
mod webhooks;
mod world;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub use control::{OperationControl, Received, Reply};
pub use data::Record;
pub use webhooks::{Delivery, EVENT_KINDS, deliver, sample_event};

#[cfg(feature = "serve")]
mod signal;
#[cfg(feature = "serve")]
pub use signal::shutdown_signal;

/// What a client needs to reach a running fake: [`FakeImprint::ready`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Ready {
    /// The base URL to point a client at (`http://127.0.0.1:<port>`).
    pub base_url: String,
    /// The API key the fake accepts (a test value, not a secret).
    pub api_key: String,
}

impl Ready {
    /// One line of JSON, `{"base_url":"http://127.0.0.1:<port>","api_key":"…"}`
    /// without a newline: what `imprint fake serve` prints on stdout once it
    /// accepts connections, for a test harness in any language to read.
    pub fn json_line(&self) -> String {
        serde_json::json!({ "base_url": self.base_url, "api_key": self.api_key }).to_string()
    }
}

use control::Controls;
use routes::Shared;
use webhooks::Outbox;
use world::World;

use imprint::{Client, ClientBuilder, Error, Operation, OperationMeta};
use imprint_webhooks::Webhook;

/// The `merchant_key` in the fake's webhook payloads, unless the request that
/// caused them named one in `x-imprint-merchant-key`.
pub const MERCHANT_KEY: &str = "FAKE_MERCHANT";

/// The webhook signing secret a fake uses unless told otherwise.
pub const DEFAULT_WEBHOOK_SECRET: &str = "whsec_fake_imprint";

/// The largest `limit` the fake serves: a larger one is answered with 400 in
/// the operation's error shape. The spec sets no maximum; this bounds what
/// one request can make the fake build (a page of a 500,000-customer data set
/// asked for whole was 269 MB).
pub const MAX_PAGE_SIZE: usize = 1000;

/// The error `type` of a request the fake cannot place (status 501).
pub const NOT_IMPLEMENTED: &str = routes::NOT_IMPLEMENTED;

/// Configures a [`FakeImprint`].
#[derive(Clone, Debug)]
#[must_use = "a builder does nothing until `start` is called"]
pub struct FakeImprintBuilder {
    customers: usize,
    seed: u64,
    seeded: bool,
    api_key: String,
    latency: Duration,
    faults: Vec<(u64, u16)>,
    webhook_secret: String,
    webhook_url: Option<String>,
    port: u16,
}

impl FakeImprintBuilder {
    /// The port to bind on `127.0.0.1` (default 0: a free port, which
    /// [`FakeImprint::base_url`] then names). A fixed port is for a stack whose
    /// configuration names it; `start` fails if the port is taken.
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// How many synthetic customers the data set holds (default 300). Records
    /// are made on demand, so a large number costs no memory.
    pub fn customers(mut self, count: usize) -> Self {
        self.customers = count;
        self
    }

    /// Which data set (default 42): the same seed always gives the same
    /// customers and payment methods. The ids the fake issues (sessions,
    /// intents, transactions, events, created customers…) are unique to each
    /// fake unless a seed is given, so that tests sharing a de-duplication
    /// store never see one fake's id as another's; with a seed they repeat
    /// from run to run.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self.seeded = true;
        self
    }

    /// The API key the server accepts (default `fake_test_key`).
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = key.into();
        self
    }

    /// A delay added to every response.
    pub fn latency(mut self, latency: Duration) -> Self {
        self.latency = latency;
        self
    }

    /// Makes the `nth` request (1-based, counting every request) fail with
    /// `status` and an error envelope. May be given several times. To fail a
    /// call of one operation, see [`FakeImprint::operation`].
    pub fn fail_request(mut self, nth: u64, status: u16) -> Self {
        self.faults.push((nth, status));
        self
    }

    /// The token the fake signs webhooks with (default
    /// [`DEFAULT_WEBHOOK_SECRET`]).
    pub fn webhook_secret(mut self, secret: impl Into<String>) -> Self {
        self.webhook_secret = secret.into();
        self
    }

    /// Also POST every webhook to `url`, which must be `http(s)` on a loopback
    /// host (`127.0.0.1`, `::1`, `localhost`): the fake sends nothing elsewhere.
    pub fn webhook_url(mut self, url: impl Into<String>) -> Self {
        self.webhook_url = Some(url.into());
        self
    }

    /// Binds `127.0.0.1` on a free port and starts serving. Fails with
    /// `InvalidInput` if the webhook URL is not on a loopback host, and with
    /// an error of kind `Other` if no HTTP client can be built to send to it.
    pub async fn start(self) -> std::io::Result<FakeImprint> {
        if let Some(url) = &self.webhook_url
            && !webhooks::is_loopback(url)
        {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "the fake server POSTs webhooks only to http(s) URLs on a loopback host",
            ));
        }
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", self.port)).await?;
        let address = listener.local_addr()?;
        let shared = Arc::new(Shared {
            latency: self.latency,
            faults: self.faults,
            requests: AtomicU64::new(0),
            serving: AtomicU64::new(0),
            world: Mutex::new(World::new(
                self.seed,
                if self.seeded { 0 } else { instance_salt() },
                self.customers,
                self.api_key.clone(),
            )),
            controls: Arc::new(Controls::default()),
            outbox: Outbox::new(Webhook::new(self.webhook_secret.as_str()), self.webhook_url)?,
        });
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let handler = {
            let shared = Arc::clone(&shared);
            move |request| routes::serve(Arc::clone(&shared), request)
        };
        let task = tokio::spawn(server::serve(listener, stopped, handler));
        Ok(FakeImprint {
            address,
            api_key: self.api_key,
            seed: self.seed,
            customers: self.customers,
            webhook_secret: self.webhook_secret,
            shared,
            stop,
            task,
        })
    }
}

/// A random number for one fake's ids: std's `RandomState` keys each hasher
/// from the OS's randomness, so two fakes' ids differ.
fn instance_salt() -> u64 {
    use std::hash::BuildHasher;
    std::hash::RandomState::new().hash_one(0u8)
}

/// A running fake server; it stops when dropped.
pub struct FakeImprint {
    address: SocketAddr,
    api_key: String,
    seed: u64,
    customers: usize,
    webhook_secret: String,
    shared: Arc<Shared>,
    /// Set to true on drop: the server and every open connection end.
    stop: tokio::sync::watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl std::fmt::Debug for FakeImprint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeImprint")
            .field("address", &self.address)
            .field("customers", &self.customers)
            .field("seed", &self.seed)
            .finish_non_exhaustive()
    }
}

impl FakeImprint {
    /// Defaults: 300 customers, seed 42, key `fake_test_key`, webhook secret
    /// [`DEFAULT_WEBHOOK_SECRET`], no latency, no faults, webhooks collected only.
    pub fn builder() -> FakeImprintBuilder {
        FakeImprintBuilder {
            customers: 300,
            seed: 42,
            seeded: false,
            api_key: "fake_test_key".into(),
            latency: Duration::ZERO,
            faults: Vec::new(),
            webhook_secret: DEFAULT_WEBHOOK_SECRET.into(),
            webhook_url: None,
            port: 0,
        }
    }

    /// Starts a server with the defaults (see [`builder`](Self::builder)).
    pub async fn start() -> std::io::Result<FakeImprint> {
        FakeImprint::builder().start().await
    }

    /// The base URL to point a client at (`http://127.0.0.1:<port>`).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// The API key the server accepts (a test value, not a secret).
    pub fn api_key(&self) -> &str {
        &self.api_key
    }

    /// What a client in any language needs to reach this server, as the one
    /// line a standalone fake prints when it is ready (`imprint fake serve`).
    pub fn ready(&self) -> Ready {
        Ready {
            base_url: self.base_url(),
            api_key: self.api_key.clone(),
        }
    }

    /// Serves until `shutdown` completes (for a standalone server,
    /// [`shutdown_signal`]), then stops: the listener closes and every open
    /// connection ends after the request it is reading or answering.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let fake = imprint_mock::FakeImprint::start().await?;
    /// println!("{}", fake.ready().json_line());
    /// fake.serve_until(async { /* imprint_mock::shutdown_signal().await */ }).await;
    /// # Ok(()) }
    /// ```
    pub async fn serve_until(mut self, shutdown: impl std::future::Future<Output = ()>) {
        shutdown.await;
        self.stop.send_replace(true);
        // The accept loop returns once it reads the stop; waiting for it
        // means the port is closed when this returns.
        let _ = (&mut self.task).await;
    }

    /// A client builder already pointed at this server with its key.
    pub fn client_builder(&self) -> ClientBuilder {
        Client::builder()
            .api_key(self.api_key.as_str())
            .base_url(self.base_url())
    }

    /// A client pointed at this server with its key.
    pub fn client(&self) -> Result<Client, Error> {
        self.client_builder().build()
    }

    /// Requests received so far (all of them, failed ones included).
    pub fn requests(&self) -> u64 {
        self.shared.requests.load(Ordering::SeqCst)
    }

    /// Time the fake spent answering requests so far (configured latency
    /// excluded; webhook deliveries to a URL included): what it adds to a test
    /// suite's run time.
    pub fn time_serving(&self) -> Duration {
        Duration::from_nanos(self.shared.serving.load(Ordering::Relaxed))
    }

    /// Synthetic customer `index` as generated, with the full SSN searches
    /// match on (changes made through the API are not applied).
    pub fn customer(&self, index: usize) -> Option<Record> {
        (index < self.customers).then(|| data::record(self.seed, index))
    }

    /// How many synthetic customers the data set holds.
    pub fn customer_count(&self) -> usize {
        self.customers
    }

    /// Control of the operation whose generated builder is `O`:
    /// `fake.operation::<imprint::builder::CreateOrder>()`.
    pub fn operation<O: Operation>(&self) -> OperationControl {
        self.operation_meta(O::META)
    }

    /// Control of the operation `meta` (from [`OperationMeta::all`] or
    /// [`OperationMeta::by_id`]).
    pub fn operation_meta(&self, meta: &'static OperationMeta) -> OperationControl {
        OperationControl::new(meta, Arc::clone(&self.shared.controls))
    }

    /// The token the fake signs webhooks with.
    pub fn webhook_secret(&self) -> &str {
        &self.webhook_secret
    }

    /// A verifier for the fake's webhooks, as a partner's receiver would build
    /// it from their signing token.
    pub fn webhook(&self) -> Webhook {
        Webhook::new(self.webhook_secret.as_str())
    }

    /// Every webhook produced so far, oldest first.
    pub fn webhooks(&self) -> Vec<Delivery> {
        self.shared.outbox.all()
    }

    /// The webhooks produced since the last call, oldest first; they are
    /// forgotten.
    pub fn take_webhooks(&self) -> Vec<Delivery> {
        self.shared.outbox.take()
    }

    /// Signs and delivers `payload` like the fake's own webhooks (collected, and
    /// POSTed if a URL was given), for the events no API call of the fake
    /// causes: `APPLICATION`, `PAYMENT_METHOD`, `STREAK`, `ACCOUNT_STATUS`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use imprint::webhook::Event;
    /// let fake = imprint_mock::FakeImprint::start().await?;
    /// let delivery = fake
    ///     .send_webhook(serde_json::json!({ "object": "ACCOUNT_STATUS", "data": { "status": "CLOSED" } }))
    ///     .await;
    /// let event = fake.webhook().construct_event(&delivery.body, Some(&delivery.signature))?;
    /// assert!(matches!(event, Event::AccountStatus(_)));
    /// # Ok(()) }
    /// ```
    pub async fn send_webhook(&self, payload: serde_json::Value) -> Delivery {
        self.shared.outbox.send(vec![payload]).await.remove(0)
    }
}

impl Drop for FakeImprint {
    fn drop(&mut self) {
        // Not `send`, which fails once the accept loop has ended; connections
        // still read the value.
        self.stop.send_replace(true);
        self.task.abort();
    }
}
