//! The table's migration: embedded, idempotent, runnable at start or copied.

use sqlx::PgPool;

use crate::store::PgStore;

/// The SQL that creates `hookshield_events` and its index, if they are missing
/// (`CREATE … IF NOT EXISTS`): what [`PgStore::migrate`] runs. Copy it into your own
/// migrations to manage the schema yourself. The table is found through the connection's
/// `search_path`, so it may live in any schema on it.
pub const MIGRATION: &str = include_str!("../migrations/hookshield_events.sql");

/// A key of hookshield's own for `pg_advisory_xact_lock`: instances starting together run
/// the migration one after the other.
const LOCK_KEY: i64 = 0x686f_6f6b_7368_6c64; // "hookshld"

impl PgStore {
    /// Creates `hookshield_events` and its index if they are missing ([`MIGRATION`]), in
    /// one transaction under an advisory lock, so instances starting at once do not race.
    /// It keeps no migration history of its own, so it never clashes with the
    /// application's (sqlx's `_sqlx_migrations`, refinery, …).
    pub async fn migrate(pool: &PgPool) -> Result<(), sqlx::Error> {
        let mut transaction = pool.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(LOCK_KEY)
            .execute(&mut *transaction)
            .await?;
        sqlx::raw_sql(MIGRATION).execute(&mut *transaction).await?;
        transaction.commit().await
    }
}
