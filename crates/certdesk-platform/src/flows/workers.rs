//! Pushed worker entries: record updates (信息更新), applications (申领) with the one
//! certificate per person, cancellation (注销) and new cards (补发).

use certdesk_domain::certificate_code::CertificateCode;
use certdesk_domain::lifecycle::claims_certificate;
use certdesk_domain::WorkerStatus;
use certdesk_protocol::credential::{sign_payload, CredentialClaims};
use certdesk_protocol::sync::{ChangeBody, CheckKind, EntryOutcome, OutboxEntry, SyncEntity, SyncOp};
use certdesk_protocol::worker_record;
use certdesk_protocol::RevocationEntry;
use uuid::Uuid;

use crate::ids::Ids;
use crate::rules;
use crate::store::repo::{
    ApplicationDecision, ApplicationKind, NewCard, RecordLink, StoredWorker, Tx, WorkerRow, WorkerWrite,
};
use super::{NewApplication, PushContext, Signer};
use crate::store::{StoreError, StoreResult};

/// Applies one entry that is not a training record, inside the push's transaction.
pub(super) fn apply(
    tx: &mut dyn Tx,
    ids: &dyn Ids,
    ctx: &PushContext,
    entry: &OutboxEntry,
    signer: Option<&Signer<'_>>,
    new_apps: &mut Vec<NewApplication>,
) -> StoreResult<EntryOutcome> {
    if entry.entity != SyncEntity::Worker {
        return Ok(rules::unsupported(entry.entity.as_str(), entry.op.as_str()));
    }
    let mut stored = tx.worker(entry.entity_id)?;
    // A record merged into another (two desks enrolled the person offline): every later entry
    // naming it is the kept record's.
    let merged;
    let entry = match stored {
        Some(_) => entry,
        None => match tx.worker_alias(&entry.entity_id.to_string(), ctx.agency_id)? {
            Some(kept) => {
                stored = tx.worker(kept)?;
                merged = renamed(entry, kept);
                &merged
            }
            None => entry,
        },
    };
    if stored.as_ref().is_some_and(|s| s.agency_id != ctx.agency_id) {
        return Ok(rules::foreign_record());
    }
    match entry.op {
        SyncOp::Upsert | SyncOp::Apply => put(tx, ids, ctx, entry, stored.as_ref(), new_apps),
        SyncOp::Cancel => {
            let Some(s) = stored else {
                return Ok(rules::unknown_record());
            };
            let status = match rules::may_cancel(s.status) {
                Ok(next) => next,
                Err(outcome) => return Ok(outcome),
            };
            cancel(tx, ctx, entry.entity_id, status)
        }
        SyncOp::Reissue => {
            let Some(s) = stored else {
                return Ok(rules::unknown_record());
            };
            let status = match rules::may_reissue(s.status) {
                Ok(next) => next,
                Err(outcome) => return Ok(outcome),
            };
            let signer =
                signer.ok_or_else(|| StoreError::Signing("no signer for a reissue".into()))?;
            reissue(tx, ctx, entry.entity_id, status, signer)
        }
        SyncOp::Delete => Ok(rules::unsupported(entry.entity.as_str(), entry.op.as_str())),
        SyncOp::Activate => {
            if stored.is_none() {
                return Ok(rules::unknown_record());
            }
            super::electronic::add_activation(tx, ctx, entry)
        }
    }
}

/// The statuses in which a worker record holds (or applies for) the person's one certificate.
fn claiming_statuses() -> Vec<WorkerStatus> {
    WorkerStatus::ALL.iter().copied().filter(|s| claims_certificate(*s)).collect()
}

/// The refusal when another record of the person claims the certificate: at another agency
/// (not named), or at this one.
fn claim_refusal(
    tx: &mut dyn Tx,
    ctx: &PushContext,
    worker_id: Uuid,
    id_number: &str,
) -> StoreResult<Option<EntryOutcome>> {
    let holders = tx.other_workers_of_person(id_number, worker_id, &claiming_statuses())?;
    Ok(if holders.iter().any(|a| *a != ctx.agency_id) {
        Some(rules::claimed_elsewhere())
    } else if !holders.is_empty() {
        Some(rules::claimed_here())
    } else {
        None
    })
}

