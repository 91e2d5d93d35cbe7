//! The outbox: every change to a record that the platform must learn about, in the order it
//! happened, written in the same transaction as the change. The sync engine drains it; nothing
//! here talks to the network.

use certdesk_protocol::sync::{SyncEntity, SyncOp};
use rusqlite::Transaction;
use serde::Serialize;

use crate::table;
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
    /// Queues one entry; `payload` is the record as JSON or a typed payload of the protocol
    /// (`certdesk_protocol::records`), which serialises to it.
    pub(crate) fn append_outbox(
        &self,
        tx: &Transaction<'_>,
        entity: SyncEntity,
        entity_id: &str,
        op: SyncOp,
        payload: &impl Serialize,
    ) -> DeskResult<()> {
        let payload = serde_json::to_value(payload).map_err(crate::DeskError::internal)?;
        Ok(table::outbox::insert(tx, &self.new_id(), (entity, entity_id), op, &payload, &self.now_text())?)
    }

    /// Entries not yet acknowledged by the platform, oldest first.
    pub fn pending_outbox(&self, limit: usize) -> DeskResult<Vec<OutboxEntry>> {
        Ok(table::outbox::pending(&self.conn, limit)?)
    }
}
