//! `outbox`: every change the platform must learn about, in order (`seq`), written in the
//! change's own transaction; marked pushed once the platform answered for it.

use certdesk_protocol::sync::{EntryOutcome, SyncEntity, SyncOp};
use rusqlite::{params, Connection, OptionalExtension, Row};

use crate::column;
use crate::{OutboxEntry, PushOutcome};

/// A new entry.
pub(crate) fn insert(
    conn: &Connection,
    id: &str,
    (entity, entity_id): (SyncEntity, &str),
    op: SyncOp,
    payload: &serde_json::Value,
    now: &str,
) -> rusqlite::Result<()> {
    conn.prepare_cached("INSERT INTO outbox (id, entity, entity_id, op, payload, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?
        .execute(params![id, entity.as_str(), entity_id, op.as_str(), payload.to_string(), now])?;
    Ok(())
}

fn entry_from_row(r: &Row<'_>) -> rusqlite::Result<OutboxEntry> {
    let payload: String = r.get(5)?;
    Ok(OutboxEntry {
        seq: r.get(0)?,
        id: r.get(1)?,
        entity: column::code(r, 2)?,
        entity_id: r.get(3)?,
        op: column::code(r, 4)?,
        payload: serde_json::from_str(&payload).unwrap_or(serde_json::Value::Null),
        created_at: r.get(6)?,
        pushed_at: r.get(7)?,
    })
}

/// `entities` as a list of SQL string literals.
fn entities_sql(entities: &[SyncEntity]) -> String {
    // The names are compile-time constants without quotes, so quoting them inline is safe.
    entities.iter().map(|e| format!("'{}'", e.as_str())).collect::<Vec<_>>().join(", ")
}

/// Unacknowledged entries of any entity, oldest first.
pub(crate) fn pending(conn: &Connection, limit: usize) -> rusqlite::Result<Vec<OutboxEntry>> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, id, entity, entity_id, op, payload, created_at, pushed_at FROM outbox
         WHERE pushed_at IS NULL ORDER BY seq LIMIT ?1",
    )?;
    let rows = stmt.query_map([limit as i64], entry_from_row)?;
    rows.collect()
}

/// Unacknowledged entries of `entities`, oldest first.
pub(crate) fn pending_of(conn: &Connection, entities: &[SyncEntity], limit: usize) -> rusqlite::Result<Vec<OutboxEntry>> {
    let sql = format!(
        "SELECT seq, id, entity, entity_id, op, payload, created_at, pushed_at FROM outbox
         WHERE pushed_at IS NULL AND entity IN ({}) ORDER BY seq LIMIT ?1",
        entities_sql(entities)
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([limit as i64], entry_from_row)?;
    rows.collect()
}

/// How many entries are unacknowledged: of `entities` when `among`, of every other entity when not.
pub(crate) fn count_pending(conn: &Connection, entities: &[SyncEntity], among: bool) -> rusqlite::Result<u64> {
    Ok(conn.query_row(&count_pending_sql(entities, among), [], |r| r.get::<_, i64>(0))? as u64)
}

/// The count of [`count_pending`], answered from the index of unsent entries' kinds (migration
/// 18) without reading a payload.
fn count_pending_sql(entities: &[SyncEntity], among: bool) -> String {
    let not = if among { "" } else { "NOT " };
    format!("SELECT COUNT(*) FROM outbox WHERE pushed_at IS NULL AND entity {not}IN ({})", entities_sql(entities))
}

/// An entry's position, what it is about and when it was acknowledged.
pub(crate) type EntryBrief = (i64, SyncEntity, String, SyncOp, Option<String>);

/// The entry with this id.
pub(crate) fn brief(conn: &Connection, id: &str) -> rusqlite::Result<Option<EntryBrief>> {
    conn.query_row("SELECT seq, entity, entity_id, op, pushed_at FROM outbox WHERE id = ?1", [id], |row| {
        Ok((row.get(0)?, column::code(row, 1)?, row.get(2)?, column::code(row, 3)?, row.get(4)?))
    })
    .optional()
}


/// Marks an entry acknowledged, with the platform's outcome.
pub(crate) fn mark_pushed(conn: &Connection, id: &str, now: &str, outcome: &EntryOutcome) -> rusqlite::Result<()> {
    conn.execute("UPDATE outbox SET pushed_at = ?2, outcome = ?3 WHERE id = ?1", params![id, now, PushOutcome::from(outcome).code()])?;
    Ok(())
}

/// Every entry unacknowledged again (a new platform has none of them).
pub(crate) fn unmark_all(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute("UPDATE outbox SET pushed_at = NULL, outcome = NULL", [])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    /// The header's and the sync page's counts read the partial index of unsent entries' kinds,
    /// never the table: with 200,000 unsent enrolments the table's payloads took 1.9 s to read.
    #[test]
    fn the_unsent_counts_read_only_an_index() {
        let dir = tempfile::tempdir().unwrap();
        let conn = crate::db::open_connection(dir.path()).unwrap();
        for among in [true, false] {
            let sql = format!("EXPLAIN QUERY PLAN {}", super::count_pending_sql(crate::sync::SYNCED_ENTITIES, among));
            let plan: Vec<String> = conn.prepare(&sql).unwrap().query_map([], |r| r.get::<_, String>(3)).unwrap().map(Result::unwrap).collect();
            assert!(plan.iter().any(|d| d.contains("USING COVERING INDEX outbox_pending_entity")), "{among}: {plan:?}");
        }
    }
}
