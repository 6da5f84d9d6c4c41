//! The `metrics` feature behind the actix-web middleware, over real HTTP: an
//! `HttpServer` on loopback (its requests run on its worker threads, so this test binary
//! installs a global `DebuggingRecorder`, and each test reads only its own `route`) and a
//! mixed set of deliveries, each counted once by its outcome, including the 413 and 408
//! answered while the body is read and a client gone.

#![cfg(all(feature = "metrics", feature = "actix"))]
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

use actix_web::{HttpResponse, web};
use hookshield::actix::{VerifiedWebhook, WebhookMiddleware};
use support::actix_app::{ActixServer, Connections, serve_actix_with};
use support::metrics::{eventually, global, outcomes};
use support::metrics_mix::{body, send_common_mix};
use support::{PerId, Provider, assert_in_flight, client, send, try_send};
use tokio::sync::Notify;

/// What the handler shares with the test.
#[derive(Debug, Clone, Default)]
struct State {
    runs: PerId,
    started: Arc<Notify>,
    proceed: Arc<Notify>,
}

/// By the event id's prefix: `fail-` answers 500 on its first run, `hold-` waits for
/// `proceed`, `slow-` takes 5 s on its first run; anything else answers 200.
async fn handle(webhook: VerifiedWebhook, state: web::Data<State>) -> HttpResponse {
    let id = webhook.verified.event_id().to_owned();
    let first = !state.runs.snapshot().contains_key(&id);
    state.runs.hit(&id);
    if id.starts_with("fail-") && first {
        return HttpResponse::InternalServerError().body("try again");
    }
    if id.starts_with("hold-") {
        state.started.notify_one();
        state.proceed.notified().await;
    }
    if id.starts_with("slow-") && first {
        tokio::time::sleep(Duration::from_secs(5)).await;
    }
    HttpResponse::Ok().body("handled")
}

