//! The migration: idempotent, safe when several instances run it at once, and exactly
//! the documented columns.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    missing_docs
)]

mod support;

use std::sync::Arc;

use hookshield_postgres::{MIGRATION, PgStore};
use support::scratch::{Scratch, handles_one_event, table_exists};
use tokio::sync::Barrier;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrate_is_idempotent_and_safe_when_eight_instances_run_it_at_once() {
    const INSTANCES: usize = 8;
    let Some(scratch) = Scratch::new(INSTANCES as u32).await else {
        return;
    };
    // A fresh schema: the table there does not exist yet (public's is not on the path).
    assert!(!table_exists(&scratch.pool).await);

    // Eight connections open and idle, so each instance starts on one of its own at once.
    let mut warm = Vec::new();
    for _ in 0..INSTANCES {
        warm.push(scratch.pool.acquire().await.unwrap());
    }
    drop(warm);
    let barrier = Arc::new(Barrier::new(INSTANCES));
    let mut instances = tokio::task::JoinSet::new();
    for _ in 0..INSTANCES {
        let (pool, barrier) = (scratch.pool.clone(), Arc::clone(&barrier));
        instances.spawn(async move {
            barrier.wait().await;
            PgStore::migrate(&pool).await
        });
    }
    for migrated in instances.join_all().await {
        migrated.unwrap();
    }
    // Again, twice: nothing to do, no error.
    PgStore::migrate(&scratch.pool).await.unwrap();
    PgStore::migrate(&scratch.pool).await.unwrap();

    // Exactly one table and its two indexes, in the schema of the test.
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables WHERE table_schema = $1",
    )
    .bind(&scratch.schema)
    .fetch_all(&scratch.admin)
    .await
    .unwrap();
    assert_eq!(tables, ["hookshield_events"]);
    let mut indexes: Vec<String> =
        sqlx::query_scalar("SELECT indexname::text FROM pg_indexes WHERE schemaname = $1")
            .bind(&scratch.schema)
            .fetch_all(&scratch.admin)
            .await
            .unwrap();
    indexes.sort();
    assert_eq!(
        indexes,
        ["hookshield_events_expires_at", "hookshield_events_pkey"]
    );

    // And the store works on it.
    let store = PgStore::builder(scratch.pool.clone())
        .without_sweeper()
        .build()
        .unwrap();
    handles_one_event(&store, "migrate").await;
    drop(store);
    scratch.drop_schema().await;
}

/// The column names `MIGRATION`'s own comment documents (`--   name   what it is`).
fn documented_columns() -> Vec<&'static str> {
    MIGRATION
        .lines()
        .filter_map(|line| line.strip_prefix("--   "))
        .filter(|rest| rest.starts_with(|c: char| c.is_ascii_lowercase()))
        .filter_map(|rest| rest.split_whitespace().next())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_migration_creates_exactly_the_documented_columns() {
    let Some(scratch) = Scratch::new(2).await else {
        return;
    };
    // The SQL as a user would copy it into their own migrations.
    sqlx::raw_sql(MIGRATION)
        .execute(&scratch.pool)
        .await
        .unwrap();
    // Twice: it is idempotent without the store's advisory lock too.
    sqlx::raw_sql(MIGRATION)
        .execute(&scratch.pool)
        .await
        .unwrap();

    let columns: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT column_name::text, data_type::text, is_nullable::text
         FROM information_schema.columns
         WHERE table_schema = $1 AND table_name = 'hookshield_events'
         ORDER BY ordinal_position",
    )
    .bind(&scratch.schema)
    .fetch_all(&scratch.admin)
    .await
    .unwrap();
    let expected = [
        ("namespace", "text"),
        ("event_id", "text"),
        ("owner", "uuid"),
        ("state", "text"),
        ("lease_deadline", "timestamp with time zone"),
        ("expires_at", "timestamp with time zone"),
    ];
    let got: Vec<(&str, &str, &str)> = columns
        .iter()
        .map(|(name, kind, nullable)| (name.as_str(), kind.as_str(), nullable.as_str()))
        .collect();
    let want: Vec<(&str, &str, &str)> = expected
        .iter()
        .map(|(name, kind)| (*name, *kind, "NO"))
        .collect();
    assert_eq!(got, want);
    // The comment at the top of the migration documents exactly these, in this order.
    let names: Vec<&str> = got.iter().map(|(name, _, _)| *name).collect();
    assert_eq!(documented_columns(), names);

    // The primary key is (namespace, event_id).
    let key: Vec<String> = sqlx::query_scalar(
        "SELECT k.column_name::text
         FROM information_schema.table_constraints c
         JOIN information_schema.key_column_usage k
           ON k.constraint_schema = c.constraint_schema AND k.constraint_name = c.constraint_name
         WHERE c.table_schema = $1 AND c.table_name = 'hookshield_events'
           AND c.constraint_type = 'PRIMARY KEY'
         ORDER BY k.ordinal_position",
    )
    .bind(&scratch.schema)
    .fetch_all(&scratch.admin)
    .await
    .unwrap();
    assert_eq!(key, ["namespace", "event_id"]);
    // `state` is one of the two documented states.
    let bogus = sqlx::query(
        "INSERT INTO hookshield_events VALUES ('ns', 'id', gen_random_uuid(), 'bogus', now(), now())",
    )
    .execute(&scratch.pool)
    .await;
    assert!(
        bogus.is_err(),
        "a state other than in_flight/done: {bogus:?}"
    );
    scratch.drop_schema().await;
}
