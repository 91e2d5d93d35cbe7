-- Operator pages: platform staff accounts (argon2 password hashes), their server-side
-- sessions, and the photo a worker record names (shown in the review queue).
-- Append-only: add a new numbered file, never edit this one.

CREATE TABLE operators (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL UNIQUE,
    password_hash   TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    -- Consecutive wrong passwords since the last success; drives the lockout.
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until    TEXT
);

-- Only the SHA-256 of the session id is kept: a copy of the database opens no session.
CREATE TABLE operator_sessions (
    id_hash     TEXT PRIMARY KEY,
    operator_id TEXT NOT NULL REFERENCES operators(id) ON DELETE CASCADE,
    csrf_token  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
CREATE INDEX operator_sessions_expiry ON operator_sessions(expires_at);

ALTER TABLE workers ADD COLUMN photo_sha256 TEXT;

-- The agency's contact phone, as the operator typed it (normalised).
ALTER TABLE agencies ADD COLUMN phone TEXT;
