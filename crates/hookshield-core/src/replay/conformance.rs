//! The behaviour every [`ReplayStore`] must show, as async checks that panic (through
//! `assert!`) when a store gets it wrong. Emit them as tests, one per check and named
//! after it, with [`replay_store_conformance!`](crate::replay_store_conformance), or run
//! them all with [`run_all`] from a multi-threaded Tokio test:
//!
//! ```
//! # #[tokio::main(flavor = "multi_thread")] async fn main() {
//! use std::sync::Arc;
//! use hookshield_core::replay::{MemoryStore, conformance};
//!
//! conformance::run_all(Arc::new(MemoryStore::default())).await;
//! // A store that holds a bounded number of ids also passes the checks of a full store.
//! conformance::run_all_bounded(|capacity| async move { MemoryStore::new(capacity) }).await;
//! # }
//! ```
//!
//! A check added here is added to the list in `__replay_store_conformance!` too (a test
//! of this module fails otherwise); both the macro and [`run_all`] take the list from there.
//!
//! Each check works in a namespace of its own with a random suffix, so a shared store
//! (a Redis server used by other tests) can run them side by side. Two checks sleep for
//! about a second in all to see leases and TTLs lapse.

// A conformance suite reports a failing store the way tests do: by panicking.
#![allow(clippy::panic)]

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use super::store::{OwnerToken, ReplayKey, ReplayStore, Reservation};

/// Long enough never to lapse during a check.
const LONG: Duration = Duration::from_secs(60);
/// Short enough to lapse within the sleep that follows.
const SHORT: Duration = Duration::from_millis(300);
const PAST_SHORT: Duration = Duration::from_millis(700);

/// How many concurrent reservations [`exactly_one_of_many`] races.
pub const RACERS: usize = 1000;

fn namespace(check: &str) -> String {
    let suffix = OwnerToken::random().to_hex();
    format!(
        "conformance-{check}-{}",
        suffix.get(..12).unwrap_or(&suffix)
    )
}

async fn acquire<S: ReplayStore>(store: &S, key: ReplayKey<'_>, lease: Duration) -> OwnerToken {
    match store.reserve(key, lease).await {
        Ok(Reservation::Acquired(owner)) => owner,
        other => panic!("{key:?}: expected Acquired, got {other:?}"),
    }
}

async fn expect<S: ReplayStore>(store: &S, key: ReplayKey<'_>, want: &Reservation) {
    let got = store.reserve(key, LONG).await;
    assert!(
        matches!(&got, Ok(r) if r == want),
        "{key:?}: expected {want:?}, got {got:?}"
    );
}

/// A new id is acquired; while it is held, reserving again answers in flight.
pub async fn acquire_then_in_flight<S: ReplayStore>(store: Arc<S>) {
    let ns = namespace("acquire");
    let key = ReplayKey::new(&ns, "evt-1");
    let _owner = acquire(&*store, key, LONG).await;
    expect(&*store, key, &Reservation::InFlight).await;
}

/// The owner's commit makes the id done; a done id cannot be committed or released again.
pub async fn commit_marks_done<S: ReplayStore>(store: Arc<S>) {
    let ns = namespace("commit");
    let key = ReplayKey::new(&ns, "evt-1");
    let owner = acquire(&*store, key, LONG).await;
    assert!(
        matches!(store.commit(key, &owner, LONG).await, Ok(true)),
        "owner commits"
    );
    expect(&*store, key, &Reservation::Done).await;
    assert!(
        matches!(store.commit(key, &owner, LONG).await, Ok(false)),
        "second commit"
    );
    assert!(
        matches!(store.release(key, &owner).await, Ok(false)),
        "release after commit"
    );
    expect(&*store, key, &Reservation::Done).await;
}

/// Only the owner settles a reservation; the owner's release makes the id new again.
pub async fn only_the_owner_settles<S: ReplayStore>(store: Arc<S>) {
    let ns = namespace("owner");
    let key = ReplayKey::new(&ns, "evt-1");
    let owner = acquire(&*store, key, LONG).await;
    let stranger = OwnerToken::random();
    assert!(
        matches!(store.commit(key, &stranger, LONG).await, Ok(false)),
        "stranger commit"
    );
    assert!(
        matches!(store.release(key, &stranger).await, Ok(false)),
        "stranger release"
    );
    expect(&*store, key, &Reservation::InFlight).await;
    assert!(
        matches!(store.release(key, &owner).await, Ok(true)),
        "owner release"
    );
    let again = acquire(&*store, key, LONG).await;
    assert_ne!(again, owner, "a new reservation has a new owner");
    // Settling what was never reserved does nothing.
    let unknown = ReplayKey::new(&ns, "never-reserved");
    assert!(matches!(
        store.commit(unknown, &owner, LONG).await,
        Ok(false)
    ));
    assert!(matches!(store.release(unknown, &owner).await, Ok(false)));
    acquire(&*store, unknown, LONG).await;
}

