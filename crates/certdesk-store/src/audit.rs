//! The audit trail: who changed what, when, from which value to which, and why.
//!
//! Append-only (triggers refuse UPDATE and DELETE) and hash-chained: each entry's hash covers
//! the previous entry's hash, so an edited or removed entry breaks [`Desk::verify_audit_chain`].
//! Entries are only ever written inside the transaction of the change they describe.

use rusqlite::Transaction;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::table;
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
        let prev = table::audit::last_hash(tx)?.unwrap_or_else(|| GENESIS.to_string());
        let id = self.new_id();
        let at = self.now_text();
        let hash = entry_hash(&prev, &id, &at, r);
        Ok(table::audit::insert(tx, &id, &at, r, (&prev, &hash))?)
    }

    /// The timeline of one record, oldest first.
    pub fn timeline(&self, entity: &str, entity_id: &str) -> DeskResult<Vec<AuditEntry>> {
        Ok(table::audit::timeline(&self.conn, entity, entity_id)?)
    }

    /// Recompute the whole chain; `Ok(n)` with the number of entries when it is intact,
    /// otherwise an error naming the first entry that does not match.
    pub fn verify_audit_chain(&self) -> DeskResult<usize> {
        let mut prev = GENESIS.to_string();
        let mut n = 0;
        table::audit::for_each(&self.conn, |e| {
            let (id, at) = (e.id.unwrap_or_default(), e.at.unwrap_or_default());
            let rec = AuditRecord {
                user_id: e.user_id.as_deref(),
                entity: e.entity.as_deref().unwrap_or(""),
                entity_id: e.entity_id.as_deref().unwrap_or(""),
                action: e.action.as_deref().unwrap_or(""),
                field: e.field.as_deref(),
                old_value: e.old_value.as_deref(),
                new_value: e.new_value.as_deref(),
                reason: e.reason.as_deref(),
            };
            let (stored_prev, stored_hash) = (e.prev_hash.unwrap_or_default(), e.hash.unwrap_or_default());
            if stored_prev != prev || entry_hash(&prev, &id, &at, &rec) != stored_hash {
                return Err(crate::messages::audit_broken(e.seq));
            }
            prev = stored_hash;
            n += 1;
            Ok(())
        })?;
        Ok(n)
    }
}
