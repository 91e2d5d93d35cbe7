-- Applications for updated details (issue 11 item 1): a worker holding a certificate whose
-- name, photo or service types change on the desk goes back through review; until an operator
-- approves, the public page keeps showing the approved snapshot (certificates.approved_*).
-- `certificate`: an application for the certificate itself (the police comparison);
-- `details`: for updated details of a certificate already held (an operator compares them).
-- Append-only: add a new numbered file, never edit this one.

ALTER TABLE applications ADD COLUMN kind TEXT NOT NULL DEFAULT 'certificate'
    CHECK (kind IN ('certificate', 'details'));
