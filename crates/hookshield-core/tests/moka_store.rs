//! `MokaStore` against the store conformance suite, each check as its own test.

use std::sync::Arc;

use hookshield_core::replay::{MokaStore, conformance};

macro_rules! conformance_tests {
    ($($check:ident),* $(,)?) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
        async fn $check() {
            conformance::$check(Arc::new(MokaStore::default())).await;
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
