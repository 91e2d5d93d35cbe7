//! The sync API's messages under `/api/v1`: device enrolment, push of outbox entries and pull of
//! the platform's changes. With the `openapi` feature these types derive their OpenAPI schemas,
//! from which the platform generates `docs/openapi.yaml` for other implementers (their doc
//! comments are its descriptions); the tests below pin the JSON.
//!
//! This module must never hold behaviour beyond (de)serialisation and tiny helpers: what an
//! entry means is decided by the platform, what a change does is decided by the desk.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::credential::{RevocationEntry, TrustedKey};

/// Every path of the API starts with this.
pub const API_PREFIX: &str = "/api/v1";

/// A record kind an outbox entry may carry. The name is the word on the wire, in the desk's
/// `outbox.entity` column and in the platform's `agency_records`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum SyncEntity {
    /// A worker record (家政从业人员).
    Worker,
    /// A training class (培训班).
    TrainingClass,
    /// One worker's attendance in a class (class hours, late, absent); its id is derived from
    /// the class and the worker.
    ClassParticipant,
    /// An exam result (考试成绩).
    ExamResult,
    /// A class's supervision form (培训督导单).
    SupervisionForm,
    /// The desk's training settings (class-hour length, pass mark); one per agency.
    TrainingSettings,
    /// A worker's health check (体检); a report file, if any, is a blob named by
    /// `report_sha256`, uploaded before the record.
    HealthCheck,
    /// A worker's insurance policy (保险).
    Insurance,
    /// The agency's profile as the desk keeps it; held on the desk, not sent (see
    /// [`SyncEntity::RECORDS`]).
    Agency,
    /// The agency's answer to a citizen's complaint (处理情况; its payload is a
    /// [`crate::complaint::ComplaintAnswer`]).
    ComplaintAnswer,
    /// A staff account of the agency (工作人员账号; its payload is a
    /// [`crate::staff::StaffAccount`], the password as its hash): relayed to every desk of the
    /// agency.
    User,
    /// Something that happened to a worker's card at a desk (a print, a hand-over, a loss, a
    /// cancellation), kept per agency and relayed to every desk of the agency.
    CardEvent,
}

impl SyncEntity {
    /// Every value.
    pub const ALL: [SyncEntity; 12] = [
        SyncEntity::Worker,
        SyncEntity::TrainingClass,
        SyncEntity::ClassParticipant,
        SyncEntity::ExamResult,
        SyncEntity::SupervisionForm,
        SyncEntity::TrainingSettings,
        SyncEntity::HealthCheck,
        SyncEntity::Insurance,
        SyncEntity::Agency,
        SyncEntity::ComplaintAnswer,
        SyncEntity::User,
        SyncEntity::CardEvent,
    ];

    /// Records the platform keeps per agency as sent, parents before children (the staff
    /// accounts first, whom every record names as its author; a class before
    /// its participants, exam results and supervision form; a worker before its health checks,
    /// insurance and card events). The desk's agency profile is not among them: the platform's own
    /// register (its operators) is the authority on agencies.
    pub const RECORDS: &'static [SyncEntity] = &[
        SyncEntity::User,
        SyncEntity::TrainingSettings,
        SyncEntity::TrainingClass,
        SyncEntity::ClassParticipant,
        SyncEntity::ExamResult,
        SyncEntity::SupervisionForm,
        SyncEntity::HealthCheck,
        SyncEntity::Insurance,
        SyncEntity::CardEvent,
    ];

    /// The stable name (same as the serde name).
    pub const fn code(self) -> &'static str {
        match self {
            SyncEntity::Worker => "worker",
            SyncEntity::TrainingClass => "training_class",
            SyncEntity::ClassParticipant => "class_participant",
            SyncEntity::ExamResult => "exam_result",
            SyncEntity::SupervisionForm => "supervision_form",
            SyncEntity::TrainingSettings => "training_settings",
            SyncEntity::HealthCheck => "health_check",
            SyncEntity::Insurance => "insurance",
            SyncEntity::Agency => "agency",
            SyncEntity::ComplaintAnswer => "complaint_answer",
            SyncEntity::User => "user",
            SyncEntity::CardEvent => "card_event",
        }
    }

    /// The stable name, for SQL columns.
    pub const fn as_str(self) -> &'static str {
        self.code()
    }

    /// One of the training records the platform keeps per agency ([`SyncEntity::RECORDS`]).
    pub fn is_record(self) -> bool {
        SyncEntity::RECORDS.contains(&self)
    }

    /// Records the platform relays to every desk of the agency as it applies them
    /// ([`ChangeBody::AgencyRecord`]): the staff accounts (issue 10 item 3), the workers
    /// (issue 10 item 1, [`crate::worker_record`]) and the training records a desk keeps per
    /// class ([`SyncEntity::is_training`]; a participant's removal too), each worker's
    /// health checks and insurance policies, what happened to the worker's card, and the
    /// agency's answers to complaints.
    pub const RELAYED: &'static [SyncEntity] = &[
        SyncEntity::User,
        SyncEntity::Worker,
        SyncEntity::TrainingClass,
        SyncEntity::ClassParticipant,
        SyncEntity::ExamResult,
        SyncEntity::SupervisionForm,
        SyncEntity::TrainingSettings,
        SyncEntity::HealthCheck,
        SyncEntity::Insurance,
        SyncEntity::CardEvent,
        SyncEntity::ComplaintAnswer,
    ];

    /// A training record the desks of an agency share: a class, a participant's row, an exam
    /// attempt, a supervision form or the agency's training settings.
    pub fn is_training(self) -> bool {
        matches!(
            self,
            SyncEntity::TrainingClass | SyncEntity::ClassParticipant | SyncEntity::ExamResult | SyncEntity::SupervisionForm | SyncEntity::TrainingSettings
        )
    }

    /// One of [`SyncEntity::RELAYED`].
    pub fn is_relayed(self) -> bool {
        SyncEntity::RELAYED.contains(&self)
    }

    /// A record of one worker: its payload names the worker by `worker_id`.
    pub fn names_a_worker(self) -> bool {
        matches!(
            self,
            SyncEntity::ClassParticipant | SyncEntity::ExamResult | SyncEntity::HealthCheck | SyncEntity::Insurance | SyncEntity::CardEvent
        )
    }
}