/// Namespaces never share ids, even when namespace and id could be split differently.
pub async fn namespaces_are_separate<S: ReplayStore>(store: Arc<S>) {
    let ns = namespace("separate");
    let a = format!("{ns}-a");
    let b = format!("{ns}-b");
    acquire(&*store, ReplayKey::new(&a, "evt-1"), LONG).await;
    acquire(&*store, ReplayKey::new(&b, "evt-1"), LONG).await;
    let joined = format!("{ns}:x");
    acquire(&*store, ReplayKey::new(&joined, "y"), LONG).await;
    acquire(&*store, ReplayKey::new(&ns, "x:y"), LONG).await;
    acquire(&*store, ReplayKey::new(&ns, ":x:y"), LONG).await;
}

/// An abandoned in-flight reservation lapses after its lease and is taken over; the old
/// owner's late commit or release leaves the new owner's reservation alone.
pub async fn lapsed_lease_is_taken_over<S: ReplayStore>(store: Arc<S>) {
    let ns = namespace("lease");
    let key = ReplayKey::new(&ns, "evt-1");
    let old = acquire(&*store, key, SHORT).await;
    tokio::time::sleep(PAST_SHORT).await;
    let new = acquire(&*store, key, LONG).await;
    assert!(
        matches!(store.commit(key, &old, LONG).await, Ok(false)),
        "late commit"
    );
    assert!(
        matches!(store.release(key, &old).await, Ok(false)),
        "late release"
    );
    expect(&*store, key, &Reservation::InFlight).await;
    assert!(
        matches!(store.commit(key, &new, LONG).await, Ok(true)),
        "new owner commits"
    );
    expect(&*store, key, &Reservation::Done).await;
}

/// A done id is forgotten after its TTL.
pub async fn done_expires_after_ttl<S: ReplayStore>(store: Arc<S>) {
    let ns = namespace("ttl");
    let key = ReplayKey::new(&ns, "evt-1");
    let owner = acquire(&*store, key, LONG).await;
    assert!(matches!(store.commit(key, &owner, SHORT).await, Ok(true)));
    expect(&*store, key, &Reservation::Done).await;
    tokio::time::sleep(PAST_SHORT).await;
    acquire(&*store, key, LONG).await;
}

/// Of [`RACERS`] concurrent reservations of one new id, exactly one is acquired and all
/// others are told it is in flight; after the owner commits, all are told it is done.
pub async fn exactly_one_of_many<S: ReplayStore>(store: Arc<S>) {
    let ns: Arc<str> = namespace("race").into();
    let race = |id: &'static str| {
        let tasks: Vec<_> = (0..RACERS)
            .map(|_| {
                let (store, ns) = (Arc::clone(&store), Arc::clone(&ns));
                tokio::spawn(async move { store.reserve(ReplayKey::new(&ns, id), LONG).await })
            })
            .collect();
        async move {
            let mut results = Vec::with_capacity(tasks.len());
            for task in tasks {
                let joined = task.await;
                assert!(joined.is_ok(), "a reserve task panicked");
                if let Ok(result) = joined {
                    results.push(result);
                }
            }
            results
        }
    };
    let results = race("evt-1").await;
    let owners: Vec<_> = results
        .iter()
        .filter_map(|r| match r {
            Ok(Reservation::Acquired(owner)) => Some(owner.clone()),
            _ => None,
        })
        .collect();
    let in_flight = results
        .iter()
        .filter(|r| matches!(r, Ok(Reservation::InFlight)))
        .count();
    assert_eq!(owners.len(), 1, "exactly one reservation is acquired");
    assert_eq!(
        in_flight,
        RACERS.saturating_sub(1),
        "all others are in flight"
    );

    let key = ReplayKey::new(&ns, "evt-1");
    if let Some(owner) = owners.first() {
        assert!(matches!(store.commit(key, owner, LONG).await, Ok(true)));
    }
    let after = race("evt-1").await;
    assert!(
        after.iter().all(|r| matches!(r, Ok(Reservation::Done))),
        "after the commit every copy is done"
    );
}

