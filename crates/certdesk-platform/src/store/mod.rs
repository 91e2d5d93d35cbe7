//! The platform's storage contract, [`Store`], and the records that cross it. SQLite
//! ([`sqlite::SqliteStore`]) implements it today; PostgreSQL is meant to be the next
//! implementation, so nothing outside this module may name rusqlite.
//!
//! Each method is one transaction: the rules that must hold across agencies (one claim per
//! person, one receipt per entry, unique certificate codes) are decided inside it, so they hold
//! under concurrency too. The methods are blocking; the HTTP layer calls them from
//! `spawn_blocking`. A store must never talk to the network or sign with a key it was not
//! given.

pub mod operators;
pub mod public;
pub mod sqlite;

use certdesk_protocol::operator::{DeviceInfo, ReviewItem};
use certdesk_protocol::sync::{Change, EntryOutcome, ReceivedEntry};
use certdesk_protocol::{RevocationList, TrustList};
use chrono::{DateTime, NaiveDate, Utc};
use ed25519_dalek::SigningKey;
use uuid::Uuid;

/// Storage failures. None of them is the caller's fault; they answer 500.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database refused.
    #[error("database: {0}")]
    Database(String),
    /// Stored data that cannot be read back (a bug or tampering).
    #[error("corrupt record: {0}")]
    Corrupt(String),
    /// A credential could not be signed.
    #[error("signing: {0}")]
    Signing(String),
    /// The database file was written by a newer platform; nothing was changed in it.
    #[error("the database is at schema version {found}, newer than this platform knows ({known}): upgrade certdesk-platform before starting it on this data directory")]
    SchemaTooNew {
        /// The file's schema version.
        found: u32,
        /// The newest migration this program has.
        known: u32,
    },
}

/// Result of store calls.
pub type StoreResult<T> = Result<T, StoreError>;

/// A registered agency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agency {
    /// Id.
    pub id: Uuid,
    /// Registered name.
    pub name: String,
    /// Unified social credit code.
    pub credit_code: String,
    /// Official district name.
    pub district: String,
}

/// A desk device as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    /// Id.
    pub id: Uuid,
    /// The agency it acts for.
    pub agency_id: Uuid,
    /// SHA-256 (hex) of its secret.
    pub secret_hash: String,
    /// Revoked devices are refused.
    pub revoked: bool,
}

/// Who pushes, and when.
#[derive(Debug, Clone, Copy)]
pub struct PushContext {
    /// The authenticated device.
    pub device_id: Uuid,
    /// Its agency: every record written belongs to it.
    pub agency_id: Uuid,
    /// Now, for timestamps.
    pub now: DateTime<Utc>,
    /// Today in Shanghai, for the domain's date rules.
    pub today: NaiveDate,
}

/// An application that the push created and that now waits for the police comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewApplication {
    /// The application.
    pub application_id: Uuid,
    /// Canonical ID number of the person.
    pub id_number: String,
}

/// What a push did.
#[derive(Debug, Clone, Default)]
pub struct PushOutcome {
    /// One per entry, in order.
    pub outcomes: Vec<EntryOutcome>,
    /// Applications created, to hand to the check providers.
    pub new_applications: Vec<NewApplication>,
}

/// The signing material an approval uses.
pub struct Signer<'a> {
    /// The current key's id.
    pub key_id: u16,
    /// The current key.
    pub key: &'a SigningKey,
    /// Prefix of credential URLs, e.g. `https://cert.example.cn/c/`.
    pub base_url: &'a str,
}

/// The police comparison's result for one application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Passed: approve (code, credential).
    Pass,
    /// Failed: reject with this reason (as the operator or provider wrote it).
    Fail {
        /// Reason in Chinese.
        reason_zh: String,
        /// Reason in English.
        reason_en: String,
    },
}

/// What deciding an application did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decided {
    /// Approved with this certificate code.
    Approved(String),
    /// Rejected.
    Rejected,
    /// No pending application with that id (already decided, withdrawn or unknown).
    NotPending,
}

