//! The receiving pipeline the adapters share: [`Receiver`] (body limit, deadline and
//! budget, verifier, handshake, replay guard, how duplicates are answered), the body
//! deadline on its own ([`read_within`]), a body's chunks joined without a copy when
//! there is one ([`BodyJoin`]), and verification without replay protection for
//! standalone extractors ([`verify_standalone`]).

mod body_budget;
mod body_deadline;
mod body_join;
mod standalone;

use std::future::Future;
#[cfg(feature = "metrics")]
use std::sync::Arc;
use std::time::Duration;

pub use body_budget::{BodyBudget, BodyHold, DEFAULT_BODY_BUDGET};
pub use body_deadline::read_within;
pub use body_join::BodyJoin;
pub use standalone::verify_standalone;

use crate::error::{ConfigError, Reason, VerifyError};
use crate::headers::HeaderLookup;
#[cfg(feature = "metrics")]
use crate::metrics::{Answer, Instruments};
use crate::replay::{Admission, MemoryStore, ReplayGuard, ReplayStore, Ticket, shortest_ttl};
use crate::request::RequestContext;
use crate::scheme::handshake::HandshakeReply;
use crate::verify::verified::Verified;
use crate::verify::verifier::Verifier;

/// The body limit [`Receiver::new`] sets: 1 MiB.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

/// The body deadline [`Receiver::new`] sets: 30 s from the request's headers to the last
/// byte of its body.
pub const DEFAULT_BODY_TIMEOUT: Duration = Duration::from_secs(30);

/// The `Retry-After` [`Receiver::new`] sends with 409 and 503: 10 s.
pub const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(10);

/// The response body every adapter sends for a copy of an event already handled.
pub const DUPLICATE_BODY: &str = r#"{"duplicate":true}"#;

/// An endpoint's receiving pipeline, without the HTTP framework: body limit, verifier,
/// handshakes, replay guard and how duplicates are answered. It is the one place every
/// option is set: the tower layer and the actix-web middleware are built from it
/// (`WebhookLayer::from(receiver)`, `WebhookMiddleware::from(receiver)`) and add only
/// what is framework-specific (how a rejection is written).
///
/// Every refusal emits a `tracing` event (target [`REJECTION_TARGET`](crate::REJECTION_TARGET),
/// fields `scheme`, `code`, `status`, `reason`), and so does every duplicate answered;
/// adapters run each request inside [`span`](Self::span). With the `metrics` feature,
/// each request is also counted by outcome and timed (see the `metrics` module).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use hookshield_core::{presets, Receiver, Secret, SignOptions, Signer, Step, Verifier};
///
/// let verifier = Verifier::builder(presets::civo()).encoded_secret("s3cret").build()?;
/// let receiver = Receiver::new(verifier);
///
/// let body = br#"{"event":"instance.created"}"#;
/// let signer = Signer::new(presets::civo(), Secret::from_text("s3cret")?)?;
/// let headers = signer.sign(body, &SignOptions::new().id("evt-1"))?;
///
/// let Step::Run(ticket, verified) = receiver.receive(&headers, body).await? else { panic!() };
/// assert_eq!(verified.event_id(), "evt-1");
/// ticket.commit().await?; // the handler answered 2xx
/// assert!(matches!(receiver.receive(&headers, body).await?, Step::Duplicate));
/// # Ok(()) }
/// ```
#[derive(Debug)]
#[must_use]
pub struct Receiver<S = MemoryStore> {
    verifier: Verifier,
    guard: ReplayGuard<S>,
    body_limit: usize,
    body_timeout: Duration,
    body_budget: BodyBudget,
    duplicate_status: u16,
    retry_after: Duration,
    handshakes: bool,
    /// The metric keys of this endpoint, shared by clones and by the tickets in flight.
    #[cfg(feature = "metrics")]
    metrics: Arc<Instruments>,
}

impl<S> Clone for Receiver<S> {
    fn clone(&self) -> Self {
        Self {
            verifier: self.verifier.clone(),
            guard: self.guard.clone(),
            body_limit: self.body_limit,
            body_timeout: self.body_timeout,
            body_budget: self.body_budget.clone(),
            duplicate_status: self.duplicate_status,
            retry_after: self.retry_after,
            handshakes: self.handshakes,
            #[cfg(feature = "metrics")]
            metrics: Arc::clone(&self.metrics),
        }
    }
}

