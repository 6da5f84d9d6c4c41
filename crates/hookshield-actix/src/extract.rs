//! The extractors: [`VerifiedWebhook`], [`VerifiedJson`], and [`Standalone`] for use
//! without the middleware.

use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use bytes::Bytes;
use futures_util::future::LocalBoxFuture;
use hookshield_core::{DEFAULT_BODY_TIMEOUT, Reason, Rejection, Verified, Verifier};
use serde::de::DeserializeOwned;

use crate::error::WebhookError;
use crate::headers::ActixHeaders;

/// A verified webhook: the exact bytes the provider signed and what was verified.
///
/// It takes what a [`WebhookMiddleware`](crate::WebhookMiddleware) verified: the
/// middleware has read the body under its limit, checked signature, timestamp and replay
/// guard, and will commit or release the event id by the handler's status. Without the
/// middleware it answers 500 `webhook_not_configured`; to verify without the middleware,
/// use [`Standalone<VerifiedWebhook>`](Standalone).
#[derive(Debug, Clone)]
pub struct VerifiedWebhook {
    /// What was verified: scheme, event id, timestamp, matching secret.
    pub verified: Verified,
    /// The raw body, exactly as signed.
    pub body: Bytes,
}

/// A verified webhook whose body is parsed as JSON into `T` (after verification, never
/// before): `VerifiedJson(event, verified)`. A body that is not the expected JSON is
/// answered 400 `invalid_json`.
#[derive(Debug, Clone)]
pub struct VerifiedJson<T>(pub T, pub Verified);

/// [`VerifiedWebhook`] or [`VerifiedJson`] **without the middleware**: the request is
/// verified by the extractor itself, with the [`Verifier`] registered as app data
/// (`web::Data<Verifier>`, or a plain `Verifier` with `app_data`; 500
/// `webhook_not_configured` with neither). The body is read as actix-web's own `Bytes`
/// extractor reads it, so under the app's [`web::PayloadConfig`] (256 KiB unless set; 413
/// `payload_too_large` over it), and within [`DEFAULT_BODY_TIMEOUT`] (408 `body_timeout`
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

impl FromRequest for VerifiedWebhook {
    type Error = WebhookError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let layered = layered(request, payload);
        Box::pin(async move {
            layered
                .await?
                .ok_or_else(|| Rejection::not_configured().into())
        })
    }
}

impl FromRequest for Standalone<VerifiedWebhook> {
    type Error = WebhookError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        if request.extensions().contains::<Verified>() {
            let layered = layered(request, payload);
            return Box::pin(async move {
                let webhook = layered.await?.ok_or_else(Rejection::not_configured)?;
                Ok(Self(webhook))
            });
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
            let (verified, body) =
                hookshield_core::verify_standalone(&verifier, &headers, read).await?;
            Ok(Self(VerifiedWebhook { verified, body }))
        })
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for VerifiedJson<T> {
    type Error = WebhookError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let webhook = VerifiedWebhook::from_request(request, payload);
        Box::pin(async move { parse(webhook.await?) })
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

/// What the middleware verified (it put the verified bytes back as the payload), or
/// `None` when no middleware did.
fn layered(
    request: &HttpRequest,
    payload: &mut Payload,
) -> LocalBoxFuture<'static, Result<Option<VerifiedWebhook>, WebhookError>> {
    let verified = request.extensions().get::<Verified>().cloned();
    let mut payload = payload.take();
    Box::pin(async move {
        let Some(verified) = verified else {
            return Ok(None);
        };
        let read = crate::body::read(&mut payload, usize::MAX, None, None);
        let body = hookshield_core::read_within(DEFAULT_BODY_TIMEOUT, read).await?;
        Ok(Some(VerifiedWebhook { verified, body }))
    })
}

fn parse<T: DeserializeOwned>(webhook: VerifiedWebhook) -> Result<VerifiedJson<T>, WebhookError> {
    let value = serde_json::from_slice(&webhook.body).map_err(Rejection::invalid_json)?;
    Ok(VerifiedJson(value, webhook.verified))
}
