//! The sweeper: deletes expired rows in bounded batches, in the background.

use std::fmt;
use std::time::Duration;

use hookshield_core::replay::StoreError;
use sqlx::PgPool;
use tokio::task::JoinHandle;

use crate::sql::SWEEP;
use crate::store::bounded;

/// The least time one sweep statement is given.
const SWEEP_TIMEOUT: Duration = Duration::from_secs(10);

/// The most batches one sweep deletes before it waits for the next.
const MAX_BATCHES: u32 = 100;

/// How often and how much the sweeper deletes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct SweepConfig {
    pub(crate) every: Duration,
    pub(crate) batch: u32,
}

impl Default for SweepConfig {
    fn default() -> Self {
        Self {
            every: Duration::from_secs(300),
            batch: 1000,
        }
    }
}

impl fmt::Debug for SweepConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sweep")
            .field("every", &self.every)
            .field("batch", &self.batch)
            .finish()
    }
}

impl SweepConfig {
    /// Deletes up to one batch of expired rows; answers how many.
    pub(crate) async fn run_once(
        &self,
        pool: &PgPool,
        timeout: Duration,
    ) -> Result<u64, StoreError> {
        let statement = sqlx::query(SWEEP).bind(i64::from(self.batch)).execute(pool);
        // A batch may take longer than one reserve: give it at least SWEEP_TIMEOUT.
        Ok(bounded(timeout.max(SWEEP_TIMEOUT), statement)
            .await?
            .rows_affected())
    }

    /// Deletes batches until one comes back short (or [`MAX_BATCHES`] did); answers how
    /// many rows in all.
    async fn run(&self, pool: &PgPool, timeout: Duration) -> Result<u64, StoreError> {
        let mut deleted = 0_u64;
        for _ in 0..MAX_BATCHES {
            let rows = self.run_once(pool, timeout).await?;
            deleted = deleted.saturating_add(rows);
            if rows < u64::from(self.batch) {
                break;
            }
        }
        Ok(deleted)
    }
}

/// The sweeping task; aborted when dropped (with the store's last clone).
#[derive(Debug)]
pub(crate) struct Sweeper {
    task: JoinHandle<()>,
}

impl Sweeper {
    pub(crate) fn start(
        runtime: &tokio::runtime::Handle,
        pool: PgPool,
        config: SweepConfig,
        timeout: Duration,
    ) -> Self {
        let task = runtime.spawn(async move {
            let mut ticks = tokio::time::interval(config.every);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            // The first tick is at once: skip it, the table was swept or is new.
            ticks.tick().await;
            loop {
                ticks.tick().await;
                match config.run(&pool, timeout).await {
                    Ok(0) => {}
                    Ok(rows) => tracing::debug!(rows, "swept expired webhook events"),
                    Err(error) => {
                        tracing::warn!(%error, "could not sweep expired webhook events");
                    }
                }
            }
        });
        Self { task }
    }
}

impl Drop for Sweeper {
    fn drop(&mut self) {
        self.task.abort();
    }
}
