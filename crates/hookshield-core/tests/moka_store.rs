//! `MokaStore` (feature `moka`) against the whole store conformance suite, each check as
//! its own test, the checks of a full store included.

use hookshield_core::replay::MokaStore;

async fn moka_store(capacity: u64) -> MokaStore {
    MokaStore::new(capacity)
}

hookshield_core::replay_store_conformance!(bounded moka_store);
