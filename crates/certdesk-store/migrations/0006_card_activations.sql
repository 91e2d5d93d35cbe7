-- Electronic-card activation codes (电子证激活码, issue 13 item 4): made at hand-over (发放),
-- printed on the hand-over slip, shown again for a reprint, replaced by a new one when the
-- worker changes phone or the code was locked. Only the code's SHA-256 is sent to the platform.
-- Migrations only ever grow: never edit this file once landed.

CREATE TABLE card_activations (
    id                TEXT PRIMARY KEY,
    worker_id         TEXT NOT NULL REFERENCES workers(id),
    certificate_code  TEXT NOT NULL,
    card_version      INTEGER NOT NULL,
    code              TEXT NOT NULL,
    created_by        TEXT NOT NULL REFERENCES users(id),
    created_at        TEXT NOT NULL
);
CREATE INDEX card_activations_worker ON card_activations(worker_id, created_at);
