//! What the benchmarks (`benches/sdk.rs`) share: the embedded fake Imprint
//! server on a thread of its own, and the median and spread of a set of runs;
//! and the sections that need no server ([`webhook`]).

use std::time::Duration;

use imprint_mock::FakeImprint;

pub mod webhook;

/// The fake's data seed: every run serves the same customers.
pub const SEED: u64 = 7;

/// A fake server on a thread and runtime of its own, so it does not share the
/// client's scheduler. Stops when dropped.
pub struct Server {
    /// Where the fake listens (`http://127.0.0.1:<port>`).
    pub base_url: String,
    /// The fake's API key.
    pub key: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    /// Starts a fake with `customers` customers that waits `latency` before
    /// each answer.
    pub fn start(customers: usize, latency: Duration) -> Server {
        let (ready, address) = std::sync::mpsc::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("fake-server".into())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                runtime.block_on(async move {
                    let fake = FakeImprint::builder()
                        .customers(customers)
                        .seed(SEED)
                        .latency(latency)
                        .start()
                        .await
                        .unwrap();
                    ready
                        .send((fake.base_url(), fake.api_key().to_string()))
                        .unwrap();
                    let _ = stopped.await;
                });
            })
            .unwrap();
        let (base_url, key) = address.recv().unwrap();
        Server {
            base_url,
            key,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    /// An SDK client for this fake, with the default settings.
    pub fn client(&self) -> imprint::Client {
        imprint::Client::builder()
            .api_key(self.key.as_str())
            .base_url(self.base_url.as_str())
            .build()
            .unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.stop.take().map(|s| s.send(()));
        let _ = self.thread.take().map(|t| t.join());
    }
}

/// Median and spread of a set of runs.
pub struct Stats {
    /// The middle run.
    pub median: f64,
    /// The lowest run.
    pub min: f64,
    /// The highest run.
    pub max: f64,
}

/// The median and spread of `runs` (at least one).
pub fn stats(mut runs: Vec<f64>) -> Stats {
    runs.sort_by(f64::total_cmp);
    Stats {
        median: runs[runs.len() / 2],
        min: runs[0],
        max: runs[runs.len() - 1],
    }
}
