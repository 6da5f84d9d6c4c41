//! [`Ticket`]: the reservations one admitted event holds (its id and, where the id is not
//! signed, the digest of its signed content), settled together by the handler's outcome,
//! also when the request is dropped.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::claim::Claim;
use super::store::{OwnerToken, ReplayKey, ReplayStore, StoreError};

/// A held reservation. Settle it with [`commit`](Self::commit) or
/// [`release`](Self::release); dropped unsettled, it releases the id in the background.
///
/// Where the guard also reserved a digest of the signed content
/// ([`ReplayGuard::admit_with_digest`](super::ReplayGuard::admit_with_digest)), both are
/// settled together: a handler failure releases both, so the provider's retry runs.
///
/// With the `metrics` feature, a ticket the [`Receiver`](crate::Receiver) issued also
/// records how its event ended (`handled` on commit, `handler_failed` on release or
/// drop), once, when it settles; see the `metrics` module.
///
/// **Settled by the handler.** The ticket can hand its reservations to the handler as a
/// [`Claim`] ([`claim`](Self::claim)). Once the handler marked the claim settled (it wrote
/// the "done" mark in its own database transaction), [`commit`](Self::commit),
/// [`release`](Self::release) and [`settle`](Self::settle) all release, owner-checked,
/// only what is still in flight: nothing when the handler's transaction committed, every
/// reservation when it rolled back. Once the handler also said its transaction committed
/// ([`Claim::mark_committed_by_handler`]), they send nothing at all.
#[must_use = "an unsettled ticket releases its event id when dropped"]
pub struct Ticket<S: ReplayStore> {
    armed: Option<Armed<S>>,
    /// The receiver's metrics of this event (feature `metrics`), settled with it, once.
    #[cfg(feature = "metrics")]
    metrics: Option<crate::metrics::Admitted>,
}

/// What a live ticket holds: the store, the TTL to commit with, and its reservations.
struct Armed<S> {
    store: Arc<S>,
    ttl: Duration,
    id: Held,
    /// Boxed: most schemes sign their ids and never hold one.
    content: Option<Box<Held>>,
    /// The claim handed to the handler, if one was.
    claim: Option<Claim>,
}

/// One reservation: its key (namespace and id) and the owner token that proves it.
#[derive(Clone)]
pub(super) struct Held {
    namespace: Arc<str>,
    id: Box<str>,
    owner: OwnerToken,
}

impl Held {
    pub(super) fn new(namespace: &Arc<str>, id: &str, owner: OwnerToken) -> Self {
        Self {
            namespace: Arc::clone(namespace),
            id: id.into(),
            owner,
        }
    }

    pub(super) fn key(&self) -> ReplayKey<'_> {
        ReplayKey::new(&self.namespace, &self.id)
    }

    pub(super) fn id(&self) -> &str {
        &self.id
    }

    pub(super) fn owner(&self) -> &OwnerToken {
        &self.owner
    }

    /// Releases the reservation, logging a failure (the lease then ends it).
    async fn release<S: ReplayStore>(&self, store: &S) -> Result<bool, StoreError> {
        let result = store.release(self.key(), &self.owner).await;
        if let Err(error) = &result {
            tracing::warn!(
                namespace = %self.namespace, %error,
                "could not release a reservation; it lapses after its lease"
            );
        }
        result
    }

    async fn commit<S: ReplayStore>(&self, store: &S, ttl: Duration) -> Result<bool, StoreError> {
        let result = store.commit(self.key(), &self.owner, ttl).await;
        if !matches!(result, Ok(true)) {
            tracing::warn!(
                namespace = %self.namespace,
                event_id = %self.id,
                ?result,
                "handled event not recorded as done; a redelivery would run again"
            );
        }
        result
    }
}

impl<S: ReplayStore> Armed<S> {
    /// Whether the handler settles the reservations in its own transaction.
    fn settled_by_handler(&self) -> bool {
        self.claim
            .as_ref()
            .is_some_and(Claim::is_settled_by_handler)
    }

    /// Whether the handler's transaction with the "done" mark committed: nothing is left.
    fn committed_by_handler(&self) -> bool {
        self.claim
            .as_ref()
            .is_some_and(Claim::is_committed_by_handler)
    }

    /// After a handler that settled its claim and answered success: releases what its
    /// transaction left in flight (all of it when the transaction rolled back, which is
    /// worth a warning; nothing when it committed).
    async fn release_leftovers(&self) -> Result<bool, StoreError> {
        let released = self.release().await;
        if matches!(released, Ok(true)) {
            tracing::warn!(
                event_id = %self.id.id,
                "the handler answered success and marked the event settled, but its \
                 transaction did not commit the mark: the event id was released"
            );
        }
        released
    }

    async fn commit(&self) -> Result<bool, StoreError> {
        let id = self.id.commit(&*self.store, self.ttl).await;
        match &self.content {
            Some(content) => {
                let content = content.commit(&*self.store, self.ttl).await;
                // Both must be recorded for the event to count as done; the first error wins.
                Ok(id? & content?)
            }
            None => id,
        }
    }

    async fn release(&self) -> Result<bool, StoreError> {
        let id = self.id.release(&*self.store).await;
        match &self.content {
            Some(content) => {
                let content = content.release(&*self.store).await;
                Ok(id? & content?)
            }
            None => id,
        }
    }
}

