//! [`MokaStore`]: the in-memory replay store, for a single receiving process.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use moka::Expiry;
use moka::future::Cache;
use moka::ops::compute::{CompResult, Op};
use moka::policy::EvictionPolicy;

use super::store::{OwnerToken, ReplayKey, ReplayStore, Reservation, StoreError};

/// How many ids [`MokaStore::new`] keeps at most by default ([`MokaStore::default`]).
pub const DEFAULT_CAPACITY: u64 = 100_000;

/// How long [`MokaStore`] keeps an entry in memory by default: 4 days, the longest replay
/// TTL of the presets.
pub const DEFAULT_RETENTION: Duration = Duration::from_secs(96 * 3600);

/// The in-memory [`ReplayStore`], on a bounded [`moka::future::Cache`]. Cloning is cheap
/// and shares the cache.
///
/// - `reserve` is one `and_compute_with` on the id's entry, which moka runs atomically per
///   key: of many concurrent reservations of one id exactly one is acquired.
/// - Each entry is a small slot behind a mutex holding its state (in flight with its owner,
///   done, released) and the instant it stops counting. `commit` and `release` change the
///   slot in place, under its mutex and only for its owner, so a new event costs a single
///   moka write. An entry whose instant has passed counts as absent; a `reserve` replaces
///   it.
/// - moka frees an entry after the *retention* ([`DEFAULT_RETENTION`], or
///   [`with_retention`](Self::with_retention)); a commit whose TTL is longer extends it.
///   When the cache is full, moka evicts the least recently used entries first (never a
///   new one): size the capacity above the number of events a provider can deliver within
///   the TTL, or a very old duplicate may run again.
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
    cache: Cache<u128, Slot, foldhash::fast::RandomState>,
    /// The key of the keyed hash that turns (namespace, id) into a cache key.
    fingerprint: (u64, u64),
    retention: Duration,
}

/// One id's entry, shared between the cache and whoever holds it for a moment.
#[derive(Debug, Clone)]
struct Slot(Arc<Mutex<Entry>>);

#[derive(Debug)]
struct Entry {
    state: State,
    /// After this instant the entry counts as absent.
    until: Instant,
    /// How long moka keeps the entry in memory.
    retention: Duration,
}

#[derive(Debug, PartialEq, Eq)]
enum State {
    InFlight(OwnerToken),
    Done,
    Released,
}

/// A century: the cap on every duration, which every platform's `Instant` can add.
const FOREVER: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

fn deadline(after: Duration) -> Instant {
    let now = Instant::now();
    now.checked_add(after.min(FOREVER)).unwrap_or(now)
}

impl Slot {
    fn new(state: State, lasts: Duration, retention: Duration) -> Self {
        Self(Arc::new(Mutex::new(Entry {
            state,
            until: deadline(lasts),
            retention: retention.max(lasts).min(FOREVER),
        })))
    }

    fn lock(&self) -> MutexGuard<'_, Entry> {
        // The critical sections below cannot panic; a poisoned lock holds a valid entry.
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Entry {
    fn is_live(&self) -> bool {
        self.state != State::Released && Instant::now() < self.until
    }

    fn held_by(&self, owner: &OwnerToken) -> bool {
        self.is_live() && matches!(&self.state, State::InFlight(o) if o == owner)
    }
}

/// Tells moka each entry's retention.
struct Retention;

impl Expiry<u128, Slot> for Retention {
    fn expire_after_create(&self, _: &u128, slot: &Slot, _: Instant) -> Option<Duration> {
        Some(slot.lock().retention)
    }

    fn expire_after_update(
        &self,
        _: &u128,
        slot: &Slot,
        _: Instant,
        _: Option<Duration>,
    ) -> Option<Duration> {
        Some(slot.lock().retention)
    }
}

impl MokaStore {
    /// A store keeping at most `max_ids` ids, each for up to [`DEFAULT_RETENTION`].
    pub fn new(max_ids: u64) -> Self {
        Self::build(max_ids, DEFAULT_RETENTION)
    }

    fn build(max_ids: u64, retention: Duration) -> Self {
        let random = uuid::Uuid::new_v4().as_u64_pair();
        Self {
            fingerprint: random,
            cache: Cache::builder()
                .max_capacity(max_ids)
                // Least recently used goes first. moka's default (TinyLFU) admits a new key
                // into a full cache only if it is used more often than the one it would
                // evict, so a new id (used once) is dropped again at once.
                .eviction_policy(EvictionPolicy::lru())
                .expire_after(Retention)
                .build_with_hasher(foldhash::fast::RandomState::default()),
            retention,
        }
    }

