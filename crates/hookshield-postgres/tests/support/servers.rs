//! The servers of the inbox tests: axum through tokio, actix-web through its own actix-rt `System`, and the [`Adapter`] each is.

use super::*;

// The servers.
// ---------------------------------------------------------------------------------------

/// A server on loopback; stopped when dropped.
pub(crate) struct Served {
    /// `http://<addr>/hook`.
    pub(crate) url: String,
    stop: Option<Box<dyn FnOnce() + Send>>,
}

impl std::fmt::Debug for Served {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Served").field("url", &self.url).finish()
    }
}

impl Served {
    fn new(addr: SocketAddr, stop: impl FnOnce() + Send + 'static) -> Self {
        Self {
            url: format!("http://{addr}{PATH}"),
            stop: Some(Box::new(stop)),
        }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            stop();
        }
    }
}

/// An adapter under test: serves [`Handler`] at [`PATH`] behind `receiver`'s layer or
/// middleware, or, with `None`, a route whose only extractor is the [`Inbox`] and no
/// layer at all.
pub(crate) trait Adapter {
    fn serve(receiver: Option<Receiver<PgStore>>, handler: Arc<Handler>) -> Served;
}

/// Serves `app` with axum on an ephemeral loopback port, on the current Tokio runtime
/// (with a listen backlog for hundreds of clients connecting at once).
pub(crate) fn serve_axum(app: axum::Router) -> Served {
    let socket = tokio::net::TcpSocket::new_v4().expect("socket");
    socket
        .bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .expect("bind");
    let listener = socket.listen(1024).expect("listen");
    let addr = listener.local_addr().expect("local addr");
    let task = tokio::spawn(async move {
        axum::serve(listener, app).await.expect("serve");
    });
    Served::new(addr, move || task.abort())
}

/// Serves an actix-web `App` configured by `configure` on an ephemeral loopback port, in
/// an actix-rt `System` on a thread of its own (two workers, so copies really race).
pub(crate) fn serve_actix<F>(configure: F) -> Served
where
    F: Fn(&mut actix_web::web::ServiceConfig) + Send + Clone + 'static,
{
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("local addr");
    let (handle_tx, handle_rx) = mpsc::channel();
    std::thread::Builder::new()
        .name(format!("actix-{addr}"))
        .spawn(move || {
            actix_rt::System::new().block_on(async move {
                let app = move || actix_web::App::new().configure(configure.clone());
                let server = actix_web::HttpServer::new(app)
                    .workers(2)
                    .disable_signals()
                    .shutdown_timeout(0)
                    .listen(listener)
                    .expect("listen")
                    .run();
                handle_tx.send(server.handle()).expect("send the handle");
                server.await.expect("actix server");
            });
        })
        .expect("spawn the actix thread");
    let handle = handle_rx.recv().expect("the actix server started");
    // The stop command is sent when `stop` is called; its future only waits for the end.
    Served::new(addr, move || drop(handle.stop(false)))
}

/// The axum adapter: `WebhookLayer` around the route.
#[cfg(feature = "axum")]
#[derive(Debug)]
pub(crate) struct Axum;

#[cfg(feature = "axum")]
mod axum_adapter {
    use std::sync::Arc;

    use axum::Extension;
    use axum::extract::State;
    use axum::http::StatusCode;
    use axum::routing::post;
    use hookshield_axum::{VerifiedWebhook, WebhookLayer};
    use hookshield_core::Receiver;
    use hookshield_core::replay::Claim;
    use hookshield_postgres::{Inbox, InboxError, PgStore};

    use super::{Adapter, Axum, Handler, PATH, Served, serve_axum};

    async fn webhook(
        State(handler): State<Arc<Handler>>,
        inbox: Inbox,
        claim: Option<Extension<Claim>>,
        webhook: VerifiedWebhook,
    ) -> Result<StatusCode, InboxError> {
        let claim = claim.map(|Extension(claim)| claim);
        let status = handler
            .handle(inbox, claim, webhook.verified.event_id())
            .await?;
        Ok(StatusCode::from_u16(status).unwrap())
    }

    /// The route without a layer: the inbox alone decides.
    async fn inbox_only(State(handler): State<Arc<Handler>>, _inbox: Inbox) -> StatusCode {
        handler
            .runs
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        StatusCode::NO_CONTENT
    }

    impl Adapter for Axum {
        fn serve(receiver: Option<Receiver<PgStore>>, handler: Arc<Handler>) -> Served {
            let route = match receiver {
                Some(receiver) => post(webhook).layer(WebhookLayer::from(receiver)),
                None => post(inbox_only),
            };
            serve_axum(axum::Router::new().route(PATH, route).with_state(handler))
        }
    }
}

/// The actix-web adapter: `WebhookMiddleware` around the resource.
#[cfg(feature = "actix")]
#[derive(Debug)]
pub(crate) struct Actix;

#[cfg(feature = "actix")]
mod actix_adapter {
    use std::sync::Arc;

    use actix_web::http::StatusCode;
    use actix_web::{HttpResponse, web};
    use hookshield_actix::{VerifiedWebhook, WebhookMiddleware};
    use hookshield_core::Receiver;
    use hookshield_core::replay::Claim;
    use hookshield_postgres::{Inbox, InboxError, PgStore};

    use super::{Actix, Adapter, Handler, PATH, Served, serve_actix};

    async fn webhook(
        handler: web::Data<Handler>,
        inbox: Inbox,
        claim: Option<web::ReqData<Claim>>,
        webhook: VerifiedWebhook,
    ) -> Result<HttpResponse, InboxError> {
        let claim = claim.map(web::ReqData::into_inner);
        let status = handler
            .handle(inbox, claim, webhook.verified.event_id())
            .await?;
        Ok(HttpResponse::new(StatusCode::from_u16(status).unwrap()))
    }

    /// The resource without a middleware: the inbox alone decides.
    async fn inbox_only(handler: web::Data<Handler>, _inbox: Inbox) -> HttpResponse {
        handler
            .runs
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        HttpResponse::NoContent().finish()
    }

    impl Adapter for Actix {
        fn serve(receiver: Option<Receiver<PgStore>>, handler: Arc<Handler>) -> Served {
            serve_actix(move |config| {
                let resource = web::resource(PATH).app_data(web::Data::from(Arc::clone(&handler)));
                match receiver.clone() {
                    Some(receiver) => config.service(
                        resource
                            .wrap(WebhookMiddleware::from(receiver))
                            .route(web::post().to(webhook)),
                    ),
                    None => config.service(resource.route(web::post().to(inbox_only))),
                };
            })
        }
    }
}

// ---------------------------------------------------------------------------------------
