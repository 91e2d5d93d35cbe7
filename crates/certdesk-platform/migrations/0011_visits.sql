-- The visit confirmed (确认入户, issue 13 item 6): after a scan, a household confirms with one tap
-- that this worker came into the home today; the agency receives it as a service record. A
-- rating is taken only from a phone that confirmed a visit of that certificate within a day, so
-- a rating flood costs a visit each. Limited and hashed like ratings (device and network as
-- keyed hashes, blanked after a day).
-- Append-only: add a new numbered file, never edit this one.

CREATE TABLE visits (
    id               TEXT PRIMARY KEY,
    token_nonce      TEXT NOT NULL UNIQUE,
    certificate_code TEXT NOT NULL REFERENCES certificates(code),
    card_version     INTEGER NOT NULL,
    worker_id        TEXT NOT NULL REFERENCES workers(id),
    agency_id        TEXT NOT NULL REFERENCES agencies(id),
    device_hash      TEXT NOT NULL,
    network_hash     TEXT NOT NULL,
    created_at       TEXT NOT NULL
);
CREATE INDEX visits_certificate ON visits(certificate_code, created_at);
CREATE INDEX visits_device ON visits(device_hash, certificate_code, created_at);
CREATE INDEX visits_network ON visits(network_hash, certificate_code, created_at);
