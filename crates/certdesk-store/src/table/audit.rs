//! `audit`: the append-only, hash-chained trail (triggers refuse UPDATE and DELETE). The chain
//! itself (what a hash covers, how it is checked) is `crate::audit`'s; this file only reads and
//! appends rows.

use rusqlite::{params, Connection, OptionalExtension};

use crate::audit::{AuditEntity, AuditEntry, AuditRecord};
use crate::column;
use crate::DeskResult;

/// The newest entry's hash, `None` on an empty trail.
pub(crate) fn last_hash(conn: &Connection) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached("SELECT hash FROM audit ORDER BY seq DESC LIMIT 1")?.query_row([], |row| row.get(0)).optional()
}

/// Appends an entry with its place in the chain.
pub(crate) fn insert(conn: &Connection, id: &str, at: &str, r: &AuditRecord<'_>, (prev, hash): (&str, &str)) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO audit (id, at, user_id, entity, entity_id, action, field, old_value, new_value, reason, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![id, at, r.user_id, r.entity.code(), r.entity_id, r.action.code(), r.field, r.old_value, r.new_value, r.reason, prev, hash])?;
    Ok(())
}

/// Whether the trail holds an entry about `record` with this action, field and new value, by
/// this user, with this reason (NULLs match NULLs).
pub(crate) fn has_entry(
    conn: &Connection,
    (entity, entity_id): (AuditEntity, &str),
    action: crate::audit::AuditAction,
    (field, new_value): (&str, &str),
    (user_id, reason): (Option<&str>, Option<&str>),
) -> rusqlite::Result<bool> {
    conn.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM audit WHERE entity = ?1 AND entity_id = ?2 AND action = ?3 AND field = ?4
                AND new_value = ?5 AND user_id IS ?6 AND reason IS ?7)",
    )?
    .query_row(params![entity.code(), entity_id, action.code(), field, new_value, user_id, reason], |r| r.get(0))
}

/// One record's entries, oldest first, with the display name of the user who made each.
pub(crate) fn timeline(conn: &Connection, entity: AuditEntity, entity_id: &str) -> rusqlite::Result<Vec<AuditEntry>> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.id, a.at, COALESCE(u.display_name, ''), a.action, a.field, a.old_value, a.new_value, a.reason
         FROM audit a LEFT JOIN users u ON u.id = a.user_id
         WHERE a.entity = ?1 AND (a.entity_id = ?2
                OR (a.entity = 'worker' AND a.entity_id IN (SELECT alias_id FROM worker_aliases WHERE worker_id = ?2)))
         ORDER BY a.seq",
    )?;
    let rows = stmt.query_map([entity.code(), entity_id], |r| {
        Ok(AuditEntry {
            id: r.get(0)?,
            at: r.get(1)?,
            user: r.get(2)?,
            action: column::code(r, 3)?,
            field: r.get(4)?,
            old_value: r.get(5)?,
            new_value: r.get(6)?,
            reason: r.get(7)?,
        })
    })?;
    rows.collect()
}

/// An entry as stored, every column as it is (a broken chain may hold anything).
pub(crate) struct StoredEntry {
    pub seq: i64,
    pub id: Option<String>,
    pub at: Option<String>,
    pub user_id: Option<String>,
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub action: Option<String>,
    pub field: Option<String>,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub reason: Option<String>,
    pub prev_hash: Option<String>,
    pub hash: Option<String>,
}

/// Walks the whole trail in order, one entry at a time (constant memory); stops at the first
/// error `f` returns.
pub(crate) fn for_each(conn: &Connection, mut f: impl FnMut(StoredEntry) -> DeskResult<()>) -> DeskResult<()> {
    let mut stmt = conn.prepare(
        "SELECT seq, id, at, user_id, entity, entity_id, action, field, old_value, new_value, reason, prev_hash, hash
         FROM audit ORDER BY seq",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let get = |i: usize| -> rusqlite::Result<Option<String>> { row.get(i) };
        f(StoredEntry {
            seq: row.get(0)?,
            id: get(1)?,
            at: get(2)?,
            user_id: get(3)?,
            entity: get(4)?,
            entity_id: get(5)?,
            action: get(6)?,
            field: get(7)?,
            old_value: get(8)?,
            new_value: get(9)?,
            reason: get(10)?,
            prev_hash: get(11)?,
            hash: get(12)?,
        })?;
    }
    Ok(())
}
