//! The platform's repository: row-level reads and writes inside one transaction ([`Tx`]), and
//! a way to run a closure in one ([`Repo::run_transaction`], or [`RepoExt::transaction`]
//! with a result). The rules that decide what to write (applying a push entry, the one claim
//! per person, approval, reissue, cancellation, keys) live once in [`crate::flows`] over this
//! trait, as are the public page's feedback limits and who may act (enrolment codes, devices,
//! operator accounts and sessions); a backend (SQLite today, PostgreSQL next) implements only
//! these rows and the plain reads of [`super::Store`].
//!
//! A backend must never decide a rule here: no status it chooses, no refusal it words, no id
//! or time it makes up. Every id, time, status and key arrives as an argument. Its only
//! judgement is the schema's own backstops (unique keys, the one-claim index), which it reports
//! as values where this contract says so.

use certdesk_domain::{ValidWorker, WorkerStatus};
use certdesk_protocol::sync::{ChangeBody, EntryOutcome, SyncEntity};
use certdesk_protocol::TrustedKey;
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::operators::{OperatorAccount, OperatorSession};
use super::public::{FeedbackFrom, FeedbackKind, FeedbackSubmission};
use super::{Agency, Device, StoreResult};

/// A receipt: an entry a device pushed before, with the fingerprint of its content and what
/// became of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// The fingerprint of the entry's content when it was received.
    pub payload_hash: String,
    /// Its outcome, or `None` when the stored outcome cannot be read back.
    pub outcome: Option<EntryOutcome>,
}

/// A worker row as the rules need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredWorker {
    /// The agency that owns the record.
    pub agency_id: Uuid,
    /// Canonical ID number.
    pub id_number: String,
    /// The status the platform keeps.
    pub status: WorkerStatus,
    /// The record's version: one more with every push that writes it.
    pub version: i64,
    /// The name as the record carries it.
    pub name: String,
}

/// A worker row to write (created, or replacing the record of an existing one).
#[derive(Debug, Clone, Copy)]
pub struct WorkerRow<'a> {
    /// The record's id.
    pub id: Uuid,
    /// The agency it belongs to.
    pub agency_id: Uuid,
    /// The record as validated (its ID number and name are kept in their own columns too).
    pub record: &'a ValidWorker,
    /// The status to keep.
    pub status: WorkerStatus,
    /// The photo the record names, kept for the review page.
    pub photo_sha256: Option<&'a str>,
}

/// What writing a worker row did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkerWrite {
    /// Written (version + 1 on an existing row).
    Written,
    /// The schema's one-claim-per-person backstop refused the row: another record of the
    /// person already claims the certificate. Nothing was written. (A backend whose
    /// transaction cannot go on after a constraint violation returns an error instead; the
    /// push is then retried whole and the check before the write answers.)
    ClaimTaken,
}

/// A live (not revoked) certificate of a worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveCertificate {
    /// The certificate code as stored.
    pub code: String,
    /// The current card.
    pub card_version: u16,
    /// The last day it is valid.
    pub valid_until: NaiveDate,
}

/// What an application asks for (on the wire too, in the review queue).
pub use certdesk_protocol::operator::ApplicationKind;

/// Where an application stands: waiting (`pending`) or decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ApplicationStatus {
    /// Waiting for the police comparison or an operator.
    Pending,
    /// Approved.
    Approved,
    /// Rejected.
    Rejected,
    /// Withdrawn (the worker was cancelled while waiting).
    Withdrawn,
}

certdesk_domain::closed_set!(ApplicationStatus, "application status", {
    Pending => "pending",
    Approved => "approved",
    Rejected => "rejected",
    Withdrawn => "withdrawn",
});

/// An application waiting for the police comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingApplication {
    /// What it asks for.
    pub kind: ApplicationKind,
    /// The worker applied for.
    pub worker_id: Uuid,
    /// The applying agency.
    pub agency_id: Uuid,
    /// The agency's district (official name).
    pub district: String,
}

/// How an application was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplicationDecision<'a> {
    /// Approved.
    Approved,
    /// Rejected, with the reason as written.
    Rejected {
        /// The reason (Chinese, as the operator or provider wrote it).
        reason: &'a str,
    },
    /// Withdrawn (the worker was cancelled while waiting).
    Withdrawn,
}

