//! `feedback`: citizens' ratings and complaints pulled from the platform, read with the
//! worker's name and a complaint's latest answer; a complaint is marked answered here, and
//! asked again or closed as the programme office decides.

use rusqlite::{params, Connection, OptionalExtension};

use crate::column;
use crate::Feedback;

/// Stores a pulled rating or complaint, received now; false when it was already stored.
pub(crate) fn insert(conn: &Connection, f: &Feedback, now: &str) -> rusqlite::Result<bool> {
    let n = conn.execute(
        "INSERT INTO feedback (id, kind, worker_id, certificate_code, stars, text, contact, created_at, received_at, reference)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT (id) DO NOTHING",
        params![f.id, f.kind.code(), f.worker_id, f.certificate_code, f.stars, f.text, f.contact, f.created_at, now, f.reference],
    )?;
    Ok(n == 1)
}

/// The id of the complaint with this reference.
pub(crate) fn id_of_reference(conn: &Connection, reference: &str) -> rusqlite::Result<Option<String>> {
    conn.query_row("SELECT id FROM feedback WHERE reference = ?1 AND kind = 'complaint'", [reference], |r| r.get(0)).optional()
}

/// A complaint that is not closed: when it was filed; None when there is no such complaint.
pub(crate) fn unclosed_complaint(conn: &Connection, id: &str) -> rusqlite::Result<Option<String>> {
    conn.query_row("SELECT created_at FROM feedback WHERE id = ?1 AND kind = 'complaint' AND closed_at IS NULL", [id], |r| r.get(0))
        .optional()
}

/// Marks a complaint answered by `user_id` now.
pub(crate) fn mark_handled(conn: &Connection, id: &str, now: &str, user_id: &str) -> rusqlite::Result<()> {
    conn.execute("UPDATE feedback SET handled_at = ?2, handled_by = ?3 WHERE id = ?1 AND kind = 'complaint'", params![id, now, user_id])?;
    Ok(())
}

/// The office asked again: the complaint waits for an answer, with the office's request; false
/// when there is no such unclosed complaint.
pub(crate) fn ask_again(conn: &Connection, id: &str, message: &str) -> rusqlite::Result<bool> {
    let n = conn.execute(
        "UPDATE feedback SET handled_at = NULL, handled_by = NULL, office_note = ?2 WHERE id = ?1 AND kind = 'complaint' AND closed_at IS NULL",
        params![id, message],
    )?;
    Ok(n > 0)
}

/// The office closed a complaint with its conclusion; false when there is no such unclosed
/// complaint.
pub(crate) fn close(conn: &Connection, id: &str, conclusion: &str, at: &str) -> rusqlite::Result<bool> {
    let n = conn.execute(
        "UPDATE feedback SET closed_at = ?3, office_note = ?2, handled_at = COALESCE(handled_at, ?3)
         WHERE id = ?1 AND kind = 'complaint' AND closed_at IS NULL",
        params![id, conclusion, at],
    )?;
    Ok(n > 0)
}

fn listed(conn: &Connection, filter: &str, arg: &str) -> rusqlite::Result<Vec<Feedback>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT f.id, f.kind, f.worker_id, w.name, f.certificate_code, f.stars, f.text, f.contact, f.created_at, f.handled_at,
                f.reference, f.office_note, f.closed_at,
                (SELECT a.action FROM complaint_answers a WHERE a.complaint_id = f.id ORDER BY a.answered_at DESC, a.id DESC LIMIT 1)
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
            reference: r.get(10)?,
            office_note: r.get(11)?,
            closed_at: r.get(12)?,
            answer: r.get(13)?,
        })
    })?;
    rows.collect()
}

/// A worker's ratings and complaints, newest first (at most 200).
pub(crate) fn of_worker(conn: &Connection, worker_id: &str) -> rusqlite::Result<Vec<Feedback>> {
    listed(conn, "f.worker_id = ?1", worker_id)
}

/// Complaints waiting for the agency's answer (never answered, or asked again), newest first
/// (at most 200).
pub(crate) fn open_complaints(conn: &Connection) -> rusqlite::Result<Vec<Feedback>> {
    // The literal kind lets SQLite use the partial index of open complaints (0004_cards.sql).
    listed(conn, "f.kind = 'complaint' AND f.handled_at IS NULL AND f.closed_at IS NULL AND ?1 = ?1", "")
}

/// How many ratings a worker has and their average stars.
pub(crate) fn rating_summary(conn: &Connection, worker_id: &str) -> rusqlite::Result<(u32, Option<f64>)> {
    conn.query_row(
        "SELECT COUNT(*), AVG(stars) FROM feedback WHERE worker_id = ?1 AND kind = 'rating'",
        [worker_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}