/// What an outbox entry asks the platform to do. The name is the word on the wire and in the
/// desk's `outbox.op` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum SyncOp {
    /// Create or replace the record (信息更新 included).
    Upsert,
    /// 申领: ask the platform for a certificate for this worker; the payload is the worker
    /// record as it stands, re-validated by the platform.
    Apply,
    /// 注销: cancel the worker's certificate.
    Cancel,
    /// 补发/重新制作: a new card for the certificate (lost, damaged or misprinted); the
    /// platform answers with a new credential (card version + 1) and older cards verify as
    /// replaced.
    Reissue,
    /// Remove a training record (a participant taken out of a class); the platform keeps a
    /// deletion marker.
    Delete,
    /// 电子证激活码: the card handed over may be activated as the worker's electronic card
    /// with the code the desk gave the worker; the payload names the certificate, the card
    /// version and the code's SHA-256 (the code itself never leaves the desk).
    Activate,
}

impl SyncOp {
    /// Every value.
    pub const ALL: [SyncOp; 6] = [
        SyncOp::Upsert,
        SyncOp::Apply,
        SyncOp::Cancel,
        SyncOp::Reissue,
        SyncOp::Delete,
        SyncOp::Activate,
    ];

    /// The stable name (same as the serde name).
    pub const fn code(self) -> &'static str {
        match self {
            SyncOp::Upsert => "upsert",
            SyncOp::Apply => "apply",
            SyncOp::Cancel => "cancel",
            SyncOp::Reissue => "reissue",
            SyncOp::Delete => "delete",
            SyncOp::Activate => "activate",
        }
    }

    /// The stable name, for SQL columns.
    pub const fn as_str(self) -> &'static str {
        self.code()
    }
}

/// What a [`ChangeBody::Deleted`] marker names. The wire field stays a string on purpose: a
/// desk skips a deletion of a kind it does not know (a newer platform's), so that one unknown
/// marker never stops its pull cursor; parse it with [`DeletedEntity::from_code`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeletedEntity {
    /// A platform key left the trust list (`entity_id` is the key id).
    TrustKey,
    /// A revocation entry was withdrawn (`entity_id` is the certificate code).
    Revocation,
}

impl DeletedEntity {
    /// Every value.
    pub const ALL: [DeletedEntity; 2] = [DeletedEntity::TrustKey, DeletedEntity::Revocation];

    /// The stable name (same as the serde name).
    pub const fn code(self) -> &'static str {
        match self {
            DeletedEntity::TrustKey => "trust_key",
            DeletedEntity::Revocation => "revocation",
        }
    }

    /// The stable name.
    pub const fn as_str(self) -> &'static str {
        self.code()
    }
}

macro_rules! sync_code {
    ($ty:ty, $what:literal) => {
        impl certdesk_domain::Code for $ty {
            const ALL: &'static [Self] = &<$ty>::ALL;
            const WHAT: &'static str = $what;
            fn code(&self) -> &'static str {
                <$ty>::code(*self)
            }
        }

        /// A value equals its stored name (`entry.op == "delete"`).
        impl PartialEq<&str> for $ty {
            fn eq(&self, other: &&str) -> bool {
                self.code() == *other
            }
        }

        /// Shows the stable name, as stored and sent.
        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }

        impl std::str::FromStr for $ty {
            type Err = UnknownName;
            fn from_str(s: &str) -> Result<Self, UnknownName> {
                <$ty as certdesk_domain::Code>::from_code(s).ok_or_else(|| UnknownName {
                    what: $what,
                    value: s.to_owned(),
                })
            }
        }
    };
}

sync_code!(SyncEntity, "sync entity");
sync_code!(SyncOp, "sync operation");
sync_code!(DeletedEntity, "deleted entity");

/// A name that is not one of a closed sync vocabulary (a corrupt row, or a newer program's).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} \"{value}\"")]
pub struct UnknownName {
    /// Which set (`sync entity`, `sync operation`...).
    pub what: &'static str,
    /// The name found.
    pub value: String,
}

/// The answer to every refused request: a stable code and a sentence in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiError {
    /// Stable machine-readable code; never reworded.
    pub code: String,
    /// What the clerk or operator reads.
    pub message_zh: String,
    /// The same in English.
    pub message_en: String,
}

impl ApiError {
    /// An answer with one of the platform's codes and its sentence.
    pub fn new(code: crate::ApiCode, message_zh: impl Into<String>, message_en: impl Into<String>) -> Self {
        ApiError { code: code.as_str().to_owned(), message_zh: message_zh.into(), message_en: message_en.into() }
    }

    /// Whether the platform refused with this code.
    pub fn is(&self, code: crate::ApiCode) -> bool {
        self.code == code.as_str()
    }
}

/// `POST /api/v1/devices/enrol`: a desk trades a one-time code for its own credential.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnrolRequest {
    /// The one-time enrolment code the operator gave the agency; case, dashes and spaces do
    /// not matter.
    #[cfg_attr(feature = "openapi", schema(example = "K7QM-2XRD-93PA-VHWT"))]
    pub code: String,
    /// A name for the device the operator will recognise, e.g. "前台1号机".
    #[cfg_attr(feature = "openapi", schema(max_length = 60, example = "前台1号机"))]
    pub device_name: String,
}

/// The device's credential. The secret is shown once and stored by the desk in the OS keyring.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnrolResponse {
    /// The device's id.
    pub device_id: Uuid,
    /// The device's secret (base64url); the platform keeps only its hash. Keep it in the OS
    /// keyring: it is shown only now.
    pub device_secret: String,
    /// The agency the device acts for.
    pub agency_id: Uuid,
    /// The agency's name, for the desk to show.
    pub agency_name: String,
    /// The agency's unified social credit code and district in the platform's register, the
    /// authority on agencies: a new PC joining its agency takes them (and the name) rather than
    /// what the clerk typed. Absent from older platforms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency_credit_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// See `agency_credit_code`.
    pub agency_district: Option<String>,
}

impl EnrolResponse {
    /// The value of the `Authorization` header for every later request.
    pub fn authorization(&self) -> String {
        device_authorization(self.device_id, &self.device_secret)
    }
}

/// `Bearer <device_id>.<secret>`: the only way a device proves who it is (never in a URL).
pub fn device_authorization(device_id: Uuid, secret: &str) -> String {
    format!("Bearer {device_id}.{secret}")
}

