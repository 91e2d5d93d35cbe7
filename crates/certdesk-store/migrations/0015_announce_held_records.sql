-- Every record a desk holds travels to the agency's other desks (issue 10 items 1 and 4), but
-- records written before they travelled (workers, training, health checks, insurance before
-- the versions that relay them; card events and complaint answers until now) never reached
-- the platform in a form it relays, so a new or replaced PC could not restore them. This marker
-- asks the desk to queue every record it holds once, at its next start, after what already
-- waits in the outbox (certdesk-store's announce.rs; a fresh desk holds nothing to announce).
-- Append-only: add a new numbered file, never edit this one.

INSERT INTO settings (key, value) VALUES ('relay.announce_held', '1');
