-- Sync with the central platform (issue 4). Migrations only ever grow: never edit this file
-- once landed.

-- This desk's enrolment with a platform: one row at most. The device secret is NOT here: it
-- lives in the OS keyring (or, without one, a 0600 file in the data folder; `secret_store` says
-- which).
CREATE TABLE sync_device (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    platform_url  TEXT NOT NULL,
    device_id     TEXT NOT NULL,
    device_name   TEXT NOT NULL,
    agency_id     TEXT NOT NULL,
    agency_name   TEXT NOT NULL,
    ca_pem        TEXT,                           -- NULL: trust the system roots
    secret_store  TEXT NOT NULL CHECK (secret_store IN ('keyring', 'file')),
    enrolled_at   TEXT NOT NULL
);

-- Where the pull stands and how the last attempts went: one row.
CREATE TABLE sync_state (
    id                 INTEGER PRIMARY KEY CHECK (id = 1),
    cursor             INTEGER NOT NULL DEFAULT 0,  -- the platform's change seq pulled up to
    last_success_at    TEXT,
    last_attempt_at    TEXT,
    last_error_code    TEXT,
    last_error_zh      TEXT,
    last_error_en      TEXT,
    trust_checked_at   TEXT                         -- last complete pull: the trust list is current as of then
);
INSERT INTO sync_state (id) VALUES (1);

-- What the platform said about each pushed entry.
ALTER TABLE outbox ADD COLUMN outcome TEXT;         -- applied, duplicate, rejected, conflict
CREATE INDEX outbox_pending ON outbox(seq) WHERE pushed_at IS NULL;

-- Entries the platform refused (rejected or conflict), for the clerk to read and act on.
CREATE TABLE sync_rejections (
    entry_id      TEXT PRIMARY KEY REFERENCES outbox(id),
    seq           INTEGER NOT NULL,
    entity        TEXT NOT NULL,
    entity_id     TEXT NOT NULL,
    op            TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('rejected', 'conflict')),
    code          TEXT NOT NULL,
    message_zh    TEXT NOT NULL,
    message_en    TEXT NOT NULL,
    received_at   TEXT NOT NULL,
    dismissed_at  TEXT,
    dismissed_by  TEXT REFERENCES users(id)
);
CREATE INDEX sync_rejections_open ON sync_rejections(seq) WHERE dismissed_at IS NULL;

-- Photos the platform is known to hold (content-addressed; the HEAD is skipped for these).
CREATE TABLE photo_uploads (
    sha256       TEXT PRIMARY KEY REFERENCES photos(sha256),
    uploaded_at  TEXT NOT NULL
);

-- The platform's signing keys, for verifying cards offline.
CREATE TABLE trust_keys (
    key_id      INTEGER PRIMARY KEY,
    public_key  TEXT NOT NULL,
    not_before  TEXT NOT NULL,
    not_after   TEXT,
    synced_at   TEXT NOT NULL
);

-- Cancelled certificates and replaced cards, city-wide (no personal data).
CREATE TABLE revocations (
    certificate_code      TEXT PRIMARY KEY,
    revoked               INTEGER NOT NULL,
    current_card_version  INTEGER NOT NULL,
    synced_at             TEXT NOT NULL
);

-- The certificate the platform approved for a worker, with the signed credential to print.
CREATE TABLE worker_certificates (
    worker_id         TEXT PRIMARY KEY REFERENCES workers(id),
    certificate_code  TEXT NOT NULL,
    card_version      INTEGER NOT NULL,
    valid_from        TEXT NOT NULL,
    valid_until       TEXT NOT NULL,
    credential_url    TEXT NOT NULL,
    received_at       TEXT NOT NULL
);

-- The platform's latest word on each check of a worker's application.
CREATE TABLE worker_checks (
    worker_id    TEXT NOT NULL REFERENCES workers(id),
    check_kind   TEXT NOT NULL CHECK (check_kind IN ('platform_check', 'police_check')),
    passed       INTEGER NOT NULL,
    reason_zh    TEXT NOT NULL,
    reason_en    TEXT NOT NULL,
    received_at  TEXT NOT NULL,
    PRIMARY KEY (worker_id, check_kind)
);

-- Why the platform last refused a worker's application (shown on the worker page).
CREATE TABLE worker_rejections (
    worker_id    TEXT PRIMARY KEY REFERENCES workers(id),
    code         TEXT NOT NULL,
    message_zh   TEXT NOT NULL,
    message_en   TEXT NOT NULL,
    received_at  TEXT NOT NULL
);
