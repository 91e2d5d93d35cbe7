-- Applications for updated details (issue 11 item 1), as SQLite's 0013_details_applications.sql.
-- Append-only: add a new numbered file, never edit this one.

ALTER TABLE applications ADD COLUMN kind text NOT NULL DEFAULT 'certificate'
    CHECK (kind IN ('certificate', 'details'));
