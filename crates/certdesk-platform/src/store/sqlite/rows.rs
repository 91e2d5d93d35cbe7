//! [`Repo`] on SQLite: each [`Tx`] call is one statement (or one small read) on the open
//! transaction. Nothing here decides a rule; the flows in [`crate::flows`] do.

use certdesk_domain::WorkerStatus;
use certdesk_protocol::sync::{ChangeBody, EntryOutcome, SyncEntity};
use certdesk_protocol::TrustedKey;
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, OptionalExtension, Transaction};
use uuid::Uuid;

use super::operator_keys;
use super::operators::{self as operator_rows, time_of};
use super::{date_of, device_row, public, status_of, ts, uuid_of, SqliteStore};
use crate::store::operators::{OperatorAccount, OperatorSession};
use crate::store::public::{FeedbackFrom, FeedbackKind, FeedbackSubmission};
use crate::store::repo::{
    ApplicationDecision, ApplicationKind, CertificateHolder, EnrolmentCode, FilingKey, LiveCertificate, NewFiling, NewCard, NewCertificate, PendingApplication, Receipt,
    RecordLink, Repo, StoredWorker, Tx, WorkerRow, WorkerWrite,
};
use crate::store::{Agency, Device, StoreError, StoreResult};
use crate::store::columns::{application_kind_of, application_status};
use crate::store::complaints::{ComplaintEvent, ComplaintFilter, ComplaintRow};

/// The name of the schema's one-claim-per-person index (migration `init`).
const ONE_CLAIM_INDEX: &str = "workers_one_claim_per_person";

impl Repo for SqliteStore {
    fn run_transaction(
        &self,
        f: &mut dyn FnMut(&mut dyn Tx) -> StoreResult<()>,
    ) -> StoreResult<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        // An error drops `tx` uncommitted: rusqlite rolls it back.
        f(&mut SqliteTx(&tx, self.vault()))?;
        tx.commit()?;
        Ok(())
    }
}

impl SqliteTx<'_, '_> {
    /// A key held in a PKCS#11 token loses its token object with its row's secret.
    fn destroy_token_key(&mut self, key_id: u16) -> StoreResult<()> {
        let stored: Option<Vec<u8>> =
            self.0.query_row("SELECT secret FROM signing_keys WHERE key_id = ?1", [key_id], |r| r.get(0)).optional()?;
        if let Some(stored) = stored {
            self.1.destroy(&stored).map_err(StoreError::Signing)?;
        }
        Ok(())
    }
}

/// One open SQLite transaction.
pub(super) struct SqliteTx<'a, 'c>(pub(super) &'a Transaction<'c>, pub(super) &'a crate::keys::KeyVault);

fn json<T: serde::Serialize>(value: &T) -> StoreResult<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// Adds a change on an open transaction.
fn add_change(
    tx: &Transaction<'_>,
    agency_id: Option<Uuid>,
    body: &ChangeBody,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO changes (agency_id, body, created_at) VALUES (?1, ?2, ?3)",
        params![agency_id.map(|a| a.to_string()), json(body)?, ts(now)],
    )?;
    Ok(())
}

