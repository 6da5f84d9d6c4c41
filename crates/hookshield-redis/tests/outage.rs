//! A Redis outage, on a `redis-server` this test starts, kills and restarts itself: while
//! Redis is down every new event is refused with 503 + `Retry-After` and the handler does
//! not run (fail closed); after the restart the provider's retries of the refused events
//! are each handled once. With `with_fail_open(true)` the handler runs during the outage.
//!
//! Needs `redis-server` on the `PATH`: skipped without it, failed under
//! `HOOKSHIELD_REQUIRE_REDIS=1`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    missing_docs
)]

mod support;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hookshield_axum::WebhookLayer;
use hookshield_core::Receiver;
use hookshield_redis::RedisStore;
use support::server::RedisServer;
use support::{BODY, CIVO_SECRET, Reply, Runs};
use tokio::task::JoinSet;

/// How long one Redis command may take before the store gives up.
const STORE_TIMEOUT: Duration = Duration::from_millis(200);
/// How long the handler works.
const WORK: Duration = Duration::from_millis(20);

/// A Civo receiver on `server` (short store timeout), counting into `runs`; answers its
/// URL.
async fn receiver(server: &RedisServer, runs: &Runs, fail_open: bool) -> String {
    let store = RedisStore::builder(&server.url())
        .key_prefix(&support::unique_prefix("outage"))
        .timeout(STORE_TIMEOUT)
        .connect_timeout(STORE_TIMEOUT)
        .build()
        .unwrap();
    let receiver = Receiver::new(support::civo_verifier())
        .with_fail_open(fail_open)
        .with_replay_store(store);
    let layer = WebhookLayer::from(receiver);
    support::serve(support::app(layer, runs, WORK)).await
}

async fn deliver(client: &reqwest::Client, url: &str, id: &str) -> Reply {
    let body = support::event_body(id);
    let headers = support::sign(&support::civo_signer(CIVO_SECRET), id, &body);
    support::post_event(client, url, &headers, body).await
}

#[track_caller]
fn assert_refused(reply: &Reply) {
    assert!(reply.is_store_unavailable(), "{reply:?}");
    assert_eq!(reply.retry_after.as_deref(), Some("10"), "{reply:?}");
}