/// One outbox entry as pushed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutboxEntry {
    /// The desk's sequence number; entries are pushed in this order.
    pub seq: i64,
    /// The entry's own id: with the device, the idempotency key.
    pub id: Uuid,
    /// `worker`, `training_settings`, `training_class`, `class_participant`, `exam_result`,
    /// `supervision_form`, `health_check` or `insurance` (`agency` is answered
    /// `unsupported_entry`). Training records are kept
    /// per agency as sent (upsert / delete); one naming a class_id or worker_id the platform
    /// does not hold yet is rejected with `parent_missing`.
    #[cfg_attr(feature = "openapi", schema(example = "worker"))]
    pub entity: SyncEntity,
    /// The record's id (UUIDv7 made on the desk).
    pub entity_id: Uuid,
    /// `upsert`, `apply`, `cancel`, `reissue` or `delete`. apply, cancel and reissue: workers
    /// only; delete: training records only (any other pairing is answered `unsupported_entry`).
    #[cfg_attr(feature = "openapi", schema(example = "upsert"))]
    pub op: SyncOp,
    /// The record as JSON. For `worker`: the desk's worker record; the platform reads name,
    /// id_number, phone, address, service_types, emergency_contact_name,
    /// emergency_contact_phone, consent_date (YYYY-MM-DD), agency_check_done and status, and
    /// ignores the rest. For `cancel` and `reissue` it may be empty.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub payload: serde_json::Value,
}

/// `POST /api/v1/sync/push`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushRequest {
    /// Must be the authenticated device.
    pub device_id: Uuid,
    /// In the desk's order; parents before children.
    pub entries: Vec<OutboxEntry>,
}

/// `POST /api/v1/sync/push` as the platform reads it: the same JSON as [`PushRequest`], but each
/// entry is read on its own, so that an entry naming an entity or operation this build does not
/// know (a newer desk's) is kept apart as [`ReceivedEntry::Unknown`], to be refused alone, while
/// the batch's other entries apply. Anything else malformed still fails the whole request.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ReceivedPush {
    /// Must be the authenticated device.
    pub device_id: Uuid,
    /// In the desk's order.
    pub entries: Vec<ReceivedEntry>,
}

/// One pushed entry as the platform reads it.
#[derive(Debug, Clone, PartialEq)]
pub enum ReceivedEntry {
    /// Entity and operation are in this build's vocabulary.
    Known(OutboxEntry),
    /// The entity or the operation (or both) is not: the names are kept as sent.
    Unknown(UnknownEntry),
}

/// An entry whose entity or operation this build does not know, with every field as sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnknownEntry {
    /// The desk's sequence number.
    pub seq: i64,
    /// The entry's own id.
    pub id: Uuid,
    /// The entity's name as sent.
    pub entity: String,
    /// The record's id.
    pub entity_id: Uuid,
    /// The operation's name as sent.
    pub op: String,
    /// The record as JSON.
    pub payload: serde_json::Value,
}

impl<'de> Deserialize<'de> for ReceivedEntry {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Names are read as strings first: only they may be outside the vocabulary; every
        // other field keeps the strict shape of [`OutboxEntry`].
        let raw = UnknownEntry::deserialize(d)?;
        Ok(match (raw.entity.parse::<SyncEntity>(), raw.op.parse::<SyncOp>()) {
            (Ok(entity), Ok(op)) => ReceivedEntry::Known(OutboxEntry {
                seq: raw.seq,
                id: raw.id,
                entity,
                entity_id: raw.entity_id,
                op,
                payload: raw.payload,
            }),
            _ => ReceivedEntry::Unknown(raw),
        })
    }
}

impl ReceivedEntry {
    /// The desk's sequence number.
    pub fn seq(&self) -> i64 {
        match self {
            ReceivedEntry::Known(e) => e.seq,
            ReceivedEntry::Unknown(e) => e.seq,
        }
    }

    /// The entry's own id.
    pub fn id(&self) -> Uuid {
        match self {
            ReceivedEntry::Known(e) => e.id,
            ReceivedEntry::Unknown(e) => e.id,
        }
    }

    /// The entity's name, as on the wire.
    pub fn entity_name(&self) -> &str {
        match self {
            ReceivedEntry::Known(e) => e.entity.as_str(),
            ReceivedEntry::Unknown(e) => &e.entity,
        }
    }

    /// The operation's name, as on the wire.
    pub fn op_name(&self) -> &str {
        match self {
            ReceivedEntry::Known(e) => e.op.as_str(),
            ReceivedEntry::Unknown(e) => &e.op,
        }
    }

    /// The record's id.
    pub fn entity_id(&self) -> Uuid {
        match self {
            ReceivedEntry::Known(e) => e.entity_id,
            ReceivedEntry::Unknown(e) => e.entity_id,
        }
    }

    /// The record as JSON.
    pub fn payload(&self) -> &serde_json::Value {
        match self {
            ReceivedEntry::Known(e) => &e.payload,
            ReceivedEntry::Unknown(e) => &e.payload,
        }
    }

    /// The entry in this build's vocabulary, if it is.
    pub fn known(&self) -> Option<&OutboxEntry> {
        match self {
            ReceivedEntry::Known(e) => Some(e),
            ReceivedEntry::Unknown(_) => None,
        }
    }
}

impl EntryOutcome {
    /// Refused for good, with one of the platform's codes.
    pub fn rejected(code: RefusalCode, message: certdesk_domain::Bilingual) -> Self {
        let (message_zh, message_en) = message.into_pair();
        EntryOutcome::Rejected { code: code.as_str().to_owned(), message_zh, message_en }
    }

    /// Refused because the platform's state disagrees, with one of the platform's codes.
    pub fn conflict(code: RefusalCode, message: certdesk_domain::Bilingual) -> Self {
        let (message_zh, message_en) = message.into_pair();
        EntryOutcome::Conflict { code: code.as_str().to_owned(), message_zh, message_en }
    }

    /// The refusal's code as sent (none for an applied or duplicate entry).
    pub fn refusal_code(&self) -> Option<&str> {
        match self {
            EntryOutcome::Rejected { code, .. } | EntryOutcome::Conflict { code, .. } => Some(code),
            EntryOutcome::Applied | EntryOutcome::Duplicate => None,
        }
    }

