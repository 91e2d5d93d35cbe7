-- Operators (issue 11 item 6), as SQLite's 0012_operator_keys_audit.sql: API keys per
-- operator, the audit, two-operator key actions, sign-in locks per account and network, TOTP.
-- Append-only: add a new numbered file, never edit this one.

CREATE TABLE operator_api_keys (
    id           uuid PRIMARY KEY,
    operator_id  uuid NOT NULL REFERENCES operators(id) ON DELETE CASCADE,
    key_sha256   text NOT NULL UNIQUE,
    scopes       text NOT NULL,
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    revoked_at   timestamptz,
    last_used_at timestamptz
);
CREATE INDEX operator_api_keys_operator ON operator_api_keys(operator_id);

CREATE TABLE operator_audit (
    seq      bigserial PRIMARY KEY,
    at       timestamptz NOT NULL,
    operator text NOT NULL,
    via      text NOT NULL,
    network  text NOT NULL,
    action   text NOT NULL,
    target   text NOT NULL,
    outcome  text
);
CREATE INDEX operator_audit_operator ON operator_audit(operator, seq);

CREATE TABLE key_action_requests (
    id           uuid PRIMARY KEY,
    action       text NOT NULL CHECK (action IN ('rotate', 'withdraw')),
    key_id       integer,
    requested_by text NOT NULL,
    requested_at timestamptz NOT NULL,
    done_by      text,
    done_at      timestamptz
);

CREATE TABLE operator_sign_in_locks (
    operator_id  uuid NOT NULL REFERENCES operators(id) ON DELETE CASCADE,
    network      text NOT NULL,
    failures     integer NOT NULL,
    locked_until timestamptz,
    PRIMARY KEY (operator_id, network)
);

ALTER TABLE operators ADD COLUMN totp_secret bytea;
ALTER TABLE operators ADD COLUMN totp_last_step bigint;
