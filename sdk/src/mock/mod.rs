//! An in-process fake Imprint server, for examples, benchmarks and your own
//! tests (feature `mock`).
//!
//! It binds `127.0.0.1` on a free port, checks the API key like the real API
//! (401 with Imprint's error envelope otherwise), and serves the customer
//! operations over a deterministic synthetic data set: `searchCustomersPost` and
//! `searchCustomers` with filtering by `partner_customer_id` (both), `ssn` and
//! `date_of_birth` (the POST search), real cursor pagination (`limit`,
//! `starting_after`, `has_more`, `total`) and 400s on invalid input;
//! `getCustomer`, with the spec's 404 body for unknown ids. Other operations
//! answer 404. Latency and failures can be injected.
//!
//! ```
//! use futures::TryStreamExt;
//! use imprint::mock::FakeImprint;
//! use imprint::prelude::*;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let fake = FakeImprint::builder().customers(25).start().await?;
//! let client = fake.client()?;
//! let all: Vec<_> = client.search_customers_post().body_map(|b| b.limit(10u32)).stream().try_collect().await?;
//! assert_eq!(all.len(), 25);
//! assert_eq!(fake.requests(), 3);
//! # Ok(()) }
//! ```

mod data;
mod routes;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

pub use data::Record;
use routes::Shared;

use crate::{Client, ClientBuilder, Error};

/// Configures a [`FakeImprint`].
#[derive(Clone, Debug)]
#[must_use = "a builder does nothing until `start` is called"]
pub struct FakeImprintBuilder {
    customers: usize,
    seed: u64,
    api_key: String,
    latency: Duration,
    faults: Vec<(u64, u16)>,
}

impl FakeImprintBuilder {
    /// How many customers the data set holds (default 300). Records are made on
    /// demand, so a large number costs no memory.
    pub fn customers(mut self, count: usize) -> Self {
        self.customers = count;
        self
    }

    /// Which data set (default 42): the same seed always gives the same customers.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
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
    /// `status` and an error envelope. May be given several times.
    pub fn fail_request(mut self, nth: u64, status: u16) -> Self {
        self.faults.push((nth, status));
        self
    }

    /// Binds `127.0.0.1` on a free port and starts serving.
    pub async fn start(self) -> std::io::Result<FakeImprint> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let address = listener.local_addr()?;
        let shared = Arc::new(Shared {
            seed: self.seed,
            size: self.customers,
            api_key: self.api_key.clone(),
            latency: self.latency,
            faults: self.faults,
            requests: AtomicU64::new(0),
        });
        let app = routes::router(Arc::clone(&shared));
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async move { drop(stopped.await) })
                .await;
        });
        Ok(FakeImprint {
            address,
            api_key: self.api_key,
            shared,
            stop: Some(stop),
            task,
        })
    }
}

/// A running fake server; it stops when dropped.
#[derive(Debug)]
pub struct FakeImprint {
    address: SocketAddr,
    api_key: String,
    shared: Arc<Shared>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field("customers", &self.size)
            .field("seed", &self.seed)
            .finish_non_exhaustive()
    }
}

impl FakeImprint {
    /// Defaults: 300 customers, seed 42, key `fake_test_key`, no latency, no faults.
    pub fn builder() -> FakeImprintBuilder {
        FakeImprintBuilder {
            customers: 300,
            seed: 42,
            api_key: "fake_test_key".into(),
            latency: Duration::ZERO,
            faults: Vec::new(),
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

    /// Customer `index` of the data set, with the full SSN searches match on.
    pub fn customer(&self, index: usize) -> Option<Record> {
        (index < self.shared.size).then(|| data::record(self.shared.seed, index))
    }

    /// How many customers the data set holds.
    pub fn customer_count(&self) -> usize {
        self.shared.size
    }
}

impl Drop for FakeImprint {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.task.abort();
    }
}
