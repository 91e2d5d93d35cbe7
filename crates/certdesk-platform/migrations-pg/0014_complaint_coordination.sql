-- Complaint coordination (投诉协调, issue 14 item 5): as the SQLite migration
-- 0016_complaint_coordination.sql. Append-only: add a new numbered file, never edit this one.

ALTER TABLE complaints ADD COLUMN reference text;
UPDATE complaints SET reference = 'TS' || upper(substr(md5(random()::text || id::text), 1, 12)) WHERE reference IS NULL;
CREATE UNIQUE INDEX complaints_reference ON complaints(reference);
ALTER TABLE complaints ADD COLUMN state text NOT NULL DEFAULT 'open'
    CHECK (state IN ('open', 'answered', 'asked_again', 'closed'));
ALTER TABLE complaints ADD COLUMN updated_at timestamptz;
UPDATE complaints SET updated_at = created_at WHERE updated_at IS NULL;
CREATE INDEX complaints_state ON complaints(state, agency_id, created_at);

CREATE TABLE complaint_events (
    id           uuid PRIMARY KEY,
    complaint_id uuid NOT NULL REFERENCES complaints(id),
    kind         text NOT NULL CHECK (kind IN ('answered', 'asked_again', 'closed')),
    text         text NOT NULL,
    done_on      date,
    by_whom      text NOT NULL,
    device_id    uuid REFERENCES devices(id),
    at           timestamptz NOT NULL
);
CREATE INDEX complaint_events_complaint ON complaint_events(complaint_id, at);