/// A certificate to store.
#[derive(Debug, Clone, Copy)]
pub struct NewCertificate<'a> {
    /// The certificate code.
    pub code: &'a str,
    /// The worker.
    pub worker_id: Uuid,
    /// The agency responsible for it.
    pub agency_id: Uuid,
    /// The application it answers.
    pub application_id: Uuid,
    /// First day valid.
    pub valid_from: NaiveDate,
    /// Last day valid.
    pub valid_until: NaiveDate,
    /// The key that signed its credential.
    pub key_id: u16,
    /// The signed credential URL (card version 1).
    pub credential_url: &'a str,
}

/// A new card for a certificate.
#[derive(Debug, Clone, Copy)]
pub struct NewCard<'a> {
    /// The certificate code.
    pub code: &'a str,
    /// The new card's version.
    pub card_version: u16,
    /// First day the new card is valid.
    pub valid_from: NaiveDate,
    /// The key that signed its credential.
    pub key_id: u16,
    /// The signed credential URL.
    pub credential_url: &'a str,
}

/// A one-time enrolment code as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrolmentCode {
    /// The agency it enrols a device for.
    pub agency_id: Uuid,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
    /// Whether a device was already made with it.
    pub used: bool,
}

/// Which of an agency's records a read wants: all of an entity, or those whose payload names
/// a worker (`worker_id`) or a class (`class_id`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordLink<'a> {
    /// Every live record of the entity.
    All,
    /// The record with this id (as sent; a class's id is its record id).
    Id(&'a str),
    /// Records whose payload's `worker_id` is this (as sent).
    Worker(&'a str),
    /// Records whose payload's `class_id` is this (as sent).
    Class(&'a str),
}

/// Row-level reads and writes inside one transaction.
pub trait Tx {
    // --- agencies, enrolment codes and devices ---

    /// An agency.
    fn agency(&mut self, id: Uuid) -> StoreResult<Option<Agency>>;

    /// Stores an enrolment code (by hash).
    fn add_enrolment_code(
        &mut self,
        code_hash: &str,
        agency_id: Uuid,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<()>;

    /// An enrolment code by hash.
    fn enrolment_code(&mut self, code_hash: &str) -> StoreResult<Option<EnrolmentCode>>;

    /// Marks an unused code used by `device_id`; false if it was used already (by a racing
    /// call).
    fn use_enrolment_code(
        &mut self,
        code_hash: &str,
        device_id: Uuid,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;

    /// Stores a device.
    fn add_device(
        &mut self,
        id: Uuid,
        agency_id: Uuid,
        name: &str,
        secret_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;

    /// A device.
    fn device(&mut self, id: Uuid) -> StoreResult<Option<Device>>;

    /// Marks a device revoked at `now`.
    fn revoke_device(&mut self, id: Uuid, now: DateTime<Utc>) -> StoreResult<()>;

    // --- operators and their sessions ---

    /// An operator by sign-in name.
    fn operator_by_name(&mut self, name: &str) -> StoreResult<Option<OperatorAccount>>;

    /// Stores a new operator.
    fn add_operator(
        &mut self,
        id: Uuid,
        name: &str,
        password_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;

    /// Replaces an operator's password hash.
    fn set_operator_password(&mut self, id: Uuid, password_hash: &str) -> StoreResult<()>;

    /// Sets an operator's role.
    fn set_operator_role(&mut self, id: Uuid, role: crate::store::operators::OperatorRole) -> StoreResult<()>;

    /// Lifts an operator's sign-in locks: from `network`, or from every network when `None`.
    fn clear_sign_in_failures(&mut self, id: Uuid, network: Option<&str>) -> StoreResult<()>;

    /// Wrong passwords in a row from `network` for the operator, and the lock they made.
    fn sign_in_lock(&mut self, id: Uuid, network: &str) -> StoreResult<(u32, Option<DateTime<Utc>>)>;

    /// Stores the count of wrong passwords from `network` and the lock.
    fn set_sign_in_lock(
        &mut self,
        id: Uuid,
        network: &str,
        failures: u32,
        locked_until: Option<DateTime<Utc>>,
    ) -> StoreResult<()>;

    /// Turns the second factor on (with its secret, which the backend stores sealed) or off.
    fn set_operator_totp(&mut self, id: Uuid, secret: Option<&[u8]>) -> StoreResult<()>;

    /// Records that the TOTP code of `step` was used; false when that step or a later one was
    /// used already (a code works once).
    fn use_totp_step(&mut self, id: Uuid, step: i64) -> StoreResult<bool>;

    /// Stores a new API key.
    fn add_api_key(&mut self, key: &crate::store::operators::NewApiKey<'_>) -> StoreResult<()>;

    /// The API key with this digest, revoked and expired ones included.
    fn api_key(&mut self, key_sha256: &str) -> StoreResult<Option<crate::store::operators::ApiKey>>;

    /// Revokes an API key of the operator; false when the operator has no such live key.
    fn revoke_api_key(&mut self, operator_id: Uuid, id: Uuid, now: DateTime<Utc>) -> StoreResult<bool>;

    /// Notes when a key was last used.
    fn touch_api_key(&mut self, id: Uuid, now: DateTime<Utc>) -> StoreResult<()>;

    /// Writes an audit line (its `seq` and `outcome` are ignored) and answers its `seq`.
    fn add_audit(&mut self, line: &crate::store::operators::AuditLine) -> StoreResult<i64>;

    /// Fills in how an audited action ended.
    fn finish_audit(&mut self, seq: i64, outcome: &str) -> StoreResult<()>;

    /// The open request for a key action asked at or after `since`.
    fn key_request(
        &mut self,
        action: crate::store::operators::KeyAction,
        key_id: Option<u16>,
        since: DateTime<Utc>,
    ) -> StoreResult<Option<crate::store::operators::KeyRequest>>;

    /// Stores a key action request.
    fn add_key_request(&mut self, request: &crate::store::operators::KeyRequest) -> StoreResult<()>;

    /// Marks a request done by the second operator.
    fn finish_key_request(&mut self, id: Uuid, done_by: &str, now: DateTime<Utc>) -> StoreResult<()>;

    /// Deletes every session of an operator.
    fn delete_sessions_of(&mut self, operator_id: Uuid) -> StoreResult<()>;

    /// Deletes every session whose expiry is at or before `at`.
    fn delete_sessions_expired_by(&mut self, at: DateTime<Utc>) -> StoreResult<()>;

    /// Stores a session.
    fn add_session(
        &mut self,
        id_hash: &str,
        operator_id: Uuid,
        csrf_token: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<()>;

    /// A session by the digest of its id, expired or not.
    fn session(&mut self, id_hash: &str) -> StoreResult<Option<OperatorSession>>;

    /// Deletes a session.
    fn delete_session(&mut self, id_hash: &str) -> StoreResult<()>;

    // --- receipts and the change log ---

    /// The receipt of an entry a device pushed before.
    fn receipt(&mut self, device_id: Uuid, entry_id: Uuid) -> StoreResult<Option<Receipt>>;

    /// Stores an entry's receipt (a receipt already there is kept).
    fn add_receipt(
        &mut self,
        device_id: Uuid,
        entry_id: Uuid,
        seq: i64,
        payload_hash: &str,
        outcome: &EntryOutcome,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;

    /// Appends a change for one agency, or for every agency when `agency_id` is `None`.
    fn add_change(
        &mut self,
        agency_id: Option<Uuid>,
        body: &ChangeBody,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;

    // --- workers and applications ---

    /// A worker row.
    fn worker(&mut self, id: Uuid) -> StoreResult<Option<StoredWorker>>;

    /// Whether `id` (as sent) names a worker of the agency.
    fn worker_in_agency(&mut self, id: &str, agency_id: Uuid) -> StoreResult<bool>;

    /// The agencies of the person's other worker rows (not `except`) whose status is one of
    /// `statuses`.
    fn other_workers_of_person(
        &mut self,
        id_number: &str,
        except: Uuid,
        statuses: &[WorkerStatus],
    ) -> StoreResult<Vec<Uuid>>;

    /// Another worker row of the agency for the same person (not `except`), the first by id:
    /// the record a second enrolment of the person at the agency merges into.
    fn agency_worker_of_person(&mut self, agency_id: Uuid, id_number: &str, except: Uuid) -> StoreResult<Option<Uuid>>;

    /// The worker a merged record's id (`alias`, as sent) now names, within the agency.
    fn worker_alias(&mut self, alias: &str, agency_id: Uuid) -> StoreResult<Option<Uuid>>;

    /// Records that `alias` was merged into `worker_id` (written once; a repeat changes nothing).
    fn add_worker_alias(&mut self, alias: Uuid, worker_id: Uuid, agency_id: Uuid, now: DateTime<Utc>) -> StoreResult<()>;

    /// Creates the worker row or replaces its record, status and photo (version + 1).
    fn put_worker(&mut self, row: &WorkerRow<'_>, now: DateTime<Utc>) -> StoreResult<WorkerWrite>;

    /// Moves a worker's status (version + 1).
    fn set_worker_status(
        &mut self,
        id: Uuid,
        status: WorkerStatus,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;

    /// Records a new pending application of `kind`.
    fn add_application(
        &mut self,
        id: Uuid,
        worker_id: Uuid,
        agency_id: Uuid,
        id_number: &str,
        kind: ApplicationKind,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;

    /// A pending application.
    fn pending_application(&mut self, id: Uuid) -> StoreResult<Option<PendingApplication>>;

    /// The worker's pending application for updated details, if any.
    fn pending_details_application(&mut self, worker_id: Uuid) -> StoreResult<Option<Uuid>>;

    /// What the worker's live certificate shows (the approved snapshot), if they hold one.
    fn approved_identity(&mut self, worker_id: Uuid) -> StoreResult<Option<certdesk_domain::PublicIdentity>>;

    /// Makes the worker's record as stored now the approved snapshot of their live certificate.
    fn refresh_approved_identity(&mut self, worker_id: Uuid) -> StoreResult<()>;

    /// Decides one application.
    fn decide_application(
        &mut self,
        id: Uuid,
        decision: ApplicationDecision<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;

    /// Decides every pending application of a worker.
    fn decide_pending_of_worker(
        &mut self,
        worker_id: Uuid,
        decision: ApplicationDecision<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;

    // --- certificates ---

    /// Takes the next certificate serial of a district and year (1 for the first).
    fn next_serial(&mut self, district: u8, year: u16) -> StoreResult<u32>;

    /// Stores a new certificate (card version 1).
    fn add_certificate(&mut self, cert: &NewCertificate<'_>, now: DateTime<Utc>) -> StoreResult<()>;

    /// The worker's certificates that are not revoked.
    fn live_certificates(&mut self, worker_id: Uuid) -> StoreResult<Vec<LiveCertificate>>;

    /// Marks a certificate revoked.
    fn revoke_certificate(&mut self, code: &str, now: DateTime<Utc>) -> StoreResult<()>;

    /// Records a new card of a certificate.
    fn set_card(&mut self, card: &NewCard<'_>) -> StoreResult<()>;

    // --- training records kept per agency ---

    /// The agency that owns a training record, if the platform holds it.
    fn record_owner(&mut self, entity: SyncEntity, entity_id: Uuid) -> StoreResult<Option<Uuid>>;

    /// Whether the agency holds this record and it is not deleted (`entity_id` as sent).
    fn record_live(&mut self, entity: SyncEntity, entity_id: &str, agency_id: Uuid) -> StoreResult<bool>;

    /// The agency's live (not deleted) records of `entity` that `link` names: id and payload,
    /// by id.
    fn live_records(&mut self, agency_id: Uuid, entity: SyncEntity, link: RecordLink<'_>) -> StoreResult<Vec<(Uuid, serde_json::Value)>>;

    /// The payloads of [`Tx::live_records`].
    fn live_payloads(&mut self, agency_id: Uuid, entity: SyncEntity, link: RecordLink<'_>) -> StoreResult<Vec<serde_json::Value>> {
        Ok(self.live_records(agency_id, entity, link)?.into_iter().map(|(_, p)| p).collect())
    }

    /// Creates or replaces a record (reviving a deleted one; version + 1).
    fn put_record(
        &mut self,
        entity: SyncEntity,
        entity_id: Uuid,
        agency_id: Uuid,
        payload: &serde_json::Value,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;

    /// Marks a record deleted, creating the marker with `payload` when it is new (version + 1).
    fn delete_record(
        &mut self,
        entity: SyncEntity,
        entity_id: Uuid,
        agency_id: Uuid,
        payload: &serde_json::Value,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;

    // --- the public page's feedback ---

    /// Stores an activation pushed at hand-over; a code already stored is left as it is.
    fn add_activation(&mut self, a: &crate::store::electronic::NewActivation<'_>) -> StoreResult<()>;

    /// The activation with this code's SHA-256.
    fn activation(&mut self, code_sha256: &str) -> StoreResult<Option<crate::store::electronic::Activation>>;

    /// Counts one more wrong attempt with this code.
    fn fail_activation(&mut self, code_sha256: &str) -> StoreResult<()>;

    /// Marks the code used and keeps the SHA-256 of the phone's secret.
    fn activate(&mut self, code_sha256: &str, token_sha256: &str, now: DateTime<Utc>) -> StoreResult<()>;

    /// The activated electronic card whose phone secret has this SHA-256.
    fn electronic_card(&mut self, token_sha256: &str) -> StoreResult<Option<crate::store::electronic::Activation>>;

    /// The worker and agency of the certificate `code` when `card_version` is its current
    /// card and it is not revoked.
    fn current_card(&mut self, code: &str, card_version: u16) -> StoreResult<Option<(Uuid, Uuid)>>;

    /// Whether a submission of this kind was stored with this page-token nonce.
    fn feedback_token_used(&mut self, kind: FeedbackKind, token_nonce: &str) -> StoreResult<bool>;

    /// Blanks where submissions of a kind made at or before `before` came from (their device
    /// and network hashes).
    fn forget_feedback_sources(&mut self, kind: FeedbackKind, before: DateTime<Utc>) -> StoreResult<()>;

    /// Submissions of a kind for a certificate after `since`, from whom `from` says.
    fn count_feedback(
        &mut self,
        kind: FeedbackKind,
        code: &str,
        from: FeedbackFrom<'_>,
        since: DateTime<Utc>,
    ) -> StoreResult<u32>;

    /// Stores a submission for the worker and agency of its certificate, with its device and
    /// network as the keyed hashes `sources` (device, network).
    fn add_feedback(
        &mut self,
        submission: &FeedbackSubmission,
        worker_id: Uuid,
        agency_id: Uuid,
        sources: (&str, &str),
    ) -> StoreResult<()>;

    /// The secret for `day` (`YYYY-MM-DD`), stored as `fresh` if the day has none yet.
    fn feedback_key(&mut self, day: &str, fresh: &str) -> StoreResult<String>;

    /// The secret for `day`, if there is one.
    fn existing_feedback_key(&mut self, day: &str) -> StoreResult<Option<String>>;

    /// Deletes the secrets of days before `day`.
    fn drop_feedback_keys_before(&mut self, day: &str) -> StoreResult<()>;

    /// Marks a stored rating held for moderation.
    fn hold_rating(&mut self, id: Uuid) -> StoreResult<()>;

    /// A rating held for moderation.
    fn held_rating(&mut self, id: Uuid) -> StoreResult<Option<crate::store::public::HeldRating>>;

    /// Releases a held rating (it counts from now on).
    fn release_rating(&mut self, id: Uuid) -> StoreResult<()>;

    /// Deletes a held rating.
    fn discard_rating(&mut self, id: Uuid) -> StoreResult<()>;

    // --- signing keys ---

    /// The current key: the newest one neither retired nor withdrawn.
    fn current_key(&mut self) -> StoreResult<Option<(u16, crate::keys::PlatformKey)>>;

    /// Keys neither retired nor withdrawn.
    fn live_keys(&mut self) -> StoreResult<Vec<TrustedKey>>;

    /// The id the next key gets (ids are never reused).
    fn next_key_id(&mut self) -> StoreResult<u16>;

    /// Stores a key with its public form.
    fn add_key(&mut self, key: &TrustedKey, secret: &crate::keys::PlatformKey) -> StoreResult<()>;

    /// Sets a key's last day and destroys its private part (issue 11 item 3).
    fn retire_key(&mut self, key_id: u16, not_after: NaiveDate) -> StoreResult<()>;

    /// Withdraws a key that is not withdrawn yet (its last day becomes `not_after` unless it
    /// had one) and destroys its private part; false if unknown or already withdrawn.
    fn withdraw_key(
        &mut self,
        key_id: u16,
        not_after: NaiveDate,
        now: DateTime<Utc>,
    ) -> StoreResult<bool>;

    // --- roster filings (名册备案) ---

    /// Who holds a certificate code (revoked or not), with the worker's name and ID number as
    /// the platform holds them.
    fn certificate_holder(&mut self, code: &str) -> StoreResult<Option<CertificateHolder>>;

    /// A filing's signed receipt (its JSON as stored), by number or by the desk's filing id.
    fn filing_receipt(&mut self, key: FilingKey<'_>) -> StoreResult<Option<String>>;

    /// The receipts of an agency's filings (of every agency when `None`), oldest first.
    fn filing_receipts(&mut self, agency_id: Option<Uuid>) -> StoreResult<Vec<String>>;

    /// A filing's canonical rows (JSON), by number.
    fn filing_roster(&mut self, number: &str) -> StoreResult<Option<String>>;

    /// The number the next filing gets (one more than the last; taken inside the writing
    /// transaction, which runs alone).
    fn next_filing_seq(&mut self) -> StoreResult<i64>;

    /// Stores a filing; it is never changed afterwards.
    fn add_filing(&mut self, filing: &NewFiling<'_>) -> StoreResult<()>;

    // --- complaint coordination (投诉协调) ---

    /// A complaint by id.
    fn complaint(&mut self, id: Uuid) -> StoreResult<Option<ComplaintRow>>;

    /// The complaints `filter` names, oldest first (at most 500).
    fn complaints(&mut self, filter: ComplaintFilter) -> StoreResult<Vec<ComplaintRow>>;

    /// A complaint's history after it was filed, oldest first.
    fn complaint_events(&mut self, id: Uuid) -> StoreResult<Vec<ComplaintEvent>>;

    /// Records an event of a complaint and moves the complaint to the state after it.
    fn add_complaint_event(&mut self, event: &ComplaintEvent) -> StoreResult<()>;
}

use crate::store::complaints::{ComplaintEvent, ComplaintFilter, ComplaintRow};

/// Who holds a certificate code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateHolder {
    /// The worker.
    pub worker_id: Uuid,
    /// The agency responsible for the certificate.
    pub agency_id: Uuid,
    /// The worker's name as the platform holds it.
    pub name: String,
    /// The worker's canonical ID number.
    pub id_number: String,
}

/// How a filing is looked up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilingKey<'a> {
    /// By its number (备案号).
    Number(&'a str),
    /// By the id the desk gave it.
    FilingId(Uuid),
}

/// A filing to store.
#[derive(Debug, Clone, Copy)]
pub struct NewFiling<'a> {
    /// Its place in the numbering.
    pub seq: i64,
    /// The signed receipt (its fields fill the columns).
    pub receipt: &'a certdesk_protocol::roster::FilingReceipt,
    /// The receipt's JSON, exactly as the desk gets it.
    pub receipt_json: &'a str,
    /// The device that filed.
    pub device_id: Uuid,
    /// The canonical rows (JSON).
    pub roster: &'a str,
}

/// A store that runs transactions over [`Tx`].
pub trait Repo {
    /// Runs `f` in one transaction: committed when it returns `Ok`, rolled back when it returns
    /// an error. Object-safe form; call [`RepoExt::transaction`] for a result.
    fn run_transaction(
        &self,
        f: &mut dyn FnMut(&mut dyn Tx) -> StoreResult<()>,
    ) -> StoreResult<()>;
}

/// [`Repo::run_transaction`] with a result, for every repository (trait objects included).
pub trait RepoExt: Repo {
    /// Runs `f` in one transaction and hands back its result.
    fn transaction<T>(&self, f: impl FnOnce(&mut dyn Tx) -> StoreResult<T>) -> StoreResult<T> {
        let mut f = Some(f);
        let mut out = None;
        self.run_transaction(&mut |tx| {
            let f = f.take().expect("a transaction runs its closure once");
            out = Some(f(tx)?);
            Ok(())
        })?;
        Ok(out.expect("a committed transaction ran its closure"))
    }
}

impl<R: Repo + ?Sized> RepoExt for R {}

/// A boxed store (`Box<dyn Store>`) is a repository too.
impl<R: Repo + ?Sized> Repo for Box<R> {
    fn run_transaction(
        &self,
        f: &mut dyn FnMut(&mut dyn Tx) -> StoreResult<()>,
    ) -> StoreResult<()> {
        (**self).run_transaction(f)
    }
}
