//! [`WebhookLayer`]: the configuration, built with `with_*` methods.

use std::sync::Arc;
use std::time::Duration;

use hookshield_core::replay::{MokaStore, ReplayGuard, ReplayStore};
use hookshield_core::{ConfigError, Verifier, VerifyError};
use http::{Response, StatusCode};
use tower_layer::Layer;

use crate::response::{RejectionBody, Responder};
use crate::service::WebhookService;

/// The body limit [`WebhookLayer::new`] sets: 1 MiB.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

/// The `Retry-After` [`WebhookLayer::new`] sends with 409 and 503: 10 s.
pub const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(10);

/// Verifies webhooks before they reach the inner service; see the [crate docs](crate).
///
/// `S` is the replay store: [`MokaStore`] unless [`with_replay_store`](Self::with_replay_store)
/// sets another. Cloning is cheap.
#[derive(Debug)]
#[must_use]
pub struct WebhookLayer<S = MokaStore> {
    pub(crate) verifier: Verifier,
    pub(crate) guard: ReplayGuard<S>,
    pub(crate) body_limit: usize,
    pub(crate) duplicate_status: StatusCode,
    pub(crate) retry_after: Duration,
    pub(crate) handshakes: bool,
    pub(crate) responder: Option<Responder>,
}

impl<S> Clone for WebhookLayer<S> {
    fn clone(&self) -> Self {
        Self {
            verifier: self.verifier.clone(),
            guard: self.guard.clone(),
            body_limit: self.body_limit,
            duplicate_status: self.duplicate_status,
            retry_after: self.retry_after,
            handshakes: self.handshakes,
            responder: self.responder.clone(),
        }
    }
}

impl WebhookLayer<MokaStore> {
    /// A layer for `verifier`'s endpoint: a [`MokaStore`] of
    /// [`DEFAULT_CAPACITY`](hookshield_core::replay::DEFAULT_CAPACITY) ids, the scheme's
    /// name as replay namespace and its recommended TTL, a [`DEFAULT_BODY_LIMIT`] body
    /// limit, duplicates answered 200, handshakes answered.
    pub fn new(verifier: Verifier) -> Self {
        let guard = ReplayGuard::for_verifier(MokaStore::default(), &verifier);
        Self {
            verifier,
            guard,
            body_limit: DEFAULT_BODY_LIMIT,
            duplicate_status: StatusCode::OK,
            retry_after: DEFAULT_RETRY_AFTER,
            handshakes: true,
            responder: None,
        }
    }
}

impl<S: ReplayStore> WebhookLayer<S> {
    /// Remembers event ids in `store` (keeping namespace, TTL and lease). Share one store
    /// between endpoints by cloning it: namespaces keep their ids apart.
    pub fn with_replay_store<T: ReplayStore>(self, store: T) -> WebhookLayer<T> {
        WebhookLayer {
            verifier: self.verifier,
            guard: self.guard.with_store(store),
            body_limit: self.body_limit,
            duplicate_status: self.duplicate_status,
            retry_after: self.retry_after,
            handshakes: self.handshakes,
            responder: self.responder,
        }
    }

    /// Uses `guard` as it is: its store, namespace, TTL and lease.
    pub fn with_replay_guard<T: ReplayStore>(self, guard: ReplayGuard<T>) -> WebhookLayer<T> {
        WebhookLayer {
            verifier: self.verifier,
            guard,
            body_limit: self.body_limit,
            duplicate_status: self.duplicate_status,
            retry_after: self.retry_after,
            handshakes: self.handshakes,
            responder: self.responder,
        }
    }

    /// The replay namespace (default: the scheme's name). Two endpoints of one provider
    /// with different secrets sharing a store need different namespaces.
    pub fn with_namespace(mut self, namespace: &str) -> Result<Self, ConfigError> {
        self.guard = self.guard.with_namespace(namespace)?;
        Ok(self)
    }

    /// How long handled ids are remembered (default: the scheme's recommended TTL, which
    /// covers the provider's retry horizon).
    pub fn with_ttl(mut self, ttl: Duration) -> Self {
        self.guard = self.guard.with_ttl(ttl);
        self
    }

    /// How long an in-flight reservation holds if its request never finishes (default
    /// [`DEFAULT_LEASE`](hookshield_core::replay::DEFAULT_LEASE)).
    pub fn with_lease(mut self, lease: Duration) -> Self {
        self.guard = self.guard.with_lease(lease);
        self
    }

    /// The largest body read, in bytes; larger ones are answered 413, whether announced by
    /// `Content-Length` or sent chunked.
    pub fn with_body_limit(mut self, limit: usize) -> Self {
        self.body_limit = limit;
        self
    }

    /// The status of the `{"duplicate":true}` answer to an event already handled
    /// (default 200, so the provider stops retrying).
    pub fn with_duplicate_status(mut self, status: StatusCode) -> Self {
        self.duplicate_status = status;
        self
    }

    /// The `Retry-After` sent with 409 (duplicate in flight) and 503 (store unavailable).
    pub fn with_retry_after(mut self, retry_after: Duration) -> Self {
        self.retry_after = retry_after;
        self
    }

    /// Whether the scheme's provider handshake is answered by the layer (default `true`);
    /// with `false` it reaches the inner service as an ordinary event.
    pub fn with_handshakes(mut self, answer: bool) -> Self {
        self.handshakes = answer;
        self
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

    /// The verifier.
    pub fn verifier(&self) -> &Verifier {
        &self.verifier
    }

    /// The replay guard.
    pub fn replay_guard(&self) -> &ReplayGuard<S> {
        &self.guard
    }
}

impl<I, S: ReplayStore> Layer<I> for WebhookLayer<S> {
    type Service = WebhookService<I, S>;

    fn layer(&self, inner: I) -> Self::Service {
        WebhookService::new(inner, Arc::new(self.clone()))
    }
}
