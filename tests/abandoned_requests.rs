//! `Server::finish_abandoned_requests`: a request whose client hangs up mid-handler (a
//! provider's own timeout) is handled to its end and its answer settles the event id, so
//! the provider's retry is a duplicate rather than a second run; by default the request is
//! dropped and its id released, so the retry runs the handler again.

#![cfg(feature = "axum")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::print_stderr,
    missing_docs
)]

mod support;

use std::time::Duration;

use axum::http::StatusCode;
use axum::routing::post;
use hookshield::axum::{Server, VerifiedWebhook};
use support::{Calls, Provider, client, layered, send, url};

/// A handler that takes 600 ms and counts the runs that finished.
fn app(finished: &Calls) -> axum::Router {
    let finished = finished.clone();
    let route = post(move |_: VerifiedWebhook| async move {
        tokio::time::sleep(Duration::from_millis(600)).await;
        finished.hit();
        StatusCode::NO_CONTENT
    });
    layered(route, Provider::Civo.layer())
}

/// Sends one delivery with a 100 ms client timeout (the provider gives up), waits for the
/// first run to be over, sends it again; returns how many runs finished and the retry's
/// answer.
async fn hang_up_then_retry(server: Server) -> (usize, support::Reply) {
    let finished = Calls::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(server.serve(listener, app(&finished)));
    let body = br#"{"event":"instance.created"}"#;
    let headers = Provider::Civo.sign(body, "evt-abandoned");
    let impatient = reqwest::Client::builder()
        .timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    assert!(
        support::try_send(&impatient, &url(addr), &headers, body.to_vec())
            .await
            .is_err()
    );
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let retry = send(&client(), &url(addr), &headers, body.to_vec()).await;
    (finished.get(), retry)
}

#[tokio::test]
async fn an_abandoned_request_runs_to_its_end_and_its_retry_is_a_duplicate() {
    let (finished, retry) = hang_up_then_retry(Server::new().finish_abandoned_requests(true)).await;
    assert_eq!(finished, 1, "the first run finished");
    assert!(retry.is_duplicate(), "{retry:?}");
}

#[tokio::test]
async fn by_default_an_abandoned_request_is_dropped_and_its_retry_runs() {
    let (finished, retry) = hang_up_then_retry(Server::new()).await;
    assert_eq!(retry.status, 204, "the retry ran the handler: {retry:?}");
    assert_eq!(
        finished, 1,
        "only the retry's run finished: the first was cut off"
    );
}
