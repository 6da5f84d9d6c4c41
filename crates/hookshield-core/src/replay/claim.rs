//! [`Claim`]: an admitted event's reservations, handed to its handler, so a store that
//! lives in the handler's own database can settle them inside the handler's transaction.

use std::any::TypeId;
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;

use super::store::{OwnerToken, ReplayKey};
use super::ticket::Held;

/// The reservations one admitted event holds (its id and, where the signature does not
/// cover the id, a digest of its signed content), as the handler sees them.
///
/// The tower layer and the actix-web middleware put a `Claim` in the request's extensions
/// next to [`Verified`](crate::Verified). A store whose table lives in the database the
/// handler writes to (`hookshield-postgres`'s inbox) marks these reservations done
/// *inside the handler's transaction*, so the handler's writes and the "handled" mark
/// commit or roll back together, and calls [`mark_settled_by_handler`]. The pipeline then
/// does not commit the event after the handler: it releases, owner-checked, whatever is
/// still in flight. When the transaction committed, nothing is (the release is a no-op and
/// copies are duplicates); when it rolled back, the id is free again and the provider's
/// retry runs.
///
/// Cloning is cheap: clones share one record.
///
/// [`mark_settled_by_handler`]: Self::mark_settled_by_handler
#[derive(Clone)]
pub struct Claim {
    inner: Arc<Inner>,
}

struct Inner {
    /// The replay store's type: an inbox checks that the reservations are in its store.
    store: TypeId,
    ttl: Duration,
    /// The event id's reservation first, then the content digest's, if any.
    held: Vec<Held>,
    /// [`UNSETTLED`], [`MARKED`] or [`COMMITTED`].
    by_handler: AtomicU8,
}

/// The handler has not settled the reservations.
const UNSETTLED: u8 = 0;
/// The handler wrote the "done" mark in its transaction, which may not have committed.
const MARKED: u8 = 1;
/// The handler's transaction with the mark committed.
const COMMITTED: u8 = 2;

impl Claim {
    pub(super) fn new(store: TypeId, ttl: Duration, held: Vec<Held>) -> Self {
        Self {
            inner: Arc::new(Inner {
                store,
                ttl,
                held,
                by_handler: AtomicU8::new(UNSETTLED),
            }),
        }
    }

    /// The event id.
    pub fn event_id(&self) -> &str {
        self.inner.held.first().map_or("", Held::id)
    }

    /// Each reservation's key and owner token: the event id's first, then the content
    /// digest's when the ticket holds one.
    pub fn reservations(&self) -> impl ExactSizeIterator<Item = (ReplayKey<'_>, &OwnerToken)> {
        self.inner
            .held
            .iter()
            .map(|held| (held.key(), held.owner()))
    }

    /// Whether the reservations are held by a replay store of type `T` (the receiver's
    /// store type, as given to `with_replay_store`): an inbox checks it is writing to its
    /// own kind of store.
    pub fn store_is<T: 'static>(&self) -> bool {
        self.inner.store == TypeId::of::<T>()
    }

    /// How long a handled event is remembered: the TTL to mark it done with.
    pub fn ttl(&self) -> Duration {
        self.inner.ttl
    }

    /// Tells the pipeline that the handler settles these reservations itself, inside its
    /// own transaction. Call it once the "done" mark is written in that transaction (and
    /// before it commits). The pipeline then releases, after the handler, only what the
    /// transaction left in flight, whatever the handler answered.
    pub fn mark_settled_by_handler(&self) {
        // Never back from committed.
        let _ = self.inner.by_handler.compare_exchange(
            UNSETTLED,
            MARKED,
            Ordering::AcqRel,
            Ordering::Acquire,
        );
    }

    /// Tells the pipeline that the handler's transaction holding the "done" mark has
    /// committed: the reservations are settled, and the pipeline sends nothing after the
    /// handler (not even the release of leftovers).
    pub fn mark_committed_by_handler(&self) {
        self.inner.by_handler.store(COMMITTED, Ordering::Release);
    }

    /// Whether [`mark_settled_by_handler`](Self::mark_settled_by_handler) (or
    /// [`mark_committed_by_handler`](Self::mark_committed_by_handler)) was called.
    pub fn is_settled_by_handler(&self) -> bool {
        self.inner.by_handler.load(Ordering::Acquire) != UNSETTLED
    }

    /// Whether [`mark_committed_by_handler`](Self::mark_committed_by_handler) was called.
    pub fn is_committed_by_handler(&self) -> bool {
        self.inner.by_handler.load(Ordering::Acquire) == COMMITTED
    }
}

impl fmt::Debug for Claim {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Claim")
            .field("event_id", &self.event_id())
            .field("reservations", &self.inner.held.len())
            .field("ttl", &self.inner.ttl)
            .field("settled_by_handler", &self.is_settled_by_handler())
            .field("committed_by_handler", &self.is_committed_by_handler())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use crate::replay::{Admission, MemoryStore, ReplayGuard, ReplayStore, Ticket};

