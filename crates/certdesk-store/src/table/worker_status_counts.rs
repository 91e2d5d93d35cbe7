//! `worker_status_counts`: how many workers are in each status. Written only by the triggers on
//! `workers` (0001_init.sql); read here, so no count ever walks 200,000 rows.

use certdesk_domain::WorkerStatus;
use rusqlite::Connection;

use crate::column;

/// How many workers are in `status`.
pub(crate) fn of(conn: &Connection, status: WorkerStatus) -> rusqlite::Result<u64> {
    conn.prepare_cached("SELECT COALESCE((SELECT n FROM worker_status_counts WHERE status = ?1), 0)")?
        .query_row([status.code()], |r| r.get(0))
}

/// Every status with workers in it (and any left at zero), with its count.
pub(crate) fn all(conn: &Connection) -> rusqlite::Result<Vec<(WorkerStatus, u64)>> {
    let mut stmt = conn.prepare_cached("SELECT status, n FROM worker_status_counts")?;
    let rows = stmt.query_map([], |r| Ok((column::code::<WorkerStatus>(r, 0)?, r.get::<_, u64>(1)?)))?;
    rows.collect()
}
