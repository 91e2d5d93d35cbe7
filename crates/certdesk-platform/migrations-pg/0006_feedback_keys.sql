-- Keys for the hashed sources of ratings and complaints (issue 11 item 7), as SQLite's
-- 0009_feedback_keys.sql.
-- Append-only: add a new numbered file, never edit this one.

CREATE TABLE feedback_keys (
    day    text PRIMARY KEY,
    secret text NOT NULL
);
