//! The desk's side of the sync (its SQL is in `table/`): the device enrolment row, the pull
//! cursor, the platform's answers to pushed entries, the changes it sends back (approvals,
//! rejections, check results, revocations, trust-list keys), and applying for certificates (申领).
//!
//! The network belongs to `certdesk-sync`; this module never talks to it. Every method that
//! records a platform answer does so in one transaction, and only after the answer arrived:
//! the "pushed" marks of a batch together, a pulled batch together with its new cursor. A kill
//! at any instant therefore leaves either the old state (the engine asks again; the platform
//! answers idempotently) or the new one, never half of each. The device secret is never
//! stored here.

use certdesk_domain::lifecycle::{transition, LifecycleEvent};
use certdesk_domain::{Bilingual, WorkerStatus};
use certdesk_protocol::credential::{RevocationList, TrustList, TrustedKey, Verdict};
use certdesk_protocol::sync::{Change, ChangeBody, DeletedEntity, EntryOutcome, EntryResult, SyncEntity, SyncOp};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use rusqlite::Transaction;
use serde::{Deserialize, Serialize};

use crate::audit::{AuditAction, AuditEntity, AuditRecord};
use crate::cards::Feedback;
use crate::relayed::Kept;
use crate::messages;
use crate::table::{self, sync_rejections::PushedEntry};
use crate::{Desk, DeskError, DeskResult, OutboxEntry, SessionUser, Worker};

/// The entities the platform takes (the protocol's list): workers, and the training records it
/// keeps per agency (classes, attendance, exam results, supervision forms, training settings,
/// health checks, insurance and card events).
/// Entries of any other entity (the agency profile, whose authority is the platform's own
/// register) stay in the outbox, unsent and unmarked: nothing is lost, and the platform is not
/// flooded with entries it can only refuse. The outbox order (by `seq`) sends parents before
/// children: a class is written before its participants.
pub const SYNCED_ENTITIES: &[SyncEntity] = &[
    SyncEntity::User,
    SyncEntity::Worker,
    SyncEntity::TrainingSettings,
    SyncEntity::TrainingClass,
    SyncEntity::ClassParticipant,
    SyncEntity::ExamResult,
    SyncEntity::SupervisionForm,
    SyncEntity::HealthCheck,
    SyncEntity::Insurance,
    SyncEntity::ComplaintAnswer,
    SyncEntity::CardEvent,
];

/// After this long without a successful sync the desk warns the clerk.
pub const STALE_AFTER_DAYS: i64 = 3;

/// This desk's enrolment with a platform (the secret is kept elsewhere; see `secret_store`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeviceRecord {
    /// Base URL of the platform, e.g. `https://127.0.0.1:8443`.
    pub platform_url: String,
    /// The device id the platform gave.
    pub device_id: String,
    /// The name the operator sees.
    pub device_name: String,
    /// The agency the device acts for, on the platform.
    pub agency_id: String,
    /// Its name, as the platform knows it.
    pub agency_name: String,
    /// The CA (PEM) trusted for the platform; `None` means the system roots.
    pub ca_pem: Option<String>,
    /// Where the secret lives: `keyring` (the OS keyring) or `file` (`device-secret` in the
    /// data folder, mode 0600, when no keyring service is available).
    pub secret_store: String,
    /// When the desk enrolled (RFC 3339); set by [`Desk::save_sync_device`] from the desk's
    /// clock, whatever the caller passes.
    pub enrolled_at: String,
}

/// The last error of a sync attempt, as the clerk reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SyncErrorInfo {
    /// Stable code.
    pub code: String,
    /// Chinese sentence.
    pub message_zh: String,
    /// English sentence.
    pub message_en: String,
    /// When it happened (RFC 3339).
    pub at: String,
}

/// What the sync indicator shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SyncStatus {
    /// Whether the desk is enrolled with a platform.
    pub enrolled: bool,
    /// The platform's base URL, when enrolled.
    pub platform_url: Option<String>,
    /// The agency's name on the platform, when enrolled.
    pub agency_name: Option<String>,
    /// Outbox entries not yet acknowledged by the platform.
    pub pending: u64,
    /// Outbox entries kept on this desk, not sent: records the platform does not take (the
    /// desk's agency profile); see [`SYNCED_ENTITIES`].
    pub held: u64,
    /// When a sync last completed (RFC 3339), if ever.
    pub last_success_at: Option<String>,
    /// The last attempt's error, when the last attempt failed.
    pub last_error: Option<SyncErrorInfo>,
    /// Seconds since the trust list was last confirmed current (a complete pull), if ever.
    pub trust_list_age_seconds: Option<i64>,
    /// Keys in the local trust list.
    pub trust_keys: u64,
    /// Refused entries the clerk has not dismissed yet.
    pub rejections: u64,
    /// Nothing synced for more than [`STALE_AFTER_DAYS`] days (counted from enrolment when the
    /// desk never synced).
    pub stale_warning: bool,
    /// The pull cursor (the platform's change sequence).
    pub cursor: i64,
}

/// What the platform answered for one pushed entry, as the outbox keeps it (`outbox.outcome`)
/// and the refusal list shows it (`sync_rejections.kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum PushOutcome {
    /// Taken into the platform's records.
    Applied,
    /// Received before; nothing changed.
    Duplicate,
    /// Refused for good: fix the record, it will be sent again.
    Rejected,
    /// The platform's state disagrees; usually call the platform.
    Conflict,
}

certdesk_domain::closed_set!(PushOutcome, "push outcome", {
    Applied => "applied",
    Duplicate => "duplicate",
    Rejected => "rejected",
    Conflict => "conflict",
});

