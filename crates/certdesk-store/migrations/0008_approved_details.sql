-- What the worker's certificate shows, as the platform approved it (issue 11 item 1): the name,
-- photo and service types a card may print. A later change of any of them waits for the
-- platform's review (an application for updated details) before a card shows it; a rejection's
-- reason is kept here until the details change again or are approved.
-- Append-only: add a new numbered file, never edit this one.

ALTER TABLE worker_certificates ADD COLUMN approved_name TEXT;
ALTER TABLE worker_certificates ADD COLUMN approved_photo_sha256 TEXT;
-- A JSON array of service type codes, as workers.service_types.
ALTER TABLE worker_certificates ADD COLUMN approved_service_types TEXT;
ALTER TABLE worker_certificates ADD COLUMN details_rejection_zh TEXT;
ALTER TABLE worker_certificates ADD COLUMN details_rejection_en TEXT;

-- Certificates received before: their details as the desk holds them now are what was approved.
UPDATE worker_certificates SET
    approved_name = (SELECT name FROM workers w WHERE w.id = worker_certificates.worker_id),
    approved_photo_sha256 = (SELECT photo_sha256 FROM workers w WHERE w.id = worker_certificates.worker_id),
    approved_service_types = (SELECT service_types FROM workers w WHERE w.id = worker_certificates.worker_id);
