//! [`Standalone`]: the extractors without the layer, verifying with a [`Verifier`] from
//! the router's state.

use axum::extract::{FromRef, FromRequest, Request};
use axum::http::StatusCode;
use bytes::Bytes;
use hookshield_core::{Reason, RequestContext, Verifier};
use serde::de::DeserializeOwned;

use crate::extract::{VerifiedJson, VerifiedWebhook, layered, parse};
use crate::rejection::WebhookRejection;

/// [`VerifiedWebhook`] or [`VerifiedJson`] **without the layer**: the request is verified
/// by the extractor itself, with the [`Verifier`] taken from the router's state
/// ([`FromRef`]). The body is read as axum's own `Bytes` extractor reads it, so under the
/// route's [`DefaultBodyLimit`](axum::extract::DefaultBodyLimit) (2 MB unless set; 413
/// `payload_too_large` over it), and within [`DEFAULT_BODY_TIMEOUT`](hookshield_core::DEFAULT_BODY_TIMEOUT) (408 `body_timeout`
/// after it; no body budget: use the layer for that). The scheme's handshake is answered
/// with its reply ([`Rejection::Handshake`](hookshield_core::Rejection::Handshake)). Behind a layer it takes what the layer
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
        let method = request.method().clone();
        let uri = request.uri().clone();
        let read = async {
            Bytes::from_request(request, state).await.map_err(|error| {
                if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    Reason::BodyTooLarge
                } else {
                    Reason::BodyUnreadable
                }
            })
        };
        let target = uri.path_and_query().map_or("/", |pq| pq.as_str());
        let context = RequestContext::new(method.as_str(), target);
        let (verified, body) =
            hookshield_core::verify_standalone(&verifier, &context, &headers, read).await?;
        Ok(Self(VerifiedWebhook { verified, body }))
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
