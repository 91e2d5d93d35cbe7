-- The public page's cache (issue 12 item 3): every write to a table the public page reads
-- notifies the channel certdesk_public when its transaction commits, with the agency it
-- concerns (or an empty payload for the signing keys, which concern every page); PostgreSQL
-- folds the repeats of one transaction into one. Every instance then reads that agency's
-- certificates again (src/store/postgres/watch.rs).
-- Append-only: add a new numbered file, never edit this one.

CREATE FUNCTION certdesk_public_row_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r record;
BEGIN
    IF TG_OP = 'DELETE' THEN
        r := OLD;
    ELSE
        r := NEW;
    END IF;
    IF TG_TABLE_NAME = 'agencies' THEN
        PERFORM pg_notify('certdesk_public', r.id::text);
    ELSE
        PERFORM pg_notify('certdesk_public', r.agency_id::text);
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION certdesk_public_all_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('certdesk_public', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER certificates_public AFTER INSERT OR UPDATE OR DELETE ON certificates
    FOR EACH ROW EXECUTE FUNCTION certdesk_public_row_changed();
CREATE TRIGGER workers_public AFTER INSERT OR UPDATE OR DELETE ON workers
    FOR EACH ROW EXECUTE FUNCTION certdesk_public_row_changed();
CREATE TRIGGER agencies_public AFTER INSERT OR UPDATE OR DELETE ON agencies
    FOR EACH ROW EXECUTE FUNCTION certdesk_public_row_changed();
CREATE TRIGGER blobs_public AFTER INSERT OR UPDATE OR DELETE ON blobs
    FOR EACH ROW EXECUTE FUNCTION certdesk_public_row_changed();
CREATE TRIGGER agency_records_public AFTER INSERT OR UPDATE OR DELETE ON agency_records
    FOR EACH ROW EXECUTE FUNCTION certdesk_public_row_changed();
CREATE TRIGGER signing_keys_public AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON signing_keys
    FOR EACH STATEMENT EXECUTE FUNCTION certdesk_public_all_changed();
CREATE TRIGGER certificates_public_truncate AFTER TRUNCATE ON certificates
    FOR EACH STATEMENT EXECUTE FUNCTION certdesk_public_all_changed();
CREATE TRIGGER workers_public_truncate AFTER TRUNCATE ON workers
    FOR EACH STATEMENT EXECUTE FUNCTION certdesk_public_all_changed();
CREATE TRIGGER agencies_public_truncate AFTER TRUNCATE ON agencies
    FOR EACH STATEMENT EXECUTE FUNCTION certdesk_public_all_changed();
CREATE TRIGGER blobs_public_truncate AFTER TRUNCATE ON blobs
    FOR EACH STATEMENT EXECUTE FUNCTION certdesk_public_all_changed();
CREATE TRIGGER agency_records_public_truncate AFTER TRUNCATE ON agency_records
    FOR EACH STATEMENT EXECUTE FUNCTION certdesk_public_all_changed();