/// What [`Receiver::receive`] decided for a request that was not refused.
#[derive(Debug)]
pub enum Step<S: ReplayStore> {
    /// The provider's handshake: send this answer; the handler does not run.
    Handshake(HandshakeReply),
    /// A copy of an event already handled: answer [`Receiver::duplicate_status`] with
    /// [`DUPLICATE_BODY`](crate::DUPLICATE_BODY); the handler does not run.
    Duplicate,
    /// A new event: run the handler, then settle the ticket by its outcome.
    Run(Ticket<S>, Verified),
}

impl Receiver<MemoryStore> {
    /// The pipeline for `verifier`'s endpoint: a [`MemoryStore`] of
    /// [`DEFAULT_CAPACITY`](crate::replay::DEFAULT_CAPACITY) ids, the scheme's name as
    /// replay namespace and its recommended TTL (at least the verifier's timestamp window),
    /// a [`DEFAULT_BODY_LIMIT`] body limit, a [`DEFAULT_BODY_TIMEOUT`] body deadline, a
    /// [`DEFAULT_BODY_BUDGET`](crate::DEFAULT_BODY_BUDGET) body budget,
    /// duplicates answered 200, handshakes answered.
    pub fn new(verifier: Verifier) -> Self {
        let guard = ReplayGuard::for_verifier(MemoryStore::default(), &verifier);
        #[cfg(feature = "metrics")]
        let metrics = Arc::new(Instruments::for_namespace(
            guard.namespace(),
            verifier.scheme().name(),
        ));
        Self {
            verifier,
            guard,
            body_limit: DEFAULT_BODY_LIMIT,
            body_timeout: DEFAULT_BODY_TIMEOUT,
            body_budget: BodyBudget::default(),
            duplicate_status: 200,
            retry_after: DEFAULT_RETRY_AFTER,
            handshakes: true,
            #[cfg(feature = "metrics")]
            metrics,
        }
    }
}

impl<S: ReplayStore> Receiver<S> {
    /// Remembers event ids in `store` (keeping namespace, TTL and lease). Share one store
    /// between endpoints by cloning it: namespaces keep their ids apart.
    pub fn with_replay_store<T: ReplayStore>(self, store: T) -> Receiver<T> {
        let guard = self.guard.clone().with_store(store);
        self.swap_guard(guard)
    }

    /// Uses `guard` as it is: its store, namespace, TTL and lease. Refused when the
    /// guard's TTL does not cover the verifier's timestamp window
    /// ([`ConfigError::TtlShorterThanWindow`]).
    pub fn with_replay_guard<T: ReplayStore>(
        self,
        guard: ReplayGuard<T>,
    ) -> Result<Receiver<T>, ConfigError> {
        check_covers_window(guard.ttl(), &self.verifier)?;
        Ok(self.swap_guard(guard))
    }

    fn swap_guard<T: ReplayStore>(self, guard: ReplayGuard<T>) -> Receiver<T> {
        Receiver {
            verifier: self.verifier,
            guard,
            body_limit: self.body_limit,
            body_timeout: self.body_timeout,
            body_budget: self.body_budget,
            duplicate_status: self.duplicate_status,
            retry_after: self.retry_after,
            handshakes: self.handshakes,
            #[cfg(feature = "metrics")]
            metrics: self.metrics,
        }
        .route_follows_namespace()
    }

    /// The replay namespace (default: the scheme's name). Two endpoints of one provider
    /// with different secrets sharing a store need different namespaces. It is also the
    /// `route` label of the metrics (feature `metrics`), unless `with_metrics_route` names
    /// one.
    pub fn with_namespace(mut self, namespace: &str) -> Result<Self, ConfigError> {
        self.guard = self.guard.with_namespace(namespace)?;
        Ok(self.route_follows_namespace())
    }

    /// The `route` label of every metric this receiver records (feature `metrics`; see
    /// the `metrics` module), to tell endpoints apart on a dashboard: say `"billing"` or
    /// `"/webhooks/stripe"`. By default it is the replay namespace
    /// ([`with_namespace`](Self::with_namespace); itself, by default, the scheme's name),
    /// and follows it when the namespace changes; once named here, it stays. Keep it to a
    /// fixed name per endpoint: each distinct route is a time series of its own.
    ///
    /// ```
    /// use hookshield_core::{presets, Receiver, Verifier};
    ///
    /// let verifier = Verifier::builder(presets::stripe()).encoded_secret("whsec_x").build()?;
    /// let receiver = Receiver::new(verifier);
    /// assert_eq!(receiver.metrics_route(), "stripe");
    /// let receiver = receiver.with_namespace("stripe-eu")?;
    /// assert_eq!(receiver.metrics_route(), "stripe-eu");
    /// let receiver = receiver.with_metrics_route("billing").with_namespace("stripe-us")?;
    /// assert_eq!(receiver.metrics_route(), "billing");
    /// # Ok::<(), hookshield_core::ConfigError>(())
    /// ```
    #[cfg(feature = "metrics")]
    #[cfg_attr(docsrs, doc(cfg(feature = "metrics")))]
    pub fn with_metrics_route(mut self, route: &str) -> Self {
        self.metrics = Arc::new(Instruments::named(route, self.scheme_name()));
        self
    }

