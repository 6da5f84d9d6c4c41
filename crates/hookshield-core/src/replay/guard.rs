//! [`ReplayGuard`]: the pipeline's replay step over any [`ReplayStore`], and the
//! [`Ticket`] that settles a reservation even when the request is dropped.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::store::{ReplayKey, ReplayStore, Reservation, StoreError};
use super::ticket::{Held, Ticket};
use crate::error::{ConfigError, Reason, VerifyError};
use crate::scheme::MAX_NAME_LEN;
use crate::verify::verifier::Verifier;

/// How long an in-flight reservation holds by default before it lapses.
pub const DEFAULT_LEASE: Duration = Duration::from_secs(60);

/// The replay step: admits each event id once per TTL within a namespace.
///
/// [`admit`](Self::admit) reserves the id and answers:
///
/// | store says | `admit` answers | adapters answer |
/// | --- | --- | --- |
/// | unseen (or released, or lapsed) | `Ok(Admission::Run(ticket))` | run the handler |
/// | in flight | `Err` [`DuplicateInFlight`](crate::ErrorKind::DuplicateInFlight) | 409 + `Retry-After` |
/// | done | `Ok(Admission::Duplicate)` | 200 `{"duplicate":true}` |
/// | store error | `Err` [`ReplayStoreUnavailable`](crate::ErrorKind::ReplayStoreUnavailable) | 503 + `Retry-After` |
///
/// The [`Ticket`] is then settled by the handler's outcome: [`Ticket::commit`] after a
/// success, [`Ticket::release`] otherwise. A ticket dropped unsettled (the request future
/// was dropped, the handler panicked) releases the id in a background task on the current
/// Tokio runtime; without a runtime the reservation lapses after its lease.
///
/// **Ids the signature does not cover.** Civo, GitHub and Shopify sign only the body and
/// send the event id in a header of its own, with no signed timestamp: whoever holds a
/// captured delivery can resend it under a fresh id. For such events the receiving
/// pipeline calls [`admit_with_digest`](Self::admit_with_digest), which also reserves a
/// digest of the signed content (in the namespace `<namespace>:content`), settled together
/// with the id. A resend under a new id then finds its content already handled and is
/// answered as a duplicate. What this does not stop: a resend after the TTL (the store has
/// forgotten both), which only a signed timestamp could. What it costs: two deliveries
/// with byte-identical signed content count as one event, and each such event takes two
/// store entries.
///
/// Cloning is cheap: the store is shared.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use std::time::Duration;
/// use hookshield_core::replay::{Admission, MemoryStore, ReplayGuard};
/// use hookshield_core::ErrorKind;
///
/// let guard = ReplayGuard::new(MemoryStore::default(), "civo", Duration::from_secs(12 * 3600))?;
///
/// let Admission::Run(ticket) = guard.admit("evt-1").await? else { panic!("new id") };
/// // While the handler runs, a copy is told to come back later.
/// assert_eq!(guard.admit("evt-1").await.unwrap_err().kind(), ErrorKind::DuplicateInFlight);
/// ticket.commit().await?; // the handler answered 2xx
/// assert!(matches!(guard.admit("evt-1").await?, Admission::Duplicate));
///
/// // A handler failure releases the id: the provider's retry runs.
/// let Admission::Run(ticket) = guard.admit("evt-2").await? else { panic!("new id") };
/// ticket.release().await?;
/// assert!(matches!(guard.admit("evt-2").await?, Admission::Run(_)));
/// # Ok(()) }
/// ```
pub struct ReplayGuard<S> {
    store: Arc<S>,
    namespace: Arc<str>,
    /// Where content digests are reserved: `<namespace>:content`.
    content_namespace: Arc<str>,
    ttl: Duration,
    lease: Duration,
    fail_open: bool,
}

impl<S> Clone for ReplayGuard<S> {
    fn clone(&self) -> Self {
        Self {
            store: Arc::clone(&self.store),
            namespace: Arc::clone(&self.namespace),
            content_namespace: Arc::clone(&self.content_namespace),
            ttl: self.ttl,
            lease: self.lease,
            fail_open: self.fail_open,
        }
    }
}

impl<S: fmt::Debug> fmt::Debug for ReplayGuard<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReplayGuard")
            .field("store", &self.store)
            .field("namespace", &self.namespace)
            .field("ttl", &self.ttl)
            .field("lease", &self.lease)
            .field("fail_open", &self.fail_open)
            .finish()
    }
}

/// What [`ReplayGuard::admit`] decided.
#[derive(Debug)]
pub enum Admission<S: ReplayStore> {
    /// A new event: run the handler, then settle the ticket.
    Run(Ticket<S>),
    /// Already handled within the TTL: do not run the handler; answer success.
    Duplicate,
}

