//! The replay guard's cost on [`MemoryStore`] (the default) and on `MokaStore`, against a
//! 1 KiB GitHub `verify` measured in the same run.
//!
//! - `id-format`: formatting one GitHub-shaped delivery id (36 characters) from a counter,
//!   measured alone; the store figures below do **not** include it (their ids are
//!   formatted before the clock starts).
//! - `<store>/reserve-commit-new`: `reserve` of an id never seen, then `commit` (what every
//!   new event costs). Ids are unique across the whole run, so the default-sized store
//!   (100,000 ids) fills during the warm-up and every new id makes room by forgetting one.
//! - `<store>/reserve-commit-new-below-capacity`: the same on a store large enough
//!   (10 million ids) that nothing is forgotten during the run.
//! - `<store>/reserve-done`: `reserve` of an id already handled (the duplicate path), on
//!   the full store.
//! - `moka-insert-new`: one bare `insert` of a new key into a full `moka::sync::Cache` set
//!   up as `MokaStore`'s (100,000 entries, least recently used evicted, 16-byte keys):
//!   the floor under any store built on moka.
//! - `guard-admit-commit`: reserve + commit through [`ReplayGuard`] (`admit` +
//!   `Ticket::commit`) on the default store, as the tower layer calls it.
//! - `guard-admit-digest-commit`: `admit_with_digest` + `Ticket::commit`, what an event
//!   whose id is not signed (Civo, GitHub, Shopify) costs the store: the content digest
//!   is reserved and committed beside the id.
//! - `github-content-digest-1k`: `Verifier::content_digest` of the 1 KiB body (one SHA-256
//!   pass), the other half of that cost.
//! - `github-receive-new-1k`: the whole `Receiver::receive` + commit of a new 1 KiB GitHub
//!   delivery (verify, digest, two reservations, two commits) on the default store: the
//!   pipeline the adapters run before and after the handler.
//! - `github-verify-1k`: `Verifier::verify_at` with `presets::github` on a 1 KiB body, as in
//!   `benches/verify.rs`: the baseline of the ratios.
//!
//! The stores run on a current-thread Tokio runtime through criterion's `to_async`; one
//! `block_on` covers a whole sample, so the runtime adds no per-iteration cost.
//!
//! Run: `cargo bench -p hookshield-core --features moka --bench replay`, then
//! `python3 scripts/bench_ratios.py replay` for the figures and ratios.
// A benchmark whose store breaks its contract must stop, not measure something else.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::BenchmarkGroup;
use criterion::measurement::WallTime;
use criterion::{Criterion, criterion_group, criterion_main};
use hookshield_core::replay::{
    Admission, DEFAULT_CAPACITY, MemoryStore, MokaStore, ReplayGuard, ReplayKey, ReplayStore,
    Reservation,
};
use hookshield_core::{Receiver, SignOptions, Signer, Step, Verifier, presets};
use moka::policy::EvictionPolicy;
use moka::sync::Cache;
use time::OffsetDateTime;
use tokio::runtime::Runtime;

#[path = "support/ids.rs"]
mod ids;
// The bodies; the HMAC floor there serves the verify benches.
#[allow(dead_code)]
mod support;

use ids::{LEASE, TTL, delivery_id, fresh_ids, reserve_commit};

const NOW: i64 = 1_700_000_000;
const SECRET: &str = "whsec_bench_secret_0123456789abcdef";
const NAMESPACE: &str = "github";

/// Spreads counter values over the key space, as the store's keyed hash does.
fn scatter(n: u128) -> u128 {
    n.wrapping_mul(0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c835)
}

