//! [`Tx`](crate::store::repo::Tx) on PostgreSQL: the transaction's rows for receipts and the
//! change log, workers and applications, certificates, the agencies' training records and the
//! signing keys. The trait's impl (delegating each method to this module, [`super::operators`]
//! or [`super::public`]) is at the end. Nothing here decides a rule; the flows do.
//!
//! Each function is the statement of its SQLite twin (`store/sqlite/rows.rs`) in PostgreSQL's
//! types. What differs is what several instances on one database at read committed need and
//! SQLite (one writer at a time) gets for free, each said where it is: the change log's
//! append lock, the one-claim index under a savepoint, and the row or advisory locks of reads
//! the flows decide from before they write.

use certdesk_domain::WorkerStatus;
use certdesk_protocol::sync::{ChangeBody, EntryOutcome, SyncEntity};
use certdesk_protocol::TrustedKey;
use chrono::{DateTime, NaiveDate, Utc};
use postgres::types::ToSql;
use uuid::Uuid;

use super::{Advisory, PgTx};
use crate::store::columns::{algorithm_of, fits, status_of};
use crate::store::operators::{OperatorAccount, OperatorSession};
use crate::store::public::{FeedbackFrom, FeedbackKind, FeedbackSubmission};
use crate::store::repo::{
    ApplicationDecision, ApplicationKind, EnrolmentCode, LiveCertificate, NewCard, NewCertificate, PendingApplication, Receipt,
    RecordLink, StoredWorker, WorkerRow, WorkerWrite,
};
use crate::store::{Agency, Device, StoreError, StoreResult};
use crate::store::columns::{application_kind_of, application_status};
use crate::store::complaints::{ComplaintEvent, ComplaintFilter, ComplaintRow};

/// The name of the schema's one-claim-per-person index (migration `init`).
const ONE_CLAIM_INDEX: &str = "workers_one_claim_per_person";

/// The transaction-level advisory lock every append to the change log holds until its
/// transaction ends (any constant; the same in every instance). `changes.seq` is an identity,
/// handed out at insert but visible only at commit: without the lock a later number could
/// commit first, and a desk that pulled past it would never see the earlier one.
const CHANGES_LOCK: i64 = 0x6365_7274_6368_6e67; // "certchng"

/// The transaction-level advisory lock around reading the signing keys to change them (first
/// key, rotation, withdrawal): the flows read the live keys, then retire them and number a new
/// one, and two instances doing so at once would both publish a key.
const KEYS_LOCK: i64 = 0x6365_7274_6b65_7973; // "certkeys"

fn json<T: serde::Serialize>(value: &T) -> StoreResult<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// An id as sent, as a uuid column can be asked for it. SQLite keeps ids as their canonical
/// text and compares text, so only that form (lowercase, hyphenated) names a row there; any
/// other spelling names none here either.
fn sent_id(sent: &str) -> Option<Uuid> {
    Uuid::parse_str(sent).ok().filter(|u| u.to_string() == sent)
}

/// The worker record's `service_types` as JSON text (what SQLite's
/// `json_extract(w.record, '$.service_types')` gives for an array): `json`, not `jsonb`, keeps
/// the stored text as it is; absent or `null` is NULL.
const RECORD_SERVICE_TYPES: &str = "NULLIF((w.record::json -> 'service_types')::text, 'null')";

pub(super) fn receipt(t: &mut PgTx<'_, '_>, device_id: Uuid, entry_id: Uuid) -> StoreResult<Option<Receipt>> {
    // The push reads the receipt, applies the entry, then stores the receipt: a batch retried
    // while the first is still running must wait for it and find its receipts, not apply the
    // entries twice. One lock per device (held to the end of the transaction) serialises a
    // device's pushes; a desk pushes one batch at a time anyway.
    t.lock(Advisory::Named(&format!("certdesk receipts {device_id}")))?;
    let row = t.query_opt(
        "SELECT payload_hash, outcome FROM receipts WHERE device_id = $1 AND entry_id = $2",
        &[&device_id, &entry_id],
    )?;
    Ok(row.map(|r| Receipt { payload_hash: r.get(0), outcome: serde_json::from_str(r.get::<_, &str>(1)).ok() }))
}

pub(super) fn add_receipt(
    t: &mut PgTx<'_, '_>,
    device_id: Uuid,
    entry_id: Uuid,
    seq: i64,
    payload_hash: &str,
    outcome: &EntryOutcome,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    t.execute(
        "INSERT INTO receipts (device_id, entry_id, seq, payload_hash, outcome, received_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
        &[&device_id, &entry_id, &seq, &payload_hash, &json(outcome)?, &now],
    )?;
    Ok(())
}

pub(super) fn add_change(t: &mut PgTx<'_, '_>, agency_id: Option<Uuid>, body: &ChangeBody, now: DateTime<Utc>) -> StoreResult<()> {
    // Held until commit (see CHANGES_LOCK): change numbers become visible in the order given.
    t.lock(Advisory::Id(CHANGES_LOCK))?;
    t.execute(
        "INSERT INTO changes (agency_id, body, created_at) VALUES ($1, $2, $3)",
        &[&agency_id, &json(body)?, &now],
    )?;
    Ok(())
}

pub(super) fn worker(t: &mut PgTx<'_, '_>, id: Uuid) -> StoreResult<Option<StoredWorker>> {
    // Locked until the transaction ends: the flows decide from its status and version (cancel,
    // reissue, approve as seen) and then write it, and another instance must not move it in
    // between (SQLite has one writer at a time).
    let row = t.query_opt("SELECT agency_id, id_number, status, version, name FROM workers WHERE id = $1 FOR UPDATE", &[&id])?;
    row.map(|r| {
        Ok(StoredWorker { agency_id: r.get(0), id_number: r.get(1), status: status_of(r.get(2))?, version: r.get(3), name: r.get(4) })
    })
    .transpose()
}

pub(super) fn worker_in_agency(t: &mut PgTx<'_, '_>, id: &str, agency_id: Uuid) -> StoreResult<bool> {
    let Some(id) = sent_id(id) else { return Ok(false) };
    Ok(t.query_opt("SELECT 1 FROM workers WHERE id = $1 AND agency_id = $2", &[&id, &agency_id])?.is_some())
}

