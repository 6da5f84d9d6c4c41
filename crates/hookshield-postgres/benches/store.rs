//! [`PgStore`] against a bare `SELECT 1` round trip on the same server, in the same run: what
//! each step of an event costs, and how many round trips and statements it takes.
//!
//! Needs a PostgreSQL: the URL is read from `HOOKSHIELD_POSTGRES_URL` (unset: the bench says
//! so and measures nothing, so `cargo bench` and `cargo test --all-targets` pass without a
//! database). Use a cluster of its own (`scripts/postgres_bench.sh` starts one with
//! `pg_stat_statements` preloaded): the statement counts reset and read the server's
//! `pg_stat_statements`, so other clients' statements would be counted too.
//!
//! Figures (group `postgres-store`), each on two pools made the same way but for one
//! setting: `default-…` is `PgPool::connect(url)` (sqlx's `test_before_acquire` is on: each
//! acquire of an idle connection first sends a `Sync` and waits for the answer, one more
//! round trip per statement), and `no-ping-…` is
//! `PgPoolOptions::new().test_before_acquire(false)`, as the crate's documentation
//! recommends for the store's pool. Ids are unique across the run, formatted before the
//! clock starts; one event at a time (latency, not throughput):
//!
//! - `select-1-held-connection`: `SELECT 1` on one connection held for the whole sample,
//!   no pool in the way: one bare loopback round trip, the baseline of every ratio.
//! - `<pool>-select-1`: `SELECT 1` on the pool (acquire, the ping if on, the statement).
//! - `<pool>-reserve-commit-new`: `reserve` of a fresh id, then `commit` (a new event).
//! - `<pool>-reserve-done`: `reserve` of an id already handled: a duplicate copy.
//! - `<pool>-release`: `release` of a reservation just taken (the `reserve` before it is not
//!   timed): a handler that failed.
//! - `<pool>-user-tx`: `BEGIN; INSERT …; COMMIT` on the pool, the handler's own
//!   transaction without hookshield (one business row).
//! - `<pool>-inbox-reserve-tx`: `ReplayGuard::admit` (one reserve), then the same
//!   transaction, no mark: the baseline of `inbox-event` (the ticket is settled, which
//!   commits, after the clock stops).
//! - `<pool>-inbox-mark-only`: `Inbox::mark_handled` alone, timed by itself inside the
//!   transaction (a difference of two figures measured one after the other is noisy).
//! - `<pool>-inbox-event`: the whole inbox event as the tower layer runs it, on the path
//!   the crate documents: admit, the claim, `BEGIN; INSERT`, `Inbox::commit(transaction)`
//!   (the mark, then `COMMIT`), then `Ticket::settle(true)`, which sends nothing.
//! - `<pool>-inbox-event-own-commit`: the same on the older path, `mark_handled` then the
//!   handler's own `transaction.commit()`: `Ticket::settle(true)` then releases,
//!   owner-checked, what the transaction left in flight (a statement that finds nothing).
//! - `<pool>-inbox-settle-own-commit`: that settle alone, after the older path's
//!   transaction committed: what `Inbox::commit` saves.
//!
//! Before measuring (under `cargo bench` only, not in criterion's test mode), the bench
//! counts, over [`EVENTS`] events of each kind and for each pool setting:
//!
//! - round trips, for real: the pools connect through a TCP proxy in this process that
//!   counts the client's *flights* (bytes sent after the server last spoke, so each is one
//!   wait for an answer), and the bytes each way;
//! - statements, from `pg_stat_statements` (when the server preloads it: `calls` per
//!   statement, and the server's mean execution time of each), reset before each phase;
//!   as a superuser, the counting connections also turn `pg_stat_statements.track_planning`
//!   on for themselves, which tells how often each statement is planned, and how long that
//!   takes (a prepared statement normally switches to a generic plan after five runs).
//!
//! Everything runs on one current-thread Tokio runtime through criterion's `to_async`. The
//! store is built `without_sweeper()` (the sweeper runs every 5 minutes, not per event).
//!
//! Run: `scripts/postgres_bench.sh` (a cluster of its own, this bench, the tables).
// A benchmark whose store breaks its contract must stop, not measure something else.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::hint::black_box;
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion};
use hookshield_core::replay::{
    Admission, OwnerToken, ReplayGuard, ReplayKey, ReplayStore, Reservation, Ticket,
};
use hookshield_postgres::{Inbox, PgStore};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgPool, Postgres, Transaction};
use tokio::runtime::Runtime;

#[path = "../../hookshield-core/benches/support/ids.rs"]
mod ids;

use ids::{LEASE, TTL, delivery_id, fresh_ids, reserve_commit};

/// The bench's namespaces start with this, so its rows are easy to find (and delete).
const PREFIX: &str = "hookshield-bench";
/// How many events each counted phase runs.
const EVENTS: u64 = 1_000;
/// The handler's business table (one row per event).
const BUSINESS_TABLE: &str = "CREATE TABLE IF NOT EXISTS hookshield_bench_credits (
    id bigserial PRIMARY KEY,
    event_id text NOT NULL,
    credits bigint NOT NULL
)";
/// The handler's one business statement.
const INSERT: &str = "INSERT INTO hookshield_bench_credits (event_id, credits) VALUES ($1, $2)";
/// The criterion group.
const GROUP: &str = "postgres-store";
/// The baseline of every ratio.
const FLOOR: &str = "select-1-held-connection";

