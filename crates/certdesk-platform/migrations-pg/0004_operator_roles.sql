-- Operator roles (issue 14), as SQLite's 0007_operator_roles.sql: `office`, `commission`,
-- `admin`; accounts made before roles existed become `office`.
-- Append-only: add a new numbered file, never edit this one.

ALTER TABLE operators ADD COLUMN role text NOT NULL DEFAULT 'office'
    CHECK (role IN ('office', 'commission', 'admin'));
