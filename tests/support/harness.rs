//! One harness per adapter for the conformance table (`tests/conformance.rs`): "serve an
//! endpoint for this [`Spec`] over real HTTP on loopback, with a handler that behaves like
//! [`Behaviour`]; give me its address and the handler's runs". Adding an adapter means
//! adding one [`Harness`] here and listing it in [`harnesses`]; the cases stay as they are.
//!
//! Every harness serves the webhook on [`PATH`] and its handler answers what
//! [`Handler::handle`] decides, as `text/plain; charset=utf-8`, so the handler's answers are
//! byte-for-byte the same too.

use std::any::Any;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::Duration;

use actix_web::{HttpResponse, web};
use axum::Router;
use axum::body::Bytes;
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::routing::post;
use hookshield::replay::ReplayStore;
use hookshield::tower::WebhookLayer;
use hookshield::{Receiver, Secret, SignOptions, Signer, Verified, Verifier, presets};
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tokio::task::JoinHandle;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;

use super::actix_app::{ActixServer, Connections, serve_actix_with};
use super::{Bodies, Calls, DownStore, Headers, PATH, PerId, Provider};

/// The content type of every answer the test handlers give.
pub const TEXT: &str = "text/plain; charset=utf-8";

pub const HCP_TOKEN: &str = "hcp-webhook-token";
pub const SLACK_SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";

/// The endpoint a harness serves: which scheme and secret its verifier has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    /// `presets::civo`, see [`Provider::Civo`].
    Civo,
    /// `presets::standard_webhooks`, see [`Provider::StandardWebhooks`].
    StandardWebhooks,
    /// `presets::hcp`: HMAC-SHA512 of the body, id in the body; a verification handshake.
    Hcp,
    /// `presets::slack`: `v0:t:body`; the `url_verification` handshake.
    Slack,
}

impl From<Provider> for Endpoint {
    fn from(provider: Provider) -> Self {
        match provider {
            Provider::Civo => Self::Civo,
            Provider::StandardWebhooks => Self::StandardWebhooks,
        }
    }
}

impl Endpoint {
    pub fn verifier(self) -> Verifier {
        match self {
            Self::Civo => Provider::Civo.verifier(),
            Self::StandardWebhooks => Provider::StandardWebhooks.verifier(),
            Self::Hcp => Verifier::builder(presets::hcp())
                .encoded_secret(HCP_TOKEN)
                .build()
                .expect("verifier"),
            Self::Slack => Verifier::builder(presets::slack())
                .encoded_secret(SLACK_SECRET)
                .build()
                .expect("verifier"),
        }
    }

    /// The headers of a delivery of `body`, signed now. Civo and Standard Webhooks carry
    /// `id` in a header; HCP and Slack take their id from the body and ignore it.
    pub fn sign(self, body: &[u8], id: &str) -> Headers {
        let (scheme, secret) = match self {
            Self::Civo => return Provider::Civo.sign(body, id),
            Self::StandardWebhooks => return Provider::StandardWebhooks.sign(body, id),
            Self::Hcp => (presets::hcp(), HCP_TOKEN),
            Self::Slack => (presets::slack(), SLACK_SECRET),
        };
        Signer::new(scheme, Secret::from_text(secret).expect("secret"))
            .expect("signer")
            .sign(body, &SignOptions::new())
            .expect("sign")
            .into_vec()
    }
}

/// What the test handler does on each run (runs are counted from 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behaviour {
    /// Answers 202 `handled`.
    Accept,
    /// Sleeps, then answers 202 `handled` (so concurrent copies overlap).
    Slow(Duration),
    /// Answers 500 `try again` on its first run, 202 `handled` afterwards.
    FailFirst,
    /// Panics on its first run, answers 202 `handled` afterwards.
    PanicFirst,
    /// Sleeps this long on its first run (the client gives up first), answers 202
    /// `handled` on the others at once.
    HangFirst(Duration),
}

/// The handler every harness runs: counts its runs, records the exact bytes and the
/// event id it was given, and answers as its [`Behaviour`] says.
#[derive(Debug, Clone)]
pub struct Handler {
    behaviour: Behaviour,
    pub calls: Calls,
    pub bodies: Bodies,
    pub per_id: PerId,
}

impl Handler {
    pub fn new(behaviour: Behaviour) -> Self {
        Self {
            behaviour,
            calls: Calls::default(),
            bodies: Bodies::default(),
            per_id: PerId::default(),
        }
    }

