//! What the operator pages need from storage beyond the JSON API's calls: operator accounts,
//! their server-side sessions, the agency list and one application with its worker's record.
//!
//! [`OperatorStore`] is a supertrait of [`super::Store`], so every store implements it and
//! the handlers reach it through the same `Arc<dyn Store>`; creating an operator and opening
//! or finding a session are flows ([`crate::flows::access`]) over the repository. Like the rest of the store it is
//! blocking, one transaction a call, and it must never see a password or a session id in the
//! clear: callers pass argon2 hashes and SHA-256 digests.

use certdesk_protocol::operator::ReviewItem;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Agency, StoreResult};

/// What an operator account may do (issue 14). [`crate::operator_pages::access`] says which
/// page each role may open; a commission account only reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OperatorRole {
    /// 项目办 (the programme office, the training body): reviews, supervision, complaints.
    Office,
    /// 商务委 (the commerce commission): statistics and filings, read-only.
    Commission,
    /// 管理员: accounts, agencies, devices, keys.
    Admin,
}

certdesk_domain::closed_set!(OperatorRole, "operator role", {
    Office => "office",
    Commission => "commission",
    Admin => "admin",
});

impl OperatorRole {
    /// Chinese label.
    pub fn label_zh(&self) -> &'static str {
        match self {
            OperatorRole::Office => "项目办",
            OperatorRole::Commission => "商务委",
            OperatorRole::Admin => "管理员",
        }
    }

    /// English label.
    pub fn label_en(&self) -> &'static str {
        match self {
            OperatorRole::Office => "programme office",
            OperatorRole::Commission => "commerce commission",
            OperatorRole::Admin => "administrator",
        }
    }
}

/// A platform staff account as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperatorAccount {
    /// Id.
    pub id: Uuid,
    /// Sign-in name.
    pub name: String,
    /// Argon2 PHC string.
    pub password_hash: String,
    /// Wrong passwords in a row since the last successful sign-in.
    pub failed_attempts: u32,
    /// No sign-in is tried before this instant.
    pub locked_until: Option<DateTime<Utc>>,
    /// What the account may do.
    pub role: OperatorRole,
}

/// A live operator session, found by the digest of its id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperatorSession {
    /// The operator signed in.
    pub operator_id: Uuid,
    /// Their sign-in name, for the page header.
    pub operator_name: String,
    /// Their role: which pages they may open.
    pub role: OperatorRole,
    /// The token every form of this session must carry.
    pub csrf_token: String,
    /// When the session dies unless used again.
    pub expires_at: DateTime<Utc>,
    /// When the session started; it never lives past a fixed span from here.
    pub created_at: DateTime<Utc>,
}

/// An agency with what the agencies page shows beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgencySummary {
    /// The agency.
    pub agency: Agency,
    /// Its contact phone, if the operator recorded one.
    pub phone: Option<String>,
    /// Devices enrolled, revoked ones included.
    pub devices: u32,
    /// Devices not revoked.
    pub active_devices: u32,
    /// When it was registered (RFC 3339).
    pub created_at: String,
}

/// One application as the review page shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewDetail {
    /// The queue row.
    pub item: ReviewItem,
    /// The applying agency.
    pub agency_id: Uuid,
    /// `pending`, `approved`, `rejected` or `withdrawn`.
    pub status: String,
    /// The worker record as the platform validated it (JSON of the domain's `ValidWorker`).
    pub record: serde_json::Value,
    /// The photo the record names, if the agency uploaded it.
    pub photo_sha256: Option<String>,
    /// The record's version as shown: approving binds to it.
    pub version: i64,
}

/// What the city statistics are computed from (issue 14 item 6), counted by the store; the
/// rules (which exam passes, what "in force" means today) are applied by
/// [`crate::flows::stats`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StatsFacts {
    /// Per agency: its district.
    pub agencies: Vec<(Uuid, String)>,
    /// Every certificate: agency, worker, last valid day (`YYYY-MM-DD`), cancelled or not.
    pub certificates: Vec<(Uuid, Uuid, String, bool)>,
    /// Every application: agency, `applied_at` month (`YYYY-MM`), status, the decision's month.
    pub applications: Vec<(Uuid, String, String, Option<String>)>,
    /// Every exam attempt the agencies synced: agency, date (`YYYY-MM-DD`), score.
    pub exams: Vec<(Uuid, String, f64)>,
    /// Per agency: its synced training settings (JSON), when it synced any.
    pub settings: Vec<(Uuid, serde_json::Value)>,
    /// Every rating: month, stars.
    pub ratings: Vec<(String, u8)>,
    /// Every complaint: month.
    pub complaints: Vec<String>,
}

/// Storage for the operator pages.
pub trait OperatorStore {
    /// The records the city statistics count (issue 14 item 6).
    fn stats_facts(&self) -> StoreResult<StatsFacts>;

    /// An operator by sign-in name.
    fn operator_by_name(&self, name: &str) -> StoreResult<Option<OperatorAccount>>;

    /// Counts a wrong password; `locked_until` is set when the caller's policy says so.
    fn record_sign_in_failure(
        &self,
        operator_id: Uuid,
        locked_until: Option<DateTime<Utc>>,
    ) -> StoreResult<()>;

    /// Moves a session's expiry (sliding idle timeout).
    fn touch_session(&self, id_hash: &str, expires_at: DateTime<Utc>) -> StoreResult<()>;

    /// Ends a session (sign-out).
    fn close_session(&self, id_hash: &str) -> StoreResult<()>;

    /// Registers an agency with a contact phone; `None` when its credit code is taken.
    fn create_agency_with_phone(
        &self,
        agency: &Agency,
        phone: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<()>>;

    /// Every agency, newest first.
    fn agencies(&self) -> StoreResult<Vec<AgencySummary>>;

    /// One application with its worker's record and photo, whatever its status.
    fn review_detail(&self, application_id: Uuid) -> StoreResult<Option<ReviewDetail>>;
}
