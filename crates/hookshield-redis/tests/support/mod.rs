//! The Redis the tests use: `HOOKSHIELD_REDIS_URL`, as `scripts/redis.sh start` prints it,
//! or a `redis-server` of a test's own ([`server::RedisServer`]); and the small HTTP harness of
//! the multi-instance tests: Civo receivers behind the axum layer on loopback, a signer, a
//! client, and counting handlers.
#![allow(
    dead_code,
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::arithmetic_side_effects
)]

mod client;
pub(crate) mod server;

#[allow(unused_imports)] // not every test binary sends requests
pub(crate) use client::*;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::http::StatusCode;
use axum::routing::post;
use hookshield_axum::{VerifiedWebhook, WebhookLayer};
use hookshield_core::replay::{OwnerToken, ReplayStore};
use hookshield_core::{Secret, SignOptions, Signer, Verifier, presets};

/// The URL of the test Redis, or `None` (with a note) when none is configured. Under
/// `HOOKSHIELD_REQUIRE_REDIS=1` (set by `scripts/test.sh`, so by CI) a missing Redis
/// fails the test instead.
pub(crate) fn redis_url() -> Option<String> {
    match std::env::var("HOOKSHIELD_REDIS_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if redis_required() => {
            panic!("HOOKSHIELD_REDIS_URL is not set: run the tests through scripts/test.sh")
        }
        _ => {
            eprintln!(
                "skipped: no Redis (run `eval \"$(scripts/redis.sh start)\"` or scripts/test.sh)"
            );
            None
        }
    }
}

/// Whether a missing Redis fails the test (`HOOKSHIELD_REQUIRE_REDIS=1`) instead of
/// skipping it.
pub(crate) fn redis_required() -> bool {
    std::env::var("HOOKSHIELD_REQUIRE_REDIS").is_ok_and(|v| v == "1")
}

/// A key prefix no other run shares, so reruns against the same Redis start clean.
pub(crate) fn unique_prefix(test: &str) -> String {
    format!("hookshield-test-{test}-{}", OwnerToken::random().to_hex())
}

/// The Civo endpoint's secret.
pub(crate) const CIVO_SECRET: &str = "civo-redis-test-secret";
/// The path every receiver serves its webhook on.
pub(crate) const PATH: &str = "/hook";
/// A test event's body.
pub(crate) const BODY: &[u8] = br#"{"event":"instance.created","resourceID":"r-1"}"#;

/// The body of event `id`: each event's its own, as a provider's are. (Civo does not sign
/// the id, so byte-identical bodies under two ids count as one delivery.)
pub(crate) fn event_body(id: &str) -> Vec<u8> {
    format!(r#"{{"event":"instance.created","resourceID":"{id}"}}"#).into_bytes()
}

/// The Civo endpoint's verifier.
pub(crate) fn civo_verifier() -> Verifier {
    Verifier::builder(presets::civo())
        .encoded_secret(CIVO_SECRET)
        .build()
        .expect("verifier")
}

/// Civo's signer with `secret`.
pub(crate) fn civo_signer(secret: &str) -> Signer {
    Signer::new(presets::civo(), Secret::from_text(secret).unwrap()).expect("signer")
}

/// The headers of a delivery of `body` as event `id`.
pub(crate) fn sign(signer: &Signer, id: &str, body: &[u8]) -> Vec<(String, String)> {
    signer
        .sign(body, &SignOptions::new().id(id))
        .expect("sign")
        .into_vec()
}

/// Handler runs, overall and per event id.
#[derive(Debug, Clone, Default)]
pub(crate) struct Runs {
    total: Arc<AtomicUsize>,
    per_id: Arc<Mutex<HashMap<String, usize>>>,
}

impl Runs {
    pub(crate) fn hit(&self, id: &str) {
        self.total.fetch_add(1, Ordering::SeqCst);
        *self
            .per_id
            .lock()
            .unwrap()
            .entry(id.to_owned())
            .or_default() += 1;
    }

    /// Runs overall.
    pub(crate) fn total(&self) -> usize {
        self.total.load(Ordering::SeqCst)
    }

    /// Runs of event `id`.
    pub(crate) fn of(&self, id: &str) -> usize {
        self.per_id.lock().unwrap().get(id).copied().unwrap_or(0)
    }

    pub(crate) fn per_id(&self) -> HashMap<String, usize> {
        self.per_id.lock().unwrap().clone()
    }
}

/// The webhook route behind `layer`; the handler counts its run in `runs`, works for
/// `work` and answers 204.
pub(crate) fn app<S: ReplayStore>(layer: WebhookLayer<S>, runs: &Runs, work: Duration) -> Router {
    let runs = runs.clone();
    let handler = post(move |webhook: VerifiedWebhook| async move {
        runs.hit(webhook.verified.event_id());
        tokio::time::sleep(work).await;
        StatusCode::NO_CONTENT
    });
    Router::new().route(PATH, handler.layer(layer))
}

/// Serves `app` on an ephemeral loopback port; answers the webhook URL.
pub(crate) async fn serve(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr: SocketAddr = listener.local_addr().expect("local addr");
    tokio::spawn(async move {
        axum::serve(listener, app).await.expect("serve");
    });
    format!("http://{addr}{PATH}")
}