    /// One run for a verified delivery; answers the status and `TEXT` body the adapter
    /// must send.
    pub async fn handle(&self, verified: &Verified, body: Bytes) -> (u16, &'static str) {
        let run = self.calls.hit();
        self.per_id.hit(verified.event_id());
        self.bodies.0.lock().unwrap().push(body);
        match self.behaviour {
            Behaviour::Accept => {}
            Behaviour::Slow(pause) => tokio::time::sleep(pause).await,
            Behaviour::FailFirst if run == 0 => return (500, "try again"),
            Behaviour::PanicFirst if run == 0 => panic!("the test handler panics on purpose"),
            Behaviour::HangFirst(pause) if run == 0 => tokio::time::sleep(pause).await,
            Behaviour::FailFirst | Behaviour::PanicFirst | Behaviour::HangFirst(_) => {}
        }
        (202, "handled")
    }
}

/// The replay store behind the endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Store {
    /// The default in-memory store.
    Memory,
    /// [`DownStore`]: every call times out.
    Down,
}

/// What to serve: the endpoint, its pipeline's settings and the handler's behaviour.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    pub endpoint: Endpoint,
    pub body_limit: Option<usize>,
    pub body_timeout: Option<Duration>,
    pub store: Store,
    pub behaviour: Behaviour,
}

impl Spec {
    /// `endpoint` with the defaults and a handler answering 202.
    pub fn new(endpoint: Endpoint) -> Self {
        Self {
            endpoint,
            body_limit: None,
            body_timeout: None,
            store: Store::Memory,
            behaviour: Behaviour::Accept,
        }
    }

    pub fn body_limit(mut self, limit: usize) -> Self {
        self.body_limit = Some(limit);
        self
    }

    pub fn body_timeout(mut self, timeout: Duration) -> Self {
        self.body_timeout = Some(timeout);
        self
    }

    pub fn store(mut self, store: Store) -> Self {
        self.store = store;
        self
    }

    pub fn behaviour(mut self, behaviour: Behaviour) -> Self {
        self.behaviour = behaviour;
        self
    }

    /// The shared pipeline every adapter wraps, configured as specified (but the store,
    /// which changes its type: see [`Store`]).
    pub fn receiver(&self) -> Receiver {
        let mut receiver = Receiver::new(self.endpoint.verifier());
        if let Some(limit) = self.body_limit {
            receiver = receiver.with_body_limit(limit).expect("body limit");
        }
        if let Some(timeout) = self.body_timeout {
            receiver = receiver.with_body_timeout(timeout).expect("body timeout");
        }
        receiver
    }
}

/// A running server. Dropping it stops the server.
pub struct Server {
    pub addr: SocketAddr,
    pub handler: Handler,
    _running: Box<dyn Any + Send>,
}

impl Server {
    /// `http://<addr>/hook`.
    pub fn url(&self) -> String {
        super::url(self.addr)
    }
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

/// An adapter under test.
pub trait Harness: Sync {
    /// The adapter's name in reports.
    fn name(&self) -> &'static str;

    /// Serves `spec` on an ephemeral loopback port (called inside a Tokio runtime) with
    /// [`Handler`] on `POST PATH`, and answers once the socket is listening.
    fn start(&self, spec: &Spec) -> Server;
}

/// Every adapter under test.
pub fn harnesses() -> Vec<&'static dyn Harness> {
    vec![&AxumLayer, &TowerHyper, &ActixMiddleware]
}

/// Serves with `serve(receiver, handler)`, the receiver with the spec's store.
fn start_with(
    spec: &Spec,
    memory: impl FnOnce(Receiver, Handler) -> (SocketAddr, Box<dyn Any + Send>),
    down: impl FnOnce(Receiver<DownStore>, Handler) -> (SocketAddr, Box<dyn Any + Send>),
) -> Server {
    let handler = Handler::new(spec.behaviour);
    let (addr, running) = match spec.store {
        Store::Memory => memory(spec.receiver(), handler.clone()),
        Store::Down => down(
            spec.receiver().with_replay_store(DownStore),
            handler.clone(),
        ),
    };
    Server {
        addr,
        handler,
        _running: running,
    }
}

/// A loopback listener for Tokio (must be called inside a runtime).
pub fn tokio_listener() -> (tokio::net::TcpListener, SocketAddr) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.set_nonblocking(true).expect("non-blocking");
    let addr = listener.local_addr().expect("local addr");
    let listener = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
    (listener, addr)
}

/// Aborts the accepting task when dropped.
pub struct AbortOnDrop(pub JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// (a) axum: `Router` with `WebhookLayer` on the route, the `VerifiedWebhook` extractor in
/// the handler, tower-http's `CatchPanicLayer` outside (as the layer's docs ask), served by
/// `axum::serve`.
#[derive(Debug, Clone, Copy)]
pub struct AxumLayer;

impl Harness for AxumLayer {
    fn name(&self) -> &'static str {
        "axum + WebhookLayer"
    }

    fn start(&self, spec: &Spec) -> Server {
        start_with(spec, axum_server, axum_server)
    }
}

