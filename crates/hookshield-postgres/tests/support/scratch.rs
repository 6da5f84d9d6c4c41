//! A schema of a test's own on the test PostgreSQL, for tests that count, sweep or lock a
//! whole `hookshield_events`: only it is on its connections' `search_path`, so the table is
//! created fresh there and no other test's rows (or sweeps) come into play.

use std::time::Duration;

use hookshield_postgres::PgStore;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{AssertSqlSafe, PgPool};

/// `search_path`; `admin` is a pool on the database as it is.
pub(crate) struct Scratch {
    pub(crate) admin: PgPool,
    pub(crate) pool: PgPool,
    pub(crate) schema: String,
}

impl Scratch {
    /// A fresh, empty schema, and a pool of `size` connections into it; `None` when there
    /// is no test PostgreSQL (see `support::postgres_url`).
    pub(crate) async fn new(size: u32) -> Option<Self> {
        let url = super::postgres_url()?;
        let admin = PgPoolOptions::new()
            .max_connections(4)
            .acquire_timeout(Duration::from_secs(10))
            .connect(&url)
            .await
            .expect("connect to PostgreSQL");
        let schema = super::unique("hs_store").replace('-', "_");
        sqlx::query(AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
            .execute(&admin)
            .await
            .unwrap();
        let options: PgConnectOptions = url.parse().unwrap();
        let options = options.options([("search_path", schema.as_str())]);
        let pool = PgPoolOptions::new()
            .max_connections(size)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await
            .unwrap();
        Some(Self {
            admin,
            pool,
            schema,
        })
    }

    /// A fresh schema with the table migrated.
    pub(crate) async fn migrated(size: u32) -> Option<Self> {
        let scratch = Self::new(size).await?;
        PgStore::migrate(&scratch.pool).await.unwrap();
        Some(scratch)
    }

    /// Drops the schema (a failed test leaves it behind, in a throwaway database).
    pub(crate) async fn drop_schema(self) {
        self.pool.close().await;
        sqlx::query(AssertSqlSafe(format!(
            "DROP SCHEMA {} CASCADE",
            self.schema
        )))
        .execute(&self.admin)
        .await
        .unwrap();
    }
}

/// Whether `hookshield_events` is visible on `pool`'s `search_path`.
pub(crate) async fn table_exists(pool: &PgPool) -> bool {
    sqlx::query_scalar::<_, bool>("SELECT to_regclass('hookshield_events') IS NOT NULL")
        .fetch_one(pool)
        .await
        .unwrap()
}

/// The store works on its table: a new id is acquired, committed, and then done.
pub(crate) async fn handles_one_event(store: &PgStore, namespace: &str) {
    use hookshield_core::replay::{ReplayKey, ReplayStore, Reservation};
    let key = ReplayKey::new(namespace, "evt-1");
    let lease = Duration::from_secs(60);
    let Ok(Reservation::Acquired(owner)) = store.reserve(key, lease).await else {
        panic!("a new id is acquired");
    };
    assert!(store.commit(key, &owner, lease).await.unwrap());
    assert_eq!(store.reserve(key, lease).await.unwrap(), Reservation::Done);
}
