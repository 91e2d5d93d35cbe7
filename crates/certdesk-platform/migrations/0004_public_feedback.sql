-- Ratings (评价) and complaints (投诉) citizens give from the public verification page.
-- Append-only: add a new numbered file, never edit this one.
--
-- token_nonce is the nonce of the page token the form carried: unique, so one page view gives
-- at most one rating and one complaint. device_hash and network_hash are SHA-256 of the page's
-- device cookie and of the client address; they only count submissions for the flood limits.

CREATE TABLE ratings (
    id               TEXT PRIMARY KEY,
    token_nonce      TEXT NOT NULL UNIQUE,
    certificate_code TEXT NOT NULL REFERENCES certificates(code),
    card_version     INTEGER NOT NULL,
    worker_id        TEXT NOT NULL REFERENCES workers(id),
    agency_id        TEXT NOT NULL REFERENCES agencies(id),
    stars            INTEGER NOT NULL CHECK (stars BETWEEN 1 AND 5),
    comment          TEXT NOT NULL,
    device_hash      TEXT NOT NULL,
    network_hash     TEXT NOT NULL,
    created_at       TEXT NOT NULL
);
CREATE INDEX ratings_certificate ON ratings(certificate_code, created_at);
CREATE INDEX ratings_device ON ratings(device_hash, certificate_code, created_at);
CREATE INDEX ratings_network ON ratings(network_hash, certificate_code, created_at);

CREATE TABLE complaints (
    id               TEXT PRIMARY KEY,
    token_nonce      TEXT NOT NULL UNIQUE,
    certificate_code TEXT NOT NULL REFERENCES certificates(code),
    card_version     INTEGER NOT NULL,
    worker_id        TEXT NOT NULL REFERENCES workers(id),
    agency_id        TEXT NOT NULL REFERENCES agencies(id),
    text             TEXT NOT NULL,
    contact          TEXT NOT NULL,
    device_hash      TEXT NOT NULL,
    network_hash     TEXT NOT NULL,
    created_at       TEXT NOT NULL
);
CREATE INDEX complaints_certificate ON complaints(certificate_code, created_at);
CREATE INDEX complaints_device ON complaints(device_hash, certificate_code, created_at);
CREATE INDEX complaints_network ON complaints(network_hash, certificate_code, created_at);
