//! `cancellations`: certificates cancelled here (注销), one per worker, read with the display
//! name of the manager who cancelled.

use rusqlite::{params, Connection, OptionalExtension};

use crate::column;
use crate::{CancelReason, Cancellation};

/// Records a cancellation by `user_id` now.
pub(crate) fn insert(conn: &Connection, worker_id: &str, (reason, note): (CancelReason, &str), user_id: &str, now: &str) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO cancellations (worker_id, reason, note, cancelled_by, cancelled_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![worker_id, reason.code(), note, user_id, now],
    )?;
    Ok(())
}

/// A worker's cancellation, if cancelled.
pub(crate) fn of_worker(conn: &Connection, worker_id: &str) -> rusqlite::Result<Option<Cancellation>> {
    conn.query_row(
        "SELECT c.reason, c.note, u.display_name, c.cancelled_at FROM cancellations c JOIN users u ON u.id = c.cancelled_by
         WHERE c.worker_id = ?1",
        [worker_id],
        |r| Ok(Cancellation { reason: column::code(r, 0)?, note: r.get(1)?, cancelled_by: r.get(2)?, cancelled_at: r.get(3)? }),
    )
    .optional()
}
