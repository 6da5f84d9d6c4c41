//! [`PgStore`] and its builder.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use hookshield_core::replay::{OwnerToken, ReplayKey, ReplayStore, Reservation, StoreError};
use sqlx::postgres::PgArguments;
use sqlx::query::Query;
use sqlx::{PgPool, Postgres};

use crate::late::LateReserves;
use crate::sql::{self, COMMIT, RELEASE, RESERVE};
use crate::sweep::{SweepConfig, Sweeper};

/// How long [`PgStore`] waits for one statement by default (a free connection included)
/// before answering [`StoreError::Timeout`]: 1 s.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(1);

/// A [`ReplayStore`] in a PostgreSQL table, `hookshield_events` (see [`MIGRATION`]),
/// shared by every instance of a receiver; and, with [`Inbox`](crate::Inbox), the record a
/// handler marks inside its own transaction.
///
/// | step | statement | round trips |
/// | --- | --- | --- |
/// | reserve | read the live row; if none, `INSERT … ON CONFLICT DO UPDATE … WHERE expired` | 1 |
/// | commit | `UPDATE … SET state = 'done'` where the owner's row is in flight | 1 |
/// | release | `DELETE` where the owner's row is in flight | 1 |
/// | inbox mark (in the handler's transaction) | `UPDATE … SET state = 'done'` for the event's reservations | 1 |
///
/// So an event costs two statements (reserve + commit), or one plus one statement in the
/// handler's own transaction with the inbox ([`Inbox::commit`](crate::Inbox::commit)).
/// Statements are prepared once per connection (sqlx's statement cache). Each is one round
/// trip on a connection; sqlx's pool adds its own: a ping when a connection is returned
/// (in the background) and, unless the pool is built with
/// [`test_before_acquire(false)`](sqlx::pool::PoolOptions::test_before_acquire), one more
/// before each checkout, on the request's path. For the store's pool, turn that off: a
/// dead connection then fails one statement, which is answered 503 and retried by the
/// provider. Leases and TTLs are measured by the database's clock, which
/// every instance shares.
///
/// The semantics are those of the other stores (the conformance suite checks them): an
/// owner token per reservation, a lease after which a crashed instance's reservation is
/// taken over, a TTL after which a handled id is forgotten. A copy of an event in flight is
/// answered from the row it finds, without a lock or a write, so copies never queue behind
/// a handler's transaction. A reservation past its lease that nobody took over still
/// commits (the row lock orders the commit against any takeover).
///
/// Every statement is bounded by the [timeout](PgStoreBuilder::timeout); a statement that
/// fails or times out is a [`StoreError`], which the replay guard answers with 503 and
/// `Retry-After` (fail closed: the provider retries later, nothing is lost, nothing runs
/// twice) unless the receiver was told to fail open (`with_fail_open(true)`).
///
/// # A reserve that times out
///
/// A reserve that gave up waiting is not cancelled: it goes on in the background (at most
/// 1,024 at once per store, each within its lease), and if it then takes the id, the
/// reservation is released at once, owner-checked. The provider's retry is therefore
/// handled rather than answered 409 for the whole lease.
///
/// # Expired rows
///
/// Expired rows are taken over in place, so the table stays correct without any cleanup;
/// to keep it small, a task on the Tokio runtime deletes expired rows every
/// [`sweep_every`](PgStoreBuilder::sweep_every) (default 5 min), in batches of at most
/// [`sweep_batch`](PgStoreBuilder::sweep_batch) rows (default 1,000), skipping rows
/// another statement holds, so several instances sweep side by side. It stops when the
/// last clone of the store is dropped. [`PgStore::sweep`] runs one batch by hand.
///
/// # Debug output
///
/// `{:?}` shows the timeout and the sweep settings, never the pool's connection options
/// (which hold the password).
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use hookshield_core::{presets, Receiver, Verifier};
/// use hookshield_postgres::PgStore;
///
/// let pool = sqlx::postgres::PgPoolOptions::new()
///     .test_before_acquire(false)
///     .connect("postgres://app@127.0.0.1/app")
///     .await?;
/// PgStore::migrate(&pool).await?; // creates hookshield_events if it is missing
/// let store = PgStore::builder(pool).build()?;
/// let verifier = Verifier::builder(presets::stripe()).encoded_secret("whsec_…").build()?;
/// let receiver = Receiver::new(verifier).with_replay_store(store);
/// # Ok(()) }
/// ```
///
/// [`MIGRATION`]: crate::MIGRATION
#[derive(Clone)]
pub struct PgStore {
    pool: PgPool,
    timeout: Duration,
    late: LateReserves,
    /// Stops the sweeper when the last clone is dropped.
    sweeper: Option<Arc<Sweeper>>,
    sweep: SweepConfig,
}

