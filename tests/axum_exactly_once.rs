//! Exactly once under concurrency, over real HTTP: many copies of one event, and copies of
//! many events interleaved, sent at the same time to a Civo endpoint whose handler is slow
//! enough for the copies to overlap. Each event must be handled exactly once; every other
//! copy is answered 409 `duplicate_in_flight` or 200 `{"duplicate":true}`.

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
use std::sync::Arc;
use std::time::Duration;

use axum::Extension;
use axum::http::StatusCode;
use axum::routing::post;
use hookshield::Verified;
use support::{Headers, PerId, Provider, Reply, assert_in_flight, layered, send, serve, url};
use tokio::sync::Semaphore;

/// Requests in flight at once (keeps the number of sockets reasonable).
const CONCURRENCY: usize = 200;

/// A Civo endpoint whose handler counts runs per event id, takes 50 ms, and answers 202.
async fn slow_endpoint() -> (String, PerId) {
    let per_id = PerId::default();
    let handler = {
        let per_id = per_id.clone();
        post(move |Extension(verified): Extension<Verified>| async move {
            per_id.hit(verified.event_id());
            tokio::time::sleep(Duration::from_millis(50)).await;
            (StatusCode::ACCEPTED, "handled")
        })
    };
    let url = url(serve(layered(handler, Provider::Civo.layer())).await);
    (url, per_id)
}

/// Sends every delivery at once (at most `CONCURRENCY` in flight) and answers the replies
/// with the event id of each.
async fn send_all(url: &str, deliveries: Vec<(String, Headers, Vec<u8>)>) -> Vec<(String, Reply)> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .pool_max_idle_per_host(CONCURRENCY)
        .build()
        .unwrap();
    let permits = Arc::new(Semaphore::new(CONCURRENCY));
    let mut tasks = Vec::with_capacity(deliveries.len());
    for (id, headers, body) in deliveries {
        let (client, permits, url) = (client.clone(), permits.clone(), url.to_owned());
        tasks.push(tokio::spawn(async move {
            let _permit = permits.acquire_owned().await.unwrap();
            (id, send(&client, &url, &headers, body).await)
        }));
    }
    let mut replies = Vec::with_capacity(tasks.len());
    for task in tasks {
        replies.push(task.await.unwrap());
    }
    replies
}

/// Checks each reply is the handler's 202, a 409 with `Retry-After`, or the duplicate
/// answer; answers how many were the handler's, per event id.
fn tally(replies: &[(String, Reply)]) -> HashMap<String, usize> {
    let mut handled = HashMap::new();
    for (id, reply) in replies {
        match reply.status {
            202 => {
                assert_eq!(reply.text(), "handled");
                *handled.entry(id.clone()).or_default() += 1;
            }
            409 => assert_in_flight(reply),
            _ => assert!(reply.is_duplicate(), "{id}: unexpected answer {reply:?}"),
        }
    }
    handled
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_concurrent_copies_of_one_event_are_handled_once() {
    let (url, per_id) = slow_endpoint().await;
    let body = br#"{"event":"instance.created","resourceID":"exactly-once"}"#.to_vec();
    let id = "5b0c7a4e-3e0f-4c55-9d1e-7f0b9a1c2d3e";
    let headers = Provider::Civo.sign(&body, id);
    let deliveries = (0..1000)
        .map(|_| (id.to_owned(), headers.clone(), body.clone()))
        .collect();

    let replies = send_all(&url, deliveries).await;
    assert_eq!(replies.len(), 1000);
    let handled = tally(&replies);
    assert_eq!(per_id.snapshot(), HashMap::from([(id.to_owned(), 1)]));
    assert_eq!(handled, HashMap::from([(id.to_owned(), 1)]));
    let in_flight = replies.iter().filter(|(_, r)| r.status == 409).count();
    assert!(
        in_flight > 0,
        "no copy overlapped the handler: the test proves nothing"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_events_sent_ten_times_each_interleaved_are_each_handled_once() {
    let (url, per_id) = slow_endpoint().await;
    let mut deliveries = Vec::with_capacity(1000);
    let mut ids = Vec::with_capacity(100);
    for n in 0..100 {
        let id = format!("evt-interleaved-{n:03}");
        let body = format!(r#"{{"event":"instance.created","n":{n}}}"#).into_bytes();
        let headers = Provider::Civo.sign(&body, &id);
        for _ in 0..10 {
            deliveries.push((id.clone(), headers.clone(), body.clone()));
        }
        ids.push(id);
    }
    support::shuffle(&mut deliveries, 0x9E37_79B9_7F4A_7C15);
    // Really interleaved: the first 100 deliveries carry many different events.
    let head: std::collections::HashSet<_> = deliveries[..100].iter().map(|d| &d.0).collect();
    assert!(head.len() > 30, "the shuffle did not interleave the events");

    let replies = send_all(&url, deliveries).await;
    assert_eq!(replies.len(), 1000);
    let handled = tally(&replies);
    let expected: HashMap<String, usize> = ids.iter().map(|id| (id.clone(), 1)).collect();
    assert_eq!(per_id.snapshot(), expected, "handler runs per event");
    assert_eq!(handled, expected, "handler answers per event");
}
