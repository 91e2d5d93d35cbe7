//! The sync itself: enrol a desk with a platform, then push the outbox (photos first) and pull
//! the platform's changes.
//!
//! The guarantees come from the order of writes, not from luck: nothing is marked pushed
//! before the platform answered for it, a pulled batch and its cursor commit together, and the
//! platform takes each entry once per device and entry id. So a sync killed at any instant is
//! finished by the next one, without loss and without duplicates. This module never writes SQL
//! itself (the store does) and never logs the device secret.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use certdesk_protocol::sync::{EnrolRequest, OutboxEntry, PushRequest};
use certdesk_store::{Desk, DeviceRecord, PullTally, PushTally, SessionUser};
use serde::Serialize;
use uuid::Uuid;

use crate::client::{normalise_platform_url, PlatformClient, RetryPolicy};
use crate::secret::{self, SecretPreference, SecretStore};
use crate::messages;
use crate::SyncError;
use certdesk_store::DeskCode;

/// Tuning of one sync.
#[derive(Debug, Clone)]
pub struct SyncOptions {
    /// Outbox entries per push (the platform takes at most 500).
    pub batch_size: usize,
    /// Changes asked for per pull.
    pub pull_limit: u32,
    /// Retries of each call.
    pub retry: RetryPolicy,
    /// Time allowed for one request, answer included.
    pub request_timeout: Duration,
    /// Told where the sync stands after each pushed batch and each applied page.
    pub progress: Option<ProgressSink>,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions { batch_size: 200, pull_limit: 500, retry: RetryPolicy::default(), request_timeout: Duration::from_secs(60), progress: None }
    }
}

/// Where a sync stands, for a progress display: a new PC restoring its agency's records, or a
/// desk sending a day of work after a week offline.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SyncProgress {
    /// Outbox entries sent so far.
    pub pushed: u64,
    /// Entries to send in this sync (those waiting when it began).
    pub push_total: u64,
    /// Changes pulled and applied so far.
    pub pulled: u64,
    /// Those plus the changes the platform says still wait (as far as known: an older platform
    /// does not say, and the figure grows as other desks work meanwhile).
    pub pull_total: u64,
    /// Photos and reports fetched so far.
    pub files: u64,
}

/// Receives [`SyncProgress`] after each pushed batch and each applied page of a sync.
#[derive(Clone)]
pub struct ProgressSink(Arc<dyn Fn(&SyncProgress) + Send + Sync>);

impl ProgressSink {
    /// A sink calling `f`.
    pub fn new(f: impl Fn(&SyncProgress) + Send + Sync + 'static) -> Self {
        ProgressSink(Arc::new(f))
    }

    fn tell(&self, p: &SyncProgress) {
        (self.0)(p)
    }
}

impl std::fmt::Debug for ProgressSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ProgressSink")
    }
}

/// What one sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SyncReport {
    /// The platform's answers to the pushed entries.
    pub pushed: PushTally,
    /// Push requests made.
    pub batches: u64,
    /// Blobs uploaded: photos and health check reports (not counting those the platform
    /// already held).
    pub photos_uploaded: u64,
    /// Blobs another desk of the agency uploaded, fetched from the platform: workers' photos
    /// and health check reports.
    pub files_fetched: u64,
    /// Blobs fetched that were refused (not the file their name says, not a desk's photo, not a
    /// report the desk would take); their records are kept without them.
    pub files_refused: u64,
    /// What the pulled changes were.
    pub pulled: PullTally,
    /// The pull cursor afterwards.
    pub cursor: i64,
    /// Entries still waiting (0 after a complete sync, unless the clerk saved meanwhile).
    pub pending: u64,
}

/// What the clerk gives to enrol a desk.
#[derive(Debug, Clone)]
pub struct EnrolParams {
    /// The platform's base URL (`https://...`).
    pub platform_url: String,
    /// The one-time enrolment code from the operator.
    pub code: String,
    /// The platform's CA certificate (PEM text), or `None` to trust the system roots.
    pub ca_pem: Option<String>,
    /// A name the operator will recognise, e.g. "前台1号机".
    pub device_name: String,
    /// Where to keep the secret.
    pub secret: SecretPreference,
}