/// `upsert` and `apply`: the record re-validated, the status merged with what the desk
/// reports; an application also moves the status, claims the person's certificate and queues
/// the police comparison (the platform check is the re-validation just done).
fn put(
    tx: &mut dyn Tx,
    ids: &dyn Ids,
    ctx: &PushContext,
    entry: &OutboxEntry,
    stored: Option<&StoredWorker>,
    new_apps: &mut Vec<NewApplication>,
) -> StoreResult<EntryOutcome> {
    let mut pushed = match rules::read_worker(&entry.payload, ctx.today) {
        Ok(p) => p,
        Err(outcome) => return Ok(outcome),
    };
    // Another desk of the agency enrolled the same person offline and its record came first:
    // this one (its enrolment, a desk's first entry of a worker) is merged into it, once, and
    // every desk of the agency is told before it receives the kept copy. The kept worker's
    // records are relayed again after it: a desk that held the merged record could not take
    // the ones relayed before (it did not hold their worker yet).
    if stored.is_none() && entry.op == SyncOp::Upsert {
        if let Some(kept) = tx.agency_worker_of_person(ctx.agency_id, pushed.valid.id_number.as_str(), entry.entity_id)? {
            tx.add_worker_alias(entry.entity_id, kept, ctx.agency_id, ctx.now)?;
            tx.add_change(
                Some(ctx.agency_id),
                &ChangeBody::WorkerMerged { worker_id: kept, merged_id: entry.entity_id, at: ctx.now },
                ctx.now,
            )?;
            let into = tx.worker(kept)?;
            let outcome = put(tx, ids, ctx, &renamed(entry, kept), into.as_ref(), new_apps)?;
            super::records::relay_worker_records(tx, ctx, kept)?;
            return Ok(outcome);
        }
    }
    // Two desks of the agency may have corrected the worker while offline: each field keeps
    // its later write, whichever desk pushed last (issue 10 items 1 and 2). A merge that would
    // not validate as a whole keeps the pushed copy, and so does a copy from a desk that does
    // not stamp its fields (as every push did before).
    let held = match entry.payload.get(worker_record::FIELD_TIMES) {
        Some(_) => tx
            .live_payloads(ctx.agency_id, SyncEntity::Worker, RecordLink::Id(&entry.entity_id.to_string()))?
            .into_iter()
            .next(),
        None => None,
    };
    let mut kept = entry.payload.clone();
    let decided_earlier = held.as_ref().is_some_and(|h| worker_record::status_decided_earlier(&entry.payload, h));
    if let Some(held) = &held {
        let merged = worker_record::merge(held, &entry.payload);
        if let Ok(both) = rules::read_worker(&merged, ctx.today) {
            pushed.valid = both.valid;
            kept = merged;
        }
    }
    let id_number = pushed.valid.id_number.as_str().to_owned();
    let mut status = rules::merge_status(
        stored.map_or(WorkerStatus::Enrolled, |s| s.status),
        pushed.reported_status,
        decided_earlier,
    );
    // The kept copy says when the status it carries was decided: the pushed copy's time when
    // its stage was taken (a merged copy carries the held one's otherwise).
    if !decided_earlier && Some(status) == pushed.reported_status {
        if let (Some(fields), Some(at)) = (kept.as_object_mut(), entry.payload.get(worker_record::STATUS_AT)) {
            fields.insert(worker_record::STATUS_AT.into(), at.clone());
        }
    }
    if let Some(s) = stored {
        if s.id_number != id_number && rules::id_number_locked(s.status) {
            return Ok(rules::id_number_change_refused());
        }
    }
    let mut application = None;
    // Two desks of the agency applied for the worker while offline (or for the two records of
    // a person the platform merged): the first application is the worker's, and a later one
    // is answered as applied with its record kept as an upsert's; the status stays where the
    // first took it.
    let applied_before = entry.op == SyncOp::Apply && holds_claim(stored);
    if entry.op == SyncOp::Apply && !applied_before {
        // The training stage kept here follows what the desks report, and a desk may report
        // behind the training the agency synced: one that has not pushed the stage it took from
        // another desk's records, or the re-typed record of a person merged into this one. The
        // synced training decides (the check below), not that stage.
        let from = match status {
            WorkerStatus::Enrolled | WorkerStatus::InTraining => WorkerStatus::Eligible,
            other => other,
        };
        status = match rules::may_apply(from) {
            Ok(next) => next,
            Err(outcome) => return Ok(outcome),
        };
        if let Some(refusal) = claim_refusal(tx, ctx, entry.entity_id, &id_number)? {
            return Ok(refusal);
        }
        // Not the desk's word: the training the agency synced must carry the application.
        if let Some(refusal) = super::training_check::refusal(tx, ctx.agency_id, entry.entity_id, &pushed.valid)? {
            return Ok(refusal);
        }
        application = Some(ids.id());
    }
    // The photo a record names is kept beside it for the operators' review page; a name that
    // is not a blob name is ignored rather than trusted.
    let photo = kept
        .get("photo_sha256")
        .and_then(|v| v.as_str())
        .filter(|s| crate::blob_upload::is_blob_name(s));
    let row = WorkerRow {
        id: entry.entity_id,
        agency_id: ctx.agency_id,
        record: &pushed.valid,
        status,
        photo_sha256: photo,
    };
    if tx.put_worker(&row, ctx.now)? == WorkerWrite::ClaimTaken {
        // Another record claimed the person between the check and the write (or the check
        // did not apply): the same refusal the check gives.
        let refusal = claim_refusal(tx, ctx, entry.entity_id, &id_number)?;
        return Ok(refusal.unwrap_or_else(rules::claimed_elsewhere));
    }
    if application.is_none() {
        let identity = certdesk_domain::PublicIdentity::of(&pushed.valid.name, photo, &pushed.valid.service_types);
        details_review(tx, ids, ctx, entry.entity_id, &id_number, &identity)?;
    }
    // What the entry wrote that lost to another desk's later write: told to every desk with
    // the copy (issue 10 item 2), never kept in it.
    let lost = if held.is_some() { worker_record::lost_writes(&entry.payload, &kept) } else { Vec::new() };
    relay_worker(tx, ctx, entry.entity_id, kept, status, &lost)?;
    if let Some(app_id) = application {
        tx.add_application(app_id, entry.entity_id, ctx.agency_id, &id_number, ApplicationKind::Certificate, ctx.now)?;
        // Platform verification (平台核验) is the re-validation just done: the record is
        // complete and consistent by the domain's rules.
        tx.add_change(
            Some(ctx.agency_id),
            &ChangeBody::CheckResult {
                worker_id: entry.entity_id,
                check: CheckKind::PlatformCheck,
                passed: true,
                reason_zh: String::new(),
                reason_en: String::new(),
            },
            ctx.now,
        )?;
        new_apps.push(NewApplication {
            application_id: app_id,
            id_number,
        });
    }
    Ok(EntryOutcome::Applied)
}

