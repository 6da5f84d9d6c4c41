//! Two receivers, each with its own `RedisStore` (its own connection) on one Redis, as two
//! instances behind a load balancer: however the copies of an event are spread over them,
//! the handler runs once overall.
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
use std::time::Duration;

use hookshield_axum::WebhookLayer;
use hookshield_core::Receiver;
use hookshield_redis::RedisStore;
use support::{CIVO_SECRET, Reply, Runs};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

/// How long the handler works: long enough for concurrent copies to find it in flight.
const WORK: Duration = Duration::from_millis(50);
/// Requests in flight at once.
const CONCURRENCY: usize = 200;

/// Two instances on the Redis at `url`, sharing `prefix`, each with its own store and
/// connection, counting into one `runs`. Answers their URLs.
async fn two_instances(url: &str, prefix: &str, runs: &Runs) -> [String; 2] {
    let mut urls = Vec::new();
    for _ in 0..2 {
        // Built separately: a connection per instance, as in two processes.
        let store = RedisStore::builder(url).key_prefix(prefix).build().unwrap();
        let receiver = Receiver::new(support::civo_verifier())
            .with_ttl(Duration::from_secs(600))
            .unwrap()
            .with_replay_store(store);
        let layer = WebhookLayer::from(receiver);
        urls.push(support::serve(support::app(layer, runs, WORK)).await);
    }
    urls.try_into().unwrap()
}

/// Sends every `(instance, id)` delivery concurrently (at most [`CONCURRENCY`] in flight);
/// answers `(instance, id, reply)` triples.
async fn deliver(
    urls: &[String; 2],
    deliveries: Vec<(usize, String)>,
) -> Vec<(usize, String, Reply)> {
    let client = support::client();
    let signer = support::civo_signer(CIVO_SECRET);
    let permits = Arc::new(Semaphore::new(CONCURRENCY));
    let mut tasks = JoinSet::new();
    for (instance, id) in deliveries {
        let (client, url) = (client.clone(), urls[instance].clone());
        let body = support::event_body(&id);
        let headers = support::sign(&signer, &id, &body);
        let permit = Arc::clone(&permits).acquire_owned().await.unwrap();
        tasks.spawn(async move {
            let reply = support::post_event(&client, &url, &headers, body).await;
            drop(permit);
            (instance, id, reply)
        });
    }
    tasks.join_all().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 8)]
async fn a_thousand_copies_over_two_instances_run_once() {
    let Some(url) = support::redis_url() else {
        return;
    };
    let runs = Runs::default();
    let urls = two_instances(&url, &support::unique_prefix("two-instances"), &runs).await;

    let id = "evt-thousand-copies";
    let deliveries = (0..1000).map(|i| (i % 2, id.to_owned())).collect();
    let replies = deliver(&urls, deliveries).await;

    assert_eq!(runs.total(), 1, "the handler ran {} times", runs.total());
    let handled = replies.iter().filter(|(_, _, r)| r.status == 204).count();
    let in_flight = replies.iter().filter(|(_, _, r)| r.is_in_flight()).count();
    let duplicates = replies.iter().filter(|(_, _, r)| r.is_duplicate()).count();
    assert_eq!(handled, 1, "{replies:?}");
    assert_eq!(
        handled + in_flight + duplicates,
        1000,
        "unexpected answers: {:?}",
        replies
            .iter()
            .filter(|(_, _, r)| r.status != 204 && !r.is_in_flight() && !r.is_duplicate())
            .take(5)
            .collect::<Vec<_>>()
    );
    assert!(
        in_flight >= 1,
        "no copy arrived while the first was in flight"
    );
    for instance in 0..2 {
        // Both instances saw the event, and answered for it without running it.
        assert!(
            replies
                .iter()
                .any(|(i, _, r)| *i == instance && (r.is_in_flight() || r.is_duplicate())),
            "instance {instance} never refused a copy"
        );
    }
    eprintln!("1000 copies: 1 handled, {in_flight} × 409, {duplicates} × 200 duplicate");

    // The provider's later retry, at either instance, is a duplicate.
    let signer = support::civo_signer(CIVO_SECRET);
    for url in &urls {
        let body = support::event_body(id);
        let headers = support::sign(&signer, id, &body);
        let reply = support::post_event(&support::client(), url, &headers, body).await;
        assert!(reply.is_duplicate(), "{reply:?}");
    }
    assert_eq!(runs.total(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 8)]
async fn distinct_events_over_two_instances_each_run_once() {
    let Some(url) = support::redis_url() else {
        return;
    };
    let runs = Runs::default();
    let urls = two_instances(&url, &support::unique_prefix("two-instances"), &runs).await;

    // 100 events × 5 copies, interleaved so the copies of an event race each other; the
    // copies of each event alternate between the instances.
    let ids: Vec<String> = (0..100).map(|i| format!("evt-{i:03}")).collect();
    let deliveries: Vec<(usize, String)> = (0..5)
        .flat_map(|copy| {
            ids.iter()
                .enumerate()
                .map(move |(n, id)| ((copy + n) % 2, id.clone()))
        })
        .collect();
    let replies = deliver(&urls, deliveries).await;

    assert_eq!(runs.total(), 100);
    let on = |instance| {
        replies
            .iter()
            .filter(|(i, _, r)| *i == instance && r.status == 204)
            .count()
    };
    // The split depends on which store connected first; only the total is fixed.
    eprintln!(
        "100 events × 5 copies: handled {} on A, {} on B",
        on(0),
        on(1)
    );
    let per_id = runs.per_id();
    for id in &ids {
        assert_eq!(
            per_id.get(id),
            Some(&1),
            "event {id} ran {:?} times",
            per_id.get(id)
        );
        let answers: Vec<&Reply> = replies
            .iter()
            .filter(|(_, i, _)| i == id)
            .map(|(_, _, r)| r)
            .collect();
        assert_eq!(answers.len(), 5);
        assert_eq!(
            answers.iter().filter(|r| r.status == 204).count(),
            1,
            "{answers:?}"
        );
        assert!(
            answers
                .iter()
                .all(|r| r.status == 204 || r.is_in_flight() || r.is_duplicate()),
            "{answers:?}"
        );
    }
}