/// The result of an enrolment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Enrolment {
    /// The device's id on the platform.
    pub device_id: String,
    /// The agency the desk now acts for.
    pub agency_name: String,
    /// The platform.
    pub platform_url: String,
    /// Where the secret was kept: `keyring` or `file`.
    pub secret_store: SecretStore,
    /// The agency's credit code in the platform's register (absent from older platforms).
    pub agency_credit_code: Option<String>,
    /// The agency's district in the platform's register (absent from older platforms).
    pub agency_district: Option<String>,
}

/// What joining an agency did (issue 10 item 4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct JoinReport {
    /// The enrolment, when this call enrolled the desk (a retry after a dropped sync finds it
    /// enrolled already).
    pub enrolment: Option<Enrolment>,
    /// The first sync: the agency's accounts, workers and training records restored.
    pub sync: SyncReport,
    /// Accounts this desk holds now. None means the agency's other desks have not announced
    /// theirs to the platform yet (a sync there first): nobody can sign in here until then.
    pub accounts: u64,
    /// What the platform's register said otherwise than the profile typed (the name, credit code
    /// or district): the desk keeps the register's, and the clerk is told.
    pub corrected: Vec<ProfileCorrection>,
}

/// One field of the agency profile a joining PC took from the platform's register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProfileCorrection {
    /// `name`, `credit_code` or `district`.
    pub field: String,
    /// As typed.
    pub typed: String,
    /// As registered, now kept.
    pub registered: String,
}

/// Takes the register's name, credit code and district into the profile a joining PC typed,
/// field by field; a registered value the desk's own rules refuse (an older register's district
/// spelling) leaves the typed one.
fn take_registered_profile(desk: &mut Desk, e: &Enrolment) -> Result<Vec<ProfileCorrection>, SyncError> {
    let mut corrected = Vec::new();
    let registered = [("name", Some(&e.agency_name)), ("credit_code", e.agency_credit_code.as_ref()), ("district", e.agency_district.as_ref())];
    for (field, value) in registered {
        let Some(value) = value else { continue };
        let Some(mut profile) = desk.agency()? else { break };
        let slot = match field {
            "name" => &mut profile.name,
            "credit_code" => &mut profile.credit_code,
            _ => &mut profile.district,
        };
        if slot.trim().eq_ignore_ascii_case(value.trim()) {
            continue;
        }
        let typed = std::mem::replace(slot, value.trim().to_owned());
        if desk.join_agency(&profile).is_ok() {
            corrected.push(ProfileCorrection { field: field.to_owned(), typed, registered: value.trim().to_owned() });
        }
    }
    Ok(corrected)
}

/// A new or replaced PC of an agency that already uses certdesk joins it (issue 10 item 4):
/// the agency profile is kept without a manager of its own ([`Desk::join_agency`], refused on
/// a desk that holds an account), with the name, credit code and district the platform's
/// register gives for the code's agency, the desk is enrolled with the one-time code, and the
/// first sync restores the agency's accounts, workers with their photos and training records.
///
/// Run again after a dropped network, it goes on where the sync stopped (the pull's cursor is
/// kept with each page): a desk an earlier attempt enrolled keeps its profile and enrolment as
/// they are, even once the accounts the first pages brought are on it.
pub async fn join(desk: &mut Desk, agency: &certdesk_store::Agency, params: &EnrolParams, opts: &SyncOptions) -> Result<JoinReport, SyncError> {
    let enrolment = match desk.sync_device()? {
        Some(_) => None,
        None => {
            desk.join_agency(agency)?;
            Some(enrol(desk, None, params).await?)
        }
    };
    let corrected = match &enrolment {
        Some(e) => take_registered_profile(desk, e)?,
        None => Vec::new(),
    };
    let report = sync(desk, opts).await?;
    let accounts = desk.list_users()?.len() as u64;
    Ok(JoinReport { enrolment, sync: report, accounts, corrected })
}