    /// The `route` label of this receiver's metrics; see
    /// [`with_metrics_route`](Self::with_metrics_route).
    #[cfg(feature = "metrics")]
    #[cfg_attr(docsrs, doc(cfg(feature = "metrics")))]
    pub fn metrics_route(&self) -> &str {
        self.metrics.route()
    }

    /// Rebuilds the metric keys when their route is the replay namespace and that changed.
    #[cfg(feature = "metrics")]
    fn route_follows_namespace(mut self) -> Self {
        let namespace = self.guard.namespace();
        if !self.metrics.is_named() && self.metrics.route() != namespace {
            let metrics = Instruments::for_namespace(namespace, self.scheme_name());
            self.metrics = Arc::new(metrics);
        }
        self
    }

    #[cfg(not(feature = "metrics"))]
    fn route_follows_namespace(self) -> Self {
        self
    }

    /// How long handled ids are remembered (default: the scheme's recommended TTL, which
    /// covers the provider's retry horizon). Refused when zero ([`ConfigError::ZeroTtl`])
    /// or shorter than the verifier's timestamp window, past plus future tolerance
    /// ([`ConfigError::TtlShorterThanWindow`]): a signed request could pass the window again
    /// after its id was forgotten.
    ///
    /// ```
    /// use std::time::Duration;
    /// use hookshield_core::{presets, ConfigError, Receiver, Verifier};
    ///
    /// let verifier = Verifier::builder(presets::stripe()).encoded_secret("whsec_x").build()?;
    /// let refused = Receiver::new(verifier).with_ttl(Duration::from_secs(1)).unwrap_err();
    /// assert_eq!(
    ///     refused,
    ///     ConfigError::TtlShorterThanWindow { ttl: Duration::from_secs(1), window: Duration::from_secs(600) }
    /// );
    /// # Ok::<(), ConfigError>(())
    /// ```
    pub fn with_ttl(mut self, ttl: Duration) -> Result<Self, ConfigError> {
        check_covers_window(ttl, &self.verifier)?;
        self.guard = self.guard.with_ttl(ttl)?;
        Ok(self)
    }

    /// How long an in-flight reservation holds if its request never finishes (default
    /// [`DEFAULT_LEASE`](crate::replay::DEFAULT_LEASE)). Refused when zero
    /// ([`ConfigError::ZeroLease`]).
    pub fn with_lease(mut self, lease: Duration) -> Result<Self, ConfigError> {
        self.guard = self.guard.with_lease(lease)?;
        Ok(self)
    }

    /// See [`ReplayGuard::with_fail_open`]: run handlers unprotected while the replay
    /// store is down, instead of answering 503. Off by default.
    pub fn with_fail_open(mut self, fail_open: bool) -> Self {
        self.guard = self.guard.with_fail_open(fail_open);
        self
    }

    /// The largest body read, in bytes; larger ones are answered 413, whether announced by
    /// `Content-Length` or sent chunked. Refused when zero ([`ConfigError::ZeroBodyLimit`]).
    pub fn with_body_limit(mut self, limit: usize) -> Result<Self, ConfigError> {
        if limit == 0 {
            return Err(ConfigError::ZeroBodyLimit);
        }
        self.body_limit = limit;
        Ok(self)
    }

    /// How long the whole body may take to arrive, counted from when the request reaches
    /// the receiver (default [`DEFAULT_BODY_TIMEOUT`]); a body not in by then is answered
    /// 408 `body_timeout` and its event id is never reserved, so a client that sends one
    /// byte a minute, or stops one byte short, holds nothing for longer. Refused when zero
    /// ([`ConfigError::ZeroBodyTimeout`]).
    pub fn with_body_timeout(mut self, timeout: Duration) -> Result<Self, ConfigError> {
        if timeout.is_zero() {
            return Err(ConfigError::ZeroBodyTimeout);
        }
        self.body_timeout = timeout;
        Ok(self)
    }