/// The storage contract of the platform.
pub trait Store:
    operators::OperatorStore + public::PublicRecords + Send + Sync + 'static
{
    /// Whether the store answers (for `/readyz`).
    fn ready(&self) -> StoreResult<()>;

    /// Registers an agency; `None` when its credit code is already registered.
    fn create_agency(&self, agency: &Agency, now: DateTime<Utc>) -> StoreResult<Option<()>>;

    /// Stores a one-time enrolment code (by hash) for an agency; false if the agency is unknown.
    fn add_enrolment_code(
        &self,
        agency_id: Uuid,
        code_hash: &str,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<bool>;

    /// Uses up an unexpired, unused code and creates the device with it, atomically; `None`
    /// when the code is unknown, used or expired.
    fn redeem_enrolment_code(
        &self,
        code_hash: &str,
        device_id: Uuid,
        device_name: &str,
        secret_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Agency>>;

    /// A device by id.
    fn device(&self, id: Uuid) -> StoreResult<Option<Device>>;

    /// Every device, for operators.
    fn devices(&self) -> StoreResult<Vec<DeviceInfo>>;

    /// Revokes a device at once; false if unknown.
    fn revoke_device(&self, id: Uuid, now: DateTime<Utc>) -> StoreResult<bool>;

    /// Applies a batch of outbox entries idempotently (see the platform's push rules); an entry
    /// naming an entity or operation this build does not know is refused on its own.
    /// `signer` signs the new credential of a `reissue` entry; without it such entries fail
    /// with a store error rather than going unsigned.
    fn push(
        &self,
        ctx: &PushContext,
        entries: &[ReceivedEntry],
        signer: Option<&Signer<'_>>,
    ) -> StoreResult<PushOutcome>;

    /// Applications waiting for the police comparison, oldest first.
    fn pending_reviews(&self) -> StoreResult<Vec<ReviewItem>>;

    /// Pending applications of a person (for results files keyed by ID number).
    fn pending_for_id_number(&self, id_number: &str) -> StoreResult<Vec<Uuid>>;

    /// Records the police comparison result; on a pass assigns the code and signs the
    /// credential with `signer`, valid from `today` for `validity_days`.
    fn decide(
        &self,
        application_id: Uuid,
        decision: &Decision,
        signer: &Signer<'_>,
        today: NaiveDate,
        validity_days: u32,
        now: DateTime<Utc>,
    ) -> StoreResult<Decided>;

    /// The changes an agency may see after `since`, at most `limit`; and whether more wait.
    fn changes_since(
        &self,
        agency_id: Uuid,
        since: i64,
        limit: u32,
    ) -> StoreResult<(Vec<Change>, bool)>;

    /// The current signing key, creating key 1 on first use.
    fn current_signing_key(
        &self,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> StoreResult<(u16, SigningKey)>;

    /// Retires the current key (valid until today) and makes `new_key` current from today.
    fn rotate_signing_key(
        &self,
        new_key: &SigningKey,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> StoreResult<u16>;

    /// Withdraws a (compromised) key: it leaves the trust list at once and desks get a
    /// deletion marker; cards it signed become `unknown_key`. False if unknown or withdrawn.
    fn withdraw_signing_key(&self, key_id: u16, now: DateTime<Utc>) -> StoreResult<bool>;

    /// Records that the agency holds the blob (its bytes are already stored by the caller).
    fn add_blob(
        &self,
        agency_id: Uuid,
        sha256: &str,
        size: u64,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;

    /// Whether the agency holds the blob. Another agency's blobs are never reported.
    fn has_blob(&self, agency_id: Uuid, sha256: &str) -> StoreResult<bool>;

    /// Every key a verifier should trust.
    fn trust_list(&self) -> StoreResult<TrustList>;

    /// Cancelled certificates and replaced cards, city-wide.
    fn revocations(&self) -> StoreResult<RevocationList>;
}
