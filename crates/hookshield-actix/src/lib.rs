//! [actix-web] middleware and extractors for webhooks, with the same guarantees and the
//! same answers as hookshield's tower layer: both are shells around the core's
//! [`Receiver`].
//!
//! Wrap the webhook resource in a [`WebhookMiddleware`] and read what it verified with
//! [`VerifiedWebhook`] (raw bytes + metadata) or [`VerifiedJson<T>`]. The middleware
//! answers every rejection, the provider's handshake and duplicates itself, and commits or
//! releases the event id by the handler's status, so the handler runs once per event.
//!
//! | case | status | body |
//! | --- | --- | --- |
//! | body over the limit | 413 | `{"error":"payload_too_large"}` |
//! | body not received before the deadline | 408 | `{"error":"body_timeout"}` |
//! | signature / id / timestamp header missing | 401 | `{"error":"missing_header"}` |
//! | header present but malformed | 400 | `{"error":"malformed_header"}` |
//! | no signature matches | 401 | `{"error":"signature_mismatch"}` |
//! | timestamp outside the window | 401 | `{"error":"timestamp_out_of_window"}` |
//! | body unreadable, or not the JSON the scheme reads its id or timestamp from | 400 | `{"error":"malformed_body"}` |
//! | the verified JSON body has no event-id field | 400 | `{"error":"missing_event_id"}` |
//! | duplicate in flight | 409 + `Retry-After` | `{"error":"duplicate_in_flight"}` |
//! | duplicate already handled | 200 (configurable) | `{"duplicate":true}` |
//! | replay store unavailable | 503 + `Retry-After` | `{"error":"replay_store_unavailable"}` |
//!
//! ```
//! # #[actix_rt::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use actix_web::{App, HttpResponse, test, web};
//! use hookshield_actix::{VerifiedJson, WebhookMiddleware};
//! use hookshield_core::{presets, Secret, SignOptions, Signer, Verifier};
//!
//! #[derive(serde::Deserialize)]
//! struct CivoEvent { event: String }
//!
//! async fn civo(VerifiedJson(event, verified): VerifiedJson<CivoEvent>) -> HttpResponse {
//!     println!("{} {}", verified.event_id(), event.event);
//!     HttpResponse::NoContent().finish() // 2xx: remembered; anything else: the retry runs
//! }
//!
//! let verifier = Verifier::builder(presets::civo()).encoded_secret("s3cret").build()?;
//! let app = test::init_service(App::new().service(
//!     web::resource("/webhooks/civo")
//!         .wrap(WebhookMiddleware::new(verifier))
//!         .route(web::post().to(civo)),
//! ))
//! .await;
//!
//! let body = r#"{"event":"instance.created"}"#;
//! let signer = Signer::new(presets::civo(), Secret::from_text("s3cret")?)?;
//! let request = || {
//!     let mut request = test::TestRequest::post().uri("/webhooks/civo").set_payload(body);
//!     for (name, value) in signer.sign(body.as_bytes(), &SignOptions::new().id("evt-1")).unwrap().iter() {
//!         request = request.insert_header((name, value));
//!     }
//!     request.to_request()
//! };
//! assert_eq!(test::call_service(&app, request()).await.status(), 204);
//! let again = test::call_service(&app, request()).await;
//! assert_eq!(again.status(), 200);
//! assert_eq!(test::read_body(again).await, r#"{"duplicate":true}"#);
//! # Ok(()) }
//! ```
//!
//! Every option of the pipeline is set on the core's [`Receiver`]; the middleware is built
//! from it (`WebhookMiddleware::from(receiver)`) and adds only how rejections are written
//! ([`RejectionResponder`]). Each rejection or handshake answer it gives carries the
//! [`Rejection`](hookshield_core::Rejection) in its extensions; every refusal emits a
//! `tracing` event (target `hookshield::rejection`) and each request runs in a
//! `hookshield.receive` span. With `hookshield-core`'s `metrics` feature, the receiver
//! also counts each request once by its outcome (413 and 408 included) and times it,
//! through the `metrics` crate (see `hookshield_core::metrics`).
//!
//! Without the middleware, the plain extractors answer 500 `webhook_not_configured`;
//! verifying alone takes the explicit [`Standalone`] form, with a `web::Data<Verifier>`
//! from the app data, and cannot protect against replays (see [`Standalone`]), exactly as
//! in hookshield's axum extractors. actix-web 4 uses `http` 0.2: its headers reach the
//! core through [`ActixHeaders`]; no `http` 1.x type is involved.
//!
//! [actix-web]: https://docs.rs/actix-web
//! [`Receiver`]: hookshield_core::Receiver

#![cfg_attr(docsrs, feature(doc_cfg))]

mod body;
mod error;
mod extract;
mod headers;
mod middleware;
mod responder;
mod standalone;

pub use error::{WebhookError, rejection};
pub use extract::{VerifiedJson, VerifiedWebhook};
pub use headers::ActixHeaders;
pub use middleware::{WebhookMiddleware, WebhookService};
pub use responder::{JsonResponder, RejectionResponder};
pub use standalone::Standalone;
