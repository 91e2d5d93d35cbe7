-- The central platform's records on PostgreSQL: the same tables, keys and backstops as the
-- SQLite schema at its version 4 (migrations/0001-0004), in PostgreSQL's own types.
-- Append-only: add a new numbered file, never edit this one.

CREATE TABLE agencies (
    id          uuid PRIMARY KEY,
    name        text NOT NULL,
    credit_code text NOT NULL UNIQUE,
    district    text NOT NULL,
    created_at  timestamptz NOT NULL,
    -- The agency's contact phone, as the operator typed it (normalised).
    phone       text
);

-- One-time codes an operator hands to an agency; only their SHA-256 is kept.
CREATE TABLE enrolment_codes (
    code_hash  text PRIMARY KEY,
    agency_id  uuid NOT NULL REFERENCES agencies(id),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz,
    device_id  uuid
);

-- Desk devices; only the SHA-256 of the 256-bit random secret is kept.
CREATE TABLE devices (
    id          uuid PRIMARY KEY,
    agency_id   uuid NOT NULL REFERENCES agencies(id),
    name        text NOT NULL,
    secret_hash text NOT NULL,
    created_at  timestamptz NOT NULL,
    revoked_at  timestamptz
);

-- Every outbox entry ever received, keyed by (device, entry id): a retried batch finds its
-- entries here and changes nothing.
CREATE TABLE receipts (
    device_id    uuid NOT NULL REFERENCES devices(id),
    entry_id     uuid NOT NULL,
    seq          bigint NOT NULL,
    payload_hash text NOT NULL,
    outcome      text NOT NULL,
    received_at  timestamptz NOT NULL,
    PRIMARY KEY (device_id, entry_id)
);

CREATE TABLE workers (
    id           uuid PRIMARY KEY,
    agency_id    uuid NOT NULL REFERENCES agencies(id),
    id_number    text NOT NULL,
    name         text NOT NULL,
    status       text NOT NULL,
    record       text NOT NULL,
    version      bigint NOT NULL,
    updated_at   timestamptz NOT NULL,
    -- The photo the record names (shown in the review queue).
    photo_sha256 text
);
CREATE INDEX workers_agency ON workers(agency_id);
CREATE INDEX workers_id_number ON workers(id_number);
-- One person, one certificate (or application) city-wide: the backstop of the rule the push
-- checks first with a readable sentence. Every instance of the platform writes through it.
CREATE UNIQUE INDEX workers_one_claim_per_person ON workers(id_number)
    WHERE status IN ('applied', 'approved', 'printed', 'issued');

CREATE TABLE applications (
    id         uuid PRIMARY KEY,
    worker_id  uuid NOT NULL REFERENCES workers(id),
    agency_id  uuid NOT NULL REFERENCES agencies(id),
    id_number  text NOT NULL,
    status     text NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn')),
    applied_at timestamptz NOT NULL,
    decided_at timestamptz,
    reason     text
);
CREATE INDEX applications_status ON applications(status, id_number);

-- Last serial handed out per district and year. Taken with one
-- INSERT ... ON CONFLICT DO UPDATE ... RETURNING, which locks the row until the transaction
-- ends: two instances never hand out the same serial.
CREATE TABLE serials (
    district    smallint NOT NULL,
    year        integer NOT NULL,
    last_serial integer NOT NULL CHECK (last_serial > 0),
    PRIMARY KEY (district, year)
);

CREATE TABLE certificates (
    code           text PRIMARY KEY,
    worker_id      uuid NOT NULL REFERENCES workers(id),
    agency_id      uuid NOT NULL REFERENCES agencies(id),
    application_id uuid NOT NULL UNIQUE REFERENCES applications(id),
    card_version   integer NOT NULL,
    valid_from     date NOT NULL,
    valid_until    date NOT NULL,
    key_id         integer NOT NULL,
    credential_url text NOT NULL,
    issued_at      timestamptz NOT NULL,
    revoked_at     timestamptz
);
CREATE INDEX certificates_worker ON certificates(worker_id);

-- Ed25519 signing keys. The newest key without not_after is the current one. A withdrawn
-- (compromised) key leaves the trust list but keeps its row, so its id is never reused.
CREATE TABLE signing_keys (
    key_id       integer PRIMARY KEY,
    secret       bytea NOT NULL,
    public_key   text NOT NULL,
    not_before   date NOT NULL,
    not_after    date,
    withdrawn_at timestamptz
);