impl<S: ReplayStore> ReplayGuard<S> {
    /// A guard over `store` remembering handled ids of `namespace` for `ttl`, with the
    /// [`DEFAULT_LEASE`]. The namespace must be 1 to 128 printable ASCII characters
    /// without spaces, like a scheme name; the TTL must not be zero.
    pub fn new(store: S, namespace: &str, ttl: Duration) -> Result<Self, ConfigError> {
        check_ttl(ttl)?;
        Self::new_shared(Arc::new(store), namespace, ttl)
    }

    fn new_shared(store: Arc<S>, namespace: &str, ttl: Duration) -> Result<Self, ConfigError> {
        let valid = (1..=MAX_NAME_LEN).contains(&namespace.len())
            && namespace.bytes().all(|b| b.is_ascii_graphic());
        if !valid {
            return Err(ConfigError::InvalidNamespace);
        }
        Ok(Self::unchecked(store, namespace, ttl))
    }

    /// A guard for `verifier`'s endpoint: the scheme's name as namespace, and its
    /// recommended TTL (which covers the provider's retry horizon), widened to the
    /// verifier's timestamp window if that was set wider.
    pub fn for_verifier(store: S, verifier: &Verifier) -> Self {
        // Scheme names are checked against the namespace rules when the scheme is built.
        let scheme = verifier.scheme();
        let ttl = scheme.recommended_ttl().max(shortest_ttl(verifier));
        Self::unchecked(Arc::new(store), scheme.name(), ttl)
    }

    fn unchecked(store: Arc<S>, namespace: &str, ttl: Duration) -> Self {
        Self {
            store,
            namespace: namespace.into(),
            content_namespace: format!("{namespace}:content").into(),
            ttl,
            lease: DEFAULT_LEASE,
            fail_open: false,
        }
    }

    /// The same guard (namespace, TTL, lease, failure mode) over another store.
    pub fn with_store<T: ReplayStore>(self, store: T) -> ReplayGuard<T> {
        ReplayGuard {
            store: Arc::new(store),
            namespace: self.namespace,
            content_namespace: self.content_namespace,
            ttl: self.ttl,
            lease: self.lease,
            fail_open: self.fail_open,
        }
    }

    /// The same guard in the namespace of `tenant` (`<namespace>/<tenant>`, its content
    /// digests in `<namespace>/<tenant>:content`): one tenant's ids never collide with
    /// another's. Tenant names are checked when their [`KeySet`](crate::KeySet) is built.
    pub fn for_tenant(&self, tenant: &str) -> Self {
        let namespace = format!("{}/{tenant}", self.namespace);
        Self {
            store: Arc::clone(&self.store),
            content_namespace: format!("{namespace}:content").into(),
            namespace: namespace.into(),
            ttl: self.ttl,
            lease: self.lease,
            fail_open: self.fail_open,
        }
    }

    /// The same guard in another namespace (1 to 128 printable ASCII characters, no
    /// spaces).
    pub fn with_namespace(self, namespace: &str) -> Result<Self, ConfigError> {
        let (ttl, lease, fail_open) = (self.ttl, self.lease, self.fail_open);
        let mut guard = Self::new_shared(self.store, namespace, ttl)?;
        guard.lease = lease;
        guard.fail_open = fail_open;
        Ok(guard)
    }

    /// How long a handled id is remembered; not zero. A guard knows no timestamp window:
    /// [`Receiver::with_ttl`](crate::Receiver::with_ttl) also checks that the TTL covers
    /// the verifier's.
    pub fn with_ttl(mut self, ttl: Duration) -> Result<Self, ConfigError> {
        check_ttl(ttl)?;
        self.ttl = ttl;
        Ok(self)
    }

    /// **Fail open** when the store cannot answer: run the handler without replay
    /// protection (logged at error level) instead of answering 503. A store that answers
    /// it is full of events in flight ([`StoreError::Full`]) is still answered 503: it is
    /// up, and running copies of an event unprotected is what it refused. Off by default:
    /// failing closed loses nothing (the provider retries later) and runs nothing twice, while
    /// failing open may run an event twice, or run a replayed copy, during the outage.
    #[must_use]
    pub fn with_fail_open(mut self, fail_open: bool) -> Self {
        self.fail_open = fail_open;
        self
    }

    /// How long an in-flight reservation holds before it lapses: longer than the slowest
    /// handler, shorter than the provider's first retry. Refused when zero
    /// ([`ConfigError::ZeroLease`]): concurrent copies would all run.
    pub fn with_lease(mut self, lease: Duration) -> Result<Self, ConfigError> {
        if lease.is_zero() {
            return Err(ConfigError::ZeroLease);
        }
        self.lease = lease;
        Ok(self)
    }

