//! `worker_aliases`: the ids of worker records the platform merged into another of the agency
//! (two desks enrolled the same person offline), with the kept record's id.

use rusqlite::{params, Connection, OptionalExtension};

/// Records that `alias` was merged into `worker_id` (once; a repeat changes nothing).
pub(crate) fn insert(conn: &Connection, alias: &str, worker_id: &str, merged_at: &str) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT OR IGNORE INTO worker_aliases (alias_id, worker_id, merged_at) VALUES (?1, ?2, ?3)",
        params![alias, worker_id, merged_at],
    )?;
    Ok(())
}

/// The kept record a merged record's id now names.
pub(crate) fn kept(conn: &Connection, alias: &str) -> rusqlite::Result<Option<String>> {
    conn.query_row("SELECT worker_id FROM worker_aliases WHERE alias_id = ?1", [alias], |r| r.get(0)).optional()
}

/// Forgets `alias` (a record that was only set aside until the platform merged it).
pub(crate) fn delete(conn: &Connection, alias: &str) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM worker_aliases WHERE alias_id = ?1", [alias])?;
    Ok(())
}