/// [`join`] for callers without an async runtime. Must not be called from inside an async task.
pub fn join_blocking(desk: &mut Desk, agency: &certdesk_store::Agency, params: &EnrolParams, opts: &SyncOptions) -> Result<JoinReport, SyncError> {
    runtime()?.block_on(join(desk, agency, params, opts))
}

/// Enrols this desk with a platform using a one-time code: the device secret goes to the
/// keyring (or the 0600 file), the enrolment row to the store. A desk enrolled before is
/// re-enrolled (e.g. after its credential was revoked) and the old secret forgotten. The
/// enrolment is audited against `by` (no user: an unattended enrolment); who may enrol (a
/// manager) is `certdesk-core`'s check.
pub async fn enrol(desk: &mut Desk, by: Option<&SessionUser>, params: &EnrolParams) -> Result<Enrolment, SyncError> {
    let platform_url = normalise_platform_url(&params.platform_url)?;
    if let Some(pem) = &params.ca_pem {
        if !pem.contains("-----BEGIN CERTIFICATE-----") {
            return Err(SyncError::Config { code: DeskCode::PlatformCaInvalid, message: messages::platform_ca_not_pem() });
        }
    }
    let code = params.code.trim();
    if code.is_empty() {
        return Err(SyncError::Config { code: DeskCode::EnrolmentCodeInvalid, message: messages::enrolment_code_missing() });
    }
    let client = PlatformClient::new(&platform_url, params.ca_pem.as_deref(), Duration::from_secs(30), RetryPolicy::default())?;
    let answer = client.enrol(&EnrolRequest { code: code.to_owned(), device_name: params.device_name.clone() }).await?;
    let old = desk.sync_device()?;
    // The secret first: an enrolment row must never exist without its secret.
    let store = secret::store(desk.data_dir(), answer.device_id, &answer.device_secret, params.secret)?;
    desk.save_sync_device(by, &DeviceRecord {
        platform_url: platform_url.clone(),
        device_id: answer.device_id.to_string(),
        device_name: params.device_name.clone(),
        agency_id: answer.agency_id.to_string(),
        agency_name: answer.agency_name.clone(),
        ca_pem: params.ca_pem.clone(),
        secret_store: store.code().to_owned(),
        // Set by the store from its clock.
        enrolled_at: String::new(),
    })?;
    if let Some(old) = old {
        if let Ok(old_id) = Uuid::parse_str(&old.device_id) {
            if old_id != answer.device_id && !(old.secret_store == "file" && store == SecretStore::File) {
                secret::forget(desk.data_dir(), old_id, &old.secret_store);
            }
        }
    }
    tracing::info!(device_id = %answer.device_id, secret_store = store.code(), "desk enrolled");
    Ok(Enrolment {
        device_id: answer.device_id.to_string(),
        agency_name: answer.agency_name,
        platform_url,
        secret_store: store,
        agency_credit_code: answer.agency_credit_code,
        agency_district: answer.agency_district,
    })
}

/// The desk's outbox entry in the protocol's shape.
pub fn to_protocol(agency_id: &str, e: &certdesk_store::OutboxEntry) -> Result<OutboxEntry, SyncError> {
    let uuid = |s: &str, what: &str| {
        Uuid::parse_str(s).map_err(|_| SyncError::Desk(certdesk_store::DeskError::internal(format!("outbox {what} {s:?} is not a UUID"))))
    };
    Ok(OutboxEntry {
        seq: e.seq,
        id: uuid(&e.id, "id")?,
        entity: e.entity,
        entity_id: Uuid::parse_str(&e.entity_id).unwrap_or_else(|_| record_uuid(agency_id, e.entity.as_str(), &e.entity_id)),
        op: e.op,
        payload: e.payload.clone(),
    })
}

pub use certdesk_protocol::sync::record_uuid;