/// The two pool settings compared.
#[derive(Debug, Clone, Copy)]
enum Setting {
    /// `PgPool::connect(url)`: sqlx's defaults, `test_before_acquire` on.
    Default,
    /// `test_before_acquire(false)`: no ping before each statement.
    NoPing,
}

impl Setting {
    const ALL: [Self; 2] = [Self::Default, Self::NoPing];

    fn name(self) -> &'static str {
        match self {
            Self::Default => "default",
            Self::NoPing => "no-ping",
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Self::Default => "PgPool::connect (test_before_acquire on: a ping per acquire)",
            Self::NoPing => "PgPoolOptions::new().test_before_acquire(false)",
        }
    }

    async fn pool(self, options: PgConnectOptions) -> PgPool {
        match self {
            Self::Default => PgPool::connect_with(options).await.unwrap(),
            Self::NoPing => PgPoolOptions::new()
                .test_before_acquire(false)
                .connect_with(options)
                .await
                .unwrap(),
        }
    }
}

/// How the handler ends its inbox transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Path {
    /// `inbox.commit(transaction)`: the mark, then `COMMIT`; the ticket then sends nothing
    /// after the handler (the documented path).
    InboxCommit,
    /// `inbox.mark_handled(&mut transaction)`, then `transaction.commit()`: the ticket then
    /// releases, owner-checked, what the transaction left in flight (nothing).
    MarkThenCommit,
}

impl Path {
    async fn finish(self, inbox: &Inbox, mut transaction: Transaction<'static, Postgres>) {
        match self {
            Self::InboxCommit => inbox.commit(transaction).await.unwrap(),
            Self::MarkThenCommit => {
                inbox.mark_handled(&mut transaction).await.unwrap();
                transaction.commit().await.unwrap();
            }
        }
    }

    /// What `Ticket::settle(true)` answers after the handler's transaction committed: `true`
    /// without a statement once `Inbox::commit` said so; otherwise whether its release
    /// found anything left in flight (nothing).
    fn settled(self) -> bool {
        self == Self::InboxCommit
    }
}

/// A store, its pool, and a guard over it for the inbox figures.
struct Fixture {
    setting: Setting,
    pool: PgPool,
    store: PgStore,
    guard: ReplayGuard<PgStore>,
}

impl Fixture {
    /// A fixture on a pool of `setting` connecting with `options`; ids go to `namespace`.
    async fn new(setting: Setting, options: PgConnectOptions, namespace: &str) -> Self {
        let pool = setting.pool(options).await;
        let store = PgStore::builder(pool.clone())
            .without_sweeper()
            .build()
            .unwrap();
        let guard = ReplayGuard::new(store.clone(), namespace, TTL).unwrap();
        Self {
            setting,
            pool,
            store,
            guard,
        }
    }

    fn name(&self, figure: &str) -> String {
        format!("{}-{figure}", self.setting.name())
    }

    /// Reserves `id` through the guard (one reserve) and answers its ticket.
    async fn admit(&self, id: &str) -> Ticket<PgStore> {
        match self.guard.admit(id).await.unwrap() {
            Admission::Run(ticket) => ticket,
            Admission::Duplicate => panic!("a new id is admitted"),
        }
    }

    /// Reserves `id` and its content digest through the guard (two reserves, as for a
    /// delivery whose id is not signed) and answers its ticket.
    async fn admit_with_digest(&self, id: &str) -> Ticket<PgStore> {
        let digest = format!("sha256:{id}");
        match self.guard.admit_with_digest(id, &digest).await.unwrap() {
            Admission::Run(ticket) => ticket,
            Admission::Duplicate => panic!("a new id is admitted"),
        }
    }

    /// The handler's transaction without hookshield: one business row, `COMMIT`.
    async fn user_tx(&self, id: &str) {
        self.begin_insert(id).await.commit().await.unwrap();
    }