/// Whether a stored record holds (or applies for) the person's certificate.
fn holds_claim(worker: Option<&StoredWorker>) -> bool {
    worker.is_some_and(|w| claims_certificate(w.status))
}

/// `entry` naming the kept record `kept` instead of the record merged into it.
fn renamed(entry: &OutboxEntry, kept: Uuid) -> OutboxEntry {
    let mut renamed = entry.clone();
    renamed.entity_id = kept;
    if let Some(fields) = renamed.payload.as_object_mut() {
        fields.insert("id".into(), kept.to_string().into());
    }
    renamed
}

/// Keeps the worker's copy (`payload`, a desk's `worker` payload) with the status the platform
/// keeps, and relays it to every desk of the agency.
fn relay_worker(tx: &mut dyn Tx, ctx: &PushContext, worker_id: Uuid, mut payload: serde_json::Value, status: WorkerStatus, lost: &[worker_record::LostWrite]) -> StoreResult<()> {
    if let Some(fields) = payload.as_object_mut() {
        fields.insert("status".into(), status.code().into());
    }
    tx.put_record(SyncEntity::Worker, worker_id, ctx.agency_id, &payload, ctx.now)?;
    // The relayed change names the desk whose entry made it, and what of that entry lost.
    if let Some(fields) = payload.as_object_mut() {
        fields.insert(worker_record::RELAYED_FROM.into(), ctx.device_name.clone().into());
        if !lost.is_empty() {
            fields.insert(worker_record::LOST_WRITES.into(), serde_json::to_value(lost).map_err(|e| StoreError::Corrupt(e.to_string()))?);
        }
    }
    super::records::relay(tx, ctx, SyncEntity::Worker, worker_id, &payload)
}

