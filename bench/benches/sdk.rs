//! End-to-end benchmarks of the SDK against the embedded fake server on
//! loopback, printed as a Markdown table (BENCHMARKS.md holds a copy).
//!
//! ```text
//! cargo bench -p imprint-bench --bench sdk                 # 1-3 and 5, a few minutes
//! cargo bench -p imprint-bench --bench sdk -- --codegen    # adds 4 (builds in a scratch target dir)
//! cargo bench -p imprint-bench --bench sdk -- --only pagination   # one section
//! cargo bench -p imprint-bench --bench sdk -- --only streaming    # 5
//! cargo bench -p imprint-bench --bench sdk -- --only instructions # 6 (needs valgrind)
//! cargo bench -p imprint-bench --features telemetry -- --only overhead --telemetry
//! cargo bench -p imprint-bench --bench sdk -- --only body-limit   # 7
//! cargo bench -p imprint-bench --bench sdk -- --only cursor-memory # 8
//! cargo bench -p imprint-bench --bench sdk -- --only webhook      # 9
//! ```
//!
//! `--telemetry` runs with a tracing subscriber at INFO (formatting to a sink)
//! and a metrics recorder installed, so the SDK's spans and metrics are
//! recorded; without it neither is installed.
//!
//! 1. Per-request overhead: `searchCustomersPost` through the SDK vs a
//!    hand-written reqwest + serde_json POST of the same body, same server,
//!    same 10-customer page; 10,000 requests sequentially and 32 in flight;
//!    beside it the harness against itself (A/A) and the hand-written client
//!    with and without a per-request timeout. Then the sequential gap in
//!    microseconds: 40,000 requests of each contender, alternating one by one,
//!    as the mean of the paired differences.
//! 2. Pagination: 200 pages, server 5 ms per page, consumer 5 ms per page:
//!    hand-written cursor loop vs SDK stream vs SDK stream with read-ahead.
//! 3. Memory: peak RSS of a process streaming 10k vs 100k customers.
//! 4. Codegen: `cargo xtask codegen` and `--check` wall time, clean build of
//!    the sdk crate, generated line count.
//! 5. Streaming throughput: 100k customers, 100 per page, from a server
//!    without added latency: hand-written cursor loop vs SDK items stream,
//!    without and with read-ahead, in items per second.
//! 6. Instructions per request (`valgrind --tool=callgrind`, client and server
//!    threads apart) for the contenders of 1, and the size of each one's future.
//! 7. Body limit: peak RSS of a process receiving a 128 or 512 MiB success
//!    body through the SDK (default 32 MiB limit: refused while reading) vs
//!    hand-written reqwest reading it whole.
//! 8. Cursor memory: peak RSS of a process streaming 1,000 vs 10,000 pages
//!    from a server that never ends, every page a fresh id of the longest
//!    length a cursor may have (`MAX_CURSOR_BYTES`); capped by `max_pages`.
//! 9. Webhook canonicalization: the time to refuse a forged delivery (a
//!    1 MB body nested 32 deep, a signature that matches nothing) under the
//!    canonical-JSON reading vs the raw-body reading, call by call
//!    (`imprint_bench::webhook`).
//!
//! Each measurement runs the contenders interleaved, after a discarded warm-up,
//! and reports the median and the spread (min–max) of the runs.

use std::process::Command;
use std::time::{Duration, Instant};

use futures::{StreamExt, TryStreamExt};
use imprint::prelude::*;
use imprint::types::{CustomerListResponse, SearchCustomersPostBody};
use imprint_mock::FakeImprint;
use tracing_subscriber::Layer;

use imprint_bench::{SEED, Server, Stats, stats};

fn body() -> SearchCustomersPostBody {
    SearchCustomersPostBody::builder()
        .limit(10u32)
        .try_into()
        .unwrap()
}

/// The hand-written contender: reqwest + serde_json, no SDK.
async fn raw_search(
    http: &reqwest::Client,
    server: &Server,
    body: &SearchCustomersPostBody,
) -> CustomerListResponse {
    let response = http
        .post(format!("{}/v2/customers", server.base_url))
        .basic_auth(&server.key, Some(""))
        .header("accept", "application/json")
        .json(body)
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());
    serde_json::from_slice(&response.bytes().await.unwrap()).unwrap()
}

