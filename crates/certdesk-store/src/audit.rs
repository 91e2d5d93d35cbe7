//! The audit trail: who changed what, when, from which value to which, and why.
//!
//! Append-only (triggers refuse UPDATE and DELETE) and hash-chained: each entry's hash covers
//! the previous entry's hash, so an edited or removed entry breaks [`Desk::verify_audit_chain`].
//! Entries are only ever written inside the transaction of the change they describe.

use rusqlite::{params, OptionalExtension, Transaction};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::{Desk, DeskResult};

/// One entry to append.
pub(crate) struct AuditRecord<'a> {
    pub user_id: Option<&'a str>,
    pub entity: &'a str,
    pub entity_id: &'a str,
    pub action: &'a str,
    pub field: Option<&'a str>,
    pub old_value: Option<&'a str>,
    pub new_value: Option<&'a str>,
    pub reason: Option<&'a str>,
}

/// One entry of a record's timeline.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AuditEntry {
    /// The entry's id.
    pub id: String,
    /// When (RFC 3339, UTC).
    pub at: String,
    /// The display name of the user who made the change.
    pub user: String,
    /// `enrol`, `update`, ...
    pub action: String,
    /// The field changed, for updates.
    pub field: Option<String>,
    /// The value before.
    pub old_value: Option<String>,
    /// The value after.
    pub new_value: Option<String>,
    /// Why, when a reason was required.
    pub reason: Option<String>,
}

const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

fn entry_hash(prev: &str, id: &str, at: &str, r: &AuditRecord<'_>) -> String {
    let mut h = Sha256::new();
    // Length-prefix every part so that moving text between fields changes the hash.
    for part in [
        Some(prev),
        Some(id),
        Some(at),
        r.user_id,
        Some(r.entity),
        Some(r.entity_id),
        Some(r.action),
        r.field,
        r.old_value,
        r.new_value,
        r.reason,
    ] {
        match part {
            Some(s) => {
                h.update((s.len() as u64).to_le_bytes());
                h.update(s.as_bytes());
            }
            None => h.update(u64::MAX.to_le_bytes()),
        }
    }
    hex::encode(h.finalize())
}

impl Desk {
    pub(crate) fn append_audit(&self, tx: &Transaction<'_>, r: &AuditRecord<'_>) -> DeskResult<()> {
        let prev: String = tx
            .prepare_cached("SELECT hash FROM audit ORDER BY seq DESC LIMIT 1")?
            .query_row([], |row| row.get(0))
            .optional()?
            .unwrap_or_else(|| GENESIS.to_string());
        let id = self.new_id();
        let at = self.now_text();
        let hash = entry_hash(&prev, &id, &at, r);
        tx.prepare_cached(
            "INSERT INTO audit (id, at, user_id, entity, entity_id, action, field, old_value, new_value, reason, prev_hash, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        )?
        .execute(params![id, at, r.user_id, r.entity, r.entity_id, r.action, r.field, r.old_value, r.new_value, r.reason, prev, hash],
        )?;
        Ok(())
    }

    /// The timeline of one record, oldest first.
    pub fn timeline(&self, entity: &str, entity_id: &str) -> DeskResult<Vec<AuditEntry>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.id, a.at, COALESCE(u.display_name, ''), a.action, a.field, a.old_value, a.new_value, a.reason
             FROM audit a LEFT JOIN users u ON u.id = a.user_id
             WHERE a.entity = ?1 AND a.entity_id = ?2 ORDER BY a.seq",
        )?;
        let rows = stmt.query_map([entity, entity_id], |r| {
            Ok(AuditEntry {
                id: r.get(0)?,
                at: r.get(1)?,
                user: r.get(2)?,
                action: r.get(3)?,
                field: r.get(4)?,
                old_value: r.get(5)?,
                new_value: r.get(6)?,
                reason: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Recompute the whole chain; `Ok(n)` with the number of entries when it is intact,
    /// otherwise an error naming the first entry that does not match.
    pub fn verify_audit_chain(&self) -> DeskResult<usize> {
        let mut stmt = self.conn.prepare(
            "SELECT seq, id, at, user_id, entity, entity_id, action, field, old_value, new_value, reason, prev_hash, hash
             FROM audit ORDER BY seq",
        )?;
        let mut rows = stmt.query([])?;
        let mut prev = GENESIS.to_string();
        let mut n = 0;
        while let Some(row) = rows.next()? {
            let seq: i64 = row.get(0)?;
            let get = |i: usize| -> rusqlite::Result<Option<String>> { row.get(i) };
            let (id, at) = (get(1)?.unwrap_or_default(), get(2)?.unwrap_or_default());
            let (user_id, entity, entity_id, action) = (get(3)?, get(4)?, get(5)?, get(6)?);
            let (field, old_value, new_value, reason) = (get(7)?, get(8)?, get(9)?, get(10)?);
            let (stored_prev, stored_hash) = (get(11)?.unwrap_or_default(), get(12)?.unwrap_or_default());
            let rec = AuditRecord {
                user_id: user_id.as_deref(),
                entity: entity.as_deref().unwrap_or(""),
                entity_id: entity_id.as_deref().unwrap_or(""),
                action: action.as_deref().unwrap_or(""),
                field: field.as_deref(),
                old_value: old_value.as_deref(),
                new_value: new_value.as_deref(),
                reason: reason.as_deref(),
            };
            if stored_prev != prev || entry_hash(&prev, &id, &at, &rec) != stored_hash {
                return Err(crate::messages::audit_broken(seq));
            }
            prev = stored_hash;
            n += 1;
        }
        Ok(n)
    }
}
