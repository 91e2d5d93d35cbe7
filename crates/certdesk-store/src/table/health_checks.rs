//! `health_checks`: every health check (体检) of a worker; a new check is a new row. Read with
//! the recording user's display name and the report's MIME type; the deadline list joins the
//! workers.

use certdesk_domain::health::ValidHealthCheck;
use rusqlite::{params, Connection, OptionalExtension, Row};

use crate::column;
use crate::health::HealthCheck;

const SELECT: &str = "SELECT h.id, h.worker_id, h.checked_on, h.institution, h.category, h.result, h.valid_until,
        h.report_sha256, f.mime, h.recorded_at, u.display_name, h.recorded_by
    FROM health_checks h JOIN users u ON u.id = h.recorded_by LEFT JOIN report_files f ON f.sha256 = h.report_sha256";

fn from_row(r: &Row<'_>) -> rusqlite::Result<HealthCheck> {
    Ok(HealthCheck {
        id: r.get(0)?,
        worker_id: r.get(1)?,
        checked_on: r.get(2)?,
        institution: r.get(3)?,
        category: column::code(r, 4)?,
        result: column::code(r, 5)?,
        valid_until: r.get(6)?,
        report_sha256: r.get(7)?,
        report_mime: r.get(8)?,
        recorded_at: r.get(9)?,
        recorded_by: r.get(10)?,
        recorded_by_id: r.get(11)?,
    })
}

/// Records a check for `worker_id`, by `user_id` now.
pub(crate) fn insert(
    conn: &Connection,
    (id, worker_id): (&str, &str),
    v: &ValidHealthCheck,
    report_sha256: Option<&str>,
    (user_id, now): (&str, &str),
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO health_checks (id, worker_id, checked_on, institution, category, result, valid_until,
            report_sha256, recorded_at, recorded_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            id,
            worker_id,
            v.checked_on.to_string(),
            v.institution,
            v.category.code(),
            v.result.code(),
            v.valid_until.to_string(),
            report_sha256,
            now,
            user_id
        ],
    )?;
    Ok(())
}

/// One check.
pub(crate) fn by_id(conn: &Connection, id: &str) -> rusqlite::Result<HealthCheck> {
    conn.prepare_cached(&format!("{SELECT} WHERE h.id = ?1"))?.query_row([id], from_row)
}

/// The check of this worker on this day at this institution, if recorded (the same check
/// typed twice).
pub(crate) fn same(conn: &Connection, worker_id: &str, checked_on: &str, institution: &str) -> rusqlite::Result<Option<String>> {
    conn.query_row(
        "SELECT id FROM health_checks WHERE worker_id = ?1 AND checked_on = ?2 AND institution = ?3",
        [worker_id, checked_on, institution],
        |r| r.get(0),
    )
    .optional()
}

/// A worker's checks, newest first.
pub(crate) fn of_worker(conn: &Connection, worker_id: &str) -> rusqlite::Result<Vec<HealthCheck>> {
    let mut stmt = conn.prepare_cached(&format!("{SELECT} WHERE h.worker_id = ?1 ORDER BY h.checked_on DESC, h.recorded_at DESC"))?;
    let rows = stmt.query_map([worker_id], from_row)?;
    rows.collect()
}


/// Whether this desk holds the check `id`.
pub(crate) fn exists(conn: &Connection, id: &str) -> rusqlite::Result<bool> {
    conn.query_row("SELECT EXISTS (SELECT 1 FROM health_checks WHERE id = ?1)", [id], |r| r.get(0))
}

/// Every record's id, in the order recorded.
pub(crate) fn all_ids(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT id FROM health_checks ORDER BY recorded_at, id")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    rows.collect()
}