    /// `BEGIN` and the handler's business row.
    async fn begin_insert(&self, id: &str) -> Transaction<'static, Postgres> {
        let mut transaction = self.pool.begin().await.unwrap();
        sqlx::query(INSERT)
            .bind(id)
            .bind(1_i64)
            .execute(&mut *transaction)
            .await
            .unwrap();
        transaction
    }

    /// The handler's part of an inbox event: the transaction with the business row, ended
    /// by `path`.
    async fn inbox_tx(&self, id: &str, ticket: &mut Ticket<PgStore>, path: Path) {
        let inbox = Inbox::new(ticket.claim().expect("a protected event has a claim"));
        let transaction = self.begin_insert(id).await;
        path.finish(&inbox, transaction).await;
    }

    /// An inbox event as the tower layer runs it: admit, the handler's transaction ended by
    /// `path`, then the ticket settled as a success.
    async fn inbox_event(&self, id: &str, path: Path) {
        let mut ticket = self.admit(id).await;
        self.inbox_tx(id, &mut ticket, path).await;
        assert_eq!(ticket.settle(true).await.unwrap(), path.settled());
    }

    /// The same for an event that holds its content digest's reservation too.
    async fn inbox_event_with_digest(&self, id: &str, path: Path) {
        let mut ticket = self.admit_with_digest(id).await;
        self.inbox_tx(id, &mut ticket, path).await;
        assert_eq!(ticket.settle(true).await.unwrap(), path.settled());
    }

    /// `reserve` then `release` of a fresh id; answers the time of the release alone.
    async fn reserve_release(&self, namespace: &str, id: &str) -> Duration {
        let key = ReplayKey::new(namespace, id);
        let Ok(Reservation::Acquired(owner)) = self.store.reserve(key, LEASE).await else {
            panic!("a new id is acquired");
        };
        let start = Instant::now();
        assert!(self.store.release(key, &owner).await.unwrap());
        start.elapsed()
    }
}

async fn select_1<'c, E: sqlx::PgExecutor<'c>>(executor: E) -> i32 {
    sqlx::query_scalar::<_, i32>("SELECT 1")
        .fetch_one(executor)
        .await
        .unwrap()
}

/// Marks `id` done and checks that reserving it again answers so.
async fn make_done<S: ReplayStore>(store: &S, namespace: &str, id: &str) {
    reserve_commit(store, namespace, &[id.to_owned()]).await;
    let key = ReplayKey::new(namespace, id);
    assert_eq!(store.reserve(key, LEASE).await.unwrap(), Reservation::Done);
}

/// Every figure of one pool setting.
fn bench_setting(
    group: &mut BenchmarkGroup<'_, WallTime>,
    runtime: &Runtime,
    fixture: &Fixture,
    namespace: &str,
    next: &mut u64,
) {
    let pool = &fixture.pool;
    group.bench_function(fixture.name("select-1"), |b| {
        b.to_async(runtime).iter(|| select_1(pool));
    });

    let store = &fixture.store;
    group.bench_function(fixture.name("reserve-commit-new"), |b| {
        b.to_async(runtime).iter_custom(|iters| {
            let ids = fresh_ids(next, iters);
            async move {
                let start = Instant::now();
                reserve_commit(store, namespace, &ids).await;
                let elapsed = start.elapsed();
                drop(black_box(ids));
                elapsed
            }
        });
    });

    let done = delivery_id(*next);
    *next = next.saturating_add(1);
    let key = ReplayKey::new(namespace, &done);
    runtime.block_on(make_done(store, namespace, &done));
    group.bench_function(fixture.name("reserve-done"), |b| {
        b.to_async(runtime).iter(|| async {
            let found = store.reserve(black_box(key), LEASE).await.unwrap();
            assert_eq!(found, Reservation::Done);
        });
    });

    group.bench_function(fixture.name("release"), |b| {
        b.to_async(runtime).iter_custom(|iters| {
            let ids = fresh_ids(next, iters);
            async move {
                let mut elapsed = Duration::ZERO;
                for id in &ids {
                    elapsed = elapsed.saturating_add(fixture.reserve_release(namespace, id).await);
                }
                elapsed
            }
        });
    });

    group.bench_function(fixture.name("user-tx"), |b| {
        b.to_async(runtime).iter_custom(|iters| {
            let ids = fresh_ids(next, iters);
            async move {
                let start = Instant::now();
                for id in &ids {
                    fixture.user_tx(id).await;
                }
                start.elapsed()
            }
        });
    });

    group.bench_function(fixture.name("inbox-reserve-tx"), |b| {
        b.to_async(runtime).iter_custom(|iters| {
            let ids = fresh_ids(next, iters);
            async move {
                let mut elapsed = Duration::ZERO;
                for id in &ids {
                    let start = Instant::now();
                    let ticket = fixture.admit(id).await;
                    fixture.user_tx(id).await;
                    elapsed = elapsed.saturating_add(start.elapsed());
                    // Not timed: the ticket's commit.
                    assert!(ticket.settle(true).await.unwrap());
                }
                elapsed
            }
        });
    });

    group.bench_function(fixture.name("inbox-mark-only"), |b| {
        b.to_async(runtime).iter_custom(|iters| {
            let ids = fresh_ids(next, iters);
            async move {
                let mut elapsed = Duration::ZERO;
                for id in &ids {
                    let mut ticket = fixture.admit(id).await;
                    let inbox = Inbox::new(ticket.claim().unwrap());
                    let mut transaction = fixture.begin_insert(id).await;
                    let start = Instant::now();
                    inbox.mark_handled(&mut transaction).await.unwrap();
                    elapsed = elapsed.saturating_add(start.elapsed());
                    // Not timed: `commit` marks again (harmless in one transaction) and commits;
                    // the ticket then sends nothing.
                    inbox.commit(transaction).await.unwrap();
                    assert!(ticket.settle(true).await.unwrap());
                }
                elapsed
            }
        });
    });

    for (figure, path) in [
        ("inbox-event", Path::InboxCommit),
        ("inbox-event-own-commit", Path::MarkThenCommit),
    ] {
        group.bench_function(fixture.name(figure), |b| {
            b.to_async(runtime).iter_custom(|iters| {
                let ids = fresh_ids(next, iters);
                async move {
                    let start = Instant::now();
                    for id in &ids {
                        fixture.inbox_event(id, path).await;
                    }
                    start.elapsed()
                }
            });
        });
    }

    group.bench_function(fixture.name("inbox-settle-own-commit"), |b| {
        b.to_async(runtime).iter_custom(|iters| {
            let ids = fresh_ids(next, iters);
            async move {
                let mut elapsed = Duration::ZERO;
                for id in &ids {
                    let mut ticket = fixture.admit(id).await;
                    fixture
                        .inbox_tx(id, &mut ticket, Path::MarkThenCommit)
                        .await;
                    let start = Instant::now();
                    assert!(!ticket.settle(true).await.unwrap());
                    elapsed = elapsed.saturating_add(start.elapsed());
                }
                elapsed
            }
        });
    });
}

