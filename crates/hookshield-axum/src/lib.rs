//! [axum] extractors for webhooks verified by hookshield.
//!
//! Put a [`WebhookLayer`] on the webhook route and read what it verified with
//! [`VerifiedWebhook`] (raw bytes + metadata) or [`VerifiedJson<T>`]. The layer answers
//! every rejection, the provider's handshake and duplicates itself, and commits or
//! releases the event id by the handler's status, so the handler runs once per event:
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
//! use axum::{Router, routing::post, http::StatusCode};
//! use hookshield_axum::{VerifiedJson, WebhookLayer};
//! use hookshield_core::{presets, Verifier};
//! use serde::Deserialize;
//!
//! #[derive(Deserialize)]
//! struct CivoEvent { event: String }
//!
//! async fn civo(VerifiedJson(event, verified): VerifiedJson<CivoEvent>) -> StatusCode {
//!     println!("{} {}", verified.event_id(), event.event);
//!     StatusCode::NO_CONTENT // 2xx: the id is remembered; anything else: the retry runs
//! }
//!
//! let verifier = Verifier::builder(presets::civo()).encoded_secret("s3cret").build()?;
//! let app: Router = Router::new()
//!     .route("/webhooks/civo", post(civo).layer(WebhookLayer::new(verifier)));
//! # use tower::ServiceExt;
//! # let request = axum::http::Request::post("/webhooks/civo").body(axum::body::Body::from("{}"))?;
//! # assert_eq!(app.oneshot(request).await?.status(), 401);
//! # Ok(()) }
//! ```
//!
//! Without the layer, wrap them in [`Standalone`]: the request is then verified by the
//! extractor itself with a [`Verifier`] from the router's state ([`FromRef`]), and nothing
//! protects against replays (see [`Standalone`]):
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
//! use axum::{Router, routing::post};
//! use hookshield_axum::{Standalone, VerifiedWebhook};
//! use hookshield_core::{presets, Verifier};
//!
//! async fn github(Standalone(webhook): Standalone<VerifiedWebhook>) -> String {
//!     format!("{} bytes, delivery {}", webhook.body.len(), webhook.verified.event_id())
//! }
//!
//! let verifier = Verifier::builder(presets::github()).encoded_secret("s3cret").build()?;
//! let app = Router::new().route("/webhooks/github", post(github)).with_state(verifier);
//! # use tower::ServiceExt;
//! # let request = axum::http::Request::post("/webhooks/github").body(axum::body::Body::from("{}"))?;
//! # let response = app.oneshot(request).await?;
//! # assert_eq!(response.status(), 401);
//! # Ok(()) }
//! ```
//!
//! # Serving: [`Server`], not `axum::serve`
//!
//! `axum::serve` gives hyper no timer, so it has no deadline on any read: a client that
//! stops halfway through a request head, or connects and sends nothing, keeps its
//! connection (a task, a socket, buffers) for ever, and a few hundred of them take a
//! receiver down. The layer bounds the *body* ([`Receiver::with_body_timeout`]); the
//! rest is the server's job. [`Server`] serves a [`Router`](axum::Router) with a deadline
//! on request heads, one on idle connections and a cap on open connections:
//!
//! ```no_run
//! # #[tokio::main] async fn main() -> std::io::Result<()> {
//! # let app = axum::Router::new();
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
//! hookshield_axum::Server::new() // 10 s for a request head, 5 s idle, 1024 connections
//!     .serve_with_shutdown(listener, app, async {
//!         let _ = tokio::signal::ctrl_c().await;
//!     })
//!     .await
//! # }
//! ```
//!
//! [`Verifier`]: hookshield_core::Verifier
//! [`FromRef`]: axum::extract::FromRef
//! [`Receiver::with_body_timeout`]: hookshield_core::Receiver::with_body_timeout
//! [axum]: https://docs.rs/axum

#![cfg_attr(docsrs, feature(doc_cfg))]

mod extract;
mod rejection;
mod serve;
mod standalone;

pub use extract::{VerifiedJson, VerifiedWebhook};
pub use hookshield_tower::WebhookLayer;
pub use rejection::WebhookRejection;
pub use serve::{
    DEFAULT_HEADER_READ_TIMEOUT, DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_CONNECTIONS,
    DEFAULT_SHUTDOWN_TIMEOUT, Server, shutdown_signal,
};
pub use standalone::Standalone;
