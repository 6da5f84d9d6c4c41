//! [`MokaStore`] (feature `moka`): the replay store on a moka cache, for users who want
//! moka's eviction and metrics.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use moka::Expiry;
use moka::policy::EvictionPolicy;
use moka::sync::Cache;

use super::fingerprint::Fingerprints;
use super::memory::DEFAULT_CAPACITY;
use super::store::{OwnerToken, ReplayKey, ReplayStore, Reservation, StoreError};

/// How many locks the reservations in flight are spread over.
const SHARDS: usize = 16;

type Hasher = foldhash::fast::RandomState;

/// A [`ReplayStore`] on a bounded [`moka::sync::Cache`] (feature `moka`). Cloning is cheap
/// and shares the store.
///
/// [`MemoryStore`](super::MemoryStore), the default, is several times faster and passes
/// the same conformance suite; this store is for users who already run moka and want its
/// eviction policy and its counters.
///
/// - Handled ids live in the moka cache, each for its TTL; when the cache is full, the
///   least recently used go first (never a new one: moka's default policy, TinyLFU, would
///   drop new ids straight away, and every event id is new).
/// - Reservations in flight are kept beside the cache, in maps behind 16 locks, so that
///   moka can never evict one: with `max_ids` reservations live, a new id is refused with
///   [`StoreError::Full`] (503), never let in by forgetting one.
/// - `reserve`, `commit` and `release` of an id run under its map's lock, which makes them
///   atomic: of many concurrent reservations of one id exactly one is acquired, and a
///   commit moves the id into the cache before it leaves the map.
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
    done: Cache<u128, Done, Hasher>,
    in_flight: Arc<[Mutex<HashMap<u128, Lease, Hasher>>]>,
    /// How many entries the maps hold in all (live or lapsed), and how many they may.
    leases: Arc<AtomicUsize>,
    max_leases: usize,
    fingerprints: Fingerprints,
}

/// A handled id: until when it counts, and the TTL moka expires it after.
#[derive(Debug, Clone, Copy)]
struct Done {
    until: Instant,
    ttl: Duration,
}

/// A reservation in flight.
#[derive(Debug, Clone, Copy)]
struct Lease {
    owner: u128,
    until: Instant,
}

/// A century: the cap on every duration, which every platform's `Instant` can add.
const FOREVER: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

fn after(now: Instant, duration: Duration) -> Instant {
    now.checked_add(duration.min(FOREVER)).unwrap_or(now)
}

/// Tells moka each handled id's TTL.
struct Ttl;

impl Expiry<u128, Done> for Ttl {
    fn expire_after_create(&self, _: &u128, done: &Done, _: Instant) -> Option<Duration> {
        Some(done.ttl.min(FOREVER))
    }

    fn expire_after_update(
        &self,
        _: &u128,
        done: &Done,
        _: Instant,
        _: Option<Duration>,
    ) -> Option<Duration> {
        Some(done.ttl.min(FOREVER))
    }
}

impl MokaStore {
    /// A store keeping at most `max_ids` handled ids, and at most `max_ids` in flight
    /// (at least [`MIN_CAPACITY`](super::MIN_CAPACITY) of each).
    pub fn new(max_ids: u64) -> Self {
        let max_ids = max_ids.max(super::MIN_CAPACITY);
        Self {
            done: Cache::builder()
                .max_capacity(max_ids)
                .eviction_policy(EvictionPolicy::lru())
                .expire_after(Ttl)
                .build_with_hasher(Hasher::default()),
            in_flight: (0..SHARDS)
                .map(|_| Mutex::new(HashMap::with_hasher(Hasher::default())))
                .collect(),
            leases: Arc::new(AtomicUsize::new(0)),
            max_leases: usize::try_from(max_ids).unwrap_or(usize::MAX),
            fingerprints: Fingerprints::random(),
        }
    }

    /// How many handled ids the cache holds; moka updates the count lazily.
    pub fn entry_count(&self) -> u64 {
        self.done.entry_count()
    }

    fn is_done(&self, key: u128, now: Instant) -> bool {
        self.done.get(&key).is_some_and(|done| now < done.until)
    }