    /// How many bytes of bodies may be held at once while they are being received, across
    /// every clone of this receiver (default
    /// [`DEFAULT_BODY_BUDGET`](crate::DEFAULT_BODY_BUDGET)); see [`BodyBudget`]. Refused
    /// when zero ([`ConfigError::ZeroBodyBudget`]).
    pub fn with_body_budget(mut self, bytes: usize) -> Result<Self, ConfigError> {
        self.body_budget = BodyBudget::new(bytes)?;
        Ok(self)
    }

    /// The status of the `{"duplicate":true}` answer to an event already handled
    /// (default 200, so the provider stops retrying). Refused outside 200–299
    /// ([`ConfigError::InvalidDuplicateStatus`]): any other answer makes the provider
    /// retry an event that was handled.
    ///
    /// ```
    /// use hookshield_core::{presets, ConfigError, Receiver, Verifier};
    ///
    /// let verifier = Verifier::builder(presets::civo()).encoded_secret("s3cret").build()?;
    /// let receiver = Receiver::new(verifier);
    /// assert!(receiver.clone().with_duplicate_status(208).is_ok());
    /// assert_eq!(
    ///     receiver.with_duplicate_status(409).unwrap_err(),
    ///     ConfigError::InvalidDuplicateStatus(409)
    /// );
    /// # Ok::<(), ConfigError>(())
    /// ```
    pub fn with_duplicate_status(mut self, status: u16) -> Result<Self, ConfigError> {
        if !(200..=299).contains(&status) {
            return Err(ConfigError::InvalidDuplicateStatus(status));
        }
        self.duplicate_status = status;
        Ok(self)
    }

    /// The `Retry-After` sent with 409 (duplicate in flight) and 503 (store unavailable).
    pub fn with_retry_after(mut self, retry_after: Duration) -> Self {
        self.retry_after = retry_after;
        self
    }