impl From<&EntryOutcome> for PushOutcome {
    fn from(outcome: &EntryOutcome) -> Self {
        match outcome {
            EntryOutcome::Applied => PushOutcome::Applied,
            EntryOutcome::Duplicate => PushOutcome::Duplicate,
            EntryOutcome::Rejected { .. } => PushOutcome::Rejected,
            EntryOutcome::Conflict { .. } => PushOutcome::Conflict,
        }
    }
}

/// One entry the platform refused, for the clerk's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SyncRejection {
    /// The outbox entry's id.
    pub entry_id: String,
    /// Its outbox position.
    pub seq: i64,
    /// What kind of record it is.
    pub entity: SyncEntity,
    /// The record's id.
    pub entity_id: String,
    /// For workers: the name, to show without another look-up.
    pub entity_label: Option<String>,
    /// What the entry did to the record.
    pub op: SyncOp,
    /// [`PushOutcome::Rejected`] or [`PushOutcome::Conflict`].
    pub kind: PushOutcome,
    /// The platform's stable code (a [`certdesk_protocol::sync::RefusalCode`], or a newer
    /// platform's code kept as sent).
    pub code: String,
    /// The platform's sentence, Chinese.
    pub message_zh: String,
    /// The platform's sentence, English.
    pub message_en: String,
    /// When the answer arrived.
    pub received_at: String,
    /// When a clerk dismissed it (None: still open).
    pub dismissed_at: Option<String>,
}

/// What recording a push's answers did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PushTally {
    /// Newly taken into the platform's records.
    pub applied: u64,
    /// Already there from an earlier (unacknowledged) push.
    pub duplicate: u64,
    /// Refused for good.
    pub rejected: u64,
    /// Refused because the platform's state disagrees.
    pub conflict: u64,
}

impl PushTally {
    /// Adds another tally.
    pub fn add(&mut self, other: &PushTally) {
        self.applied += other.applied;
        self.duplicate += other.duplicate;
        self.rejected += other.rejected;
        self.conflict += other.conflict;
    }
}

/// What applying a pulled batch did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PullTally {
    /// Changes received.
    pub changes: u64,
    /// Approvals (certificate code and credential stored).
    pub approvals: u64,
    /// Rejections of applications.
    pub rejections: u64,
    /// Check results.
    pub check_results: u64,
    /// Revocation entries.
    pub revocations: u64,
    /// Trust-list keys added or changed.
    pub trust_keys: u64,
    /// Deletion markers.
    pub deletions: u64,
    /// Ratings and complaints (评价/投诉) new to this desk.
    pub feedback: u64,
    /// Changes about workers this desk does not hold (enrolled on another desk of the agency).
    pub skipped: u64,
    /// Supervision forms the programme office filed on the platform (督导表) kept.
    pub supervision_forms: u64,
    /// Staff accounts of the agency added or changed here (by another desk's write).
    pub staff_accounts: u64,
    /// Workers of the agency added or changed here by another desk's write (issue 10 item 1).
    pub workers: u64,
    /// Training records (classes, attendance, exam attempts, supervision forms) another desk of
    /// the agency wrote, kept here.
    pub training_records: u64,
    /// Health checks and insurance policies another desk of the agency recorded, kept here.
    pub health_records: u64,
    /// Card events (prints, hand-overs, losses, cancellations) another desk of the agency
    /// recorded, kept here.
    pub card_events: u64,
    /// Answers to complaints another desk of the agency recorded, kept here.
    pub complaint_answers: u64,
    /// Records of one person that two desks of the agency enrolled offline, merged into one here
    /// (the clerk is told; the worker's timeline says so).
    pub workers_merged: u64,
    /// Records of the agency's other desks refused: they did not read, or clashed with what
    /// this desk holds (nothing of them was applied; the rest of the page was).
    pub refused: u64,
}

impl PullTally {
    /// Adds another tally. Written out by destructuring, so a count added to the tally cannot
    /// be left out of the sum.
    pub fn add(&mut self, o: &PullTally) {
        let PullTally {
            changes,
            approvals,
            rejections,
            check_results,
            revocations,
            trust_keys,
            deletions,
            feedback,
            skipped,
            supervision_forms,
            staff_accounts,
            workers,
            training_records,
            health_records,
            card_events,
            complaint_answers,
            workers_merged,
            refused,
        } = *o;
        self.changes += changes;
        self.approvals += approvals;
        self.rejections += rejections;
        self.check_results += check_results;
        self.revocations += revocations;
        self.trust_keys += trust_keys;
        self.deletions += deletions;
        self.feedback += feedback;
        self.skipped += skipped;
        self.supervision_forms += supervision_forms;
        self.staff_accounts += staff_accounts;
        self.workers += workers;
        self.training_records += training_records;
        self.health_records += health_records;
        self.card_events += card_events;
        self.complaint_answers += complaint_answers;
        self.workers_merged += workers_merged;
        self.refused += refused;
    }
}

/// The certificate the platform approved for a worker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct WorkerCertificate {
    /// 上门服务证编码.
    pub certificate_code: String,
    /// The card version the credential is for.
    pub card_version: u16,
    /// First valid day.
    pub valid_from: String,
    /// Last valid day.
    pub valid_until: String,
    /// The signed URL to print as the QR code.
    pub credential_url: String,
}

/// The platform's latest word on a worker's application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PlatformView {
    /// The certificate, once approved.
    pub certificate: Option<WorkerCertificate>,
    /// Why the last application was refused, if it was.
    pub rejection: Option<SyncErrorInfo>,
    /// Check results: (`platform_check` | `police_check`, passed, reason in Chinese).
    pub checks: Vec<(String, bool, String)>,
}