/// A client for the enrolled device.
fn device_client(desk: &Desk, opts: &SyncOptions) -> Result<(PlatformClient, Uuid), SyncError> {
    let device = desk.sync_device()?.ok_or(SyncError::NotEnrolled)?;
    let device_id =
        Uuid::parse_str(&device.device_id).map_err(|_| SyncError::Secret("the stored device id is not a UUID".into()))?;
    let secret = secret::load(desk.data_dir(), device_id, &device.secret_store)?;
    let client = PlatformClient::new(&device.platform_url, device.ca_pem.as_deref(), opts.request_timeout, opts.retry.clone())?
        .with_device(device_id, &secret)?;
    Ok((client, device_id))
}

/// One sync: push everything pending, then pull everything new. The outcome (success, or the
/// error's code and sentences) is recorded for the sync indicator.
pub async fn sync(desk: &mut Desk, opts: &SyncOptions) -> Result<SyncReport, SyncError> {
    let result = run(desk, opts).await;
    match &result {
        Ok(_) => desk.record_sync_success()?,
        Err(e) => {
            let shown = e.to_desk_error();
            if let Some(detail) = &shown.detail {
                tracing::warn!(code = %shown.code, %detail, "sync failed");
            }
            // Recording the failure must not hide it.
            let _ = desk.record_sync_failure(shown.code.as_str(), &shown.message_zh, &shown.message_en);
        }
    }
    result
}

async fn run(desk: &mut Desk, opts: &SyncOptions) -> Result<SyncReport, SyncError> {
    let (client, device_id) = device_client(desk, opts)?;
    let agency_id = desk.sync_device()?.map(|d| d.agency_id).unwrap_or_default();
    let mut report = SyncReport::default();
    let batch_size = opts.batch_size.clamp(1, 500);
    let mut progress = SyncProgress { push_total: desk.pending_outbox_count()?, ..SyncProgress::default() };
    let tell = |p: &SyncProgress| {
        if let Some(sink) = &opts.progress {
            sink.tell(p);
        }
    };
    loop {
        let batch = desk.pending_sync_entries(batch_size)?;
        if batch.is_empty() {
            break;
        }
        // Parents before children: the photos a worker record names reach the platform before
        // the record does.
        report.photos_uploaded += upload_blobs(desk, &client, &batch).await?;
        let entries = batch.iter().map(|e| to_protocol(&agency_id, e)).collect::<Result<Vec<_>, _>>()?;
        let answer = client.push(&PushRequest { device_id, entries: entries.clone() }).await?;
        let in_order = answer.results.len() == entries.len()
            && answer.results.iter().zip(&entries).all(|(r, e)| r.id == e.id && r.seq == e.seq);
        if !in_order {
            return Err(SyncError::Protocol(format!(
                "{} results for {} entries, or not in request order",
                answer.results.len(),
                entries.len()
            )));
        }
        report.pushed.add(&desk.record_push_results(&answer.results)?);
        report.batches += 1;
        progress.pushed += entries.len() as u64;
        // Entries the clerk saved meanwhile are sent too.
        progress.push_total = progress.push_total.max(progress.pushed);
        tell(&progress);
    }
    // A desk must be able to verify cards from its first sync on, but the platform only
    // announces a key in its change log once the key exists; asking for the list makes sure
    // of both (the pull below then also carries the key).
    if desk.trust_list()?.keys.is_empty() {
        let list = client.trust_list().await?;
        desk.merge_trust_keys(&list.keys)?;
    }
    loop {
        let since = desk.sync_cursor()?;
        let answer = client.pull(since, opts.pull_limit.max(1)).await?;
        if answer.has_more && answer.next_cursor <= since {
            return Err(SyncError::Protocol(format!("pull since {since} promised more but did not advance")));
        }
        fetch_relayed_blobs(desk, &client, &answer.changes, &mut report).await?;
        report.pulled.add(&desk.apply_pulled(&answer.changes, answer.next_cursor, !answer.has_more)?);
        progress.pulled += answer.changes.len() as u64;
        progress.pull_total = progress.pulled + answer.remaining;
        progress.files = report.files_fetched;
        tell(&progress);
        if !answer.has_more {
            break;
        }
    }
    report.cursor = desk.sync_cursor()?;
    report.pending = desk.pending_outbox_count()?;
    Ok(report)
}

