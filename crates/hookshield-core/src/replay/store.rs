//! The store contract: reserve, commit, release, keyed by (namespace, event id).

use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// Which event a store entry is about: the endpoint's namespace and the provider's event
/// id. Two endpoints (say, a Civo and a GitHub receiver) never see each other's ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ReplayKey<'a> {
    namespace: &'a str,
    event_id: &'a str,
}

impl<'a> ReplayKey<'a> {
    /// The key of `event_id` in `namespace`.
    pub const fn new(namespace: &'a str, event_id: &'a str) -> Self {
        Self {
            namespace,
            event_id,
        }
    }

    /// The endpoint namespace.
    pub const fn namespace(&self) -> &'a str {
        self.namespace
    }

    /// The provider's event id.
    pub const fn event_id(&self) -> &'a str {
        self.event_id
    }
}

/// Proof of a reservation: only the holder of the token a [`ReplayStore::reserve`] handed
/// out can commit or release that reservation. Unique across processes (a random 64-bit
/// prefix per process and a 64-bit counter), so a process that lost its lease can never
/// act on the reservation of the process that took over.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct OwnerToken(u128);

impl OwnerToken {
    /// A fresh token, never handed out before by any process: a random 64-bit prefix
    /// drawn once per process from the OS, and a 64-bit counter. No system call per token.
    pub fn random() -> Self {
        static PREFIX: OnceLock<u64> = OnceLock::new();
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let prefix = *PREFIX.get_or_init(|| {
            let random = uuid::Uuid::new_v4().as_u128();
            // The low 64 bits of a v4 UUID hold 62 random bits; fold in the high half.
            u64::try_from(random >> 64).unwrap_or(0) ^ (random as u64)
        });
        let count = COUNTER.fetch_add(1, Ordering::Relaxed);
        Self((u128::from(prefix) << 64) | u128::from(count))
    }

    /// The token as 32 lowercase hex digits, as stores that keep text (Redis) write it.
    pub fn to_hex(&self) -> String {
        format!("{:032x}", self.0)
    }

    /// The token's 128 bits, as the in-memory stores keep it.
    pub(super) fn bits(&self) -> u128 {
        self.0
    }

    /// Reads a token written by [`to_hex`](Self::to_hex).
    pub fn from_hex(text: &str) -> Option<Self> {
        if text.len() != 32 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        u128::from_str_radix(text, 16).ok().map(Self)
    }
}

impl fmt::Debug for OwnerToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OwnerToken({})", self.to_hex())
    }
}

/// What [`ReplayStore::reserve`] found.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reservation {
    /// The id was unseen (or its previous reservation was released or lapsed): it is now
    /// in flight, owned by the token.
    Acquired(OwnerToken),
    /// Another request holds the id right now.
    InFlight,
    /// The id was handled successfully within its TTL.
    Done,
}

/// A store that could not answer. Whatever the cause, the request is refused with 503 and
/// `Retry-After`, so the provider delivers it again later: nothing is lost, nothing runs
/// twice.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The store did not answer in time.
    #[error("the replay store did not answer in time")]
    Timeout,
    /// The store holds nothing but events in flight, none of which it may forget: a new
    /// id must wait until one is settled or its lease lapses.
    #[error("the replay store is full of events in flight")]
    Full,
    /// The store answered with an error or could not be reached.
    #[error("the replay store is unavailable: {0}")]
    Unavailable(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// Where the replay guard remembers event ids.
///
/// The three steps follow the pipeline: [`reserve`](Self::reserve) before the handler runs,
/// then [`commit`](Self::commit) when it answered 2xx, or [`release`](Self::release) when it
/// did not (error, panic, dropped request). Every implementation must pass
/// `replay::conformance` (feature `conformance`), which checks exactly this contract:
///
/// - `reserve` is atomic: of any number of concurrent calls for one key, exactly one gets
///   [`Reservation::Acquired`];
/// - an in-flight reservation lapses after its `lease`, so a crashed process cannot block
///   an event forever; a done entry is forgotten after its `ttl`;
/// - `commit` and `release` act only for the current owner and answer whether they did.
pub trait ReplayStore: fmt::Debug + Send + Sync + 'static {
    /// Marks `key` in flight for at most `lease`, unless it is in flight or done already.
    fn reserve(
        &self,
        key: ReplayKey<'_>,
        lease: Duration,
    ) -> impl Future<Output = Result<Reservation, StoreError>> + Send;

    /// Marks `key` done for `ttl` if `owner` still holds its reservation; `Ok(false)` when
    /// it does not (the lease lapsed, or another owner took over).
    fn commit(
        &self,
        key: ReplayKey<'_>,
        owner: &OwnerToken,
        ttl: Duration,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Forgets `key` if `owner` still holds its reservation, so the provider's next
    /// delivery is handled; `Ok(false)` when it does not.
    fn release(
        &self,
        key: ReplayKey<'_>,
        owner: &OwnerToken,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
}

impl<S: ReplayStore> ReplayStore for Arc<S> {
    fn reserve(
        &self,
        key: ReplayKey<'_>,
        lease: Duration,
    ) -> impl Future<Output = Result<Reservation, StoreError>> + Send {
        S::reserve(self, key, lease)
    }

    fn commit(
        &self,
        key: ReplayKey<'_>,
        owner: &OwnerToken,
        ttl: Duration,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send {
        S::commit(self, key, owner, ttl)
    }

    fn release(
        &self,
        key: ReplayKey<'_>,
        owner: &OwnerToken,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send {
        S::release(self, key, owner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_through_hex_and_differ() {
        let a = OwnerToken::random();
        assert_eq!(OwnerToken::from_hex(&a.to_hex()), Some(a.clone()));
        assert_ne!(a, OwnerToken::random());
        assert_eq!(OwnerToken::from_hex("xyz"), None);
        assert_eq!(OwnerToken::from_hex(&"g".repeat(32)), None);
        assert_eq!(OwnerToken::from_hex(&format!("+{}", "0".repeat(31))), None);
    }
}
