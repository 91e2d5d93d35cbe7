//! `complaint_answers`: what the agency answered to a citizen's complaint (处理情况).

use rusqlite::{params, Connection};

/// Stores an answer.
pub(crate) fn insert(conn: &Connection, row: (&str, &str), action: &str, done_on: &str, by: &str, now: &str) -> rusqlite::Result<()> {
    let (id, complaint_id) = row;
    conn.execute(
        "INSERT INTO complaint_answers (id, complaint_id, action, done_on, answered_by, answered_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![id, complaint_id, action, done_on, by, now],
    )?;
    Ok(())
}

/// Whether this desk holds the answer `id`.
pub(crate) fn exists(conn: &Connection, id: &str) -> rusqlite::Result<bool> {
    conn.query_row("SELECT EXISTS (SELECT 1 FROM complaint_answers WHERE id = ?1)", [id], |r| r.get(0))
}

/// One answer as the desk keeps it: (id, complaint id, action, done on, answering user's id and
/// display name, answered at).
pub(crate) type AnswerRow = (String, String, String, String, String, String, String);

/// Every answer, in the order answered.
pub(crate) fn all(conn: &Connection) -> rusqlite::Result<Vec<AnswerRow>> {
    let mut stmt = conn.prepare(
        "SELECT a.id, a.complaint_id, a.action, a.done_on, a.answered_by, u.display_name, a.answered_at
         FROM complaint_answers a JOIN users u ON u.id = a.answered_by ORDER BY a.answered_at, a.id",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)))?;
    rows.collect()
}
