//! Two receivers, each with its own `PgPool` and `PgStore` on one PostgreSQL, as two
//! instances behind a load balancer (two axum servers on loopback): however 1,000 copies
//! of an event are spread over them, the handler runs once overall, with the inbox (its
//! business row exists once) and without it.
#![cfg(feature = "axum")]
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
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::http::StatusCode;
use axum::routing::post;
use hookshield_axum::{VerifiedWebhook, WebhookLayer};
use hookshield_core::Receiver;
use hookshield_postgres::PgStore;
use sqlx::PgPool;
use support::{Adapter, Axum, Gate, Handler, Mode, Reply, Served, StripeEvent};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

/// The handler works until each instance has answered this many copies (all of them
/// "in flight", then): the copies race the handler whatever the machine's load.
const REFUSED_WHILE_RUNNING: usize = 10;
/// The copies of the event.
const COPIES: usize = 1000;
/// Requests in flight at once.
const CONCURRENCY: usize = 200;
/// Connections of each instance's pool.
const POOL: u32 = 10;
/// Each store statement's timeout: generous, so that a loaded test machine queueing 100
/// reserves per pool answers 409 or duplicate, never 503.
const STORE_TIMEOUT: Duration = Duration::from_secs(10);

/// An instance's receiver: its own store over its own `pool`, in the shared `namespace`.
fn receiver(pool: &PgPool, namespace: &str) -> Receiver<PgStore> {
    let store = PgStore::builder(pool.clone())
        .timeout(STORE_TIMEOUT)
        .build()
        .unwrap();
    Receiver::new(support::stripe_verifier())
        .with_namespace(namespace)
        .unwrap()
        .with_ttl(support::TTL)
        .unwrap()
        .with_replay_store(store)
}

/// Sends [`COPIES`] copies of `event`, alternately to each instance, at most
/// [`CONCURRENCY`] in flight, telling `gate` of each answer; answers `(instance, reply)`
/// pairs.
async fn deliver_copies(
    urls: [&str; 2],
    event: &StripeEvent,
    gate: &Arc<Gate>,
) -> Vec<(usize, Reply)> {
    let client = support::client();
    let headers = Arc::new(event.headers());
    let permits = Arc::new(Semaphore::new(CONCURRENCY));
    let mut tasks = JoinSet::new();
    for copy in 0..COPIES {
        let instance = copy % 2;
        let (client, url, headers, gate) = (
            client.clone(),
            urls[instance].to_owned(),
            Arc::clone(&headers),
            Arc::clone(gate),
        );
        let body = event.body.clone();
        let permit = Arc::clone(&permits).acquire_owned().await.unwrap();
        tasks.spawn(async move {
            let reply = support::post_event(&client, &url, &headers, body).await;
            gate.answered(instance);
            drop(permit);
            (instance, reply)
        });
    }
    tasks.join_all().await
}

/// One copy handled (`handled_status`), every other one answered 200 duplicate or 409
/// in flight, and each instance answered 409 to the copies that arrived while the
/// handler ran.
#[track_caller]
fn assert_handled_once(replies: &[(usize, Reply)], handled_status: u16) {
    assert_eq!(replies.len(), COPIES);
    let handled = replies
        .iter()
        .filter(|(_, r)| r.status == handled_status)
        .count();
    let in_flight = replies.iter().filter(|(_, r)| r.is_in_flight()).count();
    let duplicates = replies.iter().filter(|(_, r)| r.is_duplicate()).count();
    assert_eq!(handled, 1, "handled {handled} times");
    assert_eq!(
        handled + in_flight + duplicates,
        COPIES,
        "unexpected answers: {:?}",
        replies
            .iter()
            .filter(|(_, r)| r.status != handled_status && !r.is_in_flight() && !r.is_duplicate())
            .take(5)
            .collect::<Vec<_>>()
    );
    for instance in 0..2 {
        let refused = replies
            .iter()
            .filter(|(i, r)| *i == instance && r.is_in_flight())
            .count();
        assert!(
            refused >= REFUSED_WHILE_RUNNING,
            "instance {instance} answered {refused} copies in flight"
        );
    }
    eprintln!("{COPIES} copies: 1 handled, {in_flight} × 409, {duplicates} × 200 duplicate");
}

/// The provider's later retry, at either instance, is a duplicate.
async fn assert_retries_are_duplicates(urls: [&str; 2], event: &StripeEvent) {
    let client = support::client();
    for url in urls {
        let reply = event.deliver(&client, url).await;
        assert!(reply.is_duplicate(), "{reply:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_copies_over_two_instances_run_the_inbox_handler_once() {
    let Some(check) = support::handled_pool(2).await else {
        return;
    };
    let url = support::postgres_url().unwrap();
    let namespace = support::unique("two-instances-inbox");
    let gate = Gate::new(REFUSED_WHILE_RUNNING);
    let mut handlers = Vec::new();
    let mut servers: Vec<Served> = Vec::new();
    for _ in 0..2 {
        // A pool and a store per instance, as in two processes.
        let pool = support::pool_on(&url, POOL).await;
        let handler = Handler::gated(&pool, Mode::Commit, &gate);
        servers.push(Axum::serve(
            Some(receiver(&pool, &namespace)),
            Arc::clone(&handler),
        ));
        handlers.push(handler);
    }
    let urls = [servers[0].url.as_str(), servers[1].url.as_str()];
    let event = StripeEvent::new();

    let replies = deliver_copies(urls, &event, &gate).await;

    let runs: Vec<usize> = handlers.iter().map(|h| h.runs()).collect();
    assert_eq!(runs.iter().sum::<usize>(), 1, "runs per instance: {runs:?}");
    assert_handled_once(&replies, 204);
    let ran = handlers.iter().find(|h| h.runs() == 1).unwrap().attempt(1);
    assert_eq!(ran.mark, Some(Ok(())));
    assert!(ran.committed);
    assert_eq!(support::handled(&check, &event.id).await, [1]);
    let rows = support::event_rows(&check, &ran.keys()).await.unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].state, "done");
    assert_eq!(rows[0].owner, ran.reservations[0].owner);

    assert_retries_are_duplicates(urls, &event).await;
    assert_eq!(handlers.iter().map(|h| h.runs()).sum::<usize>(), 1);
    assert_eq!(support::handled(&check, &event.id).await, [1]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_copies_over_two_instances_run_a_plain_handler_once() {
    let Some(url) = support::postgres_url() else {
        return;
    };
    let namespace = support::unique("two-instances-plain");
    let gate = Gate::new(REFUSED_WHILE_RUNNING);
    let runs = Arc::new(AtomicUsize::new(0));
    let mut servers: Vec<Served> = Vec::new();
    for _ in 0..2 {
        let pool = support::pool_on(&url, POOL).await;
        let (runs, gate) = (Arc::clone(&runs), Arc::clone(&gate));
        let handler = post(move |_: VerifiedWebhook| async move {
            runs.fetch_add(1, Ordering::SeqCst);
            gate.wait().await;
            StatusCode::NO_CONTENT
        });
        let layer = WebhookLayer::from(receiver(&pool, &namespace));
        let app = axum::Router::new().route(support::PATH, handler.layer(layer));
        servers.push(support::serve_axum(app));
    }
    let urls = [servers[0].url.as_str(), servers[1].url.as_str()];
    let event = StripeEvent::new();

    let replies = deliver_copies(urls, &event, &gate).await;

    assert_eq!(runs.load(Ordering::SeqCst), 1);
    assert_handled_once(&replies, 204);
    assert_retries_are_duplicates(urls, &event).await;
    assert_eq!(runs.load(Ordering::SeqCst), 1);
}
