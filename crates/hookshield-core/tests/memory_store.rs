//! `MemoryStore`, the default store, against the whole store conformance suite (each
//! check as its own test, the checks of a full store included), and under concurrent load
//! on a full store.
// A test that cannot go on must stop with the reason.
#![allow(clippy::panic)]

use hookshield_core::replay::MemoryStore;

async fn memory_store(capacity: u64) -> MemoryStore {
    MemoryStore::new(capacity)
}

hookshield_core::replay_store_conformance!(bounded memory_store);

mod under_load {
    use std::collections::HashSet;
    use std::sync::Arc;
    use std::time::Duration;

    use hookshield_core::replay::{MemoryStore, ReplayKey, ReplayStore, Reservation};

    const LEASE: Duration = Duration::from_secs(60);
    const TTL: Duration = Duration::from_secs(3600);

    /// Eight tasks deliver the same 2,000 events each (every event eight times, at once,
    /// over four threads and the store's shards): every event runs exactly once, and
    /// every copy is told in flight or done. (The store has room for them all: this is
    /// the race; the conformance suite checks a full store.)
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn every_event_runs_once_under_concurrent_copies() {
        const EVENTS: usize = 2_000;
        const COPIES: usize = 8;
        let store = Arc::new(MemoryStore::new(4_096));
        let tasks: Vec<_> = (0..COPIES)
            .map(|_| {
                let store = Arc::clone(&store);
                tokio::spawn(async move {
                    let mut ran = Vec::new();
                    for n in 0..EVENTS {
                        let id = format!("evt-{n}");
                        let key = ReplayKey::new("load", &id);
                        match store.reserve(key, LEASE).await {
                            Ok(Reservation::Acquired(owner)) => {
                                tokio::task::yield_now().await;
                                assert_eq!(store.commit(key, &owner, TTL).await.ok(), Some(true));
                                ran.push(n);
                            }
                            Ok(Reservation::InFlight | Reservation::Done) => {}
                            other => panic!("{id}: {other:?}"),
                        }
                    }
                    ran
                })
            })
            .collect();
        let mut seen = HashSet::new();
        for task in tasks {
            for n in task.await.unwrap() {
                assert!(seen.insert(n), "evt-{n} ran twice");
            }
        }
        assert_eq!(seen.len(), EVENTS, "every event ran");
    }

    /// Clones share one store.
    #[tokio::test]
    async fn clones_share_the_store() {
        let store = MemoryStore::new(10);
        let clone = store.clone();
        let key = ReplayKey::new("ns", "evt");
        let Ok(Reservation::Acquired(owner)) = store.reserve(key, LEASE).await else {
            panic!("new id");
        };
        assert_eq!(
            clone.reserve(key, LEASE).await.ok(),
            Some(Reservation::InFlight)
        );
        assert_eq!(clone.commit(key, &owner, TTL).await.ok(), Some(true));
        assert_eq!(store.len(), 1);
        assert!(!store.is_empty());
        assert!(format!("{store:?}").starts_with("MemoryStore { capacity: 10"));
    }
}