    /// The namespace.
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// How long a handled id is remembered.
    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// How long an in-flight reservation holds.
    pub fn lease(&self) -> Duration {
        self.lease
    }

    /// The store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// Reserves `event_id`; see the table on [`ReplayGuard`].
    pub async fn admit(&self, event_id: &str) -> Result<Admission<S>, VerifyError> {
        Ok(match self.reserve(&self.namespace, event_id).await? {
            Step::Held(id) => Admission::Run(self.ticket(id, None)),
            Step::Unprotected => Admission::Run(Ticket::unprotected()),
            Step::Done => Admission::Duplicate,
        })
    }

    /// Reserves `content_digest` (a digest of the signed content, from
    /// [`Verifier::content_digest`](crate::Verifier::content_digest)) and then `event_id`,
    /// for an event whose id the signature does not cover. It answers as
    /// [`admit`](Self::admit) does, and the event is a duplicate when either was handled
    /// already. The digest comes first, so a flood of captured requests resent under fresh
    /// ids adds nothing to the store. The ticket settles both.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use std::time::Duration;
    /// use hookshield_core::replay::{Admission, MemoryStore, ReplayGuard};
    ///
    /// let guard = ReplayGuard::new(MemoryStore::default(), "civo", Duration::from_secs(3600))?;
    /// let Admission::Run(ticket) = guard.admit_with_digest("evt-1", "sha256:ab12").await? else {
    ///     panic!("new event")
    /// };
    /// ticket.commit().await?;
    /// // The same signed bytes under a new, unsigned id: a duplicate.
    /// assert!(matches!(guard.admit_with_digest("evt-2", "sha256:ab12").await?, Admission::Duplicate));
    /// # Ok(()) }
    /// ```
    pub async fn admit_with_digest(
        &self,
        event_id: &str,
        content_digest: &str,
    ) -> Result<Admission<S>, VerifyError> {
        // Held in a ticket at once: a request dropped before the id is reserved releases it.
        let content = match self
            .reserve(&self.content_namespace, content_digest)
            .await?
        {
            Step::Held(content) => Some(self.ticket(content, None)),
            Step::Unprotected => None,
            Step::Done => {
                tracing::debug!(
                    namespace = %self.namespace, event_id,
                    "signed content already handled (under this or another id): duplicate"
                );
                return Ok(Admission::Duplicate);
            }
        };
        match self.reserve(&self.namespace, event_id).await {
            Ok(Step::Held(id)) => Ok(Admission::Run(match content {
                Some(content) => content.hold_id_first(id),
                None => self.ticket(id, None),
            })),
            Ok(Step::Unprotected) => {
                Ok(Admission::Run(content.unwrap_or_else(Ticket::unprotected)))
            }
            outcome => {
                // The id was handled, is in flight, or the store failed: let go of the
                // content reservation, so it does not outlive this request.
                if let Some(content) = content {
                    let _ = content.release().await;
                }
                match outcome {
                    Ok(_) => Ok(Admission::Duplicate),
                    Err(error) => Err(error),
                }
            }
        }
    }

    fn ticket(&self, id: Held, content: Option<Held>) -> Ticket<S> {
        Ticket::new(Arc::clone(&self.store), self.ttl, id, content)
    }

    /// Reserves `id` in `namespace`: held, already done, or (failing open) unprotected.
    async fn reserve(&self, namespace: &Arc<str>, id: &str) -> Result<Step, VerifyError> {
        match self
            .store
            .reserve(ReplayKey::new(namespace, id), self.lease)
            .await
        {
            Ok(Reservation::Acquired(owner)) => Ok(Step::Held(Held::new(namespace, id, owner))),
            Ok(Reservation::Done) => Ok(Step::Done),
            Ok(Reservation::InFlight) => Err(VerifyError::new(Reason::DuplicateInFlight)),
            // A full store answered: failing open would let the copies of an event run.
            Err(error) if self.fail_open && !matches!(error, StoreError::Full) => {
                tracing::error!(
                    %namespace, event_id = id, %error,
                    "replay store unavailable; failing open: the event runs unprotected"
                );
                Ok(Step::Unprotected)
            }
            Err(error) => {
                tracing::warn!(%namespace, %error, "replay store unavailable");
                Err(VerifyError::new(Reason::StoreUnavailable))
            }
        }
    }
}

/// What one reservation found.
enum Step {
    Held(Held),
    Done,
    /// The store failed and the guard fails open.
    Unprotected,
}

