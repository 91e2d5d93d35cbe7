//! `sync_rejections`: pushed entries the platform refused or found in conflict, for the clerk's
//! list until dismissed (then kept for the record).

use certdesk_protocol::sync::{EntryOutcome, SyncEntity, SyncOp};
use rusqlite::{params, Connection};

use crate::column;
use crate::{PushOutcome, SyncRejection};

/// The pushed entry an answer is about.
pub(crate) struct PushedEntry<'a> {
    pub entry_id: &'a str,
    pub seq: i64,
    pub entity: SyncEntity,
    pub entity_id: &'a str,
    pub op: SyncOp,
}

/// Records a refusal or conflict (a repeat for the same entry changes nothing); an outcome that
/// refuses nothing (applied, duplicate) has nothing to record.
pub(crate) fn insert(conn: &Connection, r: &PushedEntry<'_>, outcome: &EntryOutcome, now: &str) -> rusqlite::Result<()> {
    let (EntryOutcome::Rejected { code, message_zh, message_en } | EntryOutcome::Conflict { code, message_zh, message_en }) = outcome
    else {
        return Ok(());
    };
    let kind = PushOutcome::from(outcome).code();
    conn.execute(
        "INSERT OR IGNORE INTO sync_rejections (entry_id, seq, entity, entity_id, op, kind, code, message_zh, message_en, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![r.entry_id, r.seq, r.entity.as_str(), r.entity_id, r.op.as_str(), kind, code, message_zh, message_en, now],
    )?;
    Ok(())
}

/// Takes an open refusal off the list; false when there is no open one with this id.
pub(crate) fn dismiss(conn: &Connection, entry_id: &str, now: &str, user_id: &str) -> rusqlite::Result<bool> {
    let n = conn.execute(
        "UPDATE sync_rejections SET dismissed_at = ?2, dismissed_by = ?3 WHERE entry_id = ?1 AND dismissed_at IS NULL",
        params![entry_id, now, user_id],
    )?;
    Ok(n > 0)
}

/// How many refusals are open.
pub(crate) fn count_open(conn: &Connection) -> rusqlite::Result<u64> {
    Ok(conn.query_row("SELECT COUNT(*) FROM sync_rejections WHERE dismissed_at IS NULL", [], |r| r.get::<_, i64>(0))? as u64)
}

/// Refusals newest first, with the worker's name for a worker's; dismissed ones too when asked.
pub(crate) fn list(conn: &Connection, include_dismissed: bool) -> rusqlite::Result<Vec<SyncRejection>> {
    let mut stmt = conn.prepare(
        "SELECT r.entry_id, r.seq, r.entity, r.entity_id, w.name, r.op, r.kind, r.code, r.message_zh, r.message_en,
                r.received_at, r.dismissed_at
         FROM sync_rejections r LEFT JOIN workers w ON r.entity = 'worker' AND w.id = r.entity_id
         WHERE ?1 OR r.dismissed_at IS NULL ORDER BY r.seq DESC",
    )?;
    let rows = stmt.query_map([include_dismissed], |r| {
        Ok(SyncRejection {
            entry_id: r.get(0)?,
            seq: r.get(1)?,
            entity: column::code(r, 2)?,
            entity_id: r.get(3)?,
            entity_label: r.get(4)?,
            op: column::code(r, 5)?,
            kind: column::code(r, 6)?,
            code: r.get(7)?,
            message_zh: r.get(8)?,
            message_en: r.get(9)?,
            received_at: r.get(10)?,
            dismissed_at: r.get(11)?,
        })
    })?;
    rows.collect()
}
