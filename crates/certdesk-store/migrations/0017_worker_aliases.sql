-- Two desks of the agency enrolled the same person offline (issue 10 item 2): the platform
-- merged one record into the other (change `worker_merged`). The merged record's id stays here,
-- so that the kept worker's timeline still shows what was written under it (the audit log is
-- append-only and keeps the id it was written with).
-- Append-only: add a new numbered file, never edit this one.

CREATE TABLE worker_aliases (
    alias_id   TEXT PRIMARY KEY,      -- the merged record's id
    worker_id  TEXT NOT NULL,         -- the kept record's id
    merged_at  TEXT NOT NULL          -- when the platform merged them
);
CREATE INDEX worker_aliases_worker ON worker_aliases(worker_id);
