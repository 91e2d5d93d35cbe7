-- Ratings held for moderation (issue 11 item 7): a rating over its certificate's hourly
-- ceiling is kept, held, instead of dropped; the programme office releases it to the agency or
-- discards it. 0: counted and sent to the agency; 1: held.
-- Append-only: add a new numbered file, never edit this one.

ALTER TABLE ratings ADD COLUMN held INTEGER NOT NULL DEFAULT 0 CHECK (held IN (0, 1));
CREATE INDEX ratings_held ON ratings(created_at) WHERE held = 1;
