//! A reserve that times out on our side but lands in Redis: on a `redis-server` this test
//! starts and pauses (SIGSTOP) itself, a reserve is sent, gives up after the store's
//! timeout (the guard answers 503), and its `SET` waits in the server's socket. On resume
//! (SIGCONT) the `SET` runs, and the store's background release, owner-checked, clears it
//! at once: the provider's retry is handled instead of finding the id in flight (409) for
//! the whole 60 s lease.
//!
//! A control `SET`, sent the same way on a connection of the test's own that nobody
//! releases, shows what happened before: it lands and stays in flight.
//!
//! Needs `redis-server` on the `PATH`: skipped without it, failed under
//! `HOOKSHIELD_REQUIRE_REDIS=1`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::arithmetic_side_effects,
    missing_docs
)]

mod support;

use std::time::{Duration, Instant};

use hookshield_core::replay::{ReplayKey, ReplayStore, Reservation};
use hookshield_redis::RedisStore;
use redis::aio::MultiplexedConnection;
use support::server::RedisServer;

/// How long one Redis command may take before the store gives up.
const STORE_TIMEOUT: Duration = Duration::from_millis(200);
/// The guard's default lease: how long an orphaned reservation would block the id.
const LEASE: Duration = Duration::from_secs(60);
/// How soon after the resume the orphaned reservation must be gone.
const CLEARED_WITHIN: Duration = Duration::from_secs(2);

/// How many times Redis ran `SET` and `DEL` (`INFO commandstats`; commands run by a
/// script count too).
async fn set_and_del_calls(direct: &mut MultiplexedConnection) -> (u64, u64) {
    let info: String = redis::cmd("INFO")
        .arg("commandstats")
        .query_async(direct)
        .await
        .unwrap();
    let calls = |command: &str| {
        info.lines()
            .find_map(|line| line.strip_prefix(&format!("cmdstat_{command}:calls=")))
            .and_then(|rest| rest.split(',').next())
            .map_or(0, |n| n.parse().unwrap())
    };
    (calls("set"), calls("del"))
}

async fn exists(direct: &mut MultiplexedConnection, key: &str) -> bool {
    redis::cmd("EXISTS")
        .arg(key)
        .query_async(direct)
        .await
        .unwrap()
}

async fn pttl(direct: &mut MultiplexedConnection, key: &str) -> i64 {
    redis::cmd("PTTL")
        .arg(key)
        .query_async(direct)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reserve_that_times_out_but_lands_is_released_when_redis_resumes() {
    let Some(server) = RedisServer::start().await else {
        return;
    };
    let prefix = support::unique_prefix("paused");
    let store = RedisStore::builder(&server.url())
        .key_prefix(&prefix)
        .timeout(STORE_TIMEOUT)
        .connect_timeout(STORE_TIMEOUT)
        .build()
        .unwrap();
    let key = ReplayKey::new("civo", "evt-paused");
    let redis_key = store.redis_key(key);
    let control_key = format!("{prefix}:control");
    // The test's own connection, to look at Redis directly.
    let mut direct = redis::Client::open(server.url())
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap();

    // Connected, and working: an event is reserved and released.
    let warm = ReplayKey::new("civo", "evt-warm");
    let Reservation::Acquired(owner) = store.reserve(warm, LEASE).await.unwrap() else {
        panic!("a fresh id is acquired");
    };
    assert!(store.release(warm, &owner).await.unwrap());
    let (sets_before, dels_before) = set_and_del_calls(&mut direct).await;

    server.pause();
    let sent = Instant::now();
    let outcome = store.reserve(key, LEASE).await;
    let took = sent.elapsed();
    assert!(outcome.is_err(), "a paused Redis answered: {outcome:?}");
    assert!(
        took < STORE_TIMEOUT * 3,
        "the reserve gave up after {took:?}"
    );
    // The control: the same command on the test's own connection, abandoned the same way.
    let control = tokio::time::timeout(
        STORE_TIMEOUT,
        redis::cmd("SET")
            .arg(&control_key)
            .arg("0123456789abcdef0123456789abcdef")
            .arg("NX")
            .arg("PX")
            .arg(LEASE.as_millis() as u64)
            .arg("GET")
            .query_async::<Option<String>>(&mut direct),
    )
    .await;
    assert!(control.is_err(), "a paused Redis answered: {control:?}");
    // Held long enough for the store's first release attempt to time out as well.
    tokio::time::sleep(STORE_TIMEOUT * 2).await;
    server.resume();
    let resumed = Instant::now();

    // Both SETs land, and the store's is cleared within a short bounded wait.
    loop {
        let (sets, _) = set_and_del_calls(&mut direct).await;
        let landed = sets - sets_before;
        if landed == 2 && !exists(&mut direct, &redis_key).await {
            break;
        }
        assert!(
            resumed.elapsed() < CLEARED_WITHIN,
            "{landed} of 2 SETs landed; the reserved key is still there {:?} after the \
             resume, in flight for another {} ms",
            resumed.elapsed(),
            pttl(&mut direct, &redis_key).await
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    eprintln!(
        "the orphaned reservation was cleared {:?} after the resume",
        resumed.elapsed()
    );
    // Deleted (by the owner-checked release), not expired: its lease had a minute to run.
    let (_, dels) = set_and_del_calls(&mut direct).await;
    assert_eq!(dels - dels_before, 1, "one DEL: the store's release");
    // Without the release, the id would stay in flight for the whole lease: as the
    // control, which landed the same way and which nobody released, does.
    let control_left = pttl(&mut direct, &control_key).await;
    assert!(
        control_left > (LEASE - Duration::from_secs(10)).as_millis() as i64,
        "the control is in flight for another {control_left} ms"
    );

    // The provider's retry is handled: the id is acquired, not found in flight.
    let retry = store.reserve(key, LEASE).await.unwrap();
    assert!(
        matches!(retry, Reservation::Acquired(_)),
        "the retry found {retry:?}"
    );
}
