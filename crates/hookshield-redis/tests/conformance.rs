//! `RedisStore` against the store conformance suite, on a real `redis-server`.
#![allow(clippy::unwrap_used, missing_docs)]

mod support;

use hookshield_redis::RedisStore;

/// The test Redis as a store, or `None` (the test is skipped, or fails under
/// `HOOKSHIELD_REQUIRE_REDIS=1`) when there is none.
async fn redis_store() -> Option<RedisStore> {
    let url = support::redis_url()?;
    let store = RedisStore::builder(&url)
        .key_prefix("hookshield-test")
        .build()
        .unwrap();
    Some(store)
}

hookshield_core::replay_store_conformance!(optional redis_store);