fn check_ttl(ttl: Duration) -> Result<(), ConfigError> {
    if ttl.is_zero() {
        return Err(ConfigError::ZeroTtl);
    }
    Ok(())
}

/// The shortest TTL that covers `verifier`'s timestamp window (past + future tolerance):
/// zero for a scheme without a timestamp.
pub(crate) fn shortest_ttl(verifier: &Verifier) -> Duration {
    if !verifier.scheme().has_timestamp() {
        return Duration::ZERO;
    }
    verifier.window().span()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;
    use crate::replay::{MIN_CAPACITY, MemoryStore, OwnerToken};

    /// A store that never answers.
    #[derive(Debug)]
    struct Down;

    impl ReplayStore for Down {
        async fn reserve(&self, _: ReplayKey<'_>, _: Duration) -> Result<Reservation, StoreError> {
            Err(StoreError::Timeout)
        }

        async fn commit(
            &self,
            _: ReplayKey<'_>,
            _: &OwnerToken,
            _: Duration,
        ) -> Result<bool, StoreError> {
            Err(StoreError::Timeout)
        }

        async fn release(&self, _: ReplayKey<'_>, _: &OwnerToken) -> Result<bool, StoreError> {
            Err(StoreError::Timeout)
        }
    }

    /// A store whose event-id reservations never answer (content digests go through).
    #[derive(Debug, Default)]
    struct StuckOnIds(crate::replay::MemoryStore);

    impl ReplayStore for StuckOnIds {
        async fn reserve(
            &self,
            key: ReplayKey<'_>,
            lease: Duration,
        ) -> Result<Reservation, StoreError> {
            if !key.namespace().ends_with(":content") {
                std::future::pending::<()>().await;
            }
            self.0.reserve(key, lease).await
        }

        async fn commit(
            &self,
            key: ReplayKey<'_>,
            owner: &OwnerToken,
            ttl: Duration,
        ) -> Result<bool, StoreError> {
            self.0.commit(key, owner, ttl).await
        }

        async fn release(
            &self,
            key: ReplayKey<'_>,
            owner: &OwnerToken,
        ) -> Result<bool, StoreError> {
            self.0.release(key, owner).await
        }
    }

    /// A request dropped after its content digest was reserved, while its id is being
    /// reserved, releases the digest: the provider's retry is not refused for a lease.
    #[tokio::test]
    async fn a_request_dropped_between_the_two_reservations_releases_the_digest() {
        let guard =
            ReplayGuard::new(StuckOnIds::default(), "civo", Duration::from_secs(60)).unwrap();
        let admit = guard.admit_with_digest("evt", "sha256:ab");
        assert!(
            tokio::time::timeout(Duration::from_millis(20), admit)
                .await
                .is_err()
        );
        let key = ReplayKey::new("civo:content", "sha256:ab");
        for _ in 0..100 {
            match guard
                .store()
                .0
                .reserve(key, Duration::from_secs(60))
                .await
                .unwrap()
            {
                Reservation::Acquired(_) => return,
                _ => tokio::time::sleep(Duration::from_millis(5)).await,
            }
        }
        panic!("the digest stayed reserved");
    }

    /// Failing open covers an outage, not a store full of events in flight: two copies
    /// of an event must not both run.
    #[tokio::test]
    async fn a_full_store_is_refused_even_failing_open() {
        let store = MemoryStore::new(MIN_CAPACITY);
        let guard = ReplayGuard::new(store, "ns", Duration::from_secs(60))
            .unwrap()
            .with_fail_open(true);
        let mut held = Vec::new();
        for id in ["evt-1", "evt-2"] {
            let Ok(Admission::Run(ticket)) = guard.admit(id).await else {
                panic!("{id} is admitted");
            };
            held.push(ticket);
        }
        for _ in 0..2 {
            let refused = guard.admit("evt-3").await.unwrap_err();
            assert_eq!(refused.kind(), ErrorKind::ReplayStoreUnavailable);
        }
    }

    #[tokio::test]
    async fn a_store_outage_fails_closed_unless_told_to_fail_open() {
        let guard = ReplayGuard::new(Down, "ns", Duration::from_secs(60)).unwrap();
        let refused = guard.admit("evt").await.unwrap_err();
        assert_eq!(refused.kind(), ErrorKind::ReplayStoreUnavailable);
        assert!(refused.wants_retry_after());

        let open = guard.with_fail_open(true);
        let Ok(Admission::Run(ticket)) = open.admit("evt").await else {
            panic!("fail open runs the handler");
        };
        // Nothing was reserved, so there is nothing to settle.
        assert!(matches!(ticket.commit().await, Ok(false)));
    }
}
