//! The outbox: every change to a record that the platform must learn about, in the order it
//! happened, written in the same transaction as the change. The sync engine drains it; nothing
//! here talks to the network.

use certdesk_protocol::sync::{SyncEntity, SyncOp};
use rusqlite::{params, Transaction};
use serde::Serialize;

use crate::column;
use crate::{Desk, DeskResult};

/// One entry waiting to be pushed (or already pushed).
#[derive(Debug, Clone, Serialize)]
pub struct OutboxEntry {
    /// Position: entries are pushed in this order.
    pub seq: i64,
    /// The entry's own id (UUIDv7), the platform's idempotency key with the device.
    pub id: String,
    /// What the record is (stored as its name: `worker`, `agency`, ...).
    pub entity: SyncEntity,
    /// The record's id.
    pub entity_id: String,
    /// What to do with it (stored as its name: `upsert`, `delete`, ...).
    pub op: SyncOp,
    /// The record as JSON.
    pub payload: serde_json::Value,
    /// When it was written.
    pub created_at: String,
    /// When the platform acknowledged it.
    pub pushed_at: Option<String>,
}

impl Desk {
    pub(crate) fn append_outbox(
        &self,
        tx: &Transaction<'_>,
        entity: SyncEntity,
        entity_id: &str,
        op: SyncOp,
        payload: &serde_json::Value,
    ) -> DeskResult<()> {
        tx.prepare_cached(
            "INSERT INTO outbox (id, entity, entity_id, op, payload, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![self.new_id(), entity.as_str(), entity_id, op.as_str(), payload.to_string(), self.now_text()],
        )?;
        Ok(())
    }

    /// Entries not yet acknowledged by the platform, oldest first.
    pub fn pending_outbox(&self, limit: usize) -> DeskResult<Vec<OutboxEntry>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT seq, id, entity, entity_id, op, payload, created_at, pushed_at FROM outbox
             WHERE pushed_at IS NULL ORDER BY seq LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit as i64], |r| {
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
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