    fn leases(&self, key: u128) -> MutexGuard<'_, HashMap<u128, Lease, Hasher>> {
        let i = ((key >> 64) as usize).checked_rem(SHARDS).unwrap_or(0);
        // `i < SHARDS`, the length `new` gives the slice.
        #[allow(clippy::indexing_slicing)]
        lock(&self.in_flight[i])
    }

    /// Counts one more lease, dropping lapsed ones first when the maps are full: `held`
    /// is the caller's map, already locked; the others are swept only if free at once
    /// (never waiting for a second lock while holding one). `false` when every lease is
    /// live.
    fn room_for_lease(&self, held: &mut HashMap<u128, Lease, Hasher>, now: Instant) -> bool {
        if self.leases.fetch_add(1, Ordering::AcqRel) < self.max_leases {
            return true;
        }
        self.sweep(held, now);
        for map in self.in_flight.iter() {
            if let Ok(mut other) = map.try_lock() {
                self.sweep(&mut other, now);
            }
        }
        if self.leases.load(Ordering::Acquire) <= self.max_leases {
            return true;
        }
        self.leases.fetch_sub(1, Ordering::AcqRel);
        false
    }

    fn sweep(&self, map: &mut HashMap<u128, Lease, Hasher>, now: Instant) {
        let before = map.len();
        map.retain(|_, lease| now < lease.until);
        self.leases
            .fetch_sub(before.saturating_sub(map.len()), Ordering::AcqRel);
    }

    fn remove_lease(&self, map: &mut HashMap<u128, Lease, Hasher>, key: u128) {
        if map.remove(&key).is_some() {
            self.leases.fetch_sub(1, Ordering::AcqRel);
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Nothing panics while holding one; a poisoned map is still a valid map.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
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
            .field("max_ids", &self.done.policy().max_capacity())
            .field("handled", &self.done.entry_count())
            .finish_non_exhaustive()
    }
}

impl ReplayStore for MokaStore {
    async fn reserve(
        &self,
        key: ReplayKey<'_>,
        lease: Duration,
    ) -> Result<Reservation, StoreError> {
        let key = self.fingerprints.of(key);
        let now = Instant::now();
        // A handled id stays handled until its TTL ends: no lock needed to say so.
        if self.is_done(key, now) {
            return Ok(Reservation::Done);
        }
        let owner = OwnerToken::random();
        let mut leases = self.leases(key);
        if leases.get(&key).is_some_and(|held| now < held.until) {
            return Ok(Reservation::InFlight);
        }
        // Committed between the check above and the lock: the commit held this lock.
        if self.is_done(key, now) {
            return Ok(Reservation::Done);
        }
        // A lapsed lease of this id is replaced in place; a new one needs room.
        if !leases.contains_key(&key) && !self.room_for_lease(&mut leases, now) {
            return Err(StoreError::Full);
        }
        leases.insert(
            key,
            Lease {
                owner: owner.bits(),
                until: after(now, lease),
            },
        );
        Ok(Reservation::Acquired(owner))
    }

    async fn commit(
        &self,
        key: ReplayKey<'_>,
        owner: &OwnerToken,
        ttl: Duration,
    ) -> Result<bool, StoreError> {
        let key = self.fingerprints.of(key);
        let now = Instant::now();
        let mut leases = self.leases(key);
        if !holds(&leases, key, owner, now) {
            return Ok(false);
        }
        self.done.insert(
            key,
            Done {
                until: after(now, ttl),
                ttl,
            },
        );
        self.remove_lease(&mut leases, key);
        Ok(true)
    }

    async fn release(&self, key: ReplayKey<'_>, owner: &OwnerToken) -> Result<bool, StoreError> {
        let key = self.fingerprints.of(key);
        let mut leases = self.leases(key);
        if !holds(&leases, key, owner, Instant::now()) {
            return Ok(false);
        }
        self.remove_lease(&mut leases, key);
        Ok(true)
    }
}

fn holds(
    leases: &HashMap<u128, Lease, Hasher>,
    key: u128,
    owner: &OwnerToken,
    now: Instant,
) -> bool {
    leases
        .get(&key)
        .is_some_and(|held| held.owner == owner.bits() && now < held.until)
}
