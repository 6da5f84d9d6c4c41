//! Endpoints that need the request around the body (its method, its path and query, the
//! public URL it was sent to): Meta, Dropbox and Okta's `GET` challenges, Zoom and Twitch's
//! signed handshakes, Twilio's signed URL. Each is served on **any method and any path**,
//! by the same three adapters as `support::harness` (axum + `WebhookLayer`, plain
//! tower/hyper + `WebhookLayer`, actix-web + `WebhookMiddleware`) and by the standalone
//! extractors of axum and actix-web, with `support::harness::Handler` as the handler.
//!
//! [`Adapter`] pairs each harness of `support::harness` (for the [`Serve::Spec`] cases)
//! with its routed server (for the [`Serve::Routed`] cases), so one table runs on both.

// Shared with tests/request_context.rs: each test binary uses a different part.
#![allow(dead_code)]

use std::any::Any;
use std::net::SocketAddr;

use actix_web::{HttpResponse, web};
use axum::Router;
use axum::body::Bytes;
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::routing::any;
use hookshield::tower::WebhookLayer;
use hookshield::{Receiver, SchemeBuilder, Secret, Signer, Verified, Verifier, presets};

use crate::case::Serve;
use crate::support::actix_app::{Connections, serve_actix_with};
use crate::support::harness::{
    AbortOnDrop, ActixMiddleware, AxumLayer, Behaviour, Handler, Harness, TEXT, TowerHyper,
    tokio_listener, tower_server,
};

/// Meta's app secret (signs the POSTs) and the verify token typed in its dashboard.
pub(crate) const META_SECRET: &str = "meta-app-secret";
pub(crate) const META_VERIFY_TOKEN: &str = "meatyhamhock";
pub(crate) const DROPBOX_SECRET: &str = "dropbox-app-secret";
pub(crate) const OKTA_TOKEN: &str = "okta-shared-secret";
pub(crate) const ZOOM_SECRET: &str = "zoom-secret-token";
pub(crate) const TWITCH_SECRET: &str = "twitch-eventsub-secret";
/// The auth token of Twilio's published example.
pub(crate) const TWILIO_TOKEN: &str = "12345";
/// The signature key of Square's published example.
pub(crate) const SQUARE_KEY: &str = "Ibxx_5AKakO-3qeNVR61Dw";
pub(crate) const HUBSPOT_SECRET: &str = "hubspot-client-secret";

/// A preset whose endpoint is routed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Preset {
    /// `presets::meta`, with the handshake token [`META_VERIFY_TOKEN`].
    Meta,
    Dropbox,
    /// `presets::okta`: the token itself in `Authorization`.
    Okta,
    Zoom,
    Twitch,
    Twilio,
    Square,
    HubSpot,
}

impl Preset {
    fn scheme(self) -> SchemeBuilder {
        match self {
            Self::Meta => presets::meta(),
            Self::Dropbox => presets::dropbox(),
            Self::Okta => presets::okta(),
            Self::Zoom => presets::zoom(),
            Self::Twitch => presets::twitch(),
            Self::Twilio => presets::twilio(),
            Self::Square => presets::square(),
            Self::HubSpot => presets::hubspot(),
        }
    }

    fn secret(self) -> &'static str {
        match self {
            Self::Meta => META_SECRET,
            Self::Dropbox => DROPBOX_SECRET,
            Self::Okta => OKTA_TOKEN,
            Self::Zoom => ZOOM_SECRET,
            Self::Twitch => TWITCH_SECRET,
            Self::Twilio => TWILIO_TOKEN,
            Self::Square => SQUARE_KEY,
            Self::HubSpot => HUBSPOT_SECRET,
        }
    }

    /// The provider's signer, with the endpoint's secret.
    pub(crate) fn signer(self) -> Signer {
        let secret = Secret::from_text(self.secret()).expect("secret");
        Signer::new(self.scheme(), secret).expect("signer")
    }
}