/// Reserves and commits each of `ids` (all new to `store`); the time it took.
async fn timed_reserve_commit<S: ReplayStore>(store: &S, ids: &[String]) -> Duration {
    let start = Instant::now();
    reserve_commit(store, NAMESPACE, ids).await;
    let elapsed = start.elapsed();
    black_box(ids);
    elapsed
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut group = c.benchmark_group("replay");
    group
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));

    // Formatting alone, to add back by hand if a receiver formats ids itself.
    let mut counter = 0_u64;
    group.bench_function("id-format", |b| {
        b.iter(|| {
            counter = counter.wrapping_add(1);
            delivery_id(black_box(counter))
        });
    });

    let mut next = 1_u64 << 40;
    // Each store: one for the whole run, as a server keeps it; every id is new to it.
    store_figures(&mut group, &runtime, "memory", &mut next, MemoryStore::new);
    store_figures(&mut group, &runtime, "moka", &mut next, MokaStore::new);

    // moka alone: the same cache set-up, filled, then one insert per new key.
    let cache: Cache<u128, ()> = Cache::builder()
        .max_capacity(DEFAULT_CAPACITY)
        .eviction_policy(EvictionPolicy::lru())
        .build();
    let mut next_key = 0_u128;
    for _ in 0..DEFAULT_CAPACITY {
        next_key = next_key.wrapping_add(1);
        cache.insert(scatter(next_key), ());
    }
    group.bench_function("moka-insert-new", |b| {
        b.iter_custom(|iters| {
            let start_key = next_key;
            next_key = next_key.wrapping_add(u128::from(iters));
            let start = Instant::now();
            for n in 0..u128::from(iters) {
                cache.insert(scatter(start_key.wrapping_add(n)), ());
            }
            start.elapsed()
        });
    });
    drop(cache);

    let guard = ReplayGuard::new(MemoryStore::default(), NAMESPACE, TTL).unwrap();
    group.bench_function("guard-admit-commit", |b| {
        b.to_async(&runtime).iter_custom(|iters| {
            let ids = fresh_ids(&mut next, iters);
            let guard = &guard;
            async move {
                let start = Instant::now();
                for id in &ids {
                    let Ok(Admission::Run(ticket)) = guard.admit(id).await else {
                        panic!("a new id is admitted");
                    };
                    assert!(ticket.commit().await.unwrap());
                }
                let elapsed = start.elapsed();
                drop(black_box(ids));
                elapsed
            }
        });
    });

    let guard = ReplayGuard::new(MemoryStore::default(), NAMESPACE, TTL).unwrap();
    group.bench_function("guard-admit-digest-commit", |b| {
        b.to_async(&runtime).iter_custom(|iters| {
            let ids = fresh_ids(&mut next, iters);
            // A digest per id, as distinct as the ids (formatted before the clock starts).
            let digests: Vec<String> = ids.iter().map(|id| format!("sha256:{id}")).collect();
            let guard = &guard;
            async move {
                let start = Instant::now();
                for (id, digest) in ids.iter().zip(&digests) {
                    let Ok(Admission::Run(ticket)) = guard.admit_with_digest(id, digest).await
                    else {
                        panic!("a new event is admitted");
                    };
                    assert!(ticket.commit().await.unwrap());
                }
                let elapsed = start.elapsed();
                drop(black_box((ids, digests)));
                elapsed
            }
        });
    });
    drop(guard);

    let done = delivery_id(7);
    // The baseline: a whole 1 KiB GitHub verification, as in benches/verify.rs.
    let now = OffsetDateTime::from_unix_timestamp(NOW).unwrap();
    let verifier = Verifier::builder(presets::github())
        .encoded_secret(SECRET)
        .build()
        .unwrap();
    let signer = Signer::new(
        presets::github(),
        verifier.scheme().parse_secret(SECRET).unwrap(),
    )
    .unwrap();
    let body = support::body(1024, "action", "evt_1NG8Du2eZvKYlo2CUI79vXWy");
    let headers = signer
        .sign(&body, &SignOptions::new().timestamp(now).id(&done))
        .unwrap()
        .into_vec();
    verifier.verify_at(&headers, &body, now).unwrap();
    let verified = verifier.verify_at(&headers, &body, now).unwrap();
    group.bench_function("github-content-digest-1k", |b| {
        b.iter(|| verifier.content_digest(black_box(&verified), black_box(&body)));
    });

    // The receiving pipeline: each delivery a new event (a new id and a new body).
    let receiver = Receiver::new(verifier.clone());
    let mut serial = 0_u64;
    group.bench_function("github-receive-new-1k", |b| {
        b.to_async(&runtime).iter_custom(|iters| {
            let deliveries: Vec<_> = (0..iters)
                .map(|_| {
                    serial = serial.wrapping_add(1);
                    let mut body = body.clone();
                    // A distinct body per delivery: the last bytes carry the serial.
                    let tail = format!("{serial:016x}");
                    let at = body.len().saturating_sub(tail.len().saturating_add(2));
                    body.splice(at..at.saturating_add(tail.len()), tail.bytes());
                    let id = delivery_id(serial.wrapping_add(1 << 50));
                    let options = SignOptions::new().timestamp(now).id(&id);
                    (signer.sign(&body, &options).unwrap().into_vec(), body)
                })
                .collect();
            let receiver = &receiver;
            async move {
                let start = Instant::now();
                for (headers, body) in &deliveries {
                    let Ok(Step::Run(ticket, _)) = receiver.receive(headers, body).await else {
                        panic!("a new delivery runs");
                    };
                    assert!(ticket.commit().await.unwrap());
                }
                let elapsed = start.elapsed();
                drop(black_box(deliveries));
                elapsed
            }
        });
    });

    group.bench_function("github-verify-1k", |b| {
        b.iter(|| {
            verifier
                .verify_at(black_box(&headers), black_box(&body), now)
                .unwrap()
        });
    });
    group.finish();
}

/// The figures of one store: reserve + commit of new ids on a full store of the default
/// size and on one with room to spare, and the duplicate path on the full one.
fn store_figures<S: ReplayStore>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    runtime: &Runtime,
    name: &str,
    next: &mut u64,
    make: fn(u64) -> S,
) {
    let store = make(DEFAULT_CAPACITY);
    group.bench_function(format!("{name}/reserve-commit-new"), |b| {
        b.to_async(runtime).iter_custom(|iters| {
            let ids = fresh_ids(next, iters);
            let store = &store;
            async move { timed_reserve_commit(store, &ids).await }
        });
    });

    // The duplicate path: an id handled already, on the store filled above.
    let done = delivery_id(7);
    let key = ReplayKey::new(NAMESPACE, &done);
    runtime.block_on(async {
        let Ok(Reservation::Acquired(owner)) = store.reserve(key, LEASE).await else {
            panic!("a new id is acquired");
        };
        assert!(store.commit(key, &owner, TTL).await.unwrap());
        assert_eq!(store.reserve(key, LEASE).await.unwrap(), Reservation::Done);
    });
    group.bench_function(format!("{name}/reserve-done"), |b| {
        b.to_async(runtime)
            .iter(|| async { store.reserve(black_box(key), LEASE).await.unwrap() });
    });
    drop(store);

    let roomy = make(10_000_000);
    group.bench_function(format!("{name}/reserve-commit-new-below-capacity"), |b| {
        b.to_async(runtime).iter_custom(|iters| {
            let ids = fresh_ids(next, iters);
            let store = &roomy;
            async move { timed_reserve_commit(store, &ids).await }
        });
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