/// The capacity of the store the checks above get from a bounded store's maker
/// (`replay_store_conformance!(bounded …)`, [`run_all_bounded`]).
pub const CAPACITY: u64 = 100_000;

async fn handle<S: ReplayStore>(store: &S, key: ReplayKey<'_>) {
    let owner = acquire(store, key, LONG).await;
    assert!(
        matches!(store.commit(key, &owner, LONG).await, Ok(true)),
        "{key:?}: owner commits"
    );
}

/// Handles new ids named `evt-<n>` one after the other; at each count of `checkpoints`,
/// checks that the last `newest` handled are still remembered as done.
async fn newest_survive<S: ReplayStore>(store: &S, prefix: &str, checkpoints: &[u64], newest: u64) {
    let ns = namespace(prefix);
    let mut handled = 0;
    for &count in checkpoints {
        for n in handled..count {
            handle(store, ReplayKey::new(&ns, &format!("evt-{n}"))).await;
        }
        handled = handled.max(count);
        for n in count.saturating_sub(newest)..count {
            let id = format!("evt-{n}");
            let got = store.reserve(ReplayKey::new(&ns, &id), LONG).await;
            assert!(
                matches!(got, Ok(Reservation::Done)),
                "{id}, among the {newest} handled last of {count}, was forgotten: {got:?}"
            );
        }
    }
}

/// **Bounded stores.** The first time the store fills, it makes room by forgetting its
/// oldest ids: one id past the capacity, and again at 1.5 × capacity, the last half
/// capacity handled are still done.
pub async fn newest_ids_survive_the_first_fill<S, F>(make: impl Fn(u64) -> F)
where
    S: ReplayStore,
    F: Future<Output = S>,
{
    const CAPACITY: u64 = 10_000;
    let store = make(CAPACITY).await;
    let checkpoints = [CAPACITY + 1, CAPACITY * 3 / 2];
    newest_survive(&store, "first-fill", &checkpoints, CAPACITY / 2).await;
}

/// **Bounded stores.** A store that has filled many times over still remembers its
/// newest ids: at a dozen points up to 20 × capacity ids handled, the last half capacity
/// are still done.
pub async fn newest_ids_survive_many_fills<S, F>(make: impl Fn(u64) -> F)
where
    S: ReplayStore,
    F: Future<Output = S>,
{
    const CAPACITY: u64 = 1_000;
    let store = make(CAPACITY).await;
    let checkpoints: Vec<u64> = [1, 2, 3, 5, 7, 10, 15, 20]
        .iter()
        .map(|fills| CAPACITY.saturating_mul(*fills))
        .flat_map(|count| [count, count.saturating_add(1)])
        .collect();
    newest_survive(&store, "many-fills", &checkpoints, CAPACITY / 2).await;
}

/// **Bounded stores.** Reservations released (a handler that failed, a dropped request)
/// give their room back: after five times the capacity of ids reserved and released, a
/// handled id is still done. (Otherwise a captured delivery the handler refuses, resent
/// under fresh unsigned ids, would flush every handled id out of the store.)
pub async fn released_reservations_forget_nothing<S, F>(make: impl Fn(u64) -> F)
where
    S: ReplayStore,
    F: Future<Output = S>,
{
    const CAPACITY: u64 = 1_000;
    let store = make(CAPACITY).await;
    let ns = namespace("released");
    let handled = ReplayKey::new(&ns, "handled");
    handle(&store, handled).await;
    for n in 0..CAPACITY * 5 {
        let id = format!("failed-{n}");
        let key = ReplayKey::new(&ns, &id);
        let owner = acquire(&store, key, LONG).await;
        assert!(
            matches!(store.release(key, &owner).await, Ok(true)),
            "{id}: owner releases"
        );
    }
    expect(&store, handled, &Reservation::Done).await;
}

/// **Bounded stores.** A reservation in flight is never forgotten to make room: after five
/// times the capacity of newer ids, a copy is still told the id is in flight, and the
/// owner's commit still counts.
pub async fn an_in_flight_id_survives_a_flood<S, F>(make: impl Fn(u64) -> F)
where
    S: ReplayStore,
    F: Future<Output = S>,
{
    const CAPACITY: u64 = 1_000;
    let store = make(CAPACITY).await;
    let ns = namespace("flood");
    let key = ReplayKey::new(&ns, "in-flight");
    let owner = acquire(&store, key, LONG).await;
    for n in 0..CAPACITY * 5 {
        handle(&store, ReplayKey::new(&ns, &format!("new-{n}"))).await;
    }
    expect(&store, key, &Reservation::InFlight).await;
    assert!(
        matches!(store.commit(key, &owner, LONG).await, Ok(true)),
        "the owner's commit still counts"
    );
    expect(&store, key, &Reservation::Done).await;
}

