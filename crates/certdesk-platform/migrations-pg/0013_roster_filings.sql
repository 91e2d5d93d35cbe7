-- Roster filings (名册备案, issue 14 item 2): each agency's roster of certified staff for a
-- period, as filed, with the platform's signed receipt. A filing is never changed or deleted;
-- a correction is a new filing naming the one it replaces (at most one correction each).
-- `receipt` is the signed receipt's JSON exactly as the desk received it; `roster` the
-- canonical rows (what the commission downloads). The other columns repeat the receipt's
-- fields for the lists. The filing numbers' `seq` is taken under the writer lock (max + 1).
-- Append-only: add a new numbered file, never edit this one.

CREATE TABLE roster_filings (
    number        text PRIMARY KEY,
    seq           bigint NOT NULL UNIQUE,
    filing_id     uuid NOT NULL UNIQUE,
    agency_id     uuid NOT NULL REFERENCES agencies(id),
    device_id     uuid NOT NULL REFERENCES devices(id),
    period_from   date NOT NULL,
    period_to     date NOT NULL,
    row_count     integer NOT NULL,
    roster_sha256 text NOT NULL,
    replaces      text UNIQUE REFERENCES roster_filings(number),
    filed_at      timestamptz NOT NULL,
    receipt       text NOT NULL,
    roster        text NOT NULL
);
CREATE INDEX roster_filings_agency ON roster_filings(agency_id, seq);
