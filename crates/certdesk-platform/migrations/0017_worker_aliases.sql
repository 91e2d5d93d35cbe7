-- Two desks of one agency enrolled the same person offline (issue 10 item 2): the record that
-- reached the platform second was merged into the first, and its id stays here so that every
-- later entry naming it (its corrections, its training, its card events) reaches the kept one.
-- Append-only: add a new numbered file, never edit this one.

CREATE TABLE worker_aliases (
    alias_id   TEXT PRIMARY KEY,                          -- the merged record's id, as desks sent it
    worker_id  TEXT NOT NULL REFERENCES workers(id),      -- the kept record
    agency_id  TEXT NOT NULL REFERENCES agencies(id),
    created_at TEXT NOT NULL
);
CREATE INDEX worker_aliases_worker ON worker_aliases(worker_id);
