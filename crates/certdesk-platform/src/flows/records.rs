//! The training records an agency's desks push beside its workers (`training_class`,
//! `class_participant`, `exam_result`, `supervision_form`, `training_settings`): stored per
//! agency as sent.
//!
//! The platform keeps them for supervision and the commerce authority's roster; it does not
//! judge them (the worker's eligibility arrives with the worker's own record). Each record
//! belongs to the agency that first sent it, and no other agency may write or see it. A record
//! naming a class or a worker needs that parent on the platform first (parents before children).

use certdesk_domain::Bilingual;
use certdesk_protocol::staff::StaffAccount;
use certdesk_protocol::sync::{participant_key, record_uuid, ChangeBody, EntryOutcome, OutboxEntry, RefusalCode, SyncEntity, SyncOp};

use crate::messages::push;
use crate::rules;
use crate::store::repo::{RecordLink, Tx};
use super::PushContext;
use crate::store::StoreResult;

fn parent_missing(what: &Bilingual) -> EntryOutcome {
    EntryOutcome::rejected(RefusalCode::ParentMissing, push::parent_missing(what))
}

/// Applies one record entry inside the push's transaction.
pub(super) fn apply(
    tx: &mut dyn Tx,
    ctx: &PushContext,
    entry: &OutboxEntry,
) -> StoreResult<EntryOutcome> {
    let entity = entry.entity;
    // A record of a worker merged into another (two desks enrolled the person offline) is the
    // kept worker's.
    let merged;
    let entry = match merged_worker(tx, ctx, entry)? {
        Some(renamed) => {
            merged = renamed;
            &merged
        }
        None => entry,
    };
    let owner = tx.record_owner(entity, entry.entity_id)?;
    if owner.is_some_and(|o| o != ctx.agency_id) {
        return Ok(rules::foreign_record());
    }
    match entry.op {
        SyncOp::Upsert if entry.entity == SyncEntity::User => staff_account(tx, ctx, entry),
        SyncOp::Upsert => {
            let Some(fields) = entry.payload.as_object() else {
                return Ok(EntryOutcome::rejected(RefusalCode::InvalidRecord, push::training_unreadable()));
            };
            if entry.entity != SyncEntity::TrainingClass {
                if let Some(class) = fields.get("class_id").and_then(|v| v.as_str()) {
                    if !tx.record_live(SyncEntity::TrainingClass, class, ctx.agency_id)? {
                        return Ok(parent_missing(&push::training_class()));
                    }
                }
            }
            if let Some(worker) = fields.get("worker_id").and_then(|v| v.as_str()) {
                if !tx.worker_in_agency(worker, ctx.agency_id)? {
                    return Ok(parent_missing(&push::worker()));
                }
            }
            tx.put_record(entity, entry.entity_id, ctx.agency_id, &entry.payload, ctx.now)?;
            relay(tx, ctx, entry.entity, entry.entity_id, &entry.payload)?;
            Ok(EntryOutcome::Applied)
        }
        // A deletion is kept as a marker, also for a record the platform never saw, so the
        // agency's history stays complete; a later upsert revives it.
        SyncOp::Delete => {
            tx.delete_record(entity, entry.entity_id, ctx.agency_id, &entry.payload, ctx.now)?;
            // The agency's other desks drop it too (a participant's removal from a class).
            let mut removed = entry.payload.clone();
            if let Some(fields) = removed.as_object_mut() {
                fields.insert("removed".into(), true.into());
                relay(tx, ctx, entry.entity, entry.entity_id, &removed)?;
            }
            Ok(EntryOutcome::Applied)
        }
        SyncOp::Apply | SyncOp::Cancel | SyncOp::Reissue | SyncOp::Activate => {
            Ok(rules::unsupported(entity.as_str(), entry.op.as_str()))
        }
    }
}

