//! The `metrics` feature behind the tower layer, over real HTTP: an axum server on
//! loopback and a mixed set of deliveries, each counted once by its outcome, including
//! the 413 and 408 answered while the body is read, a panic and a client gone.
//!
//! The recorder is local to the test's thread: `#[tokio::test]` runs the server, its
//! connections and the client on that one thread.

#![cfg(all(feature = "metrics", feature = "axum"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    missing_docs
)]

mod support;

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::http::StatusCode;
use axum::routing::{MethodRouter, post};
use axum::{Extension, Router};
use hookshield::Verified;
use hookshield::tower::WebhookLayer;
use metrics_util::debugging::DebuggingRecorder;
use support::metrics::{Recorded, eventually, outcomes};
use support::metrics_mix::{body, send_common_mix};
use support::{PATH, PerId, Provider, assert_in_flight, client, send, serve, try_send, url};
use tokio::sync::Notify;
use tower_http::catch_panic::CatchPanicLayer;

const ROUTE: &str = "tower-civo";

/// What the handler does, by the event id's prefix: `fail-` answers 500 on its first
/// run, `panic-` panics on its first run, `hold-` waits for `proceed`, `slow-` takes 5 s
/// on its first run; anything else answers 200.
fn handler(runs: &PerId, started: &Arc<Notify>, proceed: &Arc<Notify>) -> MethodRouter {
    let (runs, started, proceed) = (runs.clone(), started.clone(), proceed.clone());
    post(move |Extension(verified): Extension<Verified>| async move {
        let id = verified.event_id().to_owned();
        let first = !runs.snapshot().contains_key(&id);
        runs.hit(&id);
        if id.starts_with("fail-") && first {
            return (StatusCode::INTERNAL_SERVER_ERROR, "try again");
        }
        if id.starts_with("panic-") && first {
            panic!("handler panicked on purpose");
        }
        if id.starts_with("hold-") {
            started.notify_one();
            proceed.notified().await;
        }
        if id.starts_with("slow-") && first {
            tokio::time::sleep(Duration::from_secs(5)).await;
        }
        (StatusCode::OK, "handled")
    })
}

#[tokio::test]
async fn the_layer_counts_every_request_once_by_its_outcome() {
    let recorder = DebuggingRecorder::new();
    let mut recorded = Recorded::new(&recorder);
    let _local = metrics::set_default_local_recorder(&recorder);

    let provider = Provider::Civo;
    let receiver = provider
        .receiver()
        .with_body_limit(1024)
        .unwrap()
        .with_body_timeout(Duration::from_millis(300))
        .unwrap()
        .with_metrics_route(ROUTE);
    let (runs, started, proceed) = (PerId::default(), Arc::default(), Arc::default());
    // The panic catcher sits outside the webhook layer, as the layer's docs ask.
    let route: MethodRouter = handler(&runs, &started, &proceed)
        .layer::<_, Infallible>(WebhookLayer::from(receiver))
        .layer(CatchPanicLayer::new());
    let addr = serve(Router::new().route(PATH, route)).await;
    let url = url(addr);
    let client = client();
    let deliver = |id: &str| {
        let (client, url, headers, body) = (
            client.clone(),
            url.clone(),
            provider.sign(&body(id), id),
            body(id),
        );
        async move { send(&client, &url, &headers, body).await }
    };

    // Handled and a duplicate, forged, unsigned, a failure and its retry, 413 twice, 408.
    send_common_mix(addr, &client).await;
    // In flight: its copy is 409, the gauge says 1.
    let held = tokio::spawn(deliver("hold-1"));
    tokio::time::timeout(Duration::from_secs(5), started.notified())
        .await
        .expect("the held delivery reached the handler");
    assert_eq!(recorded.in_flight(ROUTE, "civo"), 1.0);
    assert_in_flight(&deliver("hold-1").await);
    proceed.notify_one();
    assert_eq!(held.await.unwrap().status, 200);
    // A panic (caught outside the layer: 500).
    assert_eq!(deliver("panic-1").await.status, 500);
    // A client that gives up mid-handler: hyper drops the request, and its ticket.
    let impatient = reqwest::Client::builder()
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let gone = try_send(
        &impatient,
        &url,
        &provider.sign(&body("slow-1"), "slow-1"),
        body("slow-1"),
    )
    .await;
    assert!(gone.is_err_and(|e| e.is_timeout()), "the client gave up");
    drop(impatient);

    let expected = outcomes(&[
        ("handled", 3),
        ("handler_failed", 3),
        ("duplicate", 1),
        ("signature_mismatch", 1),
        ("missing_header", 1),
        ("payload_too_large", 2),
        ("body_timeout", 1),
        ("duplicate_in_flight", 1),
    ]);
    let counted = eventually(|| recorded.requests(ROUTE, "civo"), expected.clone()).await;
    assert_eq!(counted, expected);
    assert_eq!(recorded.in_flight(ROUTE, "civo"), 0.0);
    // Verified: every request but the three refused while their body was read.
    assert_eq!(recorded.samples(ROUTE, "civo"), (10, 3, 3));
}
