//! Which in-memory replay store is fastest (issue #16): hookshield's `MemoryStore` (the
//! default) and `MokaStore` against the floors of the candidate caches, measured in the
//! same run, and the memory each takes per remembered id.
//!
//! Per new id, on a full store (every id is new, so each makes room by forgetting one):
//!
//! - `MemoryStore` and `MokaStore`: the whole `reserve` + `commit` a new event costs.
//! - `scc::HashCache` (minimum capacity = maximum, so it never resizes) and
//!   `quick_cache::sync::Cache`: one bare insert of a new 16-byte key with a 48-byte value
//!   (state, owner, deadline), the least a store built on them would pay per new id
//!   (reserve needs an atomic insert-if-absent, commit a second write). `moka::sync::Cache`
//!   (least recently used evicted, as in `MokaStore`) for comparison.
//!
//! Per duplicate: `reserve` of an id already done (the stores), a `get` (the caches).
//!
//! Each figure is the median of 15 rounds of 200,000 operations, rounds of every candidate
//! interleaved, on one thread. Memory is the growth of the process's resident set while
//! one candidate of 1,000,000 ids is built and filled with 1,000,000 new ids (each in a
//! child process of its own, so no candidate reuses another's freed pages), divided by
//! 1,000,000.
//!
//! Run: `cargo bench -p hookshield-bench-peers --bench stores` (about a minute).
// A benchmark: a broken set-up must stop it; its arithmetic is on small counts and timings.
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation,
    clippy::cast_precision_loss
)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use hookshield_core::replay::{MemoryStore, MokaStore, ReplayKey, ReplayStore, Reservation};
use moka::policy::EvictionPolicy;

const CAPACITY: u64 = 100_000;
const ROUND: u64 = 200_000;
const ROUNDS: usize = 15;
const MEMORY_IDS: u64 = 1_000_000;
const LEASE: Duration = Duration::from_secs(60);
const TTL: Duration = Duration::from_secs(72 * 3600);
const NAMESPACE: &str = "github";

/// What a store entry holds: state, owner, deadline.
#[derive(Clone, Copy)]
struct Entry {
    _owner: u128,
    _until: Instant,
    _state: u8,
}

fn entry() -> Entry {
    Entry {
        _owner: 7,
        _until: Instant::now(),
        _state: 1,
    }
}

/// Spreads counter values over the key space, as a keyed hash of the id does.
fn scatter(n: u64) -> u128 {
    u128::from(n).wrapping_mul(0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c835)
}

/// A GitHub-shaped delivery id (36 characters).
fn id(n: u64) -> String {
    format!(
        "{:08x}-0000-4000-8000-{:012x}",
        n >> 48,
        n & 0xffff_ffff_ffff
    )
}

/// Polls a future that never waits (the in-memory stores' calls).
fn ready<T>(future: impl std::future::Future<Output = T>) -> T {
    let mut future = std::pin::pin!(future);
    let mut context = std::task::Context::from_waker(std::task::Waker::noop());
    match future.as_mut().poll(&mut context) {
        std::task::Poll::Ready(value) => value,
        std::task::Poll::Pending => panic!("an in-memory store waited"),
    }
}

fn handle<S: ReplayStore>(store: &S, id: &str) {
    let key = ReplayKey::new(NAMESPACE, id);
    let Ok(Reservation::Acquired(owner)) = ready(store.reserve(key, LEASE)) else {
        panic!("{id} is new");
    };
    assert!(ready(store.commit(key, &owner, TTL)).unwrap());
}

/// One candidate: a name and what one round of new ids and of duplicates costs.
trait Candidate {
    fn name(&self) -> &'static str;
    /// Handles `ROUND` new ids from `next` on; the time it took.
    fn new_ids(&self, next: u64) -> Duration;
    /// `ROUND` lookups of an id handled already; the time they took.
    fn duplicates(&self) -> Duration;
}

struct Store<S> {
    name: &'static str,
    store: S,
}

impl<S: ReplayStore> Candidate for Store<S> {
    fn name(&self) -> &'static str {
        self.name
    }

    fn new_ids(&self, next: u64) -> Duration {
        let ids: Vec<String> = (next..next + ROUND).map(id).collect();
        let start = Instant::now();
        for id in &ids {
            handle(&self.store, id);
        }
        start.elapsed()
    }

    fn duplicates(&self) -> Duration {
        let key = ReplayKey::new(NAMESPACE, "duplicate");
        if let Ok(Reservation::Acquired(owner)) = ready(self.store.reserve(key, LEASE)) {
            assert!(ready(self.store.commit(key, &owner, TTL)).unwrap());
        }
        let start = Instant::now();
        for _ in 0..ROUND {
            let found = ready(self.store.reserve(black_box(key), LEASE));
            assert!(matches!(found, Ok(Reservation::Done)));
        }
        start.elapsed()
    }
}

/// A bare cache: inserts of new keys, gets of a present one.
struct Cache<I, G> {
    name: &'static str,
    insert: I,
    get: G,
}

impl<I: Fn(u128), G: Fn(u128) -> bool> Candidate for Cache<I, G> {
    fn name(&self) -> &'static str {
        self.name
    }

    fn new_ids(&self, next: u64) -> Duration {
        let start = Instant::now();
        for n in next..next + ROUND {
            (self.insert)(scatter(n));
        }
        start.elapsed()
    }

    fn duplicates(&self) -> Duration {
        let key = scatter(u64::MAX);
        (self.insert)(key);
        let start = Instant::now();
        for _ in 0..ROUND {
            assert!((self.get)(black_box(key)));
        }
        start.elapsed()
    }
}

