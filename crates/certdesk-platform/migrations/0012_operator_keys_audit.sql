-- Operators (issue 11 item 6): each operator's own API keys instead of one shared token, the
-- audit of every operator action, two operators for a signing key's rotation or withdrawal,
-- sign-in locks per account and network, and a second factor (TOTP).
-- Append-only: add a new numbered file, never edit this one.

-- Only the SHA-256 of a key is kept: a copy of the database calls no API.
CREATE TABLE operator_api_keys (
    id           TEXT PRIMARY KEY,
    operator_id  TEXT NOT NULL REFERENCES operators(id) ON DELETE CASCADE,
    key_sha256   TEXT NOT NULL UNIQUE,
    -- Space-separated areas the key may use (`reviews agencies ...`).
    scopes       TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    revoked_at   TEXT,
    last_used_at TEXT
);
CREATE INDEX operator_api_keys_operator ON operator_api_keys(operator_id);

-- One line per operator action, written before the action runs; `outcome` is filled in when it
-- ends (NULL: it never answered). Never updated otherwise, never deleted.
CREATE TABLE operator_audit (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    at       TEXT NOT NULL,
    operator TEXT NOT NULL,
    -- `session`, `api_key:<id>` or `sign_in`.
    via      TEXT NOT NULL,
    network  TEXT NOT NULL,
    action   TEXT NOT NULL,
    target   TEXT NOT NULL,
    outcome  TEXT
);
CREATE INDEX operator_audit_operator ON operator_audit(operator, seq);

-- A signing key's rotation or withdrawal asked by one operator, done when another confirms.
CREATE TABLE key_action_requests (
    id           TEXT PRIMARY KEY,
    action       TEXT NOT NULL CHECK (action IN ('rotate', 'withdraw')),
    key_id       INTEGER,
    requested_by TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    done_by      TEXT,
    done_at      TEXT
);

-- Wrong passwords per account and network: a flood from one network locks that network out of
-- that account, not the operator at their own desk.
CREATE TABLE operator_sign_in_locks (
    operator_id  TEXT NOT NULL REFERENCES operators(id) ON DELETE CASCADE,
    network      TEXT NOT NULL,
    failures     INTEGER NOT NULL,
    locked_until TEXT,
    PRIMARY KEY (operator_id, network)
);

-- The TOTP secret, sealed under the data folder's key file; the last time step used (a code
-- works once).
ALTER TABLE operators ADD COLUMN totp_secret BLOB;
ALTER TABLE operators ADD COLUMN totp_last_step INTEGER;