/// What applying for every eligible worker did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ApplyAllReport {
    /// Workers applied for (ids).
    pub applied: Vec<String>,
}

/// The statuses in which a pulled approval changes nothing but the stored certificate: the
/// card is already made or the certificate was cancelled here.
fn not_eligible(from: WorkerStatus) -> DeskError {
    // The lifecycle's own sentence names the status; this code lets the window group refusals.
    let e = transition(from, LifecycleEvent::Apply).expect_err("only called when apply is refused");
    messages::not_eligible_status(e)
}

impl Desk {
    /// Now on the desk's clock (the injected one in tests and benchmarks).
    pub fn now_utc(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// The enrolment row, if the desk is enrolled.
    pub fn sync_device(&self) -> DeskResult<Option<DeviceRecord>> {
        Ok(table::sync_device::get(&self.conn)?)
    }

    /// Records a (new) enrolment, replacing any earlier one. When the platform or the agency
    /// changes, everything learned from the old one is forgotten (cursor, trust list,
    /// revocations, photo receipts) and every outbox entry is sent again: the new platform has
    /// none of them. The enrolment is audited (entity `device`, action `enrol`, the platform's
    /// address before and after) against `by`, the manager who enrolled, or no user for an
    /// unattended enrolment.
    pub fn save_sync_device(&mut self, by: Option<&SessionUser>, device: &DeviceRecord) -> DeskResult<()> {
        let old = self.sync_device()?;
        let tx = self.conn.unchecked_transaction()?;
        let moved = old
            .as_ref()
            .is_some_and(|o| o.platform_url != device.platform_url || o.agency_id != device.agency_id);
        if moved {
            table::sync_state::forget_platform(&tx)?;
            table::trust_keys::delete_all(&tx)?;
            table::revocations::delete_all(&tx)?;
            table::photo_uploads::delete_all(&tx)?;
            table::report_files::forget_uploads(&tx)?;
            table::outbox::unmark_all(&tx)?;
        }
        table::sync_device::put(&tx, device, &self.now_text())?;
        table::sync_state::clear_error(&tx)?;
        self.append_audit(
            &tx,
            &AuditRecord {
                user_id: by.map(|u| u.id.as_str()),
                entity: AuditEntity::Device,
                entity_id: &device.device_id,
                action: AuditAction::Enrol,
                field: Some("platform_url"),
                old_value: old.as_ref().map(|o| o.platform_url.as_str()),
                new_value: Some(&device.platform_url),
                reason: None,
            },
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The pull cursor: the platform's change sequence up to which everything is applied.
    pub fn sync_cursor(&self) -> DeskResult<i64> {
        Ok(table::sync_state::cursor(&self.conn)?)
    }

    /// Outbox entries the sync will send and the platform has not acknowledged yet.
    pub fn pending_outbox_count(&self) -> DeskResult<u64> {
        Ok(table::outbox::count_pending(&self.conn, SYNCED_ENTITIES, true)?)
    }

    /// Outbox entries of records the platform does not take yet (see [`SYNCED_ENTITIES`]):
    /// kept, unsent, until the protocol learns them.
    pub fn held_outbox_count(&self) -> DeskResult<u64> {
        Ok(table::outbox::count_pending(&self.conn, SYNCED_ENTITIES, false)?)
    }

    /// The next entries to push, oldest first: unacknowledged entries of [`SYNCED_ENTITIES`].
    pub fn pending_sync_entries(&self, limit: usize) -> DeskResult<Vec<OutboxEntry>> {
        Ok(table::outbox::pending_of(&self.conn, SYNCED_ENTITIES, limit)?)
    }

    /// Records the platform's answers to one pushed batch, in one transaction: each entry is
    /// marked pushed with its outcome; refusals go to the clerk's list; a refused application
    /// (申领) moves the worker to rejected with the platform's sentence. Answers for entries
    /// already marked (a repeated answer) change nothing.
    pub fn record_push_results(&mut self, results: &[EntryResult]) -> DeskResult<PushTally> {
        let now = self.now_text();
        let tx = self.conn.unchecked_transaction()?;
        let mut tally = PushTally::default();
        for r in results {
            let id = r.id.to_string();
            let entry = table::outbox::brief(&tx, &id)?;
            let Some((seq, entity, entity_id, op, pushed_at)) = entry else {
                return Err(DeskError::internal(format!("the platform answered for unknown entry {id}")));
            };
            if seq != r.seq {
                return Err(DeskError::internal(format!("entry {id}: platform says seq {}, desk has {seq}", r.seq)));
            }
            if pushed_at.is_some() {
                continue;
            }
            let refusal = match &r.outcome {
                EntryOutcome::Applied => {
                    tally.applied += 1;
                    None
                }
                EntryOutcome::Duplicate => {
                    tally.duplicate += 1;
                    None
                }
                EntryOutcome::Rejected { code, message_zh, message_en } => {
                    tally.rejected += 1;
                    Some((code, message_zh, message_en))
                }
                EntryOutcome::Conflict { code, message_zh, message_en } => {
                    tally.conflict += 1;
                    Some((code, message_zh, message_en))
                }
            };
            table::outbox::mark_pushed(&tx, &id, &now, &r.outcome)?;
            if let Some((code, zh, en)) = refusal {
                let entry = PushedEntry { entry_id: &id, seq, entity, entity_id: &entity_id, op };
                table::sync_rejections::insert(&tx, &entry, &r.outcome, &now)?;
                if entity == SyncEntity::Worker && op == SyncOp::Apply {
                    self.reject_in_tx(&tx, &entity_id, code, zh, en)?;
                }
            }
        }
        tx.commit()?;
        Ok(tally)
    }

    /// Applies one pulled batch and stores `next_cursor`, in one transaction. `complete` says
    /// the platform has nothing more after this batch: the trust list is then current.
    pub fn apply_pulled(&mut self, changes: &[Change], next_cursor: i64, complete: bool) -> DeskResult<PullTally> {
        let now = self.now_text();
        let tx = self.conn.unchecked_transaction()?;
        let cursor = table::sync_state::cursor(&tx)?;
        let mut tally = PullTally::default();
        for change in changes.iter().filter(|c| c.seq > cursor) {
            tally.changes += 1;
            self.apply_change(&tx, change.seq, &change.body, &now, &mut tally)?;
        }
        if next_cursor > cursor {
            table::sync_state::set_cursor(&tx, next_cursor)?;
        }
        if complete {
            table::sync_state::set_trust_checked(&tx, &now)?;
        }
        tx.commit()?;
        Ok(tally)
    }

    fn worker_status_in(&self, tx: &Transaction<'_>, worker_id: &str) -> DeskResult<Option<WorkerStatus>> {
        Ok(table::workers::status(tx, worker_id)?)
    }

    /// The one way a worker's status moves: the lifecycle's `events`, one after the other, from
    /// the status the row holds now, as [`transition`] decides (a refused event is a
    /// `status_transition` error and nothing is written); the row and one audit entry from the
    /// first status to the last. `user_id`: the clerk, or `None` for the platform; `reason`: the
    /// sentence or code shown in the timeline. The new status.
    pub(crate) fn set_status_in(
        &self,
        tx: &Transaction<'_>,
        worker_id: &str,
        events: &[LifecycleEvent],
        (user_id, action, reason): (Option<&str>, AuditAction, Option<&str>),
    ) -> DeskResult<WorkerStatus> {
        let from = self.worker_status_in(tx, worker_id)?.ok_or_else(|| DeskError::not_found(messages::records::worker()))?;
        let to = events.iter().try_fold(from, |s, &e| transition(s, e)).map_err(crate::cards::lifecycle_error)?;
        // A user's move records who made it; the platform's decisions keep the last editor.
        table::workers::set_status(tx, worker_id, to, &self.now_text(), user_id)?;
        self.append_audit(
            tx,
            &AuditRecord {
                user_id,
                entity: AuditEntity::Worker,
                entity_id: worker_id,
                action,
                field: Some("status"),
                old_value: Some(from.code()),
                new_value: Some(to.code()),
                reason,
            },
        )?;
        Ok(to)
    }

    /// A refused application: the reason is kept for the worker page, and an applied worker
    /// becomes rejected (it may be applied for again once the cause is fixed).
    fn reject_in_tx(&self, tx: &Transaction<'_>, worker_id: &str, code: &str, zh: &str, en: &str) -> DeskResult<bool> {
        let Some(status) = self.worker_status_in(tx, worker_id)? else {
            return Ok(false);
        };
        table::worker_rejections::upsert(tx, worker_id, code, (zh, en), &self.now_text())?;
        if transition(status, LifecycleEvent::Reject).is_ok() {
            self.set_status_in(tx, worker_id, &[LifecycleEvent::Reject], (None, AuditAction::PlatformReject, Some(zh)))?;
        }
        Ok(true)
    }

    /// Keeps the platform's decision `body` (change `seq`) about a worker this desk does not
    /// hold yet, for when the worker arrives ([`Desk::apply_parked`]): a joining PC receives the
    /// decisions on records its agency's desks announced after them before the records.
    fn park(&self, tx: &Transaction<'_>, seq: i64, worker_id: &str, body: &ChangeBody, tally: &mut PullTally) -> DeskResult<()> {
        let json = serde_json::to_string(body).map_err(DeskError::internal)?;
        table::parked_decisions::insert(tx, seq, worker_id, &json, &self.now_text())?;
        tally.skipped += 1;
        Ok(())
    }

    /// The decisions kept for `worker_id` ([`Desk::park`]), applied in the platform's order now
    /// that the desk holds the worker.
    fn apply_parked(&self, tx: &Transaction<'_>, worker_id: &str, now: &str, tally: &mut PullTally) -> DeskResult<()> {
        if self.worker_status_in(tx, worker_id)?.is_none() {
            return Ok(());
        }
        for (seq, body) in table::parked_decisions::take(tx, worker_id)? {
            match serde_json::from_str::<ChangeBody>(&body) {
                Ok(body) => self.apply_change(tx, seq, &body, now, tally)?,
                Err(_) => tally.refused += 1,
            }
        }
        Ok(())
    }

    fn apply_change(&self, tx: &Transaction<'_>, seq: i64, body: &ChangeBody, now: &str, tally: &mut PullTally) -> DeskResult<()> {
        match body {
            ChangeBody::CheckResult { worker_id, check, passed, reason_zh, reason_en } => {
                let id = worker_id.to_string();
                if self.worker_status_in(tx, &id)?.is_none() {
                    return self.park(tx, seq, &id, body, tally);
                }
                table::worker_checks::upsert(tx, &id, *check, *passed, (reason_zh, reason_en), now)?;
                tally.check_results += 1;
            }
            ChangeBody::Approval { worker_id, certificate_code, card_version, valid_from, valid_until, credential_url } => {
                let id = worker_id.to_string();
                let Some(status) = self.worker_status_in(tx, &id)? else {
                    return self.park(tx, seq, &id, body, tally);
                };
                let certificate = WorkerCertificate {
                    certificate_code: certificate_code.clone(),
                    card_version: *card_version,
                    valid_from: valid_from.to_string(),
                    valid_until: valid_until.to_string(),
                    credential_url: credential_url.clone(),
                };
                table::worker_certificates::upsert(tx, &id, &certificate, now)?;
                // An older platform says nothing of the approved details: the record as held now.
                table::worker_certificates::freeze_details_if_unset(tx, &id)?;
                table::workers::set_certificate_code(tx, &id, certificate_code)?;
                table::worker_rejections::delete(tx, &id)?;
                // The platform decides approvals: an approval counts even if this desk never
                // saw its application acknowledged (e.g. killed before recording the answer).
                // Already approved, printed, issued or cancelled: the status stays.
                if transition(status, LifecycleEvent::ReceiveApproval).is_ok() {
                    self.set_status_in(tx, &id, &[LifecycleEvent::ReceiveApproval], (None, AuditAction::PlatformApprove, Some(certificate_code)))?;
                }
                tally.approvals += 1;
            }
            ChangeBody::Rejection { worker_id, code, message_zh, message_en } => {
                let id = worker_id.to_string();
                if self.reject_in_tx(tx, &id, code, message_zh, message_en)? {
                    tally.rejections += 1;
                } else {
                    self.park(tx, seq, &id, body, tally)?;
                }
            }
            ChangeBody::Revocation { entry } => {
                table::revocations::upsert(tx, entry, now)?;
                tally.revocations += 1;
            }
            ChangeBody::TrustKey { key } => {
                table::trust_keys::upsert(tx, key, now)?;
                tally.trust_keys += 1;
            }
            ChangeBody::Rating { rating_id, worker_id, certificate_code, stars, comment, created_at } => {
                let f = Feedback {
                    id: rating_id.to_string(),
                    kind: crate::cards::FeedbackKind::Rating,
                    worker_id: worker_id.to_string(),
                    worker_name: None,
                    certificate_code: certificate_code.clone(),
                    stars: Some((*stars).clamp(1, 5)),
                    text: comment.clone(),
                    contact: String::new(),
                    created_at: created_at.to_rfc3339(),
                    handled_at: None,
                    reference: None,
                    office_note: None,
                    closed_at: None,
                    answer: None,
                };
                if self.store_feedback(tx, &f)? {
                    tally.feedback += 1;
                }
            }
            ChangeBody::ComplaintAskedAgain { complaint_id, message, .. } => {
                if table::feedback::ask_again(tx, &complaint_id.to_string(), message)? {
                    tally.feedback += 1;
                } else {
                    tally.skipped += 1;
                }
            }
            ChangeBody::ComplaintClosed { complaint_id, conclusion, at } => {
                let at = at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
                if table::feedback::close(tx, &complaint_id.to_string(), conclusion, &at)? {
                    tally.feedback += 1;
                } else {
                    tally.skipped += 1;
                }
            }
            // A newer platform's kind: skipped, so that the rest of the page and the cursor apply.
            ChangeBody::Unknown => {}
            // Refused alone, counted; the rest of the page and its cursor apply.
            ChangeBody::Unreadable { .. } => tally.refused += 1,
            ChangeBody::ApprovedDetails { worker_id, name, photo_sha256, service_types } => {
                let id = worker_id.to_string();
                let details = certdesk_domain::PublicIdentity { name: name.clone(), photo_sha256: photo_sha256.clone(), service_types: service_types.clone() };
                if self.worker_status_in(tx, &id)?.is_none() {
                    self.park(tx, seq, &id, body, tally)?;
                } else if !table::worker_certificates::set_approved_details(tx, &id, &details)? {
                    tally.skipped += 1;
                }
            }
            ChangeBody::DetailsRejected { worker_id, message_zh, message_en } => {
                let id = worker_id.to_string();
                let reason = Bilingual::new(message_zh.clone(), message_en.clone());
                if self.worker_status_in(tx, &id)?.is_none() {
                    self.park(tx, seq, &id, body, tally)?;
                } else if !table::worker_certificates::set_details_rejection(tx, &id, Some(&reason))? {
                    tally.skipped += 1;
                }
            }
            ChangeBody::Visit { visit_id, worker_id, certificate_code, visited_at } => {
                let row = (visit_id.to_string(), worker_id.to_string(), certificate_code.as_str(), visited_at.to_rfc3339());
                if table::service_visits::insert(tx, (&row.0, &row.1, row.2, &row.3), &self.now_text())? {
                    tally.feedback += 1;
                }
            }
            ChangeBody::Complaint { complaint_id, worker_id, certificate_code, text, contact, created_at, reference } => {
                let f = Feedback {
                    id: complaint_id.to_string(),
                    kind: crate::cards::FeedbackKind::Complaint,
                    worker_id: worker_id.to_string(),
                    worker_name: None,
                    certificate_code: certificate_code.clone(),
                    stars: None,
                    text: text.clone(),
                    contact: contact.clone(),
                    created_at: created_at.to_rfc3339(),
                    handled_at: None,
                    reference: reference.clone(),
                    office_note: None,
                    closed_at: None,
                    answer: None,
                };
                if self.store_feedback(tx, &f)? {
                    tally.feedback += 1;
                }
            }
            ChangeBody::SupervisionFiled { form_id, class_id, form } => {
                if self.keep_platform_supervision(tx, &form_id.to_string(), class_id, form)? {
                    tally.supervision_forms += 1;
                } else {
                    tally.skipped += 1;
                }
            }
            ChangeBody::AgencyRecord { entity, payload, .. } if entity.names_a_worker() && self.awaits_merge(tx, payload)? => {
                tally.skipped += 1;
            }
            ChangeBody::AgencyRecord { entity: SyncEntity::User, payload, .. } => {
                match self.keep_staff_account(tx, payload)? {
                    Some(true) => tally.staff_accounts += 1,
                    Some(false) => {}
                    None => tally.refused += 1,
                }
            }
            ChangeBody::AgencyRecord { entity: SyncEntity::Worker, entity_id, payload } => {
                match self.keep_relayed_worker(tx, payload)? {
                    Kept::Changed => {
                        tally.workers += 1;
                        self.apply_parked(tx, &entity_id.to_string(), now, tally)?;
                    }
                    Kept::Unchanged => {}
                    Kept::Refused => tally.refused += 1,
                }
            }
            ChangeBody::AgencyRecord { entity, payload, .. } if entity.is_training() => {
                let kept = match entity {
                    SyncEntity::TrainingSettings => self.keep_relayed_settings(tx, payload)?,
                    SyncEntity::TrainingClass => self.keep_relayed_class(tx, payload)?,
                    SyncEntity::ClassParticipant => self.keep_relayed_participant(tx, payload)?,
                    SyncEntity::ExamResult => self.keep_relayed_exam(tx, payload)?,
                    _ => self.keep_relayed_supervision(tx, payload)?,
                };
                match kept {
                    Kept::Changed => tally.training_records += 1,
                    Kept::Unchanged => {}
                    Kept::Refused => tally.refused += 1,
                }
            }
            ChangeBody::AgencyRecord { entity: entity @ (SyncEntity::HealthCheck | SyncEntity::Insurance), payload, .. } => {
                let kept = match entity {
                    SyncEntity::HealthCheck => self.keep_relayed_health_check(tx, payload)?,
                    _ => self.keep_relayed_insurance(tx, payload)?,
                };
                match kept {
                    Kept::Changed => tally.health_records += 1,
                    Kept::Unchanged => {}
                    Kept::Refused => tally.refused += 1,
                }
            }
            ChangeBody::AgencyRecord { entity: SyncEntity::CardEvent, payload, .. } => match self.keep_relayed_card_event(tx, payload)? {
                Kept::Changed => tally.card_events += 1,
                Kept::Unchanged => {}
                Kept::Refused => tally.refused += 1,
            },
            ChangeBody::AgencyRecord { entity: SyncEntity::ComplaintAnswer, entity_id, payload } => {
                match self.keep_relayed_complaint_answer(tx, &entity_id.to_string(), payload)? {
                    Kept::Changed => tally.complaint_answers += 1,
                    Kept::Unchanged => {}
                    Kept::Refused => tally.refused += 1,
                }
            }
            // An entity this desk does not take from other desks yet.
            ChangeBody::AgencyRecord { .. } => tally.skipped += 1,
            ChangeBody::WorkerMerged { worker_id, merged_id, at } => {
                let at = at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
                match self.keep_worker_merge(tx, &worker_id.to_string(), &merged_id.to_string(), &at)? {
                    Kept::Changed => {
                        tally.workers_merged += 1;
                        self.apply_parked(tx, &worker_id.to_string(), now, tally)?;
                    }
                    Kept::Unchanged => tally.skipped += 1,
                    Kept::Refused => tally.refused += 1,
                }
            }
            ChangeBody::Deleted { entity, entity_id } => {
                match entity.parse::<DeletedEntity>() {
                    Ok(DeletedEntity::TrustKey) => {
                        table::trust_keys::delete(tx, entity_id)?;
                    }
                    Ok(DeletedEntity::Revocation) => {
                        table::revocations::delete(tx, entity_id)?;
                    }
                    // Unknown kinds are for newer desks; skipping them keeps the cursor moving.
                    Err(_) => {}
                }
                tally.deletions += 1;
            }
        }
        Ok(())
    }

    /// Records a completed sync.
    pub fn record_sync_success(&mut self) -> DeskResult<()> {
        let now = self.now_text();
        table::sync_state::record_success(&self.conn, &now)?;
        Ok(())
    }

    /// Records a failed sync attempt (what the indicator shows until the next success).
    pub fn record_sync_failure(&mut self, code: &str, zh: &str, en: &str) -> DeskResult<()> {
        let now = self.now_text();
        table::sync_state::record_failure(&self.conn, &now, (code, zh, en))?;
        Ok(())
    }

    /// What the sync indicator shows.
    pub fn sync_status(&self) -> DeskResult<SyncStatus> {
        let device = self.sync_device()?;
        let state = table::sync_state::get(&self.conn)?;
        let (cursor, last_success_at, last_attempt_at, trust_checked_at) =
            (state.cursor, state.last_success_at, state.last_attempt_at, state.trust_checked_at);
        let (code, zh, en) = (state.last_error_code, state.last_error_zh, state.last_error_en);
        let now = self.now_utc();
        let parse = |s: &str| DateTime::parse_from_rfc3339(s).ok().map(|t| t.with_timezone(&Utc));
        let since = last_success_at.as_deref().or(device.as_ref().map(|d| d.enrolled_at.as_str())).and_then(parse);
        Ok(SyncStatus {
            enrolled: device.is_some(),
            platform_url: device.as_ref().map(|d| d.platform_url.clone()),
            agency_name: device.as_ref().map(|d| d.agency_name.clone()),
            pending: self.pending_outbox_count()?,
            held: self.held_outbox_count()?,
            last_error: match (code, zh, en) {
                (Some(code), Some(message_zh), Some(message_en)) => {
                    Some(SyncErrorInfo { code, message_zh, message_en, at: last_attempt_at.unwrap_or_default() })
                }
                _ => None,
            },
            last_success_at,
            trust_list_age_seconds: trust_checked_at.as_deref().and_then(parse).map(|t| (now - t).num_seconds().max(0)),
            trust_keys: table::trust_keys::count(&self.conn)?,
            rejections: table::sync_rejections::count_open(&self.conn)?,
            stale_warning: since.is_some_and(|t| now - t > Duration::days(STALE_AFTER_DAYS)),
            cursor,
        })
    }

    /// Refused entries, newest first; dismissed ones only when asked.
    pub fn sync_rejections(&self, include_dismissed: bool) -> DeskResult<Vec<SyncRejection>> {
        Ok(table::sync_rejections::list(&self.conn, include_dismissed)?)
    }

    /// The clerk has read a refusal and acted on it: it leaves the open list (kept for the record).
    pub fn dismiss_sync_rejection(&mut self, actor: &SessionUser, entry_id: &str) -> DeskResult<()> {
        if !table::sync_rejections::dismiss(&self.conn, entry_id, &self.now_text(), &actor.id)? {
            return Err(DeskError::not_found(messages::records::sync_rejection()));
        }
        Ok(())
    }

    /// Whether the platform is known to hold this blob (a photo or a health check report).
    pub fn blob_uploaded(&self, sha256: &str) -> DeskResult<bool> {
        Ok(table::photo_uploads::contains(&self.conn, sha256)? || table::report_files::uploaded(&self.conn, sha256)?)
    }

    /// Records that the platform holds this blob (after its upload or HEAD answered so).
    pub fn mark_blob_uploaded(&mut self, sha256: &str) -> DeskResult<()> {
        let now = self.now_text();
        if !table::report_files::mark_uploaded(&self.conn, sha256, &now)? {
            table::photo_uploads::insert(&self.conn, sha256, &now)?;
        }
        Ok(())
    }

    /// Adds or refreshes trust-list keys fetched directly (`GET /trust-list`), e.g. before
    /// the platform's first change names them. Removals only come through the pull.
    pub fn merge_trust_keys(&mut self, keys: &[TrustedKey]) -> DeskResult<()> {
        let now = self.now_text();
        let tx = self.conn.unchecked_transaction()?;
        for key in keys {
            table::trust_keys::upsert(&tx, key, &now)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The synced trust list (the platform's public keys), for verifying cards offline.
    pub fn trust_list(&self) -> DeskResult<TrustList> {
        let mut keys = Vec::new();
        for (key_id, public_key, nb, na, algorithm) in table::trust_keys::all(&self.conn)? {
            let date = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(DeskError::internal);
            let algorithm = certdesk_protocol::credential::KeyAlgorithm::ALL
                .into_iter()
                .find(|a| a.code() == algorithm)
                .ok_or_else(|| DeskError::internal(format!("trust key {key_id}: algorithm {algorithm}")))?;
            keys.push(TrustedKey {
                key_id,
                public_key,
                algorithm,
                not_before: date(&nb)?,
                not_after: na.as_deref().map(date).transpose()?,
            });
        }
        Ok(TrustList { keys })
    }

    /// The synced revocation list.
    pub fn revocation_list(&self) -> DeskResult<RevocationList> {
        Ok(RevocationList { entries: table::revocations::all(&self.conn)? })
    }

    /// Checks a scanned card offline against the synced trust and revocation lists.
    pub fn verify_credential(&self, scanned: &str) -> DeskResult<Verdict> {
        Ok(self.check_credential(scanned)?.verdict)
    }

    /// As [`Self::verify_credential`], at this moment: an electronic card's code is judged
    /// fresh or stale by this PC's clock, and its signing time is returned.
    pub fn check_credential(&self, scanned: &str) -> DeskResult<certdesk_protocol::Checked> {
        Ok(certdesk_protocol::verify_at(scanned, &self.trust_list()?, &self.revocation_list()?, self.now_utc()))
    }

    /// The platform's latest word on a worker: certificate, rejection reason, checks.
    pub fn platform_view(&self, worker_id: &str) -> DeskResult<PlatformView> {
        self.worker(worker_id)?;
        let certificate = table::worker_certificates::of_worker(&self.conn, worker_id)?;
        let rejection = table::worker_rejections::of_worker(&self.conn, worker_id)?;
        let checks = table::worker_checks::of_worker(&self.conn, worker_id)?;
        Ok(PlatformView { certificate, rejection, checks })
    }

    /// 申领: apply to the platform for this worker's certificate. The worker must be eligible
    /// (training and exam done) or previously rejected; the status moves to applied and an
    /// `apply` entry goes to the outbox, all in one transaction.
    pub fn apply_worker(&mut self, actor: &SessionUser, worker_id: &str) -> DeskResult<Worker> {
        let tx = self.conn.unchecked_transaction()?;
        self.apply_in_tx(&tx, actor, worker_id)?;
        tx.commit()?;
        self.worker(worker_id)
    }

    /// 批量申领: apply for every eligible worker at once (one transaction). Workers whose
    /// application was rejected are left out: each needs the clerk's look first.
    pub fn apply_all_eligible(&mut self, actor: &SessionUser) -> DeskResult<ApplyAllReport> {
        let ids = table::workers::ids_with_status(&self.conn, WorkerStatus::Eligible)?;
        let tx = self.conn.unchecked_transaction()?;
        for id in &ids {
            self.apply_in_tx(&tx, actor, id)?;
        }
        tx.commit()?;
        Ok(ApplyAllReport { applied: ids })
    }

    fn apply_in_tx(&self, tx: &Transaction<'_>, actor: &SessionUser, worker_id: &str) -> DeskResult<()> {
        let Some(from) = self.worker_status_in(tx, worker_id)? else {
            return Err(DeskError::not_found(messages::records::worker()));
        };
        // The lifecycle decides which statuses may apply (eligible, or rejected before); the
        // training rules are re-checked at this moment, so a correction made since the worker
        // became eligible (a failed retake, an attendance fix) is not missed.
        // A worker still before eligibility is told what is missing (training, the record's
        // details to complete) rather than only that the status does not allow it.
        let may_move = transition(from, LifecycleEvent::Apply);
        let before_applying = matches!(from, WorkerStatus::Enrolled | WorkerStatus::InTraining | WorkerStatus::Eligible);
        let eligibility = self.worker_eligibility(worker_id)?;
        if !eligibility.eligible && (before_applying || may_move.is_ok()) {
            let missing: Vec<_> = eligibility.missing.iter().map(|m| certdesk_domain::Bilingual::new(m.message_zh.clone(), m.message_en.clone())).collect();
            return Err(messages::not_eligible_yet(&missing));
        }
        may_move.map_err(|_| not_eligible(from))?;
        // The payload is the record as it stands, reporting the status the application is
        // made from: the platform owns `applied` and judges the move itself.
        let mut payload = serde_json::to_value(self.worker(worker_id)?).map_err(DeskError::internal)?;
        payload["status"] = serde_json::Value::from(from.code());
        self.set_status_in(tx, worker_id, &[LifecycleEvent::Apply], (Some(&actor.id), AuditAction::Apply, None))?;
        self.append_outbox(tx, SyncEntity::Worker, worker_id, SyncOp::Apply, &payload)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Agency, NewUser, Role, WorkerInput};

    /// A set-up desk with one enrolled worker; the manager and the worker's id.
    fn desk_with_an_enrolled_worker(dir: &std::path::Path) -> (Desk, SessionUser, String) {
        let mut desk = Desk::open(dir).unwrap();
        let agency = Agency {
            name: "上海好帮手家政服务有限公司".into(),
            credit_code: "91310104MA1FL8L970".into(),
            district: "徐汇区".into(),
            address: "上海市徐汇区漕溪北路1号".into(),
            phone: "021-64870000".into(),
            updated_at: String::new(),
        };
        let manager = NewUser { username: "manager".into(), display_name: "王经理".into(), role: Role::Manager, password: "manager-pass-1".into() };
        let me = desk.setup(&agency, &manager).unwrap();
        let input = WorkerInput {
            form: certdesk_domain::WorkerInput {
                name: "张三".into(),
                id_number: "11010519491231002X".into(),
                phone: "13800138000".into(),
                address: "上海市徐汇区漕溪北路2号".into(),
                service_types: vec!["保洁".into()],
                emergency_contact_name: "李四".into(),
                emergency_contact_phone: "13900000000".into(),
                consent_date: Some("2026-01-05".into()),
                agency_check_done: true,
            },
            photo_sha256: None,
        };
        let id = desk.enrol_worker(&me, &input).unwrap().id;
        (desk, me, id)
    }

    #[test]
    fn a_status_move_the_lifecycle_forbids_is_refused_and_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let (desk, me, id) = desk_with_an_enrolled_worker(dir.path());
        let entries = desk.timeline(AuditEntity::Worker, &id).unwrap().len();
        let tx = desk.conn.unchecked_transaction().unwrap();
        for events in [&[LifecycleEvent::Apply][..], &[LifecycleEvent::Print], &[LifecycleEvent::ReopenTraining], &[LifecycleEvent::StartTraining, LifecycleEvent::Issue]] {
            let e = desk.set_status_in(&tx, &id, events, (Some(&me.id), AuditAction::Status, None)).unwrap_err();
            assert_eq!(e.code, certdesk_domain::lifecycle::STATUS_TRANSITION, "an enrolled worker cannot take {events:?}: {e:?}");
            assert_eq!(e.fields[0].field, "status", "the refusal names the status field");
        }
        tx.commit().unwrap();
        assert_eq!(desk.worker(&id).unwrap().status, WorkerStatus::Enrolled, "a refused move leaves the status as it was");
        assert_eq!(desk.timeline(AuditEntity::Worker, &id).unwrap().len(), entries, "a refused move writes no audit entry");
    }

    #[test]
    fn an_allowed_move_writes_the_status_and_one_audit_entry_from_first_to_last() {
        let dir = tempfile::tempdir().unwrap();
        let (desk, me, id) = desk_with_an_enrolled_worker(dir.path());
        let tx = desk.conn.unchecked_transaction().unwrap();
        let to = desk
            .set_status_in(&tx, &id, &[LifecycleEvent::StartTraining, LifecycleEvent::CompleteTraining], (Some(&me.id), AuditAction::Status, None))
            .unwrap();
        tx.commit().unwrap();
        assert_eq!(to, WorkerStatus::Eligible);
        assert_eq!(desk.worker(&id).unwrap().status, WorkerStatus::Eligible);
        let last = desk.timeline(AuditEntity::Worker, &id).unwrap().pop().unwrap();
        assert_eq!((last.old_value.as_deref(), last.new_value.as_deref()), (Some("enrolled"), Some("eligible")), "one entry for the whole move");
    }
}
