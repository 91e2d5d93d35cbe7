-- Visits confirmed by households (确认入户, issue 13 item 6), pulled from the platform: a
-- service record per visit, shown on the worker page. Migrations only ever grow: never edit
-- this file once landed.

CREATE TABLE service_visits (
    id                TEXT PRIMARY KEY,            -- the platform's id
    worker_id         TEXT NOT NULL,               -- may name a worker this desk no longer has
    certificate_code  TEXT NOT NULL,
    visited_at        TEXT NOT NULL,
    received_at       TEXT NOT NULL
);
CREATE INDEX service_visits_worker ON service_visits(worker_id, visited_at);