impl<S: ReplayStore> Ticket<S> {
    /// A ticket for a reservation of `id` (and of `content`, the digest, if any).
    pub(super) fn new(store: Arc<S>, ttl: Duration, id: Held, content: Option<Held>) -> Self {
        Self {
            armed: Some(Armed {
                store,
                ttl,
                id,
                content: content.map(Box::new),
                claim: None,
            }),
            #[cfg(feature = "metrics")]
            metrics: None,
        }
    }

    /// The same ticket, settling `metrics` with it (the receiver's, for an event it
    /// admitted).
    #[cfg(feature = "metrics")]
    pub(crate) fn measured(mut self, metrics: crate::metrics::Admitted) -> Self {
        self.metrics = Some(metrics);
        self
    }

    /// Records how the event ended (`handled`: committed), once: later calls do nothing.
    #[cfg(feature = "metrics")]
    fn settle_metrics(&mut self, handled: bool) {
        if let Some(metrics) = self.metrics.take() {
            metrics.settle(handled);
        }
    }

    /// Adds the reservation of the event id to this ticket, which holds the content
    /// digest's: the id becomes the ticket's event id, the digest its second reservation.
    /// (On a ticket that holds nothing, the id is left to lapse after its lease.)
    pub(super) fn hold_id_first(mut self, id: Held) -> Self {
        if let Some(armed) = &mut self.armed {
            let content = std::mem::replace(&mut armed.id, id);
            armed.content = Some(Box::new(content));
        }
        self
    }

    /// A ticket holding nothing (the guard failed open): settling it does nothing.
    pub(super) fn unprotected() -> Self {
        Self {
            armed: None,
            #[cfg(feature = "metrics")]
            metrics: None,
        }
    }

    /// The event id this ticket holds.
    pub fn event_id(&self) -> &str {
        self.armed.as_ref().map_or("", |a| &a.id.id)
    }

    /// The reservations of this ticket as a [`Claim`] for the handler (the same claim on
    /// every call), or `None` for a ticket that holds nothing (the guard failed open). The
    /// adapters put it in the request's extensions.
    pub fn claim(&mut self) -> Option<Claim> {
        let armed = self.armed.as_mut()?;
        let claim = armed.claim.get_or_insert_with(|| {
            let mut held = vec![armed.id.clone()];
            held.extend(armed.content.as_deref().cloned());
            Claim::new(std::any::TypeId::of::<S>(), armed.ttl, held)
        });
        Some(claim.clone())
    }

    /// Whether the ticket also holds a digest of the signed content (the event id is not
    /// covered by the signature).
    pub fn holds_content_digest(&self) -> bool {
        self.armed.as_ref().is_some_and(|a| a.content.is_some())
    }

    /// The handler succeeded: remember the id (and the content digest) as done for the
    /// TTL. `Ok(false)` means a reservation had lapsed or been taken over (the handler
    /// outlived its lease).
    ///
    /// When the handler settled the [`claim`](Self::claim) itself, this commits nothing:
    /// it releases what the handler's transaction left in flight and answers whether there
    /// was any (see [`Ticket`]).
    pub async fn commit(mut self) -> Result<bool, StoreError> {
        match self.armed.take() {
            Some(armed) if armed.committed_by_handler() => {
                #[cfg(feature = "metrics")]
                self.settle_metrics(true);
                Ok(true)
            }
            Some(armed) if armed.settled_by_handler() => {
                let released = armed.release_leftovers().await;
                // Handled unless the handler's transaction left its mark uncommitted.
                #[cfg(feature = "metrics")]
                self.settle_metrics(!matches!(released, Ok(true)));
                released
            }
            Some(armed) => {
                #[cfg(feature = "metrics")]
                self.settle_metrics(true);
                armed.commit().await
            }
            None => {
                #[cfg(feature = "metrics")]
                self.settle_metrics(true);
                Ok(false)
            }
        }
    }

    /// The handler failed: forget the id (and the content digest) so the provider's retry
    /// runs. A store error is logged too: the reservation then lapses after its lease.
    /// Only the owner's in-flight reservations are released: a mark the handler's own
    /// transaction committed stays done.
    pub async fn release(mut self) -> Result<bool, StoreError> {
        match self.armed.take() {
            Some(armed) if armed.committed_by_handler() => {
                // The handler's transaction committed the event: it was handled.
                #[cfg(feature = "metrics")]
                self.settle_metrics(true);
                Ok(false)
            }
            armed => {
                #[cfg(feature = "metrics")]
                self.settle_metrics(false);
                // Owner-checked, in flight only: a mark the handler committed stays.
                match armed {
                    Some(armed) => armed.release().await,
                    None => Ok(false),
                }
            }
        }
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
        let committed = self.armed.as_ref().is_some_and(Armed::committed_by_handler);
        #[cfg(feature = "metrics")]
        self.settle_metrics(committed);
        let Some(armed) = self.armed.take() else {
            return;
        };
        if committed {
            return;
        }
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                // Failures are logged by `release`; the lease ends the reservation then.
                runtime.spawn(async move { armed.release().await });
            }
            Err(_) => tracing::debug!(
                event_id = %armed.id.id,
                "ticket dropped outside a Tokio runtime; the reservation lapses after its lease"
            ),
        }
    }
}

impl<S: ReplayStore> fmt::Debug for Ticket<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ticket")
            .field("event_id", &self.event_id())
            .field("content_digest", &self.holds_content_digest())
            .field("settled", &self.armed.is_none())
            .finish()
    }
}