    /// Whether the entry was refused with this code.
    pub fn is(&self, code: RefusalCode) -> bool {
        self.refusal_code() == Some(code.as_str())
    }
}

impl From<OutboxEntry> for ReceivedEntry {
    fn from(e: OutboxEntry) -> Self {
        ReceivedEntry::Known(e)
    }
}

crate::api_code::wire_codes! {
    /// Why the platform refused a pushed entry ([`EntryOutcome::Rejected`] and
    /// [`EntryOutcome::Conflict`]) or rejected an application ([`ChangeBody::Rejection`]), besides the codes of the
    /// domain's own refusals (a lifecycle step not allowed) that the platform forwards: one
    /// closed set the platform answers with and the desk's tests match. The wire keeps the string
    /// (a newer platform may refuse with a code this build does not know).
    RefusalCode {
        /// The worker record breaks a domain rule.
        InvalidRecord = "invalid_record",
        /// The person already holds or applied for a certificate through another agency.
        ClaimedElsewhere = "certificate_held_elsewhere",
        /// The same person has another record at this agency holding or applying for one.
        ClaimedHere = "certificate_held_by_other_record",
        /// The entry names an entity or operation the platform does not know.
        Unsupported = "unsupported_entry",
        /// The entry id was used before with other content.
        EntryReused = "entry_id_reused",
        /// The record id belongs to another agency.
        ForeignRecord = "record_id_taken",
        /// The ID number of a worker with an application or certificate may not change.
        IdNumberLocked = "id_number_locked",
        /// The record is unknown to the platform (or has no certificate to reissue).
        UnknownRecord = "unknown_record",
        /// The certificate is past its validity.
        CertificateExpired = "certificate_expired",
        /// An `activate` entry without a card version or a well-formed code hash.
        ActivationUnreadable = "activation_unreadable",
        /// An `activate` entry for a card that is not the worker's current one.
        ActivationNotCurrent = "activation_not_current",
        /// The training the agency synced does not make the worker eligible (at application).
        TrainingIncomplete = "training_incomplete",
        /// The police comparison failed (a rejection the desk learns by pull).
        PoliceCheckFailed = "police_check_failed",
        /// A complaint answer for a complaint this agency does not have.
        ComplaintUnknown = "complaint_unknown",
        /// A complaint answer for a complaint the office closed.
        ComplaintClosed = "complaint_closed",
        /// A staff account whose username another account of the agency holds.
        UsernameTaken = "username_taken",
        /// A training record whose class or worker the platform does not hold yet; the desk
        /// sends it again after its parent.
        ParentMissing = "parent_missing",
    }
}

/// What became of one entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum EntryOutcome {
    /// Taken into the platform's records.
    Applied,
    /// Already received earlier from this device; nothing changed. The desk marks it pushed.
    Duplicate,
    /// Refused for good: fix the record and make a new entry.
    Rejected {
        /// Stable code.
        code: String,
        /// A sentence a clerk understands.
        message_zh: String,
        /// The same in English.
        message_en: String,
    },
    /// Refused because the platform's state disagrees (the entry id was reused with other
    /// content, or the record changed in a way its stage no longer allows).
    Conflict {
        /// Stable code.
        code: String,
        /// A sentence a clerk understands.
        message_zh: String,
        /// The same in English.
        message_en: String,
    },
}

/// One entry's result, in the order of the request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EntryResult {
    /// The entry's id.
    pub id: Uuid,
    /// The entry's desk sequence number.
    pub seq: i64,
    /// What happened.
    #[serde(flatten)]
    pub outcome: EntryOutcome,
}

/// Answer to a push.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushResponse {
    /// One per entry, same order.
    pub results: Vec<EntryResult>,
}

/// The two checks the platform runs on an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum CheckKind {
    /// 平台核验: the record is complete and consistent.
    PlatformCheck,
    /// 公安比对: comparison with police records.
    PoliceCheck,
}

/// `GET /api/v1/sync/pull?since=<cursor>&limit=<n>` query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::IntoParams),
    into_params(parameter_in = Query)
)]
pub struct PullQuery {
    /// The `next_cursor` of the previous pull; 0 at first.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", param(minimum = 0, default = 0))]
    pub since: i64,
    /// Most changes wanted (the platform caps it at 1000).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 1000, default = 1000))]
    pub limit: Option<u32>,
}

