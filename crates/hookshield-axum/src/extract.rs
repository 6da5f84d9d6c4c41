//! The extractors behind the layer: [`VerifiedWebhook`] and [`VerifiedJson`].

use axum::extract::{FromRequest, Request};
use bytes::Bytes;
use hookshield_core::{DEFAULT_BODY_TIMEOUT, Reason, Rejection, Verified};
use serde::de::DeserializeOwned;

use crate::rejection::WebhookRejection;

/// A verified webhook: the exact bytes the provider signed and what was verified.
///
/// It takes what a [`WebhookLayer`](hookshield_tower::WebhookLayer) verified: the layer
/// has read the body under its limit, checked signature, timestamp and replay guard, and
/// will commit or release the event id by the handler's status. Works with any router
/// state. Without the layer it answers 500 `webhook_not_configured`; to verify without a
/// layer, use [`Standalone<VerifiedWebhook>`](crate::Standalone).
///
/// Must be the last extractor of a handler, as it consumes the body.
#[derive(Debug, Clone)]
pub struct VerifiedWebhook {
    /// What was verified: scheme, event id, timestamp, matching secret.
    pub verified: Verified,
    /// The raw body, exactly as signed.
    pub body: Bytes,
}

impl<S: Send + Sync> FromRequest<S> for VerifiedWebhook {
    type Rejection = WebhookRejection;

    async fn from_request(request: Request, _: &S) -> Result<Self, Self::Rejection> {
        match layered(request).await? {
            Ok(webhook) => Ok(webhook),
            Err(_) => Err(Rejection::not_configured().into()),
        }
    }
}

/// A verified webhook whose body is parsed as JSON into `T` (after verification, never
/// before): `VerifiedJson(event, verified)`. A body that is not the expected JSON is
/// answered 400 `invalid_json`.
#[derive(Debug, Clone)]
pub struct VerifiedJson<T>(pub T, pub Verified);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for VerifiedJson<T> {
    type Rejection = WebhookRejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        parse(VerifiedWebhook::from_request(request, state).await?)
    }
}

/// What the layer verified, or the request back when no layer did.
pub(crate) async fn layered(
    mut request: Request,
) -> Result<Result<VerifiedWebhook, Request>, WebhookRejection> {
    // The extractor consumes the request, so the metadata is moved out, not cloned.
    let Some(verified) = request.extensions_mut().remove::<Verified>() else {
        return Ok(Err(request));
    };
    // The layer buffered the body: this takes the same bytes, without a copy.
    let read = async {
        axum::body::to_bytes(request.into_body(), usize::MAX)
            .await
            .map_err(|_| Reason::BodyUnreadable)
    };
    let body = hookshield_core::read_within(DEFAULT_BODY_TIMEOUT, read).await?;
    Ok(Ok(VerifiedWebhook { verified, body }))
}

/// Parses a verified body as the JSON `T`.
pub(crate) fn parse<T: DeserializeOwned>(
    webhook: VerifiedWebhook,
) -> Result<VerifiedJson<T>, WebhookRejection> {
    let value = serde_json::from_slice(&webhook.body).map_err(Rejection::invalid_json)?;
    Ok(VerifiedJson(value, webhook.verified))
}
