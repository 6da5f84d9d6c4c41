//! `RedisStore` against the store conformance suite, on a real `redis-server`.
#![allow(clippy::unwrap_used, missing_docs)]

mod support;

use std::sync::Arc;

use hookshield_core::replay::conformance;
use hookshield_redis::RedisStore;

macro_rules! conformance_tests {
    ($($check:ident),* $(,)?) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
        async fn $check() {
            let Some(url) = support::redis_url() else { return };
            let store = RedisStore::builder(&url).key_prefix("hookshield-test").build().unwrap();
            conformance::$check(Arc::new(store)).await;
        }
    )*};
}

conformance_tests!(
    acquire_then_in_flight,
    commit_marks_done,
    only_the_owner_settles,
    namespaces_are_separate,
    lapsed_lease_is_taken_over,
    done_expires_after_ttl,
    exactly_one_of_many,
);