/// **Bounded stores.** A store full of live reservations refuses a new id with
/// [`StoreError::Full`](super::StoreError::Full) rather than forget one: every id acquired
/// is still in flight, and at least half the capacity was acquired before the refusal
/// (a store may refuse a little early, one shard being full before the others). Once
/// their leases lapse, new ids are acquired again.
pub async fn full_of_reservations_refuses_new_ids<S, F>(make: impl Fn(u64) -> F)
where
    S: ReplayStore,
    F: Future<Output = S>,
{
    const CAPACITY: u64 = 1_000;
    let store = make(CAPACITY).await;
    let ns = namespace("full");
    let mut held = Vec::new();
    let mut refused = None;
    for n in 0..CAPACITY * 4 {
        let id = format!("evt-{n}");
        match store.reserve(ReplayKey::new(&ns, &id), SHORT).await {
            Ok(Reservation::Acquired(_)) => held.push(id),
            Err(super::StoreError::Full) => {
                refused = Some(id);
                break;
            }
            other => panic!("{id}: expected Acquired or Full, got {other:?}"),
        }
    }
    let Some(refused) = refused else {
        panic!("{} reservations in flight and no refusal", CAPACITY * 4);
    };
    assert!(
        (CAPACITY / 2..=CAPACITY * 2).contains(&(held.len() as u64)),
        "{} reservations held by a store of {CAPACITY} when it refused",
        held.len()
    );
    for id in &held {
        let got = store.reserve(ReplayKey::new(&ns, id), SHORT).await;
        assert!(
            matches!(got, Ok(Reservation::InFlight)),
            "{id} was acquired and must still be in flight, got {got:?}"
        );
    }
    tokio::time::sleep(PAST_SHORT).await;
    acquire(&store, ReplayKey::new(&ns, &refused), LONG).await;
}

/// Every check, one after the other.
pub async fn run_all<S: ReplayStore>(store: Arc<S>) {
    crate::__replay_store_conformance! { @list @run_all store }
}

/// Every check of a bounded store (one that forgets its oldest ids when full, as the
/// in-memory stores do), one after the other: those of [`run_all`] on a store of
/// [`CAPACITY`] ids, then those of a bounded store, each on a store `make` builds.
pub async fn run_all_bounded<S, F>(make: impl Fn(u64) -> F)
where
    S: ReplayStore,
    F: Future<Output = S>,
{
    run_all(Arc::new(make(CAPACITY).await)).await;
    crate::__replay_store_conformance! { @bounded_list @run_all_bounded make }
}

/// Emits the store conformance suite as tests: one
/// `#[tokio::test(flavor = "multi_thread", worker_threads = 4)]` per check of
/// [`replay::conformance`](crate::replay::conformance), named after the check, so that a
/// failing test names the check. Each test makes a store of its own.
///
/// - `replay_store_conformance!(make_store)`: `make_store` is a path to an
///   `async fn() -> S`, `S:` [`ReplayStore`](crate::replay::ReplayStore).
/// - `replay_store_conformance!(optional make_store)`: `make_store` is an
///   `async fn() -> Option<S>`; `None` ends the test there, passed (for a store behind a
///   server that may be absent: whether that skips or fails is `make_store`'s choice).
/// - `replay_store_conformance!(bounded make_store)`: for a store that holds a bounded
///   number of ids (in memory): `make_store` is an `async fn(u64) -> S` building a store
///   of that capacity. Adds the checks of a full store (the newest ids survive, a
///   reservation in flight is never forgotten, a store full of them refuses new ids).
///
/// The crate that invokes it needs `tokio` with the `macros` and `rt-multi-thread`
/// features (a dev-dependency, for tests), and `hookshield-core`'s `conformance` feature.
///
/// ```
/// use hookshield_core::replay::MemoryStore;
///
/// async fn make_store(capacity: u64) -> MemoryStore {
///     MemoryStore::new(capacity)
/// }
///
/// // Tests named acquire_then_in_flight, commit_marks_done, …, full_of_reservations_refuses_new_ids
/// hookshield_core::replay_store_conformance!(bounded make_store);
/// # fn main() {}
/// ```
#[cfg(feature = "conformance")]
#[macro_export]
macro_rules! replay_store_conformance {
    (optional $make_store:path $(,)?) => {
        $crate::__replay_store_conformance! { @list @tests optional $make_store }
    };
    (bounded $make_store:path $(,)?) => {
        $crate::__replay_store_conformance! { @list @tests bounded $make_store }
        $crate::__replay_store_conformance! { @bounded_list @bounded_tests $make_store }
    };
    ($make_store:path $(,)?) => {
        $crate::__replay_store_conformance! { @list @tests required $make_store }
    };
}

