//! The axum extractors over real HTTP: `VerifiedJson<T>` and `VerifiedWebhook` behind the
//! layer, `Standalone<_>` on its own with a `Verifier` as router state, and mis-wired
//! (plain extractors without the layer).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    missing_docs
)]

mod support;

use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::routing::{MethodRouter, post};
use axum::{Json, Router};
use hookshield::axum::{Standalone, VerifiedJson, VerifiedWebhook};
use hookshield::{Secret, SignOptions, Signer, Verified, Verifier, presets};
use serde::Deserialize;
use serde_json::{Value, json};
use support::{
    Calls, PATH, PROVIDERS, Provider, assert_duplicate, assert_rejected, client, layered, send,
    serve, url,
};
use time::OffsetDateTime;

#[derive(Debug, Deserialize)]
struct Event {
    event: String,
    #[serde(rename = "resourceID")]
    resource_id: String,
}

const BODY: &[u8] = br#"{"event":"instance.created","resourceID":"42"}"#;

/// What a handler reports about the event it was given.
fn report(event: &Event, verified: &Verified) -> Json<Value> {
    Json(json!({
            "event": event.event,
            "resource": event.resource_id,
            "id": verified.event_id(),
            "scheme": verified.scheme(),
            "origin": format!("{:?}", verified.id_origin()),
            "timestamp": verified.timestamp().map(OffsetDateTime::unix_timestamp),
            "secret_index": verified.secret_index(),
    }))
}

/// Handler: parses the event (behind the layer) and reports what it was given.
fn json_handler<S: Clone + Send + Sync + 'static>(calls: &Calls) -> MethodRouter<S> {
    let calls = calls.clone();
    post(
        move |VerifiedJson(event, verified): VerifiedJson<Event>| async move {
            calls.hit();
            report(&event, &verified)
        },
    )
}

/// Handler: parses the event with `Standalone` (verifies it without the layer).
fn standalone_json_handler(calls: &Calls) -> MethodRouter<Verifier> {
    let calls = calls.clone();
    post(
        move |Standalone(VerifiedJson(event, verified)): Standalone<VerifiedJson<Event>>| async move {
            calls.hit();
            report(&event, &verified)
        },
    )
}

/// Handler: the raw webhook; answers 202 with `<event id>:<body length>`.
async fn raw(webhook: VerifiedWebhook) -> (StatusCode, String) {
    let id = webhook.verified.event_id().to_owned();
    (StatusCode::ACCEPTED, format!("{id}:{}", webhook.body.len()))
}

/// `raw`, verifying on its own.
async fn standalone_raw(Standalone(webhook): Standalone<VerifiedWebhook>) -> (StatusCode, String) {
    raw(webhook).await
}

#[tokio::test]
async fn verified_json_behind_the_layer_gets_the_event_and_the_metadata() {
    for provider in PROVIDERS {
        let calls = Calls::default();
        let url = url(serve(layered(json_handler(&calls), provider.layer())).await);
        let at = OffsetDateTime::now_utc();
        let headers = provider.sign_at(BODY, "evt-json-1", at);
        let reply = send(&client(), &url, &headers, BODY.to_vec()).await;
        assert_eq!(reply.status, 200, "{provider:?}: {reply:?}");
        let timestamp = match provider {
            Provider::Civo => Value::Null,
            Provider::StandardWebhooks => json!(at.unix_timestamp()),
        };
        assert_eq!(
            reply.json(),
            json!({
                "event": "instance.created",
                "resource": "42",
                "id": "evt-json-1",
                "scheme": provider.scheme_name(),
                "origin": "Header",
                "timestamp": timestamp,
                "secret_index": 0,
            }),
            "{provider:?}"
        );
        // Still behind the replay guard.
        assert_duplicate(&send(&client(), &url, &headers, BODY.to_vec()).await);
        assert_eq!(calls.get(), 1);
    }
}

#[tokio::test]
async fn verified_webhook_behind_the_layer_gets_the_exact_bytes() {
    let provider = Provider::Civo;
    let url = url(serve(layered(post(raw), provider.layer())).await);
    let body = b"\x00\xffnot json, not UTF-8".to_vec();
    let reply = send(
        &client(),
        &url,
        &provider.sign(&body, "evt-raw"),
        body.clone(),
    )
    .await;
    assert_eq!(
        (reply.status, reply.text()),
        (202, "evt-raw:21"),
        "{reply:?}"
    );
}

