//! `class_participants`: who is in which class, their attendance or online hours and the hours
//! credited; read with the worker's name and latest exam for the class grid, and with the class
//! for a worker's eligibility.

use certdesk_domain::training::{Attendance, ClassCredit, ClassMode, HalfHours};
use rusqlite::{params, Connection, OptionalExtension};

use crate::column;
use crate::training::{GridRow, Participant};

/// A worker joins a class, added by `user_id` now.
pub(crate) fn insert(conn: &Connection, class_id: &str, worker_id: &str, user_id: &str, now: &str) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO class_participants (class_id, worker_id, added_at, added_by, updated_at, updated_by)
         VALUES (?1, ?2, ?3, ?4, ?3, ?4)",
        params![class_id, worker_id, now, user_id],
    )?;
    Ok(())
}

/// Overwrites a participant's attendance, times, hours and credit.
pub(crate) fn update_row(conn: &Connection, class_id: &str, worker_id: &str, row: &GridRow, user_id: &str, now: &str) -> rusqlite::Result<()> {
    let GridRow { attendance, sign_in, sign_out, hours, credited } = row;
    conn.execute(
        "UPDATE class_participants SET attendance = ?3, sign_in = ?4, sign_out = ?5, hours_completed = ?6,
            credited_half_hours = ?7, updated_at = ?8, updated_by = ?9
         WHERE class_id = ?1 AND worker_id = ?2",
        params![class_id, worker_id, attendance.map(|a| a.code()), sign_in, sign_out, hours, credited.0, now, user_id],
    )?;
    Ok(())
}

/// When and by whom a participant's row was added and last written.
pub(crate) struct Stamps {
    pub added_at: String,
    pub added_by: String,
    pub updated_at: String,
    pub updated_by: String,
}

/// A participant's [`Stamps`], `None` when not in the class.
pub(crate) fn stamps(conn: &Connection, class_id: &str, worker_id: &str) -> rusqlite::Result<Option<Stamps>> {
    conn.prepare_cached("SELECT added_at, added_by, updated_at, updated_by FROM class_participants WHERE class_id = ?1 AND worker_id = ?2")?
        .query_row([class_id, worker_id], |r| Ok(Stamps { added_at: r.get(0)?, added_by: r.get(1)?, updated_at: r.get(2)?, updated_by: r.get(3)? }))
        .optional()
}

/// A worker leaves a class.
pub(crate) fn delete(conn: &Connection, class_id: &str, worker_id: &str) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM class_participants WHERE class_id = ?1 AND worker_id = ?2", [class_id, worker_id])?;
    Ok(())
}

/// Whether the worker is in the class.
pub(crate) fn contains(conn: &Connection, class_id: &str, worker_id: &str) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT EXISTS(SELECT 1 FROM class_participants WHERE class_id = ?1 AND worker_id = ?2)",
        [class_id, worker_id],
        |r| r.get(0),
    )
}

/// Whether the worker is in any class.
pub(crate) fn in_any_class(conn: &Connection, worker_id: &str) -> rusqlite::Result<bool> {
    conn.query_row("SELECT EXISTS(SELECT 1 FROM class_participants WHERE worker_id = ?1)", [worker_id], |r| r.get(0))
}

/// The class's workers in the order they were added.
pub(crate) fn worker_ids_as_added(conn: &Connection, class_id: &str) -> rusqlite::Result<Vec<String>> {
    let mut stmt =
        conn.prepare_cached("SELECT p.worker_id FROM class_participants p WHERE p.class_id = ?1 ORDER BY p.added_at, p.worker_id")?;
    let rows = stmt.query_map([class_id], |r| r.get(0))?;
    rows.collect()
}

/// The class's workers, in no particular order.
pub(crate) fn worker_ids(conn: &Connection, class_id: &str) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT worker_id FROM class_participants WHERE class_id = ?1")?;
    let rows = stmt.query_map([class_id], |r| r.get(0))?;
    rows.collect()
}

/// One participant's grid row, with the worker's name, status and latest exam.
pub(crate) fn participant(conn: &Connection, class_id: &str, worker_id: &str) -> rusqlite::Result<Option<Participant>> {
    conn.prepare_cached(
        "SELECT p.worker_id, w.name, w.id_number, w.status, p.attendance, p.sign_in, p.sign_out, p.hours_completed,
                p.credited_half_hours,
                (SELECT score FROM exam_results e WHERE e.worker_id = p.worker_id ORDER BY attempt DESC LIMIT 1),
                (SELECT max(attempt) FROM exam_results e WHERE e.worker_id = p.worker_id)
         FROM class_participants p JOIN workers w ON w.id = p.worker_id
         WHERE p.class_id = ?1 AND p.worker_id = ?2",
    )?
    .query_row([class_id, worker_id], |r| {
        Ok(Participant {
            worker_id: r.get(0)?,
            name: r.get(1)?,
            id_number: r.get(2)?,
            status: column::code(r, 3)?,
            attendance: column::opt_code(r, 4)?,
            sign_in: r.get(5)?,
            sign_out: r.get(6)?,
            hours_completed: r.get(7)?,
            credited_hours: HalfHours(r.get(8)?).as_hours(),
            latest_score: r.get(9)?,
            latest_attempt: r.get(10)?,
        })
    })
    .optional()
}

/// A participant's attendance and online hours as recorded, `None` when not in the class.
pub(crate) fn attendance_and_hours(
    conn: &Connection,
    class_id: &str,
    worker_id: &str,
) -> rusqlite::Result<Option<(Option<Attendance>, Option<f64>)>> {
    conn.prepare_cached("SELECT attendance, hours_completed FROM class_participants WHERE class_id = ?1 AND worker_id = ?2")?
        .query_row([class_id, worker_id], |r| Ok((column::opt_code(r, 0)?, r.get(1)?)))
        .optional()
}

/// A worker's classes with the hours credited in each, by start.
pub(crate) fn credits_of_worker(conn: &Connection, worker_id: &str) -> rusqlite::Result<Vec<ClassCredit>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.id, c.title, c.mode, p.credited_half_hours, EXISTS(SELECT 1 FROM supervision_forms s WHERE s.class_id = c.id)
         FROM class_participants p JOIN training_classes c ON c.id = p.class_id
         WHERE p.worker_id = ?1 ORDER BY c.starts_at",
    )?;
    let rows = stmt.query_map([worker_id], |r| {
        let mode: ClassMode = column::code(r, 2)?;
        Ok(ClassCredit {
            class_id: r.get(0)?,
            title: r.get(1)?,
            mode,
            credited: HalfHours(r.get(3)?),
            supervision_filed: r.get::<_, bool>(4)? || mode == ClassMode::Online,
        })
    })?;
    rows.collect()
}

/// Every participant's (class, worker), in the order they were added.
pub(crate) fn all_keys(conn: &Connection) -> rusqlite::Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare("SELECT class_id, worker_id FROM class_participants ORDER BY added_at, class_id, worker_id")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    rows.collect()
}
