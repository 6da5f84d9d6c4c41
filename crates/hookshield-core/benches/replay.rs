//! The replay guard's cost on [`MokaStore`], against a 1 KiB GitHub `verify` measured in
//! the same run.
//!
//! - `id-format`: formatting one GitHub-shaped delivery id (36 characters) from a counter,
//!   measured alone; the store figures below do **not** include it (their ids are
//!   formatted before the clock starts).
//! - `reserve-commit-new`: `reserve` of an id never seen, then `commit` (what every new
//!   event costs). Ids are unique across the whole run, so the default-sized store
//!   (100,000 ids) fills during the warm-up and the figure includes moka's evictions.
//! - `guard-admit-commit`: the same through [`ReplayGuard`] (`admit` + `Ticket::commit`),
//!   as the tower layer calls it.
//! - `reserve-done`: `reserve` of an id already handled (the duplicate path).
//! - `github-verify-1k`: `Verifier::verify_at` with `presets::github` on a 1 KiB body, as in
//!   `benches/verify.rs`: the baseline of the ratios.
//!
//! The store runs on a current-thread Tokio runtime through criterion's `to_async`; one
//! `block_on` covers a whole sample, so the runtime adds no per-iteration cost.
//!
//! Run: `cargo bench -p hookshield-core --bench replay`, then
//! `python3 scripts/bench_ratios.py replay` for the figures and ratios.
// A benchmark whose store breaks its contract must stop, not measure something else.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use hookshield_core::replay::{
    Admission, MokaStore, ReplayGuard, ReplayKey, ReplayStore, Reservation,
};
use hookshield_core::{SignOptions, Signer, Verifier, presets};
use time::OffsetDateTime;

const NOW: i64 = 1_700_000_000;
const SECRET: &str = "whsec_bench_secret_0123456789abcdef";
const NAMESPACE: &str = "github";
const LEASE: Duration = Duration::from_secs(60);
const TTL: Duration = Duration::from_secs(72 * 3600);

/// A GitHub-shaped delivery id (a GUID's 36 characters) made from a counter.
fn delivery_id(n: u64) -> String {
    format!(
        "{:08x}-0000-4000-8000-{:012x}",
        n >> 48,
        n & 0xffff_ffff_ffff
    )
}

/// `count` ids never handed out before: `next` moves past them.
fn fresh_ids(next: &mut u64, count: u64) -> Vec<String> {
    let start = *next;
    *next = start.saturating_add(count);
    (start..*next).map(delivery_id).collect()
}

/// A JSON body of exactly `size` bytes, as `benches/verify.rs` builds it for GitHub.
fn body(size: usize) -> Vec<u8> {
    let head = "{\"action\":\"evt_1NG8Du2eZvKYlo2CUI79vXWy\",\"data\":\"";
    let tail = "\"}";
    let fill = size.saturating_sub(head.len().saturating_add(tail.len()));
    let mut body = head.as_bytes().to_vec();
    body.extend(std::iter::repeat_n(b'x', fill));
    body.extend_from_slice(tail.as_bytes());
    body
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

    // One store for the whole run, as a server keeps it; every id is new to it.
    let store = MokaStore::default();
    let mut next = 1_u64 << 40;
    group.bench_function("reserve-commit-new", |b| {
        b.to_async(&runtime).iter_custom(|iters| {
            let ids = fresh_ids(&mut next, iters);
            let store = &store;
            async move {
                let start = Instant::now();
                for id in &ids {
                    let key = ReplayKey::new(NAMESPACE, id);
                    let Ok(Reservation::Acquired(owner)) = store.reserve(key, LEASE).await else {
                        panic!("a new id is acquired");
                    };
                    assert!(store.commit(key, &owner, TTL).await.unwrap());
                }
                let elapsed = start.elapsed();
                drop(black_box(ids));
                elapsed
            }
        });
    });

    let guard = ReplayGuard::new(MokaStore::default(), NAMESPACE, TTL).unwrap();
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
    group.bench_function("reserve-done", |b| {
        b.to_async(&runtime)
            .iter(|| async { store.reserve(black_box(key), LEASE).await.unwrap() });
    });

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
    let body = body(1024);
    let headers = signer
        .sign(&body, &SignOptions::new().timestamp(now).id(&done))
        .unwrap()
        .into_vec();
    verifier.verify_at(&headers, &body, now).unwrap();
    group.bench_function("github-verify-1k", |b| {
        b.iter(|| {
            verifier
                .verify_at(black_box(&headers), black_box(&body), now)
                .unwrap()
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
