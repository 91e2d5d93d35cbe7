//! `parked_decisions`: the platform's decisions about a worker this desk does not hold yet,
//! applied when the worker arrives.

use rusqlite::{params, Connection};

/// Keeps the change numbered `seq` (its JSON `body`) for `worker_id`; a change kept before stays.
pub(crate) fn insert(conn: &Connection, seq: i64, worker_id: &str, body: &str, now: &str) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT OR IGNORE INTO parked_decisions (seq, worker_id, body, parked_at) VALUES (?1, ?2, ?3, ?4)",
        params![seq, worker_id, body, now],
    )?;
    Ok(())
}

/// The changes kept for `worker_id`, in the platform's order, deleted here: the caller applies
/// them in the same transaction.
pub(crate) fn take(conn: &Connection, worker_id: &str) -> rusqlite::Result<Vec<(i64, String)>> {
    let mut stmt = conn.prepare_cached("SELECT seq, body FROM parked_decisions WHERE worker_id = ?1 ORDER BY seq")?;
    let rows = stmt.query_map([worker_id], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<Vec<_>>>()?;
    if !rows.is_empty() {
        conn.execute("DELETE FROM parked_decisions WHERE worker_id = ?1", [worker_id])?;
    }
    Ok(rows)
}