/// The blob an outbox entry names, if any: a worker record's photo, a health check's report.
fn named_blob(e: &certdesk_store::OutboxEntry) -> Option<&str> {
    use certdesk_protocol::sync::SyncEntity;
    let field = match e.entity {
        SyncEntity::Worker => "photo_sha256",
        SyncEntity::HealthCheck => "report_sha256",
        _ => return None,
    };
    e.payload.get(field).and_then(|v| v.as_str())
}

/// Uploads the blobs the batch's records name (workers' photos, health checks' reports) and
/// the platform lacks: HEAD first, then a resumable chunked upload only when missing (a cut
/// upload continues where it stopped). Returns how many were uploaded.
async fn upload_blobs(desk: &mut Desk, client: &PlatformClient, batch: &[certdesk_store::OutboxEntry]) -> Result<u64, SyncError> {
    let mut seen = HashSet::new();
    let mut uploaded = 0;
    for sha in batch.iter().filter_map(named_blob) {
        if !seen.insert(sha.to_owned()) || desk.blob_uploaded(sha)? {
            continue;
        }
        if !client.blob_exists(sha).await? {
            let Some(bytes) = desk.blob(sha)? else {
                // A record naming a file this desk no longer has: the record still goes; the
                // platform shows no photo (or no report).
                tracing::warn!(sha256 = sha, "blob named by a record is missing locally");
                continue;
            };
            client.upload_blob(sha, &bytes, certdesk_protocol::blob::UPLOAD_CHUNK_BYTES).await?;
            uploaded += 1;
        }
        desk.mark_blob_uploaded(sha)?;
    }
    Ok(uploaded)
}

/// Fetches the blobs the page's relayed records name and this desk lacks (a worker's photo, a
/// health check's report), before the page is applied (parents before children, as on the way
/// up). A blob the platform does not hold is left out; one that is not what its name says is
/// refused and counted.
async fn fetch_relayed_blobs(desk: &mut Desk, client: &PlatformClient, changes: &[certdesk_protocol::sync::Change], report: &mut SyncReport) -> Result<(), SyncError> {
    use certdesk_protocol::sync::{ChangeBody, SyncEntity};
    let mut seen = HashSet::new();
    for change in changes {
        let ChangeBody::AgencyRecord { entity, payload, .. } = &change.body else {
            continue;
        };
        let field = match entity {
            SyncEntity::Worker => "photo_sha256",
            SyncEntity::HealthCheck => "report_sha256",
            _ => continue,
        };
        let Some(sha) = payload.get(field).and_then(|v| v.as_str()) else {
            continue;
        };
        if !certdesk_protocol::blob::is_blob_name(sha) || !seen.insert(sha.to_owned()) || desk.holds_blob(sha)? {
            continue;
        }
        let Some(bytes) = client.get_blob(sha).await? else {
            tracing::warn!(sha256 = sha, entity = entity.code(), "a relayed record's file is not on the platform");
            continue;
        };
        let kept = match entity {
            SyncEntity::Worker => desk.keep_relayed_photo(sha, &bytes)?,
            _ => desk.keep_relayed_report(sha, &bytes)?,
        };
        if kept {
            report.files_fetched += 1;
        } else {
            tracing::warn!(sha256 = sha, entity = entity.code(), "a relayed record's file was refused");
            report.files_refused += 1;
        }
    }
    Ok(())
}

fn runtime() -> Result<tokio::runtime::Runtime, SyncError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| SyncError::Network(format!("cannot start the network runtime: {e}")))
}

