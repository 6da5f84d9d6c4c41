//! `PgStore` itself: a reserve that times out while PostgreSQL holds it (answered
//! `Timeout`, then released in the background once it lands), the builder's refusals and
//! its behaviour outside a Tokio runtime, Debug output without the password, and commits
//! after a lapsed lease.
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

use hookshield_core::replay::{ReplayKey, ReplayStore, Reservation, StoreError};
use hookshield_postgres::PgStore;
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;
use support::scratch::{Scratch, handles_one_event};
use support::unique;

/// An audit of every write to `hookshield_events` in the scratch schema: `(op, owner as
/// 32 hex digits, state)`, in order.
/// A URL whose password must never show.
const SECRET_URL: &str = "postgres://user:s3cret-pw@127.0.0.1:1/db";
const PASSWORD: &str = "s3cret-pw";

const AUDIT: &str = "
CREATE TABLE audit (
    seq   bigserial PRIMARY KEY,
    op    text NOT NULL,
    owner text NOT NULL,
    state text NOT NULL
);
CREATE FUNCTION audit_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO audit (op, owner, state)
        VALUES (TG_OP, replace(OLD.owner::text, '-', ''), OLD.state);
        RETURN OLD;
    END IF;
    INSERT INTO audit (op, owner, state)
    VALUES (TG_OP, replace(NEW.owner::text, '-', ''), NEW.state);
    RETURN NEW;
END
$$;
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON hookshield_events
    FOR EACH ROW EXECUTE FUNCTION audit_events();
";

