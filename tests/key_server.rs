//! Keys fetched from a key server (Plaid's `/webhook_verification_key/get`, stubbed on
//! loopback) through `CachedKeys`, behind the axum layer, over real HTTP: a server that is
//! slow, down, or rotates keys; a flood of unknown key ids. A request never waits past the
//! deadline, and when no key can be had it is answered 503 `key_unavailable` with
//! `Retry-After`, so the provider retries and nothing is lost.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    missing_docs
)]

#[path = "../examples/support/plaid_keys.rs"]
mod plaid_keys;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use hookshield::axum::{Server, VerifiedWebhook, WebhookLayer};
use hookshield::{Algorithm, CachedKeys, PrivateKey, SignOptions, Signer, Verifier, presets};
use plaid_keys::PlaidKeys;
use plaid_keys::stub::KeyServer;

const KID: &str = "kid-1";

struct Setup {
    keys: KeyServer,
    url: String,
    runs: Arc<AtomicUsize>,
    signer: Signer,
    client: reqwest::Client,
}

async fn handle(State(runs): State<Arc<AtomicUsize>>, _: VerifiedWebhook) -> StatusCode {
    runs.fetch_add(1, Ordering::SeqCst);
    StatusCode::OK
}

/// A key server holding Plaid's key as `KID`, and a receiver caching it as `cache` says.
async fn setup(
    cache: impl FnOnce(
        hookshield::CachedKeysBuilder<PlaidKeys>,
    ) -> hookshield::CachedKeysBuilder<PlaidKeys>,
) -> Setup {
    let plaid = PrivateKey::generate(Algorithm::EcdsaP256Sha256).unwrap();
    let keys = KeyServer::default();
    keys.add(KID, &plaid.public_key());
    let keys_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let keys_url = format!("http://{}", keys_listener.local_addr().unwrap());
    tokio::spawn(Server::new().serve(keys_listener, keys.router()));

    let fetcher = PlaidKeys::new(&keys_url, "client", "secret").unwrap();
    let resolver = cache(CachedKeys::builder(fetcher)).build();
    let verifier = Verifier::builder(presets::plaid())
        .key_resolver(resolver)
        .build()
        .unwrap();
    let runs = Arc::new(AtomicUsize::new(0));
    let router = Router::new()
        .route("/plaid", post(handle).layer(WebhookLayer::new(verifier)))
        .with_state(Arc::clone(&runs));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/plaid", listener.local_addr().unwrap());
    tokio::spawn(Server::new().serve(listener, router));
    Setup {
        keys,
        url,
        runs,
        signer: Signer::with_private_key(presets::plaid(), plaid).unwrap(),
        client: reqwest::Client::new(),
    }
}

impl Setup {
    /// Sends a webhook numbered `n` signed under key id `kid`: (status, Retry-After).
    async fn send(&self, n: usize, kid: &str) -> (u16, Option<String>) {
        let body = format!(
            r#"{{"webhook_type":"ITEM","webhook_code":"WEBHOOK_UPDATE_ACKNOWLEDGED","n":{n}}}"#
        );
        let headers = self
            .signer
            .sign(body.as_bytes(), &SignOptions::new().key_id(kid))
            .unwrap();
        let mut request = self.client.post(&self.url).body(body);
        for (name, value) in headers.iter() {
            request = request.header(name, value);
        }
        let response = request.send().await.unwrap();
        let retry_after = response
            .headers()
            .get("retry-after")
            .map(|v| v.to_str().unwrap().to_owned());
        (response.status().as_u16(), retry_after)
    }

