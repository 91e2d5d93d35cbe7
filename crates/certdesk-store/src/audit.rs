//! The audit trail: who changed what, when, from which value to which, and why.
//!
//! Append-only (triggers refuse UPDATE and DELETE) and hash-chained: each entry's hash covers
//! the previous entry's hash, so an edited or removed entry breaks [`Desk::verify_audit_chain`].
//! Entries are only ever written inside the transaction of the change they describe.

use rusqlite::Transaction;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::table;
use crate::{Desk, DeskResult};

/// What kind of record an entry is about (`audit.entity`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum AuditEntity {
    /// A worker (the entity id is the worker's id).
    Worker,
    /// A training class.
    TrainingClass,
    /// A desk user.
    User,
    /// The agency profile.
    Agency,
    /// This PC's enrolment with the platform.
    Device,
    /// A citizen's rating or complaint.
    Feedback,
    /// A printer's calibration.
    Printer,
    /// A roster export.
    Roster,
    /// A roster filed with the commerce commission.
    RosterFiling,
    /// A desk setting.
    Settings,
}

certdesk_domain::closed_set!(AuditEntity, "audit entity", {
    Worker => "worker",
    TrainingClass => "training_class",
    User => "user",
    Agency => "agency",
    Device => "device",
    Feedback => "feedback",
    Printer => "printer",
    Roster => "roster",
    RosterFiling => "roster_filing",
    Settings => "settings",
});

/// What an entry records (`audit.action`). Every action this program ever wrote stays here so
/// that an older entry reads; the window labels each (`action.<code>` in its messages).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum AuditAction {
    /// A record was created (a user, a class, the agency, a roster filing).
    Create,
    /// A worker was enrolled, or this PC enrolled with the platform.
    Enrol,
    /// A field changed (one entry per field).
    Update,
    /// A status move without a more precise action.
    Status,
    /// 申领: applied for the certificate.
    Apply,
    /// The platform approved the application.
    PlatformApprove,
    /// The platform rejected the application.
    PlatformReject,
    /// The platform's supervision of a class arrived.
    PlatformSupervision,
    /// A card was printed.
    Print,
    /// A card was handed over.
    Issue,
    /// 注销: the certificate was cancelled.
    Cancel,
    /// A card was reported lost or damaged.
    ReportCardLoss,
    /// The card's activation code was renewed.
    RenewCardActivation,
    /// A worker joined a class.
    ClassJoin,
    /// A worker left a class.
    ClassLeave,
    /// Attendance or hours were recorded.
    Attendance,
    /// An exam result was recorded.
    Exam,
    /// A supervision form was filed.
    Supervision,
    /// A health check was recorded.
    HealthCheck,
    /// An insurance policy was recorded.
    Insurance,
    /// The agency answered a complaint.
    AnswerComplaint,
    /// The agency handled a complaint (before answers were synced; older entries only).
    HandleComplaint,
    /// A printer was calibrated.
    Calibrate,
    /// A roster was exported.
    Export,
    /// The funding pack was written.
    ExportFundingPack,
    /// A roster filing was prepared.
    Prepare,
    /// The agency's account on the platform changed.
    AgencyAccount,
    /// A user's password was reset.
    ResetPassword,
    /// A user was disabled (停用).
    Disable,
    /// A user was enabled again (启用).
    Enable,
    /// Another desk created the record.
    RelayCreate,
    /// Another desk enrolled the worker.
    RelayEnrol,
    /// Another desk changed a field.
    RelayUpdate,
    /// Another desk's value lost to this desk's later one.
    RelayLost,
    /// Another desk's record of the same person was merged into this one.
    RelayMerged,
    /// Another desk moved the status.
    RelayStatus,
    /// Another desk recorded attendance.
    RelayAttendance,
    /// Another desk took the worker out of a class.
    RelayClassLeave,
    /// Another desk recorded an exam.
    RelayExam,
    /// Another desk filed a supervision form.
    RelaySupervision,
    /// Another desk recorded a health check.
    RelayHealthCheck,
    /// Another desk recorded insurance.
    RelayInsurance,
    /// Another desk answered a complaint.
    RelayAnswerComplaint,
    /// Another desk cancelled the certificate.
    RelayCancel,
    /// Another desk printed the card.
    RelayCardPrint,
    /// Another desk handed the card over.
    RelayCardIssue,
    /// Another desk reported the card lost or damaged.
    RelayCardLoss,
}