/// Time for `count` searches with `concurrency` in flight.
async fn batch<F, Fut>(count: usize, concurrency: usize, search: &F) -> Duration
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = usize>,
{
    let started = Instant::now();
    let customers: usize = futures::stream::iter(0..count)
        .map(|_| search())
        .buffer_unordered(concurrency)
        .fold(0, |n, c| async move { n + c })
        .await;
    assert_eq!(customers, count * 10);
    started.elapsed()
}

/// Requests per second of `a` and of `b`, 10,000 requests each, run in
/// alternating batches of 250 (the first of each pair swapping every batch) so
/// that drift in the machine's speed lands on both alike.
async fn side_by_side<FA, FB, FutA, FutB>(concurrency: usize, a: &FA, b: &FB) -> (f64, f64)
where
    FA: Fn() -> FutA,
    FB: Fn() -> FutB,
    FutA: std::future::Future<Output = usize>,
    FutB: std::future::Future<Output = usize>,
{
    const BATCH: usize = 250;
    let (mut time_a, mut time_b) = (Duration::ZERO, Duration::ZERO);
    for round in 0..10_000 / BATCH {
        if round % 2 == 0 {
            time_a += batch(BATCH, concurrency, a).await;
            time_b += batch(BATCH, concurrency, b).await;
        } else {
            time_b += batch(BATCH, concurrency, b).await;
            time_a += batch(BATCH, concurrency, a).await;
        }
    }
    (
        10_000.0 / time_a.as_secs_f64(),
        10_000.0 / time_b.as_secs_f64(),
    )
}

/// What `a` adds to each request over `b`: `pairs` requests of each, one of
/// `a` and one of `b` in turn (the first of each pair swapping), so both see
/// the same moment of the machine. Returns the mean of the paired differences
/// and its standard error, in microseconds. Finer than the throughput ratio: a
/// constant cost per request shows at a fraction of a microsecond.
async fn paired<FA, FB, FutA, FutB>(pairs: usize, a: &FA, b: &FB) -> (f64, f64)
where
    FA: Fn() -> FutA,
    FB: Fn() -> FutB,
    FutA: std::future::Future<Output = usize>,
    FutB: std::future::Future<Output = usize>,
{
    async fn timed(search: impl std::future::Future<Output = usize>) -> f64 {
        let started = Instant::now();
        assert_eq!(search.await, 10);
        started.elapsed().as_secs_f64() * 1e6
    }
    let mut differences = Vec::with_capacity(pairs);
    for pair in 0..pairs {
        let difference = if pair % 2 == 0 {
            let first = timed(a()).await;
            first - timed(b()).await
        } else {
            let first = timed(b()).await;
            timed(a()).await - first
        };
        differences.push(difference);
    }
    let n = differences.len() as f64;
    let mean = differences.iter().sum::<f64>() / n;
    let variance = differences.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, (variance / n).sqrt())
}

