//! The statements, one round trip each. Times come from the database's clock, so every
//! instance sharing the table agrees on leases and TTLs. `$4` is a duration in
//! milliseconds.

/// Answers the state of the live row that holds the id, if its snapshot shows one (no
/// lock, no write: a copy of an event in flight is told so at once, even while the
/// handler's transaction holds the row). Otherwise it takes the id: unseen, or its row has
/// expired (a lapsed lease, a done entry past its TTL). The `ON CONFLICT … WHERE` locks the
/// row and decides on its newest version, so of concurrent copies exactly one takes it.
/// The answer is `acquired`, `in_flight`, `done`, or no row: a row that a concurrent copy
/// wrote during this statement (not in its snapshot), which the store answers as in flight.
pub(crate) const RESERVE: &str = "\
WITH live AS (
    SELECT state FROM hookshield_events
    WHERE namespace = $1 AND event_id = $2 AND expires_at > now()
),
taken AS (
    INSERT INTO hookshield_events AS e
        (namespace, event_id, owner, state, lease_deadline, expires_at)
    SELECT $1, $2, $3::uuid, 'in_flight',
           now() + $4::float8 * interval '1 millisecond',
           now() + $4::float8 * interval '1 millisecond'
    WHERE NOT EXISTS (SELECT 1 FROM live)
    ON CONFLICT (namespace, event_id) DO UPDATE
        SET owner = excluded.owner, state = 'in_flight',
            lease_deadline = excluded.lease_deadline, expires_at = excluded.expires_at
        WHERE e.expires_at <= now()
    RETURNING 1
)
SELECT 'acquired' FROM taken
UNION ALL
SELECT state FROM live";

/// Marks the owner's in-flight reservation done for the TTL. A reservation past its lease
/// that nobody took over still commits: the row lock orders this against a takeover.
pub(crate) const COMMIT: &str = "\
UPDATE hookshield_events
SET state = 'done', expires_at = statement_timestamp() + $4::float8 * interval '1 millisecond'
WHERE namespace = $1 AND event_id = $2 AND owner = $3::uuid AND state = 'in_flight'";

/// Forgets the owner's in-flight reservation; a done row stays.
pub(crate) const RELEASE: &str = "\
DELETE FROM hookshield_events
WHERE namespace = $1 AND event_id = $2 AND owner = $3::uuid AND state = 'in_flight'";

/// The inbox mark, inside the handler's transaction, of an event that holds one
/// reservation: marked done if the owner still holds it in flight, or again if this very
/// transaction marked it already (its row version's `xmin` is this transaction: marking
/// twice in one transaction is harmless, while a mark an earlier transaction committed is
/// not matched). The row lock it takes is held until the transaction ends, so no other
/// instance can take the event over meanwhile. Needs PostgreSQL 13 (`pg_current_xact_id`).
/// (Fixed parameters, not arrays: PostgreSQL then keeps one plan for it.)
pub(crate) const MARK_HANDLED: &str = "\
UPDATE hookshield_events
SET state = 'done', expires_at = statement_timestamp() + $4::float8 * interval '1 millisecond'
WHERE namespace = $1 AND event_id = $2 AND owner = $3::uuid
  AND (state = 'in_flight' OR (state = 'done' AND xmin = pg_current_xact_id()::xid))";

/// The same for an event that also holds its content digest's reservation (`$5`, `$6`,
/// `$7`): both marked in one statement.
pub(crate) const MARK_HANDLED_WITH_CONTENT: &str = "\
UPDATE hookshield_events
SET state = 'done', expires_at = statement_timestamp() + $4::float8 * interval '1 millisecond'
WHERE (state = 'in_flight' OR (state = 'done' AND xmin = pg_current_xact_id()::xid))
  AND ((namespace = $1 AND event_id = $2 AND owner = $3::uuid)
    OR (namespace = $5 AND event_id = $6 AND owner = $7::uuid))";

/// Deletes up to `$1` expired rows, oldest first, skipping rows another statement holds.
pub(crate) const SWEEP: &str = "\
DELETE FROM hookshield_events e
USING (
    SELECT namespace, event_id FROM hookshield_events
    WHERE expires_at <= now()
    ORDER BY expires_at
    LIMIT $1
    FOR UPDATE SKIP LOCKED
) old
WHERE e.namespace = old.namespace AND e.event_id = old.event_id";

/// Milliseconds for `$4`: at least 1, at most about a century (so `now() + …` stays a
/// valid timestamp whatever TTL a caller asks for).
pub(crate) fn millis(duration: std::time::Duration) -> f64 {
    const CENTURY_MS: f64 = 100.0 * 365.25 * 24.0 * 3600.0 * 1000.0;
    (duration.as_secs_f64() * 1000.0).clamp(1.0, CENTURY_MS)
}
