//! The database side of the inbox tests: the business table, and hookshield's rows.

use super::*;

// The database side: the business table, and hookshield's rows.
// ---------------------------------------------------------------------------------------

/// The handlers' own table: a row per run that committed (no unique constraint, so an
/// event handled twice shows as two rows). No index: `CREATE INDEX IF NOT EXISTS` would
/// queue behind a handler's open transaction on the table (and every later insert behind
/// it), which stalls the tests that keep a transaction open on purpose.
const HANDLED_SCHEMA: &str = "
SELECT pg_advisory_xact_lock(7242431057961);
CREATE TABLE IF NOT EXISTS inbox_test_handled (
    event_id text NOT NULL,
    attempt bigint NOT NULL,
    written_at timestamptz NOT NULL DEFAULT clock_timestamp()
);";

/// A pool of `size` on the test PostgreSQL with `hookshield_events` and the handlers'
/// table, or `None` (see [`postgres_url`]).
pub(crate) async fn handled_pool(size: u32) -> Option<PgPool> {
    let pool = pool(size).await?;
    // One implicit transaction: the advisory lock keeps concurrent tests from racing on
    // `CREATE TABLE IF NOT EXISTS`.
    sqlx::raw_sql(HANDLED_SCHEMA)
        .execute(&pool)
        .await
        .expect("create inbox_test_handled");
    Some(pool)
}

/// Writes the business row of attempt `attempt` at event `event_id`.
pub(crate) async fn insert_handled<'e>(
    executor: impl sqlx::PgExecutor<'e>,
    event_id: &str,
    attempt: usize,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO inbox_test_handled (event_id, attempt) VALUES ($1, $2)")
        .bind(event_id)
        .bind(i64::try_from(attempt).unwrap())
        .execute(executor)
        .await?;
    Ok(())
}

/// The attempts whose business row for `event_id` is in the table, in order.
pub(crate) async fn handled(pool: &PgPool, event_id: &str) -> Vec<usize> {
    let attempts: Vec<i64> = sqlx::query_scalar(
        "SELECT attempt FROM inbox_test_handled WHERE event_id = $1 ORDER BY attempt",
    )
    .bind(event_id)
    .fetch_all(pool)
    .await
    .expect("read inbox_test_handled");
    attempts
        .into_iter()
        .map(|a| usize::try_from(a).unwrap())
        .collect()
}

/// One reservation a claim holds: namespace, id, owner token (hex).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Reserved {
    pub(crate) namespace: String,
    pub(crate) event_id: String,
    pub(crate) owner: String,
}

/// A `hookshield_events` row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EventRow {
    pub(crate) namespace: String,
    pub(crate) event_id: String,
    pub(crate) state: String,
    /// As [`OwnerToken::to_hex`] writes it.
    pub(crate) owner: String,
    /// As PostgreSQL prints it (microseconds): equal only if no statement rewrote it.
    pub(crate) expires_at: String,
}

/// The `hookshield_events` rows of `keys` (namespace, id) that exist, by namespace.
pub(crate) async fn event_rows<'e>(
    executor: impl sqlx::PgExecutor<'e>,
    keys: &[(String, String)],
) -> Result<Vec<EventRow>, sqlx::Error> {
    let (namespaces, ids): (Vec<&str>, Vec<&str>) =
        keys.iter().map(|(n, i)| (n.as_str(), i.as_str())).unzip();
    let rows: Vec<(String, String, String, String, String)> = sqlx::query_as(
        "SELECT namespace, event_id, state, replace(owner::text, '-', ''), expires_at::text
         FROM hookshield_events
         WHERE (namespace, event_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))
         ORDER BY namespace",
    )
    .bind(namespaces)
    .bind(ids)
    .fetch_all(executor)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(namespace, event_id, state, owner, expires_at)| EventRow {
            namespace,
            event_id,
            state,
            owner,
            expires_at,
        })
        .collect())
}

/// How many `hookshield_events` rows `namespace` (and its content digests') holds.
pub(crate) async fn rows_in_namespace(pool: &PgPool, namespace: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT count(*) FROM hookshield_events WHERE namespace = $1 OR namespace = $1 || ':content'",
    )
    .bind(namespace)
    .fetch_one(pool)
    .await
    .expect("count hookshield_events")
}

// ---------------------------------------------------------------------------------------