fn overhead(runs: usize) -> Vec<String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let server = Server::start(10_000, Duration::ZERO);
    let client = server.client();
    let http = reqwest::Client::new();
    let body = &body();
    let (client, http, server) = (&client, &http, &server);
    let sdk = move || async move {
        client
            .search_customers_post()
            .body(body.clone())
            .call()
            .await
            .unwrap()
            .data
            .len()
    };
    let raw = move || async move { raw_search(http, server, body).await.data.len() };
    // The hand-written client with a per-request timeout, as the SDK's deadline
    // sets one: what a tokio timer per request costs on its own.
    let timed_raw = move || async move {
        let response = http
            .post(format!("{}/v2/customers", server.base_url))
            .basic_auth(&server.key, Some(""))
            .header("accept", "application/json")
            .timeout(Duration::from_secs(30))
            .json(body)
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success());
        serde_json::from_slice::<CustomerListResponse>(&response.bytes().await.unwrap())
            .unwrap()
            .data
            .len()
    };
    let mut rows = vec![future_sizes(client, http, server)];
    for (label, concurrency) in [("sequential", 1), ("32 in flight", 32)] {
        runtime.block_on(async {
            batch(1_000, concurrency, &sdk).await;
            batch(1_000, concurrency, &raw).await;
        });
        let (mut sdk_runs, mut raw_runs, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..runs {
            let (s, r) = runtime.block_on(side_by_side(concurrency, &sdk, &raw));
            sdk_runs.push(s);
            raw_runs.push(r);
            ratios.push(s / r);
        }
        let (s, r, ratio) = (stats(sdk_runs), stats(raw_runs), stats(ratios));
        let met = if ratio.median >= 0.98 {
            "met"
        } else {
            "missed"
        };
        let label = if TELEMETRY.load(std::sync::atomic::Ordering::Relaxed) {
            format!("{label}, tracing at INFO + metrics recorded")
        } else {
            label.to_string()
        };
        rows.push(format!(
            "| 1. overhead, 10,000 × searchCustomersPost, {label} | SDK {:.0} req/s ({:.0}–{:.0}) vs raw reqwest {:.0} req/s ({:.0}–{:.0}) | **{:.3}×** ({:.3}–{:.3}) | ≥ 0.98×: {met} |",
            s.median, s.min, s.max, r.median, r.min, r.max, ratio.median, ratio.min, ratio.max
        ));
        // The harness's own noise: the hand-written client against itself.
        let aa = ratio_runs(&runtime, runs, concurrency, &raw, &raw);
        rows.push(format!(
            "| | A/A: raw reqwest vs raw reqwest, {label} | {:.3}× ({:.3}–{:.3}) | |",
            aa.median, aa.min, aa.max
        ));
        let timer = ratio_runs(&runtime, runs, concurrency, &timed_raw, &raw);
        rows.push(format!(
            "| | raw reqwest with a 30 s per-request timeout vs without, {label} | {:.3}× ({:.3}–{:.3}) | |",
            timer.median, timer.min, timer.max
        ));
    }
    // The sequential gap in time per request, which the ratio above resolves
    // only to about a point.
    const PAIRS: usize = 40_000;
    let recorded = if TELEMETRY.load(std::sync::atomic::Ordering::Relaxed) {
        ", tracing at INFO + metrics recorded"
    } else {
        ""
    };
    for (label, (mean, error)) in [
        ("SDK", runtime.block_on(paired(PAIRS, &sdk, &raw))),
        (
            "raw reqwest with a 30 s per-request timeout",
            runtime.block_on(paired(PAIRS, &timed_raw, &raw)),
        ),
        (
            "raw reqwest (A/A)",
            runtime.block_on(paired(PAIRS, &raw, &raw)),
        ),
    ] {
        rows.push(format!(
            "| 1. time added per sequential request, {}k alternating pairs{recorded} | {label} vs raw reqwest: {mean:+.2} µs (standard error {error:.2} µs) | | |",
            PAIRS / 1000
        ));
    }
    rows
}

/// The ratio of `a`'s throughput to `b`'s over `runs` side-by-side runs.
fn ratio_runs<FA, FB, FutA, FutB>(
    runtime: &tokio::runtime::Runtime,
    runs: usize,
    concurrency: usize,
    a: &FA,
    b: &FB,
) -> Stats
where
    FA: Fn() -> FutA,
    FB: Fn() -> FutB,
    FutA: std::future::Future<Output = usize>,
    FutB: std::future::Future<Output = usize>,
{
    stats(
        (0..runs)
            .map(|_| {
                let (a, b) = runtime.block_on(side_by_side(concurrency, a, b));
                a / b
            })
            .collect(),
    )
}

/// The size of one request's future, SDK and hand-written: what every poll
/// and move of it carries.
fn future_sizes(client: &imprint::Client, http: &reqwest::Client, server: &Server) -> String {
    let body = body();
    let sdk = std::mem::size_of_val(&client.search_customers_post().body(body.clone()).call());
    let raw = std::mem::size_of_val(&raw_search(http, server, &body));
    format!(
        "| 1. future of one searchCustomersPost | SDK {sdk} bytes vs raw reqwest {raw} bytes | | |"
    )
}

/// A hand-written cursor loop against the SDK's stream without and with
/// read-ahead: one discarded warm-up, then `runs` rounds interleaved.
fn loop_against_streams<L, LF, S, SF>(
    runtime: &tokio::runtime::Runtime,
    runs: usize,
    hand_loop: L,
    stream: S,
) -> (Stats, Stats, Stats)
where
    L: Fn() -> LF,
    LF: std::future::Future<Output = f64>,
    S: Fn(bool) -> SF,
    SF: std::future::Future<Output = f64>,
{
    runtime.block_on(async {
        hand_loop().await;
        stream(true).await;
    });
    let (mut looped, mut plain, mut ahead) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        runtime.block_on(async {
            looped.push(hand_loop().await);
            plain.push(stream(false).await);
            ahead.push(stream(true).await);
        });
    }
    (stats(looped), stats(plain), stats(ahead))
}

