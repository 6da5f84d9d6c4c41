//! The sweeper: bounded batches, oldest first, live and locked rows spared, in the
//! background on its own, and no more once the store is gone.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    missing_docs
)]

mod support;

use std::time::{Duration, Instant};

use hookshield_postgres::PgStore;
use sqlx::PgPool;
use support::scratch::Scratch;
use support::unique;

/// Inserts `count` expired rows `old-1` … `old-<count>` in `namespace`, the higher the
/// number the older (`old-<count>` expired first), half of them done, half lapsed
/// reservations.
async fn insert_expired(pool: &PgPool, namespace: &str, count: i32) {
    sqlx::query(
        "INSERT INTO hookshield_events (namespace, event_id, owner, state, lease_deadline, expires_at)
         SELECT $1, 'old-' || i, md5($1 || 'old' || i)::uuid,
                CASE WHEN i % 2 = 0 THEN 'done' ELSE 'in_flight' END,
                now() - interval '2 hours',
                now() - interval '1 hour' - i * interval '1 second'
         FROM generate_series(1, $2) AS i",
    )
    .bind(namespace)
    .bind(count)
    .execute(pool)
    .await
    .unwrap();
}

/// Inserts `count` live rows in `namespace`: in flight with a lease ahead, or done within
/// their TTL; the first ones expire in a few seconds.
async fn insert_live(pool: &PgPool, namespace: &str, count: i32) {
    sqlx::query(
        "INSERT INTO hookshield_events (namespace, event_id, owner, state, lease_deadline, expires_at)
         SELECT $1, 'live-' || i, md5($1 || 'live' || i)::uuid,
                CASE WHEN i % 2 = 0 THEN 'done' ELSE 'in_flight' END,
                now() + interval '1 hour',
                now() + interval '30 seconds' + i * interval '1 second'
         FROM generate_series(1, $2) AS i",
    )
    .bind(namespace)
    .bind(count)
    .execute(pool)
    .await
    .unwrap();
}

/// (expired, live) rows in the table.
async fn counts(pool: &PgPool) -> (i64, i64) {
    sqlx::query_as(
        "SELECT count(*) FILTER (WHERE expires_at <= now()),
                count(*) FILTER (WHERE expires_at > now())
         FROM hookshield_events",
    )
    .fetch_one(pool)
    .await
    .unwrap()
}

/// The highest `n` among the expired rows `old-<n>` still in the table.
async fn oldest_left(pool: &PgPool) -> Option<i32> {
    sqlx::query_scalar(
        "SELECT max(split_part(event_id, '-', 2)::int) FROM hookshield_events
         WHERE event_id LIKE 'old-%'",
    )
    .fetch_one(pool)
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sweep_deletes_expired_rows_oldest_first_in_bounded_batches_and_spares_live_ones() {
    let Some(scratch) = Scratch::migrated(4).await else {
        return;
    };
    let pool = &scratch.pool;
    let namespace = unique("sweep");
    insert_expired(pool, &namespace, 2_500).await;
    insert_live(pool, &namespace, 300).await;
    assert_eq!(counts(pool).await, (2_500, 300));

    let store = PgStore::builder(pool.clone())
        .sweep_batch(1000)
        .without_sweeper()
        .build()
        .unwrap();
    // One sweep, one batch: exactly 1,000 rows, the oldest.
    assert_eq!(store.sweep().await.unwrap(), 1000);
    assert_eq!(counts(pool).await, (1_500, 300));
    assert_eq!(oldest_left(pool).await, Some(1_500));
    assert_eq!(store.sweep().await.unwrap(), 1000);
    assert_eq!(counts(pool).await, (500, 300));
    assert_eq!(oldest_left(pool).await, Some(500));
    // The last, short batch; then nothing, however often it runs.
    assert_eq!(store.sweep().await.unwrap(), 500);
    for _ in 0..3 {
        assert_eq!(store.sweep().await.unwrap(), 0);
    }
    assert_eq!(counts(pool).await, (0, 300));
    assert_eq!(oldest_left(pool).await, None);

    // A batch of 1 deletes one row.
    let small = PgStore::builder(pool.clone())
        .sweep_batch(1)
        .without_sweeper()
        .build()
        .unwrap();
    insert_expired(pool, &namespace, 3).await;
    assert_eq!(small.sweep().await.unwrap(), 1);
    assert_eq!(counts(pool).await, (2, 300));
    assert_eq!(store.sweep().await.unwrap(), 2);

    // An expired row another transaction holds is skipped, without waiting for it; the
    // next sweep after that transaction takes it.
    insert_expired(pool, &namespace, 6).await;
    let mut holder = pool.begin().await.unwrap();
    sqlx::query(
        "SELECT 1 FROM hookshield_events WHERE namespace = $1 AND event_id = 'old-6' FOR UPDATE",
    )
    .bind(&namespace)
    .execute(&mut *holder)
    .await
    .unwrap();
    let started = Instant::now();
    assert_eq!(store.sweep().await.unwrap(), 5);
    assert!(started.elapsed() < Duration::from_millis(900));
    assert_eq!(oldest_left(pool).await, Some(6));
    holder.commit().await.unwrap();
    assert_eq!(store.sweep().await.unwrap(), 1);
    assert_eq!(counts(pool).await, (0, 300));
    drop((store, small));
    scratch.drop_schema().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_background_sweeper_empties_expired_rows_and_stops_with_the_store() {
    let Some(scratch) = Scratch::migrated(4).await else {
        return;
    };
    let pool = &scratch.pool;
    let namespace = unique("sweeper");
    insert_expired(pool, &namespace, 2_500).await;
    insert_live(pool, &namespace, 300).await;

    let store = PgStore::builder(pool.clone())
        .sweep_every(Duration::from_millis(200))
        .sweep_batch(1000)
        .build()
        .unwrap();
    // A clone keeps it going; the sweeper stops with the last one.
    let clone = store.clone();
    drop(store);
    let started = Instant::now();
    loop {
        let (expired, live) = counts(pool).await;
        assert_eq!(live, 300, "the sweeper deleted a live row");
        if expired == 0 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{expired} expired rows left after {:?}",
            started.elapsed()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    eprintln!(
        "2,500 expired rows swept in the background within {:?}",
        started.elapsed()
    );
    // It keeps sweeping: rows that expire later go too.
    insert_expired(pool, &namespace, 10).await;
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(counts(pool).await, (0, 300));

    // The last clone gone, so is the sweeper.
    drop(clone);
    tokio::time::sleep(Duration::from_millis(50)).await;
    insert_expired(pool, &namespace, 10).await;
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(counts(pool).await, (10, 300));
    scratch.drop_schema().await;
}
