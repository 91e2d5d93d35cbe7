-- What a citizen sees is what the operator approved (issue 11): the name, ID number (for the
-- gender), photo and service types of the worker record at the moment of approval, kept with
-- the certificate. A later push that changes them changes the agency's record, never the
-- public page or a reissued card's face. NULL on certificates approved before this migration:
-- those show the live record, as they did. Append-only: never edit this file once landed.

ALTER TABLE certificates ADD COLUMN approved_name TEXT;
ALTER TABLE certificates ADD COLUMN approved_id_number TEXT;
ALTER TABLE certificates ADD COLUMN approved_photo_sha256 TEXT;
ALTER TABLE certificates ADD COLUMN approved_service_types TEXT;
