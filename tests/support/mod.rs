//! The shared harness of the axum integration tests: real servers on loopback, a real
//! HTTP client, providers that sign like the real ones, and counting handlers.

// Each test binary uses a different part of the harness.
#![allow(dead_code, unreachable_pub)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{MethodRouter, post};
use hookshield::replay::ReplayStore;
use hookshield::tower::WebhookLayer;
use hookshield::{Receiver, Secret, SignOptions, Signer, Verifier, presets};
use time::OffsetDateTime;
use tokio::net::TcpListener;

#[cfg(feature = "actix")]
pub mod actix_app;
pub mod down_store;
#[cfg(feature = "actix")]
pub mod harness;
pub mod keys;
#[cfg(feature = "metrics")]
pub mod metrics;
#[cfg(feature = "metrics")]
pub mod metrics_mix;
mod raw;
pub mod response;

pub use down_store::DownStore;
#[allow(unused_imports)] // only axum_layer sends raw requests
pub use raw::{RawReply, post_chunked, post_declared, read_reply_of, send_declared};

pub const CIVO_SECRET: &str = "civo-integration-secret";
pub const CIVO_WRONG_SECRET: &str = "not-the-civo-secret";
pub const SW_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
pub const SW_WRONG_SECRET: &str = "whsec_c2VjcmV0LXRoYXQtaXMtbm90LW91cnM=";
/// The path every test app serves its webhook on.
pub const PATH: &str = "/hook";

/// A provider the rejection table is run against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provider {
    /// `presets::civo`: hex HMAC-SHA1 of the body, id in `X-Civo-Event`, no timestamp.
    Civo,
    /// `presets::standard_webhooks`: `v1,<b64>` over `{id}.{t}.{body}`, ±300 s.
    StandardWebhooks,
}

pub const PROVIDERS: [Provider; 2] = [Provider::Civo, Provider::StandardWebhooks];

impl Provider {
    pub fn verifier(self) -> Verifier {
        match self {
            Self::Civo => Verifier::builder(presets::civo()).encoded_secret(CIVO_SECRET),
            Self::StandardWebhooks => {
                Verifier::builder(presets::standard_webhooks()).encoded_secret(SW_SECRET)
            }
        }
        .build()
        .expect("verifier")
    }

    /// The layer with its defaults.
    pub fn layer(self) -> WebhookLayer {
        WebhookLayer::new(self.verifier())
    }

    /// The pipeline with its defaults, to configure before building a layer from it.
    pub fn receiver(self) -> Receiver {
        Receiver::new(self.verifier())
    }

    fn signer_with(self, secret: &str) -> Signer {
        match self {
            Self::Civo => Signer::new(presets::civo(), Secret::from_text(secret).unwrap()),
            Self::StandardWebhooks => Signer::new(
                presets::standard_webhooks(),
                Secret::from_prefixed_base64("whsec_", secret).unwrap(),
            ),
        }
        .expect("signer")
    }

    /// The provider's signer with the endpoint's secret.
    pub fn signer(self) -> Signer {
        self.signer_with(match self {
            Self::Civo => CIVO_SECRET,
            Self::StandardWebhooks => SW_SECRET,
        })
    }

    /// A signer with another secret of the right format.
    pub fn wrong_signer(self) -> Signer {
        self.signer_with(match self {
            Self::Civo => CIVO_WRONG_SECRET,
            Self::StandardWebhooks => SW_WRONG_SECRET,
        })
    }

    /// The headers of a delivery of `body` as event `id`, signed now.
    pub fn sign(self, body: &[u8], id: &str) -> Headers {
        self.sign_at(body, id, OffsetDateTime::now_utc())
    }

    /// The headers of a delivery of `body` as event `id`, signed at `at`.
    pub fn sign_at(self, body: &[u8], id: &str, at: OffsetDateTime) -> Headers {
        sign_with(&self.signer(), body, id, at)
    }

    /// The name of the signature header.
    pub fn signature_header(self) -> &'static str {
        match self {
            Self::Civo => "X-Civo-Signature",
            Self::StandardWebhooks => "webhook-signature",
        }
    }

    /// The name of the event-id header.
    pub fn id_header(self) -> &'static str {
        match self {
            Self::Civo => "X-Civo-Event",
            Self::StandardWebhooks => "webhook-id",
        }
    }

    /// The scheme name reported in `Verified::scheme`.
    pub fn scheme_name(self) -> &'static str {
        match self {
            Self::Civo => "civo",
            Self::StandardWebhooks => "standard-webhooks",
        }
    }
}

/// Header pairs as sent.
pub type Headers = Vec<(String, String)>;

pub fn sign_with(signer: &Signer, body: &[u8], id: &str, at: OffsetDateTime) -> Headers {
    signer
        .sign(body, &SignOptions::new().id(id).timestamp(at))
        .expect("sign")
        .into_vec()
}

/// `headers` without `name` (ASCII case-insensitive).
pub fn without(mut headers: Headers, name: &str) -> Headers {
    headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
    headers
}

/// `headers` with `name` set to `value` (replacing it).
pub fn replaced(headers: Headers, name: &str, value: &str) -> Headers {
    let mut headers = without(headers, name);
    headers.push((name.to_owned(), value.to_owned()));
    headers
}

