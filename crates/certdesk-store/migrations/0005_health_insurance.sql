-- Health checks (体检) and insurance (保险) of each worker (issue 13), and the report files of
-- the health checks. Migrations only ever grow: never edit this file once landed.

-- A health check report (PDF, JPEG or PNG), stored once under the SHA-256 of its bytes and
-- uploaded to the platform as a blob, like photos.
CREATE TABLE report_files (
    sha256            TEXT PRIMARY KEY,
    mime              TEXT NOT NULL CHECK (mime IN ('application/pdf', 'image/jpeg', 'image/png')),
    size              INTEGER NOT NULL,
    bytes             BLOB NOT NULL,
    created_at        TEXT NOT NULL,
    -- When the platform was known to hold it (after its upload or HEAD answered so); NULL
    -- until then, and again after enrolling with another platform.
    uploaded_at       TEXT
);

-- 体检: one row per check; a new check is a new row, the old ones stay.
CREATE TABLE health_checks (
    id                TEXT PRIMARY KEY,
    worker_id         TEXT NOT NULL REFERENCES workers(id),
    checked_on        TEXT NOT NULL,               -- YYYY-MM-DD
    institution       TEXT NOT NULL,
    category          TEXT NOT NULL CHECK (category IN ('general', 'home', 'elder_care', 'maternity_care')),
    result            TEXT NOT NULL CHECK (result IN ('pass', 'fail')),
    valid_until       TEXT NOT NULL,               -- YYYY-MM-DD, the last day it counts
    report_sha256     TEXT REFERENCES report_files(sha256),
    recorded_at       TEXT NOT NULL,
    recorded_by       TEXT NOT NULL REFERENCES users(id),
    CHECK (valid_until >= checked_on)
);
-- The same check typed or imported twice is one check.
CREATE UNIQUE INDEX health_checks_once ON health_checks(worker_id, checked_on, institution);
CREATE INDEX health_checks_valid_until ON health_checks(valid_until);

-- 保险: one row per policy.
CREATE TABLE insurance_policies (
    id                TEXT PRIMARY KEY,
    worker_id         TEXT NOT NULL REFERENCES workers(id),
    insurer           TEXT NOT NULL,
    policy_number     TEXT NOT NULL,
    kind              TEXT NOT NULL CHECK (kind IN ('accident', 'employer_liability', 'other')),
    valid_from        TEXT NOT NULL,               -- YYYY-MM-DD, the first day covered
    valid_until       TEXT NOT NULL,               -- YYYY-MM-DD, the last day covered
    recorded_at       TEXT NOT NULL,
    recorded_by       TEXT NOT NULL REFERENCES users(id),
    CHECK (valid_until >= valid_from)
);
-- The same policy typed or imported twice is one policy.
CREATE UNIQUE INDEX insurance_policies_once ON insurance_policies(worker_id, policy_number);
CREATE INDEX insurance_policies_valid_until ON insurance_policies(valid_until);