/// Builds a [`PgStore`].
#[derive(Clone)]
#[must_use]
pub struct PgStoreBuilder {
    pool: PgPool,
    timeout: Duration,
    sweep: SweepConfig,
    sweeping: bool,
}

impl PgStore {
    /// A builder over `pool` (the application's own pool, or one of its own). The table
    /// must exist: run [`PgStore::migrate`] or [`MIGRATION`](crate::MIGRATION) first.
    pub fn builder(pool: PgPool) -> PgStoreBuilder {
        PgStoreBuilder {
            pool,
            timeout: DEFAULT_TIMEOUT,
            sweep: SweepConfig::default(),
            sweeping: true,
        }
    }

    /// The pool the store runs its statements on.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Deletes up to one batch ([`sweep_batch`](PgStoreBuilder::sweep_batch)) of expired
    /// rows, oldest first; answers how many it deleted.
    pub async fn sweep(&self) -> Result<u64, StoreError> {
        self.sweep.run_once(&self.pool, self.timeout).await
    }

    /// Runs `statement` under the timeout.
    async fn run<T>(
        &self,
        statement: impl Future<Output = Result<T, sqlx::Error>>,
    ) -> Result<T, StoreError> {
        bounded(self.timeout, statement).await
    }

    /// The owner-checked `statement` for `key`, its first three parameters bound.
    fn owned<'q>(
        statement: &'static str,
        key: ReplayKey<'q>,
        owner: &OwnerToken,
    ) -> Query<'q, Postgres, PgArguments> {
        sqlx::query(statement)
            .bind(key.namespace())
            .bind(key.event_id())
            .bind(owner.to_hex())
    }
}

/// Runs `statement` under `timeout`, mapping what went wrong to a [`StoreError`].
pub(crate) async fn bounded<T>(
    timeout: Duration,
    statement: impl Future<Output = Result<T, sqlx::Error>>,
) -> Result<T, StoreError> {
    match tokio::time::timeout(timeout, statement).await {
        Ok(answer) => answer.map_err(store_error),
        Err(_) => Err(StoreError::Timeout),
    }
}

/// What a statement's failure is to the replay guard: no free connection in time is a
/// timeout; anything else, the store being unavailable.
fn store_error(error: sqlx::Error) -> StoreError {
    match error {
        sqlx::Error::PoolTimedOut => StoreError::Timeout,
        error => StoreError::Unavailable(Box::new(error)),
    }
}

impl PgStoreBuilder {
    /// How long one statement may take, waiting for a free connection included, before it
    /// counts as a failure (default [`DEFAULT_TIMEOUT`]).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How often the background sweeper deletes expired rows (default 5 min). Each run
    /// deletes batches until one comes back short, at most 100 batches.
    pub fn sweep_every(mut self, every: Duration) -> Self {
        self.sweep.every = every;
        self
    }

    /// The most rows one sweep statement deletes (default 1,000; at least 1).
    pub fn sweep_batch(mut self, rows: u32) -> Self {
        self.sweep.batch = rows.max(1);
        self
    }

    /// No background sweeper: expired rows stay until taken over or swept by
    /// [`PgStore::sweep`] (say, from a job of your own).
    pub fn without_sweeper(mut self) -> Self {
        self.sweeping = false;
        self
    }

