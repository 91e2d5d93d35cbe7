-- Roster filings (名册备案, issue 14 item 2): each filing as prepared (its rows exactly as
-- sent, under an id made here so that sending again after a lost answer files nothing twice)
-- and, once the platform answered, its signed receipt. A filed row is never changed; a
-- correction is a new filing naming the one it replaces.
-- Append-only: add a new numbered file, never edit this one.

CREATE TABLE roster_filings (
    filing_id   TEXT PRIMARY KEY,
    period_from TEXT NOT NULL,
    period_to   TEXT NOT NULL,
    replaces    TEXT,
    rows        TEXT NOT NULL,
    row_count   INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    created_by  TEXT REFERENCES users(id),
    receipt     TEXT,
    number      TEXT UNIQUE
);