/// `entry` as it names the kept worker, when its `worker_id` names a worker merged into another
/// of the agency ([`ChangeBody::WorkerMerged`]); a class participant's row also takes the kept
/// worker's record id, so that its later writes reach the same row. `None` when it names no
/// merged worker.
fn merged_worker(tx: &mut dyn Tx, ctx: &PushContext, entry: &OutboxEntry) -> StoreResult<Option<OutboxEntry>> {
    let Some(worker) = entry.payload.get("worker_id").and_then(|v| v.as_str()) else {
        return Ok(None);
    };
    if tx.worker_in_agency(worker, ctx.agency_id)? {
        return Ok(None);
    }
    let Some(kept) = tx.worker_alias(worker, ctx.agency_id)? else {
        return Ok(None);
    };
    let mut renamed = entry.clone();
    renamed.payload["worker_id"] = kept.to_string().into();
    if entry.entity == SyncEntity::ClassParticipant {
        if let Some(class) = entry.payload.get("class_id").and_then(|v| v.as_str()) {
            let key = participant_key(class, &kept.to_string());
            renamed.entity_id = record_uuid(&ctx.agency_id.to_string(), entry.entity.as_str(), &key);
        }
    }
    Ok(Some(renamed))
}

/// Relays an applied record to every desk of the agency, for the entities that travel
/// between desks ([`SyncEntity::RELAYED`]).
pub(super) fn relay(tx: &mut dyn Tx, ctx: &PushContext, entity: SyncEntity, entity_id: uuid::Uuid, payload: &serde_json::Value) -> StoreResult<()> {
    if entity.is_relayed() {
        tx.add_change(Some(ctx.agency_id), &ChangeBody::AgencyRecord { entity, entity_id, payload: payload.clone() }, ctx.now)?;
    }
    Ok(())
}

/// Relays again every live record of the agency naming `worker_id` (attendance, exam attempts,
/// health checks, insurance, card events), in that order, after the worker's merge.
pub(super) fn relay_worker_records(tx: &mut dyn Tx, ctx: &PushContext, worker_id: uuid::Uuid) -> StoreResult<()> {
    let worker = worker_id.to_string();
    for entity in SyncEntity::RELAYED.iter().copied().filter(|e| e.names_a_worker()) {
        for (id, payload) in tx.live_records(ctx.agency_id, entity, RecordLink::Worker(&worker))? {
            relay(tx, ctx, entity, id, &payload)?;
        }
    }
    Ok(())
}

/// A staff account (issue 10 item 3): one username per account in the agency; the platform
/// keeps the account merged as every desk merges it ([`StaffAccount::merged_into`]), so a desk
/// that joins later receives what the others hold, and relays it to every desk of the agency.
fn staff_account(tx: &mut dyn Tx, ctx: &PushContext, entry: &OutboxEntry) -> StoreResult<EntryOutcome> {
    let unreadable = || {
        EntryOutcome::rejected(RefusalCode::InvalidRecord, push::staff_unreadable())
    };
    let Ok(account) = serde_json::from_value::<StaffAccount>(entry.payload.clone()) else {
        return Ok(unreadable());
    };
    if account.id != entry.entity_id {
        return Ok(unreadable());
    }
    let held: Vec<StaffAccount> = tx
        .live_payloads(ctx.agency_id, SyncEntity::User, RecordLink::All)?
        .into_iter()
        .filter_map(|p| serde_json::from_value(p).ok())
        .collect();
    if held.iter().any(|a| a.id != account.id && a.username.eq_ignore_ascii_case(&account.username)) {
        return Ok(EntryOutcome::rejected(RefusalCode::UsernameTaken, push::username_taken(&account.username)));
    }
    let kept = match held.iter().find(|a| a.id == account.id) {
        Some(earlier) => account.merged_into(earlier),
        None => account,
    };
    let payload = serde_json::to_value(&kept).map_err(|e| crate::store::StoreError::Corrupt(e.to_string()))?;
    tx.put_record(SyncEntity::User, entry.entity_id, ctx.agency_id, &payload, ctx.now)?;
    relay(tx, ctx, SyncEntity::User, entry.entity_id, &payload)?;
    Ok(EntryOutcome::Applied)
}
