//! The extractors: [`VerifiedWebhook`] and [`VerifiedJson`].

use axum::body::Body;
use axum::extract::{FromRef, FromRequest, Request};
use bytes::Bytes;
use hookshield_core::{Reason, Verified, VerifyError};
use hookshield_tower::DEFAULT_BODY_LIMIT;
use serde::de::DeserializeOwned;

use crate::rejection::WebhookRejection;
use crate::state::StateVerifier;

/// A verified webhook: the exact bytes the provider signed and what was verified.
///
/// Behind a [`WebhookLayer`](hookshield_tower::WebhookLayer) it takes what the layer
/// verified (the layer has already read the body under its limit, checked the replay
/// guard, and will commit or release the event id by the handler's status).
///
/// Without the layer it verifies the request itself with the verifier its state gives
/// (see [`StateVerifier`]), reading at most [`DEFAULT_BODY_LIMIT`] bytes, and answers the
/// scheme's handshake through [`WebhookRejection::Handshake`]. **What it cannot do alone
/// is replay protection**: an extractor runs before the handler and never sees its
/// response, so it cannot commit an event id on success or release it on failure. A
/// layer-less receiver gets every retry and every replayed copy within the timestamp
/// window; use the layer for exactly-once delivery.
///
/// Must be the last extractor of a handler, as it consumes the body.
#[derive(Debug, Clone)]
pub struct VerifiedWebhook {
    /// What was verified: scheme, event id, timestamp, matching secret.
    pub verified: Verified,
    /// The raw body, exactly as signed.
    pub body: Bytes,
}

/// A verified webhook whose body is parsed as JSON into `T` (after verification, never
/// before). `VerifiedJson(event, verified)`.
#[derive(Debug, Clone)]
pub struct VerifiedJson<T>(pub T, pub Verified);

impl<S> FromRequest<S> for VerifiedWebhook
where
    StateVerifier: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = WebhookRejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        if let Some(verified) = request.extensions().get::<Verified>().cloned() {
            // The layer buffered the body: this takes the same bytes, without a copy.
            let body = read(request.into_body(), usize::MAX).await?;
            return Ok(Self { verified, body });
        }
        let state = StateVerifier::from_ref(state);
        let Some(verifier) = state.get() else {
            return Err(WebhookRejection::NotConfigured);
        };
        let (parts, body) = request.into_parts();
        let body = read(body, DEFAULT_BODY_LIMIT).await?;
        let verified = verifier.verify(&parts.headers, &body)?;
        let handshake = verifier.scheme().handshake();
        if let Some(reply) = handshake.and_then(|h| h.reply(&body)) {
            return Err(WebhookRejection::Handshake(reply));
        }
        Ok(Self { verified, body })
    }
}

impl<T, S> FromRequest<S> for VerifiedJson<T>
where
    T: DeserializeOwned,
    StateVerifier: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = WebhookRejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let VerifiedWebhook { verified, body } =
            VerifiedWebhook::from_request(request, state).await?;
        let value = serde_json::from_slice(&body).map_err(WebhookRejection::InvalidJson)?;
        Ok(Self(value, verified))
    }
}

async fn read(body: Body, limit: usize) -> Result<Bytes, WebhookRejection> {
    axum::body::to_bytes(body, limit).await.map_err(|error| {
        let too_large = std::error::Error::source(&error)
            .is_some_and(|source| source.is::<http_body_util::LengthLimitError>());
        let reason = if too_large {
            Reason::BodyTooLarge
        } else {
            Reason::BodyUnreadable
        };
        WebhookRejection::Verify(VerifyError::new(reason))
    })
}