/// Something the desk must learn.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ChangeBody {
    /// One check finished.
    CheckResult {
        /// The worker the application was for.
        worker_id: Uuid,
        /// Which check.
        check: CheckKind,
        /// Passed or failed.
        passed: bool,
        /// Why it failed (empty when passed).
        reason_zh: String,
        /// The same in English.
        reason_en: String,
    },
    /// 核准: the certificate exists; print the card with this credential.
    Approval {
        /// The worker.
        worker_id: Uuid,
        /// The assigned certificate code (see `crates/certdesk-domain/src/certificate_code.rs`).
        #[cfg_attr(feature = "openapi", schema(example = "SH112026000001P"))]
        certificate_code: String,
        /// The card version the credential is for.
        #[cfg_attr(feature = "openapi", schema(minimum = 1))]
        card_version: u16,
        /// First valid day.
        valid_from: NaiveDate,
        /// Last valid day.
        valid_until: NaiveDate,
        /// The signed URL to print as the card's QR code (see `docs/credential-format.md`).
        #[cfg_attr(feature = "openapi", schema(max_length = 151))]
        credential_url: String,
    },
    /// 驳回: the application failed; the agency sees why.
    Rejection {
        /// The worker.
        worker_id: Uuid,
        /// Stable code.
        code: String,
        /// Reason, in Chinese.
        message_zh: String,
        /// Reason, in English.
        message_en: String,
    },
    /// What the public page and the card show of a worker, as the operator approved it (issue 11
    /// item 1): sent with a first approval and when an application for updated details is
    /// approved. The desk prints only these details.
    ApprovedDetails {
        /// The worker.
        worker_id: Uuid,
        /// The approved name.
        name: String,
        /// The approved photo's SHA-256.
        photo_sha256: Option<String>,
        /// The approved service types.
        #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
        service_types: Vec<certdesk_domain::ServiceType>,
    },
    /// An application for updated details was rejected: the approved details stay.
    DetailsRejected {
        /// The worker.
        worker_id: Uuid,
        /// Reason, in Chinese.
        message_zh: String,
        /// Reason, in English.
        message_en: String,
    },
    /// A certificate was cancelled or a card replaced (city-wide; no personal data).
    Revocation {
        /// The certificate's current state.
        entry: RevocationEntry,
    },
    /// A platform key joined the trust list or its validity changed.
    TrustKey {
        /// The key.
        key: TrustedKey,
    },
    /// 评价: a citizen rated the service of one of this agency's workers from the public
    /// verification page.
    Rating {
        /// The rating's id on the platform (a repeat of the same change is recognised by it).
        rating_id: Uuid,
        /// The worker rated.
        worker_id: Uuid,
        /// The certificate the scanned card belongs to.
        certificate_code: String,
        /// 1 to 5 stars.
        #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 5))]
        stars: u8,
        /// The citizen's comment (may be empty), at most 500 characters.
        #[cfg_attr(feature = "openapi", schema(max_length = 500))]
        comment: String,
        /// When it was given.
        created_at: DateTime<Utc>,
    },
    /// 确认入户: after scanning the card, a household confirmed that this agency's worker came
    /// into the home for a service; the agency keeps it as a service record.
    Visit {
        /// The confirmation's id on the platform.
        visit_id: Uuid,
        /// The worker who came.
        worker_id: Uuid,
        /// The certificate the scanned card belongs to.
        certificate_code: String,
        /// When it was confirmed.
        visited_at: DateTime<Utc>,
    },
    /// 投诉: a citizen filed a complaint about one of this agency's workers from the public
    /// verification page; the agency must follow it up.
    Complaint {
        /// The complaint's id on the platform.
        complaint_id: Uuid,
        /// The worker concerned.
        worker_id: Uuid,
        /// The certificate the scanned card belongs to.
        certificate_code: String,
        /// What happened, at most 1000 characters.
        #[cfg_attr(feature = "openapi", schema(max_length = 1000))]
        text: String,
        /// How to reach the citizen (may be empty), at most 50 characters.
        #[cfg_attr(feature = "openapi", schema(max_length = 50))]
        contact: String,
        /// When it was filed.
        created_at: DateTime<Utc>,
        /// 投诉编号: the reference the citizen was given (absent in changes of platforms before
        /// complaint coordination).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reference: Option<String>,
    },
    /// 督办: the programme office found the agency's answer to a complaint wanting and asks
    /// the agency again; the complaint awaits the agency's answer once more.
    ComplaintAskedAgain {
        /// The complaint's id on the platform.
        complaint_id: Uuid,
        /// What the office asks for.
        #[cfg_attr(feature = "openapi", schema(max_length = 1000))]
        message: String,
        /// When it asked.
        at: DateTime<Utc>,
    },
    /// 办结: the programme office closed a complaint with its conclusion.
    ComplaintClosed {
        /// The complaint's id on the platform.
        complaint_id: Uuid,
        /// The office's conclusion.
        #[cfg_attr(feature = "openapi", schema(max_length = 1000))]
        conclusion: String,
        /// When it closed it.
        at: DateTime<Utc>,
    },
    /// 督导表 filed by the programme office on the platform (issue 14 item 4) for one of this
    /// agency's offline classes: the desk keeps it as the class's supervision form, and it counts
    /// for its participants' eligibility.
    SupervisionFiled {
        /// The form's id (the agency's record of entity `supervision_form` on the platform).
        form_id: Uuid,
        /// The class (its id as the desk sent it).
        class_id: String,
        /// The form as the desk's own `supervision_form` payloads carry it (`supervisor_name`,
        /// `method`, `supervised_at`, `place`, `participants_present`, `identity_checked`,
        /// `trainer`, `remarks`, `recorded_at`, `recorded_by`).
        form: serde_json::Value,
    },
    /// A record one of the agency's desks pushed and the platform applied, relayed to every
    /// desk of the agency (the one that pushed it too: applying it again changes nothing) for
    /// the entities in [`SyncEntity::RELAYED`]. Never sent to another agency.
    AgencyRecord {
        /// What the record is.
        entity: SyncEntity,
        /// The record's id.
        entity_id: Uuid,
        /// The record as the desk pushed it (for `user`, a [`crate::staff::StaffAccount`]; for
        /// `worker`, the copy the platform keeps with the status it keeps, see
        /// [`crate::worker_record`]).
        payload: serde_json::Value,
    },
    /// 合并: two desks of the agency enrolled the same person (one ID number) while offline. The
    /// record that reached the platform second (`merged_id`) was merged into the first
    /// (`worker_id`): each detail by its later write, the status by the lifecycle. Every later
    /// entry naming `merged_id` reaches `worker_id`. A desk holding `merged_id` moves everything
    /// of it (training, health, cards, history) to `worker_id` and tells the clerk. Sent only to
    /// the agency's desks, before the kept record's relayed copy.
    WorkerMerged {
        /// The kept record.
        worker_id: Uuid,
        /// The record merged into it, which no longer exists on the platform.
        merged_id: Uuid,
        /// When the platform merged them.
        at: DateTime<Utc>,
    },
    /// A deletion marker: the desk drops its copy of this record.
    Deleted {
        /// `trust_key` (`entity_id` is the key id) or `revocation` (`entity_id` is the
        /// certificate code); a desk skips a name it does not know.
        entity: String,
        /// The record's id in that entity.
        entity_id: String,
    },
    /// A change of a known kind that does not read as one (a field missing or of the wrong
    /// type: a broken or hostile platform). Made only by [`Change`]'s reading, never sent, never
    /// read from the wire: the desk refuses it alone and counts it, and the rest of the page and
    /// the cursor still apply (issue 10 item 6).
    #[serde(skip)]
    Unreadable {
        /// The kind it claimed.
        kind: String,
        /// What did not read.
        reason: String,
    },
    /// A kind this desk does not know (a newer platform's): read so that the rest of the page
    /// and the cursor still apply, then skipped. The platform never sends it.
    #[serde(other)]
    Unknown,
}

/// One change, numbered by the platform's monotonic change sequence. Read leniently: a change
/// whose kind is known but whose fields do not read becomes [`ChangeBody::Unreadable`] rather
/// than failing the whole page (only a change without its `seq` does, since the cursor could
/// not be trusted after it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Change {
    /// Position in the platform's change log; cursors are these numbers.
    pub seq: i64,
    /// What changed.
    #[serde(flatten)]
    pub body: ChangeBody,
}

