//! [`MemoryStore`]: the default in-memory replay store, for a single receiving process.

mod shard;

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use self::shard::{Found, Nanos, Shard};
use super::fingerprint::Fingerprints;
use super::store::{OwnerToken, ReplayKey, ReplayStore, Reservation, StoreError};
use crate::error::ConfigError;

/// How many ids [`MemoryStore::default`] (and the adapters' default store) keeps.
pub const DEFAULT_CAPACITY: u64 = 100_000;

/// The most ids a [`MemoryStore`] keeps: 100 million, about 7.5 GB of entries.
/// [`MemoryStore::new`] keeps at most this many; [`MemoryStore::try_new`] refuses more.
pub const MAX_CAPACITY: u64 = 100_000_000;

/// The fewest ids a replay store of hookshield keeps, whatever it is asked for: one event
/// may hold two reservations at once (its id and, where the signature does not cover the
/// id, its content digest), so a store of one would refuse every such event, for ever.
pub const MIN_CAPACITY: u64 = 2;

/// Ids per shard that [`MemoryStore`] aims for: enough that the newest ids are spread
/// evenly over the shards, so none fills much earlier than the others.
const IDS_PER_SHARD: usize = 1024;
/// The most shards: far more than the cores that contend for them.
const MAX_SHARDS: usize = 64;

/// The in-memory [`ReplayStore`]: a fixed number of ids, allocated once, in shards that
/// each hold a lock for a few hundred nanoseconds. Cloning is cheap and shares the store.
///
/// - **Memory.** The store keeps at least `max_ids` ids (rounded up to fill its shards),
///   about 75 bytes each, allocated when it is built and never again: a request allocates
///   nothing here. [`MemoryStore::default`] keeps [`DEFAULT_CAPACITY`] ids (about 7.5 MB).
/// - **Exactly once.** An id's entry (state, owner, deadline) is read and changed in one
///   critical section of its shard's lock: of many concurrent reservations of one id
///   exactly one is acquired.
/// - **Leases and TTLs.** Every entry carries the instant after which it counts as absent
///   (the lease while in flight, the TTL once done), checked on every read.
/// - **At capacity, the oldest go first.** A released reservation (a handler that failed, a
///   dropped request) gives its entry back at once. When a shard has no free entry, a new
///   id takes the entry of the reservation held longest if its lease has lapsed, else of
///   the id committed longest ago: a full store forgets its oldest handled ids, never the
///   newest, from the first time it fills. A **reservation in flight is never forgotten**
///   while its lease lasts. Should a shard hold nothing but live reservations, a new id
///   is refused with [`StoreError::Full`] (503 and `Retry-After`: the provider delivers
///   it again later) rather than forgetting one. Every operation is O(1).
///
/// Size it above the number of events (twice that for providers whose ids are unsigned,
/// which also reserve a digest of the content) a provider can deliver within the TTL;
/// otherwise a very old duplicate may run again. Ids are spread over the shards by a
/// keyed hash that an attacker cannot aim.
///
/// Only one process sees this store: behind a load balancer, use a shared store (Redis).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use std::time::Duration;
/// use hookshield_core::replay::{MemoryStore, ReplayKey, ReplayStore, Reservation};
///
/// let store = MemoryStore::new(10_000);
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
pub struct MemoryStore {
    inner: Arc<Inner>,
}

struct Inner {
    shards: Box<[Padded]>,
    fingerprints: Fingerprints,
    /// Entry deadlines are nanoseconds since this instant.
    epoch: Instant,
}

/// One shard's lock, on a cache line (pair) of its own, so that two cores taking two
/// shards do not contend for one line.
#[repr(align(128))]
struct Padded(Mutex<Shard>);

impl MemoryStore {
    /// A store keeping at least `max_ids` ids (at least [`MIN_CAPACITY`], at most
    /// [`MAX_CAPACITY`]), allocated now. Like any collection, it aborts the process when
    /// the memory cannot be had (about 75 bytes per id): [`try_new`](Self::try_new)
    /// reports it instead.
    pub fn new(max_ids: u64) -> Self {
        match Self::try_new(max_ids.min(MAX_CAPACITY)) {
            Ok(store) => store,
            Err(_) => std::alloc::handle_alloc_error(std::alloc::Layout::new::<Padded>()),
        }
    }

    /// A store keeping at least `max_ids` ids (at least [`MIN_CAPACITY`]), allocated now;
    /// refused with
    /// [`ConfigError::StoreTooLarge`] above [`MAX_CAPACITY`] or when the memory cannot be
    /// had (on systems that overcommit memory, such as Linux by default, a store too large
    /// for the machine is granted and the process is killed when it touches the memory:
    /// size it for the machine).
    pub fn try_new(max_ids: u64) -> Result<Self, ConfigError> {
        let too_large = ConfigError::StoreTooLarge(max_ids);
        if max_ids > MAX_CAPACITY {
            return Err(too_large);
        }
        let ids = usize::try_from(max_ids.max(MIN_CAPACITY))
            .map_err(|_| ConfigError::StoreTooLarge(max_ids))?;
        let shards = shard_count(ids);
        let per_shard = ids.div_ceil(shards);
        let shards = (0..shards)
            .map(|_| Shard::new(per_shard).map(|shard| Padded(Mutex::new(shard))))
            .collect::<Option<Box<[Padded]>>>()
            .ok_or(too_large)?;
        Ok(Self {
            inner: Arc::new(Inner {
                shards,
                fingerprints: Fingerprints::random(),
                epoch: Instant::now(),
            }),
        })
    }

