//! `feedback`: citizens' ratings and complaints pulled from the platform, read with the
//! worker's name; a complaint is marked followed up here.

use certdesk_domain::Code;
use rusqlite::{params, Connection};

use crate::column;
use crate::Feedback;

/// Stores a pulled rating or complaint, received now; false when it was already stored.
pub(crate) fn insert(conn: &Connection, f: &Feedback, now: &str) -> rusqlite::Result<bool> {
    let n = conn.execute(
        "INSERT INTO feedback (id, kind, worker_id, certificate_code, stars, text, contact, created_at, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (id) DO NOTHING",
        params![f.id, f.kind.code(), f.worker_id, f.certificate_code, f.stars, f.text, f.contact, f.created_at, now],
    )?;
    Ok(n == 1)
}

/// Marks an open complaint followed up by `user_id` now; false when there is no open complaint
/// with this id.
pub(crate) fn mark_handled(conn: &Connection, id: &str, now: &str, user_id: &str) -> rusqlite::Result<bool> {
    let n = conn.execute(
        "UPDATE feedback SET handled_at = ?2, handled_by = ?3 WHERE id = ?1 AND kind = 'complaint' AND handled_at IS NULL",
        params![id, now, user_id],
    )?;
    Ok(n > 0)
}

fn listed(conn: &Connection, filter: &str, arg: &str) -> rusqlite::Result<Vec<Feedback>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT f.id, f.kind, f.worker_id, w.name, f.certificate_code, f.stars, f.text, f.contact, f.created_at, f.handled_at
         FROM feedback f LEFT JOIN workers w ON w.id = f.worker_id WHERE {filter} ORDER BY f.created_at DESC LIMIT 200"
    ))?;
    let rows = stmt.query_map([arg], |r| {
        Ok(Feedback {
            id: r.get(0)?,
            kind: column::code(r, 1)?,
            worker_id: r.get(2)?,
            worker_name: r.get(3)?,
            certificate_code: r.get(4)?,
            stars: r.get(5)?,
            text: r.get(6)?,
            contact: r.get(7)?,
            created_at: r.get(8)?,
            handled_at: r.get(9)?,
        })
    })?;
    rows.collect()
}

/// A worker's ratings and complaints, newest first (at most 200).
pub(crate) fn of_worker(conn: &Connection, worker_id: &str) -> rusqlite::Result<Vec<Feedback>> {
    listed(conn, "f.worker_id = ?1", worker_id)
}

/// Complaints nobody has followed up, newest first (at most 200).
pub(crate) fn open_complaints(conn: &Connection) -> rusqlite::Result<Vec<Feedback>> {
    // The literal kind lets SQLite use the partial index of open complaints (0004_cards.sql).
    listed(conn, "f.kind = 'complaint' AND f.handled_at IS NULL AND ?1 = ?1", "")
}

/// How many ratings a worker has and their average stars.
pub(crate) fn rating_summary(conn: &Connection, worker_id: &str) -> rusqlite::Result<(u32, Option<f64>)> {
    conn.query_row(
        "SELECT COUNT(*), AVG(stars) FROM feedback WHERE worker_id = ?1 AND kind = 'rating'",
        [worker_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}