/// A TCP proxy that counts the client's flights: the client's bytes that follow an answer
/// of the server (or open the connection) start a flight, so each flight is one wait for
/// the server, one round trip. Runs on threads of its own until the process ends.
#[derive(Debug)]
struct CountingProxy {
    address: SocketAddr,
    counts: Arc<Counts>,
}

#[derive(Debug, Default)]
struct Counts {
    flights: AtomicU64,
    sent: AtomicU64,
    received: AtomicU64,
}

/// What the proxy counted so far.
#[derive(Debug, Clone, Copy, Default)]
struct Traffic {
    flights: u64,
    sent: u64,
    received: u64,
}

impl Traffic {
    fn since(self, before: Self) -> Self {
        Self {
            flights: self.flights.checked_sub(before.flights).unwrap(),
            sent: self.sent.checked_sub(before.sent).unwrap(),
            received: self.received.checked_sub(before.received).unwrap(),
        }
    }
}

impl CountingProxy {
    fn start(server: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        let counts = Arc::new(Counts::default());
        let shared = Arc::clone(&counts);
        std::thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { continue };
                let server = TcpStream::connect(server).unwrap();
                for stream in [&client, &server] {
                    stream.set_nodelay(true).unwrap();
                }
                // The server spoke last: the client's first bytes start a flight.
                let server_spoke = Arc::new(AtomicBool::new(true));
                let up = (client.try_clone().unwrap(), server.try_clone().unwrap());
                let (counts, spoke) = (Arc::clone(&shared), Arc::clone(&server_spoke));
                std::thread::spawn(move || pipe(up.0, up.1, true, &spoke, &counts));
                let (counts, spoke) = (Arc::clone(&shared), server_spoke);
                std::thread::spawn(move || pipe(server, client, false, &spoke, &counts));
            }
        });
        Self { address, counts }
    }

    fn traffic(&self) -> Traffic {
        Traffic {
            flights: self.counts.flights.load(Ordering::SeqCst),
            sent: self.counts.sent.load(Ordering::SeqCst),
            received: self.counts.received.load(Ordering::SeqCst),
        }
    }
}

/// Copies `from` to `to`, counting. `up`: client to server.
fn pipe(mut from: TcpStream, mut to: TcpStream, up: bool, spoke: &AtomicBool, counts: &Counts) {
    let mut buffer = vec![0_u8; 64 * 1024];
    loop {
        let read = match from.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(read) => read,
        };
        let bytes = u64::try_from(read).unwrap();
        if up {
            if spoke.swap(false, Ordering::SeqCst) {
                counts.flights.fetch_add(1, Ordering::SeqCst);
            }
            counts.sent.fetch_add(bytes, Ordering::SeqCst);
        } else {
            // Set before the answer is passed on, so the client's next request, which
            // waits for it, is seen after it.
            spoke.store(true, Ordering::SeqCst);
            counts.received.fetch_add(bytes, Ordering::SeqCst);
        }
        if to.write_all(buffer.get(..read).unwrap()).is_err() {
            break;
        }
    }
    drop(to.shutdown(Shutdown::Write));
}

/// What `pg_stat_statements` can tell on this server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StatementStats {
    /// Not preloaded: round trips only.
    Off,
    /// Calls and execution times.
    Calls,
    /// Calls, execution and planning times: the counting connections turn
    /// `pg_stat_statements.track_planning` on for themselves (a superuser's setting).
    Planning,
}