    fn hits(&self) -> usize {
        self.keys.hits.load(Ordering::SeqCst)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_key_server_costs_at_most_the_deadline() {
    let s = setup(|c| c.deadline(Duration::from_millis(300))).await;
    s.keys.set_delay(Duration::from_millis(1500));
    let started = Instant::now();
    let (status, retry_after) = s.send(1, KID).await;
    let waited = started.elapsed();
    assert_eq!(status, 503);
    assert!(
        retry_after.is_some(),
        "503 key_unavailable carries Retry-After"
    );
    assert!(
        waited < Duration::from_millis(1400),
        "waited {waited:?} for a 1.5 s key server"
    );
    assert_eq!(s.runs.load(Ordering::SeqCst), 0);
    // The fetch went on past the deadline and filled the cache: the provider's retry is
    // handled without asking the key server again.
    tokio::time::sleep(Duration::from_millis(1800)).await;
    assert_eq!(s.send(1, KID).await.0, 200);
    assert_eq!((s.runs.load(Ordering::SeqCst), s.hits()), (1, 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_key_server_is_not_hammered() {
    let s = setup(|c| c.error_backoff(Duration::from_secs(60))).await;
    s.keys.set_down(true);
    for n in 0..20 {
        let (status, retry_after) = s.send(n, KID).await;
        assert_eq!((status, retry_after.is_some()), (503, true));
    }
    assert_eq!(s.hits(), 1, "one failed fetch, then the back-off");
    assert_eq!(s.runs.load(Ordering::SeqCst), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_down_key_server_is_503_until_a_key_was_cached_then_stale_keys_serve() {
    let s = setup(|c| {
        c.ttl(Duration::from_millis(200))
            .error_backoff(Duration::from_millis(100))
    })
    .await;
    s.keys.set_down(true);
    let (status, retry_after) = s.send(1, KID).await;
    assert_eq!((status, retry_after.is_some()), (503, true));
    s.keys.set_down(false);
    tokio::time::sleep(Duration::from_millis(150)).await; // the back-off
    assert_eq!(s.send(1, KID).await.0, 200, "the retry is handled");
    // Down again, the TTL past: the keys are used stale rather than refusing.
    s.keys.set_down(true);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(s.send(2, KID).await.0, 200);
    assert_eq!(s.runs.load(Ordering::SeqCst), 2);

    // Without stale-while-error, the same outage is 503.
    let strict = setup(|c| c.ttl(Duration::from_millis(200)).stale_for(Duration::ZERO)).await;
    assert_eq!(strict.send(1, KID).await.0, 200);
    strict.keys.set_down(true);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(strict.send(2, KID).await.0, 503);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_are_cached_and_a_rotated_key_is_fetched_by_its_id() {
    let s = setup(|c| c).await;
    for n in 0..5 {
        assert_eq!(s.send(n, KID).await.0, 200);
    }
    assert_eq!(s.hits(), 1, "one fetch for five webhooks");
    // Plaid rotates: the next key has another id; the server knows it, the cache does not.
    let next = PrivateKey::generate(Algorithm::EcdsaP256Sha256).unwrap();
    s.keys.add("kid-2", &next.public_key());
    let rotated = Signer::with_private_key(presets::plaid(), next).unwrap();
    let body = br#"{"webhook_type":"ITEM","n":"rotated"}"#;
    let mut request = s.client.post(&s.url).body(body.to_vec());
    for (name, value) in rotated
        .sign(body, &SignOptions::new().key_id("kid-2"))
        .unwrap()
        .iter()
    {
        request = request.header(name, value);
    }
    assert_eq!(request.send().await.unwrap().status(), 200);
    assert_eq!(s.hits(), 2);
    // A webhook signed by the old key but naming the new id is refused.
    assert_eq!(s.send(99, "kid-2").await.0, 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_key_ids_are_401_and_remembered() {
    let s = setup(|c| c).await;
    assert_eq!(s.send(1, "nobody").await.0, 401);
    assert_eq!(s.send(2, "nobody").await.0, 401);
    assert_eq!(
        s.hits(),
        1,
        "an unknown id is remembered for the negative TTL"
    );
    // A stream of fresh ids: each answered 401, nothing handled.
    for n in 0..20 {
        assert_eq!(s.send(n, &format!("fresh-{n}")).await.0, 401);
    }
    assert_eq!(s.hits(), 21);
    assert_eq!(s.runs.load(Ordering::SeqCst), 0);
}