/// Section 5: items per second streaming 100k customers, 100 per page, from a
/// server without added latency.
fn streaming(runs: usize) -> Vec<String> {
    const CUSTOMERS: usize = 100_000;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let server = Server::start(CUSTOMERS, Duration::ZERO);
    let client = &server.client();
    let (http, server) = (&reqwest::Client::new(), &server);
    let hand_loop = move || async move {
        let started = Instant::now();
        let mut body = SearchCustomersPostBody::builder()
            .limit(100u32)
            .try_into()
            .unwrap();
        let mut items = 0;
        loop {
            let page = raw_search(http, server, &body).await;
            items += page.data.iter().map(|c| c.id.len().min(1)).sum::<usize>();
            if !page.has_more.unwrap_or(false) {
                break;
            }
            body.starting_after = page.data.last().map(|c| c.id.clone());
        }
        assert_eq!(items, CUSTOMERS);
        CUSTOMERS as f64 / started.elapsed().as_secs_f64()
    };
    let stream = move |read_ahead: bool| async move {
        let started = Instant::now();
        let mut items = client
            .search_customers_post()
            .body(body())
            .paginate()
            .page_size(100.try_into().unwrap())
            .read_ahead(read_ahead)
            .items();
        let mut seen = 0;
        while let Some(customer) = items.try_next().await.unwrap() {
            seen += customer.id.len().min(1);
        }
        assert_eq!(seen, CUSTOMERS);
        CUSTOMERS as f64 / started.elapsed().as_secs_f64()
    };
    let (l, p, a) = loop_against_streams(&runtime, runs, hand_loop, stream);
    let row = |label: &str, x: &Stats| {
        format!(
            "| | {label} {:.0} items/s ({:.0}–{:.0}) | {:.2}× the loop | |",
            x.median,
            x.min,
            x.max,
            x.median / l.median
        )
    };
    vec![
        format!(
            "| 5. streaming 100k customers, 100 per page, server without added latency | hand-written loop {:.0} items/s ({:.0}–{:.0}) | 1.00× | |",
            l.median, l.min, l.max
        ),
        row("SDK items stream", &p),
        row("SDK items stream + read-ahead", &a),
    ]
}

/// The child of section 6: `count` sequential searches by `who` (`sdk` or `raw`)
/// after a warm-up of 100, under callgrind.
fn instructions_child(who: &str, count: usize) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let server = Server::start(10_000, Duration::ZERO);
    let (client, http, body) = (server.client(), reqwest::Client::new(), body());
    runtime.block_on(async {
        for i in 0..100 + count {
            let found = match who {
                "sdk" => client
                    .search_customers_post()
                    .body(body.clone())
                    .call()
                    .await
                    .unwrap(),
                _ => raw_search(&http, &server, &body).await,
            };
            assert_eq!(found.data.len(), 10, "request {i}");
        }
    });
}