pub(super) fn other_workers_of_person(t: &mut PgTx<'_, '_>, id_number: &str, except: Uuid, statuses: &[WorkerStatus]) -> StoreResult<Vec<Uuid>> {
    let codes: Vec<&str> = statuses.iter().map(|s| s.code()).collect();
    let rows = t.query(
        "SELECT agency_id FROM workers WHERE id_number = $1 AND id <> $2 AND status = ANY($3)",
        &[&id_number, &except, &codes],
    )?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

pub(super) fn agency_worker_of_person(t: &mut PgTx<'_, '_>, agency_id: Uuid, id_number: &str, except: Uuid) -> StoreResult<Option<Uuid>> {
    let row = t.query_opt(
        "SELECT id FROM workers WHERE id_number = $1 AND agency_id = $2 AND id <> $3 ORDER BY id LIMIT 1",
        &[&id_number, &agency_id, &except],
    )?;
    Ok(row.map(|r| r.get(0)))
}

pub(super) fn worker_alias(t: &mut PgTx<'_, '_>, alias: &str, agency_id: Uuid) -> StoreResult<Option<Uuid>> {
    let Some(alias) = sent_id(alias) else { return Ok(None) };
    let row = t.query_opt("SELECT worker_id FROM worker_aliases WHERE alias_id = $1 AND agency_id = $2", &[&alias, &agency_id])?;
    Ok(row.map(|r| r.get(0)))
}

pub(super) fn add_worker_alias(t: &mut PgTx<'_, '_>, alias: Uuid, worker_id: Uuid, agency_id: Uuid, now: DateTime<Utc>) -> StoreResult<()> {
    t.execute(
        "INSERT INTO worker_aliases (alias_id, worker_id, agency_id, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (alias_id) DO NOTHING",
        &[&alias, &worker_id, &agency_id, &now],
    )?;
    Ok(())
}

pub(super) fn put_worker(t: &mut PgTx<'_, '_>, row: &WorkerRow<'_>, now: DateTime<Utc>) -> StoreResult<WorkerWrite> {
    // Under a savepoint: the one-claim index refusing the row is an answer, and a PostgreSQL
    // transaction cannot go on after an error unless it is rolled back to before it.
    let mut sp = t.tx.savepoint("put_worker")?;
    let result = sp.execute(
        "INSERT INTO workers (id, agency_id, id_number, name, status, record, version, updated_at, photo_sha256)
         VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8)
         ON CONFLICT (id) DO UPDATE SET id_number = excluded.id_number, name = excluded.name,
           status = excluded.status, record = excluded.record, version = workers.version + 1,
           updated_at = excluded.updated_at, photo_sha256 = excluded.photo_sha256",
        &[
            &row.id,
            &row.agency_id,
            &row.record.id_number.as_str(),
            &row.record.name,
            &row.status.code(),
            &json(row.record)?,
            &now,
            &row.photo_sha256,
        ],
    );
    match result {
        Ok(_) => {
            sp.commit()?;
            Ok(WorkerWrite::Written)
        }
        Err(e) if e.as_db_error().and_then(|d| d.constraint()) == Some(ONE_CLAIM_INDEX) => {
            // Back to before the row; the transaction goes on.
            sp.rollback()?;
            Ok(WorkerWrite::ClaimTaken)
        }
        Err(e) => Err(e.into()),
    }
}

pub(super) fn set_worker_status(t: &mut PgTx<'_, '_>, id: Uuid, status: WorkerStatus, now: DateTime<Utc>) -> StoreResult<()> {
    t.execute(
        "UPDATE workers SET status = $2, version = version + 1, updated_at = $3 WHERE id = $1",
        &[&id, &status.code(), &now],
    )?;
    Ok(())
}

pub(super) fn add_application(t: &mut PgTx<'_, '_>, id: Uuid, worker_id: Uuid, agency_id: Uuid, id_number: &str, kind: ApplicationKind, now: DateTime<Utc>) -> StoreResult<()> {
    t.execute(
        "INSERT INTO applications (id, worker_id, agency_id, id_number, status, applied_at, kind)
         VALUES ($1, $2, $3, $4, 'pending', $5, $6)",
        &[&id, &worker_id, &agency_id, &id_number, &now, &kind.code()],
    )?;
    Ok(())
}

pub(super) fn pending_application(t: &mut PgTx<'_, '_>, id: Uuid) -> StoreResult<Option<PendingApplication>> {
    // The application row is locked until the transaction ends: the decision is taken on it
    // being pending, so a second operator (or a cancellation) waits and then finds it decided.
    let row = t.query_opt(
        "SELECT a.worker_id, a.agency_id, g.district, a.kind FROM applications a JOIN agencies g ON g.id = a.agency_id
         WHERE a.id = $1 AND a.status = 'pending' FOR UPDATE OF a",
        &[&id],
    )?;
    row.map(|r| {
        let kind: &str = r.get(3);
        Ok(PendingApplication {
            kind: application_kind_of(kind)?,
            worker_id: r.get(0),
            agency_id: r.get(1),
            district: r.get(2),
        })
    })
    .transpose()
}

pub(super) fn pending_details_application(t: &mut PgTx<'_, '_>, worker_id: Uuid) -> StoreResult<Option<Uuid>> {
    // The first row, as SQLite's query_row takes it.
    let row = t.query_opt(
        "SELECT id FROM applications WHERE worker_id = $1 AND kind = 'details' AND status = 'pending' LIMIT 1",
        &[&worker_id],
    )?;
    Ok(row.map(|r| r.get(0)))
}

pub(super) fn approved_identity(t: &mut PgTx<'_, '_>, worker_id: Uuid) -> StoreResult<Option<certdesk_domain::PublicIdentity>> {
    let sql = format!(
        "SELECT COALESCE(c.approved_name, w.name),
                CASE WHEN c.approved_name IS NULL THEN w.photo_sha256 ELSE c.approved_photo_sha256 END,
                CASE WHEN c.approved_name IS NULL THEN {RECORD_SERVICE_TYPES} ELSE c.approved_service_types END
         FROM certificates c JOIN workers w ON w.id = c.worker_id
         WHERE c.worker_id = $1 AND c.revoked_at IS NULL LIMIT 1"
    );
    let row = t.query_opt(&sql, &[&worker_id])?;
    row.map(|r| {
        let service_types: Vec<certdesk_domain::ServiceType> = r
            .get::<_, Option<&str>>(2)
            .map(|t| serde_json::from_str(t).map_err(|e| StoreError::Corrupt(format!("approved service types: {e}"))))
            .transpose()?
            .unwrap_or_default();
        Ok(certdesk_domain::PublicIdentity { name: r.get(0), photo_sha256: r.get(1), service_types })
    })
    .transpose()
}

pub(super) fn refresh_approved_identity(t: &mut PgTx<'_, '_>, worker_id: Uuid) -> StoreResult<()> {
    let sql = format!(
        "UPDATE certificates SET approved_name = w.name, approved_photo_sha256 = w.photo_sha256,
           approved_service_types = {RECORD_SERVICE_TYPES}
         FROM workers w WHERE w.id = certificates.worker_id AND certificates.worker_id = $1
           AND certificates.revoked_at IS NULL"
    );
    t.execute(&sql, &[&worker_id])?;
    Ok(())
}

pub(super) fn decide_application(t: &mut PgTx<'_, '_>, id: Uuid, decision: ApplicationDecision<'_>, now: DateTime<Utc>) -> StoreResult<()> {
    let (status, reason) = application_status(decision);
    t.execute(
        "UPDATE applications SET status = $2, decided_at = $3, reason = COALESCE($4, reason) WHERE id = $1",
        &[&id, &status, &now, &reason],
    )?;
    Ok(())
}

pub(super) fn decide_pending_of_worker(t: &mut PgTx<'_, '_>, worker_id: Uuid, decision: ApplicationDecision<'_>, now: DateTime<Utc>) -> StoreResult<()> {
    let (status, reason) = application_status(decision);
    t.execute(
        "UPDATE applications SET status = $2, decided_at = $3, reason = COALESCE($4, reason)
         WHERE worker_id = $1 AND status = 'pending'",
        &[&worker_id, &status, &now, &reason],
    )?;
    Ok(())
}

pub(super) fn next_serial(t: &mut PgTx<'_, '_>, district: u8, year: u16) -> StoreResult<u32> {
    // One statement: the upsert locks the counter's row until the transaction ends, so two
    // instances never hand out the same serial (see the `serials` table).
    let last: i32 = t
        .tx
        .query_one(
            "INSERT INTO serials (district, year, last_serial) VALUES ($1, $2, 1)
             ON CONFLICT (district, year) DO UPDATE SET last_serial = serials.last_serial + 1
             RETURNING last_serial",
            &[&i16::from(district), &i32::from(year)],
        )?
        .get(0);
    u32::try_from(last).map_err(|_| StoreError::Corrupt(format!("serial {last}")))
}