/// `pg_stat_statements` on the server, if it is preloaded (the extension is created in the
/// bench's database if missing).
async fn statement_stats(pool: &PgPool) -> StatementStats {
    let preload: String = sqlx::query_scalar("SELECT current_setting('shared_preload_libraries')")
        .fetch_one(pool)
        .await
        .unwrap();
    if !preload.split(',').any(|l| l.trim() == "pg_stat_statements") {
        return StatementStats::Off;
    }
    let created = sqlx::query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        .execute(pool)
        .await;
    if created.is_err() {
        return StatementStats::Off;
    }
    let superuser: bool =
        sqlx::query_scalar("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            .fetch_one(pool)
            .await
            .unwrap();
    if superuser {
        StatementStats::Planning
    } else {
        StatementStats::Calls
    }
}

/// A short name for a statement `pg_stat_statements` saw (it shows the text with its
/// constants replaced by parameters). The store's commit and the inbox mark of one
/// reservation are the same text, so one entry: in an inbox phase it is the mark (the
/// ticket does not commit what the handler marked).
fn label(query: &str) -> String {
    let query = query.split_whitespace().collect::<Vec<_>>().join(" ");
    let name = if query.starts_with("WITH live AS") {
        "reserve (INSERT … ON CONFLICT)"
    } else if query.starts_with("UPDATE hookshield_events") && query.contains(" OR ") {
        "mark of id + content (UPDATE … OR …)"
    } else if query.starts_with("UPDATE hookshield_events") {
        "commit or mark (UPDATE)"
    } else if query.starts_with("DELETE FROM hookshield_events") {
        "release (DELETE)"
    } else if query.starts_with("INSERT INTO hookshield_bench_credits") {
        "business INSERT"
    } else {
        return query;
    };
    name.to_owned()
}

/// What `pg_stat_statements` says of one statement.
#[derive(Debug, Default, Clone, Copy)]
struct Seen {
    calls: u64,
    /// Total execution time, ms.
    exec_ms: f64,
    /// How many times it was planned (0 without `track_planning`).
    plans: u64,
    /// Total planning time, ms.
    plan_ms: f64,
}

/// Per statement, by [`label`].
type Statements = BTreeMap<String, Seen>;

async fn read_statements(pool: &PgPool) -> Statements {
    let rows: Vec<(String, i64, f64, i64, f64)> = sqlx::query_as(
        "SELECT query, calls, total_exec_time, plans, total_plan_time FROM pg_stat_statements
         WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
           AND query NOT LIKE '%pg_stat_statements%'",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let mut statements = Statements::new();
    for (query, calls, exec_ms, plans, plan_ms) in rows {
        let entry = statements.entry(label(&query)).or_default();
        entry.calls = entry.calls.saturating_add(u64::try_from(calls).unwrap());
        entry.exec_ms += exec_ms;
        entry.plans = entry.plans.saturating_add(u64::try_from(plans).unwrap());
        entry.plan_ms += plan_ms;
    }
    statements
}

/// Lossless for the counts here (far below 2^53).
#[allow(clippy::cast_precision_loss)]
fn per(count: u64, events: u64) -> f64 {
    count as f64 / events as f64
}

/// One counted phase of `events` events: the proxy's counts and the server's statements.
async fn count_phase<F: Future<Output = ()>>(
    proxy: &CountingProxy,
    direct: &PgPool,
    statements: StatementStats,
    events: u64,
    work: F,
) -> (Traffic, Option<Statements>) {
    let statements = statements != StatementStats::Off;
    if statements {
        sqlx::query("SELECT pg_stat_statements_reset()")
            .execute(direct)
            .await
            .unwrap();
    }
    let before = proxy.traffic();
    work.await;
    let traffic = proxy.traffic().since(before);
    let seen = if statements {
        Some(read_statements(direct).await)
    } else {
        None
    };
    assert!(events > 0);
    (traffic, seen)
}

/// Statements per event, and each one's server times; `tracks_planning`: the plans were
/// counted.
fn statements_per_event(
    seen: Option<&Statements>,
    events: u64,
    tracks_planning: bool,
) -> (String, String) {
    let Some(seen) = seen else {
        return ("(no pg_stat_statements)".to_owned(), String::new());
    };
    let mut total = 0_u64;
    let mut parts = Vec::new();
    let mut times = Vec::new();
    for (name, seen) in seen {
        total = total.saturating_add(seen.calls);
        parts.push(format!("{name} {:.2}", per(seen.calls, events)));
        #[allow(clippy::cast_precision_loss)]
        let mean = |ms: f64, n: u64| ms * 1000.0 / n.max(1) as f64;
        let mut time = format!("{name} {:.1} µs", mean(seen.exec_ms, seen.calls));
        if tracks_planning {
            write!(
                time,
                " (planned {} times in {} calls",
                seen.plans, seen.calls
            )
            .unwrap();
            if seen.plans > 0 {
                write!(time, ", {:.1} µs per plan", mean(seen.plan_ms, seen.plans)).unwrap();
            }
            time.push(')');
        }
        times.push(time);
    }
    (
        format!("**{:.2}**: {}", per(total, events), parts.join(", ")),
        times.join(", "),
    )
}

/// The counts: for each pool setting, the plain event, a duplicate, a release, the
/// handler's transaction alone, the inbox event on both paths (`Inbox::commit`, and
/// `mark_handled` + the handler's own commit) and with a content digest (the mark of two
/// reservations); then the first event on a new connection.
fn count_round_trips(runtime: &Runtime, url: &str, server: SocketAddr, next: &mut u64) {
    let proxy = CountingProxy::start(server);
    let namespace = format!("{PREFIX}-count-{}", OwnerToken::random().to_hex());
    let namespace = namespace.as_str();
    runtime.block_on(async {
        let direct = PgPool::connect(url).await.unwrap();
        let statements = statement_stats(&direct).await;
        let mut through_proxy = PgConnectOptions::from_str(url)
            .unwrap()
            .host("127.0.0.1")
            .port(proxy.address.port());
        if statements == StatementStats::Planning {
            through_proxy = through_proxy.options([("pg_stat_statements.track_planning", "on")]);
        }
        if statements == StatementStats::Off {
            println!(
                "pg_stat_statements is not preloaded on this server: round trips only \
                 (scripts/postgres_bench.sh starts a cluster with it)"
            );
        }
        println!(
            "\nRound trips (client flights through a counting proxy) and statements \
             (pg_stat_statements calls) per event, {EVENTS} events per phase, one at a time, \
             after a warm-up:\n"
        );
        println!("| pool | phase | round trips | statements | bytes sent / received |");
        println!("| --- | --- | --- | --- | --- |");
        let mut server_times = Vec::new();
        for setting in Setting::ALL {
            let fixture = Fixture::new(setting, through_proxy.clone(), namespace).await;
            // Warm-up: connect, prepare every statement.
            for id in fresh_ids(next, 20) {
                reserve_commit(&fixture.store, namespace, std::slice::from_ref(&id)).await;
                fixture
                    .reserve_release(namespace, &delivery_id(*next))
                    .await;
                *next = next.saturating_add(1);
                fixture.user_tx(&id).await;
                for path in [Path::InboxCommit, Path::MarkThenCommit] {
                    fixture.inbox_event(&delivery_id(*next), path).await;
                    *next = next.saturating_add(1);
                    fixture
                        .inbox_event_with_digest(&delivery_id(*next), path)
                        .await;
                    *next = next.saturating_add(1);
                }
            }
            let done = delivery_id(*next);
            *next = next.saturating_add(1);
            make_done(&fixture.store, namespace, &done).await;

            let mut held = fixture.pool.acquire().await.unwrap();
            let phase = count_phase(&proxy, &direct, statements, EVENTS, async {
                for _ in 0..EVENTS {
                    black_box(select_1(&mut *held).await);
                }
            })
            .await;
            drop(held);
            let mut phases = vec![("`SELECT 1` on a held connection", phase)];

            let phase = count_phase(&proxy, &direct, statements, EVENTS, async {
                for _ in 0..EVENTS {
                    black_box(select_1(&fixture.pool).await);
                }
            })
            .await;
            phases.push(("`SELECT 1` on the pool", phase));

            let new = fresh_ids(next, EVENTS);
            let phase = count_phase(&proxy, &direct, statements, EVENTS, async {
                reserve_commit(&fixture.store, namespace, &new).await;
            })
            .await;
            phases.push(("new event: reserve + commit", phase));

            let key = ReplayKey::new(namespace, &done);
            let phase = count_phase(&proxy, &direct, statements, EVENTS, async {
                for _ in 0..EVENTS {
                    let found = fixture.store.reserve(key, LEASE).await.unwrap();
                    assert_eq!(found, Reservation::Done);
                }
            })
            .await;
            phases.push(("duplicate: reserve of a done id", phase));

            let ids = fresh_ids(next, EVENTS);
            let phase = count_phase(&proxy, &direct, statements, EVENTS, async {
                for id in &ids {
                    fixture.reserve_release(namespace, id).await;
                }
            })
            .await;
            phases.push(("failed handler: reserve + release", phase));

            let ids = fresh_ids(next, EVENTS);
            let phase = count_phase(&proxy, &direct, statements, EVENTS, async {
                for id in &ids {
                    fixture.user_tx(id).await;
                }
            })
            .await;
            phases.push(("handler's transaction alone: BEGIN; INSERT; COMMIT", phase));

            for (path, what) in [
                (
                    Path::InboxCommit,
                    "inbox event as the layer runs it, `Inbox::commit`: reserve; BEGIN; \
                     INSERT; mark; COMMIT; settle (nothing sent)",
                ),
                (
                    Path::MarkThenCommit,
                    "inbox event, older path: reserve; BEGIN; INSERT; `mark_handled`; \
                     `transaction.commit()`; settle (release)",
                ),
            ] {
                let ids = fresh_ids(next, EVENTS);
                let phase = count_phase(&proxy, &direct, statements, EVENTS, async {
                    for id in &ids {
                        fixture.inbox_event(id, path).await;
                    }
                })
                .await;
                phases.push((what, phase));
            }

            let ids = fresh_ids(next, EVENTS);
            let phase = count_phase(&proxy, &direct, statements, EVENTS, async {
                for id in &ids {
                    fixture.inbox_event_with_digest(id, Path::InboxCommit).await;
                }
            })
            .await;
            phases.push((
                "inbox event with a content digest, `Inbox::commit`: 2 reserves; BEGIN; \
                 INSERT; mark of both; COMMIT; settle (nothing sent)",
                phase,
            ));

            for (what, (traffic, seen)) in &phases {
                let (counts, times) = statements_per_event(
                    seen.as_ref(),
                    EVENTS,
                    statements == StatementStats::Planning,
                );
                println!(
                    "| {} | {what} | **{:.2}** | {counts} | {:.0} / {:.0} |",
                    setting.name(),
                    per(traffic.flights, EVENTS),
                    per(traffic.sent, EVENTS),
                    per(traffic.received, EVENTS),
                );
                if !times.is_empty() {
                    server_times.push(format!("{} / {what}: {times}", setting.name()));
                }
            }
            fixture.pool.close().await;
        }
        if !server_times.is_empty() {
            println!("\nServer execution time per statement (pg_stat_statements mean):");
            for line in server_times {
                println!("- {line}");
            }
        }

        // The first event on a connection of its own: the statements are prepared then.
        println!("\nFirst event on a new connection (round trips; connecting not counted):");
        for setting in Setting::ALL {
            let fixture = Fixture::new(setting, through_proxy.clone(), namespace).await;
            // Connect (the pool connects lazily on first use; `connect` opened one).
            drop(fixture.pool.acquire().await.unwrap());
            let ids = fresh_ids(next, 2);
            let (plain, _) = count_phase(&proxy, &direct, StatementStats::Off, 1, async {
                reserve_commit(&fixture.store, namespace, ids.get(..1).unwrap()).await;
            })
            .await;
            let (inbox, _) = count_phase(&proxy, &direct, StatementStats::Off, 1, async {
                fixture
                    .inbox_event(ids.get(1).unwrap(), Path::InboxCommit)
                    .await;
            })
            .await;
            println!(
                "- {}: reserve + commit {} round trips; then the first inbox event {}",
                setting.name(),
                plain.flights,
                inbox.flights
            );
            fixture.pool.close().await;
        }
        direct.close().await;
    });
}

/// Where criterion writes its results, found as criterion finds it (`cargo bench` runs
/// benches from the package's directory).
fn criterion_dir() -> PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return home.into();
    }
    if let Some(target) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(target).join("criterion");
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/criterion")
}

