-- Operator roles (issue 14): what an account may do on the operator pages. `office` (the
-- programme office: reviews, supervision, complaints), `commission` (the commerce commission:
-- read-only statistics and filings), `admin` (accounts, agencies, devices, keys). Accounts made
-- before roles existed did the reviews: they become `office`.
-- Append-only: add a new numbered file, never edit this one.

ALTER TABLE operators ADD COLUMN role TEXT NOT NULL DEFAULT 'office'
    CHECK (role IN ('office', 'commission', 'admin'));
