-- The SQLite migration record_links (5) in PostgreSQL: the indexes the platform's training
-- check reads a worker's attendance and exam results and a class's supervision form through.
-- Append-only: never edit this file once landed.

CREATE INDEX agency_records_worker ON agency_records(agency_id, entity, ((payload::jsonb) ->> 'worker_id'));
CREATE INDEX agency_records_class ON agency_records(agency_id, entity, ((payload::jsonb) ->> 'class_id'));
