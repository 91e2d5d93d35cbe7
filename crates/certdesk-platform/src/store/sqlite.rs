//! The SQLite implementation of [`Store`]: one file in the data directory, WAL, synchronous
//! FULL, embedded append-only migrations recorded in `user_version`.
//!
//! One connection behind a mutex: the platform's writes are small and SQLite serialises
//! writers anyway, and it makes every method one plain transaction. This module must never
//! decide a business rule itself; it asks [`crate::rules`] and the domain crate.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use certdesk_domain::certificate_code::CertificateCode;
use certdesk_domain::WorkerStatus;
use certdesk_protocol::credential::{sign_payload, CredentialClaims};
use certdesk_protocol::operator::{DeviceInfo, ReviewItem};
use certdesk_protocol::sync::{
    ChangeBody, CheckKind, DeletedEntity, EntryOutcome, OutboxEntry, ReceivedEntry, SyncEntity,
    SyncOp,
};
use certdesk_protocol::{RevocationEntry, RevocationList, TrustList, TrustedKey};
use chrono::{DateTime, Datelike, Days, NaiveDate, Utc};
use ed25519_dalek::SigningKey;
use certdesk_migrate::{MigrateError, Migration};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use uuid::Uuid;

use super::{
    Agency, Decided, Decision, Device, NewApplication, PushContext, PushOutcome, Signer, Store,
    StoreError, StoreResult,
};
use crate::rules;
use certdesk_protocol::sync::Change;

mod operators;
mod records;
mod public;

/// Embedded migrations, in order. Append only; never edit one that has landed (the test
/// `landed_migrations_are_never_edited` pins each one's SHA-256).
pub const MIGRATIONS: &[Migration] = &[
    Migration { version: 1, name: "init", sql: include_str!("../../migrations/0001_init.sql") },
    Migration { version: 2, name: "operator_pages", sql: include_str!("../../migrations/0002_operator_pages.sql") },
    Migration { version: 3, name: "agency_records", sql: include_str!("../../migrations/0003_agency_records.sql") },
    Migration { version: 4, name: "public_feedback", sql: include_str!("../../migrations/0004_public_feedback.sql") },
];

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Database(e.to_string())
    }
}

/// The platform's records in one SQLite file.
pub struct SqliteStore {
    conn: Mutex<Connection>,
}

fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn uuid_of(s: String) -> StoreResult<Uuid> {
    Uuid::parse_str(&s).map_err(|_| StoreError::Corrupt(format!("uuid {s}")))
}

fn date_of(s: &str) -> StoreResult<NaiveDate> {
    s.parse()
        .map_err(|_| StoreError::Corrupt(format!("date {s}")))
}

fn status_of(s: &str) -> StoreResult<WorkerStatus> {
    WorkerStatus::parse(s).ok_or_else(|| StoreError::Corrupt(format!("status {s}")))
}

impl SqliteStore {
    /// Opens (creating if needed) `platform.sqlite3` in `data_dir` and runs pending migrations.
    pub fn open(data_dir: &Path) -> StoreResult<Self> {
        let conn = Connection::open(data_dir.join("platform.sqlite3"))?;
        Self::setup(conn)
    }

    /// An in-memory store, for unit tests.
    pub fn open_in_memory() -> StoreResult<Self> {
        Self::setup(Connection::open_in_memory()?)
    }