/// A routed endpoint: the preset, and where its verifier learns the public URL.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Routed {
    pub(crate) preset: Preset,
    pub(crate) public_url: Option<&'static str>,
    pub(crate) trust_forwarded: bool,
}

impl Routed {
    /// `preset` with no public URL, forwarded headers ignored.
    pub(crate) fn new(preset: Preset) -> Self {
        Self {
            preset,
            public_url: None,
            trust_forwarded: false,
        }
    }

    pub(crate) fn public_url(mut self, url: &'static str) -> Self {
        self.public_url = Some(url);
        self
    }

    pub(crate) fn trust_forwarded(mut self, trust: bool) -> Self {
        self.trust_forwarded = trust;
        self
    }

    pub(crate) fn verifier(&self) -> Verifier {
        let mut builder = Verifier::builder(self.preset.scheme())
            .encoded_secret(self.preset.secret())
            .trust_forwarded_headers(self.trust_forwarded);
        if self.preset == Preset::Meta {
            builder = builder.handshake_token(META_VERIFY_TOKEN);
        }
        if let Some(url) = self.public_url {
            builder = builder.public_url(url);
        }
        builder.build().expect("verifier")
    }
}

/// A server's address, and what keeps it running until dropped.
pub(crate) type Serving = (SocketAddr, Box<dyn Any + Send>);

/// A running server of a case. Dropping it stops the server.
pub(crate) struct Running {
    pub(crate) addr: SocketAddr,
    pub(crate) handler: Handler,
    _server: Box<dyn Any + Send>,
}

/// An adapter under test: its harness for the [`Serve::Spec`] cases (none for the
/// standalone extractors, which serve only routed endpoints), and its routed server.
#[derive(Clone, Copy)]
pub(crate) struct Adapter {
    name: &'static str,
    harness: Option<&'static dyn Harness>,
    routed: fn(Verifier, Handler) -> Serving,
}

impl Adapter {
    pub(crate) fn name(&self) -> &'static str {
        self.name
    }

    /// Serves `serve` on an ephemeral loopback port (inside a Tokio runtime).
    pub(crate) fn start(&self, serve: &Serve) -> Running {
        match serve {
            Serve::Spec(spec) => {
                let harness = self
                    .harness
                    .unwrap_or_else(|| panic!("{} serves no support::harness spec", self.name));
                let server = harness.start(spec);
                Running {
                    addr: server.addr,
                    handler: server.handler.clone(),
                    _server: Box::new(server),
                }
            }
            Serve::Routed(routed) => {
                let handler = Handler::new(Behaviour::Accept);
                let (addr, server) = (self.routed)(routed.verifier(), handler.clone());
                Running {
                    addr,
                    handler,
                    _server: server,
                }
            }
        }
    }
}

/// The layer and the middleware: every harness of `support::harness`, each with its
/// routed server.
pub(crate) fn adapters() -> Vec<Adapter> {
    vec![
        Adapter {
            name: AxumLayer.name(),
            harness: Some(&AxumLayer),
            routed: axum_layer,
        },
        Adapter {
            name: TowerHyper.name(),
            harness: Some(&TowerHyper),
            routed: tower_layer,
        },
        Adapter {
            name: ActixMiddleware.name(),
            harness: Some(&ActixMiddleware),
            routed: actix_middleware,
        },
    ]
}

/// The standalone extractors (`Standalone<VerifiedWebhook>`), with the verifier in the
/// router's state or the app data: no replay protection.
pub(crate) fn standalone() -> Vec<Adapter> {
    vec![
        Adapter {
            name: "axum Standalone<VerifiedWebhook>",
            harness: None,
            routed: axum_standalone,
        },
        Adapter {
            name: "actix-web Standalone<VerifiedWebhook>",
            harness: None,
            routed: actix_standalone,
        },
    ]
}

/// Every path (`/{*path}`) of an axum router, any method.
const AXUM_ANY_PATH: &str = "/{*path}";
/// Every path of an actix-web app.
const ACTIX_ANY_PATH: &str = "/{tail:.*}";

