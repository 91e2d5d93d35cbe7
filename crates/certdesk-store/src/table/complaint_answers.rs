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
