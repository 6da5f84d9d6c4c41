//! The verification rows of the rejection table, over real HTTP: an axum server on
//! loopback with `WebhookLayer` on its route, a reqwest client (and a hand-written
//! HTTP/1.1 client for chunked bodies), for a Civo and a Standard Webhooks endpoint.

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

use axum::http::StatusCode;
use hookshield::tower::WebhookLayer;
use support::{
    Bodies, Calls, Headers, PROVIDERS, Provider, assert_rejected, client, counting, layered,
    post_chunked, post_declared, replaced, send, serve, sign_with, url, without,
};
use time::{Duration, OffsetDateTime};

const BODY: &[u8] = br#"{"event":"instance.created","resourceID":"42"}"#;

/// A server whose handler answers 202 `handled`, behind `layer`.
async fn app_with(layer: WebhookLayer) -> (SocketAddr, Calls, Bodies) {
    let (calls, bodies) = (Calls::default(), Bodies::default());
    let app = layered(counting(&calls, &bodies, StatusCode::ACCEPTED), layer);
    (serve(app).await, calls, bodies)
}

async fn app(provider: Provider) -> (SocketAddr, Calls, Bodies) {
    app_with(provider.layer()).await
}

/// Sends `headers` + `body` to a fresh server of `provider` and expects the rejection;
/// the handler must not run.
async fn expect_rejected(
    provider: Provider,
    headers: Headers,
    body: &[u8],
    status: u16,
    code: &str,
) {
    let (addr, calls, _) = app(provider).await;
    let reply = send(&client(), &url(addr), &headers, body.to_vec()).await;
    assert_rejected(&reply, status, code);
    assert_eq!(
        calls.get(),
        0,
        "{provider:?}: the handler ran for a refused request"
    );
}

#[tokio::test]
async fn a_valid_delivery_gets_the_handlers_answer_and_runs_it_once() {
    for provider in PROVIDERS {
        let (addr, calls, bodies) = app(provider).await;
        let headers = provider.sign(BODY, "evt-valid-1");
        let reply = send(&client(), &url(addr), &headers, BODY.to_vec()).await;
        assert_eq!(reply.status, 202, "{provider:?}: {reply:?}");
        assert_eq!(reply.text(), "handled");
        assert_eq!(calls.get(), 1, "{provider:?}");
        assert_eq!(
            bodies.all(),
            vec![BODY.to_vec()],
            "{provider:?}: the exact bytes"
        );
    }
}

#[tokio::test]
async fn a_tampered_body_is_401_signature_mismatch() {
    for provider in PROVIDERS {
        let headers = provider.sign(BODY, "evt-tampered");
        let forged = br#"{"event":"instance.deleted","resourceID":"42"}"#;
        expect_rejected(provider, headers, forged, 401, "signature_mismatch").await;
    }
}

#[tokio::test]
async fn a_wrong_secret_is_401_signature_mismatch() {
    for provider in PROVIDERS {
        let now = OffsetDateTime::now_utc();
        let headers = sign_with(&provider.wrong_signer(), BODY, "evt-wrong-secret", now);
        expect_rejected(provider, headers, BODY, 401, "signature_mismatch").await;
    }
}

#[tokio::test]
async fn a_missing_signature_header_is_401_missing_header() {
    for provider in PROVIDERS {
        let headers = without(
            provider.sign(BODY, "evt-unsigned"),
            provider.signature_header(),
        );
        expect_rejected(provider, headers, BODY, 401, "missing_header").await;
        // No headers at all.
        expect_rejected(provider, Vec::new(), BODY, 401, "missing_header").await;
    }
}

#[tokio::test]
async fn a_missing_event_id_header_is_401_missing_header() {
    for provider in PROVIDERS {
        let headers = without(provider.sign(BODY, "evt-no-id"), provider.id_header());
        expect_rejected(provider, headers, BODY, 401, "missing_header").await;
    }
}

#[tokio::test]
async fn a_missing_timestamp_header_is_401_missing_header() {
    let provider = Provider::StandardWebhooks;
    let headers = without(provider.sign(BODY, "evt-no-ts"), "webhook-timestamp");
    expect_rejected(provider, headers, BODY, 401, "missing_header").await;
}

#[tokio::test]
async fn a_malformed_signature_header_is_400_malformed_header() {
    for provider in PROVIDERS {
        let headers = replaced(
            provider.sign(BODY, "evt-malformed"),
            provider.signature_header(),
            "zz",
        );
        expect_rejected(provider, headers, BODY, 400, "malformed_header").await;
    }
}

#[tokio::test]
async fn a_repeated_signature_header_is_400_malformed_header() {
    for provider in PROVIDERS {
        let mut headers = provider.sign(BODY, "evt-repeated");
        let signature = headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(provider.signature_header()))
            .cloned()
            .unwrap();
        headers.push(signature);
        expect_rejected(provider, headers, BODY, 400, "malformed_header").await;
    }
}

#[tokio::test]
async fn a_malformed_timestamp_is_400_malformed_header() {
    let provider = Provider::StandardWebhooks;
    let headers = replaced(
        provider.sign(BODY, "evt-bad-ts"),
        "webhook-timestamp",
        "soon",
    );
    expect_rejected(provider, headers, BODY, 400, "malformed_header").await;
}

#[tokio::test]
async fn a_stale_timestamp_is_401_timestamp_out_of_window() {
    let provider = Provider::StandardWebhooks;
    let ten_minutes_ago = OffsetDateTime::now_utc() - Duration::minutes(10);
    let headers = provider.sign_at(BODY, "evt-stale", ten_minutes_ago);
    expect_rejected(provider, headers, BODY, 401, "timestamp_out_of_window").await;
}

