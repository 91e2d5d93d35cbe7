-- The platform checks a worker's training itself at application (issue 11): it reads the
-- agency's synced attendance and exam results of that worker, and the supervision form of each
-- class, by the id the payload names. These indexes make each of those reads one index range
-- instead of a scan of the agency's records. Append-only: never edit this file once landed.

CREATE INDEX agency_records_worker ON agency_records(agency_id, entity, json_extract(payload, '$.worker_id'));
CREATE INDEX agency_records_class ON agency_records(agency_id, entity, json_extract(payload, '$.class_id'));
