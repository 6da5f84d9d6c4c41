//! Reserves that outlived their timeout. Cancelling one would leave its outcome unknown: the
//! `INSERT` may have reached the database and taken the id, and nobody would settle that
//! reservation, so the provider's retries would be answered 409 for the whole lease.
//! Instead the statement is left to finish in the background, and what it took is released
//! (owner-checked) as soon as it answers.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;

/// Late reserves one store (with its clones) lets finish at once; beyond that a late
/// reserve is cancelled (what it may have taken lapses with its lease, and a warning is
/// logged).
pub(crate) const MAX_PENDING: usize = 1024;

/// The reserve statement: what it found (`acquired`, a state, or nothing).
type Statement = Pin<Box<dyn Future<Output = Result<Option<String>, sqlx::Error>> + Send>>;

/// The late reserves of one store, shared by its clones.
#[derive(Debug, Clone)]
pub(crate) struct LateReserves {
    places: Arc<Semaphore>,
}

impl Default for LateReserves {
    fn default() -> Self {
        Self {
            places: Arc::new(Semaphore::new(MAX_PENDING)),
        }
    }
}

impl LateReserves {
    /// Lets `statement` finish (within `lease`, after which what it took has lapsed
    /// anyway) in a task on the current Tokio runtime, and runs `release` if it took the
    /// id.
    pub(crate) fn finish(
        &self,
        statement: Statement,
        lease: Duration,
        release: impl Future<Output = ()> + Send + 'static,
    ) {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let Ok(place) = Arc::clone(&self.places).try_acquire_owned() else {
            tracing::warn!(
                "too many late reserves under way; this one is cancelled and what it may \
                 have taken lapses with its lease"
            );
            return;
        };
        runtime.spawn(async move {
            let _place = place;
            match tokio::time::timeout(lease, statement).await {
                Ok(Ok(Some(found))) if found == "acquired" => {
                    tracing::debug!("a late reserve took its id; releasing it");
                    release.await;
                }
                Ok(_) => {}
                Err(_) => tracing::warn!(
                    "a late reserve did not finish within its lease; what it took has lapsed"
                ),
            }
        });
    }
}