    /// How long entries stay in memory (at least as long as their TTL or lease). Builds a
    /// new, empty store.
    pub fn with_retention(self, retention: Duration) -> Self {
        Self::build(
            self.cache
                .policy()
                .max_capacity()
                .unwrap_or(DEFAULT_CAPACITY),
            retention,
        )
    }

    /// How many ids the store holds (in flight, done, or lapsed but not yet freed); moka
    /// updates the count lazily.
    pub fn entry_count(&self) -> u64 {
        self.cache.entry_count()
    }

    /// The cache key: a 128-bit SipHash-1-3 of (namespace length, namespace, id) under a
    /// random key drawn when the store is built. Nothing is allocated and the cache hashes
    /// 16 bytes instead of the whole id; telling two ids apart rests on SipHash as a keyed
    /// PRF (a collision takes about 2^64 ids), and an attacker never sees the key.
    fn key(&self, key: ReplayKey<'_>) -> u128 {
        use siphasher::sip128::{Hasher128, SipHasher13};
        use std::hash::Hasher;
        let (k0, k1) = self.fingerprint;
        let mut hasher = SipHasher13::new_with_keys(k0, k1);
        let namespace = key.namespace().as_bytes();
        hasher.write_usize(namespace.len());
        hasher.write(namespace);
        hasher.write(key.event_id().as_bytes());
        hasher.finish128().as_u128()
    }

    /// The slot of `key`, if the cache holds one.
    async fn slot(&self, key: ReplayKey<'_>) -> Option<Slot> {
        self.cache.get(&self.key(key)).await
    }
}

impl Default for MokaStore {
    /// A store of [`DEFAULT_CAPACITY`] ids kept for [`DEFAULT_RETENTION`].
    fn default() -> Self {
        Self::new(DEFAULT_CAPACITY)
    }
}

impl fmt::Debug for MokaStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MokaStore")
            .field("max_ids", &self.cache.policy().max_capacity())
            .field("retention", &self.retention)
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
        let cache_key = self.key(key);
        // A live entry answers without moka's (costlier) atomic compute. Its state can only
        // change to done (answered in flight a moment early) or released/lapsed (this copy
        // is told to come back later): the same answers a copy sent a moment earlier gets.
        if let Some(slot) = self.cache.get(&cache_key).await {
            let entry = slot.lock();
            if entry.is_live() {
                return Ok(match entry.state {
                    State::Done => Reservation::Done,
                    _ => Reservation::InFlight,
                });
            }
        }
        let owner = OwnerToken::random();
        let result = self
            .cache
            .entry(cache_key)
            .and_compute_with(|current| {
                let op = match current {
                    Some(entry) if entry.value().lock().is_live() => Op::Nop,
                    _ => Op::Put(Slot::new(
                        State::InFlight(owner.clone()),
                        lease,
                        self.retention,
                    )),
                };
                std::future::ready(op)
            })
            .await;
        Ok(match result {
            CompResult::Unchanged(entry) => match entry.value().lock().state {
                State::Done => Reservation::Done,
                // A slot released or lapsed after the check above: still being settled.
                _ => Reservation::InFlight,
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
        let Some(slot) = self.slot(key).await else {
            return Ok(false);
        };
        let extend = {
            let mut entry = slot.lock();
            if !entry.held_by(owner) {
                return Ok(false);
            }
            entry.state = State::Done;
            entry.until = deadline(ttl);
            let extend = ttl > entry.retention;
            entry.retention = entry.retention.max(ttl).min(FOREVER);
            extend
        };
        if extend {
            // moka re-reads the retention on update. The slot is the same, so a reserve
            // that read it in between saw the same state.
            self.cache.insert(self.key(key), slot).await;
        }
        Ok(true)
    }

    async fn release(&self, key: ReplayKey<'_>, owner: &OwnerToken) -> Result<bool, StoreError> {
        let Some(slot) = self.slot(key).await else {
            return Ok(false);
        };
        let mut entry = slot.lock();
        if !entry.held_by(owner) {
            return Ok(false);
        }
        entry.state = State::Released;
        Ok(true)
    }
}
