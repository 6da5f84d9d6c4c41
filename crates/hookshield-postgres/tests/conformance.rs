//! `PgStore` against the store conformance suite, on a real PostgreSQL.
#![allow(clippy::unwrap_used, missing_docs)]

mod support;

use hookshield_postgres::PgStore;

/// The test PostgreSQL as a store, or `None` (the test is skipped, or fails under
/// `HOOKSHIELD_REQUIRE_POSTGRES=1`) when there is none. A pool big enough for the race of
/// 1,000 reserves.
async fn postgres_store() -> Option<PgStore> {
    let pool = support::pool(20).await?;
    Some(PgStore::builder(pool).build().unwrap())
}

hookshield_core::replay_store_conformance!(optional postgres_store);
