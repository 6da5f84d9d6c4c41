//! What the replay-store benchmarks share (`benches/replay.rs` here and
//! `crates/hookshield-redis/benches/store.rs`, which includes this file by path): event
//! ids never seen before, and the reserve + commit every new event costs.

use std::time::Duration;

use hookshield_core::replay::{ReplayKey, ReplayStore, Reservation};

/// How long a reservation is leased.
pub(crate) const LEASE: Duration = Duration::from_secs(60);
/// How long a handled id is remembered (GitHub's preset).
pub(crate) const TTL: Duration = Duration::from_secs(72 * 3600);

/// A GitHub-shaped delivery id (a GUID's 36 characters) made from a counter.
pub(crate) fn delivery_id(n: u64) -> String {
    format!(
        "{:08x}-0000-4000-8000-{:012x}",
        n >> 48,
        n & 0xffff_ffff_ffff
    )
}

/// `count` ids never handed out before: `next` moves past them.
pub(crate) fn fresh_ids(next: &mut u64, count: u64) -> Vec<String> {
    let start = *next;
    *next = start.saturating_add(count);
    (start..*next).map(delivery_id).collect()
}

/// Reserves and commits each of `ids`, all new to `store`.
pub(crate) async fn reserve_commit<S: ReplayStore>(store: &S, namespace: &str, ids: &[String]) {
    for id in ids {
        let key = ReplayKey::new(namespace, id);
        let Ok(Reservation::Acquired(owner)) = store.reserve(key, LEASE).await else {
            panic!("a new id is acquired");
        };
        assert!(store.commit(key, &owner, TTL).await.unwrap());
    }
}
