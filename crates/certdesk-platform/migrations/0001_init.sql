-- The central platform's records. Append-only: add a new numbered file, never edit this one.

CREATE TABLE agencies (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    credit_code TEXT NOT NULL UNIQUE,
    district    TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

-- One-time codes an operator hands to an agency; only their SHA-256 is kept.
CREATE TABLE enrolment_codes (
    code_hash  TEXT PRIMARY KEY,
    agency_id  TEXT NOT NULL REFERENCES agencies(id),
    expires_at TEXT NOT NULL,
    used_at    TEXT,
    device_id  TEXT
);

-- Desk devices; only the SHA-256 of the 256-bit random secret is kept.
CREATE TABLE devices (
    id          TEXT PRIMARY KEY,
    agency_id   TEXT NOT NULL REFERENCES agencies(id),
    name        TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
);

-- Every outbox entry ever received, keyed by (device, entry id): a retried batch finds its
-- entries here and changes nothing.
CREATE TABLE receipts (
    device_id    TEXT NOT NULL REFERENCES devices(id),
    entry_id     TEXT NOT NULL,
    seq          INTEGER NOT NULL,
    payload_hash TEXT NOT NULL,
    outcome      TEXT NOT NULL,
    received_at  TEXT NOT NULL,
    PRIMARY KEY (device_id, entry_id)
);

CREATE TABLE workers (
    id         TEXT PRIMARY KEY,
    agency_id  TEXT NOT NULL REFERENCES agencies(id),
    id_number  TEXT NOT NULL,
    name       TEXT NOT NULL,
    status     TEXT NOT NULL,
    record     TEXT NOT NULL,
    version    INTEGER NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX workers_agency ON workers(agency_id);
CREATE INDEX workers_id_number ON workers(id_number);
-- One person, one certificate (or application) city-wide: the backstop of the rule the push
-- checks first with a readable sentence.
CREATE UNIQUE INDEX workers_one_claim_per_person ON workers(id_number)
    WHERE status IN ('applied', 'approved', 'printed', 'issued');

CREATE TABLE applications (
    id         TEXT PRIMARY KEY,
    worker_id  TEXT NOT NULL REFERENCES workers(id),
    agency_id  TEXT NOT NULL REFERENCES agencies(id),
    id_number  TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn')),
    applied_at TEXT NOT NULL,
    decided_at TEXT,
    reason     TEXT
);
CREATE INDEX applications_status ON applications(status, id_number);

-- Last serial handed out per district and year.
CREATE TABLE serials (
    district    INTEGER NOT NULL,
    year        INTEGER NOT NULL,
    last_serial INTEGER NOT NULL,
    PRIMARY KEY (district, year)
);

CREATE TABLE certificates (
    code           TEXT PRIMARY KEY,
    worker_id      TEXT NOT NULL REFERENCES workers(id),
    agency_id      TEXT NOT NULL REFERENCES agencies(id),
    application_id TEXT NOT NULL UNIQUE REFERENCES applications(id),
    card_version   INTEGER NOT NULL,
    valid_from     TEXT NOT NULL,
    valid_until    TEXT NOT NULL,
    key_id         INTEGER NOT NULL,
    credential_url TEXT NOT NULL,
    issued_at      TEXT NOT NULL,
    revoked_at     TEXT
);
CREATE INDEX certificates_worker ON certificates(worker_id);

-- Ed25519 signing keys. The newest key without not_after is the current one. A withdrawn
-- (compromised) key leaves the trust list but keeps its row, so its id is never reused.
CREATE TABLE signing_keys (
    key_id       INTEGER PRIMARY KEY,
    secret       BLOB NOT NULL,
    public_key   TEXT NOT NULL,
    not_before   TEXT NOT NULL,
    not_after    TEXT,
    withdrawn_at TEXT
);

-- Content-addressed blobs (photos) an agency uploaded; the bytes live in DATA_DIR/blobs/.
CREATE TABLE blobs (
    agency_id  TEXT NOT NULL REFERENCES agencies(id),
    sha256     TEXT NOT NULL,
    size       INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (agency_id, sha256)
);

-- The change log desks pull. agency_id NULL means "for every agency" (trust keys,
-- revocations: no personal data).
CREATE TABLE changes (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    agency_id  TEXT,
    body       TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX changes_agency ON changes(agency_id, seq);