/// The median of a figure of this run (ns), if criterion wrote it.
fn median(figure: &str) -> Option<f64> {
    let path = criterion_dir()
        .join(GROUP)
        .join(figure)
        .join("new/estimates.json");
    let text = std::fs::read_to_string(path).ok()?;
    let estimates: serde_json::Value = serde_json::from_str(&text).ok()?;
    estimates.get("median")?.get("point_estimate")?.as_f64()
}

fn time(ns: f64) -> String {
    if ns >= 1_000_000.0 {
        format!("{:.2} ms", ns / 1_000_000.0)
    } else if ns >= 1_000.0 {
        format!("{:.2} µs", ns / 1_000.0)
    } else {
        format!("{ns:.0} ns")
    }
}

/// The table of this run's medians against the bare round trip.
fn print_ratios() {
    let Some(floor) = median(FLOOR) else {
        println!(
            "no median of {FLOOR} in {}: no table",
            criterion_dir().display()
        );
        return;
    };
    let figures = [
        ("select-1", "`SELECT 1` on the pool", 1.0),
        ("reserve-commit-new", "reserve + commit of a new id", 2.0),
        ("reserve-done", "reserve of a done id (duplicate)", 1.0),
        ("release", "release of a reservation just taken", 1.0),
        (
            "user-tx",
            "handler's transaction alone: BEGIN; INSERT; COMMIT",
            3.0,
        ),
        (
            "inbox-reserve-tx",
            "reserve; BEGIN; INSERT; COMMIT (baseline of the mark)",
            4.0,
        ),
        (
            "inbox-mark-only",
            "`mark_handled` alone, timed inside the transaction",
            1.0,
        ),
        (
            "inbox-event",
            "inbox event, `Inbox::commit` (as documented): reserve; BEGIN; INSERT; mark; \
             COMMIT; settle sends nothing",
            5.0,
        ),
        (
            "inbox-event-own-commit",
            "inbox event, older path: `mark_handled`, own `commit()`, settle releases",
            6.0,
        ),
        (
            "inbox-settle-own-commit",
            "that settle alone (the release `Inbox::commit` saves)",
            1.0,
        ),
    ];
    println!("\nMedians of this run against a bare `SELECT 1` round trip on a held connection:\n");
    println!("| pool | figure | median | ratio to `SELECT 1` | statements |");
    println!("| --- | --- | --- | --- | --- |");
    println!(
        "| — | bare `SELECT 1`, held connection (baseline) | {} | 1.00× | 1 |",
        time(floor)
    );
    for setting in Setting::ALL {
        let mut found = BTreeMap::new();
        for (figure, what, statements) in figures {
            let Some(ns) = median(&format!("{}-{figure}", setting.name())) else {
                continue;
            };
            found.insert(figure, ns);
            println!(
                "| {} | {what} | {} | {:.2}× | {statements} |",
                setting.name(),
                time(ns),
                ns / floor
            );
        }
        let difference = |a: &str, b: &str| Some(found.get(a)? - found.get(b)?);
        println!("\n{} ({}):", setting.name(), setting.describe());
        if let Some(rc) = found.get("reserve-commit-new") {
            println!(
                "- reserve + commit = {:.2}× two bare round trips",
                rc / (2.0 * floor)
            );
        }
        if let Some(mark) = difference("inbox-event", "inbox-reserve-tx") {
            println!(
                "- the mark (with `Inbox::commit`) adds {} to reserve + the handler's \
                 transaction ({:.2}× a bare round trip; `mark_handled` timed alone: {})",
                time(mark),
                mark / floor,
                found.get("inbox-mark-only").map_or_else(
                    || "—".to_owned(),
                    |ns| format!("{} = {:.2}×", time(*ns), ns / floor)
                )
            );
        }
        if let Some(saved) = difference("inbox-event-own-commit", "inbox-event") {
            println!(
                "- the older path costs {} more than `Inbox::commit` ({:.2}× a bare round \
                 trip; its settle timed alone: {})",
                time(saved),
                saved / floor,
                found.get("inbox-settle-own-commit").map_or_else(
                    || "—".to_owned(),
                    |ns| format!("{} = {:.2}×", time(*ns), ns / floor)
                )
            );
        }
        if let Some(added) = difference("inbox-event", "user-tx") {
            println!(
                "- inbox mode adds {} to the handler's transaction alone ({:.2}× a bare round \
                 trip)",
                time(added),
                added / floor
            );
        }
        println!();
    }
}