fn serve_axum(app: Router) -> Serving {
    let (listener, addr) = tokio_listener();
    let task = tokio::spawn(async move {
        axum::serve(listener, app).await.expect("axum serve");
    });
    (addr, Box::new(AbortOnDrop(task)))
}

/// The handler's answer as axum writes it.
async fn axum_answer(
    handler: Handler,
    verified: Verified,
    body: Bytes,
) -> (
    StatusCode,
    [(axum::http::HeaderName, &'static str); 1],
    &'static str,
) {
    let (status, text) = handler.handle(&verified, body).await;
    let status = StatusCode::from_u16(status).expect("status");
    (status, [(CONTENT_TYPE, TEXT)], text)
}

/// axum: `any(handler)` on every path behind `WebhookLayer`, the `VerifiedWebhook`
/// extractor in the handler.
fn axum_layer(verifier: Verifier, handler: Handler) -> Serving {
    use hookshield::axum::VerifiedWebhook;

    let route = any(move |webhook: VerifiedWebhook| {
        axum_answer(handler.clone(), webhook.verified, webhook.body)
    });
    let layer = WebhookLayer::from(Receiver::new(verifier));
    serve_axum(Router::new().route(AXUM_ANY_PATH, route.layer(layer)))
}

/// axum without the layer: `Standalone<VerifiedWebhook>` with the verifier as state.
fn axum_standalone(verifier: Verifier, handler: Handler) -> Serving {
    use hookshield::axum::{Standalone, VerifiedWebhook};

    let route = any(move |Standalone(webhook): Standalone<VerifiedWebhook>| {
        axum_answer(handler.clone(), webhook.verified, webhook.body)
    });
    serve_axum(
        Router::new()
            .route(AXUM_ANY_PATH, route)
            .with_state(verifier),
    )
}

/// tower + hyper: the harness's `service_fn` behind `WebhookLayer`, every method and path.
fn tower_layer(verifier: Verifier, handler: Handler) -> Serving {
    tower_server(Receiver::new(verifier), handler)
}

/// actix-web: `web::route()` (any method) on every path behind `WebhookMiddleware`.
fn actix_middleware(verifier: Verifier, handler: Handler) -> Serving {
    let middleware = hookshield::actix::WebhookMiddleware::from(Receiver::new(verifier));
    let handler = web::Data::new(handler);
    let server = serve_actix_with(Connections::DropOnClientEof, move |config| {
        config.app_data(handler.clone()).service(
            web::resource(ACTIX_ANY_PATH)
                .wrap(middleware.clone())
                .route(web::route().to(actix_layered)),
        );
    });
    (server.addr, Box::new(server))
}

async fn actix_layered(
    webhook: hookshield::actix::VerifiedWebhook,
    handler: web::Data<Handler>,
) -> HttpResponse {
    actix_answer(&handler, &webhook.verified, webhook.body).await
}

/// actix-web without the middleware: `Standalone<VerifiedWebhook>` with the verifier as
/// `web::Data`.
fn actix_standalone(verifier: Verifier, handler: Handler) -> Serving {
    let verifier = web::Data::new(verifier);
    let handler = web::Data::new(handler);
    let server = serve_actix_with(Connections::DropOnClientEof, move |config| {
        config
            .app_data(verifier.clone())
            .app_data(handler.clone())
            .service(web::resource(ACTIX_ANY_PATH).route(web::route().to(actix_extracted)));
    });
    (server.addr, Box::new(server))
}

async fn actix_extracted(
    hookshield::actix::Standalone(webhook): hookshield::actix::Standalone<
        hookshield::actix::VerifiedWebhook,
    >,
    handler: web::Data<Handler>,
) -> HttpResponse {
    actix_answer(&handler, &webhook.verified, webhook.body).await
}

async fn actix_answer(handler: &Handler, verified: &Verified, body: Bytes) -> HttpResponse {
    let (status, text) = handler.handle(verified, body).await;
    let status = actix_web::http::StatusCode::from_u16(status).expect("status");
    HttpResponse::build(status).content_type(TEXT).body(text)
}
