//! [`RedisStore`] against [`MemoryStore`] (the default store) in the same run, the Redis commands each event
//! costs, and a bare `PING` as the floor of a loopback round trip.
//!
//! Needs a Redis server: the URL is read from `HOOKSHIELD_REDIS_URL` (unset: the bench says
//! so and measures nothing). Use a server of its own (`scripts/redis_bench.sh` starts one):
//! the command counts read the server's `INFO` and `MONITOR`, so other clients' commands
//! would be counted too, and the cold-script count runs `SCRIPT FLUSH`.
//!
//! Figures (group `redis-store`):
//!
//! - `memory-reserve-commit-new` / `redis-reserve-commit-new`: `reserve` of an id never
//!   seen, then `commit` (what every new event costs). Ids are unique across the run; the
//!   in-memory store is one `MemoryStore::default()`, full after the warm-up (as in
//!   `hookshield-core/benches/replay.rs`), the Redis store writes a new key per event.
//! - `memory-reserve-done` / `redis-reserve-done`: `reserve` of an id already handled (the
//!   duplicate path).
//! - `redis-ping`: a bare `PING` through a `ConnectionManager` of its own, the connection
//!   type `RedisStore` uses: one loopback round trip and nothing else. reserve + commit is
//!   two round trips, so its floor is 2 × `PING`.
//!
//! Ids (36-character GUID-shaped strings from a counter) are formatted before the clock
//! starts. Everything runs on one current-thread Tokio runtime through criterion's
//! `to_async` (one `block_on` per sample), the Redis connections' tasks included.
//!
//! Before measuring (under `cargo bench` only, not in criterion's test mode), the bench
//! reads the server's own time per command (`INFO commandstats`, `usec`) over [`EVENTS`]
//! new events, then counts the commands of [`EVENTS`] new events (reserve + commit each),
//! of [`EVENTS`] duplicate reserves, and of one new event after `SCRIPT FLUSH` (the first
//! commit after a Redis restart: `EVALSHA` answers `NOSCRIPT`, the client sends `SCRIPT
//! LOAD` and `EVALSHA` again), two ways:
//!
//! - `redis-cli monitor` between two `ECHO` markers: the commands the store *sent*, each
//!   one round trip (the store awaits each command alone), apart from those the Lua
//!   scripts ran inside Redis (`[0 lua]`), which cost no round trip;
//! - `INFO stats` and `INFO commandstats` before and after: `total_commands_processed` and
//!   the calls per command. Redis 7 counts the commands a script runs there too, so these
//!   figures are the round trips plus the scripts' own `GET` and `SET`.
//!
//! It prints them and writes them to `<criterion dir>/redis-store/round-trips.json`.
//!
//! Run: `scripts/redis_bench.sh` (a Redis of its own, this bench, then
//! `python3 scripts/bench_ratios.py redis` for the table).
// A benchmark whose store breaks its contract must stop, not measure something else.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::hint::black_box;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion};
use hookshield_core::replay::{MemoryStore, OwnerToken, ReplayKey, ReplayStore, Reservation};
use hookshield_redis::RedisStore;
use redis::aio::{ConnectionManager, MultiplexedConnection};
use tokio::runtime::Runtime;

#[path = "../../hookshield-core/benches/support/ids.rs"]
mod ids;

use ids::{LEASE, delivery_id, fresh_ids, reserve_commit};

const NAMESPACE: &str = "github";
/// How many events (and duplicates) the command counts run.
const EVENTS: u64 = 10_000;
/// The bench's key prefix, so its keys are easy to find (and delete) on a shared server.
const PREFIX: &str = "hookshield-bench";

/// Marks `id` done and checks that reserving it again answers so.
async fn make_done<S: ReplayStore>(store: &S, namespace: &str, id: &str) {
    reserve_commit(store, namespace, &[id.to_owned()]).await;
    let key = ReplayKey::new(namespace, id);
    assert_eq!(store.reserve(key, LEASE).await.unwrap(), Reservation::Done);
}

