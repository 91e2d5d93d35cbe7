-- Keys for the hashed sources of ratings and complaints (issue 11 item 7): a random secret per
-- day (Shanghai date); a submission's device and network are stored as HMAC-SHA256 under the
-- day's secret, so a short IPv4 address cannot be recovered by hashing every address. Secrets
-- older than yesterday are deleted: afterwards no stored hash can be linked to anything.
-- Append-only: add a new numbered file, never edit this one.

CREATE TABLE feedback_keys (
    day    TEXT PRIMARY KEY,
    secret TEXT NOT NULL
);
