//! The body budget over real HTTP, for the tower layer (behind axum) and the actix-web
//! middleware: while slow clients hold the whole budget, another body is not read (its
//! bytes stay in the kernel) and waits; as soon as a slow client goes away, it is read,
//! verified and handled. A waiting body is still bound by the body deadline.

#![cfg(feature = "actix")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    missing_docs
)]

mod support;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use actix_web::{HttpResponse, web};
use axum::http::StatusCode;
use hookshield::actix::WebhookMiddleware;
use hookshield::tower::WebhookLayer;
use support::actix_app::serve_actix;
use support::{
    Bodies, Calls, Headers, PATH, Provider, client, counting, layered, send, send_declared, serve,
};
use tokio::net::TcpStream;

const BUDGET: usize = 4096;
const BODY: &[u8] = br#"{"event":"instance.created","resourceID":"42"}"#;

/// A client that announces `declared` bytes, sends a few, and then sends nothing more.
async fn stall(addr: SocketAddr, headers: &Headers, declared: usize) -> TcpStream {
    send_declared(addr, headers, declared, b"{\"event\":").await
}

/// Two slow clients hold the whole budget; a complete delivery waits, then is handled the
/// moment they go away.
async fn waits_for_room_then_runs(addr: SocketAddr, calls: &Calls) {
    let provider = Provider::Civo;
    let slow = provider.sign(BODY, "evt-slow");
    let first = stall(addr, &slow, BUDGET / 2).await;
    let second = stall(addr, &slow, BUDGET / 2).await;
    // Let the server take both heads and reserve their declared lengths.
    tokio::time::sleep(Duration::from_millis(300)).await;

    let url = support::url(addr);
    let headers = provider.sign(BODY, "evt-waiting");
    let waiting = tokio::spawn(async move { send(&client(), &url, &headers, BODY.to_vec()).await });
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(!waiting.is_finished(), "read with no room in the budget");
    assert_eq!(calls.get(), 0);

    drop(first);
    drop(second);
    let reply = tokio::time::timeout(Duration::from_secs(5), waiting)
        .await
        .expect("handled once room was made")
        .unwrap();
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(calls.get(), 1);
}

#[tokio::test]
async fn tower_layer_reads_bodies_within_the_budget() {
    let (calls, bodies) = (Calls::default(), Bodies::default());
    let receiver = Provider::Civo
        .receiver()
        .with_body_budget(BUDGET)
        .unwrap()
        .with_body_timeout(Duration::from_secs(20))
        .unwrap();
    let layer = WebhookLayer::from(receiver);
    let addr = serve(layered(counting(&calls, &bodies, StatusCode::OK), layer)).await;
    waits_for_room_then_runs(addr, &calls).await;
}

#[tokio::test]
async fn actix_middleware_reads_bodies_within_the_budget() {
    let calls = Calls::default();
    let receiver = Provider::Civo
        .receiver()
        .with_body_budget(BUDGET)
        .unwrap()
        .with_body_timeout(Duration::from_secs(20))
        .unwrap();
    let middleware = WebhookMiddleware::from(receiver);
    let counted = calls.clone();
    let server = serve_actix(move |config| {
        let counted = counted.clone();
        config.service(
            web::resource(PATH)
                .wrap(middleware.clone())
                .route(web::post().to(move || {
                    let counted = counted.clone();
                    async move {
                        counted.hit();
                        HttpResponse::Ok().body("handled")
                    }
                })),
        );
    });
    waits_for_room_then_runs(server.addr, &calls).await;
}

/// A slow client holding the whole budget is cut off at its body deadline (408); the
/// body that waited behind it is then read and handled within its own deadline, which
/// started later.
#[tokio::test]
async fn a_holder_is_cut_off_at_its_deadline_and_the_waiting_body_runs() {
    let (calls, bodies) = (Calls::default(), Bodies::default());
    let deadline = Duration::from_secs(1);
    let receiver = Provider::Civo
        .receiver()
        .with_body_budget(BUDGET)
        .unwrap()
        .with_body_timeout(deadline)
        .unwrap();
    let layer = WebhookLayer::from(receiver);
    let addr = serve(layered(counting(&calls, &bodies, StatusCode::OK), layer)).await;
    let slow = Provider::Civo.sign(BODY, "evt-slow");
    let holder = stall(addr, &slow, BUDGET).await;
    let holder = tokio::spawn(support::read_reply_of(holder, Duration::from_secs(5)));
    tokio::time::sleep(Duration::from_millis(300)).await;
    let started = Instant::now();
    let headers = Provider::Civo.sign(BODY, "evt-waiting");
    let reply = send(&client(), &support::url(addr), &headers, BODY.to_vec()).await;
    assert_eq!(reply.status, 200, "{reply:?}");
    assert!(
        started.elapsed() >= Duration::from_millis(500),
        "it did not wait"
    );
    let cut = holder.await.unwrap();
    assert_eq!(cut.status, 408);
    assert_eq!(calls.get(), 1);
}
