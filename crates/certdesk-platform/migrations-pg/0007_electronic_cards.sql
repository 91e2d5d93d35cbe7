-- The worker's electronic card (issue 13 item 4), as SQLite's 0010_electronic_cards.sql.
-- Append-only: add a new numbered file, never edit this one.

CREATE TABLE electronic_cards (
    code_sha256       text PRIMARY KEY,
    worker_id         uuid NOT NULL REFERENCES workers(id),
    agency_id         uuid NOT NULL REFERENCES agencies(id),
    certificate_code  text NOT NULL REFERENCES certificates(code),
    card_version      integer NOT NULL,
    failed_attempts   integer NOT NULL DEFAULT 0,
    token_sha256      text UNIQUE,
    created_at        timestamptz NOT NULL,
    activated_at      timestamptz
);
CREATE INDEX electronic_cards_certificate ON electronic_cards(certificate_code, card_version);