fn bench(c: &mut Criterion, url: &str, count: bool) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    // sqlx returns a dropped connection to its pool through a task on this runtime.
    let _entered = runtime.enter();
    let options = PgConnectOptions::from_str(url).unwrap();
    let server = (options.get_host(), options.get_port())
        .to_socket_addrs()
        .unwrap()
        .next()
        .unwrap();
    let namespace = format!("{PREFIX}-run-{}", OwnerToken::random().to_hex());
    let mut next = 1_u64 << 40;

    let (setup, version) = runtime.block_on(async {
        let setup = PgPool::connect(url).await.unwrap();
        PgStore::migrate(&setup).await.unwrap();
        sqlx::query(BUSINESS_TABLE).execute(&setup).await.unwrap();
        let version: String = sqlx::query_scalar("SELECT version()")
            .fetch_one(&setup)
            .await
            .unwrap();
        (setup, version)
    });
    println!("server: {version}");

    if count {
        count_round_trips(&runtime, url, server, &mut next);
    } else {
        println!("criterion test mode: round trip counts skipped (they run under `cargo bench`)");
    }

    let fixtures: Vec<Fixture> = runtime.block_on(async {
        let mut fixtures = Vec::new();
        for setting in Setting::ALL {
            fixtures.push(Fixture::new(setting, options.clone(), &namespace).await);
        }
        fixtures
    });

    let mut group = c.benchmark_group(GROUP);
    group
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));

    // One connection held for the whole run: `SELECT 1` with no pool in the way.
    let held = runtime.block_on(async {
        let held = fixtures.first().unwrap().pool.acquire().await.unwrap();
        tokio::sync::Mutex::new(held)
    });
    let held_ref = &held;
    group.bench_function(FLOOR, |b| {
        b.to_async(&runtime).iter_custom(|iters| async move {
            let mut connection = held_ref.lock().await;
            let start = Instant::now();
            for _ in 0..iters {
                black_box(select_1(&mut **connection).await);
            }
            start.elapsed()
        });
    });
    drop(held);

    for fixture in &fixtures {
        bench_setting(&mut group, &runtime, fixture, &namespace, &mut next);
    }
    group.finish();

    runtime.block_on(async {
        for fixture in fixtures {
            fixture.pool.close().await;
        }
        // The run's rows: its namespaces only (another run's, or a test's, stay).
        sqlx::query("DELETE FROM hookshield_events WHERE namespace LIKE $1")
            .bind(format!("{PREFIX}-%"))
            .execute(&setup)
            .await
            .unwrap();
        sqlx::query("DROP TABLE IF EXISTS hookshield_bench_credits")
            .execute(&setup)
            .await
            .unwrap();
        setup.close().await;
    });
}

fn main() {
    let Some(url) = std::env::var("HOOKSHIELD_POSTGRES_URL")
        .ok()
        .filter(|url| !url.is_empty())
    else {
        println!(
            "HOOKSHIELD_POSTGRES_URL is not set: the PostgreSQL store bench needs a server, \
             nothing measured. Run scripts/postgres_bench.sh (it starts one), or set \
             HOOKSHIELD_POSTGRES_URL=postgres://USER@127.0.0.1:PORT/DB."
        );
        return;
    };
    // `cargo bench` passes `--bench`; criterion's test mode (`cargo test --benches`) does
    // not, and should not reset a shared server's statistics.
    let count = std::env::args().any(|arg| arg == "--bench");
    let mut criterion = Criterion::default().configure_from_args();
    bench(&mut criterion, &url, count);
    criterion.final_summary();
    if count {
        print_ratios();
    }
}