async fn audit(pool: &PgPool) -> Vec<(String, String, String)> {
    sqlx::query_as("SELECT op, owner, state FROM audit ORDER BY seq")
        .fetch_all(pool)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reserve_that_times_out_is_released_in_the_background_once_it_lands() {
    const TIMEOUT: Duration = Duration::from_millis(300);
    /// Long: without the background release the id would be in flight this long.
    const LEASE: Duration = Duration::from_secs(60);
    let Some(scratch) = Scratch::migrated(6).await else {
        return;
    };
    let pool = &scratch.pool;
    sqlx::raw_sql(AUDIT).execute(pool).await.unwrap();
    let store = PgStore::builder(pool.clone())
        .timeout(TIMEOUT)
        .without_sweeper()
        .build()
        .unwrap();
    let key = ReplayKey::new("late", "evt-1");

    // Another transaction inserts the same key and holds it: the reserve's
    // `INSERT … ON CONFLICT` has to wait for that transaction to end.
    let mut blocker = pool.begin().await.unwrap();
    let blocker_pid: i32 = sqlx::query_scalar("SELECT pg_backend_pid()")
        .fetch_one(&mut *blocker)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO hookshield_events VALUES ('late', 'evt-1', gen_random_uuid(), 'in_flight',
             now() + interval '1 minute', now() + interval '1 minute')",
    )
    .execute(&mut *blocker)
    .await
    .unwrap();

    let started = Instant::now();
    let answer = store.reserve(key, LEASE).await;
    let waited = started.elapsed();
    assert!(matches!(answer, Err(StoreError::Timeout)), "{answer:?}");
    assert!(
        waited >= TIMEOUT && waited < TIMEOUT * 4,
        "answered after {waited:?}"
    );

    // The statement was not cancelled: it still waits for the blocker in PostgreSQL.
    let waiting: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM pg_stat_activity
         WHERE $1 = ANY (pg_blocking_pids(pid)) AND query LIKE '%INSERT INTO hookshield_events AS e%'",
    )
    .bind(blocker_pid)
    .fetch_one(&scratch.admin)
    .await
    .unwrap();
    assert_eq!(
        waiting, 1,
        "the timed-out reserve no longer waits in PostgreSQL"
    );

    // The blocker goes away (rolls back): the late reserve takes the id.
    blocker.rollback().await.unwrap();
    let freed = Instant::now();
    while !audit(pool).await.iter().any(|(op, _, _)| op == "INSERT") {
        assert!(
            freed.elapsed() < Duration::from_secs(5),
            "the late reserve never landed"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // And releases it at once: a new reserve acquires the id within moments, not after
    // the 60 s lease.
    let owner = loop {
        match store.reserve(key, LEASE).await {
            Ok(Reservation::Acquired(owner)) => break owner,
            Ok(Reservation::InFlight) => {}
            other => panic!("reserve after the blocker went: {other:?}"),
        }
        assert!(
            freed.elapsed() < Duration::from_secs(3),
            "the late reservation was not released"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    eprintln!(
        "acquired again {:?} after the blocker went",
        freed.elapsed()
    );

    // What happened, as PostgreSQL saw it: the late reserve's row (the blocker's rolled
    // back with it), its owner-checked release, the new reservation.
    let log = audit(pool).await;
    assert_eq!(log.len(), 3, "{log:?}");
    let (late_op, late_owner, late_state) = &log[0];
    assert_eq!(
        (late_op.as_str(), late_state.as_str()),
        ("INSERT", "in_flight")
    );
    assert_eq!(
        (log[1].0.as_str(), log[1].1.as_str(), log[1].2.as_str()),
        ("DELETE", late_owner.as_str(), "in_flight"),
        "{log:?}"
    );
    assert_eq!(
        (log[2].0.as_str(), log[2].1.as_str(), log[2].2.as_str()),
        ("INSERT", owner.to_hex().as_str(), "in_flight"),
        "{log:?}"
    );
    assert_ne!(*late_owner, owner.to_hex());
    assert!(
        store.commit(key, &owner, LEASE).await.unwrap(),
        "the new owner commits"
    );
    drop(store);
    scratch.drop_schema().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn debug_output_never_shows_the_password() {
    let pool = PgPoolOptions::new()
        .acquire_timeout(Duration::from_millis(200))
        .connect_lazy(SECRET_URL)
        .unwrap();
    // The pool's connection options hold it (so a careless Debug would show it).
    assert!(format!("{:?}", pool.connect_options()).contains(PASSWORD));

    let builder = PgStore::builder(pool.clone())
        .timeout(Duration::from_millis(300))
        .sweep_batch(10);
    for shown in [format!("{builder:?}"), format!("{builder:#?}")] {
        assert!(!shown.contains(PASSWORD), "{shown}");
        assert!(!shown.contains("user"), "{shown}");
        assert!(shown.contains("300ms"), "the settings are shown: {shown}");
    }
    let store = builder.build().unwrap();
    for shown in [format!("{store:?}"), format!("{store:#?}")] {
        assert!(!shown.contains(PASSWORD), "{shown}");
        assert!(!shown.contains("127.0.0.1"), "{shown}");
        assert!(shown.contains("300ms"), "the settings are shown: {shown}");
    }
    // Nor does the error of a store that cannot connect.
    let error = store
        .reserve(ReplayKey::new("debug", "evt-1"), Duration::from_secs(60))
        .await
        .unwrap_err();
    for shown in [format!("{error}"), format!("{error:?}")] {
        assert!(!shown.contains(PASSWORD), "{shown}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn build_refuses_a_zero_timeout_or_sweep_interval() {
    let pool = PgPoolOptions::new().connect_lazy(SECRET_URL).unwrap();
    let zero_timeout = PgStore::builder(pool.clone())
        .timeout(Duration::ZERO)
        .build();
    assert!(
        matches!(zero_timeout, Err(StoreError::Unavailable(_))),
        "{zero_timeout:?}"
    );
    let zero_sweep = PgStore::builder(pool.clone())
        .sweep_every(Duration::ZERO)
        .build();
    assert!(
        matches!(zero_sweep, Err(StoreError::Unavailable(_))),
        "{zero_sweep:?}"
    );
    let zero_without_sweeper = PgStore::builder(pool.clone())
        .timeout(Duration::ZERO)
        .without_sweeper()
        .build();
    assert!(zero_without_sweeper.is_err(), "{zero_without_sweeper:?}");
    // The smallest non-zero settings build.
    PgStore::builder(pool)
        .timeout(Duration::from_millis(1))
        .sweep_every(Duration::from_millis(1))
        .sweep_batch(0)
        .build()
        .unwrap();
}

/// Not a Tokio test: `build` is called outside any runtime.
#[test]
fn build_outside_a_runtime_is_an_error_with_the_sweeper_and_works_without_it() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let url = support::postgres_url();
    // sqlx's pool needs a runtime to be created; the store's builder is used outside one.
    let pool = {
        let _inside = runtime.enter();
        PgPoolOptions::new()
            .max_connections(2)
            .acquire_timeout(Duration::from_secs(10))
            .connect_lazy(url.as_deref().unwrap_or(SECRET_URL))
            .unwrap()
    };
    assert!(tokio::runtime::Handle::try_current().is_err());

    let refused = PgStore::builder(pool.clone()).build();
    match &refused {
        Err(StoreError::Unavailable(why)) => {
            assert!(why.to_string().contains("runtime"), "{why}");
        }
        other => panic!("built outside a runtime with a sweeper: {other:?}"),
    }
    let store = PgStore::builder(pool.clone())
        .without_sweeper()
        .build()
        .unwrap();

    // The store built outside works inside a runtime.
    if url.is_some() {
        runtime.block_on(async {
            PgStore::migrate(&pool).await.unwrap();
            handles_one_event(&store, &unique("outside")).await;
        });
    }
    let _inside = runtime.enter();
    drop((store, pool));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_commit_after_the_lease_lapsed_commits_unless_the_event_was_taken_over() {
    const SHORT: Duration = Duration::from_millis(200);
    const PAST_SHORT: Duration = Duration::from_millis(500);
    const TTL: Duration = Duration::from_secs(60);
    let Some(pool) = support::pool(4).await else {
        return;
    };
    let store = PgStore::builder(pool).without_sweeper().build().unwrap();
    let namespace = unique("lapsed");
    let acquire = async |key: ReplayKey<'_>, lease: Duration| match store.reserve(key, lease).await
    {
        Ok(Reservation::Acquired(owner)) => owner,
        other => panic!("{key:?}: expected Acquired, got {other:?}"),
    };

    // The lease lapsed, nobody took the event over: the owner's commit still counts.
    let key = ReplayKey::new(&namespace, "evt-lapsed");
    let owner = acquire(key, SHORT).await;
    tokio::time::sleep(PAST_SHORT).await;
    assert!(store.commit(key, &owner, TTL).await.unwrap());
    assert_eq!(store.reserve(key, TTL).await.unwrap(), Reservation::Done);
    assert!(
        !store.commit(key, &owner, TTL).await.unwrap(),
        "committed twice"
    );

    // Likewise a release after the lease lapsed frees the id.
    let key = ReplayKey::new(&namespace, "evt-released");
    let owner = acquire(key, SHORT).await;
    tokio::time::sleep(PAST_SHORT).await;
    assert!(store.release(key, &owner).await.unwrap());
    assert!(matches!(
        store.reserve(key, TTL).await,
        Ok(Reservation::Acquired(_))
    ));

    // Taken over after the lease lapsed: the old owner can neither commit nor release.
    let key = ReplayKey::new(&namespace, "evt-taken");
    let old = acquire(key, SHORT).await;
    tokio::time::sleep(PAST_SHORT).await;
    // The lapsed reservation is taken over.
    let new = acquire(key, TTL).await;
    assert_ne!(old, new);
    assert!(
        !store.commit(key, &old, TTL).await.unwrap(),
        "old owner committed"
    );
    assert!(
        !store.release(key, &old).await.unwrap(),
        "old owner released"
    );
    assert_eq!(
        store.reserve(key, TTL).await.unwrap(),
        Reservation::InFlight
    );
    assert!(store.commit(key, &new, TTL).await.unwrap());
    assert_eq!(store.reserve(key, TTL).await.unwrap(), Reservation::Done);
}
