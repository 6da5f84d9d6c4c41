//! [`ReplayGuard`]: the pipeline's replay step over any [`ReplayStore`], and the
//! [`Ticket`] that settles a reservation even when the request is dropped.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::store::{OwnerToken, ReplayKey, ReplayStore, Reservation, StoreError};
use crate::error::{ConfigError, Reason, VerifyError};
use crate::scheme::MAX_NAME_LEN;
use crate::verifier::Verifier;

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
/// Cloning is cheap: the store is shared.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use std::time::Duration;
/// use hookshield_core::replay::{Admission, MokaStore, ReplayGuard};
/// use hookshield_core::ErrorKind;
///
/// let guard = ReplayGuard::new(MokaStore::default(), "civo", Duration::from_secs(12 * 3600))?;
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
    ttl: Duration,
    lease: Duration,
    fail_open: bool,
}

impl<S> Clone for ReplayGuard<S> {
    fn clone(&self) -> Self {
        Self {
            store: Arc::clone(&self.store),
            namespace: Arc::clone(&self.namespace),
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
    /// without spaces, like a scheme name.
    pub fn new(store: S, namespace: &str, ttl: Duration) -> Result<Self, ConfigError> {
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

    /// A guard for `verifier`'s endpoint: the scheme's name as namespace and its
    /// recommended TTL (which covers the provider's retry horizon and timestamp window).
    pub fn for_verifier(store: S, verifier: &Verifier) -> Self {
        // Scheme names are checked against the namespace rules when the scheme is built.
        let scheme = verifier.scheme();
        Self::unchecked(Arc::new(store), scheme.name(), scheme.recommended_ttl())
    }

    fn unchecked(store: Arc<S>, namespace: &str, ttl: Duration) -> Self {
        Self {
            store,
            namespace: namespace.into(),
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

    /// How long a handled id is remembered.
    #[must_use]
    pub fn with_ttl(mut self, ttl: Duration) -> Self {
        self.ttl = ttl;
        self
    }

    /// **Fail open** when the store cannot answer: run the handler without replay
    /// protection (logged at error level) instead of answering 503. Off by default: failing
    /// closed loses nothing (the provider retries later) and runs nothing twice, while
    /// failing open may run an event twice, or run a replayed copy, during the outage.
    #[must_use]
    pub fn with_fail_open(mut self, fail_open: bool) -> Self {
        self.fail_open = fail_open;
        self
    }

    /// How long an in-flight reservation holds before it lapses: longer than the slowest
    /// handler, shorter than the provider's first retry.
    #[must_use]
    pub fn with_lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
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
        let key = ReplayKey::new(&self.namespace, event_id);
        match self.store.reserve(key, self.lease).await {
            Ok(Reservation::Acquired(owner)) => Ok(Admission::Run(Ticket {
                armed: Some(Armed {
                    guard: self.clone(),
                    event_id: event_id.into(),
                    owner,
                }),
            })),
            Ok(Reservation::Done) => Ok(Admission::Duplicate),
            Ok(Reservation::InFlight) => Err(VerifyError::new(Reason::DuplicateInFlight)),
            Err(error) if self.fail_open => {
                tracing::error!(
                    namespace = %self.namespace, event_id, %error,
                    "replay store unavailable; failing open: the event runs unprotected"
                );
                Ok(Admission::Run(Ticket { armed: None }))
            }
            Err(error) => {
                tracing::warn!(namespace = %self.namespace, %error, "replay store unavailable");
                Err(VerifyError::new(Reason::StoreUnavailable))
            }
        }
    }
}

/// A held reservation. Settle it with [`commit`](Self::commit) or
/// [`release`](Self::release); dropped unsettled, it releases the id in the background.
#[must_use = "an unsettled ticket releases its event id when dropped"]
pub struct Ticket<S: ReplayStore> {
    armed: Option<Armed<S>>,
}

struct Armed<S> {
    guard: ReplayGuard<S>,
    event_id: Box<str>,
    owner: OwnerToken,
}

impl<S: ReplayStore> Armed<S> {
    fn key(&self) -> ReplayKey<'_> {
        ReplayKey::new(&self.guard.namespace, &self.event_id)
    }

    async fn release(self) -> Result<bool, StoreError> {
        self.guard.store.release(self.key(), &self.owner).await
    }
}

impl<S: ReplayStore> Ticket<S> {
    /// The event id this ticket holds.
    pub fn event_id(&self) -> &str {
        self.armed.as_ref().map_or("", |a| &a.event_id)
    }

    /// The handler succeeded: remember the id as done for the TTL. `Ok(false)` means the
    /// reservation had lapsed or been taken over (the handler outlived its lease).
    pub async fn commit(mut self) -> Result<bool, StoreError> {
        let Some(armed) = self.armed.take() else {
            return Ok(false);
        };
        let result = armed
            .guard
            .store
            .commit(armed.key(), &armed.owner, armed.guard.ttl)
            .await;
        if !matches!(result, Ok(true)) {
            tracing::warn!(
                namespace = %armed.guard.namespace,
                event_id = %armed.event_id,
                ?result,
                "handled event not recorded as done; a redelivery would run again"
            );
        }
        result
    }

    /// The handler failed: forget the id so the provider's retry runs. A store error is
    /// logged too: the reservation then lapses after its lease.
    pub async fn release(mut self) -> Result<bool, StoreError> {
        let Some(armed) = self.armed.take() else {
            return Ok(false);
        };
        let result = armed.release().await;
        if let Err(error) = &result {
            tracing::warn!(%error, "could not release a reservation; it lapses after its lease");
        }
        result
    }

    /// [`commit`](Self::commit) when `success`, else [`release`](Self::release). Failures
    /// are logged by both, so a caller with nothing better to do may ignore the result.
    pub async fn settle(self, success: bool) -> Result<bool, StoreError> {
        if success {
            self.commit().await
        } else {
            self.release().await
        }
    }
}

impl<S: ReplayStore> Drop for Ticket<S> {
    fn drop(&mut self) {
        let Some(armed) = self.armed.take() else {
            return;
        };
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                runtime.spawn(async move {
                    if let Err(error) = armed.release().await {
                        tracing::warn!(%error, "could not release a dropped reservation; it lapses after its lease");
                    }
                });
            }
            Err(_) => tracing::debug!(
                event_id = %armed.event_id,
                "ticket dropped outside a Tokio runtime; the reservation lapses after its lease"
            ),
        }
    }
}

impl<S: ReplayStore> fmt::Debug for Ticket<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ticket")
            .field("event_id", &self.event_id())
            .field("settled", &self.armed.is_none())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

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
