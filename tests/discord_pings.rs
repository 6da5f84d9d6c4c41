//! Discord over real HTTP, on every adapter: axum + `WebhookLayer`, actix-web +
//! `WebhookMiddleware`, and the standalone extractors of axum and actix-web. The
//! interactions `PING` is answered 200 `{"type":1}` and the webhook-events `PING` 204,
//! without running the handler; interactions of other types and webhook events reach
//! the handler; Discord's probes (a tampered body, another application's signature, an
//! all-zero signature) are refused 401 and never reach the handler.

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

use std::any::Any;
use std::net::SocketAddr;

use actix_web::{HttpResponse, web};
use axum::Router;
use axum::http::StatusCode;
use axum::routing::post;
use hookshield::tower::WebhookLayer;
use hookshield::{
    Algorithm, PrivateKey, Receiver, SignOptions, Signer, Verified, Verifier, presets,
};
use support::actix_app::serve_actix;
use support::harness::{AbortOnDrop, tokio_listener};
use support::{Calls, Headers, Reply, assert_rejected, client, replaced, send};

/// An interaction `PING`, as Discord sends it when the endpoint URL is saved.
const INTERACTION_PING: &[u8] = br#"{"app_permissions":"0","application_id":"1234567890","id":"1300000000000000001","token":"aW50ZXJhY3Rpb246MTMw","type":1,"user":{"id":"1"},"version":1}"#;
/// The shortest interaction `PING`: no token, no `event`.
const BARE_PING: &[u8] = br#"{"type":1}"#;
/// A webhook-events `PING`.
const EVENTS_PING: &[u8] = br#"{"version":1,"application_id":"1234567890","type":0}"#;
/// An application command (interaction type 2).
const COMMAND: &[u8] = br#"{"application_id":"1234567890","data":{"id":"42","name":"hello","type":1},"id":"1300000000000000002","token":"aW50ZXJhY3Rpb246MTMx","type":2,"version":1}"#;
/// A webhook event: type 1, with an `event`.
const WEBHOOK_EVENT: &[u8] = br#"{"version":1,"application_id":"1","type":1,"event":{"type":"APPLICATION_AUTHORIZED","timestamp":"2024-10-18T14:42:53.064834","data":{"integration_type":0,"scopes":["applications.commands"],"user":{"id":"1"}}}}"#;

const SIGNATURE: &str = "X-Signature-Ed25519";
const HANDLED: &str = "handled";

/// The application's key pair: its verifier, its signer, and another application's
/// signer.
struct App {
    verifier: Verifier,
    signer: Signer,
    stranger: Signer,
}

impl App {
    fn new() -> Self {
        let key = PrivateKey::generate(Algorithm::Ed25519).unwrap();
        let verifier = Verifier::builder(presets::discord())
            .public_key(key.public_key())
            .build()
            .unwrap();
        let signer = Signer::with_private_key(presets::discord(), key).unwrap();
        let other = PrivateKey::generate(Algorithm::Ed25519).unwrap();
        let stranger = Signer::with_private_key(presets::discord(), other).unwrap();
        Self {
            verifier,
            signer,
            stranger,
        }
    }

    /// The headers of `body` signed now by the application.
    fn sign(&self, body: &[u8]) -> Headers {
        sign(&self.signer, body)
    }
}

fn sign(signer: &Signer, body: &[u8]) -> Headers {
    signer.sign(body, &SignOptions::new()).unwrap().into_vec()
}

/// An adapter under test.
#[derive(Debug, Clone, Copy)]
enum Adapter {
    AxumLayer,
    ActixMiddleware,
    AxumStandalone,
    ActixStandalone,
}

const ADAPTERS: [Adapter; 4] = [
    Adapter::AxumLayer,
    Adapter::ActixMiddleware,
    Adapter::AxumStandalone,
    Adapter::ActixStandalone,
];

/// A running server on `PATH`; dropping it stops the server.
struct Running {
    addr: SocketAddr,
    _server: Box<dyn Any + Send>,
}

impl Running {
    fn url(&self) -> String {
        support::url(self.addr)
    }
}

/// Every handler: counts its run and answers 200 `handled`.
fn handle(calls: &Calls, _: &Verified) -> &'static str {
    calls.hit();
    HANDLED
}

async fn actix_layered(
    webhook: hookshield::actix::VerifiedWebhook,
    calls: web::Data<Calls>,
) -> HttpResponse {
    HttpResponse::Ok().body(handle(&calls, &webhook.verified))
}

async fn actix_standalone(
    hookshield::actix::Standalone(webhook): hookshield::actix::Standalone<
        hookshield::actix::VerifiedWebhook,
    >,
    calls: web::Data<Calls>,
) -> HttpResponse {
    HttpResponse::Ok().body(handle(&calls, &webhook.verified))
}

