//! [`Claim`]: an admitted event's reservations, handed to its handler, so a store that
//! lives in the handler's own database can settle them inside the handler's transaction.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
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
    ttl: Duration,
    /// The event id's reservation first, then the content digest's, if any.
    held: Vec<Held>,
    by_handler: AtomicBool,
}

impl Claim {
    pub(super) fn new(ttl: Duration, held: Vec<Held>) -> Self {
        Self {
            inner: Arc::new(Inner {
                ttl,
                held,
                by_handler: AtomicBool::new(false),
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

    /// How long a handled event is remembered: the TTL to mark it done with.
    pub fn ttl(&self) -> Duration {
        self.inner.ttl
    }

    /// Tells the pipeline that the handler settles these reservations itself, inside its
    /// own transaction. Call it once the "done" mark is written in that transaction (and
    /// before it commits). The pipeline then releases, after the handler, only what the
    /// transaction left in flight, whatever the handler answered.
    pub fn mark_settled_by_handler(&self) {
        self.inner.by_handler.store(true, Ordering::Release);
    }

    /// Whether [`mark_settled_by_handler`](Self::mark_settled_by_handler) was called.
    pub fn is_settled_by_handler(&self) -> bool {
        self.inner.by_handler.load(Ordering::Acquire)
    }
}

impl fmt::Debug for Claim {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Claim")
            .field("event_id", &self.event_id())
            .field("reservations", &self.inner.held.len())
            .field("ttl", &self.inner.ttl)
            .field("settled_by_handler", &self.is_settled_by_handler())
            .finish()
    }
}
