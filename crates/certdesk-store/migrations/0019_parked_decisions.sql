-- The platform's decisions about a worker this desk does not hold yet (check results,
-- approvals, rejections, approved details): a PC joining an agency whose desks announced their
-- older records after the platform had decided on them receives the decision before the
-- worker (issue 10 item 4). Kept here in the platform's order and applied, then deleted, in the
-- transaction that brings the worker.
-- Append-only: add a new numbered file, never edit this one.

CREATE TABLE parked_decisions (
    seq        INTEGER PRIMARY KEY,   -- the platform's change number
    worker_id  TEXT NOT NULL,
    body       TEXT NOT NULL,         -- the change as the platform sent it (JSON)
    parked_at  TEXT NOT NULL
);
CREATE INDEX parked_decisions_worker ON parked_decisions(worker_id, seq);
