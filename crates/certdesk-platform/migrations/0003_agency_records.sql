-- Training records an agency's desks sync (classes, attendance, exam results, supervision
-- forms, the desk's training settings): kept per agency as the desk sent
-- them, never shown to another agency. Append-only: add a new numbered file, never edit this one.

CREATE TABLE agency_records (
    entity     TEXT NOT NULL,
    entity_id  TEXT NOT NULL,
    agency_id  TEXT NOT NULL REFERENCES agencies(id),
    payload    TEXT NOT NULL,
    deleted    INTEGER NOT NULL DEFAULT 0,
    version    INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (entity, entity_id)
);
CREATE INDEX agency_records_agency ON agency_records(agency_id, entity);
