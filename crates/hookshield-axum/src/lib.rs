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
//! [`Verifier`]: hookshield_core::Verifier
//! [`FromRef`]: axum::extract::FromRef
//! [axum]: https://docs.rs/axum

mod extract;
mod rejection;

pub use extract::{Standalone, VerifiedJson, VerifiedWebhook};
pub use hookshield_tower::WebhookLayer;
pub use rejection::WebhookRejection;
