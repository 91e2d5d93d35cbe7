-- What the header and the sync page count on every start and after every sync (the entries
-- waiting to be sent, and those held until the platform takes their kind) is read from this
-- index alone, never from the entries' payloads: on a desk with 200,000 unsent enrolments the
-- two counts read every payload and took 1.9 s, during which the window painted nothing.
-- Append-only: add a new numbered file, never edit this one.

-- (pushed_at is in the key too: without it SQLite still reads each row to test it.)
CREATE INDEX outbox_pending_entity ON outbox(entity, pushed_at) WHERE pushed_at IS NULL;
