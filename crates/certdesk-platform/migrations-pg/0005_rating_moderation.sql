-- Ratings held for moderation (issue 11 item 7), as SQLite's 0008_rating_moderation.sql.
-- Append-only: add a new numbered file, never edit this one.

ALTER TABLE ratings ADD COLUMN held integer NOT NULL DEFAULT 0 CHECK (held IN (0, 1));
CREATE INDEX ratings_held ON ratings(created_at) WHERE held = 1;
