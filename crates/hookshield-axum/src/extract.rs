//! The extractors: [`VerifiedWebhook`], [`VerifiedJson`], and [`Standalone`] for use
//! without the layer.

use axum::body::Body;
use axum::extract::{FromRef, FromRequest, Request};
use bytes::Bytes;
use hookshield_core::{DEFAULT_BODY_TIMEOUT, Reason, Verified, Verifier, read_within};
use hookshield_tower::DEFAULT_BODY_LIMIT;
use serde::de::DeserializeOwned;

use crate::rejection::WebhookRejection;

/// A verified webhook: the exact bytes the provider signed and what was verified.
///
/// It takes what a [`WebhookLayer`](hookshield_tower::WebhookLayer) verified: the layer
/// has read the body under its limit, checked signature, timestamp and replay guard, and
/// will commit or release the event id by the handler's status. Works with any router
/// state. Without the layer it answers 500 `webhook_not_configured`; to verify without a
/// layer, use [`Standalone<VerifiedWebhook>`](Standalone).
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
/// before): `VerifiedJson(event, verified)`. A body that is not the expected JSON is
/// answered 400 `invalid_json`.
#[derive(Debug, Clone)]
pub struct VerifiedJson<T>(pub T, pub Verified);

/// [`VerifiedWebhook`] or [`VerifiedJson`] **without the layer**: the request is verified
/// by the extractor itself, with the [`Verifier`] taken from the router's state
/// ([`FromRef`]), reading at most [`DEFAULT_BODY_LIMIT`] bytes within
/// [`DEFAULT_BODY_TIMEOUT`] (408 `body_timeout` after it; no body budget: use the layer for
/// that); the scheme's handshake is
/// answered through [`WebhookRejection::Handshake`]. Behind a layer it takes what the
/// layer verified, as the plain extractors do.
///
/// **What it cannot do is replay protection.** An extractor runs before the handler and
/// never sees its response, so it can neither commit an event id when the handler
/// succeeds nor release it when it fails. Every retry and every copy replayed within the
/// timestamp window reaches the handler; use the layer for exactly-once delivery.
///
/// ```
/// use axum::{Router, routing::post};
/// use hookshield_axum::{Standalone, VerifiedWebhook};
/// use hookshield_core::{presets, Verifier};
///
/// async fn github(Standalone(webhook): Standalone<VerifiedWebhook>) -> String {
///     format!("delivery {}", webhook.verified.event_id())
/// }
///
/// let verifier = Verifier::builder(presets::github()).encoded_secret("s3cret").build()?;
/// let app: Router = Router::new().route("/webhooks/github", post(github)).with_state(verifier);
/// # Ok::<(), hookshield_core::ConfigError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Standalone<E>(pub E);

impl<S: Send + Sync> FromRequest<S> for VerifiedWebhook {
    type Rejection = WebhookRejection;

    async fn from_request(request: Request, _: &S) -> Result<Self, Self::Rejection> {
        match layered(request).await? {
            Ok(webhook) => Ok(webhook),
            Err(_) => Err(WebhookRejection::NotConfigured),
        }
    }
}

impl<S> FromRequest<S> for Standalone<VerifiedWebhook>
where
    Verifier: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = WebhookRejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let request = match layered(request).await? {
            Ok(webhook) => return Ok(Self(webhook)),
            Err(request) => request,
        };
        let verifier = Verifier::from_ref(state);
        let (parts, body) = request.into_parts();
        let body = read(body, DEFAULT_BODY_LIMIT).await?;
        let verified = verifier.verify(&parts.headers, &body)?;
        if let Some(reply) = verifier.handshake_reply(&body) {
            return Err(WebhookRejection::Handshake(reply));
        }
        Ok(Self(VerifiedWebhook { verified, body }))
    }
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for VerifiedJson<T> {
    type Rejection = WebhookRejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        parse(VerifiedWebhook::from_request(request, state).await?)
    }
}

impl<T, S> FromRequest<S> for Standalone<VerifiedJson<T>>
where
    T: DeserializeOwned,
    Verifier: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = WebhookRejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let Standalone(webhook) =
            Standalone::<VerifiedWebhook>::from_request(request, state).await?;
        parse(webhook).map(Self)
    }
}

/// What the layer verified, or the request back when no layer did.
async fn layered(
    mut request: Request,
) -> Result<Result<VerifiedWebhook, Request>, WebhookRejection> {
    // The extractor consumes the request, so the metadata is moved out, not cloned.
    let Some(verified) = request.extensions_mut().remove::<Verified>() else {
        return Ok(Err(request));
    };
    // The layer buffered the body: this takes the same bytes, without a copy.
    let body = read(request.into_body(), usize::MAX).await?;
    Ok(Ok(VerifiedWebhook { verified, body }))
}

fn parse<T: DeserializeOwned>(
    webhook: VerifiedWebhook,
) -> Result<VerifiedJson<T>, WebhookRejection> {
    let value = serde_json::from_slice(&webhook.body).map_err(WebhookRejection::InvalidJson)?;
    Ok(VerifiedJson(value, webhook.verified))
}

/// The body under `limit` and the [`DEFAULT_BODY_TIMEOUT`] deadline.
async fn read(body: Body, limit: usize) -> Result<Bytes, WebhookRejection> {
    let read = async {
        axum::body::to_bytes(body, limit).await.map_err(|error| {
            let too_large = std::error::Error::source(&error)
                .is_some_and(|source| source.is::<http_body_util::LengthLimitError>());
            if too_large {
                Reason::BodyTooLarge
            } else {
                Reason::BodyUnreadable
            }
        })
    };
    read_within(DEFAULT_BODY_TIMEOUT, read)
        .await
        .map_err(WebhookRejection::Verify)
}
