//! [`WebhookLayer`]: a [`Receiver`] and the [`RejectionResponder`] that writes its rejections.

use std::sync::Arc;

use hookshield_core::replay::{MemoryStore, ReplayStore};
use hookshield_core::{Receiver, Verifier};
use tower_layer::Layer;

use crate::response::{JsonResponder, RejectionResponder};
use crate::service::WebhookService;

/// Verifies webhooks before they reach the inner service; see the [crate docs](crate).
///
/// A tower shell around a [`Receiver`], the framework-agnostic pipeline every adapter
/// shares and the one place its options are set (replay store, TTL, body limit and
/// deadline, duplicate status, …): build the receiver, then the layer from it. The layer
/// adds only how rejections are written (`R`, the [`RejectionResponder`]). Cloning is cheap.
///
/// ```
/// use std::time::Duration;
/// use hookshield_core::{presets, Receiver, Verifier};
/// use hookshield_tower::WebhookLayer;
///
/// let verifier = Verifier::builder(presets::github()).encoded_secret("s3cret").build()?;
/// let receiver = Receiver::new(verifier)
///     .with_body_limit(256 * 1024)?
///     .with_body_timeout(Duration::from_secs(10))?;
/// let layer = WebhookLayer::from(receiver);
/// # Ok::<(), hookshield_core::ConfigError>(())
/// ```
#[derive(Debug)]
#[must_use]
pub struct WebhookLayer<S = MemoryStore, R = JsonResponder> {
    pub(crate) receiver: Receiver<S>,
    pub(crate) responder: R,
}

impl<S, R: Clone> Clone for WebhookLayer<S, R> {
    fn clone(&self) -> Self {
        Self {
            receiver: self.receiver.clone(),
            responder: self.responder.clone(),
        }
    }
}

impl WebhookLayer<MemoryStore> {
    /// A layer for `verifier`'s endpoint with [`Receiver::new`]'s defaults; for other
    /// options build the [`Receiver`] and use `WebhookLayer::from(receiver)`.
    pub fn new(verifier: Verifier) -> Self {
        Self::from(Receiver::new(verifier))
    }
}

impl<S> From<Receiver<S>> for WebhookLayer<S> {
    fn from(receiver: Receiver<S>) -> Self {
        Self {
            receiver,
            responder: JsonResponder,
        }
    }
}

impl<S: ReplayStore, R> WebhookLayer<S, R> {
    /// Writes rejections with `responder` (a [`RejectionResponder`], or any `Fn(VerifyError) ->
    /// Response<B>`) instead of the rejection table's JSON. The layer still adds
    /// `Retry-After` to 409 and 503 and the [`Rejection`](hookshield_core::Rejection) to
    /// the extensions.
    ///
    /// ```
    /// use bytes::Bytes;
    /// use hookshield_core::{presets, Verifier, VerifyError};
    /// use hookshield_tower::WebhookLayer;
    /// use http::{Response, StatusCode};
    /// use http_body_util::Full;
    ///
    /// let verifier = Verifier::builder(presets::civo()).encoded_secret("s3cret").build()?;
    /// let layer = WebhookLayer::new(verifier).with_rejection_response(|error: VerifyError| {
    ///     let mut response = Response::new(Full::new(Bytes::from(error.code())));
    ///     *response.status_mut() = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::BAD_REQUEST);
    ///     response
    /// });
    /// # Ok::<(), hookshield_core::ConfigError>(())
    /// ```
    pub fn with_rejection_response<T: RejectionResponder>(
        self,
        responder: T,
    ) -> WebhookLayer<S, T> {
        WebhookLayer {
            receiver: self.receiver,
            responder,
        }
    }

    /// The pipeline this layer runs.
    pub fn receiver(&self) -> &Receiver<S> {
        &self.receiver
    }
}

impl<I, S: ReplayStore, R: RejectionResponder> Layer<I> for WebhookLayer<S, R> {
    type Service = WebhookService<I, S, R>;

    fn layer(&self, inner: I) -> Self::Service {
        WebhookService::new(inner, Arc::new(self.clone()))
    }
}
