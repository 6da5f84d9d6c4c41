//! `MokaStore` against the store conformance suite, each check as its own test, and its
//! behaviour when full.
// A test that cannot go on must stop with the reason.
#![allow(clippy::panic)]

use hookshield_core::replay::MokaStore;

async fn moka_store() -> MokaStore {
    MokaStore::default()
}

hookshield_core::replay_store_conformance!(moka_store);

/// A full store makes room by forgetting its oldest ids, never the newest: an id reserved
/// or handled a moment ago must still count when the cache is at capacity.
mod at_capacity {
    use std::time::Duration;

    use hookshield_core::replay::{MokaStore, ReplayKey, ReplayStore, Reservation};

    const CAPACITY: u64 = 200;
    const LEASE: Duration = Duration::from_secs(60);
    const TTL: Duration = Duration::from_secs(3600);

    async fn handle(store: &MokaStore, id: &str) {
        let key = ReplayKey::new("civo", id);
        let Ok(Reservation::Acquired(owner)) = store.reserve(key, LEASE).await else {
            panic!("{id} is new");
        };
        assert_eq!(
            store.commit(key, &owner, TTL).await.ok(),
            Some(true),
            "{id}"
        );
    }

    #[tokio::test]
    async fn the_newest_done_ids_survive() {
        let store = MokaStore::new(CAPACITY);
        for n in 0..5_000 {
            handle(&store, &format!("evt-{n}")).await;
        }
        for n in 4_900..5_000 {
            let id = format!("evt-{n}");
            assert_eq!(
                store.reserve(ReplayKey::new("civo", &id), LEASE).await.ok(),
                Some(Reservation::Done),
                "evt-{n} was handled last and must still be remembered"
            );
        }
    }

    #[tokio::test]
    async fn an_in_flight_id_survives_a_flood() {
        let store = MokaStore::new(CAPACITY);
        for n in 0..1_000 {
            handle(&store, &format!("old-{n}")).await;
        }
        let key = ReplayKey::new("civo", "in-flight");
        let Ok(Reservation::Acquired(owner)) = store.reserve(key, LEASE).await else {
            panic!("a new id is acquired");
        };
        // Fewer new ids than the capacity: the in-flight one is not the oldest.
        for n in 0..CAPACITY / 2 {
            handle(&store, &format!("new-{n}")).await;
        }
        assert_eq!(
            store.reserve(key, LEASE).await.ok(),
            Some(Reservation::InFlight),
            "a copy arriving while the first is handled must wait"
        );
        assert_eq!(store.commit(key, &owner, TTL).await.ok(), Some(true));
    }
}
