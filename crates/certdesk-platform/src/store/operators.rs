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

use super::repo::ApplicationStatus;
use super::{Agency, StoreResult};
use certdesk_domain::training::ClassMode;

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
    /// What the account may do.
    pub role: OperatorRole,
    /// The TOTP secret (opened from its sealed column), when the second factor is on.
    pub totp_secret: Option<Vec<u8>>,
    /// The last TOTP time step accepted: a code works once.
    pub totp_last_step: Option<i64>,
}

/// An operator's API key as stored (issue 11 item 6): the bearer token of the JSON API. Only the
/// SHA-256 of the key is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKey {
    /// Id (shown in lists and the audit, never the key).
    pub id: Uuid,
    /// The operator it belongs to.
    pub operator_id: Uuid,
    /// Their sign-in name.
    pub operator_name: String,
    /// Their role now (a key never does more than its operator may).
    pub role: OperatorRole,
    /// The areas it may use, space-separated codes of [`crate::operator_pages::access::Area`].
    pub scopes: String,
    /// Made.
    pub created_at: DateTime<Utc>,
    /// Dead from this instant.
    pub expires_at: DateTime<Utc>,
    /// Revoked, when it was.
    pub revoked_at: Option<DateTime<Utc>>,
    /// Last used.
    pub last_used_at: Option<DateTime<Utc>>,
}

/// A new API key to store.
#[derive(Debug, Clone, Copy)]
pub struct NewApiKey<'a> {
    /// Id.
    pub id: Uuid,
    /// Its operator.
    pub operator_id: Uuid,
    /// SHA-256 (hex) of the key.
    pub key_sha256: &'a str,
    /// Space-separated area codes.
    pub scopes: &'a str,
    /// Made.
    pub created_at: DateTime<Utc>,
    /// Dead from this instant.
    pub expires_at: DateTime<Utc>,
}

/// One line of the operator audit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditLine {
    /// Its place in the audit (increasing).
    pub seq: i64,
    /// When the action started.
    pub at: DateTime<Utc>,
    /// Who (the sign-in name, or the name tried at sign-in).
    pub operator: String,
    /// How: `session`, `api_key:<id>` or `sign_in`.
    pub via: String,
    /// The client's network.
    pub network: String,
    /// What: the route (`POST /operator/reviews/{application_id}/approve`) or a sign-in event.
    pub action: String,
    /// On what: the route's parameters, or empty.
    pub target: String,
    /// How it ended (`200`, `403`, …); `None` when it never answered.
    pub outcome: Option<String>,
}

/// A signing key's action that needs two operators (on the wire too, in the 202 answer).
pub use certdesk_protocol::operator::KeyAction;

/// A key action asked by one operator and waiting for another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRequest {
    /// Id.
    pub id: Uuid,
    /// What.
    pub action: KeyAction,
    /// The key, for a withdrawal.
    pub key_id: Option<u16>,
    /// Who asked.
    pub requested_by: String,
    /// When.
    pub requested_at: DateTime<Utc>,
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
    /// Waiting or decided.
    pub status: ApplicationStatus,
    /// The worker record as the platform validated it (JSON of the domain's `ValidWorker`).
    pub record: serde_json::Value,
    /// The photo the record names, if the agency uploaded it.
    pub photo_sha256: Option<String>,
    /// The record's version as shown: approving binds to it.
    pub version: i64,
    /// What the worker's live certificate shows now, if they hold one (an application for
    /// updated details is compared with it).
    pub approved: Option<certdesk_domain::PublicIdentity>,
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
    pub applications: Vec<(Uuid, String, ApplicationStatus, Option<String>)>,
    /// Every exam attempt the agencies synced: agency, date (`YYYY-MM-DD`), score.
    pub exams: Vec<(Uuid, String, f64)>,
    /// Every training class the agencies synced: its id, when it starts (`YYYY-MM-DD HH:MM`),
    /// its mode. A synced class whose mode is not one the platform knows is not among them (it
    /// counts for nothing, as before the mode was typed).
    pub classes: Vec<(String, String, ClassMode)>,
    /// Every attendance row the agencies synced: the class's id, the worker's, the class hours
    /// credited.
    pub participants: Vec<(String, String, f64)>,
    /// Per agency: its synced training settings (JSON), when it synced any.
    pub settings: Vec<(Uuid, serde_json::Value)>,
    /// Every rating: month, stars.
    pub ratings: Vec<(String, u8)>,
    /// Every complaint: the month it was filed, and when closed (办结) the month it was closed
    /// and how many minutes it took.
    pub complaints: Vec<(String, Option<(String, i64)>)>,
}

/// Storage for the operator pages.
pub trait OperatorStore {
    /// The records the city statistics count (issue 14 item 6).
    fn stats_facts(&self) -> StoreResult<StatsFacts>;

    /// An operator by sign-in name.
    fn operator_by_name(&self, name: &str) -> StoreResult<Option<OperatorAccount>>;

    /// The newest audit lines before `before` (all when `None`), newest first, at most `limit`.
    fn audit_lines(&self, before: Option<i64>, limit: u32) -> StoreResult<Vec<AuditLine>>;

    /// Every API key of an operator, newest first.
    fn api_keys_of(&self, operator_name: &str) -> StoreResult<Vec<ApiKey>>;

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
