-- Complaint coordination (投诉协调, issue 14 item 5). Each complaint gets the reference the
-- citizen looks it up by (投诉编号: `TS` and 12 letters, see certdesk_protocol::complaint), a
-- state (open, answered, asked_again, closed) and when it last changed. Complaints filed
-- before this version get a random hexadecimal reference and stay open.
-- `complaint_events` is the complaint's history after it was filed: the agency's answers
-- (answered, with `done_on`), the office asking again (asked_again) and its conclusion
-- (closed). `by_whom` is the clerk's name (with the desk's device id in `device_id`) or the
-- operator's username. Append-only: add a new numbered file, never edit this one.

ALTER TABLE complaints ADD COLUMN reference TEXT;
UPDATE complaints SET reference = 'TS' || upper(hex(randomblob(6))) WHERE reference IS NULL;
CREATE UNIQUE INDEX complaints_reference ON complaints(reference);
ALTER TABLE complaints ADD COLUMN state TEXT NOT NULL DEFAULT 'open'
    CHECK (state IN ('open', 'answered', 'asked_again', 'closed'));
ALTER TABLE complaints ADD COLUMN updated_at TEXT;
UPDATE complaints SET updated_at = created_at WHERE updated_at IS NULL;
CREATE INDEX complaints_state ON complaints(state, agency_id, created_at);

CREATE TABLE complaint_events (
    id           TEXT PRIMARY KEY,
    complaint_id TEXT NOT NULL REFERENCES complaints(id),
    kind         TEXT NOT NULL CHECK (kind IN ('answered', 'asked_again', 'closed')),
    text         TEXT NOT NULL,
    done_on      TEXT,
    by_whom      TEXT NOT NULL,
    device_id    TEXT REFERENCES devices(id),
    at           TEXT NOT NULL
);
CREATE INDEX complaint_events_complaint ON complaint_events(complaint_id, at);