/// Serves `app` on an ephemeral loopback port for the rest of the test's runtime.
pub async fn serve(app: Router) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("local addr");
    tokio::spawn(async move {
        axum::serve(listener, app).await.expect("serve");
    });
    addr
}

/// `app` = the webhook route `PATH` with `route` behind `layer`.
pub fn layered<S: ReplayStore>(route: MethodRouter, layer: WebhookLayer<S>) -> Router {
    Router::new().route(PATH, route.layer(layer))
}

pub fn url(addr: SocketAddr) -> String {
    format!("http://{addr}{PATH}")
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .expect("client")
}

/// A response, read to its end.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Reply {
    pub fn text(&self) -> &str {
        std::str::from_utf8(&self.body).expect("UTF-8 body")
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.body))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(name)
            .map(|v| v.to_str().expect("ASCII header"))
    }

    /// Whether this is the `{"duplicate":true}` answer to an event already handled.
    pub fn is_duplicate(&self) -> bool {
        self.status == 200 && self.body.as_ref() == br#"{"duplicate":true}"#
    }
}

/// POSTs `body` with `headers` and reads the whole answer.
pub async fn send(
    client: &reqwest::Client,
    url: &str,
    headers: &Headers,
    body: impl Into<reqwest::Body>,
) -> Reply {
    try_send(client, url, headers, body).await.expect("request")
}

pub async fn try_send(
    client: &reqwest::Client,
    url: &str,
    headers: &Headers,
    body: impl Into<reqwest::Body>,
) -> Result<Reply, reqwest::Error> {
    let request = client.post(url).body(body);
    read_reply(request, headers).await
}

/// Sends `request` with `headers` added and reads the whole answer.
pub async fn read_reply(
    mut request: reqwest::RequestBuilder,
    headers: &Headers,
) -> Result<Reply, reqwest::Error> {
    for (name, value) in headers {
        request = request.header(name.as_str(), value.as_str());
    }
    let response = request.send().await?;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.bytes().await?;
    Ok(Reply {
        status,
        headers,
        body,
    })
}

/// Asserts the documented rejection: `status`, `Content-Type: application/json` and
/// exactly `{"error":"<code>"}`.
#[track_caller]
pub fn assert_rejected(reply: &Reply, status: u16, code: &str) {
    assert_eq!(reply.status, status, "status of {reply:?}");
    assert_eq!(
        reply.header("content-type"),
        Some("application/json"),
        "content type of {reply:?}"
    );
    assert_eq!(
        reply.json(),
        serde_json::json!({ "error": code }),
        "{reply:?}"
    );
    assert_eq!(reply.text(), format!(r#"{{"error":"{code}"}}"#));
}

/// Asserts a 409 `duplicate_in_flight` with the layer's default `Retry-After` (10 s).
#[track_caller]
pub fn assert_in_flight(reply: &Reply) {
    assert_rejected(reply, 409, "duplicate_in_flight");
    assert_eq!(reply.header("retry-after"), Some("10"), "{reply:?}");
}

/// Asserts the `{"duplicate":true}` answer (200, JSON).
#[track_caller]
pub fn assert_duplicate(reply: &Reply) {
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert_eq!(reply.json(), serde_json::json!({ "duplicate": true }));
}

/// Counts handler runs.
#[derive(Debug, Clone, Default)]
pub struct Calls(Arc<AtomicUsize>);

impl Calls {
    /// Counts one run; answers the number of runs before this one.
    pub fn hit(&self) -> usize {
        self.0.fetch_add(1, Ordering::SeqCst)
    }

    pub fn get(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }

    /// Waits (up to `within`) until at least `n` runs were counted.
    pub async fn wait_for(&self, n: usize, within: Duration) {
        let deadline = Instant::now() + within;
        while self.get() < n {
            assert!(
                Instant::now() < deadline,
                "the handler ran {} times, expected {n} within {within:?}",
                self.get()
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
}

/// A handler that counts its runs, records the bodies it got and answers `status` with
/// the body `handled`.
pub fn counting(calls: &Calls, bodies: &Bodies, status: StatusCode) -> MethodRouter {
    let (calls, bodies) = (calls.clone(), bodies.clone());
    post(move |body: Bytes| async move {
        calls.hit();
        bodies.0.lock().unwrap().push(body);
        (status, "handled")
    })
}

/// The bodies a handler received.
#[derive(Debug, Clone, Default)]
pub struct Bodies(pub Arc<Mutex<Vec<Bytes>>>);

impl Bodies {
    pub fn all(&self) -> Vec<Bytes> {
        self.0.lock().unwrap().clone()
    }
}

/// Handler runs per event id.
#[derive(Debug, Clone, Default)]
pub struct PerId(pub Arc<Mutex<HashMap<String, usize>>>);

impl PerId {
    pub fn hit(&self, id: &str) {
        *self.0.lock().unwrap().entry(id.to_owned()).or_default() += 1;
    }

    pub fn snapshot(&self) -> HashMap<String, usize> {
        self.0.lock().unwrap().clone()
    }
}

/// A deterministic shuffle (xorshift), so failures reproduce.
pub fn shuffle<T>(items: &mut [T], mut seed: u64) {
    for i in (1..items.len()).rev() {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let j = usize::try_from(seed % (i as u64 + 1)).unwrap();
        items.swap(i, j);
    }
}
