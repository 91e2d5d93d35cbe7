//! Announcing what a desk held before its records travelled (issue 10 items 1 and 4): a desk
//! upgraded to this version queues every record it holds once, so the platform keeps each in a
//! form it relays, and a new or replaced PC of the agency restores them too, not only what was
//! written since.
//!
//! Desk migration 15 leaves the marker `relay.announce_held`; the next [`crate::Desk::open`]
//! queues, in one transaction, after what already waits in the outbox and parents before
//! children: every worker, class, participant's row, exam attempt, supervision form a clerk
//! filed, health check, insurance policy, card event and answer to a complaint, each with the
//! payload it would be written with today; then removes the marker. The staff accounts were
//! announced by migration 13. The training settings are not announced: who last changed them was
//! never kept (a joining PC keeps its own until a manager changes them). A record the platform
//! already holds is merged or kept as before; the agency's desks keep what they already hold.

use certdesk_protocol::complaint::ComplaintAnswer;
use certdesk_protocol::sync::{SyncEntity, SyncOp};
use rusqlite::Transaction;

use crate::card_events::CardEvent;
use crate::{table, Desk, DeskError, DeskResult};

/// The marker migration 15 leaves.
const MARKER: &str = "relay.announce_held";

impl Desk {
    /// Queues every record this desk holds for the agency's other desks, once, when migration
    /// 15 asked for it. Returns how many entries were queued.
    pub(crate) fn announce_held_records(&mut self) -> DeskResult<u64> {
        if table::settings::get(&self.conn, MARKER)?.is_none() {
            return Ok(0);
        }
        let tx = self.conn.unchecked_transaction()?;
        let queued = self.announce_in(&tx)?;
        table::settings::delete(&tx, MARKER)?;
        tx.commit()?;
        Ok(queued)
    }

    fn announce_in(&self, tx: &Transaction<'_>) -> DeskResult<u64> {
        let mut queued = 0u64;
        let mut queue = |entity: SyncEntity, id: &str, payload: serde_json::Value| -> DeskResult<()> {
            queued += 1;
            self.append_outbox(tx, entity, id, SyncOp::Upsert, &payload)
        };
        let value = |v: Result<serde_json::Value, serde_json::Error>| v.map_err(DeskError::internal);
        for id in table::workers::all_ids(tx)? {
            queue(SyncEntity::Worker, &id, value(serde_json::to_value(self.worker_in(tx, &id)?))?)?;
        }
        for id in table::training_classes::all_ids(tx)? {
            queue(SyncEntity::TrainingClass, &id, value(serde_json::to_value(self.class_in(tx, &id)?))?)?;
        }
        let participants = table::class_participants::all_keys(tx)?;
        for (class_id, worker_id) in &participants {
            self.push_participant_outbox(tx, class_id, worker_id)?;
        }
        for id in table::exam_results::all_ids(tx)? {
            queue(SyncEntity::ExamResult, &id, value(serde_json::to_value(table::exam_results::by_id(tx, &id)?))?)?;
        }
        for class_id in table::supervision_forms::desk_filed_class_ids(tx)? {
            if let Some(form) = self.supervision_in(tx, &class_id)? {
                queue(SyncEntity::SupervisionForm, &form.id.clone(), value(serde_json::to_value(form))?)?;
            }
        }
        for id in table::health_checks::all_ids(tx)? {
            queue(SyncEntity::HealthCheck, &id, value(serde_json::to_value(table::health_checks::by_id(tx, &id)?))?)?;
        }
        for id in table::insurance_policies::all_ids(tx)? {
            queue(SyncEntity::Insurance, &id, value(serde_json::to_value(table::insurance_policies::by_id(tx, &id)?))?)?;
        }
        let mut events: Vec<CardEvent> = table::card_prints::all_events(tx)?;
        events.extend(table::card_handovers::all_events(tx)?);
        events.extend(table::card_losses::all_events(tx)?);
        events.extend(table::cancellations::all_events(tx)?);
        // In the order they happened, so a print goes before its hand-over.
        events.sort_by(|a, b| a.at.cmp(&b.at));
        for e in events {
            let id = e.id.clone();
            queue(SyncEntity::CardEvent, &id, value(serde_json::to_value(e))?)?;
        }
        for (id, complaint_id, action, done_on, by_id, by_name, at) in table::complaint_answers::all(tx)? {
            let (Ok(complaint_id), Ok(done_on), Ok(at)) =
                (complaint_id.parse(), done_on.parse(), chrono::DateTime::parse_from_rfc3339(&at).map(|t| t.to_utc()))
            else {
                continue;
            };
            let answer = ComplaintAnswer { complaint_id, action, done_on, answered_by: by_name, answered_by_id: Some(by_id), answered_at: Some(at) };
            queue(SyncEntity::ComplaintAnswer, &id, value(serde_json::to_value(answer))?)?;
        }
        Ok(queued + participants.len() as u64)
    }
}