    /// The store. Does not touch the database (the first statement does); starts the
    /// sweeper on the current Tokio runtime, so it fails only with a zero timeout or
    /// sweep interval, or outside a runtime when the sweeper is on.
    pub fn build(self) -> Result<PgStore, StoreError> {
        if self.timeout.is_zero() || self.sweep.every.is_zero() {
            return Err(StoreError::Unavailable(
                "the timeout and the sweep interval must not be zero".into(),
            ));
        }
        let sweeper = if self.sweeping {
            let runtime = tokio::runtime::Handle::try_current().map_err(|_| {
                StoreError::Unavailable(
                    "PgStore::build must be called inside a Tokio runtime (for its sweeper)".into(),
                )
            })?;
            Some(Arc::new(Sweeper::start(
                &runtime,
                self.pool.clone(),
                self.sweep,
                self.timeout,
            )))
        } else {
            None
        };
        Ok(PgStore {
            pool: self.pool,
            timeout: self.timeout,
            late: LateReserves::default(),
            sweeper,
            sweep: self.sweep,
        })
    }
}

impl fmt::Debug for PgStoreBuilder {
    /// The settings; never the pool's connection options.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PgStoreBuilder")
            .field("timeout", &self.timeout)
            .field("sweep", &self.sweep)
            .field("sweeping", &self.sweeping)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for PgStore {
    /// The settings; never the pool's connection options.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PgStore")
            .field("table", &"hookshield_events")
            .field("timeout", &self.timeout)
            .field("sweep", &self.sweep)
            .field("sweeping", &self.sweeper.is_some())
            .finish_non_exhaustive()
    }
}

/// What [`RESERVE`] answered.
fn reservation(found: Option<String>, owner: OwnerToken) -> Reservation {
    match found.as_deref() {
        Some("acquired") => Reservation::Acquired(owner),
        Some("done") => Reservation::Done,
        // `in_flight`, or a row a concurrent copy wrote during the statement.
        _ => Reservation::InFlight,
    }
}

/// The reserve statement, owning what it binds, so it can go on after its caller stopped
/// waiting.
async fn reserve_statement(
    pool: PgPool,
    namespace: String,
    event_id: String,
    owner: String,
    lease_ms: f64,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar::<_, String>(RESERVE)
        .bind(namespace)
        .bind(event_id)
        .bind(owner)
        .bind(lease_ms)
        .fetch_optional(&pool)
        .await
}

impl ReplayStore for PgStore {
    async fn reserve(
        &self,
        key: ReplayKey<'_>,
        lease: Duration,
    ) -> Result<Reservation, StoreError> {
        let owner = OwnerToken::random();
        let mut statement = Box::pin(reserve_statement(
            self.pool.clone(),
            key.namespace().to_owned(),
            key.event_id().to_owned(),
            owner.to_hex(),
            sql::millis(lease),
        ));
        match tokio::time::timeout(self.timeout, &mut statement).await {
            Ok(answer) => answer
                .map(|found| reservation(found, owner))
                .map_err(store_error),
            Err(_) => {
                // It may still take the id: let it finish, then release what it took.
                let release = self.clone();
                let (namespace, event_id) = (key.namespace().to_owned(), key.event_id().to_owned());
                self.late.finish(statement, lease, async move {
                    let key = ReplayKey::new(&namespace, &event_id);
                    let _ = release.release(key, &owner).await;
                });
                Err(StoreError::Timeout)
            }
        }
    }

    async fn commit(
        &self,
        key: ReplayKey<'_>,
        owner: &OwnerToken,
        ttl: Duration,
    ) -> Result<bool, StoreError> {
        let statement = Self::owned(COMMIT, key, owner).bind(sql::millis(ttl));
        let done = self.run(statement.execute(&self.pool)).await?;
        Ok(done.rows_affected() == 1)
    }

    async fn release(&self, key: ReplayKey<'_>, owner: &OwnerToken) -> Result<bool, StoreError> {
        let statement = Self::owned(RELEASE, key, owner);
        let done = self.run(statement.execute(&self.pool)).await?;
        Ok(done.rows_affected() == 1)
    }
}