/// A record of a worker holding a certificate whose name, photo or service types now differ
/// from what the certificate shows goes back through review (issue 11 item 1): one pending
/// application for updated details, which reviews the record as it stands when decided; a
/// record changed back to the approved details withdraws it. The public page keeps showing the
/// approved snapshot meanwhile.
fn details_review(
    tx: &mut dyn Tx,
    ids: &dyn Ids,
    ctx: &PushContext,
    worker_id: Uuid,
    id_number: &str,
    identity: &certdesk_domain::PublicIdentity,
) -> StoreResult<()> {
    let Some(approved) = tx.approved_identity(worker_id)? else {
        return Ok(());
    };
    let changed = !identity.changed_from(&approved).is_empty();
    match (changed, tx.pending_details_application(worker_id)?) {
        (true, None) => tx.add_application(ids.id(), worker_id, ctx.agency_id, id_number, ApplicationKind::Details, ctx.now),
        (false, Some(pending)) => tx.decide_application(pending, ApplicationDecision::Withdrawn, ctx.now),
        _ => Ok(()),
    }
}

/// 注销: the worker moves to `status` (cancelled), a pending application is withdrawn, and
/// every live certificate is revoked city-wide.
fn cancel(
    tx: &mut dyn Tx,
    ctx: &PushContext,
    worker_id: Uuid,
    status: WorkerStatus,
) -> StoreResult<EntryOutcome> {
    tx.set_worker_status(worker_id, status, ctx.now)?;
    tx.decide_pending_of_worker(worker_id, ApplicationDecision::Withdrawn, ctx.now)?;
    for cert in tx.live_certificates(worker_id)? {
        tx.revoke_certificate(&cert.code, ctx.now)?;
        tx.add_change(
            None,
            &ChangeBody::Revocation {
                entry: RevocationEntry {
                    certificate_code: cert.code,
                    revoked: true,
                    current_card_version: cert.card_version,
                },
            },
            ctx.now,
        )?;
    }
    // The agency's other desks see the worker cancelled too.
    let held = tx.live_payloads(ctx.agency_id, SyncEntity::Worker, RecordLink::Id(&worker_id.to_string()))?;
    if let Some(payload) = held.into_iter().next() {
        relay_worker(tx, ctx, worker_id, payload, status, &[])?;
    }
    Ok(EntryOutcome::Applied)
}

/// A new card for the worker's certificate (lost, damaged or misprinted card): the card
/// version goes up, the new card is valid from today to the certificate's end, and every older
/// card verifies as replaced.
fn reissue(
    tx: &mut dyn Tx,
    ctx: &PushContext,
    worker_id: Uuid,
    status: WorkerStatus,
    signer: &Signer<'_>,
) -> StoreResult<EntryOutcome> {
    let Some(cert) = tx.live_certificates(worker_id)?.into_iter().next() else {
        return Ok(rules::unknown_record());
    };
    let code =
        CertificateCode::parse(&cert.code).map_err(|e| StoreError::Corrupt(e.message_en))?;
    if cert.valid_until < ctx.today {
        return Ok(rules::certificate_expired());
    }
    let claims = CredentialClaims {
        key_id: signer.key_id,
        certificate_code: code,
        card_version: cert.card_version.saturating_add(1),
        valid_from: ctx.today,
        valid_until: cert.valid_until,
    };
    let url = format!(
        "{}{}",
        signer.base_url,
        sign_payload(&claims, signer.key).map_err(|e| StoreError::Signing(e.to_string()))?
    );
    tx.set_card(&NewCard {
        code: &cert.code,
        card_version: claims.card_version,
        valid_from: ctx.today,
        key_id: signer.key_id,
        credential_url: &url,
    })?;
    tx.set_worker_status(worker_id, status, ctx.now)?;
    tx.add_change(
        Some(ctx.agency_id),
        &ChangeBody::Approval {
            worker_id,
            certificate_code: cert.code.clone(),
            card_version: claims.card_version,
            valid_from: claims.valid_from,
            valid_until: cert.valid_until,
            credential_url: url,
        },
        ctx.now,
    )?;
    tx.add_change(
        None,
        &ChangeBody::Revocation {
            entry: RevocationEntry {
                certificate_code: cert.code,
                revoked: false,
                current_card_version: claims.card_version,
            },
        },
        ctx.now,
    )?;
    Ok(EntryOutcome::Applied)
}
