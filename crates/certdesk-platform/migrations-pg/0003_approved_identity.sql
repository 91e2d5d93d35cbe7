-- The SQLite migration approved_identity (6) in PostgreSQL: the identity a certificate was
-- approved with, frozen beside it. Append-only: never edit this file once landed.

ALTER TABLE certificates ADD COLUMN approved_name text;
ALTER TABLE certificates ADD COLUMN approved_id_number text;
ALTER TABLE certificates ADD COLUMN approved_photo_sha256 text;
ALTER TABLE certificates ADD COLUMN approved_service_types text;