certdesk_domain::closed_set!(AuditAction, "audit action", {
    Create => "create",
    Enrol => "enrol",
    Update => "update",
    Status => "status",
    Apply => "apply",
    PlatformApprove => "platform_approve",
    PlatformReject => "platform_reject",
    PlatformSupervision => "platform_supervision",
    Print => "print",
    Issue => "issue",
    Cancel => "cancel",
    ReportCardLoss => "report_card_loss",
    RenewCardActivation => "renew_card_activation",
    ClassJoin => "class_join",
    ClassLeave => "class_leave",
    Attendance => "attendance",
    Exam => "exam",
    Supervision => "supervision",
    HealthCheck => "health_check",
    Insurance => "insurance",
    AnswerComplaint => "answer_complaint",
    HandleComplaint => "handle_complaint",
    Calibrate => "calibrate",
    Export => "export",
    ExportFundingPack => "export_funding_pack",
    Prepare => "prepare",
    AgencyAccount => "agency_account",
    ResetPassword => "reset_password",
    Disable => "disable",
    Enable => "enable",
    RelayCreate => "relay_create",
    RelayEnrol => "relay_enrol",
    RelayUpdate => "relay_update",
    RelayLost => "relay_lost",
    RelayMerged => "relay_merged",
    RelayStatus => "relay_status",
    RelayAttendance => "relay_attendance",
    RelayClassLeave => "relay_class_leave",
    RelayExam => "relay_exam",
    RelaySupervision => "relay_supervision",
    RelayHealthCheck => "relay_health_check",
    RelayInsurance => "relay_insurance",
    RelayAnswerComplaint => "relay_answer_complaint",
    RelayCancel => "relay_cancel",
    RelayCardPrint => "relay_card_print",
    RelayCardIssue => "relay_card_issue",
    RelayCardLoss => "relay_card_loss",
});

/// One entry to append.
pub(crate) struct AuditRecord<'a> {
    pub user_id: Option<&'a str>,
    pub entity: AuditEntity,
    pub entity_id: &'a str,
    pub action: AuditAction,
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
    /// What happened.
    pub action: AuditAction,
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

impl AuditRecord<'_> {
    /// The columns the hash covers after the chain's own (user, entity, entity id, action,
    /// field, old value, new value, reason), as stored.
    fn hashed(&self) -> [Option<&str>; 8] {
        [
            self.user_id,
            Some(self.entity.code()),
            Some(self.entity_id),
            Some(self.action.code()),
            self.field,
            self.old_value,
            self.new_value,
            self.reason,
        ]
    }
}

fn entry_hash(prev: &str, id: &str, at: &str, columns: [Option<&str>; 8]) -> String {
    let mut h = Sha256::new();
    // Length-prefix every part so that moving text between fields changes the hash.
    for part in [Some(prev), Some(id), Some(at)].into_iter().chain(columns) {
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
        let hash = entry_hash(&prev, &id, &at, r.hashed());
        Ok(table::audit::insert(tx, &id, &at, r, (&prev, &hash))?)
    }

    /// The timeline of one record, oldest first.
    pub fn timeline(&self, entity: AuditEntity, entity_id: &str) -> DeskResult<Vec<AuditEntry>> {
        Ok(table::audit::timeline(&self.conn, entity, entity_id)?)
    }

    /// Recompute the whole chain; `Ok(n)` with the number of entries when it is intact,
    /// otherwise an error naming the first entry that does not match.
    pub fn verify_audit_chain(&self) -> DeskResult<usize> {
        let mut prev = GENESIS.to_string();
        let mut n = 0;
        table::audit::for_each(&self.conn, |e| {
            let (id, at) = (e.id.unwrap_or_default(), e.at.unwrap_or_default());
            // As stored: a broken chain may hold anything, so nothing is parsed here.
            let columns = [
                e.user_id.as_deref(),
                Some(e.entity.as_deref().unwrap_or("")),
                Some(e.entity_id.as_deref().unwrap_or("")),
                Some(e.action.as_deref().unwrap_or("")),
                e.field.as_deref(),
                e.old_value.as_deref(),
                e.new_value.as_deref(),
                e.reason.as_deref(),
            ];
            let (stored_prev, stored_hash) = (e.prev_hash.unwrap_or_default(), e.hash.unwrap_or_default());
            if stored_prev != prev || entry_hash(&prev, &id, &at, columns) != stored_hash {
                return Err(crate::messages::audit_broken(e.seq));
            }
            prev = stored_hash;
            n += 1;
            Ok(())
        })?;
        Ok(n)
    }
}