/// Instructions of each thread of one callgrind run of [`instructions_child`]:
/// (client, server).
fn callgrind(who: &str, count: usize) -> (u64, u64) {
    let dir = std::env::temp_dir().join(format!("imprint-callgrind-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let status = Command::new("valgrind")
        .args([
            "--tool=callgrind",
            "--separate-threads=yes",
            &format!("--callgrind-out-file={}/out", dir.display()),
        ])
        .arg(std::env::current_exe().unwrap())
        .args(["--instructions", who, &count.to_string()])
        .stderr(std::process::Stdio::null())
        .status()
        .expect("valgrind on the PATH");
    assert!(status.success(), "callgrind run of {who} failed");
    let totals = |thread: &str| -> u64 {
        let text = std::fs::read_to_string(dir.join(format!("out-{thread}"))).unwrap();
        text.lines()
            .find_map(|l| l.strip_prefix("totals: ").or(l.strip_prefix("summary: ")))
            .and_then(|t| t.trim().parse().ok())
            .unwrap()
    };
    // Thread 1 is the client (main), 2 the fake server's.
    let counts = (totals("01"), totals("02"));
    let _ = std::fs::remove_dir_all(&dir);
    counts
}

/// Section 6: instructions per request, the difference of a 600- and a
/// 300-request run over 300, so start-up and warm-up cancel out. Deterministic,
/// so one run.
fn instructions(_runs: usize) -> Vec<String> {
    let per_request = |who: &str| {
        let (c1, s1) = callgrind(who, 300);
        let (c2, s2) = callgrind(who, 600);
        (
            (c2 - c1) as f64 / 300.0 / 1000.0,
            (s2 - s1) as f64 / 300.0 / 1000.0,
        )
    };
    let (raw_client, raw_server) = per_request("raw");
    let (sdk_client, sdk_server) = per_request("sdk");
    let server = Server::start(10, Duration::ZERO);
    vec![
        future_sizes(&server.client(), &reqwest::Client::new(), &server),
        format!(
            "| 6. instructions per searchCustomersPost (callgrind), client thread | SDK {sdk_client:.1} k vs raw reqwest {raw_client:.1} k | {:.3}× | |",
            sdk_client / raw_client
        ),
        format!(
            "| | server thread: SDK's requests {sdk_server:.1} k vs raw reqwest's {raw_server:.1} k | {:.3}× | |",
            sdk_server / raw_server
        ),
    ]
}

/// One page of the search, through the SDK.
async fn search_once(client: &imprint::Client) {
    client
        .search_customers_post()
        .body(body())
        .call()
        .await
        .unwrap();
}

/// The median duration, in seconds, of `runs` sequential runs of `task`.
fn median_time<F, Fut>(runtime: &tokio::runtime::Runtime, runs: usize, task: F) -> f64
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    runtime.block_on(async {
        let mut times = Vec::with_capacity(runs);
        for _ in 0..runs {
            let started = Instant::now();
            task().await;
            times.push(started.elapsed().as_secs_f64());
        }
        stats(times).median
    })
}

const PAGES: usize = 200;
const PAGE_WORK: Duration = Duration::from_millis(5);

/// The consumer's work on one page: 5 ms of blocking work (a database write,
/// say) on tokio's blocking pool, which is also precise to ~0.1 ms where tokio's
/// timer would round up to whole milliseconds.
async fn consume(page_len: usize) {
    assert_eq!(page_len, 10);
    tokio::task::spawn_blocking(|| std::thread::sleep(PAGE_WORK))
        .await
        .unwrap();
}

fn pagination(runs: usize) -> Vec<String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let server = Server::start(PAGES * 10, PAGE_WORK);
    let client = &server.client();
    let (http, server) = (&reqwest::Client::new(), &server);
    let hand_loop = move || async move {
        let started = Instant::now();
        let mut body = body();
        let mut pages = 0;
        loop {
            let page = raw_search(http, server, &body).await;
            pages += 1;
            consume(page.data.len()).await;
            if !page.has_more.unwrap_or(false) {
                break;
            }
            body.starting_after = page.data.last().map(|c| c.id.clone());
        }
        assert_eq!(pages, PAGES);
        started.elapsed().as_secs_f64()
    };
    let stream = move |read_ahead: bool| async move {
        let started = Instant::now();
        let mut pages = client
            .search_customers_post()
            .body(body())
            .paginate()
            .read_ahead(read_ahead)
            .pages();
        let mut count = 0;
        while let Some(page) = pages.try_next().await.unwrap() {
            count += 1;
            consume(page.data.len()).await;
        }
        assert_eq!(count, PAGES);
        started.elapsed().as_secs_f64()
    };
    let (l, p, a) = loop_against_streams(&runtime, runs, hand_loop, stream);
    // What one page really costs each side: the server's 5 ms plus the request
    // itself, and the consumer's 5 ms plus its hand-off to the blocking pool;
    // and the same page from a server without the 5 ms (the request's own cost).
    let server_page = median_time(&runtime, 50, || search_once(client));
    let consumer_page = median_time(&runtime, 50, || consume(10));
    let instant_page = {
        let instant = Server::start(PAGES * 10, Duration::ZERO);
        let client = &instant.client();
        median_time(&runtime, 50, || search_once(client))
    };
    let nominal = PAGES as f64 * PAGE_WORK.as_secs_f64();
    let measured = PAGES as f64 * server_page.max(consumer_page);
    let met = |ideal: f64| {
        if a.median <= 1.1 * ideal {
            "met"
        } else {
            "missed"
        }
    };
    vec![
        format!(
            "| 2. pagination, 200 pages, server 5 ms + consumer 5 ms per page | hand-written loop {:.3} s ({:.3}–{:.3}) | 1.00× | |",
            l.median, l.min, l.max
        ),
        format!(
            "| | SDK stream {:.3} s ({:.3}–{:.3}) | {:.2}× the loop | |",
            p.median,
            p.min,
            p.max,
            p.median / l.median
        ),
        format!(
            "| | SDK stream + read-ahead {:.3} s ({:.3}–{:.3}) | {:.2}× the loop | |",
            a.median,
            a.min,
            a.max,
            a.median / l.median
        ),
        format!(
            "| | read-ahead vs pages × max(server, consumer), nominal 5 ms: {nominal:.2} s | **{:.3}×** | ≤ 1.1×: {} |",
            a.median / nominal,
            met(nominal)
        ),
        format!(
            "| | read-ahead vs pages × max(server, consumer), measured (server {:.2} ms, consumer {:.2} ms per page): {measured:.2} s | **{:.3}×** | ≤ 1.1×: {} |",
            server_page * 1e3,
            consumer_page * 1e3,
            a.median / measured,
            met(measured)
        ),
        format!(
            "| | breakdown: one page costs {:.2} ms from a server without the 5 ms, {:.2} ms with it | | |",
            instant_page * 1e3,
            server_page * 1e3
        ),
    ]
}

