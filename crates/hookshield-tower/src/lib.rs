//! A [tower] layer that receives webhooks safely: it reads the body under a limit,
//! verifies the provider's signature and timestamp with [`hookshield_core`], answers the
//! provider's handshake, and lets each event reach the inner service **once**.
//!
//! Per request, in this order:
//!
//! 1. A `Content-Length` over the limit is refused (413) before any byte is read; a body
//!    that grows past the limit while being read is refused with 413 too. The whole body
//!    must arrive within the body deadline (`with_body_timeout`, 30 s by default), or the
//!    request is answered 408 and nothing is reserved. Bodies are read only while the
//!    body budget (`with_body_budget`, 16 MiB by default, shared by every clone of the
//!    layer) has room, so slow clients cannot make the process hold more than that.
//! 2. The [`Verifier`](hookshield_core::Verifier) checks the signature, timestamp and
//!    event id; failures get the rejection table's status and `{"error":"<code>"}`.
//! 3. The scheme's provider handshake, if any, is answered here; it never reaches the
//!    inner service and is never remembered.
//! 4. The replay guard reserves the event id (and, where the signature does not cover the
//!    id, a digest of the signed content beside it): a copy of an event being handled right now
//!    is answered 409 with `Retry-After`; a copy of one already handled, 200
//!    `{"duplicate":true}`; an unreachable store, 503 with `Retry-After`.
//! 5. The inner service gets the verified bytes (as `Full<Bytes>`) and the
//!    [`Verified`](hookshield_core::Verified) metadata in the request extensions, with the
//!    event's [`Claim`](hookshield_core::replay::Claim) (its reservations, for a handler
//!    that marks the event done in its own database transaction: hookshield-postgres's
//!    `Inbox`).
//! 6. A 2xx answer commits the id as done for the TTL (unless the handler marked the claim
//!    settled: then only what its transaction left in flight is released). Any other status, an error, a
//!    panic (with a panic-catching layer such as tower-http's `CatchPanic` around it), or
//!    the request future being dropped (the client went away) releases it, so the
//!    provider's retry is handled.
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
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
//! use std::convert::Infallible;
//! use bytes::Bytes;
//! use hookshield_core::{presets, Secret, SignOptions, Signer, Verified, Verifier};
//! use hookshield_tower::WebhookLayer;
//! use http::{Request, Response};
//! use http_body_util::{BodyExt, Full};
//! use tower::{ServiceBuilder, ServiceExt, service_fn};
//!
//! let verifier = Verifier::builder(presets::civo()).encoded_secret("s3cret").build()?;
//! let service = ServiceBuilder::new()
//!     .layer(WebhookLayer::new(verifier))
//!     .service(service_fn(|request: Request<Full<Bytes>>| async move {
//!         let id = request.extensions().get::<Verified>().unwrap().event_id().to_owned();
//!         Ok::<_, Infallible>(Response::new(Full::new(Bytes::from(id))))
//!     }));
//!
//! // A delivery as Civo would send it.
//! let body = br#"{"event":"instance.created"}"#;
//! let signer = Signer::new(presets::civo(), Secret::from_text("s3cret")?)?;
//! let send = |body: &'static [u8]| {
//!     let mut request = Request::post("/webhook");
//!     for (name, value) in signer.sign(body, &SignOptions::new().id("evt-1")).unwrap().iter() {
//!         request = request.header(name, value);
//!     }
//!     request.body(Full::new(Bytes::from_static(body))).unwrap()
//! };
//!
//! let response = service.clone().oneshot(send(body)).await?;
//! assert_eq!(response.status(), 200);
//! assert_eq!(response.into_body().collect().await?.to_bytes(), "evt-1");
//!
//! // The same event again: the handler does not run.
//! let response = service.clone().oneshot(send(body)).await?;
//! assert_eq!(response.into_body().collect().await?.to_bytes(), r#"{"duplicate":true}"#);
//!
//! // A tampered body.
//! let mut forged = send(body);
//! *forged.body_mut() = Full::new(Bytes::from_static(br#"{"event":"instance.deleted"}"#));
//! let response = service.oneshot(forged).await?;
//! assert_eq!(response.status(), 401);
//! # Ok(()) }
//! ```
//!
//! Every option of the pipeline is set on the core's [`Receiver`]; the layer is built from
//! it (`WebhookLayer::from(receiver)`) and adds only how rejections are written
//! ([`RejectionResponder`]). Each rejection or handshake answer of the layer carries the
//! [`Rejection`] in its extensions, for a logging or metrics
//! layer outside; every refusal also emits a `tracing` event (target
//! `hookshield::rejection`), and each request runs in a `hookshield.receive` span. With
//! `hookshield-core`'s `metrics` feature, the receiver also counts each request once by its
//! outcome (413 and 408 included) and times it, through the `metrics` crate (see
//! `hookshield_core::metrics`).
//!
//! [tower]: https://docs.rs/tower

#![cfg_attr(docsrs, feature(doc_cfg))]

mod body;
mod future;
mod layer;
mod response;
mod service;

pub use future::ResponseFuture;
pub use hookshield_core::{DEFAULT_BODY_LIMIT, DEFAULT_RETRY_AFTER, Receiver, Rejection};
pub use layer::WebhookLayer;
pub use response::{JsonResponder, RejectionBody, RejectionResponder, rejection};
pub use service::{WebhookBody, WebhookService};
