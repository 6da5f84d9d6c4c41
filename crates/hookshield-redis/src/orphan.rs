//! Orphaned reservations: a reserve that gave up waiting (timeout, lost connection) may
//! still have reached Redis, so its `SET` can land after the guard has already answered
//! 503. Nobody would settle that reservation, and the provider's retries would find the id
//! in flight (409) for the whole lease. So the store releases it in the background, for
//! the owner token that reserve used (owner-checked: a reservation another request holds
//! is never touched), on the same connection.
//!
//! The connection is multiplexed: Redis runs what one connection sends in order, so a
//! release sent after the `SET` runs after it, even when Redis was paused and runs both on
//! waking up, and even when this side stopped waiting for either answer. The retries
//! cover a release that did not get through (a reconnect, a refused connection).

use std::sync::Arc;
use std::time::Duration;

use hookshield_core::replay::StoreError;
use redis::aio::ConnectionManager;
use redis::{ErrorKind, RedisError};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

use crate::scripts::RELEASE;

/// Background releases one store (with its clones) runs at most at once; beyond that an
/// orphaned reservation is left to lapse with its lease (and a warning is logged).
pub(crate) const MAX_PENDING: usize = 1024;
/// Release attempts per orphaned reservation.
pub(crate) const ATTEMPTS: u32 = 8;
/// The wait after the first failed attempt; doubled after each, up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(50);
/// The longest wait between two attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(2);

/// Whether a reserve that failed with `error` may still have written its reservation: yes
/// unless Redis refused the connection or answered with an error (then the `SET` did not
/// run).
pub(crate) fn may_have_landed(error: &StoreError) -> bool {
    match error {
        StoreError::Unavailable(source) => source
            .downcast_ref::<RedisError>()
            .is_none_or(|error| !never_ran(error)),
        _ => true,
    }
}

/// Whether the command that failed with `error` certainly did not run.
fn never_ran(error: &RedisError) -> bool {
    error.is_connection_refusal()
        || matches!(
            error.kind(),
            ErrorKind::Server(_)
                | ErrorKind::Extension
                | ErrorKind::AuthenticationFailed
                | ErrorKind::InvalidClientConfig
                | ErrorKind::Client
        )
}

/// The background releases of one store, shared by its clones: a place under
/// [`MAX_PENDING`] is held by each one under way, given back when it ends (or is cancelled
/// with its runtime).
#[derive(Debug, Clone)]
pub(crate) struct Orphans {
    places: Arc<Semaphore>,
}

impl Default for Orphans {
    fn default() -> Self {
        Self {
            places: Arc::new(Semaphore::new(MAX_PENDING)),
        }
    }
}

impl Orphans {
    /// Releases `key` if `owner` holds it, in a task on the current Tokio runtime: each
    /// attempt bounded by `timeout`, at most [`ATTEMPTS`], all within `lease` (after which
    /// the reservation has lapsed anyway). Does nothing outside a runtime or when
    /// [`MAX_PENDING`] releases are under way.
    pub(crate) fn release(
        &self,
        connection: ConnectionManager,
        key: String,
        owner: String,
        timeout: Duration,
        lease: Duration,
    ) {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let Some(place) = self.take_place() else {
            tracing::warn!(
                key,
                "too many orphaned reservations being released; this one lapses with its lease"
            );
            return;
        };
        runtime.spawn(async move {
            let _place = place;
            release(connection, &key, &owner, timeout, lease).await;
        });
    }

    /// One of the [`MAX_PENDING`] places, if one is free.
    fn take_place(&self) -> Option<OwnedSemaphorePermit> {
        Arc::clone(&self.places).try_acquire_owned().ok()
    }

    /// How many background releases are under way.
    #[cfg(test)]
    fn pending(&self) -> usize {
        MAX_PENDING.saturating_sub(self.places.available_permits())
    }
}

async fn release(
    mut connection: ConnectionManager,
    key: &str,
    owner: &str,
    timeout: Duration,
    lease: Duration,
) {
    let started = Instant::now();
    let mut backoff = FIRST_BACKOFF;
    for attempt in 1..=ATTEMPTS {
        let answer = tokio::time::timeout(
            timeout,
            RELEASE
                .key(key)
                .arg(owner)
                .invoke_async::<i64>(&mut connection),
        )
        .await;
        match answer {
            Ok(Ok(released)) => {
                tracing::debug!(
                    key,
                    attempt,
                    released = released == 1,
                    "orphaned reservation settled"
                );
                return;
            }
            Ok(Err(error)) => {
                tracing::debug!(key, attempt, %error, "releasing an orphaned reservation failed");
            }
            Err(_) => {
                tracing::debug!(key, attempt, "releasing an orphaned reservation timed out");
            }
        }
        if attempt == ATTEMPTS || started.elapsed().saturating_add(backoff) >= lease {
            break;
        }
        tokio::time::sleep(backoff).await;
        backoff = backoff.saturating_mul(2).min(MAX_BACKOFF);
    }
    tracing::warn!(
        key,
        "could not release an orphaned reservation; if it landed, it lapses with its lease"
    );
}

#[cfg(test)]
mod tests {
    use std::io;

    use hookshield_core::replay::StoreError;
    use redis::{ErrorKind, RedisError};

    use super::{MAX_PENDING, Orphans, may_have_landed};

    fn failed(error: RedisError) -> StoreError {
        StoreError::Unavailable(Box::new(error))
    }

    #[test]
    fn what_may_have_landed() {
        assert!(may_have_landed(&StoreError::Timeout));
        for kind in [
            io::ErrorKind::TimedOut,
            io::ErrorKind::ConnectionReset,
            io::ErrorKind::BrokenPipe,
            io::ErrorKind::UnexpectedEof,
        ] {
            let error = failed(io::Error::from(kind).into());
            assert!(may_have_landed(&error), "{kind:?}");
        }
        assert!(may_have_landed(&failed(
            (ErrorKind::Parse, "unreadable answer").into()
        )));
        assert!(may_have_landed(&StoreError::Unavailable("other".into())));

        let refused = failed(io::Error::from(io::ErrorKind::ConnectionRefused).into());
        assert!(!may_have_landed(&refused));
        for kind in [
            ErrorKind::AuthenticationFailed,
            ErrorKind::InvalidClientConfig,
            ErrorKind::Client,
        ] {
            assert!(!may_have_landed(&failed((kind, "no").into())), "{kind:?}");
        }
    }

    #[test]
    fn slots_are_bounded_and_given_back() {
        let orphans = Orphans::default();
        let slots: Vec<_> = (0..MAX_PENDING)
            .map(|_| orphans.take_place().unwrap())
            .collect();
        assert_eq!(orphans.pending(), MAX_PENDING);
        assert!(orphans.take_place().is_none());
        drop(slots);
        assert_eq!(orphans.pending(), 0);
        assert!(orphans.take_place().is_some());
    }
}