pub(super) fn add_certificate(t: &mut PgTx<'_, '_>, cert: &NewCertificate<'_>, now: DateTime<Utc>) -> StoreResult<()> {
    let sql = format!(
        // The identity shown is frozen here, from the record as the platform holds it in this
        // very transaction (migration approved_identity).
        "INSERT INTO certificates (code, worker_id, agency_id, application_id, card_version,
           valid_from, valid_until, key_id, credential_url, issued_at,
           approved_name, approved_id_number, approved_photo_sha256, approved_service_types)
         SELECT $1, $2, $3, $4, 1, $5, $6, $7, $8, $9,
           w.name, w.id_number, w.photo_sha256, {RECORD_SERVICE_TYPES}
         FROM workers w WHERE w.id = $2"
    );
    t.execute(
        &sql,
        &[
            &cert.code,
            &cert.worker_id,
            &cert.agency_id,
            &cert.application_id,
            &cert.valid_from,
            &cert.valid_until,
            &i32::from(cert.key_id),
            &cert.credential_url,
            &now,
        ],
    )?;
    Ok(())
}

pub(super) fn live_certificates(t: &mut PgTx<'_, '_>, worker_id: Uuid) -> StoreResult<Vec<LiveCertificate>> {
    let rows = t.query(
        "SELECT code, card_version, valid_until FROM certificates WHERE worker_id = $1 AND revoked_at IS NULL",
        &[&worker_id],
    )?;
    rows.iter()
        .map(|r| Ok(LiveCertificate { code: r.get(0), card_version: fits("card version", r.get::<_, i32>(1))?, valid_until: r.get(2) }))
        .collect()
}

pub(super) fn revoke_certificate(t: &mut PgTx<'_, '_>, code: &str, now: DateTime<Utc>) -> StoreResult<()> {
    t.execute("UPDATE certificates SET revoked_at = $2 WHERE code = $1", &[&code, &now])?;
    Ok(())
}

pub(super) fn set_card(t: &mut PgTx<'_, '_>, card: &NewCard<'_>) -> StoreResult<()> {
    t.execute(
        "UPDATE certificates SET card_version = $2, valid_from = $3, key_id = $4, credential_url = $5 WHERE code = $1",
        &[&card.code, &i32::from(card.card_version), &card.valid_from, &i32::from(card.key_id), &card.credential_url],
    )?;
    Ok(())
}

pub(super) fn record_owner(t: &mut PgTx<'_, '_>, entity: SyncEntity, entity_id: Uuid) -> StoreResult<Option<Uuid>> {
    let row = t.query_opt("SELECT agency_id FROM agency_records WHERE entity = $1 AND entity_id = $2", &[&entity.as_str(), &entity_id])?;
    Ok(row.map(|r| r.get(0)))
}

pub(super) fn record_live(t: &mut PgTx<'_, '_>, entity: SyncEntity, entity_id: &str, agency_id: Uuid) -> StoreResult<bool> {
    let Some(entity_id) = sent_id(entity_id) else { return Ok(false) };
    Ok(t
        .tx
        .query_opt(
            "SELECT 1 FROM agency_records WHERE entity = $3 AND entity_id = $1 AND agency_id = $2 AND NOT deleted",
            &[&entity_id, &agency_id, &entity.as_str()],
        )?
        .is_some())
}

pub(super) fn live_records(t: &mut PgTx<'_, '_>, agency_id: Uuid, entity: SyncEntity, link: RecordLink<'_>) -> StoreResult<Vec<(Uuid, serde_json::Value)>> {
    // The expressions are the indexes' own (migration record_links), so each is one range.
    let id;
    let (filter, value): (&str, Option<&(dyn ToSql + Sync)>) = match &link {
        RecordLink::All => ("", None),
        RecordLink::Id(sent) => {
            let Some(found) = sent_id(sent) else { return Ok(Vec::new()) };
            id = found;
            (" AND entity_id = $3", Some(&id))
        }
        RecordLink::Worker(sent) => (" AND (payload::jsonb) ->> 'worker_id' = $3", Some(sent)),
        RecordLink::Class(sent) => (" AND (payload::jsonb) ->> 'class_id' = $3", Some(sent)),
    };
    let sql = format!(
        "SELECT entity_id, payload FROM agency_records WHERE agency_id = $1 AND entity = $2 AND NOT deleted{filter} ORDER BY entity_id"
    );
    let entity = entity.as_str();
    let mut params: Vec<&(dyn ToSql + Sync)> = vec![&agency_id, &entity];
    params.extend(value);
    let rows = t.query(&sql, &params)?;
    // A payload is stored as the desk sent it, already parsed once; one that no longer parses
    // is skipped (it cannot count towards anything).
    Ok(rows.iter().filter_map(|r| Some((r.get::<_, Uuid>(0), serde_json::from_str(r.get::<_, &str>(1)).ok()?))).collect())
}

// Both writes below leave another agency's row alone (`WHERE` on the conflict's update). The
// flows refuse a foreign record first (`record_owner`); this is the backstop for two instances
// creating the same new id at once, which SQLite's single writer cannot interleave.

pub(super) fn put_record(t: &mut PgTx<'_, '_>, entity: SyncEntity, entity_id: Uuid, agency_id: Uuid, payload: &serde_json::Value, now: DateTime<Utc>) -> StoreResult<()> {
    t.execute(
        "INSERT INTO agency_records (entity, entity_id, agency_id, payload, deleted, version, updated_at)
         VALUES ($1, $2, $3, $4, false, 1, $5)
         ON CONFLICT (entity, entity_id) DO UPDATE SET payload = excluded.payload, deleted = false,
           version = agency_records.version + 1, updated_at = excluded.updated_at
         WHERE agency_records.agency_id = excluded.agency_id",
        &[&entity.as_str(), &entity_id, &agency_id, &payload.to_string(), &now],
    )?;
    Ok(())
}

pub(super) fn delete_record(t: &mut PgTx<'_, '_>, entity: SyncEntity, entity_id: Uuid, agency_id: Uuid, payload: &serde_json::Value, now: DateTime<Utc>) -> StoreResult<()> {
    t.execute(
        "INSERT INTO agency_records (entity, entity_id, agency_id, payload, deleted, version, updated_at)
         VALUES ($1, $2, $3, $4, true, 1, $5)
         ON CONFLICT (entity, entity_id) DO UPDATE SET deleted = true,
           version = agency_records.version + 1, updated_at = excluded.updated_at
         WHERE agency_records.agency_id = excluded.agency_id",
        &[&entity.as_str(), &entity_id, &agency_id, &payload.to_string(), &now],
    )?;
    Ok(())
}

/// Takes [`KEYS_LOCK`] until the transaction ends (again is a no-op). A read after it is a new
/// statement, so it sees what the holder before committed.
fn lock_keys(t: &mut PgTx<'_, '_>) -> StoreResult<()> {
    t.lock(Advisory::Id(KEYS_LOCK))?;
    Ok(())
}

/// The current key's row: id, stored secret, algorithm code.
fn current_key_row(t: &mut PgTx<'_, '_>) -> StoreResult<Option<(i32, Vec<u8>, String)>> {
    let row = t.query_opt(
        "SELECT key_id, secret, algorithm FROM signing_keys WHERE not_after IS NULL AND withdrawn_at IS NULL
         ORDER BY key_id DESC LIMIT 1",
        &[],
    )?;
    Ok(row.map(|r| (r.get(0), r.get(1), r.get(2))))
}

pub(super) fn current_key(t: &mut PgTx<'_, '_>) -> StoreResult<Option<(u16, crate::keys::PlatformKey)>> {
    // Signing reads the current key without a lock. Only when there is none (the flow then
    // makes the first key) is the read repeated under KEYS_LOCK, so two instances starting
    // together make one first key: the second finds the first's.
    let current = match current_key_row(t)? {
        Some(row) => Some(row),
        None => {
            lock_keys(t)?;
            current_key_row(t)?
        }
    };
    current
        .map(|(id, secret, algorithm)| {
            let id = fits("key id", id)?;
            let key = t.vault.key(id, &secret, algorithm_of(&algorithm)?).map_err(StoreError::Signing)?;
            Ok((id, key))
        })
        .transpose()
}

