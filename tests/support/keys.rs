//! Endpoints whose keys are chosen per request by a [`KeyMap`]: a route with a tenant in
//! its path (`/hooks/{tenant}`), served over real HTTP on loopback by axum +
//! `WebhookLayer` and by actix-web + `WebhookMiddleware`, with a handler that records the
//! tenant and event id of each run and answers 200 `handled`.

use std::any::Any;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::http::StatusCode;
use axum::routing::post;
use hookshield::tower::WebhookLayer;
use hookshield::{KeyMap, Receiver, SchemeBuilder, Verified, Verifier};
use tokio::task::JoinHandle;

/// What the test handlers answer to every run.
pub const HANDLED: &str = "handled";

/// One handler run: the tenant [`Verified::tenant`] named and the event id.
pub type Run = (Option<String>, String);

/// The runs of a handler, in order.
#[derive(Debug, Clone, Default)]
pub struct TenantRuns(Arc<Mutex<Vec<Run>>>);

impl TenantRuns {
    pub fn record(&self, verified: &Verified) {
        let run = (
            verified.tenant().map(str::to_owned),
            verified.event_id().to_owned(),
        );
        self.0.lock().unwrap().push(run);
    }

    pub fn all(&self) -> Vec<Run> {
        self.0.lock().unwrap().clone()
    }

    pub fn count(&self) -> usize {
        self.0.lock().unwrap().len()
    }

    /// The tenants of the runs, in order.
    pub fn tenants(&self) -> Vec<Option<String>> {
        self.all().into_iter().map(|(tenant, _)| tenant).collect()
    }
}

/// A verifier for `scheme` with the keys `tenants` holds; with `learn`, `tenants` also
/// learns the secrets handed over in the scheme's handshake (Asana).
pub fn keyed_verifier(scheme: SchemeBuilder, tenants: &KeyMap, learn: bool) -> Verifier {
    let builder = Verifier::builder(scheme).key_resolver(tenants.clone());
    let builder = if learn {
        builder.secret_learner(tenants.clone())
    } else {
        builder
    };
    builder.build().expect("verifier")
}

/// An adapter serving a tenant route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Adapter {
    /// axum: `Router::route(route, post(handler).layer(WebhookLayer))`, the handler taking
    /// `VerifiedWebhook`, served by `axum::serve`.
    AxumLayer,
    /// actix-web: `web::resource(route).wrap(WebhookMiddleware)`, the handler taking
    /// `VerifiedWebhook`, on an `HttpServer` of its own.
    #[cfg(feature = "actix")]
    ActixMiddleware,
}

/// Every adapter built with the enabled features.
pub const ADAPTERS: &[Adapter] = &[
    Adapter::AxumLayer,
    #[cfg(feature = "actix")]
    Adapter::ActixMiddleware,
];

impl Adapter {
    pub fn name(self) -> &'static str {
        match self {
            Self::AxumLayer => "axum + WebhookLayer",
            #[cfg(feature = "actix")]
            Self::ActixMiddleware => "actix-web + WebhookMiddleware",
        }
    }

    /// Serves `receiver` on `POST route` (`{tenant}` names a segment, in axum's and
    /// actix-web's syntax alike), the handler recording its runs in `runs`. Must be
    /// called inside a Tokio runtime; answers once the socket is listening.
    pub fn serve(self, route: &'static str, receiver: Receiver, runs: &TenantRuns) -> Server {
        let runs = runs.clone();
        match self {
            Self::AxumLayer => serve_axum(route, receiver, runs),
            #[cfg(feature = "actix")]
            Self::ActixMiddleware => serve_actix(route, receiver, runs),
        }
    }
}

/// A running server. Dropping it stops the server.
pub struct Server {
    pub addr: SocketAddr,
    _running: Box<dyn Any + Send>,
}

impl Server {
    /// `http://<addr><path>`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

/// Aborts the serving task when dropped.
struct Abort(JoinHandle<()>);

impl Drop for Abort {
    fn drop(&mut self) {
        self.0.abort();
    }
}

fn serve_axum(route: &'static str, receiver: Receiver, runs: TenantRuns) -> Server {
    use hookshield::axum::VerifiedWebhook;

    let handler = post(move |webhook: VerifiedWebhook| async move {
        runs.record(&webhook.verified);
        (StatusCode::OK, HANDLED)
    });
    let app = Router::new().route(route, handler.layer(WebhookLayer::from(receiver)));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.set_nonblocking(true).expect("non-blocking");
    let addr = listener.local_addr().expect("local addr");
    let listener = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
    let task = tokio::spawn(async move {
        axum::serve(listener, app).await.expect("axum serve");
    });
    Server {
        addr,
        _running: Box::new(Abort(task)),
    }
}

#[cfg(feature = "actix")]
fn serve_actix(route: &'static str, receiver: Receiver, runs: TenantRuns) -> Server {
    use actix_web::{HttpResponse, web};
    use hookshield::actix::{VerifiedWebhook, WebhookMiddleware};

    async fn handle(webhook: VerifiedWebhook, runs: web::Data<TenantRuns>) -> HttpResponse {
        runs.record(&webhook.verified);
        HttpResponse::Ok().body(HANDLED)
    }

    let middleware = WebhookMiddleware::from(receiver);
    let runs = web::Data::new(runs);
    let server = super::actix_app::serve_actix(move |config| {
        config.app_data(runs.clone()).service(
            web::resource(route)
                .wrap(middleware.clone())
                .route(web::post().to(handle)),
        );
    });
    Server {
        addr: server.addr,
        _running: Box::new(server),
    }
}
