-- Complaint coordination (投诉协调, issue 14 item 5). A complaint pulled from the platform
-- now carries its reference (投诉编号); the programme office's latest request (督办) or its
-- conclusion (办结) is kept with it, and `closed_at` says the office closed it. `handled_at`
-- now means "answered, waiting for the office": the office asking again clears it.
-- `complaint_answers` holds what the agency answered (处理情况, what was done and on which
-- day), each also sent to the platform through the outbox (entity `complaint_answer`).
-- Append-only: add a new numbered file, never edit this one.

ALTER TABLE feedback ADD COLUMN reference TEXT;
ALTER TABLE feedback ADD COLUMN office_note TEXT;
ALTER TABLE feedback ADD COLUMN closed_at TEXT;

CREATE TABLE complaint_answers (
    id           TEXT PRIMARY KEY,
    complaint_id TEXT NOT NULL REFERENCES feedback(id),
    action       TEXT NOT NULL,
    done_on      TEXT NOT NULL,
    answered_by  TEXT NOT NULL REFERENCES users(id),
    answered_at  TEXT NOT NULL
);
CREATE INDEX complaint_answers_complaint ON complaint_answers(complaint_id, answered_at);