    /// Whether the scheme's provider handshake is answered (default `true`); with `false`
    /// it reaches the handler as an ordinary event.
    pub fn with_handshakes(mut self, answer: bool) -> Self {
        self.handshakes = answer;
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

    /// The body limit in bytes.
    pub fn body_limit(&self) -> usize {
        self.body_limit
    }

    /// The body deadline.
    pub fn body_timeout(&self) -> Duration {
        self.body_timeout
    }

    /// The body budget, shared by every clone.
    pub fn body_budget(&self) -> &BodyBudget {
        &self.body_budget
    }

    /// Runs an adapter's body read (`read`, which applies the body limit) under the body
    /// deadline: [`Reason::BodyTimeout`] when it is not done in time. Needs a Tokio runtime
    /// with its timer enabled (`#[tokio::main]` and actix-web's runtime have one).
    pub async fn read_body<T, F>(&self, read: F) -> Result<T, VerifyError>
    where
        F: Future<Output = Result<T, Reason>>,
    {
        read_within(self.body_timeout, read)
            .await
            .map_err(|error| self.refused_unread(error))
    }

    /// The span adapters run each request in (`hookshield.receive`, field `scheme`), so
    /// the events of one request can be told from another's.
    pub fn span(&self) -> tracing::Span {
        tracing::debug_span!("hookshield.receive", scheme = %self.scheme_name())
    }

    fn scheme_name(&self) -> &str {
        self.verifier.scheme().name()
    }

    /// Emits `error`'s rejection event (the verifier emits its own).
    fn refused(&self, error: VerifyError) -> VerifyError {
        error.record(self.scheme_name());
        error
    }

    /// A refusal before the body was all read (declared length, body limit, deadline):
    /// emits its event and counts the request, which never reaches [`run`](Self::run).
    fn refused_unread(&self, error: VerifyError) -> VerifyError {
        #[cfg(feature = "metrics")]
        self.metrics.answered(Answer::Refused(error.kind()));
        self.refused(error)
    }

    /// The status answered to a duplicate of an event already handled.
    pub fn duplicate_status(&self) -> u16 {
        self.duplicate_status
    }

    /// The `Retry-After` of 409 and 503 answers (sent in whole seconds, at least 1).
    pub fn retry_after(&self) -> Duration {
        self.retry_after
    }

    /// Checks a declared `Content-Length` (the raw header value) against the limit, so an
    /// oversized request is refused before a byte of its body is read, and returns it
    /// when it is within the limit (the share of the body budget to wait for up front). A
    /// length that cannot be read is left to the limit applied while reading.
    pub fn check_declared_length(
        &self,
        content_length: Option<&[u8]>,
    ) -> Result<Option<usize>, VerifyError> {
        let declared = content_length
            .and_then(|v| std::str::from_utf8(v).ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        let limit = u64::try_from(self.body_limit).unwrap_or(u64::MAX);
        match declared {
            Some(length) if length > limit => Err(self.refused_unread(Reason::BodyTooLarge.into())),
            Some(length) => Ok(usize::try_from(length).ok()),
            None => Ok(None),
        }
    }

    /// Verifies a fully read body, answers the handshake, and reserves the event id (and,
    /// when the signature does not cover the id, a digest of the signed content too: see
    /// [`ReplayGuard::admit_with_digest`]). Without the request's method and URL: schemes
    /// that sign them, and `GET` challenges, need [`receive_request`](Self::receive_request),
    /// which the adapters call.
    pub async fn receive<H: HeaderLookup + ?Sized>(
        &self,
        headers: &H,
        body: &[u8],
    ) -> Result<Step<S>, VerifyError> {
        self.run(None, headers, body).await
    }

    /// [`receive`](Self::receive) for a request with this method and target: the scheme's
    /// unsigned `GET` challenge is answered first (it is never verified, remembered or
    /// handed to the handler), then the request is verified with
    /// [`Verifier::verify_request`].
    pub async fn receive_request<H: HeaderLookup + ?Sized>(
        &self,
        request: &RequestContext<'_>,
        headers: &H,
        body: &[u8],
    ) -> Result<Step<S>, VerifyError> {
        self.run(Some(request), headers, body).await
    }

    /// [`decide`](Self::decide), counted and timed (feature `metrics`).
    async fn run<H: HeaderLookup + ?Sized>(
        &self,
        request: Option<&RequestContext<'_>>,
        headers: &H,
        body: &[u8],
    ) -> Result<Step<S>, VerifyError> {
        #[cfg(feature = "metrics")]
        {
            let started = std::time::Instant::now();
            let decided = self.decide(request, headers, body).await;
            self.metrics.verified(started);
            let answer = match decided {
                Ok(Step::Run(ticket, verified)) => {
                    // Counted when its ticket settles.
                    return Ok(Step::Run(ticket.measured(self.metrics.admit()), verified));
                }
                Ok(Step::Handshake(_)) => Answer::Handshake,
                Ok(Step::Duplicate) => Answer::Duplicate,
                Err(error) => Answer::Refused(error.kind()),
            };
            self.metrics.answered(answer);
            decided
        }
        #[cfg(not(feature = "metrics"))]
        {
            self.decide(request, headers, body).await
        }
    }

    /// The provider's challenge, verification, the signed handshake, replay admission.
    async fn decide<H: HeaderLookup + ?Sized>(
        &self,
        request: Option<&RequestContext<'_>>,
        headers: &H,
        body: &[u8],
    ) -> Result<Step<S>, VerifyError> {
        if self.handshakes
            && let Some(request) = request
            && let Some(answer) = self.verifier.answer_challenge(request, headers)
        {
            let reply = answer?;
            tracing::debug!(handshake = ?reply.handshake(), "provider challenge answered");
            return Ok(Step::Handshake(reply));
        }
        let verified = self.verifier.verify_fetched(request, headers, body).await?;
        if self.handshakes
            && let Some(answer) = self
                .verifier
                .handshake_reply(request, headers, body, &verified)
        {
            let reply = answer?;
            tracing::debug!(handshake = ?reply.handshake(), "provider handshake answered");
            return Ok(Step::Handshake(reply));
        }
        // A tenant's ids are remembered in a namespace of its own.
        let tenant_guard = verified
            .tenant()
            .map(|tenant| self.guard.for_tenant(tenant));
        let guard = tenant_guard.as_ref().unwrap_or(&self.guard);
        let admission = if verified.id_is_signed() {
            guard.admit(verified.event_id()).await
        } else {
            let digest = self.verifier.content_digest(&verified, body);
            guard.admit_with_digest(verified.event_id(), &digest).await
        };
        Ok(match admission.map_err(|error| self.refused(error))? {
            Admission::Run(ticket) => Step::Run(ticket, verified),
            Admission::Duplicate => {
                tracing::debug!(
                    target: crate::REJECTION_TARGET,
                    scheme = self.scheme_name(),
                    code = "duplicate",
                    status = self.duplicate_status,
                    "copy of an event already handled"
                );
                Step::Duplicate
            }
        })
    }
}

/// Refuses a TTL that does not cover `verifier`'s timestamp window.
fn check_covers_window(ttl: Duration, verifier: &Verifier) -> Result<(), ConfigError> {
    let window = shortest_ttl(verifier);
    if ttl < window {
        return Err(ConfigError::TtlShorterThanWindow { ttl, window });
    }
    Ok(())
}
