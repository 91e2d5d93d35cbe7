-- Supervision forms filed by the programme office on the platform (issue 14 item 4) arrive in
-- the pull: such a form has no desk user behind it, so `recorded_by` may be empty when
-- `filed_by_platform` names who filed it on the platform (平台督导：<operator>). SQLite cannot
-- relax a column in place: the table is rebuilt under its own name with every row kept (the
-- old one renamed aside first; no other table refers to it).
-- Append-only: add a new numbered file, never edit this one.

ALTER TABLE supervision_forms RENAME TO supervision_forms_before_0011;
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
    recorded_by           TEXT REFERENCES users(id),
    filed_by_platform     TEXT,
    CHECK (recorded_by IS NOT NULL OR filed_by_platform IS NOT NULL)
);
INSERT INTO supervision_forms (class_id, id, supervisor_name, method, supervised_at, place, participants_present,
    identity_checked, trainer, remarks, recorded_at, recorded_by)
    SELECT class_id, id, supervisor_name, method, supervised_at, place, participants_present,
    identity_checked, trainer, remarks, recorded_at, recorded_by FROM supervision_forms_before_0011;
DROP TABLE supervision_forms_before_0011;