    fn setup(conn: Connection) -> StoreResult<Self> {
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        certdesk_migrate::run(&conn, MIGRATIONS).map_err(|e| match e {
            MigrateError::TooNew { found, known } => StoreError::SchemaTooNew { found, known },
            other => StoreError::Database(other.to_string()),
        })?;
        Ok(SqliteStore {
            conn: Mutex::new(conn),
        })
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves no half transaction behind (rusqlite rolls
        // back on drop), so the connection is still sound.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn add_change(
    tx: &Transaction<'_>,
    agency_id: Option<Uuid>,
    body: &ChangeBody,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let json = serde_json::to_string(body).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    tx.execute(
        "INSERT INTO changes (agency_id, body, created_at) VALUES (?1, ?2, ?3)",
        params![agency_id.map(|a| a.to_string()), json, ts(now)],
    )?;
    Ok(())
}

/// A worker row as the push needs it.
struct StoredWorker {
    agency_id: Uuid,
    id_number: String,
    status: WorkerStatus,
}

fn stored_worker(tx: &Transaction<'_>, id: Uuid) -> StoreResult<Option<StoredWorker>> {
    let row = tx
        .query_row(
            "SELECT agency_id, id_number, status FROM workers WHERE id = ?1",
            [id.to_string()],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            },
        )
        .optional()?;
    row.map(|(a, n, s)| {
        Ok(StoredWorker {
            agency_id: uuid_of(a)?,
            id_number: n,
            status: status_of(&s)?,
        })
    })
    .transpose()
}

/// Applies one entry inside the batch's transaction.
fn apply_entry(
    tx: &Transaction<'_>,
    ctx: &PushContext,
    entry: &OutboxEntry,
    signer: Option<&Signer<'_>>,
    new_apps: &mut Vec<NewApplication>,
) -> StoreResult<EntryOutcome> {
    if entry.entity.is_record() {
        return records::apply_record(tx, ctx, entry);
    }
    if entry.entity != SyncEntity::Worker {
        return Ok(rules::unsupported(entry.entity.as_str(), entry.op.as_str()));
    }
    let stored = stored_worker(tx, entry.entity_id)?;
    if let Some(s) = &stored {
        if s.agency_id != ctx.agency_id {
            return Ok(rules::foreign_record());
        }
    }
    match entry.op {
        SyncOp::Upsert | SyncOp::Apply => {
            let pushed = match rules::read_worker(&entry.payload, ctx.today) {
                Ok(p) => p,
                Err(outcome) => return Ok(outcome),
            };
            let id_number = pushed.valid.id_number.as_str().to_owned();
            let mut status = match &stored {
                Some(s) => rules::merge_status(s.status, pushed.reported_status),
                None => rules::merge_status(WorkerStatus::Enrolled, pushed.reported_status),
            };
            if let Some(s) = &stored {
                if s.id_number != id_number && rules::id_number_locked(s.status) {
                    return Ok(rules::id_number_change_refused());
                }
            }
            let mut application = None;
            if entry.op == SyncOp::Apply {
                status = match rules::may_apply(status) {
                    Ok(next) => next,
                    Err(outcome) => return Ok(outcome),
                };
                let holders: Vec<String> = {
                    let mut stmt = tx.prepare_cached(
                        "SELECT agency_id FROM workers WHERE id_number = ?1 AND id <> ?2
                         AND status IN ('applied', 'approved', 'printed', 'issued')",
                    )?;
                    let rows = stmt
                        .query_map(params![id_number, entry.entity_id.to_string()], |r| {
                            r.get(0)
                        })?;
                    rows.collect::<Result<_, _>>()?
                };
                if holders.iter().any(|a| *a != ctx.agency_id.to_string()) {
                    return Ok(rules::claimed_elsewhere());
                }
                if !holders.is_empty() {
                    return Ok(rules::claimed_here());
                }
                application = Some(Uuid::now_v7());
            }
            let record = serde_json::to_string(&pushed.valid)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?;
            // The photo a record names is kept beside it for the operators' review page; a
            // name that is not a blob name is ignored rather than trusted.
            let photo = entry
                .payload
                .get("photo_sha256")
                .and_then(|v| v.as_str())
                .filter(|s| crate::blob_upload::is_blob_name(s));
            tx.execute(
                "INSERT INTO workers (id, agency_id, id_number, name, status, record, version, updated_at, photo_sha256)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1, ?7, ?8)
                 ON CONFLICT (id) DO UPDATE SET id_number = excluded.id_number, name = excluded.name,
                   status = excluded.status, record = excluded.record, version = workers.version + 1,
                   updated_at = excluded.updated_at, photo_sha256 = excluded.photo_sha256",
                params![
                    entry.entity_id.to_string(),
                    ctx.agency_id.to_string(),
                    id_number,
                    pushed.valid.name,
                    status.code(),
                    record,
                    ts(ctx.now),
                    photo
                ],
            )?;
            if let Some(app_id) = application {
                tx.execute(
                    "INSERT INTO applications (id, worker_id, agency_id, id_number, status, applied_at)
                     VALUES (?1, ?2, ?3, ?4, 'pending', ?5)",
                    params![
                        app_id.to_string(),
                        entry.entity_id.to_string(),
                        ctx.agency_id.to_string(),
                        id_number,
                        ts(ctx.now)
                    ],
                )?;
                // Platform verification (平台核验) is the re-validation just done: the record is
                // complete and consistent by the domain's rules.
                add_change(
                    tx,
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
        SyncOp::Cancel => {
            let Some(s) = stored else {
                return Ok(rules::unknown_record());
            };
            if let Err(outcome) = rules::may_cancel(s.status) {
                return Ok(outcome);
            }
            let id = entry.entity_id.to_string();
            tx.execute(
                "UPDATE workers SET status = 'cancelled', version = version + 1, updated_at = ?2 WHERE id = ?1",
                params![id, ts(ctx.now)],
            )?;
            tx.execute(
                "UPDATE applications SET status = 'withdrawn', decided_at = ?2 WHERE worker_id = ?1 AND status = 'pending'",
                params![id, ts(ctx.now)],
            )?;
            let certs: Vec<(String, i64)> = {
                let mut stmt = tx.prepare_cached(
                    "SELECT code, card_version FROM certificates WHERE worker_id = ?1 AND revoked_at IS NULL",
                )?;
                let rows = stmt.query_map([&id], |r| Ok((r.get(0)?, r.get(1)?)))?;
                rows.collect::<Result<_, _>>()?
            };
            for (code, card_version) in certs {
                tx.execute(
                    "UPDATE certificates SET revoked_at = ?2 WHERE code = ?1",
                    params![code, ts(ctx.now)],
                )?;
                add_change(
                    tx,
                    None,
                    &ChangeBody::Revocation {
                        entry: RevocationEntry {
                            certificate_code: code,
                            revoked: true,
                            current_card_version: u16::try_from(card_version).unwrap_or(u16::MAX),
                        },
                    },
                    ctx.now,
                )?;
            }
            Ok(EntryOutcome::Applied)
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
    }
}

/// A new card for the worker's certificate (lost, damaged or misprinted card): the card
/// version goes up, the new card is valid from today to the certificate's end, and every older
/// card verifies as replaced.
fn reissue(
    tx: &Transaction<'_>,
    ctx: &PushContext,
    worker_id: Uuid,
    status: WorkerStatus,
    signer: &Signer<'_>,
) -> StoreResult<EntryOutcome> {
    let cert: Option<(String, u16, String)> = tx
        .query_row(
            "SELECT code, card_version, valid_until FROM certificates
             WHERE worker_id = ?1 AND revoked_at IS NULL",
            [worker_id.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let Some((code_text, card_version, valid_until)) = cert else {
        return Ok(rules::unknown_record());
    };
    let code = CertificateCode::parse(&code_text).map_err(|e| StoreError::Corrupt(e.message_en))?;
    let valid_until = date_of(&valid_until)?;
    if valid_until < ctx.today {
        return Ok(rules::certificate_expired());
    }
    let claims = CredentialClaims {
        key_id: signer.key_id,
        certificate_code: code,
        card_version: card_version.saturating_add(1),
        valid_from: ctx.today,
        valid_until,
    };
    let url = format!(
        "{}{}",
        signer.base_url,
        sign_payload(&claims, signer.key).map_err(|e| StoreError::Signing(e.to_string()))?
    );
    tx.execute(
        "UPDATE certificates SET card_version = ?2, valid_from = ?3, key_id = ?4, credential_url = ?5
         WHERE code = ?1",
        params![code_text, claims.card_version, ctx.today.to_string(), signer.key_id, url],
    )?;
    tx.execute(
        "UPDATE workers SET status = ?2, version = version + 1, updated_at = ?3 WHERE id = ?1",
        params![worker_id.to_string(), status.code(), ts(ctx.now)],
    )?;
    add_change(
        tx,
        Some(ctx.agency_id),
        &ChangeBody::Approval {
            worker_id,
            certificate_code: code_text.clone(),
            card_version: claims.card_version,
            valid_from: claims.valid_from,
            valid_until,
            credential_url: url,
        },
        ctx.now,
    )?;
    add_change(
        tx,
        None,
        &ChangeBody::Revocation {
            entry: RevocationEntry {
                certificate_code: code_text,
                revoked: false,
                current_card_version: claims.card_version,
            },
        },
        ctx.now,
    )?;
    Ok(EntryOutcome::Applied)
}

impl Store for SqliteStore {
    fn ready(&self) -> StoreResult<()> {
        self.conn().query_row("SELECT 1", [], |_| Ok(()))?;
        Ok(())
    }

    fn create_agency(&self, agency: &Agency, now: DateTime<Utc>) -> StoreResult<Option<()>> {
        let n = self.conn().execute(
            "INSERT INTO agencies (id, name, credit_code, district, created_at) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (credit_code) DO NOTHING",
            params![agency.id.to_string(), agency.name, agency.credit_code, agency.district, ts(now)],
        )?;
        Ok((n == 1).then_some(()))
    }

    fn add_enrolment_code(
        &self,
        agency_id: Uuid,
        code_hash: &str,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let conn = self.conn();
        let known: bool = conn
            .query_row(
                "SELECT 1 FROM agencies WHERE id = ?1",
                [agency_id.to_string()],
                |_| Ok(()),
            )
            .optional()?
            .is_some();
        if !known {
            return Ok(false);
        }
        conn.execute(
            "INSERT INTO enrolment_codes (code_hash, agency_id, expires_at) VALUES (?1, ?2, ?3)",
            params![code_hash, agency_id.to_string(), ts(expires_at)],
        )?;
        Ok(true)
    }

    fn redeem_enrolment_code(
        &self,
        code_hash: &str,
        device_id: Uuid,
        device_name: &str,
        secret_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Agency>> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        // Claiming the code and creating the device in one transaction: two desks racing with
        // the same code cannot both win.
        let agency_id: Option<String> = tx
            .query_row(
                "UPDATE enrolment_codes SET used_at = ?2, device_id = ?3
                 WHERE code_hash = ?1 AND used_at IS NULL AND expires_at > ?2 RETURNING agency_id",
                params![code_hash, ts(now), device_id.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        let Some(agency_id) = agency_id else {
            return Ok(None);
        };
        tx.execute(
            "INSERT INTO devices (id, agency_id, name, secret_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![device_id.to_string(), agency_id, device_name, secret_hash, ts(now)],
        )?;
        let agency = tx.query_row(
            "SELECT id, name, credit_code, district FROM agencies WHERE id = ?1",
            [&agency_id],
            |r| Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )?;
        tx.commit()?;
        Ok(Some(Agency {
            id: uuid_of(agency.0)?,
            name: agency.1,
            credit_code: agency.2,
            district: agency.3,
        }))
    }

    fn device(&self, id: Uuid) -> StoreResult<Option<Device>> {
        let row = self
            .conn()
            .query_row(
                "SELECT agency_id, secret_hash, revoked_at IS NOT NULL FROM devices WHERE id = ?1",
                [id.to_string()],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, bool>(2)?,
                    ))
                },
            )
            .optional()?;
        row.map(|(agency, secret_hash, revoked)| {
            Ok(Device {
                id,
                agency_id: uuid_of(agency)?,
                secret_hash,
                revoked,
            })
        })
        .transpose()
    }

    fn devices(&self) -> StoreResult<Vec<DeviceInfo>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT id, agency_id, name, revoked_at IS NOT NULL FROM devices ORDER BY created_at",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get(2)?,
                r.get(3)?,
            ))
        })?;
        rows.map(|r| {
            let (id, agency, name, revoked) = r?;
            Ok(DeviceInfo {
                device_id: uuid_of(id)?,
                agency_id: uuid_of(agency)?,
                name,
                revoked,
            })
        })
        .collect()
    }

    fn revoke_device(&self, id: Uuid, now: DateTime<Utc>) -> StoreResult<bool> {
        let conn = self.conn();
        let known = conn
            .query_row(
                "SELECT 1 FROM devices WHERE id = ?1",
                [id.to_string()],
                |_| Ok(()),
            )
            .optional()?
            .is_some();
        conn.execute(
            "UPDATE devices SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
            params![id.to_string(), ts(now)],
        )?;
        Ok(known)
    }

    fn push(
        &self,
        ctx: &PushContext,
        entries: &[ReceivedEntry],
        signer: Option<&Signer<'_>>,
    ) -> StoreResult<PushOutcome> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let mut out = PushOutcome::default();
        for entry in entries {
            let hash = rules::entry_hash(entry);
            let earlier: Option<(String, String)> = tx
                .query_row(
                    "SELECT payload_hash, outcome FROM receipts WHERE device_id = ?1 AND entry_id = ?2",
                    params![ctx.device_id.to_string(), entry.id().to_string()],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            if let Some((earlier_hash, earlier_outcome)) = earlier {
                let same = earlier_hash == hash || earlier_hash == rules::entry_hash_as_received(entry);
                let outcome = if !same {
                    rules::entry_reused()
                } else {
                    match serde_json::from_str::<EntryOutcome>(&earlier_outcome) {
                        // A refusal stays a refusal on retry, so the clerk still sees why.
                        Ok(
                            refusal @ (EntryOutcome::Rejected { .. }
                            | EntryOutcome::Conflict { .. }),
                        ) => refusal,
                        _ => EntryOutcome::Duplicate,
                    }
                };
                out.outcomes.push(outcome);
                continue;
            }
            let outcome = match entry {
                ReceivedEntry::Known(entry) => {
                    apply_entry(&tx, ctx, entry, signer, &mut out.new_applications)?
                }
                ReceivedEntry::Unknown(e) => rules::unsupported(&e.entity, &e.op),
            };
            let stored =
                serde_json::to_string(&outcome).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            tx.execute(
                "INSERT INTO receipts (device_id, entry_id, seq, payload_hash, outcome, received_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
                params![ctx.device_id.to_string(), entry.id().to_string(), entry.seq(), hash, stored, ts(ctx.now)],
            )?;
            out.outcomes.push(outcome);
        }
        tx.commit()?;
        Ok(out)
    }

    fn pending_reviews(&self) -> StoreResult<Vec<ReviewItem>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT a.id, a.worker_id, g.name, w.name, a.id_number, a.applied_at
             FROM applications a JOIN workers w ON w.id = a.worker_id JOIN agencies g ON g.id = a.agency_id
             WHERE a.status = 'pending' ORDER BY a.applied_at, a.id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })?;
        rows.map(|r| {
            let (app, worker, agency_name, name, id_number, applied_at) = r?;
            Ok(ReviewItem {
                application_id: uuid_of(app)?,
                worker_id: uuid_of(worker)?,
                agency_name,
                name,
                id_number,
                applied_at,
            })
        })
        .collect()
    }

    fn pending_for_id_number(&self, id_number: &str) -> StoreResult<Vec<Uuid>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT id FROM applications WHERE status = 'pending' AND id_number = ?1 ORDER BY applied_at",
        )?;
        let rows = stmt.query_map([id_number], |r| r.get::<_, String>(0))?;
        rows.map(|r| uuid_of(r?)).collect()
    }

    fn decide(
        &self,
        application_id: Uuid,
        decision: &Decision,
        signer: &Signer<'_>,
        today: NaiveDate,
        validity_days: u32,
        now: DateTime<Utc>,
    ) -> StoreResult<Decided> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let app: Option<(String, String, String)> = tx
            .query_row(
                "SELECT a.worker_id, a.agency_id, g.district FROM applications a JOIN agencies g ON g.id = a.agency_id
                 WHERE a.id = ?1 AND a.status = 'pending'",
                [application_id.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((worker_id, agency_id, district)) = app else {
            return Ok(Decided::NotPending);
        };
        let worker_uuid = uuid_of(worker_id.clone())?;
        let agency_uuid = uuid_of(agency_id.clone())?;
        let decided = match decision {
            Decision::Fail {
                reason_zh,
                reason_en,
            } => {
                tx.execute(
                    "UPDATE applications SET status = 'rejected', decided_at = ?2, reason = ?3 WHERE id = ?1",
                    params![application_id.to_string(), ts(now), reason_zh],
                )?;
                tx.execute(
                    "UPDATE workers SET status = 'rejected', version = version + 1, updated_at = ?2 WHERE id = ?1",
                    params![worker_id, ts(now)],
                )?;
                add_change(
                    &tx,
                    Some(agency_uuid),
                    &ChangeBody::CheckResult {
                        worker_id: worker_uuid,
                        check: CheckKind::PoliceCheck,
                        passed: false,
                        reason_zh: reason_zh.clone(),
                        reason_en: reason_en.clone(),
                    },
                    now,
                )?;
                add_change(
                    &tx,
                    Some(agency_uuid),
                    &ChangeBody::Rejection {
                        worker_id: worker_uuid,
                        code: "police_check_failed".into(),
                        message_zh: format!("公安比对未通过：{reason_zh}"),
                        message_en: format!("The police comparison failed: {reason_en}"),
                    },
                    now,
                )?;
                Decided::Rejected
            }
            Decision::Pass => {
                let district_no = CertificateCode::district_number(&district)
                    .ok_or_else(|| StoreError::Corrupt(format!("district {district}")))?;
                let year =
                    u16::try_from(today.year()).map_err(|_| StoreError::Corrupt("year".into()))?;
                let serial: u32 = tx.query_row(
                    "INSERT INTO serials (district, year, last_serial) VALUES (?1, ?2, 1)
                     ON CONFLICT (district, year) DO UPDATE SET last_serial = last_serial + 1
                     RETURNING last_serial",
                    params![district_no, year],
                    |r| r.get(0),
                )?;
                let code = CertificateCode::new(district_no, year, serial)
                    .map_err(|e| StoreError::Signing(e.message_en))?;
                let valid_until = today
                    .checked_add_days(Days::new(u64::from(validity_days.max(1) - 1)))
                    .ok_or_else(|| StoreError::Signing("validity".into()))?;
                let claims = CredentialClaims {
                    key_id: signer.key_id,
                    certificate_code: code,
                    card_version: 1,
                    valid_from: today,
                    valid_until,
                };
                let url = format!(
                    "{}{}",
                    signer.base_url,
                    sign_payload(&claims, signer.key)
                        .map_err(|e| StoreError::Signing(e.to_string()))?
                );
                let code_text = code.to_string();
                tx.execute(
                    "INSERT INTO certificates (code, worker_id, agency_id, application_id, card_version,
                       valid_from, valid_until, key_id, credential_url, issued_at)
                     VALUES (?1, ?2, ?3, ?4, 1, ?5, ?6, ?7, ?8, ?9)",
                    params![
                        code_text,
                        worker_id,
                        agency_id,
                        application_id.to_string(),
                        today.to_string(),
                        valid_until.to_string(),
                        signer.key_id,
                        url,
                        ts(now)
                    ],
                )?;
                tx.execute(
                    "UPDATE applications SET status = 'approved', decided_at = ?2 WHERE id = ?1",
                    params![application_id.to_string(), ts(now)],
                )?;
                tx.execute(
                    "UPDATE workers SET status = 'approved', version = version + 1, updated_at = ?2 WHERE id = ?1",
                    params![worker_id, ts(now)],
                )?;
                add_change(
                    &tx,
                    Some(agency_uuid),
                    &ChangeBody::CheckResult {
                        worker_id: worker_uuid,
                        check: CheckKind::PoliceCheck,
                        passed: true,
                        reason_zh: String::new(),
                        reason_en: String::new(),
                    },
                    now,
                )?;
                add_change(
                    &tx,
                    Some(agency_uuid),
                    &ChangeBody::Approval {
                        worker_id: worker_uuid,
                        certificate_code: code_text.clone(),
                        card_version: 1,
                        valid_from: today,
                        valid_until,
                        credential_url: url,
                    },
                    now,
                )?;
                Decided::Approved(code_text)
            }
        };
        tx.commit()?;
        Ok(decided)
    }

    fn changes_since(
        &self,
        agency_id: Uuid,
        since: i64,
        limit: u32,
    ) -> StoreResult<(Vec<Change>, bool)> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT seq, body FROM changes WHERE seq > ?1 AND (agency_id = ?2 OR agency_id IS NULL)
             ORDER BY seq LIMIT ?3",
        )?;
        let rows = stmt.query_map(
            params![since, agency_id.to_string(), i64::from(limit) + 1],
            |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)),
        )?;
        let mut changes = Vec::new();
        for row in rows {
            let (seq, body) = row?;
            let body: ChangeBody = serde_json::from_str(&body)
                .map_err(|e| StoreError::Corrupt(format!("change {seq}: {e}")))?;
            changes.push(Change { seq, body });
        }
        let more = changes.len() > limit as usize;
        changes.truncate(limit as usize);
        Ok((changes, more))
    }

    fn current_signing_key(
        &self,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> StoreResult<(u16, SigningKey)> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let current: Option<(u16, Vec<u8>)> = tx
            .query_row(
                "SELECT key_id, secret FROM signing_keys WHERE not_after IS NULL AND withdrawn_at IS NULL
                 ORDER BY key_id DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let found = match current {
            Some((id, secret)) => {
                let bytes: [u8; 32] = secret
                    .try_into()
                    .map_err(|_| StoreError::Corrupt(format!("signing key {id}")))?;
                (id, SigningKey::from_bytes(&bytes))
            }
            None => {
                let key = crate::keys::generate();
                let id = insert_key(&tx, &key, today, now)?;
                (id, key)
            }
        };
        tx.commit()?;
        Ok(found)
    }

    fn rotate_signing_key(
        &self,
        new_key: &SigningKey,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> StoreResult<u16> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let retiring: Vec<(u16, String, String)> = {
            let mut stmt = tx.prepare(
                "SELECT key_id, public_key, not_before FROM signing_keys
                 WHERE not_after IS NULL AND withdrawn_at IS NULL",
            )?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            rows.collect::<Result<_, _>>()?
        };
        for (key_id, public_key, not_before) in retiring {
            tx.execute(
                "UPDATE signing_keys SET not_after = ?2 WHERE key_id = ?1",
                params![key_id, today.to_string()],
            )?;
            let key = TrustedKey {
                key_id,
                public_key,
                not_before: date_of(&not_before)?,
                not_after: Some(today),
            };
            add_change(&tx, None, &ChangeBody::TrustKey { key }, now)?;
        }
        let id = insert_key(&tx, new_key, today, now)?;
        tx.commit()?;
        Ok(id)
    }

    fn withdraw_signing_key(&self, key_id: u16, now: DateTime<Utc>) -> StoreResult<bool> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let n = tx.execute(
            "UPDATE signing_keys SET withdrawn_at = ?2, not_after = COALESCE(not_after, ?3)
             WHERE key_id = ?1 AND withdrawn_at IS NULL",
            params![key_id, ts(now), now.date_naive().to_string()],
        )?;
        if n == 1 {
            add_change(
                &tx,
                None,
                &ChangeBody::Deleted {
                    entity: DeletedEntity::TrustKey.as_str().into(),
                    entity_id: key_id.to_string(),
                },
                now,
            )?;
        }
        tx.commit()?;
        Ok(n == 1)
    }

    fn add_blob(
        &self,
        agency_id: Uuid,
        sha256: &str,
        size: u64,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.conn().execute(
            "INSERT INTO blobs (agency_id, sha256, size, created_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT DO NOTHING",
            params![agency_id.to_string(), sha256, size as i64, ts(now)],
        )?;
        Ok(())
    }

    fn has_blob(&self, agency_id: Uuid, sha256: &str) -> StoreResult<bool> {
        Ok(self
            .conn()
            .query_row(
                "SELECT 1 FROM blobs WHERE agency_id = ?1 AND sha256 = ?2",
                params![agency_id.to_string(), sha256],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    fn trust_list(&self) -> StoreResult<TrustList> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT key_id, public_key, not_before, not_after FROM signing_keys
             WHERE withdrawn_at IS NULL ORDER BY key_id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, u16>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
            ))
        })?;
        let keys = rows
            .map(|r| {
                let (key_id, public_key, nb, na) = r?;
                Ok(TrustedKey {
                    key_id,
                    public_key,
                    not_before: date_of(&nb)?,
                    not_after: na.as_deref().map(date_of).transpose()?,
                })
            })
            .collect::<StoreResult<_>>()?;
        Ok(TrustList { keys })
    }

    fn revocations(&self) -> StoreResult<RevocationList> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT code, revoked_at IS NOT NULL, card_version FROM certificates
             WHERE revoked_at IS NOT NULL OR card_version > 1 ORDER BY code",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(RevocationEntry {
                certificate_code: r.get(0)?,
                revoked: r.get(1)?,
                current_card_version: r.get(2)?,
            })
        })?;
        Ok(RevocationList {
            entries: rows.collect::<Result<_, _>>()?,
        })
    }
}