/// A server whose requests are dropped when their client goes away, with the receiver's
/// metrics under `route` (by default, the replay namespace: `civo`).
fn server(route: Option<&str>, state: &State) -> ActixServer {
    let mut receiver = Provider::Civo
        .receiver()
        .with_body_limit(1024)
        .unwrap()
        .with_body_timeout(Duration::from_millis(300))
        .unwrap();
    if let Some(route) = route {
        receiver = receiver.with_metrics_route(route);
    }
    let middleware = WebhookMiddleware::from(receiver);
    let state = web::Data::new(state.clone());
    serve_actix_with(Connections::DropOnClientEof, move |config| {
        config.app_data(state.clone()).service(
            web::resource(support::PATH)
                .wrap(middleware.clone())
                .route(web::post().to(handle)),
        );
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_middleware_counts_every_request_once_by_its_outcome() {
    const ROUTE: &str = "actix-civo";
    drop(global()); // installed before the first request
    let provider = Provider::Civo;
    let state = State::default();
    let server = server(Some(ROUTE), &state);
    let (addr, url, client) = (server.addr, server.url(), client());
    let deliver = |id: &str| {
        let (client, url) = (client.clone(), url.clone());
        let (headers, body) = (provider.sign(&body(id), id), body(id));
        async move { send(&client, &url, &headers, body).await }
    };

    // Handled and a duplicate, forged, unsigned, a failure and its retry, 413 twice, 408.
    send_common_mix(addr, &client).await;
    // In flight: its copy is 409, the gauge says 1.
    let held = tokio::spawn(deliver("hold-1"));
    tokio::time::timeout(Duration::from_secs(5), state.started.notified())
        .await
        .expect("the held delivery reached the handler");
    assert_eq!(global().in_flight(ROUTE, "civo"), 1.0);
    assert_in_flight(&deliver("hold-1").await);
    state.proceed.notify_one();
    assert_eq!(held.await.unwrap().status, 200);
    // A client that gives up mid-handler: the server drops the request, and its ticket.
    let impatient = reqwest::Client::builder()
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let slow = provider.sign(&body("slow-1"), "slow-1");
    let gone = try_send(&impatient, &url, &slow, body("slow-1")).await;
    assert!(gone.is_err_and(|e| e.is_timeout()), "the client gave up");
    drop(impatient);

    let expected = outcomes(&[
        ("handled", 3),
        ("handler_failed", 2),
        ("duplicate", 1),
        ("signature_mismatch", 1),
        ("missing_header", 1),
        ("payload_too_large", 2),
        ("body_timeout", 1),
        ("duplicate_in_flight", 1),
    ]);
    let counted = eventually(|| global().requests(ROUTE, "civo"), expected.clone()).await;
    assert_eq!(counted, expected);
    assert_eq!(global().in_flight(ROUTE, "civo"), 0.0);
    // Verified: every request but the three refused while their body was read.
    assert_eq!(global().samples(ROUTE, "civo"), (9, 3, 2));
}

/// Two endpoints, one named and one with the default route (the replay namespace,
/// `civo`): each counted under its own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn endpoints_are_counted_apart_by_route() {
    drop(global()); // installed before the first request
    let provider = Provider::Civo;
    let state = State::default();
    let billing = "actix-billing";
    let (named, default) = (server(Some(billing), &state), server(None, &state));
    for (server, ids) in [(&named, &["a-1", "a-2"][..]), (&default, &["b-1"][..])] {
        for id in ids {
            let headers = provider.sign(&body(id), id);
            let reply = send(&client(), &server.url(), &headers, body(id)).await;
            assert_eq!(reply.status, 200, "{reply:?}");
        }
    }
    let handled = |n| outcomes(&[("handled", n)]);
    let counted = eventually(|| global().requests(billing, "civo"), handled(2));
    assert_eq!(counted.await, handled(2));
    let counted = eventually(|| global().requests("civo", "civo"), handled(1));
    assert_eq!(counted.await, handled(1));
    assert_eq!(global().samples(billing, "civo"), (2, 2, 0));
    assert_eq!(global().samples("civo", "civo"), (1, 1, 0));
}

/// `actix_web::test::init_service` runs the middleware on the test's own thread: a
/// recorder local to that thread sees it all.
#[actix_rt::test]
async fn the_middleware_records_into_a_thread_local_recorder_in_a_test_service() {
    use actix_web::{App, test};
    use metrics_util::debugging::DebuggingRecorder;
    use support::metrics::Recorded;

    let recorder = DebuggingRecorder::new();
    let mut recorded = Recorded::new(&recorder);
    let _local = metrics::set_default_local_recorder(&recorder);
    let receiver = Provider::Civo
        .receiver()
        .with_body_limit(1024)
        .unwrap()
        .with_metrics_route("actix-local");
    let state = web::Data::new(State::default());
    let app = test::init_service(
        App::new().app_data(state).service(
            web::resource(support::PATH)
                .wrap(WebhookMiddleware::from(receiver))
                .route(web::post().to(handle)),
        ),
    )
    .await;
    let request = |headers: &support::Headers, body: Vec<u8>| {
        let mut request = test::TestRequest::post()
            .uri(support::PATH)
            .set_payload(body);
        for (name, value) in headers {
            request = request.insert_header((name.as_str(), value.as_str()));
        }
        request.to_request()
    };
    let provider = Provider::Civo;
    for (id, status) in [
        ("evt-1", 200),
        ("evt-1", 200),
        ("fail-1", 500),
        ("fail-1", 200),
    ] {
        let headers = provider.sign(&body(id), id);
        let response = test::call_service(&app, request(&headers, body(id))).await;
        assert_eq!(response.status(), status, "{id}");
    }
    let headers = provider.sign(&body("big-1"), "big-1");
    let response = test::call_service(&app, request(&headers, vec![b'x'; 2000])).await;
    assert_eq!(response.status(), 413);

    let expected = outcomes(&[
        ("handled", 2),
        ("handler_failed", 1),
        ("duplicate", 1),
        ("payload_too_large", 1),
    ]);
    assert_eq!(recorded.requests("actix-local", "civo"), expected);
    assert_eq!(recorded.samples("actix-local", "civo"), (4, 2, 1));
    assert_eq!(recorded.in_flight("actix-local", "civo"), 0.0);
}
