//! [`WebhookLayer`]: the configuration, built with `with_*` methods.

use std::sync::Arc;

use hookshield_core::replay::{MokaStore, ReplayStore};
use hookshield_core::{Receiver, Verifier, VerifyError};
use http::{Response, StatusCode};
use tower_layer::Layer;

use crate::response::{RejectionBody, Responder};
use crate::service::WebhookService;

/// Verifies webhooks before they reach the inner service; see the [crate docs](crate).
///
/// A tower shell around a [`Receiver`] (the framework-agnostic pipeline every adapter
/// shares). `S` is the replay store: [`MokaStore`] unless
/// [`with_replay_store`](Self::with_replay_store) sets another. Cloning is cheap.
#[derive(Debug)]
#[must_use]
pub struct WebhookLayer<S = MokaStore> {
    pub(crate) receiver: Receiver<S>,
    pub(crate) responder: Option<Responder>,
}

impl<S> Clone for WebhookLayer<S> {
    fn clone(&self) -> Self {
        Self {
            receiver: self.receiver.clone(),
            responder: self.responder.clone(),
        }
    }
}

impl WebhookLayer<MokaStore> {
    /// A layer for `verifier`'s endpoint, with [`Receiver::new`]'s defaults: a
    /// [`MokaStore`], the scheme's name as namespace and its recommended TTL, a 1 MiB body
    /// limit, duplicates answered 200, handshakes answered.
    pub fn new(verifier: Verifier) -> Self {
        Self::from(Receiver::new(verifier))
    }
}

hookshield_core::receiver_shell!(WebhookLayer, StatusCode);

impl<S: ReplayStore> WebhookLayer<S> {
    /// Builds rejections with `f` instead of the JSON body of the rejection table.
    ///
    /// ```
    /// use hookshield_core::{presets, Verifier};
    /// use hookshield_tower::WebhookLayer;
    /// use http::Response;
    ///
    /// let verifier = Verifier::builder(presets::civo()).encoded_secret("s3cret").build()?;
    /// let layer = WebhookLayer::new(verifier).with_rejection_response(|error| {
    ///     let mut response = Response::new(error.code().to_owned().into());
    ///     *response.status_mut() = http::StatusCode::from_u16(error.status()).unwrap();
    ///     response
    /// });
    /// # Ok::<(), hookshield_core::ConfigError>(())
    /// ```
    pub fn with_rejection_response<F>(mut self, f: F) -> Self
    where
        F: Fn(VerifyError) -> Response<RejectionBody> + Send + Sync + 'static,
    {
        self.responder = Some(Responder::new(f));
        self
    }
}

impl<I, S: ReplayStore> Layer<I> for WebhookLayer<S> {
    type Service = WebhookService<I, S>;

    fn layer(&self, inner: I) -> Self::Service {
        WebhookService::new(inner, Arc::new(self.clone()))
    }
}