impl Tx for SqliteTx<'_, '_> {
    fn agency(&mut self, id: Uuid) -> StoreResult<Option<Agency>> {
        let row = self
            .0
            .query_row(
                "SELECT name, credit_code, district FROM agencies WHERE id = ?1",
                [id.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        Ok(row.map(|(name, credit_code, district)| Agency {
            id,
            name,
            credit_code,
            district,
        }))
    }

    fn add_enrolment_code(
        &mut self,
        code_hash: &str,
        agency_id: Uuid,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.0.execute(
            "INSERT INTO enrolment_codes (code_hash, agency_id, expires_at) VALUES (?1, ?2, ?3)",
            params![code_hash, agency_id.to_string(), ts(expires_at)],
        )?;
        Ok(())
    }

    fn enrolment_code(&mut self, code_hash: &str) -> StoreResult<Option<EnrolmentCode>> {
        let row: Option<(String, String, bool)> = self
            .0
            .query_row(
                "SELECT agency_id, expires_at, used_at IS NOT NULL FROM enrolment_codes WHERE code_hash = ?1",
                [code_hash],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        row.map(|(agency, expires, used)| {
            Ok(EnrolmentCode {
                agency_id: uuid_of(agency)?,
                expires_at: time_of(&expires)?,
                used,
            })
        })
        .transpose()
    }

    fn use_enrolment_code(
        &mut self,
        code_hash: &str,
        device_id: Uuid,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let n = self.0.execute(
            "UPDATE enrolment_codes SET used_at = ?2, device_id = ?3
             WHERE code_hash = ?1 AND used_at IS NULL",
            params![code_hash, ts(now), device_id.to_string()],
        )?;
        Ok(n == 1)
    }

    fn add_device(
        &mut self,
        id: Uuid,
        agency_id: Uuid,
        name: &str,
        secret_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.0.execute(
            "INSERT INTO devices (id, agency_id, name, secret_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id.to_string(), agency_id.to_string(), name, secret_hash, ts(now)],
        )?;
        Ok(())
    }

    fn device(&mut self, id: Uuid) -> StoreResult<Option<Device>> {
        device_row(self.0, id)
    }

    fn revoke_device(&mut self, id: Uuid, now: DateTime<Utc>) -> StoreResult<()> {
        self.0.execute(
            "UPDATE devices SET revoked_at = ?2 WHERE id = ?1",
            params![id.to_string(), ts(now)],
        )?;
        Ok(())
    }

    fn operator_by_name(&mut self, name: &str) -> StoreResult<Option<OperatorAccount>> {
        operator_rows::operator_by_name(self.0, self.1, name)
    }

    fn add_operator(
        &mut self,
        id: Uuid,
        name: &str,
        password_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        operator_rows::add_operator(self.0, id, name, password_hash, now)
    }

    fn set_operator_password(&mut self, id: Uuid, password_hash: &str) -> StoreResult<()> {
        operator_rows::set_operator_password(self.0, id, password_hash)
    }

    fn set_operator_role(&mut self, id: Uuid, role: crate::store::operators::OperatorRole) -> StoreResult<()> {
        operator_rows::set_operator_role(self.0, id, role)
    }

    fn clear_sign_in_failures(&mut self, id: Uuid, network: Option<&str>) -> StoreResult<()> {
        operator_rows::clear_sign_in_failures(self.0, id, network)
    }

    fn sign_in_lock(&mut self, id: Uuid, network: &str) -> StoreResult<(u32, Option<DateTime<Utc>>)> {
        operator_keys::sign_in_lock(self.0, id, network)
    }

    fn set_sign_in_lock(&mut self, id: Uuid, network: &str, failures: u32, locked_until: Option<DateTime<Utc>>) -> StoreResult<()> {
        operator_keys::set_sign_in_lock(self.0, id, network, failures, locked_until)
    }

    fn set_operator_totp(&mut self, id: Uuid, secret: Option<&[u8]>) -> StoreResult<()> {
        operator_keys::set_operator_totp(self.0, self.1, id, secret)
    }

    fn use_totp_step(&mut self, id: Uuid, step: i64) -> StoreResult<bool> {
        operator_keys::use_totp_step(self.0, id, step)
    }

    fn add_api_key(&mut self, key: &crate::store::operators::NewApiKey<'_>) -> StoreResult<()> {
        operator_keys::add_api_key(self.0, key)
    }

    fn api_key(&mut self, key_sha256: &str) -> StoreResult<Option<crate::store::operators::ApiKey>> {
        operator_keys::api_key(self.0, key_sha256)
    }

    fn revoke_api_key(&mut self, operator_id: Uuid, id: Uuid, now: DateTime<Utc>) -> StoreResult<bool> {
        operator_keys::revoke_api_key(self.0, operator_id, id, now)
    }

    fn touch_api_key(&mut self, id: Uuid, now: DateTime<Utc>) -> StoreResult<()> {
        operator_keys::touch_api_key(self.0, id, now)
    }

    fn add_audit(&mut self, line: &crate::store::operators::AuditLine) -> StoreResult<i64> {
        operator_keys::add_audit(self.0, line)
    }

    fn finish_audit(&mut self, seq: i64, outcome: &str) -> StoreResult<()> {
        operator_keys::finish_audit(self.0, seq, outcome)
    }

    fn key_request(
        &mut self,
        action: crate::store::operators::KeyAction,
        key_id: Option<u16>,
        since: DateTime<Utc>,
    ) -> StoreResult<Option<crate::store::operators::KeyRequest>> {
        operator_keys::key_request(self.0, action, key_id, since)
    }

    fn add_key_request(&mut self, request: &crate::store::operators::KeyRequest) -> StoreResult<()> {
        operator_keys::add_key_request(self.0, request)
    }

    fn finish_key_request(&mut self, id: Uuid, done_by: &str, now: DateTime<Utc>) -> StoreResult<()> {
        operator_keys::finish_key_request(self.0, id, done_by, now)
    }

    fn delete_sessions_of(&mut self, operator_id: Uuid) -> StoreResult<()> {
        operator_rows::delete_sessions_of(self.0, operator_id)
    }

    fn delete_sessions_expired_by(&mut self, at: DateTime<Utc>) -> StoreResult<()> {
        operator_rows::delete_sessions_expired_by(self.0, at)
    }

    fn add_session(
        &mut self,
        id_hash: &str,
        operator_id: Uuid,
        csrf_token: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<()> {
        operator_rows::add_session(self.0, id_hash, operator_id, csrf_token, now, expires_at)
    }

    fn session(&mut self, id_hash: &str) -> StoreResult<Option<OperatorSession>> {
        operator_rows::session(self.0, id_hash)
    }

    fn delete_session(&mut self, id_hash: &str) -> StoreResult<()> {
        operator_rows::delete_session(self.0, id_hash)
    }

    fn receipt(&mut self, device_id: Uuid, entry_id: Uuid) -> StoreResult<Option<Receipt>> {
        let row: Option<(String, String)> = self
            .0
            .query_row(
                "SELECT payload_hash, outcome FROM receipts WHERE device_id = ?1 AND entry_id = ?2",
                params![device_id.to_string(), entry_id.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        Ok(row.map(|(payload_hash, outcome)| Receipt {
            payload_hash,
            outcome: serde_json::from_str(&outcome).ok(),
        }))
    }

    fn add_receipt(
        &mut self,
        device_id: Uuid,
        entry_id: Uuid,
        seq: i64,
        payload_hash: &str,
        outcome: &EntryOutcome,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.0.execute(
            "INSERT INTO receipts (device_id, entry_id, seq, payload_hash, outcome, received_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
            params![
                device_id.to_string(),
                entry_id.to_string(),
                seq,
                payload_hash,
                json(outcome)?,
                ts(now)
            ],
        )?;
        Ok(())
    }

    fn add_change(
        &mut self,
        agency_id: Option<Uuid>,
        body: &ChangeBody,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        add_change(self.0, agency_id, body, now)
    }

    fn worker(&mut self, id: Uuid) -> StoreResult<Option<StoredWorker>> {
        let row = self
            .0
            .query_row(
                "SELECT agency_id, id_number, status, version, name FROM workers WHERE id = ?1",
                [id.to_string()],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, i64>(3)?,
                        r.get::<_, String>(4)?,
                    ))
                },
            )
            .optional()?;
        row.map(|(a, n, s, version, name)| {
            Ok(StoredWorker {
                agency_id: uuid_of(a)?,
                id_number: n,
                status: status_of(&s)?,
                version,
                name,
            })
        })
        .transpose()
    }

    fn worker_in_agency(&mut self, id: &str, agency_id: Uuid) -> StoreResult<bool> {
        Ok(self
            .0
            .query_row(
                "SELECT 1 FROM workers WHERE id = ?1 AND agency_id = ?2",
                params![id, agency_id.to_string()],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    fn other_workers_of_person(
        &mut self,
        id_number: &str,
        except: Uuid,
        statuses: &[WorkerStatus],
    ) -> StoreResult<Vec<Uuid>> {
        let codes: Vec<&str> = statuses.iter().map(|s| s.code()).collect();
        let mut stmt = self.0.prepare_cached(
            "SELECT agency_id FROM workers WHERE id_number = ?1 AND id <> ?2
             AND status IN (SELECT value FROM json_each(?3))",
        )?;
        let rows = stmt.query_map(
            params![id_number, except.to_string(), json(&codes)?],
            |r| r.get::<_, String>(0),
        )?;
        rows.map(|r| uuid_of(r?)).collect()
    }

    fn agency_worker_of_person(&mut self, agency_id: Uuid, id_number: &str, except: Uuid) -> StoreResult<Option<Uuid>> {
        let id: Option<String> = self
            .0
            .query_row(
                "SELECT id FROM workers WHERE id_number = ?1 AND agency_id = ?2 AND id <> ?3 ORDER BY id LIMIT 1",
                params![id_number, agency_id.to_string(), except.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        id.map(uuid_of).transpose()
    }

    fn worker_alias(&mut self, alias: &str, agency_id: Uuid) -> StoreResult<Option<Uuid>> {
        let id: Option<String> = self
            .0
            .query_row(
                "SELECT worker_id FROM worker_aliases WHERE alias_id = ?1 AND agency_id = ?2",
                params![alias, agency_id.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        id.map(uuid_of).transpose()
    }

    fn add_worker_alias(&mut self, alias: Uuid, worker_id: Uuid, agency_id: Uuid, now: DateTime<Utc>) -> StoreResult<()> {
        self.0.execute(
            "INSERT INTO worker_aliases (alias_id, worker_id, agency_id, created_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (alias_id) DO NOTHING",
            params![alias.to_string(), worker_id.to_string(), agency_id.to_string(), ts(now)],
        )?;
        Ok(())
    }

    fn put_worker(&mut self, row: &WorkerRow<'_>, now: DateTime<Utc>) -> StoreResult<WorkerWrite> {
        let result = self.0.execute(
            "INSERT INTO workers (id, agency_id, id_number, name, status, record, version, updated_at, photo_sha256)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1, ?7, ?8)
             ON CONFLICT (id) DO UPDATE SET id_number = excluded.id_number, name = excluded.name,
               status = excluded.status, record = excluded.record, version = workers.version + 1,
               updated_at = excluded.updated_at, photo_sha256 = excluded.photo_sha256",
            params![
                row.id.to_string(),
                row.agency_id.to_string(),
                row.record.id_number.as_str(),
                row.record.name,
                row.status.code(),
                json(row.record)?,
                ts(now),
                row.photo_sha256
            ],
        );
        match result {
            Ok(_) => Ok(WorkerWrite::Written),
            // SQLite names the index's columns, not the index: `workers.id_number` is unique
            // only through the one-claim index.
            Err(rusqlite::Error::SqliteFailure(e, Some(message)))
                if e.code == rusqlite::ErrorCode::ConstraintViolation
                    && (message.contains(ONE_CLAIM_INDEX)
                        || message.contains("workers.id_number")) =>
            {
                Ok(WorkerWrite::ClaimTaken)
            }
            Err(e) => Err(e.into()),
        }
    }

    fn set_worker_status(
        &mut self,
        id: Uuid,
        status: WorkerStatus,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.0.execute(
            "UPDATE workers SET status = ?2, version = version + 1, updated_at = ?3 WHERE id = ?1",
            params![id.to_string(), status.code(), ts(now)],
        )?;
        Ok(())
    }

    fn add_application(
        &mut self,
        id: Uuid,
        worker_id: Uuid,
        agency_id: Uuid,
        id_number: &str,
        kind: ApplicationKind,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.0.execute(
            "INSERT INTO applications (id, worker_id, agency_id, id_number, status, applied_at, kind)
             VALUES (?1, ?2, ?3, ?4, 'pending', ?5, ?6)",
            params![id.to_string(), worker_id.to_string(), agency_id.to_string(), id_number, ts(now), kind.code()],
        )?;
        Ok(())
    }

    fn pending_application(&mut self, id: Uuid) -> StoreResult<Option<PendingApplication>> {
        let row: Option<(String, String, String, String)> = self
            .0
            .query_row(
                "SELECT a.worker_id, a.agency_id, g.district, a.kind FROM applications a JOIN agencies g ON g.id = a.agency_id
                 WHERE a.id = ?1 AND a.status = 'pending'",
                [id.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        row.map(|(worker, agency, district, kind)| {
            Ok(PendingApplication {
                kind: application_kind_of(&kind)?,
                worker_id: uuid_of(worker)?,
                agency_id: uuid_of(agency)?,
                district,
            })
        })
        .transpose()
    }

    fn pending_details_application(&mut self, worker_id: Uuid) -> StoreResult<Option<Uuid>> {
        self.0
            .query_row(
                "SELECT id FROM applications WHERE worker_id = ?1 AND kind = 'details' AND status = 'pending'",
                [worker_id.to_string()],
                |r| r.get::<_, String>(0),
            )
            .optional()?
            .map(uuid_of)
            .transpose()
    }

    fn approved_identity(&mut self, worker_id: Uuid) -> StoreResult<Option<certdesk_domain::PublicIdentity>> {
        public::approved_identity(self.0, worker_id)
    }

    fn refresh_approved_identity(&mut self, worker_id: Uuid) -> StoreResult<()> {
        self.0.execute(
            "UPDATE certificates SET approved_name = w.name, approved_photo_sha256 = w.photo_sha256,
               approved_service_types = json_extract(w.record, '$.service_types')
             FROM workers w WHERE w.id = certificates.worker_id AND certificates.worker_id = ?1
               AND certificates.revoked_at IS NULL",
            [worker_id.to_string()],
        )?;
        Ok(())
    }

    fn decide_application(
        &mut self,
        id: Uuid,
        decision: ApplicationDecision<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let (status, reason) = application_status(decision);
        self.0.execute(
            "UPDATE applications SET status = ?2, decided_at = ?3, reason = COALESCE(?4, reason) WHERE id = ?1",
            params![id.to_string(), status, ts(now), reason],
        )?;
        Ok(())
    }

    fn decide_pending_of_worker(
        &mut self,
        worker_id: Uuid,
        decision: ApplicationDecision<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let (status, reason) = application_status(decision);
        self.0.execute(
            "UPDATE applications SET status = ?2, decided_at = ?3, reason = COALESCE(?4, reason)
             WHERE worker_id = ?1 AND status = 'pending'",
            params![worker_id.to_string(), status, ts(now), reason],
        )?;
        Ok(())
    }

    fn next_serial(&mut self, district: u8, year: u16) -> StoreResult<u32> {
        Ok(self.0.query_row(
            "INSERT INTO serials (district, year, last_serial) VALUES (?1, ?2, 1)
             ON CONFLICT (district, year) DO UPDATE SET last_serial = last_serial + 1
             RETURNING last_serial",
            params![district, year],
            |r| r.get(0),
        )?)
    }

    fn add_certificate(&mut self, cert: &NewCertificate<'_>, now: DateTime<Utc>) -> StoreResult<()> {
        self.0.execute(
            // The identity shown is frozen here, from the record as the platform holds it in
            // this very transaction (migration approved_identity).
            "INSERT INTO certificates (code, worker_id, agency_id, application_id, card_version,
               valid_from, valid_until, key_id, credential_url, issued_at,
               approved_name, approved_id_number, approved_photo_sha256, approved_service_types)
             SELECT ?1, ?2, ?3, ?4, 1, ?5, ?6, ?7, ?8, ?9,
               w.name, w.id_number, w.photo_sha256, json_extract(w.record, '$.service_types')
             FROM workers w WHERE w.id = ?2",
            params![
                cert.code,
                cert.worker_id.to_string(),
                cert.agency_id.to_string(),
                cert.application_id.to_string(),
                cert.valid_from.to_string(),
                cert.valid_until.to_string(),
                cert.key_id,
                cert.credential_url,
                ts(now)
            ],
        )?;
        Ok(())
    }

    fn live_certificates(&mut self, worker_id: Uuid) -> StoreResult<Vec<LiveCertificate>> {
        let mut stmt = self.0.prepare_cached(
            "SELECT code, card_version, valid_until FROM certificates
             WHERE worker_id = ?1 AND revoked_at IS NULL",
        )?;
        let rows = stmt.query_map([worker_id.to_string()], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, u16>(1)?, r.get::<_, String>(2)?))
        })?;
        rows.map(|r| {
            let (code, card_version, valid_until) = r?;
            Ok(LiveCertificate {
                code,
                card_version,
                valid_until: date_of(&valid_until)?,
            })
        })
        .collect()
    }

    fn revoke_certificate(&mut self, code: &str, now: DateTime<Utc>) -> StoreResult<()> {
        self.0.execute(
            "UPDATE certificates SET revoked_at = ?2 WHERE code = ?1",
            params![code, ts(now)],
        )?;
        Ok(())
    }

    fn set_card(&mut self, card: &NewCard<'_>) -> StoreResult<()> {
        self.0.execute(
            "UPDATE certificates SET card_version = ?2, valid_from = ?3, key_id = ?4, credential_url = ?5
             WHERE code = ?1",
            params![
                card.code,
                card.card_version,
                card.valid_from.to_string(),
                card.key_id,
                card.credential_url
            ],
        )?;
        Ok(())
    }

    fn record_owner(&mut self, entity: SyncEntity, entity_id: Uuid) -> StoreResult<Option<Uuid>> {
        let owner: Option<String> = self
            .0
            .query_row(
                "SELECT agency_id FROM agency_records WHERE entity = ?1 AND entity_id = ?2",
                params![entity.as_str(), entity_id.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        owner.map(uuid_of).transpose()
    }

    fn record_live(&mut self, entity: SyncEntity, entity_id: &str, agency_id: Uuid) -> StoreResult<bool> {
        Ok(self
            .0
            .query_row(
                "SELECT 1 FROM agency_records WHERE entity = ?3
                 AND entity_id = ?1 AND agency_id = ?2 AND deleted = 0",
                params![entity_id, agency_id.to_string(), entity.as_str()],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    fn live_records(&mut self, agency_id: Uuid, entity: SyncEntity, link: RecordLink<'_>) -> StoreResult<Vec<(Uuid, serde_json::Value)>> {
        // The expressions are the indexes' own (migration record_links), so each is one range.
        let (filter, value) = match link {
            RecordLink::All => ("", None),
            RecordLink::Id(id) => (" AND entity_id = ?3", Some(id)),
            RecordLink::Worker(id) => (" AND json_extract(payload, '$.worker_id') = ?3", Some(id)),
            RecordLink::Class(id) => (" AND json_extract(payload, '$.class_id') = ?3", Some(id)),
        };
        let sql = format!(
            "SELECT entity_id, payload FROM agency_records WHERE agency_id = ?1 AND entity = ?2 AND deleted = 0{filter} ORDER BY entity_id"
        );
        let mut stmt = self.0.prepare_cached(&sql)?;
        let agency = agency_id.to_string();
        let row = |r: &rusqlite::Row<'_>| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?));
        let rows = match value {
            None => stmt.query_map(params![agency, entity.as_str()], row)?.collect::<Result<Vec<_>, _>>()?,
            Some(v) => stmt.query_map(params![agency, entity.as_str(), v], row)?.collect::<Result<Vec<_>, _>>()?,
        };
        // A payload is stored as the desk sent it, already parsed once; one that no longer
        // parses is skipped (it cannot count towards anything).
        Ok(rows
            .iter()
            .filter_map(|(id, p)| Some((Uuid::parse_str(id).ok()?, serde_json::from_str(p).ok()?)))
            .collect())
    }

    fn put_record(
        &mut self,
        entity: SyncEntity,
        entity_id: Uuid,
        agency_id: Uuid,
        payload: &serde_json::Value,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.0.execute(
            "INSERT INTO agency_records (entity, entity_id, agency_id, payload, deleted, version, updated_at)
             VALUES (?1, ?2, ?3, ?4, 0, 1, ?5)
             ON CONFLICT (entity, entity_id) DO UPDATE SET payload = excluded.payload, deleted = 0,
               version = agency_records.version + 1, updated_at = excluded.updated_at",
            params![entity.as_str(), entity_id.to_string(), agency_id.to_string(), payload.to_string(), ts(now)],
        )?;
        Ok(())
    }

    fn delete_record(
        &mut self,
        entity: SyncEntity,
        entity_id: Uuid,
        agency_id: Uuid,
        payload: &serde_json::Value,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.0.execute(
            "INSERT INTO agency_records (entity, entity_id, agency_id, payload, deleted, version, updated_at)
             VALUES (?1, ?2, ?3, ?4, 1, 1, ?5)
             ON CONFLICT (entity, entity_id) DO UPDATE SET deleted = 1,
               version = agency_records.version + 1, updated_at = excluded.updated_at",
            params![entity.as_str(), entity_id.to_string(), agency_id.to_string(), payload.to_string(), ts(now)],
        )?;
        Ok(())
    }

    fn add_activation(&mut self, a: &crate::store::electronic::NewActivation<'_>) -> StoreResult<()> {
        self.0.execute(
            "INSERT OR IGNORE INTO electronic_cards
               (code_sha256, worker_id, agency_id, certificate_code, card_version, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                a.code_sha256,
                a.worker_id.to_string(),
                a.agency_id.to_string(),
                a.certificate_code,
                a.card_version,
                ts(a.now)
            ],
        )?;
        Ok(())
    }

    fn activation(&mut self, code_sha256: &str) -> StoreResult<Option<crate::store::electronic::Activation>> {
        electronic_row(self.0, "code_sha256", code_sha256)
    }

    fn fail_activation(&mut self, code_sha256: &str) -> StoreResult<()> {
        self.0.execute(
            "UPDATE electronic_cards SET failed_attempts = failed_attempts + 1 WHERE code_sha256 = ?1",
            [code_sha256],
        )?;
        Ok(())
    }

    fn activate(&mut self, code_sha256: &str, token_sha256: &str, now: DateTime<Utc>) -> StoreResult<()> {
        self.0.execute(
            "UPDATE electronic_cards SET token_sha256 = ?2, activated_at = ?3
             WHERE code_sha256 = ?1 AND activated_at IS NULL",
            params![code_sha256, token_sha256, ts(now)],
        )?;
        Ok(())
    }

    fn electronic_card(&mut self, token_sha256: &str) -> StoreResult<Option<crate::store::electronic::Activation>> {
        electronic_row(self.0, "token_sha256", token_sha256)
    }

    fn current_card(&mut self, code: &str, card_version: u16) -> StoreResult<Option<(Uuid, Uuid)>> {
        public::current_card(self.0, code, card_version)
    }

    fn feedback_token_used(&mut self, kind: FeedbackKind, token_nonce: &str) -> StoreResult<bool> {
        public::feedback_token_used(self.0, kind, token_nonce)
    }

    fn hold_rating(&mut self, id: Uuid) -> StoreResult<()> {
        self.0.execute("UPDATE ratings SET held = 1 WHERE id = ?1", [id.to_string()])?;
        Ok(())
    }

    fn held_rating(&mut self, id: Uuid) -> StoreResult<Option<crate::store::public::HeldRating>> {
        public::held_ratings(self.0, Some(id)).map(|mut v| v.pop())
    }

    fn release_rating(&mut self, id: Uuid) -> StoreResult<()> {
        self.0.execute("UPDATE ratings SET held = 0 WHERE id = ?1 AND held = 1", [id.to_string()])?;
        Ok(())
    }

    fn discard_rating(&mut self, id: Uuid) -> StoreResult<()> {
        self.0.execute("DELETE FROM ratings WHERE id = ?1 AND held = 1", [id.to_string()])?;
        Ok(())
    }

    fn forget_feedback_sources(&mut self, kind: FeedbackKind, before: DateTime<Utc>) -> StoreResult<()> {
        public::forget_feedback_sources(self.0, kind, before)
    }

    fn count_feedback(
        &mut self,
        kind: FeedbackKind,
        code: &str,
        from: FeedbackFrom<'_>,
        since: DateTime<Utc>,
    ) -> StoreResult<u32> {
        public::count_feedback(self.0, kind, code, from, since)
    }

    fn add_feedback(
        &mut self,
        submission: &FeedbackSubmission,
        worker_id: Uuid,
        agency_id: Uuid,
        sources: (&str, &str),
    ) -> StoreResult<()> {
        public::add_feedback(self.0, submission, worker_id, agency_id, sources)
    }

    fn feedback_key(&mut self, day: &str, fresh: &str) -> StoreResult<String> {
        self.0.execute("INSERT INTO feedback_keys (day, secret) VALUES (?1, ?2) ON CONFLICT DO NOTHING", params![day, fresh])?;
        Ok(self.0.query_row("SELECT secret FROM feedback_keys WHERE day = ?1", [day], |r| r.get(0))?)
    }

    fn existing_feedback_key(&mut self, day: &str) -> StoreResult<Option<String>> {
        Ok(self.0.query_row("SELECT secret FROM feedback_keys WHERE day = ?1", [day], |r| r.get(0)).optional()?)
    }

    fn drop_feedback_keys_before(&mut self, day: &str) -> StoreResult<()> {
        self.0.execute("DELETE FROM feedback_keys WHERE day < ?1", [day])?;
        Ok(())
    }

    fn current_key(&mut self) -> StoreResult<Option<(u16, crate::keys::PlatformKey)>> {
        let current: Option<(u16, Vec<u8>, String)> = self
            .0
            .query_row(
                "SELECT key_id, secret, algorithm FROM signing_keys WHERE not_after IS NULL AND withdrawn_at IS NULL
                 ORDER BY key_id DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        current
            .map(|(id, secret, algorithm)| {
                let algorithm = super::algorithm_of(&algorithm)?;
                let key = self.1.key(id, &secret, algorithm).map_err(StoreError::Signing)?;
                Ok((id, key))
            })
            .transpose()
    }

    fn live_keys(&mut self) -> StoreResult<Vec<TrustedKey>> {
        let mut stmt = self.0.prepare(
            "SELECT key_id, public_key, not_before, algorithm FROM signing_keys
             WHERE not_after IS NULL AND withdrawn_at IS NULL",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get::<_, u16>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?))
        })?;
        rows.map(|r| {
            let (key_id, public_key, not_before, algorithm) = r?;
            Ok(TrustedKey {
                key_id,
                public_key,
                algorithm: super::algorithm_of(&algorithm)?,
                not_before: date_of(&not_before)?,
                not_after: None,
            })
        })
        .collect()
    }

    fn next_key_id(&mut self) -> StoreResult<u16> {
        Ok(self.0.query_row(
            "SELECT COALESCE(MAX(key_id), 0) + 1 FROM signing_keys",
            [],
            |r| r.get(0),
        )?)
    }

    fn add_key(&mut self, key: &TrustedKey, secret: &crate::keys::PlatformKey) -> StoreResult<()> {
        self.0.execute(
            "INSERT INTO signing_keys (key_id, secret, public_key, not_before, not_after, algorithm)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                key.key_id,
                self.1.stored(key.key_id, secret),
                key.public_key,
                key.not_before.to_string(),
                key.not_after.map(|d| d.to_string()),
                key.algorithm.code()
            ],
        )?;
        Ok(())
    }

    fn retire_key(&mut self, key_id: u16, not_after: NaiveDate) -> StoreResult<()> {
        self.destroy_token_key(key_id)?;
        self.0.execute(
            // The private part is destroyed: a retired key never signs again.
            "UPDATE signing_keys SET not_after = ?2, secret = X'' WHERE key_id = ?1",
            params![key_id, not_after.to_string()],
        )?;
        Ok(())
    }

    fn withdraw_key(
        &mut self,
        key_id: u16,
        not_after: NaiveDate,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        self.destroy_token_key(key_id)?;
        let n = self.0.execute(
            "UPDATE signing_keys SET withdrawn_at = ?2, not_after = COALESCE(not_after, ?3), secret = X''
             WHERE key_id = ?1 AND withdrawn_at IS NULL",
            params![key_id, ts(now), not_after.to_string()],
        )?;
        Ok(n == 1)
    }

    fn certificate_holder(&mut self, code: &str) -> StoreResult<Option<CertificateHolder>> {
        let row: Option<(String, String, String, String)> = self
            .0
            .query_row(
                "SELECT c.worker_id, c.agency_id, w.name, w.id_number FROM certificates c JOIN workers w ON w.id = c.worker_id
                 WHERE c.code = ?1",
                [code],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        row.map(|(w, a, name, id_number)| Ok(CertificateHolder { worker_id: uuid_of(w)?, agency_id: uuid_of(a)?, name, id_number }))
            .transpose()
    }

    fn filing_receipt(&mut self, key: FilingKey<'_>) -> StoreResult<Option<String>> {
        let (sql, value) = match key {
            FilingKey::Number(n) => ("SELECT receipt FROM roster_filings WHERE number = ?1", n.to_owned()),
            FilingKey::FilingId(id) => ("SELECT receipt FROM roster_filings WHERE filing_id = ?1", id.to_string()),
        };
        Ok(self.0.query_row(sql, [value], |r| r.get(0)).optional()?)
    }

    fn filing_receipts(&mut self, agency_id: Option<Uuid>) -> StoreResult<Vec<String>> {
        let mut stmt = self.0.prepare(
            "SELECT receipt FROM roster_filings WHERE ?1 IS NULL OR agency_id = ?1 ORDER BY seq",
        )?;
        let rows = stmt.query_map([agency_id.map(|a| a.to_string())], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn filing_roster(&mut self, number: &str) -> StoreResult<Option<String>> {
        Ok(self.0.query_row("SELECT roster FROM roster_filings WHERE number = ?1", [number], |r| r.get(0)).optional()?)
    }

    fn next_filing_seq(&mut self) -> StoreResult<i64> {
        Ok(self.0.query_row("SELECT COALESCE(max(seq), 0) + 1 FROM roster_filings", [], |r| r.get(0))?)
    }

    fn complaint(&mut self, id: Uuid) -> StoreResult<Option<ComplaintRow>> {
        super::complaints::complaint(self.0, id)
    }

    fn complaints(&mut self, filter: ComplaintFilter) -> StoreResult<Vec<ComplaintRow>> {
        super::complaints::complaints(self.0, filter)
    }

    fn complaint_events(&mut self, id: Uuid) -> StoreResult<Vec<ComplaintEvent>> {
        super::complaints::events(self.0, id)
    }

    fn add_complaint_event(&mut self, event: &ComplaintEvent) -> StoreResult<()> {
        super::complaints::add_event(self.0, event)
    }

    fn add_filing(&mut self, f: &NewFiling<'_>) -> StoreResult<()> {
        let b = &f.receipt.body;
        self.0.execute(
            "INSERT INTO roster_filings (number, seq, filing_id, agency_id, device_id, period_from, period_to, row_count,
                 roster_sha256, replaces, filed_at, receipt, roster)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            params![
                b.number,
                f.seq,
                b.filing_id.to_string(),
                b.agency_id.to_string(),
                f.device_id.to_string(),
                b.period_from.to_string(),
                b.period_to.to_string(),
                b.rows,
                b.roster_sha256,
                b.replaces,
                ts(b.filed_at),
                f.receipt_json,
                f.roster
            ],
        )?;
        Ok(())
    }
}

/// One electronic card row by its code's or its phone secret's SHA-256 (`column` is one of
/// the two names, never input).
fn electronic_row(
    tx: &Transaction<'_>,
    column: &'static str,
    sha256: &str,
) -> StoreResult<Option<crate::store::electronic::Activation>> {
    let row = tx
        .query_row(
            &format!(
                "SELECT worker_id, agency_id, certificate_code, card_version, failed_attempts, activated_at
                 FROM electronic_cards WHERE {column} = ?1"
            ),
            [sha256],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, u16>(3)?,
                    r.get::<_, u32>(4)?,
                    r.get::<_, Option<String>>(5)?,
                ))
            },
        )
        .optional()?;
    let Some((worker, agency, certificate_code, card_version, failed_attempts, activated)) = row else {
        return Ok(None);
    };
    Ok(Some(crate::store::electronic::Activation {
        worker_id: uuid_of(worker)?,
        agency_id: uuid_of(agency)?,
        certificate_code,
        card_version,
        failed_attempts,
        activated_at: activated.as_deref().map(time_of).transpose()?,
    }))
}
