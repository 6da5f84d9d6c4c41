//! [`WebhookLayer`]: the configuration, built with `with_*` methods.

use std::sync::Arc;
use std::time::Duration;

use hookshield_core::replay::{MokaStore, ReplayGuard, ReplayStore};
use hookshield_core::{ConfigError, Receiver, Verifier, VerifyError};
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

impl<S> From<Receiver<S>> for WebhookLayer<S> {
    /// A layer around a configured [`Receiver`].
    fn from(receiver: Receiver<S>) -> Self {
        Self {
            receiver,
            responder: None,
        }
    }
}

impl<S: ReplayStore> WebhookLayer<S> {
    fn map<T>(self, f: impl FnOnce(Receiver<S>) -> Receiver<T>) -> WebhookLayer<T> {
        WebhookLayer {
            receiver: f(self.receiver),
            responder: self.responder,
        }
    }

    /// See [`Receiver::with_replay_store`].
    pub fn with_replay_store<T: ReplayStore>(self, store: T) -> WebhookLayer<T> {
        self.map(|r| r.with_replay_store(store))
    }

    /// See [`Receiver::with_replay_guard`].
    pub fn with_replay_guard<T: ReplayStore>(self, guard: ReplayGuard<T>) -> WebhookLayer<T> {
        self.map(|r| r.with_replay_guard(guard))
    }

    /// See [`Receiver::with_namespace`].
    pub fn with_namespace(mut self, namespace: &str) -> Result<Self, ConfigError> {
        self.receiver = self.receiver.with_namespace(namespace)?;
        Ok(self)
    }

    /// See [`Receiver::with_ttl`].
    pub fn with_ttl(self, ttl: Duration) -> Self {
        self.map(|r| r.with_ttl(ttl))
    }

    /// See [`Receiver::with_lease`].
    pub fn with_lease(self, lease: Duration) -> Self {
        self.map(|r| r.with_lease(lease))
    }

    /// See [`Receiver::with_body_limit`].
    pub fn with_body_limit(self, limit: usize) -> Self {
        self.map(|r| r.with_body_limit(limit))
    }

    /// See [`Receiver::with_duplicate_status`].
    pub fn with_duplicate_status(self, status: StatusCode) -> Self {
        self.map(|r| r.with_duplicate_status(status.as_u16()))
    }

    /// See [`Receiver::with_retry_after`].
    pub fn with_retry_after(self, retry_after: Duration) -> Self {
        self.map(|r| r.with_retry_after(retry_after))
    }

    /// See [`Receiver::with_handshakes`].
    pub fn with_handshakes(self, answer: bool) -> Self {
        self.map(|r| r.with_handshakes(answer))
    }

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

    /// The pipeline this layer runs.
    pub fn receiver(&self) -> &Receiver<S> {
        &self.receiver
    }
}

impl<I, S: ReplayStore> Layer<I> for WebhookLayer<S> {
    type Service = WebhookService<I, S>;

    fn layer(&self, inner: I) -> Self::Service {
        WebhookService::new(inner, Arc::new(self.clone()))
    }
}