fn scc_cache(capacity: usize) -> scc::HashCache<u128, Entry> {
    scc::HashCache::with_capacity(capacity, capacity)
}

fn quick_cache(capacity: usize) -> quick_cache::sync::Cache<u128, Entry> {
    quick_cache::sync::Cache::new(capacity)
}

fn moka_cache(capacity: u64) -> moka::sync::Cache<u128, Entry> {
    moka::sync::Cache::builder()
        .max_capacity(capacity)
        .eviction_policy(EvictionPolicy::lru())
        .build()
}

fn candidates() -> Vec<Box<dyn Candidate>> {
    let capacity = CAPACITY as usize;
    let scc = scc_cache(capacity);
    let quick = std::sync::Arc::new(quick_cache(capacity));
    let moka = moka_cache(CAPACITY);
    vec![
        Box::new(Store {
            name: "MemoryStore reserve + commit",
            store: MemoryStore::new(CAPACITY),
        }),
        Box::new(Store {
            name: "MokaStore reserve + commit",
            store: MokaStore::new(CAPACITY),
        }),
        Box::new(Cache {
            name: "scc::HashCache put (floor)",
            insert: move |k| {
                let _ = scc.put_sync(k, entry());
            },
            get: {
                let scc = scc_cache(1);
                move |k| {
                    let _ = scc.put_sync(k, entry());
                    scc.read_sync(&k, |_, _| ()).is_some()
                }
            },
        }),
        Box::new(Cache {
            name: "quick_cache insert (floor)",
            insert: {
                let quick = std::sync::Arc::clone(&quick);
                move |k| quick.insert(k, entry())
            },
            get: move |k| quick.get(&k).is_some(),
        }),
        Box::new(Cache {
            name: "moka::sync insert (floor)",
            insert: {
                let moka = moka.clone();
                move |k| moka.insert(k, entry())
            },
            get: move |k| moka.get(&k).is_some(),
        }),
    ]
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn per_op(duration: Duration) -> f64 {
    duration.as_nanos() as f64 / ROUND as f64
}

/// The resident set of this process, in bytes.
fn resident() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
    let pages: u64 = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    pages * 4096
}

/// In a child process: builds and fills one candidate of `MEMORY_IDS`, prints the growth
/// of the resident set per id.
fn memory_of(name: &str) {
    let before = resident();
    let ids = MEMORY_IDS;
    let keep: Box<dyn std::any::Any> = match name {
        "memory" => {
            let store = MemoryStore::new(ids);
            (0..ids).for_each(|n| handle(&store, &id(n)));
            Box::new(store)
        }
        "moka" => {
            let store = MokaStore::new(ids);
            (0..ids).for_each(|n| handle(&store, &id(n)));
            store.entry_count();
            Box::new(store)
        }
        "scc" => {
            let cache = scc_cache(ids as usize);
            (0..ids).for_each(|n| {
                let _ = cache.put_sync(scatter(n), entry());
            });
            Box::new(cache)
        }
        "quick_cache" => {
            let cache = quick_cache(ids as usize);
            (0..ids).for_each(|n| cache.insert(scatter(n), entry()));
            Box::new(cache)
        }
        _ => panic!("unknown candidate {name}"),
    };
    let grown = resident().saturating_sub(before);
    println!("{:.0}", grown as f64 / ids as f64);
    drop(keep);
}

fn memory_table() {
    println!();
    println!("| store, {MEMORY_IDS} ids | resident memory per id |");
    println!("| --- | --- |");
    for (name, label) in [
        ("memory", "MemoryStore"),
        ("moka", "MokaStore"),
        ("scc", "scc::HashCache (entries alone)"),
        ("quick_cache", "quick_cache (entries alone)"),
    ] {
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--memory", name])
            .output()
            .unwrap();
        assert!(out.status.success(), "{name}: {out:?}");
        let bytes = String::from_utf8(out.stdout).unwrap();
        println!("| {label} | {} B |", bytes.trim());
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == "--memory") {
        memory_of(&args[at + 1]);
        return;
    }
    // `cargo bench` passes `--bench`; anything else (`cargo test --benches`) only checks
    // that the bench runs.
    let quick = !args.iter().any(|a| a == "--bench");
    let rounds = if quick { 1 } else { ROUNDS };

    let candidates = candidates();
    let mut next = 0_u64;
    // Fill every candidate before the first round: all are full from then on.
    for candidate in &candidates {
        candidate.new_ids(next);
        next += ROUND;
    }
    let mut new_ids = vec![Vec::new(); candidates.len()];
    let mut duplicates = vec![Vec::new(); candidates.len()];
    for _ in 0..rounds {
        for (i, candidate) in candidates.iter().enumerate() {
            new_ids[i].push(per_op(candidate.new_ids(next)));
            next += ROUND;
            duplicates[i].push(per_op(candidate.duplicates()));
        }
    }
    let base = median(new_ids[0].clone());
    println!(
        "| candidate (full store of {CAPACITY} ids) | per new id | ratio to MemoryStore | per duplicate |"
    );
    println!("| --- | --- | --- | --- |");
    for (i, candidate) in candidates.iter().enumerate() {
        let new = median(new_ids[i].clone());
        println!(
            "| {} | {new:.0} ns | {:.2}× | {:.0} ns |",
            candidate.name(),
            new / base,
            median(duplicates[i].clone())
        );
    }
    if !quick {
        memory_table();
    }
}