fn memory_child(count: usize) {
    child_runtime().block_on(async {
        let fake = FakeImprint::builder()
            .customers(count)
            .seed(SEED)
            .start()
            .await
            .unwrap();
        let client = fake.client().unwrap();
        let mut items = client
            .search_customers_post()
            .body(body())
            .paginate()
            .page_size(100.try_into().unwrap())
            .items();
        let mut seen = 0;
        while let Some(customer) = items.try_next().await.unwrap() {
            seen += customer.id.len().min(1);
        }
        assert_eq!(seen, count);
    });
    println!("{}", peak_kib());
}

fn memory(runs: usize) -> Vec<String> {
    let measure = |count: usize| child_mib(&["--memory", &count.to_string()]);
    let (mut small, mut large) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        small.push(measure(10_000));
        large.push(measure(100_000));
    }
    let (s, l) = (stats(small), stats(large));
    let ratio = l.median / s.median;
    let met = if ratio <= 1.2 { "met" } else { "missed" };
    vec![format!(
        "| 3. memory, peak RSS streaming customers, 100 per page | 10k: {:.1} MiB ({:.1}–{:.1}); 100k: {:.1} MiB ({:.1}–{:.1}) | **{ratio:.3}×** | ≤ 1.2×: {met} |",
        s.median, s.min, s.max, l.median, l.min, l.max
    )]
}

/// Runs this benchmark as a child with `args` and reads the peak RSS (KiB) it
/// prints, in MiB.
fn child_mib(args: &[&str]) -> f64 {
    let output = Command::new(std::env::current_exe().unwrap())
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .trim()
        .parse::<f64>()
        .unwrap()
        / 1024.0
}

/// Peak resident memory of this process so far, in KiB.
fn peak_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok())
        .unwrap()
}

/// A child process: a local server answers one search with a `mib` MiB body
/// (chunked, no length given), read by the SDK with its default body limit or
/// by hand-written reqwest; prints the peak resident memory in KiB.
/// A child process's runtime: one thread, as the parent measures one process.
fn child_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// Serves `app` on a loopback port from a task of its own; its base URL.
async fn serve_locally(app: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    base
}

fn oversized_child(who: &str, mib: usize) {
    child_runtime().block_on(async {
        let app = axum::Router::new().fallback(move || async move {
            let chunk = axum::body::Bytes::from(vec![b' '; 64 * 1024]);
            let chunks = futures::stream::iter(
                (0..mib * 16).map(move |_| Ok::<_, std::io::Error>(chunk.clone())),
            );
            axum::body::Body::from_stream(chunks)
        });
        let base = serve_locally(app).await;
        match who {
            "sdk" => {
                let client = imprint::Client::builder()
                    .api_key("k")
                    .base_url(&base)
                    .retry_policy(imprint::RetryPolicy::disabled())
                    .build()
                    .unwrap();
                let result = client.search_customers().call().await;
                assert!(
                    matches!(result, Err(imprint::Error::BodyTooLarge { .. })),
                    "{result:?}"
                );
            }
            _ => {
                let body = reqwest::Client::new()
                    .get(format!("{base}/v2/customers"))
                    .send()
                    .await
                    .unwrap()
                    .bytes()
                    .await
                    .unwrap();
                assert_eq!(body.len(), mib << 20);
            }
        }
    });
    println!("{}", peak_kib());
}

