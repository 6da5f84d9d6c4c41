-- hookshield's replay record and transactional inbox: one row per (namespace, event id).
-- Idempotent: safe to run on every start, and by several instances at once
-- (`PgStore::migrate` runs it under an advisory lock). Copy it into your own migrations if
-- you prefer; hookshield only needs the table and its index to exist.
--
--   namespace       the endpoint's replay namespace (a route, or a route and a tenant)
--   event_id        the provider's event id, or `<digest>` in `<namespace>:content`
--   owner           the owner token of the reservation that wrote the row
--   state           'in_flight' while a handler runs, 'done' once handled
--   lease_deadline  when the in-flight reservation lapses (a crashed handler's copy may
--                   then be taken over)
--   expires_at      when the row stops counting: the lease deadline while in flight, the
--                   end of the TTL once done; rows past it are taken over or swept
CREATE TABLE IF NOT EXISTS hookshield_events (
    namespace      text        NOT NULL,
    event_id       text        NOT NULL,
    owner          uuid        NOT NULL,
    state          text        NOT NULL CHECK (state IN ('in_flight', 'done')),
    lease_deadline timestamptz NOT NULL,
    expires_at     timestamptz NOT NULL,
    PRIMARY KEY (namespace, event_id)
);

-- The sweeper deletes expired rows oldest first, in bounded batches.
CREATE INDEX IF NOT EXISTS hookshield_events_expires_at ON hookshield_events (expires_at);
