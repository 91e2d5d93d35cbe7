-- Roster filings (名册备案, issue 14 item 2): each agency's roster of certified staff for a
-- period, as filed, with the platform's signed receipt. A filing is never changed or deleted;
-- a correction is a new filing naming the one it replaces (at most one correction each).
-- `receipt` is the signed receipt's JSON exactly as the desk received it; `roster` the
-- canonical rows (what the commission downloads). The other columns repeat the receipt's
-- fields for the lists.
-- Append-only: add a new numbered file, never edit this one.

CREATE TABLE roster_filings (
    number        TEXT PRIMARY KEY,
    seq           INTEGER NOT NULL UNIQUE,
    filing_id     TEXT NOT NULL UNIQUE,
    agency_id     TEXT NOT NULL REFERENCES agencies(id),
    device_id     TEXT NOT NULL REFERENCES devices(id),
    period_from   TEXT NOT NULL,
    period_to     TEXT NOT NULL,
    row_count     INTEGER NOT NULL,
    roster_sha256 TEXT NOT NULL,
    replaces      TEXT UNIQUE REFERENCES roster_filings(number),
    filed_at      TEXT NOT NULL,
    receipt       TEXT NOT NULL,
    roster        TEXT NOT NULL
);
CREATE INDEX roster_filings_agency ON roster_filings(agency_id, seq);
