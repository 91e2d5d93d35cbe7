-- The public page's cache (issue 12 item 3), narrowed: of the synced records the public page
-- shows only a worker's health checks and insurance policies (src/store/postgres/public.rs,
-- PUBLIC_RECORDS), so only a write of those notifies certdesk_public. A desk's classes,
-- attendance, supervision forms and exams no longer drop its agency's cached certificates
-- on every instance (issue 12's load: a third of the scans read the database again).
-- A record's entity never changes (it is half of the key), so NEW's and OLD's are the same.
-- Append-only: add a new numbered file, never edit this one.

DROP TRIGGER agency_records_public ON agency_records;

CREATE TRIGGER agency_records_public AFTER INSERT OR UPDATE ON agency_records
    FOR EACH ROW WHEN (NEW.entity IN ('health_check', 'insurance'))
    EXECUTE FUNCTION certdesk_public_row_changed();
CREATE TRIGGER agency_records_public_delete AFTER DELETE ON agency_records
    FOR EACH ROW WHEN (OLD.entity IN ('health_check', 'insurance'))
    EXECUTE FUNCTION certdesk_public_row_changed();
