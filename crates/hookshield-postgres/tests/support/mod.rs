//! The PostgreSQL the tests use: `HOOKSHIELD_POSTGRES_URL`, as `scripts/postgres.sh start`
//! prints it, or a cluster of a test's own ([`cluster::Cluster`], to stop under load).
#![allow(dead_code, clippy::panic, clippy::unwrap_used, clippy::expect_used)]

pub(crate) mod cluster;

use std::time::Duration;

use hookshield_postgres::PgStore;
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;

/// The URL of the test PostgreSQL, or `None` (with a note) when none is configured. Under
/// `HOOKSHIELD_REQUIRE_POSTGRES=1` (set by `scripts/test.sh`, so by CI) a missing one fails
/// the test instead.
pub(crate) fn postgres_url() -> Option<String> {
    match std::env::var("HOOKSHIELD_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if postgres_required() => {
            panic!("HOOKSHIELD_POSTGRES_URL is not set: run the tests through scripts/test.sh")
        }
        _ => {
            eprintln!(
                "skipped: no PostgreSQL (run `eval \"$(scripts/postgres.sh start)\"` or scripts/test.sh)"
            );
            None
        }
    }
}

/// Whether a missing PostgreSQL fails the test (`HOOKSHIELD_REQUIRE_POSTGRES=1`) instead
/// of skipping it.
pub(crate) fn postgres_required() -> bool {
    std::env::var("HOOKSHIELD_REQUIRE_POSTGRES").is_ok_and(|v| v == "1")
}

/// A pool of `size` connections on `url`, with the table migrated.
pub(crate) async fn pool_on(url: &str, size: u32) -> PgPool {
    let pool = PgPoolOptions::new()
        .max_connections(size)
        .acquire_timeout(Duration::from_secs(10))
        .connect(url)
        .await
        .expect("connect to PostgreSQL");
    PgStore::migrate(&pool).await.expect("migrate");
    pool
}

/// A pool on the test PostgreSQL, or `None` (see [`postgres_url`]).
pub(crate) async fn pool(size: u32) -> Option<PgPool> {
    Some(pool_on(&postgres_url()?, size).await)
}
