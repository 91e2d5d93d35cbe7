//! `cancellations`: certificates cancelled here (注销), one per worker, read with the display
//! name of the manager who cancelled.

use rusqlite::{params, Connection, OptionalExtension};

use crate::column;
use crate::{CancelReason, Cancellation, CardEvent, CardEventBody};

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

/// Every cancellation as a card event (its id the worker's), in the order made.
pub(crate) fn all_events(conn: &Connection) -> rusqlite::Result<Vec<CardEvent>> {
    let mut stmt = conn.prepare("SELECT worker_id, reason, note, cancelled_by, cancelled_at FROM cancellations ORDER BY cancelled_at, worker_id")?;
    let rows = stmt.query_map([], |r| {
        let worker_id: String = r.get(0)?;
        Ok(CardEvent {
            id: worker_id.clone(),
            worker_id,
            body: CardEventBody::Cancellation { reason: column::code(r, 1)?, note: r.get(2)? },
            by_id: r.get(3)?,
            at: r.get(4)?,
        })
    })?;
    rows.collect()
}