pub(super) fn live_keys(t: &mut PgTx<'_, '_>) -> StoreResult<Vec<TrustedKey>> {
    // Read to be retired (rotation) or checked before a withdrawal: under KEYS_LOCK.
    lock_keys(t)?;
    // In key order, as SQLite's rowid order gives them.
    let rows = t.query(
        "SELECT key_id, public_key, not_before, algorithm FROM signing_keys
         WHERE not_after IS NULL AND withdrawn_at IS NULL ORDER BY key_id",
        &[],
    )?;
    rows.iter()
        .map(|r| {
            Ok(TrustedKey {
                key_id: fits("key id", r.get::<_, i32>(0))?,
                public_key: r.get(1),
                algorithm: algorithm_of(r.get(3))?,
                not_before: r.get(2),
                not_after: None,
            })
        })
        .collect()
}

pub(super) fn next_key_id(t: &mut PgTx<'_, '_>) -> StoreResult<u16> {
    // A read then an insert of the number read: under KEYS_LOCK, so two instances never number
    // two keys alike (the primary key would refuse the second with an error).
    lock_keys(t)?;
    let next: i32 = t.query_one("SELECT COALESCE(MAX(key_id), 0) + 1 FROM signing_keys", &[])?.get(0);
    fits("key id", next)
}

pub(super) fn add_key(t: &mut PgTx<'_, '_>, key: &TrustedKey, secret: &crate::keys::PlatformKey) -> StoreResult<()> {
    t.execute(
        "INSERT INTO signing_keys (key_id, secret, public_key, not_before, not_after, algorithm)
         VALUES ($1, $2, $3, $4, $5, $6)",
        &[
            &i32::from(key.key_id),
            &t.vault.stored(key.key_id, secret),
            &key.public_key,
            &key.not_before,
            &key.not_after,
            &key.algorithm.code(),
        ],
    )?;
    Ok(())
}

/// A key held in a PKCS#11 token loses its token object with its row's secret.
fn destroy_token_key(t: &mut PgTx<'_, '_>, key_id: u16) -> StoreResult<()> {
    let stored = t.query_opt("SELECT secret FROM signing_keys WHERE key_id = $1", &[&i32::from(key_id)])?;
    if let Some(stored) = stored {
        t.vault.destroy(stored.get::<_, &[u8]>(0)).map_err(StoreError::Signing)?;
    }
    Ok(())
}

pub(super) fn retire_key(t: &mut PgTx<'_, '_>, key_id: u16, not_after: NaiveDate) -> StoreResult<()> {
    destroy_token_key(t, key_id)?;
    t.execute(
        // The private part is destroyed: a retired key never signs again.
        "UPDATE signing_keys SET not_after = $2, secret = ''::bytea WHERE key_id = $1",
        &[&i32::from(key_id), &not_after],
    )?;
    Ok(())
}

pub(super) fn withdraw_key(t: &mut PgTx<'_, '_>, key_id: u16, not_after: NaiveDate, now: DateTime<Utc>) -> StoreResult<bool> {
    lock_keys(t)?;
    destroy_token_key(t, key_id)?;
    let n = t.execute(
        "UPDATE signing_keys SET withdrawn_at = $2, not_after = COALESCE(not_after, $3), secret = ''::bytea
         WHERE key_id = $1 AND withdrawn_at IS NULL",
        &[&i32::from(key_id), &now, &not_after],
    )?;
    Ok(n == 1)
}

use super::{operators, public};
use crate::store::repo::{CertificateHolder, FilingKey, NewFiling, Tx};