fn axum_server<S: ReplayStore>(
    receiver: Receiver<S>,
    handler: Handler,
) -> (SocketAddr, Box<dyn Any + Send>) {
    use hookshield::axum::VerifiedWebhook;

    let route = post(move |webhook: VerifiedWebhook| async move {
        let (status, text) = handler.handle(&webhook.verified, webhook.body).await;
        let status = StatusCode::from_u16(status).expect("status");
        (status, [(CONTENT_TYPE, TEXT)], text)
    });
    let app = Router::new()
        .route(PATH, route.layer(WebhookLayer::from(receiver)))
        .layer(CatchPanicLayer::new());
    let (listener, addr) = tokio_listener();
    let task = tokio::spawn(async move {
        axum::serve(listener, app).await.expect("axum serve");
    });
    (addr, Box::new(AbortOnDrop(task)))
}

/// (b) tower + hyper, no axum: a `tower::service_fn` handler behind
/// `ServiceBuilder::new().layer(WebhookLayer)`, served connection by connection with
/// hyper 1's HTTP/1 server through hyper-util's `TowerToHyperService`. No panic catcher: a
/// panicking handler takes its connection down.
#[derive(Debug, Clone, Copy)]
pub struct TowerHyper;

impl Harness for TowerHyper {
    fn name(&self) -> &'static str {
        "tower/hyper + WebhookLayer"
    }

    fn start(&self, spec: &Spec) -> Server {
        start_with(spec, tower_server, tower_server)
    }
}

/// The server of [`TowerHyper`]: a `service_fn` answering with `handler` behind the layer of
/// `receiver`, on every method and path.
pub fn tower_server<S: ReplayStore>(
    receiver: Receiver<S>,
    handler: Handler,
) -> (SocketAddr, Box<dyn Any + Send>) {
    let service = ServiceBuilder::new()
        .layer(WebhookLayer::from(receiver))
        .service_fn(move |request: http::Request<Full<Bytes>>| {
            let handler = handler.clone();
            async move {
                let verified = request
                    .extensions()
                    .get::<Verified>()
                    .cloned()
                    .expect("the layer puts Verified in the extensions");
                let body = match request.into_body().collect().await {
                    Ok(collected) => collected.to_bytes(),
                    Err(never) => match never {},
                };
                let (status, text) = handler.handle(&verified, body).await;
                let response = http::Response::builder()
                    .status(status)
                    .header(CONTENT_TYPE, TEXT)
                    .body(Full::new(Bytes::from_static(text.as_bytes())))
                    .expect("response");
                Ok::<_, Infallible>(response)
            }
        });
    let (listener, addr) = tokio_listener();
    let task = tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let service = TowerToHyperService::new(service.clone());
            tokio::spawn(async move {
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    (addr, Box::new(AbortOnDrop(task)))
}

/// (c) actix-web: `HttpServer` with `WebhookMiddleware` on the resource and the
/// `VerifiedWebhook` extractor in the handler, on its own actix `System` thread.
///
/// The server drops a request whose client goes away, as hyper does
/// ([`Connections::DropOnClientEof`]); with actix-web's default (half-closed connections
/// allowed) the handler runs on after the client left and its answer settles the event id
/// instead: `tests/actix_middleware.rs` covers both.
#[derive(Debug, Clone, Copy)]
pub struct ActixMiddleware;

impl Harness for ActixMiddleware {
    fn name(&self) -> &'static str {
        "actix-web + WebhookMiddleware"
    }

    fn start(&self, spec: &Spec) -> Server {
        start_with(spec, actix_server, actix_server)
    }
}

fn actix_server<S: ReplayStore>(
    receiver: Receiver<S>,
    handler: Handler,
) -> (SocketAddr, Box<dyn Any + Send>) {
    let middleware = hookshield::actix::WebhookMiddleware::from(receiver);
    let handler = web::Data::new(handler);
    let server: ActixServer = serve_actix_with(Connections::DropOnClientEof, move |config| {
        config.app_data(handler.clone()).service(
            web::resource(PATH)
                .wrap(middleware.clone())
                .route(web::post().to(actix_handle)),
        );
    });
    (server.addr, Box::new(server))
}

async fn actix_handle(
    webhook: hookshield::actix::VerifiedWebhook,
    handler: web::Data<Handler>,
) -> HttpResponse {
    let (status, text) = handler.handle(&webhook.verified, webhook.body).await;
    let status = actix_web::http::StatusCode::from_u16(status).expect("status");
    HttpResponse::build(status).content_type(TEXT).body(text)
}
