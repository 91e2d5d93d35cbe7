-- Training (issue 3): classes, attendance, exams, supervision forms, and the agency's training
-- settings. Migrations only ever grow: never edit this file once landed.

-- A training class (培训班). Times are Shanghai local time, 'YYYY-MM-DD HH:MM'.
CREATE TABLE training_classes (
    id                TEXT PRIMARY KEY,                 -- UUIDv7
    title             TEXT NOT NULL,
    mode              TEXT NOT NULL CHECK (mode IN ('offline', 'online')),
    starts_at         TEXT NOT NULL,
    ends_at           TEXT NOT NULL,
    place             TEXT NOT NULL,                    -- empty for online classes
    trainer           TEXT NOT NULL,
    class_half_hours  INTEGER NOT NULL CHECK (class_half_hours > 0),  -- class hours x 2
    created_at        TEXT NOT NULL,
    created_by        TEXT NOT NULL REFERENCES users(id),
    updated_at        TEXT NOT NULL,
    updated_by        TEXT NOT NULL REFERENCES users(id),
    version           INTEGER NOT NULL
);
CREATE INDEX training_classes_starts ON training_classes(starts_at);

-- Who is in a class and what they are credited. attendance NULL = not recorded yet.
CREATE TABLE class_participants (
    class_id             TEXT NOT NULL REFERENCES training_classes(id),
    worker_id            TEXT NOT NULL REFERENCES workers(id),
    attendance           TEXT CHECK (attendance IN ('present', 'late', 'left_early', 'absent')),
    sign_in              TEXT,                          -- 'YYYY-MM-DD HH:MM' (offline)
    sign_out             TEXT,
    hours_completed      REAL,                          -- as reported (online)
    credited_half_hours  INTEGER NOT NULL DEFAULT 0,    -- the crediting rule's result, x 2
    added_at             TEXT NOT NULL,
    added_by             TEXT NOT NULL REFERENCES users(id),
    updated_at           TEXT NOT NULL,
    updated_by           TEXT NOT NULL REFERENCES users(id),
    PRIMARY KEY (class_id, worker_id)
) WITHOUT ROWID;
CREATE INDEX class_participants_worker ON class_participants(worker_id, class_id);

-- Exam attempts (考试): retakes are new rows, never overwrites.
CREATE TABLE exam_results (
    id           TEXT PRIMARY KEY,
    worker_id    TEXT NOT NULL REFERENCES workers(id),
    class_id     TEXT REFERENCES training_classes(id),  -- the session it was sat in, if any
    exam_date    TEXT NOT NULL,                         -- 'YYYY-MM-DD'
    attempt      INTEGER NOT NULL CHECK (attempt >= 1),
    score        REAL NOT NULL CHECK (score >= 0 AND score <= 100),
    pass_mark    REAL NOT NULL,                         -- the pass mark in force when recorded
    recorded_at  TEXT NOT NULL,
    recorded_by  TEXT NOT NULL REFERENCES users(id),
    UNIQUE (worker_id, attempt)
);
CREATE INDEX exam_results_date ON exam_results(exam_date);

-- The supervision form (培训督导单) of an offline class: one per class; a correction
-- replaces it (the audit trail keeps the old values).
CREATE TABLE supervision_forms (
    class_id              TEXT PRIMARY KEY REFERENCES training_classes(id),
    id                    TEXT NOT NULL UNIQUE,
    supervisor_name       TEXT NOT NULL,
    method                TEXT NOT NULL CHECK (method IN ('on_site', 'video')),
    supervised_at         TEXT NOT NULL,
    place                 TEXT NOT NULL,
    participants_present  INTEGER NOT NULL,
    identity_checked      INTEGER NOT NULL,
    trainer               TEXT NOT NULL,
    remarks               TEXT NOT NULL,
    recorded_at           TEXT NOT NULL,
    recorded_by           TEXT NOT NULL REFERENCES users(id)
);

-- The agency's training settings, with the programme's defaults.
INSERT OR IGNORE INTO settings (key, value) VALUES ('training.class_hour_minutes', '45');
INSERT OR IGNORE INTO settings (key, value) VALUES ('training.pass_mark', '60');
