-- When this desk last decided the worker's status (issue 10 item 2). A desk's copy of a worker
-- carries it, so the platform keeps a training stage (enrolled, in training, eligible) from the
-- copy whose stage was decided later, not from whichever desk pushed last: a desk that has not
-- yet seen another desk's failed retake must not make the worker eligible again on the
-- platform. `updated_at` also moves with corrections, so it cannot say this.
-- Append-only: add a new numbered file, never edit this one.

ALTER TABLE workers ADD COLUMN status_at TEXT NOT NULL DEFAULT '';
UPDATE workers SET status_at = updated_at;
