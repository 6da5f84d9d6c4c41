//! The replay rows of the rejection table and the commit/release rules, over real HTTP:
//! duplicates after success and in flight, an unavailable store, release after a 500, a
//! panic and a client disconnect, and the TTL and lease running out.

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
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::http::StatusCode;
use axum::routing::{MethodRouter, post};
use hookshield::tower::WebhookLayer;
use support::{
    Bodies, Calls, DownStore, PATH, PROVIDERS, Provider, Reply, assert_duplicate, assert_in_flight,
    assert_rejected, client, counting, layered, send, serve, try_send, url,
};
use tokio::sync::Notify;
use tower_http::catch_panic::CatchPanicLayer;

const BODY: &[u8] = br#"{"event":"volume.attached"}"#;
const OTHER: &[u8] = br#"{"event":"volume.detached"}"#;

/// Sends copies of `headers` + `BODY` until one is answered 2xx (copies answered 409 while
/// a dropped reservation is being released in the background are retried), for up to 2 s.
async fn redeliver_until_handled(url: &str, headers: &support::Headers) -> Reply {
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        let reply = send(&client(), url, headers, BODY.to_vec()).await;
        if (200..300).contains(&reply.status) || Instant::now() > deadline {
            return reply;
        }
        assert_in_flight(&reply);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A handler that counts its runs and answers 500 on its first run, 200 afterwards.
fn fails_first(calls: &Calls) -> MethodRouter {
    let calls = calls.clone();
    post(move || async move {
        if calls.hit() == 0 {
            (StatusCode::INTERNAL_SERVER_ERROR, "try again")
        } else {
            (StatusCode::OK, "handled")
        }
    })
}

#[tokio::test]
async fn a_duplicate_after_success_is_200_duplicate_and_not_handled() {
    for provider in PROVIDERS {
        let (calls, bodies) = (Calls::default(), Bodies::default());
        let app = layered(
            counting(&calls, &bodies, StatusCode::CREATED),
            provider.layer(),
        );
        let url = url(serve(app).await);
        let headers = provider.sign(BODY, "evt-dup-1");
        let first = send(&client(), &url, &headers, BODY.to_vec()).await;
        assert_eq!(first.status, 201, "{provider:?}: {first:?}");

        // The exact copy, then a fresh signature of the same event (a provider retry).
        assert_duplicate(&send(&client(), &url, &headers, BODY.to_vec()).await);
        let resigned = provider.sign(BODY, "evt-dup-1");
        assert_duplicate(&send(&client(), &url, &resigned, BODY.to_vec()).await);
        assert_eq!(
            calls.get(),
            1,
            "{provider:?}: the handler ran for a duplicate"
        );

        // Another event is handled (another body too: byte-identical bodies of a provider
        // whose ids are not signed count as one event).
        let other = provider.sign(OTHER, "evt-dup-2");
        assert_eq!(
            send(&client(), &url, &other, OTHER.to_vec()).await.status,
            201
        );
        assert_eq!(calls.get(), 2, "{provider:?}");
    }
}

#[tokio::test]
async fn the_duplicate_status_is_configurable() {
    let provider = Provider::Civo;
    let (calls, bodies) = (Calls::default(), Bodies::default());
    let receiver = provider.receiver().with_duplicate_status(202).unwrap();
    let layer = WebhookLayer::from(receiver);
    let app = layered(counting(&calls, &bodies, StatusCode::OK), layer);
    let url = url(serve(app).await);
    let headers = provider.sign(BODY, "evt-dup-status");
    assert_eq!(
        send(&client(), &url, &headers, BODY.to_vec()).await.status,
        200
    );
    let copy = send(&client(), &url, &headers, BODY.to_vec()).await;
    assert_eq!(copy.status, 202, "{copy:?}");
    assert_eq!(copy.json(), serde_json::json!({ "duplicate": true }));
    assert_eq!(calls.get(), 1);
}

#[tokio::test]
async fn a_duplicate_in_flight_is_409_with_retry_after() {
    for provider in PROVIDERS {
        let calls = Calls::default();
        let (started, proceed) = (Arc::new(Notify::new()), Arc::new(Notify::new()));
        let handler = {
            let (calls, started, proceed) = (calls.clone(), started.clone(), proceed.clone());
            post(move |_: Bytes| async move {
                calls.hit();
                started.notify_one();
                proceed.notified().await;
                (StatusCode::OK, "handled")
            })
        };
        let url = url(serve(layered(handler, provider.layer())).await);
        let headers = provider.sign(BODY, "evt-in-flight");

        let first = tokio::spawn({
            let (url, headers) = (url.clone(), headers.clone());
            async move { send(&client(), &url, &headers, BODY.to_vec()).await }
        });
        tokio::time::timeout(Duration::from_secs(5), started.notified())
            .await
            .expect("the first delivery reached the handler");

        let copy = send(&client(), &url, &headers, BODY.to_vec()).await;
        assert_in_flight(&copy);
        assert_eq!(calls.get(), 1, "{provider:?}: the copy reached the handler");

        proceed.notify_one();
        let first = first.await.unwrap();
        assert_eq!(
            (first.status, first.text()),
            (200, "handled"),
            "{provider:?}"
        );
        assert_duplicate(&send(&client(), &url, &headers, BODY.to_vec()).await);
        assert_eq!(calls.get(), 1, "{provider:?}");
    }
}

#[tokio::test]
async fn an_unavailable_replay_store_is_503_with_retry_after() {
    for provider in PROVIDERS {
        let (calls, bodies) = (Calls::default(), Bodies::default());
        let layer = WebhookLayer::from(provider.receiver().with_replay_store(DownStore));
        let app = layered(counting(&calls, &bodies, StatusCode::OK), layer);
        let url = url(serve(app).await);
        let reply = send(
            &client(),
            &url,
            &provider.sign(BODY, "evt-503"),
            BODY.to_vec(),
        )
        .await;
        assert_rejected(&reply, 503, "replay_store_unavailable");
        assert_eq!(reply.header("retry-after"), Some("10"), "{reply:?}");
        assert_eq!(calls.get(), 0, "{provider:?}: ran without a reservation");

        // The configured Retry-After is sent.
        let receiver = provider
            .receiver()
            .with_replay_store(DownStore)
            .with_retry_after(Duration::from_secs(30));
        let layer = WebhookLayer::from(receiver);
        let app = layered(counting(&calls, &bodies, StatusCode::OK), layer);
        let url = support::url(serve(app).await);
        let reply = send(
            &client(),
            &url,
            &provider.sign(BODY, "evt-503"),
            BODY.to_vec(),
        )
        .await;
        assert_rejected(&reply, 503, "replay_store_unavailable");
        assert_eq!(reply.header("retry-after"), Some("30"), "{reply:?}");
        assert_eq!(calls.get(), 0);
    }
}

#[tokio::test]
async fn a_handler_answering_500_releases_the_id_for_the_retry() {
    let provider = Provider::Civo;
    let calls = Calls::default();
    let url = url(serve(layered(fails_first(&calls), provider.layer())).await);
    let headers = provider.sign(BODY, "evt-500");

    let first = send(&client(), &url, &headers, BODY.to_vec()).await;
    assert_eq!((first.status, first.text()), (500, "try again"));
    // The release is awaited before the 500 is sent: the very next retry runs.
    let retry = send(&client(), &url, &headers, BODY.to_vec()).await;
    assert_eq!((retry.status, retry.text()), (200, "handled"), "{retry:?}");
    assert_eq!(calls.get(), 2);
    assert_duplicate(&send(&client(), &url, &headers, BODY.to_vec()).await);
    assert_eq!(calls.get(), 2);
}

#[tokio::test]
async fn a_panicking_handler_is_500_and_releases_the_id() {
    let provider = Provider::Civo;
    let calls = Calls::default();
    let handler = {
        let calls = calls.clone();
        post(move || async move {
            if calls.hit() == 0 {
                panic!("handler panicked on purpose");
            }
            (StatusCode::OK, "handled")
        })
    };
    // The panic catcher sits outside the webhook layer, as the layer's docs ask.
    let route: MethodRouter = handler
        .layer::<_, Infallible>(provider.layer())
        .layer(CatchPanicLayer::new());
    let url = url(serve(Router::new().route(PATH, route)).await);
    let headers = provider.sign(BODY, "evt-panic");

    let first = send(&client(), &url, &headers, BODY.to_vec()).await;
    assert_eq!(first.status, 500, "{first:?}");
    let retry = redeliver_until_handled(&url, &headers).await;
    assert_eq!((retry.status, retry.text()), (200, "handled"), "{retry:?}");
    assert_eq!(calls.get(), 2);
    assert_duplicate(&send(&client(), &url, &headers, BODY.to_vec()).await);
}

#[tokio::test]
async fn a_client_disconnect_mid_handler_releases_the_id() {
    let provider = Provider::Civo;
    let calls = Calls::default();
    let handler = {
        let calls = calls.clone();
        post(move || async move {
            if calls.hit() == 0 {
                tokio::time::sleep(Duration::from_secs(5)).await;
            }
            (StatusCode::OK, "handled")
        })
    };
    let url = url(serve(layered(handler, provider.layer())).await);
    let headers = provider.sign(BODY, "evt-disconnect");

    let impatient = reqwest::Client::builder()
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let gone = try_send(&impatient, &url, &headers, BODY.to_vec()).await;
    assert!(gone.is_err_and(|e| e.is_timeout()), "the client gave up");
    drop(impatient);
    assert_eq!(calls.get(), 1);

    let retry = redeliver_until_handled(&url, &headers).await;
    assert_eq!((retry.status, retry.text()), (200, "handled"), "{retry:?}");
    assert_eq!(calls.get(), 2);
    assert_duplicate(&send(&client(), &url, &headers, BODY.to_vec()).await);
}

#[tokio::test]
async fn a_handled_id_is_forgotten_after_the_ttl() {
    let provider = Provider::Civo;
    let (calls, bodies) = (Calls::default(), Bodies::default());
    let receiver = provider
        .receiver()
        .with_ttl(Duration::from_millis(300))
        .unwrap();
    let layer = WebhookLayer::from(receiver);
    let url = url(serve(layered(counting(&calls, &bodies, StatusCode::OK), layer)).await);
    let headers = provider.sign(BODY, "evt-ttl");

    assert_eq!(
        send(&client(), &url, &headers, BODY.to_vec()).await.status,
        200
    );
    assert_duplicate(&send(&client(), &url, &headers, BODY.to_vec()).await);
    assert_eq!(calls.get(), 1);

    tokio::time::sleep(Duration::from_millis(600)).await;
    let again = send(&client(), &url, &headers, BODY.to_vec()).await;
    assert_eq!((again.status, again.text()), (200, "handled"), "{again:?}");
    assert_eq!(calls.get(), 2);
}

#[tokio::test]
async fn a_reservation_lapses_after_its_lease() {
    let provider = Provider::Civo;
    let calls = Calls::default();
    let handler = {
        let calls = calls.clone();
        post(move || async move {
            if calls.hit() == 0 {
                // The first delivery hangs (a stuck handler).
                std::future::pending::<()>().await;
            }
            (StatusCode::OK, "handled")
        })
    };
    let receiver = provider.receiver().with_lease(Duration::from_millis(300));
    let layer = WebhookLayer::from(receiver.unwrap());
    let url = url(serve(layered(handler, layer)).await);
    let headers = provider.sign(BODY, "evt-lease");

    let stuck = tokio::spawn({
        let (url, headers) = (url.clone(), headers.clone());
        async move { try_send(&client(), &url, &headers, BODY.to_vec()).await }
    });
    calls.wait_for(1, Duration::from_secs(5)).await;
    assert_in_flight(&send(&client(), &url, &headers, BODY.to_vec()).await);

    tokio::time::sleep(Duration::from_millis(600)).await;
    let copy = send(&client(), &url, &headers, BODY.to_vec()).await;
    assert_eq!((copy.status, copy.text()), (200, "handled"), "{copy:?}");
    assert_eq!(calls.get(), 2);

    // The stuck request finally goes away: its stale reservation must not undo the
    // commit of the copy that took over.
    stuck.abort();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_duplicate(&send(&client(), &url, &headers, BODY.to_vec()).await);
    assert_eq!(calls.get(), 2);
}

/// A full default store of events in flight refuses a new event with 503 and
/// `Retry-After` rather than forget one in flight: every held event still runs once, a
/// copy of one is still a duplicate, and the refused event runs on the provider's retry.
#[tokio::test]
async fn a_store_full_of_events_in_flight_is_503_and_forgets_none() {
    use hookshield::replay::MemoryStore;
    use tokio::sync::watch;

    for provider in PROVIDERS {
        let calls = Calls::default();
        let (open, gate) = watch::channel(false);
        let handler = {
            let calls = calls.clone();
            post(move |_: Bytes| async move {
                calls.hit();
                let mut gate = gate.clone();
                gate.wait_for(|open| *open).await.unwrap();
                (StatusCode::OK, "handled")
            })
        };
        // Two entries: Civo's unsigned id takes two per event (id and content digest).
        let layer = WebhookLayer::from(provider.receiver().with_replay_store(MemoryStore::new(2)));
        let url = url(serve(layered(handler, layer)).await);
        let event = |n: usize| {
            let body = format!(r#"{{"event":"volume.attached","n":{n}}}"#).into_bytes();
            (provider.sign(&body, &format!("evt-full-{n}")), body)
        };

        let mut held = Vec::new();
        let mut refused = None;
        for n in 0..3 {
            let (headers, body) = event(n);
            let task = tokio::spawn({
                let url = url.clone();
                async move { send(&client(), &url, &headers, body).await }
            });
            let deadline = Instant::now() + Duration::from_secs(5);
            loop {
                if calls.get() > held.len() {
                    held.push(task);
                    break;
                }
                if task.is_finished() {
                    refused = Some((n, task.await.unwrap()));
                    break;
                }
                assert!(Instant::now() < deadline, "{provider:?}: event {n} hangs");
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            if refused.is_some() {
                break;
            }
        }
        let Some((n, reply)) = refused else {
            panic!("{provider:?}: a store of 2 entries took 3 events in flight");
        };
        assert!(
            !held.is_empty(),
            "{provider:?}: refused with nothing in flight"
        );
        assert_rejected(&reply, 503, "replay_store_unavailable");
        assert_eq!(reply.header("retry-after"), Some("10"), "{reply:?}");

        open.send(true).unwrap();
        for task in held {
            let reply = task.await.unwrap();
            assert_eq!(
                (reply.status, reply.text()),
                (200, "handled"),
                "{provider:?}"
            );
        }
        let (headers, body) = event(0);
        assert_duplicate(&send(&client(), &url, &headers, body).await);
        let runs = calls.get();
        let (headers, body) = event(n);
        let retry = send(&client(), &url, &headers, body).await;
        assert_eq!(
            (retry.status, retry.text()),
            (200, "handled"),
            "{provider:?}"
        );
        assert_eq!(calls.get(), runs + 1, "{provider:?}: the retry ran once");
    }
}

/// A store asked for one id keeps [`MIN_CAPACITY`](hookshield::replay::MIN_CAPACITY):
/// Civo's unsigned id holds two entries per event (the id and the content digest), so a
/// store of one refused every Civo event with 503, retries included (found by an
/// outside-in test).
#[tokio::test]
async fn a_store_asked_for_one_id_still_handles_events_with_unsigned_ids() {
    use hookshield::replay::MemoryStore;

    for provider in PROVIDERS {
        let calls = Calls::default();
        let handler = {
            let calls = calls.clone();
            post(move |_: Bytes| async move {
                calls.hit();
                (StatusCode::OK, "handled")
            })
        };
        let layer = WebhookLayer::from(provider.receiver().with_replay_store(MemoryStore::new(1)));
        let url = url(serve(layered(handler, layer)).await);
        for n in 0..3 {
            let body = format!(r#"{{"event":"volume.attached","n":{n}}}"#).into_bytes();
            let headers = provider.sign(&body, &format!("evt-one-{n}"));
            let reply = send(&client(), &url, &headers, body.clone()).await;
            assert_eq!(
                (reply.status, reply.text()),
                (200, "handled"),
                "{provider:?}: event {n}"
            );
            assert_duplicate(&send(&client(), &url, &headers, body).await);
        }
        assert_eq!(calls.get(), 3, "{provider:?}: each event ran once");
    }
}