impl Adapter {
    fn name(self) -> &'static str {
        match self {
            Self::AxumLayer => "axum + WebhookLayer",
            Self::ActixMiddleware => "actix-web + WebhookMiddleware",
            Self::AxumStandalone => "axum Standalone<VerifiedWebhook>",
            Self::ActixStandalone => "actix-web Standalone<VerifiedWebhook>",
        }
    }

    /// Serves `POST PATH` verified with `verifier`, the handler counting its runs.
    fn start(self, verifier: Verifier, calls: &Calls) -> Running {
        let calls = calls.clone();
        match self {
            Self::AxumLayer => {
                use hookshield::axum::VerifiedWebhook;
                let route = post(move |webhook: VerifiedWebhook| async move {
                    (StatusCode::OK, handle(&calls, &webhook.verified))
                });
                let layer = WebhookLayer::from(Receiver::new(verifier));
                axum_running(Router::new().route(support::PATH, route.layer(layer)))
            }
            Self::AxumStandalone => {
                use hookshield::axum::{Standalone, VerifiedWebhook};
                let route = post(
                    move |Standalone(webhook): Standalone<VerifiedWebhook>| async move {
                        (StatusCode::OK, handle(&calls, &webhook.verified))
                    },
                );
                let app = Router::new()
                    .route(support::PATH, route)
                    .with_state(verifier);
                axum_running(app)
            }
            Self::ActixMiddleware => {
                let middleware = hookshield::actix::WebhookMiddleware::new(verifier);
                let calls = web::Data::new(calls);
                let server = serve_actix(move |config| {
                    config.app_data(calls.clone()).service(
                        web::resource(support::PATH)
                            .wrap(middleware.clone())
                            .route(web::post().to(actix_layered)),
                    );
                });
                Running {
                    addr: server.addr,
                    _server: Box::new(server),
                }
            }
            Self::ActixStandalone => {
                let verifier = web::Data::new(verifier);
                let calls = web::Data::new(calls);
                let server = serve_actix(move |config| {
                    config
                        .app_data(verifier.clone())
                        .app_data(calls.clone())
                        .route(support::PATH, web::post().to(actix_standalone));
                });
                Running {
                    addr: server.addr,
                    _server: Box::new(server),
                }
            }
        }
    }
}

fn axum_running(app: Router) -> Running {
    let (listener, addr) = tokio_listener();
    let task = tokio::spawn(async move {
        axum::serve(listener, app).await.expect("axum serve");
    });
    Running {
        addr,
        _server: Box::new(AbortOnDrop(task)),
    }
}

/// Asserts the answer to an interaction `PING`: 200, `application/json`, `nosniff`,
/// exactly `{"type":1}`.
#[track_caller]
fn assert_pong(reply: &Reply, adapter: Adapter) {
    let name = adapter.name();
    assert_eq!(reply.status, 200, "{name}: {reply:?}");
    assert_eq!(
        reply.header("content-type"),
        Some("application/json"),
        "{name}: {reply:?}"
    );
    assert_eq!(
        reply.header("x-content-type-options"),
        Some("nosniff"),
        "{name}: {reply:?}"
    );
    assert_eq!(reply.body.as_ref(), br#"{"type":1}"#, "{name}: {reply:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interaction_pings_are_answered_type_1_without_the_handler() {
    let app = App::new();
    for adapter in ADAPTERS {
        let calls = Calls::default();
        let server = adapter.start(app.verifier.clone(), &calls);
        let client = client();
        for body in [INTERACTION_PING, BARE_PING] {
            let headers = app.sign(body);
            // Twice: a ping is answered again, never remembered as a handled event.
            for _ in 0..2 {
                let reply = send(&client, &server.url(), &headers, body.to_vec()).await;
                assert_pong(&reply, adapter);
            }
        }
        assert_eq!(
            calls.get(),
            0,
            "{}: the handler ran for a ping",
            adapter.name()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_events_pings_are_answered_204_without_the_handler() {
    let app = App::new();
    for adapter in ADAPTERS {
        let name = adapter.name();
        let calls = Calls::default();
        let server = adapter.start(app.verifier.clone(), &calls);
        let client = client();
        let headers = app.sign(EVENTS_PING);
        for _ in 0..2 {
            let reply = send(&client, &server.url(), &headers, EVENTS_PING.to_vec()).await;
            assert_eq!(reply.status, 204, "{name}: {reply:?}");
            assert!(reply.body.is_empty(), "{name}: {reply:?}");
        }
        assert_eq!(calls.get(), 0, "{name}: the handler ran for a ping");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interactions_and_webhook_events_reach_the_handler() {
    let app = App::new();
    for adapter in ADAPTERS {
        let name = adapter.name();
        let calls = Calls::default();
        let server = adapter.start(app.verifier.clone(), &calls);
        let client = client();
        for (n, body) in [COMMAND, WEBHOOK_EVENT].into_iter().enumerate() {
            let headers = app.sign(body);
            let reply = send(&client, &server.url(), &headers, body.to_vec()).await;
            assert_eq!((reply.status, reply.text()), (200, HANDLED), "{name}");
            assert_eq!(
                calls.get(),
                n + 1,
                "{name}: {}",
                String::from_utf8_lossy(body)
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discords_probes_are_refused_401_on_every_adapter() {
    let app = App::new();
    let zeros = "0".repeat(128);
    for adapter in ADAPTERS {
        let name = adapter.name();
        let calls = Calls::default();
        let server = adapter.start(app.verifier.clone(), &calls);
        let client = client();
        for body in [INTERACTION_PING, EVENTS_PING, COMMAND, WEBHOOK_EVENT] {
            let what = String::from_utf8_lossy(body);
            // The same JSON with one member more.
            let tampered = [&body[..body.len() - 1], br#","forged":true}"#].concat();
            let probes: [(&str, Headers, Vec<u8>); 3] = [
                ("tampered body", app.sign(body), tampered),
                ("another key", sign(&app.stranger, body), body.to_vec()),
                (
                    "all-zero signature",
                    replaced(app.sign(body), SIGNATURE, &zeros),
                    body.to_vec(),
                ),
            ];
            for (probe, headers, sent) in probes {
                let reply = send(&client, &server.url(), &headers, sent).await;
                assert_eq!(reply.status, 401, "{name}, {probe}, {what}: {reply:?}");
                assert_rejected(&reply, 401, "signature_mismatch");
            }
        }
        assert_eq!(calls.get(), 0, "{name}: the handler ran for a probe");
    }
}
