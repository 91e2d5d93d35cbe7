//! `service_visits`: visits households confirmed after scanning a card (确认入户), pulled from
//! the platform.

use rusqlite::{params, Connection};

/// Stores a pulled visit, received now; false when it was already stored.
pub(crate) fn insert(conn: &Connection, (id, worker_id, certificate_code, visited_at): (&str, &str, &str, &str), now: &str) -> rusqlite::Result<bool> {
    let n = conn.execute(
        "INSERT INTO service_visits (id, worker_id, certificate_code, visited_at, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (id) DO NOTHING",
        params![id, worker_id, certificate_code, visited_at, now],
    )?;
    Ok(n == 1)
}

/// A worker's confirmed visits: how many, and the latest 20 times, newest first.
pub(crate) fn of_worker(conn: &Connection, worker_id: &str) -> rusqlite::Result<(u32, Vec<String>)> {
    let count = conn.query_row("SELECT COUNT(*) FROM service_visits WHERE worker_id = ?1", [worker_id], |r| r.get(0))?;
    let mut stmt = conn.prepare("SELECT visited_at FROM service_visits WHERE worker_id = ?1 ORDER BY visited_at DESC LIMIT 20")?;
    let latest = stmt.query_map([worker_id], |r| r.get(0))?.collect::<Result<Vec<String>, _>>()?;
    Ok((count, latest))
}