#[tokio::test]
async fn standalone_verified_webhook_verifies_with_the_state() {
    for provider in PROVIDERS {
        let app = Router::new()
            .route(PATH, post(standalone_raw))
            .with_state(provider.verifier());
        let url = url(serve(app).await);
        let headers = provider.sign(BODY, "evt-state-1");

        let reply = send(&client(), &url, &headers, BODY.to_vec()).await;
        assert_eq!(reply.status, 202, "{provider:?}: {reply:?}");
        assert_eq!(reply.text(), format!("evt-state-1:{}", BODY.len()));

        let forged = br#"{"event":"instance.deleted","resourceID":"42"}"#.to_vec();
        let reply = send(&client(), &url, &headers, forged).await;
        assert_rejected(&reply, 401, "signature_mismatch");

        let unsigned = support::without(headers.clone(), provider.signature_header());
        let reply = send(&client(), &url, &unsigned, BODY.to_vec()).await;
        assert_rejected(&reply, 401, "missing_header");

        // Documented: without the layer there is no replay protection.
        let again = send(&client(), &url, &headers, BODY.to_vec()).await;
        assert_eq!(again.status, 202, "{provider:?}: {again:?}");
    }
}

#[tokio::test]
async fn standalone_verified_json_gets_the_event_and_the_metadata() {
    let provider = Provider::StandardWebhooks;
    let calls = Calls::default();
    let app = Router::new()
        .route(PATH, standalone_json_handler(&calls))
        .with_state(provider.verifier());
    let url = url(serve(app).await);
    let at = OffsetDateTime::now_utc();
    let reply = send(
        &client(),
        &url,
        &provider.sign_at(BODY, "msg_alone", at),
        BODY.to_vec(),
    )
    .await;
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(reply.json()["id"], "msg_alone");
    assert_eq!(reply.json()["scheme"], "standard-webhooks");
    assert_eq!(reply.json()["event"], "instance.created");
    assert_eq!(reply.json()["timestamp"], at.unix_timestamp());
    assert_eq!(calls.get(), 1);
}

#[tokio::test]
async fn standalone_behind_the_layer_takes_what_the_layer_verified() {
    let provider = Provider::Civo;
    let calls = Calls::default();
    let route = standalone_json_handler(&calls).layer(provider.layer());
    let app = Router::new()
        .route(PATH, route)
        .with_state(provider.verifier());
    let url = url(serve(app).await);
    let headers = provider.sign(BODY, "evt-standalone-layered");
    let reply = send(&client(), &url, &headers, BODY.to_vec()).await;
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(reply.json()["id"], "evt-standalone-layered");
    // The layer's replay guard applies.
    assert_duplicate(&send(&client(), &url, &headers, BODY.to_vec()).await);
    assert_eq!(calls.get(), 1);
}

#[tokio::test]
async fn standalone_checks_the_timestamp_window_and_the_body_limit() {
    let provider = Provider::StandardWebhooks;
    let app = Router::new()
        .route(PATH, post(standalone_raw))
        .with_state(provider.verifier());
    let url = url(serve(app).await);

    let stale = OffsetDateTime::now_utc() - time::Duration::minutes(10);
    let headers = provider.sign_at(BODY, "evt-state-stale", stale);
    let reply = send(&client(), &url, &headers, BODY.to_vec()).await;
    assert_rejected(&reply, 401, "timestamp_out_of_window");

    // axum's default body limit (2 MB) applies, as to its own `Bytes` extractor.
    let big = vec![b'x'; AXUM_DEFAULT_BODY_LIMIT + 1];
    let headers = provider.sign(&big, "evt-state-big");
    let reply = send(&client(), &url, &headers, big).await;
    assert_rejected(&reply, 413, "payload_too_large");
}

/// axum's default body limit, which `Standalone` reads under unless `DefaultBodyLimit` says
/// otherwise.
const AXUM_DEFAULT_BODY_LIMIT: usize = 2_097_152;