/// `<name>-reserve-commit-new`: reserve + commit of ids unique across the run.
fn bench_new<S: ReplayStore>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    runtime: &Runtime,
    name: &str,
    store: &S,
    namespace: &str,
    next: &mut u64,
) {
    group.bench_function(format!("{name}-reserve-commit-new"), |b| {
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
}

/// `<name>-reserve-done`: reserve of an id already handled.
fn bench_done<S: ReplayStore>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    runtime: &Runtime,
    name: &str,
    store: &S,
    key: ReplayKey<'_>,
) {
    group.bench_function(format!("{name}-reserve-done"), |b| {
        b.to_async(runtime).iter(|| async {
            let found = store.reserve(black_box(key), LEASE).await.unwrap();
            assert_eq!(found, Reservation::Done);
        });
    });
}

/// One command's counters from `INFO commandstats`.
#[derive(Debug, Default, Clone, Copy)]
struct Calls {
    calls: u64,
    /// Server time in all these calls (a script's time includes the commands it ran).
    usec: u64,
    failed: u64,
    rejected: u64,
}

/// What `INFO stats commandstats` says about commands.
#[derive(Debug, Default)]
struct Stats {
    total: u64,
    commands: BTreeMap<String, Calls>,
}

impl Stats {
    fn parse(info: &str) -> Self {
        let mut stats = Self::default();
        for line in info.lines().map(str::trim) {
            if let Some(total) = line.strip_prefix("total_commands_processed:") {
                stats.total = total.parse().unwrap();
            } else if let Some(rest) = line.strip_prefix("cmdstat_") {
                let (name, fields) = rest.split_once(':').unwrap();
                let mut calls = Calls::default();
                for field in fields.split(',') {
                    let (field, value) = field.split_once('=').unwrap();
                    match field {
                        "calls" => calls.calls = value.parse().unwrap(),
                        "usec" => calls.usec = value.parse().unwrap(),
                        "failed_calls" => calls.failed = value.parse().unwrap(),
                        "rejected_calls" => calls.rejected = value.parse().unwrap(),
                        _ => {}
                    }
                }
                stats.commands.insert(name.to_owned(), calls);
            }
        }
        assert!(stats.total > 0, "no total_commands_processed in INFO");
        stats
    }

    /// What happened between `self` and `later`, without the `INFO` calls themselves.
    fn delta(&self, later: &Self) -> Delta {
        let mut commands = BTreeMap::new();
        for (name, after) in &later.commands {
            let before = self.commands.get(name).copied().unwrap_or_default();
            let calls = Calls {
                calls: after.calls.checked_sub(before.calls).unwrap(),
                usec: after.usec.checked_sub(before.usec).unwrap(),
                failed: after.failed.checked_sub(before.failed).unwrap(),
                rejected: after.rejected.checked_sub(before.rejected).unwrap(),
            };
            if calls.calls > 0 || calls.failed > 0 || calls.rejected > 0 {
                commands.insert(name.clone(), calls);
            }
        }
        let info = commands.remove("info").map_or(0, |c| c.calls);
        let total = later.total.checked_sub(self.total).unwrap();
        Delta {
            commands,
            total: total.checked_sub(info).unwrap(),
            info,
        }
    }
}

/// The server's counters over one counted phase.
#[derive(Debug)]
struct Delta {
    /// Per command (`INFO` left out): calls, failed and rejected calls. Redis 7 counts the
    /// commands a script runs (`redis.call`) here too.
    commands: BTreeMap<String, Calls>,
    /// `total_commands_processed`, less the `INFO` calls that read it (script-run commands
    /// included, as above).
    total: u64,
    /// The `INFO` calls left out.
    info: u64,
}

impl Delta {
    fn calls(&self, command: &str) -> u64 {
        self.commands.get(command).map_or(0, |c| c.calls)
    }
}

async fn stats(connection: &mut MultiplexedConnection) -> Stats {
    let info: String = redis::cmd("INFO")
        .arg("stats")
        .arg("commandstats")
        .query_async(connection)
        .await
        .unwrap();
    Stats::parse(&info)
}

/// `redis-cli monitor`, read line by line on a thread of its own: `MONITOR` tells the
/// commands a client sent (`[0 127.0.0.1:port] "SET" …`) from those a script ran
/// (`[0 lua] "GET" …`), which `INFO` counts alike. Killed when dropped.
#[derive(Debug)]
struct Monitor {
    child: Child,
    lines: Receiver<String>,
}

impl Monitor {
    /// `None` (with the reason printed) when `redis-cli` cannot be run.
    fn start(url: &str) -> Option<Self> {
        let spawned = Command::new("redis-cli")
            .args(["-u", url, "monitor"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn();
        let mut child = match spawned {
            Ok(child) => child,
            Err(error) => {
                println!("redis-cli could not be run ({error}): no MONITOR counts");
                return None;
            }
        };
        let stdout = child.stdout.take().unwrap();
        let (sender, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        let monitor = Self { child, lines };
        // `MONITOR` answers OK once it is on.
        match monitor.lines.recv_timeout(Duration::from_secs(5)) {
            Ok(line) if line.trim() == "OK" => Some(monitor),
            other => {
                println!("redis-cli monitor did not start ({other:?}): no MONITOR counts");
                None
            }
        }
    }

    /// The lines before the first one holding `marker` (which is dropped).
    fn until(&self, marker: &str) -> Vec<String> {
        let mut lines = Vec::new();
        loop {
            let line = self
                .lines
                .recv_timeout(Duration::from_secs(30))
                .expect("MONITOR shows the marker");
            if line.contains(marker) {
                return lines;
            }
            lines.push(line);
        }
    }
}

impl Drop for Monitor {
    fn drop(&mut self) {
        drop(self.child.kill());
        drop(self.child.wait());
    }
}

/// What `MONITOR` showed over one counted phase: commands by name (lower case), sent by
/// clients (each one round trip: the store sends one command at a time) or run by scripts.
#[derive(Debug, Default)]
struct Seen {
    sent: BTreeMap<String, u64>,
    in_scripts: BTreeMap<String, u64>,
    /// `INFO` and `ECHO`: the bench's own readings and markers, left out.
    left_out: u64,
}

impl Seen {
    fn parse(lines: &[String]) -> Self {
        let mut seen = Self::default();
        for line in lines {
            // `<time> [<db> <client address | lua>] "<command>" "<arg>" …`
            let (Some(open), Some(close)) = (line.find('['), line.find("] \"")) else {
                panic!("unexpected MONITOR line: {line}");
            };
            let source = line.get(open..close).unwrap().split_whitespace().nth(1);
            let rest = line.get(close..).unwrap().trim_start_matches("] \"");
            let mut words = rest.split('"');
            let mut command = words.next().unwrap().to_ascii_lowercase();
            if command == "script" {
                // `SCRIPT LOAD`, as commandstats names it (`script|load`).
                let sub = words.nth(1).unwrap_or_default().to_ascii_lowercase();
                command = format!("{command} {sub}");
            }
            let counts = match (source, command.as_str()) {
                (Some("lua"), _) => &mut seen.in_scripts,
                (_, "info" | "echo") => {
                    seen.left_out = seen.left_out.saturating_add(1);
                    continue;
                }
                _ => &mut seen.sent,
            };
            let count = counts.entry(command).or_default();
            *count = count.saturating_add(1);
        }
        seen
    }

    fn sent_total(&self) -> u64 {
        self.sent.values().copied().fold(0, u64::saturating_add)
    }

    fn in_scripts_total(&self) -> u64 {
        self.in_scripts
            .values()
            .copied()
            .fold(0, u64::saturating_add)
    }
}

/// One counted phase: the server's counters, and what `MONITOR` saw if it could run.
#[derive(Debug)]
struct Phase {
    delta: Delta,
    seen: Option<Seen>,
}

async fn echo(connection: &mut MultiplexedConnection, text: &str) {
    let answer: String = redis::cmd("ECHO")
        .arg(text)
        .query_async(connection)
        .await
        .unwrap();
    assert_eq!(answer, text);
}

/// Runs `work` between two readings of the server's counters, and between two `ECHO`
/// markers on the monitor.
async fn count<F: Future<Output = ()>>(
    connection: &mut MultiplexedConnection,
    monitor: Option<&Monitor>,
    work: F,
) -> Phase {
    let marker = format!("hookshield-bench-marker-{}", OwnerToken::random().to_hex());
    let (start, end) = (format!("{marker}-start"), format!("{marker}-end"));
    echo(connection, &start).await;
    if let Some(monitor) = monitor {
        monitor.until(&start);
    }
    let before = stats(connection).await;
    work.await;
    let after = stats(connection).await;
    echo(connection, &end).await;
    Phase {
        delta: before.delta(&after),
        seen: monitor.map(|monitor| Seen::parse(&monitor.until(&end))),
    }
}

/// Lossless for the counts here (far below 2^53).
#[allow(clippy::cast_precision_loss)]
fn per(count: u64, events: u64) -> f64 {
    count as f64 / events as f64
}

/// `NAME 1.000, NAME 1.000` per event.
fn per_event(counts: &BTreeMap<String, u64>, events: u64) -> String {
    let parts: Vec<String> = counts
        .iter()
        .map(|(name, n)| format!("{} {:.3}", name.to_ascii_uppercase(), per(*n, events)))
        .collect();
    if parts.is_empty() {
        "none".to_owned()
    } else {
        parts.join(", ")
    }
}

fn json_counts(counts: &BTreeMap<String, u64>) -> String {
    let parts: Vec<String> = counts
        .iter()
        .map(|(k, v)| format!("\"{k}\": {v}"))
        .collect();
    format!("{{{}}}", parts.join(", "))
}

/// Prints one phase and appends it to `json`.
fn report(json: &mut String, name: &str, what: &str, events: u64, phase: &Phase) {
    println!("{name}: {what}, {events} of them");
    let delta = &phase.delta;
    if let Some(seen) = &phase.seen {
        println!(
            "  sent by the store (MONITOR): {} => {:.3} round trips per event",
            per_event(&seen.sent, events),
            per(seen.sent_total(), events)
        );
        println!(
            "  run inside scripts (MONITOR, no round trip): {}",
            per_event(&seen.in_scripts, events)
        );
    }
    let mut commands = Vec::new();
    for (command, c) in &delta.commands {
        println!(
            "  INFO commandstats {command:<12} calls {:>6} ({:.3} per event, {:.2} µs server \
             time per call), failed {}, rejected {}",
            c.calls,
            per(c.calls, events),
            per(c.usec, c.calls.max(1)),
            c.failed,
            c.rejected
        );
        commands.push(format!(
            "\"{command}\": {{\"calls\": {}, \"usec\": {}, \"failed\": {}, \"rejected\": {}}}",
            c.calls, c.usec, c.failed, c.rejected
        ));
    }
    println!(
        "  INFO stats total_commands_processed delta {} ({:.3} per event, script-run commands \
         included; {} INFO calls left out); EVAL fallbacks {}, SCRIPT LOAD {}",
        delta.total,
        per(delta.total, events),
        delta.info,
        delta.calls("eval"),
        delta.calls("script|load")
    );
    if !json.ends_with('{') {
        json.push(',');
    }
    let seen = phase.seen.as_ref().map_or_else(
        || "null".to_owned(),
        |seen| {
            format!(
                "{{\"sent\": {}, \"in_scripts\": {}}}",
                json_counts(&seen.sent),
                json_counts(&seen.in_scripts)
            )
        },
    );
    write!(
        json,
        "\n  \"{name}\": {{\"what\": \"{what}\", \"events\": {events}, \"monitor\": {seen}, \
         \"total_commands_processed\": {}, \"info_left_out\": {}, \"commandstats\": {{{}}}}}",
        delta.total,
        delta.info,
        commands.join(", ")
    )
    .unwrap();
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

/// The command counts: steady state, duplicates, and the first event after the server
/// lost its scripts.
fn count_round_trips(
    runtime: &Runtime,
    store: &RedisStore,
    client: &redis::Client,
    url: &str,
    next: &mut u64,
) {
    let namespace = format!("{NAMESPACE}-count-{}", OwnerToken::random().to_hex());
    let namespace = namespace.as_str();
    let mut json = String::from("{");
    let new_ids = fresh_ids(next, EVENTS);
    let cold_ids = fresh_ids(next, 1);
    let done = delivery_id(3);
    let timed_ids = fresh_ids(next, EVENTS);
    runtime.block_on(async {
        let mut info = client.get_multiplexed_async_connection().await.unwrap();
        // Connects the store and loads its scripts: connecting is not a per-event cost.
        make_done(store, namespace, &done).await;

        // The server's own time per command, before MONITOR (which slows the server).
        let phase = count(
            &mut info,
            None,
            reserve_commit(store, namespace, &timed_ids),
        )
        .await;
        report(
            &mut json,
            "server-time",
            "new events (reserve + commit), INFO only, no MONITOR",
            EVENTS,
            &phase,
        );

        let monitor = Monitor::start(url);
        let monitor = monitor.as_ref();

        let phase = count(
            &mut info,
            monitor,
            reserve_commit(store, namespace, &new_ids),
        )
        .await;
        report(
            &mut json,
            "new",
            "new events (reserve + commit)",
            EVENTS,
            &phase,
        );
        if let Some(seen) = &phase.seen {
            let round_trips = seen.sent_total();
            println!(
                "  => {:.3} round trips per new event; target <= 2: {}. INFO's total {:.3} \
                 less the {:.3} commands run inside scripts: {:.3}",
                per(round_trips, EVENTS),
                if round_trips <= EVENTS.saturating_mul(2) {
                    "met"
                } else {
                    "MISSED"
                },
                per(phase.delta.total, EVENTS),
                per(seen.in_scripts_total(), EVENTS),
                per(
                    phase.delta.total.saturating_sub(seen.in_scripts_total()),
                    EVENTS
                ),
            );
        }

        let key = ReplayKey::new(namespace, &done);
        let phase = count(&mut info, monitor, async {
            for _ in 0..EVENTS {
                let found = store.reserve(key, LEASE).await.unwrap();
                assert_eq!(found, Reservation::Done);
            }
        })
        .await;
        report(&mut json, "duplicate", "duplicate reserves", EVENTS, &phase);

        let _: () = redis::cmd("SCRIPT")
            .arg("FLUSH")
            .query_async(&mut info)
            .await
            .unwrap();
        let phase = count(
            &mut info,
            monitor,
            reserve_commit(store, namespace, &cold_ids),
        )
        .await;
        report(
            &mut json,
            "cold",
            "new event right after SCRIPT FLUSH (as after a Redis restart)",
            1,
            &phase,
        );
    });
    json.push_str("\n}\n");
    let dir = criterion_dir().join("redis-store");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("round-trips.json");
    std::fs::write(&path, json).unwrap();
    println!("round trips written to {}", path.display());
}

fn bench(c: &mut Criterion, url: &str, count: bool) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    // The connections spawn their tasks on this runtime.
    let _entered = runtime.enter();
    let client = redis::Client::open(url).unwrap();
    let redis = RedisStore::builder(url).key_prefix(PREFIX).build().unwrap();
    let memory = MemoryStore::default();
    // A namespace of its own per run: every id is new to the server, run after run.
    let namespace = format!("{NAMESPACE}-run-{}", OwnerToken::random().to_hex());
    let mut next = 1_u64 << 40;

    if count {
        count_round_trips(&runtime, &redis, &client, url, &mut next);
    } else {
        println!("criterion test mode: command counts skipped (they run under `cargo bench`)");
    }

    let ping = runtime.block_on(async {
        let mut ping = ConnectionManager::new(client.clone()).await.unwrap();
        let pong: String = redis::cmd("PING").query_async(&mut ping).await.unwrap();
        assert_eq!(pong, "PONG");
        ping
    });

    let mut group = c.benchmark_group("redis-store");
    group
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));

    bench_new(
        &mut group, &runtime, "memory", &memory, &namespace, &mut next,
    );
    bench_new(&mut group, &runtime, "redis", &redis, &namespace, &mut next);

    let done = delivery_id(7);
    let key = ReplayKey::new(&namespace, &done);
    runtime.block_on(async {
        make_done(&memory, &namespace, &done).await;
        make_done(&redis, &namespace, &done).await;
    });
    bench_done(&mut group, &runtime, "memory", &memory, key);
    bench_done(&mut group, &runtime, "redis", &redis, key);

    group.bench_function("redis-ping", |b| {
        b.to_async(&runtime).iter(|| {
            let mut ping = ping.clone();
            async move {
                let pong: String = redis::cmd("PING").query_async(&mut ping).await.unwrap();
                pong
            }
        });
    });
    group.finish();
}

fn main() {
    let Some(url) = std::env::var("HOOKSHIELD_REDIS_URL")
        .ok()
        .filter(|url| !url.is_empty())
    else {
        println!(
            "HOOKSHIELD_REDIS_URL is not set: the Redis store bench needs a Redis server, \
             nothing measured. Run scripts/redis_bench.sh (it starts one), or set \
             HOOKSHIELD_REDIS_URL=redis://127.0.0.1:<port>."
        );
        return;
    };
    // `cargo bench` passes `--bench`; criterion's test mode (`cargo test --benches`) does
    // not, and should not flush a shared server's scripts.
    let count = std::env::args().any(|arg| arg == "--bench");
    let mut criterion = Criterion::default().configure_from_args();
    bench(&mut criterion, &url, count);
    criterion.final_summary();
}