/// One delivery of the load: its id, when it was sent and the answer.
type Sent = (String, Instant, Reply);

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fail_closed_during_an_outage_then_each_refused_event_once_after_restart() {
    let Some(mut server) = RedisServer::start().await else {
        return;
    };
    let runs = Runs::default();
    let url = receiver(&server, &runs, false).await;
    let client = support::client();

    // (a) Redis up: events are handled once, copies are duplicates.
    for i in 0..10 {
        let id = format!("up-{i}");
        assert_eq!(deliver(&client, &url, &id).await.status, 204);
        assert!(deliver(&client, &url, &id).await.is_duplicate());
    }
    assert_eq!(runs.total(), 10);

    // (b) A steady load of new events, and Redis killed in the middle of it.
    let stop = Arc::new(AtomicBool::new(false));
    let sent: Arc<Mutex<Vec<Sent>>> = Arc::default();
    let mut load = JoinSet::new();
    for worker in 0..4 {
        let (client, url, stop, sent) = (client.clone(), url.clone(), stop.clone(), sent.clone());
        load.spawn(async move {
            for n in 0.. {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                let id = format!("load-{worker}-{n}");
                let at = Instant::now();
                let reply = deliver(&client, &url, &id).await;
                sent.lock().unwrap().push((id, at, reply));
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        });
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    server.kill().await;
    let killed = Instant::now();
    // What was admitted before the kill finishes (handler, then a commit that times out).
    tokio::time::sleep(WORK + STORE_TIMEOUT * 2).await;
    let runs_when_down = runs.total();

    // While Redis is down, every new event is refused and the handler does not run.
    let mut refused: Vec<String> = Vec::new();
    let mut batch = JoinSet::new();
    for i in 0..20 {
        let (client, url) = (client.clone(), url.clone());
        batch.spawn(async move {
            let id = format!("down-{i}");
            let at = Instant::now();
            let reply = deliver(&client, &url, &id).await;
            (id, reply, at.elapsed())
        });
    }
    let mut slowest = Duration::ZERO;
    for (id, reply, took) in batch.join_all().await {
        assert_refused(&reply);
        refused.push(id);
        slowest = slowest.max(took);
    }
    // The store's timeout bounds the wait for the refusal.
    assert!(slowest < STORE_TIMEOUT * 5, "a refusal took {slowest:?}");
    eprintln!("while down: 20 new events refused, the slowest answer in {slowest:?}");
    // A forged event is still a signature mismatch, not a store error.
    let forged = support::sign(&support::civo_signer("not-the-secret"), "forged", BODY);
    let reply = support::post_event(&client, &url, &forged, BODY).await;
    assert_eq!(reply.status, 401, "{reply:?}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.store(true, Ordering::SeqCst);
    load.join_all().await;
    assert_eq!(
        runs.total(),
        runs_when_down,
        "the handler ran while Redis was down"
    );

    let sent = std::mem::take(&mut *sent.lock().unwrap());
    let (mut handled, mut refused_load, mut refused_after_kill) = (0, 0, 0);
    for (id, at, reply) in &sent {
        if reply.status == 204 {
            assert!(*at < killed, "{id} was handled after Redis was killed");
            assert_eq!(runs.of(id), 1, "{id}");
            handled += 1;
        } else {
            assert_refused(reply);
            assert_eq!(runs.of(id), 0, "{id} was refused but its handler ran");
            refused.push(id.clone());
            refused_load += 1;
            if *at >= killed {
                refused_after_kill += 1;
            }
        }
    }
    assert!(handled > 0, "no load before the kill");
    assert!(refused_after_kill > 0, "no load after the kill");
    assert_eq!(runs.total(), 10 + handled);
    eprintln!(
        "load: {} deliveries, {handled} handled before the kill, {refused_load} refused \
         ({refused_after_kill} sent after it); plus 20 refused while down",
        sent.len()
    );

    // (c) Redis back on the same port (empty: no persistence). The provider retries the
    // refused events: each is handled once, once the store has reconnected.
    server.restart().await;
    let restarted = Instant::now();
    let mut retries = JoinSet::new();
    for id in refused.clone() {
        let (client, url) = (client.clone(), url.clone());
        retries.spawn(async move {
            for attempt in 1..=40 {
                let reply = deliver(&client, &url, &id).await;
                match reply.status {
                    204 => return (id, attempt),
                    503 => assert_refused(&reply),
                    _ => panic!("retry {attempt} of {id}: {reply:?}"),
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            panic!("{id} still refused 40 retries after the restart");
        });
    }
    let attempts: HashMap<String, u32> = retries.join_all().await.into_iter().collect();
    let most = attempts.values().max().copied().unwrap_or(0);
    eprintln!(
        "after the restart: {} refused events handled in {:?}, at most {most} attempts each",
        attempts.len(),
        restarted.elapsed()
    );
    for id in &refused {
        assert_eq!(runs.of(id), 1, "{id} after the restart");
        assert!(deliver(&client, &url, id).await.is_duplicate(), "{id}");
    }
    assert_eq!(runs.total(), runs_when_down + refused.len());
    // Stopped and reaped here; on a panic `kill_on_drop` stops it.
    server.kill().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fail_open_runs_the_handler_while_redis_is_down() {
    let Some(mut server) = RedisServer::start().await else {
        return;
    };
    let (closed_runs, open_runs) = (Runs::default(), Runs::default());
    let closed = receiver(&server, &closed_runs, false).await;
    let open = receiver(&server, &open_runs, true).await;
    let client = support::client();

    // Redis up: the fail-open receiver protects against replays like any other.
    assert_eq!(deliver(&client, &open, "evt-1").await.status, 204);
    assert!(deliver(&client, &open, "evt-1").await.is_duplicate());
    assert_eq!(open_runs.total(), 1);

    server.kill().await;
    // Fail closed (the default): refused, not run.
    assert_refused(&deliver(&client, &closed, "evt-2").await);
    assert_eq!(closed_runs.total(), 0);
    // Fail open (opt-in): run without replay protection.
    assert_eq!(deliver(&client, &open, "evt-2").await.status, 204);
    assert_eq!(open_runs.of("evt-2"), 1);
    // Which is the documented price: nothing is remembered, so a copy runs again.
    assert_eq!(deliver(&client, &open, "evt-2").await.status, 204);
    assert_eq!(open_runs.of("evt-2"), 2);
}
