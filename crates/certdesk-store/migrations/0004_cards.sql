-- Certificate cards at the desk (issue 5): printing, hand-over, lost or damaged cards,
-- cancellation, printers, and what citizens said after scanning a card. Migrations only ever
-- grow: never edit this file once landed.

-- Every card that went to a printer or into a PDF (制作记录), drafts included.
CREATE TABLE card_prints (
    id                TEXT PRIMARY KEY,
    worker_id         TEXT NOT NULL REFERENCES workers(id),
    certificate_code  TEXT,                        -- NULL for a draft (样张) of an unapproved worker
    card_version      INTEGER,                     -- NULL for a draft
    draft             INTEGER NOT NULL CHECK (draft IN (0, 1)),
    layout            TEXT NOT NULL CHECK (layout IN ('cr80', 'a4')),
    printer           TEXT NOT NULL,               -- the CUPS queue, or 'pdf:<file name>'
    design_version    TEXT NOT NULL,
    printed_by        TEXT NOT NULL REFERENCES users(id),
    printed_at        TEXT NOT NULL
);
CREATE INDEX card_prints_worker ON card_prints(worker_id, printed_at);

-- 发放: a card handed to the worker.
CREATE TABLE card_handovers (
    id                TEXT PRIMARY KEY,
    worker_id         TEXT NOT NULL REFERENCES workers(id),
    certificate_code  TEXT NOT NULL,
    card_version      INTEGER NOT NULL,
    issued_on         TEXT NOT NULL,               -- the date the worker got the card
    issued_by         TEXT NOT NULL REFERENCES users(id),
    signature_png     BLOB,                        -- the worker's signature on screen, if taken
    created_at        TEXT NOT NULL
);
CREATE INDEX card_handovers_worker ON card_handovers(worker_id, card_version);

-- 挂失/补办: a card reported lost or damaged; a replacement (card version + 1) is asked of
-- the platform through the outbox.
CREATE TABLE card_losses (
    id                TEXT PRIMARY KEY,
    worker_id         TEXT NOT NULL REFERENCES workers(id),
    certificate_code  TEXT NOT NULL,
    card_version      INTEGER NOT NULL,            -- the version that was lost
    kind              TEXT NOT NULL CHECK (kind IN ('lost', 'damaged')),
    note              TEXT NOT NULL,
    reported_by       TEXT NOT NULL REFERENCES users(id),
    reported_at       TEXT NOT NULL
);
CREATE INDEX card_losses_worker ON card_losses(worker_id, card_version);

-- 注销 with its reason.
CREATE TABLE cancellations (
    worker_id         TEXT PRIMARY KEY REFERENCES workers(id),
    reason            TEXT NOT NULL CHECK (reason IN ('left_agency', 'misconduct', 'other')),
    note              TEXT NOT NULL,
    cancelled_by      TEXT NOT NULL REFERENCES users(id),
    cancelled_at      TEXT NOT NULL
);

-- Printer calibration, per printer (CUPS queue name, or 'pdf').
CREATE TABLE printers (
    name              TEXT PRIMARY KEY,
    offset_x_mm       REAL NOT NULL DEFAULT 0,
    offset_y_mm       REAL NOT NULL DEFAULT 0,
    scale             REAL NOT NULL DEFAULT 1,
    updated_at        TEXT NOT NULL
);

-- 评价 and 投诉 pulled from the platform for this agency's workers.
CREATE TABLE feedback (
    id                TEXT PRIMARY KEY,            -- the platform's id
    kind              TEXT NOT NULL CHECK (kind IN ('rating', 'complaint')),
    worker_id         TEXT NOT NULL,               -- may name a worker this desk no longer has
    certificate_code  TEXT NOT NULL,
    stars             INTEGER CHECK (stars BETWEEN 1 AND 5),
    text              TEXT NOT NULL,
    contact           TEXT NOT NULL,
    created_at        TEXT NOT NULL,
    received_at       TEXT NOT NULL,
    handled_at        TEXT,                        -- a complaint followed up
    handled_by        TEXT REFERENCES users(id)
);
CREATE INDEX feedback_worker ON feedback(worker_id, created_at);
CREATE INDEX feedback_open_complaints ON feedback(created_at) WHERE kind = 'complaint' AND handled_at IS NULL;