/// [`sync`] for callers without an async runtime (the CLI, a Tauri command run on a blocking
/// thread). Must not be called from inside an async task.
pub fn sync_blocking(desk: &mut Desk, opts: &SyncOptions) -> Result<SyncReport, SyncError> {
    runtime()?.block_on(sync(desk, opts))
}

/// Files the roster for `[from, to]` (名册备案, correcting `replaces`): syncs first, so the
/// platform holds the training records the rows state; prepares the filing (kept before it is
/// sent, so a lost answer is sent again under the same id and filed once); sends it; keeps the
/// platform's receipt once it verifies against the trust list and is for exactly the rows sent.
pub async fn file_roster(
    desk: &mut Desk,
    by: &SessionUser,
    period: (chrono::NaiveDate, chrono::NaiveDate),
    replaces: Option<&str>,
    opts: &SyncOptions,
) -> Result<certdesk_store::KeptFiling, SyncError> {
    sync(desk, opts).await?;
    let filing = desk.prepare_filing(by, period.0, period.1, replaces)?;
    let (client, _) = device_client(desk, opts)?;
    let receipt = match client.file_roster(&filing).await {
        Ok(receipt) => receipt,
        Err(refused @ SyncError::Refused { status: 400..=499, .. }) => {
            // The platform said no and filed nothing: nothing waits to be sent again.
            desk.forget_unanswered_filing(&filing.filing_id.to_string())?;
            return Err(refused);
        }
        Err(other) => return Err(other),
    };
    // The platform's first key may have been made for this very receipt.
    if !desk.trust_list()?.keys.iter().any(|k| k.key_id == receipt.body.key_id) {
        desk.merge_trust_keys(&client.trust_list().await?.keys)?;
    }
    Ok(desk.keep_receipt(&receipt)?)
}

/// [`file_roster`] for callers without an async runtime.
pub fn file_roster_blocking(
    desk: &mut Desk,
    by: &SessionUser,
    period: (chrono::NaiveDate, chrono::NaiveDate),
    replaces: Option<&str>,
    opts: &SyncOptions,
) -> Result<certdesk_store::KeptFiling, SyncError> {
    runtime()?.block_on(file_roster(desk, by, period, replaces, opts))
}

/// [`enrol`] for callers without an async runtime.
pub fn enrol_blocking(desk: &mut Desk, by: Option<&SessionUser>, params: &EnrolParams) -> Result<Enrolment, SyncError> {
    runtime()?.block_on(enrol(desk, by, params))
}

/// Where this desk asks for newer releases of itself (signed updates, issue 15 item 2): the
/// platform it is enrolled with, trusted and authenticated exactly as the sync is.
#[derive(Debug, Clone)]
pub struct UpdateSource {
    /// The release route with the updater's `{{target}}`, `{{arch}}`, `{{bundle_type}}` and
    /// `{{current_version}}` left for it to fill.
    pub endpoint: String,
    /// The platform's CA (PEM), when the desk was enrolled with one.
    pub ca_pem: Option<String>,
    /// The device's `Authorization` header value (a secret: never logged).
    pub authorization: String,
}

/// The enrolled device's update source; [`SyncError::NotEnrolled`] before enrolment.
pub fn update_source(desk: &Desk) -> Result<UpdateSource, SyncError> {
    let device = desk.sync_device()?.ok_or(SyncError::NotEnrolled)?;
    let device_id =
        Uuid::parse_str(&device.device_id).map_err(|_| SyncError::Secret("the stored device id is not a UUID".into()))?;
    let secret = secret::load(desk.data_dir(), device_id, &device.secret_store)?;
    let base = normalise_platform_url(&device.platform_url)?;
    Ok(UpdateSource {
        endpoint: format!(
            "{base}{}{}/{{{{target}}}}/{{{{arch}}}}/{{{{bundle_type}}}}/{{{{current_version}}}}",
            certdesk_protocol::API_PREFIX,
            certdesk_protocol::release::DESK_RELEASES_PATH
        ),
        ca_pem: device.ca_pem,
        authorization: certdesk_protocol::sync::device_authorization(device_id, &secret),
    })
}