    fn guard() -> ReplayGuard<MemoryStore> {
        ReplayGuard::new(MemoryStore::default(), "claims", Duration::from_secs(60)).unwrap()
    }

    async fn run(admission: Admission<MemoryStore>) -> Ticket<MemoryStore> {
        match admission {
            Admission::Run(ticket) => ticket,
            Admission::Duplicate => panic!("expected a new event"),
        }
    }

    /// What a handler's committed transaction does: mark every reservation done, as the
    /// owner, then tell the pipeline.
    async fn commit_in_handler(store: &MemoryStore, claim: &super::Claim) {
        for (key, owner) in claim.reservations() {
            assert!(store.commit(key, owner, claim.ttl()).await.unwrap());
        }
        claim.mark_settled_by_handler();
    }

    #[tokio::test]
    async fn a_claim_shows_the_tickets_reservations() {
        let guard = guard();
        let mut ticket = run(guard.admit_with_digest("evt-1", "sha256:aa").await.unwrap()).await;
        let claim = ticket.claim().unwrap();
        assert_eq!(claim.event_id(), "evt-1");
        let keys: Vec<_> = claim
            .reservations()
            .map(|(key, _)| (key.namespace().to_owned(), key.event_id().to_owned()))
            .collect();
        assert_eq!(
            keys,
            [
                ("claims".to_owned(), "evt-1".to_owned()),
                ("claims:content".to_owned(), "sha256:aa".to_owned())
            ]
        );
        assert_eq!(claim.ttl(), Duration::from_secs(60));
        assert!(claim.store_is::<MemoryStore>());
        assert!(!claim.store_is::<std::sync::Arc<MemoryStore>>());
        assert!(!claim.is_settled_by_handler());
        // The same claim on every call: a mark made through one is seen through the other.
        ticket.claim().unwrap().mark_settled_by_handler();
        assert!(claim.is_settled_by_handler());
        assert!(format!("{claim:?}").contains("evt-1"));
    }

    /// The handler's transaction committed the mark: the pipeline's commit changes nothing
    /// and the event is a duplicate after.
    #[tokio::test]
    async fn settled_and_committed_by_the_handler_stays_done() {
        let guard = guard();
        let mut ticket = run(guard.admit("evt-1").await.unwrap()).await;
        let claim = ticket.claim().unwrap();
        commit_in_handler(guard.store(), &claim).await;
        assert!(!ticket.commit().await.unwrap(), "nothing left in flight");
        assert!(matches!(
            guard.admit("evt-1").await.unwrap(),
            Admission::Duplicate
        ));
    }

    /// The handler marked the claim but its transaction rolled back: the pipeline releases
    /// the reservation instead of committing it, even after a 2xx, so the retry runs.
    #[tokio::test]
    async fn settled_but_rolled_back_is_released_even_on_success() {
        let guard = guard();
        let mut ticket = run(guard.admit_with_digest("evt-1", "sha256:bb").await.unwrap()).await;
        ticket.claim().unwrap().mark_settled_by_handler();
        assert!(
            ticket.commit().await.unwrap(),
            "the leftovers were released"
        );
        assert!(matches!(
            guard.admit_with_digest("evt-1", "sha256:bb").await.unwrap(),
            Admission::Run(_)
        ));
    }

    /// The handler's transaction committed and said so: the pipeline sends nothing after
    /// (a store that would fail every call shows it), and a release is a no-op too.
    #[tokio::test]
    async fn committed_by_the_handler_sends_nothing_after() {
        let guard = guard();
        let mut ticket = run(guard.admit("evt-1").await.unwrap()).await;
        let claim = ticket.claim().unwrap();
        commit_in_handler(guard.store(), &claim).await;
        claim.mark_committed_by_handler();
        claim.mark_settled_by_handler(); // never back from committed
        assert!(claim.is_committed_by_handler());
        assert!(ticket.commit().await.unwrap());
        let mut ticket = run(guard.admit("evt-2").await.unwrap()).await;
        let claim = ticket.claim().unwrap();
        commit_in_handler(guard.store(), &claim).await;
        claim.mark_committed_by_handler();
        assert!(!ticket.release().await.unwrap(), "nothing to release");
        for id in ["evt-1", "evt-2"] {
            assert!(matches!(
                guard.admit(id).await.unwrap(),
                Admission::Duplicate
            ));
        }
    }

    /// A claim that was never marked leaves the ticket as it was: commit commits.
    #[tokio::test]
    async fn an_unmarked_claim_changes_nothing() {
        let guard = guard();
        let mut ticket = run(guard.admit("evt-1").await.unwrap()).await;
        let _claim = ticket.claim().unwrap();
        assert!(ticket.commit().await.unwrap());
        assert!(matches!(
            guard.admit("evt-1").await.unwrap(),
            Admission::Duplicate
        ));
    }

    /// A ticket that holds nothing (the guard failed open) has no claim.
    #[tokio::test]
    async fn an_unprotected_ticket_has_no_claim() {
        assert!(Ticket::<MemoryStore>::unprotected().claim().is_none());
    }
}
