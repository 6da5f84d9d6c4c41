//! The extractors: [`VerifiedWebhook`] and [`VerifiedJson`].

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use bytes::Bytes;
use futures_util::future::LocalBoxFuture;
use hookshield_core::{DEFAULT_BODY_LIMIT, DEFAULT_BODY_TIMEOUT, Verified, Verifier, read_within};
use serde::de::DeserializeOwned;

use crate::error::WebhookError;
use crate::headers::ActixHeaders;

/// A verified webhook: the exact bytes the provider signed and what was verified.
///
/// Behind a [`WebhookMiddleware`](crate::WebhookMiddleware) it takes what the middleware
/// verified (body read under the limit, signature, timestamp, replay guard; the event id
/// is committed or released by the handler's status).
///
/// Without the middleware it verifies the request itself with the [`Verifier`] registered
/// as app data (`web::Data<Verifier>`, or a plain `Verifier` with `app_data`), reading at
/// most [`DEFAULT_BODY_LIMIT`] bytes within [`DEFAULT_BODY_TIMEOUT`] (408 `body_timeout`
/// after it; no body budget: use the middleware for that) and answering the scheme's
/// handshake through
/// [`WebhookError::Handshake`]. **What it cannot do alone is replay protection**: an
/// extractor runs before the handler and never sees its response, so it can neither
/// commit an event id on success nor release it on failure. Every retry and every copy
/// replayed within the timestamp window reaches the handler; use the middleware for
/// exactly-once delivery. With neither, it answers 500 `webhook_not_configured`.
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

impl FromRequest for VerifiedWebhook {
    type Error = WebhookError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let request = request.clone();
        let mut payload = payload.take();
        Box::pin(async move {
            let layered = request.extensions().get::<Verified>().cloned();
            if let Some(verified) = layered {
                // The middleware put the verified bytes back as the payload.
                let body = read(&mut payload, usize::MAX).await?;
                return Ok(Self { verified, body });
            }
            let verifier = request
                .app_data::<web::Data<Verifier>>()
                .map(|data| Verifier::clone(data))
                .or_else(|| request.app_data::<Verifier>().cloned())
                .ok_or(WebhookError::NotConfigured)?;
            let body = read(&mut payload, DEFAULT_BODY_LIMIT).await?;
            let verified = verifier.verify(&ActixHeaders(request.headers()), &body)?;
            if let Some(reply) = verifier.handshake_reply(&body) {
                return Err(WebhookError::Handshake(reply));
            }
            Ok(Self { verified, body })
        })
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for VerifiedJson<T> {
    type Error = WebhookError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let webhook = VerifiedWebhook::from_request(request, payload);
        Box::pin(async move {
            let VerifiedWebhook { verified, body } = webhook.await?;
            let value = serde_json::from_slice(&body).map_err(WebhookError::InvalidJson)?;
            Ok(Self(value, verified))
        })
    }
}

/// The payload under `limit` and the [`DEFAULT_BODY_TIMEOUT`] deadline.
async fn read(payload: &mut Payload, limit: usize) -> Result<Bytes, WebhookError> {
    read_within(
        DEFAULT_BODY_TIMEOUT,
        crate::body::read(payload, limit, None, None),
    )
    .await
    .map_err(WebhookError::Verify)
}
