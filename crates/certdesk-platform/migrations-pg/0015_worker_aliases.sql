-- Two desks of one agency enrolled the same person offline: as the SQLite migration
-- 0017_worker_aliases.sql. Append-only: add a new numbered file, never edit this one.

CREATE TABLE worker_aliases (
    alias_id   uuid PRIMARY KEY,
    worker_id  uuid NOT NULL REFERENCES workers(id),
    agency_id  uuid NOT NULL REFERENCES agencies(id),
    created_at timestamptz NOT NULL
);
CREATE INDEX worker_aliases_worker ON worker_aliases(worker_id);