impl Tx for PgTx<'_, '_> {
    fn agency(&mut self, id: Uuid) -> StoreResult<Option<Agency>> {
        operators::agency(self, id)
    }
    fn add_enrolment_code(&mut self, code_hash: &str, agency_id: Uuid, expires_at: DateTime<Utc>) -> StoreResult<()> {
        operators::add_enrolment_code(self, code_hash, agency_id, expires_at)
    }
    fn enrolment_code(&mut self, code_hash: &str) -> StoreResult<Option<EnrolmentCode>> {
        operators::enrolment_code(self, code_hash)
    }
    fn use_enrolment_code(&mut self, code_hash: &str, device_id: Uuid, now: DateTime<Utc>) -> StoreResult<bool> {
        operators::use_enrolment_code(self, code_hash, device_id, now)
    }
    fn add_device(&mut self, id: Uuid, agency_id: Uuid, name: &str, secret_hash: &str, now: DateTime<Utc>) -> StoreResult<()> {
        operators::add_device(self, id, agency_id, name, secret_hash, now)
    }
    fn device(&mut self, id: Uuid) -> StoreResult<Option<Device>> {
        operators::device(self, id)
    }
    fn revoke_device(&mut self, id: Uuid, now: DateTime<Utc>) -> StoreResult<()> {
        operators::revoke_device(self, id, now)
    }
    fn operator_by_name(&mut self, name: &str) -> StoreResult<Option<OperatorAccount>> {
        operators::operator_by_name(self, name)
    }
    fn add_operator(&mut self, id: Uuid, name: &str, password_hash: &str, now: DateTime<Utc>) -> StoreResult<()> {
        operators::add_operator(self, id, name, password_hash, now)
    }
    fn set_operator_password(&mut self, id: Uuid, password_hash: &str) -> StoreResult<()> {
        operators::set_operator_password(self, id, password_hash)
    }
    fn set_operator_role(&mut self, id: Uuid, role: crate::store::operators::OperatorRole) -> StoreResult<()> {
        operators::set_operator_role(self, id, role)
    }
    fn clear_sign_in_failures(&mut self, id: Uuid, network: Option<&str>) -> StoreResult<()> {
        operators::clear_sign_in_failures(self, id, network)
    }
    fn sign_in_lock(&mut self, id: Uuid, network: &str) -> StoreResult<(u32, Option<DateTime<Utc>>)> {
        operators::sign_in_lock(self, id, network)
    }
    fn set_sign_in_lock(&mut self, id: Uuid, network: &str, failures: u32, locked_until: Option<DateTime<Utc>>) -> StoreResult<()> {
        operators::set_sign_in_lock(self, id, network, failures, locked_until)
    }
    fn set_operator_totp(&mut self, id: Uuid, secret: Option<&[u8]>) -> StoreResult<()> {
        operators::set_operator_totp(self, id, secret)
    }
    fn use_totp_step(&mut self, id: Uuid, step: i64) -> StoreResult<bool> {
        operators::use_totp_step(self, id, step)
    }
    fn add_api_key(&mut self, key: &crate::store::operators::NewApiKey<'_>) -> StoreResult<()> {
        operators::add_api_key(self, key)
    }
    fn api_key(&mut self, key_sha256: &str) -> StoreResult<Option<crate::store::operators::ApiKey>> {
        operators::api_key(self, key_sha256)
    }
    fn revoke_api_key(&mut self, operator_id: Uuid, id: Uuid, now: DateTime<Utc>) -> StoreResult<bool> {
        operators::revoke_api_key(self, operator_id, id, now)
    }
    fn touch_api_key(&mut self, id: Uuid, now: DateTime<Utc>) -> StoreResult<()> {
        operators::touch_api_key(self, id, now)
    }
    fn add_audit(&mut self, line: &crate::store::operators::AuditLine) -> StoreResult<i64> {
        operators::add_audit(self, line)
    }
    fn finish_audit(&mut self, seq: i64, outcome: &str) -> StoreResult<()> {
        operators::finish_audit(self, seq, outcome)
    }
    fn key_request(&mut self, action: crate::store::operators::KeyAction, key_id: Option<u16>, since: DateTime<Utc>) -> StoreResult<Option<crate::store::operators::KeyRequest>> {
        operators::key_request(self, action, key_id, since)
    }
    fn add_key_request(&mut self, request: &crate::store::operators::KeyRequest) -> StoreResult<()> {
        operators::add_key_request(self, request)
    }
    fn finish_key_request(&mut self, id: Uuid, done_by: &str, now: DateTime<Utc>) -> StoreResult<()> {
        operators::finish_key_request(self, id, done_by, now)
    }
    fn delete_sessions_of(&mut self, operator_id: Uuid) -> StoreResult<()> {
        operators::delete_sessions_of(self, operator_id)
    }
    fn delete_sessions_expired_by(&mut self, at: DateTime<Utc>) -> StoreResult<()> {
        operators::delete_sessions_expired_by(self, at)
    }
    fn add_session(&mut self, id_hash: &str, operator_id: Uuid, csrf_token: &str, now: DateTime<Utc>, expires_at: DateTime<Utc>) -> StoreResult<()> {
        operators::add_session(self, id_hash, operator_id, csrf_token, now, expires_at)
    }
    fn session(&mut self, id_hash: &str) -> StoreResult<Option<OperatorSession>> {
        operators::session(self, id_hash)
    }
    fn delete_session(&mut self, id_hash: &str) -> StoreResult<()> {
        operators::delete_session(self, id_hash)
    }
    fn receipt(&mut self, device_id: Uuid, entry_id: Uuid) -> StoreResult<Option<Receipt>> {
        receipt(self, device_id, entry_id)
    }
    fn add_receipt(&mut self, device_id: Uuid, entry_id: Uuid, seq: i64, payload_hash: &str, outcome: &EntryOutcome, now: DateTime<Utc>) -> StoreResult<()> {
        add_receipt(self, device_id, entry_id, seq, payload_hash, outcome, now)
    }
    fn add_change(&mut self, agency_id: Option<Uuid>, body: &ChangeBody, now: DateTime<Utc>) -> StoreResult<()> {
        add_change(self, agency_id, body, now)
    }
    fn worker(&mut self, id: Uuid) -> StoreResult<Option<StoredWorker>> {
        worker(self, id)
    }
    fn worker_in_agency(&mut self, id: &str, agency_id: Uuid) -> StoreResult<bool> {
        worker_in_agency(self, id, agency_id)
    }
    fn other_workers_of_person(&mut self, id_number: &str, except: Uuid, statuses: &[WorkerStatus]) -> StoreResult<Vec<Uuid>> {
        other_workers_of_person(self, id_number, except, statuses)
    }
    fn agency_worker_of_person(&mut self, agency_id: Uuid, id_number: &str, except: Uuid) -> StoreResult<Option<Uuid>> {
        agency_worker_of_person(self, agency_id, id_number, except)
    }
    fn worker_alias(&mut self, alias: &str, agency_id: Uuid) -> StoreResult<Option<Uuid>> {
        worker_alias(self, alias, agency_id)
    }
    fn add_worker_alias(&mut self, alias: Uuid, worker_id: Uuid, agency_id: Uuid, now: DateTime<Utc>) -> StoreResult<()> {
        add_worker_alias(self, alias, worker_id, agency_id, now)
    }
    fn put_worker(&mut self, row: &WorkerRow<'_>, now: DateTime<Utc>) -> StoreResult<WorkerWrite> {
        put_worker(self, row, now)
    }
    fn set_worker_status(&mut self, id: Uuid, status: WorkerStatus, now: DateTime<Utc>) -> StoreResult<()> {
        set_worker_status(self, id, status, now)
    }
    fn add_application(&mut self, id: Uuid, worker_id: Uuid, agency_id: Uuid, id_number: &str, kind: ApplicationKind, now: DateTime<Utc>) -> StoreResult<()> {
        add_application(self, id, worker_id, agency_id, id_number, kind, now)
    }
    fn pending_application(&mut self, id: Uuid) -> StoreResult<Option<PendingApplication>> {
        pending_application(self, id)
    }
    fn pending_details_application(&mut self, worker_id: Uuid) -> StoreResult<Option<Uuid>> {
        pending_details_application(self, worker_id)
    }
    fn approved_identity(&mut self, worker_id: Uuid) -> StoreResult<Option<certdesk_domain::PublicIdentity>> {
        approved_identity(self, worker_id)
    }
    fn refresh_approved_identity(&mut self, worker_id: Uuid) -> StoreResult<()> {
        refresh_approved_identity(self, worker_id)
    }
    fn decide_application(&mut self, id: Uuid, decision: ApplicationDecision<'_>, now: DateTime<Utc>) -> StoreResult<()> {
        decide_application(self, id, decision, now)
    }
    fn decide_pending_of_worker(&mut self, worker_id: Uuid, decision: ApplicationDecision<'_>, now: DateTime<Utc>) -> StoreResult<()> {
        decide_pending_of_worker(self, worker_id, decision, now)
    }
    fn next_serial(&mut self, district: u8, year: u16) -> StoreResult<u32> {
        next_serial(self, district, year)
    }
    fn add_certificate(&mut self, cert: &NewCertificate<'_>, now: DateTime<Utc>) -> StoreResult<()> {
        add_certificate(self, cert, now)
    }
    fn live_certificates(&mut self, worker_id: Uuid) -> StoreResult<Vec<LiveCertificate>> {
        live_certificates(self, worker_id)
    }
    fn revoke_certificate(&mut self, code: &str, now: DateTime<Utc>) -> StoreResult<()> {
        revoke_certificate(self, code, now)
    }
    fn set_card(&mut self, card: &NewCard<'_>) -> StoreResult<()> {
        set_card(self, card)
    }
    fn record_owner(&mut self, entity: SyncEntity, entity_id: Uuid) -> StoreResult<Option<Uuid>> {
        record_owner(self, entity, entity_id)
    }
    fn record_live(&mut self, entity: SyncEntity, entity_id: &str, agency_id: Uuid) -> StoreResult<bool> {
        record_live(self, entity, entity_id, agency_id)
    }
    fn live_records(&mut self, agency_id: Uuid, entity: SyncEntity, link: RecordLink<'_>) -> StoreResult<Vec<(Uuid, serde_json::Value)>> {
        live_records(self, agency_id, entity, link)
    }
    fn put_record(&mut self, entity: SyncEntity, entity_id: Uuid, agency_id: Uuid, payload: &serde_json::Value, now: DateTime<Utc>) -> StoreResult<()> {
        put_record(self, entity, entity_id, agency_id, payload, now)
    }
    fn delete_record(&mut self, entity: SyncEntity, entity_id: Uuid, agency_id: Uuid, payload: &serde_json::Value, now: DateTime<Utc>) -> StoreResult<()> {
        delete_record(self, entity, entity_id, agency_id, payload, now)
    }
    fn add_activation(&mut self, a: &crate::store::electronic::NewActivation<'_>) -> StoreResult<()> {
        public::add_activation(self, a)
    }
    fn activation(&mut self, code_sha256: &str) -> StoreResult<Option<crate::store::electronic::Activation>> {
        public::activation(self, code_sha256)
    }
    fn fail_activation(&mut self, code_sha256: &str) -> StoreResult<()> {
        public::fail_activation(self, code_sha256)
    }
    fn activate(&mut self, code_sha256: &str, token_sha256: &str, now: DateTime<Utc>) -> StoreResult<()> {
        public::activate(self, code_sha256, token_sha256, now)
    }
    fn electronic_card(&mut self, token_sha256: &str) -> StoreResult<Option<crate::store::electronic::Activation>> {
        public::electronic_card(self, token_sha256)
    }
    fn current_card(&mut self, code: &str, card_version: u16) -> StoreResult<Option<(Uuid, Uuid)>> {
        public::current_card(self, code, card_version)
    }
    fn feedback_token_used(&mut self, kind: FeedbackKind, token_nonce: &str) -> StoreResult<bool> {
        public::feedback_token_used(self, kind, token_nonce)
    }
    fn forget_feedback_sources(&mut self, kind: FeedbackKind, before: DateTime<Utc>) -> StoreResult<()> {
        public::forget_feedback_sources(self, kind, before)
    }
    fn count_feedback(&mut self, kind: FeedbackKind, code: &str, from: FeedbackFrom<'_>, since: DateTime<Utc>) -> StoreResult<u32> {
        public::count_feedback(self, kind, code, from, since)
    }
    fn add_feedback(&mut self, submission: &FeedbackSubmission, worker_id: Uuid, agency_id: Uuid, sources: (&str, &str)) -> StoreResult<()> {
        public::add_feedback(self, submission, worker_id, agency_id, sources)
    }
    fn feedback_key(&mut self, day: &str, fresh: &str) -> StoreResult<String> {
        public::feedback_key(self, day, fresh)
    }
    fn existing_feedback_key(&mut self, day: &str) -> StoreResult<Option<String>> {
        public::existing_feedback_key(self, day)
    }
    fn drop_feedback_keys_before(&mut self, day: &str) -> StoreResult<()> {
        public::drop_feedback_keys_before(self, day)
    }
    fn hold_rating(&mut self, id: Uuid) -> StoreResult<()> {
        public::hold_rating(self, id)
    }
    fn held_rating(&mut self, id: Uuid) -> StoreResult<Option<crate::store::public::HeldRating>> {
        public::held_rating(self, id)
    }
    fn release_rating(&mut self, id: Uuid) -> StoreResult<()> {
        public::release_rating(self, id)
    }
    fn discard_rating(&mut self, id: Uuid) -> StoreResult<()> {
        public::discard_rating(self, id)
    }
    fn current_key(&mut self) -> StoreResult<Option<(u16, crate::keys::PlatformKey)>> {
        current_key(self)
    }
    fn live_keys(&mut self) -> StoreResult<Vec<TrustedKey>> {
        live_keys(self)
    }
    fn next_key_id(&mut self) -> StoreResult<u16> {
        next_key_id(self)
    }
    fn add_key(&mut self, key: &TrustedKey, secret: &crate::keys::PlatformKey) -> StoreResult<()> {
        add_key(self, key, secret)
    }
    fn retire_key(&mut self, key_id: u16, not_after: NaiveDate) -> StoreResult<()> {
        retire_key(self, key_id, not_after)
    }
    fn withdraw_key(&mut self, key_id: u16, not_after: NaiveDate, now: DateTime<Utc>) -> StoreResult<bool> {
        withdraw_key(self, key_id, not_after, now)
    }