    /// How many ids the store keeps at most: `max_ids` rounded up to fill its shards.
    pub fn capacity(&self) -> u64 {
        self.sum(Shard::capacity)
    }

    /// How many ids the store holds (in flight, done, or lapsed but not yet reused).
    pub fn len(&self) -> u64 {
        self.sum(Shard::len)
    }

    /// Whether the store holds no id.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn sum(&self, of: fn(&Shard) -> usize) -> u64 {
        self.inner
            .shards
            .iter()
            .map(|shard| u64::try_from(of(&lock(shard))).unwrap_or(u64::MAX))
            .fold(0, u64::saturating_add)
    }

    /// The shard of a fingerprint (its high half; the low half hashes within the shard)
    /// and the time now.
    fn shard(&self, key: u128) -> (MutexGuard<'_, Shard>, Nanos) {
        let shards = &self.inner.shards;
        let i = ((key >> 64) as usize)
            .checked_rem(shards.len())
            .unwrap_or(0);
        let now = self.now();
        // `i < len`, and `new` builds at least one shard.
        #[allow(clippy::indexing_slicing)]
        let shard = &shards[i];
        (lock(shard), now)
    }

    fn now(&self) -> Nanos {
        nanos(self.inner.epoch.elapsed())
    }
}

fn lock(shard: &Padded) -> MutexGuard<'_, Shard> {
    // The shard's methods cannot panic; a poisoned lock still guards a valid shard.
    shard
        .0
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn nanos(duration: Duration) -> Nanos {
    Nanos::try_from(duration.as_nanos()).unwrap_or(Nanos::MAX)
}

/// How many shards `max_ids` ids get: a power of two, about [`IDS_PER_SHARD`] ids each,
/// from 1 to [`MAX_SHARDS`].
fn shard_count(max_ids: usize) -> usize {
    let wanted = max_ids / IDS_PER_SHARD;
    let mut shards = 1usize;
    while shards < MAX_SHARDS && shards.saturating_mul(2) <= wanted {
        shards = shards.saturating_mul(2);
    }
    shards
}

impl Default for MemoryStore {
    /// A store of [`DEFAULT_CAPACITY`] ids.
    fn default() -> Self {
        Self::new(DEFAULT_CAPACITY)
    }
}

impl fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryStore")
            .field("capacity", &self.capacity())
            .field("shards", &self.inner.shards.len())
            .finish_non_exhaustive()
    }
}

impl ReplayStore for MemoryStore {
    async fn reserve(
        &self,
        key: ReplayKey<'_>,
        lease: Duration,
    ) -> Result<Reservation, StoreError> {
        let key = self.inner.fingerprints.of(key);
        let owner = OwnerToken::random();
        let (mut shard, now) = self.shard(key);
        let found = shard.reserve(key, owner.bits(), now.saturating_add(nanos(lease)), now);
        drop(shard);
        match found {
            Found::Acquired => Ok(Reservation::Acquired(owner)),
            Found::InFlight => Ok(Reservation::InFlight),
            Found::Done => Ok(Reservation::Done),
            Found::Full => Err(StoreError::Full),
        }
    }

    async fn commit(
        &self,
        key: ReplayKey<'_>,
        owner: &OwnerToken,
        ttl: Duration,
    ) -> Result<bool, StoreError> {
        let key = self.inner.fingerprints.of(key);
        let (mut shard, now) = self.shard(key);
        Ok(shard.commit(key, owner.bits(), now.saturating_add(nanos(ttl)), now))
    }

    async fn release(&self, key: ReplayKey<'_>, owner: &OwnerToken) -> Result<bool, StoreError> {
        let key = self.inner.fingerprints.of(key);
        let (mut shard, now) = self.shard(key);
        Ok(shard.release(key, owner.bits(), now))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_grow_with_capacity_up_to_the_cap() {
        assert_eq!(shard_count(1), 1);
        assert_eq!(shard_count(2047), 1);
        assert_eq!(shard_count(2048), 2);
        assert_eq!(shard_count(100_000), 64);
        assert_eq!(shard_count(usize::MAX), 64);
        assert_eq!(MemoryStore::new(0).capacity(), MIN_CAPACITY);
        assert_eq!(MemoryStore::new(1).capacity(), MIN_CAPACITY);
        assert_eq!(MemoryStore::new(100_000).capacity(), 64 * 1563);
        assert!(matches!(
            MemoryStore::try_new(MAX_CAPACITY + 1),
            Err(ConfigError::StoreTooLarge(_))
        ));
        assert!(matches!(
            MemoryStore::try_new(u64::MAX),
            Err(ConfigError::StoreTooLarge(_))
        ));
    }
}
