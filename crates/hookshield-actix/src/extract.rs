//! The extractors behind the middleware: [`VerifiedWebhook`] and [`VerifiedJson`].

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use bytes::Bytes;
use futures_util::future::LocalBoxFuture;
use hookshield_core::{DEFAULT_BODY_TIMEOUT, Rejection, Verified};
use serde::de::DeserializeOwned;

use crate::error::WebhookError;

/// A verified webhook: the exact bytes the provider signed and what was verified.
///
/// It takes what a [`WebhookMiddleware`](crate::WebhookMiddleware) verified: the
/// middleware has read the body under its limit, checked signature, timestamp and replay
/// guard, and will commit or release the event id by the handler's status. Without the
/// middleware it answers 500 `webhook_not_configured`; to verify without the middleware,
/// use [`Standalone<VerifiedWebhook>`](crate::Standalone).
#[derive(Debug, Clone)]
pub struct VerifiedWebhook {
    /// What was verified: scheme, event id, timestamp, matching secret.
    pub verified: Verified,
    /// The raw body, exactly as signed.
    pub body: Bytes,
}

impl FromRequest for VerifiedWebhook {
    type Error = WebhookError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        layered(request, payload)
            .unwrap_or_else(|| Box::pin(async { Err(Rejection::not_configured().into()) }))
    }
}

/// A verified webhook whose body is parsed as JSON into `T` (after verification, never
/// before): `VerifiedJson(event, verified)`. A body that is not the expected JSON is
/// answered 400 `invalid_json`.
#[derive(Debug, Clone)]
pub struct VerifiedJson<T>(pub T, pub Verified);

impl<T: DeserializeOwned + 'static> FromRequest for VerifiedJson<T> {
    type Error = WebhookError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let webhook = VerifiedWebhook::from_request(request, payload);
        Box::pin(async move { parse(webhook.await?) })
    }
}

/// What the middleware verified (it put the verified bytes back as the payload), or
/// `None`, with the payload left untouched, when no middleware did.
pub(crate) fn layered(
    request: &HttpRequest,
    payload: &mut Payload,
) -> Option<LocalBoxFuture<'static, Result<VerifiedWebhook, WebhookError>>> {
    let verified = request.extensions().get::<Verified>().cloned()?;
    let mut payload = payload.take();
    Some(Box::pin(async move {
        let read = crate::body::read(&mut payload, usize::MAX, None, None);
        let body = hookshield_core::read_within(DEFAULT_BODY_TIMEOUT, read).await?;
        Ok(VerifiedWebhook { verified, body })
    }))
}

/// Parses a verified body as the JSON `T`.
pub(crate) fn parse<T: DeserializeOwned>(
    webhook: VerifiedWebhook,
) -> Result<VerifiedJson<T>, WebhookError> {
    let value = serde_json::from_slice(&webhook.body).map_err(Rejection::invalid_json)?;
    Ok(VerifiedJson(value, webhook.verified))
}
