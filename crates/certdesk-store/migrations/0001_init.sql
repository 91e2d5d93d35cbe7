-- The desk's first schema. Migrations only ever grow: never edit this file once landed.

CREATE TABLE agency (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    name         TEXT NOT NULL,
    credit_code  TEXT NOT NULL,
    district     TEXT NOT NULL,
    address      TEXT NOT NULL,
    phone        TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    updated_by   TEXT REFERENCES users(id)
);

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE COLLATE NOCASE,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('clerk', 'manager')),
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0
);

-- Photos are stored once, keyed by the SHA-256 of the prepared JPEG.
CREATE TABLE photos (
    sha256     TEXT PRIMARY KEY,
    mime       TEXT NOT NULL,
    width      INTEGER NOT NULL,
    height     INTEGER NOT NULL,
    bytes      BLOB NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE workers (
    id                      TEXT PRIMARY KEY,          -- UUIDv7, made here, never changes
    name                    TEXT NOT NULL,
    id_number               TEXT NOT NULL UNIQUE,      -- canonical 18 characters
    id_number_legacy        TEXT,                      -- the 15-digit original, when there was one
    id_rev                  TEXT NOT NULL,             -- id_number reversed: suffix search by index
    gender                  TEXT NOT NULL CHECK (gender IN ('male', 'female')),
    birth_date              TEXT NOT NULL,
    phone                   TEXT NOT NULL,
    phone_rev               TEXT NOT NULL,
    address                 TEXT NOT NULL,
    service_types           TEXT NOT NULL,             -- JSON array of codes
    emergency_contact_name  TEXT NOT NULL,
    emergency_contact_phone TEXT NOT NULL,
    photo_sha256            TEXT REFERENCES photos(sha256),
    consent_date            TEXT NOT NULL,
    consent_witness_id      TEXT NOT NULL REFERENCES users(id),
    agency_check_done       INTEGER NOT NULL,
    agency_check_by         TEXT NOT NULL REFERENCES users(id),
    agency_check_at         TEXT NOT NULL,
    status                  TEXT NOT NULL,
    certificate_code        TEXT UNIQUE,
    created_at              TEXT NOT NULL,
    created_by              TEXT NOT NULL REFERENCES users(id),
    updated_at              TEXT NOT NULL,
    updated_by              TEXT NOT NULL REFERENCES users(id),
    version                 INTEGER NOT NULL
);
CREATE INDEX workers_id_rev ON workers(id_rev);
CREATE INDEX workers_phone ON workers(phone);
CREATE INDEX workers_phone_rev ON workers(phone_rev);
CREATE INDEX workers_status ON workers(status, id);

-- How many workers are in each status, kept by triggers: the list's total under a status
-- filter without counting 200,000 rows.
CREATE TABLE worker_status_counts (
    status TEXT PRIMARY KEY,
    n      INTEGER NOT NULL
);
CREATE TRIGGER workers_count_insert AFTER INSERT ON workers BEGIN
    INSERT INTO worker_status_counts (status, n) VALUES (NEW.status, 1)
        ON CONFLICT(status) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER workers_count_delete AFTER DELETE ON workers BEGIN
    UPDATE worker_status_counts SET n = n - 1 WHERE status = OLD.status;
END;
CREATE TRIGGER workers_count_status AFTER UPDATE OF status ON workers WHEN OLD.status <> NEW.status BEGIN
    UPDATE worker_status_counts SET n = n - 1 WHERE status = OLD.status;
    INSERT INTO worker_status_counts (status, n) VALUES (NEW.status, 1)
        ON CONFLICT(status) DO UPDATE SET n = n + 1;
END;

-- Every 1- and 2-character piece of every name: "any part of the name" by index.
CREATE TABLE worker_name_grams (
    gram      TEXT NOT NULL,
    worker_id TEXT NOT NULL REFERENCES workers(id) ON DELETE CASCADE,
    PRIMARY KEY (gram, worker_id)
) WITHOUT ROWID;
-- Renaming a worker replaces that worker's grams: find them without scanning every name.
CREATE INDEX worker_name_grams_worker ON worker_name_grams(worker_id);

-- Append-only; each entry carries the hash of the one before it.
CREATE TABLE audit (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    id         TEXT NOT NULL UNIQUE,
    at         TEXT NOT NULL,
    user_id    TEXT REFERENCES users(id),
    entity     TEXT NOT NULL,
    entity_id  TEXT NOT NULL,
    action     TEXT NOT NULL,
    field      TEXT,
    old_value  TEXT,
    new_value  TEXT,
    reason     TEXT,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL
);
CREATE INDEX audit_entity ON audit(entity, entity_id, seq);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;

-- What the sync will push to the platform, in order.
CREATE TABLE outbox (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    id         TEXT NOT NULL UNIQUE,
    entity     TEXT NOT NULL,
    entity_id  TEXT NOT NULL,
    op         TEXT NOT NULL,
    payload    TEXT NOT NULL,
    created_at TEXT NOT NULL,
    pushed_at  TEXT
);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