fn body_limit(runs: usize) -> Vec<String> {
    let measure = |who: &str, mib: usize| child_mib(&["--oversized", who, &mib.to_string()]);
    let mut rows = Vec::new();
    for mib in [128, 512] {
        let (mut sdk, mut raw) = (Vec::new(), Vec::new());
        for _ in 0..runs.min(3) {
            sdk.push(measure("sdk", mib));
            raw.push(measure("raw", mib));
        }
        let (s, r) = (stats(sdk), stats(raw));
        let bound = 32.0 + 32.0;
        let met = if s.median <= bound { "met" } else { "missed" };
        rows.push(format!(
            "| 7. body limit, peak RSS, a {mib} MiB success body (SDK: default 32 MiB limit, refused) | SDK {:.1} MiB ({:.1}–{:.1}) vs reqwest reading it all {:.1} MiB ({:.1}–{:.1}) | **{:.3}×** | SDK ≤ {bound:.0} MiB (limit + runtime): {met} |",
            s.median, s.min, s.max, r.median, r.min, r.max, s.median / r.median
        ));
    }
    rows
}

/// A child process: streams `pages` pages, one customer each, from a local
/// server that always says `has_more` and gives every page a fresh id of
/// `MAX_CURSOR_BYTES` bytes; prints the peak resident memory in KiB.
fn cursor_memory_child(pages: u64) {
    child_runtime().block_on(async {
        let served = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let app = axum::Router::new().fallback(move || {
            let n = served.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            async move {
                let suffix = n.to_string();
                let id = "0".repeat(imprint::pagination::MAX_CURSOR_BYTES - suffix.len()) + &suffix;
                axum::Json(serde_json::json!({ "data": [{ "id": id }], "has_more": true }))
            }
        });
        let base = serve_locally(app).await;
        let client = imprint::Client::builder()
            .api_key("k")
            .base_url(&base)
            .build()
            .unwrap();
        let count = client
            .search_customers()
            .paginate()
            .max_pages(pages)
            .items()
            .try_fold(0u64, |n, _| async move { Ok(n + 1) })
            .await
            .unwrap();
        assert_eq!(count, pages);
    });
    println!("{}", peak_kib());
}

fn cursor_memory(runs: usize) -> Vec<String> {
    let measure = |pages: u64| child_mib(&["--cursor-memory", &pages.to_string()]);
    let (mut few, mut many) = (Vec::new(), Vec::new());
    for _ in 0..runs.min(3) {
        few.push(measure(1_000));
        many.push(measure(10_000));
    }
    let (f, m) = (stats(few), stats(many));
    // What the stream keeps per page, whatever the ids' length: a digest and a
    // page number in the cursor map (before digests, each id was kept whole).
    let per_page = (m.median - f.median) * 1024.0 * 1024.0 / 9_000.0;
    let id = imprint::pagination::MAX_CURSOR_BYTES;
    let met = if per_page < id as f64 / 8.0 {
        "met"
    } else {
        "missed"
    };
    vec![format!(
        "| 8. cursor memory, peak RSS, endless pages of fresh {id} B ids | 1k pages: {:.1} MiB ({:.1}–{:.1}); 10k pages: {:.1} MiB ({:.1}–{:.1}) | **{per_page:.0} B per page** | under an eighth of the id ({} B): {met} |",
        f.median,
        f.min,
        f.max,
        m.median,
        m.min,
        m.max,
        id / 8
    )]
}

fn timed(program: &str, args: &[&str], env: &[(&str, &str)]) -> f64 {
    let started = Instant::now();
    let status = Command::new(program)
        .args(args)
        .envs(env.iter().copied())
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "{program} {args:?} failed");
    started.elapsed().as_secs_f64()
}

