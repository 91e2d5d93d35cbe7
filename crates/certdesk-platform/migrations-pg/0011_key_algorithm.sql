-- Which signature each platform key makes (issue 11 item 3), as SQLite's 0014_key_algorithm.sql.
-- Append-only: add a new numbered file, never edit this one.

ALTER TABLE signing_keys ADD COLUMN algorithm text NOT NULL DEFAULT 'ed25519'
    CHECK (algorithm IN ('ed25519', 'sm2'));
