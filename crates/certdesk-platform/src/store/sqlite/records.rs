//! The training records an agency's desks push beside its workers (`training_class`,
//! `class_participant`, `exam_result`, `supervision_form`, `training_settings`):
//! stored per agency as sent, in `agency_records` (migration `agency_records`).
//!
//! The platform keeps them for supervision and the commerce authority's roster; it does not
//! judge them (the worker's eligibility arrives with the worker's own record). Each record
//! belongs to the agency that first sent it, and no other agency may write or see it. A record
//! naming a class or a worker needs that parent on the platform first (parents before children).

use certdesk_protocol::sync::{EntryOutcome, OutboxEntry, SyncEntity, SyncOp};
use rusqlite::{params, OptionalExtension, Transaction};

use super::ts;
use crate::rules;
use crate::store::{PushContext, StoreResult};

/// Code of a record whose class or worker the platform does not hold yet.
pub const PARENT_MISSING: &str = "parent_missing";

fn refused(code: &str, zh: String, en: String) -> EntryOutcome {
    EntryOutcome::Rejected {
        code: code.into(),
        message_zh: zh,
        message_en: en,
    }
}

fn parent_missing(zh: &str, en: &str) -> EntryOutcome {
    refused(
        PARENT_MISSING,
        format!("平台上还没有此记录所属的{zh}，请先同步{zh}后重试"),
        format!("The platform does not hold this record's {en} yet; sync the {en} first"),
    )
}

/// Applies one record entry inside the push's transaction.
pub(super) fn apply_record(
    tx: &Transaction<'_>,
    ctx: &PushContext,
    entry: &OutboxEntry,
) -> StoreResult<EntryOutcome> {
    let id = entry.entity_id.to_string();
    let agency = ctx.agency_id.to_string();
    let owner: Option<String> = tx
        .query_row(
            "SELECT agency_id FROM agency_records WHERE entity = ?1 AND entity_id = ?2",
            params![entry.entity.as_str(), id],
            |r| r.get(0),
        )
        .optional()?;
    if owner.as_ref().is_some_and(|o| *o != agency) {
        return Ok(rules::foreign_record());
    }
    match entry.op {
        SyncOp::Upsert => {
            let Some(fields) = entry.payload.as_object() else {
                return Ok(refused(
                    rules::codes::INVALID_RECORD,
                    "培训记录格式不正确，无法读取".into(),
                    "The training record cannot be read: it is not a JSON object".into(),
                ));
            };
            if entry.entity != SyncEntity::TrainingClass {
                if let Some(class) = fields.get("class_id").and_then(|v| v.as_str()) {
                    let known = tx
                        .query_row(
                            "SELECT 1 FROM agency_records WHERE entity = ?3
                             AND entity_id = ?1 AND agency_id = ?2 AND deleted = 0",
                            params![class, agency, SyncEntity::TrainingClass.as_str()],
                            |_| Ok(()),
                        )
                        .optional()?
                        .is_some();
                    if !known {
                        return Ok(parent_missing("培训班", "training class"));
                    }
                }
            }
            if let Some(worker) = fields.get("worker_id").and_then(|v| v.as_str()) {
                let known = tx
                    .query_row(
                        "SELECT 1 FROM workers WHERE id = ?1 AND agency_id = ?2",
                        params![worker, agency],
                        |_| Ok(()),
                    )
                    .optional()?
                    .is_some();
                if !known {
                    return Ok(parent_missing("人员记录", "worker"));
                }
            }
            tx.execute(
                "INSERT INTO agency_records (entity, entity_id, agency_id, payload, deleted, version, updated_at)
                 VALUES (?1, ?2, ?3, ?4, 0, 1, ?5)
                 ON CONFLICT (entity, entity_id) DO UPDATE SET payload = excluded.payload, deleted = 0,
                   version = agency_records.version + 1, updated_at = excluded.updated_at",
                params![entry.entity.as_str(), id, agency, entry.payload.to_string(), ts(ctx.now)],
            )?;
            Ok(EntryOutcome::Applied)
        }
        // A deletion is kept as a marker (deleted = 1), also for a record the platform never
        // saw, so the agency's history stays complete; a later upsert revives it.
        SyncOp::Delete => {
            tx.execute(
                "INSERT INTO agency_records (entity, entity_id, agency_id, payload, deleted, version, updated_at)
                 VALUES (?1, ?2, ?3, ?4, 1, 1, ?5)
                 ON CONFLICT (entity, entity_id) DO UPDATE SET deleted = 1,
                   version = agency_records.version + 1, updated_at = excluded.updated_at",
                params![entry.entity.as_str(), id, agency, entry.payload.to_string(), ts(ctx.now)],
            )?;
            Ok(EntryOutcome::Applied)
        }
        SyncOp::Apply | SyncOp::Cancel | SyncOp::Reissue => Ok(rules::unsupported(entry.entity.as_str(), entry.op.as_str())),
    }
}
