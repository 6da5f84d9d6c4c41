//! [`Standalone`]: the extractors without the middleware, verifying with a [`Verifier`]
//! from the app data.

use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::future::LocalBoxFuture;
use hookshield_core::{Reason, Rejection, RequestContext, Verifier};
use serde::de::DeserializeOwned;

use crate::error::WebhookError;
use crate::extract::{VerifiedJson, VerifiedWebhook, layered, parse};
use crate::headers::ActixHeaders;

/// [`VerifiedWebhook`] or [`VerifiedJson`] **without the middleware**: the request is
/// verified by the extractor itself, with the [`Verifier`] registered as app data
/// (`web::Data<Verifier>`, or a plain `Verifier` with `app_data`; 500
/// `webhook_not_configured` with neither). The body is read as actix-web's own `Bytes`
/// extractor reads it, so under the app's [`web::PayloadConfig`] (256 KiB unless set; 413
/// `payload_too_large` over it), and within [`DEFAULT_BODY_TIMEOUT`](hookshield_core::DEFAULT_BODY_TIMEOUT) (408 `body_timeout`
/// after it; no body budget: use the middleware for that). The scheme's handshake is
/// answered with its reply. Behind the middleware it takes what the middleware verified,
/// as the plain extractors do.
///
/// **What it cannot do is replay protection.** An extractor runs before the handler and
/// never sees its response, so it can neither commit an event id when the handler
/// succeeds nor release it when it fails. Every retry and every copy replayed within the
/// timestamp window reaches the handler; use the middleware for exactly-once delivery.
///
/// ```
/// use actix_web::{App, HttpResponse, web};
/// use hookshield_actix::{Standalone, VerifiedWebhook};
/// use hookshield_core::{presets, Verifier};
///
/// async fn github(Standalone(webhook): Standalone<VerifiedWebhook>) -> HttpResponse {
///     HttpResponse::Ok().body(format!("delivery {}", webhook.verified.event_id()))
/// }
///
/// let verifier = Verifier::builder(presets::github()).encoded_secret("s3cret").build()?;
/// let app = App::new()
///     .app_data(web::Data::new(verifier))
///     .app_data(web::PayloadConfig::new(64 * 1024))
///     .route("/webhooks/github", web::post().to(github));
/// # Ok::<(), hookshield_core::ConfigError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Standalone<E>(pub E);

impl FromRequest for Standalone<VerifiedWebhook> {
    type Error = WebhookError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        if let Some(layered) = layered(request, payload) {
            return Box::pin(async move { Ok(Self(layered.await?)) });
        }
        let verifier = request
            .app_data::<web::Data<Verifier>>()
            .map(|data| Verifier::clone(data))
            .or_else(|| request.app_data::<Verifier>().cloned());
        let request = request.clone();
        // actix-web's own reader: the app's `PayloadConfig` limit applies.
        let read = web::Bytes::from_request(&request, payload);
        Box::pin(async move {
            let verifier = verifier.ok_or_else(Rejection::not_configured)?;
            let read = async {
                read.await.map_err(|error| {
                    let status = error.as_response_error().status_code();
                    if status == StatusCode::PAYLOAD_TOO_LARGE {
                        Reason::BodyTooLarge
                    } else {
                        Reason::BodyUnreadable
                    }
                })
            };
            let headers = ActixHeaders(request.headers());
            let target = request.uri().path_and_query().map_or("/", |pq| pq.as_str());
            let context = RequestContext::new(request.method().as_str(), target);
            let (verified, body) =
                hookshield_core::verify_standalone(&verifier, &context, &headers, read).await?;
            Ok(Self(VerifiedWebhook { verified, body }))
        })
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for Standalone<VerifiedJson<T>> {
    type Error = WebhookError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let webhook = Standalone::<VerifiedWebhook>::from_request(request, payload);
        Box::pin(async move { parse(webhook.await?.0).map(Self) })
    }
}