impl<'de> Deserialize<'de> for Change {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let value = serde_json::Value::deserialize(d)?;
        let seq = value.get("seq").and_then(serde_json::Value::as_i64).ok_or_else(|| D::Error::custom("a change without its integer seq"))?;
        let kind = value.get("kind").and_then(serde_json::Value::as_str).unwrap_or_default().to_owned();
        let body = ChangeBody::deserialize(value).unwrap_or_else(|e| ChangeBody::Unreadable { kind, reason: e.to_string() });
        Ok(Change { seq, body })
    }
}

/// The wire id of a record the desk keys by something other than a UUID (a class participant is
/// `class:worker`, [`participant_key`], the training settings are one per desk): a UUID
/// (version 8) from the SHA-256 of the agency, entity and key. The same record always gets the
/// same id, so its updates and deletion reach the same row on the platform, and two agencies'
/// singletons never collide.
pub fn record_uuid(agency_id: &str, entity: &str, key: &str) -> Uuid {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("certdesk-record\0{agency_id}\0{entity}\0{key}").as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&digest[..16]);
    b[6] = (b[6] & 0x0f) | 0x80;
    b[8] = (b[8] & 0x3f) | 0x80;
    Uuid::from_bytes(b)
}

/// The key a desk gives a class participant's row (`class:worker`), for [`record_uuid`].
pub fn participant_key(class_id: &str, worker_id: &str) -> String {
    format!("{class_id}:{worker_id}")
}

