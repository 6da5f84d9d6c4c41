//! The extractors: [`VerifiedWebhook`], [`VerifiedJson`], and [`Standalone`] for use
//! without the layer.

use axum::extract::{FromRef, FromRequest, Request};
use axum::http::StatusCode;
use bytes::Bytes;
use hookshield_core::{DEFAULT_BODY_TIMEOUT, Reason, Rejection, Verified, Verifier};
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
/// ([`FromRef`]). The body is read as axum's own `Bytes` extractor reads it, so under the
/// route's [`DefaultBodyLimit`](axum::extract::DefaultBodyLimit) (2 MB unless set; 413
/// `payload_too_large` over it), and within [`DEFAULT_BODY_TIMEOUT`] (408 `body_timeout`
/// after it; no body budget: use the layer for that). The scheme's handshake is answered
/// with its reply ([`Rejection::Handshake`]). Behind a layer it takes what the layer
/// verified, as the plain extractors do.
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
            Err(_) => Err(Rejection::not_configured().into()),
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
        let headers = request.headers().clone();
        let read = async {
            Bytes::from_request(request, state).await.map_err(|error| {
                if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    Reason::BodyTooLarge
                } else {
                    Reason::BodyUnreadable
                }
            })
        };
        let (verified, body) =
            hookshield_core::verify_standalone(&verifier, &headers, read).await?;
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
    let read = async {
        axum::body::to_bytes(request.into_body(), usize::MAX)
            .await
            .map_err(|_| Reason::BodyUnreadable)
    };
    let body = hookshield_core::read_within(DEFAULT_BODY_TIMEOUT, read).await?;
    Ok(Ok(VerifiedWebhook { verified, body }))
}

fn parse<T: DeserializeOwned>(
    webhook: VerifiedWebhook,
) -> Result<VerifiedJson<T>, WebhookRejection> {
    let value = serde_json::from_slice(&webhook.body).map_err(Rejection::invalid_json)?;
    Ok(VerifiedJson(value, webhook.verified))
}