#[tokio::test]
async fn a_timestamp_beyond_the_clock_skew_is_401_timestamp_out_of_window() {
    let provider = Provider::StandardWebhooks;
    let in_ten_minutes = OffsetDateTime::now_utc() + Duration::minutes(10);
    let headers = provider.sign_at(BODY, "evt-future", in_ten_minutes);
    expect_rejected(provider, headers, BODY, 401, "timestamp_out_of_window").await;
}

#[tokio::test]
async fn timestamps_inside_the_window_are_accepted() {
    let provider = Provider::StandardWebhooks;
    let (addr, calls, _) = app(provider).await;
    let now = OffsetDateTime::now_utc();
    for (id, at) in [
        ("evt-4-min-old", now - Duration::minutes(4)),
        ("evt-4-min-ahead", now + Duration::minutes(4)),
    ] {
        let reply = send(
            &client(),
            &url(addr),
            &provider.sign_at(BODY, id, at),
            BODY.to_vec(),
        )
        .await;
        assert_eq!(reply.status, 202, "{id}: {reply:?}");
    }
    assert_eq!(calls.get(), 2);
}

#[tokio::test]
async fn a_body_over_the_limit_by_content_length_is_413() {
    for provider in PROVIDERS {
        let (addr, calls, _) = app_with(WebhookLayer::from(
            provider.receiver().with_body_limit(1024).unwrap(),
        ))
        .await;
        let big = vec![b'x'; 1025];
        let headers = provider.sign(&big, "evt-too-large");
        let reply = send(&client(), &url(addr), &headers, big).await;
        assert_rejected(&reply, 413, "payload_too_large");

        // Exactly at the limit is read and handled.
        let fits = vec![b'y'; 1024];
        let headers = provider.sign(&fits, "evt-fits");
        let reply = send(&client(), &url(addr), &headers, fits).await;
        assert_eq!(reply.status, 202, "{provider:?}: {reply:?}");
        assert_eq!(calls.get(), 1, "{provider:?}");
    }
}

#[tokio::test]
async fn a_declared_length_over_the_limit_is_refused_before_the_body_arrives() {
    for provider in PROVIDERS {
        let (addr, calls, _) = app_with(WebhookLayer::from(
            provider.receiver().with_body_limit(1024).unwrap(),
        ))
        .await;
        let headers = provider.sign(b"{}", "evt-declared-too-large");
        // 100 kB announced, 2 bytes sent, the rest never comes: the answer cannot wait
        // for the body.
        let within = std::time::Duration::from_secs(3);
        let reply = post_declared(addr, &headers, 100_000, b"{}", within).await;
        assert_eq!(reply.status, 413, "{provider:?}: {reply:?}");
        assert_eq!(reply.header("content-type"), Some("application/json"));
        assert_eq!(reply.body, br#"{"error":"payload_too_large"}"#);
        assert_eq!(calls.get(), 0, "{provider:?}");
    }
}

#[tokio::test]
async fn a_chunked_body_over_the_limit_is_413_and_never_handled() {
    for provider in PROVIDERS {
        let (addr, calls, _) = app_with(WebhookLayer::from(
            provider.receiver().with_body_limit(1024).unwrap(),
        ))
        .await;
        let chunk = [b'z'; 400];
        let chunks: [&[u8]; 4] = [&chunk, &chunk, &chunk, &chunk];
        let headers = provider.sign(&chunk.repeat(4), "evt-chunked-too-large");
        let reply = post_chunked(addr, &headers, &chunks).await;
        assert_eq!(reply.status, 413, "{provider:?}: {reply:?}");
        assert_eq!(reply.header("content-type"), Some("application/json"));
        assert_eq!(reply.body, br#"{"error":"payload_too_large"}"#);
        assert_eq!(calls.get(), 0, "{provider:?}");

        // The same client sending a chunked body under the limit is handled: the 413 above
        // is the limit's doing, not the hand-written request's.
        let headers = provider.sign(&chunk.repeat(2), "evt-chunked-fits");
        let reply = post_chunked(addr, &headers, &chunks[..2]).await;
        assert_eq!(reply.status, 202, "{provider:?}: {reply:?}");
        assert_eq!(reply.body, b"handled");
        assert_eq!(calls.get(), 1, "{provider:?}");
    }
}

#[tokio::test]
async fn a_non_utf8_body_is_verified_and_handled_byte_for_byte() {
    for provider in PROVIDERS {
        let (addr, calls, bodies) = app(provider).await;
        let body: &[u8] = b"\xff\xfe\x00\x80binary\xc3\x28 payload";
        assert!(String::from_utf8(body.to_vec()).is_err());
        let headers = provider.sign(body, "evt-binary");
        let reply = send(&client(), &url(addr), &headers, body.to_vec()).await;
        assert_eq!(reply.status, 202, "{provider:?}: {reply:?}");
        assert_eq!(calls.get(), 1);
        assert_eq!(bodies.all(), vec![body.to_vec()]);
    }
}

#[tokio::test]
async fn rejections_never_echo_the_signature_or_the_payload() {
    for provider in PROVIDERS {
        let (addr, _, _) = app(provider).await;
        let headers = provider.sign(BODY, "evt-echo");
        let signature = headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(provider.signature_header()))
            .map(|(_, v)| v.clone())
            .unwrap();
        let forged = b"{\"event\":\"secret-payload-marker\"}";
        let reply = send(&client(), &url(addr), &headers, forged.to_vec()).await;
        assert_rejected(&reply, 401, "signature_mismatch");
        assert!(!reply.text().contains("secret-payload-marker"));
        assert!(!reply.text().contains(&signature));
    }
}
