-- The worker's electronic card (电子上门服务证, issue 13 item 4). At hand-over the desk gives
-- the worker an activation code and pushes its SHA-256 (an `activate` entry); the worker
-- activates on a phone with the code and the last four characters of the ID number, and the
-- phone then holds the card page's secret, of which only the SHA-256 is kept. Wrong digits are
-- counted per code; past the limit the code is locked and the agency gives a new one.
-- Append-only: add a new numbered file, never edit this one.

CREATE TABLE electronic_cards (
    code_sha256       TEXT PRIMARY KEY,
    worker_id         TEXT NOT NULL REFERENCES workers(id),
    agency_id         TEXT NOT NULL REFERENCES agencies(id),
    certificate_code  TEXT NOT NULL REFERENCES certificates(code),
    card_version      INTEGER NOT NULL,
    failed_attempts   INTEGER NOT NULL DEFAULT 0,
    token_sha256      TEXT UNIQUE,
    created_at        TEXT NOT NULL,
    activated_at      TEXT
);
CREATE INDEX electronic_cards_certificate ON electronic_cards(certificate_code, card_version);