#[tokio::test]
async fn standalone_honours_default_body_limit() {
    let provider = Provider::Civo;
    let app = Router::new()
        .route(PATH, post(standalone_raw))
        .layer(DefaultBodyLimit::max(1024))
        .with_state(provider.verifier());
    let url = url(serve(app).await);
    let fits = vec![b'x'; 1024];
    let headers = provider.sign(&fits, "evt-fits");
    assert_eq!(send(&client(), &url, &headers, fits).await.status, 202);
    let over = vec![b'x'; 1025];
    let headers = provider.sign(&over, "evt-over");
    let reply = send(&client(), &url, &headers, over).await;
    assert_rejected(&reply, 413, "payload_too_large");
}

#[tokio::test]
async fn standalone_answers_the_slack_handshake() {
    let secret = "slack-signing-secret";
    let verifier = Verifier::builder(presets::slack())
        .encoded_secret(secret)
        .build()
        .unwrap();
    let calls = Calls::default();
    let handler = {
        let calls = calls.clone();
        post(move |_: Standalone<VerifiedWebhook>| async move {
            calls.hit();
            "handled"
        })
    };
    let url = url(serve(Router::new().route(PATH, handler).with_state(verifier)).await);
    let body = br#"{"token":"x","challenge":"abc123","type":"url_verification"}"#;
    let headers = Signer::new(presets::slack(), Secret::from_text(secret).unwrap())
        .unwrap()
        .sign(body, &SignOptions::new())
        .unwrap()
        .into_vec();
    let reply = send(&client(), &url, &headers, body.to_vec()).await;
    assert_eq!((reply.status, reply.text()), (200, "abc123"), "{reply:?}");
    assert!(
        reply
            .header("content-type")
            .unwrap()
            .starts_with("text/plain")
    );
    assert_eq!(calls.get(), 0);
}

#[tokio::test]
async fn plain_extractors_without_the_layer_answer_500_not_configured() {
    fn unwired<S: Clone + Send + Sync + 'static>(calls: &Calls) -> MethodRouter<S> {
        let calls = calls.clone();
        post(move |_: VerifiedWebhook| async move {
            calls.hit();
            "handled"
        })
    }
    let headers = Provider::Civo.sign(BODY, "evt-unwired");

    // `()` state, no layer: a wiring mistake, never a pass.
    let calls = Calls::default();
    let url = url(serve(Router::new().route(PATH, unwired(&calls))).await);
    let reply = send(&client(), &url, &headers, BODY.to_vec()).await;
    assert_rejected(&reply, 500, "webhook_not_configured");
    assert_eq!(calls.get(), 0);

    // The same for VerifiedJson.
    let url = support::url(serve(Router::new().route(PATH, json_handler(&calls))).await);
    let reply = send(&client(), &url, &headers, BODY.to_vec()).await;
    assert_rejected(&reply, 500, "webhook_not_configured");
    assert_eq!(calls.get(), 0);

    // A verifier in the state does not make the plain extractor verify: that is
    // `Standalone`'s job.
    let app = Router::new()
        .route(PATH, unwired(&calls))
        .with_state(Provider::Civo.verifier());
    let url = support::url(serve(app).await);
    let reply = send(&client(), &url, &headers, BODY.to_vec()).await;
    assert_rejected(&reply, 500, "webhook_not_configured");
    assert_eq!(calls.get(), 0);
}

#[tokio::test]
async fn verified_json_with_a_body_that_is_not_the_expected_json_is_400_invalid_json() {
    let provider = Provider::Civo;
    let not_json = b"event=instance.created".to_vec();
    let wrong_shape = br#"{"unexpected":true}"#.to_vec();

    // Behind the layer: the 400 is a failure, so the id is released, not remembered.
    let calls = Calls::default();
    let url = url(serve(layered(json_handler(&calls), provider.layer())).await);
    for (id, body) in [
        ("evt-not-json", &not_json),
        ("evt-wrong-shape", &wrong_shape),
    ] {
        let headers = provider.sign(body, id);
        for _ in 0..2 {
            let reply = send(&client(), &url, &headers, body.clone()).await;
            assert_rejected(&reply, 400, "invalid_json");
        }
    }
    assert_eq!(calls.get(), 0);

    // Standalone, with the verifier as state.
    let app = Router::new()
        .route(PATH, standalone_json_handler(&calls))
        .with_state(provider.verifier());
    let url = support::url(serve(app).await);
    let reply = send(
        &client(),
        &url,
        &provider.sign(&not_json, "evt-nj"),
        not_json,
    )
    .await;
    assert_rejected(&reply, 400, "invalid_json");
    assert_eq!(calls.get(), 0);
}