/// Answer to a pull.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PullResponse {
    /// Oldest first.
    pub changes: Vec<Change>,
    /// Pass as `since` next time; store it in the same transaction as the changes.
    pub next_cursor: i64,
    /// More changes wait beyond `limit`.
    pub has_more: bool,
    /// How many changes this device may see beyond this page (0 when `has_more` is false), for
    /// a progress display while a desk catches up (a new PC restoring its agency). Absent from
    /// older platforms' answers.
    #[serde(default)]
    pub remaining: u64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_change_of_a_kind_this_desk_does_not_know_is_read_as_unknown_and_the_page_still_parses() {
        let page = json!({
            "changes": [
                {"seq": 7, "kind": "a_newer_platforms_kind", "whatever": [1, 2]},
                {"seq": 8, "kind": "deleted", "entity": "trust_key", "entity_id": "3"}
            ],
            "next_cursor": 8,
            "has_more": false
        });
        let got: PullResponse = serde_json::from_value(page).unwrap();
        assert_eq!(got.changes[0], Change { seq: 7, body: ChangeBody::Unknown });
        assert!(matches!(got.changes[1].body, ChangeBody::Deleted { .. }));
        assert_eq!(got.next_cursor, 8);
    }

    /// Issue 10 item 6: one broken change of a known kind does not fail the page; it reads as
    /// unreadable, with what was wrong, and the changes around it read as they are. A change
    /// without its seq still fails the page (the cursor could not be trusted after it).
    #[test]
    fn a_change_of_a_known_kind_that_does_not_read_is_unreadable_and_the_page_still_parses() {
        let page = json!({
            "changes": [
                {"seq": 7, "kind": "approval", "worker_id": "not a uuid"},
                {"seq": 8, "kind": "deleted", "entity": "trust_key", "entity_id": "3"},
                {"seq": 9, "kind": "unreadable", "kind_": "x"}
            ],
            "next_cursor": 9,
            "has_more": false
        });
        let got: PullResponse = serde_json::from_value(page).unwrap();
        let ChangeBody::Unreadable { kind, reason } = &got.changes[0].body else { panic!("{:?}", got.changes[0]) };
        assert_eq!(kind, "approval");
        assert!(!reason.is_empty());
        assert!(matches!(got.changes[1].body, ChangeBody::Deleted { .. }));
        assert_eq!(got.changes[2].body, ChangeBody::Unknown, "the wire cannot name the unreadable kind itself");
        let no_seq = json!({"changes": [{"kind": "deleted", "entity": "trust_key", "entity_id": "3"}], "next_cursor": 1, "has_more": false});
        assert!(serde_json::from_value::<PullResponse>(no_seq).is_err());
    }

    /// The strings the refusal codes were before they were an enum, written out by hand: desks
    /// in the field keep them in their refusal lists, so none may change.
    #[test]
    fn every_refusal_code_keeps_the_string_it_had_before() {
        let before = [
            "invalid_record", "certificate_held_elsewhere", "certificate_held_by_other_record", "unsupported_entry",
            "entry_id_reused", "record_id_taken", "id_number_locked", "unknown_record", "certificate_expired",
            "activation_unreadable", "activation_not_current", "training_incomplete", "police_check_failed",
            "complaint_unknown", "complaint_closed", "username_taken", "parent_missing",
        ];
        assert_eq!(RefusalCode::ALL.iter().map(|c| c.as_str()).collect::<Vec<_>>(), before);
        let refused = EntryOutcome::rejected(RefusalCode::ParentMissing, certdesk_domain::Bilingual::new("甲", "A"));
        assert!(refused.is(RefusalCode::ParentMissing) && !refused.is(RefusalCode::InvalidRecord));
        assert_eq!(RefusalCode::from_str_opt("parent_missing"), Some(RefusalCode::ParentMissing));
        assert_eq!(RefusalCode::from_str_opt("a_newer_code"), None, "a newer platform's code is kept as sent, never guessed");
        assert!(!EntryOutcome::Applied.is(RefusalCode::InvalidRecord));
    }

    #[test]
    fn entry_results_are_flat_objects_tagged_by_result() {
        let id = Uuid::nil();
        let r = EntryResult {
            id,
            seq: 3,
            outcome: EntryOutcome::Rejected {
                code: "already_certified".into(),
                message_zh: "甲".into(),
                message_en: "A".into(),
            },
        };
        assert_eq!(
            serde_json::to_value(&r).unwrap(),
            json!({"id": id, "seq": 3, "result": "rejected", "code": "already_certified",
                   "message_zh": "甲", "message_en": "A"})
        );
        let dup = EntryResult {
            id,
            seq: 4,
            outcome: EntryOutcome::Duplicate,
        };
        assert_eq!(
            serde_json::to_value(&dup).unwrap(),
            json!({"id": id, "seq": 4, "result": "duplicate"})
        );
        let back: EntryResult = serde_json::from_value(serde_json::to_value(&r).unwrap()).unwrap();
        assert_eq!(back, r);
    }

    #[test]
    fn changes_are_flat_objects_tagged_by_kind() {
        let c = Change {
            seq: 9,
            body: ChangeBody::Deleted {
                entity: "trust_key".into(),
                entity_id: "3".into(),
            },
        };
        assert_eq!(
            serde_json::to_value(&c).unwrap(),
            json!({"seq": 9, "kind": "deleted", "entity": "trust_key", "entity_id": "3"})
        );
        let back: Change = serde_json::from_value(serde_json::to_value(&c).unwrap()).unwrap();
        assert_eq!(back, c);
    }

    /// Pushes as today's desk writes them (entity and op were strings until the enums came):
    /// every entity and operation the desk's outbox holds parses and goes back out byte for
    /// byte, so a desk and a platform of either version understand each other.
    #[test]
    fn pushes_written_before_the_enums_read_and_write_back_the_same_bytes() {
        let body = concat!(
            r#"{"device_id":"0190c2a1-7b3e-7000-8000-000000000001","entries":["#,
            r#"{"seq":1,"id":"0190c2a1-7b3e-7000-8000-000000000010","entity":"worker","entity_id":"0190c2a1-7b3e-7000-8000-000000000020","op":"upsert","payload":{"name":"张三","status":"enrolled"}},"#,
            r#"{"seq":2,"id":"0190c2a1-7b3e-7000-8000-000000000011","entity":"worker","entity_id":"0190c2a1-7b3e-7000-8000-000000000020","op":"apply","payload":{"name":"张三"}},"#,
            r#"{"seq":3,"id":"0190c2a1-7b3e-7000-8000-000000000012","entity":"worker","entity_id":"0190c2a1-7b3e-7000-8000-000000000020","op":"reissue","payload":{"kind":"lost","reason":"遗失"}},"#,
            r#"{"seq":4,"id":"0190c2a1-7b3e-7000-8000-000000000013","entity":"worker","entity_id":"0190c2a1-7b3e-7000-8000-000000000020","op":"cancel","payload":{"reason":"left_agency"}},"#,
            r#"{"seq":5,"id":"0190c2a1-7b3e-7000-8000-000000000014","entity":"training_settings","entity_id":"8d6a1f0e-55c4-8b2e-9a41-3c5d7e9f1b20","op":"upsert","payload":{"pass_mark":60}},"#,
            r#"{"seq":6,"id":"0190c2a1-7b3e-7000-8000-000000000015","entity":"training_class","entity_id":"0190c2a1-7b3e-7000-8000-000000000030","op":"upsert","payload":{"mode":"offline"}},"#,
            r#"{"seq":7,"id":"0190c2a1-7b3e-7000-8000-000000000016","entity":"class_participant","entity_id":"1e4f2a3b-9c8d-8e7f-a6b5-c4d3e2f1a0b9","op":"upsert","payload":{"class_id":"0190c2a1-7b3e-7000-8000-000000000030","worker_id":"0190c2a1-7b3e-7000-8000-000000000020"}},"#,
            r#"{"seq":8,"id":"0190c2a1-7b3e-7000-8000-000000000017","entity":"class_participant","entity_id":"1e4f2a3b-9c8d-8e7f-a6b5-c4d3e2f1a0b9","op":"delete","payload":{"class_id":"0190c2a1-7b3e-7000-8000-000000000030","worker_id":"0190c2a1-7b3e-7000-8000-000000000020"}},"#,
            r#"{"seq":9,"id":"0190c2a1-7b3e-7000-8000-000000000018","entity":"exam_result","entity_id":"0190c2a1-7b3e-7000-8000-000000000040","op":"upsert","payload":{"score":88}},"#,
            r#"{"seq":10,"id":"0190c2a1-7b3e-7000-8000-000000000019","entity":"supervision_form","entity_id":"0190c2a1-7b3e-7000-8000-000000000050","op":"upsert","payload":{"method":"on_site"}}"#,
            r#"]}"#
        );
        let req: PushRequest = serde_json::from_str(body).unwrap();
        let read: Vec<(SyncEntity, SyncOp)> = req.entries.iter().map(|e| (e.entity, e.op)).collect();
        assert_eq!(
            read,
            [
                (SyncEntity::Worker, SyncOp::Upsert),
                (SyncEntity::Worker, SyncOp::Apply),
                (SyncEntity::Worker, SyncOp::Reissue),
                (SyncEntity::Worker, SyncOp::Cancel),
                (SyncEntity::TrainingSettings, SyncOp::Upsert),
                (SyncEntity::TrainingClass, SyncOp::Upsert),
                (SyncEntity::ClassParticipant, SyncOp::Upsert),
                (SyncEntity::ClassParticipant, SyncOp::Delete),
                (SyncEntity::ExamResult, SyncOp::Upsert),
                (SyncEntity::SupervisionForm, SyncOp::Upsert),
            ]
        );
        assert_eq!(serde_json::to_string(&req).unwrap(), body, "the wire bytes do not change");
    }

    /// Changes as today's platform writes them into its change log and sends them: they parse
    /// and go back out byte for byte, and a deletion marker's entity parses to its kind.
    #[test]
    fn changes_written_before_the_enums_read_and_write_back_the_same_bytes() {
        for stored in [
            r#"{"seq":12,"kind":"deleted","entity":"trust_key","entity_id":"1"}"#,
            r#"{"seq":13,"kind":"deleted","entity":"revocation","entity_id":"SH112026000001P"}"#,
            r#"{"seq":14,"kind":"check_result","worker_id":"0190c2a1-7b3e-7000-8000-000000000020","check":"police_check","passed":false,"reason_zh":"甲","reason_en":"A"}"#,
            r#"{"seq":15,"kind":"rejection","worker_id":"0190c2a1-7b3e-7000-8000-000000000020","code":"certificate_held_elsewhere","message_zh":"甲","message_en":"A"}"#,
        ] {
            let change: Change = serde_json::from_str(stored).unwrap();
            assert_eq!(serde_json::to_string(&change).unwrap(), stored, "the change's bytes do not change");
        }
        let change: Change =
            serde_json::from_str(r#"{"seq":12,"kind":"deleted","entity":"trust_key","entity_id":"1"}"#).unwrap();
        let ChangeBody::Deleted { entity, .. } = change.body else { panic!("a deletion marker") };
        assert_eq!(entity.parse::<DeletedEntity>(), Ok(DeletedEntity::TrustKey));
        assert!("bulletin".parse::<DeletedEntity>().is_err(), "a newer kind is recognised as unknown, for the desk to skip");
    }

    /// A name outside the vocabulary is refused with an error naming the set and the value,
    /// never guessed and never a panic: in an [`OutboxEntry`] (the desk's own outbox; the
    /// platform reads pushes through [`ReceivedPush`], see the next test) and when read from a
    /// column.
    #[test]
    fn an_unknown_entity_or_operation_is_refused_with_a_clear_error() {
        let entry = |entity: &str, op: &str| {
            format!(
                r#"{{"seq":1,"id":"{0}","entity":"{entity}","entity_id":"{0}","op":"{op}","payload":{{}}}}"#,
                Uuid::nil()
            )
        };
        let err = serde_json::from_str::<OutboxEntry>(&entry("invoice", "upsert")).unwrap_err().to_string();
        assert!(err.contains("unknown variant `invoice`"), "{err}");
        let err = serde_json::from_str::<OutboxEntry>(&entry("worker", "purge")).unwrap_err().to_string();
        assert!(err.contains("unknown variant `purge`"), "{err}");
        assert_eq!(
            "purge".parse::<SyncOp>().unwrap_err().to_string(),
            r#"unknown sync operation "purge""#
        );
        assert_eq!(
            "Worker".parse::<SyncEntity>().unwrap_err().to_string(),
            r#"unknown sync entity "Worker""#,
            "names are exact: no case folding"
        );
    }

    /// A newer desk's entity or operation does not make the whole push malformed: the platform
    /// reads each entry on its own, keeps the unknown ones with their names as sent (to refuse
    /// them one by one) and the others in the vocabulary; any other malformed field still fails
    /// the whole request.
    #[test]
    fn a_push_with_a_newer_desks_entry_reads_the_others_and_keeps_the_unknown_names() {
        let entry = |seq: i64, entity: &str, op: &str| {
            format!(
                r#"{{"seq":{seq},"id":"{0}","entity":"{entity}","entity_id":"{0}","op":"{op}","payload":{{"a":1}}}}"#,
                Uuid::nil()
            )
        };
        let body = format!(
            r#"{{"device_id":"{}","entries":[{},{},{},{}]}}"#,
            Uuid::nil(),
            entry(1, "worker", "upsert"),
            entry(2, "invoice", "upsert"),
            entry(3, "worker", "purge"),
            entry(4, "training_class", "delete"),
        );
        let push: ReceivedPush = serde_json::from_str(&body).unwrap();
        let read: Vec<(i64, &str, &str, bool)> = push
            .entries
            .iter()
            .map(|e| (e.seq(), e.entity_name(), e.op_name(), e.known().is_some()))
            .collect();
        assert_eq!(
            read,
            [
                (1, "worker", "upsert", true),
                (2, "invoice", "upsert", false),
                (3, "worker", "purge", false),
                (4, "training_class", "delete", true),
            ]
        );
        let known = push.entries[0].known().unwrap();
        assert_eq!((known.entity, known.op), (SyncEntity::Worker, SyncOp::Upsert));
        assert!(push.entries.iter().all(|e| e.payload()["a"] == 1 && e.entity_id() == Uuid::nil()));
        // The same bytes as the desk's PushRequest writes them read the same way.
        let desk: PushRequest = serde_json::from_str(&format!(
            r#"{{"device_id":"{}","entries":[{}]}}"#,
            Uuid::nil(),
            entry(1, "worker", "upsert")
        ))
        .unwrap();
        assert_eq!(push.entries[0], ReceivedEntry::from(desk.entries[0].clone()));

        let no_id = format!(
            r#"{{"device_id":"{0}","entries":[{{"seq":1,"entity":"invoice","entity_id":"{0}","op":"x","payload":{{}}}}]}}"#,
            Uuid::nil()
        );
        let err = serde_json::from_str::<ReceivedPush>(&no_id).unwrap_err().to_string();
        assert!(err.contains("missing field `id`"), "{err}");
        let numeric = body.replace(r#""entity":"invoice""#, r#""entity":7"#);
        assert!(serde_json::from_str::<ReceivedPush>(&numeric).is_err(), "a name is a string");
    }

    /// Each name is its serde name, so the column, the wire and the tests read the same word.
    #[test]
    fn sync_names_are_their_serde_names() {
        fn check<T: certdesk_domain::Code + Serialize + std::fmt::Debug + PartialEq + std::str::FromStr>()
        where
            T::Err: std::fmt::Debug,
        {
            for v in T::ALL {
                assert_eq!(serde_json::to_string(v).unwrap(), format!("\"{}\"", v.code()));
                assert_eq!(v.code().parse::<T>().unwrap(), *v);
            }
        }
        check::<SyncEntity>();
        check::<SyncOp>();
        check::<DeletedEntity>();
        assert!(SyncEntity::RECORDS.iter().all(|e| e.is_record()));
        assert!(!SyncEntity::Worker.is_record() && !SyncEntity::Agency.is_record());
    }

    #[test]
    fn the_device_proves_itself_in_a_bearer_header() {
        let r = EnrolResponse {
            device_id: Uuid::nil(),
            device_secret: "s3cr3t".into(),
            agency_id: Uuid::nil(),
            agency_name: "x".into(),
            agency_credit_code: None,
            agency_district: None,
        };
        assert_eq!(
            r.authorization(),
            "Bearer 00000000-0000-0000-0000-000000000000.s3cr3t"
        );
    }

    #[test]
    fn a_push_request_reads_the_desks_outbox_shape() {
        let v = json!({"device_id": Uuid::nil(), "entries": [{"seq": 1, "id": Uuid::nil(),
            "entity": "worker", "entity_id": Uuid::nil(), "op": "upsert", "payload": {"name": "张三"}}]});
        let req: PushRequest = serde_json::from_value(v).unwrap();
        assert_eq!(req.entries[0].op, SyncOp::Upsert);
        assert_eq!(req.entries[0].payload["name"], "张三");
    }
}