fn codegen(runs: usize) -> Vec<String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap();
    std::env::set_current_dir(root).unwrap();
    timed("cargo", &["build", "-q", "-p", "xtask"], &[]);
    let generate: Vec<f64> = (0..runs)
        .map(|_| timed("cargo", &["xtask", "codegen"], &[]))
        .collect();
    let check: Vec<f64> = (0..runs)
        .map(|_| timed("cargo", &["xtask", "codegen", "--check"], &[]))
        .collect();
    let scratch = std::env::temp_dir().join("imprint-bench-target");
    let _ = std::fs::remove_dir_all(&scratch);
    let target = scratch.to_string_lossy().into_owned();
    let clean = timed(
        "cargo",
        &["build", "-q", "-p", "imprint-sdk"],
        &[("CARGO_TARGET_DIR", &target)],
    );
    timed(
        "cargo",
        &["clean", "-q", "-p", "imprint-sdk"],
        &[("CARGO_TARGET_DIR", &target)],
    );
    let sdk_only = timed(
        "cargo",
        &["build", "-q", "-p", "imprint-sdk"],
        &[("CARGO_TARGET_DIR", &target)],
    );
    let _ = std::fs::remove_dir_all(&scratch);
    let lines: usize = ["types/src/generated", "sdk/src/generated"]
        .iter()
        .flat_map(|folder| std::fs::read_dir(root.join(folder)).unwrap())
        .map(|entry| std::fs::read_to_string(entry.unwrap().path()).unwrap())
        .map(|text| text.lines().count())
        .sum();
    let (g, c) = (stats(generate), stats(check));
    vec![
        format!(
            "| 4. `cargo xtask codegen` (xtask built) | {:.2} s ({:.2}–{:.2}) | | |",
            g.median, g.min, g.max
        ),
        format!(
            "| `cargo xtask codegen --check` | {:.2} s ({:.2}–{:.2}) | | |",
            c.median, c.min, c.max
        ),
        format!("| clean debug build of imprint-sdk, dependencies included | {clean:.1} s | | |"),
        format!(
            "| clean debug build of the imprint-sdk crate alone (dependencies built) | {sdk_only:.1} s | | |"
        ),
        format!(
            "| generated code (`types/src/generated/`, `sdk/src/generated/`) | {lines} lines | | |"
        ),
    ]
}

/// Whether `--telemetry` installed a subscriber and a recorder.
static TELEMETRY: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// A subscriber at INFO that formats what it receives into a sink, and a
/// recorder that keeps every metric: the SDK's spans and metrics cost what they
/// cost in an application that records them.
fn install_telemetry() {
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::sink)
                .with_filter(tracing_subscriber::filter::LevelFilter::INFO),
        )
        .init();
    metrics_util::debugging::DebuggingRecorder::new()
        .install()
        .unwrap();
    TELEMETRY.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// One benchmark section: runs it `runs` times, returns table rows.
type Section = fn(usize) -> Vec<String>;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--memory") {
        memory_child(args[i + 1].parse().unwrap());
        return;
    }
    if let Some(i) = args.iter().position(|a| a == "--instructions") {
        instructions_child(&args[i + 1], args[i + 2].parse().unwrap());
        return;
    }
    if let Some(i) = args.iter().position(|a| a == "--oversized") {
        oversized_child(&args[i + 1], args[i + 2].parse().unwrap());
        return;
    }
    if let Some(i) = args.iter().position(|a| a == "--cursor-memory") {
        cursor_memory_child(args[i + 1].parse().unwrap());
        return;
    }
    if args.iter().any(|a| a == "--telemetry") {
        if !cfg!(feature = "telemetry") {
            eprintln!(
                "--telemetry records the SDK's metrics, which need its `metrics` feature: \
                 cargo bench -p imprint-bench --features telemetry -- --telemetry"
            );
            std::process::exit(2);
        }
        install_telemetry();
    }
    let runs = 7;
    let all: [(&str, Section); 9] = [
        ("overhead", overhead),
        ("pagination", pagination),
        ("memory", memory),
        ("codegen", codegen),
        ("streaming", streaming),
        ("instructions", instructions),
        ("body-limit", body_limit),
        ("cursor-memory", cursor_memory),
        ("webhook", imprint_bench::webhook::section),
    ];
    // Sections 1-3, 5 and 7-9 by default; `--codegen` adds 4, `--callgrind` 6;
    // `--only <name>` runs one.
    let only = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| args.get(i + 1));
    let with_codegen = args.iter().any(|a| a == "--codegen");
    let with_instructions = args.iter().any(|a| a == "--callgrind");
    let sections: Vec<Section> = all
        .into_iter()
        .filter(|(name, _)| match only {
            Some(wanted) => name == wanted,
            None => match *name {
                "codegen" => with_codegen,
                "instructions" => with_instructions,
                _ => true,
            },
        })
        .map(|(_, section)| section)
        .collect();
    println!("| measurement | result: median (min–max) of {runs} runs | ratio | target |");
    println!("|---|---|---|---|");
    for section in sections {
        for row in section(runs) {
            println!("{row}");
        }
    }
}