    fn certificate_holder(&mut self, code: &str) -> StoreResult<Option<CertificateHolder>> {
        let row = self.tx.query_opt(
            "SELECT c.worker_id, c.agency_id, w.name, w.id_number FROM certificates c JOIN workers w ON w.id = c.worker_id
             WHERE c.code = $1",
            &[&code],
        )?;
        Ok(row.map(|r| CertificateHolder { worker_id: r.get(0), agency_id: r.get(1), name: r.get(2), id_number: r.get(3) }))
    }

    fn filing_receipt(&mut self, key: FilingKey<'_>) -> StoreResult<Option<String>> {
        let row = match key {
            FilingKey::Number(n) => self.tx.query_opt("SELECT receipt FROM roster_filings WHERE number = $1", &[&n])?,
            FilingKey::FilingId(id) => self.tx.query_opt("SELECT receipt FROM roster_filings WHERE filing_id = $1", &[&id])?,
        };
        Ok(row.map(|r| r.get(0)))
    }

    fn filing_receipts(&mut self, agency_id: Option<Uuid>) -> StoreResult<Vec<String>> {
        let rows = self.tx.query(
            "SELECT receipt FROM roster_filings WHERE $1::uuid IS NULL OR agency_id = $1 ORDER BY seq",
            &[&agency_id],
        )?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    fn filing_roster(&mut self, number: &str) -> StoreResult<Option<String>> {
        Ok(self.tx.query_opt("SELECT roster FROM roster_filings WHERE number = $1", &[&number])?.map(|r| r.get(0)))
    }

    fn next_filing_seq(&mut self) -> StoreResult<i64> {
        // Under the writer lock every transaction holds: no other instance numbers at once.
        Ok(self.tx.query_one("SELECT COALESCE(max(seq), 0) + 1 FROM roster_filings", &[])?.get(0))
    }

    fn complaint(&mut self, id: Uuid) -> StoreResult<Option<ComplaintRow>> {
        super::complaints::complaint(&mut *self.tx, id)
    }

    fn complaints(&mut self, filter: ComplaintFilter) -> StoreResult<Vec<ComplaintRow>> {
        super::complaints::complaints(&mut *self.tx, filter)
    }

    fn complaint_events(&mut self, id: Uuid) -> StoreResult<Vec<ComplaintEvent>> {
        super::complaints::events(&mut *self.tx, id)
    }

    fn add_complaint_event(&mut self, event: &ComplaintEvent) -> StoreResult<()> {
        super::complaints::add_event(&mut *self.tx, event)
    }

    fn add_filing(&mut self, f: &NewFiling<'_>) -> StoreResult<()> {
        let b = &f.receipt.body;
        self.tx.execute(
            "INSERT INTO roster_filings (number, seq, filing_id, agency_id, device_id, period_from, period_to, row_count,
                 roster_sha256, replaces, filed_at, receipt, roster)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
            &[
                &b.number,
                &f.seq,
                &b.filing_id,
                &b.agency_id,
                &f.device_id,
                &b.period_from,
                &b.period_to,
                &(b.rows as i32),
                &b.roster_sha256,
                &b.replaces,
                &b.filed_at,
                &f.receipt_json,
                &f.roster,
            ],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;
    use std::time::Duration;

    use certdesk_domain::{validate_worker_record, ValidWorker, WorkerInput, WorkerStatus};
    use certdesk_protocol::sync::{Change, ChangeBody, SyncEntity};
    use chrono::{DateTime, NaiveDate, Utc};
    use uuid::Uuid;

    use super::super::PgStore;
    use crate::store::repo::{
        ApplicationDecision, ApplicationKind, LiveCertificate, NewCard, NewCertificate, RecordLink, RepoExt, WorkerRow, WorkerWrite,
    };
    use crate::store::{Agency, Store};

    fn now() -> DateTime<Utc> {
        "2026-11-27T02:00:00Z".parse().unwrap()
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
    }

    fn agency(store: &PgStore, credit: &str) -> Uuid {
        let a = Agency { id: Uuid::now_v7(), name: "机构".into(), credit_code: credit.into(), district: "黄浦区".into() };
        store.create_agency(&a, now()).unwrap().unwrap();
        a.id
    }

    fn record(first17: &str) -> ValidWorker {
        let id_number = format!("{first17}{}", certdesk_domain::check_char(first17).unwrap());
        let input = WorkerInput {
            name: "张三".into(),
            id_number,
            phone: "13812345678".into(),
            address: "某路1号".into(),
            service_types: vec!["cleaning".into()],
            emergency_contact_name: "王五".into(),
            emergency_contact_phone: "13912345678".into(),
            consent_date: Some("2026-01-01".into()),
            agency_check_done: true,
        };
        validate_worker_record(&input, today()).unwrap()
    }

    fn marker(n: u32) -> ChangeBody {
        ChangeBody::Deleted { entity: "revocation".into(), entity_id: format!("code-{n}") }
    }

    #[test]
    fn a_second_claim_on_one_person_is_claim_taken_and_the_transaction_goes_on() {
        let Some(db) = certdesk_testkit::pg::database("store::postgres::rows::a_second_claim_on_one_person_is_claim_taken_and_the_transaction_goes_on") else { return };
        let store = PgStore::open_for_tests(db.url()).unwrap();
        let (a, b) = (agency(&store, "A"), agency(&store, "B"));
        let person = record("11010519491231002");
        let (first, second) = (Uuid::now_v7(), Uuid::now_v7());
        let (written, taken, after) = store
            .transaction(|tx| {
                let row = |id, agency_id| WorkerRow { id, agency_id, record: &person, status: WorkerStatus::Applied, photo_sha256: None };
                let written = tx.put_worker(&row(first, a), now())?;
                let taken = tx.put_worker(&row(second, b), now())?;
                // The same transaction still reads and writes after the refusal.
                tx.set_worker_status(first, WorkerStatus::Approved, now())?;
                Ok((written, taken, tx.worker(first)?))
            })
            .unwrap();
        assert_eq!(written, WorkerWrite::Written);
        assert_eq!(taken, WorkerWrite::ClaimTaken, "the one-claim index refuses a second claiming row of the person");
        let after = after.expect("the first row was written");
        assert_eq!((after.status, after.version), (WorkerStatus::Approved, 2), "the write after the refusal went through");
        assert!(store.transaction(|tx| tx.worker(second)).unwrap().is_none(), "the refused row was not written");

        // A row of the person that claims nothing is written beside the claim.
        let third = Uuid::now_v7();
        let row = WorkerRow { id: third, agency_id: b, record: &person, status: WorkerStatus::Enrolled, photo_sha256: None };
        assert_eq!(store.transaction(|tx| tx.put_worker(&row, now())).unwrap(), WorkerWrite::Written);
        let holders = store.transaction(|tx| tx.other_workers_of_person(person.id_number.as_str(), third, &[WorkerStatus::Approved])).unwrap();
        assert_eq!(holders, [a]);
    }

    #[test]
    fn serials_count_up_per_district_and_year() {
        let Some(db) = certdesk_testkit::pg::database("store::postgres::rows::serials_count_up_per_district_and_year") else { return };
        let store = PgStore::open_for_tests(db.url()).unwrap();
        let take = |district, year| store.transaction(|tx| tx.next_serial(district, year)).unwrap();
        assert_eq!([take(1, 2026), take(1, 2026), take(1, 2026)], [1, 2, 3]);
        assert_eq!(take(2, 2026), 1, "another district counts on its own");
        assert_eq!(take(1, 2027), 1, "another year counts on its own");
        assert_eq!(take(1, 2026), 4);
        // A serial taken in a transaction that rolls back is not handed out.
        let failed = store.transaction(|tx| {
            tx.next_serial(1, 2026)?;
            Err::<(), _>(crate::store::StoreError::Corrupt("rolled back".into()))
        });
        assert!(failed.is_err());
        assert_eq!(take(1, 2026), 5);
    }

    #[test]
    fn changes_from_two_transactions_read_back_in_order() {
        let Some(db) = certdesk_testkit::pg::database("store::postgres::rows::changes_from_two_transactions_read_back_in_order") else { return };
        let store = PgStore::open_for_tests(db.url()).unwrap();
        let (a, b) = (agency(&store, "A"), agency(&store, "B"));
        store
            .transaction(|tx| {
                tx.add_change(Some(a), &marker(1), now())?;
                tx.add_change(None, &marker(2), now())
            })
            .unwrap();
        store
            .transaction(|tx| {
                tx.add_change(Some(b), &marker(3), now())?;
                tx.add_change(Some(a), &marker(4), now())
            })
            .unwrap();
        let (changes, more) = store.changes_since(a, 0, 10).unwrap();
        let bodies: Vec<_> = changes.iter().map(|c| c.body.clone()).collect();
        assert_eq!(bodies, [marker(1), marker(2), marker(4)], "A's and everyone's, not B's, in the order written");
        assert!(!more);
        assert!(changes.windows(2).all(|w| w[0].seq < w[1].seq));
        let (after, _) = store.changes_since(a, changes[1].seq, 10).unwrap();
        assert_eq!(after, [Change { seq: changes[2].seq, body: marker(4) }]);
    }

    /// A second append waits for the first transaction to end, so change numbers become
    /// visible in order across instances.
    #[test]
    fn an_append_waits_for_the_open_transaction_that_appended_before_it() {
        let Some(db) = certdesk_testkit::pg::database("store::postgres::rows::an_append_waits_for_the_open_transaction_that_appended_before_it") else { return };
        let first = PgStore::open_for_tests(db.url()).unwrap();
        let second = PgStore::open_for_tests(db.url()).unwrap();
        let a = agency(&first, "A");
        let (appended, appended_rx) = mpsc::channel();
        let (go, go_rx) = mpsc::channel::<()>();
        let (done, done_rx) = mpsc::channel();
        let (first_ref, second_ref) = (&first, &second);
        std::thread::scope(|s| {
            s.spawn(move || {
                first_ref
                    .transaction(|tx| {
                        tx.add_change(Some(a), &marker(1), now())?;
                        appended.send(()).unwrap();
                        go_rx.recv().unwrap();
                        Ok(())
                    })
                    .unwrap();
            });
            appended_rx.recv().unwrap();
            s.spawn(move || {
                second_ref.transaction(|tx| tx.add_change(Some(a), &marker(2), now())).unwrap();
                done.send(()).unwrap();
            });
            assert!(done_rx.recv_timeout(Duration::from_millis(300)).is_err(), "the second append waits for the first transaction");
            assert!(second.changes_since(a, 0, 10).unwrap().0.is_empty(), "nothing is visible before the first commits");
            go.send(()).unwrap();
            done_rx.recv_timeout(Duration::from_secs(10)).expect("the second append goes on once the first committed");
        });
        let bodies: Vec<_> = first.changes_since(a, 0, 10).unwrap().0.into_iter().map(|c| c.body).collect();
        assert_eq!(bodies, [marker(1), marker(2)]);
    }

    /// The signing keys' rows through the flows: the first key made once, rotation retiring it
    /// (its private part gone), withdrawal taking a key off the trust list.
    #[test]
    fn keys_are_made_once_rotated_and_withdrawn() {
        let Some(db) = certdesk_testkit::pg::database("store::postgres::rows::keys_are_made_once_rotated_and_withdrawn") else { return };
        let store = PgStore::open_for_tests(db.url()).unwrap();
        let ids = crate::ids::SystemIds;
        let (id, _) = crate::flows::current_signing_key(&store, &ids, today(), now()).unwrap();
        assert_eq!(id, 1);
        assert_eq!(crate::flows::current_signing_key(&store, &ids, today(), now()).unwrap().0, 1, "the first key is made once");
        let next = crate::keys::PlatformKey::Ed25519(crate::keys::generate());
        assert_eq!(crate::flows::rotate_signing_key(&store, &next, today(), now()).unwrap(), 2);
        let secret: Vec<u8> = db.connect().query_one("SELECT secret FROM signing_keys WHERE key_id = 1", &[]).unwrap().get(0);
        assert!(secret.is_empty(), "a retired key's private part is destroyed");
        let live: Vec<u16> = store.transaction(|tx| tx.live_keys()).unwrap().iter().map(|k| k.key_id).collect();
        assert_eq!(live, [2]);
        let trust: Vec<_> = store.trust_list().unwrap().keys.iter().map(|k| (k.key_id, k.not_after)).collect();
        assert_eq!(trust, [(1, Some(today())), (2, None)]);
        assert!(crate::flows::withdraw_signing_key(&store, 1, now()).unwrap());
        assert!(!crate::flows::withdraw_signing_key(&store, 1, now()).unwrap(), "a key is withdrawn once");
        assert_eq!(store.trust_list().unwrap().keys.iter().map(|k| k.key_id).collect::<Vec<_>>(), [2]);
        assert_eq!(store.transaction(|tx| tx.current_key()).unwrap().map(|(id, _)| id), Some(2));
        assert_eq!(store.transaction(|tx| tx.next_key_id()).unwrap(), 3);
    }

    /// An application through to its certificate: the approved identity frozen beside it as
    /// SQLite's `json_extract` text, the card moved on, the certificate revoked.
    #[test]
    fn a_certificate_keeps_the_identity_it_was_approved_with() {
        let Some(db) = certdesk_testkit::pg::database("store::postgres::rows::a_certificate_keeps_the_identity_it_was_approved_with") else { return };
        let store = PgStore::open_for_tests(db.url()).unwrap();
        let a = agency(&store, "A");
        let person = record("11010519491231002");
        let (worker, app) = (Uuid::now_v7(), Uuid::now_v7());
        let pending = store
            .transaction(|tx| {
                let row = WorkerRow { id: worker, agency_id: a, record: &person, status: WorkerStatus::Applied, photo_sha256: Some("p1") };
                tx.put_worker(&row, now())?;
                tx.add_application(app, worker, a, person.id_number.as_str(), ApplicationKind::Certificate, now())?;
                tx.pending_application(app)
            })
            .unwrap()
            .unwrap();
        assert_eq!((pending.kind, pending.worker_id, pending.agency_id, pending.district.as_str()), (ApplicationKind::Certificate, worker, a, "黄浦区"));
        let until = NaiveDate::from_ymd_opt(2027, 11, 26).unwrap();
        store
            .transaction(|tx| {
                tx.decide_application(app, ApplicationDecision::Approved, now())?;
                let cert = NewCertificate {
                    code: "SH112026000001P",
                    worker_id: worker,
                    agency_id: a,
                    application_id: app,
                    valid_from: today(),
                    valid_until: until,
                    key_id: 1,
                    credential_url: "https://p.example/c/1",
                };
                tx.add_certificate(&cert, now())
            })
            .unwrap();
        assert!(store.transaction(|tx| tx.pending_application(app)).unwrap().is_none(), "decided");
        let types: String = db.connect().query_one("SELECT approved_service_types FROM certificates", &[]).unwrap().get(0);
        assert_eq!(types, r#"["cleaning"]"#, "the stored text, as SQLite's json_extract gives it");
        let identity = store.transaction(|tx| tx.approved_identity(worker)).unwrap().unwrap();
        assert_eq!((identity.name.as_str(), identity.photo_sha256.as_deref(), identity.service_types.as_slice()), ("张三", Some("p1"), &[certdesk_domain::ServiceType::Cleaning][..]));

        // A new photo shows only once the snapshot is refreshed.
        store
            .transaction(|tx| {
                let row = WorkerRow { id: worker, agency_id: a, record: &person, status: WorkerStatus::Approved, photo_sha256: Some("p2") };
                tx.put_worker(&row, now())
            })
            .unwrap();
        assert_eq!(store.transaction(|tx| tx.approved_identity(worker)).unwrap().unwrap().photo_sha256.as_deref(), Some("p1"));
        store.transaction(|tx| tx.refresh_approved_identity(worker)).unwrap();
        assert_eq!(store.transaction(|tx| tx.approved_identity(worker)).unwrap().unwrap().photo_sha256.as_deref(), Some("p2"));

        let card = NewCard { code: "SH112026000001P", card_version: 2, valid_from: today(), key_id: 2, credential_url: "https://p.example/c/2" };
        store.transaction(|tx| tx.set_card(&card)).unwrap();
        let live = store.transaction(|tx| tx.live_certificates(worker)).unwrap();
        assert_eq!(live, [LiveCertificate { code: "SH112026000001P".into(), card_version: 2, valid_until: until }]);
        store.transaction(|tx| tx.revoke_certificate("SH112026000001P", now())).unwrap();
        assert!(store.transaction(|tx| tx.live_certificates(worker)).unwrap().is_empty());
        assert!(store.transaction(|tx| tx.approved_identity(worker)).unwrap().is_none());
    }

    /// Training records: kept per agency, found by the links the training check follows, and
    /// an id spelled otherwise than SQLite keeps it names nothing.
    #[test]
    fn training_records_are_found_by_their_links_and_stay_their_agencys() {
        let Some(db) = certdesk_testkit::pg::database("store::postgres::rows::training_records_are_found_by_their_links_and_stay_their_agencys") else { return };
        let store = PgStore::open_for_tests(db.url()).unwrap();
        let (a, b) = (agency(&store, "A"), agency(&store, "B"));
        let (class, result) = (Uuid::now_v7(), Uuid::now_v7());
        let worker = Uuid::now_v7().to_string();
        let exam = serde_json::json!({ "class_id": class.to_string(), "worker_id": worker, "score": 90 });
        store
            .transaction(|tx| {
                tx.put_record(SyncEntity::TrainingClass, class, a, &serde_json::json!({ "name": "c" }), now())?;
                tx.put_record(SyncEntity::ExamResult, result, a, &exam, now())
            })
            .unwrap();
        let owner = store.transaction(|tx| tx.record_owner(SyncEntity::ExamResult, result)).unwrap();
        assert_eq!(owner, Some(a));
        let live = |id: &str, agency| store.transaction(|tx| tx.record_live(SyncEntity::TrainingClass, id, agency)).unwrap();
        assert!(live(&class.to_string(), a));
        assert!(!live(&class.to_string(), b), "another agency's record is not its");
        assert!(!live(&class.to_string().to_uppercase(), a), "SQLite compares the id's text");
        assert!(!live("not an id", a));
        let payloads = |link: RecordLink<'_>| store.transaction(|tx| tx.live_payloads(a, SyncEntity::ExamResult, link)).unwrap();
        assert_eq!(payloads(RecordLink::Worker(&worker)), std::slice::from_ref(&exam));
        assert_eq!(payloads(RecordLink::Class(&class.to_string())), std::slice::from_ref(&exam));
        assert_eq!(payloads(RecordLink::Id(&result.to_string())), std::slice::from_ref(&exam));
        assert_eq!(payloads(RecordLink::All), std::slice::from_ref(&exam));
        assert!(payloads(RecordLink::Worker("someone else")).is_empty());
        assert!(payloads(RecordLink::Id("nonsense")).is_empty());

        // Another agency's write of the same id leaves the row as it was (the flows refuse it
        // before; this is the backstop).
        store.transaction(|tx| tx.put_record(SyncEntity::ExamResult, result, b, &serde_json::json!({}), now())).unwrap();
        assert_eq!(payloads(RecordLink::All), std::slice::from_ref(&exam));

        store.transaction(|tx| tx.delete_record(SyncEntity::ExamResult, result, a, &serde_json::json!({}), now())).unwrap();
        assert!(payloads(RecordLink::All).is_empty(), "a deleted record is not live");
        let (deleted, version): (bool, i64) = db
            .connect()
            .query_one("SELECT deleted, version FROM agency_records WHERE entity_id = $1", &[&result])
            .map(|r| (r.get(0), r.get(1)))
            .unwrap();
        assert_eq!((deleted, version), (true, 2), "the marker keeps the row, one version on");
        store.transaction(|tx| tx.put_record(SyncEntity::ExamResult, result, a, &exam, now())).unwrap();
        assert_eq!(payloads(RecordLink::All), [exam], "an upsert revives it");
    }
}