fn insert_key(
    tx: &Transaction<'_>,
    key: &SigningKey,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> StoreResult<u16> {
    let next: u16 = tx.query_row(
        "SELECT COALESCE(MAX(key_id), 0) + 1 FROM signing_keys",
        [],
        |r| r.get(0),
    )?;
    let trusted = TrustedKey::for_signing_key(next, key, today, None);
    tx.execute(
        "INSERT INTO signing_keys (key_id, secret, public_key, not_before) VALUES (?1, ?2, ?3, ?4)",
        params![
            next,
            key.to_bytes().to_vec(),
            trusted.public_key,
            today.to_string()
        ],
    )?;
    add_change(tx, None, &ChangeBody::TrustKey { key: trusted }, now)?;
    Ok(next)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn now() -> DateTime<Utc> {
        "2026-11-27T02:00:00Z".parse().unwrap()
    }

    /// The SHA-256 of every landed migration. A landed migration is never edited: a change to
    /// the schema is a new migration, appended with its own pin here.
    const PINNED: &[(u32, &str)] = &[
        (1, "a7882fd160598dec3e62a6810eb62e3cc92ecd13289a2d1115c2ba6f301909fe"),
        (2, "cc353070b01a3b6be14532d9a7e41a6650d09e325bb551e673e4ecc3ff4b8619"),
        (3, "dd748bf28fb4b241fd1585666a5c4f155b8626b5a0f04352b54cb48f662ef287"),
        (4, "57b40f69727f3dc1ac2627c10f4dac25a0d7dab023a2d14e2384dc36c26fec9d"),
    ];

    #[test]
    fn landed_migrations_are_never_edited() {
        let problems = certdesk_migrate::check_pins(MIGRATIONS, PINNED);
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    #[test]
    fn a_database_from_a_newer_platform_is_refused_with_a_sentence_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        drop(SqliteStore::open(dir.path()).unwrap());
        let file = dir.path().join("platform.sqlite3");
        Connection::open(&file).unwrap().pragma_update(None, "user_version", 99).unwrap();
        let err = SqliteStore::open(dir.path()).err().expect("a newer file is refused");
        assert!(matches!(err, StoreError::SchemaTooNew { found: 99, known: 4 }), "{err}");
        assert_eq!(
            err.to_string(),
            "the database is at schema version 99, newer than this platform knows (4): upgrade certdesk-platform before starting it on this data directory"
        );
        let v: i64 = Connection::open(&file).unwrap().query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(v, 99, "the file is left as it was");
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
    }

    fn agency(store: &SqliteStore, credit: &str) -> Uuid {
        let a = Agency {
            id: Uuid::now_v7(),
            name: "机构".into(),
            credit_code: credit.into(),
            district: "黄浦区".into(),
        };
        store.create_agency(&a, now()).unwrap().unwrap();
        a.id
    }

    fn device(store: &SqliteStore, agency: Uuid) -> Uuid {
        let hash = format!("code-{}", Uuid::now_v7());
        assert!(store
            .add_enrolment_code(agency, &hash, now() + chrono::Duration::hours(1))
            .unwrap());
        let id = Uuid::now_v7();
        store
            .redeem_enrolment_code(&hash, id, "desk", "secret-hash", now())
            .unwrap()
            .unwrap();
        id
    }

    #[test]
    fn reopening_the_file_runs_no_migration_twice_and_keeps_records() {
        let dir = tempfile::tempdir().unwrap();
        let id = {
            let store = SqliteStore::open(dir.path()).unwrap();
            agency(&store, "91310000MA1FL8L971")
        };
        let store = SqliteStore::open(dir.path()).unwrap();
        let version: usize = store
            .conn()
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, MIGRATIONS.len());
        let mode: String = store
            .conn()
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        let a = Agency {
            id: Uuid::now_v7(),
            name: "again".into(),
            credit_code: "91310000MA1FL8L971".into(),
            district: "黄浦区".into(),
        };
        assert_eq!(
            store.create_agency(&a, now()).unwrap(),
            None,
            "{id} is still registered"
        );
    }

    #[test]
    fn an_enrolment_code_creates_exactly_one_device_and_expires() {
        let store = SqliteStore::open_in_memory().unwrap();
        let a = agency(&store, "A");
        store
            .add_enrolment_code(a, "h", now() + chrono::Duration::seconds(1))
            .unwrap();
        let d1 = Uuid::now_v7();
        assert!(store
            .redeem_enrolment_code("h", d1, "x", "s", now())
            .unwrap()
            .is_some());
        assert!(store
            .redeem_enrolment_code("h", Uuid::now_v7(), "x", "s", now())
            .unwrap()
            .is_none());
        store.add_enrolment_code(a, "late", now()).unwrap();
        assert!(
            store
                .redeem_enrolment_code("late", Uuid::now_v7(), "x", "s", now())
                .unwrap()
                .is_none(),
            "a code is dead at its expiry instant"
        );
        assert_eq!(store.devices().unwrap().len(), 1);
    }

    #[test]
    fn the_database_itself_refuses_a_second_claim_on_one_person() {
        let store = SqliteStore::open_in_memory().unwrap();
        let a = agency(&store, "A");
        let b = agency(&store, "B");
        let id_number = "11010519491231002X";
        for (agency_id, status) in [(a, "applied"), (b, "applied")] {
            let result = store.conn().execute(
                "INSERT INTO workers (id, agency_id, id_number, name, status, record, version, updated_at)
                 VALUES (?1, ?2, ?3, 'x', ?4, '{}', 1, 'now')",
                params![Uuid::now_v7().to_string(), agency_id.to_string(), id_number, status],
            );
            if agency_id == b {
                assert!(
                    result.is_err(),
                    "the partial unique index is the backstop of the rule"
                );
            } else {
                result.unwrap();
            }
        }
    }

    #[test]
    fn serials_count_up_per_district_and_year_so_codes_never_repeat() {
        let store = SqliteStore::open_in_memory().unwrap();
        let a = agency(&store, "A");
        let dev = device(&store, a);
        let ctx = PushContext {
            device_id: dev,
            agency_id: a,
            now: now(),
            today: today(),
        };
        let key = crate::keys::generate();
        let signer = Signer {
            key_id: 1,
            key: &key,
            base_url: "https://p.example/c/",
        };
        let mut codes = Vec::new();
        for n in 0..3u32 {
            let first17 = format!("3101041980010{}{:03}", 1 + n, 100 + n);
            let id = format!(
                "{first17}{}",
                certdesk_domain::check_char(&first17).unwrap()
            );
            let payload = json!({
                "name": "张三", "id_number": id, "phone": "13812345678", "address": "某路1号",
                "service_types": ["cleaning"], "emergency_contact_name": "王五",
                "emergency_contact_phone": "13912345678", "consent_date": "2026-01-01",
                "agency_check_done": true, "status": "eligible"
            });
            let entry = OutboxEntry {
                seq: i64::from(n),
                id: Uuid::now_v7(),
                entity: SyncEntity::Worker,
                entity_id: Uuid::now_v7(),
                op: SyncOp::Apply,
                payload,
            };
            let out = store.push(&ctx, &[entry.into()], None).unwrap();
            assert_eq!(out.outcomes, [EntryOutcome::Applied]);
            let app = out.new_applications[0].application_id;
            match store
                .decide(app, &Decision::Pass, &signer, today(), 365, now())
                .unwrap()
            {
                Decided::Approved(code) => codes.push(code),
                other => panic!("{other:?}"),
            }
        }
        let serials: Vec<u32> = codes
            .iter()
            .map(|c| CertificateCode::parse(c).unwrap().serial())
            .collect();
        assert_eq!(serials, [1, 2, 3]);
    }
}