/// The lists of checks, once, and what is made of them: the tests of
/// [`replay_store_conformance!`] and the bodies of [`run_all`] and [`run_all_bounded`].
/// Not public API.
#[doc(hidden)]
#[cfg(feature = "conformance")]
#[macro_export]
macro_rules! __replay_store_conformance {
    // Every check of `replay::conformance` that takes a store, in the order `run_all` runs
    // them, handed to the rule named by the tokens that follow `@list`.
    (@list $($then:tt)*) => {
        $crate::__replay_store_conformance! {
            $($then)* [
                acquire_then_in_flight,
                commit_marks_done,
                only_the_owner_settles,
                namespaces_are_separate,
                exactly_one_of_many,
                lapsed_lease_is_taken_over,
                done_expires_after_ttl,
            ]
        }
    };
    // The checks of a bounded store, which take a maker of stores of a given capacity.
    (@bounded_list $($then:tt)*) => {
        $crate::__replay_store_conformance! {
            $($then)* [
                newest_ids_survive_the_first_fill,
                newest_ids_survive_many_fills,
                released_reservations_forget_nothing,
                an_in_flight_id_survives_a_flood,
                full_of_reservations_refuses_new_ids,
            ]
        }
    };
    (@tests required $make_store:path [$($check:ident,)*]) => {$(
        #[::tokio::test(flavor = "multi_thread", worker_threads = 4)]
        async fn $check() {
            let store = $make_store().await;
            $crate::replay::conformance::$check(::std::sync::Arc::new(store)).await;
        }
    )*};
    (@tests optional $make_store:path [$($check:ident,)*]) => {$(
        #[::tokio::test(flavor = "multi_thread", worker_threads = 4)]
        async fn $check() {
            let ::std::option::Option::Some(store) = $make_store().await else {
                return;
            };
            $crate::replay::conformance::$check(::std::sync::Arc::new(store)).await;
        }
    )*};
    (@tests bounded $make_store:path [$($check:ident,)*]) => {$(
        #[::tokio::test(flavor = "multi_thread", worker_threads = 4)]
        async fn $check() {
            let store = $make_store($crate::replay::conformance::CAPACITY).await;
            $crate::replay::conformance::$check(::std::sync::Arc::new(store)).await;
        }
    )*};
    (@bounded_tests $make_store:path [$($check:ident,)*]) => {$(
        #[::tokio::test(flavor = "multi_thread", worker_threads = 4)]
        async fn $check() {
            $crate::replay::conformance::$check($make_store).await;
        }
    )*};
    (@run_all $store:ident [$($check:ident,)*]) => {
        $($crate::replay::conformance::$check(::std::sync::Arc::clone(&$store)).await;)*
    };
    (@run_all_bounded $make:ident [$($check:ident,)*]) => {
        $($crate::replay::conformance::$check(&$make).await;)*
    };
    (@names [$($check:ident,)*]) => {
        [$(::std::stringify!($check)),*]
    };
}

#[cfg(test)]
mod tests {
    /// The macro's list and the checks of this module are the same: every `pub async fn`
    /// here but `run_all`.
    #[test]
    fn the_list_has_every_check() {
        let mut listed = crate::__replay_store_conformance! { @list @names }.to_vec();
        listed.extend(crate::__replay_store_conformance! { @bounded_list @names });
        let mut defined: Vec<&str> = include_str!("conformance.rs")
            .lines()
            .filter_map(|line| line.strip_prefix("pub async fn "))
            .filter_map(|rest| rest.split('<').next())
            .filter(|name| !name.starts_with("run_all"))
            .collect();
        listed.sort_unstable();
        defined.sort_unstable();
        assert_eq!(
            listed, defined,
            "the checks listed in __replay_store_conformance! are not the module's"
        );
    }
}