-- Content-addressed blobs (photos) an agency uploaded; the bytes live in DATA_DIR/blobs/.
CREATE TABLE blobs (
    agency_id  uuid NOT NULL REFERENCES agencies(id),
    sha256     text NOT NULL,
    size       bigint NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (agency_id, sha256)
);

-- The change log desks pull. agency_id NULL means "for every agency" (trust keys,
-- revocations: no personal data). Appends hold a transaction-level advisory lock so that
-- sequence numbers commit in order: a desk that pulled up to seq n never misses an n - 1
-- committed later by another instance.
CREATE TABLE changes (
    seq        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    agency_id  uuid,
    body       text NOT NULL,
    created_at timestamptz NOT NULL
);
CREATE INDEX changes_agency ON changes(agency_id, seq);

-- Operator pages: platform staff accounts (argon2 password hashes) and their server-side
-- sessions.
CREATE TABLE operators (
    id              uuid PRIMARY KEY,
    name            text NOT NULL UNIQUE,
    password_hash   text NOT NULL,
    created_at      timestamptz NOT NULL,
    -- Consecutive wrong passwords since the last success; drives the lockout.
    failed_attempts integer NOT NULL DEFAULT 0,
    locked_until    timestamptz
);

-- Only the SHA-256 of the session id is kept: a copy of the database opens no session.
CREATE TABLE operator_sessions (
    id_hash     text PRIMARY KEY,
    operator_id uuid NOT NULL REFERENCES operators(id) ON DELETE CASCADE,
    csrf_token  text NOT NULL,
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL
);
CREATE INDEX operator_sessions_expiry ON operator_sessions(expires_at);

-- Training records an agency's desks sync (classes, attendance, exam results, supervision
-- forms, the desk's training settings): kept per agency as the desk sent them (text, byte for
-- byte), never shown to another agency.
CREATE TABLE agency_records (
    entity     text NOT NULL,
    entity_id  uuid NOT NULL,
    agency_id  uuid NOT NULL REFERENCES agencies(id),
    payload    text NOT NULL,
    deleted    boolean NOT NULL DEFAULT false,
    version    bigint NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (entity, entity_id)
);
CREATE INDEX agency_records_agency ON agency_records(agency_id, entity);

-- Ratings (评价) and complaints (投诉) citizens give from the public verification page.
-- token_nonce is the nonce of the page token the form carried: unique, so one page view gives
-- at most one rating and one complaint. device_hash and network_hash are SHA-256 of the page's
-- device cookie and of the client address; they only count submissions for the flood limits.
CREATE TABLE ratings (
    id               uuid PRIMARY KEY,
    token_nonce      text NOT NULL UNIQUE,
    certificate_code text NOT NULL REFERENCES certificates(code),
    card_version     integer NOT NULL,
    worker_id        uuid NOT NULL REFERENCES workers(id),
    agency_id        uuid NOT NULL REFERENCES agencies(id),
    stars            smallint NOT NULL CHECK (stars BETWEEN 1 AND 5),
    comment          text NOT NULL,
    device_hash      text NOT NULL,
    network_hash     text NOT NULL,
    created_at       timestamptz NOT NULL
);
CREATE INDEX ratings_certificate ON ratings(certificate_code, created_at);
CREATE INDEX ratings_device ON ratings(device_hash, certificate_code, created_at);
CREATE INDEX ratings_network ON ratings(network_hash, certificate_code, created_at);

CREATE TABLE complaints (
    id               uuid PRIMARY KEY,
    token_nonce      text NOT NULL UNIQUE,
    certificate_code text NOT NULL REFERENCES certificates(code),
    card_version     integer NOT NULL,
    worker_id        uuid NOT NULL REFERENCES workers(id),
    agency_id        uuid NOT NULL REFERENCES agencies(id),
    text             text NOT NULL,
    contact          text NOT NULL,
    device_hash      text NOT NULL,
    network_hash     text NOT NULL,
    created_at       timestamptz NOT NULL
);
CREATE INDEX complaints_certificate ON complaints(certificate_code, created_at);
CREATE INDEX complaints_device ON complaints(device_hash, certificate_code, created_at);
CREATE INDEX complaints_network ON complaints(network_hash, certificate_code, created_at);
