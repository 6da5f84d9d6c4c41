//! [`MokaStore`]: the in-memory replay store, for a single receiving process.

use std::fmt;
use std::time::{Duration, Instant};

use moka::Expiry;
use moka::future::Cache;
use moka::ops::compute::{CompResult, Op};

use super::store::{OwnerToken, ReplayKey, ReplayStore, Reservation, StoreError};

/// How many ids [`MokaStore::new`] keeps at most.
pub const DEFAULT_CAPACITY: u64 = 100_000;

/// The in-memory [`ReplayStore`], on a bounded [`moka::future::Cache`] with a deadline per
/// entry. Cloning is cheap and shares the cache.
///
/// Every step is one `and_compute_with` on the key's entry, which moka runs atomically per
/// key: of many concurrent reservations of one id exactly one is acquired. When the cache
/// is full, moka evicts the least valuable entries first; size the capacity above the
/// number of events a provider can deliver within the TTL, or a very old duplicate may run
/// again.
///
/// Only one process sees this store: behind a load balancer, use a shared store (Redis).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use std::time::Duration;
/// use hookshield_core::replay::{MokaStore, ReplayKey, ReplayStore, Reservation};
///
/// let store = MokaStore::new(10_000);
/// let key = ReplayKey::new("civo", "3f1c…");
/// let Ok(Reservation::Acquired(owner)) = store.reserve(key, Duration::from_secs(30)).await else {
///     panic!("a new id is acquired");
/// };
/// assert_eq!(store.reserve(key, Duration::from_secs(30)).await.ok(), Some(Reservation::InFlight));
/// assert_eq!(store.commit(key, &owner, Duration::from_secs(3600)).await.ok(), Some(true));
/// assert_eq!(store.reserve(key, Duration::from_secs(30)).await.ok(), Some(Reservation::Done));
/// # }
/// ```
#[derive(Clone)]
pub struct MokaStore {
    cache: Cache<String, Entry>,
}

#[derive(Debug, Clone)]
struct Entry {
    state: State,
    /// After this instant the entry counts as absent (moka's own expiry frees the memory).
    until: Instant,
    /// What moka's expiry is told.
    lifetime: Duration,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum State {
    InFlight(OwnerToken),
    Done,
}

impl Entry {
    fn new(state: State, lifetime: Duration) -> Self {
        let now = Instant::now();
        Self {
            state,
            // Lifetimes are capped at a century, which every platform's `Instant` can add.
            until: now.checked_add(lifetime.min(FOREVER)).unwrap_or(now),
            lifetime: lifetime.min(FOREVER),
        }
    }

    fn is_live(&self) -> bool {
        Instant::now() < self.until
    }

    fn held_by(&self, owner: &OwnerToken) -> bool {
        self.is_live() && self.state == State::InFlight(owner.clone())
    }
}

/// A hundred years: the cap on one entry's lifetime.
const FOREVER: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

/// Tells moka each entry's own lifetime, on insert and on update.
struct PerEntry;

impl Expiry<String, Entry> for PerEntry {
    fn expire_after_create(&self, _: &String, value: &Entry, _: Instant) -> Option<Duration> {
        Some(value.lifetime)
    }

    fn expire_after_update(
        &self,
        _: &String,
        value: &Entry,
        _: Instant,
        _: Option<Duration>,
    ) -> Option<Duration> {
        Some(value.lifetime)
    }
}

impl MokaStore {
    /// A store keeping at most `max_ids` ids.
    pub fn new(max_ids: u64) -> Self {
        Self {
            cache: Cache::builder()
                .max_capacity(max_ids)
                .expire_after(PerEntry)
                .build(),
        }
    }

    /// How many ids the store holds (in flight or done); moka updates the count lazily.
    pub fn entry_count(&self) -> u64 {
        self.cache.entry_count()
    }

    /// The cache key: the namespace's length first, so no (namespace, id) pair can be
    /// mistaken for another.
    fn key(key: ReplayKey<'_>) -> String {
        let (namespace, id) = (key.namespace(), key.event_id());
        let mut out =
            String::with_capacity(namespace.len().saturating_add(id.len()).saturating_add(8));
        out.push_str(&namespace.len().to_string());
        out.push(':');
        out.push_str(namespace);
        out.push_str(id);
        out
    }

    /// Replaces the entry of `key` with `next` if `owner` holds it; answers whether it did.
    async fn if_owner(&self, key: ReplayKey<'_>, owner: &OwnerToken, next: Op<Entry>) -> bool {
        let result = self
            .cache
            .entry(Self::key(key))
            .and_compute_with(|current| {
                let op = match current {
                    Some(entry) if entry.value().held_by(owner) => next,
                    _ => Op::Nop,
                };
                std::future::ready(op)
            })
            .await;
        matches!(result, CompResult::ReplacedWith(_) | CompResult::Removed(_))
    }
}

impl Default for MokaStore {
    /// A store of [`DEFAULT_CAPACITY`] ids.
    fn default() -> Self {
        Self::new(DEFAULT_CAPACITY)
    }
}

impl fmt::Debug for MokaStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MokaStore")
            .field("max_ids", &self.cache.policy().max_capacity())
            .field("entries", &self.cache.entry_count())
            .finish()
    }
}

impl ReplayStore for MokaStore {
    async fn reserve(
        &self,
        key: ReplayKey<'_>,
        lease: Duration,
    ) -> Result<Reservation, StoreError> {
        let owner = OwnerToken::random();
        let fresh = Entry::new(State::InFlight(owner.clone()), lease);
        let result = self
            .cache
            .entry(Self::key(key))
            .and_compute_with(|current| {
                let op = match current {
                    Some(entry) if entry.value().is_live() => Op::Nop,
                    _ => Op::Put(fresh),
                };
                std::future::ready(op)
            })
            .await;
        Ok(match result {
            CompResult::Unchanged(entry) => match entry.value().state {
                State::Done => Reservation::Done,
                State::InFlight(_) => Reservation::InFlight,
            },
            _ => Reservation::Acquired(owner),
        })
    }

    async fn commit(
        &self,
        key: ReplayKey<'_>,
        owner: &OwnerToken,
        ttl: Duration,
    ) -> Result<bool, StoreError> {
        Ok(self
            .if_owner(key, owner, Op::Put(Entry::new(State::Done, ttl)))
            .await)
    }

    async fn release(&self, key: ReplayKey<'_>, owner: &OwnerToken) -> Result<bool, StoreError> {
        Ok(self.if_owner(key, owner, Op::Remove).await)
    }
}
