-- Staff accounts travel between the desks of an agency (issue 10 item 3): a user added on one
-- desk signs in on every desk of the agency, and disabling one disables it everywhere. Each
-- desk merges an account per part, the later write winning: the details (display name, role,
-- password) by `changed_at`, whether it is disabled by `status_at`.
-- Every account this desk already holds is announced once, after what already waits in the
-- outbox (its payload is certdesk_protocol::staff::StaffAccount; the entry id a random UUID).
-- Append-only: add a new numbered file, never edit this one.

ALTER TABLE users ADD COLUMN changed_at TEXT;
ALTER TABLE users ADD COLUMN status_at TEXT;
UPDATE users SET changed_at = created_at, status_at = created_at;

INSERT INTO outbox (id, entity, entity_id, op, payload, created_at)
SELECT lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4'
         || substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + abs(random() % 4), 1)
         || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))),
       'user', id, 'upsert',
       json_object('id', id, 'username', username, 'display_name', display_name, 'role', role,
                   'password_hash', password_hash,
                   'disabled', json(CASE disabled WHEN 0 THEN 'false' ELSE 'true' END),
                   'created_at', created_at, 'changed_at', created_at, 'status_at', created_at),
       strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
FROM users ORDER BY created_at, id;
