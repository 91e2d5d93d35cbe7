-- Worker records travel between the desks of an agency (issue 10 items 1 and 2). Two desks may
-- change one worker while offline; every desk and the platform keep, per field, the value
-- written later (certdesk_protocol::worker_record). `updated_at` also moves with every status
-- change, so each detail gets its own time: set when a clerk enrols or corrects the worker, or
-- taken from the copy another desk wrote (field_times: field name -> RFC 3339 time), and who
-- wrote it (field_authors: field name -> user id).
-- Append-only: add a new numbered file, never edit this one.

ALTER TABLE workers ADD COLUMN field_times TEXT NOT NULL DEFAULT '{}';
UPDATE workers SET field_times = json_object(
    'name', updated_at, 'id_number', updated_at, 'phone', updated_at, 'address', updated_at,
    'service_types', updated_at, 'emergency_contact_name', updated_at,
    'emergency_contact_phone', updated_at, 'photo', updated_at, 'consent_date', updated_at);

ALTER TABLE workers ADD COLUMN field_authors TEXT NOT NULL DEFAULT '{}';
UPDATE workers SET field_authors = json_object(
    'name', updated_by, 'id_number', updated_by, 'phone', updated_by, 'address', updated_by,
    'service_types', updated_by, 'emergency_contact_name', updated_by,
    'emergency_contact_phone', updated_by, 'photo', updated_by, 'consent_date', updated_by);
