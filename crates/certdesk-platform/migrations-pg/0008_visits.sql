-- The visit confirmed (issue 13 item 6), as SQLite's 0011_visits.sql.
-- Append-only: add a new numbered file, never edit this one.

CREATE TABLE visits (
    id               uuid PRIMARY KEY,
    token_nonce      text NOT NULL UNIQUE,
    certificate_code text NOT NULL REFERENCES certificates(code),
    card_version     integer NOT NULL,
    worker_id        uuid NOT NULL REFERENCES workers(id),
    agency_id        uuid NOT NULL REFERENCES agencies(id),
    device_hash      text NOT NULL,
    network_hash     text NOT NULL,
    created_at       timestamptz NOT NULL
);
CREATE INDEX visits_certificate ON visits(certificate_code, created_at);
CREATE INDEX visits_device ON visits(device_hash, certificate_code, created_at);
CREATE INDEX visits_network ON visits(network_hash, certificate_code, created_at);
